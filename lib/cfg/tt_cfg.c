/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The configuration module: an ini file read with rte_cfgfile, turned into
 * the typed struct tt_config and checked.
 *
 * rte_cfgfile does the parsing. Two things it does quietly are checked
 * here before it runs: lines it skips (text with no '=' that is not a
 * section header, a likely typo) and lines longer than its buffer. Values
 * longer than CFG_VALUE_LEN - 1 are cut by rte_cfgfile without a word, so
 * a value of exactly that length is refused as possibly cut.
 *
 * Every key is described once in a table (name, type, field, range); the
 * same table parses file entries and --set overrides and prints the dump,
 * so what tt_cfg_dump() writes loads back to the same configuration.
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>
#include <rte_common.h>
#include <rte_log.h>
#include <rte_string_fns.h>

#include "cfg/tt_cfg.h"

/* The comment character handed to rte_cfgfile (its default is ';'). */
#define TT_CFG_COMMENT '#'
/* rte_cfgfile reads lines into a buffer of this size (see rte_cfgfile.c). */
#define TT_CFG_LINE_BUF (CFG_NAME_LEN + CFG_VALUE_LEN + 4)
/* Longest line rte_cfgfile accepts, newline excluded. */
#define TT_CFG_LINE_MAX (TT_CFG_LINE_BUF - 2)
/* Seconds: upper bound of every duration key (one year). */
#define TT_CFG_MAX_SECONDS 31536000.0
/* Room for the text form of any value (EAL args are the longest). */
#define TT_CFG_VAL_BUF (2 * TT_CFG_EAL_ARGS_LEN)
/* Most distinct keys one load can set (every key of every section). */
#define TT_CFG_MAX_SEEN 256
/* Longest value quoted in an error message before it is shortened. */
#define TT_CFG_ERR_VAL 80

enum tt_cfg_sec_id {
	TT_SEC_GENERAL = 0,
	TT_SEC_EAL,
	TT_SEC_PORT,
	TT_SEC_TCP,
	TT_SEC_SERVER,
	TT_SEC_CLIENT,
};

enum tt_cfg_kind {
	TT_KT_UINT = 0,	/* unsigned integer of 1, 2, 4 or 8 bytes */
	TT_KT_DOUBLE,	/* non-negative decimal number */
	TT_KT_BOOL,
	TT_KT_CUSTOM,	/* own parse and format functions */
};

/* One key=value being applied, with where it came from. */
struct tt_cfg_ent {
	const char *origin;	/* file name or "--set" */
	const char *sec;
	const char *key;
	const char *val;
};

struct tt_cfg_ctx;
struct tt_cfg_key;

typedef int (*tt_cfg_parse_fn)(struct tt_cfg_ctx *ctx,
		const struct tt_cfg_ent *e, const struct tt_cfg_key *k,
		void *base);
typedef void (*tt_cfg_fmt_fn)(char *buf, size_t len,
		const struct tt_cfg_key *k, const void *base);

struct tt_cfg_key {
	const char *name;
	enum tt_cfg_kind kind;
	size_t off;		/* offset of the field in the section struct */
	size_t size;		/* size of the field (TT_KT_UINT) */
	uint64_t min;		/* range (TT_KT_UINT) */
	uint64_t max;
	double dmin;		/* range (TT_KT_DOUBLE) */
	double dmax;
	tt_cfg_parse_fn parse;	/* TT_KT_CUSTOM */
	tt_cfg_fmt_fn fmt;	/* TT_KT_CUSTOM */
};

struct tt_cfg_sec {
	const char *name;
	enum tt_cfg_sec_id id;
	const struct tt_cfg_key *keys;
	unsigned int n_keys;
};

/* A key applied during this load: for duplicates and cross-check messages. */
struct tt_cfg_seen {
	char sec[CFG_NAME_LEN];
	char key[CFG_NAME_LEN];
	char *val;
	const char *origin;
	bool from_file;
};

struct tt_cfg_ctx {
	struct tt_config *cfg;
	char *err;
	size_t errlen;
	struct tt_cfg_seen seen[TT_CFG_MAX_SEEN];
	unsigned int n_seen;
};

/* Messages. */

/* Quote @p val for an error message, shortened when very long. */
static void
cfg_quote(char *buf, size_t len, const char *val)
{
	size_t n = strlen(val);

	if (n <= TT_CFG_ERR_VAL)
		snprintf(buf, len, "%s", val);
	else
		snprintf(buf, len, "%.*s...(%zu characters)", TT_CFG_ERR_VAL - 20,
			 val, n);
}

