/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the RSS emulator's queue choice (tests/tools/tt_rss_hash):
 * the Toeplitz hash against the examples of Microsoft's RSS verification
 * suite ("Verifying the RSS Hash Calculation", with the key
 * 6d5a56da255b0ec2...), the symmetry of the 0x6d5a key, what a frame is
 * hashed on (TCP/IPv4 4-tuple, other IPv4 2-tuple, non-IP none), the
 * RETA and the key parser.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "tt_rss_hash.h"
#include "tt_test_util.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* Microsoft's IPv4 examples: source, destination, hash with and without the ports. */
static const struct {
	uint32_t src_ip, dst_ip;
	uint16_t src_port, dst_port;
	uint32_t hash_tcp, hash_ip;
} ms_vectors[] = {
	{ IP4(66, 9, 149, 187), IP4(161, 142, 100, 80), 2794, 1766, 0x51ccc178, 0x323e8fc2 },
	{ IP4(199, 92, 111, 2), IP4(65, 69, 140, 83), 14230, 4739, 0xc626b0ea, 0xd718262a },
	{ IP4(24, 19, 198, 95), IP4(12, 22, 207, 184), 12898, 38024, 0x5c2b394a, 0xd2d0a5de },
	{ IP4(38, 27, 205, 30), IP4(209, 142, 163, 6), 48228, 2217, 0xafc7327f, 0x82989176 },
	{ IP4(153, 39, 163, 191), IP4(202, 188, 127, 2), 44251, 1303, 0x10e828a2, 0x5d1809c5 },
};

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint32_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

/* An Ethernet + IPv4 (+ TCP or UDP header) frame into @p buf; its length. */
static uint32_t
build_frame(uint8_t *buf, uint8_t proto, uint32_t src, uint32_t dst,
	    uint16_t sport, uint16_t dport, uint16_t frag)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint32_t len = sizeof(*eth) + sizeof(*ip);

	memset(buf, 0, 128);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->next_proto_id = proto;
	ip->fragment_offset = rte_cpu_to_be_16(frag);
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	if (proto == IPPROTO_TCP) {
		struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)(ip + 1);

		tcp->src_port = rte_cpu_to_be_16(sport);
		tcp->dst_port = rte_cpu_to_be_16(dport);
		tcp->data_off = 5 << 4;
		len += sizeof(*tcp);
	} else if (proto == IPPROTO_UDP) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

		udp->src_port = rte_cpu_to_be_16(sport);
		udp->dst_port = rte_cpu_to_be_16(dport);
		len += sizeof(*udp);
	}
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len - sizeof(*eth)));
	return len;
}

START_TEST(test_microsoft_vectors)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(ms_vectors); i++) {
		ck_assert_uint_eq(tt_rss_hash_tcp4(tt_rss_key_microsoft, ms_vectors[i].src_ip,
						   ms_vectors[i].dst_ip,
						   ms_vectors[i].src_port,
						   ms_vectors[i].dst_port),
				  ms_vectors[i].hash_tcp);
		ck_assert_uint_eq(tt_rss_hash_ip4(tt_rss_key_microsoft, ms_vectors[i].src_ip,
						  ms_vectors[i].dst_ip),
				  ms_vectors[i].hash_ip);
	}
}
END_TEST

/* The same vectors through a frame: what is hashed and the queue chosen. */
START_TEST(test_classify_frames)
{
	struct tt_rss r;
	uint8_t buf[128];
	uint32_t len, hash;
	unsigned int i;

	ck_assert_int_eq(tt_rss_init(&r, tt_rss_key_microsoft, 128, 3), 0);
	for (i = 0; i < RTE_DIM(ms_vectors); i++) {
		len = build_frame(buf, IPPROTO_TCP, ms_vectors[i].src_ip, ms_vectors[i].dst_ip,
				  ms_vectors[i].src_port, ms_vectors[i].dst_port, 0);
		ck_assert_int_eq(tt_rss_classify(&r, buf, len, &hash), TT_RSS_IPV4_TCP);
		ck_assert_uint_eq(hash, ms_vectors[i].hash_tcp);
		ck_assert_uint_eq(tt_rss_queue_of(&r, TT_RSS_IPV4_TCP, hash),
				  (hash & 127) % 3);

		/* UDP: the addresses only (the port is tcpterm's RSS_IP | RSS_TCP). */
		len = build_frame(buf, IPPROTO_UDP, ms_vectors[i].src_ip, ms_vectors[i].dst_ip,
				  ms_vectors[i].src_port, ms_vectors[i].dst_port, 0);
		ck_assert_int_eq(tt_rss_classify(&r, buf, len, &hash), TT_RSS_IPV4);
		ck_assert_uint_eq(hash, ms_vectors[i].hash_ip);

		/* TCP fragments, first (MF) and later (offset): the addresses only. */
		len = build_frame(buf, IPPROTO_TCP, ms_vectors[i].src_ip, ms_vectors[i].dst_ip,
				  ms_vectors[i].src_port, ms_vectors[i].dst_port,
				  RTE_IPV4_HDR_MF_FLAG);
		ck_assert_int_eq(tt_rss_classify(&r, buf, len, &hash), TT_RSS_IPV4);
		ck_assert_uint_eq(hash, ms_vectors[i].hash_ip);
		len = build_frame(buf, IPPROTO_TCP, ms_vectors[i].src_ip, ms_vectors[i].dst_ip,
				  ms_vectors[i].src_port, ms_vectors[i].dst_port, 185);
		ck_assert_int_eq(tt_rss_classify(&r, buf, len, &hash), TT_RSS_IPV4);
		ck_assert_uint_eq(hash, ms_vectors[i].hash_ip);

		/* A TCP header cut short: the addresses only. */
		len = build_frame(buf, IPPROTO_TCP, ms_vectors[i].src_ip, ms_vectors[i].dst_ip,
				  ms_vectors[i].src_port, ms_vectors[i].dst_port, 0);
		ck_assert_int_eq(tt_rss_classify(&r, buf, len - 1, &hash), TT_RSS_IPV4);
		ck_assert_uint_eq(hash, ms_vectors[i].hash_ip);
	}
}
END_TEST

