/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz harness of the TCP engine (lib/tcp) and the server applications
 * (lib/l7) on one 4-tuple: a peer at 198.18.0.1:40000 sends segments to
 * the server on 198.18.0.2:80, and the clock moves, as the input says.
 *
 * Input: three bytes of configuration (b0: application, timestamps,
 * SACK, window scale, idle timeout, tw_recycle; b1: receive window, MSS,
 * initial window, response size; b2: tcp.syn_cookies auto, on or off,
 * tcp.rto_min_ms 200 or 10; each configuration loaded once and kept,
 * tt_fuzz_cfg_get()), the peer's ISN (4 bytes), then
 * operations until the input ends (at most 256):
 *   op % 8 = 0, 1, 2: one segment; 3: a burst of 2 to 9 segments, fed in
 *   one tt_tcp_input_burst() call; 4: a clock step and the timers; 5: a
 *   pure ACK of all the server sent, as a well-behaved peer; 6: a new ISN
 *   for the peer (a new incarnation of the tuple); 7: the drain,
 *   tt_tcp_close_all() or tt_tcp_abort_all().
 * A segment is read as: flags; a byte of modes for its sequence number
 * (the peer's own, the server's rcv_nxt with a small offset, an offset from
 * the peer's, or any), its ACK (snd_max, inside [snd_una, snd_max], a
 * small offset from snd_max, or any), its window (65535, any, 0, small)
 * and its options (what a peer would send, none, chosen, or raw bytes);
 * their values; a payload byte: nothing, one of the HTTP requests and
 * bodies of a small dictionary repeated, or bytes of the input.
 * See docs/testing.md for the corpus and how to read a crash.
 *
 * After every operation (tt_fuzz_check_tcp()): the blocks, in_use and the
 * per-state gauges agree; snd_una <= snd_nxt <= snd_max; the queued
 * stream is below 2^31; the mbufs in use are exactly those queued for TX
 * and held by echo; every frame sent is well formed with correct
 * checksums. At the end, the engine is freed and no mbuf is left.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "tt_fuzz.h"
#include "l7/tt_app.h"

#define PEER_PORT 40000
#define OUR_PORT 80
#define MAX_OPS 256
#define MAX_PAYLOAD 1400

static struct tt_test_ctx *t;
static bool trace;

/* The peer's side. */
struct peer {
	uint32_t seq;		/**< next sequence number it sends */
	uint32_t tsval;		/**< its timestamp clock */
	uint32_t our_tsval;	/**< the last TSval the server sent it */
	uint32_t srv_nxt;	/**< after the server's last segment (its SYN-ACK: a cookie's ISN) */
};

static const char *const dict[] = {
	"GET / HTTP/1.1\r\nHost: t\r\n\r\n",
	"GET / HTTP/1.0\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
	"HEAD / HTTP/1.1\r\nHost: t\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789",
	"GET /x HTTP/1.1\r\nHost: t\r\nConnection: keep-alive\r\n\r\n",
	"BAD\r\n\r\n",
	/* 100 bytes: a request of the fixed application. */
	("0123456789012345678901234567890123456789012345678901234567890123456789"
	 "012345678901234567890123456789"),
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	tt_fuzz_eal_init();
	t = tt_test_ctx_new();
	trace = getenv("TT_FUZZ_TRACE") != NULL;
	return 0;
}

