/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Segment input: RFC 9293 3.10.7 "SEGMENT ARRIVES". As in FreeBSD's
 * tcp_input.c, the states before synchronisation (no flow, LISTEN,
 * SYN_SENT, TIME_WAIT re-use) are handled first; then the checks that all
 * synchronised states share run in the RFC's order, each with a clear
 * exit (drop, drop with ACK, drop with RST) and one drop counter a reason.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "tt_common.h"
#include "tcp/tt_tcp.h"
#include "tcp/tt_tcp_priv.h"
#include "tcp/tt_tcp_events.h"
#include "tcp/tt_tcp_guard.h"
#include "tcp/tt_tcp_reass.h"
#include "tcp/tt_tcp_cc.h"
#include "tcp/tt_tcp_sack.h"
#include "tcp/tt_tcp_tlp.h"

/* Fill a tt_seg from a validated frame. Returns 0 or -1 on bad options. */
static int
seg_from_pkt(const struct tt_iface *ifc, const struct tt_pkt *p, struct tt_seg *s)
{
	const struct rte_tcp_hdr *th = p->tcp;
	unsigned int optlen = p->l4_len - sizeof(*th);

	s->seq = rte_be_to_cpu_32(th->sent_seq);
	s->ack = rte_be_to_cpu_32(th->recv_ack);
	s->wnd = rte_be_to_cpu_16(th->rx_win);
	s->flags = th->tcp_flags & (TT_TH_FIN | TT_TH_SYN | TT_TH_RST | TT_TH_PSH |
				    TT_TH_ACK | TT_TH_URG);
	s->len = p->payload_len;
	s->trimmed = 0;
	s->data = p->payload;
	s->port = (uint8_t)ifc->port_id;
	s->saddr = rte_be_to_cpu_32(p->ip->src_addr);
	s->daddr = rte_be_to_cpu_32(p->ip->dst_addr);
	s->sport = rte_be_to_cpu_16(th->src_port);
	s->dport = rte_be_to_cpu_16(th->dst_port);
	s->smac = &p->eth->src_addr;
	if (optlen == 0) {
		s->opts.present = 0;
		return 0;
	}
	return tt_tcp_opts_parse((const uint8_t *)(th + 1), optlen, &s->opts);
}

static inline bool
listening(const struct tt_tcp_ctx *ctx, uint16_t port)
{
	return ctx->listen_bits[port >> 3] & (1 << (port & 7));
}

/* Negotiate the SYN's options into the block (RFC 9293 3.7.1, RFC 7323, RFC 2018). */
static void
syn_options(struct tt_tcp_ctx *ctx, struct tt_conn *c, const struct tt_seg *s)
{
	const struct tt_tcp_cfg *tc = &ctx->cfg->tcp;
	uint16_t peer_mss;

	/* RFC 9293 3.7.1: without the option the peer's MSS is 536. */
	peer_mss = (s->opts.present & TT_OPT_MSS) ? s->opts.mss : 536;
	if (peer_mss < 64)
		peer_mss = 64;
	c->mss = RTE_MIN(peer_mss, ctx->our_mss);
	if ((s->opts.present & TT_OPT_WS) && (ctx->syn_opts.present & TT_OPT_WS)) {
		c->flags |= TT_CF_WS;
		c->snd_ws = s->opts.wscale;
		c->rcv_ws = tc->wscale;
	} else {
		c->snd_ws = 0;
		c->rcv_ws = 0;
	}
	if ((s->opts.present & TT_OPT_TS) && tc->timestamps) {
		c->flags |= TT_CF_TS;
		c->ts_recent = s->opts.tsval;
		/* TS takes 12 bytes of every segment (RFC 7323 3.2, RFC 6691). */
		c->mss -= 12;
	}
	if ((s->opts.present & TT_OPT_SACKOK) && (ctx->syn_opts.present & TT_OPT_SACKOK))
		c->flags |= TT_CF_SACK;
}

static void
conn_init_send(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t iss)
{
	c->snd_una = iss;
	c->snd_nxt = iss;
	c->snd_max = iss;
	c->snd_end = iss + 1;	/* the application stream starts after the SYN */
	c->rto_ms = ctx->cfg->tcp.rto_init_ms;
	c->ssthresh = UINT32_MAX >> 1;
	c->last_ms = ctx->now_ms;
}

/*
 * The handshake just completed after our SYN or SYN-ACK was sent again
 * (TT_CF_HS_RXT): something was lost in it.
 *
 * - RFC 5681 3.1: "if the SYN or SYN/ACK is lost, the initial window used
 *   by a sender after a correctly transmitted SYN MUST be one segment".
 *   (Linux waits for a second retransmission, its 1 s initial RTO making
 *   a spurious first one common; tcpterm keeps the RFC's rule.)
 * - RFC 6298 5.7: with no valid RTT sample from the handshake (Karn's
 *   algorithm discards a retransmitted SYN's; with timestamps the ACK's
 *   TSecr gives one), an RTO under 3 s is re-initialized to 3 s when data
 *   transmission begins, as Linux does (TCP_TIMEOUT_FALLBACK).
 */
static void
handshake_loss(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	c->cwnd = c->mss;
	if (c->srtt == 0 && c->rto_ms < TT_RTO_FALLBACK_MS)
		c->rto_ms = RTE_MIN((uint32_t)TT_RTO_FALLBACK_MS, ctx->cfg->tcp.rto_max_ms);
}

/*
 * A new block @p c for the SYN (or cookie ACK) @p s: where replies go, and
 * LISTEN -> SYN_RCVD, counted as a transition of the listening endpoint.
 */
static void
accept_from_listen(struct tt_tcp_ctx *ctx, struct tt_conn *c, const struct tt_seg *s)
{
	c->port = s->port;
	rte_ether_addr_copy(s->smac, &c->rmac);
	ctx->stats->state[TT_TCPS_CLOSED]--;
	ctx->stats->state[TT_TCPS_LISTEN]++;
	c->state = TT_TCPS_LISTEN;
	tt_tcp_set_state(ctx, c, TT_TCPS_SYN_RCVD);
	TT_STAT_INC(ctx->stats, conn_accepted);
}

/*
 * LISTEN: a SYN for a port we serve (RFC 9293 3.10.7.2). Returns false
 * when the flow table has no room for it.
 */
