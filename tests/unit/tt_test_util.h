/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_TEST_UTIL_H_
#define _TT_TEST_UTIL_H_

/**
 * @file
 * Helpers shared by the Check unit tests (linked into every test_<module>):
 * EAL start-up without hugepages or devices, a test mbuf pool with leak
 * accounting, a ready-made layer 2/3 context (interface, stats, TX queue,
 * struct tt_net) with a fake clock, builders of Ethernet/ARP/IPv4/ICMP/TCP
 * frames, and checksum helpers that are independent of lib/net (so tests
 * never check the library against itself).
 *
 * Typical use (main() is tests/unit/tt_test_main.c, shared by all):
 *
 *	Suite *tt_test_suite(void)
 *	{
 *		Suite *s = suite_create("x");
 *		TCase *tc = tcase_create("x");
 *
 *		tt_test_eal_init();	(only where the tests need the EAL)
 *		tcase_add_test(tc, test_x);
 *		suite_add_tcase(s, tc);
 *		return s;
 *	}
 *
 *	START_TEST(test_x)
 *	{
 *		struct tt_test_ctx *c = tt_test_ctx_new();
 *		struct tt_test_l3 l3;
 *		struct tt_test_tcp_seg s = { .sport = 40000, .dport = 80,
 *			.seq = 1, .flags = RTE_TCP_SYN_FLAG, .win = 65535 };
 *		struct rte_mbuf *m;
 *
 *		tt_test_l3_default(&l3);	(peer 198.18.0.1 -> us 198.18.0.2)
 *		m = tt_test_build_tcp(&l3, &s);
 *		... feed m to the code under test, look at c->txq ...
 *		tt_test_ctx_free(c);		(frees what is still queued)
 *		ck_assert_uint_eq(tt_test_pool_in_use(), 0);
 *	}
 *
 * All addresses in these helpers are in host byte order, as in lib/.
 * Every function that cannot go on (EAL or pool creation fails, no mbuf
 * left) prints why and exits with status 1: a test should not continue on
 * a half-built fixture.
 */

#include <stdbool.h>
#include <stdint.h>

#include <check.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_icmp.h>
#include <rte_arp.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "net/tt_net.h"
#include "stats/tt_stats.h"

/**
 * An IPv4 address in host order. Use it rather than RTE_IPV4(), which in
 * DPDK 22.11 shifts a signed int (undefined for a >= 128: UBSan says so).
 */
#define TT_TEST_IPV4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
				  (uint32_t)(c) << 8 | (uint32_t)(d))

/* The addresses of the default test setup (host order). */
#define TT_TEST_IP_US TT_TEST_IPV4(198, 18, 0, 2)	/**< our interface, port 0 */
#define TT_TEST_IP_PEER TT_TEST_IPV4(198, 18, 0, 1)	/**< the neighbour, also the gateway */
#define TT_TEST_MASK 0xffffff00u			/**< /24 */
#define TT_TEST_PORT 0				/**< port id of the test interface */
extern const struct rte_ether_addr tt_test_mac_us;	/**< 02:00:00:00:00:02 */
extern const struct rte_ether_addr tt_test_mac_peer;	/**< 02:00:00:00:00:01 */

/** Start of the fake clock (microseconds): far from 0, so "0 = unset" bugs show. */
#define TT_TEST_T0_US 1000000000ULL

/**
 * The suite of one unit test executable, defined by its test file and run
 * by the shared main() (tt_test_main.c), which exits with EXIT_SUCCESS when
 * no test failed and EXIT_FAILURE otherwise. It is called once, before any
 * test runs: a file whose tests need the EAL calls tt_test_eal_init() in it.
 */
Suite *tt_test_suite(void);

/* EAL and mbufs. */

/**
 * Start the EAL once per process (later calls return at once) with
 * "--no-huge -m 128 --no-pci --no-shconf --no-telemetry", the main lcore
 * allowed on every CPU of the process's affinity (so tests running in
 * parallel are not all pinned to CPU 0) and EAL logs at error level. This
 * works as root and as an ordinary user, leaves no files behind (there
 * is no shared config) and several test processes may run at once.
 * Extra arguments may be appended with the environment variable
 * TT_TEST_EAL_ARGS (split on spaces), e.g. "--log-level=tcpterm.*:debug".
 * It also creates the test pool (see tt_test_pool()). Call it in
 * tt_test_suite(), which runs before srunner_run_all(): tests forked by
 * Check (when CK_FORK is not "no") inherit the EAL and the pool, and could
 * not create a pool themselves. Exits on failure.
 */
