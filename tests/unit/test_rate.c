/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/gen/tt_rate with a fake clock: exact counts at fixed
 * rates whatever the pattern of calls, fractional rates, the ramp-up
 * integral, the burst cap and missed opens, owed opens, next_tick.
 */

#include <math.h>
#include <stdio.h>

#include <check.h>

#include "gen/tt_rate.h"

#define HZ_TSC UINT64_C(2500000000)	/* a 2.5 GHz TSC */
#define HZ_NS UINT64_C(1000000000)
#define T0 UINT64_C(123456789012345)	/* start far from 0 */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

/* Opens due by tick @p now in the ideal schedule (the file comment of
 * tt_rate.h), in long double. */
static long double
ideal(uint64_t hz, double rate, double ramp, uint64_t start, uint64_t now)
{
	long double t, n;

	if (now < start)
		return 0;
	t = (long double)(now - start) / hz;
	if (ramp > 0 && t < ramp)
		n = rate * t * t / (2 * ramp);
	else if (ramp > 0)
		n = rate * (t - ramp / 2);
	else
		n = rate * t;
	return floorl(n + 1e-9L);
}

/*
 * Drive a scheduler from @p start to @p end with calls at random intervals
 * of up to @p step ticks, taking everything; at every call the total taken
 * must equal the ideal count within @p tol (absolute) opens.
 */
static uint64_t
drive(struct tt_rate *r, uint64_t hz, double rate, double ramp, uint64_t start, uint64_t end,
      uint64_t step, long double tol)
{
	uint64_t now = start - 5 * step, total = 0;

	while (now < end) {
		long double exp;

		now += rng() % (step + 1);
		if (now > end)
			now = end;
		total += tt_rate_due(r, now, UINT32_MAX);
		exp = ideal(hz, rate, ramp, start, now);
		if (fabsl((long double)total - exp) > tol)
			ck_abort_msg("rate %g ramp %g at t=%.9f s: %lu opens, ideal %.1Lf", rate,
				     ramp, (double)(now - start) / hz, (unsigned long)total, exp);
	}
	return total;
}

START_TEST(test_exact_counts)
{
	static const double rates[] = { 1, 1000, 5000, 1e6 };
	struct tt_rate r;
	unsigned int i, h;
	uint64_t total;

	for (h = 0; h < 2; h++) {
		uint64_t hz = h ? HZ_NS : HZ_TSC;

		for (i = 0; i < 4; i++) {
			/* Calls every up to 1 ms, then every up to 50 ms (the
			 * burst cap is 10 ms worth, so raise it). */
			tt_rate_init(&r, hz, rates[i], 0, T0);
			tt_rate_set_burst(&r, UINT64_MAX >> 1);
			total = drive(&r, hz, rates[i], 0, T0, T0 + hz, hz / 1000, 0);
			ck_assert_uint_eq(total, (uint64_t)rates[i]);
			total += drive(&r, hz, rates[i], 0, T0 + hz, T0 + 10 * hz, hz / 20, 0);
			ck_assert_uint_eq(total, 10 * (uint64_t)rates[i]);
			ck_assert_uint_eq(tt_rate_missed(&r), 0);
			ck_assert_uint_eq(tt_rate_scheduled(&r), total);
			/* One tick before 1 s: one less. */
			tt_rate_init(&r, hz, rates[i], 0, T0);
			tt_rate_set_burst(&r, UINT64_MAX >> 1);
			ck_assert_uint_eq(tt_rate_due(&r, T0 + hz - 1, UINT32_MAX),
					  (uint64_t)rates[i] - 1);
			ck_assert_uint_eq(tt_rate_due(&r, T0 + hz, UINT32_MAX), 1);
		}
	}
}
END_TEST

START_TEST(test_fractional)
{
	static const double rates[] = { 0.5, 3, 7, 333.3, 12345.678, 2.5e6 };
	struct tt_rate r;
	unsigned int i;
	uint64_t total;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		tt_rate_init(&r, HZ_TSC, rates[i], 0, T0);
		tt_rate_set_burst(&r, UINT64_MAX >> 1);
		/* Exactly the ideal floor(R t) at every call. */
		total = drive(&r, HZ_TSC, rates[i], 0, T0, T0 + 10 * HZ_TSC, HZ_TSC / 700, 0);
		ck_assert_uint_eq(total, (uint64_t)floor(rates[i] * 10 + 1e-9));
	}
	/* No drift over a long run: 7 hours at 123456.789/s, calls up to 2 s
	 * apart. */
	tt_rate_init(&r, HZ_TSC, 123456.789, 0, T0);
	tt_rate_set_burst(&r, UINT64_MAX >> 1);
	total = drive(&r, HZ_TSC, 123456.789, 0, T0, T0 + 7 * 3600 * HZ_TSC, 2 * HZ_TSC, 0);
	ck_assert_uint_eq(total, 3111111082);	/* floor(123456.789 * 25200) */
}
END_TEST

