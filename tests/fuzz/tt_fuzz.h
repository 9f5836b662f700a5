/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_FUZZ_H_
#define _TT_FUZZ_H_

/**
 * @file
 * Helpers shared by the libFuzzer harnesses of tests/fuzz/ (fuzz_<name>.c,
 * each defining LLVMFuzzerTestOneInput()): a reader that takes the fuzzer's
 * bytes as a program of operations, invariant checks that abort (so
 * libFuzzer, or the replay driver tt_fuzz_main.c, reports a crash with the
 * input that caused it), and the checks of a TCP engine's context after
 * every step (mbufs, gauges, sequence variables) used by the flow and pair
 * harnesses.
 *
 * The harnesses build their contexts with the unit tests' helpers
 * (tests/unit/tt_test_util.h): the EAL without hugepages or devices, the
 * test mbuf pool, the layer 2/3 context and the frame builders.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tt_test_util.h"
#include "cfg/tt_cfg.h"
#include "tcp/tt_tcp.h"

/** The libFuzzer entry points (the replay driver calls them the same way). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/**
 * An invariant that must hold whatever the input: on failure, print the
 * message and abort (a crash for libFuzzer, with the input saved).
 */
#define TT_FUZZ_CHECK(cond, ...) do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant failed: %s: ", \
				__FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

/** The fuzzer's input read front to back; past the end every read is 0. */
struct tt_fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline bool
tt_fuzz_more(const struct tt_fuzz_in *in)
{
	return in->n > 0;
}

static inline uint8_t
tt_fuzz_u8(struct tt_fuzz_in *in)
{
	uint8_t v;

	if (in->n == 0)
		return 0;
	v = *in->p++;
	in->n--;
	return v;
}

static inline uint16_t
tt_fuzz_u16(struct tt_fuzz_in *in)
{
	uint16_t hi = tt_fuzz_u8(in);

	return (uint16_t)(hi << 8 | tt_fuzz_u8(in));
}

static inline uint32_t
tt_fuzz_u32(struct tt_fuzz_in *in)
{
	uint32_t hi = tt_fuzz_u16(in);

	return hi << 16 | tt_fuzz_u16(in);
}

/**
 * Up to @p max bytes of the input (fewer at its end), taken as they are:
 * returns a pointer into the input and their count in @p len.
 */
const uint8_t *tt_fuzz_bytes(struct tt_fuzz_in *in, size_t max, size_t *len);

/**
 * Start the EAL (tt_test_eal_init(): no hugepages, no PCI, no shared
 * config) and the test pool, once per process, with EAL logs at error
 * level and tcpterm's own logs silenced (a harness runs millions of
 * inputs; TT_FUZZ_LOG=1 keeps them).
 */
void tt_fuzz_eal_init(void);

/**
 * Make @p t's layer 2/3 as an input starts: its statistics zeroed, its
 * clock at TT_TEST_T0_US, its ARP table empty under the hash key of the
 * first call (kept: every input sees the same table, whatever the inputs
 * before it drew from rte_rand(), and a copy costs less than
 * tt_arp_init()).
 */
void tt_fuzz_net_reset(struct tt_test_ctx *t);

/** Mbufs held by the echo applications of @p ctx's connections. */
unsigned int tt_fuzz_echo_held(const struct tt_tcp_ctx *ctx);

/**
 * The checks made after every step of the flow and pair harnesses, on a
 * context whose TX queue @p txq has not been emptied yet:
 * - every block not CLOSED is counted in in_use and in its state's gauge;
 *   each state's gauge equals the transitions into it less those out of
 *   it; LISTEN counts the listeners (@p n_listen);
 * - for every connection, snd_una <= snd_nxt <= snd_max (in sequence
 *   space), nothing was sent past the end of the queued stream (snd_end,
 *   and the FIN once queued), and that stream, from snd_una, is below 2^31;
 * - no mbuf is left in ctx->spare outside an input burst.
 * Returns the mbufs the context holds (queued for TX, held by echo, held
 * out of order for reassembly) for the caller to compare with the pool.
 */
