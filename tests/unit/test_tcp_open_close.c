/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine through the fake peer (tt_fake_peer.h).
 * Opening and closing: the passive open, the closing transitions
 * (FIN_WAIT_1 and 2, CLOSING, LAST_ACK, TIME_WAIT) and RST in every state.
 */

#include <check.h>

#include "tt_fake_peer.h"

/* ------------------------------------------------------------------ */
/* Passive open.                                                      */
/* ------------------------------------------------------------------ */

START_TEST(test_passive_open)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t isn;
	uint8_t kinds;

	fp_start(f);
	ck_assert_int_eq(GAUGE(f, LISTEN), 1);

	/* SYN -> SYN-ACK acknowledging the peer's ISN + 1; SYN_RCVD. */
	fp_send_syn(f);
	s = fp_expect(f, SYN | ACK);
	ck_assert_uint_eq(s->ack, f->pc.iss + 1);
	ck_assert_uint_eq(s->sport, 80);
	ck_assert_uint_eq(s->dport, f->pc.port);
	ck_assert_uint_eq(s->saddr, TT_TEST_IP_US);
	ck_assert_uint_eq(s->daddr, TT_TEST_IP_PEER);
	ck_assert_uint_eq(s->len, 0);
	/* RFC 7323 2.2: the window of a SYN-ACK is not scaled. */
	ck_assert_uint_eq(s->win, RTE_MIN(f->cfg.tcp.rcv_wnd, 65535u));
	isn = s->seq;
	kinds = s->opts;
	f->pc.ts = true;
	ck_state(f, TT_TCPS_SYN_RCVD);
	ck_assert_int_eq(GAUGE(f, SYN_RCVD), 1);
	ck_assert_uint_eq(TRANS(f, LISTEN, SYN_RCVD), 1);
	ck_assert_uint_eq(ST(f, conn_accepted), 1);
	ck_assert_uint_eq(f->ctx->in_use, 1);

	/* A retransmitted SYN gets the same SYN-ACK again, no new flow. */
	fp_send_syn(f);
	f->pc.ts = true;
	s = fp_expect(f, SYN | ACK);
	ck_assert_uint_eq(s->seq, isn);
	ck_assert_uint_eq(s->ack, f->pc.iss + 1);
	ck_assert_uint_eq(s->opts, kinds);
	ck_assert_uint_eq(ST(f, retrans_synack), 1);
	ck_assert_uint_eq(ST(f, conn_accepted), 1);
	ck_assert_uint_eq(f->ctx->in_use, 1);
	ck_state(f, TT_TCPS_SYN_RCVD);

	/* An ACK that does not acknowledge our SYN: <SEQ=SEG.ACK><CTL=RST>, flow stays. */
	{
		uint8_t o[12];
		uint8_t ol = fp_ts_optbuf(++f->tsval, f->pc.ts_recent, o);

		fp_raw(f, ACK, f->pc.snd_nxt, isn + 1000, f->win, o, ol, NULL, 0);
		s = fp_expect(f, RST);
		ck_assert_uint_eq(s->seq, isn + 1000);
		ck_assert_uint_eq(DROPS(f, tcp_bad_ack), 1);
		ck_state(f, TT_TCPS_SYN_RCVD);
	}

	/* The ACK of the SYN-ACK: ESTABLISHED, nothing to send. */
	fp_ack(f);
	fp_none(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	ck_assert_uint_eq(ST(f, conn_established), 1);
	ck_assert_uint_eq(TRANS(f, SYN_RCVD, ESTABLISHED), 1);
	ck_assert_int_eq(GAUGE(f, SYN_RCVD), 0);
	ck_assert_int_eq(GAUGE(f, ESTABLISHED), 1);
	fp_end(f);
}
END_TEST

