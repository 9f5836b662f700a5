/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine through the fake peer (tt_fake_peer.h).
 * The client side: active open, SYN retransmission, refused connections,
 * simultaneous open, a server without options, passive close.
 */

#include <check.h>

#include "tt_fake_peer.h"
#include "l7/tt_app.h"
#include "l7/tt_http.h"

/* ------------------------------------------------------------------ */
/* Client side.                                                       */
/* ------------------------------------------------------------------ */

static void
fp_client_setup(struct fp *f)
{
	f->cfg.server.enabled = false;
	f->cfg.server.n_listen = 0;
	f->cfg.client.enabled = true;
	f->cfg.client.n_target = 1;
	f->cfg.client.target[0].ip = TT_TEST_IP_PEER;
	f->cfg.client.target[0].port = 80;
	f->cfg.client.app = TT_APP_HTTP;
	f->cfg.client.close = TT_CLOSE_ACTIVE;
	f->lport = 50000;
	f->pc.port = 80;
	f->pc.iss = 0x70000000;
}

/* An HTTP client connection and its SYN (as the generator opens them); returns the block. */
static struct tt_conn *
fp_client_connect(struct fp *f)
{
	struct tt_conn *c;
	int err = -1;

	c = tt_app_connect(f->ctx, TT_TEST_PORT, TT_TEST_IP_US, f->lport, f->addr, f->pc.port,
			   &tt_test_mac_peer, false, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(err, 0);
	ck_assert(c->flags & TT_CF_ACTIVE_OPEN);
	ck_assert_int_eq(tt_app_conn(c)->kind, TT_CAPP_CLI_HTTP);
	return c;
}

/* The peer (a server) answers our SYN with its SYN-ACK. */
static void
fp_send_synack(struct fp *f)
{
	uint8_t o[40];
	uint8_t ol = fp_syn_optbuf(f, ++f->tsval, f->pc.ts_recent, o);

	fp_raw(f, SYN | ACK, f->pc.iss, f->pc.rcv_nxt, f->win, o, ol, NULL, 0);
	f->pc.snd_nxt = f->pc.iss + 1;
}

static uint32_t
fp_request(char *buf, size_t len, bool keepalive)
{
	int n = tt_http_build_request(buf, len, "/", "198.18.0.1", keepalive);

	ck_assert_int_gt(n, 0);
	return (uint32_t)n;
}

/* Active open, request on the third segment, response, active close, TIME_WAIT. */
START_TEST(test_client_http)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	char req[512];
	uint32_t rl;
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

	fp_client_setup(f);
	fp_start(f);
	c = fp_client_connect(f);
	s = fp_expect(f, SYN);
	ck_assert_uint_eq(s->ack, 0);
	ck_assert_uint_eq(s->opts, TT_OPT_MSS | TT_OPT_WS | TT_OPT_TS | TT_OPT_SACKOK);
	ck_assert_uint_eq(s->mss, 1460);
	ck_assert_uint_eq(s->ws, f->cfg.tcp.wscale);
	ck_assert_uint_eq(s->tsecr, 0);
	ck_assert_uint_eq(s->win, RTE_MIN(f->cfg.tcp.rcv_wnd, 65535u));
	ck_assert_uint_eq(s->sport, f->lport);
	ck_assert_uint_eq(s->dport, 80);
	ck_state(f, TT_TCPS_SYN_SENT);
	ck_assert_uint_eq(TRANS(f, CLOSED, SYN_SENT), 1);
	ck_assert_uint_eq(ST(f, conn_attempted), 1);

	/* SYN-ACK: ESTABLISHED, and the third segment is ACK + the request. */
	f->ws = 7;
	fp_send_synack(f);
	f->pc.ts = true;
	ck_state(f, TT_TCPS_ESTABLISHED);
	ck_assert_uint_eq(TRANS(f, SYN_SENT, ESTABLISHED), 1);
	rl = fp_request(req, sizeof(req), true);
	s = fp_expect(f, ACK | PSH);
	ck_assert_uint_eq(s->ack, f->pc.iss + 1);
	ck_assert_uint_eq(s->seq, f->pc.our_isn + 1);
	ck_assert_uint_eq(s->len, rl);
	ck_assert(memcmp(s->data, req, rl) == 0);
	ck_assert_uint_eq(s->win, RTE_MIN(f->cfg.tcp.rcv_wnd, 65535u << 7) >> 7);
	ck_assert_uint_eq(s->opts, TT_OPT_TS);
	ck_assert_uint_eq(ST(f, client_requests), 1);
	fp_none(f);
	ck_assert_uint_eq(c->snd_ws, 7);

	/* The response: complete, close=active sends our FIN. */
	fp_send(f, ACK | PSH, resp, (uint16_t)strlen(resp));
	s = fp_expect(f, FIN | ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_state(f, TT_TCPS_FIN_WAIT_1);
	ck_assert_uint_eq(ST(f, client_responses), 1);
	ck_assert_uint_eq(ST(f, client_completed), 1);
	fp_ack(f);
	ck_state(f, TT_TCPS_FIN_WAIT_2);
	fp_send(f, FIN | ACK, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_state(f, TT_TCPS_TIME_WAIT);
	ck_assert_uint_eq(ST(f, conn_closed_active), 1);
	/* A new SYN on a client's TIME_WAIT tuple is not a new incarnation. */
	fp_time(f, 2 * f->cfg.tcp.msl_ms);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, client_fail_timeout) + ST(f, client_fail_reset) +
			  ST(f, client_fail_refused) + ST(f, client_fail_bad_response), 0);
	fp_end(f);
}
END_TEST

