/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine through the fake peer (tt_fake_peer.h).
 * Timers and windows: the FIN_WAIT_2 and idle timeouts, the zero-window
 * persist timer, tiny windows; and bursts of segments.
 */

#include <check.h>

#include "tt_fake_peer.h"

/* ------------------------------------------------------------------ */
/* Timers: FIN_WAIT_2 and idle timeouts, zero and tiny windows.       */
/* ------------------------------------------------------------------ */

/*
 * FIN_WAIT_2 without an idle timeout: the peer acknowledged our FIN but
 * never sends its own; after 2*MSL the block is released (reset, counted).
 */
START_TEST(test_fin_wait_2_timeout)
{
	struct fp *f = fp_cur;

	f->cfg.server.idle_timeout_ms = 0;
	fp_start(f);
	fp_reach_state(f, TT_TCPS_FIN_WAIT_2);
	fp_time(f, f->cfg.tcp.msl_ms);
	ck_state(f, TT_TCPS_FIN_WAIT_2);
	fp_time(f, f->cfg.tcp.msl_ms + 10);
	fp_expect(f, RST | ACK);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, conn_closed_timeout), 1);
	ck_assert_uint_eq(f->ctx->in_use, 0);
	fp_end(f);
}
END_TEST

/*
 * The same bound with an idle timeout longer than 2*MSL (the default 60 s),
 * when FIN_WAIT_2 is reached while the FIN's retransmission timer runs:
 * the FIN_WAIT_2 deadline is the shorter one, 2*MSL after the last segment.
 */
START_TEST(test_fin_wait_2_timeout_idle)
{
	struct fp *f = fp_cur;

	ck_assert_uint_gt(f->cfg.server.idle_timeout_ms, 2 * f->cfg.tcp.msl_ms);
	fp_start(f);
	fp_reach_state(f, TT_TCPS_FIN_WAIT_2);
	fp_time(f, 2 * f->cfg.tcp.msl_ms - 10);
	fp_none(f);
	ck_state(f, TT_TCPS_FIN_WAIT_2);
	fp_time(f, 20);
	fp_expect(f, RST | ACK);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, conn_closed_timeout), 1);
	fp_end(f);
}
END_TEST

START_TEST(test_idle_timeout)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;

	f->cfg.server.app = TT_APP_DISCARD;
	f->cfg.server.idle_timeout_ms = 3000;
	fp_start(f);
	fp_open(f);
	/* Activity at 2000 ms moves the deadline to 5000 ms. */
	fp_time(f, 2000);
	fp_send(f, ACK, "x", 1);
	fp_time(f, f->cfg.tcp.delack_ms);
	fp_expect(f, ACK);
	fp_time(f, 3000 - f->cfg.tcp.delack_ms - 1);
	fp_none(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_time(f, 1);
	s = fp_expect(f, RST | ACK);
	ck_assert_uint_eq(s->seq, f->pc.rcv_nxt);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, idle_timeouts), 1);
	ck_assert_uint_eq(ST(f, conn_closed_timeout), 1);
	fp_end(f);
}
END_TEST

/*
 * The peer's window is zero when the response is ready: persist probes
 * (RFC 9293 3.8.6.1) keep going while the peer answers them, and the
 * connection is not aborted for it (RFC 1122 4.2.2.17) when the bounds of
 * persist (tcp.persist_max_probes, tcp.persist_timeout_ms, the idle
 * timeout; test_persist_bounds) are out of reach.
 */
START_TEST(test_zero_window_persist)
{
	struct fp *f = fp_cur;
	struct fp_seg s;
	uint32_t una, probes = 0, n;
	unsigned int t;

	f->syn_opts = TT_OPT_MSS;
	f->cfg.server.idle_timeout_ms = 0;
	f->cfg.tcp.persist_timeout_ms = 0;
	f->cfg.tcp.persist_max_probes = 255;
	fp_start(f);
	fp_syn(f);
	f->win = 0;
	fp_ack(f);
	fp_send_str(f, REQ11);
	fp_none(f);
	una = f->pc.rcv_nxt;
	/* 60 s of a closed window; the peer ACKs every probe, window still 0. */
	for (t = 0; t < 60000; t++) {
		fp_time(f, 1);
		while (fp_pop(f, &s)) {
			ck_assert_msg(!(s.flags & RST), "connection reset after %u ms, %u probes",
				      t, probes);
			/* A BSD probe (1 byte at SND.UNA) or a Linux one (SND.UNA - 1, empty). */
			ck_assert((s.seq == una && s.len <= 1) || (s.seq == una - 1 && s.len == 0));
			if (t > f->cfg.tcp.delack_ms)
				probes++;	/* not the delayed ACK of the request */
			f->pc.rcv_nxt = una;	/* the byte did not fit */
			fp_ack(f);
		}
	}
	/*
	 * Regression test (found by this test, since fixed): rto_expired()
	 * probed only while snd_una == snd_max, so after the first probe its
	 * byte was outstanding, later expiries took the retransmission path
	 * (tt_tcp_output() sends nothing into a zero window), and retries,
	 * never reset by the probes' ACKs, reset the connection after
	 * max_retries (about 25 s) although the peer answered.
	 */
	ck_assert_msg(probes >= 5, "only %u probes in 60 s", probes);
	ck_state(f, TT_TCPS_ESTABLISHED);
	/*
	 * The peer's answers to the probes are not duplicate ACKs (RFC 5681
	 * 2: with the window closed nothing is lost; BSD does not count them
	 * while persisting): no fast retransmit, no recovery, no halved
	 * ssthresh when the window opens.
	 */
	ck_assert_uint_eq(ST(f, retrans_fast), 0);
	ck_assert(!(fp_conn(f)->flags & TT_CF_RECOVERY));
	ck_assert_uint_ge(fp_conn(f)->ssthresh, 65535);
	/* The window opens: the whole response comes. */
	f->win = 65535;
	fp_ack(f);
	n = fp_exchange_timed(f, fp_rxbuf, sizeof(fp_rxbuf),
			      fp_http_response_len(f->cfg.server.response_bytes, true), 30000);
	fp_check_http_response(fp_rxbuf, n, f->cfg.server.response_bytes, true);
	fp_end(f);
}
END_TEST

