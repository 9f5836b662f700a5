/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine through the fake peer (tt_fake_peer.h).
 * Retransmission: SYN-ACK, data and FIN retransmission with backoff (RFC 6298),
 * fast retransmit and NewReno partial ACKs, limited transmit, SACK blocks as
 * duplicate ACKs and loss signal.
 */

#include <check.h>

#include "tt_fake_peer.h"

/* ------------------------------------------------------------------ */
/* Retransmission.                                                    */
/* ------------------------------------------------------------------ */

/* SYN-ACK: rto_init, doubling, syn_retries times, then RST and the flow freed. */
START_TEST(test_synack_retransmit)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t isn, rto = f->cfg.tcp.rto_init_ms;
	unsigned int k;

	ck_assert_uint_eq(rto, 1000);
	fp_start(f);
	s = fp_syn(f);
	isn = s->seq;
	for (k = 0; k < f->cfg.tcp.syn_retries; k++) {
		fp_time(f, rto - 1);
		fp_none(f);
		fp_time(f, 1);
		s = fp_expect(f, SYN | ACK);
		ck_assert_uint_eq(s->seq, isn);
		ck_assert_uint_eq(s->ack, f->pc.iss + 1);
		ck_state(f, TT_TCPS_SYN_RCVD);
		rto *= 2;
	}
	ck_assert_uint_eq(ST(f, retrans_synack), f->cfg.tcp.syn_retries);
	fp_time(f, rto - 1);
	fp_none(f);
	fp_time(f, 1);
	s = fp_expect(f, RST | ACK);
	ck_assert_uint_eq(s->seq, isn + 1);
	ck_assert_uint_eq(s->ack, f->pc.iss + 1);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(f->ctx->in_use, 0);
	ck_assert_uint_eq(ST(f, retrans_timeout_reset), 1);
	ck_assert_uint_eq(ST(f, conn_closed_timeout), 1);
	ck_assert_uint_eq(TRANS(f, SYN_RCVD, CLOSED), 1);
	fp_end(f);
}
END_TEST

/*
 * A handshake that lost a segment (RFC 5681 3.1, RFC 6298 5.7, Karn).
 * Case 0: our SYN-ACK sent again at its RTO, no timestamps: no RTT sample,
 * so the RTO (backed off to 2 s) goes to 3 s, and the initial window is one
 * segment: the response waits 3 s for its retransmission. Case 1: the
 * peer's SYN came again and was answered with the SYN-ACK again, its ACK
 * at once: Karn's rule takes no sample from it (the ACK may be the first
 * copy's), so the RTO goes from 1 s to 3 s. Case 2: as 0 with timestamps:
 * the ACK's TSecr gives a sample, the RTO comes from it; the window is
 * still one segment. Case 3: nothing lost: the initial window and the
 * sampled RTO.
 */
START_TEST(test_handshake_loss)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint32_t seq;

	if (_i != 2)
		f->syn_opts = TT_OPT_MSS;	/* no timestamps */
	fp_start(f);
	fp_syn(f);
	if (_i == 0 || _i == 2) {
		fp_time(f, f->cfg.tcp.rto_init_ms);
		fp_expect(f, SYN | ACK);
	} else if (_i == 1) {
		fp_time(f, 5);
		fp_send_syn(f);
		fp_expect(f, SYN | ACK);
	}
	fp_time(f, 5);
	fp_ack(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	c = fp_conn(f);
	if (_i == 3) {
		ck_assert_uint_eq(c->cwnd, f->cfg.tcp.init_cwnd * c->mss + 1);
		ck_assert_uint_ne(c->srtt, 0);
		fp_end(f);
		return;
	}
	/* One segment (the SYN's sequence number counted in once acknowledged). */
	ck_assert_uint_le(c->cwnd, (uint32_t)c->mss + 1);
	if (_i == 2) {
		ck_assert_uint_ne(c->srtt, 0);
		ck_assert_uint_eq(c->rto_ms, f->cfg.tcp.rto_min_ms);
		fp_end(f);
		return;
	}
	ck_assert_uint_eq(c->srtt, 0);
	ck_assert_uint_eq(c->rto_ms, 3000);
	/* The response is retransmitted 3 s after it was sent, not before. */
	fp_send_str(f, REQ11);
	s = fp_expect(f, ACK | PSH);
	seq = s->seq;
	fp_time(f, 2999);
	fp_none(f);
	fp_time(f, 1);
	s = fp_expect(f, ACK | PSH);
	ck_assert_uint_eq(s->seq, seq);
	fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	fp_end(f);
}
END_TEST

