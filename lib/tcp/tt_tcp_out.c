/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Segment output: builds Ethernet/IPv4/TCP frames into fresh mbufs from the
 * port's pool, fills payload from the application's templates by stream
 * offset (so retransmission re-reads, nothing is buffered), and queues
 * them into the lcore's TX queue.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "tt_common.h"
#include "tcp/tt_tcp.h"
#include "tcp/tt_tcp_priv.h"
#include "tcp/tt_tcp_events.h"
#include "tcp/tt_tcp_reass.h"
#include "tcp/tt_tcp_guard.h"

uint32_t
tt_tcp_rcv_window_held(const struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	uint32_t wnd = ctx->cfg->tcp.rcv_wnd;
	uint32_t held = (c->flags & TT_CF_APP_HOLDS) ? tt_tcp_ev_held(ctx, c) : 0;
	uint32_t max = 65535u << c->rcv_ws;

	/* A full send queue closes it (TT_SND_QUEUE_MAX, tt_tcp_app_unread()). */
	if (unlikely(!tt_tcp_app_send_room(c)))
		return 0;
	/* Data the application still holds (echo) closes the window. */
	wnd = held >= wnd ? 0 : wnd - held;
	if (c->flags & TT_CF_REASS)
		wnd = tt_reass_window(ctx, c, wnd);
	return RTE_MIN(wnd, max);
}

/* A segment being built. */
struct seg_out {
	struct rte_mbuf *m;
	struct rte_tcp_hdr *th;
	uint8_t *payload;	/**< where the caller puts the payload */
	uint64_t sum;		/**< pseudo header, TCP header, options (BE values) */
	uint16_t psum;		/**< payload sum as it lies in memory, if psum_ok */
	bool psum_ok;
};

/*
 * An mbuf for a segment of @p len bytes: the received one when
 * tt_tcp_input_burst offers it (ctx->spare) and it is a plain direct
 * single-segment mbuf nobody else references with room enough, else a
 * fresh one from the port's pool.
 */
static inline struct rte_mbuf *
seg_mbuf(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc, uint32_t len)
{
	struct rte_mbuf *m = ctx->spare;

	if (m != NULL && likely(m->nb_segs == 1 && RTE_MBUF_DIRECT(m) &&
				rte_mbuf_refcnt_read(m) == 1 &&
				m->buf_len >= RTE_PKTMBUF_HEADROOM + len)) {
		ctx->spare = NULL;
		ctx->spare_taken = true;
		rte_pktmbuf_reset(m);
		TT_STAT_INC(ctx->stats, tx_mbuf_reused);
		return m;
	}
	return rte_pktmbuf_alloc(ifc->pool);
}

/* The constant words of our IPv4 headers, as big-endian values: version
 * and IHL 0x45, TOS 0; ID 0, DF; TTL, protocol TCP, checksum 0. */
#define TT_IP_CONST_SUM (0x45000000ull + RTE_IPV4_HDR_DF_FLAG + \
			 ((uint64_t)TT_IP_TTL << 24 | (uint64_t)IPPROTO_TCP << 16))

/* The header fields of one segment, host order, as seg_alloc() writes them. */
struct seg_hdr {
	const struct rte_ether_addr *dmac;	/**< next hop */
	uint32_t saddr;
	uint32_t daddr;
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;		/**< written only with TT_TH_ACK */
	uint8_t flags;		/**< TT_TH_* */
	uint16_t wnd;		/**< the window field, already scaled down */
	const struct tt_tcp_opts *opts;	/**< NULL: no options */
};

/* The addresses and ports of connection @p c's segments. */
static inline struct seg_hdr
seg_hdr_conn(const struct tt_conn *c)
{
	return (struct seg_hdr){
		.dmac = &c->rmac,
		.saddr = c->laddr,
		.daddr = c->raddr,
		.sport = c->lport,
		.dport = c->rport,
	};
}

