/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_MAIN_H_
#define _TT_MAIN_H_

/**
 * @file
 * What the tcpterm application shares between main.c, port.c, lcore.c and
 * report.c: the per-lcore worker contexts and the port table.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "cfg/tt_cfg.h"
#include "net/tt_net.h"
#include "net/tt_rss.h"
#include "stats/tt_stats.h"
#include "tcp/tt_admit.h"
#include "tcp/tt_tcp.h"
#include "tt_unmap_guard.h"

struct tt_gen;
struct tt_steer;

/** Per-lcore worker: everything its loop touches lives here. */
struct tt_worker {
	unsigned int lcore_id;
	uint16_t queue;			/**< RX/TX queue index on every port */
	bool is_main;			/**< runs the control work too */
	struct tt_stats stats;
	struct tt_txq txq;
	struct tt_net net;
	struct tt_tcp_ctx *tcp;
	struct tt_app_ctx *app;		/**< the applications on top of tcp */
	struct tt_gen *gen;		/**< the client role, NULL when disabled */
	/** Software steering and ARP sharing (app/tt_steer.h); NULL when no port needs them. */
	struct tt_steer *steer;
	uint64_t tx_deadline;		/**< TSC at which queued TX is flushed */
	uint64_t loop_tsc;		/**< TSC cycles in the loop */
	uint64_t busy_tsc;		/**< of which in iterations that received or sent */
	struct tt_admit admit;		/**< new SYNs per poll under overload */
	uint16_t syn_given;		/**< SYNs this poll may admit */
	uint16_t syn_left;		/**< of which it has not used yet */
	bool rx_full;			/**< this poll received a full burst */
	volatile bool done;		/**< the worker's loop has returned */
} __rte_cache_aligned;

struct tt_port {
	bool used;
	/*
	 * Polled while up. Written by the control work, and set down by a
	 * worker that sees a watched link go down (link_watch).
	 */
	volatile bool link_up;
	bool link_logged_up;		/**< the state last logged (control work) */
	bool ignore_link;		/**< the driver's link state is not reliable */
	bool link_watch;		/**< workers check the link when idle (memif) */
	enum tt_rss_mode rss_mode;	/**< what port_init chose (never auto) */
	bool steer_tcp;			/**< TCP segments go to their owner (rss steer) */
	bool steer_any;			/**< steer_tcp, or ARP replies shared (rss hash) */
	struct tt_rss rss;		/**< key and RETA in rss hash mode */
	struct tt_iface ifc;
	unsigned int pool_size;
	unsigned int pool_avail_start;
	char pool_name[RTE_MEMPOOL_NAMESIZE];
};

struct tt_app {
	struct tt_config cfg;
	unsigned int n_workers;
	struct tt_worker *workers[RTE_MAX_LCORE];
	uint16_t n_ports;
	struct tt_port ports[TT_MAX_PORTS];
	uint64_t tsc_hz;
	uint64_t start_tsc;
	uint64_t stop_tsc;		/**< when the run ended */
	double duration;		/**< seconds to run, 0 = until done/signal */
	const char *json_path;
	const char *csv_path;
	volatile bool stop_req;		/**< set by SIGINT/SIGTERM */
	volatile bool stopping;		/**< the run is ending: generators drain */
	volatile bool quit;		/**< every loop returns */
};

extern struct tt_app tt_app;

int tt_ports_init(struct tt_app *app);
void tt_ports_check_links(struct tt_app *app);
void tt_ports_drain(struct tt_app *app);
void tt_ports_close(struct tt_app *app);

int tt_worker_loop(void *arg);

void tt_report_line(struct tt_app *app, FILE *f);
/**
 * Print the live line (and CSV row) every [general] stats_interval_ms from
 * a control thread, so no worker ever blocks on a write to a terminal,
 * pipe or file. Nothing is started when the interval is 0.
 */
int tt_report_start(struct tt_app *app);
/** Stop the thread of tt_report_start() (after the workers have returned). */
void tt_report_stop(struct tt_app *app);
void tt_report_summary(struct tt_app *app, FILE *f);
/** The client's tuple plan at start, from each lcore's own tuples (tt_gen_plan_log()). */
void tt_report_plan_log(struct tt_app *app);
int tt_report_json(struct tt_app *app, const char *path);
void tt_stats_collect(struct tt_app *app, struct tt_stats *sum);
void tt_report_telemetry_init(void);

/*
 * While this poll admits no more SYNs (tt_admit_syn() would drop the next
 * one), whether @p m is a connection-opening SYN for us
 * (tt_pkt_is_syn_for_us(): from its headers alone), to be shed before it
 * is parsed, its checksums verified or its tt_pkt filled in (receive
 * livelock: the cheaper the drop, the more of the lcore is left for the
 * connections it serves; tcp/tt_admit.h). Only the reason a damaged or
 * martian SYN is counted under can change while shedding (syn_overload
 * rather than bad_tcp_cksum, bad_src_ip...): it is dropped either way.
 * Not used where segments are steered to the lcore that owns their flow
 * (its admission decides), nor while SYN cookies answer.
 */
static inline bool
tt_admit_shed_early(const struct tt_worker *w, const struct tt_iface *ifc,
		    const struct rte_mbuf *m)
{
	return w->syn_left == 0 && tt_pkt_is_syn_for_us(ifc, m) &&
	       !tt_tcp_syncookies_active(w->tcp);
}

/*
 * Whether the segment @p pkt (in @p m) may go on: a connection-opening SYN
 * (no ACK, no RST) takes one of the SYNs this poll admits, or is dropped
 * and counted before the flow lookup (tcp/tt_admit.h). Called by the lcore
 * that owns the flow: for a steered segment, after it crossed.
 */
static inline bool
tt_admit_syn(struct tt_worker *w, struct rte_mbuf *m, const struct tt_pkt *pkt)
{
	if (likely((pkt->tcp->tcp_flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG |
					   RTE_TCP_RST_FLAG)) != RTE_TCP_SYN_FLAG))
		return true;
	/*
	 * While SYN cookies answer (a SYN flood filled the half-open budget,
	 * tcp.syn_cookies), a SYN costs no state and the flood's never
	 * complete: shedding at the completion rate would turn legitimate
	 * SYNs away with the flood's, so cookies answer them all.
	 */
	if (unlikely(w->syn_left == 0) && !tt_tcp_syncookies_active(w->tcp)) {
		tt_admit_shed(&w->admit);
		TT_DROP(&w->stats, TT_DROP_syn_overload);
		rte_pktmbuf_free(m);
		return false;
	}
	w->syn_left--;
	return true;
}

#endif /* _TT_MAIN_H_ */
