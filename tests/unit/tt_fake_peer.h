/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_FAKE_PEER_H_
#define _TT_FAKE_PEER_H_

/**
 * @file
 * The fake peer of the TCP engine's unit tests (tests/unit/test_tcp_*.c),
 * written as lwIP's test/unit/tcp tests are: it builds segments with the
 * flags, sequence numbers, windows, options and payload it wants, feeds
 * them to tt_tcp_input_burst(), takes what the engine sent out of the TX
 * queue, decodes it with its own code (not lib/tcp's), moves a fake clock
 * and runs the timers. Every test ends with the flow table, the per-state
 * gauges and the mbuf pool checked for consistency (fp_end()).
 *
 * Typical use (every TCase made by fp_tcase(), whose fixture sets fp_cur):
 *
 *	START_TEST(test_x)
 *	{
 *		struct fp *f = fp_cur;
 *
 *		f->cfg.server.app = TT_APP_ECHO;	(change the config, then)
 *		fp_start(f);				(create the engine)
 *		fp_open(f);				(SYN, SYN-ACK, ACK)
 *		fp_send_str(f, "x");
 *		fp_expect(f, ACK | PSH);
 *		fp_end(f);
 *	}
 *
 * A test that fails because of a bug in lib/ is marked with a comment
 * that starts with "BUG:"; the test is right, the code is to be fixed.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "tt_test_util.h"
#include "cfg/tt_cfg.h"
#include "tcp/tt_tcp.h"
#include "tcp/tt_tcp_priv.h"

#define SYN RTE_TCP_SYN_FLAG
#define ACK RTE_TCP_ACK_FLAG
#define FIN RTE_TCP_FIN_FLAG
#define RST RTE_TCP_RST_FLAG
#define PSH RTE_TCP_PSH_FLAG

/*
 * Check's ck_assert() records its location through a pipe on every call:
 * in loops of millions of checks use this one, which costs nothing unless
 * it fails.
 */
#define CHECK(cond, ...) do { \
		if (!(cond)) \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

/* An option kind the engine should never send. */
#define FP_OPT_OTHER 0x80

#define FP_DATA_MAX 9000

#define REQ11 "GET / HTTP/1.1\r\nHost: t\r\n\r\n"
#define REQ10 "GET / HTTP/1.0\r\n\r\n"
#define REQ_CLOSE "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"

/** A segment the engine sent, decoded by the test (not by lib/tcp). */
struct fp_seg {
	uint8_t flags;
	uint32_t seq;
	uint32_t ack;
	uint16_t win;
	uint16_t sport;
	uint16_t dport;
	uint32_t saddr;
	uint32_t daddr;
	uint16_t len;		/**< payload bytes */
	bool in_order;		/**< seq was what the peer expected */
	uint8_t opts;		/**< TT_OPT_* kinds present, FP_OPT_OTHER */
	uint8_t optlen;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval;
	uint32_t tsecr;
	uint8_t nsack;		/**< SACK blocks (TT_OPT_SACK), in the order sent */
	uint32_t sack[4][2];	/**< left and right edges */
	uint8_t data[FP_DATA_MAX];
};

/** The peer's side of one connection. */
struct fp_pc {
	uint16_t port;		/**< the peer's port */
	uint32_t iss;		/**< the peer's ISN */
	uint32_t snd_nxt;	/**< the peer's next sequence number */
	uint32_t rcv_nxt;	/**< next sequence number the peer expects from us */
	uint32_t our_isn;	/**< the engine's ISN, read from its SYN or SYN-ACK */
	bool ts;		/**< timestamps negotiated: sent on every segment */
	uint32_t ts_recent;	/**< latest TSval the engine sent */
	bool fin_rcvd;
};

struct fp {
	struct tt_test_ctx *t;
	struct tt_config cfg;
	struct tt_tcp_ctx *ctx;
	unsigned int pool_base;	/**< mbufs in use before the test */
	uint32_t addr;		/**< the peer's address */
	uint16_t lport;		/**< our port */
	/* What the peer offers in its SYN. */
	uint8_t syn_opts;	/**< TT_OPT_* */
	uint16_t mss;
	uint8_t ws;
	uint16_t win;		/**< window field of its segments */
	uint32_t tsval;		/**< the peer's timestamp clock, +1 a segment */
	struct fp_pc pc;	/**< the current connection */
	/* Set by fp_exchange(). */
	uint8_t last_flags;
	uint16_t last_len;
	uint16_t max_len;
	unsigned int n_segs;
};

/** The peer of the running test, set by the fixture of fp_tcase(). */
extern struct fp *fp_cur;

/** Room for what a test receives (fp_exchange() into it). */
extern uint8_t fp_rxbuf[1 << 17];

/**
 * A TCase named @p name whose fixture creates the peer (fp_cur) before
 * each test and frees it after: a server with the HTTP application on
 * port 80, tcp.msl_ms 100, tcp.max_flows 64; a peer at TT_TEST_IP_PEER,
 * port 40000, that offers MSS 1460, window scale 0, timestamps and
 * SACK-permitted.
 */
TCase *fp_tcase(const char *name);

/* The engine and the clock. */

/** Create the engine from f->cfg (tests change f->cfg before). */
void fp_start(struct fp *f);

/** Advance the fake clock by @p us microseconds and run the timers. */
void fp_time_us(struct fp *f, uint64_t us);