/*
 * Build the headers of one segment, with room for @p len bytes of payload
 * at so->payload. Returns 0, or -1 without an mbuf (counted).
 *
 * The checksums are computed from the values being written, never by
 * reading the frame back: a 32-bit load over bytes just stored by several
 * narrower stores cannot be forwarded from the store buffer and stalls
 * (docs/benchmarks.md, "Changes and their effect"). The IPv4 checksum is
 * final here; the TCP one is completed by seg_send() with the payload.
 * Where the port offers checksum offload, it gets the work instead
 * (pseudo-header sum in the TCP field, as csumonly.c does).
 */
static int
seg_alloc(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc, const struct seg_hdr *h,
	  uint32_t len, struct seg_out *so)
{
	uint32_t ow[TT_TCP_OPT_WORDS];
	/*
	 * Timestamps alone (NOP NOP TS, RFC 7323 Appendix A), the options of
	 * nearly every segment after the SYN, are written directly below.
	 */
	const bool ts_only = h->opts != NULL && h->opts->present == TT_OPT_TS;
	unsigned int i, nw = h->opts == NULL ? 0 : ts_only ? 3 : tt_tcp_opts_words(ow, h->opts);
	uint16_t l4 = (uint16_t)(sizeof(struct rte_tcp_hdr) + 4 * nw + len);
	uint16_t tot = (uint16_t)(sizeof(struct rte_ipv4_hdr) + l4);
	uint32_t saddr = h->saddr, daddr = h->daddr, seq = h->seq;
	uint32_t w_ports = (uint32_t)h->sport << 16 | h->dport;
	uint32_t w_ack = (h->flags & TT_TH_ACK) ? h->ack : 0;
	uint32_t w_off = (uint32_t)(((sizeof(struct rte_tcp_hdr) / 4 + nw) << 12) |
				    h->flags) << 16 | h->wnd;
	uint64_t pseudo = (uint64_t)saddr + daddr + IPPROTO_TCP + l4;
	struct rte_ether_addr dst = *h->dmac;
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	uint64_t sum;

	m = seg_mbuf(ctx, ifc, RTE_ETHER_HDR_LEN + tot);
	if (unlikely(m == NULL)) {
		TT_DROP(ctx->stats, TT_DROP_no_mbuf);
		return -1;
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, RTE_ETHER_HDR_LEN + tot);
	if (unlikely(eth == NULL)) {
		rte_pktmbuf_free(m);
		TT_DROP(ctx->stats, TT_DROP_no_mbuf);
		return -1;
	}
	/* dmac may point into this very frame (a reply in the received mbuf). */
	rte_ether_addr_copy(&dst, &eth->dst_addr);
	rte_ether_addr_copy(&ifc->mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);

	ip = (struct rte_ipv4_hdr *)(eth + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16(tot);
	ip->packet_id = 0;
	/* RFC 6864 4.1: atomic datagrams (DF) may carry any ID. */
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = TT_IP_TTL;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(saddr);
	ip->dst_addr = rte_cpu_to_be_32(daddr);
	if (ifc->tx_ip_cksum) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		ip->hdr_checksum = 0;
	} else {
		sum = TT_IP_CONST_SUM + tot + (uint64_t)saddr + daddr;
		ip->hdr_checksum = rte_cpu_to_be_16((uint16_t)~tt_cksum_fold(sum));
	}

	th = (struct rte_tcp_hdr *)(ip + 1);
	th->src_port = rte_cpu_to_be_16(h->sport);
	th->dst_port = rte_cpu_to_be_16(h->dport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(w_ack);
	th->data_off = (uint8_t)(w_off >> 24);
	th->tcp_flags = h->flags;
	th->rx_win = rte_cpu_to_be_16(h->wnd);
	th->tcp_urp = 0;
	sum = (uint64_t)w_ports + seq + w_ack + w_off;
	if (ts_only) {
		uint64_t w01 = (uint64_t)rte_cpu_to_be_32(h->opts->tsval) << 32 |
			       rte_cpu_to_be_32(TT_TCP_OPT_NOP_NOP_TS);
		uint32_t w2 = rte_cpu_to_be_32(h->opts->tsecr);

		memcpy(th + 1, &w01, 8);
		memcpy((uint8_t *)(th + 1) + 8, &w2, 4);
		sum += (uint64_t)TT_TCP_OPT_NOP_NOP_TS + h->opts->tsval + h->opts->tsecr;
	} else {
		for (i = 0; i < nw; i++) {
			uint32_t be = rte_cpu_to_be_32(ow[i]);

			memcpy((uint8_t *)(th + 1) + 4 * i, &be, 4);
			sum += ow[i];
		}
	}
	if (ifc->tx_tcp_cksum) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = rte_cpu_to_be_16(tt_cksum_fold(pseudo));
	} else {
		th->cksum = 0;
	}

	/* The header lengths only matter to an offload (reset left them 0). */
	if (ifc->tx_ip_cksum || ifc->tx_tcp_cksum)
		m->tx_offload = rte_mbuf_tx_offload(RTE_ETHER_HDR_LEN, sizeof(*ip),
						    sizeof(*th) + 4 * nw, 0, 0, 0, 0);
	m->port = ifc->port_id;
	so->m = m;
	so->th = th;
	so->payload = (uint8_t *)(th + 1) + 4 * nw;
	so->sum = pseudo + sum;
	so->psum_ok = false;
	return 0;
}

