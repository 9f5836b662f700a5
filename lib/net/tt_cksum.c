/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checksums: thin wrappers over DPDK's helpers, and the TX decision between
 * offload and software (the model is app/test-pmd/csumonly.c).
 */

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "net/tt_net.h"

/*
 * Raw one's complement sum of @p len bytes, like DPDK's __rte_raw_cksum()
 * (same result, same unfolded 32-bit form for __rte_raw_cksum_reduce()),
 * but adding wider words and folding the carries once at the end: the one's
 * complement sum does not depend on the word size (RFC 1071 2(B)). With
 * SSE2 (every x86-64), 16 bytes go in as eight 16-bit words, each zero-
 * extended into a 32-bit lane (a mask and a shift) and added; the lanes
 * cannot overflow below 2^16 iterations, 1 MiB, far above any segment or
 * template. Elsewhere, 32-bit words into a 64-bit accumulator. The tail
 * takes a fixed number of steps (8, 4, 2, 1 bytes) rather than a loop.
 * Fewer instructions per byte than 16-bit words matter on ports without
 * checksum offload (ring, memif, pcap); docs/benchmarks.md has the count.
 */
static inline uint32_t
tt_raw_sum(const void *buf, uint32_t len, uint32_t sum0)
{
	const uint8_t *p = buf;
	uint64_t sum = sum0, w8;
	uint32_t w4;
	uint16_t h;

#ifdef __SSE2__
	if (len >= 16) {
		const __m128i lo16 = _mm_set1_epi32(0xffff);
		__m128i acc = _mm_setzero_si128(), v;
		uint32_t lanes[4];

		while (len >= 32) {
			v = _mm_loadu_si128((const __m128i *)(const void *)p);
			acc = _mm_add_epi32(acc, _mm_and_si128(v, lo16));
			acc = _mm_add_epi32(acc, _mm_srli_epi32(v, 16));
			v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
			acc = _mm_add_epi32(acc, _mm_and_si128(v, lo16));
			acc = _mm_add_epi32(acc, _mm_srli_epi32(v, 16));
			p += 32;
			len -= 32;
		}
		if (len >= 16) {
			v = _mm_loadu_si128((const __m128i *)(const void *)p);
			acc = _mm_add_epi32(acc, _mm_and_si128(v, lo16));
			acc = _mm_add_epi32(acc, _mm_srli_epi32(v, 16));
			p += 16;
			len -= 16;
		}
		_mm_storeu_si128((__m128i *)(void *)lanes, acc);
		sum += (uint64_t)lanes[0] + lanes[1] + lanes[2] + lanes[3];
	}
#else
	while (len >= 16) {
		uint32_t w[4];

		memcpy(w, p, 16);
		sum += (uint64_t)w[0] + w[1] + w[2] + w[3];
		p += 16;
		len -= 16;
	}
#endif
	if (len >= 8) {
		memcpy(&w8, p, 8);
		sum += (w8 & 0xffffffff) + (w8 >> 32);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		memcpy(&w4, p, 4);
		sum += w4;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len)
		sum += *p;	/* the odd byte, as the first byte of a 16-bit word */
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	return (uint32_t)sum;
}

uint32_t
tt_cksum_raw(const void *buf, uint32_t len)
{
	return tt_raw_sum(buf, len, 0);
}

/*
 * IPv4 header checksum of @p ip (options included), with the checksum
 * field taken as it is: set it to 0 to compute the value to store; over a
 * header with a correct checksum the result is 0.
 */
uint16_t
tt_ipv4_cksum(const struct rte_ipv4_hdr *ip)
{
	/*
	 * The usual 20-byte header: two 64-bit words and a 32-bit one, summed
	 * as 32-bit halves in registers (every received frame is checked:
	 * the vector loop's set-up cost more than the sum); options: the long
	 * way.
	 */
	if (likely((ip->version_ihl & 0x0f) == 5)) {
		uint64_t a, b;
		uint32_t c;

		memcpy(&a, ip, 8);
		memcpy(&b, (const uint8_t *)ip + 8, 8);
		memcpy(&c, (const uint8_t *)ip + 16, 4);
		return (uint16_t)~tt_cksum_fold((a & 0xffffffff) + (a >> 32) +
						(b & 0xffffffff) + (b >> 32) + c);
	}
	return rte_ipv4_cksum(ip);
}

/*
 * TCP checksum over the pseudo header (addresses and protocol of @p ip,
 * length @p l4_len), the TCP header and the payload. The result is stored
 * as is into the TCP header (it is already in network order in memory).
 * With the checksum field set to 0 it is the value to store; over a segment
 * whose checksum is correct it is 0. Unlike rte_ipv4_udptcp_cksum(), the
 * length comes from the caller, not from ip->total_length.
 */
