/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the load generator (lib/gen/tt_gen.c) driven by a fake
 * clock: ARP before the clock starts (and its timeout), tuple allocation
 * (every tuple distinct, the concurrency limit, waiting when tuples run
 * out), and the incarnation rule: a tuple in TIME_WAIT on our side is not
 * used again until its TIME_WAIT has ended.
 */
#include <string.h>

#include <check.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "cfg/tt_cfg.h"
#include "gen/tt_gen.h"
#include "l7/tt_app.h"
#include "tcp/tt_tcp.h"
#include "tcp/tt_tcp_priv.h"
#include "tt_test_util.h"

struct gfix {
	struct tt_config cfg;
	struct tt_test_ctx *t;
	struct tt_tcp_ctx *ctx;
	struct tt_gen *g;
	struct tt_app_ctx *app;
	uint64_t hz;
	uint64_t tsc;
};

/* A new generator from f->cfg, with the applications measuring into its meter. */
static void
gfix_gen_new(struct gfix *f)
{
	tt_app_ctx_free(f->app);
	tt_gen_free(f->g);
	f->g = tt_gen_create(&f->cfg, f->ctx, 0, 1, SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(f->g);
	f->app = tt_app_ctx_create(f->ctx, tt_gen_meter(f->g), SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(f->app);
}

static void
gfix_setup(struct gfix *f, uint16_t sport_first, uint16_t sport_last, uint32_t conc)
{
	memset(f, 0, sizeof(*f));
	tt_cfg_defaults(&f->cfg);
	f->cfg.port[0].present = true;
	f->cfg.port[0].ip = TT_TEST_IP_US;
	f->cfg.port[0].prefix = 24;
	f->cfg.port[0].mtu = 1500;
	f->cfg.tcp.max_flows = 1024;
	f->cfg.tcp.max_time_wait = 1024;
	f->cfg.tcp.msl_ms = 100;
	f->cfg.client.enabled = true;
	f->cfg.client.n_target = 1;
	f->cfg.client.target[0].ip = TT_TEST_IP_PEER;
	f->cfg.client.target[0].port = 80;
	f->cfg.client.sport_first = sport_first;
	f->cfg.client.sport_last = sport_last;
	f->cfg.client.concurrency = conc;
	f->cfg.client.rate = 0;
	f->cfg.client.arp_timeout_ms = 500;
	f->t = tt_test_ctx_new();
	f->ctx = tt_tcp_ctx_create(&f->cfg, &f->t->net, 0, SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(f->ctx);
	tt_tcp_set_time(f->ctx, tt_test_now_us);
	gfix_gen_new(f);
	f->hz = rte_get_tsc_hz();
	f->tsc = 1000000;
}

static void
gfix_teardown(struct gfix *f)
{
	tt_tcp_abort_all(f->ctx);
	/* In the reverse order of creation, as app/main.c does. */
	tt_tcp_ctx_free(f->ctx);
	tt_app_ctx_free(f->app);
	tt_gen_free(f->g);
	tt_test_ctx_free(f->t);
	ck_assert_uint_eq(tt_test_pool_in_use(), 0);
}

/* Advance both clocks by @p ms and poll the generator once. */
static void
gfix_poll(struct gfix *f, uint32_t ms)
{
	f->tsc += f->hz / 1000 * ms;
	tt_test_advance_us(f->t, (uint64_t)ms * 1000);
	tt_tcp_set_time(f->ctx, tt_test_now_us);
	tt_tcp_timers(f->ctx);
	tt_gen_poll(f->g, f->tsc);
	tt_test_txq_flush(f->t);
}

/* Resolve the target by answering for it in our ARP table. */
static void
gfix_resolve(struct gfix *f)
{
	ck_assert_int_eq(tt_arp_learn(&f->t->net.arp[0], TT_TEST_IP_PEER, &tt_test_mac_peer,
				      tt_test_now_us), 0);
	gfix_poll(f, 1);
	ck_assert_uint_ne(tt_gen_start_tsc(f->g), 0);
}

/*
 * The tuple plan per lcore (tt_gen_plan()): with port slices, 10 ports on 3
 * lcores are 4, 3 and 3, so 3 lcores at a third of the rate each sustain
 * 3 x 3 tuples per hold, not 10; given counts (rss hash mode) the smallest
 * binds; a passive close holds nothing.
 */
/* tt_gen_plan() of @p cfg on @p n lcores must give these. */
static void
plan_check(const struct tt_config *cfg, const uint64_t *lt, unsigned int n, uint64_t min,
	   unsigned int min_idx, uint32_t hold_ms, double max_rate)
{
	struct tt_gen_plan p;

	tt_gen_plan(cfg, lt, n, &p);
	ck_assert_uint_eq(p.n_lcores, n);
	ck_assert_uint_eq(p.lcore_min, min);
	ck_assert_uint_eq(p.lcore_min_idx, min_idx);
	ck_assert_uint_eq(p.hold_ms, hold_ms);
	ck_assert_double_eq_tol(p.max_rate, max_rate, 1e-9);
}

START_TEST(test_plan_per_lcore)
{
	static const uint64_t hashed[2] = { 700, 300 };
	struct tt_gen_plan p;
	struct tt_config cfg;

	tt_cfg_defaults(&cfg);
	cfg.client.enabled = true;
	cfg.client.n_target = 2;
	cfg.client.sport_first = 5000;
	cfg.client.sport_last = 5009;
	cfg.tcp.tw_reuse_delay_ms = 500;
	tt_gen_plan(&cfg, NULL, 1, &p);
	ck_assert_uint_eq(p.n_tuples, 20);
	plan_check(&cfg, NULL, 1, 20, 0, 500, 40.0);
	/* Slices of 4, 3 and 3 ports: 3 x 6 tuples per 500 ms, not 20. */
	plan_check(&cfg, NULL, 3, 6, 1, 500, 36.0);
	plan_check(&cfg, hashed, 2, 300, 1, 500, 1200.0);
	cfg.tcp.tw_reuse = false;
	cfg.tcp.msl_ms = 1000;
	plan_check(&cfg, hashed, 2, 300, 1, 2000, 300.0);
	cfg.client.close = TT_CLOSE_PASSIVE;
	plan_check(&cfg, hashed, 2, 300, 1, 0, 0.0);
}
END_TEST

START_TEST(test_arp_before_clock)
{
	struct gfix f;

	gfix_setup(&f, 1024, 1100, 4);
	/* No answer yet: nothing opens, an ARP request went out. */
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_opened(f.g), 0);
	ck_assert_uint_eq(tt_gen_start_tsc(f.g), 0);
	ck_assert_uint_ge(f.t->stats.c[TT_STAT_arp_tx_request], 1);
	/* The peer comes up late: no connection is lost, the clock starts now. */
	gfix_poll(&f, 200);
	ck_assert_uint_eq(tt_gen_opened(f.g), 0);
	gfix_resolve(&f);
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_opened(f.g), 4);
	ck_assert(!tt_gen_failed(f.g));
	gfix_teardown(&f);
}
END_TEST

START_TEST(test_arp_timeout)
{
	struct gfix f;

	gfix_setup(&f, 1024, 1100, 4);
	gfix_poll(&f, 1);
	gfix_poll(&f, 600);
	ck_assert(tt_gen_failed(f.g));
	ck_assert(tt_gen_finished(f.g));
	ck_assert_uint_eq(tt_gen_opened(f.g), 0);
	gfix_teardown(&f);
}
END_TEST

START_TEST(test_tuples_distinct_and_concurrency)
{
	struct gfix f;
	uint32_t i, n = 0;
	uint8_t seen[64] = { 0 };

	gfix_setup(&f, 2000, 2063, 20);
	gfix_resolve(&f);
	gfix_poll(&f, 1);
	/* The concurrency limit holds. */
	ck_assert_uint_eq(tt_gen_active(f.g), 20);
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_opened(f.g), 20);
	/* Every open connection has its own source port in the range. */
	for (i = 0; i < f.ctx->n_conns; i++) {
		struct tt_conn *c = &f.ctx->conns[i];

		if (c->state != TT_TCPS_SYN_SENT)
			continue;
		ck_assert_uint_ge(c->lport, 2000);
		ck_assert_uint_le(c->lport, 2063);
		ck_assert_uint_eq(seen[c->lport - 2000], 0);
		seen[c->lport - 2000] = 1;
		ck_assert_uint_eq(c->laddr, TT_TEST_IP_US);
		ck_assert_uint_eq(c->raddr, TT_TEST_IP_PEER);
		ck_assert_uint_eq(c->rport, 80);
		n++;
	}
	ck_assert_uint_eq(n, 20);
	gfix_teardown(&f);
}
END_TEST

