/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine through the fake peer (tt_fake_peer.h).
 * The sequence space: numbers across 2^32, PAWS (RFC 7323 5), out-of-order
 * segments, delayed ACKs, the receive window and unacceptable ACKs.
 */

#include <check.h>

#include "tt_fake_peer.h"

/* ------------------------------------------------------------------ */
/* Sequence numbers across 2^32.                                      */
/* ------------------------------------------------------------------ */

START_TEST(test_seq_macros)
{
	static const uint32_t bases[] = { 0, 1, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff };
	unsigned int b;
	int32_t d;
	uint32_t k;

	for (b = 0; b < RTE_DIM(bases); b++) {
		uint32_t a0 = bases[b];
		uint32_t a;

		for (a = a0 - 64; a != a0 + 64; a++) {
			for (d = -300; d <= 300; d++) {
				uint32_t x = a + (uint32_t)d;

				CHECK(TT_SEQ_LT(a, x) == (d > 0), "LT(%#x, %#x)", a, x);
				CHECK(TT_SEQ_LEQ(a, x) == (d >= 0), "LEQ(%#x, %#x)", a, x);
				CHECK(TT_SEQ_GT(a, x) == (d < 0), "GT(%#x, %#x)", a, x);
				CHECK(TT_SEQ_GEQ(a, x) == (d <= 0), "GEQ(%#x, %#x)", a, x);
				CHECK(TT_SEQ_LT(x, a) == (d < 0), "LT(%#x, %#x)", x, a);
				CHECK(tt_seq_max(a, x) == (d > 0 ? x : a), "max(%#x, %#x)", a, x);
				CHECK(tt_seq_min(a, x) == (d > 0 ? a : x), "min(%#x, %#x)", a, x);
			}
			for (k = 0; k < 64; k++) {
				uint32_t x;

				for (x = a - 3; x != a + 70; x++)
					CHECK(TT_SEQ_IN(x, a, a + k) == ((uint32_t)(x - a) < k),
					      "IN(%#x, %#x, %#x)", x, a, a + k);
			}
		}
	}
	/* Far apart but less than 2^31: still ordered. */
	ck_assert(TT_SEQ_LT(0xfffffff0u, 0x7ffffff0u - 1));
	ck_assert(TT_SEQ_GT(0x7ffffff0u - 1, 0xfffffff0u));
}
END_TEST

/* The peer's sequence space wraps during a transfer into discard. */
START_TEST(test_seq_wrap_peer)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	static uint8_t data[500];
	uint32_t k, before;

	f->cfg.server.app = TT_APP_DISCARD;
	f->pc.iss = 0xfffffff0u;
	fp_start(f);
	c = fp_open(f);
	ck_assert_uint_eq(c->rcv_nxt, 0xfffffff1u);
	for (k = 0; k < 5; k++)
		fp_send(f, ACK, data, 100);
	ck_assert(TT_SEQ_GT(f->pc.snd_nxt, 0xfffffff1u));
	ck_assert_uint_lt(f->pc.snd_nxt, 0x1000);
	/* All accepted across the wrap; the delayed ACK covers them. */
	ck_assert_uint_eq(c->rx_off, 500);
	fp_none(f);
	fp_time(f, f->cfg.tcp.delack_ms);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, 0xfffffff1u + 500);
	ck_assert_uint_eq(ST(f, tcp_bytes_in), 500);
	/* Out of order after the wrap: held (test_tcp_reass.c), duplicate ACK. */
	before = f->pc.snd_nxt;
	f->pc.snd_nxt += 100;
	fp_send(f, ACK, data, 100);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, before);
	ck_assert_uint_eq(ST(f, ooo_queued), 1);
	/* An old duplicate from before the wrap: ACKed at once, not counted. */
	fp_raw(f, ACK, 0xfffffff1u, f->pc.rcv_nxt, f->win, NULL, 0, data, 100);
	/* (no timestamps in that one: PAWS does not apply without TS) */
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, before);
	ck_assert_uint_eq(c->rx_off, 500);
	/* A segment straddling rcv_nxt: only the new part is taken. */
	f->pc.snd_nxt = before - 50;
	fp_send(f, ACK, data, 100);
	ck_assert_uint_eq(c->rx_off, 550);
	ck_assert_uint_eq(c->rcv_nxt, before + 50);
	tt_test_txq_flush(f->t);
	/* Close across the wrapped space. */
	fp_send(f, FIN | ACK, NULL, 0);
	s = fp_expect(f, FIN | ACK);
	ck_assert_uint_eq(s->ack, before + 51);
	fp_ack(f);
	ck_state(f, TT_TCPS_CLOSED);
	fp_end(f);
}
END_TEST

