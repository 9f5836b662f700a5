/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_SIPHASH_H_
#define _TT_SIPHASH_H_

/**
 * @file
 * SipHash-2-4 (Aumasson and Bernstein, 2012) of two 64-bit words under a
 * 128-bit key: the keyed function behind the ISN (RFC 6528 3) and the SYN
 * cookies (RFC 4987 3.6), whose outputs an off-path attacker must not be
 * able to predict.
 */

#include <stdint.h>

#define TT_SIP_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define TT_SIPROUND do { \
	v0 += v1; v1 = TT_SIP_ROTL(v1, 13); v1 ^= v0; v0 = TT_SIP_ROTL(v0, 32); \
	v2 += v3; v3 = TT_SIP_ROTL(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = TT_SIP_ROTL(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = TT_SIP_ROTL(v1, 17); v1 ^= v2; v2 = TT_SIP_ROTL(v2, 32); \
} while (0)

static inline uint64_t
tt_siphash24(const uint32_t key[4], uint64_t m0, uint64_t m1)
{
	uint64_t k0 = (uint64_t)key[0] | (uint64_t)key[1] << 32;
	uint64_t k1 = (uint64_t)key[2] | (uint64_t)key[3] << 32;
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t v3 = 0x7465646279746573ULL ^ k1;
	uint64_t b = 16ULL << 56;

	v3 ^= m0; TT_SIPROUND; TT_SIPROUND; v0 ^= m0;
	v3 ^= m1; TT_SIPROUND; TT_SIPROUND; v0 ^= m1;
	v3 ^= b; TT_SIPROUND; TT_SIPROUND; v0 ^= b;
	v2 ^= 0xff;
	TT_SIPROUND; TT_SIPROUND; TT_SIPROUND; TT_SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

#endif /* _TT_SIPHASH_H_ */