START_TEST(test_tuples_exhausted_wait)
{
	struct gfix f;
	struct tt_conn *c;

	/* Two tuples, room for ten: the generator waits and counts. */
	gfix_setup(&f, 3000, 3001, 10);
	gfix_resolve(&f);
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_opened(f.g), 2);
	ck_assert_uint_gt(f.t->stats.c[TT_STAT_client_tuples_exhausted], 0);
	/* Freeing one tuple lets exactly one more connection open on it. */
	c = tt_tcp_lookup(f.ctx, TT_TEST_IP_US, 3000, TT_TEST_IP_PEER, 80);
	ck_assert_ptr_nonnull(c);
	tt_tcp_app_abort(f.ctx, c);
	ck_assert_ptr_null(tt_tcp_lookup(f.ctx, TT_TEST_IP_US, 3000, TT_TEST_IP_PEER, 80));
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_opened(f.g), 3);
	ck_assert_ptr_nonnull(tt_tcp_lookup(f.ctx, TT_TEST_IP_US, 3000, TT_TEST_IP_PEER, 80));
	gfix_teardown(&f);
}
END_TEST

/*
 * What held a rate back is counted: with client.rate at 10,000/s and
 * room for 4 connections that never complete, every poll once the 4 are
 * open owes opens and counts client_held_concurrency; with room again
 * but the TX queue half full, client_held_txq; with no rate (as fast as
 * the concurrency allows), nothing is owed and nothing is counted.
 */
