/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TIME_WAIT without connection blocks (tt_tw.h): the FIFO ring and its
 * index, and the segment rules of the TIME-WAIT state (RFC 9293 3.10.7.4,
 * RFC 6191, RFC 7323 5.3, RFC 1337, RFC 5961), the expiry and our own
 * reuse of a tuple (tcp.tw_reuse).
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "tt_common.h"
#include "tcp/tt_tcp.h"
#include "tcp/tt_tcp_priv.h"
#include "tcp/tt_tcp_guard.h"
#include "tcp/tt_tw.h"

/* ---- The table. ---- */

int
tt_tw_init(struct tt_tw_table *t, uint32_t cap, int socket)
{
	uint32_t i;

	memset(t, 0, sizeof(*t));
	t->cap = cap;
	t->n_index = 2 * cap;
	t->ring = rte_malloc_socket("tt_tw_ring", (size_t)cap * sizeof(*t->ring),
				    RTE_CACHE_LINE_SIZE, socket);
	t->index = rte_malloc_socket("tt_tw_index", (size_t)t->n_index * sizeof(*t->index),
				     RTE_CACHE_LINE_SIZE, socket);
	if (t->ring == NULL || t->index == NULL) {
		tt_tw_free(t);
		return -ENOMEM;
	}
	for (i = 0; i < t->n_index; i++)
		t->index[i] = TT_TW_NIL;
	return 0;
}

void
tt_tw_free(struct tt_tw_table *t)
{
	rte_free(t->ring);
	rte_free(t->index);
	t->ring = NULL;
	t->index = NULL;
}

static inline uint32_t
idx_next(const struct tt_tw_table *t, uint32_t i)
{
	return i + 1 == t->n_index ? 0 : i + 1;
}

uint32_t
tt_tw_find(const struct tt_tw_table *t, uint32_t sig, uint32_t raddr, uint32_t laddr,
	   uint16_t rport, uint16_t lport)
{
	uint32_t i;

	if (t->live == 0)
		return TT_TW_NIL;
	/* The load is at most 1/2: an empty slot ends every search. */
	for (i = tt_tw_home(t, sig);; i = idx_next(t, i)) {
		uint64_t v = t->index[i];
		uint32_t pos = (uint32_t)v;
		const struct tt_tw_entry *e;

		if (pos == TT_TW_NIL)
			return TT_TW_NIL;
		if ((uint32_t)(v >> 32) != sig)
			continue;
		e = &t->ring[pos];
		if (e->raddr == raddr && e->laddr == laddr && e->rport == rport &&
		    e->lport == lport)
			return pos;
	}
}

/* The index slot that holds ring slot @p pos (there is one). */
static uint32_t
idx_slot_of(const struct tt_tw_table *t, uint32_t sig, uint32_t pos)
{
	uint32_t i;

	for (i = tt_tw_home(t, sig); (uint32_t)t->index[i] != pos; i = idx_next(t, i))
		RTE_ASSERT((uint32_t)t->index[i] != TT_TW_NIL);
	return i;
}

static void
idx_insert(struct tt_tw_table *t, uint32_t sig, uint32_t pos)
{
	uint32_t i;

	for (i = tt_tw_home(t, sig); (uint32_t)t->index[i] != TT_TW_NIL; i = idx_next(t, i))
		;
	t->index[i] = (uint64_t)sig << 32 | pos;
}

/*
 * Remove the index slot of ring slot @p pos and close the gap: each
 * following entry up to the next empty slot moves back into it unless its
 * home lies cyclically after the gap (Knuth's Algorithm R).
 */
static void
idx_remove(struct tt_tw_table *t, uint32_t sig, uint32_t pos)
{
	uint32_t n = t->n_index;
	uint32_t i = idx_slot_of(t, sig, pos), j = i;

	for (;;) {
		uint32_t home, d_home, d_gap;

		j = idx_next(t, j);
		if ((uint32_t)t->index[j] == TT_TW_NIL)
			break;
		home = tt_tw_home(t, (uint32_t)(t->index[j] >> 32));
		d_home = j >= home ? j - home : j + n - home;
		d_gap = j >= i ? j - i : j + n - i;
		if (d_home >= d_gap) {
			t->index[i] = t->index[j];
			i = j;
		}
	}
	t->index[i] = TT_TW_NIL;
}

