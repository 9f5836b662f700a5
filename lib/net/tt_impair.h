/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_IMPAIR_H_
#define _TT_IMPAIR_H_

/**
 * @file
 * A test facility: seeded, deterministic impairment of what a port
 * receives (drop, duplicate, reorder), on any port type, through an RX
 * callback of the port's queues (rte_eth_add_rx_callback). Configured by
 * the [portN] impair_* keys; nothing is installed when they are all 0, so
 * it costs nothing when off. Each decision is drawn from a generator
 * seeded by impair_seed, the port and the queue, one draw per frame: the
 * same frames in the same order meet the same fate.
 *
 * Only the receive side: a TX callback that drops would compact the
 * caller's array behind its back (rte_eth_tx_burst's count then no longer
 * says which of the caller's packets went), and impairing the receive
 * side of both ends of a ring pair covers both directions.
 */

#include <stdint.h>

#include "cfg/tt_cfg.h"
#include "stats/tt_stats.h"

/**
 * Impair RX queue @p queue of port @p port_id as @p pc says, counting in
 * @p stats (those of the lcore that polls the queue). 0 (also when
 * nothing is to be done) or a negative errno.
 */
int tt_impair_attach(uint16_t port_id, uint16_t queue, const struct tt_port_cfg *pc,
		     struct tt_stats *stats);

/** Free the frame a queue still holds back (the end of a run); returns how many (0 or 1). */
unsigned int tt_impair_flush(uint16_t port_id, uint16_t queue);

#endif /* _TT_IMPAIR_H_ */
