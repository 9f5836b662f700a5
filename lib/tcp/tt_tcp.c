/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP engine: connection blocks and the flow table, the one function
 * that changes state, segment output, and the timers. Segment input (the
 * RFC 9293 3.10.7 event processing) is in tt_tcp_in.c.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_random.h>

#include "tt_common.h"
#include "tcp/tt_tcp.h"
#include "tcp/tt_tcp_priv.h"
#include "tcp/tt_tcp_reass.h"
#include "tcp/tt_tcp_cc.h"
#include "tcp/tt_tcp_sack.h"
#include "tcp/tt_tcp_tlp.h"
#include "tcp/tt_siphash.h"
#include "tcp/tt_tcp_events.h"
#include "tcp/tt_tcp_guard.h"

static const char *const tt_tcp_state_names[] = {
	[TT_TCPS_CLOSED] = "CLOSED",
	[TT_TCPS_LISTEN] = "LISTEN",
	[TT_TCPS_SYN_SENT] = "SYN_SENT",
	[TT_TCPS_SYN_RCVD] = "SYN_RCVD",
	[TT_TCPS_ESTABLISHED] = "ESTABLISHED",
	[TT_TCPS_CLOSE_WAIT] = "CLOSE_WAIT",
	[TT_TCPS_FIN_WAIT_1] = "FIN_WAIT_1",
	[TT_TCPS_CLOSING] = "CLOSING",
	[TT_TCPS_LAST_ACK] = "LAST_ACK",
	[TT_TCPS_FIN_WAIT_2] = "FIN_WAIT_2",
	[TT_TCPS_TIME_WAIT] = "TIME_WAIT",
};
static_assert(RTE_DIM(tt_tcp_state_names) == TT_TCPS_MAX,
	      "state name table out of sync with enum tt_tcp_state");

const char *
tt_tcp_state_name(unsigned int state)
{
	return state < TT_TCPS_MAX ? tt_tcp_state_names[state] : "?";
}

/*
 * The one place a connection changes state, so the per-state gauges and
 * the transition counters stay exact (as WARP17's enter_state()).
 */
void
tt_tcp_set_state(struct tt_tcp_ctx *ctx, struct tt_conn *c, unsigned int state)
{
	ctx->stats->state[c->state]--;
	ctx->stats->state[state]++;
	ctx->stats->trans[c->state][state]++;
	c->state = state;
}

/* ---- ISN (RFC 6528): SipHash-2-4 of the 4-tuple plus a 4 us clock. ---- */

uint32_t
tt_tcp_isn(const struct tt_tcp_ctx *ctx, uint32_t laddr, uint16_t lport,
	   uint32_t raddr, uint16_t rport)
{
	uint64_t m0 = (uint64_t)laddr << 32 | raddr;
	uint32_t m1 = (uint32_t)lport << 16 | rport;

	/* RFC 6528 3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey). */
	return (uint32_t)(ctx->now_us / 4) + (uint32_t)tt_siphash24_12(ctx->isn_key, m0, m1);
}

/* ---- Context. ---- */

uint32_t tt_flow_secret[4];

uint32_t
tt_tcp_flow_hash(const void *key, uint32_t key_len, uint32_t init_val)
{
	RTE_ASSERT(key_len == sizeof(struct tt_flow_key));
	(void)key_len;
	(void)init_val;
	return tt_tcp_flow_sig(NULL, key);
}