static int __rte_format_printf(6, 7)
cfg_err(struct tt_cfg_ctx *ctx, const char *origin, const char *sec,
	const char *key, const char *val, const char *fmt, ...)
{
	char reason[TT_CFG_ERR_LEN];
	char q[TT_CFG_ERR_VAL + 32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (ctx->err == NULL || ctx->errlen == 0)
		return -EINVAL;
	if (key == NULL) {
		snprintf(ctx->err, ctx->errlen, "%s: [%s]: %s", origin, sec,
			 reason);
	} else {
		cfg_quote(q, sizeof(q), val);
		snprintf(ctx->err, ctx->errlen, "%s: [%s] %s = '%s': %s",
			 origin, sec, key, q, reason);
	}
	return -EINVAL;
}

#define ENT_ERR(ctx, e, ...) \
	cfg_err(ctx, (e)->origin, (e)->sec, (e)->key, (e)->val, __VA_ARGS__)

static int __rte_format_printf(3, 4)
cfg_parse_err(struct tt_cfg_ctx *ctx, const char *origin, const char *fmt,
	      ...)
{
	char reason[TT_CFG_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (ctx->err != NULL && ctx->errlen > 0)
		snprintf(ctx->err, ctx->errlen, "%s: cannot parse: %s", origin,
			 reason);
	return -EINVAL;
}

/* Scalar parsers shared by the key types. */

enum tt_num_status {
	TT_NUM_OK = 0,
	TT_NUM_NAN,		/* does not start like a number */
	TT_NUM_TRAILING,	/* a number followed by other characters */
	TT_NUM_RANGE,		/* negative or too large */
};

/* Parse a whole decimal unsigned integer; *end points to junk if any. */
static enum tt_num_status
cfg_num_u64(const char *s, uint64_t *v, const char **junk)
{
	unsigned long long x;
	char *end;

	*junk = NULL;
	if (s[0] == '-' && isdigit((unsigned char)s[1]))
		return TT_NUM_RANGE;
	if (!isdigit((unsigned char)s[0]))
		return TT_NUM_NAN;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (*end != '\0') {
		*junk = end;
		return TT_NUM_TRAILING;
	}
	if (errno == ERANGE)
		return TT_NUM_RANGE;
	*v = x;
	return TT_NUM_OK;
}

/* Parse a whole non-negative decimal number (no hex, inf or nan). */
static enum tt_num_status
cfg_num_double(const char *s, double *v, const char **junk)
{
	const char *p;
	char *end;
	double x;

	*junk = NULL;
	if (s[0] == '-' && (isdigit((unsigned char)s[1]) || s[1] == '.'))
		return TT_NUM_RANGE;
	if (!isdigit((unsigned char)s[0]) &&
	    !(s[0] == '.' && isdigit((unsigned char)s[1])))
		return TT_NUM_NAN;
	for (p = s; *p != '\0'; p++) {
		if (*p == 'x' || *p == 'X') {
			*junk = p;
			return TT_NUM_TRAILING;
		}
	}
	errno = 0;
	x = strtod(s, &end);
	if (*end != '\0') {
		*junk = end;
		return TT_NUM_TRAILING;
	}
	if (errno == ERANGE || !isfinite(x))
		return TT_NUM_RANGE;
	*v = x;
	return TT_NUM_OK;
}

/* Parse a dotted quad strictly: four decimal parts 0-255, no leading 0s. */
static int
cfg_ip_parse(const char *s, size_t len, uint32_t *ip)
{
	uint32_t a = 0;
	unsigned int part, digits, n = 0;
	size_t i = 0;

	for (n = 0; n < 4; n++) {
		part = 0;
		digits = 0;
		while (i < len && isdigit((unsigned char)s[i])) {
			if (digits > 0 && part == 0)
				return -1; /* leading zero */
			part = part * 10 + (unsigned int)(s[i] - '0');
			if (++digits > 3 || part > 255)
				return -1;
			i++;
		}
		if (digits == 0)
			return -1;
		a = (a << 8) | part;
		if (n < 3) {
			if (i >= len || s[i] != '.')
				return -1;
			i++;
		}
	}
	if (i != len)
		return -1;
	*ip = a;
	return 0;
}

static void
cfg_ip_fmt(char *buf, size_t len, uint32_t ip)
{
	snprintf(buf, len, "%u.%u.%u.%u", (ip >> 24) & 0xff, (ip >> 16) & 0xff,
		 (ip >> 8) & 0xff, ip & 0xff);
}

/* A host address tcpterm can own or talk to. */
static bool
cfg_ip_unicast(uint32_t ip)
{
	return ip != 0 && (ip >> 28) < 0xe; /* not 0.0.0.0, multicast, class E */
}

static uint32_t
cfg_mask(unsigned int prefix)
{
	return prefix == 0 ? 0 : UINT32_MAX << (32 - prefix);
}

static bool
cfg_in_subnet(const struct tt_port_cfg *p, uint32_t ip)
{
	uint32_t m = cfg_mask(p->prefix);

	return (ip & m) == (p->ip & m);
}

/* Generic key types. */

static int
cfg_parse_uint(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
	       const struct tt_cfg_key *k, void *base)
{
	const char *junk;
	uint64_t v = 0;
	void *dst = (char *)base + k->off;

	switch (cfg_num_u64(e->val, &v, &junk)) {
	case TT_NUM_NAN:
		return ENT_ERR(ctx, e, "not a number (expected %" PRIu64 "..%"
			       PRIu64 ")", k->min, k->max);
	case TT_NUM_TRAILING:
		return ENT_ERR(ctx, e, "trailing characters '%s' after the number",
			       junk);
	case TT_NUM_RANGE:
		return ENT_ERR(ctx, e, "out of range %" PRIu64 "..%" PRIu64,
			       k->min, k->max);
	case TT_NUM_OK:
		break;
	}
	if (v < k->min || v > k->max)
		return ENT_ERR(ctx, e, "out of range %" PRIu64 "..%" PRIu64,
			       k->min, k->max);
	switch (k->size) {
	case 1:
		*(uint8_t *)dst = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)dst = (uint16_t)v;
		break;
	case 4:
		*(uint32_t *)dst = (uint32_t)v;
		break;
	default:
		*(uint64_t *)dst = v;
		break;
	}
	return 0;
}

static uint64_t
cfg_get_uint(const struct tt_cfg_key *k, const void *base)
{
	const void *src = (const char *)base + k->off;

	switch (k->size) {
	case 1:
		return *(const uint8_t *)src;
	case 2:
		return *(const uint16_t *)src;
	case 4:
		return *(const uint32_t *)src;
	default:
		return *(const uint64_t *)src;
	}
}

static int
cfg_parse_double(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		 const struct tt_cfg_key *k, void *base)
{
	const char *junk;
	double v = 0;

	switch (cfg_num_double(e->val, &v, &junk)) {
	case TT_NUM_NAN:
		return ENT_ERR(ctx, e, "not a number (expected %.15g..%.15g)",
			       k->dmin, k->dmax);
	case TT_NUM_TRAILING:
		return ENT_ERR(ctx, e, "trailing characters '%s' after the number",
			       junk);
	case TT_NUM_RANGE:
		return ENT_ERR(ctx, e, "out of range %.15g..%.15g", k->dmin, k->dmax);
	case TT_NUM_OK:
		break;
	}
	if (v < k->dmin || v > k->dmax)
		return ENT_ERR(ctx, e, "out of range %.15g..%.15g", k->dmin, k->dmax);
	*(double *)((char *)base + k->off) = v;
	return 0;
}

/* Shortest text that reads back as exactly the same double. */
static void
cfg_double_fmt(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, len, "%.17g", v);
}

static int
cfg_parse_bool(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
	       const struct tt_cfg_key *k, void *base)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	bool *dst = (bool *)((char *)base + k->off);
	unsigned int i;

	for (i = 0; i < RTE_DIM(yes); i++) {
		if (strcasecmp(e->val, yes[i]) == 0) {
			*dst = true;
			return 0;
		}
		if (strcasecmp(e->val, no[i]) == 0) {
			*dst = false;
			return 0;
		}
	}
	return ENT_ERR(ctx, e, "expected true/false/yes/no/on/off/1/0");
}

/* Custom keys. */

/* Split @p s on commas and white space; call @p fn on each token. */
static int
cfg_split_list(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e, void *arg,
	       int (*fn)(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
			 void *arg, const char *tok, size_t len))
{
	const char *p = e->val, *t;
	int ret;

	for (;;) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 0;
		t = p;
		while (*p != '\0' && *p != ',' && !isspace((unsigned char)*p))
			p++;
		ret = fn(ctx, e, arg, t, (size_t)(p - t));
		if (ret < 0)
			return ret;
	}
}

/* Parse a port number token of @p len characters. */
static int
cfg_port_tok(const char *tok, size_t len, uint16_t *port)
{
	char buf[16];
	const char *junk;
	uint64_t v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, tok, len);
	buf[len] = '\0';
	if (cfg_num_u64(buf, &v, &junk) != TT_NUM_OK || v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int
cfg_listen_tok(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e, void *arg,
	       const char *tok, size_t len)
{
	struct tt_server_cfg *s = arg;
	uint16_t port;
	unsigned int i;

	if (cfg_port_tok(tok, len, &port) < 0)
		return ENT_ERR(ctx, e, "bad port '%.*s' (expected 1..65535)",
			       (int)len, tok);
	for (i = 0; i < s->n_listen; i++)
		if (s->listen[i] == port)
			return ENT_ERR(ctx, e, "port %u listed twice", port);
	if (s->n_listen >= TT_CFG_MAX_LISTEN)
		return ENT_ERR(ctx, e, "more than %u ports", TT_CFG_MAX_LISTEN);
	s->listen[s->n_listen++] = port;
	return 0;
}

static int
cfg_parse_listen(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		 const struct tt_cfg_key *k, void *base)
{
	struct tt_server_cfg *s = base;

	s->n_listen = 0;
	memset(s->listen, 0, sizeof(s->listen));
	return cfg_split_list(ctx, e, s, cfg_listen_tok);
}

static void
cfg_fmt_listen(char *buf, size_t len, const struct tt_cfg_key *k,
	       const void *base)
{
	const struct tt_server_cfg *s = base;
	size_t o = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < s->n_listen && o < len; i++)
		o += snprintf(buf + o, len - o, "%s%u", i ? ", " : "",
			      s->listen[i]);
}

