/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/net: parsing (every drop reason, truncations, garbage),
 * checksum helpers against known vectors, the TX checksum paths, the TX
 * queue, the ARP table and ARP/ICMP answers byte by byte.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "net/tt_net.h"
#include "stats/tt_stats.h"
#include "tt_test_util.h"

/*
 * Mbufs in use when the test started: with CK_FORK=no a failed test may
 * leave some behind, which must not fail the next ones.
 */
static unsigned int tt_base;

static void
tt_setup(void)
{
	tt_base = tt_test_pool_in_use();
}

/* Every test must give back what it took from the pool. */
static void
tt_leak_check(void)
{
	ck_assert_uint_eq(tt_test_pool_in_use(), tt_base);
}

/* Parse with the default interface of @p c and return the reason. */
static enum tt_drop_reason
tt_parse(struct tt_test_ctx *c, struct rte_mbuf *m)
{
	struct tt_pkt p;

	return tt_pkt_parse(&c->ifc, m, &p);
}

/* Parse, free, and return the reason. */
static enum tt_drop_reason
tt_parse_free(struct tt_test_ctx *c, struct rte_mbuf *m)
{
	enum tt_drop_reason r = tt_parse(c, m);

	rte_pktmbuf_free(m);
	return r;
}

#define ck_assert_drop(got, want) \
	ck_assert_msg((got) == (want), "drop reason %s, expected %s", \
		      tt_drop_name(got), tt_drop_name(want))

/* What a host sends; parse, then hand to ARP or ICMP as the lcore loop would. */
static enum tt_drop_reason
tt_rx(struct tt_test_ctx *c, struct rte_mbuf *m)
{
	struct tt_pkt p;
	enum tt_drop_reason r = tt_pkt_parse(&c->ifc, m, &p);

	if (r != TT_DROP_NONE) {
		rte_pktmbuf_free(m);
		return r;
	}
	switch (p.kind) {
	case TT_PKT_ARP:
		tt_arp_input(&c->net, &c->ifc, m, &p);
		break;
	case TT_PKT_ICMP:
		tt_icmp_input(&c->net, &c->ifc, m, &p);
		break;
	default:
		rte_pktmbuf_free(m);
		break;
	}
	return r;
}

static const uint8_t tt_tcp_opts[] = {
	2, 4, 0x05, 0xb4,		/* MSS 1460 */
	1, 3, 3, 7,			/* NOP, window scale 7 */
	4, 2, 1, 1,			/* SACK permitted, NOP NOP */
};

static struct rte_mbuf *
tt_valid_tcp(uint8_t flags, uint16_t data_len)
{
	static uint8_t data[1400];
	struct tt_test_l3 l3;
	struct tt_test_tcp_seg s = {
		.sport = 40000, .dport = 80, .seq = 0x01020304, .ack = 0x0a0b0c0d,
		.flags = flags, .win = 502, .opts = tt_tcp_opts,
		.opts_len = sizeof(tt_tcp_opts), .data = data, .data_len = data_len,
	};
	unsigned int i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	tt_test_l3_default(&l3);
	return tt_test_build_tcp(&l3, &s);
}

static struct rte_mbuf *
tt_valid_icmp(uint16_t id, uint16_t seq, uint16_t len)
{
	struct tt_test_l3 l3;

	tt_test_l3_default(&l3);
	return tt_test_build_icmp_echo(&l3, RTE_IP_ICMP_ECHO_REQUEST, id, seq, NULL, len);
}

/* The reply to our request for the peer's address, from @p mac. */
static struct rte_mbuf *
tt_peer_reply(const struct rte_ether_addr *mac)
{
	return tt_test_build_arp(RTE_ARP_OP_REPLY, &tt_test_mac_us, mac, TT_TEST_IP_PEER,
				 &tt_test_mac_us, TT_TEST_IP_US);
}

/* ---- Checksums. ---- */

START_TEST(test_cksum_rfc1071)
{
	/* RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2. */
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	ck_assert_uint_eq(rte_be_to_cpu_16(rte_raw_cksum(b, sizeof(b))), 0xddf2);
	ck_assert_uint_eq(tt_test_inet_cksum(b, sizeof(b)), (uint16_t)~0xddf2);
	/* Odd length: the last byte is the high byte of a word. */
	ck_assert_uint_eq(rte_be_to_cpu_16(rte_raw_cksum(b, 7)), 0xddf2 - 0xf7);
}
END_TEST

/*
 * tt_cksum_raw() against DPDK's 16-bit-word sum: every length 0..300 at
 * every alignment 0..15, over random bytes and over 0xff bytes (the most
 * carries), and 64 KiB of 0xff (the widest lane sums a template may take).
 */
START_TEST(test_cksum_raw_vs_dpdk)
{
	static uint8_t buf[65536 + 16];
	unsigned int fill, align, len;

	for (fill = 0; fill < 2; fill++) {
		for (len = 0; len < sizeof(buf); len++)
			buf[len] = fill ? 0xff : (uint8_t)rand();
		for (align = 0; align < 16; align++) {
			for (len = 0; len <= 300; len++) {
				const uint8_t *b = buf + align;
				uint16_t want = __rte_raw_cksum_reduce(__rte_raw_cksum(b, len, 0));
				uint16_t got = tt_cksum_fold(tt_cksum_raw(b, len));

				if (got != want)
					ck_abort_msg("fill %u align %u len %u: %#x, DPDK %#x",
						     fill, align, len, got, want);
			}
		}
	}
	for (align = 0; align < 2; align++)
		ck_assert_uint_eq(tt_cksum_fold(tt_cksum_raw(buf + align, 65536)),
				  __rte_raw_cksum_reduce(__rte_raw_cksum(buf + align, 65536, 0)));
}
END_TEST

START_TEST(test_cksum_ipv4_vector)
{
	uint8_t h[] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)h;

	/* Over a correct header the checksum is 0. */
	ck_assert_uint_eq(tt_ipv4_cksum(ip), 0);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = tt_ipv4_cksum(ip);
	ck_assert_uint_eq(h[10], 0xb8);
	ck_assert_uint_eq(h[11], 0x61);
	h[15] ^= 1;
	ck_assert_uint_ne(tt_ipv4_cksum(ip), 0);
}
END_TEST

/*
 * IPv4/TCP packets whose checksums scapy computed (TCP 0x20a7 and 0xcfa6,
 * IPv4 0xae9a and 0xee9e): an odd-length payload, and a SYN with options.
 */
static const uint8_t tt_tcp_vec1[] = {
	0x45, 0x00, 0x00, 0x35, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0xae, 0x9a,
	0xc6, 0x12, 0x00, 0x01, 0xc6, 0x12, 0x00, 0x02, 0x9c, 0x40, 0x00, 0x50,
	0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d, 0x50, 0x18, 0x01, 0xf6,
	0x20, 0xa7, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x2c, 0x20, 0x77,
	0x6f, 0x72, 0x6c, 0x64, 0x0a,
};
static const uint8_t tt_tcp_vec2[] = {
	0x45, 0x00, 0x00, 0x30, 0x00, 0x02, 0x00, 0x00, 0x40, 0x06, 0xee, 0x9e,
	0xc6, 0x12, 0x00, 0x01, 0xc6, 0x12, 0x00, 0x02, 0x04, 0xd2, 0x1f, 0x90,
	0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x70, 0x02, 0xff, 0xff,
	0xcf, 0xa6, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x07,
};

static void
tt_check_tcp_vector(const uint8_t *vec, size_t len, uint16_t want_tcp, uint16_t want_ip)
{
	uint8_t b[64];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;
	struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)(b + 20);
	uint16_t l4_len = (uint16_t)(len - 20);

	memcpy(b, vec, len);
	ck_assert_uint_eq(tt_ipv4_cksum(ip), 0);
	ck_assert_uint_eq(tt_tcp_cksum(ip, tcp, l4_len), 0);
	tcp->cksum = 0;
	tcp->cksum = tt_tcp_cksum(ip, tcp, l4_len);
	ck_assert_uint_eq(rte_be_to_cpu_16(tcp->cksum), want_tcp);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = tt_ipv4_cksum(ip);
	ck_assert_uint_eq(rte_be_to_cpu_16(ip->hdr_checksum), want_ip);
	/* The length is the caller's, not the IPv4 header's. */
	ck_assert_uint_ne(tt_tcp_cksum(ip, tcp, l4_len - 1), 0);
	/* Any flipped bit shows. */
	b[len - 1] ^= 0x10;
	ck_assert_uint_ne(tt_tcp_cksum(ip, tcp, l4_len), 0);
}

START_TEST(test_cksum_tcp_vectors)
{
	tt_check_tcp_vector(tt_tcp_vec1, sizeof(tt_tcp_vec1), 0x20a7, 0xae9a);
	tt_check_tcp_vector(tt_tcp_vec2, sizeof(tt_tcp_vec2), 0xcfa6, 0xee9e);
}
END_TEST

/* Pseudo-header sum (not complemented) as stored for TCP offload, computed here. */
static uint16_t
tt_phdr_expected(const struct rte_ipv4_hdr *ip)
{
	const uint8_t *s = (const uint8_t *)&ip->src_addr;
	const uint8_t *d = (const uint8_t *)&ip->dst_addr;
	uint32_t sum = 0;

	sum += (uint32_t)s[0] << 8 | s[1];
	sum += (uint32_t)s[2] << 8 | s[3];
	sum += (uint32_t)d[0] << 8 | d[1];
	sum += (uint32_t)d[2] << 8 | d[3];
	sum += ip->next_proto_id;
	sum += rte_be_to_cpu_16(ip->total_length) - 20u;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return rte_cpu_to_be_16((uint16_t)sum);
}

#define TT_TX_FLAGS (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK)

START_TEST(test_cksum_finish_sw)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *m = tt_valid_tcp(RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, 333);

	tt_test_ip(m)->hdr_checksum = 0x1234;
	tt_test_tcp(m)->cksum = 0x5678;
	ck_assert(!tt_test_cksums_ok(m));
	tt_cksum_finish(&c->ifc, m);
	ck_assert(tt_test_cksums_ok(m));
	ck_assert_uint_eq(m->ol_flags & TT_TX_FLAGS, 0);
	rte_pktmbuf_free(m);

	/* ICMP. */
	m = tt_valid_icmp(1, 2, 57);
	tt_test_icmp(m)->icmp_cksum = 0;
	tt_test_ip(m)->time_to_live = 3;
	ck_assert(!tt_test_cksums_ok(m));
	tt_cksum_finish(&c->ifc, m);
	ck_assert(tt_test_cksums_ok(m));
	ck_assert_uint_eq(m->ol_flags & TT_TX_FLAGS, 0);
	rte_pktmbuf_free(m);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

