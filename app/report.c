/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Statistics output: the live line, the final summary (text) and the JSON
 * summary. Counters are per lcore and summed here, on read.
 */
#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_telemetry.h>

#include "tt_common.h"
#include "tt_main.h"
#include "gen/tt_gen.h"

void
tt_stats_collect(struct tt_app *app, struct tt_stats *sum)
{
	const struct tt_stats *in[RTE_MAX_LCORE];
	unsigned int i;

	for (i = 0; i < app->n_workers; i++)
		in[i] = &app->workers[i]->stats;
	tt_stats_sum(sum, in, app->n_workers);
}

static uint32_t
flows_in_use(struct tt_app *app)
{
	uint32_t n = 0;
	unsigned int i;

	for (i = 0; i < app->n_workers; i++)
		if (app->workers[i]->tcp != NULL)
			n += tt_tcp_flows_in_use(app->workers[i]->tcp);
	return n;
}

static uint32_t
gen_active(struct tt_app *app)
{
	uint32_t n = 0;
	unsigned int i;

	for (i = 0; i < app->n_workers; i++)
		if (app->workers[i]->gen != NULL)
			n += tt_gen_active(app->workers[i]->gen);
	return n;
}

/* Merge one histogram kind over all lcores. */
static void
gen_hist(struct tt_app *app, enum tt_meter_hist id, struct tt_hist *out)
{
	unsigned int i;

	tt_hist_init(out);
	for (i = 0; i < app->n_workers; i++)
		if (app->workers[i]->gen != NULL)
			tt_hist_merge(out, tt_gen_hist(app->workers[i]->gen, id));
}

static pthread_t reporter_tid;
static volatile bool reporter_on;

static void *
reporter(void *arg)
{
	struct tt_app *app = arg;
	uint64_t every = app->tsc_hz * app->cfg.general.stats_interval_ms / 1000;
	uint64_t next = app->start_tsc + every;

	while (reporter_on) {
		uint64_t now = rte_rdtsc();

		if (now >= next) {
			tt_report_line(app, stdout);
			next += every;
			if (next < now)	/* fell behind (a stopped terminal): skip */
				next = now + every;
			continue;
		}
		/* Sleep until the next line, waking at least every 10 ms to see a stop. */
		rte_delay_us_sleep((unsigned int)RTE_MIN((next - now) * 1000000 / app->tsc_hz,
							 (uint64_t)10000) + 1);
	}
	return NULL;
}

int
tt_report_start(struct tt_app *app)
{
	int ret;

	if (app->cfg.general.stats_interval_ms == 0)
		return 0;
	reporter_on = true;
	ret = rte_ctrl_thread_create(&reporter_tid, "tt-report", NULL, reporter, app);
	if (ret != 0) {
		reporter_on = false;
		return -ret;
	}
	return 0;
}

void
tt_report_stop(struct tt_app *app)
{
	(void)app;
	if (!reporter_on)
		return;
	reporter_on = false;
	pthread_join(reporter_tid, NULL);
}

static struct tt_stats last_line;
static uint64_t last_line_tsc;
static FILE *csv_file;