/* Complete the TCP checksum with the payload (unless offloaded), queue. */
static void
seg_send(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc, struct seg_out *so,
	 uint32_t len)
{
	if (!ifc->tx_tcp_cksum) {
		uint64_t sum = so->sum;

		/*
		 * The payload summed as it lies in memory (known already for a
		 * whole template): swap to BE values.
		 */
		if (so->psum_ok)
			sum += rte_bswap16(so->psum);
		else if (len > 0)
			sum += rte_bswap16(tt_cksum_fold(tt_cksum_raw(so->payload, len)));
		so->th->cksum = rte_cpu_to_be_16((uint16_t)~tt_cksum_fold(sum));
	}
	TT_STAT_INC(ctx->stats, tcp_segs_out);
	ctx->stats->c[TT_STAT_tcp_bytes_out] += len;
	tt_txq_push(ctx->net, so->m);
}

/*
 * Options of a non-SYN segment with @p len bytes of payload: timestamps
 * when in use (RFC 7323 3.2), SACK blocks while data is held out of order
 * or a duplicate was received (RFC 2018 4, RFC 2883).
 */
static const struct tt_tcp_opts *
conn_opts(struct tt_tcp_ctx *ctx, struct tt_conn *c, struct tt_tcp_opts *o, uint32_t len)
{
	o->present = 0;
	if (c->flags & TT_CF_TS) {
		o->present = TT_OPT_TS;
		o->tsval = ctx->now_ms;
		o->tsecr = c->ts_recent;
	}
	if ((c->flags & TT_CF_SACK) && unlikely((c->flags & TT_CF_REASS) || tt_reass_dsack_for(ctx, c)))
		tt_reass_sack_opts(ctx, c, o, len);
	return o->present != 0 ? o : NULL;
}

