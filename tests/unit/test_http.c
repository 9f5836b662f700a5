/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/l7/tt_http: the request and response parsers (every
 * message is fed whole, byte by byte, split at every point, split at every
 * pair of points when short, and in random pieces, and must give the same
 * result each time), the head builders and the body pattern.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "l7/tt_http.h"
#include "l7/tt_pattern.h"

#define MAX_EV 16
#define RTE_DIM_(a) (sizeof(a) / sizeof((a)[0]))

/* What a parser reported for one message of a stream. */
struct ev {
	int rc;			/* TT_HTTP_DONE or TT_HTTP_ERROR */
	uint32_t end;		/* stream offset just after the message / of the error */
	uint8_t flags;
	uint16_t status;
	uint32_t body;
};

/* All the events of one stream, and how it ended. */
struct run {
	int n;
	struct ev ev[MAX_EV];
	int tail_rc;		/* last rc: MORE when the stream ended mid-message */
	int eof_rc;		/* responses: tt_http_resp_eof() at the end */
	uint32_t eof_body;	/* and then body bytes, status and flags */
	uint16_t eof_status;
	uint8_t eof_flags;
};

static void
run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->tail_rc = TT_HTTP_MORE;
}

static void
run_add(struct run *r, int rc, uint32_t end, uint8_t flags, uint16_t status, uint32_t body)
{
	if (r->n >= MAX_EV)
		ck_abort_msg("too many messages");
	r->ev[r->n].rc = rc;
	r->ev[r->n].end = end;
	r->ev[r->n].flags = flags;
	r->ev[r->n].status = status;
	r->ev[r->n].body = body;
	r->n++;
}

/*
 * Feed @p len bytes to a fresh parser in the pieces given by the sorted
 * cut positions @p cuts, calling feed again after every DONE with the rest
 * of the piece.
 */
static void
req_stream(const uint8_t *d, uint32_t len, const uint32_t *cuts, int ncuts, struct run *r)
{
	struct tt_http_req p;
	uint32_t pos = 0, end, used;
	int k = 0, rc = TT_HTTP_MORE;

	run_init(r);
	tt_http_req_init(&p);
	while (pos < len) {
		end = k < ncuts ? cuts[k++] : len;
		if (end <= pos)
			continue;
		while (pos < end) {
			rc = tt_http_req_feed(&p, d + pos, end - pos, &used);
			if (used > end - pos || (rc == TT_HTTP_MORE && used != end - pos))
				ck_abort_msg("bad consumed %u of %u, rc %d", used, end - pos, rc);
			if (rc == TT_HTTP_MORE) {
				pos = end;
				continue;
			}
			run_add(r, rc, pos + used, p.flags, 0, 0);
			if (rc == TT_HTTP_ERROR) {
				r->tail_rc = rc;
				return;
			}
			if (used == 0)
				ck_abort_msg("DONE without consuming");
			pos += used;
		}
	}
	r->tail_rc = rc;
}

static void
resp_stream(const uint8_t *d, uint32_t len, const uint32_t *cuts, int ncuts, struct run *r,
	    bool head)
{
	struct tt_http_resp p;
	uint32_t pos = 0, end, used;
	int k = 0, rc = TT_HTTP_MORE;

	run_init(r);
	if (head)
		tt_http_resp_init_head(&p);
	else
		tt_http_resp_init(&p);
	while (pos < len) {
		end = k < ncuts ? cuts[k++] : len;
		if (end <= pos)
			continue;
		while (pos < end) {
			rc = tt_http_resp_feed(&p, d + pos, end - pos, &used);
			if (used > end - pos || (rc == TT_HTTP_MORE && used != end - pos))
				ck_abort_msg("bad consumed %u of %u, rc %d", used, end - pos, rc);
			if (rc == TT_HTTP_MORE) {
				pos = end;
				continue;
			}
			run_add(r, rc, pos + used, p.flags, p.status,
				tt_http_resp_body_bytes(&p));
			if (rc == TT_HTTP_ERROR) {
				r->tail_rc = rc;
				r->eof_rc = TT_HTTP_ERROR;
				return;
			}
			if (used == 0)
				ck_abort_msg("DONE without consuming");
			pos += used;
		}
	}
	r->tail_rc = rc;
	r->eof_rc = tt_http_resp_eof(&p);
	r->eof_body = tt_http_resp_body_bytes(&p);
	r->eof_status = p.status;
	r->eof_flags = p.flags;
	if (r->eof_rc == TT_HTTP_DONE && tt_http_resp_eof(&p) != TT_HTTP_MORE)
		ck_abort_msg("eof after eof DONE is not MORE");
}

static void
run_eq(const struct run *a, const struct run *b, const char *what, uint32_t where)
{
	int i;

	if (a->n != b->n || a->tail_rc != b->tail_rc || a->eof_rc != b->eof_rc ||
	    a->eof_body != b->eof_body || a->eof_status != b->eof_status ||
	    a->eof_flags != b->eof_flags)
		ck_abort_msg("%s at %u: %d events (tail %d eof %d/%u) vs %d (tail %d eof %d/%u)",
			     what, where, b->n, b->tail_rc, b->eof_rc, b->eof_body,
			     a->n, a->tail_rc, a->eof_rc, a->eof_body);
	for (i = 0; i < a->n; i++)
		if (memcmp(&a->ev[i], &b->ev[i], sizeof(a->ev[i])) != 0)
			ck_abort_msg("%s at %u: event %d: rc %d end %u flags %#x status %u "
				     "body %u, whole: rc %d end %u flags %#x status %u body %u",
				     what, where, i, b->ev[i].rc, b->ev[i].end, b->ev[i].flags,
				     b->ev[i].status, b->ev[i].body, a->ev[i].rc, a->ev[i].end,
				     a->ev[i].flags, a->ev[i].status, a->ev[i].body);
}

/* Simple deterministic PRNG (xorshift64*), so failures reproduce. */
static uint64_t rng_state = 88172645463325252ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

/*
 * Parse @p len bytes whole, byte by byte, split at every point, at every
 * pair of points (short messages) and in random pieces; all must agree.
 * Returns the result of the whole feed in @p whole.
 */
static void
stream_all_splits(const uint8_t *d, uint32_t len, bool resp, bool head, struct run *whole)
{
	static uint32_t cuts[70000];
	struct run r;
	uint32_t i, j;
	int t;

#define STREAM(c, n, out) do { \
		if (resp) \
			resp_stream(d, len, (c), (n), (out), head); \
		else \
			req_stream(d, len, (c), (n), (out)); \
	} while (0)

	STREAM(NULL, 0, whole);
	/* Byte by byte. */
	ck_assert_uint_lt(len, sizeof(cuts) / sizeof(cuts[0]));
	for (i = 0; i < len; i++)
		cuts[i] = i + 1;
	STREAM(cuts, len, &r);
	run_eq(whole, &r, "byte by byte", 0);
	/* Every split point; for the few messages of many KiB (limit tests),
	 * all points in the first and last 2 KiB and every 13th between:
	 * the middle is one long field value, and all points cost O(n^2). */
	for (i = 0; i <= len; i++) {
		if (len > 8192 && i > 2048 && i + 2048 < len && i % 13 != 0)
			continue;
		cuts[0] = i;
		STREAM(cuts, 1, &r);
		run_eq(whole, &r, "split", i);
	}
	/* Every pair of split points. */
	if (len <= 160) {
		for (i = 1; i < len; i++)
			for (j = i + 1; j < len; j++) {
				cuts[0] = i;
				cuts[1] = j;
				STREAM(cuts, 2, &r);
				run_eq(whole, &r, "split pair", i * 1000 + j);
			}
	}
	/* Random pieces. */
	for (t = 0; t < 50; t++) {
		uint32_t pos = 0;
		int n = 0;

		while (pos < len) {
			pos += 1 + rng() % (t < 25 ? 8 : 200);
			cuts[n++] = pos < len ? pos : len;
		}
		STREAM(cuts, n, &r);
		run_eq(whole, &r, "random pieces", t);
	}