void
tt_report_line(struct tt_app *app, FILE *f)
{
	static struct tt_stats now;
	uint64_t tsc = rte_rdtsc();
	double dt, t;
	const uint64_t *c = now.c, *l = last_line.c;

	tt_stats_collect(app, &now);
	if (last_line_tsc == 0)
		last_line_tsc = app->start_tsc;
	dt = (double)(tsc - last_line_tsc) / app->tsc_hz;
	t = (double)(tsc - app->start_tsc) / app->tsc_hz;
	if (dt <= 0)
		dt = 1;
#define D(name) ((double)(c[TT_STAT_ ## name] - l[TT_STAT_ ## name]) / dt)
	if (f == NULL)
		goto csv;	/* the final, partial interval: CSV only */
	fprintf(f, "[%7.1fs] rx %.0f pps tx %.0f pps | accepted %.0f/s established %.0f/s "
		"flows %u | drops %" PRIu64 " retrans %" PRIu64,
		t, D(rx_pkts), D(tx_pkts), D(conn_accepted), D(conn_established),
		flows_in_use(app), tt_stats_drops(&now),
		c[TT_STAT_retrans_syn] + c[TT_STAT_retrans_synack] +
		c[TT_STAT_retrans_data] + c[TT_STAT_retrans_fin]);
	if (app->cfg.client.enabled) {
		uint64_t fail = c[TT_STAT_client_fail_refused] + c[TT_STAT_client_fail_timeout] +
				c[TT_STAT_client_fail_reset] +
				c[TT_STAT_client_fail_bad_response];

		fprintf(f, " | client new %.0f/s done %.0f/s active %u failed %" PRIu64
			" | in %.1f Mbit/s out %.1f Mbit/s",
			D(conn_attempted), D(client_completed), gen_active(app), fail,
			D(tcp_bytes_in) * 8 / 1e6, D(tcp_bytes_out) * 8 / 1e6);
	}
	fprintf(f, "\n");
	fflush(f);
csv:
	if (app->csv_path != NULL) {
		if (csv_file == NULL) {
			csv_file = fopen(app->csv_path, "w");
			if (csv_file != NULL)
				fprintf(csv_file, "time_s,new_per_s,completed_per_s,"
					"failed_refused,failed_timeout,failed_reset,"
					"failed_bad_response,active,retransmissions,"
					"rx_mbps,tx_mbps,accepted_per_s,flows\n");
		}
		if (csv_file != NULL) {
			fprintf(csv_file, "%.3f,%.1f,%.1f,%.0f,%.0f,%.0f,%.0f,%u,%.0f,%.3f,%.3f,%.1f,%u\n",
				t, D(conn_attempted), D(client_completed),
				D(client_fail_refused) * dt, D(client_fail_timeout) * dt,
				D(client_fail_reset) * dt, D(client_fail_bad_response) * dt,
				gen_active(app),
				(D(retrans_syn) + D(retrans_synack) + D(retrans_data) +
				 D(retrans_fin)) * dt,
				D(tcp_bytes_in) * 8 / 1e6, D(tcp_bytes_out) * 8 / 1e6,
				D(conn_accepted), flows_in_use(app));
			fflush(csv_file);
		}
	}
#undef D
	last_line = now;
	last_line_tsc = tsc;
}

static double
run_seconds(struct tt_app *app)
{
	uint64_t end = app->stop_tsc ? app->stop_tsc : rte_rdtsc();

	return (double)(end - app->start_tsc) / app->tsc_hz;
}

/* Each client lcore's own tuples (tt_gen_tuples()) into @p t; the lcores. */
static unsigned int
gen_tuples(const struct tt_app *app, uint64_t t[RTE_MAX_LCORE])
{
	unsigned int i, n = 0;

	for (i = 0; i < app->n_workers && n < RTE_MAX_LCORE; i++)
		if (app->workers[i]->gen != NULL)
			t[n++] = tt_gen_tuples(app->workers[i]->gen);
	return n;
}

void
tt_report_plan_log(struct tt_app *app)
{
	uint64_t t[RTE_MAX_LCORE];
	unsigned int n = gen_tuples(app, t);

	tt_gen_plan_log(&app->cfg, n > 0 ? t : NULL, RTE_MAX(n, 1u));
}

/*
 * When the client's tuple space held opens back: from when, how often, and
 * by what (the plan of tt_gen_plan), so a rate below target says why.
 */
