/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/tcp/tt_admit.h, the admission of new connections on a
 * saturated lcore: the controller's rules one by one, then its dynamics in
 * a small deterministic model of one run-to-completion lcore (a bounded
 * receive ring, a cost per segment, follow-up segments one RTT after each
 * admitted SYN), where admitting every SYN at three times the capacity
 * collapses and the controller keeps goodput near capacity.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tcp/tt_admit.h"

/* Polls 1 us apart from t = 1 s. */
#define T0 1000000ULL

START_TEST(test_unsaturated_never_limits)
{
	struct tt_admit a;
	uint64_t t = T0, done = 0;
	int i;

	tt_admit_init(&a, 32, true);
	ck_assert_uint_eq(a.quota, 32);
	/* (Every poll offering a whole burst and nothing completing: excess.) */
	/* Saturated polls, but never half of a window's: no limit. */
	for (i = 0; i < 10 * TT_ADMIT_WINDOW_US; i++)
		ck_assert_uint_eq(tt_admit_update(&a, i % 3 == 0, 32, done, t++), 32);
	ck_assert_uint_eq(a.rate, 0);
}
END_TEST

/*
 * A saturated window in which 100 handshakes completed: the next admits
 * that rate times the gain of its place in the cycle (5/4, then 3/4, then
 * 1), paced, whatever is offered; a quiet window that shed nothing lifts
 * the limit.
 */
START_TEST(test_limit_follows_completions)
{
	struct tt_admit a;
	uint64_t t = T0, done = 0, admitted = 0;
	uint16_t q = 32;
	int i;

	tt_admit_init(&a, 32, true);
	tt_admit_update(&a, true, 0, done, t++);	/* opens the first window */
	/*
	 * Saturated, every poll admitting a whole burst, 1000 completed a
	 * window: no limit before TT_ADMIT_ONSET such windows in a row.
	 */
	for (i = 1; i < TT_ADMIT_ONSET * TT_ADMIT_WINDOW_US; i++) {
		if (i % (TT_ADMIT_WINDOW_US / 1000) == 0)
			done++;
		ck_assert_uint_eq(tt_admit_update(&a, true, 32, done, t++), 32);
	}
	ck_assert_uint_eq(done, TT_ADMIT_ONSET * 1000 - 1);
	done++;
	/* 1000 in 10 ms: 100,000/s, and 125,000/s admitted while probing. */
	q = tt_admit_update(&a, true, 32, done, t++);
	ck_assert_uint_eq(a.rate, 1000 * (1000000 / TT_ADMIT_WINDOW_US) * 5 / 4);
	ck_assert_uint_eq(q, 32);	/* a burst's tokens to start with */
	/* The next window, every SYN offered used at once: the rate, + a burst. */
	for (i = 1; i < TT_ADMIT_WINDOW_US; i++) {
		admitted += q;
		if (q == 0)
			tt_admit_shed(&a);
		q = tt_admit_update(&a, true, q, done, t++);
	}
	ck_assert_uint_ge(admitted, 125000 * TT_ADMIT_WINDOW_US / 1000000 - 1);
	ck_assert_uint_le(admitted, 125000 * TT_ADMIT_WINDOW_US / 1000000 + 125);
	/* Nothing completed in it: the best of the last windows holds, drained. */
	q = tt_admit_update(&a, true, q, done, t++);
	ck_assert_uint_eq(a.rate, 75000);
	/* Not saturated but still shedding (spare cycles): the rate doubles. */
	for (i = 1; i < TT_ADMIT_WINDOW_US; i++) {
		if (i % 100 == 0)
			tt_admit_shed(&a);
		q = tt_admit_update(&a, false, 0, done, t++);
	}
	q = tt_admit_update(&a, false, 0, done, t++);
	ck_assert_uint_eq(a.rate, 150000);
	/* Neither saturated nor shedding: no limit from its end on. */
	for (i = 1; i < TT_ADMIT_WINDOW_US; i++)
		q = tt_admit_update(&a, false, 0, done, t++);
	ck_assert_uint_eq(tt_admit_update(&a, false, 0, done, t++), 32);
	ck_assert_uint_eq(a.rate, 0);
	/* Saturated with nothing completing for longer than the history: the floor. */
	for (i = 0; i < (TT_ADMIT_HIST + 1) * TT_ADMIT_WINDOW_US; i++)
		q = tt_admit_update(&a, true, 32, done, t++);
	ck_assert_uint_eq(a.rate, TT_ADMIT_MIN_RATE);
}
END_TEST

/*
 * A closed-loop client at full speed: every poll saturated, but what is
 * offered completes (one handshake per SYN a little later): no limit.
 */
START_TEST(test_saturated_closed_loop)
{
	struct tt_admit a;
	uint64_t t = T0, done = 0;
	int i;

	tt_admit_init(&a, 32, true);
	for (i = 0; i < 20 * TT_ADMIT_WINDOW_US; i++) {
		uint16_t used = i % 4 == 0 ? 4 : 0;

		ck_assert_uint_eq(tt_admit_update(&a, true, used, done, t++), 32);
		done += used;
	}
	ck_assert_uint_eq(a.rate, 0);
}
END_TEST

START_TEST(test_disabled)
{
	struct tt_admit a;
	uint64_t t = T0;
	int i;

	tt_admit_init(&a, 64, false);
	for (i = 0; i < 3 * TT_ADMIT_WINDOW_US; i++)
		ck_assert_uint_eq(tt_admit_update(&a, true, 64, 0, t++), 64);
	tt_admit_init(&a, 0, true);
	ck_assert_uint_eq(a.quota, 1);
}
END_TEST

