/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine through the fake peer (tt_fake_peer.h).
 * The applications through the engine: echo (held mbufs, tiny segments,
 * streams), replies built in the received mbuf, HTTP, fixed, and drain.
 */

#include <check.h>

#include "tt_fake_peer.h"
#include "l7/tt_http.h"
#include "l7/tt_pattern.h"

/* ------------------------------------------------------------------ */
/* Echo.                                                              */
/* ------------------------------------------------------------------ */

static void
fill_pattern(uint8_t *p, uint32_t n, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)((i * 7 + seed * 13 + (i >> 8)) & 0xff);
}

/*
 * The peer acknowledges the echoes up to @p ack: every mbuf the echo held
 * is back in the pool (@p base in use), then its FIN closes the
 * connection. Returns the window of the engine's ACK of that ACK.
 */
static uint16_t
echo_release_close(struct fp *f, uint32_t ack, unsigned int base)
{
	uint16_t win;

	f->pc.rcv_nxt = ack;
	fp_ack(f);
	win = fp_expect(f, ACK)->win;
	ck_assert_uint_eq(tt_test_pool_in_use(), base);
	fp_send(f, FIN | ACK, NULL, 0);
	fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	ck_state(f, TT_TCPS_CLOSED);
	fp_end(f);
	return win;
}

/*
 * Replies are built in the mbuf of the segment they answer (no allocation):
 * the SYN-ACK in the SYN's, the response in the request's, the last ACK in
 * the FIN's; a pure ACK that needs no answer is freed. An mbuf the echo
 * application holds is never reused: its echo comes in a fresh one, intact.
 */
START_TEST(test_reply_in_rx_mbuf)
{
	struct fp *f = fp_cur;

	fp_start(f);
	fp_syn(f);
	ck_assert_uint_eq(ST(f, tx_mbuf_reused), 1);
	fp_ack(f);
	fp_none(f);
	ck_assert_uint_eq(tt_test_pool_in_use(), f->pool_base);
	fp_send_str(f, REQ10);
	fp_expect(f, ACK | PSH | FIN);
	ck_assert_uint_eq(ST(f, tx_mbuf_reused), 2);
	fp_ack(f);
	fp_send(f, FIN | ACK, NULL, 0);
	fp_expect(f, ACK);
	ck_assert_uint_eq(ST(f, tx_mbuf_reused), 3);
	ck_state(f, TT_TCPS_TIME_WAIT);
	ck_assert_uint_eq(ST(f, tcp_segs_out), 3);
	fp_end(f);
}
END_TEST

/* Echo: the data mbuf is held, so the echo goes in a fresh mbuf. */
START_TEST(test_reply_not_in_held_mbuf)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	static const char msg[] = "reuse-me-not";

	f->cfg.server.app = TT_APP_ECHO;
	fp_start(f);
	fp_open(f);
	ck_assert_uint_eq(ST(f, tx_mbuf_reused), 1);
	fp_send(f, ACK | PSH, msg, sizeof(msg) - 1);
	s = fp_expect(f, ACK | PSH);
	ck_assert_uint_eq(s->len, sizeof(msg) - 1);
	ck_assert_mem_eq(s->data, msg, sizeof(msg) - 1);
	ck_assert_uint_eq(ST(f, tx_mbuf_reused), 1);
	ck_assert_uint_eq(tt_test_pool_in_use(), f->pool_base + 1);
	fp_end(f);
}
END_TEST

/*
 * Echo and tiny segments: every held mbuf costs at least rcv_wnd /
 * echo_conn_mbufs bytes of the window (500 here), so a peer sending
 * 1-byte segments cannot pin more than echo_conn_mbufs mbufs (8) however
 * many segments it sends, and the window closes as they fill.
 */
