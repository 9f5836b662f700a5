/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The request parser of the http server (RFC 9112 sections 2 to 6): the
 * request line here, the header section in tt_http_lex.c, then the
 * framing of the content, and a cache of the last request parsed.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_branch_prediction.h>

#include "l7/tt_http.h"
#include "l7/tt_http_lex.h"

/* Empty lines accepted before a request line (RFC 9112 section 2.2). */
#define REQ_LEAD_MAX 8
/* "HEAD" as accumulated by RQ_METHOD. */
#define HEAD_WORD (((uint32_t)'H' << 24) | ((uint32_t)'E' << 16) | \
		   ((uint32_t)'A' << 8) | (uint32_t)'D')

void
tt_http_req_init(struct tt_http_req *p)
{
	p->state = RQ_START;
	p->flags = 0;
	p->n = 0;
	p->aux = 0;
}

/*
 * The steps of the parser, one per state of the request line, then the
 * header section and the content. Each one starts at *pi < len and
 * leaves the next state in p->state: S_DONE when the request is complete
 * (*pi just after it), S_ERROR with *pi at the byte rejected.
 */

/* RQ_METHOD: the method, uppercase letters up to the SP. */
static inline void
req_method(struct tt_http_req *p, const uint8_t *data, uint32_t len, uint32_t *pi)
{
	uint32_t i = *pi, n = p->n, a = p->aux;

	while (i < len && IS_UPPER(data[i])) {
		if (n == TT_HTTP_METHOD_MAX) {
			*pi = i;
			p->state = S_ERROR;
			return;
		}
		if (n < 4)
			a = (a << 8) | data[i];
		n++;
		i++;
	}
	*pi = i;
	p->n = n;
	p->aux = a;
	if (i == len)
		return;
	/* RFC 9112 section 3: method SP request-target SP version. */
	if (data[i] != ' ' || n == 0) {
		p->state = S_ERROR;
		return;
	}
	if (n == 4 && a == HEAD_WORD)
		p->flags |= TT_HTTP_F_HEAD;
	*pi = i + 1;
	p->n = 0;
	p->state = RQ_TARGET;
}

/* RQ_TARGET: the request-target, visible characters up to the SP. */
static inline void
req_target(struct tt_http_req *p, const uint8_t *data, uint32_t len, uint32_t *pi)
{
	uint32_t i = *pi, s = i, e, n = p->n;

	e = i + RTE_MIN(len - i, TT_HTTP_TARGET_MAX - n);
	while (i < e && IS_VCHAR(data[i]))
		i++;
	n += i - s;
	p->n = n;
	*pi = i;
	if (i == len)
		return;
	/* Too long if still visible: RFC 9112 section 3 would answer 414,
	 * we answer 400. */
	if (data[i] != ' ' || n == 0) {
		p->state = S_ERROR;
		return;
	}
	*pi = i + 1;
	p->n = 0;
	p->state = RQ_VERSION;
}

/* RQ_VERSION: "HTTP/1.0" or "HTTP/1.1". */
static inline void
req_version(struct tt_http_req *p, const uint8_t *data, uint32_t len, uint32_t *pi)
{
	uint32_t i = *pi;
	uint8_t ch = data[i];

	/* RFC 9112 section 2.3: case-sensitive; we speak 1.0 and 1.1. */
	if (p->n == 0 && len - i >= 8 && memcmp(data + i, "HTTP/1.", 7) == 0 &&
	    (data[i + 7] == '0' || data[i + 7] == '1')) {
		/* Fast path: the whole version is here. */
		if (data[i + 7] == '1')
			p->flags |= F_V11;
		p->n = 8;
		p->state = RQ_EOL;
		*pi = i + 8;
		return;
	}
	if (p->n < 7) {
		if (ch != (uint8_t)"HTTP/1."[p->n]) {
			p->state = S_ERROR;
			return;
		}
	} else if (ch == '1') {
		p->flags |= F_V11;
		p->state = RQ_EOL;
	} else if (ch == '0') {
		p->state = RQ_EOL;
	} else {
		p->state = S_ERROR;
		return;
	}
	p->n++;
	*pi = i + 1;
}

/*
 * H_*: the header section, at most TT_HTTP_REQ_HDR_MAX bytes, then the
 * framing of the content.
 */