static bool
passive_open(struct tt_tcp_ctx *ctx, const struct tt_seg *s)
{
	struct tt_flow_key k = { .raddr = s->saddr, .laddr = s->daddr, .rport = s->sport,
				 .lport = s->dport };
	struct tt_conn *c;

	/* Without cookies, SYN_RCVD is bounded by dropping its oldest (tt_synq.c). */
	if (unlikely(ctx->synq.e != NULL) &&
	    ctx->stats->state[TT_TCPS_SYN_RCVD] >= (int64_t)ctx->syn_rcvd_max)
		tt_synq_evict_oldest(ctx);
	c = tt_tcp_conn_alloc(ctx, &k, s->hash);
	if (c == NULL)
		return false;
	accept_from_listen(ctx, c, s);
	conn_init_send(ctx, c, tt_tcp_isn(ctx, s->daddr, s->dport, s->saddr, s->sport));
	c->rcv_nxt = s->seq + 1;
	c->snd_wnd = s->wnd;	/* RFC 7323 2.2: a SYN's window is never scaled */
	c->snd_wl1 = s->seq;
	syn_options(ctx, c, s);
	c->cwnd = ctx->cfg->tcp.init_cwnd * c->mss;
	c->flags |= TT_CF_SYN_UNACKED;
	if (unlikely(ctx->synq.e != NULL))
		tt_synq_push(ctx, c);
	tt_tcp_ev_accepted(ctx, c);
	tt_tcp_send_syn(ctx, c, true);
	tt_tcp_timer_update(ctx, c, true);
	return true;
}

static void conn_input(struct tt_tcp_ctx *ctx, struct tt_conn *c, struct rte_mbuf *m,
		       const struct tt_seg *s, bool *kept);

/* The received mbuf of the segment at hand, and whether an application kept it. */
struct rx_ref {
	struct rte_mbuf *m;
	bool *kept;
};

/* Answer a SYN with a cookie SYN-ACK (RFC 4987 3.6), keeping no state. */
static void
syncookie_send(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc, const struct tt_seg *s)
{
	const struct tt_tcp_cfg *tc = &ctx->cfg->tcp;
	struct tt_tcp_opts o = { .present = TT_OPT_MSS, .mss = ctx->our_mss };

	/* Window scale and SACK-permitted only where TSval can carry them. */
	if ((s->opts.present & TT_OPT_TS) && tc->timestamps) {
		o.present |= TT_OPT_TS;
		o.tsval = tt_syncookie_tsval(ctx, s);
		o.tsecr = s->opts.tsval;
		if ((s->opts.present & TT_OPT_WS) && (ctx->syn_opts.present & TT_OPT_WS)) {
			o.present |= TT_OPT_WS;
			o.wscale = tc->wscale;
		}
		if ((s->opts.present & TT_OPT_SACKOK) && (ctx->syn_opts.present & TT_OPT_SACKOK))
			o.present |= TT_OPT_SACKOK;
	}
	TT_STAT_INC(ctx->stats, syncookies_sent);
	tt_tcp_send_synack_stateless(ctx, ifc, s, tt_syncookie_iss(ctx, s), &o);
}

/*
 * The ACK of a cookie SYN-ACK: the flow the SYN would have made, in
 * SYN_RCVD, then this ACK processed as its third segment. Returns false
 * when @p s brings no valid cookie.
 */
static bool
syncookie_open(struct tt_tcp_ctx *ctx, struct rx_ref *ref, const struct tt_seg *s)
{
	struct tt_flow_key k = { .raddr = s->saddr, .laddr = s->daddr, .rport = s->sport,
				 .lport = s->dport };
	const struct tt_tcp_cfg *tc = &ctx->cfg->tcp;
	struct tt_syncookie ck;
	struct tt_conn *c;

	if (!tt_syncookie_check(ctx, s, &ck))
		return false;
	c = tt_tcp_conn_alloc(ctx, &k, s->hash);
	if (c == NULL) {
		TT_STAT_INC(ctx->stats, refused_table_full);
		return true;	/* a valid cookie, but no room: the peer retransmits */
	}
	TT_STAT_INC(ctx->stats, syncookies_ok);
	accept_from_listen(ctx, c, s);
	conn_init_send(ctx, c, ck.iss);
	c->snd_nxt = c->snd_max = ck.iss + 1;	/* the SYN-ACK was sent */
	c->rcv_nxt = ck.irs + 1;
	c->rcv_adv = c->rcv_nxt + RTE_MIN(tc->rcv_wnd, 65535u);
	c->snd_wl1 = ck.irs;
	c->mss = RTE_MIN(ck.mss, ctx->our_mss);
	if (ck.wscale >= 0) {
		c->flags |= TT_CF_WS;
		c->snd_ws = (uint8_t)RTE_MIN(ck.wscale, 14);
		c->rcv_ws = tc->wscale;
	}
	if (ck.ts) {
		c->flags |= TT_CF_TS;
		c->ts_recent = s->opts.tsval;
		c->mss -= 12;	/* RFC 7323 3.2, RFC 6691 */
	}
	if (ck.sack && (ctx->syn_opts.present & TT_OPT_SACKOK))
		c->flags |= TT_CF_SACK;
	c->cwnd = tc->init_cwnd * c->mss;
	c->flags |= TT_CF_SYN_UNACKED;
	tt_tcp_ev_accepted(ctx, c);
	conn_input(ctx, c, ref->m, s, ref->kept);
	return true;
}

/* No flow for this segment (RFC 9293 3.10.7.1 and 3.10.7.2). */
static void
no_flow(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc, struct rx_ref *ref,
	const struct tt_seg *s)
{
	/* TIME_WAIT has no flow, only an entry (tt_tw.c), which answers first. */
	if (unlikely(ctx->tw.live > 0) && tt_tw_input(ctx, ifc, s, listening(ctx, s->dport)))
		return;
	if (s->flags & TT_TH_RST) {
		TT_DROP(ctx->stats, TT_DROP_tcp_no_flow);
		return;
	}
	if ((s->flags & (TT_TH_SYN | TT_TH_ACK)) == TT_TH_SYN) {
		if (listening(ctx, s->dport)) {
			if (unlikely(tt_tcp_syncookies_active(ctx)))
				syncookie_send(ctx, ifc, s);
			else if (unlikely(!passive_open(ctx, s))) {
				/* No room in the table: a cookie, or silence (the peer retries). */
				if (ctx->cfg->tcp.syn_cookies != TT_SYNCOOKIE_OFF)
					syncookie_send(ctx, ifc, s);
				else
					TT_STAT_INC(ctx->stats, refused_table_full);
			}
			return;
		}
		TT_STAT_INC(ctx->stats, refused_no_listener);
	} else if (!(s->flags & TT_TH_ACK)) {
		/*
		 * None of SYN, ACK and RST (FIN, NULL, Xmas): a listening port
		 * drops it (RFC 9293 3.10.7.2 fourth), a closed one answers
		 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> (3.10.7.1).
		 */
		if (listening(ctx, s->dport)) {
			TT_DROP(ctx->stats, TT_DROP_bad_tcp_flags);
			return;
		}
		TT_DROP(ctx->stats, TT_DROP_tcp_no_flow);
	} else {
		/* An ACK may bring back a cookie (RFC 4987 3.6). */
		if (!(s->flags & TT_TH_SYN) &&
		    ctx->cfg->tcp.syn_cookies != TT_SYNCOOKIE_OFF && listening(ctx, s->dport)) {
			if (syncookie_open(ctx, ref, s))
				return;
			TT_STAT_INC(ctx->stats, syncookies_failed);
		}
		TT_DROP(ctx->stats, TT_DROP_tcp_no_flow);
	}
	tt_tcp_send_rst_reply(ctx, ifc, s);
}