/*
 * The model. Time in microseconds. A poll costs TT_M_POLL, then takes up
 * to TT_M_BURST segments from the ring: a SYN over the quota costs
 * TT_M_SHED (parse and drop), an admitted SYN or a follow-up segment
 * TT_M_SEG. Each admitted SYN brings TT_M_FOLLOW follow-up segments
 * TT_M_RTT later; a connection completes when its last one is processed,
 * and fails when the ring had no room for one of them. SYNs arrive
 * evenly at the offered rate. Capacity: 1 / ((1 + TT_M_FOLLOW) * TT_M_SEG)
 * connections per unit.
 */
#define TT_M_RING 1024
#define TT_M_BURST 32
#define TT_M_POLL 2.0
#define TT_M_SHED 1.0
#define TT_M_SEG 5.0
#define TT_M_FOLLOW 3
#define TT_M_RTT 50.0
#define TT_M_TIME 4000000.0
#define TT_M_CAPACITY (1.0 / ((1 + TT_M_FOLLOW) * TT_M_SEG))
#define TT_M_MAX_CONNS 2000000

struct m_seg {
	double at;
	int32_t conn;		/* -1: a new SYN */
};

struct m_result {
	uint64_t admitted, shed, completed, failed, syn_overflow;
};

static void
model_run(double offered, bool control, struct m_result *r)
{
	static struct m_seg ring[TT_M_RING];
	static struct m_seg pend[TT_M_MAX_CONNS * TT_M_FOLLOW];
	static uint8_t left[TT_M_MAX_CONNS], dead[TT_M_MAX_CONNS];
	unsigned int head = 0, n = 0, p_head = 0, p_n = 0, i;
	double t = 0, next_syn = 0;
	struct tt_admit a;
	uint16_t quota;
	int32_t conns = 0;

	memset(r, 0, sizeof(*r));
	tt_admit_init(&a, TT_M_BURST, control);
	quota = a.quota;
	while (t < TT_M_TIME) {
		unsigned int got = 0;
		uint16_t syn_left = quota;

		/* What arrived until now, in time order, into the ring. */
		for (;;) {
			struct m_seg s;

			if (p_n > 0 && pend[p_head].at <= next_syn && pend[p_head].at <= t) {
				s = pend[p_head];
				p_head++;
				p_n--;
			} else if (next_syn <= t) {
				s.at = next_syn;
				s.conn = -1;
				next_syn += 1.0 / offered;
			} else {
				break;
			}
			if (n == TT_M_RING) {
				if (s.conn < 0)
					r->syn_overflow++;
				else if (!dead[s.conn]) {
					dead[s.conn] = 1;
					r->failed++;
				}
				continue;
			}
			ring[(head + n++) % TT_M_RING] = s;
		}
		t += TT_M_POLL;
		while (n > 0 && got < TT_M_BURST) {
			struct m_seg s = ring[head];

			head = (head + 1) % TT_M_RING;
			n--;
			got++;
			if (s.conn >= 0) {
				t += TT_M_SEG;
				if (--left[s.conn] == 0 && !dead[s.conn])
					r->completed++;
				continue;
			}
			if (syn_left == 0 || conns == TT_M_MAX_CONNS) {
				t += TT_M_SHED;
				r->shed++;
				tt_admit_shed(&a);
				continue;
			}
			syn_left--;
			t += TT_M_SEG;
			r->admitted++;
			left[conns] = TT_M_FOLLOW;
			dead[conns] = 0;
			for (i = 0; i < TT_M_FOLLOW; i++) {
				/* Appended in time order: pend stays sorted. */
				pend[p_head + p_n].at = t + TT_M_RTT + i;
				pend[p_head + p_n].conn = conns;
				p_n++;
			}
			conns++;
		}
		quota = tt_admit_update(&a, got == TT_M_BURST, quota - syn_left, r->completed,
					(uint64_t)t);
	}
}

START_TEST(test_model_overload)
{
	double capacity_conns = TT_M_CAPACITY * TT_M_TIME;
	struct m_result with, without;

	model_run(3 * TT_M_CAPACITY, false, &without);
	model_run(3 * TT_M_CAPACITY, true, &with);
	printf("admit model at 3x capacity (%.0f connections): all admitted: %lu completed, "
	       "%lu failed; controlled: %lu admitted, %lu completed, %lu failed, %lu shed\n",
	       capacity_conns, (unsigned long)without.completed, (unsigned long)without.failed,
	       (unsigned long)with.admitted, (unsigned long)with.completed,
	       (unsigned long)with.failed, (unsigned long)with.shed);
	/* The model collapses without the controller: that is what is tested. */
	ck_assert(without.failed > without.admitted / 10);
	/* With it: near capacity, almost nothing accepted then lost. */
	ck_assert(with.completed >= 0.8 * capacity_conns);
	ck_assert(with.failed <= with.admitted * 3 / 100);
	ck_assert(with.completed > without.completed);
}
END_TEST

START_TEST(test_model_below_capacity)
{
	struct m_result r;

	model_run(0.7 * TT_M_CAPACITY, true, &r);
	ck_assert_uint_eq(r.shed, 0);
	ck_assert_uint_eq(r.failed, 0);
	ck_assert(r.completed >= r.admitted - 10);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("admit");
	TCase *tc = tcase_create("admit");

	tcase_add_test(tc, test_unsaturated_never_limits);
	tcase_add_test(tc, test_limit_follows_completions);
	tcase_add_test(tc, test_saturated_closed_loop);
	tcase_add_test(tc, test_disabled);
	tcase_add_test(tc, test_model_overload);
	tcase_add_test(tc, test_model_below_capacity);
	suite_add_tcase(s, tc);
	return s;
}
