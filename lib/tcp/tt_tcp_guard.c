/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Defences of the engine against hostile peers (docs/security.md): the
 * challenge-ACK rate limit of RFC 5961 7, the bounds on zero-window
 * persist, the room left to an application that holds received data, and
 * an application's way to leave data unread while its send queue is full.
 * Nothing here runs for a segment of a well-behaved connection but a
 * compare or two.
 */
#include <rte_common.h>
#include <rte_random.h>

#include "tt_common.h"
#include "tcp/tt_tcp.h"
#include "tcp/tt_tcp_priv.h"
#include "tcp/tt_tcp_guard.h"

/*
 * RFC 5961 7: challenge ACKs are limited per unit of time so that they
 * cannot be used to amplify a flood. tcp.challenge_ack_limit a second per
 * lcore, as Linux's net.ipv4.tcp_challenge_ack_limit (1000). A fixed count
 * shared by all connections is a side channel (CVE-2016-5696: Cao et al.,
 * "Off-Path TCP Exploits: Global Rate Limit Considered Dangerous", USENIX
 * Security 2016: an attacker who exhausts the allowance learns from the
 * missing challenge ACKs whether his guesses hit another connection), so
 * each second's allowance is drawn at random from [limit/2, limit/2 +
 * limit), as Linux does since that paper.
 */
bool
tt_tcp_challenge_allowed(struct tt_tcp_ctx *ctx)
{
	/* The second of the clock, + 1 (0 until the first challenge). */
	uint32_t sec = ctx->now_ms / 1000 + 1;

	if (sec != ctx->chack_ms) {
		uint32_t limit = ctx->cfg->tcp.challenge_ack_limit;

		ctx->chack_ms = sec;
		ctx->chack_left = (limit + 1) / 2 + (uint32_t)rte_rand_max(limit);
	}
	if (ctx->chack_left == 0) {
		TT_STAT_INC(ctx->stats, challenge_acks_limited);
		return false;
	}
	ctx->chack_left--;
	TT_STAT_INC(ctx->stats, challenge_acks);
	return true;
}

void
tt_tcp_challenge_ack(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	if (tt_tcp_challenge_allowed(ctx))
		tt_tcp_send_ack(ctx, c);
}

/*
 * Longest time a connection may spend in persist with nothing moving:
 * tcp.persist_timeout_ms, or the idle timeout when shorter (a peer that
 * answers probes but never reads is idle). 0: no bound.
 */
static uint32_t
persist_limit_ms(const struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	uint32_t idle = (c->flags & TT_CF_ACTIVE_OPEN) ? ctx->cfg->client.conn_timeout_ms :
							 ctx->cfg->server.idle_timeout_ms;
	uint32_t limit = ctx->cfg->tcp.persist_timeout_ms;

	if (idle != 0 && (limit == 0 || idle < limit))
		limit = idle;
	return limit;
}

uint32_t
tt_tcp_persist_due(const struct tt_tcp_ctx *ctx, const struct tt_conn *c, uint32_t due)
{
	uint32_t limit;

	if (!tt_tcp_in_persist(c) || (limit = persist_limit_ms(ctx, c)) == 0)
		return due;
	/* last_ms: when the stream last moved (tt_tcp_touch()). */
	if (TT_SEQ_LT(c->last_ms + limit, due))
		due = c->last_ms + limit;
	return TT_SEQ_LT(due, ctx->now_ms) ? ctx->now_ms : due;
}

/*
 * RFC 9293 3.8.6.1 (RFC 1122 4.2.2.17) lets a receiver keep its window
 * closed for as long as it answers the probes, which lets any peer hold a
 * connection, and whatever it holds (here the held mbufs of echo), for
 * ever. RFC 6429 clarifies that a sender may still abort a connection in
 * persist to reclaim its resources. Bounded in count (as Linux by
 * tcp_retries2, 15) and in time with nothing moving (as Linux's
 * TCP_USER_TIMEOUT applies to probes).
 */
