/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_TCP_REASS_H_
#define _TT_TCP_REASS_H_

/**
 * @file
 * Reassembly of out-of-order data (RFC 9293 3.10.7.4 seventh: segments
 * past RCV.NXT "should be held for later processing"), and the SACK
 * blocks (RFC 2018 4) and D-SACK blocks (RFC 2883) our ACKs carry about
 * it. The engine's files call these hooks only; tt_tcp_reass.c holds the
 * queue.
 *
 * What is held is the received mbufs themselves, trimmed to their
 * payload and linked by m->next, in sequence order, without overlap. A
 * connection holds at most what lies inside the window it advertised, and
 * an lcore at most tcp.reass_mbufs segments; a connection that holds some
 * has TT_CF_REASS, and its queue's head and SACK history live in a
 * per-lcore slot.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "cfg/tt_cfg.h"

struct tt_tcp_ctx;
struct tt_conn;
struct tt_tcp_opts;

/** Per-lcore reassembly state. */
struct tt_reass;

/**
 * Segments an lcore may hold, of @p n_lcores: tcp.reass_mbufs, but no more
 * than a quarter of a port's pool (general.mbufs + 1, pools being best
 * 2^n - 1) shared by the lcores, as echo's automatic bound: what reassembly holds is missing from RX, and
 * every lcore's queue may hold mbufs of the same port. 0 with
 * tcp.reass_mbufs 0.
 */
uint32_t tt_reass_lcore_cap(const struct tt_config *cfg, unsigned int n_lcores);
/** Create an lcore's state (tt_reass_lcore_cap() of @p cfg and the EAL's lcores). NULL and rte_errno on error. */
struct tt_reass *tt_reass_create(const struct tt_config *cfg, int socket);
/** The lcore's bound (tt_reass_lcore_cap() when it was created). */
uint32_t tt_reass_cap(const struct tt_reass *r);
/** Free it, with every mbuf still held. */
void tt_reass_destroy(struct tt_reass *r);
/** Segments held now by the lcore (tests, pools). */
uint32_t tt_reass_held(const struct tt_reass *r);

/**
 * Out-of-order text of connection @p c: @p len bytes at @p data (inside
 * @p m), sequence number @p seq > RCV.NXT, @p fin when a FIN follows
 * them; @p rcv_wnd is the window advertised from RCV.NXT. Returns true
 * when the queue keeps @p m (it then owns it). The caller sends the
 * duplicate ACK (RFC 5681 4.2).
 */
bool tt_reass_insert(struct tt_tcp_ctx *ctx, struct tt_conn *c, struct rte_mbuf *m,
		     uint32_t seq, const uint8_t *data, uint32_t len, bool fin, uint32_t rcv_wnd);

/**
 * RCV.NXT advanced over in-order text of @p c (which has a queue): hand
 * the held segments it reaches to the application, as the in-order path
 * does. Sets @p fin when the peer's FIN is reached (or was on the segment
 * itself: the queue then ends). Returns false when the connection is gone.
 */
bool tt_reass_deliver(struct tt_tcp_ctx *ctx, struct tt_conn *c, bool *fin);

/** Release @p c's queue (the connection ends, or its FIN is in). */
void tt_reass_free(struct tt_tcp_ctx *ctx, struct tt_conn *c);

/** The window @p c advertises, @p wnd less what its queue holds, never shrunk. */
uint32_t tt_reass_window(const struct tt_tcp_ctx *ctx, const struct tt_conn *c, uint32_t wnd);

/**
 * Data [@p le, @p re) of @p c arrived again, at or below RCV.NXT: the next
 * segment @p c sends reports it in a D-SACK block (RFC 2883 4).
 */
void tt_reass_dsack(struct tt_tcp_ctx *ctx, const struct tt_conn *c, uint32_t le, uint32_t re);

/** Whether a D-SACK block waits for the next segment of @p c. */
bool tt_reass_dsack_for(const struct tt_tcp_ctx *ctx, const struct tt_conn *c);

/**
 * Add SACK blocks to the options @p o of a segment of @p c with @p len
 * bytes of payload (RFC 2018 4: D-SACK first, then the most recent
 * block, then the others; as many as fit beside timestamps and the
 * payload in the MSS). Call only when SACK is in use on @p c.
 */
void tt_reass_sack_opts(struct tt_tcp_ctx *ctx, const struct tt_conn *c,
			struct tt_tcp_opts *o, uint32_t len);

/**
 * The duplicate ACK owed for out-of-order data [@p seq, @p end) of @p c,
 * just held (RFC 5681 4.2): with SACK, one per receive burst and run
 * group, sent by tt_reass_dupack_flush() unless it goes at once (the
 * rules are in tt_tcp_reass.c). Call only inside tt_tcp_input_burst().
 */
void tt_reass_dupack(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t seq, uint32_t end);

/** The end of a receive burst: the duplicate ACKs tt_reass_dupack() held. */
void tt_reass_dupack_flush(struct tt_tcp_ctx *ctx);

#endif /* _TT_TCP_REASS_H_ */