/* SYN_SENT (RFC 9293 3.10.7.3). */
static void
syn_sent_input(struct tt_tcp_ctx *ctx, struct tt_conn *c, const struct tt_seg *s)
{
	bool ack_ok = false;

	if (s->flags & TT_TH_ACK) {
		/* First: an ACK must acknowledge our SYN exactly. */
		if (TT_SEQ_LEQ(s->ack, c->snd_una) || TT_SEQ_GT(s->ack, c->snd_max)) {
			if (!(s->flags & TT_TH_RST))
				tt_tcp_send_rst_reply(ctx, ctx->net->ifs[c->port], s);
			TT_DROP(ctx->stats, TT_DROP_tcp_bad_ack);
			return;
		}
		ack_ok = true;
	}
	if (s->flags & TT_TH_RST) {
		/* Second: an RST with an acceptable ACK means "connection refused". */
		if (ack_ok) {
			TT_STAT_INC(ctx->stats, tcp_rst_in);
			tt_tcp_conn_free(ctx, c, TT_CLOSE_R_REFUSED);
		} else {
			TT_DROP(ctx->stats, TT_DROP_tcp_out_of_window);
		}
		return;
	}
	if (!(s->flags & TT_TH_SYN)) {
		TT_DROP(ctx->stats, TT_DROP_tcp_no_flow);
		return;
	}
	/* Fourth: the SYN. */
	c->rcv_nxt = s->seq + 1;
	c->flags &= ~(TT_CF_WS | TT_CF_TS | TT_CF_SACK);
	syn_options(ctx, c, s);
	c->cwnd = ctx->cfg->tcp.init_cwnd * c->mss;
	c->snd_wnd = s->wnd;
	c->snd_wl1 = s->seq;
	if (ack_ok) {
		if ((c->flags & TT_CF_TS) && s->opts.tsecr != 0)
			tt_tcp_rtt_sample(ctx, c, ctx->now_ms - s->opts.tsecr);
		else if (c->flags & TT_CF_RTT)
			tt_tcp_rtt_sample(ctx, c, ctx->now_ms - c->rtt_ts);
		c->flags &= ~TT_CF_RTT;
		if (c->flags & TT_CF_HS_RXT)
			handshake_loss(ctx, c);
		c->snd_una = s->ack;
		c->retries = 0;
		c->rcv_adv = c->rcv_nxt + tt_tcp_rcv_window(ctx, c);
		/* RFC 7323 2.2: the SYN-ACK's window is not scaled either. */
		tt_tcp_set_state(ctx, c, TT_TCPS_ESTABLISHED);
		TT_STAT_INC(ctx->stats, conn_established);
		c->flags |= TT_CF_ACK_NOW;
		tt_tcp_ev_established(ctx, c);
		if (c->state == TT_TCPS_CLOSED)
			return;
		/* The third segment of the handshake carries the request when there is one. */
		tt_tcp_output_segs(ctx, c, false);
		tt_tcp_timer_update(ctx, c, true);
		return;
	}
	/* Simultaneous open: SYN without ACK -> SYN_RCVD, answer with SYN-ACK. */
	tt_tcp_set_state(ctx, c, TT_TCPS_SYN_RCVD);
	c->flags |= TT_CF_SYN_UNACKED;
	c->snd_nxt = c->snd_una;
	tt_tcp_send_syn(ctx, c, true);
	tt_tcp_timer_update(ctx, c, true);
}

/* RFC 9293 3.10.7.4 first: is the segment acceptable? */
static bool
seg_acceptable(const struct tt_conn *c, const struct tt_seg *s, uint32_t rcv_wnd)
{
	uint32_t seg_len = s->len + !!(s->flags & TT_TH_SYN) + !!(s->flags & TT_TH_FIN);

	if (seg_len == 0) {
		if (rcv_wnd == 0)
			return s->seq == c->rcv_nxt;
		return TT_SEQ_IN(s->seq, c->rcv_nxt, c->rcv_nxt + rcv_wnd);
	}
	if (rcv_wnd == 0)
		return false;
	return TT_SEQ_IN(s->seq, c->rcv_nxt, c->rcv_nxt + rcv_wnd) ||
	       TT_SEQ_IN(s->seq + seg_len - 1, c->rcv_nxt, c->rcv_nxt + rcv_wnd);
}

/*
 * Send the segment at snd_una again, alone (fast retransmit, or the next
 * hole after a partial ACK: RFC 6582 3.2); cwnd is left to the caller.
 */
static void
retransmit_first(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	uint32_t save = c->snd_nxt;

	TT_STAT_INC(ctx->stats, retrans_fast);
	c->snd_nxt = c->snd_una;
	c->cwnd = c->mss;
	tt_tcp_output(ctx, c, true);
	c->snd_nxt = TT_SEQ_GT(save, c->snd_nxt) ? save : c->snd_nxt;
}

/* RFC 6582 3.2 step 2: fast retransmit, enter recovery (RFC 6675 5 with a scoreboard). */
static void
enter_recovery(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	tt_tlp_cancel(ctx, c);
	tt_cc_loss(ctx, c);
	c->recover = c->snd_max;
	c->flags |= TT_CF_RECOVERY;
	c->flags &= ~TT_CF_RTT;
	if (tt_sack_recovery_enter(ctx, c))
		return;
	retransmit_first(ctx, c);
	c->cwnd = c->ssthresh + 3u * c->mss;
}

/*
 * An ACK at or below snd_una: count duplicates (RFC 5681 2, RFC 6675 2),
 * fast retransmit and recovery (RFC 6582 3.2), limited transmit (RFC 3042).
 */
