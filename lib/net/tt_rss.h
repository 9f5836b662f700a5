/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_RSS_H_
#define _TT_RSS_H_

/**
 * @file
 * The Toeplitz hash of a NIC's RSS (Microsoft's "Receive Side Scaling"
 * specification, the hash every NIC computes over IPv4/TCP) with a port's
 * key and redirection table (RETA), so the client can open only the
 * tuples whose replies the NIC puts on its own queue.
 *
 * Toeplitz is linear over GF(2): the hash of a tuple is the XOR of the
 * hashes of its parts. The hash of a reply (remote address, local
 * address, remote port, local port) is therefore the hash of the first
 * three with local port 0, XOR the hash of the local port alone, and the
 * RETA index is the low bits of that XOR: a table of the local ports'
 * part, computed once, sorts the ports into buckets, and for a given
 * address/remote-port pair whole buckets land on one queue.
 */

#include <stdint.h>

#include "cfg/tt_cfg.h"

/** Largest RETA of a NIC tcpterm handles (entries). */
#define TT_RSS_RETA_MAX 512

/** One port's RSS: its key and RETA. Read-only once the port is set up. */
struct tt_rss {
	uint8_t key[TT_RSS_KEY_LEN];	/**< as the NIC takes it */
	uint32_t key_be[TT_RSS_KEY_LEN / 4];	/**< rte_convert_rss_key() of it */
	uint16_t reta_size;		/**< a power of two */
	uint16_t reta[TT_RSS_RETA_MAX];	/**< queue of each entry */
};

/** tcpterm's default key: 0x6d5a repeated, under which (a,b,p,q) and (b,a,q,p) hash alike. */
extern const uint8_t tt_rss_sym_key[TT_RSS_KEY_LEN];

/**
 * Fill @p r with @p key and the RETA @p reta of @p reta_size entries (a
 * power of two, at most TT_RSS_RETA_MAX); @p reta NULL: entry i = queue
 * (i % @p n_queues). Returns 0 or -EINVAL.
 */
int tt_rss_load(struct tt_rss *r, const uint8_t *key, const uint16_t *reta,
		unsigned int reta_size, unsigned int n_queues);

/**
 * The Toeplitz hash of an IPv4/TCP frame from @p src / @p sport to @p dst /
 * @p dport (host order), as the NIC computes it on that frame.
 */
uint32_t tt_rss_hash(const struct tt_rss *r, uint32_t src, uint32_t dst, uint16_t sport,
		     uint16_t dport);

/** The queue the NIC gives a frame of hash @p h. */
static inline uint16_t
tt_rss_queue(const struct tt_rss *r, uint32_t h)
{
	return r->reta[h & (r->reta_size - 1u)];
}

#endif /* _TT_RSS_H_ */