/* The configuration of the input's first three bytes, b0 << 16 | b1 << 8 | b2. */
static int
load_cfg(struct tt_config *cfg, uint32_t key)
{
	uint8_t b0 = (uint8_t)(key >> 16), b1 = (uint8_t)(key >> 8), b2 = (uint8_t)key;
	static const char *const cookies[] = { "auto", "on", "off", "auto" };
	static const char *const apps[] = { "http", "echo", "discard", "fixed" };
	static const char *const ws[] = { "0", "2", "7", "14" };
	static const char *const wnd[] = { "1024", "4096", "65535", "262144" };
	static const char *const mss[] = { "88", "536", "1000", "1460" };
	static const char *const cwnd[] = { "1", "2", "10", "100" };
	static const char *const resp[] = { "0", "100", "3000", "100000" };
	char s[12][64];
	const char *sets[20];
	unsigned int n = 0;

	snprintf(s[0], sizeof(s[0]), "server.app=%s", apps[b0 & 3]);
	snprintf(s[1], sizeof(s[1]), "tcp.timestamps=%s", (b0 & 4) ? "true" : "false");
	snprintf(s[2], sizeof(s[2]), "tcp.sack=%s", (b0 & 8) ? "true" : "false");
	snprintf(s[3], sizeof(s[3]), "tcp.wscale=%s", ws[(b0 >> 4) & 3]);
	snprintf(s[4], sizeof(s[4]), "server.idle_timeout_ms=%s", (b0 & 0x40) ? "300" : "0");
	snprintf(s[5], sizeof(s[5]), "tcp.tw_recycle=%s", (b0 & 0x80) ? "true" : "false");
	/* At least one unit of the window scale: below it the loader refuses it (every window 0). */
	snprintf(s[6], sizeof(s[6]), "tcp.rcv_wnd=%lu",
		 RTE_MAX(strtoul(wnd[b1 & 3], NULL, 10), 1ul << strtoul(ws[(b0 >> 4) & 3], NULL, 10)));
	snprintf(s[7], sizeof(s[7]), "tcp.mss=%s", mss[(b1 >> 2) & 3]);
	snprintf(s[8], sizeof(s[8]), "tcp.init_cwnd=%s", cwnd[(b1 >> 4) & 3]);
	snprintf(s[9], sizeof(s[9]), "server.response_bytes=%s", resp[b1 >> 6]);
	snprintf(s[10], sizeof(s[10]), "tcp.syn_cookies=%s", cookies[b2 & 3]);
	snprintf(s[11], sizeof(s[11]), "tcp.rto_min_ms=%s", (b2 & 4) ? "10" : "200");
	for (n = 0; n < 12; n++)
		sets[n] = s[n];
	sets[n++] = "port0.ip=198.18.0.2/24";
	sets[n++] = "server.listen=80";
	sets[n++] = "tcp.msl_ms=100";
	sets[n++] = "tcp.max_flows=64";
	sets[n++] = "tcp.max_time_wait=64";
	sets[n] = NULL;
	return tt_fuzz_cfg(cfg, sets);
}

static uint8_t
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

/* Options of the peer's segment, by mode; returns their length. */
static uint8_t
make_opts(struct tt_fuzz_in *in, unsigned int mode, uint8_t flags, const struct tt_conn *c,
	  struct peer *pr, uint8_t *o)
{
	uint8_t n = 0, sel;
	size_t len;
	const uint8_t *raw;

	switch (mode) {
	case 0:	/* As a peer would: all of them on a SYN, TS when in use (or offered). */
		if (flags & RTE_TCP_SYN_FLAG) {
			o[n++] = 2; o[n++] = 4; o[n++] = 0x05; o[n++] = 0xb4;
			o[n++] = 4; o[n++] = 2;
			o[n++] = 8; o[n++] = 10;
			n += put32(&o[n], pr->tsval);
			n += put32(&o[n], pr->our_tsval);
			o[n++] = 1; o[n++] = 3; o[n++] = 3; o[n++] = 7;
		} else if (c != NULL ? (c->flags & TT_CF_TS) != 0 : pr->our_tsval != 0) {
			o[n++] = 1; o[n++] = 1; o[n++] = 8; o[n++] = 10;
			n += put32(&o[n], pr->tsval);
			n += put32(&o[n], pr->our_tsval);
		}
		break;
	case 1:
		break;
	case 2:	/* Chosen: which options, and their values. */
		sel = tt_fuzz_u8(in);
		if (sel & 1) {
			o[n++] = 2; o[n++] = 4;
			o[n++] = tt_fuzz_u8(in);
			o[n++] = tt_fuzz_u8(in);
		}
		if (sel & 2) {
			o[n++] = 1; o[n++] = 3; o[n++] = 3;
			o[n++] = tt_fuzz_u8(in);
		}
		if (sel & 4) {
			o[n++] = 1; o[n++] = 1; o[n++] = 4; o[n++] = 2;
		}
		if (sel & 8) {
			o[n++] = 1; o[n++] = 1; o[n++] = 8; o[n++] = 10;
			n += put32(&o[n], (sel & 0x10) ? tt_fuzz_u32(in) : pr->tsval);
			n += put32(&o[n], (sel & 0x20) ? tt_fuzz_u32(in) : pr->our_tsval);
		}
		break;
	default:	/* Raw bytes. */
		raw = tt_fuzz_bytes(in, tt_fuzz_u8(in) % 41, &len);
		memcpy(o, raw, len);
		n = (uint8_t)len;
		break;
	}
	return n;
}

