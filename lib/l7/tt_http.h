/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_HTTP_H_
#define _TT_HTTP_H_

/**
 * @file
 * Incremental HTTP/1.x parsers and builders for the http server and client
 * applications (RFC 9110 semantics, RFC 9112 message syntax).
 *
 * The parsers keep no copy of the input: their whole state is a few bytes
 * embedded in every connection block (struct tt_http_req is 8 bytes,
 * struct tt_http_resp 12). Input may be split at any byte boundary across
 * calls; feeding a message byte by byte gives the same result as feeding it
 * in one piece. Nothing here allocates, locks or needs the EAL.
 *
 * Calling convention of both feed functions: they consume input until a
 * message is complete (TT_HTTP_DONE, *consumed says how many bytes of this
 * call belonged to it; call again with the rest for pipelined messages),
 * until the input is used up (TT_HTTP_MORE, *consumed == len) or until the
 * input is malformed (TT_HTTP_ERROR, *consumed is the offset of the byte
 * that was rejected, or of the end of a head whose framing is invalid). After DONE the parser keeps the message's flags and
 * status readable until the next feed call, which starts a new message
 * (automatic reset). After ERROR the parser stays in error until it is
 * re-initialised: the connection is to be closed.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Result of a parser feed call. */
enum tt_http_rc {
	TT_HTTP_ERROR = -1,	/**< malformed message: answer 400 / fail, close */
	TT_HTTP_MORE = 0,	/**< all input consumed, message not complete */
	TT_HTTP_DONE = 1,	/**< one message complete */
};

/**
 * Message flags, valid after TT_HTTP_DONE (in struct tt_http_req.flags and
 * struct tt_http_resp.flags). The high nibble is private to the parser.
 */
/** The connection stays open after this message (RFC 9112 section 9.3). */
#define TT_HTTP_F_KEEPALIVE	0x01
/** Request: the method is HEAD, the response has no content (RFC 9110
 * section 9.3.2). Response: the request was HEAD (tt_http_resp_init_head). */
#define TT_HTTP_F_HEAD		0x02
/** Response: the body ends when the server closes the connection
 * (RFC 9112 section 6.3 items 4 and 8); finish it with tt_http_resp_eof(). */
#define TT_HTTP_F_UNTIL_CLOSE	0x04
/** Response: the body uses the chunked transfer coding (RFC 9112 section 7.1). */
#define TT_HTTP_F_CHUNKED	0x08

/** Longest method accepted (uppercase letters only). */
#define TT_HTTP_METHOD_MAX	16
/** Longest request-target accepted (RFC 9112 section 3 asks for at least 8000). */
#define TT_HTTP_TARGET_MAX	8192
/** Largest request header section (field lines and the empty line). */
#define TT_HTTP_REQ_HDR_MAX	16384
/** Largest response head (status line, field lines), and trailer section. */
#define TT_HTTP_RESP_HDR_MAX	65536
/** Largest request Content-Length accepted. */
#define TT_HTTP_REQ_BODY_MAX	(UINT32_C(1) << 31)

/**
 * Request parser state (server side). All fields are private to the parser
 * except @p flags, which is meaningful after TT_HTTP_DONE.
 */
struct tt_http_req {
	uint8_t state;
	uint8_t flags;		/**< TT_HTTP_F_KEEPALIVE, TT_HTTP_F_HEAD */
	uint16_t n;		/**< private: position / header bytes */
	uint32_t aux;		/**< private: method prefix / Content-Length / body left */
};

/**
 * Response parser state (client side). All fields are private to the parser
 * except @p flags and @p status, meaningful after TT_HTTP_DONE (status also
 * as soon as the status line is parsed), and the accessors below.
 */
struct tt_http_resp {
	uint8_t state;
	uint8_t flags;		/**< TT_HTTP_F_* */
	uint16_t status;	/**< status code, 100..999 */
	uint32_t remaining;	/**< private: Content-Length / chunk bytes left */
	uint32_t aux;		/**< private: head bytes, then body bytes seen */
};

_Static_assert(sizeof(struct tt_http_req) <= 8, "tt_http_req must stay small");
_Static_assert(sizeof(struct tt_http_resp) <= 12, "tt_http_resp must stay small");

/**
 * Prepare a request parser for a new request.
 *
 * @param p
 *   Parser state.
 */
void tt_http_req_init(struct tt_http_req *p);

