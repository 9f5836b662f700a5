/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine through the fake peer (tt_fake_peer.h).
 * TIME_WAIT: new incarnations of a tuple (RFC 6191), the compact TIME_WAIT
 * table (tt_tw.h: its ring, index and expiry, a full table), RST in
 * TIME_WAIT, the delayed-ACK FIFO.
 */

#include <check.h>

#include "tt_fake_peer.h"

/* ------------------------------------------------------------------ */
/* TIME_WAIT and new incarnations (RFC 6191).                         */
/* ------------------------------------------------------------------ */

/* With timestamps: a higher TSval reopens the tuple, a lower one is PAWS-dropped. */
START_TEST(test_tw_reuse_ts)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t tw_ack, old_iss = f->pc.iss;
	uint8_t o[40], ol;

	fp_start(f);
	fp_to_time_wait(f);
	tw_ack = f->pc.snd_nxt;

	/* Older timestamp: PAWS drops it; the answer is the TIME_WAIT ACK. */
	ol = fp_syn_optbuf(f, f->tsval - 10, 0, o);
	fp_raw(f, SYN, old_iss + 100000, 0, f->win, o, ol, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, tw_ack);
	ck_assert_uint_eq(DROPS(f, tcp_paws), 1);
	ck_state(f, TT_TCPS_TIME_WAIT);
	ck_assert_uint_eq(ST(f, tw_reuse), 0);

	/* Newer timestamp, even with a lower sequence number: a new connection. */
	f->pc.iss = old_iss - 100000;
	s = fp_syn(f);
	ck_assert_uint_eq(s->ack, f->pc.iss + 1);
	ck_assert_uint_eq(ST(f, tw_reuse), 1);
	ck_state(f, TT_TCPS_SYN_RCVD);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 0);
	ck_assert_uint_eq(f->ctx->in_use, 1);
	ck_assert_uint_eq(ST(f, conn_accepted), 2);
	fp_ack(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	/* The old TIME_WAIT deadline passes: the new connection is untouched. */
	fp_time(f, 2 * f->cfg.tcp.msl_ms + 10);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_send_str(f, REQ11);
	fp_check_http_response(fp_rxbuf, fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf)),
			       f->cfg.server.response_bytes, true);
	fp_end(f);
}
END_TEST

/* Without timestamps: a higher sequence number reopens, a lower one does not. */
START_TEST(test_tw_reuse_seq)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t tw_ack, old_iss = f->pc.iss;

	f->syn_opts = TT_OPT_MSS | TT_OPT_WS | TT_OPT_SACKOK;
	fp_start(f);
	fp_to_time_wait(f);
	tw_ack = f->pc.snd_nxt;

	/* A lower sequence number (the old ISN): not a new connection. */
	fp_raw(f, SYN, old_iss, 0, f->win, NULL, 0, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, tw_ack);
	ck_state(f, TT_TCPS_TIME_WAIT);
	ck_assert_uint_eq(ST(f, tw_reuse), 0);
	ck_assert_uint_eq(ST(f, conn_accepted), 1);

	/* Higher than the old connection's last: accepted. */
	f->pc.iss = tw_ack + 100000;
	fp_syn(f);
	ck_assert_uint_eq(ST(f, tw_reuse), 1);
	ck_state(f, TT_TCPS_SYN_RCVD);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 0);
	fp_ack(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_time(f, 2 * f->cfg.tcp.msl_ms + 10);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_end(f);
}
END_TEST

/*
 * RFC 6191 2, second rule: the same TSval as the last one of the old
 * incarnation (the peer's clock ticks once a millisecond) and a higher
 * sequence number is a new connection too. Linux accepts it as well
 * (tcp_timewait_state_process(): seq after rcv_nxt, or a newer TSval).
 */
START_TEST(test_tw_reuse_equal_ts)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint8_t o[40], ol;
	uint32_t tw_ack;

	fp_start(f);
	fp_to_time_wait(f);
	tw_ack = f->pc.snd_nxt;
	/*
	 * Regression test (found by this test, since fixed): time_wait_reuse()
	 * took a new incarnation only when TSval > TS.Recent; with an equal
	 * TSval it must fall back to the sequence number.
	 */
	ol = fp_syn_optbuf(f, f->tsval, 0, o);
	fp_raw(f, SYN, tw_ack + 1000, 0, f->win, o, ol, NULL, 0);
	s = fp_expect(f, SYN | ACK);
	ck_assert_uint_eq(s->ack, tw_ack + 1001);
	ck_assert_uint_eq(ST(f, tw_reuse), 1);
	ck_state(f, TT_TCPS_SYN_RCVD);
	fp_end(f);
}
END_TEST

