/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine through the fake peer (tt_fake_peer.h).
 * TIME_WAIT: new incarnations of a tuple (RFC 6191), the TIME_WAIT and
 * delayed-ACK FIFOs, recycling of TIME_WAIT blocks for a full table.
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
 * The TIME_WAIT FIFO when blocks are reused: flow A enters TIME_WAIT, then
 * B; A is reset (so its block is freed while still queued); the block is
 * reused by a connection C that enters TIME_WAIT too. After 2*MSL every
 * TIME_WAIT flow must be gone.
 */
START_TEST(test_tw_fifo_block_reuse)
{
	struct fp *f = fp_cur;
	struct fp_pc filler;
	struct tt_conn *c;
	uint32_t idx_a;
	uint16_t port = 41000;
	unsigned int k;

	f->cfg.tcp.max_flows = 8;
	fp_start(f);
	fp_new_conn(f, 40000, 1000);
	fp_to_time_wait(f);
	idx_a = tt_tcp_conn_idx(f->ctx, fp_conn(f));
	/* A is reset in TIME_WAIT. */
	fp_raw(f, RST, f->pc.snd_nxt, 0, 0, NULL, 0, NULL, 0);
	ck_state(f, TT_TCPS_CLOSED);
	/* A filler takes A's block (the last freed is reused first), B another. */
	fp_new_conn(f, 39999, 500);
	ck_assert_uint_eq(tt_tcp_conn_idx(f->ctx, fp_open(f)), idx_a);
	filler = f->pc;
	fp_new_conn(f, 40001, 2000);
	fp_to_time_wait(f);
	ck_assert_uint_ne(tt_tcp_conn_idx(f->ctx, fp_conn(f)), idx_a);
	f->pc = filler;
	fp_raw(f, RST, f->pc.snd_nxt, 0, 0, NULL, 0, NULL, 0);
	ck_state(f, TT_TCPS_CLOSED);

	/* Open and reset connections until A's block is handed out again. */
	for (k = 0; k < 64; k++) {
		fp_new_conn(f, port++, 3000 + k * 1000);
		c = fp_open(f);
		if (tt_tcp_conn_idx(f->ctx, c) == idx_a)
			break;
		fp_raw(f, RST, f->pc.snd_nxt, 0, 0, NULL, 0, NULL, 0);
		ck_state(f, TT_TCPS_CLOSED);
	}
	ck_assert_msg(k < 64, "block %u never reused", idx_a);
	/* C (in A's block) goes to TIME_WAIT. */
	fp_send_str(f, REQ10);
	fp_expect(f, ACK | PSH | FIN);
	fp_ack(f);
	fp_send(f, FIN | ACK, NULL, 0);
	fp_expect(f, ACK);
	ck_state(f, TT_TCPS_TIME_WAIT);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 2);

	/*
	 * Regression test (found by this test, since fixed): the block must
	 * not be queued again while still linked in the TIME_WAIT FIFO from
	 * its previous life (TT_CF_IN_TW_FIFO survives tt_tcp_conn_alloc);
	 * overwriting its tw_next with NIL cut the FIFO there and the flows
	 * queued after it (B here) stayed in TIME_WAIT forever.
	 */
	fp_time(f, 2 * f->cfg.tcp.msl_ms + 10);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 0);
	ck_assert_uint_eq(f->ctx->in_use, 0);
	fp_end(f);
}
END_TEST

/*
 * The TIME_WAIT FIFO is a ring of block indices, expired in batches (a bulk
 * flow table lookup, then the frees): 40 connections that entered
 * TIME_WAIT in the same millisecond all end together, more than one batch;
 * one restarted by a retransmitted FIN waits out its new 2*MSL; over ten
 * rounds the ring's read and write positions wrap (48 slots).
 */
