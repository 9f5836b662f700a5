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
#include "gen/tt_hist.h"

struct tt_tcp_ctx;
struct tt_conn;
struct tt_gen;

/** Latency histograms kept per lcore. */
enum tt_gen_hist_id {
	TT_GH_CONNECT = 0,	/**< SYN sent -> SYN-ACK received */
	TT_GH_FIRST_BYTE,	/**< SYN sent -> first response byte */
	TT_GH_LAST_BYTE,	/**< SYN sent -> last response byte */
	TT_GH_LIFETIME,		/**< SYN sent -> connection closed */
	TT_GH_MAX
};

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

const struct tt_hist *tt_gen_hist(const struct tt_gen *g, enum tt_gen_hist_id id);
const char *tt_gen_hist_name(enum tt_gen_hist_id id);
/** Connections open now (SYN sent, not yet closed). */
uint32_t tt_gen_active(const struct tt_gen *g);
/** Achieved and target rates (connections per second) so far. */
uint64_t tt_gen_opened(const struct tt_gen *g);
uint64_t tt_gen_missed(const struct tt_gen *g);
/** TSC when the generator's clock started (after ARP), 0 if not yet. */
uint64_t tt_gen_start_tsc(const struct tt_gen *g);
uint64_t tt_gen_stop_tsc(const struct tt_gen *g);

/* Called by the client applications (lib/l7). */
/** Record one latency sample (microseconds). */
void tt_gen_record(struct tt_gen *g, enum tt_gen_hist_id id, uint32_t us);
/** A connection is done (closed, or in TIME_WAIT): it no longer counts as active. */
void tt_gen_conn_done(struct tt_gen *g, struct tt_conn *c);

#endif /* _TT_GEN_H_ */
