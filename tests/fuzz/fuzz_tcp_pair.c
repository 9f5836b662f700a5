/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz harness of a client and a server TCP engine talking to each other
 * (lib/tcp, lib/l7) over one 4-tuple, 198.18.0.1:40000 -> 198.18.0.2:80,
 * through a network the input controls: it decides when each side's
 * frames are delivered, dropped, duplicated or reordered, when the clock
 * moves, when the client opens and when either side drains.
 *
 * Input: three bytes of configuration,
 *   b0: server application (http, echo, discard, fixed), timestamps and
 *       SACK offered by both, window scale (0, 2, 7, 14);
 *   b1: client application (http, fixed, echo, send), requests per
 *       connection (1-4), close (active, passive, reset, half);
 *   b2: receive window (1024, 4096, 65535, 262144, at least one unit of
 *       the window scale), MSS, tcp.tw_reuse (with an MSL of 2 s, else
 *       100 ms), response bytes (0, 100, 3000, 100000), request bytes
 *       (100, 3000);
 * each configuration loaded once and kept (tt_fuzz_cfg_get());
 * then operations until the input ends (at most 256):
 *   op % 8 = 0: the client opens the tuple (tt_app_connect(); when the
 *   tuple is in TIME_WAIT, only when tt_tcp_tw_reuse_wait_ms() says 0, taking
 *   its entry over); 1: 1-8 client frames to the server, 2: 1-8 server
 *   frames to the client, with a byte of fate (drop the first, duplicate
 *   it, reverse the order); 3: a clock step, both sides' timers; 4: every
 *   frame in flight delivered, both ways; 5: the server drains
 *   (tt_tcp_close_all() or tt_tcp_abort_all()); 6: the client drains; 7:
 *   every frame in flight lost.
 *
 * After every operation, on both engines (tt_fuzz_check_tcp()): blocks,
 * in_use and gauges agree, snd_una <= snd_nxt <= snd_max, nothing sent
 * past the queued stream, which stays below 2^31; the mbufs in use are
 * exactly those in flight and held by echo; every frame is well formed.
 * At the end both engines are freed and no mbuf is left.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "tt_fuzz.h"
#include "l7/tt_app.h"

#define CLI_PORT 40000
#define SRV_PORT 80
#define MAX_OPS 256

static struct tt_test_ctx *ts, *tc;	/* the server's and the client's layer 2/3 */
static bool trace;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	tt_fuzz_eal_init();
	ts = tt_test_ctx_new();
	tc = tt_test_ctx_new();
	/* The client is the peer of the unit tests' setup: 198.18.0.1. */
	tc->ifc.mac = tt_test_mac_peer;
	tc->ifc.ip = TT_TEST_IP_PEER;
	tc->ifc.gateway = TT_TEST_IP_US;
	trace = getenv("TT_FUZZ_TRACE") != NULL;
	return 0;
}

static const char *const resp[] = { "0", "100", "3000", "100000" };

/*
 * The settings both sides share, from the input's first three bytes in
 * @p key (b0 << 16 | b1 << 8 | b2), into @p s; returns their number.
 */
static unsigned int
common_sets(char (*s)[64], uint32_t key)
{
	static const char *const ws[] = { "0", "2", "7", "14" };
	static const char *const wnd[] = { "1024", "4096", "65535", "262144" };
	static const char *const mss[] = { "88", "536", "1000", "1460" };
	uint8_t b0 = (uint8_t)(key >> 16), b2 = (uint8_t)key;
	unsigned int n = 0;

	snprintf(s[n++], 64, "tcp.timestamps=%s", (b0 & 4) ? "true" : "false");
	snprintf(s[n++], 64, "tcp.sack=%s", (b0 & 8) ? "true" : "false");
	snprintf(s[n++], 64, "tcp.wscale=%s", ws[(b0 >> 4) & 3]);
	/* At least one unit of the window scale: below it the loader refuses it (every window 0). */
	snprintf(s[n++], 64, "tcp.rcv_wnd=%lu",
		 RTE_MAX(strtoul(wnd[b2 & 3], NULL, 10), 1ul << strtoul(ws[(b0 >> 4) & 3], NULL, 10)));
	snprintf(s[n++], 64, "tcp.mss=%s", mss[(b2 >> 2) & 3]);
	snprintf(s[n++], 64, "tcp.tw_reuse=%s", (b2 & 0x10) ? "true" : "false");
	/* With reuse, a TIME_WAIT (4 s) that outlives the reuse delay (1 s). */
	snprintf(s[n++], 64, "tcp.msl_ms=%s", (b2 & 0x10) ? "2000" : "100");
	snprintf(s[n++], 64, "tcp.max_flows=64");
	snprintf(s[n++], 64, "tcp.max_time_wait=64");
	return n;
}

