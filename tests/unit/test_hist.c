/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/stats/tt_hist: bucket layout and precision over the whole
 * range, percentiles of known data sets, merge, JSON output.
 */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "stats/tt_hist.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static struct tt_hist *
hist_new(void)
{
	struct tt_hist *h = malloc(sizeof(*h));

	ck_assert_ptr_nonnull(h);
	tt_hist_init(h);
	return h;
}

/* The reported value for true value @p v: in [v, v + v/64], the precision. */
static void
check_close(uint64_t got, uint64_t v, const char *what)
{
	if (got < v || got - v > v / TT_HIST_SUB)
		ck_abort_msg("%s: got %lu for %lu", what, (unsigned long)got, (unsigned long)v);
}

START_TEST(test_layout)
{
	unsigned int i, prev = 0;
	uint64_t v;

	ck_assert_uint_le(sizeof(struct tt_hist), 16384);
	/* Buckets tile the range: contiguous, increasing, width <= lower/64. */
	ck_assert_uint_eq(tt_hist_bucket_lower(0), 0);
	for (i = 0; i < TT_HIST_NBUCKETS - 1; i++) {
		uint64_t lo = tt_hist_bucket_lower(i), hi = tt_hist_bucket_upper(i);

		ck_assert_uint_le(lo, hi);
		if (i > 0)
			ck_assert_uint_eq(lo, tt_hist_bucket_upper(i - 1) + 1);
		if (lo < 2 * TT_HIST_SUB)
			ck_assert_uint_eq(lo, hi);	/* exact below 128 us */
		else
			ck_assert_uint_le(hi - lo + 1, lo / TT_HIST_SUB);
		ck_assert_uint_eq(tt_hist_index(lo), i);
		ck_assert_uint_eq(tt_hist_index(hi), i);
	}
	ck_assert_uint_eq(tt_hist_bucket_upper(TT_HIST_NBUCKETS - 2),
			  (UINT64_C(1) << TT_HIST_EXP_MAX) - 1);
	/* The overflow bucket. */
	ck_assert_uint_eq(tt_hist_bucket_lower(TT_HIST_NBUCKETS - 1),
			  UINT64_C(1) << TT_HIST_EXP_MAX);
	ck_assert_uint_eq(tt_hist_bucket_upper(TT_HIST_NBUCKETS - 1), UINT64_MAX);
	ck_assert_uint_eq(tt_hist_index(UINT64_C(1) << TT_HIST_EXP_MAX), TT_HIST_NBUCKETS - 1);
	/* 1 us .. 100 s are inside the range. */
	ck_assert_uint_lt(tt_hist_index(100000000), TT_HIST_NBUCKETS - 1);
	ck_assert_uint_lt(tt_hist_index((UINT64_C(1) << TT_HIST_EXP_MAX) - 1),
			  TT_HIST_NBUCKETS - 1);
	/* Every value below 2^20 and random ones above: in their bucket. */
	for (v = 0; v < (1u << 20); v++) {
		i = tt_hist_index(v);
		if (i < prev || v < tt_hist_bucket_lower(i) || v > tt_hist_bucket_upper(i))
			ck_abort_msg("value %lu in bucket %u", (unsigned long)v, i);
		prev = i;
	}
	for (i = 0; i < 1000000; i++) {
		unsigned int b;

		v = rng() >> (rng() % 64);
		b = tt_hist_index(v);
		if (v >= (UINT64_C(1) << TT_HIST_EXP_MAX)) {
			if (b != TT_HIST_NBUCKETS - 1)
				ck_abort_msg("value %lu in bucket %u", (unsigned long)v, b);
		} else if (v < tt_hist_bucket_lower(b) || v > tt_hist_bucket_upper(b))
			ck_abort_msg("value %lu in bucket %u", (unsigned long)v, b);
	}
	ck_assert_uint_eq(tt_hist_index(UINT64_MAX), TT_HIST_NBUCKETS - 1);
}
END_TEST

