/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_UNMAP_GUARD_H_
#define _TT_UNMAP_GUARD_H_

/**
 * @file
 * Keeps a driver from unmapping memory that a poll loop is still reading.
 *
 * DPDK 22.11's net_memif unmaps the regions it shares with its peer when
 * the peer leaves (memif_disconnect(), run by the EAL interrupt thread)
 * right after it clears its "connected" flag. A worker already inside
 * rte_eth_rx_burst() or tx_burst() on that port then reads unmapped ring
 * memory: tcpterm's server died with SIGSEGV in librte_net_memif when
 * dperf's or tcpterm's client exited at 1M conn/s (bench scenarios 8 and
 * 10, 2 of 9 runs of one of them).
 *
 * tcpterm defines munmap() for the whole process, exported so that the
 * PMDs resolve it here (app/meson.build). Called by any thread but a worker
 * while workers loop, it waits (RCU, DPDK's rte_rcu_qsbr) until every
 * looping worker has passed its quiescent point once more: the top of its
 * loop, outside every burst. A burst that starts after that point sees the
 * driver's cleared flag (the token it read orders it after the clear) and
 * returns without touching the rings, so the unmap no longer overlaps a
 * burst. The per-loop cost is one load and one store; nothing per packet.
 *
 * Sanitizer builds leave munmap() alone (their runtime intercepts it):
 * there tt_unmap_guard_active is false and the guard does nothing.
 */

#include <stdbool.h>

#include <rte_rcu_qsbr.h>

/** The workers' quiescent state variable; NULL until tt_unmap_guard_init(). */
extern struct rte_rcu_qsbr *tt_unmap_qs;

/** Whether this build interposes munmap() (false under sanitizers). */
extern const bool tt_unmap_guard_active;

/** Allocate the state for lcores 0..RTE_MAX_LCORE-1. 0, or -1 (no memory). */
int tt_unmap_guard_init(void);

/** Free it, after every worker has left and the EAL is done. */
void tt_unmap_guard_fini(void);

/** The calling thread, a worker on lcore @p id, starts its loop. */
void tt_unmap_guard_enter(unsigned int id);

/** The loop has returned: that worker touches no port any more. */
void tt_unmap_guard_leave(unsigned int id);

/** The quiescent point: no burst in progress on this worker. */
static inline void
tt_unmap_guard_pass(unsigned int id)
{
	if (tt_unmap_qs != NULL)
		rte_rcu_qsbr_quiescent(tt_unmap_qs, id);
}

/**
 * Wait (at most @p timeout_ms) until every looping worker has passed its
 * quiescent point since the call; at once from a worker, or with none
 * looping. What munmap() does before it unmaps. Returns false on timeout.
 */
bool tt_unmap_guard_wait(unsigned int timeout_ms);

#endif /* _TT_UNMAP_GUARD_H_ */
