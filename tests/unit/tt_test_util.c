/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared helpers of the unit tests; see tt_test_util.h.
 */

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_byteorder.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "tt_test_util.h"

const struct rte_ether_addr tt_test_mac_us = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
const struct rte_ether_addr tt_test_mac_peer = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };

uint64_t tt_test_now_us = TT_TEST_T0_US;

static bool tt_test_eal_up;
static struct rte_mempool *tt_test_mp;

static void __rte_noreturn
tt_test_die(const char *what)
{
	fprintf(stderr, "tt_test_util: %s\n", what);
	exit(1);
}

/*
 * "--lcores=0@(a-b,c,...)": lcore 0 on every CPU we may run on. A plain
 * "-l 0" would pin every test process to CPU 0, and fail where CPU 0 is
 * not in the affinity mask.
 */
static void
tt_test_lcores_arg(char *buf, size_t len)
{
	cpu_set_t set;
	size_t off;
	int cpu, first = -1, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) != 0) {
		snprintf(buf, len, "--lcores=0");
		return;
	}
	off = (size_t)snprintf(buf, len, "--lcores=0@(");
	for (cpu = 0; cpu <= CPU_SETSIZE; cpu++) {
		bool in = cpu < CPU_SETSIZE && CPU_ISSET(cpu, &set);

		if (in && first < 0)
			first = cpu;
		if (!in && first >= 0) {
			if (off < len)
				off += (size_t)snprintf(buf + off, len - off, "%s%d",
							n++ ? "," : "", first);
			if (cpu - 1 > first && off < len)
				off += (size_t)snprintf(buf + off, len - off, "-%d", cpu - 1);
			first = -1;
		}
	}
	if (n == 0 || off + 2 > len) {
		snprintf(buf, len, "--lcores=0");
		return;
	}
	snprintf(buf + off, len - off, ")");
}

void
tt_test_eal_init(void)
{
	static char lcores[1024];
	static char extra[1024];
	char *argv[64];
	int argc = 0;
	const char *env;

	if (tt_test_eal_up)
		return;
	tt_test_lcores_arg(lcores, sizeof(lcores));
	argv[argc++] = (char *)"tt_test";
	argv[argc++] = lcores;
	argv[argc++] = (char *)"--no-huge";
	argv[argc++] = (char *)"-m";
	argv[argc++] = (char *)"128";
	argv[argc++] = (char *)"--no-pci";
	argv[argc++] = (char *)"--no-shconf";
	argv[argc++] = (char *)"--no-telemetry";
	argv[argc++] = (char *)"--log-level=lib.eal:error";
	env = getenv("TT_TEST_EAL_ARGS");
	if (env != NULL) {
		char *tok, *save = NULL;

		snprintf(extra, sizeof(extra), "%s", env);
		for (tok = strtok_r(extra, " \t", &save);
		     tok != NULL && argc < (int)RTE_DIM(argv) - 1;
		     tok = strtok_r(NULL, " \t", &save))
			argv[argc++] = tok;
	}
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "tt_test_util: rte_eal_init: %s\n",
			rte_strerror(rte_errno));
		exit(1);
	}
	tt_test_eal_up = true;
	/*
	 * Create the pool now: a child forked by Check inherits it, but could
	 * not create one itself (EAL memory allocation fails after fork).
	 */
	tt_test_pool();
}

