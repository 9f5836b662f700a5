/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_TCP_SACK_H_
#define _TT_TCP_SACK_H_

/**
 * @file
 * The sender's SACK scoreboard and loss recovery (RFC 6675, with the
 * retransmission timeout as fallback; docs/tcp.md says why RFC 6675 and
 * not RACK-TLP). The engine's files call these hooks only;
 * tt_tcp_sack.c holds the scoreboard.
 *
 * A connection that has SACKed data outstanding, or is in SACK-based
 * recovery, has TT_CF_SACK_SB and a scoreboard in a per-lcore pool of
 * tcp.sack_scoreboards, its 16-bit slot in the block (sack_slot, as the
 * reassembly queues' reass_slot, tt_tcp_reass.h). With no
 * slot left (counted, sack_sb_full), the connection recovers as before
 * without one: NewReno (RFC 6582), TT_CF_RECOVERY alone.
 */

#include <stdbool.h>
#include <stdint.h>

#include "cfg/tt_cfg.h"

struct tt_tcp_ctx;
struct tt_conn;
struct tt_seg;

/** Per-lcore scoreboards. */
struct tt_sack;

/** Create an lcore's pool (tcp.sack_scoreboards of @p cfg). NULL and rte_errno on error. */
struct tt_sack *tt_sack_create(const struct tt_config *cfg, int socket);
void tt_sack_destroy(struct tt_sack *sk);
/** Scoreboards in use by the lcore (tests, pools). */
uint32_t tt_sack_in_use(const struct tt_sack *sk);

/**
 * Bytes above the ACK of @p s that its SACK blocks report held by the
 * receiver (RFC 2018 3), for the duplicate-ACK test: a block not within
 * (ack, snd_max] counts nothing.
 */
uint32_t tt_sack_seg_bytes(const struct tt_conn *c, const struct tt_seg *s);

/**
 * An acceptable ACK @p s of @p c (SACK in use, SEG.ACK <= SND.MAX),
 * before SND.UNA moves: record its SACK blocks (RFC 6675 4 Update()),
 * forget what it acknowledges cumulatively, and spot a lost
 * retransmission. Takes a scoreboard when the ACK brings blocks.
 */
void tt_sack_ack(struct tt_tcp_ctx *ctx, struct tt_conn *c, const struct tt_seg *s);

/**
 * Enter loss recovery on @p c (RFC 6675 5 steps 4.1-4.4; the caller has
 * set ssthresh and RecoveryPoint and TT_CF_RECOVERY): retransmit the
 * first hole and send what the pipe allows. Returns false when @p c has
 * no scoreboard (the caller goes on with NewReno).
 */
bool tt_sack_recovery_enter(struct tt_tcp_ctx *ctx, struct tt_conn *c);

/**
 * During recovery, an ACK that did not end it: send by the pipe (RFC
 * 6675 5 step C). Returns false when the recovery of @p c is not
 * SACK-based (NewReno's rules apply).
 */
bool tt_sack_recovery_ack(struct tt_tcp_ctx *ctx, struct tt_conn *c);

/**
 * Recovery of @p c ended (full ACK): give the scoreboard back if it is
 * empty. Returns true when it was SACK-based, having set cwnd =
 * ssthresh; false when NewReno's deflation rule applies (the caller's).
 */
bool tt_sack_recovery_end(struct tt_tcp_ctx *ctx, struct tt_conn *c);

/**
 * Forget the scoreboard of @p c: the connection ends, or its
 * retransmission timer expired (RFC 2018 8: after a timeout the sender
 * ignores prior SACK information).
 */
void tt_sack_free(struct tt_tcp_ctx *ctx, struct tt_conn *c);

/** Test access: the SACKed ranges of @p c (host order), at most @p max; returns how many. */
unsigned int tt_sack_ranges(const struct tt_tcp_ctx *ctx, const struct tt_conn *c,
			    uint32_t (*r)[2], unsigned int max);
/** Test access: HighRxt of @p c (RFC 6675 2), or SND.UNA without a scoreboard. */
uint32_t tt_sack_high_rxt(const struct tt_tcp_ctx *ctx, const struct tt_conn *c);
/** Test access: the pipe of @p c (RFC 6675 4 SetPipe()), 0 without a scoreboard. */
uint32_t tt_sack_pipe(const struct tt_tcp_ctx *ctx, const struct tt_conn *c);

#endif /* _TT_TCP_SACK_H_ */