/* Data: RTO (RFC 6298), doubling, max_retries times, then RST (retrans_timeout_reset). */
START_TEST(test_data_retransmit)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	static uint8_t orig[2048];
	uint32_t seq, len, rto;
	unsigned int k;

	fp_start(f);
	c = fp_open(f);
	/* An RTT of 0 ms: RTO = SRTT + max(G, 4*RTTVAR) clamps to rto_min (RFC 6298 2.4). */
	ck_assert_uint_eq(c->rto_ms, f->cfg.tcp.rto_min_ms);
	rto = c->rto_ms;
	fp_send_str(f, REQ11);
	s = fp_expect(f, ACK | PSH);
	seq = s->seq;
	len = s->len;
	memcpy(orig, s->data, len);
	for (k = 0; k < f->cfg.tcp.max_retries; k++) {
		fp_time(f, rto - 1);
		fp_none(f);
		fp_time(f, 1);
		s = fp_expect(f, ACK | PSH);
		ck_assert_uint_eq(s->seq, seq);
		ck_assert_uint_eq(s->len, len);
		ck_assert(memcmp(s->data, orig, len) == 0);
		rto = RTE_MIN(rto * 2, f->cfg.tcp.rto_max_ms);
	}
	ck_assert_uint_eq(ST(f, retrans_data), f->cfg.tcp.max_retries);
	fp_time(f, rto - 1);
	fp_none(f);
	fp_time(f, 1);
	s = fp_expect(f, RST | ACK);
	ck_assert(TT_SEQ_GEQ(s->seq, seq) && TT_SEQ_LEQ(s->seq, seq + len));
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, retrans_timeout_reset), 1);
	ck_assert_uint_eq(ST(f, conn_closed_timeout), 1);
	fp_end(f);
}
END_TEST

/* An acknowledgment of part of the data resets the backoff. */
START_TEST(test_retransmit_ack_resets_backoff)
{
	struct fp *f = fp_cur;
	struct tt_conn *c;
	uint32_t ms;

	f->cfg.server.response_bytes = 3000;
	/* The RTO's backoff: no tail loss probe before it (test_tcp_sack.c). */
	f->cfg.tcp.tlp = false;
	fp_start(f);
	c = fp_open(f);
	fp_send_str(f, REQ11);
	tt_test_txq_flush(f->t);
	/* Lose everything twice: RTO 200 then 400. */
	ck_assert_uint_eq(fp_wait_output(f, 1000), 200);
	tt_test_txq_flush(f->t);
	ck_assert_uint_eq(fp_wait_output(f, 1000), 400);
	ck_assert_uint_eq(c->retries, 2);
	/* The retransmission arrives and is acknowledged: back to a fresh RTO. */
	{
		struct fp_seg s;

		ck_assert(fp_pop(f, &s));
		ck_assert(s.in_order);
	}
	fp_ack(f);
	ck_assert_uint_eq(c->retries, 0);
	/* A new RTT sample (RFC 7323 4: timestamps time retransmissions too). */
	ck_assert_uint_eq(c->rto_ms, f->cfg.tcp.rto_min_ms);
	tt_test_txq_flush(f->t);
	ms = fp_wait_output(f, 2000);
	ck_assert_uint_eq(ms, f->cfg.tcp.rto_min_ms);
	tt_test_txq_flush(f->t);
	fp_end(f);
}
END_TEST