START_TEST(test_cksum_finish_offload)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *m = tt_valid_tcp(RTE_TCP_ACK_FLAG, 100);
	struct rte_ipv4_hdr *ip = tt_test_ip(m);
	struct rte_tcp_hdr *tcp = tt_test_tcp(m);

	c->ifc.tx_ip_cksum = true;
	c->ifc.tx_tcp_cksum = true;
	tt_cksum_finish(&c->ifc, m);
	ck_assert_uint_eq(m->ol_flags & TT_TX_FLAGS,
			  RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_CKSUM);
	ck_assert_uint_eq(ip->hdr_checksum, 0);
	ck_assert_uint_eq(tcp->cksum, tt_phdr_expected(ip));
	ck_assert_uint_eq(tcp->cksum, rte_ipv4_phdr_cksum(ip, 0));

	/* IPv4 offloaded, TCP in software. */
	c->ifc.tx_tcp_cksum = false;
	tt_cksum_finish(&c->ifc, m);
	ck_assert_uint_eq(m->ol_flags & TT_TX_FLAGS,
			  RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
	ck_assert_uint_eq(ip->hdr_checksum, 0);
	tt_test_fix_cksums(m);		/* what the NIC would put in the IPv4 header */
	{
		uint16_t sw = tcp->cksum;

		tt_cksum_finish(&c->ifc, m);
		ck_assert_uint_eq(tcp->cksum, sw);
	}

	/* TCP offloaded, IPv4 in software. */
	c->ifc.tx_ip_cksum = false;
	c->ifc.tx_tcp_cksum = true;
	tt_cksum_finish(&c->ifc, m);
	ck_assert_uint_eq(m->ol_flags & TT_TX_FLAGS,
			  RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM);
	ck_assert_uint_eq(tt_test_inet_cksum(ip, 20), 0);
	ck_assert_uint_eq(tcp->cksum, tt_phdr_expected(ip));

	/* Back to software: the flags from before are gone. */
	c->ifc.tx_tcp_cksum = false;
	tt_cksum_finish(&c->ifc, m);
	ck_assert_uint_eq(m->ol_flags & TT_TX_FLAGS, 0);
	ck_assert(tt_test_cksums_ok(m));
	rte_pktmbuf_free(m);

	/* ICMP: its checksum always in software, the IPv4 header offloaded. */
	m = tt_valid_icmp(9, 9, 10);
	tt_test_icmp(m)->icmp_cksum = 0xffff;
	c->ifc.tx_ip_cksum = true;
	c->ifc.tx_tcp_cksum = true;
	tt_cksum_finish(&c->ifc, m);
	ck_assert_uint_eq(m->ol_flags & TT_TX_FLAGS,
			  RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
	ck_assert_uint_eq(tt_test_ip(m)->hdr_checksum, 0);
	ck_assert_uint_eq(tt_test_inet_cksum(tt_test_icmp(m), 18), 0);
	rte_pktmbuf_free(m);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/* A flat copy of a chain, for the checksum checks of tt_test_util. */
static struct rte_mbuf *
tt_flatten(struct rte_mbuf *m)
{
	static uint8_t buf[2048];
	const void *d = rte_pktmbuf_read(m, 0, rte_pktmbuf_pkt_len(m), buf);

	ck_assert_ptr_nonnull(d);
	return tt_test_mbuf_from(d, (uint16_t)rte_pktmbuf_pkt_len(m));
}

/* The payload may be in further segments, split anywhere (odd offsets too). */
START_TEST(test_cksum_finish_chain)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *v[2] = { tt_valid_tcp(RTE_TCP_ACK_FLAG, 301), tt_valid_icmp(5, 6, 301) };
	uint16_t hdr[2] = { 14 + 20 + 32, 14 + 20 + 8 };
	unsigned int k;

	for (k = 0; k < 2; k++) {
		uint16_t len = rte_pktmbuf_data_len(v[k]), split;

		for (split = hdr[k]; split <= len; split += 37) {
			struct rte_mbuf *m, *f;

			m = tt_test_mbuf_chain(rte_pktmbuf_mtod(v[k], void *), len, split);
			m->l2_len = 14;
			m->l3_len = 20;
			tt_test_ip(m)->hdr_checksum = 0xdead;
			*(uint16_t *)((uint8_t *)tt_test_l4(m) + (k == 0 ? 16 : 2)) = 0xbeef;
			tt_cksum_finish(&c->ifc, m);
			f = tt_flatten(m);
			ck_assert_msg(tt_test_cksums_ok(f), "kind %u split %u", k, split);
			rte_pktmbuf_free(f);
			rte_pktmbuf_free(m);
		}
		rte_pktmbuf_free(v[k]);
	}
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

START_TEST(test_cksum_finish_other)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *m = tt_test_build_arp_request(TT_TEST_IP_US);
	uint8_t before[60];

	memcpy(before, rte_pktmbuf_mtod(m, void *), 60);
	c->ifc.tx_ip_cksum = true;
	tt_cksum_finish(&c->ifc, m);
	ck_assert(tt_test_bytes_eq(m, before, 60));
	ck_assert_uint_eq(m->ol_flags & TT_TX_FLAGS, 0);
	rte_pktmbuf_free(m);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

START_TEST(test_txq_full)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	unsigned int i;

	for (i = 0; i < TT_TXQ_SIZE + 3; i++)
		tt_txq_push(&c->net, rte_pktmbuf_alloc(tt_test_pool()));
	ck_assert_uint_eq(c->txq.n, TT_TXQ_SIZE);
	ck_assert_uint_eq(c->stats.drop[TT_DROP_tx_full], 3);
	ck_assert_uint_eq(tt_test_pool_in_use(), tt_base + TT_TXQ_SIZE);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/* ---- Parsing: valid frames. ---- */

START_TEST(test_parse_valid)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *m;
	struct tt_pkt p;

	m = tt_test_build_arp_request(TT_TEST_IP_US);
	ck_assert_drop(tt_pkt_parse(&c->ifc, m, &p), TT_DROP_NONE);
	ck_assert_int_eq(p.kind, TT_PKT_ARP);
	ck_assert_ptr_eq(p.eth, rte_pktmbuf_mtod(m, void *));
	ck_assert_ptr_eq(p.arp, tt_test_arp(m));
	ck_assert_uint_eq(p.l2_len, 14);
	ck_assert_uint_eq(m->l2_len, 14);
	ck_assert_uint_eq(m->l3_len, sizeof(struct rte_arp_hdr));
	ck_assert_uint_eq(rte_pktmbuf_data_len(m), 60);	/* ARP padding is kept */
	rte_pktmbuf_free(m);

	m = tt_valid_icmp(0x1234, 7, 56);
	ck_assert_drop(tt_pkt_parse(&c->ifc, m, &p), TT_DROP_NONE);
	ck_assert_int_eq(p.kind, TT_PKT_ICMP);
	ck_assert_ptr_eq(p.ip, tt_test_ip(m));
	ck_assert_ptr_eq(p.icmp, tt_test_icmp(m));
	ck_assert_uint_eq(p.l3_len, 20);
	ck_assert_uint_eq(p.l4_len, 64);
	ck_assert_uint_eq(m->l2_len, 14);
	ck_assert_uint_eq(m->l3_len, 20);
	rte_pktmbuf_free(m);

	m = tt_valid_tcp(RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, 300);
	ck_assert_drop(tt_pkt_parse(&c->ifc, m, &p), TT_DROP_NONE);
	ck_assert_int_eq(p.kind, TT_PKT_TCP);
	ck_assert_ptr_eq(p.tcp, tt_test_tcp(m));
	ck_assert_uint_eq(p.l4_len, 20 + sizeof(tt_tcp_opts));
	ck_assert_uint_eq(p.payload_len, 300);
	ck_assert_ptr_eq(p.payload, (uint8_t *)tt_test_tcp(m) + 32);
	ck_assert_uint_eq(p.payload[1], 7);
	ck_assert_uint_eq(m->l2_len, 14);
	ck_assert_uint_eq(m->l3_len, 20);
	rte_pktmbuf_free(m);

	/* A TCP segment without options or payload, padded to 60 bytes: trimmed. */
	{
		struct tt_test_l3 l3;
		struct tt_test_tcp_seg s = { .sport = 1, .dport = 80, .seq = 5,
			.flags = RTE_TCP_SYN_FLAG, .win = 1000 };

		tt_test_l3_default(&l3);
		m = tt_test_build_tcp(&l3, &s);
		ck_assert_ptr_nonnull(rte_pktmbuf_append(m, 6));
		ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), 60);
		ck_assert_drop(tt_pkt_parse(&c->ifc, m, &p), TT_DROP_NONE);
		ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), 54);
		ck_assert_uint_eq(rte_pktmbuf_data_len(m), 54);
		ck_assert_uint_eq(p.payload_len, 0);
		rte_pktmbuf_free(m);
	}
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

START_TEST(test_parse_tcp_flags)
{
	static const struct {
		uint8_t flags;
		enum tt_drop_reason want;
	} cases[] = {
		{ RTE_TCP_SYN_FLAG, TT_DROP_NONE },
		{ RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, TT_DROP_NONE },
		{ RTE_TCP_ACK_FLAG, TT_DROP_NONE },
		{ RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, TT_DROP_NONE },
		{ RTE_TCP_RST_FLAG, TT_DROP_NONE },
		{ RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, TT_DROP_NONE },
		{ RTE_TCP_PSH_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_URG_FLAG, TT_DROP_NONE },
		{ RTE_TCP_SYN_FLAG | RTE_TCP_ECE_FLAG | RTE_TCP_CWR_FLAG, TT_DROP_NONE },
		/* No SYN, ACK or RST: TCP's to judge by the port's state (RFC 9293 3.10.7). */
		{ 0, TT_DROP_NONE },
		{ RTE_TCP_FIN_FLAG, TT_DROP_NONE },
		{ RTE_TCP_PSH_FLAG, TT_DROP_NONE },
		{ RTE_TCP_URG_FLAG, TT_DROP_NONE },
		{ RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG | RTE_TCP_URG_FLAG, TT_DROP_NONE },
		{ RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG, TT_DROP_bad_tcp_flags },
		{ RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG, TT_DROP_bad_tcp_flags },
		{ RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_FIN_FLAG, TT_DROP_bad_tcp_flags },
		{ 0xff, TT_DROP_bad_tcp_flags },
	};
	struct tt_test_ctx *c = tt_test_ctx_new();
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		enum tt_drop_reason r = tt_parse_free(c, tt_valid_tcp(cases[i].flags, 10));

		ck_assert_msg(r == cases[i].want, "flags 0x%02x: %s, expected %s",
			      cases[i].flags, tt_drop_name(r), tt_drop_name(cases[i].want));
	}
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/*
 * The SYN peek of an overloaded lcore (tt_pkt_is_syn_for_us()): a
 * connection-opening SYN to our MAC and address, without IPv4 options or
 * fragments; nothing else.
 */
START_TEST(test_syn_peek)
{
	static const struct {
		uint8_t flags;
		bool want;
	} cases[] = {
		{ RTE_TCP_SYN_FLAG, true },
		{ RTE_TCP_SYN_FLAG | RTE_TCP_ECE_FLAG | RTE_TCP_CWR_FLAG, true },
		{ RTE_TCP_SYN_FLAG | RTE_TCP_PSH_FLAG, true },
		{ RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, false },
		{ RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG, false },
		{ RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG, false },
		{ RTE_TCP_ACK_FLAG, false },
		{ RTE_TCP_RST_FLAG, false },
		{ 0, false },
	};
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *m;
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		m = tt_valid_tcp(cases[i].flags, 0);
		ck_assert_msg(tt_pkt_is_syn_for_us(&c->ifc, m) == cases[i].want,
			      "flags 0x%02x", cases[i].flags);
		rte_pktmbuf_free(m);
	}
	/* Each header field it reads, spoiled in turn. */
	for (i = 0; i < 6; i++) {
		m = tt_valid_tcp(RTE_TCP_SYN_FLAG, 0);
		eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		ip = (struct rte_ipv4_hdr *)(eth + 1);
		ck_assert(tt_pkt_is_syn_for_us(&c->ifc, m));
		switch (i) {
		case 0:
			eth->dst_addr.addr_bytes[5] ^= 1;
			break;
		case 1:
			eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
			break;
		case 2:
			ip->version_ihl = 0x46;
			break;
		case 3:
			ip->next_proto_id = IPPROTO_UDP;
			break;
		case 4:
			ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
			break;
		default:
			ip->dst_addr = rte_cpu_to_be_32(TT_TEST_IP_US + 1);
			break;
		}
		ck_assert_msg(!tt_pkt_is_syn_for_us(&c->ifc, m), "field %u", i);
		rte_pktmbuf_free(m);
	}
	/* Too short for the two headers. */
	m = tt_valid_tcp(RTE_TCP_SYN_FLAG, 0);
	rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - (RTE_ETHER_HDR_LEN + 39));
	ck_assert(!tt_pkt_is_syn_for_us(&c->ifc, m));
	rte_pktmbuf_free(m);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/* ---- Parsing: each malformed case and its reason. ---- */

START_TEST(test_parse_ethernet)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *m;

	m = tt_valid_icmp(1, 1, 8);
	ck_assert_drop(tt_parse_free(c, tt_test_mbuf_exact(rte_pktmbuf_mtod(m, void *), 13)),
		       TT_DROP_truncated);
	tt_test_eth(m)->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ck_assert_drop(tt_parse(c, m), TT_DROP_not_ipv4);
	tt_test_eth(m)->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
	ck_assert_drop(tt_parse(c, m), TT_DROP_not_ipv4);
	tt_test_eth(m)->ether_type = rte_cpu_to_be_16(0x0801);
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_not_ipv4);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

START_TEST(test_parse_arp)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_arp_hdr *a;
	struct rte_mbuf *m;

