/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_SIPHASH_H_
#define _TT_SIPHASH_H_

/**
 * @file
 * SipHash-2-4 (Aumasson and Bernstein, 2012) of 12 or 16 bytes under a
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

/*
 * SipHash-2-4 of the @p n whole 8-byte blocks @p m and the last block
 * @p last (the message's remaining bytes and its length in the top byte).
 * Inlined with a constant @p n, the loop unrolls.
 */
static inline uint64_t
tt_siphash24_blocks(const uint32_t key[4], const uint64_t *m, unsigned int n, uint64_t last)
{
	uint64_t k0 = (uint64_t)key[0] | (uint64_t)key[1] << 32;
	uint64_t k1 = (uint64_t)key[2] | (uint64_t)key[3] << 32;
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t v3 = 0x7465646279746573ULL ^ k1;
	unsigned int i;

	for (i = 0; i < n; i++) {
		v3 ^= m[i]; TT_SIPROUND; TT_SIPROUND; v0 ^= m[i];
	}
	v3 ^= last; TT_SIPROUND; TT_SIPROUND; v0 ^= last;
	v2 ^= 0xff;
	TT_SIPROUND; TT_SIPROUND; TT_SIPROUND; TT_SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/** SipHash-2-4 of a 16-byte message: @p m0 (bytes 0-7), @p m1 (bytes 8-15). */
static inline uint64_t
tt_siphash24(const uint32_t key[4], uint64_t m0, uint64_t m1)
{
	const uint64_t m[2] = { m0, m1 };

	return tt_siphash24_blocks(key, m, 2, 16ULL << 56);
}

/**
 * SipHash-2-4 of a 12-byte message: @p m0 (bytes 0-7) and @p m1 (bytes
 * 8-11). The last block holds m1 and the length, so one compression less
 * than tt_siphash24() of two words: what the ISN of every connection
 * costs (RFC 6528), which needs 12 bytes of 4-tuple.
 */
static inline uint64_t
tt_siphash24_12(const uint32_t key[4], uint64_t m0, uint32_t m1)
{
	return tt_siphash24_blocks(key, &m0, 1, 12ULL << 56 | m1);
}

#endif /* _TT_SIPHASH_H_ */