/* Build and queue one segment of connection @p c. */
static int
conn_send(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t seq, uint32_t len,
	  uint8_t flags)
{
	const struct tt_iface *ifc = ctx->net->ifs[c->port];
	struct seg_hdr h = seg_hdr_conn(c);
	struct tt_tcp_opts o;
	struct seg_out so;
	uint32_t wnd;

	/*
	 * A pure ACK with the TX queue in its last eighth (TT_TXQ_ACK_MAX):
	 * owed as a delayed ACK (RFC 5681 4.2), so that the room left goes to
	 * segments whose loss would cost an RTO, and the ACK still goes once
	 * the queue drains (the last ACK of a flight shed for good would leave
	 * the peer to its RTO). Not in FIN_WAIT_2: there the ACK of the
	 * peer's FIN is the block's last act (TIME_WAIT keeps an entry, and
	 * no block to owe an ACK from).
	 */
	if (len == 0 && flags == TT_TH_ACK && unlikely(ctx->net->txq->n >= TT_TXQ_ACK_MAX) &&
	    c->state != TT_TCPS_FIN_WAIT_2) {
		TT_DROP(ctx->stats, TT_DROP_tx_ack_shed);
		c->flags &= ~(TT_CF_ACK_NOW | TT_CF_SACK_PEND);
		/*
		 * An ACK already owed keeps its deadline (segments that keep
		 * coming must not push it back); one whose delayed ACK is firing
		 * into this (out of the FIFO, the flag still set) is owed anew.
		 */
		if ((c->flags & (TT_CF_DELACK | TT_CF_IN_DACK_FIFO)) !=
		    (TT_CF_DELACK | TT_CF_IN_DACK_FIFO)) {
			c->flags &= ~TT_CF_DELACK;
			tt_tcp_delack(ctx, c);
		}
		return 0;
	}
	wnd = tt_tcp_rcv_window(ctx, c);
	h.seq = seq;
	h.ack = c->rcv_nxt;
	h.flags = flags;
	h.wnd = (uint16_t)(wnd >> c->rcv_ws);
	h.opts = conn_opts(ctx, c, &o, len);
	if (seg_alloc(ctx, ifc, &h, len, &so) < 0)
		return -1;
	if (len > 0)
		so.psum_ok = tt_tcp_ev_fill(ctx, c, c->tx_una_off + (uint32_t)(seq - c->snd_una),
					 so.payload, len, &so.psum);
	/* Whatever we send carries the ACK: no ACK is owed any more. */
	c->rcv_adv = c->rcv_nxt + (wnd >> c->rcv_ws << c->rcv_ws);
	/* A window held shut by what the application holds: to be reopened (tt_tcp_guard.h). */
	if (unlikely(c->flags & TT_CF_APP_HOLDS) && wnd < tt_tcp_wnd_update_min(ctx, c))
		tt_tcp_wnd_wait(ctx, c);
	c->flags &= ~(TT_CF_ACK_NOW | TT_CF_DELACK | TT_CF_SACK_PEND);
	c->rx_unacked = 0;
	seg_send(ctx, ifc, &so, len);
	return 0;
}

int
tt_tcp_send_seq(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t seq, uint32_t len, bool fin)
{
	return conn_send(ctx, c, seq, len, TT_TH_ACK | (fin ? TT_TH_FIN : 0) |
			 (seq + len == c->snd_end ? TT_TH_PSH : 0));
}

void
tt_tcp_send_ack(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	/*
	 * SND.MAX, not SND.NXT: after an RTO pulled SND.NXT back, a peer that
	 * holds more than SND.UNA (its ACKs lost) would find SEG.SEQ below
	 * RCV.NXT, drop the ACK unprocessed (RFC 9293 3.10.7.4 first) and
	 * answer with its own, which we would drop the same way: both sides
	 * then wait for each other's RTO, backing off. FreeBSD's tcp_output()
	 * does the same for segments without data, SYN or FIN.
	 */
	conn_send(ctx, c, c->snd_max, 0, TT_TH_ACK);
}

void
tt_tcp_send_rst(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	const struct tt_iface *ifc = ctx->net->ifs[c->port];
	struct seg_hdr h = seg_hdr_conn(c);
	struct seg_out so;

	/* RFC 9293 3.10.7.4: RST carries snd_nxt (and an ACK once synchronised). */
	h.seq = c->snd_nxt;
	h.ack = c->rcv_nxt;
	h.flags = c->state == TT_TCPS_SYN_SENT ? TT_TH_RST : TT_TH_RST | TT_TH_ACK;
	if (seg_alloc(ctx, ifc, &h, 0, &so) < 0)
		return;
	TT_STAT_INC(ctx->stats, tcp_rst_out);
	seg_send(ctx, ifc, &so, 0);
}