struct rte_mempool *
tt_test_pool(void)
{
	if (tt_test_mp != NULL)
		return tt_test_mp;
	tt_test_eal_init();
	tt_test_mp = rte_pktmbuf_pool_create("tt_test_pool", TT_TEST_POOL_SIZE, 0, 0,
					     RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (tt_test_mp == NULL) {
		fprintf(stderr, "tt_test_util: mbuf pool: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
	return tt_test_mp;
}

unsigned int
tt_test_pool_in_use(void)
{
	return rte_mempool_in_use_count(tt_test_pool());
}

static struct rte_mbuf *
tt_test_alloc(void)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(tt_test_pool());

	if (m == NULL)
		tt_test_die("test pool is empty (leak?)");
	return m;
}

struct rte_mbuf *
tt_test_mbuf_from(const void *data, uint16_t len)
{
	struct rte_mbuf *m = tt_test_alloc();
	char *p = rte_pktmbuf_append(m, len);

	if (p == NULL)
		tt_test_die("frame larger than an mbuf");
	if (len != 0)
		memcpy(p, data, len);
	return m;
}

static void
tt_test_ext_free(void *addr, void *opaque)
{
	free(addr);
	free(opaque);
}

struct rte_mbuf *
tt_test_mbuf_exact(const void *data, uint16_t len)
{
	struct rte_mbuf_ext_shared_info *shinfo;
	struct rte_mbuf *m = tt_test_alloc();
	void *buf;

	/* malloc(0) may return NULL: keep one byte but expose none. */
	buf = malloc(len != 0 ? len : 1);
	shinfo = calloc(1, sizeof(*shinfo));
	if (buf == NULL || shinfo == NULL)
		tt_test_die("out of memory");
	if (len != 0)
		memcpy(buf, data, len);
	shinfo->free_cb = tt_test_ext_free;
	shinfo->fcb_opaque = shinfo;
	rte_mbuf_ext_refcnt_set(shinfo, 1);
	rte_pktmbuf_attach_extbuf(m, buf, 0, len, shinfo);
	m->data_len = len;
	m->pkt_len = len;
	return m;
}

struct rte_mbuf *
tt_test_mbuf_chain(const void *data, uint16_t len, uint16_t first_len)
{
	struct rte_mbuf *m, *m2;

	if (first_len > len)
		first_len = len;
	m = tt_test_mbuf_from(data, first_len);
	m2 = tt_test_mbuf_from((const uint8_t *)data + first_len, len - first_len);
	if (rte_pktmbuf_chain(m, m2) != 0)
		tt_test_die("rte_pktmbuf_chain failed");
	return m;
}

struct tt_test_ctx *
tt_test_ctx_new(void)
{
	struct tt_test_ctx *c;
	unsigned int i;

	if (posix_memalign((void **)&c, RTE_CACHE_LINE_SIZE, sizeof(*c)) != 0)
		tt_test_die("out of memory");
	memset(c, 0, sizeof(*c));
	c->ifc.port_id = TT_TEST_PORT;
	c->ifc.mac = tt_test_mac_us;
	c->ifc.ip = TT_TEST_IP_US;
	c->ifc.mask = TT_TEST_MASK;
	c->ifc.gateway = TT_TEST_IP_PEER;
	c->ifc.mtu = 1500;
	c->ifc.pool = tt_test_pool();
	c->net.n_ifs = 1;
	c->net.ifs[TT_TEST_PORT] = &c->ifc;
	for (i = 0; i < TT_MAX_PORTS; i++)
		tt_arp_init(&c->net.arp[i]);
	c->net.stats = &c->stats;
	c->net.txq = &c->txq;
	tt_test_now_us = TT_TEST_T0_US;
	c->net.now_us = tt_test_now_us;
	return c;
}

void
tt_test_ctx_free(struct tt_test_ctx *c)
{
	if (c == NULL)
		return;
	tt_test_txq_flush(c);
	free(c);
}

void
tt_test_advance_us(struct tt_test_ctx *c, uint64_t us)
{
	tt_test_now_us += us;
	c->net.now_us = tt_test_now_us;
}

struct rte_mbuf *
tt_test_txq_pop(struct tt_test_ctx *c)
{
	struct rte_mbuf *m;

	if (c->txq.n == 0)
		return NULL;
	m = c->txq.m[0];
	c->txq.n--;
	memmove(&c->txq.m[0], &c->txq.m[1], c->txq.n * sizeof(c->txq.m[0]));
	return m;
}

unsigned int
tt_test_txq_flush(struct tt_test_ctx *c)
{
	unsigned int i, n = c->txq.n;

	for (i = 0; i < n; i++)
		rte_pktmbuf_free(c->txq.m[i]);
	c->txq.n = 0;
	return n;
}

void
tt_test_l3_default(struct tt_test_l3 *l3)
{
	memset(l3, 0, sizeof(*l3));
	l3->src_mac = tt_test_mac_peer;
	l3->dst_mac = tt_test_mac_us;
	l3->src_ip = TT_TEST_IP_PEER;
	l3->dst_ip = TT_TEST_IP_US;
	l3->ttl = 64;
	l3->ip_id = 1;
	l3->frag = RTE_IPV4_HDR_DF_FLAG;
}

void
tt_test_l3_reverse(struct tt_test_l3 *l3)
{
	tt_test_l3_default(l3);
	l3->src_mac = tt_test_mac_us;
	l3->dst_mac = tt_test_mac_peer;
	l3->src_ip = TT_TEST_IP_US;
	l3->dst_ip = TT_TEST_IP_PEER;
}

/* Ones' complement sum of big-endian 16-bit words, not folded. */
static uint32_t
tt_test_sum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
tt_test_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
tt_test_inet_cksum(const void *data, size_t len)
{
	return tt_test_fold(tt_test_sum(data, len, 0));
}

/* Pseudo header + @p len bytes at @p l4, result in host order. */
static uint16_t
tt_test_l4_cksum(const struct rte_ipv4_hdr *ip, const void *l4, size_t len,
		 uint16_t l4_len_field)
{
	uint32_t sum = 0;

	sum = tt_test_sum(&ip->src_addr, 4, sum);
	sum = tt_test_sum(&ip->dst_addr, 4, sum);
	sum += ip->next_proto_id;
	sum += l4_len_field;
	sum = tt_test_sum(l4, len, sum);
	return tt_test_fold(sum);
}

/*
 * Locate the IPv4 header and the layer 4 part of @p m. *l4_len is what the
 * header says; *l4_avail what the first segment holds of it.
 */
static struct rte_ipv4_hdr *
tt_test_locate(struct rte_mbuf *m, uint8_t **l4, uint16_t *l4_len, uint16_t *l4_avail)
{
	uint16_t dlen = rte_pktmbuf_data_len(m);
	struct rte_ipv4_hdr *ip;
	uint16_t ihl, tot, avail;

	if (dlen < RTE_ETHER_HDR_LEN + sizeof(*ip) ||
	    tt_test_eth(m)->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return NULL;
	ip = tt_test_ip(m);
	ihl = (ip->version_ihl & 0x0f) * 4;
	if (ihl < sizeof(*ip) || RTE_ETHER_HDR_LEN + ihl > dlen)
		return NULL;
	tot = rte_be_to_cpu_16(ip->total_length);
	*l4 = (uint8_t *)ip + ihl;
	*l4_len = tot > ihl ? tot - ihl : 0;
	avail = dlen - RTE_ETHER_HDR_LEN - ihl;
	*l4_avail = RTE_MIN(*l4_len, avail);
	return ip;
}

void
tt_test_fix_cksums(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip;
	uint16_t l4_len, avail;
	uint8_t *l4;

	ip = tt_test_locate(m, &l4, &l4_len, &avail);
	if (ip == NULL)
		return;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_cpu_to_be_16(tt_test_inet_cksum(ip,
					    (ip->version_ihl & 0x0f) * 4));
	if (ip->next_proto_id == IPPROTO_TCP && avail >= sizeof(struct rte_tcp_hdr)) {
		struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)l4;

		tcp->cksum = 0;
		tcp->cksum = rte_cpu_to_be_16(tt_test_l4_cksum(ip, l4, avail, l4_len));
	} else if (ip->next_proto_id == IPPROTO_ICMP &&
		   avail >= sizeof(struct rte_icmp_hdr)) {
		struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)l4;

		icmp->icmp_cksum = 0;
		icmp->icmp_cksum = rte_cpu_to_be_16(tt_test_inet_cksum(l4, avail));
	}
}

bool
tt_test_cksums_ok(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip;
	uint16_t l4_len, avail;
	uint8_t *l4;

	ip = tt_test_locate(m, &l4, &l4_len, &avail);
	if (ip == NULL)
		return true;
	if (tt_test_inet_cksum(ip, (ip->version_ihl & 0x0f) * 4) != 0)
		return false;
	if (avail != l4_len)
		return false;
	if (ip->next_proto_id == IPPROTO_TCP)
		return tt_test_l4_cksum(ip, l4, l4_len, l4_len) == 0;
	if (ip->next_proto_id == IPPROTO_ICMP)
		return tt_test_inet_cksum(l4, l4_len) == 0;
	return true;
}

bool
tt_test_bytes_eq(struct rte_mbuf *m, const void *data, uint16_t len)
{
	const uint8_t *a = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *b = data;
	uint16_t i;

	if (rte_pktmbuf_data_len(m) != len) {
		fprintf(stderr, "tt_test_bytes_eq: length %u, expected %u\n",
			rte_pktmbuf_data_len(m), len);
		return false;
	}
	for (i = 0; i < len; i++) {
		if (a[i] != b[i]) {
			fprintf(stderr, "tt_test_bytes_eq: offset %u: 0x%02x, expected 0x%02x\n",
				i, a[i], b[i]);
			return false;
		}
	}
	return true;
}

/* Ethernet + IPv4 header into a new mbuf with room for @p l4_len bytes after it. */
static struct rte_mbuf *
tt_test_start_ipv4(const struct tt_test_l3 *l3, uint8_t proto, uint16_t l4_len,
		   uint8_t **l4)
{
	uint16_t len = RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + l4_len;
	struct rte_mbuf *m = tt_test_alloc();
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;

	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, len);
	if (eth == NULL)
		tt_test_die("frame larger than an mbuf");
	memset(eth, 0, len);
	eth->dst_addr = l3->dst_mac;
	eth->src_addr = l3->src_mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	ip->version_ihl = 0x45;
	ip->type_of_service = l3->tos;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + l4_len);
	ip->packet_id = rte_cpu_to_be_16(l3->ip_id);
	ip->fragment_offset = rte_cpu_to_be_16(l3->frag);
	ip->time_to_live = l3->ttl;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(l3->src_ip);
	ip->dst_addr = rte_cpu_to_be_32(l3->dst_ip);
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = sizeof(*ip);
	*l4 = (uint8_t *)(ip + 1);
	return m;
}