/* The current connection's 4-tuple, as the flow table keys it. */
static struct tt_flow_key
client_key(const struct fp *f)
{
	return (struct tt_flow_key){ .raddr = f->addr, .laddr = TT_TEST_IP_US,
				     .rport = f->pc.port, .lport = f->lport };
}

/*
 * Open, one request and response, active close: the client ends in
 * TIME_WAIT (an entry: the block is free again). Returns SND.NXT as the
 * block had it, past our FIN.
 */
static uint32_t
client_to_time_wait(struct fp *f)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
	struct tt_conn *c = fp_client_connect(f);
	uint32_t in_use = f->ctx->in_use, snd_nxt;

	fp_expect(f, SYN);
	fp_send_synack(f);
	f->pc.ts = (f->cfg.tcp.timestamps != 0);
	fp_expect(f, ACK | PSH);
	fp_send(f, ACK | PSH, resp, (uint16_t)strlen(resp));
	fp_expect(f, FIN | ACK);
	fp_ack(f);
	snd_nxt = c->snd_nxt;
	fp_send(f, FIN | ACK, NULL, 0);
	fp_expect(f, ACK);
	ck_state(f, TT_TCPS_TIME_WAIT);
	ck_assert_ptr_null(fp_conn(f));
	ck_assert_uint_eq(f->ctx->in_use, in_use - 1);
	ck_assert_uint_eq(tt_tcp_time_wait_count(f->ctx), 1);
	return snd_nxt;
}

/*
 * tcp.tw_reuse (RFC 6191, Linux's tcp_tw_reuse): our own TIME_WAIT tuple
 * is taken over by a new active open only with timestamps and after
 * tw_reuse_delay_ms without a segment; the new SYN starts 65,537 above the
 * old SND.NXT, and the new incarnation runs normally.
 */