/* The FIN alone is retransmitted when the data was acknowledged. */
START_TEST(test_fin_retransmit)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t fin_seq;

	/* FIN_WAIT_2 lasts 2*MSL without a segment: longer than the next RTO. */
	f->cfg.tcp.msl_ms = 1000;
	fp_start(f);
	fp_open(f);
	fp_send_str(f, REQ10);
	s = fp_expect(f, ACK | PSH | FIN);
	fin_seq = s->seq + s->len;
	/* ACK the data, not the FIN. */
	f->pc.rcv_nxt = fin_seq;
	fp_ack(f);
	fp_none(f);
	ck_state(f, TT_TCPS_FIN_WAIT_1);
	ck_assert_uint_eq(fp_wait_output(f, 1000), f->cfg.tcp.rto_min_ms);
	s = fp_expect(f, FIN | ACK);
	ck_assert_uint_eq(s->seq, fin_seq);
	ck_assert_uint_eq(s->len, 0);
	ck_assert_uint_eq(ST(f, retrans_fin), 1);
	ck_assert_uint_eq(ST(f, retrans_data), 0);
	ck_assert_uint_eq(fp_wait_output(f, 1000), 2 * f->cfg.tcp.rto_min_ms);
	s = fp_expect(f, FIN | ACK);
	ck_assert_uint_eq(s->seq, fin_seq);
	ck_assert_uint_eq(ST(f, retrans_fin), 2);
	/* Now the ACK of the FIN: FIN_WAIT_2, no more retransmissions. */
	f->pc.rcv_nxt = fin_seq + 1;
	fp_ack(f);
	ck_state(f, TT_TCPS_FIN_WAIT_2);
	fp_time(f, 1500);
	fp_none(f);
	fp_send(f, FIN | ACK, NULL, 0);
	fp_expect(f, ACK);
	ck_state(f, TT_TCPS_TIME_WAIT);
	fp_time(f, 2 * f->cfg.tcp.msl_ms);
	fp_end(f);
}
END_TEST

/* The peer closes first: our FIN answers, LAST_ACK. Returns its sequence number. */
static uint32_t
to_last_ack(struct fp *f)
{
	const struct fp_seg *s;

	fp_start(f);
	fp_open(f);
	fp_send(f, FIN | ACK, NULL, 0);
	s = fp_expect(f, FIN | ACK);
	ck_state(f, TT_TCPS_LAST_ACK);
	return s->seq;
}

/* Also in LAST_ACK: our FIN is retransmitted until acknowledged. */
START_TEST(test_last_ack_fin_retransmit)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t fin_seq = to_last_ack(f);

	ck_assert_uint_gt(fp_wait_output(f, 2000), 0);
	s = fp_expect(f, FIN | ACK);
	ck_assert_uint_eq(s->seq, fin_seq);
	ck_assert_uint_eq(ST(f, retrans_fin), 1);
	fp_ack(f);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, conn_closed_passive), 1);
	fp_end(f);
}
END_TEST

/*
 * An overloaded lcore (ctx->overloaded, set by the lcore while it sheds
 * SYNs or its TX queue backs up) resets a connection in LAST_ACK at the
 * first RTO of its FIN, the only thing outstanding, instead of
 * retransmitting it (overload_fin_aborts).
 */
START_TEST(test_overload_last_ack_abort)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t fin_seq = to_last_ack(f);

	tt_tcp_set_overloaded(f->ctx, true);
	ck_assert_uint_eq(fp_wait_output(f, 2000), f->cfg.tcp.rto_min_ms);
	s = fp_expect(f, RST | ACK);
	ck_assert_uint_eq(s->seq, fin_seq + 1);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(f->ctx->in_use, 0);
	ck_assert_uint_eq(ST(f, overload_fin_aborts), 1);
	ck_assert_uint_eq(ST(f, retrans_fin), 0);
	ck_assert_uint_eq(ST(f, conn_closed_timeout), 1);
	/* Nothing more: the flow is gone. */
	fp_time(f, 5000);
	fp_none(f);
	fp_end(f);
}
END_TEST

/*
 * A response with its FIN (the request asks the server to close), sent
 * once, tail loss probes off so the RTO alone retransmits: returns the
 * segment (its seq and len).
 */