START_TEST(test_empty_single_constant)
{
	struct tt_hist *h = hist_new();
	unsigned int i;

	ck_assert_uint_eq(tt_hist_count(h), 0);
	ck_assert_uint_eq(tt_hist_percentile(h, 50), 0);
	ck_assert_uint_eq(tt_hist_percentile(h, 100), 0);
	ck_assert(tt_hist_mean(h) == 0.0);
	/* Single value: every percentile is it, exactly. */
	tt_hist_record(h, 123457);
	ck_assert_uint_eq(tt_hist_count(h), 1);
	ck_assert_uint_eq(tt_hist_percentile(h, 0), 123457);
	ck_assert_uint_eq(tt_hist_percentile(h, 0.001), 123457);
	ck_assert_uint_eq(tt_hist_percentile(h, 50), 123457);
	ck_assert_uint_eq(tt_hist_percentile(h, 99.9), 123457);
	ck_assert_uint_eq(tt_hist_percentile(h, 100), 123457);
	ck_assert(tt_hist_mean(h) == 123457.0);
	/* Constant: exact too. */
	tt_hist_init(h);
	for (i = 0; i < 1000; i++)
		tt_hist_record(h, 42);
	ck_assert_uint_eq(tt_hist_count(h), 1000);
	ck_assert_uint_eq(tt_hist_percentile(h, 0), 42);
	ck_assert_uint_eq(tt_hist_percentile(h, 50), 42);
	ck_assert_uint_eq(tt_hist_percentile(h, 99.99), 42);
	ck_assert_uint_eq(tt_hist_percentile(h, 100), 42);
	ck_assert(tt_hist_mean(h) == 42.0);
	/* Zero is a value like any other. */
	tt_hist_init(h);
	tt_hist_record(h, 0);
	tt_hist_record(h, 0);
	ck_assert_uint_eq(tt_hist_percentile(h, 50), 0);
	ck_assert_uint_eq(tt_hist_percentile(h, 100), 0);
	free(h);
}
END_TEST

START_TEST(test_uniform)
{
	struct tt_hist *h = hist_new();
	static const double ps[] = { 0.1, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 99.999 };
	unsigned int i;
	uint64_t v;

	/* 1..100000, each once: the value at percentile p is ceil(p * 1000). */
	for (v = 1; v <= 100000; v++)
		tt_hist_record(h, v);
	ck_assert_uint_eq(tt_hist_count(h), 100000);
	ck_assert_uint_eq(tt_hist_percentile(h, 0), 1);
	ck_assert_uint_eq(tt_hist_percentile(h, 100), 100000);
	ck_assert(fabs(tt_hist_mean(h) - 50000.5) < 1e-9);
	for (i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		uint64_t exp = (uint64_t)ceil(ps[i] * 1000 - 1e-9);

		check_close(tt_hist_percentile(h, ps[i]), exp, "uniform");
	}
	ck_assert_uint_eq(tt_hist_percentile(h, 0.1), 100);	/* exact below 128 */
	/* Percentiles never decrease with p. */
	v = 0;
	for (i = 0; i <= 1000; i++) {
		uint64_t x = tt_hist_percentile(h, i / 10.0);

		ck_assert_uint_ge(x, v);
		v = x;
	}
	/* Out-of-range p is clamped. */
	ck_assert_uint_eq(tt_hist_percentile(h, -5), 1);
	ck_assert_uint_eq(tt_hist_percentile(h, 150), 100000);
	ck_assert_uint_eq(tt_hist_percentile(h, NAN), 1);
	free(h);
}
END_TEST

START_TEST(test_bimodal)
{
	struct tt_hist *h = hist_new();
	unsigned int i;

	/* 900 fast (100 us), 100 slow (10000 us). */
	for (i = 0; i < 1000; i++)
		tt_hist_record(h, i % 10 == 9 ? 10000 : 100);
	ck_assert_uint_eq(tt_hist_percentile(h, 50), 100);
	ck_assert_uint_eq(tt_hist_percentile(h, 90), 100);	/* rank 900 */
	check_close(tt_hist_percentile(h, 90.1), 10000, "bimodal p90.1");
	check_close(tt_hist_percentile(h, 99), 10000, "bimodal p99");
	ck_assert_uint_eq(tt_hist_percentile(h, 100), 10000);
	ck_assert(fabs(tt_hist_mean(h) - 1090.0) < 1e-9);
	/* p99.9 of 1000 values is rank 999, not 1000. */
	tt_hist_init(h);
	for (i = 1; i <= 1000; i++)
		tt_hist_record(h, i == 1000 ? 5000000 : 10);
	ck_assert_uint_eq(tt_hist_percentile(h, 99.9), 10);
	ck_assert_uint_eq(tt_hist_percentile(h, 99.91), 5000000);	/* clamped to max */
	free(h);
}
END_TEST

/* The reported percentile of a value anywhere in the range, when it is not
 * the max (so not clamped): within [v, v + v/64]. */
