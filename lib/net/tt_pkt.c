/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parsing and validation of received frames.
 *
 * Only the first segment of an mbuf is looked at: every header and the
 * whole IPv4 packet (up to its total length) must lie within
 * rte_pktmbuf_data_len() of the first segment. A multi-segment frame whose
 * IPv4 packet goes beyond its first segment is dropped as truncated; one
 * whose packet fits is accepted and its other segments (padding) are
 * freed. Nothing is read past the first segment's data.
 *
 * The order of the checks decides which reason a frame with several
 * defects is counted under; tests/unit/test_net.c pins it down:
 * Ethernet: truncated, bad_src_mac, not_our_mac, not_ipv4.
 * ARP: bad_arp (length, formats, opcode), arp_not_ours.
 * IPv4: truncated (< 20 bytes), bad_ip_version, ip_options, bad_ip_cksum,
 *   bad_ip_len (total length < 20), truncated (the frame, or its first
 *   segment, is shorter than the total length), fragment, bad_ttl,
 *   bad_src_ip, land or src_ip_ours, not_our_ip, then unsupported_proto.
 *   Longer frames are Ethernet padding and are cut to the total length.
 * ICMP: bad_icmp (length, checksum), icmp_other (not an echo request).
 * TCP: bad_tcp_hdr, bad_tcp_cksum, bad_tcp_flags. TCP options are left to
 *   the TCP code (bad_tcp_opts).
 * Checksums: where ifc->rx_cksum is set and the RX flags say GOOD, BAD or
 * NONE (virtio: data valid, field not filled in), they are trusted;
 * UNKNOWN, or a port without rx_cksum, means a software check.
 *
 * The link-layer and source rules (docs/security.md) are a compare or two
 * each, on fields of the frame's first cache line and of struct tt_iface.
 * The Ethernet ones come before anything else is read; the IPv4 source
 * ones after the header checks, so a damaged packet counts as damaged.
 * - Ethernet source: a group address (I/G bit set: broadcast, multicast)
 *   is never a station's own (IEEE 802-2014 8.2, IEEE 802.3 3.2.3), so it
 *   is dropped as bad_src_mac.
 * - Ethernet destination: our MAC, or for ARP the broadcast address
 *   (RFC 826 requests). No multicast group is joined: IPv4 multicast is
 *   not served (its destinations are not_our_ip anyway), and what goes to
 *   multicast MACs (IPv6 neighbour discovery, LLDP, STP) is not for us.
 *   An IPv4 datagram sent to the broadcast MAC is dropped as RFC 1122
 *   3.3.6 says a host SHOULD (we own no broadcast IP address). All of
 *   these are not_our_mac: ports that receive everything (net_tap,
 *   net_pcap, a NIC in promiscuous mode) hand us other stations' frames.
 * - IPv4 sources no host may send from (bad_src_ip): 0.0.0.0 (this host,
 *   only while it learns its address: RFC 1122 3.2.1.3(a)), 127/8
 *   (loopback, never outside a host: RFC 1122 3.2.1.3(g)), 224/4
 *   (multicast is never a source: RFC 1112 4, RFC 1122 3.2.1.3), 240/4
 *   (class E, reserved: RFC 1112 4, RFC 6890; 255.255.255.255 among them,
 *   RFC 1122 3.2.1.3(c)) and our subnet's directed broadcast (RFC 1122
 *   3.2.1.3(d)). RFC 1812 5.3.7 calls these martians.
 * - One of our own addresses as source (src_ip_ours): a spoofed packet or
 *   a loop; answering it would talk to ourselves. A TCP segment whose
 *   source address and port equal its destination's is the LAND attack
 *   (CERT CA-1997-28) and is counted as land.
 *
 * On success the lengths are in @p p; m->l2_len and m->l3_len are set only
 * for ARP and ICMP, whose replies are built in place (they live in the
 * mbuf's second cache line, which a TCP segment never needs to touch).
 * On a drop the contents of @p p are unspecified and the mbuf is unchanged.
 */

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "net/tt_net.h"

/* Drop every segment after the first and cut the frame to @p len bytes. */
static inline void
tt_pkt_trim(struct rte_mbuf *m, uint16_t len)
{
	if (unlikely(m->next != NULL)) {
		rte_pktmbuf_free(m->next);
		m->next = NULL;
		m->nb_segs = 1;
	}
	m->data_len = len;
	m->pkt_len = len;
}

static enum tt_drop_reason
tt_pkt_parse_arp(const struct tt_iface *ifc, struct rte_mbuf *m,
		 struct tt_pkt *p, uint16_t len)
{
	struct rte_arp_hdr *arp;
	uint16_t op;

	if (len < RTE_ETHER_HDR_LEN + sizeof(*arp))
		return TT_DROP_bad_arp;
	arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, RTE_ETHER_HDR_LEN);
	if (arp->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4)
		return TT_DROP_bad_arp;
	op = rte_be_to_cpu_16(arp->arp_opcode);
	if (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY)
		return TT_DROP_bad_arp;
	/*
	 * For us, or a gratuitous ARP/announcement (sender == target) that
	 * tt_arp_input() may use to refresh an entry.
	 */
	if (ifc->ip == 0 ||
	    (!tt_iface_owns(ifc, rte_be_to_cpu_32(arp->arp_data.arp_tip)) &&
	     arp->arp_data.arp_tip != arp->arp_data.arp_sip))
		return TT_DROP_arp_not_ours;

	if (unlikely(m->next != NULL))
		tt_pkt_trim(m, len);
	p->kind = TT_PKT_ARP;
	p->l2_len = RTE_ETHER_HDR_LEN;
	p->l3_len = sizeof(*arp);
	p->arp = arp;
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = sizeof(*arp);
	return TT_DROP_NONE;
}

