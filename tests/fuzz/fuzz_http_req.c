/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz harness of the HTTP request parser (lib/l7 tt_http_req.c).
 *
 * Input: a byte stream as a server receives it on one connection
 * (pipelined requests, bodies, garbage). Fed whole, byte by byte, cut at
 * every offset, in random pieces and through tt_http_req_feed_cached()
 * (tt_fuzz_http.h), it must give the same requests, ending at the same
 * offsets with the same flags, and the same end; ASan and UBSan watch every
 * pass.
 */

#include <stdint.h>

#include "tt_fuzz.h"
#include "tt_fuzz_http.h"

static void
req_init(void *p, uint8_t mode)
{
	(void)mode;
	tt_http_req_init(p);
}

static enum tt_http_rc
req_feed(void *p, void *cache, const uint8_t *data, uint32_t len, uint32_t *consumed)
{
	if (cache != NULL)
		return tt_http_req_feed_cached(p, cache, data, len, consumed);
	return tt_http_req_feed(p, data, len, consumed);
}

static void
req_msg(const void *p, uint16_t *status, uint8_t *flags, uint32_t *body)
{
	const struct tt_http_req *r = p;

	*status = 0;
	*flags = r->flags & 0x0f;	/* the high nibble is the parser's own */
	*body = 0;
}

static const struct tt_fuzz_http_ops req_ops = {
	.parser_size = sizeof(struct tt_http_req),
	.cache_size = sizeof(struct tt_http_req_cache),
	.init = req_init,
	.feed = req_feed,
	.msg = req_msg,
	.eof = NULL,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	tt_fuzz_http_run(&req_ops, 0, data, (uint32_t)size);
	return 0;
}