/* The third segment of the handshake carries the request. */
START_TEST(test_passive_open_data_on_ack)
{
	struct fp *f = fp_cur;
	uint32_t n;

	fp_start(f);
	fp_syn(f);
	fp_send_str(f, REQ11);
	ck_state(f, TT_TCPS_ESTABLISHED);
	n = fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	fp_check_http_response(fp_rxbuf, n, f->cfg.server.response_bytes, true);
	ck_assert_uint_eq(ST(f, http_requests), 1);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_end(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Closing transitions.                                               */
/* ------------------------------------------------------------------ */

/*
 * Passive close: ESTABLISHED -> CLOSE_WAIT -> LAST_ACK -> CLOSED. The
 * peer's FIN arrives after its request was answered: nothing is left to
 * send, so our FIN and the ACK of its FIN are one segment (three-segment
 * close).
 */
START_TEST(test_passive_close)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t n;

	fp_start(f);
	fp_open(f);
	fp_send_str(f, REQ11);
	n = fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	fp_check_http_response(fp_rxbuf, n, f->cfg.server.response_bytes, true);
	ck_state(f, TT_TCPS_ESTABLISHED);

	fp_send(f, FIN | ACK, NULL, 0);
	s = fp_expect(f, FIN | ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_assert_uint_eq(s->len, 0);
	fp_none(f);
	ck_state(f, TT_TCPS_LAST_ACK);
	ck_assert_uint_eq(TRANS(f, ESTABLISHED, CLOSE_WAIT), 1);
	ck_assert_uint_eq(TRANS(f, CLOSE_WAIT, LAST_ACK), 1);

	fp_ack(f);
	fp_none(f);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(f->ctx->in_use, 0);
	ck_assert_uint_eq(TRANS(f, LAST_ACK, CLOSED), 1);
	ck_assert_uint_eq(ST(f, conn_closed_passive), 1);
	ck_assert_int_eq(GAUGE(f, LAST_ACK), 0);

	/* A late ACK for the closed flow: <SEQ=SEG.ACK><CTL=RST>. */
	fp_ack(f);
	s = fp_expect(f, RST);
	ck_assert_uint_eq(s->seq, f->pc.rcv_nxt);
	fp_end(f);
}
END_TEST

/*
 * Active close by the server: HTTP/1.0 (loop 0) or Connection: close
 * (loop 1). ESTABLISHED -> FIN_WAIT_1 (FIN on the response's last segment)
 * -> FIN_WAIT_2 -> TIME_WAIT -> CLOSED after exactly 2*MSL.
 */
START_TEST(test_active_close)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t tw_ms;

	fp_start(f);
	fp_open(f);
	fp_send_str(f, _i == 0 ? REQ10 : REQ_CLOSE);
	s = fp_expect(f, ACK | PSH | FIN);
	fp_check_http_response(s->data, s->len, f->cfg.server.response_bytes, false);
	fp_none(f);
	ck_state(f, TT_TCPS_FIN_WAIT_1);
	ck_assert_uint_eq(TRANS(f, ESTABLISHED, FIN_WAIT_1), 1);

	fp_ack(f);
	fp_none(f);
	ck_state(f, TT_TCPS_FIN_WAIT_2);
	ck_assert_uint_eq(TRANS(f, FIN_WAIT_1, FIN_WAIT_2), 1);

	fp_send(f, FIN | ACK, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_assert_uint_eq(s->seq, f->pc.rcv_nxt);
	ck_state(f, TT_TCPS_TIME_WAIT);
	ck_assert_uint_eq(TRANS(f, FIN_WAIT_2, TIME_WAIT), 1);
	ck_assert_uint_eq(ST(f, conn_closed_active), 1);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 1);

	/* 2*MSL: still there 1 ms before, gone at the deadline. */
	tw_ms = 2 * f->cfg.tcp.msl_ms;
	fp_time(f, tw_ms - 1);
	ck_state(f, TT_TCPS_TIME_WAIT);
	fp_time(f, 1);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(f->ctx->in_use, 0);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 0);
	ck_assert_uint_eq(TRANS(f, TIME_WAIT, CLOSED), 1);
	fp_end(f);
}
END_TEST

/* FIN_WAIT_1 and a FIN that also acknowledges our FIN: straight to TIME_WAIT. */
START_TEST(test_fin_wait_1_finack)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;

	fp_start(f);
	fp_open(f);
	fp_send_str(f, REQ10);
	fp_expect(f, ACK | PSH | FIN);
	ck_state(f, TT_TCPS_FIN_WAIT_1);
	fp_send(f, FIN | ACK, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	fp_none(f);
	ck_state(f, TT_TCPS_TIME_WAIT);
	/*
	 * RFC 9293 3.10.7.4 (FIN-WAIT-1: "If our FIN has been ACKed ... enter
	 * TIME-WAIT"): the engine passes through FIN_WAIT_2 within the same
	 * segment, so the counters show FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT.
	 */
	ck_assert(TRANS(f, FIN_WAIT_1, TIME_WAIT) == 1 ||
		  (TRANS(f, FIN_WAIT_1, FIN_WAIT_2) == 1 && TRANS(f, FIN_WAIT_2, TIME_WAIT) == 1));
	ck_assert_uint_eq(TRANS(f, FIN_WAIT_1, CLOSING), 0);
	fp_time(f, 2 * f->cfg.tcp.msl_ms);
	ck_state(f, TT_TCPS_CLOSED);
	fp_end(f);
}
END_TEST

