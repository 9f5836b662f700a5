/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The response parser of the http client (RFC 9112 sections 4 to 7): the
 * status line here, the header section in tt_http_lex.c, then the content
 * (Content-Length, chunked with its trailer section, or until close), and a
 * cache of the last response head parsed.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_branch_prediction.h>

#include "l7/tt_http.h"
#include "l7/tt_http_lex.h"

void
tt_http_resp_init(struct tt_http_resp *p)
{
	p->state = RS_VERSION;
	p->flags = 0;
	p->status = 0;
	p->remaining = 0;
	p->aux = 0;
}

void
tt_http_resp_init_head(struct tt_http_resp *p)
{
	tt_http_resp_init(p);
	p->flags = TT_HTTP_F_HEAD;
}

/*
 * Trailer section (RFC 9112 section 7.1.2): field lines we consume without
 * interpreting (RFC 9110 section 6.5.1 forbids framing fields there). Same
 * conventions as tt_http_hdr_run().
 */
static int
tr_run(uint8_t *pst, const uint8_t *d, uint32_t len, uint32_t *used)
{
	unsigned int st = *pst;
	uint32_t i = 0;
	int rc = HR_MORE;

	while (i < len) {
		uint8_t ch = d[i];

		switch (st) {
		case TR_LINE:
			if (ch == '\r') {
				st = TR_END_LF;
			} else if (ch == '\n') {
				i++;
				rc = HR_END;
				goto out;
			} else if (IS_TCHAR(ch)) {
				st = TR_NAME;
			} else if (IS_OWS(ch)) {
				st = TR_VALUE;	/* obs-fold, consumed */
			} else {
				goto err;
			}
			i++;
			break;
		case TR_NAME:
			while (i < len && IS_TCHAR(d[i]))
				i++;
			if (i == len)
				break;
			if (d[i] != ':')
				goto err;
			st = TR_VALUE;
			i++;
			break;
		case TR_VALUE:
			while (i < len && IS_FVAL(d[i]))
				i++;
			if (i == len)
				break;
			if (d[i] == '\r')
				st = TR_CR;
			else if (d[i] == '\n')
				st = TR_LINE;
			else
				goto err;
			i++;
			break;
		case TR_CR:
			if (ch != '\n')
				goto err;
			st = TR_LINE;
			i++;
			break;
		case TR_END_LF:
			if (ch != '\n')
				goto err;
			i++;
			rc = HR_END;
			goto out;
		default:
			goto err;
		}
	}
out:
	*pst = st;
	*used = i;
	return rc;
err:
	*used = i;
	return HR_ERR;
}

/*
 * The response head is complete: choose the framing of the content
 * (RFC 9112 section 6.3). Returns the next state, S_DONE for no content,
 * S_ERROR when the framing is invalid.
 */
static inline unsigned int
resp_head_end(struct tt_http_resp *p)
{
	unsigned int fl = p->flags;
	unsigned int te = fl & (TT_HTTP_F_CHUNKED | TT_HTTP_F_UNTIL_CLOSE);
	bool ka = !(fl & F_CLOSE) && ((fl & F_V11) || (fl & F_KA));
	unsigned int st;

	p->aux = 0;	/* now counts body bytes */
	if ((fl & TT_HTTP_F_HEAD) || p->status < 200 || p->status == 204 ||
	    p->status == 304) {
		/* Item 1: no content, whatever the fields say. */
		fl &= ~(TT_HTTP_F_CHUNKED | TT_HTTP_F_UNTIL_CLOSE);
		p->remaining = 0;
		st = S_DONE;
	} else if (te) {
		/* Section 6.1: Transfer-Encoding in an HTTP/1.0 message means
		 * faulty framing. */
		if (!(fl & F_V11))
			return S_ERROR;
		/* Item 3: Transfer-Encoding overrides Content-Length; such a
		 * message ought to be handled as an error, so at least do not
		 * reuse the connection. */
		if (fl & F_CL)
			ka = false;
		p->remaining = 0;
		if (te & TT_HTTP_F_CHUNKED) {
			st = CH_SIZE0;
		} else {
			/* Item 4: chunked not last: read until close. */
			ka = false;
			st = RS_BODY_CLOSE;
		}
	} else if (fl & F_CL) {
		/* Item 6. */
		st = p->remaining == 0 ? S_DONE : RS_BODY_CL;
	} else {
		/* Item 8: read until close. */
		fl |= TT_HTTP_F_UNTIL_CLOSE;
		ka = false;
		st = RS_BODY_CLOSE;
	}
	p->flags = (fl & F_PUBLIC & ~TT_HTTP_F_KEEPALIVE) | (ka ? TT_HTTP_F_KEEPALIVE : 0);
	return st;
}

