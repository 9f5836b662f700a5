/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test impairment of received frames (tt_impair.h). A control-path
 * module: it allocates the per-queue state at attach time; the callback
 * itself allocates only the copies it is asked to make.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "tt_common.h"
#include "net/tt_impair.h"

/* Empty polls after which a frame held back goes alone (nothing came after it). */
#define TT_IMPAIR_HOLD_POLLS 64

struct tt_impair_q {
	uint64_t rng;		/**< xorshift64* state */
	uint32_t drop;		/**< thresholds out of 2^32 */
	uint32_t dup;
	uint32_t reorder;
	uint32_t held_polls;
	struct rte_mbuf *held;	/**< the frame held back, delivered after the next one */
	struct tt_stats *stats;
};

static struct tt_impair_q *tt_impair_qs[RTE_MAX_ETHPORTS][RTE_MAX_LCORE];

/* xorshift64* (Vigna 2016): one 32-bit draw a decision. */
static inline uint32_t
draw(struct tt_impair_q *iq)
{
	iq->rng ^= iq->rng >> 12;
	iq->rng ^= iq->rng << 25;
	iq->rng ^= iq->rng >> 27;
	return (uint32_t)((iq->rng * 0x2545f4914f6cdd1dull) >> 32);
}

static uint32_t
threshold(double pct)
{
	double t = pct / 100.0 * 4294967296.0;

	return t >= 4294967295.0 ? UINT32_MAX : (uint32_t)t;
}

static uint16_t
impair_rx(uint16_t port_id, uint16_t queue, struct rte_mbuf *pkts[], uint16_t nb,
	  uint16_t max, void *arg)
{
	struct tt_impair_q *iq = arg;
	struct rte_mbuf *in[nb > 0 ? nb : 1];
	uint16_t i, n = 0;

	RTE_SET_USED(port_id);
	RTE_SET_USED(queue);
	if (nb == 0) {
		if (iq->held != NULL && ++iq->held_polls >= TT_IMPAIR_HOLD_POLLS && max > 0) {
			pkts[n++] = iq->held;
			iq->held = NULL;
		}
		return n;
	}
	memcpy(in, pkts, nb * sizeof(in[0]));
	for (i = 0; i < nb; i++) {
		struct rte_mbuf *m = in[i];
		/* Room for the inputs still to come, which are never lost for want of it. */
		uint16_t spare = (uint16_t)(max - n - (nb - i));
		uint32_t d_drop = draw(iq), d_dup = draw(iq), d_reo = draw(iq);

		if (d_drop < iq->drop) {
			rte_pktmbuf_free(m);
			iq->stats->c[TT_STAT_impair_dropped]++;
			continue;
		}
		if (iq->held == NULL && d_reo < iq->reorder) {
			iq->held = m;
			iq->held_polls = 0;
			iq->stats->c[TT_STAT_impair_reordered]++;
			continue;
		}
		pkts[n++] = m;
		if (iq->held != NULL && spare > 0) {
			pkts[n++] = iq->held;
			iq->held = NULL;
			spare--;
		}
		if (d_dup < iq->dup && spare > 0) {
			struct rte_mbuf *c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);

			if (c != NULL) {
				pkts[n++] = c;
				iq->stats->c[TT_STAT_impair_duplicated]++;
			}
		}
	}
	return n;
}

int
tt_impair_attach(uint16_t port_id, uint16_t queue, const struct tt_port_cfg *pc,
		 struct tt_stats *stats)
{
	struct tt_impair_q *iq;

	if (pc->impair_drop_pct == 0 && pc->impair_dup_pct == 0 && pc->impair_reorder_pct == 0)
		return 0;
	if (port_id >= RTE_MAX_ETHPORTS || queue >= RTE_MAX_LCORE)
		return -EINVAL;
	iq = rte_zmalloc("tt_impair", sizeof(*iq), RTE_CACHE_LINE_SIZE);
	if (iq == NULL)
		return -ENOMEM;
	iq->drop = threshold(pc->impair_drop_pct);
	iq->dup = threshold(pc->impair_dup_pct);
	iq->reorder = threshold(pc->impair_reorder_pct);
	/* One stream per port and queue; never the all-zero state. */
	iq->rng = ((uint64_t)pc->impair_seed << 32 | (uint32_t)port_id << 16 | queue) ^
		  0x9e3779b97f4a7c15ull;
	iq->stats = stats;
	if (rte_eth_add_rx_callback(port_id, queue, impair_rx, iq) == NULL) {
		rte_free(iq);
		return -rte_errno;
	}
	tt_impair_qs[port_id][queue] = iq;
	TT_LOG(WARNING, "port %u queue %u: test impairment on: drop %.3g%%, dup %.3g%%, "
	       "reorder %.3g%%, seed %u", port_id, queue, pc->impair_drop_pct,
	       pc->impair_dup_pct, pc->impair_reorder_pct, pc->impair_seed);
	return 0;
}

unsigned int
tt_impair_flush(uint16_t port_id, uint16_t queue)
{
	struct tt_impair_q *iq;

	if (port_id >= RTE_MAX_ETHPORTS || queue >= RTE_MAX_LCORE)
		return 0;
	iq = tt_impair_qs[port_id][queue];
	if (iq == NULL || iq->held == NULL)
		return 0;
	rte_pktmbuf_free(iq->held);
	iq->held = NULL;
	return 1;
}
