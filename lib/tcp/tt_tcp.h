/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_TCP_H_
#define _TT_TCP_H_

/**
 * @file
 * The TCP engine of one lcore (RFC 9293 with RFC 7323, 6298, 5681, 6582,
 * 6528, 6191). It takes a per-lcore context, segments already parsed and
 * the time (ctx->now_us, set by the caller), and queues its output into
 * ctx->net->txq. It never calls a NIC, never reads a clock and never
 * touches another lcore's memory, so every transition can be driven by a
 * unit test with a fake clock.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "cfg/tt_cfg.h"
#include "net/tt_net.h"
#include "stats/tt_stats.h"
#include "tcp/tt_flowidx.h"
#include "tcp/tt_seq.h"
#include "tcp/tt_timer.h"
#include "tcp/tt_tw.h"

/*
 * RFC 9293 3.3.2 states, ordered as FreeBSD's tcp_fsm.h does so that range
 * tests read naturally: everything >= ESTABLISHED has completed the
 * handshake, everything > CLOSE_WAIT has sent a FIN.
 */
enum tt_tcp_state {
	TT_TCPS_CLOSED = 0,
	TT_TCPS_LISTEN,
	TT_TCPS_SYN_SENT,
	TT_TCPS_SYN_RCVD,
	TT_TCPS_ESTABLISHED,
	TT_TCPS_CLOSE_WAIT,
	TT_TCPS_FIN_WAIT_1,
	TT_TCPS_CLOSING,
	TT_TCPS_LAST_ACK,
	TT_TCPS_FIN_WAIT_2,
	TT_TCPS_TIME_WAIT,
	TT_TCPS_MAX
};
static_assert(TT_TCPS_MAX == TT_NB_TCP_STATES, "state count");

#define TT_TCPS_HAVE_ESTABLISHED(s) ((s) >= TT_TCPS_ESTABLISHED)
/* We have sent a FIN. */
#define TT_TCPS_FIN_SENT(s) ((s) >= TT_TCPS_FIN_WAIT_1)
/* We have received a FIN. */
#define TT_TCPS_FIN_RCVD(s) ((s) == TT_TCPS_CLOSE_WAIT || (s) == TT_TCPS_CLOSING || \
			     (s) == TT_TCPS_LAST_ACK || (s) == TT_TCPS_TIME_WAIT)

const char *tt_tcp_state_name(unsigned int state);

/* TCP header flags as in rte_tcp.h. */
#define TT_TH_FIN RTE_TCP_FIN_FLAG
#define TT_TH_SYN RTE_TCP_SYN_FLAG
#define TT_TH_RST RTE_TCP_RST_FLAG
#define TT_TH_PSH RTE_TCP_PSH_FLAG
#define TT_TH_ACK RTE_TCP_ACK_FLAG
#define TT_TH_URG RTE_TCP_URG_FLAG

/* Parsed options (RFC 9293 3.2, RFC 7323, RFC 2018). */
#define TT_OPT_MSS	0x01
#define TT_OPT_WS	0x02
#define TT_OPT_TS	0x04
#define TT_OPT_SACKOK	0x08
#define TT_OPT_SACK	0x10	/**< SACK blocks (RFC 2018 3): nsack at sack */

struct tt_tcp_opts {
	uint8_t present;	/**< TT_OPT_* */
	uint8_t wscale;
	uint16_t mss;
	uint32_t tsval;
	uint32_t tsecr;
	uint8_t nsack;		/**< SACK blocks at sack (TT_OPT_SACK), 1 to 4 */
	/** The first SACK block in the received header (or to send), as on the wire: two big-endian edges each. */
	const uint8_t *sack;
};

/** Parse the options of a TCP header. Returns 0 or -EINVAL if malformed. */
int tt_tcp_opts_parse(const uint8_t *opt, unsigned int len, struct tt_tcp_opts *o);
/** The first option word of NOP NOP TS (RFC 7323 Appendix A), host order. */
#define TT_TCP_OPT_NOP_NOP_TS 0x0101080au
/** Most option words tt_tcp_opts_words() writes (40 bytes: TS and 3 SACK blocks). */
#define TT_TCP_OPT_WORDS 10
/** Options as 32-bit words in host order; returns the number of words. */
unsigned int tt_tcp_opts_words(uint32_t *w, const struct tt_tcp_opts *o);
/** Write options; returns the length written (a multiple of 4). */
unsigned int tt_tcp_opts_write(uint8_t *dst, const struct tt_tcp_opts *o);

