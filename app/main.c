/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcpterm: a DPDK TCP terminator and stateful TCP load generator.
 *
 * main() is a flat, checked sequence as in DPDK's l3fwd: configuration
 * (before EAL, so a bad file never starts a port), EAL init, signals,
 * ports, per-lcore contexts, launch, wait, report, cleanup.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "tt_common.h"
#include "tt_main.h"
#include "gen/tt_gen.h"
#include "l7/tt_app.h"
#include "tcp/tt_tcp_reass.h"

struct tt_app tt_app;

#define TT_MAX_SETS 64
#define TT_MAX_EAL_ARGS 128

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [EAL options --] -c FILE [options]\n"
		"  -c, --config FILE       ini configuration (required)\n"
		"  -s, --set SEC.KEY=VAL   override one key (repeatable)\n"
		"      --check             validate, print the effective configuration, exit\n"
		"  -d, --duration SECONDS  run time (overrides [general] duration)\n"
		"  -j, --json FILE         write the final summary as JSON\n"
		"      --csv FILE          write the per-second series as CSV\n"
		"  -h, --help              this text\n"
		"EAL options before -- are added after [eal] args and win over them.\n",
		prog);
}

static void
signal_handler(int sig)
{
	/* First signal: stop cleanly (generators drain); second: at once. */
	if (tt_app.stop_req)
		tt_app.quit = true;
	tt_app.stop_req = true;
	(void)sig;
}

/* Split @p s on whitespace into argv (modifies s). */
static int
split_args(char *s, char **argv, int max)
{
	int n = 0;
	char *save = NULL;
	char *tok;

	for (tok = strtok_r(s, " \t\r\n", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (n >= max)
			return -E2BIG;
		argv[n++] = tok;
	}
	return n;
}

static int
parse_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || *out < 0)
		return -EINVAL;
	return 0;
}

/*
 * The per-lcore stack of worker @p w: its layer 2/3 context, the TCP
 * engine, the load generator (client role) and the applications, which
 * measure into the generator's meter. 0, or -1 after logging why.
 */
