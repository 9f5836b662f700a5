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
#include "l7/tt_app.h"

#define TT_HDRS_LEN (RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + \
		     sizeof(struct rte_tcp_hdr))
#define TT_MAX_OPT_LEN 40

uint32_t
tt_tcp_rcv_window(const struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	uint32_t wnd = ctx->cfg->tcp.rcv_wnd;
	uint32_t held = tt_app_held(ctx, c);
	uint32_t max = 65535u << c->rcv_ws;

	/* Data the application still holds (echo) closes the window. */
	wnd = held >= wnd ? 0 : wnd - held;
	return RTE_MIN(wnd, max);
}

/*
 * Build the headers of one segment. Returns the mbuf with the payload area
 * of @p len bytes at the returned @p payload pointer, or NULL (counted).
 */
static struct rte_mbuf *
seg_alloc(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc,
	  const struct rte_ether_addr *dmac, uint32_t saddr, uint32_t daddr,
	  uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
	  uint16_t wnd, const struct tt_tcp_opts *opts, uint32_t len, uint8_t **payload)
{
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	uint8_t optbuf[TT_MAX_OPT_LEN];
	unsigned int optlen = 0;
	uint16_t tot;

	m = rte_pktmbuf_alloc(ifc->pool);
	if (unlikely(m == NULL)) {
		TT_DROP(ctx->stats, TT_DROP_no_mbuf);
		return NULL;
	}
	if (opts != NULL)
		optlen = tt_tcp_opts_write(optbuf, opts);
	tot = (uint16_t)(sizeof(*ip) + sizeof(*th) + optlen + len);
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, RTE_ETHER_HDR_LEN + tot);
	if (unlikely(eth == NULL)) {
		rte_pktmbuf_free(m);
		TT_DROP(ctx->stats, TT_DROP_no_mbuf);
		return NULL;
	}
	rte_ether_addr_copy(dmac, &eth->dst_addr);
	rte_ether_addr_copy(&ifc->mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);

	ip = (struct rte_ipv4_hdr *)(eth + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16(tot);
	ip->packet_id = 0;
	/* RFC 6864 4.1: atomic datagrams (DF) may carry any ID. */
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->hdr_checksum = 0;
	ip->src_addr = rte_cpu_to_be_32(saddr);
	ip->dst_addr = rte_cpu_to_be_32(daddr);

	th = (struct rte_tcp_hdr *)(ip + 1);
	th->src_port = rte_cpu_to_be_16(sport);
	th->dst_port = rte_cpu_to_be_16(dport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32((flags & TT_TH_ACK) ? ack : 0);
	th->data_off = (uint8_t)(((sizeof(*th) + optlen) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(wnd);
	th->cksum = 0;
	th->tcp_urp = 0;
	if (optlen)
		memcpy(th + 1, optbuf, optlen);
	*payload = (uint8_t *)(th + 1) + optlen;

	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = sizeof(*ip);
	m->l4_len = (uint8_t)(sizeof(*th) + optlen);
	m->port = ifc->port_id;
	return m;
}

static void
seg_send(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc, struct rte_mbuf *m,
	 uint32_t len)
{
	tt_cksum_finish(ifc, m);
	TT_STAT_INC(ctx->stats, tcp_segs_out);
	ctx->stats->c[TT_STAT_tcp_bytes_out] += len;
	tt_txq_push(ctx->net, m);
}

/* Options of a non-SYN segment: timestamps when in use (RFC 7323 3.2). */
static const struct tt_tcp_opts *
conn_opts(struct tt_tcp_ctx *ctx, struct tt_conn *c, struct tt_tcp_opts *o)
{
	if (!(c->flags & TT_CF_TS))
		return NULL;
	o->present = TT_OPT_TS;
	o->tsval = ctx->now_ms;
	o->tsecr = c->ts_recent;
	return o;
}

/* Build and queue one segment of connection @p c. */
static int
conn_send(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t seq, uint32_t len,
	  uint8_t flags)
{
	const struct tt_iface *ifc = ctx->net->ifs[c->port];
	struct tt_tcp_opts o;
	struct rte_mbuf *m;
	uint8_t *payload;
	uint32_t wnd = tt_tcp_rcv_window(ctx, c);

	m = seg_alloc(ctx, ifc, &c->rmac, c->laddr, c->raddr, c->lport, c->rport, seq,
		      c->rcv_nxt, flags, (uint16_t)(wnd >> c->rcv_ws),
		      conn_opts(ctx, c, &o), len, &payload);
	if (m == NULL)
		return -1;
	if (len > 0)
		tt_app_fill(ctx, c, c->tx_una_off + (uint32_t)(seq - c->snd_una), payload, len);
	/* Whatever we send carries the ACK: no ACK is owed any more. */
	c->rcv_adv = c->rcv_nxt + (wnd >> c->rcv_ws << c->rcv_ws);
	c->flags &= ~(TT_CF_ACK_NOW | TT_CF_DELACK);
	c->rx_unacked = 0;
	seg_send(ctx, ifc, m, len);
	return 0;
}

void
tt_tcp_send_ack(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	conn_send(ctx, c, c->snd_nxt, 0, TT_TH_ACK);
}

void
tt_tcp_send_rst(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	const struct tt_iface *ifc = ctx->net->ifs[c->port];
	struct rte_mbuf *m;
	uint8_t *payload;

	/* RFC 9293 3.10.7.4: RST carries snd_nxt (and an ACK once synchronised). */
	m = seg_alloc(ctx, ifc, &c->rmac, c->laddr, c->raddr, c->lport, c->rport,
		      c->snd_nxt, c->rcv_nxt,
		      c->state == TT_TCPS_SYN_SENT ? TT_TH_RST : TT_TH_RST | TT_TH_ACK,
		      0, NULL, 0, &payload);
	if (m == NULL)
		return;
	TT_STAT_INC(ctx->stats, tcp_rst_out);
	seg_send(ctx, ifc, m, 0);
}

void
tt_tcp_send_syn(struct tt_tcp_ctx *ctx, struct tt_conn *c, bool synack)
{
	const struct tt_iface *ifc = ctx->net->ifs[c->port];
	struct tt_tcp_opts o = ctx->syn_opts;
	struct rte_mbuf *m;
	uint8_t *payload;

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
	/* RFC 7323 2.2: the window of a SYN is never scaled. */
	m = seg_alloc(ctx, ifc, &c->rmac, c->laddr, c->raddr, c->lport, c->rport, c->iss,
		      c->rcv_nxt, synack ? TT_TH_SYN | TT_TH_ACK : TT_TH_SYN,
		      (uint16_t)RTE_MIN(ctx->cfg->tcp.rcv_wnd, 65535u), &o, 0, &payload);
	if (m == NULL)
		return;
	c->snd_nxt = c->iss + 1;
	if (TT_SEQ_LT(c->snd_max, c->snd_nxt))
		c->snd_max = c->snd_nxt;
	c->rcv_adv = c->rcv_nxt + RTE_MIN(ctx->cfg->tcp.rcv_wnd, 65535u);
	if (!(c->flags & TT_CF_TS) && c->retries == 0) {
		/* Karn: time the SYN only when it is not a retransmission. */
		c->flags |= TT_CF_RTT;
		c->rtt_seq = c->iss;
		c->rtt_ts = ctx->now_ms;
	}
	seg_send(ctx, ifc, m, 0);
}

void
tt_tcp_send_probe(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	/*
	 * RFC 9293 3.8.6.1: one byte past the closed window. snd_nxt stays
	 * put, so when the window opens that byte goes again with the rest
	 * if the peer did not keep it.
	 */
	if (c->snd_una != c->snd_end) {
		conn_send(ctx, c, c->snd_una, 1, TT_TH_ACK);
		if (TT_SEQ_GT(c->snd_una + 1, c->snd_max))
			c->snd_max = c->snd_una + 1;
	} else {
		tt_tcp_send_ack(ctx, c);
	}
}

void
tt_tcp_send_rst_reply(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc,
		      const struct tt_seg *seg)
{
	struct rte_mbuf *m;
	uint8_t *payload;
	uint32_t seq, ack = 0;
	uint8_t flags;

	/* RFC 9293 3.10.7.1: never answer an RST. */
	if (seg->flags & TT_TH_RST)
		return;
	if (seg->flags & TT_TH_ACK) {
		seq = seg->ack;
		flags = TT_TH_RST;
	} else {
		seq = 0;
		ack = seg->seq + seg->len + !!(seg->flags & TT_TH_SYN) +
		      !!(seg->flags & TT_TH_FIN);
		flags = TT_TH_RST | TT_TH_ACK;
	}
	m = seg_alloc(ctx, ifc, seg->smac, seg->daddr, seg->saddr, seg->dport, seg->sport,
		      seq, ack, flags, 0, NULL, 0, &payload);
	if (m == NULL)
		return;
	TT_STAT_INC(ctx->stats, tcp_rst_out);
	seg_send(ctx, ifc, m, 0);
}

void
tt_tcp_output(struct tt_tcp_ctx *ctx, struct tt_conn *c, bool one_segment)
{
	bool sent = false;

	if (c->state == TT_TCPS_SYN_SENT || c->state == TT_TCPS_CLOSED ||
	    c->state == TT_TCPS_LISTEN)
		return;
	if (c->state == TT_TCPS_SYN_RCVD) {
		if (c->flags & TT_CF_ACK_NOW)
			tt_tcp_send_syn(ctx, c, true);
		return;
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
	if (sent)
		tt_tcp_timer_update(ctx, c, false);
}