static void
tuple_limit_line(struct tt_app *app, FILE *f, const struct tt_stats *s)
{
	uint64_t first = 0, tw = 0, t, lt[RTE_MAX_LCORE];
	struct tt_gen_plan p;
	unsigned int i, n;

	for (i = 0; i < app->n_workers; i++) {
		if (app->workers[i]->gen == NULL)
			continue;
		t = tt_gen_limited_tsc(app->workers[i]->gen);
		if (t != 0 && (first == 0 || t < first))
			first = t;
		tw += tt_gen_tw_limited(app->workers[i]->gen);
	}
	if (first == 0)
		return;
	n = gen_tuples(app, lt);
	tt_gen_plan(&app->cfg, n > 0 ? lt : NULL, RTE_MAX(n, 1u), &p);
	fprintf(f, "client rate limited by the 4-tuples from %.2f s on (%" PRIu64
		" polls found none free", (double)(first - app->start_tsc) / app->tsc_hz,
		s->c[TT_STAT_client_tuples_exhausted]);
	if (tw != 0)
		fprintf(f, ", %" PRIu64 " of them waiting for the oldest TIME_WAIT tuple", tw);
	if (p.hold_ms != 0)
		fprintf(f, "): %" PRIu64 " tuples (%" PRIu64 " on the poorest of %u lcores), "
			"each held %u ms by %s, sustain %.0f conn/s\n", p.n_tuples, p.lcore_min,
			p.n_lcores, p.hold_ms, p.hold_by, p.max_rate);
	else
		fprintf(f, "): %" PRIu64 " tuples, all in use (client.concurrency or "
			"tcp.max_flows above the tuple count?)\n", p.n_tuples);
}

/*
 * When client.rate was not met: one line saying what held the opens back
 * (the generator counts each poll at which opens were due and could not
 * go: client_held_*, client_tuples_exhausted), or, when nothing did, that
 * the lcores had no cycles to spare.
 */
static void
rate_why_line(struct tt_app *app, FILE *f, const struct tt_stats *s, double achieved)
{
	uint64_t conc = s->c[TT_STAT_client_held_concurrency];
	uint64_t txq = s->c[TT_STAT_client_held_txq];
	uint64_t tup = s->c[TT_STAT_client_tuples_exhausted];
	uint64_t rate = app->cfg.client.rate;
	const char *sep = "";
	struct tt_hist h;
	double busy = 0;
	unsigned int i;

	if (rate == 0 || achieved >= 0.99 * rate)
		return;
	if (conc == 0 && txq == 0 && tup == 0) {
		for (i = 0; i < app->n_workers; i++) {
			const struct tt_worker *w = app->workers[i];

			if (w->loop_tsc != 0)
				busy = RTE_MAX(busy, 100.0 * w->busy_tsc / w->loop_tsc);
		}
		fprintf(f, "client rate not met, with nothing holding the opens back "
			"(concurrency, TX queue, 4-tuples): the lcores were busy up to %.0f%% of "
			"their cycles; more lcores, or a lower client.rate\n", busy);
		return;
	}
	fprintf(f, "client rate held back by:");
	if (conc != 0) {
		uint64_t syn_rxt = s->c[TT_STAT_retrans_syn];
		uint64_t opened = s->c[TT_STAT_conn_attempted];

		gen_hist(app, TT_MH_LIFETIME, &h);
		fprintf(f, " client.concurrency (all %u open at %" PRIu64 " polls; a mean "
			"lifetime of %.0f us needs about %.0f open for %" PRIu64 " conn/s",
			app->cfg.client.concurrency, conc, tt_hist_mean(&h),
			tt_hist_mean(&h) * 1e-6 * rate, rate);
		/*
		 * Lifetimes made long by SYNs that went unanswered (a server
		 * past its capacity sheds them, docs/tcp.md "Overload"; each
		 * waits the SYN retransmission timeout): more concurrency only
		 * holds more connections waiting.
		 */
		if (syn_rxt * 20 > opened)
			fprintf(f, ", most of it waiting: %" PRIu64 " SYNs were sent again for %"
				PRIu64 " opens, each after tcp.rto_init_ms, because the target "
				"dropped or shed them: it is past its capacity, and a higher "
				"concurrency would only hold more connections waiting)",
				syn_rxt, opened);
		else
			fprintf(f, ": raise it)");
		sep = ",";
	}
	if (txq != 0) {
		fprintf(f, "%s the TX queue (half full at %" PRIu64 " polls: the link or the peer "
			"takes packets slower than the rate needs)", sep, txq);
		sep = ",";
	}
	if (tup != 0)
		fprintf(f, "%s the 4-tuples (below)", sep);
	fprintf(f, "\n");
}