static int
worker_stack_create(struct tt_app *app, struct tt_worker *w)
{
	int sock = (int)rte_lcore_to_socket_id(w->lcore_id);
	struct rte_malloc_socket_stats before, after;
	size_t tw_bytes;
	unsigned int p;

	w->net.stats = &w->stats;
	w->net.txq = &w->txq;
	w->net.n_ifs = app->n_ports;
	for (p = 0; p < app->n_ports; p++) {
		if (app->ports[p].used)
			w->net.ifs[p] = &app->ports[p].ifc;
		tt_arp_init(&w->net.arp[p]);
	}
	rte_malloc_get_socket_stats(sock, &before);
	w->tcp = tt_tcp_ctx_create(&app->cfg, &w->net, w->queue, sock);
	if (w->tcp == NULL) {
		TT_LOG(ERR, "cannot create the TCP context of lcore %u: %s",
		       w->lcore_id, rte_strerror(rte_errno));
		return -1;
	}
	rte_malloc_get_socket_stats(sock, &after);
	/* The heap's growth, less the TIME_WAIT table, is the connections' share. */
	tw_bytes = (size_t)w->tcp->tw.cap * sizeof(struct tt_tw_entry) +
		   (size_t)w->tcp->tw.n_index * sizeof(*w->tcp->tw.index);
	TT_LOG(INFO, "lcore %u: %u flows, %.1f bytes per connection "
	       "(block %zu + flow table), %u TIME_WAIT entries of %.1f bytes, %.1f MiB",
	       w->lcore_id, app->cfg.tcp.max_flows,
	       (double)(after.heap_allocsz_bytes - before.heap_allocsz_bytes - tw_bytes) /
	       app->cfg.tcp.max_flows, sizeof(struct tt_conn), w->tcp->tw.cap,
	       (double)tw_bytes / w->tcp->tw.cap,
	       (after.heap_allocsz_bytes - before.heap_allocsz_bytes) / 1048576.0);
	if (tt_reass_cap(w->tcp->reass) < app->cfg.tcp.reass_mbufs)
		TT_LOG(NOTICE, "lcore %u: reassembly holds at most %u segments, not tcp.reass_mbufs = %u: "
		       "a quarter of a port's general.mbufs = %u shared by %u lcores "
		       "(raise general.mbufs for more)",
		       w->lcore_id, tt_reass_cap(w->tcp->reass), app->cfg.tcp.reass_mbufs,
		       app->cfg.general.mbufs, rte_lcore_count());
	if (app->cfg.client.enabled) {
		w->gen = tt_gen_create(&app->cfg, w->tcp, w->queue, app->n_workers, sock);
		if (w->gen == NULL) {
			TT_LOG(ERR, "cannot create the load generator of lcore %u: %s",
			       w->lcore_id, rte_strerror(rte_errno));
			return -1;
		}
	}
	w->app = tt_app_ctx_create(w->tcp, w->gen != NULL ? tt_gen_meter(w->gen) : NULL, sock);
	if (w->app == NULL) {
		TT_LOG(ERR, "cannot create the applications of lcore %u: %s",
		       w->lcore_id, rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

/*
 * Free a worker's stack in the reverse order of its creation: the TCP
 * context's teardown ends every live connection, which the applications
 * (and through them the generator's meter) still hear of.
 */
static void
worker_free(struct tt_worker *w)
{
	tt_tcp_ctx_free(w->tcp);
	tt_app_ctx_free(w->app);
	tt_gen_free(w->gen);
	rte_free(w);
}

/* One worker per EAL lcore, the i-th on queue i of every port. 0 or -1. */
static int
workers_alloc(struct tt_app *app)
{
	unsigned int lcore;

	app->n_workers = 0;
	RTE_LCORE_FOREACH(lcore) {
		struct tt_worker *w;

		w = rte_zmalloc_socket("tt_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
				       rte_lcore_to_socket_id(lcore));
		if (w == NULL) {
			TT_LOG(ERR, "cannot allocate the context of lcore %u", lcore);
			return -1;
		}
		w->lcore_id = lcore;
		w->queue = app->n_workers;
		w->is_main = lcore == rte_get_main_lcore();
		app->workers[app->n_workers++] = w;
	}
	TT_LOG(INFO, "%u worker lcore(s), main lcore %u", app->n_workers,
	       rte_get_main_lcore());
	return 0;
}

/* What the command line says, apart from the EAL's arguments. */
struct cmdline {
	const char *cfg_file;
	const char *sets[TT_MAX_SETS];
	unsigned int n_sets;
	bool check;
	double duration;	/**< --duration, or -1 */
	int sep;		/**< index of "--" in argv, or -1 */
};

/*
 * Parse tcpterm's own options: everything after "--", or the whole line
 * without one (the EAL's come before it). Returns -1 to go on, else the
 * exit status (0 after --help, 2 on an error, said on stderr).
 */
static int
cmdline_parse(int argc, char **argv, struct cmdline *cl)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "check", no_argument, NULL, 'C' },
		{ "duration", required_argument, NULL, 'd' },
		{ "json", required_argument, NULL, 'j' },
		{ "csv", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tt_app *app = &tt_app;
	int app_argc, i, opt;
	char **app_argv;

	memset(cl, 0, sizeof(*cl));
	cl->duration = -1;
	cl->sep = -1;
	/* Everything before "--" belongs to the EAL; without "--", nothing. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			cl->sep = i;
			break;
		}
	}
	app_argv = cl->sep >= 0 ? &argv[cl->sep] : argv;
	app_argc = cl->sep >= 0 ? argc - cl->sep : argc;

	optind = 1;
	while ((opt = getopt_long(app_argc, app_argv, "c:s:d:j:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			cl->cfg_file = optarg;
			break;
		case 's':
			if (cl->n_sets >= TT_MAX_SETS) {
				fprintf(stderr, "tcpterm: too many --set options (max %d)\n",
					TT_MAX_SETS);
				return 2;
			}
			cl->sets[cl->n_sets++] = optarg;
			break;
		case 'C':
			cl->check = true;
			break;
		case 'd':
			if (parse_double(optarg, &cl->duration) < 0) {
				fprintf(stderr, "tcpterm: --duration '%s': not a number of seconds >= 0\n",
					optarg);
				return 2;
			}
			break;
		case 'j':
			app->json_path = optarg;
			break;
		case 'v':
			app->csv_path = optarg;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind < app_argc) {
		fprintf(stderr, "tcpterm: unexpected argument '%s'\n", app_argv[optind]);
		usage(stderr, argv[0]);
		return 2;
	}
	if (cl->cfg_file == NULL) {
		fprintf(stderr, "tcpterm: no configuration file (-c FILE)\n");
		usage(stderr, argv[0]);
		return 2;
	}
	return -1;
}

/*
 * The EAL's argv: argv[0], the file's [eal] args, then the command line's
 * before "--" (they win). Returns the count, or -1 after saying why.
 */
static int
eal_argv_build(const struct tt_config *cfg, const struct cmdline *cl, char **argv,
	       char **eal_argv)
{
	static char eal_buf[sizeof(((struct tt_config *)0)->eal_args)];
	int eal_argc, i, n;

	memcpy(eal_buf, cfg->eal_args, sizeof(eal_buf));
	eal_buf[sizeof(eal_buf) - 1] = '\0';
	eal_argv[0] = argv[0];
	n = split_args(eal_buf, &eal_argv[1], TT_MAX_EAL_ARGS - 2);
	if (n < 0) {
		fprintf(stderr, "tcpterm: config error: %s: [eal] args: too many arguments\n",
			cl->cfg_file);
		return -1;
	}
	eal_argc = 1 + n;
	for (i = 1; cl->sep > 0 && i < cl->sep; i++) {
		if (eal_argc >= TT_MAX_EAL_ARGS - 1) {
			fprintf(stderr, "tcpterm: too many EAL arguments\n");
			return -1;
		}
		eal_argv[eal_argc++] = argv[i];
	}
	eal_argv[eal_argc] = NULL;
	return eal_argc;
}

int
main(int argc, char **argv)
{
	char *eal_argv[TT_MAX_EAL_ARGS];
	char err[TT_CFG_ERR_LEN];
	struct tt_app *app = &tt_app;
	struct cmdline cl;
	int eal_argc, i, ret;

	ret = cmdline_parse(argc, argv, &cl);
	if (ret >= 0)
		return ret;

	/* The whole configuration is checked before anything starts. */
	tt_cfg_defaults(&app->cfg);
	if (tt_cfg_load(&app->cfg, cl.cfg_file, cl.sets, cl.n_sets, err, sizeof(err)) < 0) {
		fprintf(stderr, "tcpterm: config error: %s\n", err);
		return 2;
	}
	if (cl.check) {
		tt_cfg_dump(&app->cfg, stdout);
		return 0;
	}
	app->duration = cl.duration >= 0 ? cl.duration : app->cfg.general.duration;

	eal_argc = eal_argv_build(&app->cfg, &cl, argv, eal_argv);
	if (eal_argc < 0)
		return 2;
	ret = rte_eal_init(eal_argc, eal_argv);
	if (ret < 0) {
		fprintf(stderr, "tcpterm: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}

	signal(SIGINT, signal_handler);
	signal(SIGTERM, signal_handler);

	app->tsc_hz = rte_get_tsc_hz();
	if (tt_unmap_guard_init() < 0) {
		TT_LOG(ERR, "cannot allocate the workers' quiescent state (unmap guard)");
		ret = 1;
		goto out_workers;
	}
	if (workers_alloc(app) < 0) {
		ret = 1;
		goto out_workers;
	}

	if (tt_ports_init(app) < 0) {
		ret = 1;
		goto out_ports;
	}

	for (i = 0; i < (int)app->n_workers; i++) {
		if (worker_stack_create(app, app->workers[i]) < 0) {
			ret = 1;
			goto out_ports;
		}
	}

	if (app->cfg.client.enabled)
		tt_report_plan_log(app);
	tt_report_telemetry_init();
	app->start_tsc = rte_rdtsc();
	if (tt_report_start(app) < 0)
		TT_LOG(WARNING, "cannot start the statistics thread: no live line");
	rte_eal_mp_remote_launch(tt_worker_loop, NULL, CALL_MAIN);
	rte_eal_mp_wait_lcore();
	app->stop_tsc = rte_rdtsc();
	tt_report_stop(app);
	tt_ports_drain(app);
	if (app->csv_path != NULL)
		tt_report_line(app, NULL);	/* the last, partial interval */

	tt_report_summary(app, stdout);
	ret = 0;
	if (app->json_path != NULL && tt_report_json(app, app->json_path) < 0) {
		TT_LOG(ERR, "cannot write %s: %s", app->json_path, strerror(errno));
		ret = 1;
	}
	for (i = 0; i < (int)app->n_workers; i++) {
		struct tt_gen *g = app->workers[i]->gen;

		if (g != NULL && tt_gen_failed(g))
			ret = 1;
	}
out_ports:
	tt_ports_close(app);
out_workers:
	for (i = 0; i < (int)app->n_workers; i++)
		worker_free(app->workers[i]);
	rte_eal_cleanup();
	tt_unmap_guard_fini();
	return ret;
}
