/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory of shed SYNs (tt_shedmem.h): the table's allocation, its
 * generations and the incremental sweep.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp/tt_shedmem.h"

/* Each slot's bit of generation @p g, in every slot of a word. */
static inline uint64_t
gen_bits(uint32_t g)
{
	return 0x1111111111111111ULL << (g & 3);
}

/* SplitMix64 (Steele et al., 2014): the secret's words from a seed. */
static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int
tt_shedmem_init(struct tt_shedmem *s, unsigned int slots_log2, uint64_t seed, uint64_t now_us)
{
	uint64_t k0, k1;

	memset(s, 0, sizeof(*s));
	if (slots_log2 < 4)
		slots_log2 = 4;
	s->n_words = 1u << (slots_log2 - 4);
	/*
	 * calloc(): large, so mmap()ed zero pages, committed on the first
	 * write; a table nothing is ever shed into stays unbacked.
	 */
	s->w = calloc(s->n_words, sizeof(*s->w));
	if (s->w == NULL)
		return -ENOMEM;
	k0 = splitmix64(&seed);
	k1 = splitmix64(&seed);
	s->key[0] = (uint32_t)k0;
	s->key[1] = (uint32_t)(k0 >> 32);
	s->key[2] = (uint32_t)k1;
	s->key[3] = (uint32_t)(k1 >> 32);
	s->gen_us = now_us;
	return 0;
}

void
tt_shedmem_free(struct tt_shedmem *s)
{
	free(s->w);
	s->w = NULL;
}

/* Clear the next generation's bits in words [s->swept, @p to). */
static void
sweep_to(struct tt_shedmem *s, uint32_t to)
{
	uint64_t bits = gen_bits(s->gen + 1);
	uint32_t i;

	if (to <= s->swept)
		return;
	for (i = s->swept; i < to; i++)
		if (s->w[i] & bits)	/* untouched pages stay unwritten */
			s->w[i] &= ~bits;
	s->swept = to;
}

void
tt_shedmem_tick(struct tt_shedmem *s, uint64_t now_us)
{
	uint64_t el = now_us - s->gen_us;
	uint64_t due = (uint64_t)TT_SHEDMEM_GEN_US * TT_SHEDMEM_SWEEP_NUM / TT_SHEDMEM_SWEEP_DEN;

	if (now_us < s->gen_us)
		return;
	if (el >= 2 * (uint64_t)TT_SHEDMEM_GEN_US) {
		/*
		 * Not ticked for a generation or more (an lcore that lost its
		 * CPU): the marks' ages are unknown, so none is kept.
		 */
		uint32_t i;

		for (i = 0; i < s->n_words; i++)
			if (s->w[i] != 0)
				s->w[i] = 0;
		s->gen = (s->gen + 1) & 3;
		s->swept = 0;
		s->gen_us = now_us;
		return;
	}
	if (el >= TT_SHEDMEM_GEN_US) {
		sweep_to(s, s->n_words);
		s->gen = (s->gen + 1) & 3;
		s->swept = 0;
		s->gen_us += TT_SHEDMEM_GEN_US;
		el -= TT_SHEDMEM_GEN_US;
	}
	if (el >= due)
		sweep_to(s, s->n_words);
	else
		sweep_to(s, (uint32_t)((uint64_t)s->n_words * el / due));
}