/*
 * Our sequence space wraps during a response: the ISN is
 * now_us / 4 + F(tuple, key) (RFC 6528), so moving the clock chooses it.
 */
START_TEST(test_seq_wrap_ours)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t h, want = 0xfffff000u, k, n;
	uint64_t now;

	f->cfg.server.response_bytes = 10000;
	fp_start(f);
	now = f->ctx->now_us;
	h = tt_tcp_isn(f->ctx, TT_TEST_IP_US, 80, f->addr, f->pc.port) - (uint32_t)(now / 4);
	k = want - h - (uint32_t)(now / 4);	/* quarter-microseconds to wait, mod 2^32 */
	fp_time_us(f, (uint64_t)k * 4);
	ck_assert_uint_eq(tt_tcp_isn(f->ctx, TT_TEST_IP_US, 80, f->addr, f->pc.port), want);
	s = fp_syn(f);
	ck_assert_uint_eq(s->seq, want);
	fp_ack(f);
	fp_send_str(f, REQ10);
	n = fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	fp_check_http_response(fp_rxbuf, n, 10000, false);
	ck_assert(f->pc.fin_rcvd);
	ck_assert_uint_lt(f->pc.rcv_nxt, 0x10000);
	ck_state(f, TT_TCPS_FIN_WAIT_2);
	fp_send(f, FIN | ACK, NULL, 0);
	fp_expect(f, ACK);
	ck_state(f, TT_TCPS_TIME_WAIT);
	fp_time(f, 2 * f->cfg.tcp.msl_ms);
	ck_state(f, TT_TCPS_CLOSED);
	fp_end(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* PAWS (RFC 7323 5).                                                 */
/* ------------------------------------------------------------------ */

START_TEST(test_paws)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint8_t o[12], ol;
	uint32_t seq;

	f->cfg.server.app = TT_APP_DISCARD;
	fp_start(f);
	c = fp_open(f);
	ck_assert(c->flags & TT_CF_TS);
	fp_send(f, ACK, "0123456789", 10);
	ck_assert_uint_eq(c->rx_off, 10);
	seq = f->pc.snd_nxt;
	/* An old TSval: dropped, with an ACK. */
	ol = fp_ts_optbuf(f->tsval - 1000, f->pc.ts_recent, o);
	fp_raw(f, ACK, seq, f->pc.rcv_nxt, f->win, o, ol, "abcdefghij", 10);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, seq);
	ck_assert_uint_eq(DROPS(f, tcp_paws), 1);
	ck_assert_uint_eq(c->rx_off, 10);
	/* The same TSval as the last one is fine (RFC 7323: strictly older only). */
	ol = fp_ts_optbuf(f->tsval, f->pc.ts_recent, o);
	fp_raw(f, ACK, seq, f->pc.rcv_nxt, f->win, o, ol, "abcdefghij", 10);
	ck_assert_uint_eq(c->rx_off, 20);
	ck_assert_uint_eq(DROPS(f, tcp_paws), 1);
	f->pc.snd_nxt += 10;
	/* RFC 7323 5.3 R1: an RST is not subject to PAWS. */
	ol = fp_ts_optbuf(f->tsval - 1000, f->pc.ts_recent, o);
	tt_test_txq_flush(f->t);
	fp_raw(f, RST, f->pc.snd_nxt, 0, 0, o, ol, NULL, 0);
	fp_none(f);
	ck_state(f, TT_TCPS_CLOSED);
	fp_end(f);
}
END_TEST

/*
 * An old pure ACK that fails PAWS (a duplicate that arrived late, as a
 * kernel's handshake ACK does behind its request over two tap queues) is
 * dropped without an answer (tcp_old_ack, as Linux since 6.14). A pure ACK
 * at RCV.NXT, a segment with data or FIN, and a keepalive (SND.UNA - 1
 * with a fresh TSval) still get the ACK.
 */