static int
cfg_target_tok(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e, void *arg,
	       const char *tok, size_t len)
{
	struct tt_client_cfg *c = arg;
	const char *colon = memchr(tok, ':', len);
	unsigned int i;
	uint32_t ip;
	uint16_t port;

	if (colon == NULL)
		return ENT_ERR(ctx, e, "bad target '%.*s' (expected a.b.c.d:port)",
			       (int)len, tok);
	if (cfg_ip_parse(tok, (size_t)(colon - tok), &ip) < 0 ||
	    !cfg_ip_unicast(ip))
		return ENT_ERR(ctx, e, "bad target address '%.*s' (expected a unicast a.b.c.d)",
			       (int)(colon - tok), tok);
	if (cfg_port_tok(colon + 1, len - (size_t)(colon - tok) - 1, &port) < 0)
		return ENT_ERR(ctx, e, "bad target port '%.*s' (expected 1..65535)",
			       (int)(len - (size_t)(colon - tok) - 1), colon + 1);
	if (c->n_target >= TT_CFG_MAX_TARGETS)
		return ENT_ERR(ctx, e, "more than %u targets", TT_CFG_MAX_TARGETS);
	/* One flow per 4-tuple: the same target twice would give two. */
	for (i = 0; i < c->n_target; i++)
		if (c->target[i].ip == ip && c->target[i].port == port)
			return ENT_ERR(ctx, e, "target %.*s listed twice", (int)len, tok);
	c->target[c->n_target].ip = ip;
	c->target[c->n_target].port = port;
	c->n_target++;
	return 0;
}

static int
cfg_parse_target(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		 const struct tt_cfg_key *k, void *base)
{
	struct tt_client_cfg *c = base;

	c->n_target = 0;
	memset(c->target, 0, sizeof(c->target));
	return cfg_split_list(ctx, e, c, cfg_target_tok);
}

static void
cfg_fmt_target(char *buf, size_t len, const struct tt_cfg_key *k,
	       const void *base)
{
	const struct tt_client_cfg *c = base;
	char ip[16];
	size_t o = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < c->n_target && o < len; i++) {
		cfg_ip_fmt(ip, sizeof(ip), c->target[i].ip);
		o += snprintf(buf + o, len - o, "%s%s:%u", i ? ", " : "", ip,
			      c->target[i].port);
	}
}

static int
cfg_parse_port_ip(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		  const struct tt_cfg_key *k, void *base)
{
	struct tt_port_cfg *p = base;
	const char *slash = strchr(e->val, '/');
	const char *junk;
	uint64_t prefix;
	uint32_t ip, m;

	if (slash == NULL)
		return ENT_ERR(ctx, e, "expected a.b.c.d/prefix");
	if (cfg_ip_parse(e->val, (size_t)(slash - e->val), &ip) < 0)
		return ENT_ERR(ctx, e, "bad address (expected a.b.c.d/prefix)");
	if (!cfg_ip_unicast(ip))
		return ENT_ERR(ctx, e, "not a unicast address");
	if (cfg_num_u64(slash + 1, &prefix, &junk) != TT_NUM_OK ||
	    prefix < 1 || prefix > 32)
		return ENT_ERR(ctx, e, "bad prefix length (expected 1..32)");
	m = cfg_mask((unsigned int)prefix);
	if (prefix <= 30 && (ip & ~m) == 0)
		return ENT_ERR(ctx, e, "is the network address of its subnet");
	if (prefix <= 30 && (ip & ~m) == ~m)
		return ENT_ERR(ctx, e, "is the broadcast address of its subnet");
	p->ip = ip;
	p->prefix = (uint8_t)prefix;
	return 0;
}

static void
cfg_fmt_port_ip(char *buf, size_t len, const struct tt_cfg_key *k,
		const void *base)
{
	const struct tt_port_cfg *p = base;
	char ip[16];

	if (p->ip == 0) {
		buf[0] = '\0';
		return;
	}
	cfg_ip_fmt(ip, sizeof(ip), p->ip);
	snprintf(buf, len, "%s/%u", ip, p->prefix);
}

static int
cfg_parse_gateway(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		  const struct tt_cfg_key *k, void *base)
{
	struct tt_port_cfg *p = base;
	uint32_t ip;

	if (e->val[0] == '\0') {
		p->gateway = 0;
		return 0;
	}
	if (cfg_ip_parse(e->val, strlen(e->val), &ip) < 0)
		return ENT_ERR(ctx, e, "bad address (expected a.b.c.d)");
	if (!cfg_ip_unicast(ip))
		return ENT_ERR(ctx, e, "not a unicast address");
	p->gateway = ip;
	return 0;
}

static void
cfg_fmt_gateway(char *buf, size_t len, const struct tt_cfg_key *k,
		const void *base)
{
	const struct tt_port_cfg *p = base;

	if (p->gateway == 0)
		buf[0] = '\0';
	else
		cfg_ip_fmt(buf, len, p->gateway);
}

static int
cfg_parse_src_ips(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		  const struct tt_cfg_key *k, void *base)
{
	struct tt_client_cfg *c = base;
	const char *dash = strchr(e->val, '-');
	size_t len = strlen(e->val);
	uint32_t first, last;

	if (len == 0) {
		c->src_ip_first = 0;
		c->src_ip_last = 0;
		return 0;
	}
	if (cfg_ip_parse(e->val, dash ? (size_t)(dash - e->val) : len,
			 &first) < 0 ||
	    (dash != NULL && cfg_ip_parse(dash + 1, strlen(dash + 1), &last) < 0))
		return ENT_ERR(ctx, e, "bad address range (expected a.b.c.d or a.b.c.d-a.b.c.e)");
	if (dash == NULL)
		last = first;
	if (!cfg_ip_unicast(first) || !cfg_ip_unicast(last))
		return ENT_ERR(ctx, e, "not a unicast address");
	if (first > last)
		return ENT_ERR(ctx, e, "first address is greater than the last");
	c->src_ip_first = first;
	c->src_ip_last = last;
	return 0;
}

static void
cfg_fmt_src_ips(char *buf, size_t len, const struct tt_cfg_key *k,
		const void *base)
{
	const struct tt_client_cfg *c = base;
	char a[16], b[16];

	buf[0] = '\0';
	if (c->src_ip_first == 0)
		return;
	cfg_ip_fmt(a, sizeof(a), c->src_ip_first);
	if (c->src_ip_last == c->src_ip_first) {
		snprintf(buf, len, "%s", a);
	} else {
		cfg_ip_fmt(b, sizeof(b), c->src_ip_last);
		snprintf(buf, len, "%s-%s", a, b);
	}
}

static int
cfg_parse_src_ports(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		    const struct tt_cfg_key *k, void *base)
{
	struct tt_client_cfg *c = base;
	const char *dash = strchr(e->val, '-');
	size_t len = strlen(e->val);
	uint16_t lo, hi;

	if (cfg_port_tok(e->val, dash ? (size_t)(dash - e->val) : len, &lo) < 0 ||
	    (dash != NULL && cfg_port_tok(dash + 1, strlen(dash + 1), &hi) < 0))
		return ENT_ERR(ctx, e, "bad port range (expected lo-hi within 1..65535)");
	if (dash == NULL)
		hi = lo;
	if (lo > hi)
		return ENT_ERR(ctx, e, "first port is greater than the last");
	c->sport_first = lo;
	c->sport_last = hi;
	return 0;
}

static void
cfg_fmt_src_ports(char *buf, size_t len, const struct tt_cfg_key *k,
		  const void *base)
{
	const struct tt_client_cfg *c = base;

	snprintf(buf, len, "%u-%u", c->sport_first, c->sport_last);
}