/* The same TSval and a lower sequence number: not a new incarnation. */
START_TEST(test_tw_equal_ts_lower_seq)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint8_t o[40], ol;
	uint32_t tw_ack;

	fp_start(f);
	fp_to_time_wait(f);
	tw_ack = f->pc.snd_nxt;
	ol = fp_syn_optbuf(f, f->tsval, 0, o);
	fp_raw(f, SYN, tw_ack - 1000, 0, f->win, o, ol, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, tw_ack);
	ck_assert_uint_eq(ST(f, tw_reuse), 0);
	ck_state(f, TT_TCPS_TIME_WAIT);
	fp_time(f, 2 * f->cfg.tcp.msl_ms);
	fp_end(f);
}
END_TEST

/*
 * TIME_WAIT: an old pure ACK that fails PAWS gets no answer (tcp_old_ack):
 * the ACK would only draw an RST from the closed peer and end the entry
 * early (RFC 1337). With its TSval equal to TS.Recent it passes PAWS and
 * gets the ACK of RFC 9293 3.10.7.4; old data with an old TSval too.
 */
START_TEST(test_tw_old_ack)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint8_t o[12], ol;
	uint32_t tw_ack;

	fp_start(f);
	fp_to_time_wait(f);
	tw_ack = f->pc.snd_nxt;
	tt_test_txq_flush(f->t);
	ol = fp_ts_optbuf(f->tsval - 5, f->pc.ts_recent, o);
	fp_raw(f, ACK, tw_ack - 80, f->pc.rcv_nxt, f->win, o, ol, NULL, 0);
	fp_none(f);
	ck_assert_uint_eq(DROPS(f, tcp_old_ack), 1);
	ck_assert_uint_eq(DROPS(f, tcp_paws), 0);
	ck_state(f, TT_TCPS_TIME_WAIT);
	fp_raw(f, ACK, tw_ack - 80, f->pc.rcv_nxt, f->win, o, ol, "x", 1);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, tw_ack);
	ck_assert_uint_eq(DROPS(f, tcp_paws), 1);
	ol = fp_ts_optbuf(f->tsval, f->pc.ts_recent, o);
	fp_raw(f, ACK, tw_ack - 80, f->pc.rcv_nxt, f->win, o, ol, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, tw_ack);
	ck_assert_uint_eq(DROPS(f, tcp_old_ack), 1);
	ck_state(f, TT_TCPS_TIME_WAIT);
	fp_time(f, 2 * f->cfg.tcp.msl_ms + 10);
	ck_state(f, TT_TCPS_CLOSED);
	fp_end(f);
}
END_TEST

/*
 * Entering TIME_WAIT gives the block and its flow table entry back at once
 * (tt_tw.h): the tuple is in TIME_WAIT for the gauges and for lookups, the
 * blocks in use drop to none, and a new connection gets the same block.
 * The entry ends exactly 2*MSL after our last ACK.
 */
START_TEST(test_tw_compact)
{
	struct fp *f = fp_cur;
	uint32_t idx, msl;

	fp_start(f);
	msl = f->cfg.tcp.msl_ms;
	idx = f->ctx->free_head;	/* the block the connection gets */
	fp_to_time_wait(f);
	ck_assert_ptr_null(fp_conn(f));
	ck_assert_uint_eq(f->ctx->in_use, 0);
	ck_assert_uint_eq(tt_tcp_time_wait_count(f->ctx), 1);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 1);
	ck_assert_uint_eq(ST(f, conn_closed_active), 1);
	/* The next connection gets the block back (the last freed first). */
	fp_new_conn(f, 40001, 5000);
	ck_assert_uint_eq(tt_tcp_conn_idx(f->ctx, fp_open(f)), idx);
	fp_raw(f, RST, f->pc.snd_nxt, 0, 0, NULL, 0, NULL, 0);
	fp_new_conn(f, 40000, 0x10000000);
	ck_state(f, TT_TCPS_TIME_WAIT);
	fp_time(f, 2 * msl - 1);
	ck_state(f, TT_TCPS_TIME_WAIT);
	fp_time(f, 1);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(tt_tcp_time_wait_count(f->ctx), 0);
	ck_assert_uint_eq(TRANS(f, TIME_WAIT, CLOSED), 1);
	fp_end(f);
}
END_TEST