/** A received segment in host byte order. */
struct tt_seg {
	uint32_t seq;
	uint32_t ack;
	uint32_t wnd;		/**< raw window field */
	uint16_t len;		/**< payload bytes */
	uint8_t flags;
	uint8_t port;
	uint8_t trimmed;	/**< data or FIN removed (not a duplicate ACK, RFC 5681 2) */
	uint64_t hash;		/**< flow hash of the 4-tuple (tt_tcp_flow_hash64) */
	uint32_t saddr;
	uint32_t daddr;
	uint16_t sport;
	uint16_t dport;
	const uint8_t *data;
	struct tt_tcp_opts opts;
	const struct rte_ether_addr *smac;
};

/*
 * RFC 6298 2.4's floor: "if it is less than 1 second, then the RTO SHOULD
 * be rounded up to 1 second". tcp.rto_min_ms (200 ms, as Linux) applies
 * normally; an lcore overloaded within the last TT_RTO_OVERLOAD_MS waits
 * this long before it retransmits data or a FIN by timer (rto_expired()).
 */
#define TT_RTO_OVERLOAD_MS 1000

/* Connection flags (the engine's; the application keeps its own in its area). */
#define TT_CF_WS	0x0001	/**< window scaling in use (both sent WS) */
#define TT_CF_TS	0x0002	/**< timestamps in use */
#define TT_CF_SACK	0x0004	/**< SACK permitted by both */
#define TT_CF_FIN_QUEUED 0x0008	/**< app closed: FIN follows snd_end */
#define TT_CF_ACK_NOW	0x0010	/**< send an ACK at the end of input */
#define TT_CF_DELACK	0x0020	/**< a delayed ACK is pending */
#define TT_CF_RTT	0x0040	/**< timing rtt_seq (no timestamps) */
#define TT_CF_RECOVERY	0x0080	/**< NewReno fast recovery */
#define TT_CF_ACTIVE_OPEN 0x0100 /**< we sent the first SYN (tt_tcp_connect) */
#define TT_CF_APP_HOLDS	0x0200	/**< the application holds received data (tt_tcp_ev_held) */
#define TT_CF_TLP_PTO	0x0400	/**< rto_due is a tail loss probe's deadline (tt_tcp_tlp.c) */
#define TT_CF_TLP_OUT	0x0800	/**< a tail loss probe is out, its episode not over */
#define TT_CF_TLP_RXT	0x1000	/**< ... and it was a retransmission (RFC 8985 TLPRxtOut) */
#define TT_CF_RTO_ON	0x2000	/**< retransmission/persist deadline rto_due runs */
#define TT_CF_IN_DACK_FIFO 0x4000
#define TT_CF_SACK_PEND	0x8000	/**< out-of-order data: a duplicate ACK at the end of this burst */
#define TT_CF_DACK_REQUEUE 0x20000	/**< delayed ACK re-armed while queued */
#define TT_CF_SYN_UNACKED 0x40000	/**< our SYN-ACK's SYN is not acknowledged yet */
#define TT_CF_REASS	0x80000	/**< holds out-of-order data (tt_tcp_reass.c) */
#define TT_CF_SACK_SB	0x100000	/**< has a SACK scoreboard (tt_tcp_sack.c) */
/* CUBIC's W_max and t_epoch (tt_tcp_cc.c). */
#define TT_CF_CC_EPOCH	0x200000	/**< a congestion-avoidance stage runs since cc_epoch_ms */
#define TT_CF_CC_FC	0x400000	/**< W_max from fast convergence (RFC 9438 4.7) */
#define TT_CF_CC_K0	0x800000	/**< the stage after a timeout: K = 0 (RFC 9438 4.8) */
#define TT_CF_HS_RXT	0x1000000	/**< our SYN or SYN-ACK was sent again (RFC 5681 3.1, RFC 6298 5.7) */
#define TT_CF_WND_WAIT	0x2000000	/**< advertised a window held shut: in the window-update ring */
#define TT_CF_FIN_IN	0x4000000	/**< the segment being read ends in a FIN, in order (conn_input()) */
/* FIFO membership survives a block's reuse: the delayed-ACK FIFO is walked lazily. */
#define TT_CF_FIFO_MASK (TT_CF_IN_DACK_FIFO | TT_CF_DACK_REQUEUE)

