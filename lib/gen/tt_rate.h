/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_RATE_H_
#define _TT_RATE_H_

/**
 * @file
 * Connection-open scheduler: how many opens are due at a given tick.
 *
 * The schedule is a deterministic timeline. With rate R (opens per second)
 * and a linear ramp-up from 0 to R over T seconds, the rate at time t after
 * the start is R t / T for t < T and R after, and open number n (n = 1, 2,
 * ...) is due at the time where the integral of the rate reaches n:
 *	t_n = sqrt(2 T n / R)	while n < R T / 2 (during the ramp),
 *	t_n = n / R + T / 2	after (t_n = n / R without ramp).
 * So exactly floor(R t) opens are due t seconds after the start without
 * ramp, whatever the pattern of calls.
 *
 * Opens that are due but not taken (the caller's @p max, or no free
 * connection) stay owed and are returned by later calls, so the long-run
 * count is exact. The owed backlog is capped at a burst (by default 10 ms
 * worth of opens, at least 1): after a stall, the opens beyond it are
 * dropped and counted as missed (tt_rate_missed()) instead of being sent in
 * one unbounded burst.
 *
 * Time is in abstract ticks of @p hz per second: the caller passes
 * rte_get_tsc_hz() and rte_rdtsc() values, tests a fake clock. No floating
 * point on the fast path, and no accumulated rounding: the rate is kept as
 * an exact fraction, micro-opens per second over ticks per second (so a
 * rate is exact to 6 decimals), and the count due at a tick is computed
 * from it in 128-bit integers, in calls where an open comes due only (one
 * comparison otherwise). Hence the count at t is exactly floor(R t) for
 * any tick t. The ramp uses double arithmetic (the count due may then be
 * off by one around an open's due time).
 *
 * One scheduler belongs to one lcore. Not thread-safe.
 */

#include <stdint.h>

/** Scheduler state. Fields are private: use the functions below. */
struct tt_rate {
	uint64_t next_tick;	/**< first tick at which open sched + 1 is due */
	uint64_t sched;		/**< opens due so far */
	uint64_t owed;		/**< due, not yet returned */
	uint64_t missed;	/**< dropped by the burst cap */
	uint64_t burst;		/**< cap of owed */
	uint64_t num;		/**< rate * scale (opens per second); 0: unlimited */
	uint64_t den;		/**< hz * scale: rate = num / den opens per tick */
	uint64_t start;		/**< tick of t = 0 */
	uint64_t ramp_ticks;	/**< length of the ramp; 0 if none */
	uint64_t ramp_n0;	/**< first open due after the ramp */
	double ramp_k;		/**< opens per tick^2 during the ramp */
	double rate;		/**< opens per second */
};

/**
 * Start a schedule.
 *
 * @param r
 *   Scheduler.
 * @param hz
 *   Ticks per second.
 * @param rate_per_s
 *   Opens per second; 0 (or less) means unlimited: every call returns its
 *   @p max.
 * @param ramp_up_s
 *   Seconds of linear ramp-up from 0 to the rate; 0 for none.
 * @param start_tick
 *   Tick of time 0: nothing is due before it.
 */
void tt_rate_init(struct tt_rate *r, uint64_t hz, double rate_per_s, double ramp_up_s,
		  uint64_t start_tick);

/**
 * Set the cap of the owed backlog (see the file comment).
 *
 * @param r
 *   Scheduler.
 * @param burst
 *   Largest number of opens owed at once; 0 restores the default, 10 ms
 *   worth of opens and at least 1.
 */
void tt_rate_set_burst(struct tt_rate *r, uint64_t burst);

/**
 * How many opens to do now.
 *
 * @param r
 *   Scheduler.
 * @param now
 *   Current tick; calls must pass non-decreasing ticks.
 * @param max
 *   Most opens the caller can do now (burst size, free connections).
 * @return
 *   Opens to do, at most @p max. The rest of what is due stays owed.
 */
uint32_t tt_rate_due(struct tt_rate *r, uint64_t now, uint32_t max);

/**
 * Give back opens that tt_rate_due() returned but the caller could not do
 * (no free port, say): they are owed again, within the burst cap.
 *
 * @param r
 *   Scheduler.
 * @param n
 *   Opens given back.
 */
void tt_rate_unget(struct tt_rate *r, uint32_t n);

/**
 * When the next open is due, so the loop can sleep or spin until then.
 *
 * @param r
 *   Scheduler.
 * @return
 *   The first tick at which tt_rate_due() returns an open; 0 when opens
 *   are owed now or the rate is unlimited.
 */
uint64_t tt_rate_next_tick(const struct tt_rate *r);

/**
 * @param r
 *   Scheduler.
 * @return
 *   Opens dropped by the burst cap so far.
 */
uint64_t tt_rate_missed(const struct tt_rate *r);

/**
 * @param r
 *   Scheduler.
 * @return
 *   Opens that came due so far (returned, owed or missed), as of the last
 *   tt_rate_due() call.
 */
uint64_t tt_rate_scheduled(const struct tt_rate *r);

/**
 * @param r
 *   Scheduler.
 * @return
 *   Opens due and not yet returned.
 */
uint64_t tt_rate_owed(const struct tt_rate *r);

#endif /* _TT_RATE_H_ */
