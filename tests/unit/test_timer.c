/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the hashed timer wheel (lib/tcp/tt_timer): O(1) arm and
 * cancel, expiry at the exact tick and in deadline order, deadlines more
 * than one turn away, arming no later than a deadline, re-arming from the
 * callback, the work budget and its resumption, the 2^32 ms wrap, and a
 * randomised comparison with a simple model. The wheel needs no EAL.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tcp/tt_timer.h"

#define N_ELEMS 2048
#define DIM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Check's ck_assert() records its location through a pipe on every call:
 * in loops of millions of checks use this one, which costs nothing unless
 * it fails.
 */
#define CHECK(cond, ...) do { \
		if (!(cond)) \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

/* Elements shaped like connection blocks: the timer is not at offset 0. */
struct elem {
	uint64_t before[3];
	struct tt_timer tm;
	uint32_t fires;
	uint32_t fired_at;	/* w->now when the callback ran */
	uint32_t want_expire;
	int32_t rearm;		/* >0: re-arm this many ms later; 0: no; <0: at w->now */
	uint32_t rearm_left;
	uint8_t after[100];
};

static struct elem *elems;
static struct tt_timer_wheel wheel;
static uint32_t order[N_ELEMS * 4];
static uint32_t order_at[N_ELEMS * 4];	/* w->now of each fire in order[] */
static unsigned int n_order;

static void
cb(void *arg, uint32_t idx)
{
	struct tt_timer_wheel *w = arg;
	struct elem *e = &elems[idx];

	CHECK(idx < N_ELEMS, "callback for timer %u", idx);
	CHECK(!tt_timer_armed(w, idx), "timer %u still armed in its callback", idx);
	e->fires++;
	e->fired_at = w->now;
	if (n_order < DIM(order)) {
		order_at[n_order] = w->now;
		order[n_order++] = idx;
	}
	if (e->rearm_left > 0) {
		e->rearm_left--;
		if (e->rearm > 0)
			tt_timer_arm(w, idx, w->now + (uint32_t)e->rearm);
		else
			tt_timer_arm(w, idx, w->now);
	}
}

static void
setup(void)
{
	elems = calloc(N_ELEMS, sizeof(*elems));
	ck_assert_ptr_nonnull(elems);
	n_order = 0;
}

static void
teardown(void)
{
	free(elems);
	elems = NULL;
}

static void
wheel_init(uint32_t now)
{
	tt_timer_wheel_init(&wheel, &elems[0].tm, sizeof(struct elem), now);
	ck_assert_uint_eq(wheel.now, now);
	ck_assert_uint_eq(wheel.count, 0);
}

static void
arm(uint32_t idx, uint32_t expire)
{
	tt_timer_arm(&wheel, idx, expire);
	elems[idx].want_expire = expire;
}

/* Advance 1 ms at a time to @p until, with an unlimited budget. */
static void
step_to(uint32_t until)
{
	while ((int32_t)(until - wheel.now) > 0)
		tt_timer_run(&wheel, wheel.now + 1, UINT32_MAX, cb, &wheel);
}

/*
 * tt_timer_arm_by(): an armed timer already due at or before the new
 * deadline stays where it is; an earlier deadline, or an unarmed timer,
 * is armed as tt_timer_arm() would.
 */
START_TEST(test_arm_by)
{
	wheel_init(0);
	tt_timer_arm_by(&wheel, 1, 100);	/* unarmed: armed at 100 */
	tt_timer_arm_by(&wheel, 1, 300);	/* later: left at 100 */
	ck_assert_uint_eq(elems[1].tm.expire, 100);
	tt_timer_arm_by(&wheel, 1, 100);	/* the same: left */
	ck_assert_uint_eq(elems[1].tm.expire, 100);
	tt_timer_arm_by(&wheel, 2, 200);
	tt_timer_arm_by(&wheel, 2, 50);		/* earlier: moved */
	ck_assert_uint_eq(elems[2].tm.expire, 50);
	ck_assert_uint_eq(wheel.count, 2);
	step_to(49);
	ck_assert_uint_eq(elems[2].fires, 0);
	step_to(50);
	ck_assert_uint_eq(elems[2].fires, 1);
	step_to(99);
	ck_assert_uint_eq(elems[1].fires, 0);
	step_to(100);
	ck_assert_uint_eq(elems[1].fires, 1);
	ck_assert_uint_eq(elems[1].fired_at, 100);
	step_to(400);
	ck_assert_uint_eq(elems[1].fires + elems[2].fires, 2);
	ck_assert_uint_eq(wheel.count, 0);
	/* Across the 2^32 ms wrap, "earlier" is modular. */
	wheel_init(UINT32_MAX - 10);
	tt_timer_arm_by(&wheel, 3, 5);
	tt_timer_arm_by(&wheel, 3, UINT32_MAX - 2);
	ck_assert_uint_eq(elems[3].tm.expire, UINT32_MAX - 2);
	tt_timer_arm_by(&wheel, 3, 20);
	ck_assert_uint_eq(elems[3].tm.expire, UINT32_MAX - 2);
}
END_TEST

