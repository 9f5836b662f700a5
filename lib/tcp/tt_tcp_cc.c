/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Congestion control (tt_tcp_cc.h): CUBIC (RFC 9438) and Reno (RFC 5681
 * 3.1 with RFC 3465's byte counting), chosen by tcp.cc.
 *
 * Why CUBIC's state fits in what Reno keeps. RFC 9438 4 needs W_max,
 * cwnd_epoch, K, t_epoch and W_est per connection; the connection block
 * has no room left (176 bytes, static-asserted in tt_tcp.h), so:
 *
 * - cwnd_epoch is ssthresh: every congestion-avoidance stage starts with
 *   cwnd = ssthresh, after recovery (the full ACK deflates cwnd to it,
 *   RFC 6582 3.2 step 4, or PRR brings it there, RFC 6937) or after a
 *   timeout's slow start (which ends as cwnd reaches ssthresh).
 * - W_max is what 4.6 and 4.7 set at the congestion event, and ssthresh
 *   was set from the same flight there: W_max = ssthresh / beta_cubic,
 *   or, with fast convergence (4.7: the flight below the previous W_max),
 *   ssthresh * (1 + beta_cubic) / (2 * beta_cubic) (TT_CF_CC_FC); after a
 *   timeout (4.8) W_max is cwnd at the start of the stage, ssthresh, and
 *   K is 0 (TT_CF_CC_K0). The floor of 2 SMSS on ssthresh makes W_max at
 *   most 3 SMSS too large.
 * - K follows from W_max and cwnd_epoch (4.2 equation 2), computed when
 *   needed (an integer cube root).
 * - t_epoch, the start of the stage (4.2), is the one value kept: in the
 *   field of RFC 6582's RecoveryPoint (c->cc_epoch_ms, a union), which
 *   only recovery reads; TT_CF_CC_EPOCH says it is set. A congestion
 *   event or a timeout clears the flag, the first ACK in congestion
 *   avoidance sets it.
 * - W_est (4.3) is not kept. In the Reno-friendly region RFC 9438 sets
 *   cwnd to W_est, which grows by alpha_cubic * segments_acked / cwnd an
 *   ACK: here cwnd grows on every ACK by the larger of that increase and
 *   the cubic one (4.4, 4.5), so it is never below either curve, and in
 *   the concave region's plateau it goes on growing at alpha_cubic
 *   segments an RTT where RFC 9438 would hold it (a time-based W_est,
 *   RFC 8312's, would need an RTT far finer than this stack's 1 ms clock
 *   on a LAN: at an RTT of 0.1 ms it would grow ten times too slowly).
 *   alpha_cubic is 3 (1 - beta) / (1 + beta) below W_max, 1 from there
 *   (4.3).
 *
 * Units: windows in bytes, C = 0.4 segment/s^3 as bytes: W_cubic(t) =
 * C (t - K)^3 SMSS + W_max with t in ms is (t - K)^3 SMSS / 2.5e9.
 */
#include <rte_common.h>

#include "tt_common.h"
#include "tcp/tt_tcp.h"
#include "tcp/tt_tcp_cc.h"

/* beta_cubic = 7/10 (RFC 9438 4.6). */
#define CUBIC_BETA_NUM 7u
#define CUBIC_BETA_DEN 10u
/* alpha_cubic = 3 (1 - beta) / (1 + beta) = 9/17 (RFC 9438 4.3). */
#define CUBIC_ALPHA_NUM 9u
#define CUBIC_ALPHA_DEN 17u
/* 1 / C in ms^3 per segment: C = 0.4 segment/s^3. */
#define CUBIC_INV_C_MS3 2500000000ull
/* |t - K| is taken at most this far (ms): the window is clamped long before. */
#define CUBIC_T_MAX_MS 100000
/* ssthresh before any congestion event (tt_tcp_in.c). */
#define TT_SSTHRESH_INIT (UINT32_MAX >> 1)
/* The largest cwnd grown to. */
#define TT_CWND_MAX (1u << 30)

/* The integer cube root of @p x (the largest r with r^3 <= x). */
static uint32_t
icbrt(uint64_t x)
{
	uint64_t r = 0;
	int s;

	for (s = 63; s >= 0; s -= 3) {
		uint64_t b;

		r <<= 1;
		b = 3 * r * (r + 1) + 1;
		if ((x >> s) >= b) {
			x -= b << s;
			r++;
		}
	}
	return (uint32_t)r;
}

/* W_max, bytes (file comment); 0 before any congestion event. */
static uint64_t
cubic_wmax(const struct tt_conn *c)
{
	if (c->ssthresh == TT_SSTHRESH_INIT)
		return 0;
	if (c->flags & TT_CF_CC_K0)
		return c->ssthresh;
	if (c->flags & TT_CF_CC_FC)
		return (uint64_t)c->ssthresh * (CUBIC_BETA_DEN + CUBIC_BETA_NUM) /
		       (2 * CUBIC_BETA_NUM);
	return (uint64_t)c->ssthresh * CUBIC_BETA_DEN / CUBIC_BETA_NUM;
}

/* K, ms (RFC 9438 4.2 equation 2): cbrt((W_max - cwnd_epoch) / C). */
static uint32_t
cubic_k_ms(const struct tt_conn *c, uint64_t wmax)
{
	uint64_t d;

	if ((c->flags & TT_CF_CC_K0) || wmax <= c->ssthresh)
		return 0;
	d = wmax - c->ssthresh;
	/* ms^3 = segments / C; d is below 2^32 and 2.5e9 below 2^32. */
	return icbrt(d * CUBIC_INV_C_MS3 / c->mss);
}

/* RFC 9438 4.2-4.5: congestion avoidance, one ACK of @p acked bytes. */
static void
cubic_ca(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t acked)
{
	uint64_t wmax = cubic_wmax(c), cwnd = c->cwnd, target, inc, inc_est;
	uint32_t srtt_ms = RTE_MAX(1u, (uint32_t)c->srtt >> 3);
	int64_t d, w;

	if (!(c->flags & TT_CF_CC_EPOCH)) {
		/* 4.2: the stage starts (t_epoch). */
		c->cc_epoch_ms = ctx->now_ms;
		c->flags |= TT_CF_CC_EPOCH;
	}
	if (wmax == 0)
		wmax = cwnd;
	/* 4.2: the target is W_cubic(t + RTT), t since the stage began. */
	d = (int64_t)(uint32_t)(ctx->now_ms - c->cc_epoch_ms) + srtt_ms - cubic_k_ms(c, wmax);
	d = RTE_MAX(RTE_MIN(d, (int64_t)CUBIC_T_MAX_MS), -(int64_t)CUBIC_T_MAX_MS);
	w = (int64_t)wmax + d * d * d * c->mss / (int64_t)CUBIC_INV_C_MS3;
	/* 4.4, 4.5: the target lies within [cwnd, 1.5 cwnd]. */
	if (w < (int64_t)cwnd)
		target = cwnd;
	else
		target = RTE_MIN((uint64_t)w, cwnd + cwnd / 2);
	inc = (target - cwnd) * acked / cwnd;
	/* 4.3: the Reno-friendly increase, alpha_cubic SMSS an RTT (file comment). */
	if (cwnd < wmax)
		inc_est = (uint64_t)c->mss * acked * CUBIC_ALPHA_NUM / (CUBIC_ALPHA_DEN * cwnd);
	else
		inc_est = (uint64_t)c->mss * acked / cwnd;
	inc = RTE_MAX(RTE_MAX(inc, inc_est), 1u);
	c->cwnd = (uint32_t)RTE_MIN(cwnd + inc, (uint64_t)TT_CWND_MAX);
}

void
tt_cc_ack(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t acked)
{
	if (c->cwnd < c->ssthresh) {
		/* Slow start (RFC 5681 3.1, RFC 3465 2.2 with L = 1 SMSS). */
		c->cwnd += RTE_MIN(acked, (uint32_t)c->mss);
		return;
	}
	if (ctx->cfg->tcp.cc == TT_CC_CUBIC) {
		cubic_ca(ctx, c, acked);
		return;
	}
	/*
	 * Reno: one SMSS an RTT, counted in bytes acknowledged (RFC 3465
	 * 2.1) rather than ACKs (RFC 5681 3.1 equation 3), so that a peer
	 * acknowledging every other segment does not halve the growth.
	 */
	c->cwnd = RTE_MIN(c->cwnd + RTE_MAX(1u, (uint32_t)((uint64_t)c->mss * acked / c->cwnd)),
			  TT_CWND_MAX);
}

/* RFC 9438 4.6, 4.7: ssthresh and W_max (as flags) from the flight. */
static void
cubic_event(struct tt_conn *c, uint32_t flight)
{
	uint64_t wmax_prev = cubic_wmax(c);

	c->flags &= ~(TT_CF_CC_FC | TT_CF_CC_K0 | TT_CF_CC_EPOCH);
	/* 4.7: a flight below the last W_max: fast convergence, W_max = flight (1 + beta) / 2. */
	if (flight < wmax_prev)
		c->flags |= TT_CF_CC_FC;
	c->ssthresh = RTE_MAX((uint32_t)((uint64_t)flight * CUBIC_BETA_NUM / CUBIC_BETA_DEN),
			      2u * c->mss);
}

void
tt_cc_loss(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	/*
	 * From the flight, not cwnd (RFC 5681 3.1 equation 4; RFC 9438 4.6
	 * allows either): cwnd grows here whether the connection uses it
	 * or not, so it may be far above what was in the network.
	 */
	uint32_t flight = c->snd_max - c->snd_una;

	if (ctx->cfg->tcp.cc == TT_CC_CUBIC) {
		cubic_event(c, flight);
		return;
	}
	c->ssthresh = RTE_MAX(flight / 2, 2u * c->mss);
}

void
tt_cc_rto(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;

	if (ctx->cfg->tcp.cc == TT_CC_CUBIC) {
		/*
		 * 4.8: ssthresh as at a congestion event; the first stage
		 * after the timeout grows with K = 0 and W_max = cwnd at
		 * its start. A timeout of a segment already timed out keeps
		 * ssthresh (RFC 5681 3.1: the flight is what it was then).
		 */
		if (c->retries <= 1 || c->ssthresh == TT_SSTHRESH_INIT)
			cubic_event(c, flight);
		c->flags |= TT_CF_CC_K0;
	} else {
		c->ssthresh = RTE_MAX(flight / 2, 2u * c->mss);
	}
	c->cwnd = c->mss;
}

uint32_t
tt_cc_cubic_wmax(const struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	RTE_SET_USED(ctx);
	return (uint32_t)RTE_MIN(cubic_wmax(c), (uint64_t)UINT32_MAX);
}

uint32_t
tt_cc_cubic_k_ms(const struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	RTE_SET_USED(ctx);
	return cubic_k_ms(c, cubic_wmax(c));
}