/* Achieved client rate over the generator's own active period. */
static double
client_rate(struct tt_app *app, uint64_t opened)
{
	uint64_t start = UINT64_MAX, stop = 0;
	unsigned int i;

	for (i = 0; i < app->n_workers; i++) {
		struct tt_gen *g = app->workers[i]->gen;

		if (g == NULL || tt_gen_start_tsc(g) == 0)
			continue;
		start = RTE_MIN(start, tt_gen_start_tsc(g));
		stop = RTE_MAX(stop, tt_gen_stop_tsc(g) ? tt_gen_stop_tsc(g) : app->stop_tsc);
	}
	if (start == UINT64_MAX || stop <= start)
		return 0;
	return (double)opened / ((double)(stop - start) / app->tsc_hz);
}

void
tt_report_summary(struct tt_app *app, FILE *f)
{
	struct tt_stats s;
	struct tt_hist h;
	unsigned int i, k;
	double secs = run_seconds(app);

	if (csv_file != NULL) {
		fclose(csv_file);
		csv_file = NULL;
	}
	tt_stats_collect(app, &s);
	fprintf(f, "\n==== tcpterm summary: %.2f s, %u lcore(s) ====\n", secs, app->n_workers);
	fprintf(f, "%-28s %16s %14s\n", "counter", "total", "per second");
	for (i = 0; i < TT_STAT_MAX; i++) {
		if (s.c[i] == 0)
			continue;
		fprintf(f, "%-28s %16" PRIu64 " %14.1f\n", tt_stat_name(i), s.c[i],
			secs > 0 ? s.c[i] / secs : 0);
	}
	fprintf(f, "drops: %" PRIu64 "\n", tt_stats_drops(&s));
	for (i = 1; i < TT_DROP_MAX; i++)
		if (s.drop[i] != 0)
			fprintf(f, "  %-26s %16" PRIu64 "\n", tt_drop_name(i), s.drop[i]);
	fprintf(f, "connections by state (netstat view):\n");
	for (i = 0; i < TT_NB_TCP_STATES; i++)
		fprintf(f, "  %-12s %" PRId64 "\n", tt_tcp_state_name(i), s.state[i]);
	fprintf(f, "flows in use: %u\n", flows_in_use(app));
	for (i = 0; i < app->n_workers; i++) {
		const struct tt_worker *w = app->workers[i];

		fprintf(f, "lcore %u: busy %.1f%% (cycles of loop iterations that received or "
			"sent)\n", w->lcore_id,
			w->loop_tsc ? 100.0 * w->busy_tsc / w->loop_tsc : 0.0);
	}
	if (app->cfg.client.enabled) {
		uint64_t opened = s.c[TT_STAT_conn_attempted];
		uint64_t missed = 0;

		for (i = 0; i < app->n_workers; i++)
			if (app->workers[i]->gen != NULL)
				missed += tt_gen_missed(app->workers[i]->gen);
		fprintf(f, "client: %" PRIu64 " opened, %" PRIu64 " completed, failed: "
			"%" PRIu64 " refused, %" PRIu64 " timeout, %" PRIu64 " reset, %" PRIu64
			" bad response\n", opened, s.c[TT_STAT_client_completed],
			s.c[TT_STAT_client_fail_refused], s.c[TT_STAT_client_fail_timeout],
			s.c[TT_STAT_client_fail_reset], s.c[TT_STAT_client_fail_bad_response]);
		fprintf(f, "client rate: achieved %.1f conn/s", client_rate(app, opened));
		if (app->cfg.client.rate != 0)
			fprintf(f, ", target %" PRIu64 " conn/s (%s; %" PRIu64
				" opens behind schedule)", app->cfg.client.rate,
				client_rate(app, opened) >= 0.99 * app->cfg.client.rate ?
				"met" : "NOT met", missed);
		fprintf(f, "\n");
		rate_why_line(app, f, &s, client_rate(app, opened));
		tuple_limit_line(app, f, &s);
		fprintf(f, "%-12s %10s %10s %10s %10s %10s %10s (microseconds)\n", "latency",
			"count", "p50", "p90", "p99", "p99.9", "max");
		for (k = 0; k < TT_MH_MAX; k++) {
			gen_hist(app, k, &h);
			fprintf(f, "%-12s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
				" %10" PRIu64 " %10" PRIu64 "\n", tt_gen_hist_name(k),
				tt_hist_count(&h), tt_hist_percentile(&h, 50),
				tt_hist_percentile(&h, 90), tt_hist_percentile(&h, 99),
				tt_hist_percentile(&h, 99.9), tt_hist_percentile(&h, 100));
		}
	}
	for (i = 0; i < app->n_ports; i++) {
		struct tt_port *p = &app->ports[i];

		if (!p->used)
			continue;
		fprintf(f, "mempool %s: %u of %u mbufs free (%u at start)\n", p->pool_name,
			rte_mempool_avail_count(p->ifc.pool), p->pool_size, p->pool_avail_start);
	}
	fflush(f);
}