/*
 * The index under deletions (Knuth's Algorithm R): a table of 8 entries
 * has 16 index slots, so their probe runs meet. Entries ended in every
 * order (RSTs, with tcp.rfc1337 off) leave the others found, and the ended
 * ones gone; the freed room takes new entries. Over the rounds the ring
 * wraps and dead slots reach the head.
 */
START_TEST(test_tw_index_deletes)
{
	static const uint8_t order[8] = { 3, 0, 7, 4, 1, 6, 2, 5 };
	struct fp *f = fp_cur;
	struct fp_pc pcs[8];
	bool ended[8];
	unsigned int round, i, j, k;

	f->cfg.tcp.max_time_wait = 8;
	fp_start(f);
	for (round = 0; round < 6; round++) {
		for (i = 0; i < 8; i++) {
			fp_new_conn(f, (uint16_t)(30000 + round * 8 + i), 1000 + i * 100000);
			fp_to_time_wait(f);
			pcs[i] = f->pc;
			ended[i] = false;
		}
		ck_assert_uint_eq(tt_tcp_time_wait_count(f->ctx), 8);
		ck_assert_uint_eq(ST(f, tw_recycled), 0);
		/* End some (a different subset each round), in a scattered order. */
		for (j = 0; j < 8; j++) {
			i = order[(j + round) % 8];
			if ((i + round) % 3 == 0)
				continue;
			f->pc = pcs[i];
			fp_raw(f, RST, f->pc.snd_nxt, 0, 0, NULL, 0, NULL, 0);
			ended[i] = true;
			for (k = 0; k < 8; k++) {
				f->pc = pcs[k];
				ck_state(f, ended[k] ? TT_TCPS_CLOSED : TT_TCPS_TIME_WAIT);
			}
		}
		fp_time(f, 2 * f->cfg.tcp.msl_ms);
		ck_assert_uint_eq(tt_tcp_time_wait_count(f->ctx), 0);
	}
	/* 48 entries, each ended once: by an RST or by its 2*MSL. */
	ck_assert_uint_eq(TRANS(f, TIME_WAIT, CLOSED), 6 * 8);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 0);
	fp_end(f);
}
END_TEST

/*
 * RST in TIME_WAIT (RFC 9293 3.10.7.4, RFC 5961 3.2, RFC 1337): an exact
 * one ends the entry, an inexact one in the window gets a challenge ACK;
 * with tcp.rfc1337 none does anything.
 */
START_TEST(test_tw_rst)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t tw_ack;

	fp_start(f);
	fp_to_time_wait(f);
	tw_ack = f->pc.snd_nxt;
	fp_raw(f, RST, tw_ack + 10, 0, 0, NULL, 0, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, tw_ack);
	ck_state(f, TT_TCPS_TIME_WAIT);
	fp_raw(f, RST, tw_ack, 0, 0, NULL, 0, NULL, 0);
	fp_none(f);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, tw_ended_by_rst), 1);
	ck_assert_uint_eq(ST(f, tcp_rst_in), 1);
	fp_end(f);
}
END_TEST

START_TEST(test_tw_rst_rfc1337)
{
	struct fp *f = fp_cur;

	f->cfg.tcp.rfc1337 = true;
	fp_start(f);
	fp_to_time_wait(f);
	fp_raw(f, RST, f->pc.snd_nxt, 0, 0, NULL, 0, NULL, 0);
	fp_none(f);
	ck_state(f, TT_TCPS_TIME_WAIT);
	ck_assert_uint_eq(ST(f, tw_rst_ignored), 1);
	ck_assert_uint_eq(ST(f, tw_ended_by_rst), 0);
	fp_time(f, 2 * f->cfg.tcp.msl_ms);
	ck_state(f, TT_TCPS_CLOSED);
	fp_end(f);
}
END_TEST

/*
 * The TIME_WAIT ring: 40 connections that entered TIME_WAIT in the same
 * millisecond all end together; one restarted by a retransmitted FIN
 * (moved to the tail, its old slot dead) waits out its new 2*MSL; over ten
 * rounds the ring's head and tail wrap (48 slots).
 */