START_TEST(test_echo_tiny_segments)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	static const uint8_t one = 'x';
	unsigned int base, k;
	uint32_t ack_base, wnd = 4000;

	f->cfg.server.app = TT_APP_ECHO;
	f->cfg.tcp.rcv_wnd = wnd;
	f->cfg.server.echo_conn_mbufs = 8;
	f->syn_opts = TT_OPT_MSS;
	fp_start(f);
	base = f->pool_base;
	fp_syn(f);
	fp_ack(f);
	ack_base = f->pc.rcv_nxt;
	for (k = 1; k <= 8; k++) {
		fp_send(f, ACK | PSH, &one, 1);
		s = fp_expect(f, ACK | PSH);
		ck_assert_uint_eq(s->len, 1);
		ck_assert_uint_eq(s->win, k * 500 >= wnd ? 0 : wnd - k * 500);
		f->pc.rcv_nxt = ack_base;	/* the echoes are not acknowledged */
	}
	ck_assert_uint_eq(tt_test_pool_in_use(), base + 8);
	/* The window is closed: more tiny segments are refused, no mbuf is kept. */
	for (k = 0; k < 4; k++) {
		uint32_t seq = f->pc.snd_nxt;

		fp_send(f, ACK | PSH, &one, 1);
		s = fp_expect(f, ACK);
		ck_assert_uint_eq(s->win, 0);
		f->pc.snd_nxt = seq;
	}
	ck_assert_uint_eq(tt_test_pool_in_use(), base + 8);
	/* Acknowledging the echoes frees them all, and the window is whole again. */
	ck_assert_uint_eq(echo_release_close(f, ack_base + 8, base), wnd);
}
END_TEST

/*
 * Echo with a window wider than echo_conn_mbufs full-size segments (as
 * the 1 MiB default and 256 mbufs are): a peer that fills every window it
 * is given with full-size segments (1,448 bytes beside timestamps) never
 * sends one the connection may not hold. Each mbuf costs what a full-size
 * segment carries at most (tcp.mss - 40), not the window's share of it
 * (131 KiB here), so the window closes before the mbufs run out.
 */
START_TEST(test_echo_full_segments_wide_window)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	static uint8_t seg[1448];
	uint32_t ack_base, right;
	unsigned int base, k = 0;

	f->cfg.server.app = TT_APP_ECHO;
	f->cfg.tcp.rcv_wnd = 1048576;
	f->cfg.server.echo_conn_mbufs = 8;
	f->syn_opts = TT_OPT_MSS | TT_OPT_WS | TT_OPT_TS;
	memset(seg, 'y', sizeof(seg));
	fp_start(f);
	base = f->pool_base;
	fp_open(f);
	ack_base = f->pc.rcv_nxt;
	/* The window offered at the start: 8 mbufs of 1,420, in units of 2^7. */
	fp_send(f, ACK | PSH, seg, sizeof(seg));
	s = fp_expect(f, ACK | PSH);
	ck_assert_uint_eq(s->len, sizeof(seg));
	f->pc.rcv_nxt = ack_base;	/* the echoes are not acknowledged */
	right = s->ack + ((uint32_t)s->win << f->cfg.tcp.wscale);
	for (k = 1; TT_SEQ_LEQ(f->pc.snd_nxt + sizeof(seg), right); k++) {
		ck_assert_uint_le(k, 8);
		fp_send(f, ACK | PSH, seg, sizeof(seg));
		s = fp_expect(f, ACK | PSH);
		ck_assert_uint_eq(s->len, sizeof(seg));
		ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
		f->pc.rcv_nxt = ack_base;
		/* RFC 9293 3.8.6.2.2: the right edge never moves back. */
		ck_assert(TT_SEQ_GEQ(s->ack + ((uint32_t)s->win << f->cfg.tcp.wscale), right));
		right = s->ack + ((uint32_t)s->win << f->cfg.tcp.wscale);
	}
	/* As many full segments as the window let in, every one held, none refused. */
	ck_assert_uint_ge(k, 7);
	ck_assert_uint_eq(tt_test_pool_in_use(), base + k);
	ck_assert_uint_eq(DROPS(f, tcp_held_full), 0);
	/* Acknowledging the echoes frees them all. */
	echo_release_close(f, ack_base + k * sizeof(seg), base);
}
END_TEST