START_TEST(test_rate_held_back)
{
	struct gfix f;
	uint64_t held;

	gfix_setup(&f, 5000, 5099, 4);
	f.cfg.client.rate = 10000;
	gfix_gen_new(&f);
	gfix_resolve(&f);
	/* Opens due, room for them, but the TX queue half full: held by it. */
	f.t->txq.n = TT_TXQ_SIZE / 2;
	f.tsc += f.hz / 1000;
	tt_gen_poll(f.g, f.tsc);
	f.t->txq.n = 0;
	ck_assert_uint_eq(f.t->stats.c[TT_STAT_client_held_txq], 1);
	ck_assert_uint_eq(f.t->stats.c[TT_STAT_client_held_concurrency], 0);
	ck_assert_uint_eq(tt_gen_active(f.g), 0);
	/* Then the 4 open, and every poll owes more: held by the concurrency. */
	gfix_poll(&f, 1);
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_active(f.g), 4);
	held = f.t->stats.c[TT_STAT_client_held_concurrency];
	gfix_poll(&f, 1);
	gfix_poll(&f, 1);
	ck_assert_uint_eq(f.t->stats.c[TT_STAT_client_held_concurrency], held + 2);
	ck_assert_uint_eq(f.t->stats.c[TT_STAT_client_held_txq], 1);
	gfix_teardown(&f);

	/* No rate: nothing is owed, so nothing is held back. */
	gfix_setup(&f, 5000, 5099, 4);
	gfix_resolve(&f);
	gfix_poll(&f, 1);
	gfix_poll(&f, 1);
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_active(f.g), 4);
	ck_assert_uint_eq(f.t->stats.c[TT_STAT_client_held_concurrency], 0);
	gfix_teardown(&f);
}
END_TEST