#define TT_ARP_CASE(stmt, want) do { \
		m = tt_test_build_arp_request(TT_TEST_IP_US); \
		a = tt_test_arp(m); \
		stmt; \
		ck_assert_drop(tt_parse_free(c, m), want); \
	} while (0)

	TT_ARP_CASE((void)a, TT_DROP_NONE);
	TT_ARP_CASE(a->arp_hardware = rte_cpu_to_be_16(6), TT_DROP_bad_arp);
	TT_ARP_CASE(a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6), TT_DROP_bad_arp);
	TT_ARP_CASE(a->arp_hlen = 8, TT_DROP_bad_arp);
	TT_ARP_CASE(a->arp_plen = 16, TT_DROP_bad_arp);
	TT_ARP_CASE(a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REVREQUEST), TT_DROP_bad_arp);
	TT_ARP_CASE(a->arp_opcode = 0, TT_DROP_bad_arp);
	TT_ARP_CASE(a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY), TT_DROP_NONE);
	TT_ARP_CASE(a->arp_data.arp_tip = rte_cpu_to_be_32(TT_TEST_IPV4(198, 18, 0, 3)),
		    TT_DROP_arp_not_ours);
	/* Gratuitous from the peer (sender == target): passed on to learn from. */
	TT_ARP_CASE(a->arp_data.arp_tip = a->arp_data.arp_sip, TT_DROP_NONE);
	/* Missing the last byte of the target address. */
	TT_ARP_CASE(rte_pktmbuf_trim(m, 60 - 41), TT_DROP_bad_arp);
	TT_ARP_CASE(rte_pktmbuf_trim(m, 60 - 42), TT_DROP_NONE);
#undef TT_ARP_CASE
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

START_TEST(test_parse_ipv4)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;

	/* Each case edits a valid ICMP echo request, then fixes the checksums. */
#define TT_IP_CASE(stmt, want) do { \
		m = tt_valid_icmp(1, 2, 32); \
		ip = tt_test_ip(m); \
		stmt; \
		tt_test_fix_cksums(m); \
		ck_assert_drop(tt_parse_free(c, m), want); \
	} while (0)

	TT_IP_CASE((void)ip, TT_DROP_NONE);
	TT_IP_CASE(ip->version_ihl = 0x65, TT_DROP_bad_ip_version);
	TT_IP_CASE(ip->version_ihl = 0x44, TT_DROP_bad_ip_version);
	TT_IP_CASE(ip->version_ihl = 0x40, TT_DROP_bad_ip_version);
	TT_IP_CASE(ip->version_ihl = 0x46, TT_DROP_ip_options);
	TT_IP_CASE(ip->version_ihl = 0x4f, TT_DROP_ip_options);
	TT_IP_CASE(ip->total_length = rte_cpu_to_be_16(19), TT_DROP_bad_ip_len);
	TT_IP_CASE(ip->total_length = 0, TT_DROP_bad_ip_len);
	TT_IP_CASE(ip->total_length = rte_cpu_to_be_16(20 + 8 + 32 + 1), TT_DROP_truncated);
	TT_IP_CASE(ip->total_length = rte_cpu_to_be_16(0xffff), TT_DROP_truncated);
	TT_IP_CASE(ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG),
		   TT_DROP_fragment);
	TT_IP_CASE(ip->fragment_offset = rte_cpu_to_be_16(1), TT_DROP_fragment);
	TT_IP_CASE(ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG | 185),
		   TT_DROP_fragment);
	TT_IP_CASE(ip->fragment_offset = 0, TT_DROP_NONE);
	TT_IP_CASE(ip->time_to_live = 0, TT_DROP_bad_ttl);
	TT_IP_CASE(ip->time_to_live = 1, TT_DROP_NONE);
	TT_IP_CASE(ip->src_addr = 0, TT_DROP_bad_src_ip);
	TT_IP_CASE(ip->src_addr = RTE_BE32(0xffffffff), TT_DROP_bad_src_ip);
	TT_IP_CASE(ip->src_addr = rte_cpu_to_be_32(TT_TEST_IPV4(224, 0, 0, 1)), TT_DROP_bad_src_ip);
	TT_IP_CASE(ip->src_addr = rte_cpu_to_be_32(TT_TEST_IPV4(239, 1, 2, 3)), TT_DROP_bad_src_ip);
	TT_IP_CASE(ip->src_addr = rte_cpu_to_be_32(TT_TEST_IPV4(198, 18, 0, 255)), TT_DROP_bad_src_ip);
	TT_IP_CASE(ip->src_addr = rte_cpu_to_be_32(TT_TEST_IPV4(10, 1, 2, 3)), TT_DROP_NONE);
	/* Loopback (127/8) and class E (240/4), with the addresses just outside. */
	TT_IP_CASE(ip->src_addr = rte_cpu_to_be_32(TT_TEST_IPV4(127, 0, 0, 1)), TT_DROP_bad_src_ip);
	TT_IP_CASE(ip->src_addr = rte_cpu_to_be_32(TT_TEST_IPV4(127, 255, 255, 255)),
		   TT_DROP_bad_src_ip);
	TT_IP_CASE(ip->src_addr = rte_cpu_to_be_32(TT_TEST_IPV4(126, 255, 255, 255)), TT_DROP_NONE);
	TT_IP_CASE(ip->src_addr = rte_cpu_to_be_32(TT_TEST_IPV4(128, 0, 0, 0)), TT_DROP_NONE);
	TT_IP_CASE(ip->src_addr = rte_cpu_to_be_32(TT_TEST_IPV4(240, 0, 0, 1)), TT_DROP_bad_src_ip);
	TT_IP_CASE(ip->src_addr = rte_cpu_to_be_32(TT_TEST_IPV4(255, 255, 255, 254)),
		   TT_DROP_bad_src_ip);
	TT_IP_CASE(ip->src_addr = rte_cpu_to_be_32(TT_TEST_IPV4(223, 255, 255, 255)), TT_DROP_NONE);
	/* Our own address as source; the source checks come before the destination's. */
	TT_IP_CASE(ip->src_addr = rte_cpu_to_be_32(TT_TEST_IP_US), TT_DROP_src_ip_ours);
	TT_IP_CASE((ip->src_addr = rte_cpu_to_be_32(TT_TEST_IP_US),
		    ip->dst_addr = rte_cpu_to_be_32(TT_TEST_IPV4(198, 18, 0, 3))),
		   TT_DROP_src_ip_ours);
	TT_IP_CASE((ip->src_addr = rte_cpu_to_be_32(TT_TEST_IPV4(127, 0, 0, 1)),
		    ip->dst_addr = rte_cpu_to_be_32(TT_TEST_IPV4(198, 18, 0, 3))),
		   TT_DROP_bad_src_ip);
	TT_IP_CASE(ip->dst_addr = rte_cpu_to_be_32(TT_TEST_IPV4(198, 18, 0, 3)), TT_DROP_not_our_ip);
	TT_IP_CASE(ip->dst_addr = RTE_BE32(0xffffffff), TT_DROP_not_our_ip);
	TT_IP_CASE(ip->dst_addr = rte_cpu_to_be_32(TT_TEST_IPV4(198, 18, 0, 255)), TT_DROP_not_our_ip);
	TT_IP_CASE(ip->next_proto_id = IPPROTO_UDP, TT_DROP_unsupported_proto);
	TT_IP_CASE(ip->next_proto_id = IPPROTO_GRE, TT_DROP_unsupported_proto);
#undef TT_IP_CASE

	/* Bad header checksum, and the order of checks with several defects. */
	m = tt_valid_icmp(1, 2, 32);
	tt_test_ip(m)->hdr_checksum ^= 0x0100;
	ck_assert_drop(tt_parse(c, m), TT_DROP_bad_ip_cksum);
	tt_test_ip(m)->fragment_offset = rte_cpu_to_be_16(1);	/* checksum first */
	ck_assert_drop(tt_parse(c, m), TT_DROP_bad_ip_cksum);
	tt_test_ip(m)->version_ihl = 0x46;			/* options first */
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_ip_options);

	/* Fewer than 20 bytes of IPv4 header. */
	m = tt_valid_icmp(1, 2, 32);
	ck_assert_drop(tt_parse_free(c, tt_test_mbuf_exact(rte_pktmbuf_mtod(m, void *), 33)),
		       TT_DROP_truncated);
	rte_pktmbuf_free(m);

	/* An interface without an address owns nothing. */
	c->ifc.ip = 0;
	ck_assert_drop(tt_parse_free(c, tt_valid_icmp(1, 2, 3)), TT_DROP_not_our_ip);
	ck_assert_drop(tt_parse_free(c, tt_test_build_arp_request(TT_TEST_IP_US)),
		       TT_DROP_arp_not_ours);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/* ---- Parsing: the link-layer and source rules (docs/security.md). ---- */

static const struct rte_ether_addr tt_mac_other = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x03 } };
static const struct rte_ether_addr tt_mac_bcast = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct rte_ether_addr tt_mac_mcast4 = { .addr_bytes = { 0x01, 0, 0x5e, 0, 0, 1 } };
static const struct rte_ether_addr tt_mac_mcast6 = { .addr_bytes = { 0x33, 0x33, 0, 0, 0, 1 } };
static const struct rte_ether_addr tt_mac_stp = { .addr_bytes = { 0x01, 0x80, 0xc2, 0, 0, 0 } };

/* Kinds of valid frames, each rebuilt with other MACs by tt_link_frame(). */
enum tt_link_kind { TT_LINK_TCP, TT_LINK_ICMP, TT_LINK_ARP_REQ, TT_LINK_ARP_REPLY };

static struct rte_mbuf *
tt_link_frame(enum tt_link_kind k, const struct rte_ether_addr *src,
	      const struct rte_ether_addr *dst)
{
	struct rte_mbuf *m;

	switch (k) {
	case TT_LINK_TCP:
		m = tt_valid_tcp(RTE_TCP_SYN_FLAG, 0);
		break;
	case TT_LINK_ICMP:
		m = tt_valid_icmp(1, 2, 8);
		break;
	case TT_LINK_ARP_REQ:
		m = tt_test_build_arp_request(TT_TEST_IP_US);
		break;
	default:
		m = tt_peer_reply(&tt_test_mac_peer);
		break;
	}
	tt_test_eth(m)->src_addr = *src;
	tt_test_eth(m)->dst_addr = *dst;
	return m;
}

START_TEST(test_parse_link)
{
	static const struct {
		const struct rte_ether_addr *src, *dst;
		enum tt_drop_reason want[4];	/* TCP, ICMP, ARP request, ARP reply */
	} cases[] = {
		{ &tt_test_mac_peer, &tt_test_mac_us,
		  { TT_DROP_NONE, TT_DROP_NONE, TT_DROP_NONE, TT_DROP_NONE } },
		/* A group address is never a source (IEEE 802-2014 8.2). */
		{ &tt_mac_bcast, &tt_test_mac_us,
		  { TT_DROP_bad_src_mac, TT_DROP_bad_src_mac, TT_DROP_bad_src_mac,
		    TT_DROP_bad_src_mac } },
		{ &tt_mac_mcast4, &tt_test_mac_us,
		  { TT_DROP_bad_src_mac, TT_DROP_bad_src_mac, TT_DROP_bad_src_mac,
		    TT_DROP_bad_src_mac } },
		{ &tt_mac_stp, &tt_mac_bcast,
		  { TT_DROP_bad_src_mac, TT_DROP_bad_src_mac, TT_DROP_bad_src_mac,
		    TT_DROP_bad_src_mac } },
		/* Another station's frames. */
		{ &tt_test_mac_peer, &tt_mac_other,
		  { TT_DROP_not_our_mac, TT_DROP_not_our_mac, TT_DROP_not_our_mac,
		    TT_DROP_not_our_mac } },
		/* Broadcast: ARP only (RFC 826); IPv4 to it, RFC 1122 3.3.6. */
		{ &tt_test_mac_peer, &tt_mac_bcast,
		  { TT_DROP_not_our_mac, TT_DROP_not_our_mac, TT_DROP_NONE, TT_DROP_NONE } },
		/* No multicast group is joined. */
		{ &tt_test_mac_peer, &tt_mac_mcast4,
		  { TT_DROP_not_our_mac, TT_DROP_not_our_mac, TT_DROP_not_our_mac,
		    TT_DROP_not_our_mac } },
		{ &tt_test_mac_peer, &tt_mac_mcast6,
		  { TT_DROP_not_our_mac, TT_DROP_not_our_mac, TT_DROP_not_our_mac,
		    TT_DROP_not_our_mac } },
		/* Our own MAC, unicast, as source: no Ethernet rule against it. */
		{ &tt_test_mac_us, &tt_test_mac_us,
		  { TT_DROP_NONE, TT_DROP_NONE, TT_DROP_NONE, TT_DROP_NONE } },
	};
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *m;
	unsigned int i, k;

	for (i = 0; i < RTE_DIM(cases); i++) {
		for (k = 0; k < 4; k++) {
			enum tt_drop_reason r = tt_parse_free(c, tt_link_frame(k, cases[i].src,
									     cases[i].dst));

			ck_assert_msg(r == cases[i].want[k], "case %u kind %u: %s, expected %s",
				      i, k, tt_drop_name(r), tt_drop_name(cases[i].want[k]));
		}
	}

	/* Order: truncated, then the source, then the destination, then the type. */
	m = tt_link_frame(TT_LINK_ICMP, &tt_mac_mcast4, &tt_mac_other);
	ck_assert_drop(tt_parse(c, m), TT_DROP_bad_src_mac);
	ck_assert_drop(tt_parse_free(c, tt_test_mbuf_exact(rte_pktmbuf_mtod(m, void *), 13)),
		       TT_DROP_truncated);
	tt_test_eth(m)->src_addr = tt_test_mac_peer;
	tt_test_eth(m)->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ck_assert_drop(tt_parse(c, m), TT_DROP_not_our_mac);
	tt_test_eth(m)->dst_addr = tt_test_mac_us;
	ck_assert_drop(tt_parse(c, m), TT_DROP_not_ipv4);
	/* Before any IPv4 check: a bad header checksum to another MAC. */
	tt_test_eth(m)->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	tt_test_eth(m)->dst_addr = tt_mac_other;
	tt_test_ip(m)->hdr_checksum ^= 0x0100;
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_not_our_mac);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/* A TCP segment @p src:@p sport -> @p dst:@p dport from the peer's MAC. */
static struct rte_mbuf *
tt_tcp_from(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport)
{
	struct tt_test_l3 l3;
	struct tt_test_tcp_seg s = { .sport = sport, .dport = dport, .seq = 1,
		.flags = RTE_TCP_SYN_FLAG, .win = 1000 };

	tt_test_l3_default(&l3);
	l3.src_ip = src;
	l3.dst_ip = dst;
	return tt_test_build_tcp(&l3, &s);
}