/* Load the @p n settings of @p s, then the side's address @p ip and its role @p role. */
static int
load_sets(struct tt_config *cfg, char (*s)[64], unsigned int n, const char *ip, const char *role)
{
	const char *sets[20];
	unsigned int k;

	TT_FUZZ_CHECK(n + 3 <= RTE_DIM(sets), "%u settings", n);
	for (k = 0; k < n; k++)
		sets[k] = s[k];
	sets[k++] = ip;
	sets[k++] = role;
	sets[k] = NULL;
	return tt_fuzz_cfg(cfg, sets);
}

/* The server's configuration of @p key; -1 for one the loader refuses. */
static int
load_srv(struct tt_config *cfg, uint32_t key)
{
	static const char *const sapps[] = { "http", "echo", "discard", "fixed" };
	uint8_t b0 = (uint8_t)(key >> 16), b2 = (uint8_t)key;
	char s[12][64];
	unsigned int n;

	n = common_sets(s, key);
	snprintf(s[n++], 64, "server.app=%s", sapps[b0 & 3]);
	snprintf(s[n++], 64, "server.response_bytes=%s", resp[(b2 >> 5) & 3]);
	snprintf(s[n++], 64, "server.request_bytes=%s", (b2 & 0x80) ? "3000" : "100");
	return load_sets(cfg, s, n, "port0.ip=198.18.0.2/24", "server.listen=80");
}

/*
 * The client's configuration of @p key; -1 for one the loader refuses
 * (close = passive needs the http client).
 */
static int
load_cli(struct tt_config *cfg, uint32_t key)
{
	static const char *const capps[] = { "http", "fixed", "echo", "send" };
	static const char *const closes[] = { "active", "passive", "reset", "half" };
	uint8_t b1 = (uint8_t)(key >> 8), b2 = (uint8_t)key;
	char s[14][64];
	unsigned int n;

	n = common_sets(s, key);
	snprintf(s[n++], 64, "client.app=%s", capps[b1 & 3]);
	snprintf(s[n++], 64, "client.requests_per_connection=%u", 1 + ((b1 >> 2) & 3));
	snprintf(s[n++], 64, "client.close=%s", closes[(b1 >> 4) & 3]);
	snprintf(s[n++], 64, "client.response_bytes=%s", resp[(b2 >> 5) & 3]);
	snprintf(s[n++], 64, "client.request_bytes=%s", (b2 & 0x80) ? "3000" : "100");
	return load_sets(cfg, s, n, "port0.ip=198.18.0.1/24", "client.target=198.18.0.2:80");
}

/* The client opens the tuple, or takes over its reusable TIME_WAIT entry. */
static void
client_open(struct tt_tcp_ctx *cli)
{
	struct tt_flow_key k = { .raddr = TT_TEST_IP_US, .laddr = TT_TEST_IP_PEER,
				 .rport = SRV_PORT, .lport = CLI_PORT };
	unsigned int st = tt_tcp_tuple_state(cli, TT_TEST_IP_PEER, CLI_PORT, TT_TEST_IP_US,
					     SRV_PORT);
	bool reuse = st == TT_TCPS_TIME_WAIT && tt_tcp_tw_reuse_wait_ms(cli, &k) == 0;
	int err = 0;

	if (st != TT_TCPS_CLOSED && !reuse)
		return;
	tt_app_connect(cli, TT_TEST_PORT, TT_TEST_IP_PEER, CLI_PORT, TT_TEST_IP_US, SRV_PORT,
		       &tt_test_mac_us, reuse, &err);
}

/* Up to @p n frames from @p from's TX queue into @p to, their fate read from the input. */
static void
deliver(struct tt_fuzz_in *in, struct tt_test_ctx *from, struct tt_tcp_ctx *to_ctx,
	struct tt_test_ctx *to, unsigned int n)
{
	struct rte_mbuf *m[10], *x;
	unsigned int k = 0, i;
	uint8_t fate = tt_fuzz_u8(in);

	while (k < n && (x = tt_test_txq_pop(from)) != NULL)
		m[k++] = x;
	if (k == 0)
		return;
	if (fate & 1) {			/* the first is lost */
		rte_pktmbuf_free(m[0]);
		memmove(&m[0], &m[1], --k * sizeof(m[0]));
	} else if (fate & 2) {		/* the first arrives twice */
		x = rte_pktmbuf_copy(m[0], m[0]->pool, 0, UINT32_MAX);
		TT_FUZZ_CHECK(x != NULL, "rte_pktmbuf_copy");
		m[k++] = x;
	}
	if (fate & 4)			/* in reverse order */
		for (i = 0; i < k / 2; i++) {
			x = m[i];
			m[i] = m[k - 1 - i];
			m[k - 1 - i] = x;
		}
	if (k > 0)
		tt_fuzz_input(to_ctx, to, m, k);
}

