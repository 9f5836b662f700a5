/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_NET_H_
#define _TT_NET_H_

/**
 * @file
 * Layers 2 and 3 of tcpterm: parsing and validating received frames, the
 * checksum helpers (hardware offload or software), ARP and ICMP echo.
 *
 * Nothing here touches a NIC. Input is an mbuf; output is queued into the
 * per-lcore struct tt_txq, which the lcore loop hands to the ports.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_icmp.h>
#include <rte_arp.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "tt_common.h"
#include "stats/tt_stats.h"

/* RFC 1122 3.2.1.7: a fixed TTL, at least the Internet's diameter (64, RFC 1700). */
#define TT_IP_TTL 64
/*
 * IPv4 and TCP headers without options: an MSS is the MTU less these
 * (RFC 9293 3.7.1, RFC 879).
 */
#define TT_IPV4_TCP_HDRS ((unsigned int)(sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_tcp_hdr)))

struct tt_rss;

/** One port as the stack sees it. Read-only once the ports are started. */
struct tt_iface {
	uint16_t port_id;
	struct rte_ether_addr mac;
	uint32_t ip;		/**< host order, 0 = none */
	uint32_t mask;		/**< host order */
	uint32_t gateway;	/**< host order, 0 = none */
	uint32_t extra_first;	/**< more local addresses (client source_ips), host order */
	uint32_t extra_last;	/**< inclusive; 0/0 = none */
	uint16_t mtu;
	bool tx_ip_cksum;	/**< port computes the IPv4 header checksum */
	bool tx_tcp_cksum;	/**< port computes the TCP checksum */
	bool rx_cksum;		/**< port reports RX checksum status in ol_flags */
	struct rte_mempool *pool;	/**< mbufs for packets built on this port */
	/**
	 * The port's Toeplitz key and RETA when its rss mode is hash and
	 * several lcores share it (the client picks tuples by it); else NULL.
	 */
	const struct tt_rss *rss;
};

/** True when @p ip (host order) is one of the port's addresses. */
static inline bool
tt_iface_owns(const struct tt_iface *ifc, uint32_t ip)
{
	return (ip == ifc->ip && ip != 0) ||
	       (ifc->extra_first != 0 && ip >= ifc->extra_first && ip <= ifc->extra_last);
}

/** Kinds of frames that parsing accepts. */
enum tt_pkt_kind {
	TT_PKT_ARP = 1,
	TT_PKT_ICMP,
	TT_PKT_TCP,
};

/** A validated frame. Pointers point into the (single-segment) mbuf. */
struct tt_pkt {
	enum tt_pkt_kind kind;
	uint16_t l2_len;
	uint16_t l3_len;
	uint16_t l4_len;	/**< TCP: header with options; ICMP: whole message */
	uint16_t payload_len;	/**< TCP payload bytes */
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *tcp;
	struct rte_icmp_hdr *icmp;
	uint8_t *payload;	/**< TCP payload */
};

/*
 * ARP table: bounded, open addressing, one per port per lcore, keyed hash
 * (a random key per table), the oldest entry of a full window evicted.
 */
#define TT_ARP_SIZE 1024		/* power of two, at most 2^16 */
#define TT_ARP_MAX_PROBE 64		/* a lookup scans this many entries (1.5 KiB) */
#define TT_ARP_TTL_US (300ULL * 1000 * 1000)	/* entry lifetime */
#define TT_ARP_RETRY_US (1000ULL * 1000)	/* re-ask an unresolved entry */
#define TT_ARP_MAX_RETRIES 5

enum tt_arp_state {
	TT_ARP_FREE = 0,
	TT_ARP_PENDING,		/**< request sent, no answer yet */
	TT_ARP_RESOLVED,
};

struct tt_arp_entry {
	uint32_t ip;		/**< host order */
	uint8_t state;
	uint8_t retries;
	struct rte_ether_addr mac;
	uint64_t expire_us;	/**< RESOLVED: when it expires; PENDING: next retry */
};

struct tt_arp_table {
	uint32_t n_used;
	/** Hash key: one random value per byte value of each address byte. */
	uint16_t key[4][256];
	struct tt_arp_entry e[TT_ARP_SIZE];
};