/**
 * Bytes at the end of every connection block that belong to the
 * application (lib/l7 defines their layout and static-asserts that it
 * fits). The engine zeroes them when it hands a block out and never reads
 * them.
 */
#define TT_CONN_APP_AREA 32

/*
 * The connection block: 176 bytes, in three parts. The first 64 bytes hold
 * what every segment of an established connection reads and writes; the
 * next 64 the timer, identity, RTT and delayed ACK; the last 48 the stream
 * offsets and the application's area. With the flow index's 16 bytes a
 * connection costs 192 bytes (docs/architecture.md, "Memory"). Blocks are
 * 176-byte strided, so a block starts at 0, 48, 32 or 16 bytes into a
 * cache line and spans three or four; tt_tcp_input_burst() prefetches
 * its first part and its identity before processing.
 *
 * Not kept, because they are known otherwise: the ISS (SND.UNA until our
 * SYN is acknowledged, and only needed until then), the IRS (RCV.NXT - 1
 * in SYN_RCVD, the only state that reads it), SND.WL2 (RFC 9293 3.10.7.4's
 * "SND.WL2 =< SEG.ACK" is implied by SND.UNA =< SEG.ACK: SND.WL2 is the
 * ACK of a segment already processed, so never past SND.UNA).
 */
struct tt_conn {
	/* Bytes 0-63: what every segment of a connection reads and writes. */
	uint32_t snd_una;	/**< oldest unacknowledged sequence number (the ISS until our SYN is acknowledged) */
	uint32_t snd_nxt;	/**< next sequence number to send */
	uint32_t snd_max;	/**< highest sequence number sent + 1 */
	uint32_t snd_end;	/**< end of application data queued */
	uint32_t snd_wnd;	/**< peer's window, scaled, bytes */
	uint32_t snd_wl1;	/**< seq of last window update */
	uint32_t rcv_nxt;
	uint32_t rcv_adv;	/**< right edge of the window we advertised */
	uint32_t cwnd;
	uint32_t ssthresh;
	union {
		uint32_t recover;	/**< RFC 6582 RecoveryPoint, read in recovery only */
		/** CUBIC's t_epoch outside recovery, with TT_CF_CC_EPOCH (tt_tcp_cc.c) */
		uint32_t cc_epoch_ms;
	};
	uint32_t ts_recent;	/**< RFC 7323 4.3 */
	uint32_t flags;		/**< TT_CF_* */
	uint32_t last_ms;	/**< last segment received (idle timeout) */
	uint16_t mss;		/**< effective send MSS (payload bytes) */
	uint8_t state;
	uint8_t snd_ws : 4;	/**< shift applied to the peer's windows (RFC 7323 2.3: at most 14) */
	uint8_t rcv_ws : 4;	/**< shift applied to our windows */
	uint8_t port;
	uint8_t probes;		/**< zero-window probes since the window closed (tt_tcp_guard.c) */
	uint8_t retries;	/**< consecutive RTO expiries */
	uint8_t dupacks;

