/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The queue choice of an RSS NIC in software (see tt_rss_hash.h): DPDK's
 * rte_softrss() over the tuple a NIC hashes, and the RETA lookup.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_thash.h>

#include "tt_rss_hash.h"

const uint8_t tt_rss_key_microsoft[TT_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

const uint8_t tt_rss_key_symmetric[TT_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
tt_rss_key_parse(const char *s, uint8_t key[TT_RSS_KEY_LEN])
{
	unsigned int n = 0;
	int hi, lo;

	if (strcmp(s, "symmetric") == 0) {
		memcpy(key, tt_rss_key_symmetric, TT_RSS_KEY_LEN);
		return 0;
	}
	if (strcmp(s, "microsoft") == 0) {
		memcpy(key, tt_rss_key_microsoft, TT_RSS_KEY_LEN);
		return 0;
	}
	while (*s != '\0') {
		if (*s == ':' && n > 0) {
			s++;
			continue;
		}
		hi = hex_digit(s[0]);
		lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (lo < 0 || n == TT_RSS_KEY_LEN)
			return -EINVAL;
		key[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return n == TT_RSS_KEY_LEN ? 0 : -EINVAL;
}

void
tt_rss_key_format(const uint8_t key[TT_RSS_KEY_LEN], char *buf)
{
	unsigned int i;

	for (i = 0; i < TT_RSS_KEY_LEN; i++)
		sprintf(buf + 2 * i, "%02x", key[i]);
}

int
tt_rss_init(struct tt_rss *r, const uint8_t key[TT_RSS_KEY_LEN],
	    unsigned int reta_size, unsigned int n_queues)
{
	unsigned int i;

	if (n_queues == 0 || n_queues > UINT16_MAX ||
	    reta_size < TT_RSS_RETA_MIN || reta_size > TT_RSS_RETA_MAX ||
	    (reta_size & (reta_size - 1)) != 0)
		return -EINVAL;
	memcpy(r->key, key, TT_RSS_KEY_LEN);
	r->n_queues = (uint16_t)n_queues;
	r->reta_size = (uint16_t)reta_size;
	for (i = 0; i < reta_size; i++)
		r->reta[i] = (uint16_t)(i % n_queues);
	return 0;
}

uint32_t
tt_rss_hash_tcp4(const uint8_t key[TT_RSS_KEY_LEN], uint32_t src_ip,
		 uint32_t dst_ip, uint16_t src_port, uint16_t dst_port)
{
	struct rte_ipv4_tuple t;

	/*
	 * rte_softrss() reads 32-bit words in host order: the ports' word
	 * is sport << 16 | dport, i.e. the ports as they travel.
	 */
	t.src_addr = src_ip;
	t.dst_addr = dst_ip;
	t.sport = src_port;
	t.dport = dst_port;
	return rte_softrss((uint32_t *)&t, RTE_THASH_V4_L4_LEN, key);
}

uint32_t
tt_rss_hash_ip4(const uint8_t key[TT_RSS_KEY_LEN], uint32_t src_ip,
		uint32_t dst_ip)
{
	struct rte_ipv4_tuple t;

	t.src_addr = src_ip;
	t.dst_addr = dst_ip;
	t.sctp_tag = 0;
	return rte_softrss((uint32_t *)&t, RTE_THASH_V4_L3_LEN, key);
}

enum tt_rss_kind
tt_rss_classify(const struct tt_rss *r, const void *frame, uint32_t len,
		uint32_t *hash)
{
	const struct rte_ether_hdr *eth = frame;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *tcp;
	uint32_t ihl, src, dst;

	*hash = 0;
	if (len < sizeof(*eth) + sizeof(*ip) ||
	    eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return TT_RSS_NONE;
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
	ihl = (ip->version_ihl & 0x0f) * 4u;
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) ||
	    len < sizeof(*eth) + ihl)
		return TT_RSS_NONE;
	src = rte_be_to_cpu_32(ip->src_addr);
	dst = rte_be_to_cpu_32(ip->dst_addr);
	/*
	 * A fragment (more to come, or an offset) is hashed on its
	 * addresses, as the first fragment is: the ports are not in every
	 * fragment, and all of them must reach one queue.
	 */
	if (ip->next_proto_id == IPPROTO_TCP &&
	    (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG |
						    RTE_IPV4_HDR_OFFSET_MASK)) == 0 &&
	    len >= sizeof(*eth) + ihl + sizeof(*tcp)) {
		tcp = (const struct rte_tcp_hdr *)((const uint8_t *)ip + ihl);
		*hash = tt_rss_hash_tcp4(r->key, src, dst,
					 rte_be_to_cpu_16(tcp->src_port),
					 rte_be_to_cpu_16(tcp->dst_port));
		return TT_RSS_IPV4_TCP;
	}
	*hash = tt_rss_hash_ip4(r->key, src, dst);
	return TT_RSS_IPV4;
}
