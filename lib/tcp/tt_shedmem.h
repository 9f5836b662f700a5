/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_SHEDMEM_H_
#define _TT_SHEDMEM_H_

/**
 * @file
 * Memory of shed SYNs: the connection attempts an overloaded lcore turned
 * away in the last seconds, so that their retransmissions are admitted
 * before new attempts (tt_admit_borrow() in tt_admit.h).
 *
 * Why. Under overload the admission control (tt_admit.h) sheds SYNs
 * without looking at them. A peer retries a shed SYN a few times and then
 * gives the connection up (dperf: 4 SYNs 2 s apart; Linux: 6, 1 s apart
 * and doubling, RFC 6298 5.5), so an attempt fails when every one of its
 * SYNs falls among the shed ones while others get through at their first:
 * failures by chance, at a goodput the lcore sustains. Admitting a SYN
 * that was shed before ahead of new ones, borrowing from the admissions
 * that follow (the rate admitted stays the same), lets each attempt
 * through at its second try while the retries fit in what is admitted.
 *
 * How. A table of 2^slots_log2 slots of four generation bits, sixteen to a
 * 64-bit word, indexed by a keyed hash of the SYN's 4-tuple and sequence
 * number: a retransmitted SYN carries the ISN of the first (RFC 9293
 * 3.8.1), a new incarnation of the tuple another one. A shed SYN sets its
 * slot's bit of the current generation. A SYN whose slot has a bit of the
 * current or one of the two previous generations set was shed before, or
 * shares its slot with one that was (a false positive, which gives a new
 * attempt priority; never a retry none). A generation lasts
 * TT_SHEDMEM_GEN_US, so a shed SYN is remembered for two to three of them
 * (3 to 4.5 s: dperf's interval, and Linux's first two). The fourth
 * generation's bits are cleared while the current one runs, a share of
 * the table at each tick, so no poll pays for a whole sweep.
 *
 * The hash is NH under a random secret (as the flow table's, tt_tcp_priv.h)
 * finished by a bijective mix: a peer cannot aim its SYNs at the slots of
 * others' to take their priority. What a peer can do, retransmit its own
 * SYNs, earns it no more than any retrying client gets.
 *
 * The table is anonymous memory (calloc), committed by the kernel page by
 * page on the first write: the sweep writes only the words it changes, so
 * an lcore that never sheds costs no memory. A lookup reads and writes one
 * word; it is only made for a SYN that arrives while the quota is spent.
 */

#include <stdbool.h>
#include <stdint.h>

/* Slots by default: 2^24 (8 MiB), about 9% of them set by a million SYNs shed a second. */
#define TT_SHEDMEM_SLOTS_LOG2 24
/* A generation's length: shed SYNs are remembered for 2 to 3 of them. */
#define TT_SHEDMEM_GEN_US 1500000
/* The next generation's bits are all cleared by this share of the current one. */
#define TT_SHEDMEM_SWEEP_NUM 3
#define TT_SHEDMEM_SWEEP_DEN 4

struct tt_shedmem {
	uint64_t *w;		/**< 16 slots of 4 generation bits a word */
	uint32_t n_words;	/**< a power of 2 */
	uint32_t gen;		/**< the current generation, 0-3 */
	uint32_t swept;		/**< words of the next generation's bits cleared */
	uint32_t key[4];	/**< the hash's secret */
	uint64_t gen_us;	/**< start of the current generation */
};

/**
 * A table of 2^@p slots_log2 slots (at least 16), its secret from
 * @p seed, its first generation starting at @p now_us. 0, or -ENOMEM.
 */
int tt_shedmem_init(struct tt_shedmem *s, unsigned int slots_log2, uint64_t seed,
		    uint64_t now_us);
void tt_shedmem_free(struct tt_shedmem *s);

/**
 * Advance to @p now_us: clear the share of the next generation's bits due
 * by then, and start a new generation when the current one has lasted
 * TT_SHEDMEM_GEN_US. Called from the lcore's control work.
 */
void tt_shedmem_tick(struct tt_shedmem *s, uint64_t now_us);

/** The keyed hash of a SYN: addresses, ports and sequence number as they lie in the header. */
static inline uint64_t
tt_shedmem_hash(const struct tt_shedmem *s, uint32_t src_addr, uint32_t dst_addr,
		uint32_t ports, uint32_t seq)
{
	uint64_t a = (uint32_t)(src_addr + s->key[0]);
	uint64_t b = (uint32_t)(dst_addr + s->key[1]);
	uint64_t c = (uint32_t)(ports + s->key[2]);
	uint64_t d = (uint32_t)(seq + s->key[3]);
	uint64_t h = a * b + c * d;

	/* MurmurHash3's fmix64: every bit of NH's sum over the slot index. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/** The word of hash @p h, to prefetch a burst's lookups ahead of them. */
static inline const uint64_t *
tt_shedmem_word(const struct tt_shedmem *s, uint64_t h)
{
	return &s->w[(h >> 4) & (s->n_words - 1)];
}

/**
 * Whether the SYN of hash @p h was shed in the current or one of the two
 * previous generations (or shares a slot with one that was); marks it
 * shed in the current generation either way.
 */
static inline bool
tt_shedmem_test_set(struct tt_shedmem *s, uint64_t h)
{
	uint64_t *w = &s->w[(h >> 4) & (s->n_words - 1)];
	unsigned int shift = (unsigned int)(h & 15) * 4;
	uint64_t v = *w;
	/* Every generation but the next one, whose bits are being cleared. */
	uint64_t live = (uint64_t)(0xf & ~(1u << ((s->gen + 1) & 3))) << shift;
	uint64_t bit = 1ULL << (shift + s->gen);

	if ((v & bit) == 0)
		*w = v | bit;
	return (v & live) != 0;
}

#endif /* _TT_SHEDMEM_H_ */