START_TEST(test_parse_land)
{
	const uint32_t x = TT_TEST_IPV4(198, 18, 0, 11);	/* an extra address */
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *m;

	c->ifc.extra_first = TT_TEST_IPV4(198, 18, 0, 10);
	c->ifc.extra_last = TT_TEST_IPV4(198, 18, 0, 12);
	/* LAND: same address and port at both ends (CERT CA-1997-28). */
	ck_assert_drop(tt_parse_free(c, tt_tcp_from(TT_TEST_IP_US, 80, TT_TEST_IP_US, 80)),
		       TT_DROP_land);
	ck_assert_drop(tt_parse_free(c, tt_tcp_from(x, 5000, x, 5000)), TT_DROP_land);
	/* From our address but not to itself, or to itself from another port. */
	ck_assert_drop(tt_parse_free(c, tt_tcp_from(TT_TEST_IP_US, 81, TT_TEST_IP_US, 80)),
		       TT_DROP_src_ip_ours);
	ck_assert_drop(tt_parse_free(c, tt_tcp_from(x, 80, TT_TEST_IP_US, 80)),
		       TT_DROP_src_ip_ours);
	ck_assert_drop(tt_parse_free(c, tt_tcp_from(TT_TEST_IP_US, 80, x, 80)),
		       TT_DROP_src_ip_ours);
	ck_assert_drop(tt_parse_free(c, tt_tcp_from(TT_TEST_IPV4(198, 18, 0, 12), 80,
						    TT_TEST_IPV4(198, 18, 0, 10), 80)),
		       TT_DROP_src_ip_ours);
	/* The extra range's neighbours are not ours. */
	ck_assert_drop(tt_parse_free(c, tt_tcp_from(TT_TEST_IPV4(198, 18, 0, 13), 80, x, 80)),
		       TT_DROP_NONE);
	ck_assert_drop(tt_parse_free(c, tt_tcp_from(TT_TEST_IPV4(198, 18, 0, 9), 80,
						    TT_TEST_IP_US, 80)), TT_DROP_NONE);
	/* UDP between equal ports of our address: not TCP, so only ours. */
	m = tt_tcp_from(TT_TEST_IP_US, 80, TT_TEST_IP_US, 80);
	tt_test_ip(m)->next_proto_id = IPPROTO_UDP;
	tt_test_fix_cksums(m);
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_src_ip_ours);
	/* Ports beyond the packet's total length are not read. */
	m = tt_tcp_from(TT_TEST_IP_US, 80, TT_TEST_IP_US, 80);
	tt_test_ip(m)->total_length = rte_cpu_to_be_16(20 + 3);
	tt_test_ip(m)->hdr_checksum = 0;
	tt_test_ip(m)->hdr_checksum = rte_ipv4_cksum(tt_test_ip(m));
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_src_ip_ours);
	m = tt_tcp_from(TT_TEST_IP_US, 80, TT_TEST_IP_US, 80);
	tt_test_ip(m)->total_length = rte_cpu_to_be_16(20 + 4);
	tt_test_ip(m)->hdr_checksum = 0;
	tt_test_ip(m)->hdr_checksum = rte_ipv4_cksum(tt_test_ip(m));
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_land);
	/* The source rules come after the IPv4 header checks. */
	m = tt_tcp_from(TT_TEST_IP_US, 80, TT_TEST_IP_US, 80);
	tt_test_ip(m)->time_to_live = 0;
	tt_test_fix_cksums(m);
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_bad_ttl);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

START_TEST(test_parse_rx_cksum_flags)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *m;

	/* Without rx_cksum the flags are ignored. */
	m = tt_valid_tcp(RTE_TCP_ACK_FLAG, 20);
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD | RTE_MBUF_F_RX_L4_CKSUM_BAD;
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_NONE);

	c->ifc.rx_cksum = true;
	m = tt_valid_tcp(RTE_TCP_ACK_FLAG, 20);
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_bad_ip_cksum);

	m = tt_valid_tcp(RTE_TCP_ACK_FLAG, 20);
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_BAD;
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_bad_tcp_cksum);

	/* GOOD is trusted even when the fields are wrong (the NIC said so). */
	m = tt_valid_tcp(RTE_TCP_ACK_FLAG, 20);
	tt_test_ip(m)->hdr_checksum ^= 1;
	tt_test_tcp(m)->cksum ^= 1;
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	ck_assert_drop(tt_parse(c, m), TT_DROP_NONE);
	/* So is NONE (virtio: data valid, field not filled in). */
	m->ol_flags &= ~(RTE_MBUF_F_RX_IP_CKSUM_MASK | RTE_MBUF_F_RX_L4_CKSUM_MASK);
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_NONE | RTE_MBUF_F_RX_L4_CKSUM_NONE;
	ck_assert_drop(tt_parse(c, m), TT_DROP_NONE);
	/* UNKNOWN: checked in software. */
	m->ol_flags &= ~(RTE_MBUF_F_RX_IP_CKSUM_MASK | RTE_MBUF_F_RX_L4_CKSUM_MASK);
	ck_assert_drop(tt_parse(c, m), TT_DROP_bad_ip_cksum);
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_bad_tcp_cksum);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

START_TEST(test_parse_icmp)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct tt_test_l3 l3;
	struct rte_mbuf *m;

	tt_test_l3_default(&l3);
	/* Bad checksum. */
	m = tt_valid_icmp(1, 2, 32);
	tt_test_icmp(m)->icmp_cksum ^= 0x8000;
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_bad_icmp);
	/* Odd length, checksum over the whole message. */
	m = tt_valid_icmp(1, 2, 33);
	ck_assert_drop(tt_parse(c, m), TT_DROP_NONE);
	rte_pktmbuf_mtod(m, uint8_t *)[rte_pktmbuf_data_len(m) - 1] ^= 1;
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_bad_icmp);
	/* Shorter than the 8-byte echo header. */
	{
		static const uint8_t seven[7] = { 8, 0, 0xf7, 0xff, 0, 0, 0 };

		m = tt_test_build_ipv4(&l3, IPPROTO_ICMP, seven, sizeof(seven));
		ck_assert_drop(tt_parse_free(c, m), TT_DROP_bad_icmp);
		m = tt_test_build_ipv4(&l3, IPPROTO_ICMP, NULL, 0);
		ck_assert_drop(tt_parse_free(c, m), TT_DROP_bad_icmp);
	}
	/* Not an echo request. */
	m = tt_test_build_icmp_echo(&l3, RTE_IP_ICMP_ECHO_REPLY, 1, 2, NULL, 4);
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_icmp_other);
	m = tt_test_build_icmp_echo(&l3, 13, 1, 2, NULL, 12);	/* timestamp */
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_icmp_other);
	m = tt_test_build_icmp_echo(&l3, 3, 1, 2, NULL, 28);	/* unreachable */
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_icmp_other);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

START_TEST(test_parse_tcp)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct tt_test_l3 l3;
	struct rte_tcp_hdr *t;
	struct rte_mbuf *m;

	tt_test_l3_default(&l3);
#define TT_TCP_CASE(stmt, want) do { \
		m = tt_valid_tcp(RTE_TCP_ACK_FLAG, 10); \
		t = tt_test_tcp(m); \
		stmt; \
		tt_test_fix_cksums(m); \
		ck_assert_drop(tt_parse_free(c, m), want); \
	} while (0)

	TT_TCP_CASE((void)t, TT_DROP_NONE);
	TT_TCP_CASE(t->data_off = 4 << 4, TT_DROP_bad_tcp_hdr);
	TT_TCP_CASE(t->data_off = 0, TT_DROP_bad_tcp_hdr);
	TT_TCP_CASE(t->data_off = 5 << 4, TT_DROP_NONE);	/* options read as payload */
	TT_TCP_CASE(t->data_off = 10 << 4, TT_DROP_NONE);	/* 40 <= 32 + 10 */
	TT_TCP_CASE(t->data_off = 11 << 4, TT_DROP_bad_tcp_hdr);
	TT_TCP_CASE(t->data_off = 15 << 4, TT_DROP_bad_tcp_hdr);
	/* The IPv4 packet ends inside the TCP header. */
	TT_TCP_CASE(tt_test_ip(m)->total_length = rte_cpu_to_be_16(20 + 19),
		    TT_DROP_bad_tcp_hdr);
	TT_TCP_CASE(tt_test_ip(m)->total_length = rte_cpu_to_be_16(20 + 31),
		    TT_DROP_bad_tcp_hdr);
	TT_TCP_CASE(tt_test_ip(m)->total_length = rte_cpu_to_be_16(20 + 32), TT_DROP_NONE);
#undef TT_TCP_CASE

	/* Checksums: header and payload both covered. */
	m = tt_valid_tcp(RTE_TCP_ACK_FLAG, 11);
	t = tt_test_tcp(m);
	t->cksum ^= 0x0001;
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_bad_tcp_cksum);
	m = tt_valid_tcp(RTE_TCP_ACK_FLAG, 11);
	rte_pktmbuf_mtod(m, uint8_t *)[rte_pktmbuf_data_len(m) - 1] ^= 0x80;
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_bad_tcp_cksum);
	/* The pseudo header too: another source address, IPv4 checksum fixed only. */
	m = tt_valid_tcp(RTE_TCP_ACK_FLAG, 11);
	tt_test_ip(m)->src_addr = rte_cpu_to_be_32(TT_TEST_IPV4(198, 18, 0, 9));
	tt_test_ip(m)->hdr_checksum = 0;
	tt_test_ip(m)->hdr_checksum = rte_cpu_to_be_16(tt_test_inet_cksum(tt_test_ip(m), 20));
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_bad_tcp_cksum);
	/* Checksum before flags. */
	m = tt_valid_tcp(0, 11);
	tt_test_tcp(m)->cksum ^= 0x0001;
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_bad_tcp_cksum);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