static const char *const tt_app_names[] = {
	[TT_APP_HTTP] = "http",
	[TT_APP_ECHO] = "echo",
	[TT_APP_DISCARD] = "discard",
	[TT_APP_FIXED] = "fixed",
	[TT_APP_SEND] = "send",
};

static const char *const tt_close_names[] = {
	[TT_CLOSE_ACTIVE] = "active",
	[TT_CLOSE_PASSIVE] = "passive",
	[TT_CLOSE_RESET] = "reset",
};

const char *
tt_app_name(enum tt_app_kind app)
{
	if ((unsigned int)app >= RTE_DIM(tt_app_names))
		return "?";
	return tt_app_names[app];
}

const char *
tt_close_name(enum tt_close_mode mode)
{
	if ((unsigned int)mode >= RTE_DIM(tt_close_names))
		return "?";
	return tt_close_names[mode];
}

static int
cfg_app_lookup(const char *v)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(tt_app_names); i++)
		if (strcasecmp(v, tt_app_names[i]) == 0)
			return (int)i;
	return -1;
}

static int
cfg_parse_server_app(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		     const struct tt_cfg_key *k, void *base)
{
	struct tt_server_cfg *s = base;
	int a = cfg_app_lookup(e->val);

	if (a == TT_APP_SEND)
		return ENT_ERR(ctx, e, "'send' is a client-only app (server: http, echo, discard, fixed)");
	if (a < 0)
		return ENT_ERR(ctx, e, "unknown app (server: http, echo, discard, fixed)");
	s->app = (enum tt_app_kind)a;
	return 0;
}

static void
cfg_fmt_server_app(char *buf, size_t len, const struct tt_cfg_key *k,
		   const void *base)
{
	snprintf(buf, len, "%s",
		 tt_app_name(((const struct tt_server_cfg *)base)->app));
}

static int
cfg_parse_client_app(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		     const struct tt_cfg_key *k, void *base)
{
	struct tt_client_cfg *c = base;
	int a = cfg_app_lookup(e->val);

	if (a == TT_APP_DISCARD)
		return ENT_ERR(ctx, e, "'discard' is a server-only app (client: http, fixed, echo, send)");
	if (a < 0)
		return ENT_ERR(ctx, e, "unknown app (client: http, fixed, echo, send)");
	c->app = (enum tt_app_kind)a;
	return 0;
}

static void
cfg_fmt_client_app(char *buf, size_t len, const struct tt_cfg_key *k,
		   const void *base)
{
	snprintf(buf, len, "%s",
		 tt_app_name(((const struct tt_client_cfg *)base)->app));
}

static int
cfg_parse_close(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		const struct tt_cfg_key *k, void *base)
{
	struct tt_client_cfg *c = base;
	unsigned int i;

	for (i = 0; i < RTE_DIM(tt_close_names); i++) {
		if (strcasecmp(e->val, tt_close_names[i]) == 0) {
			c->close = (enum tt_close_mode)i;
			return 0;
		}
	}
	return ENT_ERR(ctx, e, "expected active, passive or reset");
}

static void
cfg_fmt_close(char *buf, size_t len, const struct tt_cfg_key *k,
	      const void *base)
{
	snprintf(buf, len, "%s",
		 tt_close_name(((const struct tt_client_cfg *)base)->close));
}

/* A string with no white space or control characters (HTTP path, host). */
static int
cfg_parse_token_str(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		    char *dst, size_t size)
{
	const unsigned char *p;

	if (strlen(e->val) >= size)
		return ENT_ERR(ctx, e, "longer than %zu characters", size - 1);
	for (p = (const unsigned char *)e->val; *p != '\0'; p++)
		if (isspace(*p) || iscntrl(*p))
			return ENT_ERR(ctx, e, "contains white space or control characters");
	/* Clear the whole buffer: the struct stays comparable with memcmp. */
	memset(dst, 0, size);
	strlcpy(dst, e->val, size);
	return 0;
}

static int
cfg_parse_path(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
	       const struct tt_cfg_key *k, void *base)
{
	struct tt_client_cfg *c = base;

	if (e->val[0] != '/')
		return ENT_ERR(ctx, e, "must start with '/'");
	return cfg_parse_token_str(ctx, e, c->path, sizeof(c->path));
}

static void
cfg_fmt_path(char *buf, size_t len, const struct tt_cfg_key *k,
	     const void *base)
{
	snprintf(buf, len, "%s", ((const struct tt_client_cfg *)base)->path);
}

static int
cfg_parse_host(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
	       const struct tt_cfg_key *k, void *base)
{
	struct tt_client_cfg *c = base;

	return cfg_parse_token_str(ctx, e, c->host, sizeof(c->host));
}

static void
cfg_fmt_host(char *buf, size_t len, const struct tt_cfg_key *k,
	     const void *base)
{
	snprintf(buf, len, "%s", ((const struct tt_client_cfg *)base)->host);
}

static int
cfg_parse_eal_args(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		   const struct tt_cfg_key *k, void *base)
{
	struct tt_config *cfg = base;
	const unsigned char *p;

	if (strlen(e->val) >= sizeof(cfg->eal_args))
		return ENT_ERR(ctx, e, "longer than %zu characters",
			       sizeof(cfg->eal_args) - 1);
	for (p = (const unsigned char *)e->val; *p != '\0'; p++)
		if (iscntrl(*p) && *p != '\t')
			return ENT_ERR(ctx, e, "contains control characters");
	memset(cfg->eal_args, 0, sizeof(cfg->eal_args));
	strlcpy(cfg->eal_args, e->val, sizeof(cfg->eal_args));
	return 0;
}

static void
cfg_fmt_eal_args(char *buf, size_t len, const struct tt_cfg_key *k,
		 const void *base)
{
	snprintf(buf, len, "%s", ((const struct tt_config *)base)->eal_args);
}

/* The key tables: the single description of every key. */

#define KEY_UINT(type, field, lo, hi) { \
	.name = #field, .kind = TT_KT_UINT, \
	.off = offsetof(struct type, field), \
	.size = sizeof(((struct type *)0)->field), .min = (lo), .max = (hi) }
#define KEY_DOUBLE(type, field, lo, hi) { \
	.name = #field, .kind = TT_KT_DOUBLE, \
	.off = offsetof(struct type, field), .dmin = (lo), .dmax = (hi) }
#define KEY_BOOL(type, field) { \
	.name = #field, .kind = TT_KT_BOOL, \
	.off = offsetof(struct type, field) }
#define KEY_CUSTOM(nm, p, f) { \
	.name = (nm), .kind = TT_KT_CUSTOM, .parse = (p), .fmt = (f) }

static const struct tt_cfg_key tt_general_keys[] = {
	KEY_DOUBLE(tt_general_cfg, duration, 0, TT_CFG_MAX_SECONDS),
	KEY_UINT(tt_general_cfg, stats_interval_ms, 0, 60000),
	KEY_UINT(tt_general_cfg, mbufs, 1023, 4194303),
	KEY_UINT(tt_general_cfg, ring_pairs, 0, TT_MAX_PORTS / 2),
	KEY_UINT(tt_general_cfg, burst, 1, 64),
	KEY_UINT(tt_general_cfg, tx_drain_us, 1, 10000),
};

static const struct tt_cfg_key tt_eal_keys[] = {
	KEY_CUSTOM("args", cfg_parse_eal_args, cfg_fmt_eal_args),
};