int
tt_report_json(struct tt_app *app, const char *path)
{
	struct rte_eth_stats es;
	struct tt_stats s;
	struct tt_hist h;
	unsigned int i;
	FILE *f;
	bool first;

	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	tt_stats_collect(app, &s);
	fprintf(f, "{\n  \"config\": \"%s\",\n  \"lcores\": %u,\n  \"duration_s\": %.3f,\n",
		app->cfg.file, app->n_workers, run_seconds(app));
	fprintf(f, "  \"counters\": {");
	for (i = 0; i < TT_STAT_MAX; i++)
		fprintf(f, "%s\n    \"%s\": %" PRIu64, i ? "," : "", tt_stat_name(i), s.c[i]);
	fprintf(f, "\n  },\n  \"drops\": {");
	for (i = 1; i < TT_DROP_MAX; i++)
		fprintf(f, "%s\n    \"%s\": %" PRIu64, i > 1 ? "," : "", tt_drop_name(i),
			s.drop[i]);
	fprintf(f, "\n  },\n  \"drops_total\": %" PRIu64 ",\n  \"states\": {",
		tt_stats_drops(&s));
	for (i = 0; i < TT_NB_TCP_STATES; i++)
		fprintf(f, "%s\"%s\": %" PRId64, i ? ", " : "", tt_tcp_state_name(i),
			s.state[i]);
	fprintf(f, "},\n  \"flows_in_use\": %u,\n  \"lcore_busy\": [", flows_in_use(app));
	for (i = 0; i < app->n_workers; i++) {
		const struct tt_worker *w = app->workers[i];

		fprintf(f, "%s\n    {\"lcore\": %u, \"busy\": %.4f}", i ? "," : "",
			w->lcore_id, w->loop_tsc ? (double)w->busy_tsc / w->loop_tsc : 0.0);
	}
	fprintf(f, "\n  ],\n  \"mempools\": [");
	first = true;
	for (i = 0; i < app->n_ports; i++) {
		struct tt_port *p = &app->ports[i];

		if (!p->used)
			continue;
		fprintf(f, "%s\n    {\"name\": \"%s\", \"size\": %u, \"avail_start\": %u, "
			"\"avail_end\": %u}", first ? "" : ",", p->pool_name, p->pool_size,
			p->pool_avail_start, rte_mempool_avail_count(p->ifc.pool));
		first = false;
	}
	fprintf(f, "\n  ],\n  \"ports\": [");
	first = true;
	for (i = 0; i < app->n_ports; i++) {
		if (!app->ports[i].used || rte_eth_stats_get(i, &es) != 0)
			continue;
		fprintf(f, "%s\n    {\"port\": %u, \"ipackets\": %" PRIu64 ", \"opackets\": %"
			PRIu64 ", \"imissed\": %" PRIu64 ", \"ierrors\": %" PRIu64
			", \"oerrors\": %" PRIu64 ", \"rx_nombuf\": %" PRIu64 "}",
			first ? "" : ",", i, es.ipackets, es.opackets, es.imissed, es.ierrors,
			es.oerrors, es.rx_nombuf);
		first = false;
	}
	fprintf(f, "\n  ]");
	if (app->cfg.client.enabled) {
		uint64_t opened = s.c[TT_STAT_conn_attempted];
		uint64_t missed = 0;

		for (i = 0; i < app->n_workers; i++)
			if (app->workers[i]->gen != NULL)
				missed += tt_gen_missed(app->workers[i]->gen);
		fprintf(f, ",\n  \"client\": {\n    \"opened\": %" PRIu64 ",\n    \"completed\": %"
			PRIu64 ",\n    \"failed\": {\"refused\": %" PRIu64 ", \"timeout\": %" PRIu64
			", \"reset\": %" PRIu64 ", \"bad_response\": %" PRIu64 "},\n"
			"    \"rate_target\": %" PRIu64 ",\n    \"rate_achieved\": %.1f,\n"
			"    \"behind_schedule\": %" PRIu64 ",\n    \"latency_us\": {",
			opened, s.c[TT_STAT_client_completed], s.c[TT_STAT_client_fail_refused],
			s.c[TT_STAT_client_fail_timeout], s.c[TT_STAT_client_fail_reset],
			s.c[TT_STAT_client_fail_bad_response], app->cfg.client.rate,
			client_rate(app, opened), missed);
		for (i = 0; i < TT_MH_MAX; i++) {
			gen_hist(app, i, &h);
			fprintf(f, "%s\n      \"%s\": ", i ? "," : "", tt_gen_hist_name(i));
			tt_hist_json(&h, f);
		}
		fprintf(f, "\n    }\n  }");
	}
	fprintf(f, "\n}\n");
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

/*
 * rte_telemetry endpoints, for a live view without stopping the run (e.g.
 * dpdk-telemetry.py -f PREFIX, then /tcpterm/states): they sum the
 * per-lcore counters on read, as the live line does. They run in the
 * telemetry thread and only read the lcores' counters.
 */
static int
tel_dict(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tt_stats s;
	unsigned int i;

	(void)params;
	tt_stats_collect(&tt_app, &s);
	rte_tel_data_start_dict(d);
	if (strcmp(cmd, "/tcpterm/states") == 0) {
		/* The netstat view: connections in each RFC 9293 state. */
		for (i = 0; i < TT_NB_TCP_STATES; i++)
			rte_tel_data_add_dict_u64(d, tt_tcp_state_name(i),
						  s.state[i] > 0 ? (uint64_t)s.state[i] : 0);
	} else if (strcmp(cmd, "/tcpterm/drops") == 0) {
		for (i = 1; i < TT_DROP_MAX; i++)
			rte_tel_data_add_dict_u64(d, tt_drop_name(i), s.drop[i]);
	} else {
		for (i = 0; i < TT_STAT_MAX; i++)
			rte_tel_data_add_dict_u64(d, tt_stat_name(i), s.c[i]);
		rte_tel_data_add_dict_u64(d, "flows_in_use", flows_in_use(&tt_app));
	}
	return 0;
}

void
tt_report_telemetry_init(void)
{
	rte_telemetry_register_cmd("/tcpterm/stats", tel_dict,
				   "tcpterm counters, summed over lcores. No parameters");
	rte_telemetry_register_cmd("/tcpterm/drops", tel_dict,
				   "tcpterm drops by reason. No parameters");
	rte_telemetry_register_cmd("/tcpterm/states", tel_dict,
				   "tcpterm connections per TCP state (netstat view). No parameters");
}