static const struct fp_seg *
response_sent(struct fp *f)
{
	f->cfg.tcp.tlp = false;
	fp_start(f);
	fp_open(f);
	fp_send_str(f, REQ10);
	return fp_expect(f, ACK | PSH | FIN);
}

/*
 * Overloaded, but data is outstanding (a response the peer may not have):
 * it is retransmitted, after RFC 6298 2.4's 1 s floor instead of
 * tcp.rto_min_ms (TT_RTO_OVERLOAD_MS, overload_rto_deferred); once the
 * data is acknowledged and only the FIN is left, the next RTO resets.
 */
START_TEST(test_overload_keeps_unacked_data)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t seq, fin_seq;

	s = response_sent(f);
	seq = s->seq;
	fin_seq = s->seq + s->len;
	ck_state(f, TT_TCPS_FIN_WAIT_1);
	tt_tcp_set_overloaded(f->ctx, true);
	ck_assert_uint_eq(fp_wait_output(f, 2000), TT_RTO_OVERLOAD_MS);
	s = fp_expect(f, ACK | PSH | FIN);
	ck_assert_uint_eq(s->seq, seq);
	ck_assert_uint_eq(ST(f, retrans_data), 1);
	ck_assert_uint_eq(ST(f, overload_rto_deferred), 1);
	ck_assert_uint_eq(ST(f, overload_fin_aborts), 0);
	fp_none(f);
	/* The data (not the FIN) acknowledged: the FIN's RTO now resets. */
	f->pc.rcv_nxt = fin_seq;
	fp_ack(f);
	fp_none(f);
	ck_state(f, TT_TCPS_FIN_WAIT_1);
	ck_assert_uint_gt(fp_wait_output(f, 3000), 0);
	s = fp_expect(f, RST | ACK);
	ck_assert_uint_eq(s->seq, fin_seq + 1);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, overload_fin_aborts), 1);
	ck_assert_uint_eq(ST(f, retrans_fin), 0);
	fp_end(f);
}
END_TEST

/*
 * The 1 s floor after an overload, step by step. The lcore was overloaded
 * once, when the response went, and not since: within TT_RTO_OVERLOAD_MS
 * of it, the deadline of the first RTO (200 ms) passes and nothing is
 * sent; the segment goes 1 s after it was first sent, then backoff
 * doubles from 1 s (the next 2 s later), with no second deferral.
 */
START_TEST(test_overload_rto_floor)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t seq;

	seq = response_sent(f)->seq;
	/* Overloaded a moment ago, not now: within the last second counts. */
	tt_tcp_set_overloaded(f->ctx, true);
	tt_tcp_set_overloaded(f->ctx, false);
	fp_time(f, f->cfg.tcp.rto_min_ms + 10);
	fp_none(f);
	ck_assert_uint_eq(ST(f, overload_rto_deferred), 1);
	ck_assert_uint_eq(ST(f, retrans_data), 0);
	/* 1 s after it was sent (the time above counted). */
	ck_assert_uint_eq(fp_wait_output(f, 2000), TT_RTO_OVERLOAD_MS - f->cfg.tcp.rto_min_ms - 10);
	s = fp_expect(f, ACK | PSH | FIN);
	ck_assert_uint_eq(s->seq, seq);
	ck_assert_uint_eq(ST(f, retrans_data), 1);
	/* Backoff from 1 s: the next after 2 s more, no second deferral. */
	ck_assert_uint_eq(fp_wait_output(f, 5000), 2 * TT_RTO_OVERLOAD_MS);
	fp_expect(f, ACK | PSH | FIN);
	ck_assert_uint_eq(ST(f, retrans_data), 2);
	ck_assert_uint_eq(ST(f, overload_rto_deferred), 1);
	fp_end(f);
}
END_TEST

/*
 * An overload more than TT_RTO_OVERLOAD_MS before the timeout defers
 * nothing: the response is retransmitted at tcp.rto_min_ms.
 */