struct rte_mbuf *
tt_test_build_ipv4(const struct tt_test_l3 *l3, uint8_t proto,
		   const void *l4data, uint16_t l4_len)
{
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;
	uint8_t *l4;

	m = tt_test_start_ipv4(l3, proto, l4_len, &l4);
	if (l4data != NULL && l4_len != 0)
		memcpy(l4, l4data, l4_len);
	ip = tt_test_ip(m);
	ip->hdr_checksum = rte_cpu_to_be_16(tt_test_inet_cksum(ip, sizeof(*ip)));
	return m;
}

struct rte_mbuf *
tt_test_build_tcp(const struct tt_test_l3 *l3, const struct tt_test_tcp_seg *seg)
{
	uint16_t olen = RTE_ALIGN_CEIL(seg->opts_len, 4);
	uint16_t hlen = sizeof(struct rte_tcp_hdr) + olen;
	struct rte_tcp_hdr *tcp;
	struct rte_mbuf *m;
	uint8_t *l4;

	if (seg->opts_len > 40)
		tt_test_die("more than 40 bytes of TCP options");
	m = tt_test_start_ipv4(l3, IPPROTO_TCP, hlen + seg->data_len, &l4);
	tcp = (struct rte_tcp_hdr *)l4;
	tcp->src_port = rte_cpu_to_be_16(seg->sport);
	tcp->dst_port = rte_cpu_to_be_16(seg->dport);
	tcp->sent_seq = rte_cpu_to_be_32(seg->seq);
	tcp->recv_ack = rte_cpu_to_be_32(seg->ack);
	tcp->data_off = (uint8_t)((hlen / 4) << 4);
	tcp->tcp_flags = seg->flags;
	tcp->rx_win = rte_cpu_to_be_16(seg->win);
	tcp->tcp_urp = rte_cpu_to_be_16(seg->urp);
	if (seg->opts_len != 0)
		memcpy(tcp + 1, seg->opts, seg->opts_len);
	if (seg->data != NULL && seg->data_len != 0)
		memcpy(l4 + hlen, seg->data, seg->data_len);
	m->l4_len = hlen;
	tt_test_fix_cksums(m);
	return m;
}

