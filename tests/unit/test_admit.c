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
#include "tcp/tt_shedmem.h"

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
 * and fails when the ring had no room for one of them. New attempts' SYNs
 * arrive evenly at the offered rate. Capacity: 1 / ((1 + TT_M_FOLLOW) *
 * TT_M_SEG) connections per unit.
 *
 * With retries (struct m_opts), the peers behave as real ones: a SYN that
 * is shed or finds the ring full is sent again retry_us later, as often as
 * tries allows, and the attempt is given up after that (dperf: 4 tries,
 * 2 s apart). With memory, the lcore keeps a tt_shedmem of the SYNs it
 * shed and admits their retries first (tt_admit_borrow()), as app/lcore.c
 * does.
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
	int32_t conn;		/* -1: a SYN */
	int32_t att;		/* a SYN's attempt */
};

struct m_opts {
	bool control;		/* the admission control (tt_admit.h) */
	bool memory;		/* retries of shed SYNs first (tt_shedmem.h) */
	unsigned int tries;	/* SYNs an attempt sends; 1: no retries */
	double retry_us;	/* between them */
};

struct m_result {
	uint64_t admitted, shed, completed, failed, syn_overflow;
	uint64_t attempts, given_up, retry_first;
};

/* A SYN not taken: sent again later, or its attempt given up. */
static void
m_syn_lost(const struct m_opts *o, struct m_result *r, struct m_seg *retry, unsigned int *rt_n,
	   uint8_t *tries, const struct m_seg *s)
{
	if (++tries[s->att] >= o->tries) {
		r->given_up++;
		return;
	}
	/* Appended in time order: SYNs are lost in time order. */
	retry[*rt_n].at = s->at + o->retry_us;
	retry[*rt_n].conn = -1;
	retry[*rt_n].att = s->att;
	(*rt_n)++;
}