/* What has no hash goes to queue 0, whatever the RETA says. */
START_TEST(test_classify_non_ip)
{
	struct tt_rss r;
	uint8_t buf[128];
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint32_t len, hash = 1;

	ck_assert_int_eq(tt_rss_init(&r, tt_rss_key_symmetric, 64, 4), 0);
	/* Start the RETA at queue 3, so that queue 0 is not the hash's by chance. */
	memset(r.reta, 0, sizeof(r.reta));
	r.reta[0] = 3;
	len = build_frame(buf, IPPROTO_TCP, IP4(198, 18, 0, 1), IP4(198, 18, 0, 2), 1, 80, 0);

	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	ck_assert_int_eq(tt_rss_classify(&r, buf, len, &hash), TT_RSS_NONE);
	ck_assert_uint_eq(hash, 0);
	ck_assert_uint_eq(tt_rss_queue_of(&r, TT_RSS_NONE, hash), 0);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ck_assert_int_eq(tt_rss_classify(&r, buf, len, &hash), TT_RSS_NONE);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
	ck_assert_int_eq(tt_rss_classify(&r, buf, len, &hash), TT_RSS_NONE);

	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ck_assert_int_eq(tt_rss_classify(&r, buf, len, &hash), TT_RSS_IPV4_TCP);
	/* Not version 4, a header length below 20, a frame shorter than its header. */
	ip->version_ihl = 0x65;
	ck_assert_int_eq(tt_rss_classify(&r, buf, len, &hash), TT_RSS_NONE);
	ip->version_ihl = 0x44;
	ck_assert_int_eq(tt_rss_classify(&r, buf, len, &hash), TT_RSS_NONE);
	ip->version_ihl = 0x4f;
	ck_assert_int_eq(tt_rss_classify(&r, buf, len, &hash), TT_RSS_NONE);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ck_assert_int_eq(tt_rss_classify(&r, buf, sizeof(*eth) + sizeof(*ip) - 1, &hash),
			 TT_RSS_NONE);
	ck_assert_int_eq(tt_rss_classify(&r, buf, 0, &hash), TT_RSS_NONE);
}
END_TEST

/*
 * With 0x6d5a repeated, both directions of a connection hash alike (the
 * key is periodic in 16 bits, and swapping addresses or ports shifts
 * the input by a multiple of 16); Microsoft's key does not do that.
 */
START_TEST(test_symmetric_key)
{
	unsigned int i, asym = 0;

	for (i = 0; i < 10000; i++) {
		uint32_t a = rng(), b = rng(), p = rng();
		uint16_t pa = (uint16_t)p, pb = (uint16_t)(p >> 16);

		ck_assert_uint_eq(tt_rss_hash_tcp4(tt_rss_key_symmetric, a, b, pa, pb),
				  tt_rss_hash_tcp4(tt_rss_key_symmetric, b, a, pb, pa));
		ck_assert_uint_eq(tt_rss_hash_ip4(tt_rss_key_symmetric, a, b),
				  tt_rss_hash_ip4(tt_rss_key_symmetric, b, a));
		asym += tt_rss_hash_tcp4(tt_rss_key_microsoft, a, b, pa, pb) !=
			tt_rss_hash_tcp4(tt_rss_key_microsoft, b, a, pb, pa);
	}
	ck_assert_uint_gt(asym, 9900);
}
END_TEST