START_TEST(test_parse_multiseg)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *v = tt_valid_tcp(RTE_TCP_ACK_FLAG, 100);
	uint16_t len = rte_pktmbuf_data_len(v);
	uint8_t buf[512];
	struct rte_mbuf *m;
	struct tt_pkt p;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, rte_pktmbuf_mtod(v, void *), len);

	/* The whole IPv4 packet in the first segment, padding in the second. */
	m = tt_test_mbuf_chain(buf, len + 20, len);
	ck_assert_uint_eq(m->nb_segs, 2);
	ck_assert_drop(tt_pkt_parse(&c->ifc, m, &p), TT_DROP_NONE);
	ck_assert_uint_eq(m->nb_segs, 1);
	ck_assert_ptr_null(m->next);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), len);
	ck_assert_uint_eq(p.payload_len, 100);
	rte_pktmbuf_free(m);

	/* Packet split over two segments: not handled. */
	m = tt_test_mbuf_chain(buf, len, len - 1);
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_truncated);
	m = tt_test_mbuf_chain(buf, len, 40);
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_truncated);
	/* Headers split: the IPv4 header is not whole in the first segment. */
	m = tt_test_mbuf_chain(buf, len, 20);
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_truncated);
	/* Longer than the whole chain. */
	m = tt_test_mbuf_chain(buf, len - 1, 60);
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_truncated);

	/* ARP in the first segment, more in the second. */
	rte_pktmbuf_free(v);
	v = tt_test_build_arp_request(TT_TEST_IP_US);
	memcpy(buf, rte_pktmbuf_mtod(v, void *), 60);
	m = tt_test_mbuf_chain(buf, 60, 42);
	ck_assert_drop(tt_pkt_parse(&c->ifc, m, &p), TT_DROP_NONE);
	ck_assert_uint_eq(m->nb_segs, 1);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), 42);
	rte_pktmbuf_free(m);
	m = tt_test_mbuf_chain(buf, 60, 41);
	ck_assert_drop(tt_parse_free(c, m), TT_DROP_bad_arp);
	rte_pktmbuf_free(v);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/*
 * Every prefix of a valid frame is dropped, and parsing never reads past
 * the data (the copies are exactly as long as the data: run under ASan or
 * valgrind to catch it).
 */
static void
tt_truncation_sweep(struct tt_test_ctx *c, struct rte_mbuf *v, uint16_t min_ok, bool ip)
{
	uint16_t full = rte_pktmbuf_data_len(v);
	const uint8_t *d = rte_pktmbuf_mtod(v, const uint8_t *);
	uint16_t len;

	for (len = 0; len <= full; len++) {
		struct rte_mbuf *m = tt_test_mbuf_exact(d, len);
		enum tt_drop_reason r = tt_parse_free(c, m);

		if (len >= min_ok) {
			ck_assert_msg(r == TT_DROP_NONE, "len %u: %s", len, tt_drop_name(r));
		} else if (len < RTE_ETHER_HDR_LEN || ip) {
			ck_assert_msg(r == TT_DROP_truncated, "len %u: %s", len, tt_drop_name(r));
		} else {
			ck_assert_msg(r == TT_DROP_bad_arp, "len %u: %s", len, tt_drop_name(r));
		}
	}
	rte_pktmbuf_free(v);
}

START_TEST(test_parse_truncations)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *v;

	tt_truncation_sweep(c, tt_test_build_arp_request(TT_TEST_IP_US), 42, false);
	v = tt_valid_icmp(0x55, 0x66, 56);
	tt_truncation_sweep(c, v, rte_pktmbuf_data_len(v), true);
	v = tt_valid_tcp(RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, 99);
	tt_truncation_sweep(c, v, rte_pktmbuf_data_len(v), true);
	v = tt_valid_tcp(RTE_TCP_SYN_FLAG, 0);
	tt_truncation_sweep(c, v, rte_pktmbuf_data_len(v), true);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/* A small xorshift PRNG: the same garbage on every run. */
static uint32_t
tt_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Garbage: random bytes, often with a plausible Ethernet type and IPv4
 * first byte, and random edits of valid frames. Nothing may crash or read
 * out of bounds; whatever is accepted is handed to the ARP/ICMP code.
 */
START_TEST(test_parse_garbage)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *valid[4];
	uint32_t seed = 0x12345678;
	uint8_t buf[256];
	unsigned int i, j, accepted = 0, syn_peeked = 0, syn_taken = 0;

	valid[0] = tt_test_build_arp_request(TT_TEST_IP_US);
	valid[1] = tt_valid_icmp(3, 4, 40);
	valid[2] = tt_valid_tcp(RTE_TCP_ACK_FLAG, 60);
	valid[3] = tt_valid_tcp(RTE_TCP_SYN_FLAG, 0);
	for (i = 0; i < 30000; i++) {
		uint32_t r = tt_rand(&seed);
		uint16_t len;
		struct rte_mbuf *m;
		bool peek;

		if (i % 2 == 0) {
			len = (uint16_t)(tt_rand(&seed) % sizeof(buf));
			for (j = 0; j < len; j++)
				buf[j] = (uint8_t)tt_rand(&seed);
			if (len > 14 && (r & 1)) {
				buf[12] = 0x08;
				buf[13] = (r & 4) ? 0x00 : 0x06;
			}
			if (len > 15 && (r & 8))
				buf[14] = (r & 16) ? 0x45 : (uint8_t)(0x40 | (r >> 8 & 0xf));
			if (len > 34 && (r & 32))
				memcpy(buf + 30, (uint8_t[]){ 198, 18, 0, 2 }, 4);
			/* Mostly to us from a station, so parsing goes past Ethernet. */
			if (len >= 12 && (r & 64)) {
				memcpy(buf, &tt_test_mac_us, RTE_ETHER_ADDR_LEN);
				buf[6] &= (uint8_t)~RTE_ETHER_GROUP_ADDR;
			}
		} else {
			struct rte_mbuf *v = valid[r % 4];
			unsigned int edits = 1 + (r >> 4) % 4;

			len = rte_pktmbuf_data_len(v);
			memcpy(buf, rte_pktmbuf_mtod(v, void *), len);
			for (j = 0; j < edits; j++)
				buf[tt_rand(&seed) % len] = (uint8_t)tt_rand(&seed);
			if (r & 0x100)
				len = (uint16_t)(tt_rand(&seed) % (len + 1));
		}
		m = tt_test_mbuf_exact(buf, len);
		/*
		 * What the SYN peek (tt_pkt_is_syn_for_us(), the overloaded
		 * lcore's early shedding) takes, the full parse drops, or
		 * takes as a TCP SYN without ACK, RST or FIN.
		 */
		peek = tt_pkt_is_syn_for_us(&c->ifc, m);
		syn_peeked += peek;
		if (tt_rx(c, m) == TT_DROP_NONE) {
			accepted++;
			if (peek) {
				ck_assert_uint_ge(len, RTE_ETHER_HDR_LEN + 40);
				ck_assert_uint_eq(buf[RTE_ETHER_HDR_LEN + 9], IPPROTO_TCP);
				ck_assert_uint_eq(buf[RTE_ETHER_HDR_LEN + 20 + 13] &
						  (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG |
						   RTE_TCP_RST_FLAG | RTE_TCP_FIN_FLAG),
						  RTE_TCP_SYN_FLAG);
				syn_taken++;
			}
		}
		tt_test_txq_flush(c);
	}
	/* Random edits of padding or payload leave some frames valid. */
	ck_assert_uint_gt(accepted, 0);
	/* Edits of the SYN: some the peek takes, the parse accepting some of those. */
	ck_assert_uint_gt(syn_peeked, 0);
	ck_assert_uint_gt(syn_taken, 0);
	for (i = 0; i < 4; i++)
		rte_pktmbuf_free(valid[i]);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/* ---- ARP table. ---- */

static const struct rte_ether_addr tt_mac_x = { .addr_bytes = { 0x02, 0, 0, 0, 0xaa, 0xbb } };

START_TEST(test_arp_learn_lookup)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct tt_arp_table *t = &c->net.arp[0];
	struct rte_ether_addr mac;

	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER, &mac), -ENOENT);
	ck_assert_int_eq(tt_arp_learn(t, TT_TEST_IP_PEER, &tt_test_mac_peer, 100), 0);
	ck_assert_uint_eq(t->n_used, 1);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER, &mac), 0);
	ck_assert(rte_is_same_ether_addr(&mac, &tt_test_mac_peer));
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER, NULL), 0);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER + 1, &mac), -ENOENT);

	/* Update in place. */
	ck_assert_int_eq(tt_arp_learn(t, TT_TEST_IP_PEER, &tt_mac_x, 200), 0);
	ck_assert_uint_eq(t->n_used, 1);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER, &mac), 0);
	ck_assert(rte_is_same_ether_addr(&mac, &tt_mac_x));
	ck_assert_int_eq(tt_arp_learn(t, 0, &tt_mac_x, 200), -EINVAL);

	/* Many neighbours. */
	for (uint32_t i = 0; i < 500; i++)
		ck_assert_int_eq(tt_arp_learn(t, TT_TEST_IPV4(198, 18, 2, 0) + i, &tt_mac_x, 1), 0);
	ck_assert_uint_eq(t->n_used, 501);
	for (uint32_t i = 0; i < 500; i++)
		ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IPV4(198, 18, 2, 0) + i, NULL), 0);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER, &mac), 0);
	ck_assert(rte_is_same_ether_addr(&mac, &tt_mac_x));
	tt_test_ctx_free(c);
}
END_TEST

START_TEST(test_arp_full)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct tt_arp_table *t = &c->net.arp[0];
	uint32_t i, found = 0;

	/* Twice as many neighbours as slots: every one goes in, the oldest go out. */
	for (i = 1; i <= 2 * TT_ARP_SIZE; i++)
		ck_assert_int_eq(tt_arp_learn(t, TT_TEST_IPV4(10, 0, 0, 0) + i * 7919, &tt_mac_x,
					      c->net.now_us + i), 0);
	ck_assert_uint_le(t->n_used, TT_ARP_SIZE);
	ck_assert_uint_gt(t->n_used, TT_ARP_SIZE / 2);
	for (i = 1; i <= 2 * TT_ARP_SIZE; i++)
		found += tt_arp_lookup(t, TT_TEST_IPV4(10, 0, 0, 0) + i * 7919, NULL) == 0;
	ck_assert_uint_eq(found, t->n_used);
	/* The last one learnt is always there. */
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IPV4(10, 0, 0, 0) + 2 * TT_ARP_SIZE * 7919,
				       NULL), 0);
	tt_test_ctx_free(c);
}
END_TEST

/*
 * A full probe window (a zero key puts every address at slot 0): the entry
 * confirmed longest ago makes room, pending entries never do.
 */
START_TEST(test_arp_evict)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct tt_arp_table *t = &c->net.arp[0];
	const uint32_t base = TT_TEST_IPV4(198, 18, 0, 100);
	const uint64_t now = c->net.now_us;
	uint32_t i;

	memset(t->key, 0, sizeof(t->key));
	/* Learnt at decreasing times, so the last one is the oldest. */
	for (i = 0; i < TT_ARP_MAX_PROBE; i++)
		ck_assert_int_eq(tt_arp_learn(t, base + i, &tt_mac_x, now - i), 0);
	ck_assert_uint_eq(t->n_used, TT_ARP_MAX_PROBE);
	/* Refreshing one of them takes no room. */
	ck_assert_int_eq(tt_arp_learn(t, base + 3, &tt_test_mac_peer, now + 100), 0);
	ck_assert_uint_eq(t->n_used, TT_ARP_MAX_PROBE);
	ck_assert_int_eq(tt_arp_learn(t, base + 100, &tt_mac_x, now), 0);
	ck_assert_uint_eq(t->n_used, TT_ARP_MAX_PROBE);
	ck_assert_int_eq(tt_arp_lookup(t, base + TT_ARP_MAX_PROBE - 1, NULL), -ENOENT);
	ck_assert_int_eq(tt_arp_lookup(t, base + 100, NULL), 0);
	for (i = 0; i < TT_ARP_MAX_PROBE - 1; i++)
		ck_assert_int_eq(tt_arp_lookup(t, base + i, NULL), 0);
	/* Next: the oldest is now base + TT_ARP_MAX_PROBE - 2; a resolution takes its slot. */
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, base + 101, NULL), -EAGAIN);
	ck_assert_uint_eq(tt_test_txq_flush(c), 1);
	ck_assert_int_eq(tt_arp_lookup(t, base + TT_ARP_MAX_PROBE - 2, NULL), -ENOENT);
	ck_assert_uint_eq(t->n_used, TT_ARP_MAX_PROBE);

	/* A window of pending entries only: no room, nothing sent. */
	tt_arp_init(t);
	memset(t->key, 0, sizeof(t->key));
	for (i = 0; i < TT_ARP_MAX_PROBE; i++)
		ck_assert_int_eq(tt_arp_resolve(&c->net, 0, base + i, NULL), -EAGAIN);
	ck_assert_uint_eq(tt_test_txq_flush(c), TT_ARP_MAX_PROBE);
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, base + 100, NULL), -ENOSPC);
	ck_assert_int_eq(tt_arp_learn(t, base + 100, &tt_mac_x, now), -ENOSPC);
	ck_assert_uint_eq(c->txq.n, 0);
	ck_assert_uint_eq(t->n_used, TT_ARP_MAX_PROBE);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/*
 * The hash is keyed: addresses that share a home slot under one table's
 * key (as an attacker who knew a fixed hash would pick them) spread out
 * under another's, where they all fit.
 */
