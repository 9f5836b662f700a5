/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The half-open (SYN_RCVD) connections of a server without SYN cookies,
 * oldest first, so that a bounded SYN_RCVD population gives room to a new
 * SYN by dropping the oldest half-open connection (RFC 4987 3.4, "Random
 * drop" and 3.5's "oldest first" family; Linux drops the oldest request of
 * a full SYN queue only when syncookies are off too).
 *
 * With syn_cookies = auto or on, a SYN beyond tcp's syn_rcvd_max gets a
 * cookie and no state, so SYN_RCVD never passes the mark and this queue is
 * not made. With cookies off it is the only bound besides the table.
 *
 * A FIFO of (block, ISS) pairs, written once per passive open: an entry
 * whose block has since left SYN_RCVD (or been reused: another ISS) is
 * stale and skipped. When the ring is full the stale entries are swept
 * out, in order; the ring holds twice syn_rcvd_max entries and at most
 * syn_rcvd_max are live, so a sweep frees at least half and costs O(1)
 * per push amortised.
 */
#include <rte_common.h>
#include <rte_malloc.h>

#include "tt_common.h"
#include "tcp/tt_tcp_priv.h"

int
tt_synq_init(struct tt_tcp_ctx *ctx, int socket)
{
	struct tt_synq *q = &ctx->synq;

	q->cap = ctx->syn_rcvd_max * 2;
	q->head = q->n = 0;
	q->e = rte_malloc_socket("tt_synq", (size_t)q->cap * sizeof(q->e[0]), 0, socket);
	return q->e == NULL ? -ENOMEM : 0;
}

void
tt_synq_free(struct tt_tcp_ctx *ctx)
{
	rte_free(ctx->synq.e);
	ctx->synq.e = NULL;
}

static inline bool
synq_live(const struct tt_tcp_ctx *ctx, const struct tt_synq_ent *e)
{
	const struct tt_conn *c = &ctx->conns[e->idx];

	return c->state == TT_TCPS_SYN_RCVD && c->snd_una == e->iss;
}

/* Keep only the live entries, in their order. */
static void
synq_sweep(struct tt_tcp_ctx *ctx)
{
	struct tt_synq *q = &ctx->synq;
	uint32_t i, keep = 0;

	for (i = 0; i < q->n; i++) {
		struct tt_synq_ent e = q->e[(q->head + i) % q->cap];

		if (synq_live(ctx, &e))
			q->e[(q->head + keep++) % q->cap] = e;
	}
	q->n = keep;
}

void
tt_synq_push(struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	struct tt_synq *q = &ctx->synq;

	if (q->n == q->cap)
		synq_sweep(ctx);
	if (unlikely(q->n == q->cap))
		return;	/* cannot happen: at most syn_rcvd_max are live */
	q->e[(q->head + q->n) % q->cap] = (struct tt_synq_ent){
		.idx = tt_tcp_conn_idx(ctx, c), .iss = c->snd_una };
	q->n++;
}

bool
tt_synq_evict_oldest(struct tt_tcp_ctx *ctx)
{
	struct tt_synq *q = &ctx->synq;

	while (q->n > 0) {
		struct tt_synq_ent e = q->e[q->head];

		q->head = (q->head + 1) % q->cap;
		q->n--;
		if (!synq_live(ctx, &e))
			continue;
		/*
		 * Dropped without a RST, as a lost SYN would be: the peer's
		 * ACK, if it ever comes, meets no flow and gets one then.
		 */
		TT_STAT_INC(ctx->stats, syn_rcvd_evicted);
		tt_tcp_conn_free(ctx, &ctx->conns[e.idx], TT_CLOSE_R_TIMEOUT);
		return true;
	}
	return false;
}