/* The symmetric key still spreads: both queues of a 2-queue RETA in use, evenly. */
START_TEST(test_symmetric_spread)
{
	struct tt_rss r;
	unsigned int per_q[2] = { 0, 0 };
	uint16_t port;

	ck_assert_int_eq(tt_rss_init(&r, tt_rss_key_symmetric, 128, 2), 0);
	for (port = 10000; port < 20000; port++) {
		uint32_t h = tt_rss_hash_tcp4(r.key, IP4(198, 18, 0, 1), IP4(198, 18, 0, 2),
					      port, 80);

		per_q[tt_rss_queue_of(&r, TT_RSS_IPV4_TCP, h)]++;
	}
	ck_assert_uint_gt(per_q[0], 4500);
	ck_assert_uint_gt(per_q[1], 4500);
}
END_TEST

START_TEST(test_reta)
{
	struct tt_rss r;
	unsigned int i;

	ck_assert_int_eq(tt_rss_init(&r, tt_rss_key_symmetric, 512, 3), 0);
	ck_assert_uint_eq(r.reta_size, 512);
	ck_assert_uint_eq(r.n_queues, 3);
	for (i = 0; i < 512; i++)
		ck_assert_uint_eq(r.reta[i], i % 3);
	/* The queue is the RETA entry of the hash's low bits. */
	ck_assert_uint_eq(tt_rss_queue_of(&r, TT_RSS_IPV4, 0xfffffe00u | 7), 7 % 3);
	ck_assert_uint_eq(tt_rss_queue_of(&r, TT_RSS_IPV4_TCP, 0x200u | 5), 5 % 3);

	ck_assert_int_eq(tt_rss_init(&r, tt_rss_key_symmetric, 64, 1), 0);
	ck_assert_int_eq(tt_rss_init(&r, tt_rss_key_symmetric, 32, 2), -EINVAL);
	ck_assert_int_eq(tt_rss_init(&r, tt_rss_key_symmetric, 1024, 2), -EINVAL);
	ck_assert_int_eq(tt_rss_init(&r, tt_rss_key_symmetric, 100, 2), -EINVAL);
	ck_assert_int_eq(tt_rss_init(&r, tt_rss_key_symmetric, 128, 0), -EINVAL);
}
END_TEST

START_TEST(test_key_parse)
{
	static const char ms_hex[] = "6d5a56da255b0ec24167253d43a38fb0d0ca2bcb"
				     "ae7b30b477cb2da38030f20c6a42b73bbeac01fa";
	uint8_t key[TT_RSS_KEY_LEN];
	char buf[2 * TT_RSS_KEY_LEN + 1], colons[3 * TT_RSS_KEY_LEN];
	unsigned int i;

	ck_assert_int_eq(tt_rss_key_parse(ms_hex, key), 0);
	ck_assert_mem_eq(key, tt_rss_key_microsoft, TT_RSS_KEY_LEN);
	tt_rss_key_format(key, buf);
	ck_assert_str_eq(buf, ms_hex);

	ck_assert_int_eq(tt_rss_key_parse("symmetric", key), 0);
	ck_assert_mem_eq(key, tt_rss_key_symmetric, TT_RSS_KEY_LEN);
	ck_assert_int_eq(tt_rss_key_parse("microsoft", key), 0);
	ck_assert_mem_eq(key, tt_rss_key_microsoft, TT_RSS_KEY_LEN);

	/* Upper case, and pairs separated by ':'. */
	for (i = 0; i < TT_RSS_KEY_LEN; i++)
		sprintf(colons + 3 * i, "%02X%s", tt_rss_key_symmetric[i],
			i + 1 < TT_RSS_KEY_LEN ? ":" : "");
	memset(key, 0, sizeof(key));
	ck_assert_int_eq(tt_rss_key_parse(colons, key), 0);
	ck_assert_mem_eq(key, tt_rss_key_symmetric, TT_RSS_KEY_LEN);

	/* One digit short, one pair too many, an odd digit, a bad digit, empty. */
	memcpy(buf, ms_hex, sizeof(ms_hex));
	buf[79] = '\0';
	ck_assert_int_eq(tt_rss_key_parse(buf, key), -EINVAL);
	buf[78] = '\0';
	ck_assert_int_eq(tt_rss_key_parse(buf, key), -EINVAL);
	snprintf(buf, sizeof(buf), "%s", ms_hex);
	{
		char longer[sizeof(ms_hex) + 2];

		snprintf(longer, sizeof(longer), "%s00", ms_hex);
		ck_assert_int_eq(tt_rss_key_parse(longer, key), -EINVAL);
	}
	buf[10] = 'g';
	ck_assert_int_eq(tt_rss_key_parse(buf, key), -EINVAL);
	ck_assert_int_eq(tt_rss_key_parse("", key), -EINVAL);
	ck_assert_int_eq(tt_rss_key_parse(":6d", key), -EINVAL);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("rss_hash");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_microsoft_vectors);
	tcase_add_test(tc, test_classify_frames);
	tcase_add_test(tc, test_classify_non_ip);
	tcase_add_test(tc, test_symmetric_key);
	tcase_add_test(tc, test_symmetric_spread);
	tcase_add_test(tc, test_reta);
	tcase_add_test(tc, test_key_parse);
	suite_add_tcase(s, tc);
	return s;
}
