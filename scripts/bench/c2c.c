/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Core-to-core latency: two threads pinned to CPUs A and B bounce one
 * cache line (a counter each increments in turn) for a given time and
 * print the mean round trip in nanoseconds. scripts/bench.sh runs it
 * beside the memif measurements, whose speed follows this latency.
 *
 * Usage: c2c CPU_A CPU_B SECONDS
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static _Alignas(64) _Atomic uint64_t line;
static _Atomic int stop;

struct side {
	int cpu;
	uint64_t parity;	/**< it moves the line on when the count has this parity */
};

static void
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0) {
		fprintf(stderr, "c2c: cannot pin to CPU %d\n", cpu);
		exit(1);
	}
}

static void *
bounce(void *arg)
{
	struct side *s = arg;
	uint64_t v;

	pin(s->cpu);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		v = atomic_load_explicit(&line, memory_order_acquire);
		if ((v & 1) == s->parity)
			atomic_store_explicit(&line, v + 1, memory_order_release);
	}
	return NULL;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct side a = { 0, 0 }, b = { 0, 1 };
	pthread_t ta, tb;
	struct timespec d;
	double secs, t0, t1;
	uint64_t n0;

	if (argc != 4) {
		fprintf(stderr, "usage: c2c CPU_A CPU_B SECONDS\n");
		return 2;
	}
	a.cpu = atoi(argv[1]);
	b.cpu = atoi(argv[2]);
	secs = atof(argv[3]);
	pthread_create(&ta, NULL, bounce, &a);
	pthread_create(&tb, NULL, bounce, &b);
	t0 = now_s();
	n0 = atomic_load(&line);
	d.tv_sec = (time_t)secs;
	d.tv_nsec = (long)((secs - (double)d.tv_sec) * 1e9);
	nanosleep(&d, NULL);
	t1 = now_s();
	/* One round trip = two hand-overs of the line. */
	printf("%.1f\n", (t1 - t0) * 1e9 / ((double)(atomic_load(&line) - n0) / 2));
	atomic_store(&stop, 1);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	return 0;
}
