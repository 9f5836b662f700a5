/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of congestion control (lib/tcp/tt_tcp_cc.c): CUBIC (RFC
 * 9438) and Reno (RFC 5681 3.1 with RFC 3465 byte counting), driven
 * directly on a connection block of the fake peer's engine, with the fake
 * clock: the congestion event, the timeout, and cwnd ACK by ACK through
 * the Reno-friendly, concave and convex regions.
 */

#include <check.h>

#include "tt_fake_peer.h"
#include "tcp/tt_tcp_cc.h"

#define SEG 1000u

/* A block in congestion avoidance terms: MSS 1000, @p flight bytes out, cwnd = flight, SRTT 10 ms. */
static void
blk(struct tt_conn *c, uint32_t flight)
{
	memset(c, 0, sizeof(*c));
	c->mss = SEG;
	c->snd_una = 1000000;
	c->snd_max = c->snd_una + flight;
	c->snd_nxt = c->snd_max;
	c->cwnd = flight;
	c->ssthresh = UINT32_MAX >> 1;
	c->srtt = 10 << 3;
}

/* Set the engine's clock to @p ms. */
static void
at_ms(struct fp *f, uint32_t ms)
{
	tt_tcp_set_time(f->ctx, (uint64_t)ms * 1000);
}

/* @p n ACKs of one segment each at the current time. */
static void
acks(struct fp *f, struct tt_conn *c, unsigned int n)
{
	while (n-- > 0)
		tt_cc_ack(f->ctx, c, SEG);
}

/*
 * RFC 9438 4.6: ssthresh = flight * beta_cubic (0.7), W_max = the flight;
 * 4.2 equation 2: K = cbrt((W_max - cwnd_epoch) / C): 100 segments to 70
 * is cbrt(30 / 0.4) = 4.217 s. Reno (RFC 5681 3.1 equation 4): half the
 * flight.
 */
START_TEST(test_cc_loss_ssthresh)
{
	struct fp *f = fp_cur;
	struct tt_conn c;

	fp_start(f);
	blk(&c, 100 * SEG);
	ck_assert_uint_eq(tt_cc_cubic_wmax(f->ctx, &c), 0);
	tt_cc_loss(f->ctx, &c);
	ck_assert_uint_eq(c.ssthresh, 70 * SEG);
	ck_assert_uint_eq(tt_cc_cubic_wmax(f->ctx, &c), 100 * SEG);
	ck_assert_uint_eq(tt_cc_cubic_k_ms(f->ctx, &c), 4217);
	/* A small flight: ssthresh never below 2 SMSS. */
	blk(&c, 2 * SEG);
	tt_cc_loss(f->ctx, &c);
	ck_assert_uint_eq(c.ssthresh, 2 * SEG);

	f->cfg.tcp.cc = TT_CC_RENO;
	blk(&c, 100 * SEG);
	tt_cc_loss(f->ctx, &c);
	ck_assert_uint_eq(c.ssthresh, 50 * SEG);
	fp_end(f);
}
END_TEST

/*
 * RFC 9438 4.7, fast convergence: a congestion event at a flight below
 * the previous W_max sets W_max = flight * (1 + beta) / 2, and K from it;
 * one at or above it sets W_max = flight.
 */
START_TEST(test_cc_cubic_fast_convergence)
{
	struct fp *f = fp_cur;
	struct tt_conn c;

	fp_start(f);
	blk(&c, 100 * SEG);
	tt_cc_loss(f->ctx, &c);
	/* The next event at 80 segments, below W_max = 100. */
	c.snd_max = c.snd_una + 80 * SEG;
	tt_cc_loss(f->ctx, &c);
	ck_assert_uint_eq(c.ssthresh, 56 * SEG);
	ck_assert_uint_eq(tt_cc_cubic_wmax(f->ctx, &c), 68 * SEG);
	/* K = cbrt((68 - 56) / 0.4) = cbrt(30) s = 3.107 s. */
	ck_assert_uint_eq(tt_cc_cubic_k_ms(f->ctx, &c), 3107);
	/* Then one at 90 segments, above W_max = 68: no fast convergence. */
	c.snd_max = c.snd_una + 90 * SEG;
	tt_cc_loss(f->ctx, &c);
	ck_assert_uint_eq(c.ssthresh, 63 * SEG);
	ck_assert_uint_eq(tt_cc_cubic_wmax(f->ctx, &c), 90 * SEG);
	fp_end(f);
}
END_TEST

/*
 * cwnd over a congestion-avoidance stage after a loss at W_max = 100
 * segments (cwnd_epoch 70, K = 4.217 s), one segment an ACK, SRTT 10 ms:
 * - at its start the cubic curve is flat (W_cubic(t + RTT) ~ 70): the
 *   Reno-friendly increase (4.3) rules, alpha_cubic = 9/17 segment per
 *   window of ACKs;
 * - at t = K - RTT the target is W_max: the concave region (4.4) closes
 *   most of the gap within a window of ACKs, never past W_cubic(t + RTT)
 *   and never more than half of cwnd at once;
 * - in the convex region (4.5) W_cubic(K + 2 s) = 100 + 0.4 * 8 = 103.2
 *   segments, and cwnd follows it;
 * - cwnd never shrinks on an ACK.
 */