void
tt_tcp_send_syn(struct tt_tcp_ctx *ctx, struct tt_conn *c, bool synack)
{
	const struct tt_iface *ifc = ctx->net->ifs[c->port];
	struct seg_hdr h = seg_hdr_conn(c);
	struct tt_tcp_opts o = ctx->syn_opts;
	struct seg_out so;

	if (synack) {
		/* RFC 7323 1.3, 2.2; RFC 2018 2: answer only what the SYN offered. */
		if (!(c->flags & TT_CF_WS))
			o.present &= ~TT_OPT_WS;
		if (!(c->flags & TT_CF_TS))
			o.present &= ~TT_OPT_TS;
		if (!(c->flags & TT_CF_SACK))
			o.present &= ~TT_OPT_SACKOK;
	}
	o.tsval = ctx->now_ms;
	o.tsecr = synack ? c->ts_recent : 0;
	h.seq = c->snd_una;	/* our ISS, until the SYN is acknowledged */
	h.ack = c->rcv_nxt;
	h.flags = synack ? TT_TH_SYN | TT_TH_ACK : TT_TH_SYN;
	/* RFC 7323 2.2: the window of a SYN is never scaled. */
	h.wnd = (uint16_t)RTE_MIN(ctx->cfg->tcp.rcv_wnd, 65535u);
	h.opts = &o;
	if (seg_alloc(ctx, ifc, &h, 0, &so) < 0)
		return;
	c->snd_nxt = c->snd_una + 1;
	if (TT_SEQ_LT(c->snd_max, c->snd_nxt))
		c->snd_max = c->snd_nxt;
	c->rcv_adv = c->rcv_nxt + RTE_MIN(ctx->cfg->tcp.rcv_wnd, 65535u);
	if (c->flags & TT_CF_HS_RXT) {
		/*
		 * Karn: a SYN sent again (timer, or a SYN-ACK answering the
		 * peer's retransmitted SYN) is not timed, and its ACK may be
		 * the first copy's: no sample from it.
		 */
		c->flags &= ~TT_CF_RTT;
	} else if (!(c->flags & TT_CF_TS)) {
		c->flags |= TT_CF_RTT;
		c->rtt_seq = c->snd_una;
		c->rtt_ts = ctx->now_ms;
	}
	seg_send(ctx, ifc, &so, 0);
}

void
tt_tcp_send_probe(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	/*
	 * RFC 9293 3.8.6.1: one byte past the closed window. snd_nxt stays
	 * put, so when the window opens that byte goes again with the rest
	 * if the peer did not keep it.
	 */
	if (TT_SEQ_LT(c->snd_una, c->snd_end)) {
		conn_send(ctx, c, c->snd_una, 1, TT_TH_ACK);
		if (TT_SEQ_GT(c->snd_una + 1, c->snd_max))
			c->snd_max = c->snd_una + 1;
	} else {
		tt_tcp_send_ack(ctx, c);
	}
}

/* The addresses and ports of a reply to @p seg, sent from no block. */
static inline struct seg_hdr
seg_hdr_reply(const struct tt_seg *seg)
{
	return (struct seg_hdr){
		.dmac = seg->smac,
		.saddr = seg->daddr,
		.daddr = seg->saddr,
		.sport = seg->dport,
		.dport = seg->sport,
	};
}

void
tt_tcp_send_rst_reply(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc,
		      const struct tt_seg *seg)
{
	struct seg_hdr h = seg_hdr_reply(seg);
	struct seg_out so;

	/* RFC 9293 3.10.7.1: never answer an RST. */
	if (seg->flags & TT_TH_RST)
		return;
	if (seg->flags & TT_TH_ACK) {
		h.seq = seg->ack;
		h.flags = TT_TH_RST;
	} else {
		h.ack = seg->seq + seg->len + !!(seg->flags & TT_TH_SYN) +
			!!(seg->flags & TT_TH_FIN);
		h.flags = TT_TH_RST | TT_TH_ACK;
	}
	if (seg_alloc(ctx, ifc, &h, 0, &so) < 0)
		return;
	TT_STAT_INC(ctx->stats, tcp_rst_out);
	seg_send(ctx, ifc, &so, 0);
}

void
tt_tcp_send_ack_reply(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc,
		      const struct tt_seg *seg, uint32_t seq, uint32_t ack, uint16_t wnd,
		      const struct tt_tcp_opts *o)
{
	struct seg_hdr h = seg_hdr_reply(seg);
	struct seg_out so;

	h.seq = seq;
	h.ack = ack;
	h.flags = TT_TH_ACK;
	h.wnd = wnd;
	h.opts = o;
	if (seg_alloc(ctx, ifc, &h, 0, &so) < 0)
		return;
	seg_send(ctx, ifc, &so, 0);
}