void tt_test_eal_init(void);

/** Number of mbufs in the test pool. */
#define TT_TEST_POOL_SIZE 8191

/**
 * The shared test pool ("tt_test_pool", TT_TEST_POOL_SIZE mbufs of
 * RTE_MBUF_DEFAULT_BUF_SIZE, no per-lcore cache so counts are exact),
 * created by tt_test_eal_init() (or on first use, which must then not
 * be in a forked child).
 */
struct rte_mempool *tt_test_pool(void);

/** Mbufs of the test pool currently allocated (0 when nothing leaked). */
unsigned int tt_test_pool_in_use(void);

/** A pool mbuf holding a copy of @p len bytes of @p data (data_len = pkt_len = len). */
struct rte_mbuf *tt_test_mbuf_from(const void *data, uint16_t len);

/**
 * Like tt_test_mbuf_from() but the data lives in an external buffer of
 * exactly @p len bytes from malloc(), attached to the mbuf, with no
 * headroom and no tailroom: any read past the data is a heap overflow that
 * AddressSanitizer or valgrind reports. rte_pktmbuf_free() releases the
 * buffer too. Use it for truncation and garbage tests.
 */
struct rte_mbuf *tt_test_mbuf_exact(const void *data, uint16_t len);

/**
 * A two-segment copy of @p len bytes of @p data: the first @p first_len
 * bytes in the first segment, the rest in the second. For the
 * multi-segment paths.
 */
struct rte_mbuf *tt_test_mbuf_chain(const void *data, uint16_t len, uint16_t first_len);

/* The test context: one interface, its counters, TX queue and tt_net. */

struct tt_test_ctx {
	/**
	 * Port TT_TEST_PORT: MAC tt_test_mac_us, TT_TEST_IP_US/24, gateway
	 * TT_TEST_IP_PEER, MTU 1500, no offloads (set the tx_*_cksum and
	 * rx_cksum fields to test those paths), pool tt_test_pool().
	 */
	struct tt_iface ifc;
	struct tt_stats stats;		/**< all zero at start */
	struct tt_txq txq;		/**< what the code under test sends */
	/**
	 * n_ifs 1, ifs[TT_TEST_PORT] = &ifc, empty ARP tables, stats and txq
	 * above, now_us = TT_TEST_T0_US.
	 */
	struct tt_net net;
};

/** A fresh, zeroed, cache-aligned context as described above. Exits on failure. */
struct tt_test_ctx *tt_test_ctx_new(void);

/** Free the mbufs left in the TX queue and the context. NULL is fine. */
void tt_test_ctx_free(struct tt_test_ctx *c);

/**
 * The fake clock: the current time of the last context created or
 * advanced (TT_TEST_T0_US after tt_test_ctx_new()). Code under test gets
 * time only as an argument or through net->now_us.
 */
extern uint64_t tt_test_now_us;

/** Move the fake clock (and c->net.now_us) forward by @p us microseconds. */
void tt_test_advance_us(struct tt_test_ctx *c, uint64_t us);

/** Take the oldest frame out of c->txq (FIFO order), or NULL when empty. */
struct rte_mbuf *tt_test_txq_pop(struct tt_test_ctx *c);

/** Free every frame in c->txq; returns how many there were. */
unsigned int tt_test_txq_flush(struct tt_test_ctx *c);

/* Frame builders. Frames are single-segment pool mbufs with l2_len/l3_len set. */

/** Addresses and IPv4 fields of a built frame. */
struct tt_test_l3 {
	struct rte_ether_addr src_mac;
	struct rte_ether_addr dst_mac;
	uint32_t src_ip;	/**< host order */
	uint32_t dst_ip;	/**< host order */
	uint8_t ttl;
	uint8_t tos;
	uint16_t ip_id;
	uint16_t frag;		/**< fragment_offset field, host order: flags and offset */
};

/**
 * From the peer to us: tt_test_mac_peer -> tt_test_mac_us,
 * TT_TEST_IP_PEER -> TT_TEST_IP_US, TTL 64, tos 0, id 1, DF.
 */
void tt_test_l3_default(struct tt_test_l3 *l3);