START_TEST(test_cc_cubic_growth)
{
	struct fp *f = fp_cur;
	struct tt_conn c;
	uint32_t k, w;

	fp_start(f);
	at_ms(f, 1000);
	blk(&c, 100 * SEG);
	tt_cc_loss(f->ctx, &c);
	k = tt_cc_cubic_k_ms(f->ctx, &c);
	c.cwnd = c.ssthresh;	/* recovery over */
	acks(f, &c, 70);
	/* 70 ACKs of 1000 bytes at 70,000: 9/17 of a segment (529 bytes), less rounding. */
	ck_assert_uint_ge(c.cwnd, 70 * SEG + 450);
	ck_assert_uint_le(c.cwnd, 70 * SEG + 529);
	ck_assert(c.flags & TT_CF_CC_EPOCH);
	ck_assert_uint_eq(c.cc_epoch_ms, 1000);

	/* Just before K: the target is about W_max. */
	at_ms(f, 1000 + k - 10);
	w = c.cwnd;
	acks(f, &c, 1);
	/* (100,000 - 70,529) * 1000 / 70,529: 417 bytes. */
	ck_assert_uint_ge(c.cwnd - w, 400);
	ck_assert_uint_le(c.cwnd - w, 420);
	/* Each ACK closes 1/cwnd of the gap: about 0.99^300 of it is left, never overshot. */
	acks(f, &c, 300);
	ck_assert_uint_ge(c.cwnd, 98 * SEG);
	ck_assert_uint_le(c.cwnd, 100 * SEG);

	/*
	 * Convex: 2 s past K, W_cubic(t + RTT) is 103.2 segments. cwnd
	 * reaches it, and past it grows at the Reno-friendly rate (alpha 1
	 * above W_max), one SMSS per window of ACKs: 1000 ACKs at about
	 * 103 segments add at most 9.7 segments more.
	 */
	at_ms(f, 1000 + k + 2000 - 10);
	acks(f, &c, 100);
	ck_assert_uint_le(c.cwnd, 103200);
	acks(f, &c, 900);
	ck_assert_uint_ge(c.cwnd, 103200);
	ck_assert_uint_le(c.cwnd, 103200 + 9700);
	w = c.cwnd;
	/* Time going back (a wrapped or stale clock) never shrinks cwnd. */
	at_ms(f, 1000);
	acks(f, &c, 10);
	ck_assert_uint_ge(c.cwnd, w);
	fp_end(f);
}
END_TEST

/*
 * Slow start below ssthresh (RFC 5681 3.1: at most one SMSS an ACK); a
 * timeout (RFC 9438 4.8) sets ssthresh from the flight, cwnd to one
 * segment, and the next stage grows with K = 0 and W_max = cwnd at its
 * start; a second timeout of the same data keeps ssthresh.
 */
START_TEST(test_cc_cubic_rto)
{
	struct fp *f = fp_cur;
	struct tt_conn c;
	uint32_t w;

	fp_start(f);
	at_ms(f, 5000);
	blk(&c, 100 * SEG);
	c.retries = 1;
	tt_cc_rto(f->ctx, &c);
	ck_assert_uint_eq(c.cwnd, SEG);
	ck_assert_uint_eq(c.ssthresh, 70 * SEG);
	ck_assert_uint_eq(tt_cc_cubic_k_ms(f->ctx, &c), 0);
	ck_assert_uint_eq(tt_cc_cubic_wmax(f->ctx, &c), 70 * SEG);
	c.retries = 2;
	tt_cc_rto(f->ctx, &c);
	ck_assert_uint_eq(c.ssthresh, 70 * SEG);
	/* Slow start: one ACK of 3 segments adds one. */
	tt_cc_ack(f->ctx, &c, 3 * SEG);
	ck_assert_uint_eq(c.cwnd, 2 * SEG);
	ck_assert(!(c.flags & TT_CF_CC_EPOCH));
	c.cwnd = c.ssthresh;
	acks(f, &c, 1);
	ck_assert(c.flags & TT_CF_CC_EPOCH);
	/* 1 s on: W_cubic = 70 + 0.4 segments (convex from the start). */
	at_ms(f, 6000);
	w = c.cwnd;
	acks(f, &c, 500);
	ck_assert_uint_ge(c.cwnd, w);
	ck_assert_uint_ge(c.cwnd, 70 * SEG + 400);
	fp_end(f);
}
END_TEST

/*
 * Reno's congestion avoidance counts bytes (RFC 3465 2.1): an ACK of two
 * segments grows cwnd twice what an ACK of one does, one SMSS per window
 * of data acknowledged.
 */
START_TEST(test_cc_reno_byte_counting)
{
	struct fp *f = fp_cur;
	struct tt_conn c;
	unsigned int i;

	f->cfg.tcp.cc = TT_CC_RENO;
	fp_start(f);
	blk(&c, 50 * SEG);
	c.ssthresh = 50 * SEG;
	tt_cc_ack(f->ctx, &c, SEG);
	ck_assert_uint_eq(c.cwnd, 50 * SEG + 20);
	tt_cc_ack(f->ctx, &c, 2 * SEG);
	ck_assert_uint_eq(c.cwnd, 50 * SEG + 20 + 39);
	/* 25 ACKs of 2 segments: one window, about one SMSS. */
	c.cwnd = 50 * SEG;
	for (i = 0; i < 25; i++)
		tt_cc_ack(f->ctx, &c, 2 * SEG);
	ck_assert_uint_ge(c.cwnd, 50 * SEG + 970);
	ck_assert_uint_le(c.cwnd, 50 * SEG + 1000);
	fp_end(f);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("tcp_cc");
	TCase *tc;

	tt_test_eal_init();

	tc = fp_tcase("cc");
	tcase_add_test(tc, test_cc_loss_ssthresh);
	tcase_add_test(tc, test_cc_cubic_fast_convergence);
	tcase_add_test(tc, test_cc_cubic_growth);
	tcase_add_test(tc, test_cc_cubic_rto);
	tcase_add_test(tc, test_cc_reno_byte_counting);
	suite_add_tcase(s, tc);
	return s;
}