START_TEST(test_arm_cancel)
{
	unsigned int i;

	wheel_init(1000);
	/* Many timers on one slot and on others. */
	for (i = 0; i < 100; i++)
		arm(i, 1000 + (i % 2 ? 50 : 50 + 4096 * (i % 3)));
	ck_assert_uint_eq(wheel.count, 100);
	for (i = 0; i < 100; i++)
		ck_assert(tt_timer_armed(&wheel, i));
	ck_assert(!tt_timer_armed(&wheel, 100));
	/* Cancel the head, tail and middle elements of the shared slot lists. */
	for (i = 0; i < 100; i += 3)
		tt_timer_cancel(&wheel, i);
	ck_assert_uint_eq(wheel.count, 100 - 34);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(tt_timer_armed(&wheel, i), i % 3 != 0);
	/* Cancelling an unarmed timer does nothing. */
	tt_timer_cancel(&wheel, 0);
	tt_timer_cancel(&wheel, 500);
	ck_assert_uint_eq(wheel.count, 66);
	/* Re-arming an armed timer moves it, it is not counted twice. */
	arm(1, 1100);
	ck_assert_uint_eq(wheel.count, 66);
	step_to(1000 + 50 + 4096 * 2 + 1);
	for (i = 0; i < 100; i++) {
		ck_assert_uint_eq(elems[i].fires, i % 3 != 0);
		if (i % 3 != 0)
			ck_assert_uint_eq(elems[i].fired_at, elems[i].want_expire);
	}
	ck_assert_uint_eq(wheel.count, 0);
}
END_TEST

/* Each timer fires at its tick: not one ms before, not one after. */
START_TEST(test_exact_tick)
{
	static const uint32_t d[] = { 1, 2, 5, 17, 999, 4094, 4095, 4096, 4097, 8191, 8192, 12345 };
	uint32_t now0 = 77, t;
	unsigned int i;

	wheel_init(now0);
	for (i = 0; i < DIM(d); i++)
		arm(i, now0 + d[i]);
	for (t = now0 + 1; t <= now0 + 12346; t++) {
		tt_timer_run(&wheel, t, UINT32_MAX, cb, &wheel);
		for (i = 0; i < DIM(d); i++)
			CHECK(elems[i].fires == (t >= now0 + d[i]),
			      "timer +%u: %u fires at +%u", d[i], elems[i].fires, t - now0);
	}
	for (i = 0; i < DIM(d); i++)
		ck_assert_uint_eq(elems[i].fired_at, now0 + d[i]);
}
END_TEST

/* A big jump: all due timers fire, in deadline order, each at its tick. */
START_TEST(test_order_big_jump)
{
	unsigned int i, n = 1500;
	uint32_t now0 = 5000;

	srand(12345);
	wheel_init(now0);
	for (i = 0; i < n; i++)
		arm(i, now0 + 1 + (uint32_t)(rand() % 20000));
	ck_assert_uint_eq(tt_timer_run(&wheel, now0 + 20000, UINT32_MAX, cb, &wheel), n);
	ck_assert_uint_eq(n_order, n);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(elems[i].fires, 1);
		ck_assert_uint_eq(elems[i].fired_at, elems[i].want_expire);
	}
	for (i = 1; i < n; i++)
		ck_assert_uint_le(elems[order[i - 1]].want_expire, elems[order[i]].want_expire);
	ck_assert_uint_eq(wheel.now, now0 + 20000);
	ck_assert_uint_eq(wheel.count, 0);
}
END_TEST