START_TEST(test_time_wait_incarnation)
{
	struct gfix f;
	struct tt_conn *c;
	uint64_t opened;

	/* One tuple only. */
	gfix_setup(&f, 4000, 4000, 10);
	gfix_resolve(&f);
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_opened(f.g), 1);
	c = tt_tcp_lookup(f.ctx, TT_TEST_IP_US, 4000, TT_TEST_IP_PEER, 80);
	ck_assert_ptr_nonnull(c);
	/* The connection ends in TIME_WAIT on our side (active close). */
	tt_tcp_set_state(f.ctx, c, TT_TCPS_FIN_WAIT_2);
	tt_tcp_enter_time_wait(f.ctx, c);
	ck_assert_uint_eq(tt_tcp_tuple_state(f.ctx, TT_TEST_IP_US, 4000, TT_TEST_IP_PEER, 80),
			  TT_TCPS_TIME_WAIT);
	ck_assert_ptr_null(tt_tcp_lookup(f.ctx, TT_TEST_IP_US, 4000, TT_TEST_IP_PEER, 80));
	ck_assert_uint_eq(tt_gen_active(f.g), 0);
	/* While TIME_WAIT lasts (2 * 100 ms), no new incarnation starts. */
	opened = tt_gen_opened(f.g);
	gfix_poll(&f, 50);
	gfix_poll(&f, 100);
	ck_assert_uint_eq(tt_gen_opened(f.g), opened);
	ck_assert_uint_gt(f.t->stats.c[TT_STAT_client_tuples_exhausted], 0);
	ck_assert_uint_eq(tt_tcp_tuple_state(f.ctx, TT_TEST_IP_US, 4000, TT_TEST_IP_PEER, 80),
			  TT_TCPS_TIME_WAIT);
	/* After 2 * MSL the flow is gone and the tuple is used again. */
	gfix_poll(&f, 60);
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_opened(f.g), opened + 1);
	c = tt_tcp_lookup(f.ctx, TT_TEST_IP_US, 4000, TT_TEST_IP_PEER, 80);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->state, TT_TCPS_SYN_SENT);
	gfix_teardown(&f);
}
END_TEST

/*
 * The generator checks each batch of tuples with one bulk flow table
 * lookup: once the tuples have gone round, the ones in use inside a batch
 * are skipped and only the free ones open, each once.
 */
START_TEST(test_tuples_in_use_skipped)
{
	struct gfix f;
	uint32_t p;

	/* 64 tuples, all opened (two batches of 32). */
	gfix_setup(&f, 5000, 5063, 64);
	gfix_resolve(&f);
	gfix_poll(&f, 1);
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_opened(f.g), 64);
	ck_assert_uint_eq(tt_gen_active(f.g), 64);
	/* Every third one ends; the rest stay in use, interleaved. */
	for (p = 5000; p <= 5063; p += 3) {
		struct tt_conn *c = tt_tcp_lookup(f.ctx, TT_TEST_IP_US, (uint16_t)p,
						  TT_TEST_IP_PEER, 80);

		ck_assert_ptr_nonnull(c);
		tt_tcp_app_abort(f.ctx, c);
	}
	ck_assert_uint_eq(tt_gen_active(f.g), 64 - 22);
	gfix_poll(&f, 1);
	/* Exactly the 22 free tuples opened again, none twice. */
	ck_assert_uint_eq(tt_gen_opened(f.g), 64 + 22);
	ck_assert_uint_eq(tt_gen_active(f.g), 64);
	ck_assert_uint_eq(tt_tcp_flows_in_use(f.ctx), 64);
	for (p = 5000; p <= 5063; p++)
		ck_assert_ptr_nonnull(tt_tcp_lookup(f.ctx, TT_TEST_IP_US, (uint16_t)p,
						    TT_TEST_IP_PEER, 80));
	/* One free tuple among 63 in use: found within the probe limit. */
	tt_tcp_app_abort(f.ctx, tt_tcp_lookup(f.ctx, TT_TEST_IP_US, 5040, TT_TEST_IP_PEER, 80));
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_opened(f.g), 64 + 23);
	ck_assert_ptr_nonnull(tt_tcp_lookup(f.ctx, TT_TEST_IP_US, 5040, TT_TEST_IP_PEER, 80));
	gfix_teardown(&f);
}
END_TEST

/*
 * The probe limit counts tuples in use in a row: with three of every four
 * tuples in use, one poll still opens its full burst (96 in use passed on
 * the way).
 */