static inline void
req_head(struct tt_http_req *p, const uint8_t *data, uint32_t len, uint32_t *pi)
{
	uint32_t i = *pi, n = p->n, used, win;
	unsigned int fl;
	uint8_t st8;
	int rc;

	/* Run over the room left; input left over after it means the
	 * section is too long (RFC 9112 section 5 lets a server answer 400
	 * or 431). */
	win = RTE_MIN(len - i, TT_HTTP_REQ_HDR_MAX - n);
	st8 = p->state;
	rc = tt_http_hdr_run(&st8, &p->flags, &p->aux, TT_HTTP_REQ_BODY_MAX, true,
			     data + i, win, &used);
	p->state = st8;
	i += used;
	*pi = i;
	p->n = n + used;
	if (rc == HR_ERR || (rc == HR_MORE && i < len)) {
		p->state = S_ERROR;
		return;
	}
	if (rc == HR_MORE)
		return;
	/* End of the head. RFC 9112 section 9.3: HTTP/1.1 is persistent
	 * unless "close"; HTTP/1.0 only with "keep-alive" (section 9.3 and
	 * appendix C.2.2). */
	fl = p->flags;
	if (!(fl & F_CLOSE) && ((fl & F_V11) || (fl & F_KA)))
		fl |= TT_HTTP_F_KEEPALIVE;
	p->flags = fl & F_PUBLIC;
	/* RFC 9112 section 6.3 item 6 and 7: Content-Length or none. */
	if (p->aux == 0) {
		p->state = S_DONE;
		return;
	}
	p->state = RQ_BODY;
}

enum tt_http_rc
tt_http_req_feed(struct tt_http_req *p, const uint8_t *data, uint32_t len,
		 uint32_t *consumed)
{
	uint32_t i = 0, take;

	if (p->state == S_DONE)
		tt_http_req_init(p);
	if (unlikely(p->state == S_ERROR)) {
		*consumed = 0;
		return TT_HTTP_ERROR;
	}
	while (i < len) {
		uint8_t ch = data[i];

		switch (p->state) {
		case RQ_START:
			if (ch == '\r' || ch == '\n') {
				if (++p->n > REQ_LEAD_MAX)
					goto err;
				i++;
				break;
			}
			p->n = 0;
			p->state = RQ_METHOD;
			/* fall through */
		case RQ_METHOD:
			req_method(p, data, len, &i);
			break;
		case RQ_TARGET:
			req_target(p, data, len, &i);
			break;
		case RQ_VERSION:
			req_version(p, data, len, &i);
			break;
		case RQ_EOL:
			/* RFC 9112 section 2.2: a bare LF may end a line. */
			if (ch == '\r') {
				p->state = RQ_LF;
				i++;
				break;
			}
			/* fall through */
		case RQ_LF:
			if (ch != '\n')
				goto err;
			i++;
			p->state = H_LINE;
			p->n = 0;
			p->aux = 0;
			break;
		case RQ_BODY:
			take = RTE_MIN(p->aux, len - i);
			i += take;
			p->aux -= take;
			if (p->aux == 0)
				goto done;
			break;
		case S_DONE:
			goto done;
		case S_ERROR:
			goto err;
		default:
			if (unlikely(p->state < H_LINE))
				goto err;
			req_head(p, data, len, &i);
			break;
		}
	}
	if (p->state == S_DONE)
		goto done;
	if (unlikely(p->state == S_ERROR))
		goto err;
	*consumed = len;
	return TT_HTTP_MORE;
done:
	p->state = S_DONE;
	*consumed = i;
	return TT_HTTP_DONE;
err:
	p->state = S_ERROR;
	*consumed = i;
	return TT_HTTP_ERROR;
}

enum tt_http_rc
tt_http_req_feed_cached(struct tt_http_req *p, struct tt_http_req_cache *rc_cache,
			const uint8_t *data, uint32_t len, uint32_t *consumed)
{
	enum tt_http_rc rc;
	bool at_start;

	if (p->state == S_DONE)
		tt_http_req_init(p);
	at_start = p->state == RQ_START && p->n == 0 && p->aux == 0 && p->flags == 0;
	if (at_start && rc_cache->len != 0 && len >= rc_cache->len &&
	    memcmp(data, rc_cache->head, rc_cache->len) == 0) {
		p->state = S_DONE;
		p->flags = rc_cache->flags;
		*consumed = rc_cache->len;
		return TT_HTTP_DONE;
	}
	rc = tt_http_req_feed(p, data, len, consumed);
	if (rc == TT_HTTP_DONE && at_start && *consumed <= sizeof(rc_cache->head)) {
		memcpy(rc_cache->head, data, *consumed);
		rc_cache->len = (uint16_t)*consumed;
		rc_cache->flags = p->flags;
	}
	return rc;
}
