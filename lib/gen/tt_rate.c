/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Connection-open scheduler: see tt_rate.h for the timeline.
 *
 * The rate is the fraction num / den opens per tick, with num = R * scale
 * and den = hz * scale (scale 10^6, less for absurd clock rates). With x =
 * 2 (now - start) - ramp_ticks (ramp_ticks = 0 without ramp), the opens
 * due after the ramp are floor(x * num / (2 den)), i.e. floor(R (t - T/2)),
 * computed exactly in 128 bits. Nothing is accumulated, so there is no
 * drift however long the run and however irregular the calls. During the
 * ramp, the count is floor(R t^2 / 2T) in double, capped below the first
 * open after the ramp.
 */

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>

#include "gen/tt_rate.h"

typedef unsigned __int128 tt_u128;

/* Micro-opens per second: a rate is exact to 6 decimals. */
#define RATE_SCALE 1000000

/* Opens due by @p now, @p now >= start + ramp_ticks (after the ramp). */
static inline uint64_t
count_after_ramp(const struct tt_rate *r, uint64_t now)
{
	tt_u128 x = 2 * (tt_u128)(now - r->start) - r->ramp_ticks;
	tt_u128 n = x * r->num / (2 * (tt_u128)r->den);

	return n > UINT64_MAX ? UINT64_MAX : (uint64_t)n;
}

/* First tick at which open @p n (>= ramp_n0) is due: the smallest x with
 * x * num >= n * 2 den, then now = start + ceil((x + ramp_ticks) / 2). */
static inline uint64_t
tick_after_ramp(const struct tt_rate *r, uint64_t n)
{
	tt_u128 x = ((tt_u128)n * 2 * r->den + r->num - 1) / r->num;
	tt_u128 t = r->start + (x + r->ramp_ticks + 1) / 2;

	return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}

/* First tick at which open @p n (< ramp_n0) is due during the ramp. */
static uint64_t
tick_in_ramp(const struct tt_rate *r, uint64_t n)
{
	double t = ceil(sqrt((double)n / r->ramp_k));

	if (!(t < (double)r->ramp_ticks))
		return r->start + r->ramp_ticks;
	return r->start + (uint64_t)t;
}

/* First tick at which open sched + 1 is due. */
static uint64_t
next_due(const struct tt_rate *r)
{
	uint64_t n = r->sched + 1;

	return n < r->ramp_n0 ? tick_in_ramp(r, n) : tick_after_ramp(r, n);
}

/* Opens that came due: owed, within the burst cap. */
static inline void
owe(struct tt_rate *r, uint64_t k)
{
	r->sched += k;
	r->owed += k;
	if (r->owed > r->burst) {
		r->missed += r->owed - r->burst;
		r->owed = r->burst;
	}
}

void
tt_rate_init(struct tt_rate *r, uint64_t hz, double rate_per_s, double ramp_up_s,
	     uint64_t start_tick)
{
	uint64_t scale = RATE_SCALE;
	double num;

	memset(r, 0, sizeof(*r));
	r->start = start_tick;
	r->rate = rate_per_s;
	r->ramp_n0 = 1;
	if (!(rate_per_s > 0) || hz == 0)
		return;		/* unlimited: num 0 */
	/* den = hz * scale must stay below 2^62, so that n * 2 den fits in
	 * 128 bits for any n. */
	while (scale > 1 && hz > (UINT64_C(1) << 62) / scale)
		scale /= 10;
	num = round(rate_per_s * (double)scale);
	if (num > 0x1p62) {
		r->rate = 0;	/* absurd: unlimited */
		return;
	}
	r->num = num < 1 ? 1 : (uint64_t)num;
	r->den = hz * scale;
	if (ramp_up_s > 0 && isfinite(ramp_up_s)) {
		double ticks = round(ramp_up_s * (double)hz);
		tt_u128 half;

		r->ramp_ticks = ticks < 0x1p62 ? (uint64_t)ticks : UINT64_C(1) << 62;
		/* First open after the ramp: ceil(R T / 2), at least 1. */
		half = ((tt_u128)r->ramp_ticks * r->num + 2 * (tt_u128)r->den - 1) /
		       (2 * (tt_u128)r->den);
		r->ramp_n0 = half > 1 ? (half > UINT64_MAX ? UINT64_MAX : (uint64_t)half) : 1;
		r->ramp_k = (double)r->num / ((double)r->den * 2.0 * (double)r->ramp_ticks);
	}
	tt_rate_set_burst(r, 0);
	r->next_tick = next_due(r);
}

void
tt_rate_set_burst(struct tt_rate *r, uint64_t burst)
{
	if (burst == 0) {
		double b = ceil(r->rate / 100);

		burst = b > 1 ? (b < 0x1p62 ? (uint64_t)b : UINT64_C(1) << 62) : 1;
	}
	r->burst = burst;
	if (r->owed > burst) {
		r->missed += r->owed - burst;
		r->owed = burst;
	}
}

/* Schedule the opens that came due by tick @p now (>= next_tick). */
static void
advance(struct tt_rate *r, uint64_t now)
{
	uint64_t target;

	if (unlikely(now < r->start))
		return;
	if (now - r->start < r->ramp_ticks) {
		double dt = (double)(now - r->start);
		double n = r->ramp_k * dt * dt;

		target = n < (double)(r->ramp_n0 - 1) ? (uint64_t)n : r->ramp_n0 - 1;
	} else {
		target = count_after_ramp(r, now);
	}
	if (target > r->sched)
		owe(r, target - r->sched);
	r->next_tick = next_due(r);
	if (unlikely(r->next_tick <= now))	/* ramp rounding: next tick */
		r->next_tick = now + 1;
}

uint32_t
tt_rate_due(struct tt_rate *r, uint64_t now, uint32_t max)
{
	uint64_t n;

	if (unlikely(r->num == 0))
		return max;
	if (now >= r->next_tick)
		advance(r, now);
	n = r->owed < max ? r->owed : max;
	r->owed -= n;
	return (uint32_t)n;
}

void
tt_rate_unget(struct tt_rate *r, uint32_t n)
{
	if (r->num == 0)
		return;
	r->owed += n;
	if (r->owed > r->burst) {
		r->missed += r->owed - r->burst;
		r->owed = r->burst;
	}
}

uint64_t
tt_rate_next_tick(const struct tt_rate *r)
{
	if (r->num == 0 || r->owed > 0)
		return 0;
	return r->next_tick;
}

uint64_t
tt_rate_missed(const struct tt_rate *r)
{
	return r->missed;
}

uint64_t
tt_rate_scheduled(const struct tt_rate *r)
{
	return r->sched;
}

uint64_t
tt_rate_owed(const struct tt_rate *r)
{
	return r->owed;
}