/*
 * A peer whose window is smaller than the MSS: sender silly-window
 * avoidance (RFC 9293 3.8.6.2.1) must still send when a fraction of the
 * maximum window can go, else nothing ever moves.
 */
START_TEST(test_small_window)
{
	struct fp *f = fp_cur;
	uint32_t n;

	f->cfg.server.response_bytes = 2000;
	f->syn_opts = TT_OPT_MSS;
	fp_start(f);
	fp_syn(f);
	f->win = 500;
	fp_ack(f);
	fp_send_str(f, REQ11);
	n = fp_exchange_timed(f, fp_rxbuf, sizeof(fp_rxbuf), fp_http_response_len(2000, true), 10000);
	/*
	 * Regression test (found by this test, since fixed): tt_tcp_output()
	 * held back every segment shorter than the MSS that was not the last
	 * of the queued data, even with nothing in flight: with a peer
	 * window below the MSS nothing was ever sent.
	 */
	ck_assert_msg(n == fp_http_response_len(2000, true), "%u bytes received in 10 s", n);
	fp_check_http_response(fp_rxbuf, n, 2000, true);
	fp_end(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Bursts.                                                            */
/* ------------------------------------------------------------------ */

/* Several segments of one flow, and a flow freed and re-created, in one burst. */
START_TEST(test_burst)
{
	struct fp *f = fp_cur;
	struct rte_mbuf *m[3];
	const struct fp_seg *s;
	uint32_t n;

	fp_start(f);
	fp_open(f);
	m[0] = fp_make(f, ACK | PSH, REQ11, (uint16_t)strlen(REQ11));
	m[1] = fp_make(f, FIN | ACK, NULL, 0);
	fp_input(f, m, 2);
	ck_state(f, TT_TCPS_LAST_ACK);
	n = fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	fp_check_http_response(fp_rxbuf, n, f->cfg.server.response_bytes, true);
	ck_state(f, TT_TCPS_CLOSED);

	/* RST then a new SYN on the same tuple, then data for it, in one burst. */
	fp_new_conn(f, 40100, 5000);
	fp_open(f);
	m[0] = fp_build(f, RST, f->pc.snd_nxt, 0, 0, NULL, 0, NULL, 0);
	m[1] = fp_build(f, SYN, 900000, 0, 65535, NULL, 0, NULL, 0);
	m[2] = fp_build(f, ACK, 900001, 12345, 65535, NULL, 0, NULL, 0);
	fp_input(f, m, 3);
	ck_state(f, TT_TCPS_SYN_RCVD);
	s = fp_expect(f, SYN | ACK);
	ck_assert_uint_eq(s->ack, 900001);
	/* The third segment's ACK is not acceptable in SYN_RCVD: RST <SEQ=SEG.ACK>. */
	s = fp_expect(f, RST);
	ck_assert_uint_eq(s->seq, 12345);
	ck_assert_uint_eq(ST(f, tcp_rst_in), 1);
	ck_assert_uint_eq(f->ctx->in_use, 1);

	/*
	 * Two new flows, then the first one's SYN again, in one burst: the
	 * third segment finds the flow the first created (a retransmitted
	 * SYN in SYN_RCVD: the SYN-ACK again), not a new one.
	 */
	fp_new_conn(f, 40200, 7000);
	m[0] = fp_build(f, SYN, 7000, 0, 65535, NULL, 0, NULL, 0);
	fp_new_conn(f, 40201, 8000);
	m[1] = fp_build(f, SYN, 8000, 0, 65535, NULL, 0, NULL, 0);
	fp_new_conn(f, 40200, 7000);
	m[2] = fp_build(f, SYN, 7000, 0, 65535, NULL, 0, NULL, 0);
	fp_input(f, m, 3);
	ck_assert_uint_eq(f->ctx->in_use, 3);
	ck_assert_int_eq(GAUGE(f, SYN_RCVD), 3);
	s = fp_expect(f, SYN | ACK);
	ck_assert_uint_eq(s->ack, 7001);
	s = fp_expect(f, SYN | ACK);
	ck_assert_uint_eq(s->ack, 8001);
	s = fp_expect(f, SYN | ACK);
	ck_assert_uint_eq(s->ack, 7001);
	fp_end(f);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("tcp_timers");
	TCase *tc;

	tt_test_eal_init();

	tc = fp_tcase("timers");
	tcase_add_test(tc, test_fin_wait_2_timeout);
	tcase_add_test(tc, test_fin_wait_2_timeout_idle);
	tcase_add_test(tc, test_idle_timeout);
	tcase_add_test(tc, test_zero_window_persist);
	tcase_add_test(tc, test_small_window);
	tcase_add_test(tc, test_burst);
	suite_add_tcase(s, tc);
	return s;
}