START_TEST(test_paws_old_ack)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint8_t o[12], ol;
	uint32_t seq0, seq;

	f->cfg.server.app = TT_APP_DISCARD;
	fp_start(f);
	c = fp_open(f);
	ck_assert(c->flags & TT_CF_TS);
	seq0 = f->pc.snd_nxt;
	fp_send(f, ACK, "0123456789", 10);
	seq = f->pc.snd_nxt;
	tt_test_txq_flush(f->t);
	/* The handshake's ACK again, late: before RCV.NXT, an old TSval. */
	ol = fp_ts_optbuf(f->tsval - 5, f->pc.ts_recent, o);
	fp_raw(f, ACK, seq0, f->pc.rcv_nxt, f->win, o, ol, NULL, 0);
	fp_none(f);
	ck_assert_uint_eq(DROPS(f, tcp_old_ack), 1);
	ck_assert_uint_eq(DROPS(f, tcp_paws), 0);
	ck_state(f, TT_TCPS_ESTABLISHED);
	/* At RCV.NXT it is no old duplicate: RFC 7323 5.3, the ACK. */
	fp_raw(f, ACK, seq, f->pc.rcv_nxt, f->win, o, ol, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, seq);
	ck_assert_uint_eq(DROPS(f, tcp_paws), 1);
	/* Old data with an old TSval: the ACK (a lost ACK of ours is repaired). */
	fp_raw(f, ACK, seq0, f->pc.rcv_nxt, f->win, o, ol, "0123456789", 10);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, seq);
	ck_assert_uint_eq(DROPS(f, tcp_paws), 2);
	/* A keepalive (SEG.SEQ = RCV.NXT - 1, fresh TSval) is answered. */
	ol = fp_ts_optbuf(f->tsval, f->pc.ts_recent, o);
	fp_raw(f, ACK, seq - 1, f->pc.rcv_nxt, f->win, o, ol, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, seq);
	ck_assert_uint_eq(DROPS(f, tcp_old_ack), 1);
	ck_assert_uint_eq(c->rx_off, 10);
	fp_end(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Out of order, delayed ACK.                                         */
/* ------------------------------------------------------------------ */

START_TEST(test_out_of_order)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	static uint8_t a[100], b[100];
	uint32_t seq;

	f->cfg.server.app = TT_APP_DISCARD;
	fp_start(f);
	c = fp_open(f);
	seq = f->pc.snd_nxt;
	/* The second segment first: held, an immediate duplicate ACK with its SACK block. */
	f->pc.snd_nxt = seq + 100;
	fp_send(f, ACK, b, 100);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, seq);
	ck_assert_uint_eq(s->nsack, 1);
	ck_assert_uint_eq(ST(f, ooo_queued), 1);
	ck_assert_uint_eq(c->rx_off, 0);
	/* Then the first: it fills the hole, both delivered, ACKed at once (RFC 5681 4.2). */
	f->pc.snd_nxt = seq;
	fp_send(f, ACK, a, 100);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, seq + 200);
	ck_assert_uint_eq(s->nsack, 0);
	ck_assert_uint_eq(c->rx_off, 200);
	/* A retransmission of the second one: a duplicate, ACKed at once with D-SACK. */
	fp_send(f, ACK, b, 100);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, seq + 200);
	ck_assert_uint_eq(s->nsack, 1);
	ck_assert_uint_eq(s->sack[0][0], seq + 100);
	ck_assert_uint_eq(c->rx_off, 200);
	ck_assert_uint_eq(DROPS(f, tcp_ooo), 0);
	fp_end(f);
}
END_TEST