static const struct tt_cfg_key tt_port_keys[] = {
	KEY_CUSTOM("ip", cfg_parse_port_ip, cfg_fmt_port_ip),
	KEY_CUSTOM("gateway", cfg_parse_gateway, cfg_fmt_gateway),
	KEY_UINT(tt_port_cfg, mtu, 576, 9000),
	KEY_UINT(tt_port_cfg, rx_desc, 64, 4096),
	KEY_UINT(tt_port_cfg, tx_desc, 64, 4096),
};

static const struct tt_cfg_key tt_tcp_keys[] = {
	KEY_UINT(tt_tcp_cfg, mss, 88, 9000 - 40),
	KEY_UINT(tt_tcp_cfg, wscale, 0, 14),
	KEY_BOOL(tt_tcp_cfg, sack),
	KEY_BOOL(tt_tcp_cfg, timestamps),
	KEY_UINT(tt_tcp_cfg, msl_ms, 1, 600000),
	KEY_UINT(tt_tcp_cfg, max_flows, 64, 16777216),
	KEY_BOOL(tt_tcp_cfg, tw_recycle),
	KEY_BOOL(tt_tcp_cfg, syn_cookies),
	KEY_UINT(tt_tcp_cfg, rcv_wnd, 1024, 1073741823),
	KEY_UINT(tt_tcp_cfg, rto_init_ms, 1, 600000),
	KEY_UINT(tt_tcp_cfg, rto_min_ms, 1, 600000),
	KEY_UINT(tt_tcp_cfg, rto_max_ms, 1, 600000),
	KEY_UINT(tt_tcp_cfg, max_retries, 1, 30),
	KEY_UINT(tt_tcp_cfg, syn_retries, 1, 30),
	KEY_UINT(tt_tcp_cfg, delack_ms, 1, 500),
	KEY_UINT(tt_tcp_cfg, init_cwnd, 1, 100),
};

static const struct tt_cfg_key tt_server_keys[] = {
	KEY_CUSTOM("listen", cfg_parse_listen, cfg_fmt_listen),
	KEY_CUSTOM("app", cfg_parse_server_app, cfg_fmt_server_app),
	KEY_UINT(tt_server_cfg, response_bytes, 0, 1073741824),
	KEY_UINT(tt_server_cfg, request_bytes, 1, 1073741824),
	KEY_UINT(tt_server_cfg, idle_timeout_ms, 0, 86400000),
};

static const struct tt_cfg_key tt_client_keys[] = {
	KEY_CUSTOM("target", cfg_parse_target, cfg_fmt_target),
	KEY_CUSTOM("source_ips", cfg_parse_src_ips, cfg_fmt_src_ips),
	KEY_CUSTOM("source_ports", cfg_parse_src_ports, cfg_fmt_src_ports),
	KEY_UINT(tt_client_cfg, rate, 0, 100000000),
	KEY_UINT(tt_client_cfg, concurrency, 1, 16777216),
	KEY_UINT(tt_client_cfg, connections, 0, UINT64_MAX),
	KEY_DOUBLE(tt_client_cfg, duration, 0, TT_CFG_MAX_SECONDS),
	KEY_DOUBLE(tt_client_cfg, ramp_up, 0, TT_CFG_MAX_SECONDS),
	KEY_CUSTOM("app", cfg_parse_client_app, cfg_fmt_client_app),
	KEY_CUSTOM("path", cfg_parse_path, cfg_fmt_path),
	KEY_CUSTOM("host", cfg_parse_host, cfg_fmt_host),
	KEY_UINT(tt_client_cfg, request_bytes, 1, 1073741824),
	KEY_UINT(tt_client_cfg, response_bytes, 0, 1073741824),
	KEY_UINT(tt_client_cfg, requests_per_connection, 1, 1000000),
	KEY_CUSTOM("close", cfg_parse_close, cfg_fmt_close),
	KEY_UINT(tt_client_cfg, arp_timeout_ms, 1, 600000),
	KEY_UINT(tt_client_cfg, drain_ms, 0, 600000),
	KEY_UINT(tt_client_cfg, conn_timeout_ms, 0, 86400000),
};

#define SEC(nm, sid, tbl) { .name = (nm), .id = (sid), .keys = (tbl), \
	.n_keys = RTE_DIM(tbl) }

/* In dump order; [portN] is one entry for all ports. */
static const struct tt_cfg_sec tt_cfg_secs[] = {
	SEC("general", TT_SEC_GENERAL, tt_general_keys),
	SEC("eal", TT_SEC_EAL, tt_eal_keys),
	SEC("port", TT_SEC_PORT, tt_port_keys),
	SEC("tcp", TT_SEC_TCP, tt_tcp_keys),
	SEC("server", TT_SEC_SERVER, tt_server_keys),
	SEC("client", TT_SEC_CLIENT, tt_client_keys),
};

/* Find a section by name; *port gets N for "portN". */
static const struct tt_cfg_sec *
cfg_find_sec(const char *name, unsigned int *port)
{
	unsigned int i;

	*port = 0;
	if (strncmp(name, "port", 4) == 0) {
		if (name[4] >= '0' && name[4] < '0' + TT_MAX_PORTS &&
		    name[5] == '\0') {
			*port = (unsigned int)(name[4] - '0');
			return &tt_cfg_secs[TT_SEC_PORT];
		}
		return NULL;
	}
	for (i = 0; i < RTE_DIM(tt_cfg_secs); i++)
		if (tt_cfg_secs[i].id != TT_SEC_PORT &&
		    strcmp(tt_cfg_secs[i].name, name) == 0)
			return &tt_cfg_secs[i];
	return NULL;
}

static const struct tt_cfg_key *
cfg_find_key(const struct tt_cfg_sec *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->n_keys; i++)
		if (strcmp(s->keys[i].name, name) == 0)
			return &s->keys[i];
	return NULL;
}

static void *
cfg_sec_base(struct tt_config *cfg, enum tt_cfg_sec_id id, unsigned int port)
{
	switch (id) {
	case TT_SEC_GENERAL:
		return &cfg->general;
	case TT_SEC_EAL:
		return cfg;
	case TT_SEC_PORT:
		return &cfg->port[port];
	case TT_SEC_TCP:
		return &cfg->tcp;
	case TT_SEC_SERVER:
		return &cfg->server;
	case TT_SEC_CLIENT:
		return &cfg->client;
	}
	return NULL;
}

/* Text form of a key's current value (unescaped). */
static void
cfg_fmt_key(char *buf, size_t len, const struct tt_cfg_key *k,
	    const void *base)
{
	switch (k->kind) {
	case TT_KT_UINT:
		snprintf(buf, len, "%" PRIu64, cfg_get_uint(k, base));
		break;
	case TT_KT_DOUBLE:
		cfg_double_fmt(buf, len,
			       *(const double *)((const char *)base + k->off));
		break;
	case TT_KT_BOOL:
		snprintf(buf, len, "%s",
			 *(const bool *)((const char *)base + k->off) ?
			 "true" : "false");
		break;
	case TT_KT_CUSTOM:
		k->fmt(buf, len, k, base);
		break;
	}
}

/* Applying entries. */

static struct tt_cfg_seen *
cfg_seen_find(struct tt_cfg_ctx *ctx, const char *sec, const char *key)
{
	unsigned int i;

	for (i = 0; i < ctx->n_seen; i++)
		if (strcmp(ctx->seen[i].sec, sec) == 0 &&
		    strcmp(ctx->seen[i].key, key) == 0)
			return &ctx->seen[i];
	return NULL;
}

