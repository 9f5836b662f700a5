/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_STEER_H_
#define _TT_STEER_H_

/**
 * @file
 * Software steering between lcores (a port's rss = steer), and the
 * sharing of ARP replies (rss = steer or hash) when several lcores share a
 * port whose driver does not pair queue i with the peer's queue i.
 *
 * Each lcore owns its connections. The owner of a received TCP segment is
 * a function of its tuple alone, which every lcore computes alike with no
 * shared state (gen/tt_owner.h). A segment another lcore owns
 * goes to it over a single-producer single-consumer rte_ring of that pair
 * of lcores, made at start on the owner's socket; a full ring drops the
 * segment and counts it (steer_full), so no lcore ever waits for another.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "net/tt_net.h"
#include "gen/tt_owner.h"

struct tt_app;
struct tt_worker;

/** Frames staged per destination lcore before one enqueue (a burst's worth). */
#define TT_STEER_BURST 64

/** One lcore's steering state. Written by its own lcore only. */
struct tt_steer {
	unsigned int n;			/**< lcores (workers) */
	unsigned int self;		/**< this lcore's worker index */
	struct rte_ring *out[RTE_MAX_LCORE];	/**< to worker j; NULL at self */
	struct rte_ring *in[RTE_MAX_LCORE];	/**< from worker j; NULL at self */
	uint16_t n_pend[RTE_MAX_LCORE];	/**< frames staged for worker j */
	struct rte_mbuf **pend;		/**< [n][TT_STEER_BURST] */
	/** Each port as parsing sees a steered frame: checksums already checked. */
	struct tt_iface parse_ifc[TT_MAX_PORTS];
	/** Owner of each local port: a worker index or TT_OWNER_BY_HASH. */
	uint8_t owner[65536];
};

/** The owner of a parsed TCP segment @p p (gen/tt_owner.h). */
static inline unsigned int
tt_steer_owner(const struct tt_steer *st, const struct tt_pkt *p)
{
	return tt_owner_of(st->owner, st->n, rte_be_to_cpu_32(p->ip->src_addr),
			   rte_be_to_cpu_32(p->ip->dst_addr), rte_be_to_cpu_16(p->tcp->src_port),
			   rte_be_to_cpu_16(p->tcp->dst_port));
}

/** Stage @p m for worker @p to (flushed by tt_steer_flush()). */
static inline void
tt_steer_stage(struct tt_steer *st, unsigned int to, struct rte_mbuf *m)
{
	st->pend[to * TT_STEER_BURST + st->n_pend[to]++] = m;
}

/**
 * A parsed TCP segment @p m of a steered port: true when another lcore
 * owns it and it was staged for that lcore (no longer ours), false when
 * it is our own. Its checksums were checked by the parse (or the NIC), and
 * the RX flags now say so, so the owner's parse does not check them again.
 */
static inline bool
tt_steer_tcp(struct tt_steer *st, struct rte_mbuf *m, const struct tt_pkt *p)
{
	unsigned int o = tt_steer_owner(st, p);

	if (o == st->self)
		return false;
	m->ol_flags = (m->ol_flags & ~(RTE_MBUF_F_RX_IP_CKSUM_MASK | RTE_MBUF_F_RX_L4_CKSUM_MASK)) |
		      RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	tt_steer_stage(st, o, m);
	return true;
}

/**
 * A parsed ARP frame @p m of a port whose lcores share ARP replies: a
 * reply goes to every other lcore as a copy (the NIC delivers non-IP
 * frames to one queue, not to the lcore that asked), and is handled here
 * only if this lcore has an entry for its sender. Returns true when @p m
 * was consumed, false when the caller hands it to tt_arp_input().
 */
bool tt_steer_arp(struct tt_worker *w, const struct tt_iface *ifc, struct rte_mbuf *m,
		  const struct tt_pkt *p);

/** Enqueue what was staged; what a full ring refuses is dropped (steer_full). */
void tt_steer_flush(struct tt_worker *w);

/** Handle what the other lcores passed to this one. Returns the frames taken. */
uint16_t tt_steer_rx(struct tt_app *app, struct tt_worker *w);

/**
 * Make the rings and each worker's steering state when a used port needs
 * them (rss steer or hash on several lcores). 0, or -1 after logging.
 */
int tt_steer_init(struct tt_app *app);
/** After the loops: free what the rings still hold (rx_discarded_at_exit). */
void tt_steer_drain(struct tt_app *app);
/** Free the rings and the steering state. */
void tt_steer_free(struct tt_app *app);

#endif /* _TT_STEER_H_ */