START_TEST(test_overload_rto_floor_expires)
{
	struct fp *f = fp_cur;

	f->cfg.tcp.tlp = false;
	fp_start(f);
	fp_open(f);
	tt_tcp_set_overloaded(f->ctx, true);
	tt_tcp_set_overloaded(f->ctx, false);
	fp_time(f, TT_RTO_OVERLOAD_MS + 100);
	fp_none(f);
	fp_send_str(f, REQ10);
	fp_expect(f, ACK | PSH | FIN);
	ck_assert_uint_eq(fp_wait_output(f, 2000), f->cfg.tcp.rto_min_ms);
	fp_expect(f, ACK | PSH | FIN);
	ck_assert_uint_eq(ST(f, retrans_data), 1);
	ck_assert_uint_eq(ST(f, overload_rto_deferred), 0);
	fp_end(f);
}
END_TEST

/*
 * Limited transmit (RFC 3042) on the first two duplicate ACKs, fast
 * retransmit on the third, NewReno partial and full ACKs.
 */
START_TEST(test_fast_retransmit)
{
	struct fp *f = fp_cur;
	static struct fp_seg segs[16];
	const struct fp_seg *s;
	struct tt_conn *c;
	uint32_t n, k, una, total;

	f->cfg.server.response_bytes = 20000;
	f->syn_opts = TT_OPT_MSS;
	f->mss = 1000;
	fp_start(f);
	c = fp_open(f);
	ck_assert_uint_eq(c->mss, 1000);
	fp_send_str(f, REQ11);
	for (n = 0; fp_pop(f, &segs[n]); n++) {
		ck_assert_uint_lt(n, 15);
		ck_assert_uint_eq(segs[n].len, 1000);
		memcpy(fp_rxbuf + n * 1000, segs[n].data, 1000);
	}
	ck_assert_uint_eq(n, f->cfg.tcp.init_cwnd);
	/* ACK the first segment: the window slides, two more go out (slow start). */
	una = segs[0].seq + 1000;
	f->pc.rcv_nxt = una;
	fp_ack(f);
	for (k = 0; fp_pop(f, &segs[n + k]); k++) {
		ck_assert_uint_lt(n + k, 15);
		memcpy(fp_rxbuf + (n + k) * 1000, segs[n + k].data, 1000);
	}
	ck_assert_uint_eq(k, 2);
	n += k;
	/*
	 * Three duplicate ACKs: one new segment after each of the first two
	 * (limited transmit), segment 2 after the third.
	 */
	for (k = 0; k < 2; k++) {
		fp_ack(f);
		s = fp_expect(f, ACK);
		ck_assert_uint_eq(s->seq, segs[n - 1].seq + 1000);
		ck_assert_uint_eq(s->len, 1000);
		segs[n] = *s;
		memcpy(fp_rxbuf + n * 1000, s->data, 1000);
		n++;
		fp_none(f);
	}
	fp_ack(f);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->seq, una);
	ck_assert_uint_eq(s->len, 1000);
	ck_assert(memcmp(s->data, segs[1].data, 1000) == 0);
	fp_none(f);
	ck_assert_uint_eq(ST(f, dup_acks), 3);
	ck_assert_uint_eq(ST(f, retrans_fast), 1);
	ck_assert(c->flags & TT_CF_RECOVERY);
	ck_assert_uint_eq(ST(f, retrans_data), 0);
	/* A partial ACK (RFC 6582): the next hole is retransmitted at once. */
	f->pc.rcv_nxt = una + 1000;
	fp_ack(f);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->seq, una + 1000);
	ck_assert(memcmp(s->data, segs[2].data, 1000) == 0);
	ck_assert_uint_eq(ST(f, retrans_fast), 2);
	ck_assert(c->flags & TT_CF_RECOVERY);
	/* The full ACK: recovery ends, the rest of the response flows. */
	f->pc.rcv_nxt = segs[n - 1].seq + 1000;
	fp_ack(f);
	ck_assert(!(c->flags & TT_CF_RECOVERY));
	total = n * 1000;
	total += fp_exchange(f, fp_rxbuf + total, sizeof(fp_rxbuf) - total);
	ck_assert(!(c->flags & TT_CF_RECOVERY));
	fp_check_http_response(fp_rxbuf, total, 20000, true);
	ck_assert_uint_eq(ST(f, retrans_data), 0);
	fp_end(f);
}
END_TEST