static void
deliver_all(struct tt_test_ctx *from, struct tt_tcp_ctx *to_ctx, struct tt_test_ctx *to)
{
	struct rte_mbuf *m[32], *x;
	unsigned int k;

	do {
		for (k = 0; k < RTE_DIM(m) && (x = tt_test_txq_pop(from)) != NULL; k++)
			m[k] = x;
		if (k > 0)
			tt_fuzz_input(to_ctx, to, m, k);
	} while (k == RTE_DIM(m));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tt_fuzz_in in = { .p = data, .n = size };
	const struct tt_config *scfg, *ccfg;
	struct tt_tcp_ctx *srv, *cli;
	unsigned int base, ops, n;
	uint8_t b0, b1, b2, op;
	uint64_t us;
	uint32_t key;

	if (size < 4)
		return 0;
	b0 = tt_fuzz_u8(&in);
	b1 = tt_fuzz_u8(&in);
	b2 = tt_fuzz_u8(&in);
	/* b0's and b1's two high bits choose nothing: one configuration for all their values. */
	key = (uint32_t)(b0 & 0x3f) << 16 | (uint32_t)(b1 & 0x3f) << 8 | b2;
	scfg = tt_fuzz_cfg_get(0, key, load_srv);
	ccfg = tt_fuzz_cfg_get(1, key, load_cli);
	if (scfg == NULL || ccfg == NULL)
		return 0;

	tt_fuzz_net_reset(ts);
	tt_fuzz_net_reset(tc);
	tt_test_now_us = TT_TEST_T0_US;
	base = tt_test_pool_in_use();
	srv = tt_fuzz_engine_new(scfg, ts, 0);
	cli = tt_fuzz_engine_new(ccfg, tc, 1);

	for (ops = 0; ops < MAX_OPS && tt_fuzz_more(&in); ops++) {
		op = tt_fuzz_u8(&in);
		switch (op & 7) {
		case 0:
			client_open(cli);
			break;
		case 1:
			deliver(&in, tc, srv, ts, 1 + ((op >> 3) & 7));
			break;
		case 2:
			deliver(&in, ts, cli, tc, 1 + ((op >> 3) & 7));
			break;
		case 3:
			us = tt_fuzz_clock_step(&in);
			tt_fuzz_engine_time(srv, ts, us);
			tc->net.now_us = ts->net.now_us;
			tt_tcp_set_time(cli, tc->net.now_us);
			tt_tcp_timers(cli);
			break;
		case 4:
			deliver_all(tc, srv, ts);
			deliver_all(ts, cli, tc);
			break;
		case 5:
		case 6:
			if (op & 8)
				tt_tcp_abort_all((op & 7) == 5 ? srv : cli);
			else
				tt_tcp_close_all((op & 7) == 5 ? srv : cli);
			break;
		default:
			tt_test_txq_flush(ts);
			tt_test_txq_flush(tc);
			break;
		}
		if (trace) {
			fprintf(stderr, "server: ");
			tt_fuzz_trace(srv, ts, ops, op, TT_TEST_IP_US, SRV_PORT, TT_TEST_IP_PEER,
				      CLI_PORT);
			fprintf(stderr, "client: ");
			tt_fuzz_trace(cli, tc, ops, op, TT_TEST_IP_PEER, CLI_PORT, TT_TEST_IP_US,
				      SRV_PORT);
		}
		n = tt_fuzz_check_tcp(srv, &ts->stats, &ts->txq, scfg->server.n_listen);
		n += tt_fuzz_check_tcp(cli, &tc->stats, &tc->txq, 0);
		TT_FUZZ_CHECK(tt_test_pool_in_use() == base + n,
			      "op %u: %u mbufs in use, %u held", ops, tt_test_pool_in_use() - base,
			      n);
		tt_fuzz_check_output(ts);
		tt_fuzz_check_output(tc);
	}

	tt_fuzz_engine_free(cli);
	tt_fuzz_engine_free(srv);
	tt_test_txq_flush(ts);
	tt_test_txq_flush(tc);
	TT_FUZZ_CHECK(tt_test_pool_in_use() == base, "%u mbufs leaked",
		      tt_test_pool_in_use() - base);
	return 0;
}