/* Simultaneous close: FIN_WAIT_1 -> CLOSING -> TIME_WAIT -> CLOSED. */
START_TEST(test_simultaneous_close)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t our_fin;

	fp_start(f);
	fp_open(f);
	fp_send_str(f, REQ10);
	s = fp_expect(f, ACK | PSH | FIN);
	our_fin = s->seq + s->len;
	/* The peer's FIN crosses ours: it acknowledges our data, not our FIN. */
	f->pc.rcv_nxt = our_fin;
	fp_send(f, FIN | ACK, NULL, 0);
	ck_state(f, TT_TCPS_CLOSING);
	ck_assert_uint_eq(TRANS(f, FIN_WAIT_1, CLOSING), 1);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_assert_uint_eq(s->seq, our_fin + 1);
	fp_none(f);

	/* Its ACK of our FIN. */
	f->pc.rcv_nxt = our_fin + 1;
	fp_ack(f);
	fp_none(f);
	ck_state(f, TT_TCPS_TIME_WAIT);
	ck_assert_uint_eq(TRANS(f, CLOSING, TIME_WAIT), 1);
	ck_assert_uint_eq(ST(f, conn_closed_simultaneous), 1);
	fp_time(f, 2 * f->cfg.tcp.msl_ms);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(f->ctx->in_use, 0);
	fp_end(f);
}
END_TEST

/*
 * A request and the peer's FIN in one segment (a client that half-closes
 * with its request, as tcpterm's close = half does). The server reads the
 * request and closes while that segment is read, but the peer's FIN is
 * here before ours is sent: no simultaneous close (CLOSING, then our own
 * TIME_WAIT), but ESTABLISHED -> CLOSE_WAIT -> LAST_ACK (RFC 9293 3.10.4,
 * 3.10.7.4 eighth), the response, our FIN and the ACK of the peer's FIN
 * in one segment, and no TIME_WAIT here.
 */
START_TEST(test_request_with_fin)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;

	fp_start(f);
	fp_open(f);
	fp_send(f, ACK | PSH | FIN, REQ10, (uint16_t)strlen(REQ10));
	s = fp_expect(f, ACK | PSH | FIN);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_assert_uint_eq(s->len, fp_http_response_len(f->cfg.server.response_bytes, false));
	fp_none(f);
	ck_state(f, TT_TCPS_LAST_ACK);
	ck_assert_uint_eq(TRANS(f, ESTABLISHED, CLOSE_WAIT), 1);
	ck_assert_uint_eq(TRANS(f, CLOSE_WAIT, LAST_ACK), 1);
	ck_assert_uint_eq(TRANS(f, ESTABLISHED, FIN_WAIT_1), 0);
	ck_assert_uint_eq(TRANS(f, FIN_WAIT_1, CLOSING), 0);
	fp_ack(f);
	fp_none(f);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, conn_closed_passive), 1);
	ck_assert_uint_eq(ST(f, conn_closed_simultaneous), 0);
	ck_assert_uint_eq(tt_tcp_time_wait_count(f->ctx), 0);

	/* Keep-alive asked for: the same, the FIN ends it all the same. */
	fp_new_conn(f, 40001, 5000);
	fp_open(f);
	fp_send(f, ACK | PSH | FIN, REQ11, (uint16_t)strlen(REQ11));
	s = fp_expect(f, ACK | PSH | FIN);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	fp_none(f);
	ck_state(f, TT_TCPS_LAST_ACK);
	fp_ack(f);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, conn_closed_passive), 2);
	ck_assert_uint_eq(tt_tcp_time_wait_count(f->ctx), 0);
	fp_end(f);
}
END_TEST

/*
 * Half-close: the peer sends its request, then its FIN before reading any
 * of a response of many segments. The whole response still comes, then
 * our FIN on its last segment.
 */
