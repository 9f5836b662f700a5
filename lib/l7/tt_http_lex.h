/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_HTTP_LEX_H_
#define _TT_HTTP_LEX_H_

/*
 * Private to the HTTP parsers (lib/l7/tt_http_*.c): the character classes,
 * the private flags, the parser states both parsers share, and the header
 * section machine (RFC 9112 section 5) that runs inside both.
 *
 * Both parsers are explicit state machines whose state is one byte plus a
 * few counters, so they fit in a connection block and never buffer input.
 * Every state that can see a long run of bytes (request-target, field names
 * and values, bodies) consumes it in a tight loop over a character-class
 * table; the switch is entered again only at token boundaries.
 *
 * Parametrised states: matching a field name against the few names we
 * interpret, a list element against the few options we interpret, and a
 * duplicate Content-Length against the first one needs a position. There is
 * no room for it in struct tt_http_req, so it is folded into the state
 * byte: H_NAME + candidate * HN_SLOTS + position, H_TOK + candidate *
 * TK_SLOTS + position and H_CLD + digits matched.
 */

#include <stdbool.h>
#include <stdint.h>

/* Character classes: RFC 9110 section 5.6.2 (tchar), section 5.5 (field
 * value: VCHAR, obs-text, SP, HTAB), digits, hex digits, uppercase. */
#define CT_TCHAR 0x01
#define CT_FVAL 0x02
#define CT_DIGIT 0x04
#define CT_HEX 0x08
#define CT_UPPER 0x10

/* The class of every byte value (tt_http_lex.c). */
extern const uint8_t tt_http_ctype[256];

#define IS_TCHAR(c) (tt_http_ctype[(uint8_t)(c)] & CT_TCHAR)
#define IS_FVAL(c) (tt_http_ctype[(uint8_t)(c)] & CT_FVAL)
#define IS_DIGIT(c) (tt_http_ctype[(uint8_t)(c)] & CT_DIGIT)
#define IS_UPPER(c) (tt_http_ctype[(uint8_t)(c)] & CT_UPPER)
#define IS_OWS(c) ((c) == ' ' || (c) == '\t')
/* Visible ASCII (VCHAR), the request-target alphabet we accept. */
#define IS_VCHAR(c) ((uint8_t)((c) - 0x21) < 0x5e)

/* Field names interpreted (RFC 9110 section 5.1: case-insensitive). */
enum { HN_CONN, HN_CL, HN_TE, HN_N };
#define HN_SLOTS 18	/* positions 0..17 */

/* List elements interpreted: connection options (RFC 9110 section 7.6.1)
 * and the chunked transfer coding (RFC 9112 section 7). Connection uses
 * TK_CLOSE..TK_KA, Transfer-Encoding TK_CHUNKED only. */
enum { TK_CLOSE, TK_KA, TK_CHUNKED, TK_N };
#define TK_SLOTS 11	/* positions 0..10 */

/* Private flags (high nibble of the flags byte). */
#define F_V11 0x10	/* HTTP/1.1 (or a later 1.x for responses) */
#define F_CLOSE 0x20	/* Connection: close seen */
#define F_KA 0x40	/* Connection: keep-alive seen */
#define F_CL 0x80	/* Content-Length seen */
#define F_PUBLIC 0x0f

/* Parser states. */
enum {
	/* Request line (RFC 9112 section 3). */
	RQ_START = 0,	/* empty lines before the request line; n = bytes */
	RQ_METHOD,	/* n = length, aux = first 4 characters */
	RQ_TARGET,	/* n = length */
	RQ_VERSION,	/* n = position in "HTTP/1.x" */
	RQ_EOL,
	RQ_LF,
	RQ_BODY,	/* aux = content bytes left */
	/* Status line (RFC 9112 section 4); aux counts head bytes. */
	RS_VERSION,	/* status = position in "HTTP/1.x " */
	RS_CODE,	/* status = value so far */
	RS_REASON,
	RS_LF,
	/* Response content: from here to S_DONE aux counts body bytes. */
	RS_BODY_CL,	/* remaining = content bytes left */
	RS_BODY_CLOSE,
	/* Chunked (RFC 9112 section 7.1); remaining = chunk size / left. */
	CH_SIZE0,
	CH_SIZE,
	CH_EXT,
	CH_SIZE_LF,
	CH_DATA,
	CH_DATA_CR,
	CH_DATA_LF,
	/* Trailer section (RFC 9112 section 7.1.2); remaining counts bytes. */
	TR_LINE,
	TR_NAME,
	TR_VALUE,
	TR_CR,
	TR_END_LF,
	S_DONE,
	S_ERROR,
	/* Header section (RFC 9112 section 5), shared by both parsers. */
	H_LINE,		/* start of a field line or of the empty line */
	H_END_LF,	/* CR of the empty line seen */
	H_NAME_OTHER,	/* a field name we do not interpret */
	H_VALUE,	/* a field value we do not interpret */
	H_CR,		/* CR at the end of a field line seen */
	H_SEP_CONN,	/* Connection: between list elements */
	H_SEP_TE,	/* Transfer-Encoding: between list elements */
	H_SKIP_CONN,	/* Connection: in an element we do not interpret */
	H_SKIP_TE,	/* Transfer-Encoding: in a coding other than chunked */
	H_CL_FIRST,	/* Content-Length: before an element's first digit */
	H_CL_DIG,	/* Content-Length: in the first value */
	H_CL_TAIL,	/* Content-Length: after an element */
	H_CLD,		/* + k: in a repeated value, k significant digits matched */
	H_NAME = H_CLD + 11,			/* + cand * HN_SLOTS + pos */
	H_TOK = H_NAME + HN_N * HN_SLOTS,	/* + cand * TK_SLOTS + pos */
	S_END = H_TOK + TK_N * TK_SLOTS,
};
_Static_assert(S_END <= 256, "HTTP parser states must fit in a byte");

/* Header section results. */
#define HR_MORE 0
#define HR_END 1
#define HR_ERR (-1)

/*
 * Run the header section machine (RFC 9112 section 5, RFC 9110 section 5)
 * over @p len bytes from state *pst (H_LINE at the start of the section).
 * Interprets Connection, Content-Length (value into *pcl, at most
 * @p cl_max) and, for responses (@p req false), Transfer-Encoding. Returns
 * HR_END after the empty line (*used = bytes up to and including it, *pst
 * = S_DONE), HR_MORE when all bytes were used, HR_ERR at a malformed byte
 * (*used = its offset; *pst and *pcl are then left as they were).
 */
int tt_http_hdr_run(uint8_t *pst, uint8_t *pfl, uint32_t *pcl, uint32_t cl_max, bool req,
		    const uint8_t *d, uint32_t len, uint32_t *used);

#endif /* _TT_HTTP_LEX_H_ */