/**
 * Feed received bytes to a request parser (RFC 9112 sections 2 to 6).
 *
 * Accepted: optional empty lines before the request line (RFC 9112 section
 * 2.2); a method of 1..16 uppercase letters, one SP, a request-target of
 * 1..8192 visible ASCII characters, one SP, "HTTP/1.0" or "HTTP/1.1", CRLF
 * or a bare LF; field lines "name: value" with a token name and no
 * whitespace before the colon; at most TT_HTTP_REQ_HDR_MAX bytes of header
 * section. Connection (close / keep-alive options) and Content-Length are
 * interpreted; a body announced by Content-Length is consumed and skipped.
 * Rejected: obsolete line folding, Transfer-Encoding (see tt_http_lex.c),
 * invalid or conflicting Content-Length, control characters.
 *
 * @param p
 *   Parser state.
 * @param data
 *   Received bytes.
 * @param len
 *   Number of bytes at @p data.
 * @param consumed
 *   Out: bytes of @p data used (see the file comment).
 * @return
 *   TT_HTTP_MORE, TT_HTTP_DONE or TT_HTTP_ERROR.
 */
enum tt_http_rc tt_http_req_feed(struct tt_http_req *p, const uint8_t *data,
				 uint32_t len, uint32_t *consumed);

/** Longest request (head and body) that tt_http_req_feed_cached() remembers. */
#define TT_HTTP_REQ_CACHE_MAX 256

/**
 * The last request parsed in full from its start (server fast path): the
 * parser is deterministic and needs no look-ahead, so the same bytes from
 * the same starting state give the same result.
 */
struct tt_http_req_cache {
	uint16_t len;		/**< bytes, 0 = empty */
	uint8_t flags;
	uint8_t head[TT_HTTP_REQ_CACHE_MAX];
};

/**
 * tt_http_req_feed() with a cache: a request that begins at the start of
 * @p data, with the parser at the start of a request, and whose bytes are
 * exactly those of the last request completed this way, is taken by memcmp;
 * a request completed through the parser within one call is remembered.
 * Results are identical to tt_http_req_feed().
 *
 * @param p
 *   Parser state.
 * @param rc_cache
 *   Request cache (one per lcore).
 * @param data
 *   Received bytes.
 * @param len
 *   Number of bytes at @p data.
 * @param consumed
 *   Out: bytes of @p data used.
 * @return
 *   TT_HTTP_MORE, TT_HTTP_DONE or TT_HTTP_ERROR.
 */
enum tt_http_rc tt_http_req_feed_cached(struct tt_http_req *p, struct tt_http_req_cache *rc_cache,
					const uint8_t *data, uint32_t len, uint32_t *consumed);

/**
 * Prepare a response parser for a new response to a request other than HEAD.
 *
 * @param p
 *   Parser state.
 */
void tt_http_resp_init(struct tt_http_resp *p);

/**
 * Prepare a response parser for the response to a HEAD request, which has
 * no content whatever its header says (RFC 9112 section 6.3 item 1). The
 * automatic reset after TT_HTTP_DONE forgets this: call it again for every
 * response to a HEAD request.
 *
 * @param p
 *   Parser state.
 */
void tt_http_resp_init_head(struct tt_http_resp *p);

/**
 * Feed received bytes to a response parser (RFC 9112 sections 4 to 7).
 *
 * The message is complete after the status line, the header section and the
 * content: none for 1xx, 204, 304 and responses to HEAD; Content-Length
 * bytes; a chunked body with its trailer section; or, with neither, all
 * bytes until the connection closes (TT_HTTP_F_UNTIL_CLOSE: feed never
 * returns DONE, call tt_http_resp_eof() when the FIN arrives). A 1xx
 * response is returned as a message of its own: check the status and feed
 * the rest for the final response. Content-Length above UINT32_MAX and
 * chunks of 2^32 bytes or more are rejected.
 *
 * @param p
 *   Parser state.
 * @param data
 *   Received bytes.
 * @param len
 *   Number of bytes at @p data.
 * @param consumed
 *   Out: bytes of @p data used (see the file comment).
 * @return
 *   TT_HTTP_MORE, TT_HTTP_DONE or TT_HTTP_ERROR.
 */
enum tt_http_rc tt_http_resp_feed(struct tt_http_resp *p, const uint8_t *data,
				  uint32_t len, uint32_t *consumed);

/** Longest response head that tt_http_resp_feed_cached() remembers. */
#define TT_HTTP_HEAD_CACHE_MAX 256