/* Deadlines one or more turns (4096 ms) away share slots with nearer ones. */
START_TEST(test_beyond_one_turn)
{
	uint32_t now0 = 100;

	wheel_init(now0);
	arm(0, now0 + 10);
	arm(1, now0 + 10 + TT_TIMER_SLOTS);		/* same slot, next turn */
	arm(2, now0 + 10 + 3 * TT_TIMER_SLOTS);	/* same slot, three turns */
	arm(3, now0 + 5000);
	arm(4, now0 + 60000);
	step_to(now0 + 10);
	ck_assert_uint_eq(elems[0].fires, 1);
	ck_assert_uint_eq(elems[1].fires, 0);
	ck_assert_uint_eq(elems[2].fires, 0);
	step_to(now0 + 10 + TT_TIMER_SLOTS - 1);
	ck_assert_uint_eq(elems[1].fires, 0);
	step_to(now0 + 10 + TT_TIMER_SLOTS);
	ck_assert_uint_eq(elems[1].fires, 1);
	ck_assert_uint_eq(elems[2].fires, 0);
	ck_assert_uint_eq(elems[3].fires, 0);
	step_to(now0 + 5000);
	ck_assert_uint_eq(elems[3].fires, 1);
	ck_assert_uint_eq(elems[3].fired_at, now0 + 5000);
	/* The rest with one call per second. */
	while (wheel.now != now0 + 60000) {
		uint32_t to = now0 + 60000 - wheel.now > 1000 ? wheel.now + 1000 : now0 + 60000;

		tt_timer_run(&wheel, to, UINT32_MAX, cb, &wheel);
	}
	ck_assert_uint_eq(elems[2].fires, 1);
	ck_assert_uint_eq(elems[2].fired_at, now0 + 10 + 3 * TT_TIMER_SLOTS);
	ck_assert_uint_eq(elems[4].fires, 1);
	ck_assert_uint_eq(elems[4].fired_at, now0 + 60000);
}
END_TEST

/* A callback may re-arm its own timer: later, in the past, or one turn later. */
START_TEST(test_rearm_in_callback)
{
	uint32_t now0 = 4000;	/* the periods below cross the wheel's edge */

	wheel_init(now0);
	/* Periodic, 10 ms, 100 times, all within one run call. */
	elems[0].rearm = 10;
	elems[0].rearm_left = 99;
	arm(0, now0 + 10);
	/* Re-armed "now" (a past deadline): fires on each following tick. */
	elems[1].rearm = -1;
	elems[1].rearm_left = 49;
	arm(1, now0 + 1);
	/* Re-armed one turn later: into the slot being walked, must not fire twice. */
	elems[2].rearm = TT_TIMER_SLOTS;
	elems[2].rearm_left = 1;
	arm(2, now0 + 7);
	tt_timer_run(&wheel, now0 + 1000, UINT32_MAX, cb, &wheel);
	ck_assert_uint_eq(elems[0].fires, 100);
	ck_assert_uint_eq(elems[0].fired_at, now0 + 1000);
	ck_assert_uint_eq(elems[1].fires, 50);
	ck_assert_uint_eq(elems[1].fired_at, now0 + 50);
	ck_assert_uint_eq(elems[2].fires, 1);
	ck_assert(tt_timer_armed(&wheel, 2));
	tt_timer_run(&wheel, now0 + 7 + TT_TIMER_SLOTS - 1, UINT32_MAX, cb, &wheel);
	ck_assert_uint_eq(elems[2].fires, 1);
	tt_timer_run(&wheel, now0 + 7 + TT_TIMER_SLOTS, UINT32_MAX, cb, &wheel);
	ck_assert_uint_eq(elems[2].fires, 2);
	ck_assert_uint_eq(elems[2].fired_at, now0 + 7 + TT_TIMER_SLOTS);
	ck_assert_uint_eq(wheel.count, 0);
}
END_TEST

