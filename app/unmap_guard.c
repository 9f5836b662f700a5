/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * munmap() that waits for the poll loops (tt_unmap_guard.h says why).
 */

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include "tt_unmap_guard.h"

struct rte_rcu_qsbr *tt_unmap_qs;
static __thread bool unmap_is_worker;

#ifdef TT_UNMAP_GUARD
const bool tt_unmap_guard_active = true;
#else
const bool tt_unmap_guard_active = false;
#endif

int
tt_unmap_guard_init(void)
{
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	struct rte_rcu_qsbr *qs;

	if (!tt_unmap_guard_active)
		return 0;
	qs = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN_CEIL(sz, RTE_CACHE_LINE_SIZE));
	if (qs == NULL || rte_rcu_qsbr_init(qs, RTE_MAX_LCORE) != 0) {
		free(qs);
		return -1;
	}
	__atomic_store_n(&tt_unmap_qs, qs, __ATOMIC_RELEASE);
	return 0;
}

void
tt_unmap_guard_fini(void)
{
	struct rte_rcu_qsbr *qs = tt_unmap_qs;

	__atomic_store_n(&tt_unmap_qs, NULL, __ATOMIC_RELEASE);
	free(qs);
}

void
tt_unmap_guard_enter(unsigned int id)
{
	if (tt_unmap_qs == NULL || id >= RTE_MAX_LCORE)
		return;
	unmap_is_worker = true;
	rte_rcu_qsbr_thread_register(tt_unmap_qs, id);
	rte_rcu_qsbr_thread_online(tt_unmap_qs, id);
}

void
tt_unmap_guard_leave(unsigned int id)
{
	if (tt_unmap_qs == NULL || id >= RTE_MAX_LCORE)
		return;
	rte_rcu_qsbr_thread_offline(tt_unmap_qs, id);
	rte_rcu_qsbr_thread_unregister(tt_unmap_qs, id);
	unmap_is_worker = false;
}

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * The bound is for a worker that does not loop (stopped in a debugger):
 * then the unmap goes ahead as it would have without the guard.
 */
bool
tt_unmap_guard_wait(unsigned int timeout_ms)
{
	struct rte_rcu_qsbr *qs = __atomic_load_n(&tt_unmap_qs, __ATOMIC_ACQUIRE);
	uint64_t token, deadline;

	if (qs == NULL || unmap_is_worker)
		return true;
	/* The caller's stores (the driver's flag) are ordered before the token. */
	token = rte_rcu_qsbr_start(qs);
	deadline = mono_ms() + timeout_ms;
	while (rte_rcu_qsbr_check(qs, token, false) == 0) {
		if (mono_ms() >= deadline)
			return false;
		rte_pause();
	}
	return true;
}

#ifdef TT_UNMAP_GUARD
/*
 * The process's munmap(), the PMDs' included (shared objects that resolve it
 * through the executable: -Wl,--export-dynamic-symbol=munmap). glibc's own
 * unmaps (free(), thread stacks) call the system directly and never come
 * here.
 */
__attribute__((visibility("default"), used)) int
munmap(void *addr, size_t len)
{
	tt_unmap_guard_wait(1000);
	return (int)syscall(SYS_munmap, addr, len);
}
#endif