START_TEST(test_echo)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	static uint8_t in[8][1000];
	unsigned int base, k;
	uint32_t seq, ack_base, wnd = 4000;

	f->cfg.server.app = TT_APP_ECHO;
	f->cfg.tcp.rcv_wnd = wnd;
	f->syn_opts = TT_OPT_MSS | TT_OPT_TS | TT_OPT_SACKOK;
	f->pc.iss = 0xffffff00u;	/* the peer's sequence numbers wrap too */
	for (k = 0; k < 8; k++)
		fill_pattern(in[k], 1000, k);
	fp_start(f);
	base = f->pool_base;
	s = fp_syn(f);
	ck_assert_uint_eq(s->win, wnd);
	fp_ack(f);
	c = fp_conn(f);

	/* One segment: echoed at once, the window shrinks by what is held. */
	fp_send(f, ACK | PSH, in[0], 1000);
	s = fp_expect(f, ACK | PSH);
	ck_assert_uint_eq(s->len, 1000);
	ck_assert(memcmp(s->data, in[0], 1000) == 0);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_assert_uint_eq(s->win, wnd - 1000);
	ck_assert_uint_eq(tt_test_pool_in_use(), base + 1);
	/* Acknowledged: the held mbuf goes back to the pool. */
	fp_ack(f);
	fp_none(f);
	ck_assert_uint_eq(tt_test_pool_in_use(), base);

	/*
	 * Four segments that do not acknowledge the echoes (the peer's ACK
	 * field stays put): the held data closes the window.
	 */
	ack_base = f->pc.rcv_nxt;
	for (k = 1; k <= 4; k++) {
		fp_send(f, ACK | PSH, in[k], 1000);
		s = fp_expect(f, ACK | PSH);
		ck_assert_uint_eq(s->seq, ack_base + 1000 * (k - 1));
		ck_assert(memcmp(s->data, in[k], 1000) == 0);
		ck_assert_uint_eq(s->win, wnd - 1000 * k);
		f->pc.rcv_nxt = ack_base;
	}
	ck_assert_uint_eq(tt_test_pool_in_use(), base + 4);
	ck_assert_uint_eq(c->rcv_adv, c->rcv_nxt);
	/* The window is 0: the next segment is not taken, an ACK says so. */
	seq = f->pc.snd_nxt;
	fp_send(f, ACK | PSH, in[5], 1000);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->win, 0);
	ck_assert_uint_eq(s->ack, seq);
	ck_assert_uint_eq(DROPS(f, tcp_out_of_window), 1);
	f->pc.snd_nxt = seq;
	/*
	 * Acknowledge two echoes: two mbufs freed, and the window opened by
	 * 2000 bytes (at least one MSS) is announced at once with a window
	 * update (RFC 9293 3.8.6.2.2), so the peer need not probe.
	 */
	f->pc.rcv_nxt = ack_base + 2000;
	fp_ack(f);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, seq);
	ck_assert_uint_eq(s->win, 2000);
	ck_assert_uint_eq(tt_test_pool_in_use(), base + 2);
	f->pc.rcv_nxt = ack_base + 4000;
	fp_ack(f);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->win, wnd);
	ck_assert_uint_eq(tt_test_pool_in_use(), base);
	fp_none(f);
	fp_send(f, ACK | PSH, in[5], 1000);
	s = fp_expect(f, ACK | PSH);
	ck_assert(memcmp(s->data, in[5], 1000) == 0);
	ck_assert_uint_eq(s->win, wnd - 1000);

	/* Lost echo: retransmitted from the held mbuf, same bytes. */
	fp_send(f, ACK | PSH, in[6], 1000);
	s = fp_expect(f, ACK | PSH);
	ck_assert(memcmp(s->data, in[6], 1000) == 0);
	seq = s->seq;
	ck_assert_uint_gt(fp_wait_output(f, 2000), 0);
	s = fp_expect(f, ACK | PSH);
	ck_assert_uint_eq(s->seq, seq);
	ck_assert_uint_eq(s->len, 1000);
	ck_assert(memcmp(s->data, in[6], 1000) == 0);
	ck_assert_uint_eq(tt_test_pool_in_use(), base + 1);

	/* The peer closes: the rest and our FIN, then everything freed. */
	fp_send(f, FIN | ACK, NULL, 0);
	fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	ck_assert(f->pc.fin_rcvd);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(tt_test_pool_in_use(), base);
	(void)c;
	fp_end(f);
}
END_TEST