START_TEST(test_client_tw_reuse)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_flow_key k;
	struct tt_conn *c2;
	uint32_t old_nxt, delay;
	int err = -1;

	fp_client_setup(f);
	f->cfg.tcp.msl_ms = 30000;	/* TIME_WAIT outlasts the reuse delay */
	fp_start(f);
	delay = f->cfg.tcp.tw_reuse_delay_ms;
	ck_assert_uint_eq(delay, 1000);
	ck_assert(f->cfg.tcp.tw_reuse);
	old_nxt = client_to_time_wait(f);
	k = client_key(f);
	ck_assert_int_eq(tt_tcp_tw_reuse_wait_ms(f->ctx, &k), (int32_t)delay);
	fp_time(f, delay / 2);
	/* A segment of the peer in TIME_WAIT, answered: the delay starts again. */
	fp_send(f, ACK, "x", 1);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->seq, old_nxt);
	ck_assert_int_eq(tt_tcp_tw_reuse_wait_ms(f->ctx, &k), (int32_t)delay);
	fp_time(f, delay - 1);
	ck_assert_int_eq(tt_tcp_tw_reuse_wait_ms(f->ctx, &k), 1);
	fp_time(f, 1);
	ck_assert_int_eq(tt_tcp_tw_reuse_wait_ms(f->ctx, &k), 0);
	ck_state(f, TT_TCPS_TIME_WAIT);

	/* A new incarnation: SYN_SENT, the SYN above the old sequence space. */
	c2 = tt_app_connect(f->ctx, TT_TEST_PORT, TT_TEST_IP_US, f->lport, f->addr, f->pc.port,
			    &tt_test_mac_peer, true, &err);
	ck_assert_ptr_nonnull(c2);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(tt_tcp_time_wait_count(f->ctx), 0);
	ck_state(f, TT_TCPS_SYN_SENT);
	ck_assert_uint_eq(ST(f, tw_reuse_connect), 1);
	ck_assert_uint_eq(TRANS(f, TIME_WAIT, CLOSED), 1);
	s = fp_expect(f, SYN);
	ck_assert_uint_eq(s->seq, old_nxt + 65537);
	ck_assert(s->opts & TT_OPT_TS);
	ck_assert_int_eq(tt_tcp_tw_reuse_wait_ms(f->ctx, &k), -1);
	/* The peer (a new incarnation on its side too) accepts it. */
	f->pc.iss += 1000000;
	fp_send_synack(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	s = fp_expect(f, ACK | PSH);
	ck_assert_uint_eq(s->seq, old_nxt + 65538);
	fp_raw(f, RST, f->pc.snd_nxt, 0, 0, NULL, 0, NULL, 0);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, tw_reuse_connect), 1);
	fp_end(f);
}
END_TEST

/* No reuse without timestamps on the old connection, nor with tw_reuse off. */
START_TEST(test_client_tw_reuse_needs_ts)
{
	struct fp *f = fp_cur;
	struct tt_flow_key k;

	fp_client_setup(f);
	f->cfg.tcp.msl_ms = 30000;
	f->cfg.tcp.timestamps = false;
	fp_start(f);
	client_to_time_wait(f);
	k = client_key(f);
	fp_time(f, 10 * f->cfg.tcp.tw_reuse_delay_ms);
	ck_state(f, TT_TCPS_TIME_WAIT);
	ck_assert_int_eq(tt_tcp_tw_reuse_wait_ms(f->ctx, &k), -1);
	fp_time(f, 2 * f->cfg.tcp.msl_ms);
	ck_state(f, TT_TCPS_CLOSED);
	fp_end(f);

	fp_client_setup(f);
	f->cfg.tcp.msl_ms = 30000;
	f->cfg.tcp.timestamps = true;
	f->cfg.tcp.tw_reuse = false;
	f->lport++;
	fp_start(f);
	client_to_time_wait(f);
	k = client_key(f);
	fp_time(f, 10 * f->cfg.tcp.tw_reuse_delay_ms);
	ck_assert_int_eq(tt_tcp_tw_reuse_wait_ms(f->ctx, &k), -1);
	fp_time(f, 2 * f->cfg.tcp.msl_ms);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, tw_reuse_connect), 0);
	fp_end(f);
}
END_TEST