/** Advance the fake clock by @p ms milliseconds and run the timers. */
void fp_time(struct fp *f, uint64_t ms);

/** Advance 1 ms at a time until the engine sends something; returns the ms waited. */
uint32_t fp_wait_output(struct fp *f, uint32_t max_ms);

/** The block of the current connection, NULL when there is none. */
struct tt_conn *fp_conn(struct fp *f);

/** The state of the current connection, TT_TCPS_CLOSED when there is none. */
unsigned int fp_state(struct fp *f);

#define ck_state(f, s) \
	ck_assert_str_eq(tt_tcp_state_name(fp_state(f)), tt_tcp_state_name(s))
#define ST(f, name) ((f)->t->stats.c[TT_STAT_ ## name])
#define DROPS(f, name) ((f)->t->stats.drop[TT_DROP_ ## name])
#define GAUGE(f, s) ((f)->t->stats.state[TT_TCPS_ ## s])
#define TRANS(f, a, b) ((f)->t->stats.trans[TT_TCPS_ ## a][TT_TCPS_ ## b])

/* What the engine sends. */

/** Parse the options the engine sent, with the test's own code. */
void fp_parse_opts(const uint8_t *o, unsigned int len, struct fp_seg *s);

/**
 * Take the oldest segment the engine sent, decoded into @p s; false when
 * there is none. Segments of the current connection are tracked as a
 * receiver without reassembly does: the next expected sequence number
 * advances over in-order data, SYN and FIN.
 */
bool fp_pop(struct fp *f, struct fp_seg *s);

/**
 * The next segment must exist and have exactly @p flags (use fp_expect());
 * it stays valid for the next three calls of fp_expect() and fp_none().
 */
const struct fp_seg *fp_expect_(struct fp *f, uint8_t flags, int line);
#define fp_expect(f, fl) fp_expect_((f), (fl), __LINE__)

/** Nothing may have been sent (use fp_none()). */
void fp_none_(struct fp *f, int line);
#define fp_none(f) fp_none_((f), __LINE__)

/* What the peer sends. */

/** Raw option bytes of the peer's SYN (f->syn_opts) into @p b; returns their length. */
uint8_t fp_syn_optbuf(const struct fp *f, uint32_t tsval, uint32_t tsecr, uint8_t *b);

/** A timestamp option (NOP, NOP, TS) into @p b; returns its length, 12. */
uint8_t fp_ts_optbuf(uint32_t tsval, uint32_t tsecr, uint8_t *b);

/** A segment from the peer of the current connection, with everything given. */
struct rte_mbuf *fp_build(struct fp *f, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
			  const uint8_t *opts, uint8_t optlen, const void *data, uint16_t len);

/** Parse and feed @p n frames as one burst. */
void fp_input(struct fp *f, struct rte_mbuf **m, unsigned int n);

/** Feed one segment with everything given. */
void fp_raw(struct fp *f, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
	    const uint8_t *opts, uint8_t optlen, const void *data, uint16_t len);

/**
 * Build the peer's next segment of the current connection: its sequence
 * number, ACK of what it received in order, its window, a timestamp when
 * negotiated. Advances the peer's sequence number.
 */
struct rte_mbuf *fp_make(struct fp *f, uint8_t flags, const void *data, uint16_t len);

/** fp_make() and feed it. */
void fp_send(struct fp *f, uint8_t flags, const void *data, uint16_t len);

/** Send the string @p s as data (ACK|PSH). */
void fp_send_str(struct fp *f, const char *s);

/** A pure ACK. */
void fp_ack(struct fp *f);

/** The peer's SYN (seq f->pc.iss, the options of f->syn_opts). */
void fp_send_syn(struct fp *f);

/** SYN, and the SYN-ACK it gets. */
const struct fp_seg *fp_syn(struct fp *f);

/** A complete passive open; returns the connection block. */
struct tt_conn *fp_open(struct fp *f);

/**
 * Receive everything the engine sends, ACKing as a receiver with an open
 * window does, until it stops. Returns the bytes received in order.
 */
uint32_t fp_exchange(struct fp *f, uint8_t *buf, uint32_t cap);

/**
 * fp_exchange(), and when the engine goes quiet before @p want bytes came,
 * let time pass (its retransmission and persist timers) for at most
 * @p max_ms. Returns the bytes received in order.
 */
uint32_t fp_exchange_timed(struct fp *f, uint8_t *buf, uint32_t cap, uint32_t want,
			   uint32_t max_ms);

/** The HTTP response the server sends: head and pattern body. */
void fp_check_http_response(const uint8_t *buf, uint32_t n, uint32_t body, bool keepalive);

/** The length of the HTTP response with a body of @p body bytes. */
uint32_t fp_http_response_len(uint32_t body, bool keepalive);

/** End of a test: nothing unexpected sent, counts consistent, no mbuf left. */
void fp_end(struct fp *f);

/** Switch the peer to a new connection from port @p port (state reset). */
void fp_new_conn(struct fp *f, uint16_t port, uint32_t iss);

/** Drive the current connection to TIME_WAIT by an HTTP/1.0 request. */
void fp_to_time_wait(struct fp *f);

/** Bring the current connection to @p state (SYN_RCVD to TIME_WAIT). */
void fp_reach_state(struct fp *f, unsigned int state);

#endif /* _TT_FAKE_PEER_H_ */