/*
 * A partial ACK that carries data (a pipelined request) during NewReno
 * recovery: the retransmission it triggers must not be built in the
 * segment's mbuf before the request is read (regression: the request
 * was overwritten by the retransmission and answered with a 400).
 */
START_TEST(test_partial_ack_with_data)
{
	struct fp *f = fp_cur;
	static struct fp_seg segs[16];
	const struct fp_seg *s;
	struct fp_seg drop;
	struct tt_conn *c;
	uint32_t n, k, una;

	f->cfg.server.response_bytes = 20000;
	f->syn_opts = TT_OPT_MSS;
	f->mss = 1000;
	fp_start(f);
	c = fp_open(f);
	fp_send_str(f, REQ11);
	/* A full window out, the first segment ACKed, then three dup ACKs. */
	for (n = 0; fp_pop(f, &segs[n]); n++)
		ck_assert_uint_lt(n, 15);
	una = segs[0].seq + 1000;
	f->pc.rcv_nxt = una;
	fp_ack(f);
	while (n < 15 && fp_pop(f, &segs[n]))
		n++;
	for (k = 0; k < 3; k++)
		fp_ack(f);
	/* Two new segments (limited transmit), then the retransmission. */
	for (k = 0; k < 2; k++) {
		s = fp_expect(f, ACK);
		ck_assert_uint_eq(s->seq, segs[n - 1].seq + 1000);
		segs[n++] = *s;
	}
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->seq, una);
	ck_assert(c->flags & TT_CF_RECOVERY);
	/* The partial ACK carries the next request. */
	f->pc.rcv_nxt = una + 1000;
	fp_send_str(f, REQ11);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->seq, una + 1000);
	ck_assert(memcmp(s->data, segs[2].data, 1000) == 0);
	ck_assert_uint_eq(ST(f, http_requests), 2);
	ck_assert_uint_eq(ST(f, http_bad_requests), 0);
	while (fp_pop(f, &drop))
		;
	fp_raw(f, RST, f->pc.snd_nxt, 0, 0, NULL, 0, NULL, 0);
	ck_state(f, TT_TCPS_CLOSED);
	fp_end(f);
}
END_TEST

/*
 * A duplicate ACK of the peer at snd_una with SACK blocks (NOP, NOP, SACK)
 * covering [una + from * 1000, una + to * 1000), and window @p win.
 */
static void
sack_dupack(struct fp *f, uint32_t una, uint32_t from, uint32_t to, uint16_t win)
{
	uint8_t o[12];
	uint32_t le = una + from * 1000, re = una + to * 1000;

	o[0] = 1;
	o[1] = 1;
	o[2] = 5;
	o[3] = 10;
	o[4] = (uint8_t)(le >> 24);
	o[5] = (uint8_t)(le >> 16);
	o[6] = (uint8_t)(le >> 8);
	o[7] = (uint8_t)le;
	o[8] = (uint8_t)(re >> 24);
	o[9] = (uint8_t)(re >> 16);
	o[10] = (uint8_t)(re >> 8);
	o[11] = (uint8_t)re;
	fp_raw(f, ACK, f->pc.snd_nxt, una, win, o, sizeof(o), NULL, 0);
}

/* A response of 20 1000-byte segments, SACK negotiated, 12 out, the first ACKed. */
static struct tt_conn *
sack_open(struct fp *f, uint32_t *una, uint32_t *next)
{
	struct fp_seg seg;
	struct tt_conn *c;
	uint32_t n = 0;

	f->cfg.server.response_bytes = 20000;
	f->syn_opts = TT_OPT_MSS | TT_OPT_SACKOK;
	f->mss = 1000;
	/* Only the fast retransmit at recovery's start: RFC 6675's rule (PRR's in test_tcp_sack.c). */
	f->cfg.tcp.prr = false;
	fp_start(f);
	c = fp_open(f);
	ck_assert(c->flags & TT_CF_SACK);
	fp_send_str(f, REQ11);
	while (fp_pop(f, &seg))
		n++;
	ck_assert_uint_eq(n, f->cfg.tcp.init_cwnd);
	*una = c->snd_una + 1000;
	f->pc.rcv_nxt = *una;
	fp_ack(f);
	while (fp_pop(f, &seg))
		n++;
	ck_assert_uint_eq(n, f->cfg.tcp.init_cwnd + 2);
	*next = c->snd_max;
	return c;
}