/**
 * Home slot of @p ip in @p t: simple tabulation hashing under the table's
 * random key (tt_arp_init()). It is 3-independent: two addresses, chosen
 * without knowing the key, share a home slot with chance 1 / TT_ARP_SIZE,
 * so nobody can pick addresses that pile up in one probe window; and
 * linear probing with it has constant expected cost for every set of
 * addresses, runs of consecutive ones included (Patrascu and Thorup, "The
 * power of simple tabulation hashing", JACM 59(3), 2012), which a
 * multiplicative hash does not promise for every key.
 */
static inline uint32_t
tt_arp_hash(const struct tt_arp_table *t, uint32_t ip)
{
	return (uint32_t)(t->key[0][ip & 0xff] ^ t->key[1][(ip >> 8) & 0xff] ^
			  t->key[2][(ip >> 16) & 0xff] ^ t->key[3][ip >> 24]) &
	       (TT_ARP_SIZE - 1);
}

/**
 * Output queue of one lcore; m->port says which port a packet leaves by.
 * The packets queued are m[head] .. m[head + n - 1]: the flush takes from
 * the front without moving the rest, and a push moves them back to the
 * start only when the end is reached. len[] keeps each packet's length
 * from its push, so the flush counts bytes without reading an mbuf the
 * port may already have freed, or one it did not take.
 */
#define TT_TXQ_SIZE 4096
/*
 * A connection's pure ACKs (no data, SYN, FIN or RST) take the queue up to
 * here only: past it, the ACK is owed as a delayed one instead
 * (tt_tcp_out.c, conn_send(): drop reason tx_ack_shed). The last eighth is
 * kept for the segments whose loss costs a retransmission timeout. A peer
 * that stops reading for a while (a bulk sender busy sending) leaves a
 * receiver's queue full of ACKs, and a FIN or data segment behind them
 * would be dropped (tx_full) and wait its RTO; an ACK is cumulative (RFC
 * 9293 3.4), so the one sent later stands for those not sent, and RFC
 * 5681 4.2 lets a receiver delay it.
 */
#define TT_TXQ_ACK_MAX (TT_TXQ_SIZE - TT_TXQ_SIZE / 8)
struct tt_txq {
	uint16_t n;
	uint16_t head;
	struct rte_mbuf *m[TT_TXQ_SIZE];
	uint16_t len[TT_TXQ_SIZE];
};

/** Per-lcore layer 2/3 context. */
struct tt_net {
	uint16_t n_ifs;
	const struct tt_iface *ifs[TT_MAX_PORTS];	/**< indexed by port id */
	struct tt_arp_table arp[TT_MAX_PORTS];
	struct tt_stats *stats;
	struct tt_txq *txq;
	uint64_t now_us;
};

/** Queue a finished frame for TX; frees and counts it if the queue is full. */
static inline void
tt_txq_push(struct tt_net *net, struct rte_mbuf *m)
{
	struct tt_txq *q = net->txq;

	uint32_t at = q->head + q->n;

	if (unlikely(at >= TT_TXQ_SIZE)) {
		if (q->n >= TT_TXQ_SIZE) {
			rte_pktmbuf_free(m);
			TT_DROP(net->stats, TT_DROP_tx_full);
			return;
		}
		memmove(&q->m[0], &q->m[q->head], q->n * sizeof(q->m[0]));
		memmove(&q->len[0], &q->len[q->head], q->n * sizeof(q->len[0]));
		q->head = 0;
		at = q->n;
	}
	q->m[at] = m;
	q->len[at] = (uint16_t)m->pkt_len;
	q->n++;
}

/**
 * Whether @p m, judged from its headers alone, is a connection-opening
 * SYN for us: Ethernet to our MAC, IPv4 without options or fragments to
 * one of our addresses, TCP with SYN and none of ACK, RST and FIN. No
 * checksum is verified and no source is checked: an overloaded lcore sheds
 * such frames before tt_pkt_parse() (app/tt_main.h), so whatever this
 * accepts, the full parse would have dropped or taken as a SYN of that
 * kind (tests/unit/test_net.c checks it over random frames).
 */
static inline bool
tt_pkt_is_syn_for_us(const struct tt_iface *ifc, const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *tcp;

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + sizeof(*ip) + sizeof(*tcp))
		return false;
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
	tcp = (const struct rte_tcp_hdr *)(ip + 1);
	return eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4) &&
	       ip->version_ihl == RTE_IPV4_VHL_DEF && ip->next_proto_id == IPPROTO_TCP &&
	       (tcp->tcp_flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG |
				  RTE_TCP_FIN_FLAG)) == RTE_TCP_SYN_FLAG &&
	       (ip->fragment_offset &
		RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) == 0 &&
	       rte_is_same_ether_addr(&eth->dst_addr, &ifc->mac) &&
	       tt_iface_owns(ifc, rte_be_to_cpu_32(ip->dst_addr));
}

