/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_HIST_H_
#define _TT_HIST_H_

/**
 * @file
 * Log-linear latency histogram (in the manner of HdrHistogram), values in
 * microseconds.
 *
 * Values below 128 have a bucket each. Above, every power of two
 * [2^e, 2^(e+1)) is split into 64 buckets of width 2^(e-6), so a bucket is
 * never wider than 1/64 of its lower bound: any value is known to better
 * than 1.6 %. The range goes to 2^28 us (about 268 s); larger values are
 * counted in one overflow bucket, and min, max and sum are kept exactly.
 * 1473 buckets of 64-bit counts: about 11.5 KiB, fixed in the struct, so a
 * histogram needs no allocation and recording is O(1) with no loop.
 *
 * One histogram belongs to one lcore; merge them for the report.
 */

#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

/** log2 of the number of linear sub-buckets per power of two. */
#define TT_HIST_SUB_BITS 6
/** Linear sub-buckets per power of two. */
#define TT_HIST_SUB (1u << TT_HIST_SUB_BITS)
/** Values from 2^TT_HIST_EXP_MAX up go to the overflow bucket. */
#define TT_HIST_EXP_MAX 28
/** Number of buckets, the overflow bucket (the last one) included. */
#define TT_HIST_NBUCKETS ((TT_HIST_EXP_MAX - TT_HIST_SUB_BITS + 1) * TT_HIST_SUB + 1)

/** A latency histogram. Fields are read through the functions below. */
struct tt_hist {
	uint64_t count;		/**< values recorded */
	uint64_t sum;		/**< sum of the values */
	uint64_t min;		/**< smallest value, UINT64_MAX when empty */
	uint64_t max;		/**< largest value, 0 when empty */
	uint64_t buckets[TT_HIST_NBUCKETS];
};

/**
 * Bucket index of a value. Branch-free: values below TT_HIST_SUB take
 * exponent TT_HIST_SUB_BITS through the OR, which gives a shift of 0;
 * values from 2^TT_HIST_EXP_MAX are clamped to it, whose index is the
 * overflow bucket's.
 *
 * @param v
 *   Value (us).
 * @return
 *   Index in [0, TT_HIST_NBUCKETS).
 */
static inline unsigned int
tt_hist_index(uint64_t v)
{
	const uint64_t vmax = UINT64_C(1) << TT_HIST_EXP_MAX;
	unsigned int e, shift;

	v = v > vmax ? vmax : v;
	e = 63 - __builtin_clzll(v | TT_HIST_SUB);
	shift = e - TT_HIST_SUB_BITS;
	return (shift << TT_HIST_SUB_BITS) + (unsigned int)(v >> shift);
}

/**
 * Empty a histogram.
 *
 * @param h
 *   Histogram.
 */
void tt_hist_init(struct tt_hist *h);

/**
 * Record one value. O(1), no loop, one data-dependent branch pair (min/max)
 * that the compiler turns into conditional moves.
 *
 * @param h
 *   Histogram.
 * @param v
 *   Value (us).
 */
static inline void
tt_hist_record(struct tt_hist *h, uint64_t v)
{
	h->buckets[tt_hist_index(v)]++;
	h->count++;
	h->sum += v;
	h->min = v < h->min ? v : h->min;
	h->max = v > h->max ? v : h->max;
}

/**
 * Add the values of @p src to @p dst. The result is the histogram that
 * recording the values of both would give.
 *
 * @param dst
 *   Histogram added to.
 * @param src
 *   Histogram added.
 */
void tt_hist_merge(struct tt_hist *dst, const struct tt_hist *src);

/**
 * @param h
 *   Histogram.
 * @return
 *   Number of values recorded.
 */
uint64_t tt_hist_count(const struct tt_hist *h);

/**
 * @param h
 *   Histogram.
 * @return
 *   Mean of the values (exact), 0 when empty.
 */
double tt_hist_mean(const struct tt_hist *h);

/**
 * Value at a percentile: the smallest recorded value v such that at least
 * @p p percent of the values are <= v (rank ceil(p * count / 100)),
 * reported as the upper bound of v's bucket, so never below v and above it
 * by less than 1/64 of v; bounded by the exact min and max. p = 0 gives
 * the exact min, p = 100 the exact max, and a rank that falls in the
 * overflow bucket gives the max. p is taken to 7 decimals.
 *
 * @param h
 *   Histogram.
 * @param p
 *   Percentile, in [0, 100] (clamped).
 * @return
 *   Value (us); 0 when empty.
 */
uint64_t tt_hist_percentile(const struct tt_hist *h, double p);

/**
 * @param idx
 *   Bucket index.
 * @return
 *   Smallest value counted in bucket @p idx.
 */
uint64_t tt_hist_bucket_lower(unsigned int idx);

/**
 * @param idx
 *   Bucket index.
 * @return
 *   Largest value counted in bucket @p idx; UINT64_MAX for the overflow
 *   bucket.
 */
uint64_t tt_hist_bucket_upper(unsigned int idx);

/**
 * Write a histogram as one JSON object to a stream (the summary's and the
 * JSON report's form): {"count", "min", "mean", "p50", "p90", "p99",
 * "p99.9", "max", "buckets": [[upper_bound, count], ...]} with the
 * non-empty buckets only, in increasing order; the overflow bucket's bound
 * is the exact max. Values in us.
 *
 * @param h
 *   Histogram.
 * @param f
 *   Stream.
 * @return
 *   0, or -EIO when the stream reports an error.
 */
int tt_hist_json(const struct tt_hist *h, FILE *f);

#endif /* _TT_HIST_H_ */