	/* Bytes 64-127: timer, identity, RTT, delayed ACK. */
	uint16_t sack_slot;	/**< SACK scoreboard (tt_tcp_sack.c) with TT_CF_SACK_SB */
	uint16_t rx_unacked;	/**< bytes received since the last ACK sent */
	struct tt_timer tm;	/**< RTO / persist / idle */
	uint32_t laddr;		/**< host order */
	uint32_t raddr;
	uint16_t lport;
	uint16_t rport;
	struct rte_ether_addr rmac;	/**< next hop's MAC */
	uint16_t srtt;		/**< smoothed RTT, ms << 3 (RFC 6298) */
	uint16_t rttvar;	/**< ms << 2 */
	/** Largest window field the peer sent (RFC 5961 5.2 MAX.SND.WND >> snd_ws). */
	uint16_t max_wnd;
	uint32_t rto_ms;
	uint32_t rtt_seq;	/**< Karn: segment being timed */
	uint32_t rto_due;	/**< ms: retransmission/persist deadline (TT_CF_RTO_ON) */
	uint32_t rtt_ts;	/**< ms when rtt_seq was sent */
	uint32_t dack_next;	/**< delayed-ACK FIFO link */
	uint16_t dack_ms;	/**< delayed ACK due, ms mod 2^16 (tcp.delack_ms <= 500 ahead) */
	uint16_t reass_slot;	/**< out-of-order queue (tt_tcp_reass.c) with TT_CF_REASS */

	/* Bytes 128-175: stream offsets, the application's area. */
	uint64_t tx_una_off;	/**< application stream offset of snd_una */
	uint64_t rx_off;	/**< application bytes received in order */
	/** Opaque to the engine: the application's per-connection state. */
	uint8_t app[TT_CONN_APP_AREA] __rte_aligned(8);
} __rte_aligned(16);
static_assert(offsetof(struct tt_conn, sack_slot) == 64,
	      "the second part of the connection block starts at sack_slot");
static_assert(offsetof(struct tt_conn, tx_una_off) == 128,
	      "the third part of the connection block starts at tx_una_off");
static_assert(sizeof(struct tt_conn) == 176,
	      "the connection block is 176 bytes, the application's area last");

/**
 * A 4-tuple as the flow hash reads it (host order), padded to 16 bytes,
 * always zero. The flow index keeps no keys: it compares them with the
 * block's own laddr, raddr, lport and rport (tt_flowidx.h).
 */
struct tt_flow_key {
	uint32_t raddr;
	uint32_t laddr;
	uint16_t rport;
	uint16_t lport;
	uint32_t zero;
};
static_assert(sizeof(struct tt_flow_key) == 16, "16-byte flow key");

/**
 * The flow table's keyed signature of a key (tt_tcp_flow_sig() in
 * tt_tcp_priv.h), in the form of an rte_hash hash function: what spreads
 * server flows over the lcores under software steering (app/steer.c). Its
 * secret is drawn by the first tt_tcp_ctx_create().
 */
uint32_t tt_tcp_flow_hash(const void *key, uint32_t key_len, uint32_t init_val);

/* The application's per-lcore context: defined by lib/l7, opaque here. */
struct tt_app_ctx;

/** A half-open connection in the SYN queue (tt_synq.c): its block and ISS. */
struct tt_synq_ent {
	uint32_t idx;
	uint32_t iss;
};

/* Connections waiting for a window update at most (tt_tcp_wnd_wait()). */
#define TT_WND_WAIT_SIZE 1024

/** The SYN queue: a ring of entries, oldest at @c head. */
struct tt_synq {
	struct tt_synq_ent *e;
	uint32_t cap, head, n;
};

/** Blocks a burst may owe a coalesced duplicate ACK (the largest receive burst). */
#define TT_TCP_SACK_PEND_MAX 64

