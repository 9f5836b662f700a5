/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_TW_H_
#define _TT_TW_H_

/**
 * @file
 * The compact TIME_WAIT table of one lcore. A connection entering
 * TIME_WAIT gives its connection block and flow table entry back at once
 * and keeps here only what RFC 9293 3.10.7.4 (TIME-WAIT), RFC 6191 and
 * RFC 7323 need: the 4-tuple, both sequence numbers, TS.Recent, the
 * window it advertised and its 2*MSL deadline (36 bytes).
 *
 * Every entry waits the same 2*MSL, so entries expire in the order they
 * were made (mTCP's observation): they live in a FIFO ring, and expiry
 * pops the head, with no timer. A retransmitted FIN restarts the wait by
 * moving its entry to the tail (the old slot is left dead). Entries ended
 * early (a new incarnation, an RST, our own reuse) are marked dead in
 * place; dead slots are reclaimed when they reach the head.
 *
 * The lookup is an open-addressing index of 2 * ring slots (load at most
 * 1/2), 8 bytes a slot: the flow signature (tt_tcp_flow_sig(), keyed) and
 * the ring slot. Linear probing with backward-shift deletion (Knuth, TAOCP
 * 6.4 Algorithm R), so there are no tombstones and a miss usually reads
 * one cache line of the index and no entry. 36 + 16 = 52 bytes an entry.
 */

#include <assert.h>
#include <stdint.h>

#include <rte_prefetch.h>

/* Entry flags. */
#define TT_TWF_TS	0x01	/**< timestamps in use */
#define TT_TWF_ACTIVE	0x02	/**< we opened it (our own tuple, tcp.tw_reuse) */
#define TT_TWF_DEAD	0x04	/**< ended: the slot waits to reach the head */

struct tt_tw_entry {
	uint32_t raddr;		/**< host order, as the flow key */
	uint32_t laddr;
	uint16_t rport;
	uint16_t lport;
	uint32_t snd_nxt;	/**< our SND.NXT, past our FIN */
	uint32_t rcv_nxt;	/**< past the peer's FIN */
	uint32_t ts_recent;	/**< RFC 7323 4.3 */
	uint32_t expire_ms;	/**< end of the 2*MSL wait */
	/**
	 * When a segment of the peer last arrived or we last sent one: the
	 * peer's newest TSval is older, and our newest TSval (our ms clock)
	 * is this (tcp.tw_reuse waits from here).
	 */
	uint32_t last_ms;
	uint16_t wnd;		/**< window field of our ACKs (already scaled down) */
	uint8_t rcv_ws;		/**< our window scale on the connection */
	uint8_t flags;		/**< TT_TWF_* */
};
static_assert(sizeof(struct tt_tw_entry) == 36, "36-byte TIME_WAIT entry");

/** Index slot with no entry (its low 32 bits, the ring slot). */
#define TT_TW_NIL UINT32_MAX

struct tt_tw_table {
	struct tt_tw_entry *ring;	/**< FIFO of entries, oldest at head */
	uint64_t *index;		/**< sig << 32 | ring slot, or TT_TW_NIL */
	uint32_t cap;			/**< ring slots (tcp.max_time_wait) */
	uint32_t n_index;		/**< index slots: 2 * cap */
	uint32_t head;			/**< ring slot of the oldest entry */
	uint32_t used;			/**< ring slots from head on, dead or alive */
	uint32_t live;			/**< entries in TIME_WAIT */
};

/** Allocate a table of @p cap entries on @p socket. 0 or -ENOMEM. */
int tt_tw_init(struct tt_tw_table *t, uint32_t cap, int socket);
void tt_tw_free(struct tt_tw_table *t);

/** The index slot where the search for signature @p sig starts. */
static inline uint32_t
tt_tw_home(const struct tt_tw_table *t, uint32_t sig)
{
	/* Lemire's multiply-shift range reduction: any index size, no division. */
	return (uint32_t)(((uint64_t)sig * t->n_index) >> 32);
}

/** Bring the index line of signature @p sig into the cache (a lookup follows). */
static inline void
tt_tw_prefetch(const struct tt_tw_table *t, uint32_t sig)
{
	if (t->live != 0)
		rte_prefetch0(&t->index[tt_tw_home(t, sig)]);
}

/** The ring slot of the entry of this 4-tuple (signature @p sig), or TT_TW_NIL. */
uint32_t tt_tw_find(const struct tt_tw_table *t, uint32_t sig, uint32_t raddr,
		    uint32_t laddr, uint16_t rport, uint16_t lport);

#endif /* _TT_TW_H_ */