/**
 * The last response head parsed in full (client fast path): a load
 * generator sees the same head from a server again and again, and bytes
 * identical to a head already parsed parse identically.
 */
struct tt_http_head_cache {
	uint16_t len;		/**< head bytes, 0 = empty */
	uint16_t status;
	uint8_t flags;
	uint32_t content_length;
	uint8_t head[TT_HTTP_HEAD_CACHE_MAX];
};

/**
 * tt_http_resp_feed() with a head cache. When @p p is at the start of a
 * response (not a HEAD response) and @p data begins with exactly the cached
 * head, the head is taken as parsed (a memcmp instead of the parser) and
 * the body follows as usual. When a response whose head and whole
 * Content-Length body were in @p data completes through the parser, its
 * head is remembered. Results are identical to tt_http_resp_feed().
 *
 * @param p
 *   Parser state.
 * @param hc
 *   Head cache (one per lcore).
 * @param data
 *   Received bytes.
 * @param len
 *   Number of bytes at @p data.
 * @param consumed
 *   Out: bytes of @p data used.
 * @return
 *   TT_HTTP_MORE, TT_HTTP_DONE or TT_HTTP_ERROR.
 */
enum tt_http_rc tt_http_resp_feed_cached(struct tt_http_resp *p, struct tt_http_head_cache *hc,
					 const uint8_t *data, uint32_t len, uint32_t *consumed);

/**
 * The server closed the connection (FIN received in order).
 *
 * @param p
 *   Parser state.
 * @return
 *   TT_HTTP_DONE when this completes a close-delimited body
 *   (TT_HTTP_F_UNTIL_CLOSE); TT_HTTP_MORE when no response is in progress
 *   (nothing received since the last DONE or init: a clean close);
 *   TT_HTTP_ERROR when a response was truncated.
 */
enum tt_http_rc tt_http_resp_eof(struct tt_http_resp *p);

/**
 * Body bytes of the current response seen so far: content bytes for
 * Content-Length and close-delimited bodies, chunk data bytes (not the
 * framing) for chunked ones. 0 while the head is being parsed. Still valid
 * after TT_HTTP_DONE or tt_http_resp_eof() until the next feed call, so a
 * client adds it to its goodput when a response completes or its connection
 * ends. Counts modulo 2^32.
 *
 * @param p
 *   Parser state.
 * @return
 *   Body bytes.
 */
uint32_t tt_http_resp_body_bytes(const struct tt_http_resp *p);

/**
 * Write a response head:
 * "HTTP/1.1 200 OK\r\nServer: tcpterm\r\nContent-Length: N\r\n"
 * "Content-Type: text/plain\r\nConnection: keep-alive\r\n\r\n"
 * ("Connection: close" when @p keepalive is false). For 1xx, 204 and 304
 * responses Content-Length and Content-Type are left out (RFC 9110 section
 * 8.6). The reason phrase is the one of RFC 9110 section 15 for the common
 * codes, else empty. No Date field is sent (RFC 9110 section 6.6.1 lets an
 * origin server without a reliable clock omit it). No NUL is written.
 *
 * @param buf
 *   Destination.
 * @param len
 *   Size of @p buf.
 * @param status
 *   Status code, 100..999.
 * @param body_len
 *   Content length announced.
 * @param keepalive
 *   Announce keep-alive or close.
 * @return
 *   Length of the head written, -ENOSPC if @p len is too small, -EINVAL for
 *   a status out of range.
 */
int tt_http_build_response(char *buf, size_t len, unsigned int status,
			   uint32_t body_len, bool keepalive);

/**
 * Write a request head:
 * "GET path HTTP/1.1\r\nHost: host\r\nUser-Agent: tcpterm\r\n\r\n", with
 * "Connection: close\r\n" before the empty line when @p keepalive is false.
 * No NUL is written.
 *
 * @param buf
 *   Destination.
 * @param len
 *   Size of @p buf.
 * @param path
 *   Request-target: 1..8192 visible ASCII characters.
 * @param host
 *   Host field value: 1..255 visible ASCII characters.
 * @param keepalive
 *   false to ask the server to close after the response.
 * @return
 *   Length of the head written, -ENOSPC if @p len is too small, -EINVAL for
 *   an invalid path or host.
 */
int tt_http_build_request(char *buf, size_t len, const char *path, const char *host,
			  bool keepalive);

#endif /* _TT_HTTP_H_ */
