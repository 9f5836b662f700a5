/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_STATS_H_
#define _TT_STATS_H_

/**
 * @file
 * Per-lcore counters. Each lcore writes only its own struct tt_stats (no
 * atomics); readers sum all lcores. Counter names are generated from one
 * X-macro list so the names, the enum and the JSON keys never drift apart.
 */

#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

/* Drop reasons: every packet that is not processed is counted under one. */
#define TT_DROP_REASONS(X) \
	X(truncated)		/* shorter than its headers claim */ \
	X(not_ipv4)		/* ethertype neither IPv4 nor ARP */ \
	X(bad_ip_version)	/* version != 4 or IHL < 5 */ \
	X(bad_ip_len)		/* total length inconsistent with the frame */ \
	X(ip_options)		/* IPv4 options are not handled */ \
	X(fragment)		/* MF set or non-zero offset */ \
	X(bad_ip_cksum) \
	X(bad_ttl)		/* TTL 0 */ \
	X(not_our_ip)		/* destination is none of our addresses */ \
	X(bad_src_ip)		/* zero, broadcast, multicast, loopback or class E source */ \
	X(src_ip_ours)		/* source is one of our own addresses */ \
	X(land)			/* TCP from our own address and port to themselves */ \
	X(unsupported_proto)	/* IP protocol other than TCP/ICMP */ \
	X(bad_icmp)		/* truncated or bad checksum */ \
	X(icmp_other)		/* ICMP type we do not answer */ \
	X(bad_tcp_hdr)		/* data offset < 5 or beyond the packet */ \
	X(bad_tcp_cksum) \
	X(bad_tcp_opts)		/* malformed option lengths */ \
	X(bad_tcp_flags)	/* SYN+FIN, SYN+RST, no flags, ... */ \
	X(bad_arp)		/* not Ethernet/IPv4 ARP or truncated */ \
	X(arp_not_ours)		/* ARP for an address we do not own */ \
	X(arp_unsolicited)	/* ARP neither answering our question, refreshing an entry, nor for us */ \
	X(arp_conflict)		/* ARP sender MAC differs from the table's entry (kept, verified) */ \
	X(bad_src_mac)		/* Ethernet source is a group (broadcast, multicast) address */ \
	X(not_our_mac)		/* Ethernet destination neither ours nor broadcast ARP */ \
	X(no_mbuf)		/* mempool empty when building a reply */ \
	X(tx_full)		/* lcore TX queue overflowed (a full TX ring's refusals stay queued) */ \
	X(tx_ack_shed)		/* pure ACK owed as a delayed one: the TX queue's last eighth is kept for other segments */ \
	X(syn_overload)		/* new-connection SYN shed by a saturated lcore (general.overload_control) */ \
	X(no_arp)		/* no neighbour MAC for an output packet */ \
	X(link_down)		/* queued for a port whose link is down */ \
	X(steer_full)		/* the ring to the lcore owning the segment's flow was full */ \
	X(tcp_paws)		/* RFC 7323 5.3 PAWS rejected */ \
	X(tcp_old_ack)		/* old pure ACK that failed PAWS: no reply (tt_tcp_old_pure_ack) */ \
	X(tcp_out_of_window)	/* RFC 9293 3.10.7.4 unacceptable segment */ \
	X(tcp_ooo)		/* out-of-order data not held (tcp.reass_mbufs reached, or none) */ \
	X(tcp_ooo_dup)		/* out-of-order data we already held */ \
	X(tcp_bad_ack)		/* ACK for data not yet sent */ \
	X(tcp_no_flow)		/* segment without SYN for no known flow */ \
	X(tcp_rst_inexact)	/* RST in the window, not at RCV.NXT (RFC 5961 3.2) */ \
	X(tcp_syn_synced)	/* SYN on a synchronised connection (RFC 5961 4.2) */ \
	X(tcp_ack_too_old)	/* ACK below SND.UNA - MAX.SND.WND (RFC 5961 5.2) */ \
	X(tcp_held_full)	/* data refused: the application holds its limit (echo) */