/* SYN retransmitted at rto_init with backoff; give up after syn_retries. */
START_TEST(test_client_syn_retransmit)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t isn, rto = f->cfg.tcp.rto_init_ms;
	unsigned int k;
	struct fp_seg last;

	fp_client_setup(f);
	fp_start(f);
	fp_client_connect(f);
	s = fp_expect(f, SYN);
	isn = s->seq;
	for (k = 0; k < f->cfg.tcp.syn_retries; k++) {
		fp_time(f, rto - 1);
		fp_none(f);
		fp_time(f, 1);
		s = fp_expect(f, SYN);
		ck_assert_uint_eq(s->seq, isn);
		rto *= 2;
	}
	ck_assert_uint_eq(ST(f, retrans_syn), f->cfg.tcp.syn_retries);
	fp_time(f, rto - 1);
	fp_none(f);
	fp_time(f, 1);
	ck_state(f, TT_TCPS_CLOSED);
	/*
	 * The engine sends a bare RST <SEQ=ISS+1> when it gives up in
	 * SYN_SENT (RFC 9293 3.10.4 ABORT in SYN-SENT sends nothing, and
	 * tt_tcp_app_abort() does not either); harmless, documented.
	 */
	if (fp_pop(f, &last)) {
		ck_assert_uint_eq(last.flags, RST);
		ck_assert_uint_eq(last.seq, isn + 1);
	}
	ck_assert_uint_eq(ST(f, client_fail_timeout), 1);
	ck_assert_uint_eq(ST(f, retrans_timeout_reset), 1);
	ck_assert_uint_eq(TRANS(f, SYN_SENT, CLOSED), 1);
	fp_end(f);
}
END_TEST

/*
 * Our SYN sent again, then the SYN-ACK without timestamps (RFC 5681 3.1,
 * RFC 6298 5.7): no RTT sample (Karn), the RTO (backed off to 2 s) goes to
 * 3 s, and the initial window is one segment.
 */
START_TEST(test_client_syn_loss_window)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;

	fp_client_setup(f);
	f->syn_opts = TT_OPT_MSS;
	fp_start(f);
	c = fp_client_connect(f);
	s = fp_expect(f, SYN);
	f->pc.rcv_nxt = s->seq + 1;
	fp_time(f, f->cfg.tcp.rto_init_ms);
	fp_expect(f, SYN);
	fp_time(f, 3);
	fp_send_synack(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	ck_assert_uint_eq(c->cwnd, c->mss);
	ck_assert_uint_eq(c->srtt, 0);
	ck_assert_uint_eq(c->rto_ms, 3000);
	/* The request goes on the third segment all the same. */
	s = fp_expect(f, ACK | PSH);
	ck_assert_uint_gt(s->len, 0);
	f->pc.rcv_nxt = s->seq + s->len;
	fp_ack(f);
	fp_end(f);
}
END_TEST

/* RST|ACK in answer to the SYN: refused. Unacceptable ACKs are handled per RFC. */
START_TEST(test_client_refused)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t isn;

	fp_client_setup(f);
	fp_start(f);
	fp_client_connect(f);
	s = fp_expect(f, SYN);
	isn = s->seq;
	/* RST without ACK: dropped (RFC 9293 3.10.7.3). */
	fp_raw(f, RST, 0, 0, 0, NULL, 0, NULL, 0);
	fp_none(f);
	ck_state(f, TT_TCPS_SYN_SENT);
	/* RST|ACK with a bad ACK: dropped silently. */
	fp_raw(f, RST | ACK, 0, isn + 5, 0, NULL, 0, NULL, 0);
	fp_none(f);
	ck_state(f, TT_TCPS_SYN_SENT);
	/* SYN-ACK with a bad ACK: <SEQ=SEG.ACK><CTL=RST>, stay. */
	fp_raw(f, SYN | ACK, 1000, isn + 5, 65535, NULL, 0, NULL, 0);
	s = fp_expect(f, RST);
	ck_assert_uint_eq(s->seq, isn + 5);
	ck_state(f, TT_TCPS_SYN_SENT);
	/* RST|ACK acknowledging our SYN: refused. */
	fp_raw(f, RST | ACK, 0, isn + 1, 0, NULL, 0, NULL, 0);
	fp_none(f);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, client_fail_refused), 1);
	ck_assert_uint_eq(ST(f, conn_closed_reset), 1);
	ck_assert_uint_eq(ST(f, tcp_rst_in), 1);
	fp_end(f);
}
END_TEST

