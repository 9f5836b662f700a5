/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_SEQ_H_
#define _TT_SEQ_H_

/**
 * @file
 * Sequence number arithmetic modulo 2^32 (RFC 9293 3.4, RFC 1982).
 */

#include <stdint.h>

#define TT_SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define TT_SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define TT_SEQ_GT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define TT_SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)
/* a <= x < b, modulo 2^32. */
#define TT_SEQ_IN(x, a, b) ((uint32_t)((x) - (a)) < (uint32_t)((b) - (a)))

static inline uint32_t
tt_seq_max(uint32_t a, uint32_t b)
{
	return TT_SEQ_GT(a, b) ? a : b;
}

static inline uint32_t
tt_seq_min(uint32_t a, uint32_t b)
{
	return TT_SEQ_LT(a, b) ? a : b;
}

#endif /* _TT_SEQ_H_ */