/* The budget bounds the work per call; the next call resumes where it stopped. */
START_TEST(test_budget)
{
	uint32_t now0 = 300, k;
	unsigned int i, total = 0, calls = 0;

	wheel_init(now0);
	for (i = 0; i < 10; i++)
		arm(i, now0 + 5);		/* one slot, ten timers */
	for (i = 10; i < 15; i++)
		arm(i, now0 + 6);
	for (i = 15; i < 18; i++)
		arm(i, now0 + 9000);		/* not due */
	/* Budget 0: nothing fires, nothing is lost. */
	ck_assert_uint_eq(tt_timer_run(&wheel, now0 + 100, 0, cb, &wheel), 0);
	ck_assert_uint_eq(wheel.count, 18);
	/* Budget 3: 3 per call, the tick-5 ones before the tick-6 ones. */
	while (total < 15) {
		k = tt_timer_run(&wheel, now0 + 100, 3, cb, &wheel);
		ck_assert_uint_le(k, 3);
		ck_assert_uint_gt(k, 0);
		total += k;
		ck_assert_uint_lt(++calls, 10);
	}
	ck_assert_uint_eq(calls, 5);
	ck_assert_uint_eq(n_order, 15);
	for (i = 0; i < 10; i++)
		ck_assert_uint_lt(order[i], 10);
	for (i = 0; i < 15; i++) {
		ck_assert_uint_eq(elems[i].fires, 1);
		ck_assert_uint_eq(elems[i].fired_at, elems[i].want_expire);
	}
	ck_assert_uint_eq(tt_timer_run(&wheel, now0 + 100, 3, cb, &wheel), 0);
	ck_assert_uint_eq(wheel.now, now0 + 100);
	for (i = 15; i < 18; i++)
		ck_assert_uint_eq(elems[i].fires, 0);
	ck_assert_uint_eq(wheel.count, 3);
	/* A budget that ends exactly at a slot's end. */
	for (i = 20; i < 23; i++)
		arm(i, now0 + 200);
	arm(23, now0 + 201);
	ck_assert_uint_eq(tt_timer_run(&wheel, now0 + 300, 3, cb, &wheel), 3);
	ck_assert_uint_eq(elems[23].fires, 0);
	ck_assert_uint_eq(tt_timer_run(&wheel, now0 + 300, 3, cb, &wheel), 1);
	ck_assert_uint_eq(elems[23].fired_at, now0 + 201);
}
END_TEST

/* Deadlines in the past fire on the next tick; the 2^32 ms wrap is harmless. */
START_TEST(test_past_and_wrap)
{
	uint32_t now0 = 0xffffff00u;

	wheel_init(now0);
	arm(0, now0 - 5);		/* in the past */
	arm(1, now0);			/* now */
	arm(2, now0 + 0x200);		/* after the wrap */
	ck_assert_uint_eq(tt_timer_get(&wheel, 0)->expire, now0 + 1);
	ck_assert_uint_eq(tt_timer_get(&wheel, 1)->expire, now0 + 1);
	tt_timer_run(&wheel, now0 + 1, UINT32_MAX, cb, &wheel);
	ck_assert_uint_eq(elems[0].fires, 1);
	ck_assert_uint_eq(elems[1].fires, 1);
	step_to(now0 + 0x1ff);
	ck_assert_uint_eq(elems[2].fires, 0);
	step_to(now0 + 0x200);
	ck_assert_uint_eq(elems[2].fires, 1);
	ck_assert_uint_eq(elems[2].fired_at, 0x100);
	/* An empty wheel jumps straight to now. */
	ck_assert_uint_eq(tt_timer_run(&wheel, 0x7000000, UINT32_MAX, cb, &wheel), 0);
	ck_assert_uint_eq(wheel.now, 0x7000000);
	arm(3, 0x7000000 + 3);
	step_to(0x7000000 + 3);
	ck_assert_uint_eq(elems[3].fires, 1);
}
END_TEST

/*
 * One program of arms, cancels and clock steps of up to 70 s (many turns
 * of the wheel, as the fuzz harnesses' clock steps), with few timers, some
 * re-arming themselves from their callback at periods below and above a
 * turn. @p how: 0, each step in one call; 1, in calls of budget 3 until
 * one fires less; 2, one tick a call (the plain walk, the reference).
 * Returns the fires logged in order[] and order_at[].
 */
static unsigned int
long_steps_run(unsigned int how)
{
	static const int32_t periods[] = { 0, 0, 200, 1000, 3000, 5000, 9000, 30000 };
	uint32_t now = 123456, round, k;

	memset(elems, 0, N_ELEMS * sizeof(*elems));
	n_order = 0;
	srand(4242);
	wheel_init(now);
	for (round = 0; round < 300; round++) {
		unsigned int n_arm = (unsigned int)rand() % 3;

		for (k = 0; k < n_arm; k++) {
			uint32_t idx = (uint32_t)rand() % 16;

			elems[idx].rearm = periods[rand() % DIM(periods)];
			elems[idx].rearm_left = (uint32_t)rand() % 6;
			tt_timer_arm(&wheel, idx, now + (uint32_t)(rand() % 70000));
		}
		if (rand() % 8 == 0)
			tt_timer_cancel(&wheel, (uint32_t)rand() % 16);
		now += (uint32_t)(rand() % 4 ? rand() % 70000 : rand() % 5000);
		if (how == 0) {
			tt_timer_run(&wheel, now, UINT32_MAX, cb, &wheel);
		} else if (how == 1) {
			while (tt_timer_run(&wheel, now, 3, cb, &wheel) == 3)
				;
		} else {
			step_to(now);
		}
		ck_assert_uint_eq(wheel.now, now);
	}
	return n_order;
}