/* Echo of a stream cut at odd places: identical bytes back, nothing leaked. */
START_TEST(test_echo_stream)
{
	struct fp *f = fp_cur;
	static uint8_t in[20000];
	static const uint16_t cuts[] = { 1, 2, 999, 1448, 7, 1000, 1448, 333 };
	uint32_t off = 0, n = 0, k = 0;

	f->cfg.server.app = TT_APP_ECHO;
	fill_pattern(in, sizeof(in), 99);
	fp_start(f);
	fp_open(f);
	while (off < sizeof(in)) {
		uint16_t len = cuts[k++ % RTE_DIM(cuts)];

		if (len > sizeof(in) - off)
			len = (uint16_t)(sizeof(in) - off);
		fp_send(f, ACK | PSH, in + off, len);
		off += len;
		n += fp_exchange(f, fp_rxbuf + n, sizeof(fp_rxbuf) - n);
	}
	ck_assert_uint_eq(n, sizeof(in));
	ck_assert(memcmp(fp_rxbuf, in, sizeof(in)) == 0);
	ck_assert_uint_eq(tt_test_pool_in_use(), f->pool_base);
	fp_end(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The applications through the engine (lib/l7 glue).                 */
/* ------------------------------------------------------------------ */

/* Two requests in one segment (pipelining), then one split across three. */
START_TEST(test_http_pipelining)
{
	struct fp *f = fp_cur;
	static const char two[] = REQ11 REQ_CLOSE;
	uint32_t n, one = fp_http_response_len(f->cfg.server.response_bytes, true);

	fp_start(f);
	fp_open(f);
	fp_send_str(f, REQ11);
	fp_send(f, ACK, "GET / HT", 8);
	fp_send(f, ACK, "TP/1.1\r\nHost:", 13);
	n = fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	ck_assert_uint_eq(n, one);
	fp_send(f, ACK | PSH, " t\r\n\r\n", 6);
	n += fp_exchange(f, fp_rxbuf + n, sizeof(fp_rxbuf) - n);
	ck_assert_uint_eq(n, 2 * one);
	fp_check_http_response(fp_rxbuf, one, f->cfg.server.response_bytes, true);
	fp_check_http_response(fp_rxbuf + one, one, f->cfg.server.response_bytes, true);
	ck_assert_uint_eq(ST(f, http_requests), 2);
	/* Keep-alive then close in one segment: both answered, then our FIN. */
	fp_send_str(f, two);
	n = fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	fp_check_http_response(fp_rxbuf, one, f->cfg.server.response_bytes, true);
	fp_check_http_response(fp_rxbuf + one, n - one, f->cfg.server.response_bytes, false);
	ck_assert(f->pc.fin_rcvd);
	ck_state(f, TT_TCPS_FIN_WAIT_2);
	ck_assert_uint_eq(ST(f, http_requests), 4);
	fp_end(f);
}
END_TEST

/*
 * [server] keepalive_requests = 2: the first keep-alive request is answered
 * and the connection stays open; the second's response says "Connection:
 * close" and carries the server's FIN (RFC 9112 9.6), although the client
 * asked for keep-alive again.
 */
START_TEST(test_http_keepalive_requests)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t n, one = fp_http_response_len(f->cfg.server.response_bytes, true);

	f->cfg.server.keepalive_requests = 2;
	fp_start(f);
	fp_open(f);
	fp_send_str(f, REQ11);
	n = fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	ck_assert_uint_eq(n, one);
	fp_check_http_response(fp_rxbuf, n, f->cfg.server.response_bytes, true);
	ck_assert(!f->pc.fin_rcvd);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_send_str(f, REQ11);
	s = fp_expect(f, ACK | PSH | FIN);
	fp_check_http_response(s->data, s->len, f->cfg.server.response_bytes, false);
	ck_state(f, TT_TCPS_FIN_WAIT_1);
	ck_assert_uint_eq(ST(f, http_requests), 2);
	fp_end(f);
}
END_TEST

/* HEAD: the head only, then close; a malformed request: 400, then close. */
START_TEST(test_http_head_and_bad)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	char head[1024];
	int hl;

	fp_start(f);
	fp_open(f);
	fp_send_str(f, "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n");
	s = fp_expect(f, ACK | PSH | FIN);
	hl = tt_http_build_response(head, sizeof(head), 200, f->cfg.server.response_bytes, false);
	ck_assert_uint_eq(s->len, (uint32_t)hl);
	ck_assert(memcmp(s->data, head, hl) == 0);
	ck_state(f, TT_TCPS_FIN_WAIT_1);
	fp_ack(f);
	fp_send(f, FIN | ACK, NULL, 0);
	fp_expect(f, ACK);
	ck_state(f, TT_TCPS_TIME_WAIT);

	fp_new_conn(f, 40200, 0x20000000);
	fp_open(f);
	fp_send_str(f, "BLAH\x01\r\n\r\n");
	s = fp_expect(f, ACK | PSH | FIN);
	hl = tt_http_build_response(head, sizeof(head), 400, 0, false);
	ck_assert_uint_eq(s->len, (uint32_t)hl);
	ck_assert(memcmp(s->data, head, hl) == 0);
	ck_assert_uint_eq(ST(f, http_bad_requests), 1);
	/* More data after the error is taken (a delayed ACK) but not answered. */
	fp_send_str(f, REQ11);
	fp_none(f);
	fp_time(f, f->cfg.tcp.delack_ms);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_assert_uint_eq(s->len, 0);
	fp_end(f);
}
END_TEST