static inline uint32_t
entry_sig(const struct tt_tcp_ctx *ctx, const struct tt_tw_entry *e)
{
	struct tt_flow_key k = { .raddr = e->raddr, .laddr = e->laddr, .rport = e->rport,
				 .lport = e->lport };

	return tt_tcp_flow_sig(ctx, &k);
}

/* Drop the dead slots at the head. */
static void
ring_pop_dead(struct tt_tw_table *t)
{
	while (t->used > 0 && (t->ring[t->head].flags & TT_TWF_DEAD)) {
		if (++t->head == t->cap)
			t->head = 0;
		t->used--;
	}
}

/* Append @p e at the tail (there is room). Returns its ring slot. */
static uint32_t
ring_push(struct tt_tw_table *t, const struct tt_tw_entry *e)
{
	uint32_t pos = t->head + t->used;

	if (pos >= t->cap)
		pos -= t->cap;
	t->ring[pos] = *e;
	t->used++;
	return pos;
}

/*
 * The TIME_WAIT gauge's share of an entry that ends: counted as TIME_WAIT
 * -> CLOSED, as tt_tcp_set_state() would for a block.
 */
static void
gauge_leave(struct tt_tcp_ctx *ctx)
{
	ctx->stats->state[TT_TCPS_TIME_WAIT]--;
	ctx->stats->trans[TT_TCPS_TIME_WAIT][TT_TCPS_CLOSED]++;
}

/* End the entry at ring slot @p pos: out of the index, dead in the ring. */
static void
tw_end(struct tt_tcp_ctx *ctx, uint32_t pos)
{
	struct tt_tw_table *t = &ctx->tw;
	struct tt_tw_entry *e = &t->ring[pos];

	idx_remove(t, entry_sig(ctx, e), pos);
	e->flags |= TT_TWF_DEAD;
	t->live--;
	gauge_leave(ctx);
}

/* Walk this many entries ahead of the head to prefetch their index lines. */
#define TT_TW_AHEAD 8

/*
 * The head's entries are 2*MSL old and so are their index lines: ask for
 * the line of the entry a few on, which a later expiry or recycle ends.
 */
static inline void
prefetch_ahead(const struct tt_tcp_ctx *ctx)
{
	const struct tt_tw_table *t = &ctx->tw;
	uint32_t ahead = t->head + TT_TW_AHEAD;

	if (t->used <= TT_TW_AHEAD)
		return;
	if (ahead >= t->cap)
		ahead -= t->cap;
	tt_tw_prefetch(t, entry_sig(ctx, &t->ring[ahead]));
}

/*
 * Room for one more entry at the tail. A full ring ends its oldest entry
 * early (tcp.tw_recycle, counted tw_recycled), as Linux stops keeping
 * TIME_WAIT sockets past tcp_max_tw_buckets: that 4-tuple loses the rest
 * of its protection (RFC 9293 3.6.1, RFC 1337), the oldest having the
 * least left. Returns false when there is none (recycling off).
 */
static bool
tw_room(struct tt_tcp_ctx *ctx)
{
	struct tt_tw_table *t = &ctx->tw;

	ring_pop_dead(t);
	if (t->used < t->cap)
		return true;
	if (!ctx->cfg->tcp.tw_recycle)
		return false;
	TT_STAT_INC(ctx->stats, tw_recycled);
	/* A full table recycles once per new entry: as in tt_tw_expire(). */
	prefetch_ahead(ctx);
	tw_end(ctx, t->head);
	ring_pop_dead(t);
	return true;
}

/* ---- Entering, leaving. ---- */