/** Per-lcore TCP context. */
struct tt_tcp_ctx {
	uint64_t now_us;	/**< set by the caller before input/timers */
	uint32_t now_ms;
	unsigned int idx;	/**< worker index, for the ISN and tuple split */
	const struct tt_config *cfg;
	struct tt_net *net;
	struct tt_stats *stats;
	struct tt_flowidx fidx;	/**< 4-tuple -> block (tt_flowidx.h) */
	struct tt_conn *conns;
	uint32_t n_conns;
	uint32_t in_use;	/**< blocks in use (TIME_WAIT has none: tw.live) */
	uint32_t free_head;	/**< free blocks, last freed on top (linked by tm.next) */
	uint32_t n_allocs;	/**< blocks ever allocated (to spot flows made mid-burst) */
	/**
	 * The mbuf of the segment being processed, while nothing else needs
	 * it: the first segment sent in reply is built in it (no alloc, no
	 * free, headers already in cache). NULL outside tt_tcp_input_burst.
	 */
	struct rte_mbuf *spare;
	bool spare_taken;	/**< the spare went out as a reply */
	/**
	 * Blocks owed a duplicate ACK for out-of-order data (TT_CF_SACK_PEND),
	 * sent once at the end of tt_tcp_input_burst() (tt_tcp_in.c).
	 */
	struct {
		uint32_t idx;	/**< the block */
		uint32_t end;	/**< where its last out-of-order segment ended */
		uint32_t runs;	/**< held runs those segments went to, at most */
	} sack_pend[TT_TCP_SACK_PEND_MAX];
	uint16_t n_sack_pend;
	struct tt_timer_wheel wheel;
	/** TIME_WAIT: compact entries, no blocks (tt_tw.h). */
	struct tt_tw_table tw;
	uint32_t dack_head, dack_tail;	/**< delayed-ACK FIFO */
	uint32_t isn_key[4];
	uint32_t cookie_key[4];	/**< secret of the SYN cookies (tt_syncookie.c) */
	uint32_t syn_rcvd_max;	/**< half-open flows from which syn_cookies = auto answers with cookies */
	struct tt_synq synq;	/**< half-open flows, oldest first (syn_cookies = off only) */
	/**
	 * Connections that advertised a window their application's holding
	 * kept below an update's worth, oldest first (tt_tcp_guard.h,
	 * tt_tcp_wnd_wait()): told when another's release reopens it.
	 */
	uint32_t wnd_wait[TT_WND_WAIT_SIZE];
	uint32_t ww_head, ww_n;
	uint16_t our_mss;	/**< MSS we advertise */
	uint32_t chack_ms;	/**< start of the challenge-ACK second (RFC 5961 7) */
	uint32_t chack_left;	/**< challenge ACKs left in it */
	/**
	 * Set by the lcore each poll: it sheds new SYNs (overload, tt_admit.h)
	 * or its TX queue backs up. A connection whose application is done
	 * and whose peer has every byte is then reset at its FIN's first RTO
	 * instead of retransmitting it (rto_expired(), docs/tcp.md).
	 */
	bool overloaded;
	/**
	 * now_ms of the last poll that was overloaded, once there was one
	 * (tt_tcp_set_overloaded()): within TT_RTO_OVERLOAD_MS of it a
	 * retransmission timeout below 1 s waits for RFC 6298's 1 s floor
	 * (rto_expired()).
	 */
	uint32_t overload_ms;
	bool overload_seen;
	uint8_t listen_bits[65536 / 8];
	/** The application's context (tt_tcp_events.h), set by whoever creates it. */
	struct tt_app_ctx *app;
	struct tt_tcp_opts syn_opts;	/**< what our SYN / SYN-ACK offers */
	struct tt_reass *reass;	/**< out-of-order queues (tt_tcp_reass.h) */
	struct tt_sack *sack;	/**< SACK scoreboards (tt_tcp_sack.h) */
};

/** Create the context of worker @p idx of @p n_workers. NULL and rte_errno on error. */
struct tt_tcp_ctx *tt_tcp_ctx_create(const struct tt_config *cfg, struct tt_net *net,
				     unsigned int idx, int socket);
void tt_tcp_ctx_free(struct tt_tcp_ctx *ctx);

/** The lcore's overload signal for this poll (see overloaded above). */
static inline void
tt_tcp_set_overloaded(struct tt_tcp_ctx *ctx, bool overloaded)
{
	ctx->overloaded = overloaded;
	if (overloaded) {
		ctx->overload_ms = ctx->now_ms;
		ctx->overload_seen = true;
	}
}

/** True within TT_RTO_OVERLOAD_MS of the last overloaded poll. */
static inline bool
tt_tcp_overloaded_recently(const struct tt_tcp_ctx *ctx)
{
	return ctx->overload_seen && ctx->now_ms - ctx->overload_ms < TT_RTO_OVERLOAD_MS;
}

/** Set the time (microseconds, monotonic) for the next calls. */
static inline void
tt_tcp_set_time(struct tt_tcp_ctx *ctx, uint64_t now_us)
{
	ctx->now_us = now_us;
	ctx->now_ms = (uint32_t)(now_us / 1000);
}

