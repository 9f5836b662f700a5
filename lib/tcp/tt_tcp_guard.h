/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_TCP_GUARD_H_
#define _TT_TCP_GUARD_H_

/**
 * @file
 * The engine's defences against hostile peers that the input and timer
 * code call (tt_tcp_guard.c): RFC 5961's ACK check and challenge-ACK rate
 * limit, the bound on zero-window persist (RFC 6429), and the check that
 * an application holding received data (echo) has room for more. See
 * docs/security.md.
 */

#include <rte_common.h>

#include "tcp/tt_tcp.h"

/**
 * Send a challenge ACK (RFC 5961 3.2, 4.2, 5.2) unless this lcore has sent
 * its allowance of the current second (RFC 5961 7, tcp.challenge_ack_limit),
 * counted either way.
 */
void tt_tcp_challenge_ack(struct tt_tcp_ctx *ctx, struct tt_conn *c);
/** Whether a challenge ACK may go now (the same allowance, counted either way). */
bool tt_tcp_challenge_allowed(struct tt_tcp_ctx *ctx);

/**
 * RFC 5961 5.2: an ACK at or below SND.UNA is acceptable only from
 * SND.UNA - MAX.SND.WND on. MAX.SND.WND is the largest window the peer
 * advertised: its largest window field (max_wnd) scaled, or the current
 * window when larger (the SYN's, which is not scaled).
 */
static inline bool
tt_tcp_ack_too_old(const struct tt_conn *c, uint32_t ack)
{
	uint32_t max_wnd = RTE_MAX((uint32_t)c->max_wnd << c->snd_ws, c->snd_wnd);

	return TT_SEQ_LT(ack, c->snd_una - max_wnd);
}

/*
 * Zero-window persist (RFC 9293 3.8.6.1): the peer's window is closed
 * while data of ours waits for it (before ESTABLISHED, snd_end is the
 * SYN's end and snd_wnd may not be known yet).
 */
static inline bool
tt_tcp_in_persist(const struct tt_conn *c)
{
	return c->snd_wnd == 0 && c->snd_una != c->snd_end &&
	       TT_TCPS_HAVE_ESTABLISHED(c->state);
}

/**
 * Note that acceptable segment @p s arrived (the idle timeout's clock).
 * In persist, only a segment that opens the window, or acknowledges all
 * we queued, counts: answers to our probes do not, even when they take
 * the probe's byte (a peer that reads one byte a probe would otherwise
 * hold the connection for ever), so the idle timeout and
 * tcp.persist_timeout_ms bound the time in persist.
 */
static inline void
tt_tcp_touch(const struct tt_tcp_ctx *ctx, struct tt_conn *c, const struct tt_seg *s)
{
	if (likely(c->snd_wnd != 0) || !tt_tcp_in_persist(c) || s->wnd != 0 ||
	    TT_SEQ_GEQ(s->ack, c->snd_end))
		c->last_ms = ctx->now_ms;
}

/**
 * The persist timer of @p c fired: false to send the next probe, true
 * when tcp.persist_max_probes probes went unanswered by an open window or
 * the time bound passed (then the connection was reset and freed).
 */
bool tt_tcp_persist_over(struct tt_tcp_ctx *ctx, struct tt_conn *c);

/** @p due, or the end of the time @p c may spend in persist when earlier. */
uint32_t tt_tcp_persist_due(const struct tt_tcp_ctx *ctx, const struct tt_conn *c,
			    uint32_t due);

/**
 * An application that holds received data (TT_CF_APP_HOLDS) can take more:
 * false when its limits closed the window (the text is refused, counted,
 * and an ACK with the closed window is owed).
 */
bool tt_tcp_hold_room(struct tt_tcp_ctx *ctx, struct tt_conn *c);

/**
 * The least window increase worth an update of its own (receiver SWS
 * avoidance, RFC 9293 3.8.6.2.2): min(half the receive buffer, one MSS).
 */
static inline uint32_t
tt_tcp_wnd_update_min(const struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	return RTE_MIN(ctx->cfg->tcp.rcv_wnd / 2, (uint32_t)c->mss);
}

/**
 * @p c is advertising a window its application's holding keeps below
 * tt_tcp_wnd_update_min(): remember it, so that when the application
 * gives back what another connection held (echo's per-lcore limit) and
 * this window reopens, the peer is told (tt_tcp_wnd_wait_check()) rather
 * than left to find out with a zero-window probe after its persist timer.
 * A full ring leaves it to the probe.
 */
void tt_tcp_wnd_wait(struct tt_tcp_ctx *ctx, struct tt_conn *c);

/**
 * The application gave back held data: of the connections waiting (at
 * most TT_WND_WAIT_BATCH, oldest first), queue an ACK for those whose
 * window reopened by an update's worth (sent at the delayed-ACK deadline,
 * tcp.delack_ms), and put back those still shut.
 */
void tt_tcp_wnd_wait_check(struct tt_tcp_ctx *ctx);

#endif /* _TT_TCP_GUARD_H_ */
