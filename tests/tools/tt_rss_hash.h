/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The queue choice of an RSS NIC, in software, for the RSS emulator
 * (tests/tools/tt_rss_emu.c) and its unit test (test_rss_hash.c):
 * the Toeplitz hash of a frame's IPv4 addresses and TCP ports under a
 * 40-byte key, and the redirection table (RETA) that maps the hash's low
 * bits to a queue, filled i % n_queues as drivers fill it by default.
 *
 * What is hashed is what a NIC configured for RTE_ETH_RSS_IP |
 * RTE_ETH_RSS_TCP hashes (Microsoft's "Receive Side Scaling" spec, "RSS
 * hashing types"): TCP over IPv4, not a fragment: source address,
 * destination address, source port, destination port; any other IPv4
 * datagram (UDP, ICMP, a fragment): the two addresses; anything else
 * (ARP, IPv6, VLAN-tagged): no hash, queue 0.
 */

#ifndef _TT_RSS_HASH_H_
#define _TT_RSS_HASH_H_

#include <stdint.h>

#define TT_RSS_KEY_LEN 40	/* bytes of a Toeplitz key (40 for IPv4/IPv6) */
#define TT_RSS_RETA_MIN 64
#define TT_RSS_RETA_MAX 512
#define TT_RSS_RETA_DEFAULT 128

/* What the hash of a frame covered. */
enum tt_rss_kind {
	TT_RSS_NONE,		/* not IPv4: no hash, queue 0 */
	TT_RSS_IPV4,		/* IPv4 addresses only */
	TT_RSS_IPV4_TCP,	/* IPv4 addresses and TCP ports */
};

/* One port's RSS: the key, and the RETA for its number of queues. */
struct tt_rss {
	uint8_t key[TT_RSS_KEY_LEN];
	uint16_t n_queues;
	uint16_t reta_size;	/* a power of two */
	uint16_t reta[TT_RSS_RETA_MAX];
};

/* Microsoft's key of the RSS verification suite, and many NICs' default. */
extern const uint8_t tt_rss_key_microsoft[TT_RSS_KEY_LEN];
/* 0x6d5a repeated: hash(a -> b) == hash(b -> a) (Woo and Park, 2012). */
extern const uint8_t tt_rss_key_symmetric[TT_RSS_KEY_LEN];

/*
 * Parse a key: "symmetric", "microsoft", or 80 hex digits (pairs may be
 * separated by ':'). Returns 0, or -EINVAL.
 */
int tt_rss_key_parse(const char *s, uint8_t key[TT_RSS_KEY_LEN]);

/* Format a key as 80 hex digits into @p buf (at least 81 bytes). */
void tt_rss_key_format(const uint8_t key[TT_RSS_KEY_LEN], char *buf);

/*
 * Set up @p r: copy the key, fill a RETA of @p reta_size entries (a power
 * of two, TT_RSS_RETA_MIN..TT_RSS_RETA_MAX) with i % n_queues. Returns 0,
 * or -EINVAL for a bad size or no queue.
 */
int tt_rss_init(struct tt_rss *r, const uint8_t key[TT_RSS_KEY_LEN],
		unsigned int reta_size, unsigned int n_queues);

/*
 * The Toeplitz hash of TCP/IPv4 (addresses and ports in host order, as
 * they travel: source first).
 */
uint32_t tt_rss_hash_tcp4(const uint8_t key[TT_RSS_KEY_LEN], uint32_t src_ip,
			  uint32_t dst_ip, uint16_t src_port, uint16_t dst_port);

/* The Toeplitz hash of the IPv4 addresses alone. */
uint32_t tt_rss_hash_ip4(const uint8_t key[TT_RSS_KEY_LEN], uint32_t src_ip,
			 uint32_t dst_ip);

/*
 * Classify an Ethernet frame of @p len bytes: its hash into @p hash (0
 * when there is none) and what it covered.
 */
enum tt_rss_kind tt_rss_classify(const struct tt_rss *r, const void *frame,
				 uint32_t len, uint32_t *hash);

/* The queue a NIC with @p r puts the frame on. */
static inline uint16_t
tt_rss_queue_of(const struct tt_rss *r, enum tt_rss_kind kind, uint32_t hash)
{
	if (kind == TT_RSS_NONE)
		return 0;
	return r->reta[hash & (uint32_t)(r->reta_size - 1)];
}

#endif /* _TT_RSS_HASH_H_ */