START_TEST(test_relative_error)
{
	struct tt_hist *h = hist_new();
	uint64_t v;
	unsigned int i;

	for (i = 0; i < 200000; i++) {
		if (i < 5000)
			v = i;
		else
			v = rng() % ((UINT64_C(1) << TT_HIST_EXP_MAX) >> (rng() % 28));
		tt_hist_init(h);
		tt_hist_record(h, v);
		tt_hist_record(h, v);
		tt_hist_record(h, UINT64_C(1) << 40);
		check_close(tt_hist_percentile(h, 50), v, "relative error");
		if (v < 2 * TT_HIST_SUB && tt_hist_percentile(h, 50) != v)
			ck_abort_msg("value %lu not exact", (unsigned long)v);
	}
	/* Above the range: the overflow bucket, reported as the exact max. */
	tt_hist_init(h);
	tt_hist_record(h, 1000000000000ULL);
	tt_hist_record(h, 5);
	ck_assert_uint_eq(h->buckets[TT_HIST_NBUCKETS - 1], 1);
	ck_assert_uint_eq(tt_hist_percentile(h, 100), 1000000000000ULL);
	ck_assert_uint_eq(tt_hist_percentile(h, 60), 1000000000000ULL);
	ck_assert_uint_eq(tt_hist_percentile(h, 50), 5);
	free(h);
}
END_TEST

START_TEST(test_merge)
{
	struct tt_hist *all = hist_new(), *a = hist_new(), *b = hist_new(), *e = hist_new();
	unsigned int i;

	for (i = 0; i < 100000; i++) {
		uint64_t v = rng() % (rng() % 2 ? 1000 : 100000000);

		tt_hist_record(all, v);
		tt_hist_record(i % 3 ? a : b, v);
	}
	tt_hist_merge(a, b);
	ck_assert_int_eq(memcmp(a, all, sizeof(*a)), 0);
	/* Merging an empty one changes nothing; into an empty one copies. */
	tt_hist_merge(a, e);
	ck_assert_int_eq(memcmp(a, all, sizeof(*a)), 0);
	tt_hist_merge(e, all);
	ck_assert_int_eq(memcmp(e, all, sizeof(*e)), 0);
	ck_assert_uint_eq(tt_hist_percentile(e, 99), tt_hist_percentile(all, 99));
	free(all);
	free(a);
	free(b);
	free(e);
}
END_TEST

/* The histogram as JSON, written to a memory stream; the caller frees it. */
static char *
hist_json_str(const struct tt_hist *h)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(tt_hist_json(h, f), 0);
	fclose(f);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(strlen(buf), len);
	return buf;
}

START_TEST(test_json)
{
	struct tt_hist *h = hist_new();
	int i, depth = 0;
	char *buf;
	FILE *f;

	buf = hist_json_str(h);
	ck_assert_str_eq(buf, "{\"count\": 0, \"min\": 0, \"mean\": 0.0, \"p50\": 0, \"p90\": 0, "
			 "\"p99\": 0, \"p99.9\": 0, \"max\": 0, \"buckets\": []}");
	free(buf);
	tt_hist_record(h, 3);
	tt_hist_record(h, 3);
	tt_hist_record(h, 1000);
	buf = hist_json_str(h);
	ck_assert_str_eq(buf, "{\"count\": 3, \"min\": 3, \"mean\": 335.3, \"p50\": 3, \"p90\": "
			 "1000, \"p99\": 1000, \"p99.9\": 1000, \"max\": 1000, \"buckets\": "
			 "[[3, 2], [1007, 1]]}");
	free(buf);
	/* Worst case: every bucket, huge counts; well-formed nesting. */
	for (i = 0; i < (int)TT_HIST_NBUCKETS; i++)
		h->buckets[i] = UINT64_MAX / TT_HIST_NBUCKETS;
	h->count = UINT64_MAX;
	h->sum = UINT64_MAX;
	h->min = 0;
	h->max = UINT64_MAX;
	buf = hist_json_str(h);
	for (i = 0; buf[i] != '\0'; i++) {
		if (buf[i] == '[' || buf[i] == '{')
			depth++;
		if (buf[i] == ']' || buf[i] == '}')
			depth--;
		ck_assert_int_ge(depth, 0);
	}
	ck_assert_int_eq(depth, 0);
	/* The top bucket reports the max as its bound. */
	ck_assert_ptr_nonnull(strstr(buf, "[18446744073709551615, "));
	free(buf);
	/* A stream that fails is reported. */
	f = fopen("/dev/full", "w");
	ck_assert_ptr_nonnull(f);
	setvbuf(f, NULL, _IONBF, 0);
	ck_assert_int_eq(tt_hist_json(h, f), -EIO);
	fclose(f);
	free(h);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("hist");
	TCase *tc = tcase_create("hist");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_empty_single_constant);
	tcase_add_test(tc, test_uniform);
	tcase_add_test(tc, test_bimodal);
	tcase_add_test(tc, test_relative_error);
	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_json);
	suite_add_tcase(s, tc);
	return s;
}