START_TEST(test_delayed_ack)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	static uint8_t data[2000];
	uint32_t mss;

	f->cfg.server.app = TT_APP_DISCARD;
	fp_start(f);
	c = fp_open(f);
	mss = c->mss;
	/* One small segment, no response: ACKed after delack_ms, not before. */
	fp_send(f, ACK, data, 100);
	fp_none(f);
	fp_time(f, f->cfg.tcp.delack_ms - 1);
	fp_none(f);
	fp_time(f, 1);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_assert_uint_eq(ST(f, delayed_acks), 1);
	/* Two full segments: the second is ACKed at once (RFC 9293 3.8.6.3). */
	fp_send(f, ACK, data, (uint16_t)mss);
	fp_none(f);
	fp_send(f, ACK, data, (uint16_t)mss);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	/* ... and no delayed ACK follows. */
	fp_time(f, 10 * f->cfg.tcp.delack_ms);
	fp_none(f);
	ck_assert_uint_eq(ST(f, delayed_acks), 1);
	/* A delayed ACK again, then the timer of several connections in order. */
	fp_send(f, ACK, data, 10);
	fp_time(f, f->cfg.tcp.delack_ms / 2);
	fp_none(f);
	fp_time(f, f->cfg.tcp.delack_ms / 2);
	fp_expect(f, ACK);
	fp_end(f);
}
END_TEST

/*
 * With the lcore's TX queue in its last eighth (TT_TXQ_ACK_MAX), a pure ACK
 * is not queued (tx_ack_shed) but owed as a delayed ACK, and goes once the
 * queue has room: the last ACK of a flight is never lost for good, which
 * would leave the peer to its RTO. A segment with data or a FIN still finds
 * the room kept for it.
 */
START_TEST(test_ack_shed_owed)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	static uint8_t data[2000];
	unsigned int i;
	uint32_t mss;

	f->cfg.server.app = TT_APP_DISCARD;
	fp_start(f);
	c = fp_open(f);
	mss = c->mss;
	/* Frames the port has not taken fill the queue to the mark. */
	for (i = 0; i < TT_TXQ_ACK_MAX; i++)
		tt_txq_push(&f->t->net, rte_pktmbuf_alloc(tt_test_pool()));
	/* Two full segments ask for an ACK at once (RFC 9293 3.8.6.3): owed instead. */
	fp_send(f, ACK, data, (uint16_t)mss);
	fp_send(f, ACK, data, (uint16_t)mss);
	ck_assert_uint_eq(f->t->txq.n, TT_TXQ_ACK_MAX);
	ck_assert_uint_eq(DROPS(f, tx_ack_shed), 1);
	ck_assert(c->flags & TT_CF_DELACK);
	/* Two more, half a delay later: each asks again, and the deadline stays. */
	fp_time(f, f->cfg.tcp.delack_ms / 2);
	fp_send(f, ACK, data, (uint16_t)mss);
	fp_send(f, ACK, data, (uint16_t)mss);
	ck_assert_uint_eq(DROPS(f, tx_ack_shed), 3);
	fp_time(f, f->cfg.tcp.delack_ms - f->cfg.tcp.delack_ms / 2 - 1);
	ck_assert_uint_eq(DROPS(f, tx_ack_shed), 3);
	/* Still no room at the first deadline: owed again. */
	fp_time(f, 1);
	ck_assert_uint_eq(f->t->txq.n, TT_TXQ_ACK_MAX);
	ck_assert_uint_eq(DROPS(f, tx_ack_shed), 4);
	/* The port takes the queue: at the next deadline the ACK covers all four. */
	ck_assert_uint_eq(tt_test_txq_flush(f->t), TT_TXQ_ACK_MAX);
	fp_none(f);
	fp_time(f, f->cfg.tcp.delack_ms);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_assert_uint_eq(s->len, 0);
	ck_assert_uint_eq(ST(f, delayed_acks), 2);
	/* Full again: the peer's FIN is answered with ours (CLOSE_WAIT, then LAST_ACK). */
	for (i = 0; i < TT_TXQ_ACK_MAX; i++)
		tt_txq_push(&f->t->net, rte_pktmbuf_alloc(tt_test_pool()));
	fp_send(f, FIN | ACK, NULL, 0);
	ck_assert_uint_eq(f->t->txq.n, TT_TXQ_ACK_MAX + 1);
	ck_assert_uint_eq(DROPS(f, tx_full), 0);
	ck_assert_uint_eq(tt_test_txq_flush(f->t), TT_TXQ_ACK_MAX + 1);
	fp_end(f);
}
END_TEST

