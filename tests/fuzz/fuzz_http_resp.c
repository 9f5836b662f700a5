/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz harness of the HTTP response parser (lib/l7 tt_http_resp.c).
 *
 * Input: one byte of mode (bit 0: the first response answers a HEAD
 * request, tt_http_resp_init_head()), then a byte stream as a client
 * receives it on one connection (1xx, pipelined responses, chunked and
 * close-delimited bodies, garbage), ended by the server's FIN
 * (tt_http_resp_eof()). Fed whole, byte by byte, cut at every offset, in
 * random pieces and through tt_http_resp_feed_cached() (tt_fuzz_http.h),
 * it must give the same responses, ending at the same offsets with the
 * same status, flags and body bytes, and the same end.
 */

#include <stdint.h>

#include "tt_fuzz.h"
#include "tt_fuzz_http.h"

static void
resp_init(void *p, uint8_t mode)
{
	if (mode & 1)
		tt_http_resp_init_head(p);
	else
		tt_http_resp_init(p);
}

static enum tt_http_rc
resp_feed(void *p, void *cache, const uint8_t *data, uint32_t len, uint32_t *consumed)
{
	if (cache != NULL)
		return tt_http_resp_feed_cached(p, cache, data, len, consumed);
	return tt_http_resp_feed(p, data, len, consumed);
}

static void
resp_msg(const void *p, uint16_t *status, uint8_t *flags, uint32_t *body)
{
	const struct tt_http_resp *r = p;

	*status = r->status;
	*flags = r->flags & 0x0f;	/* the high nibble is the parser's own */
	*body = tt_http_resp_body_bytes(r);
}

static enum tt_http_rc
resp_eof(void *p)
{
	return tt_http_resp_eof(p);
}

static const struct tt_fuzz_http_ops resp_ops = {
	.parser_size = sizeof(struct tt_http_resp),
	.cache_size = sizeof(struct tt_http_head_cache),
	.init = resp_init,
	.feed = resp_feed,
	.msg = resp_msg,
	.eof = resp_eof,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	tt_fuzz_http_run(&resp_ops, data[0], data + 1, (uint32_t)(size - 1));
	return 0;
}
