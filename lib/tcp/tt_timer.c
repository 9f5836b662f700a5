/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "tcp/tt_timer.h"

#define TT_SLOT(ms) ((ms) & (TT_TIMER_SLOTS - 1))

void
tt_timer_wheel_init(struct tt_timer_wheel *w, void *base, size_t stride, uint32_t now_ms)
{
	unsigned int i;

	w->now = now_ms;
	w->count = 0;
	w->base = base;
	w->stride = stride;
	for (i = 0; i < TT_TIMER_SLOTS; i++)
		w->head[i] = TT_TIMER_NIL;
}

static void
timer_unlink(struct tt_timer_wheel *w, uint32_t idx, struct tt_timer *t)
{
	uint32_t prev = t->prev & ~TT_TIMER_ON;

	if (prev != TT_TIMER_HEAD)
		tt_timer_get(w, prev)->next = t->next;
	else
		w->head[TT_SLOT(t->expire)] = t->next;
	if (t->next != TT_TIMER_NIL)
		tt_timer_get(w, t->next)->prev = t->prev;
	t->prev = 0;
	w->count--;
	(void)idx;
}

void
tt_timer_cancel(struct tt_timer_wheel *w, uint32_t idx)
{
	struct tt_timer *t = tt_timer_get(w, idx);

	if (t->prev != 0)
		timer_unlink(w, idx, t);
}

void
tt_timer_arm(struct tt_timer_wheel *w, uint32_t idx, uint32_t expire_ms)
{
	struct tt_timer *t = tt_timer_get(w, idx);
	uint32_t slot;

	if (t->prev != 0)
		timer_unlink(w, idx, t);
	/* A deadline in the past fires on the next tick. */
	if ((int32_t)(expire_ms - w->now) <= 0)
		expire_ms = w->now + 1;
	slot = TT_SLOT(expire_ms);
	t->expire = expire_ms;
	t->prev = TT_TIMER_ON | TT_TIMER_HEAD;
	t->next = w->head[slot];
	if (t->next != TT_TIMER_NIL)
		tt_timer_get(w, t->next)->prev = TT_TIMER_ON | idx;
	w->head[slot] = idx;
	w->count++;
}

/*
 * The earliest deadline of the armed timers (there is at least one): every
 * slot and every timer visited once. Every armed deadline is after w->now
 * (tt_timer_arm() moves a past one to the next tick, and tt_timer_run()
 * fires a deadline at its tick), so the earliest is the nearest ahead.
 */
static uint32_t
timer_first(const struct tt_timer_wheel *w)
{
	uint32_t first = 0, ahead = UINT32_MAX, s, i;

	for (s = 0; s < TT_TIMER_SLOTS; s++)
		for (i = w->head[s]; i != TT_TIMER_NIL; i = tt_timer_get(w, i)->next) {
			uint32_t e = tt_timer_get(w, i)->expire;

			if (e - w->now < ahead) {
				ahead = e - w->now;
				first = e;
			}
		}
	return first;
}

unsigned int
tt_timer_run(struct tt_timer_wheel *w, uint32_t now_ms, unsigned int budget,
	     tt_timer_fn fn, void *arg)
{
	unsigned int fired = 0;
	/* Where the walk may look for the earliest deadline again. */
	uint32_t look_at = w->now;

	/*
	 * Visit each tick from the last one processed up to now. Within a
	 * slot, only timers whose deadline has come fire; others belong to a
	 * later turn of the wheel. When the budget runs out mid-slot, w->now
	 * stays before that tick, so the slot is visited again next call.
	 */
	while ((int32_t)(now_ms - w->now) > 0) {
		uint32_t tick, slot, i;

		if (w->count == 0) {
			w->now = now_ms;
			break;
		}
		/*
		 * More than a turn of the wheel to go (a clock step of seconds,
		 * as a test or a stalled lcore makes): visiting every slot once
		 * for the earliest deadline costs less than the ticks up to it,
		 * where nothing fires. Then at most once a turn, so that the
		 * look costs at most what the walk of a turn costs.
		 */
		if (now_ms - w->now > TT_TIMER_SLOTS && (int32_t)(w->now - look_at) >= 0) {
			uint32_t first = timer_first(w);

			if ((int32_t)(first - now_ms) > 0) {
				w->now = now_ms;
				break;
			}
			if ((int32_t)(first - 1 - w->now) > 0)
				w->now = first - 1;
			look_at = w->now + TT_TIMER_SLOTS;
		}
		tick = w->now + 1;
		slot = TT_SLOT(tick);
		i = w->head[slot];
		/* Callbacks that re-arm in the past land on the next tick. */
		w->now = tick;
		while (i != TT_TIMER_NIL) {
			struct tt_timer *t = tt_timer_get(w, i);
			uint32_t next = t->next;

			if ((int32_t)(t->expire - tick) <= 0) {
				if (fired >= budget) {
					w->now = tick - 1;
					return fired;
				}
				timer_unlink(w, i, t);
				fired++;
				fn(arg, i);
			}
			i = next;
		}
	}
	return fired;
}