START_TEST(test_tw_ring_batches)
{
	struct fp *f = fp_cur;
	struct fp_pc keep;
	unsigned int round, i;
	uint32_t msl;

	f->cfg.tcp.max_flows = 48;
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
 * A 7/8 full table and a SYN (tcp.tw_recycle): the oldest TIME_WAIT block
 * is freed for it; live connections still fill the table to the last
 * block, and then a SYN is refused; with recycling off, a table full of
 * TIME_WAIT refuses too.
 */
static void
tw_fill(struct fp *f, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		fp_new_conn(f, (uint16_t)(40000 + i), 1000 + i * 1000);
		fp_to_time_wait(f);
		fp_time(f, 1);
	}
}

START_TEST(test_tw_recycle)
{
	struct fp *f = fp_cur;
	unsigned int i;

	f->cfg.tcp.max_flows = 8;
	fp_start(f);
	tw_fill(f, 7);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 7);
	ck_assert_uint_eq(ST(f, tw_recycled), 0);
	/* 7 of 8 in use: the next SYN takes the block of 40000, the oldest. */
	fp_new_conn(f, 50000, 90000);
	fp_open(f);
	ck_assert_uint_eq(ST(f, tw_recycled), 1);
	ck_assert_uint_eq(ST(f, refused_table_full), 0);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 6);
	ck_assert_ptr_null(tt_tcp_lookup(f->ctx, TT_TEST_IP_US, f->lport, f->addr, 40000));
	ck_assert_ptr_nonnull(tt_tcp_lookup(f->ctx, TT_TEST_IP_US, f->lport, f->addr, 40001));
	/* 40000 is gone: its retransmitted FIN now meets no flow (RST). */
	fp_new_conn(f, 40000, 1000);
	fp_raw(f, FIN | ACK, 1001 + 10, 12345, 0, NULL, 0, NULL, 0);
	fp_expect(f, RST);
	/* Replace the other six TIME_WAIT blocks, then fill the last one. */
	for (i = 1; i < 8; i++) {
		fp_new_conn(f, (uint16_t)(50000 + i), 90000 + i * 1000);
		fp_open(f);
	}
	ck_assert_uint_eq(ST(f, tw_recycled), 7);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 0);
	ck_assert_int_eq(GAUGE(f, ESTABLISHED), 8);
	/* Nothing left to recycle: a SYN cookie (syn_cookies = auto), no flow. */
	fp_new_conn(f, 60000, 1000);
	fp_send_syn(f);
	fp_expect(f, SYN | ACK);
	ck_assert_uint_eq(ST(f, syncookies_sent), 1);
	ck_assert_uint_eq(tt_tcp_flows_in_use(f->ctx), 8);
	fp_end(f);
}
END_TEST

START_TEST(test_tw_recycle_off)
{
	struct fp *f = fp_cur;

	f->cfg.tcp.max_flows = 8;
	f->cfg.tcp.tw_recycle = false;
	f->cfg.tcp.syn_cookies = TT_SYNCOOKIE_OFF;	/* a full table then refuses silently */
	fp_start(f);
	tw_fill(f, 8);
	fp_new_conn(f, 50000, 90000);
	fp_send_syn(f);
	fp_none(f);
	ck_assert_uint_eq(ST(f, refused_table_full), 1);
	ck_assert_uint_eq(ST(f, tw_recycled), 0);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 8);
	/* After 2*MSL the table is free again and the SYN gets in. */
	fp_time(f, 2 * f->cfg.tcp.msl_ms + 10);
	ck_assert_int_eq(GAUGE(f, TIME_WAIT), 0);
	fp_open(f);
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
	tcase_add_test(tc, test_tw_fifo_block_reuse);
	tcase_add_test(tc, test_tw_ring_batches);
	tcase_add_test(tc, test_tw_recycle);
	tcase_add_test(tc, test_tw_recycle_off);
	tcase_add_test(tc, test_delack_fifo_block_reuse);
	suite_add_tcase(s, tc);
	return s;
}