void
tt_tcp_send_synack_stateless(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc,
			     const struct tt_seg *syn, uint32_t iss,
			     const struct tt_tcp_opts *o)
{
	struct seg_hdr h = seg_hdr_reply(syn);
	struct seg_out so;

	h.seq = iss;
	h.ack = syn->seq + 1;
	h.flags = TT_TH_SYN | TT_TH_ACK;
	/* RFC 7323 2.2: the window of a SYN is never scaled. */
	h.wnd = (uint16_t)RTE_MIN(ctx->cfg->tcp.rcv_wnd, 65535u);
	h.opts = o;

	if (seg_alloc(ctx, ifc, &h, 0, &so) < 0)
		return;
	seg_send(ctx, ifc, &so, 0);
}

bool
tt_tcp_output_segs(struct tt_tcp_ctx *ctx, struct tt_conn *c, bool one_segment)
{
	bool sent = false;

	if (c->state == TT_TCPS_SYN_SENT || c->state == TT_TCPS_CLOSED ||
	    c->state == TT_TCPS_LISTEN)
		return false;
	if (c->state == TT_TCPS_SYN_RCVD) {
		if (c->flags & TT_CF_ACK_NOW)
			tt_tcp_send_syn(ctx, c, true);
		return false;
	}
	for (;;) {
		uint32_t wnd = RTE_MIN(c->snd_wnd, c->cwnd);
		uint32_t inflight = c->snd_nxt - c->snd_una;
		uint32_t avail = TT_SEQ_LT(c->snd_nxt, c->snd_end) ? c->snd_end - c->snd_nxt : 0;
		uint32_t room = wnd > inflight ? wnd - inflight : 0;
		uint32_t len = RTE_MIN(RTE_MIN(avail, room), (uint32_t)c->mss);
		uint8_t flags = TT_TH_ACK;
		bool fin = false;

		/*
		 * Sender silly-window avoidance (RFC 9293 3.8.6.2.1): a short
		 * segment goes only when it is all we have left, or when
		 * nothing is in flight (a peer window below one MSS must not
		 * stall the connection; this is also what Nagle allows).
		 */
		if (len > 0 && len < c->mss && len < avail && inflight > 0)
			len = 0;
		if ((c->flags & TT_CF_FIN_QUEUED) && c->snd_nxt + len == c->snd_end &&
		    c->state != TT_TCPS_ESTABLISHED && c->state != TT_TCPS_CLOSE_WAIT) {
			/* The FIN rides on the last data segment when there is one. */
			fin = true;
			flags |= TT_TH_FIN;
		}
		if (len == 0 && !fin)
			break;
		/*
		 * TX back-pressure: with the lcore's queue nearly full, leave
		 * the rest for when ACKs come back (something is in flight, so
		 * they will, or the RTO fires).
		 */
		if (unlikely(ctx->net->txq->n >= TT_TXQ_SIZE / 2) && c->snd_nxt != c->snd_una)
			break;
		if (fin && c->snd_nxt == c->snd_end + 1)
			break;	/* FIN already sent and not lost */
		if (len > 0 && len == avail)
			flags |= TT_TH_PSH;
		if (!(c->flags & TT_CF_TS) && !(c->flags & TT_CF_RTT) &&
		    c->snd_nxt == c->snd_max && c->retries == 0) {
			/* RFC 6298 3: time one segment per RTT, never a retransmission. */
			c->flags |= TT_CF_RTT;
			c->rtt_seq = c->snd_nxt;
			c->rtt_ts = ctx->now_ms;
		}
		if (conn_send(ctx, c, c->snd_nxt, len, flags) < 0)
			break;
		c->snd_nxt += len + fin;
		if (TT_SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		sent = true;
		if (fin || one_segment)
			break;
	}
	if (!sent && (c->flags & TT_CF_ACK_NOW))
		tt_tcp_send_ack(ctx, c);
	return sent;
}

void
tt_tcp_output(struct tt_tcp_ctx *ctx, struct tt_conn *c, bool one_segment)
{
	if (tt_tcp_output_segs(ctx, c, one_segment))
		tt_tcp_timer_update(ctx, c, false);
}
