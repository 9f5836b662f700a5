/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Log-linear latency histogram: see tt_hist.h for the bucket layout.
 * Bucket i < TT_HIST_SUB holds value i. Bucket i >= TT_HIST_SUB, with
 * q = i / TT_HIST_SUB and r = i % TT_HIST_SUB, holds the values v with
 * v >> (q - 1) == TT_HIST_SUB + r: [(SUB + r) << (q - 1), ... + 2^(q-1) - 1].
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "stats/tt_hist.h"

_Static_assert(sizeof(struct tt_hist) <= 16384, "tt_hist must stay within 16 KiB");

void
tt_hist_init(struct tt_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void
tt_hist_merge(struct tt_hist *dst, const struct tt_hist *src)
{
	unsigned int i;

	for (i = 0; i < TT_HIST_NBUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t
tt_hist_count(const struct tt_hist *h)
{
	return h->count;
}

double
tt_hist_mean(const struct tt_hist *h)
{
	return h->count == 0 ? 0.0 : (double)h->sum / (double)h->count;
}

uint64_t
tt_hist_bucket_lower(unsigned int idx)
{
	unsigned int q = idx / TT_HIST_SUB, r = idx % TT_HIST_SUB;

	if (q == 0)
		return idx;
	return (uint64_t)(TT_HIST_SUB + r) << (q - 1);
}

uint64_t
tt_hist_bucket_upper(unsigned int idx)
{
	unsigned int q = idx / TT_HIST_SUB;

	if (idx >= TT_HIST_NBUCKETS - 1)
		return UINT64_MAX;
	if (q == 0)
		return idx;
	return tt_hist_bucket_lower(idx) + (UINT64_C(1) << (q - 1)) - 1;
}

/* Upper bound reported for bucket @p i: the max for the overflow bucket. */
static uint64_t
json_bound(const struct tt_hist *h, unsigned int i)
{
	return i == TT_HIST_NBUCKETS - 1 ? h->max : tt_hist_bucket_upper(i);
}

uint64_t
tt_hist_percentile(const struct tt_hist *h, double p)
{
	unsigned __int128 prod;
	uint64_t ppb, rank, cum = 0, v;
	unsigned int i;

	if (h->count == 0)
		return 0;
	if (!(p > 0))		/* also NaN */
		return h->min;
	if (p >= 100)
		return h->max;
	/* rank = ceil(p / 100 * count) in integers: p to 7 decimals, so that
	 * 99.9 % of 1000 values is rank 999, not 1000 by rounding. */
	ppb = (uint64_t)llround(p * 1e7);	/* parts per 10^9 */
	prod = (unsigned __int128)h->count * ppb;
	rank = (uint64_t)((prod + 999999999) / 1000000000);
	if (rank == 0)
		rank = 1;
	for (i = 0; i < TT_HIST_NBUCKETS; i++) {
		cum += h->buckets[i];
		if (cum >= rank)
			break;
	}
	if (i == TT_HIST_NBUCKETS)	/* inconsistent counts: cannot happen */
		return h->max;
	v = json_bound(h, i);
	if (v > h->max)
		v = h->max;
	if (v < h->min)
		v = h->min;
	return v;
}

int
tt_hist_json(const struct tt_hist *h, FILE *f)
{
	unsigned int i;
	bool first = true;

	fprintf(f, "{\"count\": %" PRIu64 ", \"min\": %" PRIu64 ", \"mean\": %.1f, "
		"\"p50\": %" PRIu64 ", \"p90\": %" PRIu64 ", \"p99\": %" PRIu64
		", \"p99.9\": %" PRIu64 ", \"max\": %" PRIu64 ", \"buckets\": [",
		h->count, tt_hist_percentile(h, 0), tt_hist_mean(h),
		tt_hist_percentile(h, 50), tt_hist_percentile(h, 90),
		tt_hist_percentile(h, 99), tt_hist_percentile(h, 99.9),
		tt_hist_percentile(h, 100));
	for (i = 0; i < TT_HIST_NBUCKETS; i++) {
		if (h->buckets[i] == 0)
			continue;
		fprintf(f, "%s[%" PRIu64 ", %" PRIu64 "]", first ? "" : ", ",
			json_bound(h, i), h->buckets[i]);
		first = false;
	}
	fputs("]}", f);
	return ferror(f) ? -EIO : 0;
}