START_TEST(test_tw_ring_batches)
{
	struct fp *f = fp_cur;
	struct fp_pc keep;
	unsigned int round, i;
	uint32_t msl;

	f->cfg.tcp.max_time_wait = 48;
	fp_start(f);
	msl = f->cfg.tcp.msl_ms;
	memset(&keep, 0, sizeof(keep));
	for (round = 0; round < 10; round++) {
		for (i = 0; i < 40; i++) {
			fp_new_conn(f, (uint16_t)(20000 + round * 100 + i), 1000 + i * 100000);
			fp_to_time_wait(f);
			if (i == 17)
				keep = f->pc;
		}
		ck_assert_int_eq(GAUGE(f, TIME_WAIT), 40);
		fp_time(f, msl);
		/* Connection 17 did not get our last ACK: its FIN again. */
		f->pc = keep;
		f->pc.snd_nxt--;
		fp_send(f, FIN | ACK, NULL, 0);
		fp_expect(f, ACK);
		fp_time(f, msl - 1);
		ck_assert_int_eq(GAUGE(f, TIME_WAIT), 40);
		fp_time(f, 1);
		ck_assert_int_eq(GAUGE(f, TIME_WAIT), 1);
		ck_state(f, TT_TCPS_TIME_WAIT);
		fp_time(f, msl);
		ck_state(f, TT_TCPS_CLOSED);
		ck_assert_int_eq(GAUGE(f, TIME_WAIT), 0);
		ck_assert_uint_eq(f->ctx->in_use, 0);
	}
	fp_end(f);
}
END_TEST

/*
 * A full TIME_WAIT table (tcp.max_time_wait): the oldest entry ends early
 * for the new one (tcp.tw_recycle, counted tw_recycled), as Linux past
 * tcp_max_tw_buckets; its tuple then meets no state. With recycling off
 * the new one is not kept instead. The connection table is not involved.
 */
static void
tw_fill(struct fp *f, unsigned int n, uint16_t port0)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		fp_new_conn(f, (uint16_t)(port0 + i), 1000 + i * 1000);
		fp_to_time_wait(f);
		fp_time(f, 1);
	}
}

START_TEST(test_tw_recycle)
{
	struct fp *f = fp_cur;

	f->cfg.tcp.max_flows = 8;
	f->cfg.tcp.max_time_wait = 8;
	fp_start(f);
	tw_fill(f, 8, 40000);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 8);
	ck_assert_uint_eq(ST(f, tw_recycled), 0);
	/* More TIME_WAIT than blocks: the table is not the limit. */
	tw_fill(f, 3, 50000);
	ck_assert_uint_eq(ST(f, tw_recycled), 3);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 8);
	ck_assert_uint_eq(tt_tcp_time_wait_count(f->ctx), 8);
	ck_assert_uint_eq(TRANS(f, TIME_WAIT, CLOSED), 3);
	/* 40000-40002 are gone, 40003 is not; a retransmitted FIN of 40000 gets an RST. */
	ck_assert_uint_eq(tt_tcp_tuple_state(f->ctx, TT_TEST_IP_US, f->lport, f->addr, 40002),
			  TT_TCPS_CLOSED);
	ck_assert_uint_eq(tt_tcp_tuple_state(f->ctx, TT_TEST_IP_US, f->lport, f->addr, 40003),
			  TT_TCPS_TIME_WAIT);
	fp_new_conn(f, 40000, 1000);
	fp_raw(f, FIN | ACK, 1001 + 10, 12345, 0, NULL, 0, NULL, 0);
	fp_expect(f, RST);
	fp_time(f, 2 * f->cfg.tcp.msl_ms);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 0);
	fp_end(f);
}
END_TEST

START_TEST(test_tw_recycle_off)
{
	struct fp *f = fp_cur;
	unsigned int i;

	f->cfg.tcp.max_time_wait = 8;
	f->cfg.tcp.tw_recycle = false;
	fp_start(f);
	tw_fill(f, 8, 40000);
	/* Two more: FIN_WAIT_2, the peer's FIN, our ACK, and no entry. */
	for (i = 0; i < 2; i++) {
		fp_new_conn(f, (uint16_t)(40008 + i), 900000 + i * 1000);
		fp_reach_state(f, TT_TCPS_FIN_WAIT_2);
		fp_send(f, FIN | ACK, NULL, 0);
		fp_expect(f, ACK);
		ck_state(f, TT_TCPS_CLOSED);
	}
	ck_assert_uint_eq(ST(f, tw_recycled), 2);
	ck_assert_uint_eq(ST(f, conn_closed_active), 10);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 8);
	ck_assert_uint_eq(TRANS(f, TIME_WAIT, CLOSED), 2);
	/* The oldest stay, the newest were not kept. */
	ck_assert_uint_eq(tt_tcp_tuple_state(f->ctx, TT_TEST_IP_US, f->lport, f->addr, 40000),
			  TT_TCPS_TIME_WAIT);
	ck_assert_uint_eq(tt_tcp_tuple_state(f->ctx, TT_TEST_IP_US, f->lport, f->addr, 40009),
			  TT_TCPS_CLOSED);
	fp_time(f, 2 * f->cfg.tcp.msl_ms + 10);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 0);
	fp_end(f);
}
END_TEST