/* Simultaneous open: SYN in SYN_SENT -> SYN_RCVD -> ESTABLISHED (RFC 9293 figure 7). */
START_TEST(test_client_simultaneous_open)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t isn;
	char req[512];
	uint32_t rl;
	uint8_t o[40], ol;

	fp_client_setup(f);
	fp_start(f);
	fp_client_connect(f);
	s = fp_expect(f, SYN);
	isn = s->seq;
	/* The peer's own SYN crosses ours. */
	ol = fp_syn_optbuf(f, ++f->tsval, 0, o);
	fp_raw(f, SYN, f->pc.iss, 0, f->win, o, ol, NULL, 0);
	f->pc.snd_nxt = f->pc.iss + 1;
	ck_state(f, TT_TCPS_SYN_RCVD);
	ck_assert_uint_eq(TRANS(f, SYN_SENT, SYN_RCVD), 1);
	s = fp_expect(f, SYN | ACK);
	ck_assert_uint_eq(s->seq, isn);
	ck_assert_uint_eq(s->ack, f->pc.iss + 1);
	ck_assert_uint_eq(s->opts, TT_OPT_MSS | TT_OPT_WS | TT_OPT_TS | TT_OPT_SACKOK);
	f->pc.ts = true;
	/*
	 * The peer, in SYN_RCVD too, sends its SYN-ACK. RFC 9293 figure 7
	 * line 6 shows ESTABLISHED on it; the segment text of 3.10.7.4
	 * finds it unacceptable (SEG.SEQ = IRS < RCV.NXT). Its ACK, which
	 * acknowledges our SYN, is processed alone (as Linux does): the
	 * connection is established at once, not one RTO later.
	 */
	ol = fp_syn_optbuf(f, ++f->tsval, f->pc.ts_recent, o);
	fp_raw(f, SYN | ACK, f->pc.iss, isn + 1, f->win, o, ol, NULL, 0);
	ck_state(f, TT_TCPS_ESTABLISHED);
	ck_assert_uint_eq(TRANS(f, SYN_RCVD, ESTABLISHED), 1);
	rl = fp_request(req, sizeof(req), true);
	s = fp_expect(f, ACK | PSH);
	ck_assert_uint_eq(s->len, rl);
	ck_assert(memcmp(s->data, req, rl) == 0);
	fp_raw(f, RST, f->pc.snd_nxt, 0, 0, NULL, 0, NULL, 0);
	ck_state(f, TT_TCPS_CLOSED);
	fp_end(f);
}
END_TEST

/* A server that sends no options: MSS 536, no TS, and our windows unscaled. */
START_TEST(test_client_no_options)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	char req[512];
	uint32_t rl;

	fp_client_setup(f);
	f->syn_opts = 0;
	fp_start(f);
	c = fp_client_connect(f);
	fp_expect(f, SYN);
	fp_send_synack(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	ck_assert_uint_eq(c->mss, 536);
	ck_assert(!(c->flags & (TT_CF_TS | TT_CF_WS | TT_CF_SACK)));
	rl = fp_request(req, sizeof(req), true);
	s = fp_expect(f, ACK | PSH);
	ck_assert_uint_eq(s->len, rl);
	ck_assert_uint_eq(s->optlen, 0);
	ck_assert_uint_eq(s->win, RTE_MIN(f->cfg.tcp.rcv_wnd, 65535u));
	ck_assert_uint_eq(c->rcv_ws, 0);
	fp_raw(f, RST, f->pc.snd_nxt, 0, 0, NULL, 0, NULL, 0);
	ck_assert_uint_eq(ST(f, client_fail_reset), 1);
	fp_end(f);
}
END_TEST

/*
 * A client with close = @p mode opens a connection; its request, which
 * asks the server to close, comes with @p flags.
 */
static void
client_open_closing(struct fp *f, enum tt_close_mode mode, uint8_t flags)
{
	const struct fp_seg *s;
	char req[512];
	uint32_t rl;

	fp_client_setup(f);
	f->cfg.client.close = mode;
	fp_start(f);
	fp_client_connect(f);
	fp_expect(f, SYN);
	fp_send_synack(f);
	f->pc.ts = true;
	rl = fp_request(req, sizeof(req), false);
	s = fp_expect(f, flags);
	ck_assert_uint_eq(s->len, rl);
	ck_assert(memcmp(s->data, req, rl) == 0);
}

