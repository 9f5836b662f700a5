/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Out-of-order queue and SACK blocks (tt_tcp_reass.h).
 *
 * Where a queue lives. The connection block has no room for a queue head
 * (struct tt_conn, 176 bytes, static-asserted), and only a few connections
 * of an lcore hold out-of-order data at any time. So a block has one flag
 * (TT_CF_REASS), which is all the packet path reads when nothing is held,
 * and a 16-bit slot (reass_slot, meaningful with the flag) in a per-lcore
 * array of queues, as many as the lcore may hold segments
 * (tt_reass_lcore_cap(): tcp.reass_mbufs within a quarter of the pool, at
 * most 65,535) and no more than its blocks (tcp.max_flows: a connection takes
 * one slot at most): a slot is taken by the first segment a connection
 * holds and given back when its queue empties. A slot has the list's
 * head and tail, what it holds, and the SACK history RFC 2018 4 asks for.
 *
 * How segments are linked. The received mbufs are kept (no copy) and
 * linked through m->next: a held mbuf is a single-segment one (the
 * parser's frames always are; a chained one is not held), trimmed to its
 * payload, so its own next is free. Its sequence number sits in an mbuf
 * dynamic field. Linking costs no allocation on the packet path, where
 * a per-lcore array of (seq, mbuf) would need a size for the worst
 * connection times the connections, or moves on every insertion. The
 * list is in sequence order, without overlap: what arrives is trimmed
 * against its neighbours, or replaces a neighbour it covers. The common
 * arrival, just past the tail (the segments that follow a loss), is O(1);
 * others walk the list, which the window bounds.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "tt_common.h"
#include "tcp/tt_tcp.h"
#include "tcp/tt_tcp_priv.h"
#include "tcp/tt_tcp_events.h"
#include "tcp/tt_tcp_reass.h"

/* SACK blocks a slot remembers: the most a segment can carry (RFC 2018 3, no timestamps). */
#define TT_REASS_SACK_MAX 4
#define TT_REASS_MAX_SLOTS 65535u

struct tt_reass_q {
	struct rte_mbuf *head;	/**< lowest sequence number first */
	struct rte_mbuf *tail;
	uint32_t bytes;		/**< payload held */
	uint32_t tail_run;	/**< first sequence number of the held run ending at tail */
	uint32_t fin_seq;	/**< sequence number of the peer's FIN, with fin */
	uint16_t nsegs;
	uint16_t next_free;	/**< free-slot list */
	bool fin;		/**< the peer's FIN arrived out of order */
	uint8_t nsack;
	/** Blocks of held data, most recently changed first (RFC 2018 4), host order. */
	uint32_t sack[TT_REASS_SACK_MAX][2];
};

struct tt_reass {
	uint32_t held;		/**< segments held, all connections */
	uint32_t cap;		/**< tt_reass_lcore_cap() */
	uint16_t n_slots;
	uint16_t free_head;	/**< 0: none */
	/* A D-SACK block for the next segment of dsack_c (RFC 2883). */
	const struct tt_conn *dsack_c;
	uint32_t dsack[2];
	/* The blocks of the segment being built, as they go on the wire. */
	uint32_t out[2 * TT_REASS_SACK_MAX];
	struct tt_reass_q q[];	/**< q[0] unused: slot 0 means none */
};

/* The dynamic field that holds a held mbuf's sequence number. */
static int tt_reass_seq_off = -1;
static const struct rte_mbuf_dynfield tt_reass_seq_desc = {
	.name = "tcpterm_reass_seq",
	.size = sizeof(uint32_t),
	.align = __alignof__(uint32_t),
};
#define SEQ(m) (*RTE_MBUF_DYNFIELD((m), tt_reass_seq_off, uint32_t *))
#define END(m) (SEQ(m) + (m)->data_len)

uint32_t
tt_reass_lcore_cap(const struct tt_config *cfg, unsigned int n_lcores)
{
	/* Pools are best 2^n - 1: the default 16,383 gives two lcores 2,048 each. */
	uint32_t share = RTE_MAX(1u, (cfg->general.mbufs + 1) / (4u * RTE_MAX(1u, n_lcores)));

	return RTE_MIN(cfg->tcp.reass_mbufs, share);
}

uint32_t
tt_reass_cap(const struct tt_reass *r)
{
	return r->cap;
}

struct tt_reass *
tt_reass_create(const struct tt_config *cfg, int socket)
{
	uint32_t cap = tt_reass_lcore_cap(cfg, rte_lcore_count());
	uint32_t n = RTE_MIN(RTE_MIN(cap, cfg->tcp.max_flows), TT_REASS_MAX_SLOTS);
	struct tt_reass *r;
	uint32_t i;

	if (tt_reass_seq_off < 0) {
		tt_reass_seq_off = rte_mbuf_dynfield_register(&tt_reass_seq_desc);
		if (tt_reass_seq_off < 0)
			return NULL;
	}
	r = rte_zmalloc_socket("tt_reass", sizeof(*r) + (n + 1) * sizeof(r->q[0]),
			       RTE_CACHE_LINE_SIZE, socket);
	if (r == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	r->cap = cap;
	r->n_slots = (uint16_t)n;
	for (i = 1; i <= n; i++)
		r->q[i].next_free = (uint16_t)(i < n ? i + 1 : 0);
	r->free_head = n > 0 ? 1 : 0;
	return r;
}

static void
q_free_mbufs(struct tt_reass *r, struct tt_reass_q *q)
{
	struct rte_mbuf *m = q->head;

	while (m != NULL) {
		struct rte_mbuf *next = m->next;

		m->next = NULL;
		rte_pktmbuf_free(m);
		r->held--;
		m = next;
	}
	q->head = q->tail = NULL;
	q->bytes = 0;
	q->nsegs = 0;
}

void
tt_reass_destroy(struct tt_reass *r)
{
	uint32_t i;

	if (r == NULL)
		return;
	for (i = 1; i <= r->n_slots; i++)
		q_free_mbufs(r, &r->q[i]);
	rte_free(r);
}

uint32_t
tt_reass_held(const struct tt_reass *r)
{
	return r->held;
}

static inline struct tt_reass_q *
q_of(const struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	return &ctx->reass->q[c->reass_slot];
}

void
tt_reass_free(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	struct tt_reass *r = ctx->reass;
	struct tt_reass_q *q = q_of(ctx, c);

	q_free_mbufs(r, q);
	q->fin = false;
	q->nsack = 0;
	q->next_free = r->free_head;
	r->free_head = c->reass_slot;
	c->flags &= ~TT_CF_REASS;
	if (r->dsack_c == c)
		r->dsack_c = NULL;
}

/*
 * RFC 2018 4: the first block reports the data that arrived last, as the
 * whole run of held data it joined [le, re); the blocks reported before
 * follow, unless this one covers them (held data next to a run is part
 * of it, so an older block meeting [le, re] is inside it).
 */
static void
sack_note(struct tt_reass_q *q, uint32_t le, uint32_t re)
{
	uint32_t b[TT_REASS_SACK_MAX][2];
	unsigned int i, n = 0;

	for (i = 0; i < q->nsack && n < TT_REASS_SACK_MAX - 1; i++) {
		if (TT_SEQ_LEQ(q->sack[i][0], re) && TT_SEQ_GEQ(q->sack[i][1], le))
			continue;
		b[n][0] = q->sack[i][0];
		b[n][1] = q->sack[i][1];
		n++;
	}
	q->sack[0][0] = le;
	q->sack[0][1] = re;
	memcpy(&q->sack[1], b, n * sizeof(b[0]));
	q->nsack = (uint8_t)(n + 1);
}

/* RCV.NXT moved to @p rcv_nxt: blocks below it go (RFC 2018 4: only data above the ACK). */
static void
sack_prune(struct tt_reass_q *q, uint32_t rcv_nxt)
{
	unsigned int i, n = 0;

	for (i = 0; i < q->nsack; i++) {
		if (TT_SEQ_LEQ(q->sack[i][1], rcv_nxt))
			continue;
		q->sack[n][0] = TT_SEQ_GT(q->sack[i][0], rcv_nxt) ? q->sack[i][0] : rcv_nxt;
		q->sack[n][1] = q->sack[i][1];
		n++;
	}
	q->nsack = (uint8_t)n;
}

/* A slot for @p c, or NULL when the lcore has none left. */
static struct tt_reass_q *
q_get(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	struct tt_reass *r = ctx->reass;
	struct tt_reass_q *q;

	if (c->flags & TT_CF_REASS)
		return q_of(ctx, c);
	if (r->free_head == 0)
		return NULL;
	c->flags |= TT_CF_REASS;
	c->reass_slot = r->free_head;
	q = &r->q[r->free_head];
	r->free_head = q->next_free;
	q->head = q->tail = NULL;
	q->bytes = 0;
	q->nsegs = 0;
	q->fin = false;
	q->nsack = 0;
	return q;
}

/* Unlink and free @p m (after @p prev, or the head), wholly covered by newer data. */
static void
q_drop(struct tt_tcp_ctx *ctx, struct tt_reass_q *q, struct rte_mbuf *prev, struct rte_mbuf *m)
{
	if (prev != NULL)
		prev->next = m->next;
	else
		q->head = m->next;
	if (q->tail == m)
		q->tail = prev;
	q->bytes -= m->data_len;
	q->nsegs--;
	ctx->reass->held--;
	TT_DROP(ctx->stats, TT_DROP_tcp_ooo_dup);
	m->next = NULL;
	rte_pktmbuf_free(m);
}

bool
tt_reass_insert(struct tt_tcp_ctx *ctx, struct tt_conn *c, struct rte_mbuf *m,
		uint32_t seq, const uint8_t *data, uint32_t len, bool fin, uint32_t rcv_wnd)
{
	struct tt_reass *r = ctx->reass;
	uint32_t win_end = c->rcv_nxt + rcv_wnd, end = seq + len, run;
	struct rte_mbuf *prev = NULL, *p, *x;
	struct tt_reass_q *q;

	/* Only data inside the window we advertised is held (it is what we have room for). */
	if (TT_SEQ_GT(end, win_end)) {
		len = TT_SEQ_GT(win_end, seq) ? win_end - seq : 0;
		end = seq + len;
		fin = false;
	}
	if ((c->state != TT_TCPS_ESTABLISHED && c->state != TT_TCPS_FIN_WAIT_1 &&
	     c->state != TT_TCPS_FIN_WAIT_2) || (len == 0 && !fin))
		goto refuse;
	if (len > 0 && (r->held >= r->cap || m->nb_segs != 1))
		goto refuse;
	q = q_get(ctx, c);
	if (q == NULL)
		goto refuse;
	if (fin && !q->fin) {
		/* The FIN's place; data past it is never delivered (tt_reass_deliver). */
		q->fin = true;
		q->fin_seq = end;
	}
	/* Nothing past the peer's FIN is data (a second FIN elsewhere is ignored). */
	if (q->fin && TT_SEQ_GT(end, q->fin_seq)) {
		len = TT_SEQ_GT(q->fin_seq, seq) ? q->fin_seq - seq : 0;
		end = seq + len;
	}
	if (len == 0) {
		if (q->head == NULL && !q->fin)
			tt_reass_free(ctx, c);
		return false;
	}

	/* Where it goes: after the last held segment that starts at or before it. */
	p = q->head;
	run = 0;
	if (q->tail != NULL && TT_SEQ_GEQ(seq, SEQ(q->tail))) {
		prev = q->tail;
		p = NULL;
		run = q->tail_run;
	} else {
		for (; p != NULL && TT_SEQ_LEQ(SEQ(p), seq); prev = p, p = p->next)
			if (prev == NULL || SEQ(p) != END(prev))
				run = SEQ(p);
	}
	/* Trim what the one before holds already; all of it: a duplicate. */
	if (prev != NULL && TT_SEQ_GT(END(prev), seq)) {
		uint32_t cut = END(prev) - seq;

		if (cut >= len) {
			TT_DROP(ctx->stats, TT_DROP_tcp_ooo_dup);
			tt_reass_dsack(ctx, c, seq, end);
			/* RFC 2883 4: the run it duplicates follows as the first SACK block. */
			for (x = prev; x->next != NULL && SEQ(x->next) == END(x); x = x->next)
				;
			sack_note(q, run, END(x));
			return false;
		}
		seq += cut;
		data += cut;
		len -= cut;
	}
	/* Those it covers wholly go; the tail of what it overlaps is trimmed. */
	while (p != NULL && TT_SEQ_LT(SEQ(p), end)) {
		if (TT_SEQ_GEQ(end, END(p))) {
			struct rte_mbuf *next = p->next;

			q_drop(ctx, q, prev, p);
			p = next;
			continue;
		}
		len = SEQ(p) - seq;
		end = SEQ(p);
		break;
	}
	rte_pktmbuf_adj(m, (uint16_t)(data - rte_pktmbuf_mtod(m, const uint8_t *)));
	rte_pktmbuf_trim(m, (uint16_t)(m->data_len - len));
	SEQ(m) = seq;
	m->next = p;
	if (prev != NULL)
		prev->next = m;
	else
		q->head = m;
	if (p == NULL)
		q->tail = m;
	q->bytes += len;
	q->nsegs++;
	r->held++;
	TT_STAT_INC(ctx->stats, ooo_queued);
	/* The held run it joined, for the SACK history and the tail's run. */
	if (prev == NULL || END(prev) != seq)
		run = seq;
	for (x = m; x->next != NULL && SEQ(x->next) == END(x); x = x->next)
		;
	if (x == q->tail)
		q->tail_run = run;
	sack_note(q, run, END(x));
	return true;

refuse:
	TT_DROP(ctx->stats, TT_DROP_tcp_ooo);
	return false;
}

bool
tt_reass_deliver(struct tt_tcp_ctx *ctx, struct tt_conn *c, bool *fin)
{
	struct tt_reass *r = ctx->reass;
	struct tt_reass_q *q = q_of(ctx, c);
	struct rte_mbuf *m;

	/* RFC 5681 4.2: an ACK at once when a segment fills all or part of a hole. */
	c->flags |= TT_CF_ACK_NOW;
	if (*fin) {
		/* The FIN in order: nothing held can lie before it. */
		tt_reass_free(ctx, c);
		return true;
	}
	while ((m = q->head) != NULL && TT_SEQ_LEQ(SEQ(m), c->rcv_nxt)) {
		uint32_t len, end = END(m);

		q->head = m->next;
		if (q->head == NULL)
			q->tail = NULL;
		m->next = NULL;
		q->bytes -= m->data_len;
		q->nsegs--;
		r->held--;
		if (q->fin && TT_SEQ_GT(end, q->fin_seq))
			end = q->fin_seq;	/* held before a FIN that ends the stream earlier */
		if (TT_SEQ_LEQ(end, c->rcv_nxt)) {
			/* The in-order segment brought all of it. */
			TT_DROP(ctx->stats, TT_DROP_tcp_ooo_dup);
			rte_pktmbuf_free(m);
			continue;
		}
		len = end - c->rcv_nxt;
		rte_pktmbuf_adj(m, (uint16_t)(c->rcv_nxt - SEQ(m)));
		rte_pktmbuf_trim(m, (uint16_t)(m->data_len - len));
		/* As text_deliver() does for a segment in order. */
		c->rcv_nxt += len;
		c->rx_off += len;
		c->rx_unacked += len;
		ctx->stats->c[TT_STAT_tcp_bytes_in] += len;
		TT_STAT_INC(ctx->stats, ooo_merged);
		if (!tt_tcp_ev_recv(ctx, c, m, rte_pktmbuf_mtod(m, const uint8_t *), len))
			rte_pktmbuf_free(m);
		/* An abort by the application freed the queue with the block. */
		if (c->state == TT_TCPS_CLOSED)
			return false;
		if (TT_SEQ_LT(c->rcv_nxt, end)) {
			/*
			 * The application left some unread (tt_tcp_app_unread()):
			 * the peer sends it again. The blocks may cover it: none
			 * until the next segment held (RFC 2018 8 lets a
			 * receiver send fewer).
			 */
			q->nsack = 0;
			break;
		}
	}
	if (q->fin && q->fin_seq == c->rcv_nxt) {
		*fin = true;
		tt_reass_free(ctx, c);
		return true;
	}
	sack_prune(q, c->rcv_nxt);
	if (q->head == NULL && !q->fin)
		tt_reass_free(ctx, c);
	return true;
}

uint32_t
tt_reass_window(const struct tt_tcp_ctx *ctx, const struct tt_conn *c, uint32_t wnd)
{
	uint32_t held = q_of(ctx, c)->bytes;
	uint32_t adv = c->rcv_adv - c->rcv_nxt;

	/*
	 * Held data takes room in the receive buffer like data the
	 * application holds; but that charge never takes back the right edge
	 * already advertised (RFC 9293 3.8.6.2.2, RFC 7323 2.4): the queue
	 * lies inside it, and the hole before it must stay in the window. An
	 * application that holds more (@p wnd lower, echo at its limits,
	 * tt_tcp_guard.c) still closes it. Rounded up to the window scale's
	 * unit, which the advertised field has.
	 */
	uint32_t w = wnd > held ? wnd - held : 0;

	if ((int32_t)adv > 0)
		w = RTE_MAX(w, RTE_MIN(RTE_ALIGN_CEIL(adv, 1u << c->rcv_ws), wnd));
	return w;
}

void
tt_reass_dsack(struct tt_tcp_ctx *ctx, const struct tt_conn *c, uint32_t le, uint32_t re)
{
	struct tt_reass *r = ctx->reass;

	if (!(c->flags & TT_CF_SACK) || le == re)
		return;
	r->dsack_c = c;
	r->dsack[0] = le;
	r->dsack[1] = re;
}

bool
tt_reass_dsack_for(const struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	return ctx->reass->dsack_c == c;
}

void
tt_reass_sack_opts(struct tt_tcp_ctx *ctx, const struct tt_conn *c, struct tt_tcp_opts *o,
		   uint32_t len)
{
	struct tt_reass *r = ctx->reass;
	/* RFC 2018 3: 2 + 8n bytes (with two NOPs); 40 bytes of options at most. */
	unsigned int max = (o->present & TT_OPT_TS) ? 3 : 4, n = 0, i;
	uint32_t room = c->mss > len ? c->mss - len : 0;

	/* A data segment keeps its payload: blocks only in what the MSS leaves. */
	if (room < 4 + 8)
		return;
	max = RTE_MIN(max, (room - 4) / 8);
	if (r->dsack_c == c) {
		r->out[0] = rte_cpu_to_be_32(r->dsack[0]);
		r->out[1] = rte_cpu_to_be_32(r->dsack[1]);
		r->dsack_c = NULL;
		n = 1;
		TT_STAT_INC(ctx->stats, dsack_out);
	}
	if (c->flags & TT_CF_REASS) {
		const struct tt_reass_q *q = q_of(ctx, c);

		for (i = 0; i < q->nsack && n < max; i++, n++) {
			r->out[2 * n] = rte_cpu_to_be_32(q->sack[i][0]);
			r->out[2 * n + 1] = rte_cpu_to_be_32(q->sack[i][1]);
		}
	}
	if (n == 0)
		return;
	o->present |= TT_OPT_SACK;
	o->nsack = (uint8_t)n;
	o->sack = (const uint8_t *)r->out;
	TT_STAT_INC(ctx->stats, sack_out);
}

/* ---- Duplicate ACKs for out-of-order data. ---- */

/* Held runs a coalesced duplicate ACK may cover: its SACK blocks beside timestamps. */
#define TT_SACK_PEND_RUNS 3

/*
 * The duplicate ACK owed for out-of-order data [seq, end) (RFC 5681 4.2:
 * "SHOULD send an immediate duplicate ACK"). With SACK in use, the
 * out-of-order segments of one receive burst share one, sent at the end of
 * the burst: its SACK blocks, most recently changed run first (RFC 2018
 * 4), describe what the burst brought. A path that reorders within a burst
 * (a veth fed from two CPUs' backlogs: the sender's process and its
 * softirq) then no longer shows the peer holes that fill a few
 * microseconds later: with an ACK a segment, Linux's RACK (RFC 8985)
 * resent segments still on their way, a third of its retransmissions
 * duplicates (docs/loss.md). Linux's receiver holds such ACKs up to a
 * millisecond (tcp_comp_sack_delay_ns), and GRO alone merges a burst.
 *
 * Every run must still be reported once, as an ACK a segment would: only
 * three blocks fit beside timestamps, so once the burst's segments may
 * have gone to three runs (counted as the starts of non-contiguous
 * segments, an upper bound) the ACK goes at once. Without SACK the peer
 * counts duplicate ACKs (RFC 5681 3.2), so each goes at once, as does one
 * that carries a D-SACK (RFC 2883).
 */
void
tt_reass_dupack(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t seq, uint32_t end)
{
	uint32_t idx = (uint32_t)(c - ctx->conns);
	unsigned int i;

	if (!(c->flags & TT_CF_SACK) || ctx->n_sack_pend >= TT_TCP_SACK_PEND_MAX ||
	    tt_reass_dsack_for(ctx, c)) {
		tt_tcp_send_ack(ctx, c);
		return;
	}
	if (c->flags & TT_CF_SACK_PEND) {
		for (i = ctx->n_sack_pend; i-- > 0;)
			if (ctx->sack_pend[i].idx == idx)
				break;
		if (i < ctx->n_sack_pend) {
			if (ctx->sack_pend[i].end != seq &&
			    ++ctx->sack_pend[i].runs >= TT_SACK_PEND_RUNS) {
				tt_tcp_send_ack(ctx, c);	/* the entry is spent */
				return;
			}
			ctx->sack_pend[i].end = end;
			return;
		}
	}
	c->flags |= TT_CF_SACK_PEND;
	ctx->sack_pend[ctx->n_sack_pend].idx = idx;
	ctx->sack_pend[ctx->n_sack_pend].end = end;
	ctx->sack_pend[ctx->n_sack_pend++].runs = 1;
}

/* The end of a burst: the coalesced duplicate ACKs (tt_reass_dupack()) still owed. */
void
tt_reass_dupack_flush(struct tt_tcp_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->n_sack_pend; i++) {
		struct tt_conn *c = &ctx->conns[ctx->sack_pend[i].idx];

		/* Sent since (any segment carries it), or the block was freed. */
		if (!(c->flags & TT_CF_SACK_PEND))
			continue;
		if (c->state == TT_TCPS_CLOSED)
			c->flags &= ~TT_CF_SACK_PEND;
		else
			tt_tcp_send_ack(ctx, c);
	}
	ctx->n_sack_pend = 0;
}