/*
 * The delayed-ACK FIFO when blocks are reused: A has a delayed ACK queued
 * and is reset; B queues one after it; A's block goes to C, which queues
 * its own. Each delayed ACK comes exactly delack_ms after its data.
 */
START_TEST(test_delack_fifo_block_reuse)
{
	struct fp *f = fp_cur;
	struct fp_pc b, cc, filler;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint32_t idx_a, dl = f->cfg.tcp.delack_ms;
	uint16_t port = 42000;
	unsigned int k;

	f->cfg.server.app = TT_APP_DISCARD;
	f->cfg.tcp.max_flows = 8;
	fp_start(f);
	fp_new_conn(f, 40000, 1000);
	c = fp_open(f);
	idx_a = tt_tcp_conn_idx(f->ctx, c);
	fp_send(f, ACK, "a", 1);		/* A: delayed ACK due at +dl */
	fp_none(f);
	fp_time(f, 5);
	fp_raw(f, RST, f->pc.snd_nxt, 0, 0, NULL, 0, NULL, 0);
	ck_state(f, TT_TCPS_CLOSED);
	/* A filler takes A's block (the last freed is reused first), B another. */
	fp_new_conn(f, 39999, 500);
	ck_assert_uint_eq(tt_tcp_conn_idx(f->ctx, fp_open(f)), idx_a);
	filler = f->pc;
	fp_new_conn(f, 40001, 2000);
	fp_open(f);
	fp_send(f, ACK, "b", 1);		/* B: due at +5+dl */
	b = f->pc;
	f->pc = filler;
	fp_raw(f, RST, f->pc.snd_nxt, 0, 0, NULL, 0, NULL, 0);
	for (k = 0; k < 64; k++) {
		fp_new_conn(f, port++, 3000 + k * 1000);
		c = fp_open(f);
		if (tt_tcp_conn_idx(f->ctx, c) == idx_a)
			break;
		fp_raw(f, RST, f->pc.snd_nxt, 0, 0, NULL, 0, NULL, 0);
	}
	ck_assert_msg(k < 64, "block %u never reused", idx_a);
	fp_time(f, 5);
	fp_send(f, ACK, "c", 1);		/* C: due at +10+dl */
	cc = f->pc;
	fp_none(f);
	/* Nothing at A's old deadline, B's at its own, then C's. */
	fp_time(f, dl - 10);
	fp_none(f);
	fp_time(f, 4);
	fp_none(f);
	fp_time(f, 1);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->dport, b.port);
	ck_assert_uint_eq(s->ack, b.snd_nxt);
	fp_none(f);
	fp_time(f, 4);
	fp_none(f);
	fp_time(f, 1);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->dport, cc.port);
	ck_assert_uint_eq(s->ack, cc.snd_nxt);
	ck_assert_uint_eq(ST(f, delayed_acks), 2);
	fp_time(f, 10 * dl);
	fp_none(f);
	fp_end(f);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("tcp_time_wait");
	TCase *tc;

	tt_test_eal_init();

	tc = fp_tcase("time_wait");
	tcase_add_test(tc, test_tw_reuse_ts);
	tcase_add_test(tc, test_tw_reuse_seq);
	tcase_add_test(tc, test_tw_reuse_equal_ts);
	tcase_add_test(tc, test_tw_equal_ts_lower_seq);
	tcase_add_test(tc, test_tw_old_ack);
	tcase_add_test(tc, test_tw_compact);
	tcase_add_test(tc, test_tw_index_deletes);
	tcase_add_test(tc, test_tw_rst);
	tcase_add_test(tc, test_tw_rst_rfc1337);
	tcase_add_test(tc, test_tw_ring_batches);
	tcase_add_test(tc, test_tw_recycle);
	tcase_add_test(tc, test_tw_recycle_off);
	tcase_add_test(tc, test_delack_fifo_block_reuse);
	suite_add_tcase(s, tc);
	return s;
}
