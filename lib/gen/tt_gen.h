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

/**
 * The meter the client applications write (latency histograms, connections
 * still active): hand it to tt_app_ctx_create().
 */
struct tt_meter *tt_gen_meter(struct tt_gen *g);

#endif /* _TT_GEN_H_ */
