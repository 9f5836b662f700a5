/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SYN cookies (RFC 4987 3.6): a listener answers a SYN with a SYN-ACK whose
 * ISS encodes what it must remember, and keeps no state; the ACK that
 * completes the handshake brings it back (SEG.ACK - 1) and creates the
 * flow. The ISS is
 *
 *	bits 31..27  t: the time, in 65.536 s periods (now_ms >> 16), mod 32
 *	bits 26..24  the MSS, as an index into tt_syncookie_mss[]
 *	bits 23..0   SipHash-2-4 of the 4-tuple and the peer's ISN, under a
 *	             secret of the lcore mixed with t
 *
 * so a cookie is valid for the period it was made in and the next one
 * (65 to 131 s, Linux allows 2 minutes), and only for the SYN it answers.
 * Mixing t into the key makes the secret rotate every period. With
 * timestamps, the SYN-ACK's TSval carries the window scale (bits 3..0,
 * 0xf: none) and SACK-permitted (bit 4) in its low six bits, as Linux
 * does; the ACK echoes it in TSecr. Without timestamps the connection has
 * neither window scaling nor SACK.
 */
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "tt_common.h"
#include "tcp/tt_tcp.h"
#include "tcp/tt_tcp_priv.h"
#include "tcp/tt_siphash.h"

#define TT_COOKIE_T_SHIFT 27
#define TT_COOKIE_T_MASK 0x1fu
#define TT_COOKIE_MSS_SHIFT 24
#define TT_COOKIE_MSS_MASK 0x7u
#define TT_COOKIE_HASH_MASK 0xffffffu
/* A period of the cookie clock: 2^16 ms. */
#define TT_COOKIE_PERIOD_SHIFT 16
/* Options in the low bits of the SYN-ACK's TSval. */
#define TT_COOKIE_TS_BITS 6
#define TT_COOKIE_TS_MASK ((1u << TT_COOKIE_TS_BITS) - 1)
#define TT_COOKIE_TS_WS_NONE 0xfu
#define TT_COOKIE_TS_SACK 0x10u

/* The MSS values a cookie can carry: the peer gets the largest at most its own. */
static const uint16_t tt_syncookie_mss[8] = {
	88, 536, 1200, 1360, 1440, 1460, 4312, 8960,
};

static inline uint32_t
cookie_t(const struct tt_tcp_ctx *ctx)
{
	return (ctx->now_ms >> TT_COOKIE_PERIOD_SHIFT) & TT_COOKIE_T_MASK;
}

/* The 24-bit keyed hash of a cookie made in period @p t for this SYN. */
static uint32_t
cookie_hash(const struct tt_tcp_ctx *ctx, uint32_t laddr, uint16_t lport, uint32_t raddr,
	    uint16_t rport, uint32_t irs, uint32_t t)
{
	uint32_t key[4] = { ctx->cookie_key[0] ^ t, ctx->cookie_key[1], ctx->cookie_key[2],
			    ctx->cookie_key[3] };
	uint64_t m0 = (uint64_t)laddr << 32 | raddr;
	uint64_t m1 = (uint64_t)irs << 32 | (uint32_t)lport << 16 | rport;

	return (uint32_t)tt_siphash24(key, m0, m1) & TT_COOKIE_HASH_MASK;
}

uint32_t
tt_syncookie_iss(const struct tt_tcp_ctx *ctx, const struct tt_seg *syn)
{
	uint16_t peer = (syn->opts.present & TT_OPT_MSS) ? syn->opts.mss : 536;
	uint32_t mss = RTE_MIN(peer, ctx->our_mss);
	uint32_t t = cookie_t(ctx), i;

	/* The largest table value that does not exceed the MSS to use. */
	for (i = RTE_DIM(tt_syncookie_mss) - 1; i > 0; i--)
		if (tt_syncookie_mss[i] <= mss)
			break;
	return t << TT_COOKIE_T_SHIFT | i << TT_COOKIE_MSS_SHIFT |
	       cookie_hash(ctx, syn->daddr, syn->dport, syn->saddr, syn->sport, syn->seq, t);
}

uint32_t
tt_syncookie_tsval(const struct tt_tcp_ctx *ctx, const struct tt_seg *syn)
{
	uint32_t o = TT_COOKIE_TS_WS_NONE, tsval;

	if ((syn->opts.present & TT_OPT_WS) && (ctx->syn_opts.present & TT_OPT_WS))
		o = RTE_MIN(syn->opts.wscale, 14);
	if ((syn->opts.present & TT_OPT_SACKOK) && (ctx->syn_opts.present & TT_OPT_SACKOK))
		o |= TT_COOKIE_TS_SACK;
	/* Never ahead of the clock: later TSvals must not be smaller (RFC 7323 5.4). */
	tsval = (ctx->now_ms & ~TT_COOKIE_TS_MASK) | o;
	if ((int32_t)(tsval - ctx->now_ms) > 0)
		tsval -= 1u << TT_COOKIE_TS_BITS;
	return tsval;
}

bool
tt_syncookie_check(const struct tt_tcp_ctx *ctx, const struct tt_seg *ack,
		   struct tt_syncookie *out)
{
	uint32_t iss = ack->ack - 1, irs = ack->seq - 1;
	uint32_t t = iss >> TT_COOKIE_T_SHIFT;
	uint32_t age = (cookie_t(ctx) - t) & TT_COOKIE_T_MASK;
	uint32_t o;

	/* Made in this period or the one before. */
	if (age > 1)
		return false;
	if ((iss & TT_COOKIE_HASH_MASK) !=
	    cookie_hash(ctx, ack->daddr, ack->dport, ack->saddr, ack->sport, irs, t))
		return false;
	out->iss = iss;
	out->irs = irs;
	out->mss = tt_syncookie_mss[(iss >> TT_COOKIE_MSS_SHIFT) & TT_COOKIE_MSS_MASK];
	out->ts = (ack->opts.present & TT_OPT_TS) != 0 && ctx->cfg->tcp.timestamps;
	out->wscale = -1;
	out->sack = false;
	if (out->ts) {
		/* What the SYN-ACK's TSval carried, echoed in TSecr. */
		o = ack->opts.tsecr & TT_COOKIE_TS_MASK;
		if ((o & TT_COOKIE_TS_WS_NONE) != TT_COOKIE_TS_WS_NONE)
			out->wscale = (int)(o & TT_COOKIE_TS_WS_NONE);
		out->sack = (o & TT_COOKIE_TS_SACK) != 0;
	}
	return true;
}