/**
 * Process a burst of parsed TCP segments received on @p ifc. Consumes the
 * mbufs (freed, or reused in place for a reply).
 */
void tt_tcp_input_burst(struct tt_tcp_ctx *ctx, const struct tt_iface *ifc,
			struct rte_mbuf **m, struct tt_pkt *p, unsigned int n);

/** Run expired timers; bounded work. */
void tt_tcp_timers(struct tt_tcp_ctx *ctx);

/** Connection blocks in use (any state but CLOSED and TIME_WAIT). */
static inline uint32_t
tt_tcp_flows_in_use(const struct tt_tcp_ctx *ctx)
{
	return ctx->in_use;
}

/** Connections in TIME_WAIT (entries of the TIME_WAIT table, no blocks). */
static inline uint32_t
tt_tcp_time_wait_count(const struct tt_tcp_ctx *ctx)
{
	return ctx->tw.live;
}

/**
 * Whether a SYN for a listening port gets a cookie rather than a flow
 * (tcp.syn_cookies; RFC 4987 3.6), before trying to make one: always with
 * "on"; with "auto" once a quarter of the table is half-open, the mark of
 * a SYN flood. (A table with no room left answers with a cookie too, in
 * no_flow(), unless cookies are off.)
 */
static inline bool
tt_tcp_syncookies_active(const struct tt_tcp_ctx *ctx)
{
	enum tt_syncookie_mode mode = ctx->cfg->tcp.syn_cookies;

	if (mode == TT_SYNCOOKIE_AUTO)
		return ctx->stats->state[TT_TCPS_SYN_RCVD] >= (int64_t)ctx->syn_rcvd_max;
	return mode == TT_SYNCOOKIE_ON;
}

/* Used by the client generator (lib/gen). */
/**
 * Open a connection on a 4-tuple (SYN_SENT; tt_tcp_connect_start sends the
 * SYN). @p tw_reuse: false for a free tuple, true to take over the
 * tuple's own TIME_WAIT entry, when tt_tcp_tw_reuse_wait_ms() says 0.
 * NULL with -ENOSPC in @p err when the flow table is full.
 */
struct tt_conn *tt_tcp_connect(struct tt_tcp_ctx *ctx, uint16_t port, uint32_t laddr,
			       uint16_t lport, uint32_t raddr, uint16_t rport,
			       const struct rte_ether_addr *rmac, bool tw_reuse, int *err);
/** Send the SYN of a connection made by tt_tcp_connect, once its application set it up. */
void tt_tcp_connect_start(struct tt_tcp_ctx *ctx, struct tt_conn *c);
/**
 * Which of @p n (at most 64) 4-tuples have a flow, one bit each (bit i for
 * keys[i]). Every key's index buckets are prefetched first, so a
 * tt_tcp_connect() of a free tuple that follows finds them in the cache
 * (the generator checks the tuples it will open this way).
 */
#define TT_TCP_LOOKUP_MAX 64
uint64_t tt_tcp_flows_lookup(struct tt_tcp_ctx *ctx, const struct tt_flow_key *keys,
			     unsigned int n, struct tt_conn **conns);
/**
 * Which of @p n (at most 64) 4-tuples are taken, by a flow or by a
 * TIME_WAIT entry, one bit each, with for each taken one in @p wait[i]
 * what tt_tcp_tw_reuse_wait_ms() says of it (-1 for a live flow). One
 * bulk flow table lookup, as tt_tcp_flows_lookup(), then the TIME_WAIT
 * table for the misses.
 */
uint64_t tt_tcp_tuples_lookup(struct tt_tcp_ctx *ctx, const struct tt_flow_key *keys,
			      unsigned int n, int32_t *wait);
/**
 * Whether a new active open of 4-tuple @p k may take over its TIME_WAIT
 * entry (tcp.tw_reuse, RFC 6191): 0 when it may now (one of our own
 * TIME_WAIT connections, with timestamps, nothing sent or received on it
 * for tcp.tw_reuse_delay_ms), the milliseconds left when it will, -1 when
 * it will not (no entry, or no timestamps, or reuse off: only the end of
 * TIME_WAIT frees the tuple).
 */
