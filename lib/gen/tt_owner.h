/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_OWNER_H_
#define _TT_OWNER_H_

/**
 * @file
 * Which lcore owns a connection, from its tuple alone, so that every lcore
 * computes it alike with no shared state (software steering, app/steer.c):
 *
 * - a local port in a client lcore's slice of [client] source_ports
 *   (tt_gen_sport_share()): that lcore, which opened the connection;
 * - any other local port (a server's listening port): the keyed flow hash
 *   of the 4-tuple (tt_tcp_flow_hash()), scaled to the number of lcores.
 *
 * The server cannot use "the lcore whose queue got the SYN": the segments
 * after it may arrive on another queue (the peer's queue choice may change
 * within a connection, as the kernel's does when it re-hashes a socket
 * after a timeout, or a NIC that hashes fragments or retransmissions
 * differently), and that lcore could only learn who took the SYN from
 * state shared between lcores, which the packet path must not touch.
 */

#include <stdint.h>

#include "cfg/tt_cfg.h"
#include "tcp/tt_tcp.h"

/** owner[] value of a local port whose connections are spread by the flow hash. */
#define TT_OWNER_BY_HASH 0xff
/** Most lcores the owner table describes. */
#define TT_OWNER_MAX (TT_OWNER_BY_HASH - 1)

/**
 * Fill @p owner (65,536 entries, by local port) for @p n lcores (at most
 * TT_OWNER_MAX) of configuration @p cfg.
 */
void tt_owner_fill(const struct tt_config *cfg, unsigned int n, uint8_t *owner);

/**
 * The lcore (worker index, below @p n) owning the connection of a segment
 * from @p raddr:@p rport to our @p laddr:@p lport (host order).
 */
static inline unsigned int
tt_owner_of(const uint8_t *owner, unsigned int n, uint32_t raddr, uint32_t laddr,
	    uint16_t rport, uint16_t lport)
{
	unsigned int o = owner[lport];
	struct tt_flow_key k;

	if (o != TT_OWNER_BY_HASH)
		return o;
	k = (struct tt_flow_key){ .raddr = raddr, .laddr = laddr, .rport = rport, .lport = lport };
	/* h * n / 2^32: the hash scaled to 0..n-1 without a division. */
	return (unsigned int)(((uint64_t)tt_tcp_flow_hash(&k, sizeof(k), 0) * n) >> 32);
}

#endif /* _TT_OWNER_H_ */
