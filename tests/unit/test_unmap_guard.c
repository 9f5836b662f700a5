/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The unmap guard (app/tt_unmap_guard.h): munmap() from a thread that is not
 * a worker waits until every looping worker has passed its quiescent point,
 * so memory a worker read inside a "burst" is not unmapped under it.
 *
 * The race is made certain, not likely: the worker checks the "connected"
 * flag, then sleeps inside its burst before it reads the mapped page, and
 * the other thread clears the flag and unmaps during that sleep. Without
 * the guard the worker's read faults (SIGSEGV: the test binary dies); with
 * it munmap() returns only after the read, which the test checks.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <check.h>

#include "tt_test_util.h"
#include "tt_unmap_guard.h"

#define WORKER_ID 3

static struct {
	volatile uint64_t *page;
	volatile bool connected;	/* the driver's flag */
	volatile bool in_burst;		/* the worker checked the flag, is reading */
	volatile bool stop;
	volatile uint64_t reads;	/* bursts that read the page */
	volatile uint64_t sum;
	volatile uint64_t passes;
} g;

static void *
worker(void *arg)
{
	(void)arg;
	tt_unmap_guard_enter(WORKER_ID);
	while (!g.stop) {
		tt_unmap_guard_pass(WORKER_ID);
		g.passes++;
		if (__atomic_load_n(&g.connected, __ATOMIC_ACQUIRE)) {
			/* A burst: the flag was set when it started. */
			g.in_burst = true;
			usleep(50 * 1000);
			g.sum += g.page[7];
			g.reads++;
			g.in_burst = false;
		}
	}
	tt_unmap_guard_leave(WORKER_ID);
	return NULL;
}

START_TEST(test_unmap_waits_for_burst)
{
	pthread_t t;
	uint64_t reads_before;

	ck_assert(tt_unmap_guard_active);
	ck_assert_int_eq(tt_unmap_guard_init(), 0);
	memset(&g, 0, sizeof(g));
	g.page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(g.page != MAP_FAILED);
	g.page[7] = 42;
	g.connected = true;
	ck_assert_int_eq(pthread_create(&t, NULL, worker, NULL), 0);

	/* Catch the worker inside a burst, then do what memif_disconnect() does. */
	while (!g.in_burst)
		usleep(100);
	reads_before = g.reads;
	__atomic_store_n(&g.connected, false, __ATOMIC_RELEASE);
	ck_assert_int_eq(munmap((void *)g.page, 4096), 0);
	/* munmap() came back only after the burst that had started finished. */
	ck_assert_uint_eq(g.reads, reads_before + 1);
	ck_assert_uint_eq(g.sum, 42 * g.reads);
	/* And no burst starts after it. */
	usleep(20 * 1000);
	ck_assert_uint_eq(g.reads, reads_before + 1);

	g.stop = true;
	pthread_join(t, NULL);
	tt_unmap_guard_fini();
}
END_TEST

/* With no worker looping (before start, after the end), nothing waits. */
START_TEST(test_no_workers_no_wait)
{
	void *p;

	ck_assert_int_eq(tt_unmap_guard_init(), 0);
	ck_assert(tt_unmap_guard_wait(0));
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(p != MAP_FAILED);
	ck_assert_int_eq(munmap(p, 4096), 0);
	tt_unmap_guard_fini();
	/* And without the state at all. */
	ck_assert(tt_unmap_guard_wait(0));
}
END_TEST

/* A worker that never passes again (stopped in a debugger) bounds the wait. */
static void *
stuck_worker(void *arg)
{
	(void)arg;
	tt_unmap_guard_enter(WORKER_ID);
	g.in_burst = true;
	while (!g.stop)
		usleep(1000);
	tt_unmap_guard_leave(WORKER_ID);
	return NULL;
}

START_TEST(test_stuck_worker_bounded)
{
	pthread_t t;

	ck_assert_int_eq(tt_unmap_guard_init(), 0);
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(pthread_create(&t, NULL, stuck_worker, NULL), 0);
	while (!g.in_burst)
		usleep(100);
	ck_assert(!tt_unmap_guard_wait(30));
	g.stop = true;
	pthread_join(t, NULL);
	ck_assert(tt_unmap_guard_wait(30));
	tt_unmap_guard_fini();
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("unmap_guard");
	TCase *tc = tcase_create("qsbr");

	tcase_add_test(tc, test_unmap_waits_for_burst);
	tcase_add_test(tc, test_no_workers_no_wait);
	tcase_add_test(tc, test_stuck_worker_bounded);
	suite_add_tcase(s, tc);
	return s;
}