START_TEST(test_arp_keyed_hash)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct tt_arp_table *a = &c->net.arp[0], *b = &c->net.arp[1];
	uint32_t same[TT_ARP_MAX_PROBE + 36], n = 0, ip, home;

	ck_assert(memcmp(a->key, b->key, sizeof(a->key)) != 0);
	home = tt_arp_hash(a, TT_TEST_IPV4(10, 0, 0, 0));
	for (ip = TT_TEST_IPV4(10, 0, 0, 0); n < RTE_DIM(same); ip++)
		if (tt_arp_hash(a, ip) == home)
			same[n++] = ip;
	for (n = 0; n < RTE_DIM(same); n++) {
		ck_assert_int_eq(tt_arp_learn(a, same[n], &tt_mac_x, c->net.now_us), 0);
		ck_assert_int_eq(tt_arp_learn(b, same[n], &tt_mac_x, c->net.now_us), 0);
	}
	/* One window in a, the whole table in b. */
	ck_assert_uint_eq(a->n_used, TT_ARP_MAX_PROBE);
	ck_assert_uint_eq(b->n_used, RTE_DIM(same));
	for (n = 0; n < RTE_DIM(same); n++)
		ck_assert_int_eq(tt_arp_lookup(b, same[n], NULL), 0);
	tt_test_ctx_free(c);
}
END_TEST

/* Run a full housekeeping pass over the table of port 0. */
static void
tt_hk_pass(struct tt_test_ctx *c)
{
	unsigned int i;

	for (i = 0; i < TT_ARP_SIZE / 64; i++)
		tt_arp_housekeeping(&c->net, 0);
}

/* A unicast poll of a known neighbour: like a request, to its MAC. */
static void
tt_expect_poll(struct rte_mbuf *m, uint32_t tip, const struct rte_ether_addr *dst)
{
	struct rte_arp_hdr *a;

	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(rte_pktmbuf_data_len(m), 60);
	ck_assert(rte_is_same_ether_addr(&tt_test_eth(m)->dst_addr, dst));
	ck_assert(rte_is_same_ether_addr(&tt_test_eth(m)->src_addr, &tt_test_mac_us));
	a = tt_test_arp(m);
	ck_assert_uint_eq(rte_be_to_cpu_16(a->arp_opcode), RTE_ARP_OP_REQUEST);
	ck_assert(rte_is_same_ether_addr(&a->arp_data.arp_sha, &tt_test_mac_us));
	ck_assert_uint_eq(rte_be_to_cpu_32(a->arp_data.arp_sip), TT_TEST_IP_US);
	ck_assert(rte_is_zero_ether_addr(&a->arp_data.arp_tha));
	ck_assert_uint_eq(rte_be_to_cpu_32(a->arp_data.arp_tip), tip);
	rte_pktmbuf_free(m);
}

START_TEST(test_arp_expire)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct tt_arp_table *t = &c->net.arp[0];

	ck_assert_int_eq(tt_arp_learn(t, TT_TEST_IP_PEER, &tt_test_mac_peer, c->net.now_us), 0);
	ck_assert_int_eq(tt_arp_learn(t, TT_TEST_IP_PEER + 5, &tt_test_mac_peer,
				      c->net.now_us + 1000), 0);
	tt_test_advance_us(c, TT_ARP_TTL_US - 1);
	tt_hk_pass(c);
	ck_assert_uint_eq(t->n_used, 2);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_expired], 0);
	tt_test_advance_us(c, 1);
	tt_hk_pass(c);
	ck_assert_uint_eq(t->n_used, 1);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_expired], 1);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER, NULL), -ENOENT);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER + 5, NULL), 0);
	tt_test_advance_us(c, 1000);
	tt_hk_pass(c);
	ck_assert_uint_eq(t->n_used, 0);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_expired], 2);
	/* Silent neighbours: one unicast poll each before expiry, nothing more. */
	ck_assert_uint_eq(c->txq.n, 2);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_tx_request], 2);
	{
		/* In table order, which the hash decides. */
		uint32_t tip0 = rte_be_to_cpu_32(tt_test_arp(c->txq.m[0])->arp_data.arp_tip);
		bool peer_first = tip0 == TT_TEST_IP_PEER;

		tt_expect_poll(tt_test_txq_pop(c), peer_first ? TT_TEST_IP_PEER :
			       TT_TEST_IP_PEER + 5, &tt_test_mac_peer);
		tt_expect_poll(tt_test_txq_pop(c), peer_first ? TT_TEST_IP_PEER + 5 :
			       TT_TEST_IP_PEER, &tt_test_mac_peer);
	}
	/* One call 10 ms after the previous one scans the whole table. */
	for (uint32_t i = 0; i < 300; i++)
		ck_assert_int_eq(tt_arp_learn(t, TT_TEST_IPV4(198, 18, 1, 0) + i, &tt_mac_x,
					      c->net.now_us), 0);
	tt_arp_housekeeping(&c->net, 0);
	tt_test_advance_us(c, TT_ARP_TTL_US);
	tt_arp_housekeeping(&c->net, 0);
	ck_assert_uint_eq(t->n_used, 0);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_expired], 302);
	/* Learnt again after expiry. */
	ck_assert_int_eq(tt_arp_learn(t, TT_TEST_IP_PEER, &tt_test_mac_peer, c->net.now_us), 0);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER, NULL), 0);
	tt_test_ctx_free(c);
}
END_TEST

/* The request we send for @p tip: 60 bytes, byte by byte. */
static void
tt_expect_request(struct rte_mbuf *m, uint32_t tip)
{
	uint8_t want[60] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* broadcast */
		0x02, 0, 0, 0, 0, 0x02,			/* us */
		0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
		0x02, 0, 0, 0, 0, 0x02, 198, 18, 0, 2,	/* sender: us */
		0, 0, 0, 0, 0, 0,			/* target MAC unknown */
		(uint8_t)(tip >> 24), (uint8_t)(tip >> 16), (uint8_t)(tip >> 8), (uint8_t)tip,
	};

	ck_assert_ptr_nonnull(m);
	ck_assert(tt_test_bytes_eq(m, want, sizeof(want)));
	ck_assert_uint_eq(m->port, TT_TEST_PORT);
	rte_pktmbuf_free(m);
}

START_TEST(test_arp_resolve_retry)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct tt_arp_table *t = &c->net.arp[0];
	struct rte_ether_addr mac;
	unsigned int i;

	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IP_PEER, &mac), -EAGAIN);
	ck_assert_uint_eq(t->n_used, 1);
	ck_assert_uint_eq(c->txq.n, 1);
	tt_expect_request(tt_test_txq_pop(c), TT_TEST_IP_PEER);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_tx_request], 1);
	/* Pending: no MAC, and no new request before the retry time. */
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER, &mac), -ENOENT);
	tt_test_advance_us(c, TT_ARP_RETRY_US - 1);
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IP_PEER, &mac), -EAGAIN);
	tt_hk_pass(c);
	ck_assert_uint_eq(c->txq.n, 0);
	/* Retry time: resolve asks again, housekeeping then does not. */
	tt_test_advance_us(c, 1);
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IP_PEER, &mac), -EAGAIN);
	tt_hk_pass(c);
	ck_assert_uint_eq(c->txq.n, 1);
	tt_expect_request(tt_test_txq_pop(c), TT_TEST_IP_PEER);
	/* Housekeeping alone asks up to TT_ARP_MAX_RETRIES times in all. */
	for (i = 2; i < TT_ARP_MAX_RETRIES; i++) {
		tt_test_advance_us(c, TT_ARP_RETRY_US);
		tt_hk_pass(c);
		ck_assert_uint_eq(c->txq.n, 1);
		tt_expect_request(tt_test_txq_pop(c), TT_TEST_IP_PEER);
		ck_assert_uint_eq(t->n_used, 1);
	}
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_tx_request], TT_ARP_MAX_RETRIES);
	/* Then gives up: the entry is freed, no more requests. */
	tt_test_advance_us(c, TT_ARP_RETRY_US);
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IP_PEER, &mac), -EAGAIN);
	ck_assert_uint_eq(c->txq.n, 0);
	tt_hk_pass(c);
	ck_assert_uint_eq(c->txq.n, 0);
	ck_assert_uint_eq(t->n_used, 0);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_expired], 0);
	/* A later resolve starts over. */
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IP_PEER, &mac), -EAGAIN);
	tt_expect_request(tt_test_txq_pop(c), TT_TEST_IP_PEER);
	/* Errors. */
	ck_assert_int_eq(tt_arp_resolve(&c->net, 1, TT_TEST_IP_PEER, &mac), -ENODEV);
	ck_assert_int_eq(tt_arp_resolve(&c->net, TT_MAX_PORTS, TT_TEST_IP_PEER, &mac), -ENODEV);
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, 0, &mac), -EINVAL);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

START_TEST(test_arp_resolve_answered)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_ether_addr mac;
	struct rte_mbuf *m;

	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IP_PEER, &mac), -EAGAIN);
	ck_assert_uint_eq(tt_test_txq_flush(c), 1);
	/* The peer answers. */
	m = tt_peer_reply(&tt_test_mac_peer);
	ck_assert_drop(tt_rx(c, m), TT_DROP_NONE);
	ck_assert_uint_eq(c->txq.n, 0);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_rx_reply], 1);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_learned], 1);
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IP_PEER, &mac), 0);
	ck_assert(rte_is_same_ether_addr(&mac, &tt_test_mac_peer));
	/* Resolved entries live TT_ARP_TTL_US without a broadcast request. */
	tt_test_advance_us(c, TT_ARP_TTL_US - 1);
	tt_hk_pass(c);
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IP_PEER, &mac), 0);
	ck_assert_uint_eq(c->txq.n, 1);		/* the unicast poll */
	tt_expect_poll(tt_test_txq_pop(c), TT_TEST_IP_PEER, &tt_test_mac_peer);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_tx_request], 2);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/* A neighbour that answers the polls never expires. */
START_TEST(test_arp_refresh)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct tt_arp_table *t = &c->net.arp[0];
	const uint64_t window = TT_ARP_MAX_RETRIES * TT_ARP_RETRY_US;
	unsigned int i;

	ck_assert_int_eq(tt_arp_learn(t, TT_TEST_IP_PEER, &tt_test_mac_peer, c->net.now_us), 0);
	tt_test_advance_us(c, TT_ARP_TTL_US - window - 1);
	tt_hk_pass(c);
	ck_assert_uint_eq(c->txq.n, 0);
	/* One poll per retry period in the last window. */
	for (i = 0; i < TT_ARP_MAX_RETRIES; i++) {
		tt_test_advance_us(c, i == 0 ? 1 : TT_ARP_RETRY_US / 2);
		tt_hk_pass(c);
		ck_assert_uint_eq(c->txq.n, 1);
		tt_expect_poll(tt_test_txq_pop(c), TT_TEST_IP_PEER, &tt_test_mac_peer);
		tt_test_advance_us(c, TT_ARP_RETRY_US / 2);
		tt_hk_pass(c);
		ck_assert_uint_eq(c->txq.n, 0);
	}
	/* The last poll is answered: renewed for a full lifetime. */
	ck_assert_drop(tt_rx(c, tt_peer_reply(&tt_test_mac_peer)), TT_DROP_NONE);
	tt_test_advance_us(c, TT_ARP_TTL_US - window - 1);
	tt_hk_pass(c);
	ck_assert_uint_eq(c->txq.n, 0);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER, NULL), 0);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_expired], 0);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_learned], 0);	/* same MAC */
	/* Unanswered after a long pause: one poll, not a burst, then expiry. */
	tt_test_advance_us(c, window - 10);
	tt_hk_pass(c);
	tt_hk_pass(c);
	ck_assert_uint_eq(c->txq.n, 1);
	tt_test_advance_us(c, 11);
	tt_hk_pass(c);
	ck_assert_uint_eq(c->txq.n, 1);
	ck_assert_uint_eq(t->n_used, 0);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_expired], 1);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