static int
cfg_apply(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e, bool from_file)
{
	const struct tt_cfg_sec *s;
	const struct tt_cfg_key *k;
	struct tt_cfg_seen *seen;
	unsigned int port;
	void *base;
	int ret = 0;

	s = cfg_find_sec(e->sec, &port);
	if (s == NULL)
		return cfg_err(ctx, e->origin, e->sec, NULL, NULL,
			       "unknown section");
	k = cfg_find_key(s, e->key);
	if (k == NULL)
		return ENT_ERR(ctx, e, "unknown key");
	seen = cfg_seen_find(ctx, e->sec, e->key);
	if (seen != NULL && seen->from_file && from_file)
		return ENT_ERR(ctx, e, "duplicate key");
	/* rte_cfgfile cuts longer values to CFG_VALUE_LEN - 1 silently. */
	if (from_file && strlen(e->val) >= CFG_VALUE_LEN - 1)
		return ENT_ERR(ctx, e,
			       "longer than %d characters, the rte_cfgfile limit (use --set, or EAL options before --)",
			       CFG_VALUE_LEN - 2);

	base = cfg_sec_base(ctx->cfg, s->id, port);
	switch (k->kind) {
	case TT_KT_UINT:
		ret = cfg_parse_uint(ctx, e, k, base);
		break;
	case TT_KT_DOUBLE:
		ret = cfg_parse_double(ctx, e, k, base);
		break;
	case TT_KT_BOOL:
		ret = cfg_parse_bool(ctx, e, k, base);
		break;
	case TT_KT_CUSTOM:
		ret = k->parse(ctx, e, k, base);
		break;
	}
	if (ret < 0)
		return ret;
	if (s->id == TT_SEC_PORT)
		ctx->cfg->port[port].present = true;

	if (seen == NULL) {
		if (ctx->n_seen >= TT_CFG_MAX_SEEN)
			return ENT_ERR(ctx, e, "too many keys");
		seen = &ctx->seen[ctx->n_seen++];
		strlcpy(seen->sec, e->sec, sizeof(seen->sec));
		strlcpy(seen->key, e->key, sizeof(seen->key));
	}
	free(seen->val);
	seen->val = strdup(e->val);
	if (seen->val == NULL)
		return ENT_ERR(ctx, e, "out of memory");
	seen->origin = e->origin;
	seen->from_file = from_file;
	return 0;
}

/* Mark a section seen even when it has no keys ("[port1]" alone). */
static int
cfg_apply_empty_sec(struct tt_cfg_ctx *ctx, const char *origin,
		    const char *name)
{
	const struct tt_cfg_sec *s;
	unsigned int port;

	s = cfg_find_sec(name, &port);
	if (s == NULL)
		return cfg_err(ctx, origin, name, NULL, NULL, "unknown section");
	if (s->id == TT_SEC_PORT)
		ctx->cfg->port[port].present = true;
	return 0;
}

/*
 * Check the lines rte_cfgfile would skip or refuse, so that the message
 * can say which line and why: text with no '=' that is not a [section]
 * (rte_cfgfile ignores it: a typo such as "mtu 1500" would go unnoticed),
 * lines longer than its buffer, keys before any section, a missing ']'.
 * The comment rule is the one rte_cfgfile applies.
 */
static int
cfg_prescan(struct tt_cfg_ctx *ctx, const char *file)
{
	char *line = NULL, *p, *c, *end;
	size_t cap = 0, len;
	ssize_t n;
	unsigned int lineno = 0;
	bool in_section = false;
	int ret = 0;
	FILE *f;

	f = fopen(file, "r");
	if (f == NULL)
		return cfg_parse_err(ctx, file, "%s", strerror(errno));
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		len = (size_t)n;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > TT_CFG_LINE_MAX) {
			ret = cfg_parse_err(ctx, file,
				"line %u: longer than %d characters (rte_cfgfile limit)",
				lineno, TT_CFG_LINE_MAX);
			break;
		}
		if (memchr(line, '\0', len) != NULL) {
			ret = cfg_parse_err(ctx, file, "line %u: NUL character",
					    lineno);
			break;
		}
		c = strchr(line, TT_CFG_COMMENT);
		if (c != NULL && (c == line || c[-1] != '\\'))
			*c = '\0';
		p = line;
		while (isspace((unsigned char)*p))
			p++;
		end = p + strlen(p);
		while (end > p && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*p == '\0')
			continue;
		if (*p == ';') {
			ret = cfg_parse_err(ctx, file,
				"line %u: '%s': ';' does not start a comment, use '#'",
				lineno, p);
			break;
		}
		if (*p == '[') {
			c = strchr(p, ']');
			if (c == NULL) {
				ret = cfg_parse_err(ctx, file,
					"line %u: '%s': no closing ']'", lineno, p);
				break;
			}
			if (c[1] != '\0') {
				ret = cfg_parse_err(ctx, file,
					"line %u: '%s': text after ']'", lineno, p);
				break;
			}
			in_section = true;
			continue;
		}
		if (strchr(p, '=') == NULL) {
			ret = cfg_parse_err(ctx, file,
				"line %u: '%s': expected [section] or key = value",
				lineno, p);
			break;
		}
		if (!in_section) {
			ret = cfg_parse_err(ctx, file,
				"line %u: '%s': key outside any [section]", lineno, p);
			break;
		}
	}
	if (ret == 0 && ferror(f))
		ret = cfg_parse_err(ctx, file, "%s", strerror(errno));
	free(line);
	fclose(f);
	return ret;
}

/*
 * rte_cfgfile_load() with its log lines caught: they become the reason in
 * our one-line message instead of extra lines on stderr.
 */
static struct rte_cfgfile *
cfg_load_quiet(const char *file, char *why, size_t whylen)
{
	static const struct rte_cfgfile_parameters params = {
		.comment_character = TT_CFG_COMMENT,
	};
	struct rte_cfgfile *cf;
	FILE *prev = rte_log_get_stream();
	char *buf = NULL, *p, *q;
	size_t blen = 0;
	FILE *mem;

	why[0] = '\0';
	mem = open_memstream(&buf, &blen);
	if (mem != NULL)
		rte_openlog_stream(mem);
	cf = rte_cfgfile_load_with_params(file, CFG_FLAG_EMPTY_VALUES, &params);
	if (mem == NULL)
		return cf;
	/* Pre-EAL the default stream is stderr; NULL restores the default. */
	rte_openlog_stream(prev == stderr ? NULL : prev);
	fclose(mem);
	if (buf != NULL) {
		/* Keep the first line, without the "function(): " prefix. */
		p = strstr(buf, "(): ");
		p = p != NULL ? p + 4 : buf;
		while (isspace((unsigned char)*p))
			p++;
		q = strchr(p, '\n');
		if (q != NULL)
			*q = '\0';
		strlcpy(why, p, whylen);
		free(buf);
	}
	return cf;
}

