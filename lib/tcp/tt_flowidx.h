/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_FLOWIDX_H_
#define _TT_FLOWIDX_H_

/**
 * @file
 * The flow index of one lcore: 4-tuple -> connection block, without a key
 * store. A bucketized cuckoo table (Pagh and Rodler 2001; buckets of
 * several slots as in Dietzfelbinger and Weidling 2007, and as rte_hash
 * does): every flow has two candidate buckets of 8 slots, one cache line
 * each, a slot being the flow's 32-bit keyed signature and its block
 * index. The key itself is compared against the block's own laddr, raddr,
 * lport and rport, which the segment's processing reads next anyway.
 *
 * - The buckets of a flow come from its 64-bit keyed hash
 *   (tt_tcp_flow_hash64()): the first from the high half, the second
 *   from the first and the signature (the fold of both halves), so a
 *   bucket's slots do not share signature bits with the bucket number.
 *   b1 + b2 = g(sig) modulo the bucket count, so either bucket of an entry
 *   gives the other from what the slot holds: displacing an entry needs
 *   no block read, and the bucket count need not be a power of two.
 * - A lookup reads at most two lines of the index and compares keys only
 *   on a signature match: bounded, whatever the keys, also when an
 *   attacker makes their signatures collide (the 17th flow of one bucket
 *   pair is refused, -ENOSPC, counted flow_index_full).
 * - An insert takes a free slot of the first bucket, else of the second,
 *   else makes room by a breadth-first search of displacements
 *   (TT_FLOWIDX_BFS buckets at most). A delete clears its slot: no
 *   tombstones, nothing moves.
 * - Sized for max_flows at a load of at most 1/2: max_flows / 4 buckets,
 *   16 bytes per flow.
 */

#include <assert.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_prefetch.h>

#define TT_FLOWIDX_WAYS 8	/**< slots per bucket (one cache line) */
#define TT_FLOWIDX_NIL UINT32_MAX	/**< an empty slot's block index; no flow */
#define TT_FLOWIDX_BFS 64	/**< most buckets visited to make room */

struct tt_flowidx_bkt {
	uint32_t sig[TT_FLOWIDX_WAYS];	/**< keyed signature (tt_tcp_flow_sig()) */
	uint32_t idx[TT_FLOWIDX_WAYS];	/**< connection block, or TT_FLOWIDX_NIL */
} __rte_cache_aligned;
static_assert(sizeof(struct tt_flowidx_bkt) == 64, "one bucket, one cache line");

struct tt_flowidx {
	struct tt_flowidx_bkt *bkt;
	uint32_t nb;		/**< buckets */
	uint32_t n;		/**< entries */
};

struct tt_conn;
struct tt_flow_key;

/** Allocate an index for @p max_flows flows on @p socket. 0 or -ENOMEM. */
int tt_flowidx_init(struct tt_flowidx *x, uint32_t max_flows, int socket);
void tt_flowidx_free(struct tt_flowidx *x);

/** The signature of 64-bit flow hash @p h (what tt_tcp_flow_sig() returns). */
static inline uint32_t
tt_flowidx_sig(uint64_t h)
{
	return (uint32_t)(h ^ (h >> 32));
}

/** First bucket of hash @p h: Lemire's multiply-shift reduction of its high half. */
static inline uint32_t
tt_flowidx_b1(const struct tt_flowidx *x, uint64_t h)
{
	return (uint32_t)(((h >> 32) * x->nb) >> 32);
}

/** The other bucket of an entry of signature @p sig in bucket @p b. */
static inline uint32_t
tt_flowidx_alt(const struct tt_flowidx *x, uint32_t b, uint32_t sig)
{
	/* g(sig): the signature spread by a multiplicative hash, reduced. */
	uint32_t g = (uint32_t)(((uint64_t)(sig * 0x9e3779b1u) * x->nb) >> 32);

	return g >= b ? g - b : g + x->nb - b;
}

/** Bring both buckets of hash @p h into the cache (a lookup follows). */
static inline void
tt_flowidx_prefetch(const struct tt_flowidx *x, uint64_t h)
{
	uint32_t b1 = tt_flowidx_b1(x, h);

	rte_prefetch0(&x->bkt[b1]);
	rte_prefetch0(&x->bkt[tt_flowidx_alt(x, b1, tt_flowidx_sig(h))]);
}

/**
 * The first block whose signature matches hash @p h, or TT_FLOWIDX_NIL:
 * the block of the flow almost always (another flow with the same
 * signature among the 16 slots has a probability of about 2^-28); the
 * caller checks the block's 4-tuple and calls tt_flowidx_lookup() when it
 * is not the one.
 */
static inline uint32_t
tt_flowidx_candidate(const struct tt_flowidx *x, uint64_t h)
{
	uint32_t sig = tt_flowidx_sig(h), b = tt_flowidx_b1(x, h);
	const struct tt_flowidx_bkt *k = &x->bkt[b];
	unsigned int i;

	for (i = 0; i < TT_FLOWIDX_WAYS; i++)
		if (k->sig[i] == sig && k->idx[i] != TT_FLOWIDX_NIL)
			return k->idx[i];
	k = &x->bkt[tt_flowidx_alt(x, b, sig)];
	for (i = 0; i < TT_FLOWIDX_WAYS; i++)
		if (k->sig[i] == sig && k->idx[i] != TT_FLOWIDX_NIL)
			return k->idx[i];
	return TT_FLOWIDX_NIL;
}

/**
 * The block of 4-tuple @p k (hash @p h) among @p conns, or TT_FLOWIDX_NIL.
 * Compares the key with the blocks of matching signature only.
 */
uint32_t tt_flowidx_lookup(const struct tt_flowidx *x, uint64_t h, const struct tt_conn *conns,
			   const struct tt_flow_key *k);
/**
 * Add block @p idx under hash @p h (the 4-tuple has no entry yet). 0, or
 * -ENOSPC when neither bucket nor any displacement path found room.
 */
int tt_flowidx_insert(struct tt_flowidx *x, uint64_t h, uint32_t idx);
/** Remove the entry of block @p idx, added under hash @p h. 0, or -ENOENT. */
int tt_flowidx_remove(struct tt_flowidx *x, uint64_t h, uint32_t idx);

#endif /* _TT_FLOWIDX_H_ */