/*
 * Source addresses no host may send from (see the file comment): 0/32,
 * 127/8, 224/4 and 240/4 (255.255.255.255 included), our subnet's
 * broadcast.
 */
static inline bool
tt_bad_src(const struct tt_iface *ifc, uint32_t src)
{
	if (src == 0 || (src >> 24) == 127 || src >= 0xe0000000)
		return true;
	/* The directed broadcast of our subnet (not for /31 and /32). */
	if (ifc->mask != 0 && ifc->mask < 0xfffffffe &&
	    src == ((ifc->ip & ifc->mask) | ~ifc->mask))
		return true;
	return false;
}

/*
 * A packet from one of our own addresses: land when it is a TCP segment
 * from an address and port to the same address and port (the LAND attack,
 * CERT CA-1997-28: a stack that answers it answers itself, forever), else
 * src_ip_ours. Only the ports are read, within the @p tot bytes that the
 * caller checked lie in the frame.
 */
static enum tt_drop_reason
tt_pkt_land(const struct rte_ipv4_hdr *ip, uint16_t tot)
{
	const struct rte_tcp_hdr *tcp = (const struct rte_tcp_hdr *)(ip + 1);

	if (ip->next_proto_id == IPPROTO_TCP && ip->src_addr == ip->dst_addr &&
	    tot >= sizeof(*ip) + 2 * sizeof(tcp->src_port) &&
	    tcp->src_port == tcp->dst_port)
		return TT_DROP_land;
	return TT_DROP_src_ip_ours;
}

static enum tt_drop_reason
tt_pkt_parse_icmp(struct tt_pkt *p)
{
	struct rte_icmp_hdr *icmp = p->icmp;

	if (p->l4_len < sizeof(*icmp))
		return TT_DROP_bad_icmp;
	if (rte_raw_cksum(icmp, p->l4_len) != 0xffff)
		return TT_DROP_bad_icmp;
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST)
		return TT_DROP_icmp_other;
	p->kind = TT_PKT_ICMP;
	return TT_DROP_NONE;
}

static enum tt_drop_reason
tt_pkt_parse_tcp(const struct tt_iface *ifc, struct rte_mbuf *m,
		 struct tt_pkt *p, uint16_t ip_payload)
{
	struct rte_tcp_hdr *tcp = p->tcp;
	uint16_t hlen;
	uint8_t fl;

	if (ip_payload < sizeof(*tcp))
		return TT_DROP_bad_tcp_hdr;
	hlen = (uint16_t)((tcp->data_off >> 4) * 4);
	if (hlen < sizeof(*tcp) || hlen > ip_payload)
		return TT_DROP_bad_tcp_hdr;

	if (ifc->rx_cksum &&
	    (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) != RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN) {
		/* GOOD, or NONE (data valid, field not filled in): accept. */
		if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
		    RTE_MBUF_F_RX_L4_CKSUM_BAD)
			return TT_DROP_bad_tcp_cksum;
	} else if (tt_tcp_cksum(p->ip, tcp, ip_payload) != 0) {
		return TT_DROP_bad_tcp_cksum;
	}

	/*
	 * SYN with FIN or with RST is invalid in any state. A segment with
	 * none of SYN, ACK and RST (FIN, NULL and Xmas scans) goes on: a
	 * closed port answers it with an RST (RFC 9293 3.10.7.1), a listening
	 * port or a connection drops it (3.10.7.2 fourth, 3.10.7.4 fifth).
	 */
	fl = tcp->tcp_flags;
	if ((fl & RTE_TCP_SYN_FLAG) &&
	    (fl & (RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG)))
		return TT_DROP_bad_tcp_flags;

	p->kind = TT_PKT_TCP;
	p->l4_len = hlen;
	p->payload_len = ip_payload - hlen;
	p->payload = (uint8_t *)tcp + hlen;
	return TT_DROP_NONE;
}