START_TEST(test_ramp)
{
	struct tt_rate r;
	uint64_t total;

	/* 1000/s reached after 2 s: floor(1000 t^2 / 4) during the ramp,
	 * then floor(1000 (t - 1)). */
	tt_rate_init(&r, HZ_TSC, 1000, 2, T0);
	tt_rate_set_burst(&r, UINT64_MAX >> 1);
	ck_assert_uint_eq(tt_rate_due(&r, T0, UINT32_MAX), 0);
	ck_assert_uint_eq(tt_rate_due(&r, T0 + HZ_TSC / 2, UINT32_MAX), 62);
	ck_assert_uint_eq(tt_rate_due(&r, T0 + HZ_TSC, UINT32_MAX), 250 - 62);
	ck_assert_uint_eq(tt_rate_due(&r, T0 + 2 * HZ_TSC, UINT32_MAX), 1000 - 250);
	ck_assert_uint_eq(tt_rate_due(&r, T0 + 3 * HZ_TSC, UINT32_MAX), 1000);
	ck_assert_uint_eq(tt_rate_due(&r, T0 + 10 * HZ_TSC, UINT32_MAX), 7000);
	ck_assert_uint_eq(tt_rate_scheduled(&r), 9000);

	/* Random calls: within one open of the integral all along. */
	tt_rate_init(&r, HZ_TSC, 1000, 2, T0);
	tt_rate_set_burst(&r, UINT64_MAX >> 1);
	total = drive(&r, HZ_TSC, 1000, 2, T0, T0 + 5 * HZ_TSC, HZ_TSC / 3000, 1);
	ck_assert_uint_eq(total, 4000);
	tt_rate_init(&r, HZ_NS, 1e6, 0.5, T0);
	tt_rate_set_burst(&r, UINT64_MAX >> 1);
	total = drive(&r, HZ_NS, 1e6, 0.5, T0, T0 + 2 * HZ_NS, HZ_NS / 10000, 1);
	ck_assert_uint_eq(total, 1750000);
	/* A ramp shorter than one open: the first one at 1/R + T/2. */
	tt_rate_init(&r, HZ_NS, 1, 1, T0);
	ck_assert_uint_eq(tt_rate_next_tick(&r), T0 + HZ_NS + HZ_NS / 2);
	ck_assert_uint_eq(tt_rate_due(&r, T0 + HZ_NS + HZ_NS / 2 - 1, 10), 0);
	ck_assert_uint_eq(tt_rate_due(&r, T0 + HZ_NS + HZ_NS / 2, 10), 1);
	/* A call only after the ramp: all of it is due (within the cap). */
	tt_rate_init(&r, HZ_NS, 100, 4, T0);
	tt_rate_set_burst(&r, 100000);
	ck_assert_uint_eq(tt_rate_due(&r, T0 + 5 * HZ_NS, UINT32_MAX), 300);
}
END_TEST

START_TEST(test_owed_and_cap)
{
	struct tt_rate r;
	uint64_t now, total = 0;
	unsigned int i;

	/* Default cap: 10 ms worth. A 1 s stall at 1000/s: 10 sent, 990 missed. */
	tt_rate_init(&r, HZ_NS, 1000, 0, T0);
	ck_assert_uint_eq(tt_rate_due(&r, T0 + HZ_NS, UINT32_MAX), 10);
	ck_assert_uint_eq(tt_rate_missed(&r), 990);
	ck_assert_uint_eq(tt_rate_scheduled(&r), 1000);
	/* The timeline goes on: 1 ms later, one more. */
	ck_assert_uint_eq(tt_rate_due(&r, T0 + HZ_NS + HZ_NS / 1000, UINT32_MAX), 1);
	/* At 1/s the cap is 1. */
	tt_rate_init(&r, HZ_NS, 1, 0, T0);
	ck_assert_uint_eq(tt_rate_due(&r, T0 + 5 * HZ_NS, UINT32_MAX), 1);
	ck_assert_uint_eq(tt_rate_missed(&r), 4);
	/* A configured cap. */
	tt_rate_init(&r, HZ_NS, 1e6, 0, T0);
	tt_rate_set_burst(&r, 64);
	ck_assert_uint_eq(tt_rate_due(&r, T0 + HZ_NS / 1000, UINT32_MAX), 64);
	ck_assert_uint_eq(tt_rate_missed(&r), 1000 - 64);

	/* max smaller than what is due: the rest is owed, nothing lost. */
	tt_rate_init(&r, HZ_TSC, 1e6, 0, T0);
	tt_rate_set_burst(&r, UINT64_MAX >> 1);
	for (now = T0; now < T0 + HZ_TSC / 10; now += HZ_TSC / 100000) {
		uint32_t n = tt_rate_due(&r, now, 7);

		ck_assert_uint_le(n, 7);
		total += n;
	}
	ck_assert_uint_eq(tt_rate_missed(&r), 0);
	ck_assert_uint_gt(tt_rate_owed(&r), 0);
	ck_assert_uint_eq(tt_rate_next_tick(&r), 0);	/* owed: due now */
	total += tt_rate_due(&r, now, UINT32_MAX);
	ck_assert_uint_eq(total, tt_rate_scheduled(&r));
	ck_assert_uint_eq(total, (now - T0) * 1000000 / HZ_TSC);
	/* max 0 returns nothing and keeps it owed. */
	ck_assert_uint_eq(tt_rate_due(&r, now + HZ_TSC / 1000, 0), 0);
	ck_assert_uint_eq(tt_rate_owed(&r), 1000);
	/* unget: owed again, within the cap. */
	ck_assert_uint_eq(tt_rate_due(&r, now + HZ_TSC / 1000, 600), 600);
	tt_rate_unget(&r, 100);
	ck_assert_uint_eq(tt_rate_owed(&r), 500);
	tt_rate_set_burst(&r, 50);
	ck_assert_uint_eq(tt_rate_owed(&r), 50);
	ck_assert_uint_eq(tt_rate_missed(&r), 450);
	tt_rate_unget(&r, 10);
	ck_assert_uint_eq(tt_rate_owed(&r), 50);
	ck_assert_uint_eq(tt_rate_missed(&r), 460);

	/* A loop that keeps up with max 32 per call at 1e6/s: nothing missed. */
	tt_rate_init(&r, HZ_TSC, 1e6, 0, T0);
	total = 0;
	for (i = 0, now = T0; i < 1000000; i++) {
		now += rng() % (HZ_TSC / 100000);	/* up to 10 us */
		total += tt_rate_due(&r, now, 32);
	}
	ck_assert_uint_eq(tt_rate_missed(&r), 0);
	ck_assert_uint_eq(total + tt_rate_owed(&r), tt_rate_scheduled(&r));
	ck_assert_uint_eq(tt_rate_scheduled(&r), (now - T0) * 1000000 / HZ_TSC);
}
END_TEST