static inline int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * The steps of the parser, one per phase: status line, header section,
 * chunked framing, trailer section. Each one starts at *pi < len and
 * leaves the next state in p->state: S_DONE when the response is complete
 * (*pi just after it), S_ERROR with *pi at the byte rejected. aux counts the head bytes until the head ends, then the body bytes.
 */

/* RS_VERSION: "HTTP/1.x SP", then RS_CODE. */
static inline void
resp_version(struct tt_http_resp *p, const uint8_t *data, uint32_t len, uint32_t *pi)
{
	uint32_t i = *pi;
	uint8_t ch = data[i];

	/* RFC 9112 section 4: HTTP-version SP status-code. A higher minor
	 * version is handled as 1.1 (RFC 9110 section 2.5). */
	if (p->status == 0 && len - i >= 12 &&
	    memcmp(data + i, "HTTP/1.", 7) == 0 && IS_DIGIT(data[i + 7]) &&
	    data[i + 8] == ' ' && data[i + 9] >= '1' && data[i + 9] <= '9' &&
	    IS_DIGIT(data[i + 10]) && IS_DIGIT(data[i + 11])) {
		/* Fast path: version and status code are here. */
		if (data[i + 7] != '0')
			p->flags |= F_V11;
		p->status = (data[i + 9] - '0') * 100 + (data[i + 10] - '0') * 10 +
			    (data[i + 11] - '0');
		p->state = RS_CODE;
		*pi = i + 12;
		p->aux += 12;
		return;
	}
	if (p->status < 7) {
		if (ch != (uint8_t)"HTTP/1."[p->status]) {
			p->state = S_ERROR;
			return;
		}
	} else if (p->status == 7) {
		if (!IS_DIGIT(ch)) {
			p->state = S_ERROR;
			return;
		}
		if (ch != '0')
			p->flags |= F_V11;
	} else {
		if (ch != ' ') {
			p->state = S_ERROR;
			return;
		}
		p->status = 0;
		p->state = RS_CODE;
		*pi = i + 1;
		p->aux++;
		return;
	}
	p->status++;
	*pi = i + 1;
	p->aux++;
}

/* RS_CODE: the status code, then what ends it. */
static inline void
resp_code(struct tt_http_resp *p, uint8_t ch, uint32_t *pi)
{
	/* status-code = 3DIGIT, 100..999 (RFC 9110 section 15). */
	if (p->status >= 100) {
		/* The reason phrase may be empty; some servers even leave
		 * out the SP before it. */
		if (ch == ' ') {
			p->state = RS_REASON;
		} else if (ch == '\r') {
			p->state = RS_LF;
		} else if (ch == '\n') {
			p->state = H_LINE;
		} else {
			p->state = S_ERROR;
			return;
		}
	} else {
		if (!IS_DIGIT(ch) || (p->status == 0 && ch == '0')) {
			p->state = S_ERROR;
			return;
		}
		p->status = p->status * 10 + (ch - '0');
	}
	(*pi)++;
	p->aux++;
}

/* RS_REASON: the reason phrase, up to the line end. */
static inline void
resp_reason(struct tt_http_resp *p, const uint8_t *data, uint32_t len, uint32_t *pi)
{
	uint32_t i = *pi, s = i, e;

	e = RTE_MIN(len - i, TT_HTTP_RESP_HDR_MAX - p->aux) + i;
	while (i < e && IS_FVAL(data[i]))
		i++;
	p->aux += i - s;
	*pi = i;
	if (i == len)
		return;
	if (p->aux == TT_HTTP_RESP_HDR_MAX) {
		p->state = S_ERROR;
		return;
	}
	if (data[i] == '\r') {
		p->state = RS_LF;
	} else if (data[i] == '\n') {
		p->state = H_LINE;
	} else {
		p->state = S_ERROR;
		return;
	}
	*pi = i + 1;
	p->aux++;
}

/* H_*: the header section, at most TT_HTTP_RESP_HDR_MAX bytes of head,
 * then the framing of the content. */