/* close = passive: the client waits for the server's FIN, then LAST_ACK. */
START_TEST(test_client_close_passive)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

	client_open_closing(f, TT_CLOSE_PASSIVE, ACK | PSH);
	fp_send(f, ACK | PSH, resp, (uint16_t)strlen(resp));
	ck_assert_uint_eq(ST(f, client_completed), 1);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_time(f, f->cfg.tcp.delack_ms);
	fp_expect(f, ACK);
	fp_send(f, FIN | ACK, NULL, 0);
	s = fp_expect(f, FIN | ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_state(f, TT_TCPS_LAST_ACK);
	fp_ack(f);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, conn_closed_passive), 1);
	ck_assert_uint_eq(ST(f, client_fail_bad_response), 0);
	fp_end(f);
}
END_TEST

/*
 * close = half: the FIN goes with the last request (RFC 9293 3.6, a
 * half-close), which asks the server to close; the server's response and
 * FIN in one segment acknowledge ours and end in TIME_WAIT: five segments
 * a connection, TIME_WAIT ours.
 */
START_TEST(test_client_close_half)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

	client_open_closing(f, TT_CLOSE_HALF, ACK | PSH | FIN);
	ck_state(f, TT_TCPS_FIN_WAIT_1);
	fp_none(f);
	/* The response and the server's FIN, acknowledging our FIN. */
	fp_send(f, ACK | PSH | FIN, resp, (uint16_t)strlen(resp));
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_assert_uint_eq(s->len, 0);
	fp_none(f);
	ck_state(f, TT_TCPS_TIME_WAIT);
	/* The segment's ACK first (FIN_WAIT_2), then its FIN (3.10.7.4 fifth, eighth). */
	ck_assert_uint_eq(TRANS(f, FIN_WAIT_1, FIN_WAIT_2), 1);
	ck_assert_uint_eq(TRANS(f, FIN_WAIT_2, TIME_WAIT), 1);
	ck_assert_uint_eq(ST(f, client_responses), 1);
	ck_assert_uint_eq(ST(f, client_completed), 1);
	ck_assert_uint_eq(ST(f, conn_closed_active), 1);
	ck_assert_uint_eq(ST(f, client_fail_bad_response), 0);

	/* A server that acknowledges first and answers from CLOSE_WAIT later. */
	f->lport++;
	fp_new_conn(f, 80, 0x71000000);
	fp_client_connect(f);
	fp_expect(f, SYN);
	fp_send_synack(f);
	f->pc.ts = true;
	fp_expect(f, ACK | PSH | FIN);
	fp_ack(f);
	ck_state(f, TT_TCPS_FIN_WAIT_2);
	fp_send(f, ACK | PSH, resp, (uint16_t)strlen(resp));
	ck_assert_uint_eq(ST(f, client_responses), 2);
	fp_send(f, FIN | ACK, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	fp_none(f);
	ck_state(f, TT_TCPS_TIME_WAIT);
	ck_assert_uint_eq(ST(f, client_completed), 2);
	ck_assert_uint_eq(ST(f, client_fail_bad_response), 0);
	fp_end(f);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("tcp_client");
	TCase *tc;

	tt_test_eal_init();

	tc = fp_tcase("client");
	tcase_add_test(tc, test_client_http);
	tcase_add_test(tc, test_client_syn_retransmit);
	tcase_add_test(tc, test_client_syn_loss_window);
	tcase_add_test(tc, test_client_refused);
	tcase_add_test(tc, test_client_simultaneous_open);
	tcase_add_test(tc, test_client_tw_reuse);
	tcase_add_test(tc, test_client_tw_reuse_needs_ts);
	tcase_add_test(tc, test_client_close_passive);
	tcase_add_test(tc, test_client_close_half);
	tcase_add_test(tc, test_client_no_options);
	suite_add_tcase(s, tc);
	return s;
}