#undef STREAM
}

/* Parse one request stream in all the ways; return the whole-feed result. */
static struct run
req_all(const char *s)
{
	struct run r;

	stream_all_splits((const uint8_t *)s, strlen(s), false, false, &r);
	return r;
}

static struct run
req_all_n(const uint8_t *s, uint32_t len)
{
	struct run r;

	stream_all_splits(s, len, false, false, &r);
	return r;
}

static struct run
resp_all(const char *s)
{
	struct run r;

	stream_all_splits((const uint8_t *)s, strlen(s), true, false, &r);
	return r;
}

/* One complete request: DONE at the end of the string, with @p flags. */
static void
req_ok_at(int line, const char *s, uint8_t flags)
{
	struct run r = req_all(s);

	if (r.n != 1 || r.ev[0].rc != TT_HTTP_DONE)
		ck_abort_msg("line %d: request not accepted (%d events, rc %d at %u)", line,
			     r.n, r.n ? r.ev[0].rc : 0, r.n ? r.ev[0].end : 0);
	if (r.ev[0].end != strlen(s))
		ck_abort_msg("line %d: request ends at %u", line, r.ev[0].end);
	if (r.ev[0].flags != flags)
		ck_abort_msg("line %d: flags %#x, expected %#x", line, r.ev[0].flags, flags);
}
#define req_ok(...) req_ok_at(__LINE__, __VA_ARGS__)

/* A malformed request: ERROR at offset @p at (or anywhere if at < 0). */
static void
req_bad_at(int line, const char *s, int at)
{
	struct run r = req_all(s);

	if (r.n < 1 || r.ev[r.n - 1].rc != TT_HTTP_ERROR)
		ck_abort_msg("line %d: request not rejected", line);
	if (at >= 0 && r.ev[r.n - 1].end != (uint32_t)at)
		ck_abort_msg("line %d: rejected at %u, expected %d", line, r.ev[r.n - 1].end, at);
}
#define req_bad(...) req_bad_at(__LINE__, __VA_ARGS__)

/* req_bad() for a string with a NUL in it: @p len bytes. */
static void
req_bad_n_at(int line, const char *s, uint32_t len, int at)
{
	struct run r = req_all_n((const uint8_t *)s, len);

	if (r.n < 1 || r.ev[r.n - 1].rc != TT_HTTP_ERROR)
		ck_abort_msg("line %d: request not rejected", line);
	if (r.ev[r.n - 1].end != (uint32_t)at)
		ck_abort_msg("line %d: rejected at %u, expected %d", line, r.ev[r.n - 1].end, at);
}
#define req_bad_n(...) req_bad_n_at(__LINE__, __VA_ARGS__)

/* An incomplete request: MORE, no event. */
static void
req_more_at(int line, const char *s)
{
	struct run r = req_all(s);

	if (r.n != 0 || r.tail_rc != TT_HTTP_MORE)
		ck_abort_msg("line %d: expected MORE: '%s'", line, s);
}
#define req_more(...) req_more_at(__LINE__, __VA_ARGS__)

#define KA TT_HTTP_F_KEEPALIVE
#define HEAD TT_HTTP_F_HEAD

START_TEST(test_req_basic)
{
	struct tt_http_req p;
	uint32_t used;
	const char *s = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

	ck_assert_uint_le(sizeof(struct tt_http_req), 8);
	req_ok(s, KA);
	req_ok("GET /index.html?a=b&c=%20 HTTP/1.1\r\nHost: example\r\n"
	       "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n", KA);
	req_ok("GET / HTTP/1.0\r\n\r\n", 0);
	req_ok("GET / HTTP/1.1\r\n\r\n", KA);
	req_ok("OPTIONS * HTTP/1.1\r\n\r\n", KA);
	req_ok("ABCDEFGHIJKLMNOP / HTTP/1.1\r\n\r\n", KA);	/* 16 letters */
	/* Bare LF line ends (RFC 9112 section 2.2). */
	req_ok("GET / HTTP/1.1\nHost: x\n\n", KA);
	req_ok("GET / HTTP/1.1\r\nHost: x\n\r\n", KA);
	/* Empty lines before the request line. */
	req_ok("\r\nGET / HTTP/1.1\r\n\r\n", KA);
	req_ok("\r\n\r\n\nGET / HTTP/1.1\r\n\r\n", KA);
	/* Field values: empty, obs-text, inner spaces and tabs. */
	req_ok("GET / HTTP/1.1\r\nX-Empty:\r\nX-Obs: \xe9t\xe9\r\nX-Sp: a  b\tc \r\n\r\n", KA);
	/* Token characters in names. */
	req_ok("GET / HTTP/1.1\r\nX!#$%&'*+-.^_`|~09az: v\r\n\r\n", KA);

	/* The flags stay readable after DONE; the next feed starts anew. */
	tt_http_req_init(&p);
	ck_assert_int_eq(tt_http_req_feed(&p, (const uint8_t *)"HEAD / HTTP/1.0\r\n\r\n", 19,
					  &used), TT_HTTP_DONE);
	ck_assert_uint_eq(used, 19);
	ck_assert_uint_eq(p.flags, HEAD);
	ck_assert_uint_eq(p.flags, HEAD);
	ck_assert_int_eq(tt_http_req_feed(&p, (const uint8_t *)s, strlen(s), &used),
			 TT_HTTP_DONE);
	ck_assert_uint_eq(p.flags, KA);
	/* An empty feed after DONE resets and asks for more. */
	ck_assert_int_eq(tt_http_req_feed(&p, (const uint8_t *)s, 0, &used), TT_HTTP_MORE);
	ck_assert_uint_eq(used, 0);
	/* After ERROR the parser stays in error. */
	ck_assert_int_eq(tt_http_req_feed(&p, (const uint8_t *)"get", 3, &used),
			 TT_HTTP_ERROR);
	ck_assert_uint_eq(used, 0);
	ck_assert_int_eq(tt_http_req_feed(&p, (const uint8_t *)s, strlen(s), &used),
			 TT_HTTP_ERROR);
	tt_http_req_init(&p);
	ck_assert_int_eq(tt_http_req_feed(&p, (const uint8_t *)s, strlen(s), &used),
			 TT_HTTP_DONE);

	/* Incomplete heads. */
	req_more("GET / HTTP/1.1\r\nHost: x\r\n");
	req_more("GET / HTTP/1.1\r\nHost: x\r\n\r");
	req_more("GET");
	req_more("\r\n");
}
END_TEST