static int
cfg_load_file(struct tt_cfg_ctx *ctx, const char *file)
{
	struct rte_cfgfile_entry *ents = NULL;
	struct rte_cfgfile *cf;
	char **names = NULL;
	char why[256];
	struct tt_cfg_ent e;
	int n_sec, n_ent, i, j, ret;

	ret = cfg_prescan(ctx, file);
	if (ret < 0)
		return ret;
	cf = cfg_load_quiet(file, why, sizeof(why));
	if (cf == NULL)
		return cfg_parse_err(ctx, file, "%s",
				     why[0] ? why : "rte_cfgfile_load failed");

	n_sec = rte_cfgfile_num_sections(cf, NULL, 0);
	if (n_sec > 0) {
		names = calloc((size_t)n_sec, sizeof(*names));
		if (names == NULL) {
			ret = cfg_parse_err(ctx, file, "out of memory");
			goto out;
		}
		for (i = 0; i < n_sec; i++) {
			names[i] = malloc(CFG_NAME_LEN);
			if (names[i] == NULL) {
				ret = cfg_parse_err(ctx, file, "out of memory");
				goto out;
			}
		}
		n_sec = rte_cfgfile_sections(cf, names, n_sec);
	}

	/* rte_cfgfile keeps a repeated section twice; refuse it. */
	for (i = 0; i < n_sec; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(names[i], names[j]) == 0) {
				ret = cfg_err(ctx, file, names[i], NULL, NULL,
					      "duplicate section");
				goto out;
			}
		}
	}

	for (i = 0; i < n_sec; i++) {
		ret = cfg_apply_empty_sec(ctx, file, names[i]);
		if (ret < 0)
			goto out;
		n_ent = rte_cfgfile_section_num_entries(cf, names[i]);
		if (n_ent <= 0)
			continue;
		free(ents);
		ents = calloc((size_t)n_ent, sizeof(*ents));
		if (ents == NULL) {
			ret = cfg_parse_err(ctx, file, "out of memory");
			goto out;
		}
		n_ent = rte_cfgfile_section_entries(cf, names[i], ents, n_ent);
		for (j = 0; j < n_ent; j++) {
			e.origin = file;
			e.sec = names[i];
			e.key = ents[j].name;
			e.val = ents[j].value;
			ret = cfg_apply(ctx, &e, true);
			if (ret < 0)
				goto out;
		}
	}
	ret = 0;
out:
	free(ents);
	if (names != NULL) {
		for (i = 0; i < n_sec; i++)
			free(names[i]);
		free(names);
	}
	rte_cfgfile_close(cf);
	return ret;
}

static char *
cfg_strip(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* One --set SECTION.KEY=VALUE, through the same code as file entries. */
static int
cfg_apply_set(struct tt_cfg_ctx *ctx, const char *set)
{
	static const char origin[] = "--set";
	char *copy, *eq, *dot, *sec, *key, *val;
	struct tt_cfg_ent e;
	int ret;

	copy = strdup(set);
	if (copy == NULL)
		return cfg_parse_err(ctx, origin, "out of memory");
	eq = strchr(copy, '=');
	dot = eq != NULL ? memchr(copy, '.', (size_t)(eq - copy)) : NULL;
	if (eq == NULL || dot == NULL) {
		ret = cfg_parse_err(ctx, origin,
			"'%s': expected SECTION.KEY=VALUE", set);
		free(copy);
		return ret;
	}
	*dot = '\0';
	*eq = '\0';
	sec = cfg_strip(copy);
	key = cfg_strip(dot + 1);
	val = cfg_strip(eq + 1);
	if (*sec == '\0' || *key == '\0') {
		ret = cfg_parse_err(ctx, origin,
			"'%s': expected SECTION.KEY=VALUE", set);
		free(copy);
		return ret;
	}
	e.origin = origin;
	e.sec = sec;
	e.key = key;
	e.val = val;
	ret = cfg_apply(ctx, &e, false);
	free(copy);
	return ret;
}

/* Cross-checks, once every entry is in. */

/*
 * Report an error against a key: its value and origin as applied, or its
 * default (named against the file) when it was never set.
 */
static int __rte_format_printf(5, 6)
cfg_key_err(struct tt_cfg_ctx *ctx, const char *sec, const char *key,
	    const void *base, const char *fmt, ...)
{
	char reason[TT_CFG_ERR_LEN];
	char val[TT_CFG_VAL_BUF];
	const struct tt_cfg_seen *seen = cfg_seen_find(ctx, sec, key);
	const struct tt_cfg_sec *s;
	const struct tt_cfg_key *k;
	const char *origin;
	unsigned int port;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (seen != NULL) {
		origin = seen->origin;
		strlcpy(val, seen->val, sizeof(val));
	} else {
		origin = ctx->cfg->file[0] ? ctx->cfg->file : "--set";
		val[0] = '\0';
		s = cfg_find_sec(sec, &port);
		k = s != NULL ? cfg_find_key(s, key) : NULL;
		if (k != NULL)
			cfg_fmt_key(val, sizeof(val), k, base);
	}
	return cfg_err(ctx, origin, sec, key, val, "%s", reason);
}

/* Where a section came from: the file, or --set when only --set named it. */
static const char *
cfg_sec_origin(struct tt_cfg_ctx *ctx, const char *sec)
{
	unsigned int i;

	for (i = 0; i < ctx->n_seen; i++)
		if (strcmp(ctx->seen[i].sec, sec) == 0 && ctx->seen[i].from_file)
			return ctx->seen[i].origin;
	for (i = 0; i < ctx->n_seen; i++)
		if (strcmp(ctx->seen[i].sec, sec) == 0)
			return ctx->seen[i].origin;
	return ctx->cfg->file[0] ? ctx->cfg->file : "--set";
}

static int
cfg_validate(struct tt_cfg_ctx *ctx)
{
	struct tt_config *cfg = ctx->cfg;
	struct tt_tcp_cfg *t = &cfg->tcp;
	struct tt_client_cfg *c = &cfg->client;
	const struct tt_port_cfg *p;
	char sec[CFG_NAME_LEN], net[16];
	unsigned int i, j, n_ports = 0, min_port = 0;
	bool ok, gw_any = false;

	for (i = 0; i < TT_MAX_PORTS; i++) {
		p = &cfg->port[i];
		if (!p->present)
			continue;
		snprintf(sec, sizeof(sec), "port%u", i);
		if (p->ip == 0)
			return cfg_err(ctx, cfg_sec_origin(ctx, sec), sec, "ip",
				       "", "required in a port section");
		if (p->gateway != 0 && (!cfg_in_subnet(p, p->gateway) ||
					p->gateway == p->ip)) {
			cfg_ip_fmt(net, sizeof(net), p->ip & cfg_mask(p->prefix));
			if (p->gateway == p->ip)
				return cfg_key_err(ctx, sec, "gateway", p,
						   "is the port's own address");
			return cfg_key_err(ctx, sec, "gateway", p,
					   "not inside the port's subnet %s/%u",
					   net, p->prefix);
		}
		if (p->gateway != 0)
			gw_any = true;
		if (n_ports == 0 || p->mtu < cfg->port[min_port].mtu)
			min_port = i;
		n_ports++;
	}
	/* Two ports with one address would make ARP replies ambiguous. */
	for (i = 0; i < TT_MAX_PORTS; i++) {
		for (j = 0; j < i; j++) {
			if (!cfg->port[i].present || !cfg->port[j].present)
				continue;
			if (cfg->port[i].ip == cfg->port[j].ip) {
				snprintf(sec, sizeof(sec), "port%u", i);
				return cfg_key_err(ctx, sec, "ip", &cfg->port[i],
						   "same address as [port%u]", j);
			}
		}
	}

	if (n_ports > 0 && t->mss + 40u > cfg->port[min_port].mtu)
		return cfg_key_err(ctx, "tcp", "mss", t,
				   "larger than [port%u] mtu %u minus 40 (at most %u)",
				   min_port, cfg->port[min_port].mtu,
				   cfg->port[min_port].mtu - 40u);
	if (t->rto_min_ms > t->rto_max_ms)
		return cfg_key_err(ctx, "tcp", "rto_min_ms", t,
				   "greater than rto_max_ms %u", t->rto_max_ms);
	if (t->rto_init_ms < t->rto_min_ms || t->rto_init_ms > t->rto_max_ms)
		return cfg_key_err(ctx, "tcp", "rto_init_ms", t,
				   "outside rto_min_ms..rto_max_ms (%u..%u)",
				   t->rto_min_ms, t->rto_max_ms);

	if (cfg->server.enabled && n_ports == 0)
		return cfg_key_err(ctx, "server", "listen", &cfg->server,
				   "the server needs a [portN] section with an ip");
	if (!c->enabled)
		return 0;
	if (n_ports == 0)
		return cfg_key_err(ctx, "client", "target", c,
				   "the client needs a [portN] section with an ip");
	for (j = 0; j < c->n_target; j++) {
		ok = gw_any;
		for (i = 0; i < TT_MAX_PORTS && !ok; i++)
			if (cfg->port[i].present &&
			    cfg_in_subnet(&cfg->port[i], c->target[j].ip))
				ok = true;
		if (!ok) {
			cfg_ip_fmt(net, sizeof(net), c->target[j].ip);
			return cfg_key_err(ctx, "client", "target", c,
					   "%s is in no port's subnet and no port has a gateway",
					   net);
		}
	}
	if (c->src_ip_first != 0) {
		ok = false;
		for (i = 0; i < TT_MAX_PORTS && !ok; i++)
			if (cfg->port[i].present &&
			    cfg_in_subnet(&cfg->port[i], c->src_ip_first) &&
			    cfg_in_subnet(&cfg->port[i], c->src_ip_last))
				ok = true;
		if (!ok)
			return cfg_key_err(ctx, "client", "source_ips", c,
					   "not inside the subnet of any port");
	}
	if (c->duration > 0 && c->ramp_up > c->duration)
		return cfg_key_err(ctx, "client", "ramp_up", c,
				   "longer than [client] duration %g", c->duration);
	/*
	 * Waiting for the server's FIN needs a protocol in which the server
	 * closes first: HTTP (the last request says Connection: close). An
	 * echo, fixed or discard server closes only after the client's FIN.
	 */
	if (c->close == TT_CLOSE_PASSIVE && c->app != TT_APP_HTTP)
		return cfg_key_err(ctx, "client", "close", c,
				   "passive needs app = http (a %s server closes only after the "
				   "client's FIN)", tt_app_name(c->app));
	return 0;
}

/* Public API. */

void
tt_cfg_defaults(struct tt_config *cfg)
{
	unsigned int i;

	memset(cfg, 0, sizeof(*cfg));

	cfg->general.duration = 0;
	cfg->general.stats_interval_ms = 1000;
	cfg->general.mbufs = 16383;
	cfg->general.ring_pairs = 0;
	cfg->general.burst = 32;
	cfg->general.tx_drain_us = 100;

	for (i = 0; i < TT_MAX_PORTS; i++) {
		cfg->port[i].mtu = 1500;
		cfg->port[i].rx_desc = 1024;
		cfg->port[i].tx_desc = 1024;
	}

	cfg->tcp.mss = 1460;
	cfg->tcp.wscale = 7;
	cfg->tcp.sack = true;
	cfg->tcp.timestamps = true;
	cfg->tcp.msl_ms = 30000;
	cfg->tcp.max_flows = 65536;
	cfg->tcp.tw_recycle = true;
	cfg->tcp.syn_cookies = false;
	cfg->tcp.rcv_wnd = 262144;
	cfg->tcp.rto_init_ms = 1000;
	cfg->tcp.rto_min_ms = 200;
	cfg->tcp.rto_max_ms = 60000;
	cfg->tcp.max_retries = 6;
	cfg->tcp.syn_retries = 5;
	cfg->tcp.delack_ms = 40;
	cfg->tcp.init_cwnd = 10;

	cfg->server.app = TT_APP_HTTP;
	cfg->server.response_bytes = 100;
	cfg->server.request_bytes = 100;
	cfg->server.idle_timeout_ms = 60000;

	cfg->client.sport_first = 1024;
	cfg->client.sport_last = 65535;
	cfg->client.concurrency = 64;
	cfg->client.app = TT_APP_HTTP;
	strlcpy(cfg->client.path, "/", sizeof(cfg->client.path));
	cfg->client.request_bytes = 100;
	cfg->client.response_bytes = 100;
	cfg->client.requests_per_connection = 1;
	cfg->client.close = TT_CLOSE_ACTIVE;
	cfg->client.arp_timeout_ms = 10000;
	cfg->client.drain_ms = 2000;
	cfg->client.conn_timeout_ms = 30000;
}

int
tt_cfg_load(struct tt_config *cfg, const char *file,
	    const char *const *sets, unsigned int n_sets,
	    char *err, size_t errlen)
{
	struct tt_cfg_ctx *ctx;
	unsigned int i;
	int ret = 0;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	tt_cfg_defaults(cfg);
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: out of memory",
				 file != NULL ? file : "--set");
		return -ENOMEM;
	}
	ctx->cfg = cfg;
	ctx->err = err;
	ctx->errlen = errlen;

	if (file != NULL) {
		if (strlcpy(cfg->file, file, sizeof(cfg->file)) >=
		    sizeof(cfg->file)) {
			ret = cfg_parse_err(ctx, file, "file name too long");
			goto out;
		}
		ret = cfg_load_file(ctx, file);
		if (ret < 0)
			goto out;
	}
	for (i = 0; i < n_sets; i++) {
		ret = cfg_apply_set(ctx, sets[i]);
		if (ret < 0)
			goto out;
	}
	cfg->server.enabled = cfg->server.n_listen > 0;
	cfg->client.enabled = cfg->client.n_target > 0;
	ret = cfg_validate(ctx);