static void
dup_ack_input(struct tt_tcp_ctx *ctx, struct tt_conn *c, const struct tt_seg *s,
	      uint32_t wnd)
{
	uint32_t sacked;

	/*
	 * A duplicate ACK acknowledges nothing new and carries no data,
	 * while data is outstanding (answers to zero-window probes are not
	 * duplicate ACKs).
	 */
	if (s->ack != c->snd_una || s->len != 0 || (s->flags & TT_TH_FIN) || s->trimmed ||
	    wnd == 0 || c->snd_una == c->snd_max)
		return;
	/*
	 * RFC 5681 2 also wants the window unchanged. RFC 6675 2 counts an
	 * ACK that SACKs data above the hole whatever its window: Linux grows
	 * its window on almost every ACK while it queues out-of-order data
	 * (receive buffer autotuning), so under the RFC 5681 test most of its
	 * duplicate ACKs are not duplicates and a third of the losses waited
	 * for the RTO (docs/loss.md).
	 */
	sacked = tt_sack_seg_bytes(c, s);
	if (wnd != c->snd_wnd && sacked == 0)
		return;
	TT_STAT_INC(ctx->stats, dup_acks);
	if (c->dupacks < UINT8_MAX)
		c->dupacks++;
	if (c->flags & TT_CF_RECOVERY) {
		/* RFC 6675 5 (C): send by the pipe; else RFC 6582 3.2 step 3, inflate. */
		if (!tt_sack_recovery_ack(ctx, c))
			c->cwnd += c->mss;
		return;
	}
	/*
	 * Loss of the segment at snd_una: three duplicate ACKs, or, as RFC
	 * 6675 4 IsLost(), more than two segments SACKed above it. Linux
	 * compresses its SACKs (net.ipv4.tcp_comp_sack_nr, up to 44 segments
	 * in one ACK), so a small flight may never bring three ACKs.
	 */
	if (c->dupacks >= 3 || sacked > 2u * c->mss || tt_tlp_reveals_loss(c, sacked)) {
		enter_recovery(ctx, c);
	} else if (c->snd_nxt == c->snd_max) {
		/*
		 * RFC 3042: the first two duplicate ACKs each let one new
		 * segment out (flight up to cwnd + 2 SMSS), so a small
		 * window still brings the ACKs that trigger recovery.
		 */
		uint32_t cw = c->cwnd;

		c->cwnd = cw + c->dupacks * (uint32_t)c->mss;
		tt_tcp_output(ctx, c, true);
		c->cwnd = cw;
	}
}

/* Congestion control on an ACK of @p acked new bytes (RFC 5681 3.1, RFC 6582 3.2). */
static void
cc_new_ack(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t ack, uint32_t acked)
{
	if (c->flags & TT_CF_RECOVERY) {
		if (TT_SEQ_GEQ(ack, c->recover)) {
			/* Step 4, full ACK: deflate (tt_sack_recovery_end()) and leave recovery. */
			uint32_t flight = c->snd_max - c->snd_una;

			c->flags &= ~TT_CF_RECOVERY;
			c->dupacks = 0;
			if (!tt_sack_recovery_end(ctx, c))
				c->cwnd = RTE_MIN(c->ssthresh,
						  RTE_MAX(flight, (uint32_t)c->mss) + c->mss);
		} else if (!tt_sack_recovery_ack(ctx, c)) {
			/* Partial ACK: retransmit the next hole, deflate by what was acked. */
			uint32_t cw = c->cwnd;

			retransmit_first(ctx, c);
			c->cwnd = (cw > acked ? cw - acked : 0) + c->mss;
		}
		return;
	}
	c->dupacks = 0;
	tt_cc_ack(ctx, c, acked);
}

/*
 * snd_una advanced by @p data_acked bytes of application data: tell the
 * application, and with receiver SWS avoidance (RFC 9293 3.8.6.2.2) say
 * so when releasing held data opens the window by min(half the buffer,
 * one MSS).
 */
static void
data_acked_input(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t data_acked)
{
	uint32_t adv = c->rcv_adv - c->rcv_nxt;
	uint32_t now_wnd;

	tt_tcp_ev_acked(ctx, c, data_acked);
	if (!(c->flags & TT_CF_APP_HOLDS))
		return;
	now_wnd = tt_tcp_rcv_window(ctx, c);
	if (now_wnd > adv && now_wnd - adv >= tt_tcp_wnd_update_min(ctx, c))
		c->flags |= TT_CF_ACK_NOW;
	/* What it gave back may reopen others' windows (a per-lcore limit). */
	if (ctx->ww_n > 0)
		tt_tcp_wnd_wait_check(ctx);
}

/* Our FIN is acknowledged (RFC 9293 3.10.7.4 fifth). Returns 1 when the block is done with. */
static int
fin_acked_input(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	switch (c->state) {
	case TT_TCPS_FIN_WAIT_1:
		tt_tcp_set_state(ctx, c, TT_TCPS_FIN_WAIT_2);
		tt_tcp_ev_fin_acked(ctx, c);
		return c->state == TT_TCPS_CLOSED;
	case TT_TCPS_CLOSING:
		/* The application may abort (close=reset): check before going on. */
		tt_tcp_ev_fin_acked(ctx, c);
		if (c->state != TT_TCPS_CLOSED)
			tt_tcp_enter_time_wait(ctx, c);
		return 1;
	case TT_TCPS_LAST_ACK:
		tt_tcp_ev_fin_acked(ctx, c);
		if (c->state != TT_TCPS_CLOSED)
			tt_tcp_conn_free(ctx, c, TT_CLOSE_R_PASSIVE);
		return 1;
	default:
		return c->state == TT_TCPS_CLOSED;
	}
}

/*
 * Process the acknowledgment field (RFC 9293 3.10.7.4 fifth; RFC 5681,
 * 6582). Returns 0 to go on with the segment, -1 when it was dropped, 1
 * when the connection is done with. @p restart is set when new data was
 * acknowledged: the retransmission timer restarts (RFC 6298 5.3), once,
 * when conn_input() is done with the segment (tt_tcp_timer_update()).
 */
