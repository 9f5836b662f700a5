/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_FUZZ_HTTP_H_
#define _TT_FUZZ_HTTP_H_

/**
 * @file
 * The driver shared by the HTTP request and response harnesses
 * (fuzz_http_req.c, fuzz_http_resp.c): it feeds one byte stream to a
 * parser in many ways and checks that every way gives the same outcome:
 * the same messages, ending at the same offsets of the stream, with the
 * same flags, status and body bytes, and the same end (more wanted, or an
 * error at the same offset; for responses, the same result at EOF).
 *
 * The ways: the whole stream at once; one byte a call; split once at
 * every offset (streams up to 32 bytes; for longer ones at 8 pseudo-random
 * offsets, at the end of each of the first 4 messages and where an error
 * was found: one byte a call already puts a boundary at every offset); in
 * pseudo-random pieces; and through
 * the cached feed functions, with the cache empty, then filled by earlier
 * passes, then by a pass in pieces.
 */

#include <stdbool.h>
#include <stdint.h>

#include "l7/tt_http.h"

/** A parser as the driver sees it. */
struct tt_fuzz_http_ops {
	/** Bytes of the parser's state and of its cache. */
	size_t parser_size;
	size_t cache_size;
	/** Prepare @p p for the stream's first message; @p mode is the harness's. */
	void (*init)(void *p, uint8_t mode);
	/** The feed function: uncached when @p cache is NULL. */
	enum tt_http_rc (*feed)(void *p, void *cache, const uint8_t *data, uint32_t len,
				uint32_t *consumed);
	/** Status (0 for requests), flags and body bytes of a completed message. */
	void (*msg)(const void *p, uint16_t *status, uint8_t *flags, uint32_t *body);
	/** The end of the stream (a FIN), or NULL where it means nothing. */
	enum tt_http_rc (*eof)(void *p);
};

/** Run every way of feeding @p data (@p len bytes) and compare the outcomes. */
void tt_fuzz_http_run(const struct tt_fuzz_http_ops *ops, uint8_t mode,
		      const uint8_t *data, uint32_t len);

#endif /* _TT_FUZZ_HTTP_H_ */