START_TEST(test_arp_nexthop)
{
	struct tt_test_ctx *c = tt_test_ctx_new();

	ck_assert_uint_eq(tt_arp_nexthop(&c->ifc, TT_TEST_IP_PEER), TT_TEST_IP_PEER);
	ck_assert_uint_eq(tt_arp_nexthop(&c->ifc, TT_TEST_IPV4(198, 18, 0, 200)),
			  TT_TEST_IPV4(198, 18, 0, 200));
	ck_assert_uint_eq(tt_arp_nexthop(&c->ifc, TT_TEST_IPV4(198, 18, 1, 1)), TT_TEST_IP_PEER);
	ck_assert_uint_eq(tt_arp_nexthop(&c->ifc, TT_TEST_IPV4(10, 0, 0, 1)), TT_TEST_IP_PEER);
	c->ifc.gateway = 0;
	ck_assert_uint_eq(tt_arp_nexthop(&c->ifc, TT_TEST_IPV4(10, 0, 0, 1)), 0);
	c->ifc.mask = 0xfffe0000;	/* /15 */
	ck_assert_uint_eq(tt_arp_nexthop(&c->ifc, TT_TEST_IPV4(198, 19, 3, 4)),
			  TT_TEST_IPV4(198, 19, 3, 4));
	tt_test_ctx_free(c);
}
END_TEST

START_TEST(test_arp_gratuitous)
{
	static const uint8_t want[60] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
		0x02, 0, 0, 0, 0, 0x02, 198, 18, 0, 2,
		0, 0, 0, 0, 0, 0, 198, 18, 0, 2,
	};
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *m;

	ck_assert_int_eq(tt_arp_gratuitous(&c->net, 0), 0);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_tx_gratuitous], 1);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_tx_request], 0);
	m = tt_test_txq_pop(c);
	ck_assert_ptr_nonnull(m);
	ck_assert(tt_test_bytes_eq(m, want, sizeof(want)));
	ck_assert_uint_eq(m->port, 0);
	rte_pktmbuf_free(m);

	ck_assert_int_eq(tt_arp_gratuitous(&c->net, 3), -ENODEV);
	c->ifc.pool = NULL;	/* no mbuf to be had */
	ck_assert_int_eq(tt_arp_gratuitous(&c->net, 0), -ENOMEM);
	ck_assert_uint_eq(c->stats.drop[TT_DROP_no_mbuf], 1);
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IP_PEER, NULL), -EAGAIN);
	ck_assert_uint_eq(c->stats.drop[TT_DROP_no_mbuf], 2);
	ck_assert_uint_eq(c->txq.n, 0);
	/* The request that found no mbuf goes out on the next call. */
	c->ifc.pool = tt_test_pool();
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IP_PEER, NULL), -EAGAIN);
	ck_assert_uint_eq(c->txq.n, 1);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/* ---- ARP input. ---- */

START_TEST(test_arp_reply_bytes)
{
	/* A request from the peer, as Linux sends it (42 bytes, no padding). */
	static const uint8_t req[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
		0x02, 0, 0, 0, 0, 0x01, 198, 18, 0, 1,
		0, 0, 0, 0, 0, 0, 198, 18, 0, 2,
	};
	static const uint8_t want[42] = {
		0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02,
		0x02, 0, 0, 0, 0, 0x02, 198, 18, 0, 2,
		0x02, 0, 0, 0, 0, 0x01, 198, 18, 0, 1,
	};
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_ether_addr mac;
	struct rte_mbuf *m;

	m = tt_test_mbuf_from(req, sizeof(req));
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	ck_assert_drop(tt_rx(c, m), TT_DROP_NONE);
	ck_assert_uint_eq(c->txq.n, 1);
	m = tt_test_txq_pop(c);
	ck_assert(tt_test_bytes_eq(m, want, sizeof(want)));
	ck_assert_uint_eq(m->port, 0);
	ck_assert_uint_eq(m->ol_flags, 0);
	rte_pktmbuf_free(m);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_rx_request], 1);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_tx_reply], 1);
	/* Answered, not learnt: we never asked for the peer. */
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_learned], 0);
	ck_assert_int_eq(tt_arp_lookup(&c->net.arp[0], TT_TEST_IP_PEER, &mac), -ENOENT);
	ck_assert_uint_eq(tt_stats_drops(&c->stats), 0);

	/* Asked again: answered again. */
	ck_assert_drop(tt_rx(c, tt_test_build_arp_request(TT_TEST_IP_US)), TT_DROP_NONE);
	ck_assert_uint_eq(c->txq.n, 1);
	m = tt_test_txq_pop(c);
	ck_assert_uint_eq(rte_pktmbuf_data_len(m), 60);		/* padding kept */
	ck_assert(tt_test_bytes_eq(m, (uint8_t[60]){ 0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0,
		0, 0x02, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02,
		0x02, 0, 0, 0, 0, 0x02, 198, 18, 0, 2,
		0x02, 0, 0, 0, 0, 0x01, 198, 18, 0, 1 }, 60));
	rte_pktmbuf_free(m);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_learned], 0);
	ck_assert_uint_eq(c->net.arp[0].n_used, 0);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

START_TEST(test_arp_input_learning)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct tt_arp_table *t = &c->net.arp[0];
	const uint32_t other = TT_TEST_IPV4(198, 18, 0, 7);
	struct rte_ether_addr mac;

	/*
	 * Gratuitous ARP (an RFC 5227 announcement) from a host we do not
	 * know: not added, and not a drop (every port announces itself).
	 */
	ck_assert_drop(tt_rx(c, tt_test_build_arp(RTE_ARP_OP_REQUEST, NULL, &tt_mac_x, other,
						  NULL, other)), TT_DROP_NONE);
	ck_assert_uint_eq(t->n_used, 0);
	ck_assert_uint_eq(c->txq.n, 0);
	ck_assert_uint_eq(c->stats.drop[TT_DROP_arp_unsolicited], 0);
	/* A reply for us from a host we never asked: not added either, a drop. */
	ck_assert_drop(tt_rx(c, tt_peer_reply(&tt_test_mac_peer)), TT_DROP_NONE);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER, NULL), -ENOENT);
	ck_assert_uint_eq(c->stats.drop[TT_DROP_arp_unsolicited], 1);
	/* Nor a request for us: answered, not recorded, not a drop. */
	ck_assert_drop(tt_rx(c, tt_test_build_arp_request(TT_TEST_IP_US)), TT_DROP_NONE);
	ck_assert_uint_eq(tt_test_txq_flush(c), 1);
	ck_assert_uint_eq(t->n_used, 0);
	ck_assert_uint_eq(c->stats.drop[TT_DROP_arp_unsolicited], 1);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_learned], 0);

	/* Pending (we asked): the gratuitous form completes it too (RFC 826 merge). */
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, other, NULL), -EAGAIN);
	ck_assert_uint_eq(tt_test_txq_flush(c), 1);
	ck_assert_drop(tt_rx(c, tt_test_build_arp(RTE_ARP_OP_REPLY, NULL, &tt_mac_x, other,
						  NULL, other)), TT_DROP_NONE);
	ck_assert_int_eq(tt_arp_lookup(t, other, &mac), 0);
	ck_assert(rte_is_same_ether_addr(&mac, &tt_mac_x));
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_learned], 1);
	/* Known with that MAC: refreshed, not counted. */
	ck_assert_drop(tt_rx(c, tt_test_build_arp(RTE_ARP_OP_REQUEST, NULL, &tt_mac_x, other,
						  NULL, other)), TT_DROP_NONE);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_learned], 1);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_rx_reply], 2);
	ck_assert_uint_eq(c->txq.n, 0);
	ck_assert_uint_eq(tt_stats_drops(&c->stats), 1);

	/* Off our subnet: answered, not recorded. */
	ck_assert_drop(tt_rx(c, tt_test_build_arp(RTE_ARP_OP_REQUEST, NULL, &tt_mac_x,
						  TT_TEST_IPV4(10, 0, 0, 1), NULL, TT_TEST_IP_US)),
		       TT_DROP_NONE);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IPV4(10, 0, 0, 1), NULL), -ENOENT);
	ck_assert_uint_eq(tt_test_txq_flush(c), 1);

	/* RFC 5227 probe (sender 0.0.0.0) for our address: defended, not recorded. */
	ck_assert_drop(tt_rx(c, tt_test_build_arp(RTE_ARP_OP_REQUEST, NULL, &tt_mac_x, 0,
						  NULL, TT_TEST_IP_US)), TT_DROP_NONE);
	ck_assert_uint_eq(c->txq.n, 1);
	ck_assert_uint_eq(tt_test_arp(c->txq.m[0])->arp_data.arp_tip, 0);
	tt_test_txq_flush(c);

	/* Someone else claims our address: never recorded. */
	ck_assert_drop(tt_rx(c, tt_test_build_arp(RTE_ARP_OP_REQUEST, NULL, &tt_mac_x,
						  TT_TEST_IP_US, NULL, TT_TEST_IP_US)),
		       TT_DROP_NONE);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_US, NULL), -ENOENT);
	tt_test_txq_flush(c);

	/* Our own gratuitous ARP looped back: ignored. */
	ck_assert_int_eq(tt_arp_gratuitous(&c->net, 0), 0);
	ck_assert_drop(tt_rx(c, tt_test_txq_pop(c)), TT_DROP_NONE);
	ck_assert_uint_eq(c->txq.n, 0);

	/* The subnet's broadcast as sender: not recorded, even when asked for. */
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IPV4(198, 18, 0, 255), NULL),
			 -EAGAIN);
	tt_test_txq_flush(c);
	ck_assert_drop(tt_rx(c, tt_test_build_arp(RTE_ARP_OP_REQUEST, NULL, &tt_mac_x,
						  TT_TEST_IPV4(198, 18, 0, 255), NULL,
						  TT_TEST_IP_US)), TT_DROP_NONE);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IPV4(198, 18, 0, 255), NULL), -ENOENT);
	tt_test_txq_flush(c);
	{
		/* A multicast sender MAC: a frame from it is bad_src_mac ... */
		struct rte_ether_addr mc = { .addr_bytes = { 0x01, 0, 0x5e, 0, 0, 1 } };
		struct rte_mbuf *m;

		ck_assert_drop(tt_rx(c, tt_test_build_arp(RTE_ARP_OP_REQUEST, NULL, &mc,
							  TT_TEST_IPV4(198, 18, 0, 9), NULL,
							  TT_TEST_IP_US)), TT_DROP_bad_src_mac);
		/* ... and in the ARP body only: neither recorded nor answered. */
		ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IPV4(198, 18, 0, 9), NULL),
				 -EAGAIN);
		tt_test_txq_flush(c);
		m = tt_test_build_arp(RTE_ARP_OP_REQUEST, NULL, &mc, TT_TEST_IPV4(198, 18, 0, 9),
				      NULL, TT_TEST_IP_US);
		tt_test_eth(m)->src_addr = tt_mac_x;
		ck_assert_drop(tt_rx(c, m), TT_DROP_NONE);
		ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IPV4(198, 18, 0, 9), NULL), -ENOENT);
		ck_assert_uint_eq(c->txq.n, 0);
		ck_assert_uint_eq(c->stats.drop[TT_DROP_arp_unsolicited], 2);
	}
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/*
 * ARP spoofing: frames that give a resolved neighbour another MAC (reply,
 * gratuitous, or a request for us) change nothing and are not answered;
 * they start a verification by unicast polls to the MAC we have, which
 * the real neighbour answers. A neighbour that really moved stops
 * answering: its entry ends within the poll window and the next
 * resolution learns the new MAC.
 */