struct rte_mbuf *
tt_test_build_icmp_echo(const struct tt_test_l3 *l3, uint8_t type, uint16_t id,
			uint16_t seq, const void *data, uint16_t len)
{
	struct rte_icmp_hdr *icmp;
	struct rte_mbuf *m;
	uint8_t *l4;
	uint16_t i;

	m = tt_test_start_ipv4(l3, IPPROTO_ICMP, sizeof(*icmp) + len, &l4);
	icmp = (struct rte_icmp_hdr *)l4;
	icmp->icmp_type = type;
	icmp->icmp_code = 0;
	icmp->icmp_ident = rte_cpu_to_be_16(id);
	icmp->icmp_seq_nb = rte_cpu_to_be_16(seq);
	for (i = 0; i < len; i++)
		l4[sizeof(*icmp) + i] = data != NULL ? ((const uint8_t *)data)[i] :
						       (uint8_t)i;
	tt_test_fix_cksums(m);
	return m;
}

struct rte_mbuf *
tt_test_build_arp(uint16_t op, const struct rte_ether_addr *eth_dst,
		  const struct rte_ether_addr *sha, uint32_t sip,
		  const struct rte_ether_addr *tha, uint32_t tip)
{
	const uint16_t len = RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN;
	struct rte_mbuf *m = tt_test_alloc();
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, len);
	if (eth == NULL)
		tt_test_die("frame larger than an mbuf");
	memset(eth, 0, len);
	if (eth_dst != NULL)
		eth->dst_addr = *eth_dst;
	else
		memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
	eth->src_addr = *sha;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	arp = (struct rte_arp_hdr *)(eth + 1);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(op);
	arp->arp_data.arp_sha = *sha;
	arp->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	if (tha != NULL)
		arp->arp_data.arp_tha = *tha;
	arp->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = sizeof(*arp);
	return m;
}

struct rte_mbuf *
tt_test_build_arp_request(uint32_t tip)
{
	return tt_test_build_arp(RTE_ARP_OP_REQUEST, NULL, &tt_test_mac_peer,
				 TT_TEST_IP_PEER, NULL, tip);
}