/* The payload: nothing, dictionary entries, or input bytes. */
static uint16_t
make_payload(struct tt_fuzz_in *in, uint8_t *buf)
{
	uint8_t v = tt_fuzz_u8(in);
	uint16_t len = 0;
	size_t n;
	const uint8_t *raw;

	if (v == 0)
		return 0;
	if (v & 0x80) {
		const char *e = dict[v & 7];
		size_t el = strlen(e);
		unsigned int k, reps = 1 + ((v >> 3) & 0xf);

		for (k = 0; k < reps && len + el <= MAX_PAYLOAD; k++) {
			memcpy(buf + len, e, el);
			len = (uint16_t)(len + el);
		}
		return len;
	}
	raw = tt_fuzz_bytes(in, (size_t)v * 11, &n);
	memcpy(buf, raw, n);
	return (uint16_t)n;
}

/* One segment of the peer, built from the input. */
static struct rte_mbuf *
make_seg(struct tt_fuzz_in *in, struct tt_tcp_ctx *ctx, struct peer *pr)
{
	static uint8_t payload[MAX_PAYLOAD];
	struct tt_conn *c = tt_tcp_lookup(ctx, TT_TEST_IP_US, OUR_PORT, TT_TEST_IP_PEER,
					  PEER_PORT);
	struct tt_test_tcp_seg s = { .sport = PEER_PORT, .dport = OUR_PORT };
	struct tt_test_l3 l3;
	uint8_t opts[40];
	uint8_t mode;
	uint32_t inflight;

	s.flags = tt_fuzz_u8(in) & 0x3f;
	mode = tt_fuzz_u8(in);
	switch (mode & 3) {
	case 0:
		s.seq = pr->seq;
		break;
	case 1:
		s.seq = c != NULL ? c->rcv_nxt + (uint32_t)(int8_t)tt_fuzz_u8(in) : pr->seq;
		break;
	case 2:
		s.seq = pr->seq + (uint32_t)(int16_t)tt_fuzz_u16(in);
		break;
	default:
		s.seq = tt_fuzz_u32(in);
		break;
	}
	/* Without a block (before a SYN, or after a SYN cookie) from what the server sent. */
	switch ((mode >> 2) & 3) {
	case 0:
		s.ack = c != NULL ? c->snd_max : pr->srv_nxt;
		break;
	case 1:
		inflight = c != NULL ? c->snd_max - c->snd_una : UINT32_MAX;
		s.ack = c != NULL ? c->snd_una + tt_fuzz_u16(in) % (inflight + 1) : tt_fuzz_u32(in);
		break;
	case 2:
		s.ack = (c != NULL ? c->snd_max : pr->srv_nxt) + (uint32_t)(int8_t)tt_fuzz_u8(in);
		break;
	default:
		s.ack = tt_fuzz_u32(in);
		break;
	}
	switch ((mode >> 4) & 3) {
	case 0:
		s.win = 65535;
		break;
	case 1:
		s.win = tt_fuzz_u16(in);
		break;
	case 2:
		s.win = 0;
		break;
	default:
		s.win = tt_fuzz_u8(in);
		break;
	}
	pr->tsval += 1 + (tt_fuzz_u8(in) & 0xf);
	s.opts_len = make_opts(in, mode >> 6, s.flags, c, pr, opts);
	s.opts = opts;
	s.data_len = make_payload(in, payload);
	s.data = payload;
	/* A peer that goes on from what it sent (or from what the server expects). */
	if ((mode & 3) <= 1)
		pr->seq = s.seq + s.data_len + !!(s.flags & RTE_TCP_SYN_FLAG) +
			  !!(s.flags & RTE_TCP_FIN_FLAG);
	tt_test_l3_default(&l3);
	return tt_test_build_tcp(&l3, &s);
}

/* A pure ACK of everything sent, as a well-behaved peer. */
static struct rte_mbuf *
make_ack(struct tt_tcp_ctx *ctx, struct peer *pr)
{
	struct tt_conn *c = tt_tcp_lookup(ctx, TT_TEST_IP_US, OUR_PORT, TT_TEST_IP_PEER,
					  PEER_PORT);
	struct tt_test_tcp_seg s = { .sport = PEER_PORT, .dport = OUR_PORT,
		.flags = RTE_TCP_ACK_FLAG, .win = 65535, .seq = pr->seq };
	struct tt_test_l3 l3;
	uint8_t opts[12];

	s.ack = c != NULL ? c->snd_max : pr->srv_nxt;
	if (c != NULL || pr->our_tsval != 0) {
		/* Timestamps when in use, or offered by a cookie SYN-ACK. */
		if (c == NULL || (c->flags & TT_CF_TS)) {
			opts[0] = 1; opts[1] = 1; opts[2] = 8; opts[3] = 10;
			put32(&opts[4], ++pr->tsval);
			put32(&opts[8], pr->our_tsval);
			s.opts = opts;
			s.opts_len = 12;
		}
	}
	tt_test_l3_default(&l3);
	return tt_test_build_tcp(&l3, &s);
}