bool
tt_tcp_persist_over(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	uint32_t limit = persist_limit_ms(ctx, c);

	if (c->probes < ctx->cfg->tcp.persist_max_probes &&
	    (limit == 0 || (int32_t)(ctx->now_ms - (c->last_ms + limit)) < 0)) {
		c->probes++;
		return false;
	}
	TT_STAT_INC(ctx->stats, persist_timeouts);
	tt_tcp_send_rst(ctx, c);
	tt_tcp_conn_free(ctx, c, TT_CLOSE_R_TIMEOUT);
	return true;
}

bool
tt_tcp_hold_room(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	if (tt_tcp_rcv_window(ctx, c) > 0)
		return true;
	/*
	 * The held data reached a limit (tt_tcp_ev_held()) before the window
	 * we advertised was used: refuse the text (the peer sends it again)
	 * and say the window is closed (RFC 9293 3.8.6.2.1 allows a receiver
	 * to drop what it has no room for, as Linux does at its buffer limit).
	 */
	TT_DROP(ctx->stats, TT_DROP_tcp_held_full);
	c->flags |= TT_CF_ACK_NOW;
	return false;
}

void
tt_tcp_app_unread(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t n)
{
	/* The text was counted in before tt_tcp_ev_recv() (text_deliver()). */
	c->rcv_nxt -= n;
	c->rx_off -= n;
	c->rx_unacked = c->rx_unacked > n ? (uint16_t)(c->rx_unacked - n) : 0;
	ctx->stats->c[TT_STAT_tcp_bytes_in] -= n;
	TT_STAT_INC(ctx->stats, snd_queue_full);
	/* Say at once that the window is closed (tt_tcp_rcv_window()). */
	c->flags |= TT_CF_ACK_NOW;
}

/* Connections looked at by one tt_tcp_wnd_wait_check(). */
#define TT_WND_WAIT_BATCH 16

void
tt_tcp_wnd_wait(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	if ((c->flags & TT_CF_WND_WAIT) || ctx->ww_n == TT_WND_WAIT_SIZE)
		return;
	c->flags |= TT_CF_WND_WAIT;
	ctx->wnd_wait[(ctx->ww_head + ctx->ww_n++) % TT_WND_WAIT_SIZE] =
		tt_tcp_conn_idx(ctx, c);
}

void
tt_tcp_wnd_wait_check(struct tt_tcp_ctx *ctx)
{
	uint32_t k = RTE_MIN(ctx->ww_n, (uint32_t)TT_WND_WAIT_BATCH);

	while (k-- > 0) {
		struct tt_conn *c = &ctx->conns[ctx->wnd_wait[ctx->ww_head]];
		int32_t adv = (int32_t)(c->rcv_adv - c->rcv_nxt);
		uint32_t min = tt_tcp_wnd_update_min(ctx, c);
		uint32_t wnd;

		ctx->ww_head = (ctx->ww_head + 1) % TT_WND_WAIT_SIZE;
		ctx->ww_n--;
		/*
		 * Gone (freed, or reused: a new block's flags are clear), past
		 * receiving, told a window worth having since, or about to send
		 * an ACK anyway (the window goes with it).
		 */
		if (!(c->flags & TT_CF_WND_WAIT))
			continue;
		if ((c->state != TT_TCPS_ESTABLISHED && c->state != TT_TCPS_FIN_WAIT_1 &&
		     c->state != TT_TCPS_FIN_WAIT_2) || adv >= (int32_t)min ||
		    (c->flags & TT_CF_ACK_NOW)) {
			c->flags &= ~TT_CF_WND_WAIT;
			continue;
		}
		wnd = tt_tcp_rcv_window(ctx, c);
		if (adv < 0)
			adv = 0;
		if (wnd >= (uint32_t)adv + min) {
			/* RFC 9293 3.8.6.2.2: the window reopened by enough to say so. */
			c->flags &= ~TT_CF_WND_WAIT;
			TT_STAT_INC(ctx->stats, wnd_updates);
			tt_tcp_delack(ctx, c);
			continue;
		}
		c->flags &= ~TT_CF_WND_WAIT;
		tt_tcp_wnd_wait(ctx, c);	/* still shut: to the back */
	}
}