void
tt_tw_enter(struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	struct tt_tw_table *t = &ctx->tw;
	int32_t adv = (int32_t)(c->rcv_adv - c->rcv_nxt);
	struct tt_tw_entry e = {
		.raddr = c->raddr,
		.laddr = c->laddr,
		.rport = c->rport,
		.lport = c->lport,
		.snd_nxt = c->snd_nxt,
		.rcv_nxt = c->rcv_nxt,
		.ts_recent = c->ts_recent,
		.expire_ms = ctx->now_ms + 2 * ctx->cfg->tcp.msl_ms,
		.last_ms = ctx->now_ms,
		/* The window our last ACK advertised, which the peer may fill. */
		.wnd = (uint16_t)RTE_MIN((uint32_t)RTE_MAX(adv, 0) >> c->rcv_ws, 65535u),
		.rcv_ws = c->rcv_ws,
		.flags = ((c->flags & TT_CF_TS) ? TT_TWF_TS : 0) |
			 ((c->flags & TT_CF_ACTIVE_OPEN) ? TT_TWF_ACTIVE : 0),
	};
	struct tt_flow_key k = { .raddr = c->raddr, .laddr = c->laddr, .rport = c->rport,
				 .lport = c->lport };

	RTE_ASSERT(c->state == TT_TCPS_TIME_WAIT);
	if (!tw_room(ctx)) {
		/* No room and no recycling: this one is not kept (as Linux on overflow). */
		TT_STAT_INC(ctx->stats, tw_recycled);
		gauge_leave(ctx);
		return;
	}
	idx_insert(t, tt_tcp_flow_sig(ctx, &k), ring_push(t, &e));
	t->live++;
}

/*
 * A retransmitted FIN: a new 2*MSL (RFC 9293 3.10.7.4), the entry moves to
 * the tail so that the ring stays in order of expiry.
 */
static void
tw_restart(struct tt_tcp_ctx *ctx, uint32_t pos)
{
	struct tt_tw_table *t = &ctx->tw;
	struct tt_tw_entry e = t->ring[pos];
	uint32_t sig = entry_sig(ctx, &e);
	uint32_t slot;

	t->ring[pos].flags |= TT_TWF_DEAD;
	if (!tw_room(ctx)) {
		TT_STAT_INC(ctx->stats, tw_recycled);
		idx_remove(t, sig, pos);
		t->live--;
		gauge_leave(ctx);
		return;
	}
	/* tw_room() may have moved entries in the index: look the slot up now. */
	slot = idx_slot_of(t, sig, pos);
	e.expire_ms = ctx->now_ms + 2 * ctx->cfg->tcp.msl_ms;
	t->index[slot] = (uint64_t)sig << 32 | ring_push(t, &e);
}

void
tt_tw_expire(struct tt_tcp_ctx *ctx, unsigned int *budget)
{
	struct tt_tw_table *t = &ctx->tw;

	while (t->used > 0 && *budget > 0) {
		struct tt_tw_entry *e = &t->ring[t->head];

		if (!(e->flags & TT_TWF_DEAD)) {
			if ((int32_t)(e->expire_ms - ctx->now_ms) > 0)
				break;
			prefetch_ahead(ctx);
			tw_end(ctx, t->head);
			(*budget)--;
		}
		if (++t->head == t->cap)
			t->head = 0;
		t->used--;
	}
}

int32_t
tt_tw_reuse_wait(const struct tt_tcp_ctx *ctx, uint32_t pos)
{
	const struct tt_tcp_cfg *tc = &ctx->cfg->tcp;
	const struct tt_tw_entry *e = &ctx->tw.ring[pos];
	int32_t since;

	if (!tc->tw_reuse || (e->flags & (TT_TWF_TS | TT_TWF_ACTIVE)) !=
			     (TT_TWF_TS | TT_TWF_ACTIVE))
		return -1;
	since = (int32_t)(ctx->now_ms - e->last_ms);
	return since >= (int32_t)tc->tw_reuse_delay_ms ? 0 :
	       (int32_t)tc->tw_reuse_delay_ms - since;
}