START_TEST(test_half_close)
{
	struct fp *f = fp_cur;
	struct fp_seg s;
	uint32_t n, rlen, i = 0;

	f->cfg.server.response_bytes = 20000;
	f->syn_opts = TT_OPT_MSS;
	f->mss = 1000;
	fp_start(f);
	fp_open(f);
	fp_send_str(f, REQ11);
	fp_send(f, FIN | ACK, NULL, 0);
	ck_state(f, TT_TCPS_LAST_ACK);
	ck_assert_uint_eq(TRANS(f, ESTABLISHED, CLOSE_WAIT), 1);
	/* A first window of data (init_cwnd segments), then the ACK of the FIN. */
	rlen = fp_http_response_len(20000, true);
	n = 0;
	while (fp_pop(f, &s)) {
		ck_assert_uint_le(s.len, 1000);
		ck_assert(!(s.flags & FIN));
		if (s.len > 0) {
			memcpy(fp_rxbuf + n, s.data, s.len);
			n += s.len;
			i++;
		} else {
			ck_assert_uint_eq(s.ack, f->pc.snd_nxt);
		}
	}
	ck_assert_uint_eq(i, f->cfg.tcp.init_cwnd);
	ck_assert_uint_eq(n, f->cfg.tcp.init_cwnd * 1000);
	fp_ack(f);
	n += fp_exchange(f, fp_rxbuf + n, sizeof(fp_rxbuf) - n);
	fp_check_http_response(fp_rxbuf, n, 20000, true);
	ck_assert(f->pc.fin_rcvd);
	/* The FIN rode on the last data segment. */
	ck_assert(f->last_flags & FIN);
	ck_assert_uint_gt(f->last_len, 0);
	ck_assert_uint_le(f->max_len, 1000);
	ck_assert_uint_eq(rlen, n);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, conn_closed_passive), 1);
	fp_end(f);
}
END_TEST