/** The reverse direction (us -> peer) of tt_test_l3_default(). */
void tt_test_l3_reverse(struct tt_test_l3 *l3);

/**
 * Ethernet + IPv4 (20-byte header, valid checksum) + @p l4_len bytes of
 * @p l4 copied as they are (their checksum is the caller's business; see
 * tt_test_fix_cksums()). @p l4 may be NULL for zeros.
 */
struct rte_mbuf *tt_test_build_ipv4(const struct tt_test_l3 *l3, uint8_t proto,
				    const void *l4, uint16_t l4_len);

/** A TCP segment to build. Host order everywhere. */
struct tt_test_tcp_seg {
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;		/**< RTE_TCP_*_FLAG */
	uint16_t win;		/**< window field as sent (not scaled) */
	uint16_t urp;
	const uint8_t *opts;	/**< raw option bytes, padded with EOL to 4 bytes */
	uint8_t opts_len;	/**< at most 40 */
	const void *data;	/**< payload, may be NULL for zeros */
	uint16_t data_len;
};

/** Ethernet + IPv4 + TCP, all checksums valid. */
struct rte_mbuf *tt_test_build_tcp(const struct tt_test_l3 *l3,
				   const struct tt_test_tcp_seg *seg);

/**
 * Ethernet + IPv4 + ICMP echo of @p type (8 request, 0 reply) with @p id,
 * @p seq and @p len bytes of @p data (NULL: bytes 0, 1, 2, ...), all
 * checksums valid.
 */
struct rte_mbuf *tt_test_build_icmp_echo(const struct tt_test_l3 *l3, uint8_t type,
					 uint16_t id, uint16_t seq,
					 const void *data, uint16_t len);

/**
 * Ethernet + Ethernet/IPv4 ARP, padded to 60 bytes. Ethernet source is
 * @p sha; Ethernet destination is @p eth_dst, or broadcast when NULL.
 * @p tha NULL means 00:00:00:00:00:00.
 */
struct rte_mbuf *tt_test_build_arp(uint16_t op, const struct rte_ether_addr *eth_dst,
				   const struct rte_ether_addr *sha, uint32_t sip,
				   const struct rte_ether_addr *tha, uint32_t tip);

/** A request from the peer for @p tip (broadcast, as a host sends it). */
struct rte_mbuf *tt_test_build_arp_request(uint32_t tip);

/* Access to the headers of a frame built above (fixed offsets, no checks). */
static inline struct rte_ether_hdr *
tt_test_eth(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
}

static inline struct rte_ipv4_hdr *
tt_test_ip(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
}

/** Layer 4 header: right after a header of the IHL the IPv4 header says. */
static inline void *
tt_test_l4(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = tt_test_ip(m);

	return (uint8_t *)ip + (ip->version_ihl & 0x0f) * 4;
}

static inline struct rte_tcp_hdr *
tt_test_tcp(struct rte_mbuf *m)
{
	return (struct rte_tcp_hdr *)tt_test_l4(m);
}

static inline struct rte_icmp_hdr *
tt_test_icmp(struct rte_mbuf *m)
{
	return (struct rte_icmp_hdr *)tt_test_l4(m);
}

static inline struct rte_arp_hdr *
tt_test_arp(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, RTE_ETHER_HDR_LEN);
}

/* Checksums computed here, not by lib/net. */

/** RFC 1071 Internet checksum of @p len bytes (the value to store, host order). */
uint16_t tt_test_inet_cksum(const void *data, size_t len);

/**
 * Recompute, in software, the IPv4 header checksum and the TCP or ICMP
 * checksum of an Ethernet/IPv4 frame, after a test edited some fields.
 * Lengths come from the IHL and total length; when they are inconsistent
 * with the frame (deliberately broken frames) only what lies inside the
 * frame is summed. Nothing is done for other frames.
 */
void tt_test_fix_cksums(struct rte_mbuf *m);

/**
 * Whether the IPv4 header checksum and the TCP/ICMP checksum of a frame
 * are valid (software check over the first segment). Other frames: true.
 */
bool tt_test_cksums_ok(struct rte_mbuf *m);

/**
 * Whether @p m carries exactly @p len bytes equal to @p data; on a
 * difference, prints the first differing offset to stderr.
 */
bool tt_test_bytes_eq(struct rte_mbuf *m, const void *data, uint16_t len);

#endif /* _TT_TEST_UTIL_H_ */
