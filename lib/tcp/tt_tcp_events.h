/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_TCP_EVENTS_H_
#define _TT_TCP_EVENTS_H_

/**
 * @file
 * The events the TCP engine raises to the application above it. The stack
 * declares them here and the application layer defines them (lib/l7,
 * tt_app.c), as lwIP's LWIP_EVENT_API does: they stay direct calls, which
 * LTO inlines, with no function pointer on the per-packet path, and
 * lib/tcp still includes nothing of its applications.
 *
 * Each event gets the lcore's context and the connection. What the
 * application keeps per connection lives in the block's opaque area
 * (struct tt_conn app, TT_CONN_APP_AREA bytes) and what it keeps per lcore
 * behind ctx->app. An event may call back into the engine through the
 * application interface of tt_tcp.h (tt_tcp_app_send, tt_tcp_app_close,
 * tt_tcp_app_abort); after an abort the block is CLOSED, and the engine
 * checks for that before it goes on.
 */

#include <stdbool.h>
#include <stdint.h>

struct rte_mbuf;
struct tt_tcp_ctx;
struct tt_conn;

/** A SYN for a listening port made @p c (SYN_RCVD, SYN-ACK not yet sent). */
void tt_tcp_ev_accepted(struct tt_tcp_ctx *ctx, struct tt_conn *c);
/** The handshake completed (ESTABLISHED, either side). */
void tt_tcp_ev_established(struct tt_tcp_ctx *ctx, struct tt_conn *c);
/**
 * @p len bytes of in-order data at @p data, inside the received mbuf @p m,
 * were accepted (rx_off already counts them). Returns 1 when the
 * application keeps @p m (it then owns it), 0 when the engine still does.
 */
int tt_tcp_ev_recv(struct tt_tcp_ctx *ctx, struct tt_conn *c, struct rte_mbuf *m,
		   const uint8_t *data, uint32_t len);
/** The peer's FIN arrived in order: no more data will come. */
void tt_tcp_ev_eof(struct tt_tcp_ctx *ctx, struct tt_conn *c);
/** snd_una advanced by @p bytes of application data. */
void tt_tcp_ev_acked(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t bytes);
/** Our FIN was acknowledged: everything we sent was delivered. */
void tt_tcp_ev_fin_acked(struct tt_tcp_ctx *ctx, struct tt_conn *c);
/**
 * Regenerate @p len bytes of the send stream at stream offset @p off into
 * @p dst (a first transmission and a retransmission alike: the engine
 * keeps no copy). Returns true when the bytes are exactly one whole
 * payload whose one's complement sum the application knows, with that sum
 * (folded to 16 bits) in @p sum; false when the engine must sum them.
 */
bool tt_tcp_ev_fill(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint64_t off,
		    uint8_t *dst, uint32_t len, uint16_t *sum);
/**
 * Bytes of received data the application still holds, which the engine
 * takes off the window it advertises. Asked only of connections whose
 * application set TT_CF_APP_HOLDS.
 */
uint32_t tt_tcp_ev_held(const struct tt_tcp_ctx *ctx, const struct tt_conn *c);
/** The connection entered TIME_WAIT: its life, as the application sees it, is over. */
void tt_tcp_ev_time_wait(struct tt_tcp_ctx *ctx, struct tt_conn *c);
/**
 * The connection ends (@p reason: enum tt_close_reason); the application
 * releases what it holds. The block is reused afterwards.
 */
void tt_tcp_ev_closed(struct tt_tcp_ctx *ctx, struct tt_conn *c, int reason);

#endif /* _TT_TCP_EVENTS_H_ */
