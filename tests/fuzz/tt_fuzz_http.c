/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP parsers' split and cache checks; see tt_fuzz_http.h.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tt_fuzz.h"
#include "tt_fuzz_http.h"

/* Messages whose details are compared (all are counted). */
#define MAX_MSG 256
/* Streams up to this long are split once at every offset. */
#define ALL_CUTS_MAX 32

struct msg {
	uint32_t end;		/**< offset in the stream just after the message */
	uint32_t body;
	uint16_t status;
	uint8_t flags;
};

struct outcome {
	uint32_t n_msg;
	struct msg m[MAX_MSG];
	enum tt_http_rc last;	/**< MORE (all used), or ERROR */
	uint32_t err_at;	/**< ERROR: offset in the stream */
	enum tt_http_rc eof;	/**< the result of the EOF, when the stream ended in MORE */
	struct msg eof_msg;
};

/* How a pass cuts the stream into feed calls. */
enum split_kind {
	SPLIT_WHOLE,
	SPLIT_BYTES,
	SPLIT_AT,	/**< one cut, at @p at */
	SPLIT_RANDOM,	/**< pieces of 1 to 64 bytes, or longer, from a PRNG */
};

struct split {
	enum split_kind kind;
	uint32_t at;
	uint32_t rng;
};

static uint32_t
rng_next(uint32_t *s)
{
	/* xorshift32: the pieces depend on the input only, so a crash replays. */
	uint32_t x = *s ? *s : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static uint32_t
split_piece(struct split *s, uint32_t off, uint32_t len)
{
	uint32_t left = len - off, r;

	switch (s->kind) {
	case SPLIT_BYTES:
		return 1;
	case SPLIT_AT:
		return off < s->at ? s->at - off : left;
	case SPLIT_RANDOM:
		r = rng_next(&s->rng);
		r = (r & 0x700) == 0 ? 1 + r % 1024 : 1 + r % 64;
		return r < left ? r : left;
	case SPLIT_WHOLE:
	default:
		return left;
	}
}

/* One pass: feed @p d as @p s cuts it, through the cache when @p cache is not NULL. */
static void
feed_all(const struct tt_fuzz_http_ops *ops, void *p, void *cache, uint8_t mode,
	 const uint8_t *d, uint32_t len, struct split *s, struct outcome *o)
{
	uint32_t off = 0;

	memset(o, 0, sizeof(*o));
	o->last = TT_HTTP_MORE;
	ops->init(p, mode);
	while (off < len) {
		uint32_t end = off + split_piece(s, off, len);

		while (off < end) {
			uint32_t used = UINT32_MAX;
			enum tt_http_rc rc = ops->feed(p, cache, d + off, end - off, &used);

			TT_FUZZ_CHECK(used <= end - off, "consumed %u of %u", used, end - off);
			if (rc == TT_HTTP_DONE) {
				TT_FUZZ_CHECK(used > 0, "a message of no bytes at %u", off);
				off += used;
				if (o->n_msg < MAX_MSG) {
					struct msg *m = &o->m[o->n_msg];

					m->end = off;
					ops->msg(p, &m->status, &m->flags, &m->body);
				}
				o->n_msg++;
			} else if (rc == TT_HTTP_MORE) {
				TT_FUZZ_CHECK(used == end - off, "MORE after %u of %u bytes", used,
					      end - off);
				off = end;
			} else {
				TT_FUZZ_CHECK(rc == TT_HTTP_ERROR, "result %d", (int)rc);
				o->last = TT_HTTP_ERROR;
				o->err_at = off + used;
				/* The parser stays in error until it is initialised again. */
				rc = ops->feed(p, cache, d, 1, &used);
				TT_FUZZ_CHECK(rc == TT_HTTP_ERROR, "left the error state");
				return;
			}
		}
	}
	if (ops->eof != NULL) {
		o->eof = ops->eof(p);
		ops->msg(p, &o->eof_msg.status, &o->eof_msg.flags, &o->eof_msg.body);
	}
}

static void
same(const struct outcome *a, const struct outcome *b, const char *pass, uint32_t arg)
{
	uint32_t i;

	TT_FUZZ_CHECK(a->n_msg == b->n_msg, "%s %u: %u messages, whole: %u", pass, arg,
		      b->n_msg, a->n_msg);
	for (i = 0; i < a->n_msg && i < MAX_MSG; i++) {
		const struct msg *x = &a->m[i], *y = &b->m[i];

		TT_FUZZ_CHECK(x->end == y->end && x->status == y->status &&
			      x->flags == y->flags && x->body == y->body,
			      "%s %u: message %u ends at %u status %u flags 0x%x body %u; whole: "
			      "%u status %u flags 0x%x body %u", pass, arg, i, y->end, y->status,
			      y->flags, y->body, x->end, x->status, x->flags, x->body);
	}
	TT_FUZZ_CHECK(a->last == b->last, "%s %u: ends in %d, whole: %d", pass, arg,
		      (int)b->last, (int)a->last);
	if (a->last == TT_HTTP_ERROR)
		TT_FUZZ_CHECK(a->err_at == b->err_at, "%s %u: error at %u, whole: %u", pass, arg,
			      b->err_at, a->err_at);
	else
		TT_FUZZ_CHECK(a->eof == b->eof && a->eof_msg.status == b->eof_msg.status &&
			      a->eof_msg.flags == b->eof_msg.flags &&
			      a->eof_msg.body == b->eof_msg.body,
			      "%s %u: EOF %d status %u flags 0x%x body %u; whole: EOF %d status %u "
			      "flags 0x%x body %u", pass, arg, (int)b->eof, b->eof_msg.status,
			      b->eof_msg.flags, b->eof_msg.body, (int)a->eof, a->eof_msg.status,
			      a->eof_msg.flags, a->eof_msg.body);
}

/* One cut at @p at (when inside the stream), compared with the whole. */
static void
cut_at(const struct tt_fuzz_http_ops *ops, void *p, uint8_t mode, const uint8_t *d,
       uint32_t len, uint32_t at, const struct outcome *ref, struct outcome *o)
{
	struct split s = { .kind = SPLIT_AT, .at = at };

	if (at == 0 || at >= len)
		return;
	feed_all(ops, p, NULL, mode, d, len, &s, o);
	same(ref, o, "cut at", at);
}

void
tt_fuzz_http_run(const struct tt_fuzz_http_ops *ops, uint8_t mode,
		 const uint8_t *d, uint32_t len)
{
	static struct outcome ref, o;
	static uint64_t parser[8], cache[1024];
	struct split s = { .kind = SPLIT_WHOLE };
	uint32_t seed = 2166136261u, i, k;

	TT_FUZZ_CHECK(ops->parser_size <= sizeof(parser) && ops->cache_size <= sizeof(cache),
		      "driver buffers too small");
	for (i = 0; i < len; i++)
		seed = (seed ^ d[i]) * 16777619u;

	feed_all(ops, parser, NULL, mode, d, len, &s, &ref);

	s.kind = SPLIT_BYTES;
	feed_all(ops, parser, NULL, mode, d, len, &s, &o);
	same(&ref, &o, "byte by byte", 0);

	if (len <= ALL_CUTS_MAX) {
		for (k = 1; k < len; k++)
			cut_at(ops, parser, mode, d, len, k, &ref, &o);
	} else {
		for (i = 0; i < 8; i++)
			cut_at(ops, parser, mode, d, len, 1 + rng_next(&seed) % (len - 1), &ref, &o);
		for (i = 0; i < ref.n_msg && i < 4; i++)
			cut_at(ops, parser, mode, d, len, ref.m[i].end, &ref, &o);
		if (ref.last == TT_HTTP_ERROR)
			cut_at(ops, parser, mode, d, len, ref.err_at, &ref, &o);
	}

	s.kind = SPLIT_RANDOM;
	for (i = 0; i < 2; i++) {
		s.rng = seed + i;
		feed_all(ops, parser, NULL, mode, d, len, &s, &o);
		same(&ref, &o, "random pieces", i);
	}

	/*
	 * The cached path: an empty cache, then one the earlier passes filled
	 * (a pipelined repeat of a message hits it from the first pass on).
	 */
	memset(cache, 0, ops->cache_size);
	s.kind = SPLIT_WHOLE;
	feed_all(ops, parser, cache, mode, d, len, &s, &o);
	same(&ref, &o, "cached, whole", 0);
	feed_all(ops, parser, cache, mode, d, len, &s, &o);
	same(&ref, &o, "cached again, whole", 0);
	s.kind = SPLIT_BYTES;
	feed_all(ops, parser, cache, mode, d, len, &s, &o);
	same(&ref, &o, "cached, byte by byte", 0);
	s.kind = SPLIT_RANDOM;
	s.rng = seed ^ 0x5bd1e995u;
	feed_all(ops, parser, cache, mode, d, len, &s, &o);
	same(&ref, &o, "cached, random pieces", 0);
	s.kind = SPLIT_WHOLE;
	feed_all(ops, parser, cache, mode, d, len, &s, &o);
	same(&ref, &o, "cached after pieces, whole", 0);
}