static inline void
resp_head(struct tt_http_resp *p, const uint8_t *data, uint32_t len, uint32_t *pi)
{
	uint32_t i = *pi, used, win;
	uint8_t st8;
	int rc;

	win = RTE_MIN(len - i, TT_HTTP_RESP_HDR_MAX - p->aux);
	st8 = p->state;
	rc = tt_http_hdr_run(&st8, &p->flags, &p->remaining, UINT32_MAX, false,
			     data + i, win, &used);
	p->state = st8;
	i += used;
	*pi = i;
	p->aux += used;
	if (rc == HR_ERR || (rc == HR_MORE && i < len)) {
		p->state = S_ERROR;
		return;
	}
	if (rc == HR_MORE)
		return;
	p->state = resp_head_end(p);
}

/* The line of a chunk size ended: its data follow, or after the last
 * chunk the trailer section. */
static inline void
chunk_line_end(struct tt_http_resp *p)
{
	if (p->remaining == 0) {
		/* last-chunk: the trailer section follows. */
		p->state = TR_LINE;
	} else {
		p->state = CH_DATA;
	}
}

/* CH_SIZE0, CH_SIZE: the chunk size, then what ends it. */
static inline void
resp_chunk_size(struct tt_http_resp *p, uint8_t ch, uint32_t *pi)
{
	int h = hexval(ch);

	if (p->state == CH_SIZE0) {
		/* chunk-size = 1*HEXDIG (RFC 9112 section 7.1). */
		if (h < 0) {
			p->state = S_ERROR;
			return;
		}
		p->remaining = h;
		p->state = CH_SIZE;
	} else if (h >= 0) {
		if (p->remaining > UINT32_MAX >> 4) {
			p->state = S_ERROR;	/* chunk of 2^32 bytes or more */
			return;
		}
		p->remaining = p->remaining * 16 + h;
	} else if (ch == ';' || IS_OWS(ch)) {
		/* chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS val ] ):
		 * extensions are ignored (section 7.1.1). */
		p->state = CH_EXT;
	} else if (ch == '\r') {
		p->state = CH_SIZE_LF;
	} else if (ch == '\n') {
		chunk_line_end(p);
	} else {
		p->state = S_ERROR;
		return;
	}
	(*pi)++;
}

/* CH_EXT: chunk extensions, ignored up to the line end. */
static inline void
resp_chunk_ext(struct tt_http_resp *p, const uint8_t *data, uint32_t len, uint32_t *pi)
{
	uint32_t i = *pi;

	while (i < len && IS_FVAL(data[i]))
		i++;
	*pi = i;
	if (i == len)
		return;
	if (data[i] == '\r') {
		p->state = CH_SIZE_LF;
	} else if (data[i] == '\n') {
		chunk_line_end(p);
	} else {
		p->state = S_ERROR;
		return;
	}
	*pi = i + 1;
}

/* TR_*: the trailer section after the last chunk, at most
 * TT_HTTP_RESP_HDR_MAX bytes. */
static inline void
resp_trailer(struct tt_http_resp *p, const uint8_t *data, uint32_t len, uint32_t *pi)
{
	uint32_t i = *pi, used, win;
	uint8_t st8;
	int rc;

	/* remaining counts trailer bytes (it is 0 after the last chunk). */
	win = RTE_MIN(len - i, TT_HTTP_RESP_HDR_MAX - p->remaining);
	st8 = p->state;
	rc = tr_run(&st8, data + i, win, &used);
	p->state = st8;
	i += used;
	*pi = i;
	p->remaining += used;
	if (rc == HR_ERR || (rc == HR_MORE && i < len)) {
		p->state = S_ERROR;
	} else if (rc == HR_END) {
		p->remaining = 0;
		p->state = S_DONE;
	}
}