/*
 * RFC 6675 2: an ACK that SACKs data above the hole is a duplicate ACK
 * even when its window changed (Linux grows its window on such ACKs);
 * the third one retransmits the hole.
 */
START_TEST(test_sack_dupack_window_changes)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint32_t una, next, k;

	c = sack_open(f, &una, &next);
	for (k = 0; k < 2; k++) {
		/* Window 1000, 2000 bytes larger each time; one new segment each. */
		sack_dupack(f, una, 1, 2 + k, (uint16_t)(f->win - 2000 + 1000 * k));
		s = fp_expect(f, ACK);
		ck_assert_uint_eq(s->seq, next + k * 1000);
		fp_none(f);
	}
	ck_assert(!(c->flags & TT_CF_RECOVERY));
	sack_dupack(f, una, 1, 4, f->win);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->seq, una);
	ck_assert_uint_eq(s->len, 1000);
	ck_assert(c->flags & TT_CF_RECOVERY);
	ck_assert_uint_eq(ST(f, dup_acks), 3);
	ck_assert_uint_eq(ST(f, retrans_fast), 1);
	ck_assert_uint_eq(ST(f, retrans_data), 0);
	fp_end(f);
}
END_TEST

/*
 * RFC 6675 4 IsLost(): one (compressed) ACK that SACKs more than two
 * segments above the hole retransmits it at once. Without SACK blocks a
 * duplicate ACK must keep its window (RFC 5681 2): those that change it
 * count nothing. SACK blocks below the ACK (D-SACK) or past snd_max count
 * nothing either.
 */
START_TEST(test_sack_compressed_dupack)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint32_t una, next, k;

	c = sack_open(f, &una, &next);
	for (k = 0; k < 3; k++)
		fp_raw(f, ACK, f->pc.snd_nxt, una, (uint16_t)(f->win - 1000 * (k + 1)), NULL, 0,
		       NULL, 0);
	fp_none(f);
	ck_assert_uint_eq(ST(f, dup_acks), 0);
	/* Windows still changing, so only valid blocks could count. */
	sack_dupack(f, una, (uint32_t)-1, 0, (uint16_t)(f->win - 4000));	/* D-SACK */
	sack_dupack(f, una, 1, 30, (uint16_t)(f->win - 5000));		/* past snd_max */
	ck_assert_uint_eq(ST(f, dup_acks), 0);
	fp_none(f);
	sack_dupack(f, una, 1, 4, f->win);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->seq, una);
	ck_assert(c->flags & TT_CF_RECOVERY);
	ck_assert_uint_eq(ST(f, dup_acks), 1);
	ck_assert_uint_eq(ST(f, retrans_fast), 1);
	(void)next;
	fp_end(f);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("tcp_retransmit");
	TCase *tc;

	tt_test_eal_init();

	tc = fp_tcase("retransmit");
	tcase_add_test(tc, test_synack_retransmit);
	tcase_add_test(tc, test_data_retransmit);
	tcase_add_loop_test(tc, test_handshake_loss, 0, 4);
	tcase_add_test(tc, test_retransmit_ack_resets_backoff);
	tcase_add_test(tc, test_fin_retransmit);
	tcase_add_test(tc, test_last_ack_fin_retransmit);
	tcase_add_test(tc, test_overload_last_ack_abort);
	tcase_add_test(tc, test_overload_keeps_unacked_data);
	tcase_add_test(tc, test_overload_rto_floor);
	tcase_add_test(tc, test_overload_rto_floor_expires);
	tcase_add_test(tc, test_fast_retransmit);
	tcase_add_test(tc, test_partial_ack_with_data);
	tcase_add_test(tc, test_sack_dupack_window_changes);
	tcase_add_test(tc, test_sack_compressed_dupack);
	suite_add_tcase(s, tc);
	return s;
}