/*
 * Remember the last TSval the server sent (for the peer's TSecr) and where
 * its sequence space ends, free the output.
 */
static void
take_output(struct peer *pr)
{
	struct rte_mbuf *m;

	while ((m = tt_test_txq_pop(t)) != NULL) {
		struct rte_tcp_hdr *th = tt_test_tcp(m);
		struct tt_tcp_opts o;
		unsigned int hl = (th->data_off >> 4) * 4;
		uint32_t len = rte_be_to_cpu_16(tt_test_ip(m)->total_length) -
			       (uint32_t)sizeof(struct rte_ipv4_hdr) - hl;

		if (!(th->tcp_flags & RTE_TCP_RST_FLAG))
			pr->srv_nxt = rte_be_to_cpu_32(th->sent_seq) + len +
				      !!(th->tcp_flags & RTE_TCP_SYN_FLAG) +
				      !!(th->tcp_flags & RTE_TCP_FIN_FLAG);
		if (hl > sizeof(*th) &&
		    tt_tcp_opts_parse((const uint8_t *)(th + 1), hl - sizeof(*th), &o) == 0 &&
		    (o.present & TT_OPT_TS))
			pr->our_tsval = o.tsval;
		rte_pktmbuf_free(m);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tt_fuzz_in in = { .p = data, .n = size };
	const struct tt_config *cfg;
	struct rte_mbuf *m[9];
	struct tt_tcp_ctx *ctx;
	struct peer pr = { .tsval = 100000 };
	unsigned int base, ops, i, n;
	uint8_t b0, b1, b2, op;

	if (size < 7)
		return 0;
	b0 = tt_fuzz_u8(&in);
	b1 = tt_fuzz_u8(&in);
	b2 = tt_fuzz_u8(&in);
	/* b2's high bits choose nothing: one configuration for all their values. */
	cfg = tt_fuzz_cfg_get(0, (uint32_t)b0 << 16 | (uint32_t)b1 << 8 | (b2 & 7), load_cfg);
	TT_FUZZ_CHECK(cfg != NULL, "every combination of b0..b2 is valid");
	pr.seq = tt_fuzz_u32(&in);

	tt_fuzz_net_reset(t);
	tt_test_now_us = TT_TEST_T0_US;
	base = tt_test_pool_in_use();
	ctx = tt_fuzz_engine_new(cfg, t, 0);

	for (ops = 0; ops < MAX_OPS && tt_fuzz_more(&in); ops++) {
		op = tt_fuzz_u8(&in);
		switch (op & 7) {
		case 0:
		case 1:
		case 2:
			m[0] = make_seg(&in, ctx, &pr);
			tt_fuzz_input(ctx, t, m, 1);
			break;
		case 3:
			n = 2 + ((op >> 3) & 7);
			for (i = 0; i < n; i++)
				m[i] = make_seg(&in, ctx, &pr);
			tt_fuzz_input(ctx, t, m, n);
			break;
		case 4:
			tt_fuzz_engine_time(ctx, t, tt_fuzz_clock_step(&in));
			break;
		case 5:
			m[0] = make_ack(ctx, &pr);
			tt_fuzz_input(ctx, t, m, 1);
			break;
		case 6:
			pr.seq = tt_fuzz_u32(&in);
			break;
		default:
			if (op & 8)
				tt_tcp_abort_all(ctx);
			else
				tt_tcp_close_all(ctx);
			break;
		}
		if (trace)
			tt_fuzz_trace(ctx, t, ops, op, TT_TEST_IP_US, OUR_PORT, TT_TEST_IP_PEER,
				      PEER_PORT);
		n = tt_fuzz_check_tcp(ctx, &t->stats, &t->txq, cfg->server.n_listen);
		TT_FUZZ_CHECK(tt_test_pool_in_use() == base + n,
			      "op %u: %u mbufs in use, %u held", ops, tt_test_pool_in_use() - base,
			      n);
		tt_fuzz_check_output(t);
		take_output(&pr);
	}

	tt_fuzz_engine_free(ctx);
	tt_test_txq_flush(t);
	TT_FUZZ_CHECK(tt_test_pool_in_use() == base, "%u mbufs leaked",
		      tt_test_pool_in_use() - base);
	return 0;
}