uint32_t
tt_tw_take(struct tt_tcp_ctx *ctx, uint32_t pos)
{
	/*
	 * Past every sequence number of the old incarnation, as Linux does
	 * (write_seq = tw_snd_nxt + 65535 + 2): a peer that still holds it
	 * sees the SYN above its window.
	 */
	uint32_t iss = ctx->tw.ring[pos].snd_nxt + TT_TW_REUSE_SEQ_GAP;

	TT_STAT_INC(ctx->stats, tw_reuse_connect);
	tw_end(ctx, pos);
	return iss;
}

/* ---- Segments (RFC 9293 3.10.7.4 in TIME-WAIT). ---- */

/* Our ACK: SND.NXT, RCV.NXT, the window, timestamps when in use. */
static void
tw_send_ack(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc, struct tt_tw_entry *e,
	    const struct tt_seg *s)
{
	struct tt_tcp_opts o = { .present = TT_OPT_TS, .tsval = ctx->now_ms,
				 .tsecr = e->ts_recent };

	e->last_ms = ctx->now_ms;
	tt_tcp_send_ack_reply(ctx, ifc, s, e->snd_nxt, e->rcv_nxt, e->wnd,
			      (e->flags & TT_TWF_TS) ? &o : NULL);
}

/*
 * RFC 6191 with RFC 1122 4.2.2.13: a SYN is a new incarnation when, with
 * timestamps on both, its TSval is above TS.Recent; otherwise (also for an
 * equal TSval, the peer's clock ticking once a millisecond) when its
 * sequence number is above the old RCV.NXT.
 */
static bool
syn_is_newer(const struct tt_tw_entry *e, const struct tt_seg *s)
{
	if ((e->flags & TT_TWF_TS) && (s->opts.present & TT_OPT_TS) &&
	    s->opts.tsval != e->ts_recent)
		return TT_SEQ_GT(s->opts.tsval, e->ts_recent);
	return TT_SEQ_GT(s->seq, e->rcv_nxt);
}

/* RFC 9293 3.10.7.4 first: the segment's acceptability against the entry. */
static bool
tw_acceptable(const struct tt_tw_entry *e, const struct tt_seg *s, uint32_t wnd)
{
	uint32_t len = s->len + !!(s->flags & TT_TH_SYN) + !!(s->flags & TT_TH_FIN);

	if (len == 0)
		return wnd == 0 ? s->seq == e->rcv_nxt :
		       TT_SEQ_IN(s->seq, e->rcv_nxt, e->rcv_nxt + wnd);
	return wnd != 0 && (TT_SEQ_IN(s->seq, e->rcv_nxt, e->rcv_nxt + wnd) ||
			    TT_SEQ_IN(s->seq + len - 1, e->rcv_nxt, e->rcv_nxt + wnd));
}

/* Steps two to eight for an acceptable segment. */
static void
tw_acceptable_input(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc, uint32_t pos,
		    const struct tt_seg *s, uint32_t wnd)
{
	struct tt_tw_entry *e = &ctx->tw.ring[pos];

	if (s->flags & TT_TH_RST) {
		/* RFC 1337 4 (tcp.rfc1337): no TIME-WAIT assassination by an RST. */
		if (ctx->cfg->tcp.rfc1337) {
			TT_STAT_INC(ctx->stats, tw_rst_ignored);
			return;
		}
		/* RFC 5961 3.2: in the window but not exact, a challenge ACK. */
		if (s->seq != e->rcv_nxt) {
			TT_DROP(ctx->stats, TT_DROP_tcp_rst_inexact);
			if (tt_tcp_challenge_allowed(ctx))
				tw_send_ack(ctx, ifc, e, s);
			return;
		}
		/*
		 * RFC 9293: an acceptable RST ends TIME_WAIT too. The close was
		 * counted on entering TIME_WAIT; only the early end is here.
		 */
		TT_STAT_INC(ctx->stats, tcp_rst_in);
		TT_STAT_INC(ctx->stats, tw_ended_by_rst);
		tw_end(ctx, pos);
		return;
	}
	/* Fourth: a SYN in the window gets a challenge ACK (RFC 5961 4.2). */
	if (s->flags & TT_TH_SYN) {
		TT_DROP(ctx->stats, TT_DROP_tcp_syn_synced);
		if (tt_tcp_challenge_allowed(ctx))
			tw_send_ack(ctx, ifc, e, s);
		return;
	}
	if (!(s->flags & TT_TH_ACK)) {
		TT_DROP(ctx->stats, TT_DROP_bad_tcp_flags);
		return;
	}
	e->last_ms = ctx->now_ms;
	/* RFC 7323 4.3: the newest timestamp of in-order segments. */
	if ((e->flags & TT_TWF_TS) && (s->opts.present & TT_OPT_TS) &&
	    TT_SEQ_LEQ(s->seq, e->rcv_nxt + wnd) && TT_SEQ_GEQ(s->opts.tsval, e->ts_recent) &&
	    TT_SEQ_LEQ(s->seq, e->rcv_nxt))
		e->ts_recent = s->opts.tsval;
	/*
	 * Data or a FIN in the window cannot be the retransmitted FIN (that
	 * ends at RCV.NXT): acknowledged, with no new 2*MSL.
	 */
	if (s->len > 0 || (s->flags & TT_TH_FIN))
		tw_send_ack(ctx, ifc, e, s);
}

