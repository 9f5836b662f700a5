/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP echo (RFC 792): a request that tt_pkt_parse() accepted is turned
 * into the reply in place and queued.
 */

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_icmp.h>
#include <rte_mbuf.h>

#include "net/tt_net.h"


/*
 * Swap the addresses (the reply goes back to the Ethernet source of the
 * request, without an ARP lookup; it comes from the address that was
 * asked, which may be one of the port's extra addresses: RFC 1122
 * 3.2.2.6, "the IP source address in an ICMP Echo Reply MUST be the same
 * as the specific-destination address ... of the corresponding ICMP Echo
 * Request message"), make it an echo reply with the same
 * identifier, sequence number and data, set TTL 64 and no fragment bits
 * but DF as received, and let tt_cksum_finish() set the checksums (ICMP in
 * software; the IPv4 header by the port where it offers that).
 */
void
tt_icmp_input(struct tt_net *net, const struct tt_iface *ifc, struct rte_mbuf *m,
	      struct tt_pkt *p)
{
	struct rte_ether_hdr *eth = p->eth;
	struct rte_ipv4_hdr *ip = p->ip;
	struct rte_icmp_hdr *icmp = p->icmp;
	rte_be32_t asked = ip->dst_addr;	/* ours: tt_pkt_parse() checked */

	TT_STAT_INC(net->stats, icmp_echo_rx);

	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(&ifc->mac, &eth->src_addr);

	ip->dst_addr = ip->src_addr;
	ip->src_addr = asked;
	ip->time_to_live = TT_IP_TTL;
	ip->fragment_offset &= rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);

	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_code = 0;

	m->port = ifc->port_id;
	m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
	m->l2_len = p->l2_len;
	m->l3_len = p->l3_len;
	tt_cksum_finish(ifc, m);

	TT_STAT_INC(net->stats, icmp_echo_tx);
	tt_txq_push(net, m);
}
