/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_PATTERN_H_
#define _TT_PATTERN_H_

/**
 * @file
 * The body pattern: the bytes that the applications send as content (the
 * http response body, the fixed and send streams), regenerated from any
 * stream offset, so that a receiver can check them byte-exact. It is not
 * HTTP: echo clients, fixed and send streams use it too.
 */

#include <stdbool.h>
#include <stdint.h>

/** Period of the body pattern, in bytes. */
#define TT_PATTERN_PERIOD 4096

/**
 * Fill @p dst with the body pattern from stream offset @p offset. The body
 * is made of 64-byte lines: line k (k = offset / 64) holds the 63 characters
 * alphabet[(k + c) % 64] for c = 0..62, then '\n', where alphabet is
 * "0-9A-Za-z+/" (64 characters). The pattern repeats every 4096 bytes, so
 * any byte at any offset can be regenerated, and a misplaced segment shows
 * unless it moved by a multiple of 4096 bytes.
 *
 * @param dst
 *   Destination.
 * @param offset
 *   Offset in the body of the first byte.
 * @param len
 *   Bytes to write.
 */
void tt_pattern_fill(uint8_t *dst, uint64_t offset, uint32_t len);

/**
 * Check received body bytes against the pattern of tt_pattern_fill().
 *
 * @param src
 *   Received bytes.
 * @param offset
 *   Offset in the body of the first byte.
 * @param len
 *   Bytes to check.
 * @return
 *   true when all bytes match.
 */
bool tt_pattern_check(const uint8_t *src, uint64_t offset, uint32_t len);

#endif /* _TT_PATTERN_H_ */