/*
 * Long steps skip the ticks before the earliest deadline: the same timers
 * fire at the same ticks, in the same order, as with one tick a call,
 * whole or in budgeted calls.
 */
START_TEST(test_long_steps)
{
	static uint32_t ref[DIM(order)], ref_at[DIM(order)];
	unsigned int n_ref, n, how, i;

	n_ref = long_steps_run(2);
	ck_assert_uint_gt(n_ref, 200);
	ck_assert_uint_lt(n_ref, DIM(order));
	memcpy(ref, order, sizeof(ref));
	memcpy(ref_at, order_at, sizeof(ref_at));
	for (how = 0; how < 2; how++) {
		n = long_steps_run(how);
		ck_assert_uint_eq(n, n_ref);
		for (i = 0; i < n; i++)
			CHECK(order[i] == ref[i] && order_at[i] == ref_at[i],
			      "run %u, fire %u: timer %u at %u, walked: timer %u at %u", how, i,
			      order[i], order_at[i], ref[i], ref_at[i]);
	}
}
END_TEST

/*
 * Random arms, cancels and runs of random length and budget, checked
 * against a model: a timer fires once, at its deadline tick, and after a
 * call that did not use up its budget nothing due is left armed.
 */
START_TEST(test_random_model)
{
	static uint32_t expire[N_ELEMS];
	static bool armed[N_ELEMS];
	uint32_t now = 1u << 20, i, op;

	srand(777);
	wheel_init(now);
	for (op = 0; op < 100000; op++) {
		uint32_t idx = (uint32_t)rand() % N_ELEMS;
		int r = rand() % 100;

		if (r < 55) {
			uint32_t d = (uint32_t)(rand() % 3 ? rand() % 300 : rand() % 20000);
			uint32_t e = now + d;

			if ((int32_t)(e - wheel.now) <= 0)
				e = wheel.now + 1;
			elems[idx].fires = 0;
			tt_timer_arm(&wheel, idx, now + d);
			expire[idx] = e;
			armed[idx] = true;
		} else if (r < 70) {
			tt_timer_cancel(&wheel, idx);
			armed[idx] = false;
		} else {
			uint32_t budget = rand() % 4 ? UINT32_MAX : (uint32_t)(rand() % 5);
			unsigned int fired;

			now += (uint32_t)(rand() % 50);
			for (i = 0; i < N_ELEMS; i++)
				elems[i].fires = 0;
			fired = tt_timer_run(&wheel, now, budget, cb, &wheel);
			CHECK(fired <= budget, "%u fired, budget %u", fired, budget);
			for (i = 0; i < N_ELEMS; i++) {
				if (elems[i].fires == 0)
					continue;
				CHECK(armed[i], "timer %u fired unarmed", i);
				CHECK(elems[i].fires == 1, "timer %u fired %u times", i,
				      elems[i].fires);
				CHECK(elems[i].fired_at == expire[i],
				      "timer %u fired at %u, due %u", i, elems[i].fired_at,
				      expire[i]);
				armed[i] = false;
			}
			if (fired < budget) {
				for (i = 0; i < N_ELEMS; i++)
					CHECK(!armed[i] || (int32_t)(expire[i] - now) > 0,
					      "timer %u due at %u still armed at %u", i,
					      expire[i], now);
			}
		}
		if (op % 1000 == 0) {
			uint32_t n = 0;

			for (i = 0; i < N_ELEMS; i++) {
				CHECK(tt_timer_armed(&wheel, i) == armed[i], "timer %u armed %d",
				      i, tt_timer_armed(&wheel, i));
				n += armed[i];
			}
			ck_assert_uint_eq(wheel.count, n);
		}
	}
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("timer");
	TCase *tc = tcase_create("wheel");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_arm_cancel);
	tcase_add_test(tc, test_arm_by);
	tcase_add_test(tc, test_exact_tick);
	tcase_add_test(tc, test_order_big_jump);
	tcase_add_test(tc, test_beyond_one_turn);
	tcase_add_test(tc, test_rearm_in_callback);
	tcase_add_test(tc, test_budget);
	tcase_add_test(tc, test_past_and_wrap);
	tcase_add_test(tc, test_random_model);
	tcase_add_test(tc, test_long_steps);
	suite_add_tcase(s, tc);
	return s;
}