static int
ack_input(struct tt_tcp_ctx *ctx, struct tt_conn *c, const struct tt_seg *s, bool *restart)
{
	uint32_t acked, data_acked, wnd;
	bool fin_acked = false;

	if (TT_SEQ_GT(s->ack, c->snd_max)) {
		/* Acknowledges something not yet sent: challenge ACK, drop (RFC 5961 5.2). */
		TT_DROP(ctx->stats, TT_DROP_tcp_bad_ack);
		tt_tcp_challenge_ack(ctx, c);
		return -1;
	}
	wnd = (uint32_t)s->wnd << c->snd_ws;
	if ((c->flags & TT_CF_SACK) && unlikely((s->opts.present & TT_OPT_SACK) ||
						(c->flags & TT_CF_SACK_SB)))
		tt_sack_ack(ctx, c, s);
	if (unlikely(c->flags & (TT_CF_TLP_OUT | TT_CF_TLP_RXT)))
		tt_tlp_ack(ctx, c, s);
	if (TT_SEQ_LEQ(s->ack, c->snd_una)) {
		/* RFC 5961 5.2: older than SND.UNA - MAX.SND.WND: challenge ACK, drop. */
		if (unlikely(tt_tcp_ack_too_old(c, s->ack))) {
			TT_DROP(ctx->stats, TT_DROP_tcp_ack_too_old);
			tt_tcp_challenge_ack(ctx, c);
			return -1;
		}
		dup_ack_input(ctx, c, s, wnd);
		goto window;
	}

	/* New data acknowledged. */
	acked = s->ack - c->snd_una;
	c->retries = 0;
	/* RTT (RFC 7323 4.1 with timestamps, else Karn's timed segment). */
	if ((c->flags & TT_CF_TS) && (s->opts.present & TT_OPT_TS) && s->opts.tsecr != 0) {
		tt_tcp_rtt_sample(ctx, c, ctx->now_ms - s->opts.tsecr);
	} else if ((c->flags & TT_CF_RTT) && TT_SEQ_GT(s->ack, c->rtt_seq)) {
		tt_tcp_rtt_sample(ctx, c, ctx->now_ms - c->rtt_ts);
		c->flags &= ~TT_CF_RTT;
	}
	if (c->flags & TT_CF_FIN_QUEUED && TT_SEQ_GT(s->ack, c->snd_end)) {
		fin_acked = true;
		data_acked = acked - 1;
	} else {
		data_acked = acked;
	}
	/* The first ACK of our SYN (passive or simultaneous open) covers it. */
	if (c->flags & TT_CF_SYN_UNACKED) {
		c->flags &= ~TT_CF_SYN_UNACKED;
		data_acked--;
		/* After this ACK's RTT sample, if it gave one. */
		if (c->flags & TT_CF_HS_RXT)
			handshake_loss(ctx, c);
	}
	c->snd_una = s->ack;
	if (TT_SEQ_LT(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una;
	c->tx_una_off += data_acked;
	if (data_acked > 0)
		data_acked_input(ctx, c, data_acked);
	cc_new_ack(ctx, c, s->ack, acked);
	/* A probe's SACK on an ACK that also moved SND.UNA (RFC 8985 7.4). */
	if (unlikely(c->flags & TT_CF_TLP_OUT) && tt_tlp_reveals_loss(c, tt_sack_seg_bytes(c, s)))
		enter_recovery(ctx, c);
	*restart = true;
	if (fin_acked && fin_acked_input(ctx, c))
		return 1;
window:
	/*
	 * RFC 9293 3.10.7.4: update the send window from newer segments only.
	 * Its SND.WL2 =< SEG.ACK reads SND.UNA =< SEG.ACK here: SND.WL2 was
	 * the ACK of a segment processed before, never past SND.UNA.
	 */
	if (TT_SEQ_LT(c->snd_wl1, s->seq) ||
	    (c->snd_wl1 == s->seq && TT_SEQ_LEQ(c->snd_una, s->ack))) {
		c->snd_wnd = wnd;
		c->snd_wl1 = s->seq;
		c->max_wnd = RTE_MAX(c->max_wnd, (uint16_t)s->wnd);
	}
	/* A peer that answers our zero-window probes is alive: keep probing (bounded). */
	if (c->snd_wnd == 0)
		c->retries = 0;
	else
		c->probes = 0;
	return 0;
}

static void conn_input(struct tt_tcp_ctx *ctx, struct tt_conn *c, struct rte_mbuf *m,
		       const struct tt_seg *s, bool *kept);

/* Process only the ACK of @p s (its text or SYN dropped), flagged to be ACKed. */
static void
ack_only_input(struct tt_tcp_ctx *ctx, struct tt_conn *c, struct rte_mbuf *m,
	       struct tt_seg *ack, bool *kept)
{
	ack->len = 0;
	ack->trimmed = 1;
	c->flags |= TT_CF_ACK_NOW;
	conn_input(ctx, c, m, ack, kept);
}

/*
 * First step of RFC 9293 3.10.7.4: sequence number acceptability. Returns
 * true when the segment was dealt with here (dropped, answered, or its ACK
 * alone processed).
 */
static bool
seq_check_done(struct tt_tcp_ctx *ctx, struct tt_conn *c, struct rte_mbuf *m,
	       const struct tt_seg *s, uint32_t rcv_wnd, bool *kept)
{
	bool fin = s->flags & TT_TH_FIN;
	struct tt_seg ack;

	if (rcv_wnd == 0 && s->seq == c->rcv_nxt && (s->len > 0 || fin) &&
	    !(s->flags & (TT_TH_SYN | TT_TH_RST))) {
		/*
		 * With a zero receive window, a segment at RCV.NXT is not
		 * acceptable for its data, but its ACK (which may be what
		 * releases held data) is still processed.
		 */
		ack = *s;
		ack.flags &= ~TT_TH_FIN;
		TT_DROP(ctx->stats, TT_DROP_tcp_out_of_window);
		/*
		 * A probe of our closed window (RFC 9293 3.8.6.1) while none of
		 * our data is outstanding: the peer is alive and waits for us,
		 * so its idle time does not run. A peer that leaves our data
		 * unread stays under the idle, persist and retransmission
		 * bounds (the slow readers of issue 16).
		 */
		if (c->snd_una == c->snd_max)
			tt_tcp_touch(ctx, c, s);
		ack_only_input(ctx, c, m, &ack, kept);
		return true;
	}
	if (seg_acceptable(c, s, rcv_wnd))
		return false;
	if (c->state == TT_TCPS_SYN_RCVD && s->seq == c->rcv_nxt - 1) {
		/*
		 * A retransmitted SYN (seq == IRS, RCV.NXT - 1 in SYN_RCVD) gets the SYN-ACK again
		 * (RFC 9293 3.10.7.4 fourth, as BSD does).
		 */
		if ((s->flags & (TT_TH_SYN | TT_TH_ACK)) == TT_TH_SYN) {
			c->flags |= TT_CF_HS_RXT;
			TT_STAT_INC(ctx->stats, retrans_synack);
			tt_tcp_send_syn(ctx, c, true);
			return true;
		}
		/*
		 * Simultaneous open: the peer's SYN-ACK (seq == IRS)
		 * acknowledging our SYN completes the handshake, as Linux
		 * does, instead of waiting one RTO for the peer's next ACK.
		 */
		if ((s->flags & (TT_TH_SYN | TT_TH_ACK | TT_TH_RST)) ==
		    (TT_TH_SYN | TT_TH_ACK) &&
		    TT_SEQ_IN(s->ack, c->snd_una + 1, c->snd_max + 1)) {
			ack = *s;
			ack.flags &= ~TT_TH_SYN;
			ack.seq = c->rcv_nxt;
			ack_only_input(ctx, c, m, &ack, kept);
			return true;
		}
	}
	if ((s->flags & (TT_TH_SYN | TT_TH_RST)) == TT_TH_SYN) {
		/* RFC 5961 4.2: a SYN, whatever its sequence number. */
		TT_DROP(ctx->stats, TT_DROP_tcp_syn_synced);
		tt_tcp_challenge_ack(ctx, c);
		return true;
	}
	if (!(s->flags & TT_TH_RST)) {
		if (TT_SEQ_LEQ(s->seq + s->len, c->rcv_nxt))	/* a duplicate: D-SACK */
			tt_reass_dsack(ctx, c, s->seq, s->seq + s->len);
		tt_tcp_send_ack(ctx, c);
	}
	TT_DROP(ctx->stats, TT_DROP_tcp_out_of_window);
	return true;
}

/* Second step: RST (RFC 9293 3.10.7.4 with RFC 5961 3.2's exact-match rule). */
static void
rst_input(struct tt_tcp_ctx *ctx, struct tt_conn *c, const struct tt_seg *s)
{
	/*
	 * After the peer's FIN, its RST may carry the FIN's sequence number
	 * (RCV.NXT - 1) when it crossed our last data: accepted as exact, as
	 * Linux does (tcp_reset_check()).
	 */
	bool after_fin = c->state == TT_TCPS_CLOSE_WAIT || c->state == TT_TCPS_LAST_ACK ||
			 c->state == TT_TCPS_CLOSING;

	if (s->seq != c->rcv_nxt && !(after_fin && s->seq == c->rcv_nxt - 1)) {
		/* In the window but not exact: challenge ACK (RFC 5961 3.2). */
		TT_DROP(ctx->stats, TT_DROP_tcp_rst_inexact);
		tt_tcp_challenge_ack(ctx, c);
		return;
	}
	TT_STAT_INC(ctx->stats, tcp_rst_in);
	if ((c->flags & TT_CF_ACTIVE_OPEN) && c->state == TT_TCPS_SYN_RCVD) {
		tt_tcp_conn_free(ctx, c, TT_CLOSE_R_REFUSED);
	} else {
		tt_tcp_conn_free(ctx, c, TT_CLOSE_R_RESET);
	}
}

/*
 * Fifth step in SYN_RCVD: the ACK of our SYN completes the open. Returns
 * false when the segment was dropped or the connection is gone.
 */
static bool
syn_rcvd_ack(struct tt_tcp_ctx *ctx, struct tt_conn *c, const struct tt_seg *s)
{
	if (!TT_SEQ_IN(s->ack, c->snd_una + 1, c->snd_max + 1)) {
		tt_tcp_send_rst_reply(ctx, ctx->net->ifs[c->port], s);
		TT_DROP(ctx->stats, TT_DROP_tcp_bad_ack);
		return false;
	}
	/* SYN_RCVD -> ESTABLISHED; the window of this ACK is scaled. */
	tt_tcp_set_state(ctx, c, TT_TCPS_ESTABLISHED);
	TT_STAT_INC(ctx->stats, conn_established);
	c->snd_wnd = (uint32_t)s->wnd << c->snd_ws;
	c->snd_wl1 = s->seq;
	tt_tcp_ev_established(ctx, c);
	return c->state != TT_TCPS_CLOSED;
}

/* The new, in-order part of a segment's text (seventh and eighth steps). */
struct seg_text {
	const uint8_t *data;
	uint32_t len;
	bool fin;
};

/*
 * Seventh step, first half: keep what is new and fits the window. Returns
 * false when the segment is out of order (held or dropped, a duplicate ACK sent).
 */
static bool
text_trim(struct tt_tcp_ctx *ctx, struct tt_conn *c, const struct tt_seg *s,
	  uint32_t rcv_wnd, struct seg_text *t, struct rx_ref *ref)
{
	uint32_t seq = s->seq;

	if (TT_SEQ_LT(seq, c->rcv_nxt)) {
		/* Trim what we already have (retransmission overlap). */
		uint32_t dup = c->rcv_nxt - seq;

		tt_reass_dsack(ctx, c, seq, seq + RTE_MIN(dup, t->len));
		if (dup >= t->len) {
			t->data = NULL;
			if (dup > t->len)
				t->fin = false;	/* FIN already seen too */
			t->len = 0;
		} else {
			t->data += dup;
			t->len -= dup;
		}
		seq = c->rcv_nxt;
		c->flags |= TT_CF_ACK_NOW;
	}
	if (seq != c->rcv_nxt) {
		/* Out of order: held; a duplicate ACK, with SACK blocks (RFC 5681 4.2). */
		if (tt_reass_insert(ctx, c, ref->m, seq, t->data, t->len, t->fin, rcv_wnd))
			*ref->kept = true;
		tt_reass_dupack(ctx, c, seq, seq + t->len);
		return false;
	}
	if (t->len > rcv_wnd) {
		/* Keep only what fits in the window; a FIN beyond it waits. */
		t->len = rcv_wnd;
		t->fin = false;
	}
	return true;
}

/*
 * Seventh step, second half: hand in-order data to the application.
 * Returns false when the connection is gone.
 */
static bool
text_deliver(struct tt_tcp_ctx *ctx, struct tt_conn *c, struct rte_mbuf *m,
	     const struct seg_text *t, struct rte_mbuf *spare, bool *kept)
{
	if (c->state != TT_TCPS_ESTABLISHED && c->state != TT_TCPS_FIN_WAIT_1 &&
	    c->state != TT_TCPS_FIN_WAIT_2) {
		/* Data after the peer's FIN: ignore it. */
		c->flags |= TT_CF_ACK_NOW;
		return true;
	}
	c->rcv_nxt += t->len;
	c->rx_off += t->len;
	c->rx_unacked += t->len;
	ctx->stats->c[TT_STAT_tcp_bytes_in] += t->len;
	if (tt_tcp_ev_recv(ctx, c, m, t->data, t->len))
		*kept = true;	/* held (echo): it is no one's spare */
	else
		ctx->spare = spare;	/* read: replies may use it now */
	if (c->state == TT_TCPS_CLOSED)
		return false;
	/* RFC 9293 3.8.6.3: ACK at least every second full segment. */
	if (c->rx_unacked >= 2u * c->mss)
		c->flags |= TT_CF_ACK_NOW;
	else
		tt_tcp_delack(ctx, c);
	return true;
}

/*
 * The application closed while it read the text of a segment that ends in
 * the peer's FIN (TT_CF_FIN_IN, tt_tcp_app_close()): with the FIN read,
 * CLOSE_WAIT -> LAST_ACK (3.10.4); without it (text left unread),
 * ESTABLISHED -> FIN_WAIT_1 as the close would have done. Out of line:
 * rare, and kept off conn_input()'s code.
 */
static __rte_noinline void
fin_in_close(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	c->flags &= ~TT_CF_FIN_IN;
	if (!(c->flags & TT_CF_FIN_QUEUED))
		return;
	if (c->state == TT_TCPS_CLOSE_WAIT)
		tt_tcp_set_state(ctx, c, TT_TCPS_LAST_ACK);
	else if (c->state == TT_TCPS_ESTABLISHED)
		tt_tcp_set_state(ctx, c, TT_TCPS_FIN_WAIT_1);
}

/* Eighth step: the peer's FIN, in order. Returns false when nothing more is to be done. */
static bool
fin_input(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	c->rcv_nxt += 1;
	c->flags |= TT_CF_ACK_NOW;
	switch (c->state) {
	case TT_TCPS_SYN_RCVD:
	case TT_TCPS_ESTABLISHED:
		tt_tcp_set_state(ctx, c, TT_TCPS_CLOSE_WAIT);
		/* Closed while reading this segment: on to LAST_ACK before EOF. */
		if (unlikely(c->flags & TT_CF_FIN_IN))
			fin_in_close(ctx, c);
		break;
	case TT_TCPS_FIN_WAIT_1:
		/* Our FIN not yet acknowledged: simultaneous close. */
		tt_tcp_set_state(ctx, c, TT_TCPS_CLOSING);
		break;
	case TT_TCPS_FIN_WAIT_2:
		tt_tcp_send_ack(ctx, c);
		tt_tcp_ev_eof(ctx, c);
		if (c->state != TT_TCPS_CLOSED)
			tt_tcp_enter_time_wait(ctx, c);	/* the block goes */
		return false;
	default:
		break;
	}
	tt_tcp_ev_eof(ctx, c);
	return c->state != TT_TCPS_CLOSED;
}

/*
 * A segment for a synchronised connection (and SYN_RCVD), in the steps of
 * RFC 9293 3.10.7.4. The block may be freed on return (state CLOSED).
 */
static void
conn_input(struct tt_tcp_ctx *ctx, struct tt_conn *c, struct rte_mbuf *m,
	   const struct tt_seg *s, bool *kept)
{
	uint32_t rcv_wnd = c->rcv_adv - c->rcv_nxt;
	struct seg_text t = { .data = s->data, .len = s->len, .fin = s->flags & TT_TH_FIN };
	/*
	 * A segment with data: no reply goes into its mbuf before the
	 * application has read the data (seventh step), since the ACK step
	 * may send first (a NewReno partial-ACK retransmission).
	 */
	struct rte_mbuf *spare = ctx->spare;
	bool restart = false;

	if (t.len > 0)
		ctx->spare = NULL;
	if ((int32_t)rcv_wnd < 0)
		rcv_wnd = 0;

	/* RFC 7323 5.3: PAWS, before the sequence check. */
	if ((c->flags & TT_CF_TS) && (s->opts.present & TT_OPT_TS) && !(s->flags & TT_TH_RST) &&
	    TT_SEQ_LT(s->opts.tsval, c->ts_recent)) {
		if (tt_tcp_old_pure_ack(s, c->rcv_nxt)) {
			TT_DROP(ctx->stats, TT_DROP_tcp_old_ack);
			return;
		}
		TT_DROP(ctx->stats, TT_DROP_tcp_paws);
		tt_tcp_send_ack(ctx, c);
		return;
	}
	/* First: sequence number acceptability. */
	if (seq_check_done(ctx, c, m, s, rcv_wnd, kept))
		return;
	/* Second: RST. */
	if (s->flags & TT_TH_RST) {
		rst_input(ctx, c, s);
		return;
	}
	/* Fourth: a SYN in a synchronised state gets a challenge ACK (RFC 5961 4). */
	if (s->flags & TT_TH_SYN) {
		if (c->state == TT_TCPS_SYN_RCVD && s->seq == c->rcv_nxt - 1) {
			c->flags |= TT_CF_HS_RXT;
			TT_STAT_INC(ctx->stats, retrans_synack);
			tt_tcp_send_syn(ctx, c, true);
			return;
		}
		TT_DROP(ctx->stats, TT_DROP_tcp_syn_synced);
		tt_tcp_challenge_ack(ctx, c);
		return;
	}
	/*
	 * Only an acceptable segment shows that the peer is alive: anything
	 * else (a blind injection, an old duplicate, an inexact RST or a SYN
	 * answered with a challenge ACK) must not hold the flow past its idle
	 * timeout.
	 */
	tt_tcp_touch(ctx, c, s);
	/* Fifth: the ACK field. */
	if (!(s->flags & TT_TH_ACK)) {
		TT_DROP(ctx->stats, TT_DROP_bad_tcp_flags);
		return;
	}
	if (c->state == TT_TCPS_SYN_RCVD && !syn_rcvd_ack(ctx, c, s))
		return;
	/* RFC 7323 4.3: remember the newest timestamp of in-order segments. */
	if ((c->flags & TT_CF_TS) && (s->opts.present & TT_OPT_TS) &&
	    TT_SEQ_LEQ(s->seq, c->rcv_adv) && TT_SEQ_GEQ(s->opts.tsval, c->ts_recent) &&
	    TT_SEQ_LEQ(s->seq, c->rcv_nxt))
		c->ts_recent = s->opts.tsval;
	if (ack_input(ctx, c, s, &restart) != 0)
		return;
	/* Seventh: the segment text (ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2). */
	if ((t.len > 0 || t.fin) && !text_trim(ctx, c, s, rcv_wnd, &t, &(struct rx_ref){ m, kept })) {
		if (restart)
			tt_tcp_timer_update(ctx, c, true);
		return;
	}
	if (unlikely(c->flags & TT_CF_APP_HOLDS) && t.len > 0 && !tt_tcp_hold_room(ctx, c))
		t.len = 0, t.fin = false;
	if (t.fin && t.len > 0)
		c->flags |= TT_CF_FIN_IN;	/* a close while reading waits for it */
	if (t.len > 0 && !text_deliver(ctx, c, m, &t, spare, kept))
		return;
	if ((c->flags & TT_CF_REASS) && (t.len > 0 || t.fin) && !tt_reass_deliver(ctx, c, &t.fin))
		return;
	/*
	 * Eighth: FIN, unless the application left text unread
	 * (tt_tcp_app_unread()); one the queue held is reached exactly.
	 */
	if (t.fin && (c->rcv_nxt == s->seq + s->len || !(s->flags & TT_TH_FIN)) &&
	    !fin_input(ctx, c))
		return;
	if (unlikely(c->flags & TT_CF_FIN_IN))
		fin_in_close(ctx, c);	/* the FIN was not reached: text left unread */
	/* One timer update for the ACK, the text and what is sent (tt_tcp_output_segs()). */
	tt_tcp_output_segs(ctx, c, false);
	tt_tcp_timer_update(ctx, c, restart);
}

#define TT_TCP_BULK 32

/* Whether keys[i]'s 4-tuple is also that of an earlier segment of the burst. */
static inline bool
tuple_earlier_in_burst(const struct tt_flow_key *keys, const uint64_t *hs, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (hs[j] == hs[i] && memcmp(&keys[j], &keys[i], sizeof(keys[i])) == 0)
			return true;
	return false;
}

/*
 * Bring block @p c into the cache: every line it spans. Blocks are 176
 * bytes, 16-byte aligned, so one starts 0, 16, 32 or 48 bytes into a line
 * and spans three or four; a line at a fixed offset from the start (the
 * first and the identity line, as this was) leaves the per-segment line
 * or the RTT's out for half of them, and the segment then waits on it.
 */
static inline void
conn_prefetch(const struct tt_conn *c)
{
	const char *b = (const char *)c;

	rte_prefetch0(b);
	rte_prefetch0(b + 64);
	rte_prefetch0(b + 127);
	rte_prefetch0(b + sizeof(*c) - 1);
}

void
tt_tcp_input_burst(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc,
		   struct rte_mbuf **m, struct tt_pkt *p, unsigned int n)
{
	struct tt_flow_key keys[TT_TCP_BULK];
	uint32_t pos[TT_TCP_BULK];
	uint64_t hs[TT_TCP_BULK];
	struct tt_seg s;
	unsigned int i, base, cnt;
	uint32_t allocs;

	for (base = 0; base < n; base += cnt) {
		cnt = RTE_MIN(n - base, (unsigned int)TT_TCP_BULK);
		/* The burst's index buckets on their way into the cache, */
		for (i = 0; i < cnt; i++) {
			const struct tt_pkt *pk = &p[base + i];

			keys[i].raddr = rte_be_to_cpu_32(pk->ip->src_addr);
			keys[i].laddr = rte_be_to_cpu_32(pk->ip->dst_addr);
			keys[i].rport = rte_be_to_cpu_16(pk->tcp->src_port);
			keys[i].lport = rte_be_to_cpu_16(pk->tcp->dst_port);
			keys[i].zero = 0;
			hs[i] = tt_tcp_flow_hash64(&keys[i]);
			tt_flowidx_prefetch(&ctx->fidx, hs[i]);
		}
		/* then each one's block (or, for a miss, its TIME_WAIT index line). */
		for (i = 0; i < cnt; i++) {
			pos[i] = tt_flowidx_candidate(&ctx->fidx, hs[i]);
			if (pos[i] != TT_FLOWIDX_NIL) {
				conn_prefetch(&ctx->conns[pos[i]]);
				/*
				 * A FIN may take its flow into TIME_WAIT, whose
				 * index insert would otherwise miss the cache.
				 */
				if (p[base + i].tcp->tcp_flags & RTE_TCP_FIN_FLAG)
					tt_tw_prefetch(&ctx->tw, tt_flowidx_sig(hs[i]));
			} else {
				tt_tw_prefetch(&ctx->tw, tt_flowidx_sig(hs[i]));	/* no_flow() looks there */
			}
		}
		allocs = ctx->n_allocs;
		for (i = 0; i < cnt; i++) {
			struct rte_mbuf *mb = m[base + i];
			struct tt_conn *c = NULL;
			bool kept = false;

			if (seg_from_pkt(ifc, &p[base + i], &s) < 0) {
				TT_DROP(ctx->stats, TT_DROP_bad_tcp_opts);
				rte_pktmbuf_free(mb);
				continue;
			}
			s.hash = hs[i];
			TT_STAT_INC(ctx->stats, tcp_segs_in);
			/*
			 * The candidate is the block of the first slot with this
			 * signature: check it is this 4-tuple's, and live (an
			 * earlier segment of this burst may have freed it, or
			 * another flow may share the signature: then the full
			 * lookup).
			 */
			if (pos[i] != TT_FLOWIDX_NIL) {
				c = &ctx->conns[pos[i]];
				if (unlikely(c->state == TT_TCPS_CLOSED || c->raddr != keys[i].raddr ||
					     c->rport != keys[i].rport || c->lport != keys[i].lport ||
					     c->laddr != keys[i].laddr))
					c = tt_tcp_lookup(ctx, keys[i].laddr, keys[i].lport,
							  keys[i].raddr, keys[i].rport);
			}
			/*
			 * Missed, and a flow was created since the candidates were
			 * taken: it can be this one only when an earlier segment of
			 * the burst had this 4-tuple (flows are created for the
			 * segment being processed), so look again only then;
			 * in SYN-heavy bursts most misses are other new flows.
			 */
			else if (ctx->n_allocs != allocs && tuple_earlier_in_burst(keys, hs, i))
				c = tt_tcp_lookup(ctx, keys[i].laddr, keys[i].lport,
						  keys[i].raddr, keys[i].rport);
			/*
			 * Replies may be built in this mbuf (ctx->spare): every
			 * path reads the segment before it sends (conn_input
			 * withholds it from a segment with data until the data
			 * is read), and an application may keep it instead.
			 */
			ctx->spare = mb;
			ctx->spare_taken = false;
			if (c == NULL || (unlikely(s.flags & TT_TH_SYN) &&
					  tt_tcp_syn_reopens(ctx, c, &s)))
				no_flow(ctx, ifc, &(struct rx_ref){ mb, &kept }, &s);
			else if (c->state == TT_TCPS_SYN_SENT)
				syn_sent_input(ctx, c, &s);
			else
				conn_input(ctx, c, mb, &s, &kept);
			if (!kept && !ctx->spare_taken)
				rte_pktmbuf_free(mb);
			ctx->spare = NULL;
		}
	}
	if (ctx->n_sack_pend > 0)
		tt_reass_dupack_flush(ctx);
}

struct tt_conn *
tt_tcp_connect(struct tt_tcp_ctx *ctx, uint16_t port, uint32_t laddr, uint16_t lport,
	       uint32_t raddr, uint16_t rport, const struct rte_ether_addr *rmac,
	       bool tw_reuse, int *err)
{
	struct tt_flow_key k = { .raddr = raddr, .laddr = laddr, .rport = rport,
				 .lport = lport };
	uint64_t hash = tt_tcp_flow_hash64(&k);
	uint32_t iss, tw = TT_TW_NIL;
	struct tt_conn *c;

	if (tw_reuse) {
		tw = tt_tw_find(&ctx->tw, tt_flowidx_sig(hash), raddr, laddr, rport, lport);
		RTE_ASSERT(tw != TT_TW_NIL && tt_tw_reuse_wait(ctx, tw) == 0);
	}
	c = tt_tcp_conn_alloc(ctx, &k, hash);
	if (c == NULL) {
		*err = -ENOSPC;
		return NULL;
	}
	/* Our own TIME_WAIT tuple (tcp.tw_reuse): the old incarnation ends now. */
	iss = tw != TT_TW_NIL ? tt_tw_take(ctx, tw) : tt_tcp_isn(ctx, laddr, lport, raddr, rport);
	c->port = (uint8_t)port;
	rte_ether_addr_copy(rmac, &c->rmac);
	conn_init_send(ctx, c, iss);
	c->mss = ctx->our_mss;
	c->rcv_ws = ctx->cfg->tcp.wscale;
	c->cwnd = ctx->cfg->tcp.init_cwnd * c->mss;
	c->flags |= TT_CF_ACTIVE_OPEN;
	tt_tcp_set_state(ctx, c, TT_TCPS_SYN_SENT);
	TT_STAT_INC(ctx->stats, conn_attempted);
	*err = 0;
	return c;
}

/* Send the SYN of a connection made by tt_tcp_connect (after the app is set). */
void
tt_tcp_connect_start(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	/* Until the SYN-ACK says otherwise, our windows are unscaled. */
	c->rcv_ws = 0;
	tt_tcp_send_syn(ctx, c, false);
	c->rcv_ws = ctx->cfg->tcp.wscale;
	tt_tcp_timer_update(ctx, c, true);
}