/* The ACK of the peer's FIN in FIN_WAIT_2 goes past the mark: the block leaves for TIME_WAIT. */
START_TEST(test_ack_shed_not_fin_wait_2)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	unsigned int i;

	fp_start(f);
	fp_reach_state(f, TT_TCPS_FIN_WAIT_2);
	for (i = 0; i < TT_TXQ_ACK_MAX; i++)
		tt_txq_push(&f->t->net, rte_pktmbuf_alloc(tt_test_pool()));
	fp_send(f, FIN | ACK, NULL, 0);
	ck_state(f, TT_TCPS_TIME_WAIT);
	ck_assert_uint_eq(DROPS(f, tx_ack_shed), 0);
	ck_assert_uint_eq(f->t->txq.n, TT_TXQ_ACK_MAX + 1);
	for (i = 0; i < TT_TXQ_ACK_MAX; i++)
		rte_pktmbuf_free(tt_test_txq_pop(f->t));
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	fp_end(f);
}
END_TEST

/* Data beyond the advertised window is cut at its right edge; past it, dropped. */
START_TEST(test_window_trim)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	static uint8_t data[1000];
	uint32_t seq0, wnd = 2500;

	f->cfg.server.app = TT_APP_DISCARD;
	f->cfg.tcp.rcv_wnd = wnd;
	f->syn_opts = TT_OPT_MSS;
	fp_start(f);
	c = fp_open(f);
	seq0 = f->pc.snd_nxt;
	/* Three segments, no ACK from us in between: the third is cut to the edge. */
	fp_send(f, ACK, data, 1000);
	fp_send(f, ACK, data, 1000);
	fp_none(f);
	fp_send(f, ACK, data, 1000);
	ck_assert_uint_eq(c->rx_off, wnd);
	ck_assert_uint_eq(c->rcv_nxt, seq0 + wnd);
	fp_none(f);
	fp_time(f, f->cfg.tcp.delack_ms);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, seq0 + wnd);
	ck_assert_uint_eq(s->win, wnd);
	/* Entirely past the new right edge: dropped, with an ACK. */
	f->pc.snd_nxt = seq0 + 2 * wnd + 10;
	fp_send(f, ACK, data, 100);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, seq0 + wnd);
	ck_assert_uint_eq(DROPS(f, tcp_out_of_window), 1);
	ck_assert_uint_eq(c->rx_off, wnd);
	fp_end(f);
}
END_TEST

/* An ACK for data never sent: an ACK back, the segment dropped (RFC 9293 3.10.7.4). */
START_TEST(test_ack_unsent)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint32_t seq;

	f->cfg.server.app = TT_APP_DISCARD;
	fp_start(f);
	c = fp_open(f);
	seq = f->pc.snd_nxt;
	f->pc.rcv_nxt += 5000;
	fp_send(f, ACK | PSH, "data", 4);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, seq);
	ck_assert_uint_eq(s->seq, f->pc.rcv_nxt - 5000);
	ck_assert_uint_eq(DROPS(f, tcp_bad_ack), 1);
	ck_assert_uint_eq(c->rx_off, 0);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_end(f);
}
END_TEST

/* A response carries the ACK: no delayed ACK after it. */
START_TEST(test_delayed_ack_piggyback)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;

	fp_start(f);
	fp_open(f);
	fp_send_str(f, REQ11);
	s = fp_expect(f, ACK | PSH);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	fp_ack(f);
	fp_time(f, 10 * f->cfg.tcp.delack_ms);
	fp_none(f);
	ck_assert_uint_eq(ST(f, delayed_acks), 0);
	fp_end(f);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("tcp_sequence");
	TCase *tc;

	tt_test_eal_init();

	tc = fp_tcase("sequence");
	tcase_add_test(tc, test_seq_macros);
	tcase_add_test(tc, test_seq_wrap_peer);
	tcase_add_test(tc, test_seq_wrap_ours);
	tcase_add_test(tc, test_paws);
	tcase_add_test(tc, test_paws_old_ack);
	tcase_add_test(tc, test_out_of_order);
	tcase_add_test(tc, test_delayed_ack);
	tcase_add_test(tc, test_delayed_ack_piggyback);
	tcase_add_test(tc, test_ack_shed_owed);
	tcase_add_test(tc, test_ack_shed_not_fin_wait_2);
	tcase_add_test(tc, test_window_trim);
	tcase_add_test(tc, test_ack_unsent);
	suite_add_tcase(s, tc);
	return s;
}