START_TEST(test_next_tick)
{
	struct tt_rate r;
	uint64_t next, now = T0;
	unsigned int i;

	/* Before the start: nothing, and the first open one period in. */
	tt_rate_init(&r, HZ_TSC, 3, 0, T0);
	ck_assert_uint_eq(tt_rate_due(&r, T0 - 1000, 10), 0);
	ck_assert_uint_eq(tt_rate_next_tick(&r), T0 + HZ_TSC / 3 + 1);
	/* Jumping from next_tick to next_tick gives one open each time, and
	 * one tick before gives none. */
	for (i = 0; i < 1000; i++) {
		next = tt_rate_next_tick(&r);
		ck_assert_uint_gt(next, now);
		ck_assert_uint_eq(tt_rate_due(&r, next - 1, 10), 0);
		ck_assert_uint_eq(tt_rate_due(&r, next, 10), 1);
		now = next;
	}
	ck_assert_uint_eq(tt_rate_scheduled(&r), 1000);
	/* 1000 opens at 3/s: the last one at 333.33 s. */
	ck_assert_uint_eq(now, T0 + (1000 * HZ_TSC + 2) / 3);
	/* Same during a ramp. */
	tt_rate_init(&r, HZ_NS, 100, 3, T0);
	now = T0;
	for (i = 0; i < 300; i++) {
		next = tt_rate_next_tick(&r);
		ck_assert_uint_gt(next, now);
		ck_assert_uint_eq(tt_rate_due(&r, next - 1, 10), 0);
		ck_assert_uint_eq(tt_rate_due(&r, next, 10), 1);
		now = next;
	}
	/* The 150th open ends the ramp at 3 s; the 300th is at 4.5 s. */
	ck_assert_uint_eq(now, T0 + 4 * HZ_NS + HZ_NS / 2);
	/* Unlimited. */
	tt_rate_init(&r, HZ_NS, 0, 0, T0);
	ck_assert_uint_eq(tt_rate_due(&r, 0, 77), 77);
	ck_assert_uint_eq(tt_rate_due(&r, T0, 5), 5);
	ck_assert_uint_eq(tt_rate_next_tick(&r), 0);
	tt_rate_init(&r, HZ_NS, -1, 0, T0);
	ck_assert_uint_eq(tt_rate_due(&r, T0, 5), 5);
	/* Very slow: one open per 1000 s (a period of 2^41 ticks at 2.5 GHz). */
	tt_rate_init(&r, HZ_TSC, 0.001, 0, T0);
	ck_assert_uint_eq(tt_rate_due(&r, T0 + 999 * HZ_TSC, 10), 0);
	ck_assert_uint_eq(tt_rate_due(&r, T0 + 1000 * HZ_TSC, 10), 1);
	ck_assert_uint_eq(tt_rate_next_tick(&r), T0 + 2000 * HZ_TSC);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("rate");
	TCase *tc = tcase_create("rate");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_exact_counts);
	tcase_add_test(tc, test_fractional);
	tcase_add_test(tc, test_ramp);
	tcase_add_test(tc, test_owed_and_cap);
	tcase_add_test(tc, test_next_tick);
	suite_add_tcase(s, tc);
	return s;
}