/* A retransmitted FIN in TIME_WAIT is ACKed again and restarts the 2*MSL wait. */
START_TEST(test_time_wait_fin_restart)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t msl = f->cfg.tcp.msl_ms;

	fp_start(f);
	fp_to_time_wait(f);
	fp_time(f, msl + msl / 2);
	/* The peer did not get our ACK: its FIN again. */
	f->pc.snd_nxt--;
	fp_send(f, FIN | ACK, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_state(f, TT_TCPS_TIME_WAIT);
	/* The original deadline passes: still there. */
	fp_time(f, msl / 2);
	ck_state(f, TT_TCPS_TIME_WAIT);
	fp_time(f, 2 * msl - msl / 2 - 1);
	ck_state(f, TT_TCPS_TIME_WAIT);
	fp_time(f, 1);
	ck_state(f, TT_TCPS_CLOSED);
	fp_end(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* RST.                                                               */
/* ------------------------------------------------------------------ */

static const unsigned int rst_states[] = {
	TT_TCPS_SYN_RCVD, TT_TCPS_ESTABLISHED, TT_TCPS_FIN_WAIT_1, TT_TCPS_FIN_WAIT_2,
	TT_TCPS_CLOSE_WAIT, TT_TCPS_CLOSING, TT_TCPS_LAST_ACK, TT_TCPS_TIME_WAIT,
};

/*
 * RFC 9293 3.10.7.4 with RFC 5961 3.2, in each synchronised state (loop):
 * an RST outside the window is dropped silently; an RST inside the window
 * but not at RCV.NXT gets a challenge ACK and the flow stays; an RST at
 * RCV.NXT closes the flow. In TIME_WAIT the engine does as RFC 9293 says
 * ("enter the CLOSED state, delete the TCB"), without RFC 1337's option of
 * ignoring it (Linux's default, net.ipv4.tcp_rfc1337 = 0, does the same).
 */
START_TEST(test_rst_in_state)
{
	struct fp *f = fp_cur;
	unsigned int state = rst_states[_i];
	const struct fp_seg *s;
	uint64_t drops;

	fp_start(f);
	fp_reach_state(f, state);

	/* Far outside the window: dropped, no answer. */
	drops = DROPS(f, tcp_out_of_window);
	fp_raw(f, RST, f->pc.snd_nxt + 0x40000000u, 0, 0, NULL, 0, NULL, 0);
	fp_none(f);
	ck_state(f, state);
	ck_assert_uint_eq(DROPS(f, tcp_out_of_window), drops + 1);

	/* In the window, not exact: challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT>. */
	fp_raw(f, RST, f->pc.snd_nxt + 1, 0, 0, NULL, 0, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_assert_uint_eq(s->seq, f->pc.rcv_nxt);
	fp_none(f);
	ck_state(f, state);

	/* Exact: the flow is gone, silently. */
	fp_raw(f, RST | ACK, f->pc.snd_nxt, f->pc.rcv_nxt, 0, NULL, 0, NULL, 0);
	fp_none(f);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(f->ctx->in_use, 0);
	ck_assert_uint_eq(ST(f, tcp_rst_in), 1);
	/*
	 * A connection in TIME_WAIT was counted as closed (actively) when it
	 * entered TIME_WAIT: the RST only ends TIME_WAIT early.
	 */
	if (state == TT_TCPS_TIME_WAIT) {
		ck_assert_uint_eq(ST(f, conn_closed_reset), 0);
		ck_assert_uint_eq(ST(f, tw_ended_by_rst), 1);
	} else {
		ck_assert_uint_eq(ST(f, conn_closed_reset), 1);
	}
	ck_assert_uint_eq(f->t->stats.trans[state][TT_TCPS_CLOSED], 1);
	ck_assert_int_eq(f->t->stats.state[state], 0);
	fp_time(f, 2 * f->cfg.tcp.msl_ms + 10);
	fp_end(f);
}
END_TEST

/*
 * A SYN for a tuple in LAST_ACK, only our FIN unacknowledged (our FIN's
 * ACK lost, the peer reusing the tuple at once as dperf does). Loop 0:
 * tcp.last_ack_reopen (default): an older SYN (lower TSval) is PAWS-dropped
 * and the connection stays; a newer one ends it as a passive close and
 * gets the SYN-ACK of a new connection. Loop 1: off, RFC 9293 3.10.7.4
 * with RFC 5961 4: a challenge ACK, the old connection stays.
 */
START_TEST(test_last_ack_reopen)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t old_iss = f->pc.iss, old_rcv;
	uint8_t o[40], ol;

	f->cfg.tcp.last_ack_reopen = _i == 0;
	fp_start(f);
	fp_reach_state(f, TT_TCPS_LAST_ACK);
	old_rcv = f->pc.snd_nxt;

	ol = fp_syn_optbuf(f, f->tsval - 10, 0, o);
	fp_raw(f, SYN, old_iss + 100000, 0, f->win, o, ol, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, old_rcv);
	ck_assert_uint_eq(DROPS(f, tcp_paws), 1);
	ck_state(f, TT_TCPS_LAST_ACK);

	f->pc.iss = old_iss + 100000;
	fp_send_syn(f);
	s = fp_expect(f, _i == 0 ? SYN | ACK : ACK);
	if (_i == 1) {
		/* The challenge ACK: our SND.NXT and the old RCV.NXT. */
		ck_assert_uint_eq(s->ack, old_rcv);
		ck_assert_uint_eq(DROPS(f, tcp_syn_synced), 1);
		ck_assert_uint_eq(ST(f, last_ack_reopened), 0);
		ck_state(f, TT_TCPS_LAST_ACK);
		fp_none(f);
		fp_end(f);
		return;
	}
	ck_assert_uint_eq(s->ack, f->pc.iss + 1);
	ck_assert_uint_eq(ST(f, last_ack_reopened), 1);
	ck_assert_uint_eq(ST(f, conn_closed_passive), 1);
	ck_assert_uint_eq(TRANS(f, LAST_ACK, CLOSED), 1);
	ck_assert_int_eq(GAUGE(f, LAST_ACK), 0);
	ck_state(f, TT_TCPS_SYN_RCVD);
	ck_assert_uint_eq(f->ctx->in_use, 1);
	ck_assert_uint_eq(ST(f, conn_accepted), 2);
	f->pc.ts = true;
	fp_ack(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_none(f);
	fp_end(f);
}
END_TEST

/* Segments for no connection (RFC 9293 3.10.7.1 and 3.10.7.2). */
START_TEST(test_rst_no_flow)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	static const char data[] = "hello";

	fp_start(f);
	/* SYN to a port nobody listens on: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
	f->lport = 81;
	fp_raw(f, SYN, 12345, 0, 65535, NULL, 0, NULL, 0);
	s = fp_expect(f, RST | ACK);
	ck_assert_uint_eq(s->seq, 0);
	ck_assert_uint_eq(s->ack, 12346);
	ck_assert_uint_eq(s->sport, 81);
	ck_assert_uint_eq(s->dport, f->pc.port);
	ck_assert_uint_eq(s->win, 0);
	ck_assert_uint_eq(ST(f, refused_no_listener), 1);
	ck_assert_uint_eq(f->ctx->in_use, 0);
	/* A SYN carrying data: the ACK covers SYN and data. */
	fp_raw(f, SYN, 5000, 0, 65535, NULL, 0, data, 5);
	s = fp_expect(f, RST | ACK);
	ck_assert_uint_eq(s->ack, 5006);

	/* A non-SYN segment for an unknown flow on a listened port: <SEQ=SEG.ACK><CTL=RST>. */
	f->lport = 80;
	fp_raw(f, ACK, 777, 0xdeadbeef, 65535, NULL, 0, NULL, 0);
	s = fp_expect(f, RST);
	ck_assert_uint_eq(s->seq, 0xdeadbeef);
	ck_assert_uint_eq(DROPS(f, tcp_no_flow), 1);
	fp_raw(f, ACK | PSH | FIN, 777, 42, 65535, NULL, 0, data, 5);
	s = fp_expect(f, RST);
	ck_assert_uint_eq(s->seq, 42);
	/* A SYN-ACK for no flow: RST too (it carries an ACK). */
	fp_raw(f, SYN | ACK, 777, 4242, 65535, NULL, 0, NULL, 0);
	s = fp_expect(f, RST);
	ck_assert_uint_eq(s->seq, 4242);
	ck_assert_uint_eq(f->ctx->in_use, 0);

	/* An RST for an unknown flow: nothing. */
	fp_raw(f, RST, 777, 0, 0, NULL, 0, NULL, 0);
	fp_raw(f, RST | ACK, 777, 1, 0, NULL, 0, NULL, 0);
	fp_none(f);
	ck_assert_uint_eq(ST(f, tcp_rst_out), 5);

	/*
	 * None of SYN, ACK and RST (nmap's FIN, NULL and Xmas scans): a
	 * listening port drops it (3.10.7.2 fourth), a closed port answers
	 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> (3.10.7.1), FIN counted.
	 */
	fp_raw(f, FIN, 900, 0, 1024, NULL, 0, NULL, 0);
	fp_raw(f, 0, 900, 0, 1024, NULL, 0, NULL, 0);
	fp_raw(f, FIN | PSH | RTE_TCP_URG_FLAG, 900, 0, 1024, NULL, 0, data, 5);
	fp_none(f);
	ck_assert_uint_eq(DROPS(f, bad_tcp_flags), 3);
	f->lport = 81;
	fp_raw(f, FIN, 900, 0, 1024, NULL, 0, NULL, 0);
	s = fp_expect(f, RST | ACK);
	ck_assert_uint_eq(s->seq, 0);
	ck_assert_uint_eq(s->ack, 901);
	fp_raw(f, 0, 900, 0, 1024, NULL, 0, NULL, 0);
	s = fp_expect(f, RST | ACK);
	ck_assert_uint_eq(s->ack, 900);
	fp_raw(f, FIN | PSH | RTE_TCP_URG_FLAG, 900, 0, 1024, NULL, 0, data, 5);
	s = fp_expect(f, RST | ACK);
	ck_assert_uint_eq(s->ack, 906);
	ck_assert_uint_eq(ST(f, tcp_rst_out), 8);
	ck_assert_uint_eq(DROPS(f, bad_tcp_flags), 3);
	ck_assert_uint_eq(f->ctx->in_use, 0);
	fp_end(f);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("tcp_open_close");
	TCase *tc;

	tt_test_eal_init();

	tc = fp_tcase("open_close");
	tcase_add_test(tc, test_passive_open);
	tcase_add_test(tc, test_passive_open_data_on_ack);
	tcase_add_test(tc, test_passive_close);
	tcase_add_loop_test(tc, test_active_close, 0, 2);
	tcase_add_test(tc, test_fin_wait_1_finack);
	tcase_add_test(tc, test_simultaneous_close);
	tcase_add_test(tc, test_half_close);
	tcase_add_test(tc, test_request_with_fin);
	tcase_add_test(tc, test_time_wait_fin_restart);
	tcase_add_loop_test(tc, test_last_ack_reopen, 0, 2);
	suite_add_tcase(s, tc);

	tc = fp_tcase("rst");
	tcase_add_loop_test(tc, test_rst_in_state, 0, RTE_DIM(rst_states));
	tcase_add_test(tc, test_rst_no_flow);
	suite_add_tcase(s, tc);
	return s;
}