/**
 * Parse and validate a received frame of port @p ifc. Checks lengths, IPv4
 * header, fragments, options, checksums (trusting the RX flags where the
 * port sets them) and that the destination is our address (or, for ARP,
 * that it is an Ethernet/IPv4 ARP). Returns TT_DROP_NONE and fills @p p,
 * or the reason to drop; never reads outside the mbuf's data.
 */
enum tt_drop_reason tt_pkt_parse(const struct tt_iface *ifc,
				 struct rte_mbuf *m, struct tt_pkt *p);

/** Software checksums (host needs no offload). */
uint16_t tt_ipv4_cksum(const struct rte_ipv4_hdr *ip);
/**
 * Raw one's complement sum of @p len bytes as they lie in memory (16-bit
 * words in host order, unfolded), like DPDK's __rte_raw_cksum().
 */
uint32_t tt_cksum_raw(const void *buf, uint32_t len);

/**
 * Fold a sum of 16- or 32-bit words (any mix: 2^16 = 1 mod 2^16 - 1,
 * RFC 1071 2(B)) to 16 bits with the end-around carries.
 */
static inline uint16_t
tt_cksum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}
/** TCP checksum over pseudo header, header and @p l4_len bytes (host order result as stored). */
uint16_t tt_tcp_cksum(const struct rte_ipv4_hdr *ip, const void *l4, uint16_t l4_len);

/**
 * Finish an outgoing IPv4/TCP or IPv4/ICMP frame before TX: set the IPv4
 * header checksum and the TCP checksum, either by asking the port
 * (ol_flags, l2_len, l3_len, pseudo-header checksum in the TCP field, as
 * csumonly.c does) or computing them in software where the port lacks the
 * offload. @p m must have l2_len/l3_len set.
 */
void tt_cksum_finish(const struct tt_iface *ifc, struct rte_mbuf *m);

/* ARP. */
/** Empty the table and draw its hash key (rte_rand()). */
void tt_arp_init(struct tt_arp_table *t);
/** Returns 0 and the MAC, or -ENOENT (also while pending). */
int tt_arp_lookup(const struct tt_arp_table *t, uint32_t ip, struct rte_ether_addr *mac);
/**
 * Insert or overwrite a resolved entry (a static neighbour; received ARP
 * goes through tt_arp_input(), which never creates entries). A full probe
 * window gives up its oldest resolved entry. Returns 0, -EINVAL for
 * address 0, or -ENOSPC when the window holds only pending entries.
 */
int tt_arp_learn(struct tt_arp_table *t, uint32_t ip, const struct rte_ether_addr *mac,
		 uint64_t now_us);
/** Next hop of @p dst on @p ifc: dst if on-link, else the gateway (0 if none). */
uint32_t tt_arp_nexthop(const struct tt_iface *ifc, uint32_t dst);
/**
 * Resolve @p ip on port @p port: returns 0 with the MAC when known; else
 * creates a pending entry, sends a request (at most once per retry period)
 * and returns -EAGAIN.
 */
int tt_arp_resolve(struct tt_net *net, uint16_t port, uint32_t ip, struct rte_ether_addr *mac);
/**
 * Handle a parsed ARP frame: complete a pending resolution or refresh an
 * entry from its sender (never create one, never change a resolved MAC),
 * answer requests for any of our addresses. Consumes @p m.
 */
void tt_arp_input(struct tt_net *net, const struct tt_iface *ifc, struct rte_mbuf *m,
		  struct tt_pkt *p);
/** True when @p t has an entry for @p ip, resolved or pending. */
bool tt_arp_known(const struct tt_arp_table *t, uint32_t ip);
/** Send a gratuitous ARP (a request for our own address) on @p port. */
int tt_arp_gratuitous(struct tt_net *net, uint16_t port);
/** Expire stale entries and retry pending ones; bounded work per call. */
void tt_arp_housekeeping(struct tt_net *net, uint16_t port);

/** Answer an ICMP echo request in place, from the address asked (consumes @p m). */
void tt_icmp_input(struct tt_net *net, const struct tt_iface *ifc, struct rte_mbuf *m,
		   struct tt_pkt *p);

#endif /* _TT_NET_H_ */