int32_t tt_tcp_tw_reuse_wait_ms(const struct tt_tcp_ctx *ctx, const struct tt_flow_key *k);
/** The state of a 4-tuple: its flow's, TIME_WAIT for an entry there, else CLOSED. */
unsigned int tt_tcp_tuple_state(struct tt_tcp_ctx *ctx, uint32_t laddr, uint16_t lport,
				uint32_t raddr, uint16_t rport);
/** Look a flow up (tests, generator). */
struct tt_conn *tt_tcp_lookup(struct tt_tcp_ctx *ctx, uint32_t laddr, uint16_t lport,
			      uint32_t raddr, uint16_t rport);
/** Abort every connection we opened (TT_CF_ACTIVE_OPEN) with RST (end of a drain). Returns how many. */
uint32_t tt_tcp_abort_all(struct tt_tcp_ctx *ctx);
/** Start an orderly close of every connection (drain). */
void tt_tcp_close_all(struct tt_tcp_ctx *ctx);

/* The interface the applications (lib/l7) use; the events they get are in tt_tcp_events.h. */
/** Queue @p bytes more of the connection's application stream for sending. */
void tt_tcp_app_send(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t bytes);
/** Close our side once the queued data is out (FIN follows it). */
void tt_tcp_app_close(struct tt_tcp_ctx *ctx, struct tt_conn *c);
/** Abort with RST and free the connection. */
void tt_tcp_app_abort(struct tt_tcp_ctx *ctx, struct tt_conn *c);
/**
 * Most bytes queued ahead of snd_una (snd_end - snd_una) from which an
 * application queues no more: it leaves what asks for more unread
 * (tt_tcp_app_unread()) and the receive window closes. With one more
 * template of at most 2^30 + 1 KiB (the largest response_bytes and its
 * head), snd_end - snd_una stays below 2^31, the sequence space's limit
 * (tt_tcp_guard.c).
 */
#define TT_SND_QUEUE_MAX (1u << 30)
/** Whether the application may queue more (snd_end - snd_una below TT_SND_QUEUE_MAX). */
static inline bool
tt_tcp_app_send_room(const struct tt_conn *c)
{
	/* Signed: once our FIN is acknowledged, snd_una is snd_end + 1. */
	return (int32_t)(c->snd_end - c->snd_una) < (int32_t)TT_SND_QUEUE_MAX;
}

/**
 * Whether our FIN is all that is outstanding: the application closed
 * (FIN_WAIT_1, CLOSING, LAST_ACK), the FIN is out and the peer has
 * acknowledged every byte before it.
 */
static inline bool
tt_tcp_fin_only_outstanding(const struct tt_conn *c)
{
	return (c->state == TT_TCPS_FIN_WAIT_1 || c->state == TT_TCPS_CLOSING ||
		c->state == TT_TCPS_LAST_ACK) &&
	       c->snd_una == c->snd_end && c->snd_max == c->snd_end + 1;
}

/**
 * From tt_tcp_ev_recv() only: the last @p n bytes of the data given were
 * not read. They are not acknowledged, and the peer sends them again
 * (the segment's FIN, if any, with them).
 */
void tt_tcp_app_unread(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t n);
/** Index of a connection block, for logs and tests. */
static inline uint32_t
tt_tcp_conn_idx(const struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	return (uint32_t)(c - ctx->conns);
}

/* Reasons a connection ends (tt_tcp_ev_closed), for statistics and the applications. */
enum tt_close_reason {
	TT_CLOSE_R_PASSIVE = 0,	/**< peer closed first (LAST_ACK -> CLOSED) */
	TT_CLOSE_R_ACTIVE,	/**< we closed first (TIME_WAIT) */
	TT_CLOSE_R_SIMULTANEOUS,	/**< both at once (CLOSING) */
	TT_CLOSE_R_RESET,	/**< RST received */
	TT_CLOSE_R_TIMEOUT,	/**< retransmissions exhausted */
	TT_CLOSE_R_IDLE,	/**< idle or lifetime timeout */
	TT_CLOSE_R_REFUSED,	/**< RST in answer to our SYN */
	TT_CLOSE_R_ABORT,	/**< we sent RST (application or drain) */
};

#endif /* _TT_TCP_H_ */