/* Event counters. */
#define TT_COUNTERS(X) \
	X(rx_pkts) X(rx_bytes) X(tx_pkts) X(tx_bytes) \
	X(arp_rx_request) X(arp_rx_reply) X(arp_tx_request) X(arp_tx_reply) \
	X(arp_tx_gratuitous) X(arp_learned) X(arp_expired) \
	X(icmp_echo_rx) X(icmp_echo_tx) \
	X(tcp_segs_in) X(tcp_segs_out) X(tcp_bytes_in) X(tcp_bytes_out) \
	X(tcp_rst_in) X(tcp_rst_out) \
	X(conn_accepted) X(conn_established) X(conn_attempted) \
	X(conn_closed_passive) X(conn_closed_active) X(conn_closed_reset) \
	X(conn_closed_timeout) X(conn_closed_simultaneous) \
	X(refused_no_listener) X(refused_table_full) X(flow_index_full) X(syncookies_sent) \
	X(syncookies_ok) X(syncookies_failed) X(syn_rcvd_evicted) X(tw_recycled) \
	X(tx_mbuf_reused) X(tx_refused) \
	X(retrans_syn) X(retrans_synack) X(retrans_data) X(retrans_fin) \
	X(retrans_fast) X(retrans_timeout_reset) X(overload_fin_aborts) X(overload_rto_deferred) X(dup_acks) \
	X(ooo_queued) X(ooo_merged) X(sack_out) X(dsack_out) \
	X(sack_recoveries) X(sack_rxt_lost) X(sack_sb_full) X(sack_rescue) \
	X(tlp_probes) X(tlp_recoveries) X(tlp_spurious) \
	X(impair_dropped) X(impair_duplicated) X(impair_reordered) \
	X(delayed_acks) X(persist_probes) X(wnd_updates) X(tw_reuse) X(tw_reuse_connect) X(tw_ended_by_rst) X(tw_rst_ignored) X(last_ack_reopened) X(idle_timeouts) \
	X(http_requests) X(http_responses) X(http_bad_requests) \
	X(client_completed) X(client_requests) X(client_responses) \
	X(client_fail_refused) X(client_fail_timeout) X(client_fail_reset) \
	X(client_fail_bad_response) X(client_tuples_exhausted) \
	X(client_held_concurrency) X(client_held_txq) \
	X(client_drain_reset) X(rx_discarded_at_exit) \
	X(challenge_acks) X(challenge_acks_limited) X(persist_timeouts) \
	X(echo_conn_cap) X(echo_lcore_cap) X(snd_queue_full) \
	X(steered_out) X(steered_in) X(arp_copies_out) X(arp_copies_in)

#define TT_X_ENUM(name) TT_STAT_ ## name,
enum tt_stat_id {
	TT_COUNTERS(TT_X_ENUM)
	TT_STAT_MAX
};
#define TT_X_DROP_ENUM(name) TT_DROP_ ## name,
enum tt_drop_reason {
	TT_DROP_NONE = 0,
	TT_DROP_REASONS(TT_X_DROP_ENUM)
	TT_DROP_MAX
};

/** Number of TCP states; matches enum tt_tcp_state. */
#define TT_NB_TCP_STATES 11

struct tt_stats {
	uint64_t c[TT_STAT_MAX];
	uint64_t drop[TT_DROP_MAX];
	/* Gauges: per-lcore difference of enters and leaves; the sum is exact. */
	int64_t state[TT_NB_TCP_STATES];
	/* Transitions from state i to state j. */
	uint64_t trans[TT_NB_TCP_STATES][TT_NB_TCP_STATES];
} __rte_cache_aligned;

#define TT_STAT_INC(s, name) ((s)->c[TT_STAT_ ## name]++)
#define TT_STAT_ADD(s, name, v) ((s)->c[TT_STAT_ ## name] += (v))
#define TT_DROP(s, reason) ((s)->drop[reason]++)

const char *tt_stat_name(enum tt_stat_id id);
const char *tt_drop_name(enum tt_drop_reason r);

/** Sum @p n per-lcore blocks into @p out. */
void tt_stats_sum(struct tt_stats *out, const struct tt_stats *const *in,
		  unsigned int n);

/** Total of all drop reasons. */
uint64_t tt_stats_drops(const struct tt_stats *s);

#endif /* _TT_STATS_H_ */