/* fixed: response_bytes of pattern for every request_bytes received. */
START_TEST(test_fixed_server)
{
	struct fp *f = fp_cur;
	static uint8_t req[250];
	uint32_t n, k, per = 3000;

	f->cfg.server.app = TT_APP_FIXED;
	f->cfg.server.request_bytes = 100;
	f->cfg.server.response_bytes = per;
	fp_start(f);
	fp_open(f);
	fp_send(f, ACK | PSH, req, 99);
	fp_time(f, f->cfg.tcp.delack_ms);
	fp_expect(f, ACK);
	fp_send(f, ACK | PSH, req, 151);	/* 250 bytes: two requests */
	n = fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	ck_assert_uint_eq(n, 2 * per);
	for (k = 0; k < 2; k++)
		ck_assert(tt_pattern_check(fp_rxbuf + k * per, 0, per));
	fp_send(f, ACK | PSH, req, 50);	/* 300: the third */
	n = fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	ck_assert_uint_eq(n, per);
	ck_assert(tt_pattern_check(fp_rxbuf, 0, per));
	fp_send(f, FIN | ACK, NULL, 0);
	fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	ck_state(f, TT_TCPS_CLOSED);
	fp_end(f);
}
END_TEST

/* Drain: close_all sends FINs, abort_all resets what is left but TIME_WAIT. */
START_TEST(test_drain)
{
	struct fp *f = fp_cur;
	struct fp_pc a, b;
	const struct fp_seg *s;
	unsigned int k, fins = 0, rsts = 0;

	fp_start(f);
	fp_new_conn(f, 40300, 0x1000);
	fp_to_time_wait(f);
	fp_new_conn(f, 40301, 0x2000);
	fp_open(f);
	a = f->pc;
	fp_new_conn(f, 40302, 0x3000);
	fp_open(f);
	b = f->pc;
	(void)a;
	(void)b;
	tt_tcp_close_all(f->ctx);
	for (k = 0; k < 2; k++) {
		s = fp_expect(f, FIN | ACK);
		ck_assert_uint_eq(s->len, 0);
		fins++;
	}
	fp_none(f);
	ck_assert_int_eq(GAUGE(f, FIN_WAIT_1), 2);
	/* abort_all() ends the generator's connections only: these are a server's. */
	ck_assert_uint_eq(tt_tcp_abort_all(f->ctx), 0);
	fp_none(f);
	ck_assert_int_eq(GAUGE(f, FIN_WAIT_1), 2);
	/* Marked as opened by us (as the generator's are), they are reset. */
	for (k = 0; k < f->ctx->n_conns; k++)
		if (f->ctx->conns[k].state == TT_TCPS_FIN_WAIT_1)
			f->ctx->conns[k].flags |= TT_CF_ACTIVE_OPEN;
	ck_assert_uint_eq(tt_tcp_abort_all(f->ctx), 2);
	for (k = 0; k < 2; k++) {
		s = fp_expect(f, RST | ACK);
		rsts++;
	}
	ck_assert_uint_eq(fins + rsts, 4);
	/* TIME_WAIT holds no block. */
	ck_assert_uint_eq(f->ctx->in_use, 0);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 1);
	ck_assert_uint_eq(tt_tcp_time_wait_count(f->ctx), 1);
	fp_time(f, 2 * f->cfg.tcp.msl_ms);
	ck_assert_uint_eq(tt_tcp_time_wait_count(f->ctx), 0);
	fp_end(f);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("tcp_apps");
	TCase *tc;

	tt_test_eal_init();

	tc = fp_tcase("apps");
	tcase_add_test(tc, test_echo);
	tcase_add_test(tc, test_reply_in_rx_mbuf);
	tcase_add_test(tc, test_reply_not_in_held_mbuf);
	tcase_add_test(tc, test_echo_tiny_segments);
	tcase_add_test(tc, test_echo_full_segments_wide_window);
	tcase_add_test(tc, test_echo_stream);
	suite_add_tcase(s, tc);

	tc = fp_tcase("l7");
	tcase_add_test(tc, test_http_pipelining);
	tcase_add_test(tc, test_http_keepalive_requests);
	tcase_add_test(tc, test_http_head_and_bad);
	tcase_add_test(tc, test_fixed_server);
	tcase_add_test(tc, test_drain);
	suite_add_tcase(s, tc);
	return s;
}