uint16_t
tt_tcp_cksum(const struct rte_ipv4_hdr *ip, const void *l4, uint16_t l4_len)
{
	uint64_t ph;
	uint32_t sum;

	/*
	 * The pseudo header (RFC 9293 3.1): both addresses as 32-bit words
	 * (their two 16-bit halves, as stored), protocol and length; at most
	 * a few carries, folded by tt_raw_sum() with the rest.
	 */
	ph = (uint64_t)ip->src_addr + ip->dst_addr +
	     rte_cpu_to_be_16((uint16_t)ip->next_proto_id) + rte_cpu_to_be_16(l4_len);
	ph = (ph & 0xffffffff) + (ph >> 32);
	sum = tt_raw_sum(l4, l4_len, (uint32_t)ph);
	return (uint16_t)~__rte_raw_cksum_reduce(sum);
}

/* TX flags that this function owns and recomputes on every call. */
#define TT_TX_CKSUM_FLAGS (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | \
			   RTE_MBUF_F_TX_L4_MASK)

/*
 * Raw (not complemented, not folded) sum of @p len bytes at offset @p off
 * of @p m: straight from the first segment when they are all there, else
 * over the chain. (rte_raw_cksum_mbuf() of DPDK 22.11 loses carries when
 * a segment ends at an odd offset, so the chain is walked here.) Returns 0
 * when the chain is shorter than @p off + @p len.
 */
static uint32_t
tt_cksum_l4_sum(const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	const struct rte_mbuf *seg;
	uint32_t sum = 0, done = 0;

	if (likely(off + len <= rte_pktmbuf_data_len(m)))
		return tt_raw_sum(rte_pktmbuf_mtod_offset(m, const void *, off), len, 0);
	for (seg = m; seg != NULL && done < len; seg = seg->next) {
		uint32_t n = rte_pktmbuf_data_len(seg);
		uint16_t part;

		if (off >= n) {
			off -= n;
			continue;
		}
		n = RTE_MIN(n - off, len - done);
		part = __rte_raw_cksum_reduce(__rte_raw_cksum(
			rte_pktmbuf_mtod_offset(seg, const void *, off), n, 0));
		/* A part starting at an odd offset has its bytes swapped. */
		sum += (done & 1) ? rte_bswap16(part) : part;
		done += n;
		off = 0;
	}
	return done == len ? sum : 0;
}

/*
 * Finish an IPv4/TCP or IPv4/ICMP frame. The caller sets m->l2_len and
 * m->l3_len (which must equal the IHL in bytes); the Ethernet, IPv4 and
 * layer 4 headers must be in the first segment, the rest of the packet
 * (as long as the IPv4 total length says) may follow in other segments.
 * - IPv4 header: offloaded (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM,
 *   field 0) when ifc->tx_ip_cksum, else computed here.
 * - TCP: offloaded (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM,
 *   pseudo-header checksum in the field) when ifc->tx_tcp_cksum, else
 *   computed here.
 * - ICMP: always computed here, over the whole message.
 * Other frames (ARP, other protocols, inconsistent lengths) are left as
 * they are. The TX checksum flags of an earlier call are cleared first, so
 * calling it again after a change (or on another port) is fine.
 */
void
tt_cksum_finish(const struct tt_iface *ifc, struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	uint16_t tot, l4_len, l2 = m->l2_len, l3 = m->l3_len;
	uint32_t sum;
	void *l4;

	m->ol_flags &= ~TT_TX_CKSUM_FLAGS;
	if (unlikely(rte_pktmbuf_data_len(m) < l2 + l3 + sizeof(struct rte_icmp_hdr)))
		return;
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (unlikely(l2 < RTE_ETHER_HDR_LEN ||
		     eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)))
		return;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(tot < l3 || l2 + tot > rte_pktmbuf_pkt_len(m)))
		return;
	l4_len = tot - l3;
	l4 = (uint8_t *)ip + l3;

	ip->hdr_checksum = 0;
	if (ifc->tx_ip_cksum)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		ip->hdr_checksum = tt_ipv4_cksum(ip);

	if (ip->next_proto_id == IPPROTO_TCP) {
		struct rte_tcp_hdr *tcp = l4;

		if (unlikely(l4_len < sizeof(*tcp) ||
			     rte_pktmbuf_data_len(m) < l2 + l3 + sizeof(*tcp)))
			return;
		if (ifc->tx_tcp_cksum) {
			m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
			tcp->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
			return;
		}
		tcp->cksum = 0;
		if (likely(l2 + tot <= rte_pktmbuf_data_len(m))) {
			tcp->cksum = tt_tcp_cksum(ip, tcp, l4_len);
			return;
		}
		sum = tt_cksum_l4_sum(m, l2 + l3, l4_len) + rte_ipv4_phdr_cksum(ip, 0);
		tcp->cksum = (uint16_t)~__rte_raw_cksum_reduce(sum);
	} else if (ip->next_proto_id == IPPROTO_ICMP) {
		struct rte_icmp_hdr *icmp = l4;

		if (unlikely(l4_len < sizeof(*icmp)))
			return;
		icmp->icmp_cksum = 0;
		sum = tt_cksum_l4_sum(m, l2 + l3, l4_len);
		icmp->icmp_cksum = (uint16_t)~__rte_raw_cksum_reduce(sum);
	}
}