START_TEST(test_tuples_sparse_free)
{
	struct gfix f;
	uint32_t p, n_free = 0;

	/* 128 tuples, all opened (four polls of 32). */
	gfix_setup(&f, 6000, 6127, 128);
	gfix_resolve(&f);
	for (p = 0; p < 4; p++)
		gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_opened(f.g), 128);
	/* One of every four ends. */
	for (p = 6000; p <= 6127; p += 4) {
		tt_tcp_app_abort(f.ctx, tt_tcp_lookup(f.ctx, TT_TEST_IP_US, (uint16_t)p,
						      TT_TEST_IP_PEER, 80));
		n_free++;
	}
	ck_assert_uint_eq(n_free, 32);
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_opened(f.g), 128 + 32);
	ck_assert_uint_eq(f.t->stats.c[TT_STAT_client_tuples_exhausted], 0);
	for (p = 6000; p <= 6127; p++)
		ck_assert_ptr_nonnull(tt_tcp_lookup(f.ctx, TT_TEST_IP_US, (uint16_t)p,
						    TT_TEST_IP_PEER, 80));
	gfix_teardown(&f);
}
END_TEST

/*
 * Tuple order: targets vary fastest, then source addresses, then source
 * ports (2 targets x 3 addresses x 2 ports here); the first five opened
 * (the concurrency) are the first five in that order.
 */
static struct tt_conn *
order_lookup(struct gfix *f, uint32_t n)
{
	return tt_tcp_lookup(f->ctx, TT_TEST_IP_US + (n / 2) % 3, (uint16_t)(7000 + n / 6),
			     TT_TEST_IP_PEER, n % 2 ? 8080 : 80);
}

START_TEST(test_tuple_order)
{
	struct gfix f;
	uint32_t n;

	gfix_setup(&f, 7000, 7001, 5);
	f.cfg.client.n_target = 2;
	f.cfg.client.target[1].ip = TT_TEST_IP_PEER;
	f.cfg.client.target[1].port = 8080;
	f.cfg.client.src_ip_first = TT_TEST_IP_US;
	f.cfg.client.src_ip_last = TT_TEST_IP_US + 2;
	gfix_gen_new(&f);
	gfix_resolve(&f);
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_opened(f.g), 5);
	for (n = 0; n < 12; n++)
		ck_assert_msg((order_lookup(&f, n) != NULL) == (n < 5), "tuple %u", n);
	/* Tuple 2 ends: the next open takes tuple 5, the next in order. */
	tt_tcp_app_abort(f.ctx, order_lookup(&f, 2));
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_opened(f.g), 6);
	ck_assert_ptr_null(order_lookup(&f, 2));
	ck_assert_ptr_nonnull(order_lookup(&f, 5));
	gfix_teardown(&f);
}
END_TEST

START_TEST(test_stop_and_drain)
{
	struct gfix f;

	gfix_setup(&f, 5000, 5100, 8);
	f.cfg.client.drain_ms = 100;
	gfix_resolve(&f);
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_active(f.g), 8);
	tt_gen_request_stop(f.g);
	gfix_poll(&f, 1);
	/* No connection starts after the stop. */
	gfix_poll(&f, 1);
	ck_assert_uint_eq(tt_gen_opened(f.g), 8);
	ck_assert(!tt_gen_finished(f.g));
	/* The drain time passes: the rest are reset and counted. */
	gfix_poll(&f, 150);
	gfix_poll(&f, 1);
	ck_assert(tt_gen_finished(f.g));
	ck_assert_uint_eq(f.t->stats.c[TT_STAT_client_drain_reset], 8);
	ck_assert_uint_eq(tt_tcp_flows_in_use(f.ctx), 0);
	gfix_teardown(&f);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("gen");
	TCase *tc = tcase_create("gen");

	tt_test_eal_init();

	tcase_add_test(tc, test_plan_per_lcore);
	tcase_add_test(tc, test_arp_before_clock);
	tcase_add_test(tc, test_arp_timeout);
	tcase_add_test(tc, test_tuples_distinct_and_concurrency);
	tcase_add_test(tc, test_tuples_exhausted_wait);
	tcase_add_test(tc, test_time_wait_incarnation);
	tcase_add_test(tc, test_rate_held_back);
	tcase_add_test(tc, test_tuples_in_use_skipped);
	tcase_add_test(tc, test_tuples_sparse_free);
	tcase_add_test(tc, test_tuple_order);
	tcase_add_test(tc, test_stop_and_drain);
	suite_add_tcase(s, tc);
	return s;
}
