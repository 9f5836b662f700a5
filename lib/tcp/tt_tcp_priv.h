/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_TCP_PRIV_H_
#define _TT_TCP_PRIV_H_

/**
 * @file
 * Functions shared by the files of the TCP engine (tt_tcp.c: blocks,
 * state, timers; tt_tcp_in.c: segment input; tt_tcp_out.c: output).
 */

#include "tcp/tt_tcp.h"

/*
 * The secret of the flow table's hash: random, one per process, drawn by
 * the first tt_tcp_ctx_create() (tt_tcp.c).
 */
extern uint32_t tt_flow_secret[4];

/* The SYN queue of a server without SYN cookies (tt_synq.c). */
int tt_synq_init(struct tt_tcp_ctx *ctx, int socket);
void tt_synq_free(struct tt_tcp_ctx *ctx);
/** Remember the new half-open connection @p c. */
void tt_synq_push(struct tt_tcp_ctx *ctx, const struct tt_conn *c);
/** Free the oldest half-open connection; false when there is none. */
bool tt_synq_evict_oldest(struct tt_tcp_ctx *ctx);

/* RFC 6298 5.7: the RTO after a handshake that lost a segment and gave no RTT sample. */
#define TT_RTO_FALLBACK_MS 3000

/**
 * The flow table's 64-bit hash of a key, computed once per segment and
 * passed on (a burst lookup, then the insert of a new flow, the TIME_WAIT
 * table, reuse it). Its high half picks the flow index bucket, its fold
 * is the signature (tt_tcp_flow_sig()) the index and the TIME_WAIT table
 * keep (tt_flowidx.h).
 *
 * A keyed hash an attacker cannot aim at one bucket: NH (the inner hash of
 * UMAC, Black et al. 1999; RFC 4418 5.2.2) of the key's 32-bit words under
 * a random secret, (w0 + s0)(w1 + s1) + (w2 + s2)(w3 + s3) mod 2^64, whose
 * collisions between two distinct keys have a probability of about 2^-32
 * over the secret, whatever the keys: unlike a CRC, which is affine (two
 * keys whose difference has a zero CRC collide under every seed), the
 * choice of colliding 4-tuples needs the secret. Three multiplications.
 */
