/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_TCP_TLP_H_
#define _TT_TCP_TLP_H_

/**
 * @file
 * The tail loss probe (RFC 8985 7, tcp.tlp): when the last segments of a
 * flight are lost, no SACK above them starts a recovery and only the
 * retransmission timer would find them. A probe timeout (PTO) of about
 * two round trips runs instead of the RTO while new data is outstanding;
 * when it fires, one segment goes (new data, else the flight's last
 * segment again), and the ACK it brings starts a SACK recovery or shows
 * that the probe itself repaired the loss. tt_tcp_tlp.c holds the rules;
 * the engine's files call these hooks only. The state is three flags of
 * the block (TT_CF_TLP_*): nothing else is kept.
 */

#include <stdbool.h>
#include <stdint.h>

#include "tcp/tt_tcp.h"

struct tt_tcp_ctx;
struct tt_seg;

/**
 * The retransmission timer of @p c is (re)started with deadline
 * @p rto_due (tt_tcp_timer_update()): returns the deadline to use, the
 * PTO when a probe may be scheduled (RFC 8985 7.2; TT_CF_TLP_PTO set),
 * else @p rto_due (TT_CF_TLP_PTO cleared).
 */
uint32_t tt_tlp_due(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t rto_due);

/**
 * The deadline of @p c passed while it was a PTO (TT_CF_TLP_PTO): send
 * the probe (RFC 8985 7.3) and start the RTO. Called instead of the
 * RTO's action.
 */
void tt_tlp_fire(struct tt_tcp_ctx *ctx, struct tt_conn *c);

/**
 * An acceptable ACK @p s of @p c while a probe's episode runs
 * (TT_CF_TLP_OUT or TT_CF_TLP_RXT), before SND.UNA moves: end it (RFC
 * 8985 7.4), with a congestion response when the probe repaired a loss.
 */
void tt_tlp_ack(struct tt_tcp_ctx *ctx, struct tt_conn *c, const struct tt_seg *s);

/**
 * Loss recovery or a timeout starts on @p c: a PTO pending becomes the
 * RTO again (from now), and a probe's episode ends (the recovery's own
 * reduction applies).
 */
void tt_tlp_cancel(struct tt_tcp_ctx *ctx, struct tt_conn *c);

/**
 * An ACK of @p c that SACKs @p sacked bytes above its cumulative ACK:
 * true when it answers a probe, so every unSACKed byte below the
 * probe, sent a PTO or more before it, is lost (RFC 8985 7.4 with 6.2:
 * the probe is the most recently sent segment delivered, and a PTO is
 * longer than any reordering window).
 */
static inline bool
tt_tlp_reveals_loss(const struct tt_conn *c, uint32_t sacked)
{
	return (c->flags & TT_CF_TLP_OUT) && sacked > 0;
}

#endif /* _TT_TCP_TLP_H_ */