struct tt_tcp_ctx *
tt_tcp_ctx_create(const struct tt_config *cfg, struct tt_net *net, unsigned int idx,
		  int socket)
{
	struct tt_tcp_ctx *ctx;
	unsigned int i;
	uint32_t n;

	ctx = rte_zmalloc_socket("tt_tcp_ctx", sizeof(*ctx), RTE_CACHE_LINE_SIZE, socket);
	if (ctx == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	ctx->cfg = cfg;
	ctx->net = net;
	ctx->stats = net->stats;
	ctx->idx = idx;
	n = cfg->tcp.max_flows;

	/*
	 * The flow table: our own index (tt_flowidx.h), mapping the 4-tuple
	 * to the index of the connection block, the key compared in the
	 * block. The blocks come from our own free list, the one freed last
	 * on top, a block still in the cache (docs/benchmarks.md).
	 */
	if (tt_flow_secret[0] == 0 && tt_flow_secret[1] == 0) {
		/* Drawn once: every lcore's table hashes alike (and so may a test). */
		for (i = 0; i < 4; i++)
			tt_flow_secret[i] = (uint32_t)rte_rand();
		tt_flow_secret[0] |= 1;
	}
	if (tt_flowidx_init(&ctx->fidx, n, socket) < 0) {
		tt_tcp_ctx_free(ctx);
		rte_errno = ENOMEM;
		return NULL;
	}
	ctx->n_conns = n;
	ctx->conns = rte_zmalloc_socket("tt_conns", (size_t)n * sizeof(struct tt_conn),
					RTE_CACHE_LINE_SIZE, socket);
	if (ctx->conns == NULL) {
		tt_tcp_ctx_free(ctx);
		rte_errno = ENOMEM;
		return NULL;
	}
	tt_timer_wheel_init(&ctx->wheel, &ctx->conns[0].tm, sizeof(struct tt_conn), 0);
	/* Every block free, the lowest index on top. */
	for (i = 0; i < n; i++)
		ctx->conns[i].tm.next = i + 1 < n ? i + 1 : TT_TIMER_NIL;
	ctx->free_head = 0;
	if (tt_tw_init(&ctx->tw, cfg->tcp.max_time_wait, socket) < 0) {
		tt_tcp_ctx_free(ctx);
		rte_errno = ENOMEM;
		return NULL;
	}
	ctx->reass = tt_reass_create(cfg, socket);
	ctx->sack = tt_sack_create(cfg, socket);
	if (ctx->reass == NULL || ctx->sack == NULL) {
		tt_tcp_ctx_free(ctx);
		rte_errno = ENOMEM;
		return NULL;
	}
	ctx->dack_head = ctx->dack_tail = TT_TIMER_NIL;
	for (i = 0; i < 4; i++) {
		ctx->isn_key[i] = (uint32_t)rte_rand();
		ctx->cookie_key[i] = (uint32_t)rte_rand();
	}
	/* RFC 4987 3.6's trigger for syn_cookies = auto: a quarter of the table half-open. */
	ctx->syn_rcvd_max = RTE_MAX(cfg->tcp.max_flows / 4, 1u);
	if (cfg->tcp.syn_cookies == TT_SYNCOOKIE_OFF && cfg->server.n_listen > 0 &&
	    tt_synq_init(ctx, socket) < 0) {
		tt_tcp_ctx_free(ctx);
		rte_errno = ENOMEM;
		return NULL;
	}

	/* Our MSS: configured, and never more than the smallest MTU allows. */
	ctx->our_mss = cfg->tcp.mss;
	for (i = 0; i < TT_MAX_PORTS; i++)
		if (cfg->port[i].present && cfg->port[i].mtu - TT_IPV4_TCP_HDRS < ctx->our_mss)
			ctx->our_mss = cfg->port[i].mtu - TT_IPV4_TCP_HDRS;

	ctx->syn_opts.present = TT_OPT_MSS;
	ctx->syn_opts.mss = ctx->our_mss;
	/* RFC 7323 2.2: always offered; used only when the peer offers it too. */
	ctx->syn_opts.present |= TT_OPT_WS;
	ctx->syn_opts.wscale = cfg->tcp.wscale;
	if (cfg->tcp.timestamps)
		ctx->syn_opts.present |= TT_OPT_TS;
	/* Only while we hold out-of-order data, so that we have SACK blocks to send. */
	if (cfg->tcp.sack && cfg->tcp.reass_mbufs > 0)
		ctx->syn_opts.present |= TT_OPT_SACKOK;

	for (i = 0; i < cfg->server.n_listen; i++) {
		uint16_t p = cfg->server.listen[i];

		ctx->listen_bits[p >> 3] |= 1 << (p & 7);
	}
	/* One listening endpoint per port per lcore. */
	ctx->stats->state[TT_TCPS_LISTEN] += cfg->server.n_listen;
	return ctx;
}

void
tt_tcp_ctx_free(struct tt_tcp_ctx *ctx)
{
	uint32_t i;

	if (ctx == NULL)
		return;
	/*
	 * Every live connection ends: its application releases what it holds
	 * (so the application's context is freed after this one).
	 */
	if (ctx->conns != NULL && ctx->app != NULL) {
		for (i = 0; i < ctx->n_conns; i++)
			if (ctx->conns[i].state != TT_TCPS_CLOSED)
				tt_tcp_ev_closed(ctx, &ctx->conns[i], TT_CLOSE_R_ABORT);
	}
	tt_reass_destroy(ctx->reass);
	tt_sack_destroy(ctx->sack);
	tt_flowidx_free(&ctx->fidx);
	rte_free(ctx->conns);
	tt_tw_free(&ctx->tw);
	tt_synq_free(ctx);
	rte_free(ctx);
}

/* ---- Connection blocks. ---- */

/* A block as tt_tcp_conn_alloc() hands it out, before the key is set. */
static const struct tt_conn tt_conn_fresh = {
	.state = TT_TCPS_CLOSED,
};

/* Make @p c a fresh CLOSED block of 4-tuple @p key. */
static void
conn_init(struct tt_tcp_ctx *ctx, struct tt_conn *c, const struct tt_flow_key *key)
{
	uint32_t fifo_flags, dack_next;

	/*
	 * A fresh block, except for its FIFO membership: a block freed while
	 * still linked in the delayed-ACK FIFO stays linked, and the FIFO
	 * walker skips or requeues it by its flags.
	 */
	fifo_flags = c->flags & TT_CF_FIFO_MASK;
	dack_next = c->dack_next;
	/*
	 * A copy of a constant block, not memset(): GCC turns a memset of
	 * this size into "rep stos", whose start-up cost is dear at this
	 * size; a fixed-size memcpy becomes twelve 16-byte moves
	 * (docs/benchmarks.md, "Changes and their effect").
	 */
	memcpy(c, &tt_conn_fresh, sizeof(*c));
	c->flags = fifo_flags;
	c->dack_next = dack_next;
	c->laddr = key->laddr;
	c->raddr = key->raddr;
	c->lport = key->lport;
	c->rport = key->rport;
	ctx->stats->state[TT_TCPS_CLOSED]++;
	ctx->n_allocs++;
}

struct tt_conn *
tt_tcp_conn_alloc(struct tt_tcp_ctx *ctx, const struct tt_flow_key *key, uint64_t hash)
{
	struct tt_conn *c;
	uint32_t idx;

	if (unlikely(ctx->in_use >= ctx->n_conns || ctx->free_head == TT_TIMER_NIL))
		return NULL;
	idx = ctx->free_head;
	c = &ctx->conns[idx];
	/* Both buckets and every displacement path full: a collision flood (tt_flowidx.h). */
	if (unlikely(tt_flowidx_insert(&ctx->fidx, hash, idx) < 0)) {
		TT_STAT_INC(ctx->stats, flow_index_full);
		return NULL;
	}
	/* Popped from the free list: its link is the disarmed timer's. */
	ctx->free_head = c->tm.next;
	conn_init(ctx, c, key);
	ctx->in_use++;
	return c;
}

static void
conn_key(const struct tt_conn *c, struct tt_flow_key *k)
{
	k->laddr = c->laddr;
	k->raddr = c->raddr;
	k->lport = c->lport;
	k->rport = c->rport;
	k->zero = 0;
}

/*
 * End connection @p c: timers, the application's hold, the state gauges.
 * Counts how it ended. Its block and flow table entry stay.
 */
static void
conn_release(struct tt_tcp_ctx *ctx, struct tt_conn *c, int reason)
{
	switch (reason) {
	case TT_CLOSE_R_PASSIVE:
		TT_STAT_INC(ctx->stats, conn_closed_passive);
		break;
	case TT_CLOSE_R_RESET:
	case TT_CLOSE_R_REFUSED:
	case TT_CLOSE_R_ABORT:
		TT_STAT_INC(ctx->stats, conn_closed_reset);
		break;
	case TT_CLOSE_R_TIMEOUT:
	case TT_CLOSE_R_IDLE:
		TT_STAT_INC(ctx->stats, conn_closed_timeout);
		break;
	default:
		/* Active and simultaneous closes were counted on entering TIME_WAIT. */
		break;
	}
	tt_timer_cancel(&ctx->wheel, tt_tcp_conn_idx(ctx, c));
	c->flags &= ~TT_CF_DELACK;
	if (c->flags & TT_CF_REASS)
		tt_reass_free(ctx, c);
	tt_sack_free(ctx, c);
	if (c->state != TT_TCPS_CLOSED)
		tt_tcp_set_state(ctx, c, TT_TCPS_CLOSED);
	tt_tcp_ev_closed(ctx, c, reason);
	ctx->stats->state[TT_TCPS_CLOSED]--;
}

/* Give a released block back: its flow table entry, the free list. */
static void
conn_unlink(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	uint32_t idx = tt_tcp_conn_idx(ctx, c);
	struct tt_flow_key k;

	/*
	 * The block may still sit in the delayed-ACK FIFO: the walker drops
	 * entries whose state or flags say they left.
	 */
	conn_key(c, &k);
	tt_flowidx_remove(&ctx->fidx, tt_tcp_flow_hash64(&k), idx);
	/* On top of the free list: the next connection gets a warm block. */
	c->tm.next = ctx->free_head;
	ctx->free_head = idx;
	ctx->in_use--;
}

/*
 * Release a connection block: timers, queues, the application's hold, the
 * flow table entry. Counts how it ended.
 */
void
tt_tcp_conn_free(struct tt_tcp_ctx *ctx, struct tt_conn *c, int reason)
{
	bool held = c->flags & TT_CF_APP_HOLDS;

	conn_release(ctx, c, reason);
	conn_unlink(ctx, c);
	/* What the application held is given back: others' windows may reopen. */
	if (unlikely(held) && ctx->ww_n > 0)
		tt_tcp_wnd_wait_check(ctx);
}

/*
 * A SYN for a connection in LAST_ACK whose only unacknowledged byte is our
 * FIN: the peer has closed (its FIN is in), read all our data (acked) and
 * now opens a new incarnation of the 4-tuple, so our FIN's ACK was lost
 * (or the peer dropped its TIME_WAIT, as dperf and TRex do). RFC 9293
 * 3.10.7.4 would send a challenge ACK (RFC 5961 4) and keep retransmitting
 * the FIN, refusing the tuple for up to max_retries RTOs; a client that
 * reuses tuples quickly (dperf reuses each in 2-7 s) then collides with
 * its own past under load. With tcp.last_ack_reopen, the old connection
 * ends as a completed passive close and the SYN opens the new one, under
 * the rule that lets a SYN end TIME_WAIT (RFC 6191, RFC 1122 4.2.2.13):
 * with timestamps on both, a TSval above TS.Recent, otherwise a sequence
 * number above RCV.NXT. Nothing is lost: every byte of ours was acked and
 * the peer's FIN was received. Returns true when the block was freed.
 */
bool
tt_tcp_syn_reopens(struct tt_tcp_ctx *ctx, struct tt_conn *c, const struct tt_seg *s)
{
	bool newer;

	if ((s->flags & (TT_TH_SYN | TT_TH_ACK | TT_TH_RST)) != TT_TH_SYN ||
	    c->state != TT_TCPS_LAST_ACK || !ctx->cfg->tcp.last_ack_reopen ||
	    c->snd_una + 1 != c->snd_max)
		return false;
	if ((c->flags & TT_CF_TS) && (s->opts.present & TT_OPT_TS) &&
	    s->opts.tsval != c->ts_recent)
		newer = TT_SEQ_GT(s->opts.tsval, c->ts_recent);
	else
		newer = TT_SEQ_GT(s->seq, c->rcv_nxt);
	if (!newer)
		return false;
	TT_STAT_INC(ctx->stats, last_ack_reopened);
	tt_tcp_conn_free(ctx, c, TT_CLOSE_R_PASSIVE);
	return true;
}

struct tt_conn *
tt_tcp_lookup(struct tt_tcp_ctx *ctx, uint32_t laddr, uint16_t lport, uint32_t raddr,
	      uint16_t rport)
{
	struct tt_flow_key k = { .raddr = raddr, .laddr = laddr, .rport = rport,
				 .lport = lport };
	uint32_t idx = tt_flowidx_lookup(&ctx->fidx, tt_tcp_flow_hash64(&k), ctx->conns, &k);

	return idx == TT_FLOWIDX_NIL ? NULL : &ctx->conns[idx];
}

uint64_t
tt_tcp_flows_lookup(struct tt_tcp_ctx *ctx, const struct tt_flow_key *keys, unsigned int n,
		    struct tt_conn **conns)
{
	uint64_t hs[TT_TCP_LOOKUP_MAX];
	uint64_t hits = 0;
	unsigned int i;

	RTE_ASSERT(n <= TT_TCP_LOOKUP_MAX);
	/* Every key's buckets on their way into the cache before the first lookup. */
	for (i = 0; i < n; i++) {
		hs[i] = tt_tcp_flow_hash64(&keys[i]);
		tt_flowidx_prefetch(&ctx->fidx, hs[i]);
	}
	for (i = 0; i < n; i++) {
		uint32_t idx = tt_flowidx_lookup(&ctx->fidx, hs[i], ctx->conns, &keys[i]);

		if (idx != TT_FLOWIDX_NIL)
			hits |= 1ull << i;
		if (conns != NULL)
			conns[i] = idx != TT_FLOWIDX_NIL ? &ctx->conns[idx] : NULL;
	}
	return hits;
}

uint64_t
tt_tcp_tuples_lookup(struct tt_tcp_ctx *ctx, const struct tt_flow_key *keys, unsigned int n,
		     int32_t *wait)
{
	uint64_t hs[TT_TCP_LOOKUP_MAX];
	uint64_t used = 0;
	unsigned int i;

	RTE_ASSERT(n <= TT_TCP_LOOKUP_MAX);
	/*
	 * Every key's index buckets and TIME_WAIT index line on their way into
	 * the cache before the first lookup: a client's tuples are spread over
	 * both tables, and one miss after another was what opening cost
	 * (perf: the TIME_WAIT probe alone a third of the generator's time).
	 */
	for (i = 0; i < n; i++) {
		hs[i] = tt_tcp_flow_hash64(&keys[i]);
		tt_flowidx_prefetch(&ctx->fidx, hs[i]);
		tt_tw_prefetch(&ctx->tw, tt_flowidx_sig(hs[i]));
	}
	for (i = 0; i < n; i++) {
		uint32_t pos;

		if (tt_flowidx_lookup(&ctx->fidx, hs[i], ctx->conns, &keys[i]) != TT_FLOWIDX_NIL) {
			used |= 1ull << i;
			wait[i] = -1;
			continue;
		}
		pos = tt_tw_find(&ctx->tw, tt_flowidx_sig(hs[i]), keys[i].raddr,
				 keys[i].laddr, keys[i].rport, keys[i].lport);
		if (pos != TT_TW_NIL) {
			used |= 1ull << i;
			wait[i] = tt_tw_reuse_wait(ctx, pos);
		}
	}
	return used;
}

/*
 * RFC 6191 with RFC 7323 5.8, as Linux's tcp_tw_reuse: an active open may
 * take one of our own TIME_WAIT tuples before its 2*MSL are over when
 * timestamps were in use on the old connection, and nothing was sent or
 * received on it for tcp.tw_reuse_delay_ms (1 s: the peer's timestamp
 * clock, at least 1 Hz by RFC 7323 5.4, has moved past every TSval of the
 * old connection, and so has ours, the ms clock). docs/tcp.md has the
 * argument.
 */
int32_t
tt_tcp_tw_reuse_wait_ms(const struct tt_tcp_ctx *ctx, const struct tt_flow_key *k)
{
	uint32_t pos = tt_tw_find(&ctx->tw, tt_tcp_flow_sig(ctx, k), k->raddr, k->laddr,
				  k->rport, k->lport);

	return pos == TT_TW_NIL ? -1 : tt_tw_reuse_wait(ctx, pos);
}

unsigned int
tt_tcp_tuple_state(struct tt_tcp_ctx *ctx, uint32_t laddr, uint16_t lport, uint32_t raddr,
		   uint16_t rport)
{
	struct tt_flow_key k = { .raddr = raddr, .laddr = laddr, .rport = rport,
				 .lport = lport };
	struct tt_conn *c = tt_tcp_lookup(ctx, laddr, lport, raddr, rport);

	if (c != NULL)
		return c->state;
	return tt_tw_find(&ctx->tw, tt_tcp_flow_sig(ctx, &k), raddr, laddr, rport, lport) !=
	       TT_TW_NIL ? TT_TCPS_TIME_WAIT : TT_TCPS_CLOSED;
}

/* ---- Timers. ---- */

/* RFC 6298 2.3: RTO = SRTT + max(G, K*RTTVAR), G = 1 ms, within [min, max]. */
static uint32_t
rto_compute(const struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	uint32_t rto = (c->srtt >> 3) + RTE_MAX(1u, c->rttvar);

	return RTE_MIN(RTE_MAX(rto, ctx->cfg->tcp.rto_min_ms), ctx->cfg->tcp.rto_max_ms);
}

void
tt_tcp_rtt_sample(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t rtt_ms)
{
	int32_t delta;

	/* The fixed-point fields hold RTTs up to 8 s; longer samples are clamped. */
	if (rtt_ms > 8000)
		rtt_ms = 8000;
	/* The clock ticks in ms: a sub-ms RTT counts as 1 (srtt 0 means "no sample"). */
	if (rtt_ms == 0)
		rtt_ms = 1;
	if (c->srtt == 0) {
		/* RFC 6298 2.2: first measurement. */
		c->srtt = (uint16_t)(rtt_ms << 3);
		c->rttvar = (uint16_t)(rtt_ms << 1);
	} else {
		/* RFC 6298 2.3 with alpha = 1/8, beta = 1/4, in fixed point. */
		delta = (int32_t)rtt_ms - (int32_t)(c->srtt >> 3);
		c->srtt = (uint16_t)((int32_t)c->srtt + delta);
		if (delta < 0)
			delta = -delta;
		delta -= (int32_t)(c->rttvar >> 2);
		c->rttvar = (uint16_t)RTE_MIN((int32_t)c->rttvar + delta, 65535);
	}
	c->rto_ms = rto_compute(ctx, c);
}

/* Idle or lifetime deadline of a connection with nothing outstanding. */
static uint32_t
idle_deadline(const struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	uint32_t t;

	if (c->flags & TT_CF_ACTIVE_OPEN)
		t = ctx->cfg->client.conn_timeout_ms;
	else
		t = ctx->cfg->server.idle_timeout_ms;
	/*
	 * FIN_WAIT_2 is bounded even without an idle timeout: our side is
	 * closed, so a peer that never sends its FIN must not hold the block
	 * for ever (2*MSL, as BSD does for a closed socket).
	 */
	if (c->state == TT_TCPS_FIN_WAIT_2 && (t == 0 || t > 2 * ctx->cfg->tcp.msl_ms))
		t = 2 * ctx->cfg->tcp.msl_ms;
	return t ? c->last_ms + t : 0;
}

/*
 * Keep the connection's one wheel timer right: the retransmission
 * deadline while something is outstanding (RFC 6298 5.1), else the
 * persist probe when the peer's window is closed on pending data, else
 * the idle deadline. The deadline that matters is kept in the block
 * (rto_due, or idle_deadline() from last_ms); the wheel timer only has to
 * fire no later than it, and conn_timer_fired() arms it again when it
 * fires early. So a deadline that moves later (an RTO restarted by an ACK,
 * the idle deadline after the last byte was acknowledged) does not touch
 * the wheel: a short connection links its timer in once or twice.
 */
void
tt_tcp_timer_update(struct tt_tcp_ctx *ctx, struct tt_conn *c, bool restart)
{
	uint32_t idx = tt_tcp_conn_idx(ctx, c);
	uint32_t deadline;

	/*
	 * Persist (RFC 9293 3.8.6.1) only for data the closed window keeps
	 * back: not once our FIN is out (snd_nxt past snd_end).
	 */
	if (c->snd_una != c->snd_max ||
	    (c->snd_wnd == 0 && TT_SEQ_LT(c->snd_nxt, c->snd_end))) {
		/* RFC 6298 5.1: started if not running; 5.3: restarted on new ACKs. */
		if (restart || !(c->flags & TT_CF_RTO_ON)) {
			c->flags |= TT_CF_RTO_ON;
			/* Or a tail loss probe's deadline (RFC 8985 7.2). */
			c->rto_due = tt_tlp_due(ctx, c, ctx->now_ms + c->rto_ms);
			/* Persist is bounded in time (tt_tcp_guard.c). */
			if (unlikely(c->snd_wnd == 0))
				c->rto_due = tt_tcp_persist_due(ctx, c, c->rto_due);
		}
		tt_timer_arm_by(&ctx->wheel, idx, c->rto_due);
		return;
	}
	/* RFC 6298 5.2: all acknowledged, the retransmission timer stops. */
	c->flags &= ~(TT_CF_RTO_ON | TT_CF_TLP_PTO);
	deadline = idle_deadline(ctx, c);
	/* Without one, a timer still armed fires, finds nothing due, stops. */
	if (deadline != 0)
		tt_timer_arm_by(&ctx->wheel, idx, deadline);
}

/* RFC 6298 5.4-5.7 and RFC 5681 3.1: the retransmission timer fired. */
static void
rto_expired(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	const struct tt_tcp_cfg *tc = &ctx->cfg->tcp;
	uint32_t limit = c->state <= TT_TCPS_SYN_RCVD ? tc->syn_retries : tc->max_retries;

	if (c->flags & TT_CF_TLP_PTO) {
		/* The deadline was a tail loss probe's. */
		tt_tlp_fire(ctx, c);
		return;
	}
	if (c->retries >= limit) {
		TT_STAT_INC(ctx->stats, retrans_timeout_reset);
		tt_tcp_send_rst(ctx, c);
		tt_tcp_conn_free(ctx, c, TT_CLOSE_R_TIMEOUT);
		return;
	}
	if (unlikely(ctx->overloaded) && tt_tcp_fin_only_outstanding(c)) {
		/*
		 * An overloaded lcore (shedding SYNs, or its TX queue
		 * backed up) and a connection whose application is done,
		 * whose peer acknowledged every byte and only our FIN is
		 * outstanding: it is reset rather than kept
		 * retransmitting the FIN for up to max_retries RTOs
		 * (12.6 s with the defaults). The peer loses nothing it
		 * asked for. What is usually lost is its last ACK (its
		 * socket is gone: a peer without TIME_WAIT, or one that
		 * sends no RST for a closed port, answers the FIN with
		 * nothing). Linux does the same with orphaned sockets
		 * under memory pressure (tcp_out_of_resources(): an
		 * RST, the socket destroyed, LINUX_MIB_TCPABORTONMEMORY);
		 * RFC 9293 3.8.3 leaves R2 to the implementation.
		 */
		TT_STAT_INC(ctx->stats, overload_fin_aborts);
		tt_tcp_send_rst(ctx, c);
		tt_tcp_conn_free(ctx, c, TT_CLOSE_R_TIMEOUT);
		return;
	}
	if (unlikely(tt_tcp_overloaded_recently(ctx)) && c->rto_ms < TT_RTO_OVERLOAD_MS &&
	    c->state >= TT_TCPS_ESTABLISHED && c->snd_wnd != 0) {
		/*
		 * Overloaded within the last second, data or a FIN
		 * outstanding: RFC 6298 2.4's 1 s floor instead of
		 * tcp.rto_min_ms. What is usually missing is the peer's
		 * ACK, lost because the peer or the path is as overloaded
		 * as we are (a ring it did not drain, its own TX dropping).
		 * A retransmission at 200, 600 and 1,400 ms adds load where
		 * there is none to spare, and a peer that repairs on its
		 * own, slower timer (its FIN sent again) throws each one
		 * away (docs/dperf.md). Congestion collapse from needless
		 * retransmissions is what RFC 6298's conservative floor is
		 * for. The deadline moves to 1 s after the timer was
		 * started (rto_due was start + rto_ms), no retry is
		 * counted, and backoff goes on from 1 s.
		 */
		TT_STAT_INC(ctx->stats, overload_rto_deferred);
		c->rto_due += TT_RTO_OVERLOAD_MS - c->rto_ms;
		c->rto_ms = TT_RTO_OVERLOAD_MS;
		tt_timer_arm(&ctx->wheel, tt_tcp_conn_idx(ctx, c), c->rto_due);
		return;
	}
	c->retries++;
	c->rto_ms = RTE_MIN(c->rto_ms * 2, tc->rto_max_ms);
	c->flags &= ~(TT_CF_RTT | TT_CF_RECOVERY | TT_CF_TLP_OUT | TT_CF_TLP_RXT);
	c->dupacks = 0;
	/* RFC 2018 8: after a timeout, prior SACK information is ignored. */
	tt_sack_free(ctx, c);

	switch (c->state) {
	case TT_TCPS_SYN_SENT:
		c->flags |= TT_CF_HS_RXT;
		TT_STAT_INC(ctx->stats, retrans_syn);
		tt_tcp_send_syn(ctx, c, false);
		break;
	case TT_TCPS_SYN_RCVD:
		c->flags |= TT_CF_HS_RXT;
		TT_STAT_INC(ctx->stats, retrans_synack);
		tt_tcp_send_syn(ctx, c, true);
		break;
	default:
		if (c->snd_wnd == 0 && c->snd_max - c->snd_una <= 1 && c->snd_una != c->snd_end) {
			/*
			 * RFC 9293 3.8.6.1: zero-window probe, one byte past the
			 * window, (re)sent with backoff while the peer answers
			 * (its ACKs reset the retry count, see ack_input), up to
			 * the bounds of tt_tcp_persist_over().
			 */
			if (tt_tcp_persist_over(ctx, c))
				return;
			c->snd_nxt = c->snd_una;
			TT_STAT_INC(ctx->stats, persist_probes);
			tt_tcp_send_probe(ctx, c);
			break;
		}
		/* Loss window (RFC 5681 3.1 eq. 4), go back to snd_una. */
		tt_cc_rto(ctx, c);
		c->recover = c->snd_max;
		c->snd_nxt = c->snd_una;
		if (c->snd_una == c->snd_end && (c->flags & TT_CF_FIN_QUEUED))
			TT_STAT_INC(ctx->stats, retrans_fin);
		else
			TT_STAT_INC(ctx->stats, retrans_data);
		tt_tcp_output(ctx, c, true);
		break;
	}
	tt_tcp_timer_update(ctx, c, true);
}

static void
conn_timer_fired(void *arg, uint32_t idx)
{
	struct tt_tcp_ctx *ctx = arg;
	struct tt_conn *c = &ctx->conns[idx];
	uint32_t deadline;

	if (c->state == TT_TCPS_CLOSED)
		return;
	/* The deadline may have moved later since the timer was armed. */
	if (c->flags & TT_CF_RTO_ON) {
		if ((int32_t)(c->rto_due - ctx->now_ms) > 0)
			tt_timer_arm(&ctx->wheel, idx, c->rto_due);
		else
			rto_expired(ctx, c);
		return;
	}
	deadline = idle_deadline(ctx, c);
	if (deadline == 0)
		return;		/* armed for a deadline that has gone */
	if ((int32_t)(deadline - ctx->now_ms) > 0) {
		tt_timer_arm(&ctx->wheel, idx, deadline);
		return;
	}
	TT_STAT_INC(ctx->stats, idle_timeouts);
	tt_tcp_send_rst(ctx, c);
	tt_tcp_conn_free(ctx, c, TT_CLOSE_R_IDLE);
}

/*
 * Enter TIME_WAIT (RFC 9293 3.10.7.4) for 2*MSL: the connection is over
 * for its application, and what TIME_WAIT needs goes to a compact entry
 * of the TIME_WAIT table (tt_tw.c), which takes over its share of the
 * TIME_WAIT gauge; the block and its flow table entry are freed at once.
 */
void
tt_tcp_enter_time_wait(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	if (c->state == TT_TCPS_CLOSING)
		TT_STAT_INC(ctx->stats, conn_closed_simultaneous);
	else
		TT_STAT_INC(ctx->stats, conn_closed_active);
	tt_tcp_set_state(ctx, c, TT_TCPS_TIME_WAIT);
	tt_tcp_ev_time_wait(ctx, c);
	tt_tw_enter(ctx, c);
	/* conn_release() without its state change: the gauge is the entry's now. */
	tt_timer_cancel(&ctx->wheel, tt_tcp_conn_idx(ctx, c));
	c->flags &= ~TT_CF_DELACK;
	if (c->flags & TT_CF_REASS)
		tt_reass_free(ctx, c);
	tt_sack_free(ctx, c);
	c->state = TT_TCPS_CLOSED;
	tt_tcp_ev_closed(ctx, c, TT_CLOSE_R_ACTIVE);
	conn_unlink(ctx, c);
}

/* Queue a delayed ACK (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2). */
void
tt_tcp_delack(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	uint32_t idx = tt_tcp_conn_idx(ctx, c);

	if (c->flags & TT_CF_DELACK)
		return;
	c->flags |= TT_CF_DELACK;
	c->dack_ms = (uint16_t)(ctx->now_ms + ctx->cfg->tcp.delack_ms);
	if (c->flags & TT_CF_IN_DACK_FIFO) {
		/* Its place in the FIFO is older than its deadline now. */
		c->flags |= TT_CF_DACK_REQUEUE;
		return;
	}
	c->flags |= TT_CF_IN_DACK_FIFO;
	c->dack_next = TT_TIMER_NIL;
	if (ctx->dack_tail == TT_TIMER_NIL)
		ctx->dack_head = idx;
	else
		ctx->conns[ctx->dack_tail].dack_next = idx;
	ctx->dack_tail = idx;
}

#define TT_TIMER_BUDGET 4096

/* Whether the delayed ACK of @p c is not due yet (dack_ms is mod 2^16). */
static inline bool
dack_ahead(const struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	return (uint16_t)(c->dack_ms - (uint16_t)ctx->now_ms) - 1u <
	       ctx->cfg->tcp.delack_ms;
}

void
tt_tcp_timers(struct tt_tcp_ctx *ctx)
{
	/*
	 * Each expiry may send a segment: never more than the lcore's TX queue
	 * has room for (what is left waits for the next loop iteration).
	 */
	unsigned int room = TT_TXQ_SIZE - ctx->net->txq->n;
	unsigned int budget = RTE_MIN((unsigned int)TT_TIMER_BUDGET, room > 64 ? room - 64 : 0);

	/*
	 * Delayed ACKs: every entry has the same duration, so a FIFO. The due
	 * time is kept mod 2^16 ms: it is never more than tcp.delack_ms
	 * ahead, so 1..delack_ms ahead is "not yet", anything else is due.
	 */
	while (ctx->dack_head != TT_TIMER_NIL && budget > 0) {
		uint32_t idx = ctx->dack_head;
		struct tt_conn *c = &ctx->conns[idx];
		bool pending = (c->flags & TT_CF_DELACK) && c->state != TT_TCPS_CLOSED;

		if (pending && dack_ahead(ctx, c) &&
		    !(c->flags & TT_CF_DACK_REQUEUE))
			break;
		ctx->dack_head = c->dack_next;
		if (ctx->dack_head == TT_TIMER_NIL)
			ctx->dack_tail = TT_TIMER_NIL;
		c->flags &= ~(TT_CF_IN_DACK_FIFO | TT_CF_DACK_REQUEUE);
		budget--;
		if (!pending)
			continue;
		if (dack_ahead(ctx, c)) {
			/* Re-armed since it was queued: back of the queue. */
			uint16_t due = c->dack_ms;

			c->flags &= ~TT_CF_DELACK;
			tt_tcp_delack(ctx, c);
			c->dack_ms = due;
			continue;
		}
		TT_STAT_INC(ctx->stats, delayed_acks);
		tt_tcp_send_ack(ctx, c);
	}
	/* TIME_WAIT: 2*MSL after entry, also a FIFO. */
	tt_tw_expire(ctx, &budget);
	tt_timer_run(&ctx->wheel, ctx->now_ms, budget, conn_timer_fired, ctx);
}

/* ---- Application interface. ---- */

void
tt_tcp_app_send(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t bytes)
{
	(void)ctx;
	c->snd_end += bytes;
}

void
tt_tcp_app_close(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	if (c->flags & TT_CF_FIN_QUEUED)
		return;
	c->flags |= TT_CF_FIN_QUEUED;
	/*
	 * Closed while reading the text of a segment that ends in the peer's
	 * FIN: that FIN is here before ours is sent, so it is no simultaneous
	 * close. fin_input() takes the connection to CLOSE_WAIT, then, closed,
	 * to LAST_ACK, as if the application had read after the segment.
	 */
	if (c->flags & TT_CF_FIN_IN)
		return;
	/* RFC 9293 3.10.4: CLOSE in ESTABLISHED / SYN_RCVD -> FIN_WAIT_1, CLOSE_WAIT -> LAST_ACK. */
	if (c->state == TT_TCPS_ESTABLISHED || c->state == TT_TCPS_SYN_RCVD)
		tt_tcp_set_state(ctx, c, TT_TCPS_FIN_WAIT_1);
	else if (c->state == TT_TCPS_CLOSE_WAIT)
		tt_tcp_set_state(ctx, c, TT_TCPS_LAST_ACK);
}

void
tt_tcp_app_abort(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	if (c->state != TT_TCPS_SYN_SENT)
		tt_tcp_send_rst(ctx, c);
	tt_tcp_conn_free(ctx, c, TT_CLOSE_R_ABORT);
}

uint32_t
tt_tcp_abort_all(struct tt_tcp_ctx *ctx)
{
	uint32_t i, n = 0;

	for (i = 0; i < ctx->n_conns && ctx->in_use > 0; i++) {
		struct tt_conn *c = &ctx->conns[i];

		/* Only the generator's connections: a server in the same process keeps its own. */
		if (c->state == TT_TCPS_CLOSED || !(c->flags & TT_CF_ACTIVE_OPEN))
			continue;
		tt_tcp_app_abort(ctx, c);
		n++;
	}
	return n;
}

void
tt_tcp_close_all(struct tt_tcp_ctx *ctx)
{
	uint32_t i;

	for (i = 0; i < ctx->n_conns; i++) {
		struct tt_conn *c = &ctx->conns[i];

		if (c->state == TT_TCPS_ESTABLISHED || c->state == TT_TCPS_CLOSE_WAIT) {
			tt_tcp_app_close(ctx, c);
			tt_tcp_output(ctx, c, false);
		}
	}
}
