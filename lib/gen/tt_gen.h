/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_GEN_H_
#define _TT_GEN_H_

/**
 * @file
 * The load generator (client role) of one lcore: opens connections on a
 * TSC schedule (tt_rate), chooses 4-tuples that are not in use or in
 * TIME_WAIT on our side, and measures every connection into histograms.
 */

#include <stdbool.h>
#include <stdint.h>

#include "cfg/tt_cfg.h"
#include "stats/tt_hist.h"
#include "l7/tt_meter.h"

struct tt_tcp_ctx;
struct tt_gen;


/**
 * The port the client reaches target address @p ip through: the one whose
 * subnet holds it, else the first port with a gateway; -1 when none.
 */
int tt_gen_target_port(const struct tt_config *cfg, uint32_t ip);

/**
 * The slice of [client] source_ports that client lcore @p idx of @p n opens
 * its connections from (where the port's rss mode is not hash): the first
 * port in *@p first, their number in *@p count (0 when the range is smaller
 * than @p n). Disjoint slices, together the whole range.
 */
void tt_gen_sport_share(const struct tt_config *cfg, unsigned int idx, unsigned int n,
			uint16_t *first, uint32_t *count);

struct tt_gen *tt_gen_create(const struct tt_config *cfg, struct tt_tcp_ctx *tcp,
			     unsigned int idx, unsigned int n_workers, int socket);
void tt_gen_free(struct tt_gen *g);

/** Open the connections that are due at TSC @p now. */
void tt_gen_poll(struct tt_gen *g, uint64_t now);
/** Stop opening; drain; then reset what is left. */
void tt_gen_request_stop(struct tt_gen *g);
/** True once the generator has stopped and has no connection left. */
bool tt_gen_finished(const struct tt_gen *g);
/** True when the generator could not run (e.g. ARP timeout). */
bool tt_gen_failed(const struct tt_gen *g);

const struct tt_hist *tt_gen_hist(const struct tt_gen *g, enum tt_meter_hist id);
const char *tt_gen_hist_name(enum tt_meter_hist id);
/** Connections open now (SYN sent, not yet closed). */
uint32_t tt_gen_active(const struct tt_gen *g);
/** Achieved and target rates (connections per second) so far. */
uint64_t tt_gen_opened(const struct tt_gen *g);
uint64_t tt_gen_missed(const struct tt_gen *g);
/** TSC when the generator's clock started (after ARP), 0 if not yet. */
uint64_t tt_gen_start_tsc(const struct tt_gen *g);
uint64_t tt_gen_stop_tsc(const struct tt_gen *g);

/** TSC of the first poll at which the tuple space held opens back, or 0. */
uint64_t tt_gen_limited_tsc(const struct tt_gen *g);
/** Polls that stopped at the oldest TIME_WAIT tuple, not reusable yet. */
uint64_t tt_gen_tw_limited(const struct tt_gen *g);

/** The 4-tuples lcore @p g may open: its port slice, or in rss hash mode its own. */
uint64_t tt_gen_tuples(const struct tt_gen *g);

/**
 * What the client's tuple space sustains, over all its lcores. Each lcore
 * opens only its own tuples (a slice of the source ports, or in rss hash
 * mode those whose replies hash to its queue) at an equal share of the
 * rate (client.rate / lcores), so the lcore with the fewest tuples sets
 * the limit for all: max_rate = lcores x its tuples / hold.
 */
struct tt_gen_plan {
	uint64_t n_tuples;	/**< source addresses x ports x targets */
	uint32_t n_sip;
	uint32_t n_sport;
	uint32_t n_targets;
	unsigned int n_lcores;	/**< client lcores */
	uint64_t lcore_min;	/**< the fewest tuples of one lcore */
	unsigned int lcore_min_idx;	/**< that lcore (worker index) */
	uint32_t hold_ms;	/**< how long a tuple waits after its close; 0: not at all */
	const char *hold_by;	/**< what holds it (NULL when hold_ms is 0) */
	double max_rate;	/**< conn/s all lcores sustain together; 0 when no limit */
};

/**
 * Work out the tuple-space plan of @p cfg's client role on @p n lcores,
 * lcore i having @p lcore_tuples[i] tuples of its own (tt_gen_tuples());
 * @p lcore_tuples NULL: each lcore's slice of the source ports
 * (tt_gen_sport_share()), as without rss hash mode.
 */
void tt_gen_plan(const struct tt_config *cfg, const uint64_t *lcore_tuples, unsigned int n,
		 struct tt_gen_plan *p);
/**
 * Log the plan at start (one INFO line) and, when the configured rate (or
 * rate = 0) can exceed what it sustains, one WARNING line naming the keys
 * that lift the limit. Arguments as tt_gen_plan().
 */
void tt_gen_plan_log(const struct tt_config *cfg, const uint64_t *lcore_tuples, unsigned int n);

/**
 * The meter the client applications write (latency histograms, connections
 * still active): hand it to tt_app_ctx_create().
 */
struct tt_meter *tt_gen_meter(struct tt_gen *g);

#endif /* _TT_GEN_H_ */