START_TEST(test_req_keepalive)
{
	/* RFC 9112 section 9.3. */
	req_ok("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 0);
	req_ok("GET / HTTP/1.1\r\nconnection: CLOSE\r\n\r\n", 0);
	req_ok("GET / HTTP/1.1\r\nCONNECTION:close\r\n\r\n", 0);
	req_ok("GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n", KA);
	req_ok("GET / HTTP/1.1\r\nConnection: Upgrade, Close\r\n\r\n", 0);
	req_ok("GET / HTTP/1.1\r\nConnection: ,, close ,\r\n\r\n", 0);
	req_ok("GET / HTTP/1.1\r\nConnection: \tclose\t\r\n\r\n", 0);
	req_ok("GET / HTTP/1.1\r\nConnection: te\r\nConnection: close\r\n\r\n", 0);
	req_ok("GET / HTTP/1.1\r\nConnection: closed\r\n\r\n", KA);
	req_ok("GET / HTTP/1.1\r\nConnection: clos\r\n\r\n", KA);
	req_ok("GET / HTTP/1.1\r\nConnection: xclose\r\n\r\n", KA);
	req_ok("GET / HTTP/1.1\r\nConnection: close-ish\r\n\r\n", KA);
	req_ok("GET / HTTP/1.1\r\nConnection:\r\n\r\n", KA);
	req_ok("GET / HTTP/1.1\r\nConnectionx: close\r\n\r\n", KA);
	req_ok("GET / HTTP/1.1\r\nConnectio: close\r\n\r\n", KA);
	req_ok("GET / HTTP/1.1\r\nX-Connection: close\r\n\r\n", KA);
	req_ok("GET / HTTP/1.1\r\nX: Connection: close\r\n\r\n", KA);
	req_ok("GET / HTTP/1.0\r\n\r\n", 0);
	req_ok("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", KA);
	req_ok("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", KA);
	req_ok("GET / HTTP/1.0\r\nConnection: foo, KEEP-ALIVE\r\n\r\n", KA);
	req_ok("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", 0);
	req_ok("GET / HTTP/1.0\r\nConnection: keep-alivex\r\n\r\n", 0);
	req_ok("GET / HTTP/1.0\r\nConnection: keep\r\n\r\n", 0);
	req_ok("GET / HTTP/1.0\r\nKeep-Alive: timeout=5\r\n\r\n", 0);
	/* HEAD (RFC 9110 section 9.3.2). */
	req_ok("HEAD / HTTP/1.1\r\n\r\n", HEAD | KA);
	req_ok("HEAD / HTTP/1.0\r\n\r\n", HEAD);
	req_ok("HEAD /x HTTP/1.1\r\nConnection: close\r\n\r\n", HEAD);
	req_ok("HEADX / HTTP/1.1\r\n\r\n", KA);
	req_ok("HEA / HTTP/1.1\r\n\r\n", KA);
	req_ok("XHEAD / HTTP/1.1\r\n\r\n", KA);
	req_ok("POST / HTTP/1.1\r\n\r\n", KA);
}
END_TEST

START_TEST(test_req_body)
{
	struct run r;
	const char *s;

	req_ok("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", KA);
	req_ok("POST / HTTP/1.1\r\ncontent-length:5\r\n\r\nhello", KA);
	req_ok("POST / HTTP/1.1\r\nCONTENT-LENGTH: 0\r\n\r\n", KA);
	req_ok("POST / HTTP/1.1\r\nContent-Length: 000\r\n\r\n", KA);
	req_ok("POST / HTTP/1.1\r\nContent-Length: 005 \r\n\r\nhello", KA);
	/* Repeated with the same value (RFC 9112 section 6.3 item 5). */
	req_ok("POST / HTTP/1.1\r\nContent-Length: 12\r\nContent-Length: 12\r\n\r\n"
	       "hello world!", KA);
	req_ok("POST / HTTP/1.1\r\nContent-Length: 12, 12 ,012\r\n\r\nhello world!", KA);
	req_ok("POST / HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 00\r\n\r\n", KA);
	req_more("POST / HTTP/1.1\r\nContent-Length: 1234567890\r\nContent-Length: "
		 "1234567890\r\n\r\nabc");
	/* A body must not be parsed as a request. */
	req_ok("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n\r\n\r\nGET /", KA);
	/* Content-Length up to 2^31. */
	req_more("POST / HTTP/1.1\r\nContent-Length: 2147483648\r\n\r\nabc");
	req_bad("POST / HTTP/1.1\r\nContent-Length: 2147483649\r\n\r\n", 42);
	req_bad("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 42);
	/* Conflicting or invalid values. */
	req_bad("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 52);
	req_bad("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\n", 53);
	req_bad("POST / HTTP/1.1\r\nContent-Length: 50\r\nContent-Length: 5\r\n\r\n", 54);
	req_bad("POST / HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\n", 52);
	req_bad("POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", 36);
	req_bad("POST / HTTP/1.1\r\nContent-Length: 5,\r\n\r\n", 35);
	req_bad("POST / HTTP/1.1\r\nContent-Length: , 5\r\n\r\n", 33);
	req_bad("POST / HTTP/1.1\r\nContent-Length: \r\n\r\n", 33);
	req_bad("POST / HTTP/1.1\r\nContent-Length: 5a\r\n\r\n", 34);
	req_bad("POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 33);
	req_bad("POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n", 33);
	req_bad("POST / HTTP/1.1\r\nContent-Length: 5 5\r\n\r\n", 35);
	req_bad("POST / HTTP/1.1\r\nContent-Length: 0x5\r\n\r\n", 34);
	/* Transfer-Encoding is not supported in requests. */
	req_bad("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 34);
	req_bad("POST / HTTP/1.1\r\ntransfer-encoding: gzip\r\n\r\n", 34);
	req_bad("POST / HTTP/1.1\r\nContent-Length: 3\r\nTRANSFER-ENCODING: chunked\r\n\r\n",
		53);
	req_ok("POST / HTTP/1.1\r\nTransfer-Encodings: chunked\r\n\r\n", KA);
	req_ok("POST / HTTP/1.1\r\nTransfer-Encodin: chunked\r\n\r\n", KA);

	/* Pipelined requests, with and without bodies. */
	s = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
	    "GET /b HTTP/1.0\r\n\r\n"
	    "HEAD /c HTTP/1.1\r\nConnection: close\r\n\r\n"
	    "POST /d HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
	    "GET /e HTTP/1.1\r\n";
	r = req_all(s);
	ck_assert_int_eq(r.n, 4);
	ck_assert_int_eq(r.ev[0].rc, TT_HTTP_DONE);
	ck_assert_uint_eq(r.ev[0].end, 44);
	ck_assert_uint_eq(r.ev[0].flags, KA);
	ck_assert_uint_eq(r.ev[1].end, 44 + 19);
	ck_assert_uint_eq(r.ev[1].flags, 0);
	ck_assert_uint_eq(r.ev[2].end, 44 + 19 + 39);
	ck_assert_uint_eq(r.ev[2].flags, HEAD);
	ck_assert_uint_eq(r.ev[3].end, 44 + 19 + 39 + 42);
	ck_assert_uint_eq(r.ev[3].flags, KA);
	ck_assert_int_eq(r.tail_rc, TT_HTTP_MORE);
}
END_TEST

START_TEST(test_req_errors)
{
	char *big;
	size_t n;

	req_bad("get / HTTP/1.1\r\n\r\n", 0);
	req_bad("GeT / HTTP/1.1\r\n\r\n", 1);
	req_bad(" GET / HTTP/1.1\r\n\r\n", 0);
	req_bad("ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\n\r\n", 16);
	req_bad("GET  / HTTP/1.1\r\n\r\n", 4);
	req_bad("GET /  HTTP/1.1\r\n\r\n", 6);
	req_bad("GET / x HTTP/1.1\r\n\r\n", 6);
	req_bad("GET\t/ HTTP/1.1\r\n\r\n", 3);
	req_bad("GET /\x01 HTTP/1.1\r\n\r\n", 5);
	req_bad("GET /\x7f HTTP/1.1\r\n\r\n", 5);
	req_bad("GET /\x80 HTTP/1.1\r\n\r\n", 5);
	req_bad("GET / HTTP/1.2\r\n\r\n", 13);
	req_bad("GET / HTTP/2.0\r\n\r\n", 11);
	req_bad("GET / http/1.1\r\n\r\n", 6);
	req_bad("GET / HTTP/1.1 \r\n\r\n", 14);
	req_bad("GET / HTTP/1.10\r\n\r\n", 14);
	req_bad("GET / HTTP/1.1\r\r\n\r\n", 15);
	req_bad("GET / HTTP/1.1\rX\r\n\r\n", 15);
	req_bad("GET /\r\n\r\n", 5);
	req_bad("GET\r\n\r\n", 3);
	req_bad("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n", 8);
	/* Field lines. */
	req_bad("GET / HTTP/1.1\r\n Host: x\r\n\r\n", 16);	/* before the first */
	req_bad("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 25);	/* obs-fold */
	req_bad("GET / HTTP/1.1\r\nHost: x\r\n\tfolded\r\n\r\n", 25);
	req_bad("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 20);
	req_bad("GET / HTTP/1.1\r\nConnection : close\r\n\r\n", 26);
	req_bad("GET / HTTP/1.1\r\nHost\r\n\r\n", 20);
	req_bad("GET / HTTP/1.1\r\n: x\r\n\r\n", 16);
	req_bad("GET / HTTP/1.1\r\nX(y): x\r\n\r\n", 17);
	req_bad_n("GET / HTTP/1.1\r\nX: a\x00" "b\r\n\r\n", 25, 20);
	req_bad("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", 21);
	req_bad("GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", 20);
	req_bad("GET / HTTP/1.1\r\nConnection: a\x01\r\n\r\n", 29);
	req_bad("GET / HTTP/1.1\r\nConnection: close\x01\r\n\r\n", 33);
	req_bad("GET / HTTP/1.1\r\nX: a\r\n\rX\r\n", 23);

	/* Request-target of 8192 bytes accepted, 8193 rejected (at byte 8193). */
	big = malloc(20000);
	ck_assert_ptr_nonnull(big);
	memcpy(big, "GET /", 5);
	memset(big + 5, 'a', 8191);
	strcpy(big + 5 + 8191, " HTTP/1.1\r\n\r\n");
	req_ok(big, KA);
	memcpy(big, "GET /", 5);
	memset(big + 5, 'a', 8192);
	strcpy(big + 5 + 8192, " HTTP/1.1\r\n\r\n");
	req_bad(big, 4 + 8192);

	/* Header section of exactly 16384 bytes accepted, one more rejected. */
	n = strlen("GET / HTTP/1.1\r\n");
	memcpy(big, "GET / HTTP/1.1\r\nX: ", n + 3);
	memset(big + n + 3, 'v', 16384 - 3 - 4);
	strcpy(big + n + 16384 - 4, "\r\n\r\n");
	ck_assert_uint_eq(strlen(big), n + 16384);
	req_ok(big, KA);
	memset(big + n + 3, 'v', 16384 - 3 - 4 + 1);
	strcpy(big + n + 16384 - 4 + 1, "\r\n\r\n");
	req_bad(big, n + 16384);
	/* Many small fields past the limit. */
	strcpy(big, "GET / HTTP/1.1\r\n");
	while (strlen(big) < 17000)
		strcat(big, "A: b\r\n");
	strcat(big, "\r\n");
	req_bad(big, n + 16384);
	free(big);
}
END_TEST

/* Every byte value at a few positions: accepted exactly where RFC 9110 and
 * RFC 9112 allow it. */
START_TEST(test_req_bytes)
{
	uint8_t buf[64];
	unsigned int b;
	struct run r;
	size_t n;

	for (b = 0; b < 256; b++) {
		bool ok;

		/* In the method. */
		n = snprintf((char *)buf, sizeof(buf), "G%cT / HTTP/1.1\r\n\r\n", 'x');
		buf[1] = b;
		r = req_all_n(buf, n);
		ok = b >= 'A' && b <= 'Z';
		ck_assert_int_eq(r.ev[0].rc, ok ? TT_HTTP_DONE : TT_HTTP_ERROR);
		/* In the request-target. */
		n = snprintf((char *)buf, sizeof(buf), "GET /%c HTTP/1.1\r\n\r\n", 'x');
		buf[5] = b;
		r = req_all_n(buf, n);
		ok = b > 0x20 && b < 0x7f;
		ck_assert_int_eq(r.ev[0].rc, ok ? TT_HTTP_DONE : TT_HTTP_ERROR);
		/* In a field name. */
		n = snprintf((char *)buf, sizeof(buf), "GET / HTTP/1.1\r\nA%cB: v\r\n\r\n", 'x');
		buf[17] = b;
		r = req_all_n(buf, n);
		ok = (b < 0x80 && strchr("!#$%&'*+-.^_`|~:", b) != NULL && b != 0) ||
		     (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
		if (r.ev[0].rc != (ok ? TT_HTTP_DONE : TT_HTTP_ERROR))
			ck_abort_msg("byte %#x in a field name", b);
		/* In a field value, interpreted or not. */
		n = snprintf((char *)buf, sizeof(buf), "GET / HTTP/1.1\r\nA: v%cv\r\n\r\n", 'x');
		buf[20] = b;
		r = req_all_n(buf, n);
		ok = b == '\t' || b >= 0x20;
		ok = ok && b != 0x7f;
		if (r.ev[0].rc != (ok ? TT_HTTP_DONE : TT_HTTP_ERROR))
			ck_abort_msg("byte %#x in a field value", b);
		n = snprintf((char *)buf, sizeof(buf),
			     "GET / HTTP/1.1\r\nConnection: a%cb\r\n\r\n", 'x');
		buf[29] = b;
		r = req_all_n(buf, n);
		if (r.ev[0].rc != (ok ? TT_HTTP_DONE : TT_HTTP_ERROR))
			ck_abort_msg("byte %#x in a Connection value", b);
		ck_assert_uint_eq(r.ev[0].flags & TT_HTTP_F_KEEPALIVE, ok ? KA : 0);
	}
}
END_TEST

/* One complete response: DONE at the end, with status, flags and body size. */
static void
resp_ok_at(int line, const char *s, unsigned int status, uint8_t flags, uint32_t body)
{
	struct run r = resp_all(s);

	if (r.n != 1 || r.ev[0].rc != TT_HTTP_DONE)
		ck_abort_msg("line %d: response not accepted (%d events, rc %d at %u)", line,
			     r.n, r.n ? r.ev[0].rc : 0, r.n ? r.ev[0].end : 0);
	if (r.ev[0].end != strlen(s))
		ck_abort_msg("line %d: response ends at %u", line, r.ev[0].end);
	if (r.ev[0].status != status || r.ev[0].flags != flags || r.ev[0].body != body)
		ck_abort_msg("line %d: status %u flags %#x body %u, expected %u %#x %u", line,
			     r.ev[0].status, r.ev[0].flags, r.ev[0].body, status, flags, body);
	if (r.eof_rc != TT_HTTP_MORE)
		ck_abort_msg("line %d: eof after the response gives %d", line, r.eof_rc);
}
#define resp_ok(...) resp_ok_at(__LINE__, __VA_ARGS__)

static void
resp_bad_at(int line, const char *s, int at)
{
	struct run r = resp_all(s);

	if (r.n < 1 || r.ev[r.n - 1].rc != TT_HTTP_ERROR)
		ck_abort_msg("line %d: response not rejected", line);
	if (at >= 0 && r.ev[r.n - 1].end != (uint32_t)at)
		ck_abort_msg("line %d: rejected at %u, expected %d", line, r.ev[r.n - 1].end, at);
}
#define resp_bad(...) resp_bad_at(__LINE__, __VA_ARGS__)

/* A close-delimited response: MORE until the end, then eof gives DONE. */
static void
resp_until_close_at(int line, const char *s, unsigned int status, uint8_t flags, uint32_t body)
{
	struct run r = resp_all(s);

	if (r.n != 0 || r.tail_rc != TT_HTTP_MORE || r.eof_rc != TT_HTTP_DONE)
		ck_abort_msg("line %d: not close-delimited (%d events, eof %d)", line, r.n,
			     r.eof_rc);
	if (r.eof_status != status || r.eof_flags != flags || r.eof_body != body)
		ck_abort_msg("line %d: status %u flags %#x body %u, expected %u %#x %u", line,
			     r.eof_status, r.eof_flags, r.eof_body, status, flags, body);
}
#define resp_until_close(...) resp_until_close_at(__LINE__, __VA_ARGS__)

#define UC TT_HTTP_F_UNTIL_CLOSE
#define CH TT_HTTP_F_CHUNKED

START_TEST(test_resp_basic)
{
	struct tt_http_resp p;
	uint32_t used;
	const char *s;

	ck_assert_uint_le(sizeof(struct tt_http_resp), 12);
	resp_ok("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, KA, 5);
	resp_ok("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, KA, 0);
	resp_ok("HTTP/1.1 404 Not Found\r\nServer: x\r\nContent-Length: 3\r\n\r\nabc",
		404, KA, 3);
	resp_ok("HTTP/1.1 200 OK\nContent-Length: 2\n\nab", 200, KA, 2);
	resp_ok("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", 200, KA, 0);
	resp_ok("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 200, KA, 0);
	resp_ok("HTTP/1.1 999 Whatever\tyou \xffsay\r\nContent-Length: 0\r\n\r\n", 999, KA, 0);
	resp_ok("HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n", 200, KA, 0);
	resp_ok("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx",
		200, 0, 1);
	resp_ok("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", 200, 0, 1);
	resp_ok("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx",
		200, KA, 1);
	/* obs-fold is consumed in responses (RFC 9112 section 5.2). */
	resp_ok("HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 1\r\n\r\nx", 200, KA, 1);
	resp_ok("HTTP/1.1 200 OK\r\n\tX: a\r\nContent-Length: 1\r\n\r\nx", 200, KA, 1);

	/* No content: 1xx, 204, 304, HEAD (RFC 9112 section 6.3 item 1). */
	resp_ok("HTTP/1.1 204 No Content\r\n\r\n", 204, KA, 0);
	resp_ok("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", 204, KA, 0);
	resp_ok("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", 304, KA, 0);
	resp_ok("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", 304, KA, 0);
	resp_ok("HTTP/1.1 100 Continue\r\n\r\n", 100, KA, 0);

	/* Pipelined: an interim response, then the final ones. */
	{
		struct run r = resp_all("HTTP/1.1 100 Continue\r\n\r\n"
					"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
					"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
					"HTTP/1.1 200 OK\r\n");

		ck_assert_int_eq(r.n, 3);
		ck_assert_uint_eq(r.ev[0].status, 100);
		ck_assert_uint_eq(r.ev[0].end, 25);
		ck_assert_uint_eq(r.ev[1].status, 200);
		ck_assert_uint_eq(r.ev[1].end, 25 + 40);
		ck_assert_uint_eq(r.ev[1].body, 2);
		ck_assert_uint_eq(r.ev[2].status, 201);
		ck_assert_int_eq(r.tail_rc, TT_HTTP_MORE);
		ck_assert_int_eq(r.eof_rc, TT_HTTP_ERROR);
	}

	/* HEAD: no content whatever the fields say. */
	s = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
	{
		struct run r;

		stream_all_splits((const uint8_t *)s, strlen(s), true, true, &r);
		ck_assert_int_eq(r.n, 1);
		ck_assert_int_eq(r.ev[0].rc, TT_HTTP_DONE);
		ck_assert_uint_eq(r.ev[0].flags, KA | HEAD);
		ck_assert_uint_eq(r.ev[0].body, 0);
	}

	/* eof: nothing in progress, truncated, complete. */
	tt_http_resp_init(&p);
	ck_assert_int_eq(tt_http_resp_eof(&p), TT_HTTP_MORE);
	ck_assert_int_eq(tt_http_resp_feed(&p, (const uint8_t *)"HTTP/1.1 2", 10, &used),
			 TT_HTTP_MORE);
	ck_assert_int_eq(tt_http_resp_eof(&p), TT_HTTP_ERROR);
	tt_http_resp_init(&p);
	s = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello";
	ck_assert_int_eq(tt_http_resp_feed(&p, (const uint8_t *)s, strlen(s), &used),
			 TT_HTTP_MORE);
	ck_assert_uint_eq(tt_http_resp_body_bytes(&p), 5);
	ck_assert_int_eq(tt_http_resp_eof(&p), TT_HTTP_ERROR);
	ck_assert_uint_eq(tt_http_resp_body_bytes(&p), 5);
	ck_assert_int_eq(tt_http_resp_feed(&p, (const uint8_t *)"world", 5, &used),
			 TT_HTTP_DONE);
	ck_assert_uint_eq(tt_http_resp_body_bytes(&p), 10);
	ck_assert_uint_eq(p.status, 200);
	ck_assert_int_eq(tt_http_resp_eof(&p), TT_HTTP_MORE);
	/* Head bytes are not body bytes. */
	tt_http_resp_init(&p);
	ck_assert_int_eq(tt_http_resp_feed(&p, (const uint8_t *)s, 20, &used), TT_HTTP_MORE);
	ck_assert_uint_eq(tt_http_resp_body_bytes(&p), 0);
	/* After ERROR the parser stays in error. */
	ck_assert_int_eq(tt_http_resp_feed(&p, (const uint8_t *)"\x01", 1, &used),
			 TT_HTTP_ERROR);
	ck_assert_int_eq(tt_http_resp_feed(&p, (const uint8_t *)s, strlen(s), &used),
			 TT_HTTP_ERROR);
}
END_TEST

START_TEST(test_resp_framing)
{
	struct run r;

	/* Close-delimited (RFC 9112 section 6.3 item 8). */
	resp_until_close("HTTP/1.0 200 OK\r\n\r\nsome body", 200, UC, 9);
	resp_until_close("HTTP/1.1 200 OK\r\nServer: x\r\n\r\nsome body\r\n\r\nHTTP/1.1", 200,
			 UC, 21);
	resp_until_close("HTTP/1.1 200 OK\r\n\r\n", 200, UC, 0);
	r = resp_all("HTTP/1.1 200 OK\r\nServer: x\r\n\r\nabc");
	ck_assert_int_eq(r.eof_rc, TT_HTTP_DONE);
	/* Chunked (RFC 9112 section 7.1). */
	resp_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"5\r\nhello\r\n1A;name=value;q=\"x;y\"\r\nabcdefghijklmnopqrstuvwxyz\r\n"
		"0\r\n\r\n", 200, KA | CH, 31);
	resp_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"0005 ; ext\r\nhello\r\n00\r\nExpires: never\r\nX: y\r\n\r\n", 200, KA | CH, 5);
	resp_ok("HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n"
		"a\nhellohello\n0\n\n", 200, KA | CH, 10);
	resp_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 200,
		KA | CH, 0);
	resp_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
		"1\r\nx\r\n0\r\n\r\n", 200, KA | CH, 1);
	resp_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked"
		"\r\n\r\n1\r\nx\r\n0\r\n\r\n", 200, KA | CH, 1);
	resp_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
		"1\r\nx\r\n0\r\n\r\n", 200, CH, 1);
	/* TE overrides Content-Length, and the connection is not reused. */
	resp_ok("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
		"1\r\nx\r\n0\r\n\r\n", 200, CH, 1);
	/* Chunked not last: until close (item 4). */
	resp_until_close("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nxyz",
			 200, UC, 3);
	resp_until_close("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunkedx\r\n\r\nxyz",
			 200, UC, 3);
	resp_until_close("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunk\r\n\r\nxyz",
			 200, UC, 3);
	/* Pipelined chunked responses. */
	r = resp_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"
		     "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz");
	ck_assert_int_eq(r.n, 2);
	ck_assert_uint_eq(r.ev[0].body, 2);
	ck_assert_uint_eq(r.ev[1].body, 1);
	ck_assert_uint_eq(r.ev[1].flags, KA);

	/* Errors. */
	resp_bad("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 47);
	resp_bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nx\r\n", 47);
	resp_bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 47);
	resp_bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxy\r\n", 51);
	resp_bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\rx", 49);
	resp_bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1x\r\n", 48);
	resp_bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100000000\r\n", 55);
	/* The largest chunk: incomplete, not an error. */
	r = resp_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0ffffffff\r\nab");
	ck_assert_int_eq(r.n, 0);
	ck_assert_int_eq(r.tail_rc, TT_HTTP_MORE);
	ck_assert_int_eq(r.eof_rc, TT_HTTP_ERROR);
	ck_assert_uint_eq(r.eof_body, 2);
}
END_TEST

START_TEST(test_resp_errors)
{
	char *big;
	size_t n;
	struct run r;

	resp_bad("HTTP/1.1 20 OK\r\n\r\n", 11);
	resp_bad("HTTP/1.1 2000 OK\r\n\r\n", 12);
	resp_bad("HTTP/1.1 099 OK\r\n\r\n", 9);
	resp_bad("HTTP/1.1  200 OK\r\n\r\n", 9);
	resp_bad("HTTP/2 200 OK\r\n\r\n", 5);
	resp_bad("HTTP/1.x 200 OK\r\n\r\n", 7);
	resp_bad("http/1.1 200 OK\r\n\r\n", 0);
	resp_bad("HTTP/1.1 200 OK\x01\r\n\r\n", 15);
	resp_bad("HTTP/1.1 200 OK\rx\r\n\r\n", 16);
	resp_bad("HTTP/1.1 200 OK\r\nContent-Length: 4294967296\r\n\r\n", 42);
	resp_bad("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 52);
	resp_bad("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", 33);
	resp_bad("HTTP/1.1 200 OK\r\nX : y\r\n\r\n", 18);
	{
		static const char nul[] = "HTTP/1.1 200 OK\r\nX: y\x00\r\n\r\n";
		struct run rn;

		stream_all_splits((const uint8_t *)nul, sizeof(nul) - 1, true, false, &rn);
		ck_assert_int_eq(rn.n, 1);
		ck_assert_int_eq(rn.ev[0].rc, TT_HTTP_ERROR);
		ck_assert_uint_eq(rn.ev[0].end, 21);
	}
	resp_bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: \x01\r\n\r\n", 53);
	resp_bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX y\r\n\r\n", 51);
	resp_bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\rx", 51);
	/* Largest Content-Length: incomplete, not an error. */
	r = resp_all("HTTP/1.1 200 OK\r\nContent-Length: 4294967295\r\n\r\nab");
	ck_assert_int_eq(r.n, 0);
	ck_assert_int_eq(r.eof_rc, TT_HTTP_ERROR);
	ck_assert_uint_eq(r.eof_body, 2);

	/* Head of exactly 64 KiB accepted, one more byte rejected. */
	big = malloc(70000);
	ck_assert_ptr_nonnull(big);
	n = strlen("HTTP/1.1 200 OK\r\nX: ");
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", n);
	memset(big + n, 'v', 65536 - n - strlen("\r\nContent-Length: 0\r\n\r\n"));
	strcpy(big + 65536 - strlen("\r\nContent-Length: 0\r\n\r\n"),
	       "\r\nContent-Length: 0\r\n\r\n");
	ck_assert_uint_eq(strlen(big), 65536);
	resp_ok(big, 200, KA, 0);
	memset(big + n, 'v', 65536 - n - strlen("\r\nContent-Length: 0\r\n\r\n") + 1);
	strcpy(big + 65536 + 1 - strlen("\r\nContent-Length: 0\r\n\r\n"),
	       "\r\nContent-Length: 0\r\n\r\n");
	resp_bad(big, 65536);
	/* Trailer section: same limit. */
	n = strlen("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: ");
	memcpy(big, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: ", n);
	memset(big + n, 't', 65536 - 4 - 3);
	strcpy(big + n + 65536 - 4 - 3, "\r\n\r\n");
	resp_ok(big, 200, KA | CH, 0);
	memset(big + n, 't', 65536 - 4 - 3 + 1);
	strcpy(big + n + 65536 - 4 - 3 + 1, "\r\n\r\n");
	resp_bad(big, n - 3 + 65536);
	/* A long reason phrase counts too. */
	memcpy(big, "HTTP/1.1 200 ", 13);
	memset(big + 13, 'r', 65600);
	big[13 + 65600] = '\0';
	resp_bad(big, 65536);
	free(big);
}
END_TEST

/* Large bodies in random pieces; goodput counted exactly. */
START_TEST(test_resp_large)
{
	static uint8_t buf[3 << 20];
	struct tt_http_resp p;
	uint32_t len, pos, used, total = 0;
	int k, rc;

	len = snprintf((char *)buf, 200, "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n\r\n", 1u << 20);
	tt_pattern_fill(buf + len, 0, 1u << 20);
	len += 1u << 20;
	/* A chunked one after it: 64 chunks of 16 KiB. */
	len += snprintf((char *)buf + len, 200, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
			"chunked\r\n\r\n");
	for (k = 0; k < 64; k++) {
		len += snprintf((char *)buf + len, 20, "%x\r\n", 16384);
		tt_pattern_fill(buf + len, k * 16384, 16384);
		len += 16384;
		buf[len++] = '\r';
		buf[len++] = '\n';
	}
	len += snprintf((char *)buf + len, 20, "0\r\n\r\n");
	for (k = 0; k < 20; k++) {
		int done = 0;

		tt_http_resp_init(&p);
		pos = 0;
		while (pos < len) {
			uint32_t n = 1 + rng() % (k < 10 ? 1500 : 70000);

			if (n > len - pos)
				n = len - pos;
			rc = tt_http_resp_feed(&p, buf + pos, n, &used);
			ck_assert_int_ne(rc, TT_HTTP_ERROR);
			if (rc == TT_HTTP_DONE) {
				done++;
				total = tt_http_resp_body_bytes(&p);
				ck_assert_uint_eq(total, 1u << 20);
				ck_assert_uint_eq(p.flags & TT_HTTP_F_CHUNKED,
						  done == 2 ? TT_HTTP_F_CHUNKED : 0);
			}
			pos += used;
		}
		ck_assert_int_eq(done, 2);
	}
}
END_TEST

START_TEST(test_build_response)
{
	char buf[256];
	struct tt_http_resp p;
	const char *exp = "HTTP/1.1 200 OK\r\nServer: tcpterm\r\nContent-Length: 1234\r\n"
			  "Content-Type: text/plain\r\nConnection: keep-alive\r\n\r\n";
	uint32_t used;
	int n, i;

	n = tt_http_build_response(buf, sizeof(buf), 200, 1234, true);
	ck_assert_int_eq(n, strlen(exp));
	ck_assert_int_eq(memcmp(buf, exp, n), 0);
	/* Too small by one byte or more: nothing but -ENOSPC. */
	for (i = 0; i < n; i++)
		ck_assert_int_eq(tt_http_build_response(buf, i, 200, 1234, true), -ENOSPC);
	ck_assert_int_eq(tt_http_build_response(buf, n, 200, 1234, true), n);
	n = tt_http_build_response(buf, sizeof(buf), 400, 0, false);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "HTTP/1.1 400 Bad Request\r\nServer: tcpterm\r\nContent-Length: 0\r\n"
			 "Content-Type: text/plain\r\nConnection: close\r\n\r\n");
	n = tt_http_build_response(buf, sizeof(buf), 204, 99, true);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "HTTP/1.1 204 No Content\r\nServer: tcpterm\r\n"
			 "Connection: keep-alive\r\n\r\n");
	n = tt_http_build_response(buf, sizeof(buf), 299, 4294967295u, true);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "HTTP/1.1 299 \r\nServer: tcpterm\r\nContent-Length: 4294967295\r\n"
			 "Content-Type: text/plain\r\nConnection: keep-alive\r\n\r\n");
	ck_assert_int_eq(tt_http_build_response(buf, sizeof(buf), 99, 0, true), -EINVAL);
	ck_assert_int_eq(tt_http_build_response(buf, sizeof(buf), 1000, 0, true), -EINVAL);

	/* What we build, we parse. */
	for (i = 0; i < 4; i++) {
		uint32_t blen = i * 1000;
		bool ka = i & 1;

		n = tt_http_build_response(buf, sizeof(buf) - 4, 200, blen, ka);
		ck_assert_int_gt(n, 0);
		tt_http_resp_init(&p);
		ck_assert_int_eq(tt_http_resp_feed(&p, (uint8_t *)buf, n, &used),
				 blen ? TT_HTTP_MORE : TT_HTTP_DONE);
		ck_assert_uint_eq(p.status, 200);
		if (blen == 0)
			ck_assert_uint_eq(p.flags, ka ? KA : 0);
		else
			ck_assert_uint_eq(p.remaining, blen);
	}
}
END_TEST

START_TEST(test_build_request)
{
	char buf[256];
	struct tt_http_req p;
	uint32_t used;
	int n, i;
	const char *exp = "GET /index.html HTTP/1.1\r\nHost: 198.18.0.2\r\n"
			  "User-Agent: tcpterm\r\n\r\n";
	const char *exp2 = "GET /x?y=1 HTTP/1.1\r\nHost: example.com:8080\r\n"
			   "User-Agent: tcpterm\r\nConnection: close\r\n\r\n";
	char *longp;

	n = tt_http_build_request(buf, sizeof(buf), "/index.html", "198.18.0.2", true);
	ck_assert_int_eq(n, strlen(exp));
	ck_assert_int_eq(memcmp(buf, exp, n), 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(tt_http_build_request(buf, i, "/index.html", "198.18.0.2",
						       true), -ENOSPC);
	tt_http_req_init(&p);
	ck_assert_int_eq(tt_http_req_feed(&p, (uint8_t *)buf, n, &used), TT_HTTP_DONE);
	ck_assert_uint_eq(used, n);
	ck_assert_uint_eq(p.flags, KA);

	n = tt_http_build_request(buf, sizeof(buf), "/x?y=1", "example.com:8080", false);
	ck_assert_int_eq(n, strlen(exp2));
	ck_assert_int_eq(memcmp(buf, exp2, n), 0);
	tt_http_req_init(&p);
	ck_assert_int_eq(tt_http_req_feed(&p, (uint8_t *)buf, n, &used), TT_HTTP_DONE);
	ck_assert_uint_eq(p.flags, 0);

	ck_assert_int_eq(tt_http_build_request(buf, sizeof(buf), "", "h", true), -EINVAL);
	ck_assert_int_eq(tt_http_build_request(buf, sizeof(buf), "/a b", "h", true), -EINVAL);
	ck_assert_int_eq(tt_http_build_request(buf, sizeof(buf), "/a\r\n", "h", true), -EINVAL);
	ck_assert_int_eq(tt_http_build_request(buf, sizeof(buf), "/", "", true), -EINVAL);
	ck_assert_int_eq(tt_http_build_request(buf, sizeof(buf), "/", "h h", true), -EINVAL);
	ck_assert_int_eq(tt_http_build_request(buf, sizeof(buf), NULL, "h", true), -EINVAL);
	ck_assert_int_eq(tt_http_build_request(buf, sizeof(buf), "/", NULL, true), -EINVAL);
	longp = malloc(TT_HTTP_TARGET_MAX + 2);
	ck_assert_ptr_nonnull(longp);
	memset(longp, 'a', TT_HTTP_TARGET_MAX + 1);
	longp[TT_HTTP_TARGET_MAX + 1] = '\0';
	ck_assert_int_eq(tt_http_build_request(buf, sizeof(buf), longp, "h", true), -EINVAL);
	longp[TT_HTTP_TARGET_MAX] = '\0';
	ck_assert_int_eq(tt_http_build_request(buf, sizeof(buf), longp, "h", true), -ENOSPC);
	free(longp);
}
END_TEST

START_TEST(test_body)
{
	static const char alpha[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/";
	static uint8_t buf[20000];
	uint64_t off;
	uint32_t i, len;
	int t;

	ck_assert_uint_eq(strlen(alpha), 64);
	/* The documented formula, over three periods. */
	tt_pattern_fill(buf, 0, 3 * TT_PATTERN_PERIOD);
	for (i = 0; i < 3 * TT_PATTERN_PERIOD; i++) {
		uint8_t exp = (i % 64 == 63) ? '\n' : alpha[(i / 64 + i % 64) % 64];

		if (buf[i] != exp)
			ck_abort_msg("body byte %u is %#x, expected %#x", i, buf[i], exp);
	}
	ck_assert(tt_pattern_check(buf, 0, 3 * TT_PATTERN_PERIOD));
	/* Any offset, any length, including huge offsets. */
	for (t = 0; t < 2000; t++) {
		off = t < 1000 ? rng() % 100000 : rng();
		len = rng() % sizeof(buf);
		buf[len] = 0xaa;
		tt_pattern_fill(buf, off, len);
		ck_assert_uint_eq(buf[len], 0xaa);	/* nothing written past len */
		for (i = 0; i < len; i += 1 + i / 8) {
			uint64_t o = off + i;
			uint8_t exp = (o % 64 == 63) ? '\n' : alpha[(o / 64 + o % 64) % 64];

			ck_assert_uint_eq(buf[i], exp);
		}
		ck_assert(tt_pattern_check(buf, off, len));
		if (len > 0) {
			i = rng() % len;
			buf[i] ^= 1;
			ck_assert(!tt_pattern_check(buf, off, len));
			ck_assert(!tt_pattern_check(buf + i, off + i, len - i));
			ck_assert(tt_pattern_check(buf, off, i));
		}
	}
	ck_assert(tt_pattern_check(buf, 5, 0));
	/* A segment moved by one line does not match. */
	tt_pattern_fill(buf, 64, 1460);
	ck_assert(!tt_pattern_check(buf, 0, 1460));
	ck_assert(!tt_pattern_check(buf, 1460, 1460));
}
END_TEST

/*
 * Mutated messages (bytes replaced, inserted, deleted, with a bias to the
 * characters that matter to the grammar): whatever the verdict, it must not
 * depend on how the input is split.
 */
START_TEST(test_fuzz_splits)
{
	static const char *const seeds[] = {
		"POST /a HTTP/1.1\r\nContent-Length: 3\r\nConnection: keep-alive, close\r\n"
		"\r\nabcGET / HTTP/1.0\r\n\r\n",
		"HEAD / HTTP/1.1\r\nContent-Length: 1, 1\r\nContent-Length: 01\r\n\r\nx",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
		"3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\nHTTP/1.0 204 N\r\n\r\n",
		"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nab"
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\nxyz",
	};
	static const char special[] = "\r\n :,;0123456789aAcCkK-\t\x00\x80";
	uint8_t buf[256];
	struct run r;
	unsigned int k, t, m, nm;

	for (k = 0; k < RTE_DIM_(seeds); k++) {
		for (t = 0; t < 400; t++) {
			uint32_t len = strlen(seeds[k]);

			memcpy(buf, seeds[k], len);
			nm = 1 + rng() % 3;
			for (m = 0; m < nm; m++) {
				uint32_t at = rng() % len;
				uint8_t c = (rng() & 1) ? special[rng() % (sizeof(special) - 1)] :
					    (uint8_t)rng();

				switch (rng() % 3) {
				case 0:
					buf[at] = c;
					break;
				case 1:
					if (len < sizeof(buf) - 1) {
						memmove(buf + at + 1, buf + at, len - at);
						buf[at] = c;
						len++;
					}
					break;
				default:
					if (len > 1) {
						memmove(buf + at, buf + at + 1, len - at - 1);
						len--;
					}
					break;
				}
			}
			stream_all_splits(buf, len, k >= 2, false, &r);
		}
	}
}
END_TEST

/*
 * The head cache gives exactly what the parser gives: feed a sequence of
 * responses (with repeats, a one-byte change, a status change, a 204, a
 * response split across calls and a HEAD response) to two parsers, one with
 * the cache and one without, and compare every result.
 */
START_TEST(test_resp_head_cache)
{
	static const char *const resp[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nworld",
		"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello!",
		"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello!",
		"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno",
		"HTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello!",
		"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello!",
		"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhel",	/* body split */
		"lo!",
		"HTTP/1.1 200 OK\r\nContent-Le",			/* head split */
		"ngth: 6\r\n\r\nhello!",
		"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello!",
		"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello!HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello!",
	};
	struct tt_http_head_cache hc;
	struct tt_http_resp a, b;
	unsigned int k, hits = 0;

	memset(&hc, 0, sizeof(hc));
	tt_http_resp_init(&a);
	tt_http_resp_init(&b);
	for (k = 0; k < sizeof(resp) / sizeof(resp[0]); k++) {
		const uint8_t *d = (const uint8_t *)resp[k];
		uint32_t len = (uint32_t)strlen(resp[k]);

		while (len > 0) {
			uint32_t ua = 0, ub = 0;
			bool cached = hc.len != 0 && len >= hc.len &&
				      memcmp(d, hc.head, hc.len) == 0;
			enum tt_http_rc ra = tt_http_resp_feed_cached(&a, &hc, d, len, &ua);
			enum tt_http_rc rb = tt_http_resp_feed(&b, d, len, &ub);

			hits += cached;
			ck_assert_int_eq(ra, rb);
			ck_assert_uint_eq(ua, ub);
			ck_assert_uint_eq(a.status, b.status);
			ck_assert_uint_eq(a.flags, b.flags);
			ck_assert_uint_eq(tt_http_resp_body_bytes(&a), tt_http_resp_body_bytes(&b));
			d += ua;
			len -= ua;
			if (ra != TT_HTTP_DONE)
				break;
		}
	}
	ck_assert_uint_ge(hits, 5);
	/* A HEAD response never takes the cached head (its body is not there). */
	tt_http_resp_init_head(&a);
	tt_http_resp_init_head(&b);
	{
		const char *h = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n";
		uint32_t ua, ub;

		ck_assert_int_eq(tt_http_resp_feed_cached(&a, &hc, (const uint8_t *)h,
							  (uint32_t)strlen(h), &ua),
				 tt_http_resp_feed(&b, (const uint8_t *)h, (uint32_t)strlen(h), &ub));
		ck_assert_uint_eq(ua, ub);
		ck_assert_uint_eq(ua, strlen(h));
	}
}
END_TEST

/* The request cache gives exactly what the parser gives (see test_resp_head_cache). */
START_TEST(test_req_cache)
{
	static const char *const req[] = {
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"HEAD / HTTP/1.0\r\n\r\n",
		"HEAD / HTTP/1.0\r\n\r\n",
		"POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
		"POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
		"GET / HTTP/1.1\r\nHo",	/* split */
		"st: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\r",	/* one byte short of the cached request */
		"\n",
		"BAD REQUEST\r\n\r\n",
	};
	struct tt_http_req_cache rcc;
	struct tt_http_req a, b;
	unsigned int k, hits = 0;

	memset(&rcc, 0, sizeof(rcc));
	tt_http_req_init(&a);
	tt_http_req_init(&b);
	for (k = 0; k < sizeof(req) / sizeof(req[0]); k++) {
		const uint8_t *d = (const uint8_t *)req[k];
		uint32_t len = (uint32_t)strlen(req[k]);

		while (len > 0) {
			uint32_t ua = 0, ub = 0;
			bool cached = rcc.len != 0 && len >= rcc.len &&
				      memcmp(d, rcc.head, rcc.len) == 0;
			enum tt_http_rc ra = tt_http_req_feed_cached(&a, &rcc, d, len, &ua);
			enum tt_http_rc rb = tt_http_req_feed(&b, d, len, &ub);

			hits += cached;
			ck_assert_int_eq(ra, rb);
			ck_assert_uint_eq(ua, ub);
			if (ra == TT_HTTP_DONE)
				ck_assert_uint_eq(a.flags, b.flags);
			if (ra != TT_HTTP_DONE)
				break;
			d += ua;
			len -= ua;
		}
	}
	ck_assert_uint_ge(hits, 4);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("http");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_req_basic);
	tcase_add_test(tc, test_req_keepalive);
	tcase_add_test(tc, test_req_body);
	tcase_add_test(tc, test_req_errors);
	tcase_add_test(tc, test_req_bytes);
	tcase_add_test(tc, test_resp_basic);
	tcase_add_test(tc, test_resp_framing);
	tcase_add_test(tc, test_resp_errors);
	tcase_add_test(tc, test_resp_large);
	tcase_add_test(tc, test_resp_head_cache);
	tcase_add_test(tc, test_req_cache);
	tcase_add_test(tc, test_build_response);
	tcase_add_test(tc, test_build_request);
	tcase_add_test(tc, test_body);
	tcase_add_test(tc, test_fuzz_splits);
	suite_add_tcase(s, tc);
	return s;
}