static void
model_run_opts(double offered, const struct m_opts *o, struct m_result *r)
{
	static struct m_seg ring[TT_M_RING];
	static struct m_seg pend[TT_M_MAX_CONNS * TT_M_FOLLOW];
	static struct m_seg retry[TT_M_MAX_CONNS * 4];
	static uint8_t left[TT_M_MAX_CONNS], dead[TT_M_MAX_CONNS], tries[TT_M_MAX_CONNS];
	unsigned int head = 0, n = 0, p_head = 0, p_n = 0, rt_head = 0, rt_n = 0, i;
	double t = 0, next_syn = 0;
	struct tt_shedmem sm;
	struct tt_admit a;
	uint16_t quota, given;
	int32_t conns = 0;

	memset(r, 0, sizeof(*r));
	memset(tries, 0, sizeof(tries));
	ck_assert_int_eq(tt_shedmem_init(&sm, 20, 42, 0), 0);
	tt_admit_init(&a, TT_M_BURST, o->control);
	quota = a.quota;
	while (t < TT_M_TIME) {
		unsigned int got = 0;
		uint16_t syn_left = quota;

		given = quota;
		/* What arrived until now, in time order, into the ring. */
		for (;;) {
			double p_at = p_n > 0 ? pend[p_head].at : 1e18;
			double r_at = rt_n > rt_head ? retry[rt_head].at : 1e18;
			struct m_seg s;

			if (p_at <= next_syn && p_at <= r_at && p_at <= t) {
				s = pend[p_head];
				p_head++;
				p_n--;
			} else if (r_at <= next_syn && r_at <= t) {
				s = retry[rt_head++];
			} else if (next_syn <= t && r->attempts < TT_M_MAX_CONNS) {
				s.at = next_syn;
				s.conn = -1;
				s.att = (int32_t)r->attempts++;
				next_syn += 1.0 / offered;
			} else {
				break;
			}
			if (n == TT_M_RING) {
				if (s.conn < 0) {
					r->syn_overflow++;
					s.at = t;	/* lost in time order */
					m_syn_lost(o, r, retry, &rt_n, tries, &s);
				} else if (!dead[s.conn]) {
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
			if (syn_left == 0 && conns < TT_M_MAX_CONNS && o->memory &&
			    tt_shedmem_test_set(&sm, tt_shedmem_hash(&sm, (uint32_t)s.att, 1, 80,
								     (uint32_t)s.att * 7)) &&
			    tt_admit_borrow(&a)) {
				/* A retry of a shed SYN, ahead of the quota (lcore.c). */
				syn_left++;
				given++;
				r->retry_first++;
			}
			if (syn_left == 0 || conns == TT_M_MAX_CONNS) {
				t += TT_M_SHED;
				r->shed++;
				tt_admit_shed(&a);
				s.at = t;
				m_syn_lost(o, r, retry, &rt_n, tries, &s);
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
		quota = tt_admit_update(&a, got == TT_M_BURST, given - syn_left, r->completed,
					(uint64_t)t);
		tt_shedmem_tick(&sm, (uint64_t)t);
	}
	tt_shedmem_free(&sm);
}

static void
model_run(double offered, bool control, struct m_result *r)
{
	struct m_opts o = { .control = control, .memory = false, .tries = 1 };

	model_run_opts(offered, &o, r);
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

/*
 * Peers that retry a shed SYN three times, 0.5 s apart, at 1.2x capacity:
 * the lcore that admits the retries of SYNs it shed first (tt_shedmem.h,
 * tt_admit_borrow()) has far fewer attempts given up, at the same goodput
 * (it admits no more than the controller allows). At 3x, where most
 * attempts must fail whatever is admitted first, it is no worse.
 */
START_TEST(test_model_retries_first)
{
	struct m_opts plain = { .control = true, .memory = false, .tries = 4, .retry_us = 500000 };
	struct m_opts mem = plain;
	struct m_result r1, r2;

	mem.memory = true;
	model_run_opts(1.2 * TT_M_CAPACITY, &plain, &r1);
	model_run_opts(1.2 * TT_M_CAPACITY, &mem, &r2);
	printf("admit model, retrying peers at 1.2x capacity: %lu attempts; random shedding: "
	       "%lu completed, %lu given up; retries first: %lu completed, %lu given up, "
	       "%lu retries admitted ahead of the quota\n", (unsigned long)r1.attempts,
	       (unsigned long)r1.completed, (unsigned long)r1.given_up,
	       (unsigned long)r2.completed, (unsigned long)r2.given_up,
	       (unsigned long)r2.retry_first);
	ck_assert_uint_eq(r1.retry_first, 0);
	ck_assert(r1.given_up > 1000);	/* the problem is there */
	ck_assert_uint_gt(r2.retry_first, 0);
	ck_assert_uint_le(r2.given_up, r1.given_up / 5);
	ck_assert(r2.completed >= r1.completed * 98 / 100);
	/* Admitted no more than the controller allowed: as many, within 3%. */
	ck_assert(r2.admitted <= r1.admitted * 103 / 100);

	model_run_opts(3 * TT_M_CAPACITY, &plain, &r1);
	model_run_opts(3 * TT_M_CAPACITY, &mem, &r2);
	ck_assert(r2.completed >= r1.completed * 97 / 100);
	ck_assert(r2.given_up <= r1.given_up * 103 / 100);
}
END_TEST

/* The shed SYN of tuple @p i and ISN @p isn, as app/lcore.c hashes it. */
static uint64_t
syn_h(const struct tt_shedmem *s, uint32_t i, uint32_t isn)
{
	return tt_shedmem_hash(s, 0xc612000a + (i >> 16), 0xc6120001,
			       (i & 0xffff) << 16 | 80, isn);
}

/* Tick @p s every 10 ms from @p *t to @p to. */
static void
tick_to(struct tt_shedmem *s, uint64_t *t, uint64_t to)
{
	while (*t < to) {
		*t = *t + 10000 < to ? *t + 10000 : to;
		tt_shedmem_tick(s, *t);
	}
}

/*
 * A shed SYN is remembered for two full generations at least and is
 * forgotten after three; its retransmission (same tuple, same ISN) is
 * recognised, a new incarnation (another ISN) is not.
 */
START_TEST(test_shedmem_generations)
{
	const uint64_t g = TT_SHEDMEM_GEN_US;
	struct tt_shedmem s;
	uint64_t t = 0;

	ck_assert_int_eq(tt_shedmem_init(&s, 16, 7, 0), 0);
	ck_assert(!tt_shedmem_test_set(&s, syn_h(&s, 1, 1000)));	/* shed: marked */
	ck_assert(!tt_shedmem_test_set(&s, syn_h(&s, 2, 2000)));
	ck_assert(tt_shedmem_test_set(&s, syn_h(&s, 1, 1000)));	/* its retry */
	ck_assert(!tt_shedmem_test_set(&s, syn_h(&s, 1, 5000)));	/* a new ISN */
	/* Late in the third generation (0, 1, 2): still known. */
	tick_to(&s, &t, 2 * g + g * 9 / 10);
	ck_assert_uint_eq(s.gen, 2);
	ck_assert(tt_shedmem_test_set(&s, syn_h(&s, 1, 1000)));	/* marked again, gen 2 */
	/* In the fourth, generation 0's marks are gone; tuple 1's of gen 2 are not. */
	tick_to(&s, &t, 3 * g + 1);
	ck_assert_uint_eq(s.gen, 3);
	ck_assert(!tt_shedmem_test_set(&s, syn_h(&s, 2, 2000)));
	ck_assert(tt_shedmem_test_set(&s, syn_h(&s, 1, 1000)));
	/* An lcore that did not tick for two generations keeps nothing. */
	tick_to(&s, &t, 3 * g + 10);
	tt_shedmem_tick(&s, 5 * g + 20);
	ck_assert(!tt_shedmem_test_set(&s, syn_h(&s, 1, 1000)));
	tt_shedmem_free(&s);
}
END_TEST

/*
 * The sweep: by the time a generation begins, its bits are clear in every
 * word (set three generations before), and the sweep leaves the other
 * generations' bits alone.
 */
START_TEST(test_shedmem_sweep)
{
	const uint64_t g = TT_SHEDMEM_GEN_US;
	struct tt_shedmem s;
	uint64_t t = 0, plane;
	uint32_t i, k, n, left;

	ck_assert_int_eq(tt_shedmem_init(&s, 14, 3, 0), 0);
	for (k = 0; k < 8; k++) {
		/* Marks in the current generation. */
		for (i = 0; i < 3000; i++)
			tt_shedmem_test_set(&s, syn_h(&s, k * 3000 + i, 1));
		/* 3/4 of the way in, the next generation's bits are all clear. */
		tick_to(&s, &t, k * g + g * TT_SHEDMEM_SWEEP_NUM / TT_SHEDMEM_SWEEP_DEN);
		plane = 0x1111111111111111ULL << ((s.gen + 1) & 3);
		for (i = 0, left = 0; i < s.n_words; i++)
			left += (s.w[i] & plane) != 0;
		ck_assert_uint_eq(left, 0);
		/* The current generation's marks are all there. */
		for (i = 0, n = 0; i < 3000; i++)
			n += tt_shedmem_test_set(&s, syn_h(&s, k * 3000 + i, 1));
		ck_assert_uint_eq(n, 3000);
		tick_to(&s, &t, (k + 1) * g);
	}
	tt_shedmem_free(&s);
}
END_TEST

/*
 * The keyed hash spreads a generator's tuples (one address, consecutive
 * ports, one ISN) over the slots: the share of new SYNs taken for retries
 * is what random slots give (about the share of slots set), and no marked
 * SYN is ever missed.
 */
START_TEST(test_shedmem_false_positives)
{
	struct tt_shedmem s;
	uint32_t i, seen = 0;

	ck_assert_int_eq(tt_shedmem_init(&s, 16, 11, 0), 0);
	/* 6,000 shed in 65,536 slots: 8.8% set. */
	for (i = 0; i < 6000; i++)
		tt_shedmem_test_set(&s, syn_h(&s, i, 12345));
	for (i = 0; i < 6000; i++)
		ck_assert(tt_shedmem_test_set(&s, syn_h(&s, i, 12345)));
	/* New SYNs, each marked after the test: from 8.8% to about 17% set. */
	for (i = 6000; i < 12000; i++)
		seen += tt_shedmem_test_set(&s, syn_h(&s, i, 12345));
	printf("shed SYN memory: %u of 6000 new SYNs taken for retries (~13%% expected)\n", seen);
	ck_assert_uint_lt(seen, 6000 * 18 / 100);
	ck_assert_uint_gt(seen, 6000 * 8 / 100);
	tt_shedmem_free(&s);
}
END_TEST

/*
 * Borrowing: at most a bucket's worth owed (a millisecond of the rate, a
 * burst at least), paid from the next admissions, whether limiting (the
 * tokens) or not (the next bursts); none when disabled.
 */
START_TEST(test_borrow)
{
	struct tt_admit a;
	uint64_t t = T0;
	uint32_t i, n, sum;

	/* Not limiting: a burst may be owed, and comes off the next poll. */
	tt_admit_init(&a, 32, true);
	ck_assert_uint_eq(tt_admit_update(&a, false, 0, 0, t++), 32);
	for (n = 0; tt_admit_borrow(&a); n++)
		;
	ck_assert_uint_eq(n, 32);
	ck_assert_uint_eq(tt_admit_update(&a, false, 0, 0, t++), 0);
	ck_assert_uint_eq(tt_admit_update(&a, false, 0, 0, t++), 32);
	ck_assert(tt_admit_borrow(&a));
	ck_assert_uint_eq(tt_admit_update(&a, false, 0, 0, t++), 31);

	/* Limiting at 100,000/s: 100 owed at most, paid before new SYNs get a token. */
	tt_admit_init(&a, 32, true);
	tt_admit_update(&a, true, 0, 0, t++);
	a.rate = 100000;
	a.tokens = 0;
	a.last_us = t;
	for (n = 0; tt_admit_borrow(&a); n++)
		;
	ck_assert_uint_eq(n, 100);
	/*
	 * The first millisecond's tokens pay the debt; then they pile up (none
	 * used) to the bucket's cap, a millisecond's worth.
	 */
	for (i = 0, sum = 0; i < 3000; i++) {
		uint16_t q = tt_admit_update(&a, true, 0, 0, t++);

		if (i < 990)
			ck_assert_uint_eq(q, 0);
		if (i == 1100)
			ck_assert_uint_ge(q, 9);
		sum = q;
	}
	ck_assert_uint_eq(sum, 100);
	ck_assert_uint_eq(a.debt, 0);

	tt_admit_init(&a, 32, false);
	ck_assert(!tt_admit_borrow(&a));
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
	tcase_add_test(tc, test_model_retries_first);
	tcase_add_test(tc, test_shedmem_generations);
	tcase_add_test(tc, test_shedmem_sweep);
	tcase_add_test(tc, test_shedmem_false_positives);
	tcase_add_test(tc, test_borrow);
	suite_add_tcase(s, tc);
	return s;
}
