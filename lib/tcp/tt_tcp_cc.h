/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_TCP_CC_H_
#define _TT_TCP_CC_H_

/**
 * @file
 * Congestion control (tcp.cc): how cwnd grows on new ACKs outside loss
 * recovery and what a congestion event or a retransmission timeout
 * leaves of it. CUBIC (RFC 9438), the default, as Linux's; or Reno (RFC
 * 5681 3.1, with the byte counting of RFC 3465). Loss recovery itself
 * (what is sent while in it) is tt_tcp_sack.c's (RFC 6675 with RFC 6937
 * proportional rate reduction) or NewReno's (RFC 6582, tt_tcp_in.c).
 *
 * CUBIC keeps nothing in the connection block beyond what Reno keeps:
 * W_max is ssthresh / beta_cubic (or what fast convergence or a timeout
 * made of it, one flag each), cwnd_epoch is ssthresh, and the start of
 * the congestion-avoidance epoch lies in the RecoveryPoint's field, which
 * only recovery reads (tt_tcp_cc.c says why each of these holds).
 */

#include <stdint.h>

struct tt_tcp_ctx;
struct tt_conn;

/**
 * New data acknowledged outside loss recovery, @p acked bytes: slow start
 * below ssthresh (RFC 5681 3.1, RFC 3465 2.2), congestion avoidance from
 * there (RFC 9438 4.2-4.5, or RFC 5681 3.1 with RFC 3465 2.1).
 */
void tt_cc_ack(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t acked);

/**
 * A congestion event: loss recovery starts (RFC 5681 3.2 step 2, RFC 6675
 * 5 step 4.1; RFC 9438 4.6 and 4.7). Sets ssthresh from the flight;
 * cwnd is left to the recovery that follows.
 */
void tt_cc_loss(struct tt_tcp_ctx *ctx, struct tt_conn *c);

/**
 * The retransmission timer expired (RFC 5681 3.1 equation 4, RFC 9438
 * 4.8): ssthresh from the flight, cwnd one segment.
 */
void tt_cc_rto(struct tt_tcp_ctx *ctx, struct tt_conn *c);

/** Test access: CUBIC's W_max of @p c, bytes (0 before any congestion event). */
uint32_t tt_cc_cubic_wmax(const struct tt_tcp_ctx *ctx, const struct tt_conn *c);
/** Test access: CUBIC's K of @p c, ms (RFC 9438 4.2 equation 2). */
uint32_t tt_cc_cubic_k_ms(const struct tt_tcp_ctx *ctx, const struct tt_conn *c);

#endif /* _TT_TCP_CC_H_ */