enum tt_http_rc
tt_http_resp_feed(struct tt_http_resp *p, const uint8_t *data, uint32_t len,
		  uint32_t *consumed)
{
	uint32_t i = 0, take;

	if (p->state == S_DONE)
		tt_http_resp_init(p);
	if (unlikely(p->state == S_ERROR)) {
		*consumed = 0;
		return TT_HTTP_ERROR;
	}
	while (i < len) {
		uint8_t ch = data[i];

		switch (p->state) {
		case RS_VERSION:
			resp_version(p, data, len, &i);
			break;
		case RS_CODE:
			resp_code(p, ch, &i);
			break;
		case RS_REASON:
			resp_reason(p, data, len, &i);
			break;
		case RS_LF:
			if (ch != '\n' || p->aux == TT_HTTP_RESP_HDR_MAX)
				goto err;
			p->state = H_LINE;
			i++;
			p->aux++;
			break;
		case RS_BODY_CL:
			take = RTE_MIN(p->remaining, len - i);
			i += take;
			p->aux += take;
			p->remaining -= take;
			if (p->remaining == 0)
				goto done;
			break;
		case RS_BODY_CLOSE:
			p->aux += len - i;
			i = len;
			break;
		case CH_SIZE0:
		case CH_SIZE:
			resp_chunk_size(p, ch, &i);
			break;
		case CH_EXT:
			resp_chunk_ext(p, data, len, &i);
			break;
		case CH_SIZE_LF:
			if (ch != '\n')
				goto err;
			chunk_line_end(p);
			i++;
			break;
		case CH_DATA:
			take = RTE_MIN(p->remaining, len - i);
			i += take;
			p->aux += take;
			p->remaining -= take;
			if (p->remaining == 0)
				p->state = CH_DATA_CR;
			break;
		case CH_DATA_CR:
			if (ch == '\r') {
				p->state = CH_DATA_LF;
				i++;
				break;
			}
			/* A bare LF is accepted too. */
			/* fall through */
		case CH_DATA_LF:
			if (ch != '\n')
				goto err;
			p->state = CH_SIZE0;
			i++;
			break;
		case TR_LINE:
		case TR_NAME:
		case TR_VALUE:
		case TR_CR:
		case TR_END_LF:
			resp_trailer(p, data, len, &i);
			break;
		case S_DONE:
			goto done;
		case S_ERROR:
			goto err;
		default:
			if (unlikely(p->state < H_LINE))
				goto err;
			resp_head(p, data, len, &i);
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
tt_http_resp_feed_cached(struct tt_http_resp *p, struct tt_http_head_cache *hc,
			 const uint8_t *data, uint32_t len, uint32_t *consumed)
{
	enum tt_http_rc rc;
	uint32_t used, body, head;
	bool at_start;

	if (p->state == S_DONE)
		tt_http_resp_init(p);
	/* Just initialised: nothing of this response seen, not a HEAD response. */
	at_start = p->state == RS_VERSION && p->aux == 0 && p->status == 0 && p->flags == 0;
	if (at_start && hc->len != 0 && len >= hc->len &&
	    memcmp(data, hc->head, hc->len) == 0) {
		p->flags = hc->flags;
		p->status = hc->status;
		p->remaining = hc->content_length;
		p->aux = 0;
		if (p->remaining == 0) {
			p->state = S_DONE;
			*consumed = hc->len;
			return TT_HTTP_DONE;
		}
		p->state = RS_BODY_CL;
		rc = tt_http_resp_feed(p, data + hc->len, len - hc->len, &used);
		*consumed = hc->len + used;
		return rc;
	}
	rc = tt_http_resp_feed(p, data, len, consumed);
	if (rc == TT_HTTP_DONE && at_start && p->status >= 200 &&
	    !(p->flags & (TT_HTTP_F_CHUNKED | TT_HTTP_F_UNTIL_CLOSE))) {
		body = tt_http_resp_body_bytes(p);
		head = *consumed - body;
		if (head > 0 && head <= sizeof(hc->head)) {
			memcpy(hc->head, data, head);
			hc->len = (uint16_t)head;
			hc->status = p->status;
			hc->flags = p->flags;
			hc->content_length = body;
		}
	}
	return rc;
}

enum tt_http_rc
tt_http_resp_eof(struct tt_http_resp *p)
{
	if (p->state == RS_BODY_CLOSE) {
		p->state = S_DONE;
		return TT_HTTP_DONE;
	}
	if (p->state == S_DONE || (p->state == RS_VERSION && p->status == 0))
		return TT_HTTP_MORE;
	/* Truncated: the state is kept, so the body bytes stay readable. */
	return TT_HTTP_ERROR;
}

uint32_t
tt_http_resp_body_bytes(const struct tt_http_resp *p)
{
	return p->state >= RS_BODY_CL && p->state <= S_DONE ? p->aux : 0;
}