static inline uint64_t
tt_tcp_flow_hash64(const struct tt_flow_key *k)
{
	uint64_t a = (uint32_t)(k->raddr + tt_flow_secret[0]);
	uint64_t b = (uint32_t)(k->laddr + tt_flow_secret[1]);
	uint64_t c = (uint32_t)(((uint32_t)k->rport << 16 | k->lport) + tt_flow_secret[2]);
	uint64_t d = (uint32_t)(k->zero + tt_flow_secret[3]);

	uint64_t h = a * b + c * d;

	/*
	 * NH's output is almost universal as a whole, but nearby keys (the
	 * ports of one source, a generator's tuples) differ in it by small
	 * multiples of the secret, so its bits are not spread alike: the
	 * index takes a bucket from some bits and compares signatures made
	 * of others. A bijective 64-bit finaliser (MurmurHash3's fmix64)
	 * spreads every output bit over all of them, leaving the collision
	 * bound as it was.
	 */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/** The flow signature: the 64-bit hash folded to 32 bits (tt_flowidx_sig()). */
static inline uint32_t
tt_tcp_flow_sig(const struct tt_tcp_ctx *ctx, const struct tt_flow_key *k)
{
	(void)ctx;
	return tt_flowidx_sig(tt_tcp_flow_hash64(k));
}

void tt_tcp_set_state(struct tt_tcp_ctx *ctx, struct tt_conn *c, unsigned int state);
uint32_t tt_tcp_isn(const struct tt_tcp_ctx *ctx, uint32_t laddr, uint16_t lport,
		    uint32_t raddr, uint16_t rport);
/** A block for 4-tuple @p key (64-bit hash @p hash); NULL when the table is full. */
struct tt_conn *tt_tcp_conn_alloc(struct tt_tcp_ctx *ctx, const struct tt_flow_key *key,
				  uint64_t hash);
void tt_tcp_conn_free(struct tt_tcp_ctx *ctx, struct tt_conn *c, int reason);
/** A SYN that ends LAST_ACK for a new incarnation (tcp.last_ack_reopen); frees @p c. */
bool tt_tcp_syn_reopens(struct tt_tcp_ctx *ctx, struct tt_conn *c, const struct tt_seg *s);
/* SYN cookies (tt_syncookie.c, RFC 4987). */
struct tt_syncookie {
	uint32_t iss;		/**< our ISS, SEG.ACK - 1 */
	uint32_t irs;		/**< the peer's ISN, SEG.SEQ - 1 */
	uint16_t mss;		/**< the MSS the cookie carries */
	bool ts;		/**< timestamps in use */
	bool sack;		/**< SACK permitted by both */
	int wscale;		/**< the peer's window scale, or -1: no scaling */
};
/** The ISS of a cookie SYN-ACK answering @p syn. */
uint32_t tt_syncookie_iss(const struct tt_tcp_ctx *ctx, const struct tt_seg *syn);
/** The TSval of that SYN-ACK, carrying the options the ACK must bring back. */
uint32_t tt_syncookie_tsval(const struct tt_tcp_ctx *ctx, const struct tt_seg *syn);
/** Whether @p ack (no flow, ACK set) brings back a valid cookie, and what it carries. */
bool tt_syncookie_check(const struct tt_tcp_ctx *ctx, const struct tt_seg *ack,
			struct tt_syncookie *out);
/** Answer @p syn with a SYN-ACK of ISS @p iss and options @p o, keeping no state. */
void tt_tcp_send_synack_stateless(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc,
				  const struct tt_seg *syn, uint32_t iss,
				  const struct tt_tcp_opts *o);

/* Sequence space between an old incarnation's SND.NXT and a reusing SYN's ISS. */
#define TT_TW_REUSE_SEQ_GAP (65535u + 2)

/* The TIME_WAIT table (tt_tw.c). */
/** Keep block @p c, just in TIME_WAIT, as an entry (the block is freed after). */
void tt_tw_enter(struct tt_tcp_ctx *ctx, const struct tt_conn *c);
/**
 * A segment that has no flow, against the TIME_WAIT table (RFC 9293
 * 3.10.7.4 TIME-WAIT). Returns true when an entry dealt with it; false
 * when there is none, or the segment is a SYN of a new incarnation (RFC
 * 6191: the entry is gone, process it as in LISTEN; @p listening says
 * whether its port is served).
 */
bool tt_tw_input(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc, const struct tt_seg *s,
		 bool listening);
/** End the TIME_WAIT entries whose 2*MSL are over, one @p budget unit each. */
void tt_tw_expire(struct tt_tcp_ctx *ctx, unsigned int *budget);
/** tt_tcp_tw_reuse_wait_ms() of the entry at ring slot @p pos. */
int32_t tt_tw_reuse_wait(const struct tt_tcp_ctx *ctx, uint32_t pos);
/** End the entry at ring slot @p pos for a new active open; returns the new ISS. */
uint32_t tt_tw_take(struct tt_tcp_ctx *ctx, uint32_t pos);
void tt_tcp_rtt_sample(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t rtt_ms);
void tt_tcp_timer_update(struct tt_tcp_ctx *ctx, struct tt_conn *c, bool restart);
/* Enter TIME_WAIT: the block becomes a TIME_WAIT entry and is freed. */
void tt_tcp_enter_time_wait(struct tt_tcp_ctx *ctx, struct tt_conn *c);
void tt_tcp_delack(struct tt_tcp_ctx *ctx, struct tt_conn *c);

/**
 * Send what the windows allow (RFC 9293 3.8.6, RFC 5681): data, a FIN
 * after the data, and a pure ACK when one is owed and nothing else went.
 * @p one_segment: send at most one segment (retransmission).
 */
void tt_tcp_output(struct tt_tcp_ctx *ctx, struct tt_conn *c, bool one_segment);
/**
 * tt_tcp_output() without its timer update: for a caller that updates the
 * timer itself afterwards (conn_input(): one update a segment). Returns
 * whether data or a FIN was sent.
 */
bool tt_tcp_output_segs(struct tt_tcp_ctx *ctx, struct tt_conn *c, bool one_segment);
void tt_tcp_send_ack(struct tt_tcp_ctx *ctx, struct tt_conn *c);
/** Send [@p seq, @p seq + @p len) again (SACK recovery), with our FIN after it if @p fin. */
int tt_tcp_send_seq(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t seq, uint32_t len,
		    bool fin);
void tt_tcp_send_rst(struct tt_tcp_ctx *ctx, struct tt_conn *c);
/** An ACK in answer to @p seg, from no block (TIME_WAIT entries); @p o may be NULL. */
void tt_tcp_send_ack_reply(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc,
			   const struct tt_seg *seg, uint32_t seq, uint32_t ack, uint16_t wnd,
			   const struct tt_tcp_opts *o);
/** SYN (@p synack false) or SYN-ACK, with our options. */
void tt_tcp_send_syn(struct tt_tcp_ctx *ctx, struct tt_conn *c, bool synack);
void tt_tcp_send_probe(struct tt_tcp_ctx *ctx, struct tt_conn *c);
/** RST in answer to a segment that has no connection (RFC 9293 3.10.7.1). */
void tt_tcp_send_rst_reply(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc,
			   const struct tt_seg *seg);
/** tt_tcp_rcv_window() of a connection that holds data or has a full send queue. */
uint32_t tt_tcp_rcv_window_held(const struct tt_tcp_ctx *ctx, const struct tt_conn *c);
/**
 * Window we advertise now, unscaled bytes: tcp.rcv_wnd, as far as our
 * window scale can say it, unless something held closes part of it
 * (tt_tcp_rcv_window_held(): out-of-order data, what an application
 * holds, a full send queue). Inline for the usual case, as every segment
 * sent asks.
 */
static inline uint32_t
tt_tcp_rcv_window(const struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	if (likely(!(c->flags & (TT_CF_APP_HOLDS | TT_CF_REASS)) && tt_tcp_app_send_room(c)))
		return RTE_MIN(ctx->cfg->tcp.rcv_wnd, 65535u << c->rcv_ws);
	return tt_tcp_rcv_window_held(ctx, c);
}

/**
 * An old pure ACK that failed PAWS (RFC 7323 5.3): no data, SYN, FIN or
 * RST, and a sequence number before RCV.NXT @p rcv_nxt. It is a duplicate
 * that arrived late (reordered: a kernel's net_tap sends a connection's
 * first ACK on another queue than its request, docs/tcp.md) and carries
 * nothing new. It is dropped without the ACK of RFC 7323 5.3 (drop
 * tcp_old_ack), as Linux does since 6.14 (TCP_RFC7323_PAWS_ACK): in
 * TIME_WAIT that ACK only draws an RST from the closed peer, which ends
 * the TIME_WAIT (RFC 1337). Keepalives and window probes (SND.UNA - 1)
 * carry a fresh TSval, so they pass PAWS and are answered.
 */
static inline bool
tt_tcp_old_pure_ack(const struct tt_seg *s, uint32_t rcv_nxt)
{
	return s->len == 0 && TT_SEQ_LT(s->seq, rcv_nxt) &&
	       (s->flags & (TT_TH_SYN | TT_TH_FIN | TT_TH_RST | TT_TH_ACK)) == TT_TH_ACK;
}

#endif /* _TT_TCP_PRIV_H_ */