START_TEST(test_arp_conflict)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct tt_arp_table *t = &c->net.arp[0];
	const uint64_t window = TT_ARP_MAX_RETRIES * TT_ARP_RETRY_US;
	struct rte_ether_addr mac;
	unsigned int i;

	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IP_PEER, NULL), -EAGAIN);
	tt_test_txq_flush(c);
	ck_assert_drop(tt_rx(c, tt_peer_reply(&tt_test_mac_peer)), TT_DROP_NONE);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_learned], 1);

	/* Three ways to claim the peer's address from tt_mac_x. */
	ck_assert_drop(tt_rx(c, tt_peer_reply(&tt_mac_x)), TT_DROP_NONE);
	ck_assert_drop(tt_rx(c, tt_test_build_arp(RTE_ARP_OP_REPLY, NULL, &tt_mac_x,
						  TT_TEST_IP_PEER, NULL, TT_TEST_IP_PEER)),
		       TT_DROP_NONE);
	ck_assert_drop(tt_rx(c, tt_test_build_arp(RTE_ARP_OP_REQUEST, NULL, &tt_mac_x,
						  TT_TEST_IP_PEER, NULL, TT_TEST_IP_US)),
		       TT_DROP_NONE);
	ck_assert_uint_eq(c->stats.drop[TT_DROP_arp_conflict], 3);
	ck_assert_uint_eq(c->txq.n, 0);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER, &mac), 0);
	ck_assert(rte_is_same_ether_addr(&mac, &tt_test_mac_peer));
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_learned], 1);

	/* Verification: a poll to the MAC we have at once; the peer answers. */
	tt_hk_pass(c);
	ck_assert_uint_eq(c->txq.n, 1);
	tt_expect_poll(tt_test_txq_pop(c), TT_TEST_IP_PEER, &tt_test_mac_peer);
	ck_assert_drop(tt_rx(c, tt_peer_reply(&tt_test_mac_peer)), TT_DROP_NONE);
	/* Renewed for a full lifetime: no poll until its end is near. */
	tt_test_advance_us(c, TT_ARP_TTL_US - window - 1);
	tt_hk_pass(c);
	ck_assert_uint_eq(c->txq.n, 0);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER, &mac), 0);
	ck_assert(rte_is_same_ether_addr(&mac, &tt_test_mac_peer));

	/* The peer moved to tt_mac_x: the old MAC stays silent, the entry ends. */
	ck_assert_drop(tt_rx(c, tt_test_build_arp(RTE_ARP_OP_REPLY, NULL, &tt_mac_x,
						  TT_TEST_IP_PEER, NULL, TT_TEST_IP_PEER)),
		       TT_DROP_NONE);
	ck_assert_uint_eq(c->stats.drop[TT_DROP_arp_conflict], 4);
	for (i = 0; i < TT_ARP_MAX_RETRIES; i++) {
		tt_hk_pass(c);
		ck_assert_uint_eq(c->txq.n, 1);
		tt_expect_poll(tt_test_txq_pop(c), TT_TEST_IP_PEER, &tt_test_mac_peer);
		tt_test_advance_us(c, TT_ARP_RETRY_US);
	}
	tt_hk_pass(c);
	ck_assert_int_eq(tt_arp_lookup(t, TT_TEST_IP_PEER, NULL), -ENOENT);
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_expired], 1);
	/* Asked everyone again: the new MAC's answer is believed. */
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IP_PEER, NULL), -EAGAIN);
	tt_expect_request(tt_test_txq_pop(c), TT_TEST_IP_PEER);
	ck_assert_drop(tt_rx(c, tt_peer_reply(&tt_mac_x)), TT_DROP_NONE);
	ck_assert_int_eq(tt_arp_resolve(&c->net, 0, TT_TEST_IP_PEER, &mac), 0);
	ck_assert(rte_is_same_ether_addr(&mac, &tt_mac_x));
	ck_assert_uint_eq(c->stats.c[TT_STAT_arp_learned], 2);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/* ---- ICMP. ---- */

static void
tt_check_echo(struct tt_test_ctx *c, uint16_t id, uint16_t seq, uint16_t len, bool pad)
{
	struct tt_test_l3 l3;
	struct rte_mbuf *m, *want;

	m = tt_valid_icmp(id, seq, len);
	tt_test_ip(m)->time_to_live = 3;
	tt_test_ip(m)->packet_id = rte_cpu_to_be_16(0x4321);
	tt_test_fix_cksums(m);
	if (pad)
		ck_assert_ptr_nonnull(rte_pktmbuf_append(m, 60 - rte_pktmbuf_data_len(m)));
	ck_assert_drop(tt_rx(c, m), TT_DROP_NONE);
	ck_assert_uint_eq(c->txq.n, 1);
	m = tt_test_txq_pop(c);

	tt_test_l3_reverse(&l3);
	l3.ip_id = 0x4321;
	want = tt_test_build_icmp_echo(&l3, RTE_IP_ICMP_ECHO_REPLY, id, seq, NULL, len);
	ck_assert_msg(tt_test_bytes_eq(m, rte_pktmbuf_mtod(want, void *),
				       rte_pktmbuf_data_len(want)),
		      "echo reply id %u seq %u len %u", id, seq, len);
	ck_assert(tt_test_cksums_ok(m));
	ck_assert_uint_eq(m->port, 0);
	ck_assert_uint_eq(m->l2_len, 14);
	ck_assert_uint_eq(m->l3_len, 20);
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(want);
}

START_TEST(test_icmp_echo)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	struct rte_mbuf *m;

	tt_check_echo(c, 0x1234, 7, 56, false);
	tt_check_echo(c, 0, 0, 0, false);
	tt_check_echo(c, 0xffff, 0xffff, 1, false);
	tt_check_echo(c, 1, 2, 57, false);
	tt_check_echo(c, 3, 4, 1472, false);
	tt_check_echo(c, 5, 6, 4, true);	/* padded request: reply not padded */
	ck_assert_uint_eq(c->stats.c[TT_STAT_icmp_echo_rx], 6);
	ck_assert_uint_eq(c->stats.c[TT_STAT_icmp_echo_tx], 6);

	/* With IPv4 checksum offload: flag set, field 0, ICMP still valid. */
	c->ifc.tx_ip_cksum = true;
	ck_assert_drop(tt_rx(c, tt_valid_icmp(8, 9, 100)), TT_DROP_NONE);
	m = tt_test_txq_pop(c);
	ck_assert_uint_eq(m->ol_flags & TT_TX_FLAGS, RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
	ck_assert_uint_eq(tt_test_ip(m)->hdr_checksum, 0);
	ck_assert_uint_eq(tt_test_inet_cksum(tt_test_icmp(m), 108), 0);
	ck_assert_uint_eq(tt_test_icmp(m)->icmp_type, 0);
	rte_pktmbuf_free(m);

	/* A request carrying RX flags and DF|MF-free fragment bits: reply clean. */
	c->ifc.tx_ip_cksum = false;
	m = tt_valid_icmp(8, 9, 10);
	tt_test_ip(m)->fragment_offset = 0;
	tt_test_fix_cksums(m);
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	ck_assert_drop(tt_rx(c, m), TT_DROP_NONE);
	m = tt_test_txq_pop(c);
	ck_assert_uint_eq(m->ol_flags, 0);
	ck_assert_uint_eq(tt_test_ip(m)->fragment_offset, 0);
	ck_assert(tt_test_cksums_ok(m));
	rte_pktmbuf_free(m);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

/* RFC 1122 3.2.2.6: the reply comes from the address the request was sent to. */
START_TEST(test_icmp_echo_extra)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	const uint32_t asked[] = { TT_TEST_IPV4(198, 18, 0, 10), TT_TEST_IPV4(198, 18, 0, 12),
				   TT_TEST_IP_US };
	struct tt_test_l3 l3;
	struct rte_mbuf *m, *want;
	unsigned int i;

	c->ifc.extra_first = TT_TEST_IPV4(198, 18, 0, 10);
	c->ifc.extra_last = TT_TEST_IPV4(198, 18, 0, 12);
	for (i = 0; i < RTE_DIM(asked); i++) {
		tt_test_l3_default(&l3);
		l3.dst_ip = asked[i];
		m = tt_test_build_icmp_echo(&l3, RTE_IP_ICMP_ECHO_REQUEST, 0x77, (uint16_t)i,
					    NULL, 24);
		ck_assert_drop(tt_rx(c, m), TT_DROP_NONE);
		m = tt_test_txq_pop(c);
		ck_assert_ptr_nonnull(m);
		tt_test_l3_reverse(&l3);
		l3.src_ip = asked[i];
		want = tt_test_build_icmp_echo(&l3, RTE_IP_ICMP_ECHO_REPLY, 0x77, (uint16_t)i,
					       NULL, 24);
		ck_assert_msg(tt_test_bytes_eq(m, rte_pktmbuf_mtod(want, void *),
					       rte_pktmbuf_data_len(want)),
			      "echo reply to a request for %08x", asked[i]);
		ck_assert(tt_test_cksums_ok(m));
		rte_pktmbuf_free(m);
		rte_pktmbuf_free(want);
	}
	ck_assert_uint_eq(c->stats.c[TT_STAT_icmp_echo_tx], RTE_DIM(asked));
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

START_TEST(test_icmp_txq_full)
{
	struct tt_test_ctx *c = tt_test_ctx_new();
	unsigned int i;

	for (i = 0; i < TT_TXQ_SIZE; i++)
		tt_txq_push(&c->net, rte_pktmbuf_alloc(tt_test_pool()));
	ck_assert_drop(tt_rx(c, tt_valid_icmp(1, 1, 1)), TT_DROP_NONE);
	ck_assert_drop(tt_rx(c, tt_test_build_arp_request(TT_TEST_IP_US)), TT_DROP_NONE);
	ck_assert_uint_eq(c->stats.drop[TT_DROP_tx_full], 2);
	ck_assert_uint_eq(tt_test_pool_in_use(), tt_base + TT_TXQ_SIZE);
	tt_test_ctx_free(c);
	tt_leak_check();
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc;

	tt_test_eal_init();

	tc = tcase_create("cksum");
	tcase_add_test(tc, test_cksum_rfc1071);
	tcase_add_test(tc, test_cksum_raw_vs_dpdk);
	tcase_add_test(tc, test_cksum_ipv4_vector);
	tcase_add_test(tc, test_cksum_tcp_vectors);
	tcase_add_test(tc, test_cksum_finish_sw);
	tcase_add_test(tc, test_cksum_finish_offload);
	tcase_add_test(tc, test_cksum_finish_chain);
	tcase_add_test(tc, test_cksum_finish_other);
	tcase_add_test(tc, test_txq_full);
	tcase_add_checked_fixture(tc, tt_setup, NULL);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_parse_valid);
	tcase_add_test(tc, test_parse_tcp_flags);
	tcase_add_test(tc, test_syn_peek);
	tcase_add_test(tc, test_parse_ethernet);
	tcase_add_test(tc, test_parse_arp);
	tcase_add_test(tc, test_parse_ipv4);
	tcase_add_test(tc, test_parse_link);
	tcase_add_test(tc, test_parse_land);
	tcase_add_test(tc, test_parse_rx_cksum_flags);
	tcase_add_test(tc, test_parse_icmp);
	tcase_add_test(tc, test_parse_tcp);
	tcase_add_test(tc, test_parse_multiseg);
	tcase_add_test(tc, test_parse_truncations);
	tcase_add_test(tc, test_parse_garbage);
	tcase_add_checked_fixture(tc, tt_setup, NULL);
	suite_add_tcase(s, tc);

	tc = tcase_create("arp");
	tcase_add_test(tc, test_arp_learn_lookup);
	tcase_add_test(tc, test_arp_full);
	tcase_add_test(tc, test_arp_evict);
	tcase_add_test(tc, test_arp_keyed_hash);
	tcase_add_test(tc, test_arp_expire);
	tcase_add_test(tc, test_arp_resolve_retry);
	tcase_add_test(tc, test_arp_resolve_answered);
	tcase_add_test(tc, test_arp_refresh);
	tcase_add_test(tc, test_arp_nexthop);
	tcase_add_test(tc, test_arp_gratuitous);
	tcase_add_test(tc, test_arp_reply_bytes);
	tcase_add_test(tc, test_arp_input_learning);
	tcase_add_test(tc, test_arp_conflict);
	tcase_add_checked_fixture(tc, tt_setup, NULL);
	suite_add_tcase(s, tc);

	tc = tcase_create("icmp");
	tcase_add_test(tc, test_icmp_echo);
	tcase_add_test(tc, test_icmp_echo_extra);
	tcase_add_test(tc, test_icmp_txq_full);
	tcase_add_checked_fixture(tc, tt_setup, NULL);
	suite_add_tcase(s, tc);
	return s;
}
