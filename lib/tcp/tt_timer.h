/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_TIMER_H_
#define _TT_TIMER_H_

/**
 * @file
 * A hashed timer wheel with 1 ms ticks. Timers are links inside the
 * connection blocks (indices, not pointers), so arming and cancelling are
 * O(1) and allocate nothing. A timer further away than one turn of the
 * wheel stays in its slot and is skipped until its turn comes. Expired
 * timers come out through a callback, with a bound on the work per call.
 */

#include <stdint.h>

#define TT_TIMER_SLOTS 4096	/* power of two: 4.096 s per turn */
#define TT_TIMER_NIL UINT32_MAX

/*
 * A timer is armed when @c prev is not 0: then it holds TT_TIMER_ON and
 * the previous timer of the slot, or TT_TIMER_HEAD at the slot's head. The
 * slot is the expiry's (TT_SLOT), so it needs no field of its own, and
 * zeroed memory is a set of timers not armed. Indices stay below
 * TT_TIMER_HEAD.
 */
#define TT_TIMER_ON 0x80000000u
#define TT_TIMER_HEAD 0x7fffffffu

struct tt_timer {
	uint32_t next;
	uint32_t prev;		/**< TT_TIMER_ON | previous (or TT_TIMER_HEAD); 0: not armed */
	uint32_t expire;	/**< ms; meaningful only when armed */
};

struct tt_timer_wheel {
	uint32_t now;		/**< last tick processed (ms) */
	uint32_t count;		/**< armed timers */
	uint32_t head[TT_TIMER_SLOTS];
	/* Locates timer number i: base + i * stride bytes. */
	uint8_t *base;
	size_t stride;
};

/** Timer of element @p i. */
static inline struct tt_timer *
tt_timer_get(const struct tt_timer_wheel *w, uint32_t i)
{
	return (struct tt_timer *)(void *)(w->base + (size_t)i * w->stride);
}

typedef void (*tt_timer_fn)(void *arg, uint32_t idx);

void tt_timer_wheel_init(struct tt_timer_wheel *w, void *base, size_t stride, uint32_t now_ms);
/** Arm (or re-arm) timer @p idx to expire at @p expire_ms. */
void tt_timer_arm(struct tt_timer_wheel *w, uint32_t idx, uint32_t expire_ms);
void tt_timer_cancel(struct tt_timer_wheel *w, uint32_t idx);
/**
 * Make timer @p idx fire no later than @p expire_ms: an armed timer due at
 * or before then is left where it is (its callback finds out what is due
 * and arms again), so a deadline that only moves later costs nothing.
 */
static inline void
tt_timer_arm_by(struct tt_timer_wheel *w, uint32_t idx, uint32_t expire_ms)
{
	const struct tt_timer *t = tt_timer_get(w, idx);

	if (t->prev != 0 && (int32_t)(t->expire - expire_ms) <= 0)
		return;
	tt_timer_arm(w, idx, expire_ms);
}
static inline int
tt_timer_armed(const struct tt_timer_wheel *w, uint32_t idx)
{
	return tt_timer_get(w, idx)->prev != 0;
}
/**
 * Advance to @p now_ms, calling @p fn for each expired timer (already
 * disarmed; @p fn may re-arm it). Stops after @p budget expirations and
 * resumes from there on the next call. Returns the number fired. A step
 * of more than a turn of the wheel (TT_TIMER_SLOTS ms) goes straight to the
 * earliest deadline instead of visiting every tick before it (at most one
 * such look per turn walked): the same timers fire at the same ticks.
 */
unsigned int tt_timer_run(struct tt_timer_wheel *w, uint32_t now_ms, unsigned int budget,
			  tt_timer_fn fn, void *arg);

#endif /* _TT_TIMER_H_ */