unsigned int tt_fuzz_check_tcp(const struct tt_tcp_ctx *ctx, const struct tt_stats *st,
			       const struct tt_txq *txq, unsigned int n_listen);

/**
 * Load a configuration made of defaults and the "section.key=value"
 * overrides in @p sets (a NULL-terminated list), through the real loader
 * and its cross-checks. Returns 0, or -1 when the loader refuses the
 * combination (the harness skips the input; TT_FUZZ_LOG=1 prints why).
 */
int tt_fuzz_cfg(struct tt_config *cfg, const char *const *sets);

/** Loads into @p cfg the configuration that @p key stands for (tt_fuzz_cfg()'s result). */
typedef int (*tt_fuzz_cfg_fn)(struct tt_config *cfg, uint32_t key);

/**
 * The configuration of engine @p which (0 or 1) that @p key stands for,
 * made by @p load the first time and then kept, with the loader's answer,
 * in a table of 1,024 per engine (a key displaces the one in
 * its slot). A harness takes its configuration from a few bytes of each
 * input, and loading it through the loader's checks cost the flow harness
 * a quarter of its time (docs/testing.md). @p load must depend on @p key
 * only, so a kept configuration is the one the loader would give.
 * Returns it (valid until the next call for @p which), or NULL when the
 * loader refused it.
 */
const struct tt_config *tt_fuzz_cfg_get(unsigned int which, uint32_t key, tt_fuzz_cfg_fn load);

/**
 * A TCP engine on @p t's interface with its applications (lib/l7, no
 * generator's meter), its clock at the test clock, the timer wheel started.
 * Before it, rte_srand() with a fixed seed, plus @p which: the ISNs and the
 * flow table's seed then depend on the input only, so a crash replays, and
 * two engines (@p which 0 and 1) differ as two lcores do (and so do their
 * flow tables' names, which come from rte_rand()).
 */
struct tt_tcp_ctx *tt_fuzz_engine_new(const struct tt_config *cfg, struct tt_test_ctx *t,
				      unsigned int which);

/** The engine, then its applications (whose events its teardown still raises). */
void tt_fuzz_engine_free(struct tt_tcp_ctx *ctx);

/**
 * A step of the clock read from the input, in microseconds, on four
 * scales: 10 us, 1 ms, 100 ms and 1 s steps (up to 63 of them).
 */
uint64_t tt_fuzz_clock_step(struct tt_fuzz_in *in);

/** Move the test clock by @p us and run @p ctx's timers. */
void tt_fuzz_engine_time(struct tt_tcp_ctx *ctx, struct tt_test_ctx *t, uint64_t us);

/**
 * Parse, as the lcore loop does, the frames of @p n mbufs that arrived on
 * @p t's interface, and feed those it accepts to @p ctx as one burst; the
 * frames it drops (a peer's flags that no segment may carry) are freed.
 * Returns how many were fed.
 */
unsigned int tt_fuzz_input(struct tt_tcp_ctx *ctx, struct tt_test_ctx *t, struct rte_mbuf **m,
		   unsigned int n);

/**
 * Each frame @p ctx queued (all of t->txq) must be a valid IPv4/TCP frame
 * with correct checksums, of at most MTU bytes, from our address.
 */
void tt_fuzz_check_output(const struct tt_test_ctx *t);

/**
 * With TT_FUZZ_TRACE set, the flow and pair harnesses print a line per
 * operation: its number and byte, the connection of the 4-tuple (state,
 * snd_una, snd_nxt, snd_max, snd_end, rcv_nxt, flags) and each frame
 * queued for TX (flags, seq, ack, window, payload bytes). For reading a
 * crash: TT_FUZZ_TRACE=1 build-fuzz/tests/fuzz/fuzz_tcp_flow CRASH-FILE.
 */
void tt_fuzz_trace(struct tt_tcp_ctx *ctx, const struct tt_test_ctx *t, unsigned int n,
		   uint8_t op, uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport);

#endif /* _TT_FUZZ_H_ */
