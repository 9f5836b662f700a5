/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow index (tt_flowidx.h): a bucketized cuckoo table of
 * (signature, block index) slots, keys compared in the blocks.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "tcp/tt_flowidx.h"
#include "tcp/tt_tcp.h"

int
tt_flowidx_init(struct tt_flowidx *x, uint32_t max_flows, int socket)
{
	uint32_t b, i;

	memset(x, 0, sizeof(*x));
	/* A load of at most 1/2: 2 slots a flow, 16 bytes. */
	x->nb = RTE_MAX((uint32_t)(((uint64_t)max_flows + 3) / 4), 1u);
	x->bkt = rte_malloc_socket("tt_flowidx", (size_t)x->nb * sizeof(*x->bkt),
				   RTE_CACHE_LINE_SIZE, socket);
	if (x->bkt == NULL)
		return -ENOMEM;
	for (b = 0; b < x->nb; b++)
		for (i = 0; i < TT_FLOWIDX_WAYS; i++) {
			x->bkt[b].sig[i] = 0;
			x->bkt[b].idx[i] = TT_FLOWIDX_NIL;
		}
	return 0;
}

void
tt_flowidx_free(struct tt_flowidx *x)
{
	rte_free(x->bkt);
	x->bkt = NULL;
}

static inline bool
key_eq(const struct tt_conn *c, const struct tt_flow_key *k)
{
	return c->raddr == k->raddr && c->laddr == k->laddr && c->rport == k->rport &&
	       c->lport == k->lport;
}

static inline uint32_t
bkt_find(const struct tt_flowidx_bkt *bk, uint32_t sig, const struct tt_conn *conns,
	 const struct tt_flow_key *k)
{
	unsigned int i;

	for (i = 0; i < TT_FLOWIDX_WAYS; i++)
		if (bk->sig[i] == sig && bk->idx[i] != TT_FLOWIDX_NIL &&
		    key_eq(&conns[bk->idx[i]], k))
			return bk->idx[i];
	return TT_FLOWIDX_NIL;
}

uint32_t
tt_flowidx_lookup(const struct tt_flowidx *x, uint64_t h, const struct tt_conn *conns,
		  const struct tt_flow_key *k)
{
	uint32_t sig = tt_flowidx_sig(h), b = tt_flowidx_b1(x, h);
	uint32_t idx = bkt_find(&x->bkt[b], sig, conns, k);

	if (idx != TT_FLOWIDX_NIL)
		return idx;
	return bkt_find(&x->bkt[tt_flowidx_alt(x, b, sig)], sig, conns, k);
}

/* A free slot of bucket @p b, or -1. */
static inline int
bkt_free_slot(const struct tt_flowidx_bkt *bk)
{
	unsigned int i;

	for (i = 0; i < TT_FLOWIDX_WAYS; i++)
		if (bk->idx[i] == TT_FLOWIDX_NIL)
			return (int)i;
	return -1;
}

/* A bucket visited by make_room(): reached by moving slot @c slot of node @c parent. */
struct bfs_node {
	uint32_t b;
	int16_t parent;		/**< -1 for the two buckets of the new flow */
	uint8_t slot;
};

/*
 * Both buckets of a new flow are full: find, breadth first, a chain of
 * displacements (each entry to its other bucket) that ends in a bucket
 * with a free slot, and carry it out from its end. Returns the bucket
 * (@p r1 or @p r2) where a slot was freed, with the slot in @p slot, or
 * UINT32_MAX when TT_FLOWIDX_BFS buckets gave no room.
 */
static uint32_t
make_room(struct tt_flowidx *x, uint32_t r1, uint32_t r2, unsigned int *slot)
{
	struct bfs_node q[TT_FLOWIDX_BFS];
	unsigned int head = 0, tail = 0, s;

	q[tail++] = (struct bfs_node){ .b = r1, .parent = -1 };
	if (r2 != r1)
		q[tail++] = (struct bfs_node){ .b = r2, .parent = -1 };
	for (; head < tail; head++) {
		struct tt_flowidx_bkt *bk = &x->bkt[q[head].b];

		for (s = 0; s < TT_FLOWIDX_WAYS; s++) {
			uint32_t alt = tt_flowidx_alt(x, q[head].b, bk->sig[s]);
			struct tt_flowidx_bkt *ab = &x->bkt[alt];
			int f, n;

			if (alt == q[head].b)
				continue;
			f = bkt_free_slot(ab);
			if (f < 0) {
				if (tail < TT_FLOWIDX_BFS)
					q[tail++] = (struct bfs_node){ .b = alt,
								       .parent = (int16_t)head,
								       .slot = (uint8_t)s };
				continue;
			}
			/* Move the chain's last entry out, then each one into the slot freed. */
			ab->sig[f] = bk->sig[s];
			ab->idx[f] = bk->idx[s];
			n = (int)head;
			*slot = s;
			while (q[n].parent >= 0) {
				struct tt_flowidx_bkt *to = &x->bkt[q[n].b];
				struct tt_flowidx_bkt *from = &x->bkt[q[q[n].parent].b];

				to->sig[*slot] = from->sig[q[n].slot];
				to->idx[*slot] = from->idx[q[n].slot];
				*slot = q[n].slot;
				n = q[n].parent;
			}
			return q[n].b;
		}
	}
	return UINT32_MAX;
}

int
tt_flowidx_insert(struct tt_flowidx *x, uint64_t h, uint32_t idx)
{
	uint32_t sig = tt_flowidx_sig(h), b = tt_flowidx_b1(x, h), b2;
	unsigned int slot;
	int f;

	f = bkt_free_slot(&x->bkt[b]);
	if (f < 0) {
		b2 = tt_flowidx_alt(x, b, sig);
		f = bkt_free_slot(&x->bkt[b2]);
		if (f >= 0) {
			b = b2;
		} else {
			b = make_room(x, b, b2, &slot);
			if (b == UINT32_MAX)
				return -ENOSPC;
			f = (int)slot;
		}
	}
	x->bkt[b].sig[f] = sig;
	x->bkt[b].idx[f] = idx;
	x->n++;
	return 0;
}

int
tt_flowidx_remove(struct tt_flowidx *x, uint64_t h, uint32_t idx)
{
	uint32_t sig = tt_flowidx_sig(h), b = tt_flowidx_b1(x, h);
	unsigned int i, j;

	for (j = 0; j < 2; j++) {
		struct tt_flowidx_bkt *bk = &x->bkt[b];

		for (i = 0; i < TT_FLOWIDX_WAYS; i++)
			if (bk->idx[i] == idx && bk->sig[i] == sig) {
				bk->idx[i] = TT_FLOWIDX_NIL;
				bk->sig[i] = 0;
				x->n--;
				return 0;
			}
		b = tt_flowidx_alt(x, b, sig);
	}
	return -ENOENT;
}