out:
	for (i = 0; i < ctx->n_seen; i++)
		free(ctx->seen[i].val);
	free(ctx);
	if (ret < 0) {
		TT_LOG_MOD(cfg, DEBUG, "%s", err != NULL ? err : "config error");
		return -EINVAL;
	}
	return 0;
}

/* Write a value as rte_cfgfile reads it back: '#' escaped. */
static void
cfg_dump_value(FILE *f, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == TT_CFG_COMMENT)
			fputc('\\', f);
		fputc(*v, f);
	}
}

static void
cfg_dump_sec(FILE *f, const char *name, const struct tt_cfg_sec *s,
	     const void *base)
{
	char val[TT_CFG_VAL_BUF];
	unsigned int i;

	fprintf(f, "\n[%s]\n", name);
	for (i = 0; i < s->n_keys; i++) {
		cfg_fmt_key(val, sizeof(val), &s->keys[i], base);
		/* An empty value is written as "key =" (no trailing blank). */
		fprintf(f, "%s =%s", s->keys[i].name, val[0] ? " " : "");
		cfg_dump_value(f, val);
		fputc('\n', f);
	}
}

void
tt_cfg_dump(const struct tt_config *cfg, FILE *f)
{
	struct tt_config *c = (struct tt_config *)(uintptr_t)cfg;
	const struct tt_cfg_sec *s;
	char name[CFG_NAME_LEN];
	unsigned int i, p;

	fprintf(f, "# tcpterm effective configuration%s%s\n",
		cfg->file[0] ? " from " : "", cfg->file);
	for (i = 0; i < RTE_DIM(tt_cfg_secs); i++) {
		s = &tt_cfg_secs[i];
		if (s->id != TT_SEC_PORT) {
			cfg_dump_sec(f, s->name, s, cfg_sec_base(c, s->id, 0));
			continue;
		}
		for (p = 0; p < TT_MAX_PORTS; p++) {
			if (!cfg->port[p].present)
				continue;
			snprintf(name, sizeof(name), "port%u", p);
			cfg_dump_sec(f, name, s, cfg_sec_base(c, s->id, p));
		}
	}
}