bool
tt_tw_input(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc, const struct tt_seg *s,
	    bool listening)
{
	struct tt_tw_table *t = &ctx->tw;
	uint32_t pos = tt_tw_find(t, tt_flowidx_sig(s->hash), s->saddr, s->daddr, s->sport, s->dport);
	struct tt_tw_entry *e;
	bool ts, fin = s->flags & TT_TH_FIN;
	uint32_t wnd;

	if (pos == TT_TW_NIL)
		return false;
	e = &t->ring[pos];
	ts = (e->flags & TT_TWF_TS) && (s->opts.present & TT_OPT_TS);
	/* RFC 7323 5.3: PAWS, before the sequence check. */
	if (ts && !(s->flags & TT_TH_RST) && TT_SEQ_LT(s->opts.tsval, e->ts_recent)) {
		if (tt_tcp_old_pure_ack(s, e->rcv_nxt)) {
			TT_DROP(ctx->stats, TT_DROP_tcp_old_ack);
			return true;
		}
		TT_DROP(ctx->stats, TT_DROP_tcp_paws);
		tw_send_ack(ctx, ifc, e, s);
		return true;
	}
	/* A new incarnation on a tuple the peer closed first: as LISTEN. */
	if ((s->flags & (TT_TH_SYN | TT_TH_ACK | TT_TH_RST)) == TT_TH_SYN && listening &&
	    !(e->flags & TT_TWF_ACTIVE) && syn_is_newer(e, s)) {
		TT_STAT_INC(ctx->stats, tw_reuse);
		tw_end(ctx, pos);
		return false;
	}
	wnd = (uint32_t)e->wnd << e->rcv_ws;
	if (wnd == 0 && s->seq == e->rcv_nxt && (s->len > 0 || fin) &&
	    !(s->flags & (TT_TH_SYN | TT_TH_RST))) {
		/* A zero window takes no text: only the ACK would count, and has nothing to do. */
		TT_DROP(ctx->stats, TT_DROP_tcp_out_of_window);
		return true;
	}
	if (tw_acceptable(e, s, wnd)) {
		tw_acceptable_input(ctx, ifc, pos, s, wnd);
		return true;
	}
	if (!(s->flags & TT_TH_RST)) {
		tw_send_ack(ctx, ifc, e, s);
		/*
		 * Only a retransmission of the peer's FIN, ending exactly at
		 * RCV.NXT, restarts the 2*MSL; any other old segment is just
		 * acknowledged, so that no forged or stray FIN can hold the
		 * 4-tuple for ever.
		 */
		if (fin && s->seq + s->len + 1 == e->rcv_nxt) {
			tw_restart(ctx, pos);
			return true;
		}
	}
	TT_DROP(ctx->stats, TT_DROP_tcp_out_of_window);
	return true;
}