static enum tt_drop_reason
tt_pkt_parse_ipv4(const struct tt_iface *ifc, struct rte_mbuf *m,
		  struct tt_pkt *p, uint16_t len)
{
	struct rte_ipv4_hdr *ip;
	uint16_t avail = len - RTE_ETHER_HDR_LEN;
	uint16_t tot, l4_len;
	uint32_t src;
	uint8_t ihl;

	if (avail < sizeof(*ip))
		return TT_DROP_truncated;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
	if ((ip->version_ihl >> 4) != 4)
		return TT_DROP_bad_ip_version;
	ihl = ip->version_ihl & RTE_IPV4_HDR_IHL_MASK;
	if (ihl < 5)
		return TT_DROP_bad_ip_version;
	if (ihl > 5)
		return TT_DROP_ip_options;

	if (ifc->rx_cksum &&
	    (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) != RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN) {
		/* GOOD, or NONE (header verified, field not filled in). */
		if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
		    RTE_MBUF_F_RX_IP_CKSUM_BAD)
			return TT_DROP_bad_ip_cksum;
	} else if (tt_ipv4_cksum(ip) != 0) {
		return TT_DROP_bad_ip_cksum;
	}

	tot = rte_be_to_cpu_16(ip->total_length);
	if (tot < sizeof(*ip))
		return TT_DROP_bad_ip_len;
	/* Shorter than the header says, or beyond the first segment. */
	if (tot > avail)
		return TT_DROP_truncated;
	if (ip->fragment_offset &
	    rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return TT_DROP_fragment;
	if (ip->time_to_live == 0)
		return TT_DROP_bad_ttl;
	src = rte_be_to_cpu_32(ip->src_addr);
	if (unlikely(tt_bad_src(ifc, src)))
		return TT_DROP_bad_src_ip;
	if (unlikely(tt_iface_owns(ifc, src)))
		return tt_pkt_land(ip, tot);
	if (!tt_iface_owns(ifc, rte_be_to_cpu_32(ip->dst_addr)))
		return TT_DROP_not_our_ip;

	p->ip = ip;
	p->l2_len = RTE_ETHER_HDR_LEN;
	p->l3_len = sizeof(*ip);
	l4_len = tot - sizeof(*ip);
	switch (ip->next_proto_id) {
	case IPPROTO_TCP: {
		enum tt_drop_reason r;

		p->tcp = (struct rte_tcp_hdr *)(ip + 1);
		r = tt_pkt_parse_tcp(ifc, m, p, l4_len);
		if (r != TT_DROP_NONE)
			return r;
		break;
	}
	case IPPROTO_ICMP: {
		enum tt_drop_reason r;

		p->icmp = (struct rte_icmp_hdr *)(ip + 1);
		p->l4_len = l4_len;
		r = tt_pkt_parse_icmp(p);
		if (r != TT_DROP_NONE)
			return r;
		break;
	}
	default:
		return TT_DROP_unsupported_proto;
	}

	/* Cut Ethernet padding and any further segments. */
	if (len != RTE_ETHER_HDR_LEN + tot || m->nb_segs != 1)
		tt_pkt_trim(m, RTE_ETHER_HDR_LEN + tot);
	if (p->kind == TT_PKT_ICMP) {
		m->l2_len = RTE_ETHER_HDR_LEN;
		m->l3_len = sizeof(*ip);
	}
	return TT_DROP_NONE;
}

enum tt_drop_reason
tt_pkt_parse(const struct tt_iface *ifc, struct rte_mbuf *m, struct tt_pkt *p)
{
	struct rte_ether_hdr *eth;
	uint16_t len = rte_pktmbuf_data_len(m);

	memset(p, 0, sizeof(*p));
	if (len < RTE_ETHER_HDR_LEN)
		return TT_DROP_truncated;
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	p->eth = eth;
	if (unlikely(!rte_is_unicast_ether_addr(&eth->src_addr)))
		return TT_DROP_bad_src_mac;
	if (unlikely(!rte_is_same_ether_addr(&eth->dst_addr, &ifc->mac)) &&
	    !(eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP) &&
	      rte_is_broadcast_ether_addr(&eth->dst_addr)))
		return TT_DROP_not_our_mac;
	/* VLAN tags (0x8100) are not handled: counted with other non-IPv4. */
	switch (eth->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		return tt_pkt_parse_ipv4(ifc, m, p, len);
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		return tt_pkt_parse_arp(ifc, m, p, len);
	default:
		return TT_DROP_not_ipv4;
	}
}
