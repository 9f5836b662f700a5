/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The configuration keys: one table per section gives each key its name,
 * type, field, range and default, and the keys with a syntax of their own
 * (lists, addresses, ranges, enumerations, strings) have their parse and
 * format functions here. The loader, the defaults, the cross-check
 * messages and the dump all read this table, so each key is described
 * once.
 */

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_debug.h>
#include <rte_string_fns.h>

#include "cfg/tt_cfg_priv.h"

/* Seconds: upper bound of every duration key (one year). */
#define TT_CFG_MAX_SECONDS 31536000.0

/* Keys with a syntax of their own. */

static int
cfg_listen_tok(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e, void *arg,
	       const char *tok, size_t len)
{
	struct tt_server_cfg *s = arg;
	uint16_t port;
	unsigned int i;

	if (tt_cfg_port_tok(tok, len, &port) < 0)
		return TT_CFG_ENT_ERR(ctx, e, "bad port '%.*s' (expected 1..65535)",
				      (int)len, tok);
	for (i = 0; i < s->n_listen; i++)
		if (s->listen[i] == port)
			return TT_CFG_ENT_ERR(ctx, e, "port %u listed twice", port);
	if (s->n_listen >= TT_CFG_MAX_LISTEN)
		return TT_CFG_ENT_ERR(ctx, e, "more than %u ports", TT_CFG_MAX_LISTEN);
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
	return tt_cfg_split_list(ctx, e, s, cfg_listen_tok);
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
		return TT_CFG_ENT_ERR(ctx, e, "bad target '%.*s' (expected a.b.c.d:port)",
				      (int)len, tok);
	if (tt_cfg_ip_parse(tok, (size_t)(colon - tok), &ip) < 0 ||
	    !tt_cfg_ip_unicast(ip))
		return TT_CFG_ENT_ERR(ctx, e, "bad target address '%.*s' (expected a unicast a.b.c.d)",
				      (int)(colon - tok), tok);
	if (tt_cfg_port_tok(colon + 1, len - (size_t)(colon - tok) - 1, &port) < 0)
		return TT_CFG_ENT_ERR(ctx, e, "bad target port '%.*s' (expected 1..65535)",
				      (int)(len - (size_t)(colon - tok) - 1), colon + 1);
	if (c->n_target >= TT_CFG_MAX_TARGETS)
		return TT_CFG_ENT_ERR(ctx, e, "more than %u targets", TT_CFG_MAX_TARGETS);
	/* One flow per 4-tuple: the same target twice would give two. */
	for (i = 0; i < c->n_target; i++)
		if (c->target[i].ip == ip && c->target[i].port == port)
			return TT_CFG_ENT_ERR(ctx, e, "target %.*s listed twice", (int)len, tok);
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
	return tt_cfg_split_list(ctx, e, c, cfg_target_tok);
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
		tt_cfg_ip_fmt(ip, sizeof(ip), c->target[i].ip);
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
		return TT_CFG_ENT_ERR(ctx, e, "expected a.b.c.d/prefix");
	if (tt_cfg_ip_parse(e->val, (size_t)(slash - e->val), &ip) < 0)
		return TT_CFG_ENT_ERR(ctx, e, "bad address (expected a.b.c.d/prefix)");
	if (!tt_cfg_ip_unicast(ip))
		return TT_CFG_ENT_ERR(ctx, e, "not a unicast address");
	if (tt_cfg_num_u64(slash + 1, &prefix, &junk) != TT_NUM_OK ||
	    prefix < 1 || prefix > 32)
		return TT_CFG_ENT_ERR(ctx, e, "bad prefix length (expected 1..32)");
	m = tt_cfg_mask((unsigned int)prefix);
	if (prefix <= 30 && (ip & ~m) == 0)
		return TT_CFG_ENT_ERR(ctx, e, "is the network address of its subnet");
	if (prefix <= 30 && (ip & ~m) == ~m)
		return TT_CFG_ENT_ERR(ctx, e, "is the broadcast address of its subnet");
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
	tt_cfg_ip_fmt(ip, sizeof(ip), p->ip);
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
	if (tt_cfg_ip_parse(e->val, strlen(e->val), &ip) < 0)
		return TT_CFG_ENT_ERR(ctx, e, "bad address (expected a.b.c.d)");
	if (!tt_cfg_ip_unicast(ip))
		return TT_CFG_ENT_ERR(ctx, e, "not a unicast address");
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
		tt_cfg_ip_fmt(buf, len, p->gateway);
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
	if (tt_cfg_ip_parse(e->val, dash ? (size_t)(dash - e->val) : len,
			    &first) < 0 ||
	    (dash != NULL && tt_cfg_ip_parse(dash + 1, strlen(dash + 1), &last) < 0))
		return TT_CFG_ENT_ERR(ctx, e, "bad address range (expected a.b.c.d or a.b.c.d-a.b.c.e)");
	if (dash == NULL)
		last = first;
	if (!tt_cfg_ip_unicast(first) || !tt_cfg_ip_unicast(last))
		return TT_CFG_ENT_ERR(ctx, e, "not a unicast address");
	if (first > last)
		return TT_CFG_ENT_ERR(ctx, e, "first address is greater than the last");
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
	tt_cfg_ip_fmt(a, sizeof(a), c->src_ip_first);
	if (c->src_ip_last == c->src_ip_first) {
		snprintf(buf, len, "%s", a);
	} else {
		tt_cfg_ip_fmt(b, sizeof(b), c->src_ip_last);
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

	if (tt_cfg_port_tok(e->val, dash ? (size_t)(dash - e->val) : len, &lo) < 0 ||
	    (dash != NULL && tt_cfg_port_tok(dash + 1, strlen(dash + 1), &hi) < 0))
		return TT_CFG_ENT_ERR(ctx, e, "bad port range (expected lo-hi within 1..65535)");
	if (dash == NULL)
		hi = lo;
	if (lo > hi)
		return TT_CFG_ENT_ERR(ctx, e, "first port is greater than the last");
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
	[TT_CLOSE_HALF] = "half",
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

/*
 * An application name into the enum field of @p k. @p apps lists this
 * role's applications for the messages; @p other_only is the one only the
 * @p other role runs.
 */
static int
cfg_parse_app(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
	      const struct tt_cfg_key *k, void *base,
	      enum tt_app_kind other_only, const char *other, const char *apps)
{
	int a = cfg_app_lookup(e->val);

	if (a == (int)other_only)
		return TT_CFG_ENT_ERR(ctx, e, "'%s' is a %s-only app (%s)",
				      tt_app_name(other_only), other, apps);
	if (a < 0)
		return TT_CFG_ENT_ERR(ctx, e, "unknown app (%s)", apps);
	*(enum tt_app_kind *)((char *)base + k->off) = (enum tt_app_kind)a;
	return 0;
}

static int
cfg_parse_server_app(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		     const struct tt_cfg_key *k, void *base)
{
	return cfg_parse_app(ctx, e, k, base, TT_APP_SEND, "client",
			     "server: http, echo, discard, fixed");
}

static int
cfg_parse_client_app(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		     const struct tt_cfg_key *k, void *base)
{
	return cfg_parse_app(ctx, e, k, base, TT_APP_DISCARD, "server",
			     "client: http, fixed, echo, send");
}

static void
cfg_fmt_app(char *buf, size_t len, const struct tt_cfg_key *k,
	    const void *base)
{
	snprintf(buf, len, "%s", tt_app_name(
		 *(const enum tt_app_kind *)((const char *)base + k->off)));
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
	return TT_CFG_ENT_ERR(ctx, e, "expected active, passive, reset or half");
}

static void
cfg_fmt_close(char *buf, size_t len, const struct tt_cfg_key *k,
	      const void *base)
{
	snprintf(buf, len, "%s",
		 tt_close_name(((const struct tt_client_cfg *)base)->close));
}

static int
cfg_parse_path(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
	       const struct tt_cfg_key *k, void *base)
{
	struct tt_client_cfg *c = base;

	if (e->val[0] != '/')
		return TT_CFG_ENT_ERR(ctx, e, "must start with '/'");
	return tt_cfg_parse_token_str(ctx, e, c->path, sizeof(c->path));
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

	return tt_cfg_parse_token_str(ctx, e, c->host, sizeof(c->host));
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
		return TT_CFG_ENT_ERR(ctx, e, "longer than %zu characters",
				      sizeof(cfg->eal_args) - 1);
	for (p = (const unsigned char *)e->val; *p != '\0'; p++)
		if (iscntrl(*p) && *p != '\t')
			return TT_CFG_ENT_ERR(ctx, e, "contains control characters");
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

static const char *const tt_syncookie_names[] = {
	[TT_SYNCOOKIE_OFF] = "off",
	[TT_SYNCOOKIE_ON] = "on",
	[TT_SYNCOOKIE_AUTO] = "auto",
};

const char *
tt_syncookie_name(enum tt_syncookie_mode mode)
{
	if ((unsigned int)mode >= RTE_DIM(tt_syncookie_names))
		return "?";
	return tt_syncookie_names[mode];
}

/*
 * auto, on or off; the boolean spellings of the other keys are accepted
 * too (a dump of an earlier version says "false"): false is off, true on.
 */
static int
cfg_parse_syn_cookies(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		      const struct tt_cfg_key *k, void *base)
{
	static const char *const falses[] = { "false", "no", "0" };
	static const char *const trues[] = { "true", "yes", "1" };
	struct tt_tcp_cfg *t = base;
	unsigned int i;

	for (i = 0; i < RTE_DIM(tt_syncookie_names); i++) {
		if (strcasecmp(e->val, tt_syncookie_names[i]) == 0) {
			t->syn_cookies = (enum tt_syncookie_mode)i;
			return 0;
		}
	}
	for (i = 0; i < RTE_DIM(falses); i++) {
		if (strcasecmp(e->val, falses[i]) == 0) {
			t->syn_cookies = TT_SYNCOOKIE_OFF;
			return 0;
		}
		if (strcasecmp(e->val, trues[i]) == 0) {
			t->syn_cookies = TT_SYNCOOKIE_ON;
			return 0;
		}
	}
	return TT_CFG_ENT_ERR(ctx, e, "expected auto, on or off");
}

static void
cfg_fmt_syn_cookies(char *buf, size_t len, const struct tt_cfg_key *k,
		    const void *base)
{
	snprintf(buf, len, "%s",
		 tt_syncookie_name(((const struct tt_tcp_cfg *)base)->syn_cookies));
}

static const char *const tt_cc_names[] = {
	[TT_CC_CUBIC] = "cubic",
	[TT_CC_RENO] = "reno",
};

const char *
tt_cc_name(enum tt_cc_algo cc)
{
	if ((unsigned int)cc >= RTE_DIM(tt_cc_names))
		return "?";
	return tt_cc_names[cc];
}

static int
cfg_parse_cc(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e, const struct tt_cfg_key *k,
	     void *base)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(tt_cc_names); i++) {
		if (strcasecmp(e->val, tt_cc_names[i]) == 0) {
			((struct tt_tcp_cfg *)base)->cc = (enum tt_cc_algo)i;
			return 0;
		}
	}
	return TT_CFG_ENT_ERR(ctx, e, "expected cubic or reno");
}

static void
cfg_fmt_cc(char *buf, size_t len, const struct tt_cfg_key *k, const void *base)
{
	snprintf(buf, len, "%s", tt_cc_name(((const struct tt_tcp_cfg *)base)->cc));
}

static const char *const tt_rss_names[] = {
	[TT_RSS_AUTO] = "auto",
	[TT_RSS_QUEUE] = "queue",
	[TT_RSS_HASH] = "hash",
	[TT_RSS_STEER] = "steer",
};

const char *
tt_rss_mode_name(enum tt_rss_mode mode)
{
	if ((unsigned int)mode >= RTE_DIM(tt_rss_names))
		return "?";
	return tt_rss_names[mode];
}

static int
cfg_parse_rss(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
	      const struct tt_cfg_key *k, void *base)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(tt_rss_names); i++) {
		if (strcasecmp(e->val, tt_rss_names[i]) == 0) {
			((struct tt_port_cfg *)base)->rss = (enum tt_rss_mode)i;
			return 0;
		}
	}
	return TT_CFG_ENT_ERR(ctx, e, "expected auto, queue, hash or steer");
}

static void
cfg_fmt_rss(char *buf, size_t len, const struct tt_cfg_key *k, const void *base)
{
	snprintf(buf, len, "%s", tt_rss_mode_name(((const struct tt_port_cfg *)base)->rss));
}

/* 80 hex digits, the 40 key bytes in the order the NIC takes them; empty: ours. */
static int
cfg_parse_rss_key(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		  const struct tt_cfg_key *k, void *base)
{
	struct tt_port_cfg *p = base;
	uint8_t key[TT_RSS_KEY_LEN];
	size_t i, len = strlen(e->val);

	if (len == 0) {
		p->rss_key_set = false;
		memset(p->rss_key, 0, sizeof(p->rss_key));
		return 0;
	}
	if (len != 2 * TT_RSS_KEY_LEN)
		return TT_CFG_ENT_ERR(ctx, e, "expected %u hex digits (a %u-byte Toeplitz key), "
				      "got %zu characters", 2 * TT_RSS_KEY_LEN, TT_RSS_KEY_LEN,
				      len);
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)e->val[i]))
			return TT_CFG_ENT_ERR(ctx, e, "'%c' at %zu is not a hex digit",
					      e->val[i], i + 1);
	for (i = 0; i < TT_RSS_KEY_LEN; i++) {
		char byte[3] = { e->val[2 * i], e->val[2 * i + 1], '\0' };

		key[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
	memcpy(p->rss_key, key, sizeof(key));
	p->rss_key_set = true;
	return 0;
}

static void
cfg_fmt_rss_key(char *buf, size_t len, const struct tt_cfg_key *k, const void *base)
{
	const struct tt_port_cfg *p = base;
	size_t i;

	buf[0] = '\0';
	if (!p->rss_key_set)
		return;
	for (i = 0; i < TT_RSS_KEY_LEN && 2 * i + 2 < len; i++)
		snprintf(buf + 2 * i, len - 2 * i, "%02x", p->rss_key[i]);
}

/* A power of two within 64..512 (the RETA sizes NICs have). */
static int
cfg_parse_reta_size(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		    const struct tt_cfg_key *k, void *base)
{
	const char *junk;
	uint64_t v;

	if (tt_cfg_num_u64(e->val, &v, &junk) != TT_NUM_OK || v < 64 || v > 512 ||
	    !rte_is_power_of_2((uint32_t)v))
		return TT_CFG_ENT_ERR(ctx, e, "expected a power of two within 64..512");
	((struct tt_port_cfg *)base)->rss_reta_size = (uint16_t)v;
	return 0;
}

static void
cfg_fmt_reta_size(char *buf, size_t len, const struct tt_cfg_key *k, const void *base)
{
	snprintf(buf, len, "%u", ((const struct tt_port_cfg *)base)->rss_reta_size);
}

/*
 * The key tables: the one description of every key, its default included.
 *
 * A default is written as the text a user would put in the file, and
 * tt_cfg_defaults() applies it through the key's own parser, rather than
 * being stored as a typed value:
 * - one form serves every kind of key: numbers and booleans, and also the
 *   custom keys (lists, address ranges, "1024-65535", enumerations,
 *   strings), which would each need a typed field of their own;
 * - the default passes the same syntax and range checks as user input, so
 *   it cannot lie outside its key's range;
 * - it is the text --check prints for a key left alone and the text
 *   docs/configuration.md shows in its Default column, so
 *   tests/unit/test_cfg.c compares the three as plain strings.
 * The price is parsing every default at each load, microseconds once.
 * NULL marks a required key ([portN] ip): it has no default, stays zero
 * until set, and the cross-checks ask for it in every port section.
 */

#define KEY_UINT(type, field, lo, hi, d) { \
	.name = #field, .def = (d), .kind = TT_KT_UINT, \
	.off = offsetof(struct type, field), \
	.size = sizeof(((struct type *)0)->field), .min = (lo), .max = (hi) }
#define KEY_DOUBLE(type, field, lo, hi, d) { \
	.name = #field, .def = (d), .kind = TT_KT_DOUBLE, \
	.off = offsetof(struct type, field), .dmin = (lo), .dmax = (hi) }
#define KEY_BOOL(type, field, d) { \
	.name = #field, .def = (d), .kind = TT_KT_BOOL, \
	.off = offsetof(struct type, field) }
#define KEY_CUSTOM(nm, p, f, d) { \
	.name = (nm), .def = (d), .kind = TT_KT_CUSTOM, .parse = (p), \
	.fmt = (f) }
/* A custom key whose functions find its one field through .off. */
#define KEY_FIELD(type, field, p, f, d) { \
	.name = #field, .def = (d), .kind = TT_KT_CUSTOM, \
	.off = offsetof(struct type, field), .parse = (p), .fmt = (f) }

static const struct tt_cfg_key tt_general_keys[] = {
	KEY_DOUBLE(tt_general_cfg, duration, 0, TT_CFG_MAX_SECONDS, "0"),
	KEY_UINT(tt_general_cfg, stats_interval_ms, 0, 60000, "1000"),
	KEY_UINT(tt_general_cfg, mbufs, 1023, 4194303, "16383"),
	KEY_UINT(tt_general_cfg, ring_pairs, 0, TT_MAX_PORTS / 2, "0"),
	KEY_UINT(tt_general_cfg, burst, 1, 64, "32"),
	KEY_UINT(tt_general_cfg, tx_drain_us, 1, 10000, "100"),
	KEY_BOOL(tt_general_cfg, overload_control, "true"),
};

static const struct tt_cfg_key tt_eal_keys[] = {
	KEY_CUSTOM("args", cfg_parse_eal_args, cfg_fmt_eal_args, ""),
};

static const struct tt_cfg_key tt_port_keys[] = {
	KEY_CUSTOM("ip", cfg_parse_port_ip, cfg_fmt_port_ip, NULL),
	KEY_CUSTOM("gateway", cfg_parse_gateway, cfg_fmt_gateway, ""),
	KEY_UINT(tt_port_cfg, mtu, 576, 9000, "1500"),
	KEY_UINT(tt_port_cfg, rx_desc, 64, 4096, "1024"),
	KEY_UINT(tt_port_cfg, tx_desc, 64, 4096, "1024"),
	KEY_FIELD(tt_port_cfg, rss, cfg_parse_rss, cfg_fmt_rss, "auto"),
	KEY_CUSTOM("rss_key", cfg_parse_rss_key, cfg_fmt_rss_key, ""),
	KEY_FIELD(tt_port_cfg, rss_reta_size, cfg_parse_reta_size, cfg_fmt_reta_size, "128"),
	KEY_DOUBLE(tt_port_cfg, impair_drop_pct, 0, 100, "0"),
	KEY_DOUBLE(tt_port_cfg, impair_dup_pct, 0, 100, "0"),
	KEY_DOUBLE(tt_port_cfg, impair_reorder_pct, 0, 100, "0"),
	KEY_UINT(tt_port_cfg, impair_seed, 0, 4294967295u, "1"),
};

static const struct tt_cfg_key tt_tcp_keys[] = {
	KEY_UINT(tt_tcp_cfg, mss, 88, 9000 - 40, "1460"),
	KEY_UINT(tt_tcp_cfg, wscale, 0, 14, "7"),
	KEY_BOOL(tt_tcp_cfg, sack, "true"),
	KEY_BOOL(tt_tcp_cfg, timestamps, "true"),
	KEY_UINT(tt_tcp_cfg, msl_ms, 1, 600000, "30000"),
	KEY_UINT(tt_tcp_cfg, max_flows, 64, 1073741824, "65536"),
	KEY_UINT(tt_tcp_cfg, max_time_wait, 64, 1073741824, "262144"),
	KEY_BOOL(tt_tcp_cfg, tw_recycle, "true"),
	KEY_BOOL(tt_tcp_cfg, tw_reuse, "true"),
	KEY_UINT(tt_tcp_cfg, tw_reuse_delay_ms, 1, 600000, "1000"),
	KEY_BOOL(tt_tcp_cfg, rfc1337, "false"),
	KEY_BOOL(tt_tcp_cfg, last_ack_reopen, "true"),
	KEY_FIELD(tt_tcp_cfg, syn_cookies, cfg_parse_syn_cookies,
		  cfg_fmt_syn_cookies, "auto"),
	KEY_UINT(tt_tcp_cfg, rcv_wnd, 1024, 1073741823, "1048576"),
	KEY_UINT(tt_tcp_cfg, reass_mbufs, 0, 1048576, "2048"),
	KEY_UINT(tt_tcp_cfg, sack_scoreboards, 0, 65535, "1024"),
	KEY_FIELD(tt_tcp_cfg, cc, cfg_parse_cc, cfg_fmt_cc, "cubic"),
	KEY_BOOL(tt_tcp_cfg, prr, "true"),
	KEY_BOOL(tt_tcp_cfg, tlp, "true"),
	KEY_UINT(tt_tcp_cfg, rto_init_ms, 1, 600000, "1000"),
	KEY_UINT(tt_tcp_cfg, rto_min_ms, 1, 600000, "200"),
	KEY_UINT(tt_tcp_cfg, rto_max_ms, 1, 600000, "60000"),
	KEY_UINT(tt_tcp_cfg, max_retries, 1, 30, "6"),
	KEY_UINT(tt_tcp_cfg, syn_retries, 1, 30, "5"),
	KEY_UINT(tt_tcp_cfg, delack_ms, 1, 500, "40"),
	KEY_UINT(tt_tcp_cfg, init_cwnd, 1, 100, "10"),
	KEY_UINT(tt_tcp_cfg, challenge_ack_limit, 1, 100000000, "1000"),
	KEY_UINT(tt_tcp_cfg, persist_max_probes, 1, 255, "15"),
	KEY_UINT(tt_tcp_cfg, persist_timeout_ms, 0, 86400000, "120000"),
};

static const struct tt_cfg_key tt_server_keys[] = {
	KEY_CUSTOM("listen", cfg_parse_listen, cfg_fmt_listen, ""),
	KEY_FIELD(tt_server_cfg, app, cfg_parse_server_app, cfg_fmt_app, "http"),
	KEY_UINT(tt_server_cfg, response_bytes, 0, 1073741824, "100"),
	KEY_UINT(tt_server_cfg, request_bytes, 1, 1073741824, "100"),
	KEY_UINT(tt_server_cfg, idle_timeout_ms, 0, 86400000, "60000"),
	KEY_UINT(tt_server_cfg, keepalive_requests, 0, 4294967295u, "0"),
	KEY_UINT(tt_server_cfg, echo_conn_mbufs, 1, 65535, "256"),
	KEY_UINT(tt_server_cfg, echo_lcore_mbufs, 0, 4194303, "0"),
};

static const struct tt_cfg_key tt_client_keys[] = {
	KEY_CUSTOM("target", cfg_parse_target, cfg_fmt_target, ""),
	KEY_CUSTOM("source_ips", cfg_parse_src_ips, cfg_fmt_src_ips, ""),
	KEY_CUSTOM("source_ports", cfg_parse_src_ports, cfg_fmt_src_ports,
		   "1024-65535"),
	KEY_UINT(tt_client_cfg, rate, 0, 100000000, "0"),
	KEY_UINT(tt_client_cfg, concurrency, 1, 1073741824, "64"),
	KEY_UINT(tt_client_cfg, connections, 0, UINT64_MAX, "0"),
	KEY_DOUBLE(tt_client_cfg, duration, 0, TT_CFG_MAX_SECONDS, "0"),
	KEY_DOUBLE(tt_client_cfg, ramp_up, 0, TT_CFG_MAX_SECONDS, "0"),
	KEY_FIELD(tt_client_cfg, app, cfg_parse_client_app, cfg_fmt_app, "http"),
	KEY_CUSTOM("path", cfg_parse_path, cfg_fmt_path, "/"),
	KEY_CUSTOM("host", cfg_parse_host, cfg_fmt_host, ""),
	KEY_UINT(tt_client_cfg, request_bytes, 1, 1073741824, "100"),
	KEY_UINT(tt_client_cfg, response_bytes, 0, 1073741824, "100"),
	KEY_UINT(tt_client_cfg, requests_per_connection, 1, 1000000, "1"),
	KEY_CUSTOM("close", cfg_parse_close, cfg_fmt_close, "active"),
	KEY_UINT(tt_client_cfg, arp_timeout_ms, 1, 600000, "10000"),
	KEY_UINT(tt_client_cfg, drain_ms, 0, 600000, "2000"),
	KEY_UINT(tt_client_cfg, conn_timeout_ms, 0, 86400000, "30000"),
};

#define SEC(nm, sid, tbl) [sid] = { .name = (nm), .id = (sid), \
	.keys = (tbl), .n_keys = RTE_DIM(tbl) }

const struct tt_cfg_sec tt_cfg_secs[TT_SEC_NUM] = {
	SEC("general", TT_SEC_GENERAL, tt_general_keys),
	SEC("eal", TT_SEC_EAL, tt_eal_keys),
	SEC("port", TT_SEC_PORT, tt_port_keys),
	SEC("tcp", TT_SEC_TCP, tt_tcp_keys),
	SEC("server", TT_SEC_SERVER, tt_server_keys),
	SEC("client", TT_SEC_CLIENT, tt_client_keys),
};

const struct tt_cfg_sec *
tt_cfg_find_sec(const char *name, unsigned int *port)
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

const struct tt_cfg_key *
tt_cfg_find_key(const struct tt_cfg_sec *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->n_keys; i++)
		if (strcmp(s->keys[i].name, name) == 0)
			return &s->keys[i];
	return NULL;
}

void *
tt_cfg_sec_base(struct tt_config *cfg, enum tt_cfg_sec_id id,
		unsigned int port)
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
	case TT_SEC_NUM:
		break;
	}
	return NULL;
}

/* Apply the defaults of section @p s (port @p port) through the parsers. */
static int
cfg_sec_defaults(struct tt_cfg_ctx *ctx, const struct tt_cfg_sec *s,
		 unsigned int port)
{
	char name[CFG_NAME_LEN];
	struct tt_cfg_ent e = { .origin = "default", .sec = s->name };
	void *base = tt_cfg_sec_base(ctx->cfg, s->id, port);
	unsigned int i;
	int ret;

	if (s->id == TT_SEC_PORT) {
		snprintf(name, sizeof(name), "port%u", port);
		e.sec = name;
	}
	for (i = 0; i < s->n_keys; i++) {
		if (s->keys[i].def == NULL)
			continue;
		e.key = s->keys[i].name;
		e.val = s->keys[i].def;
		ret = tt_cfg_parse_key(ctx, &e, &s->keys[i], base);
		if (ret < 0)
			return ret;
	}
	return 0;
}

void
tt_cfg_defaults(struct tt_config *cfg)
{
	char err[TT_CFG_ERR_LEN];
	struct tt_cfg_ctx ctx = {
		.cfg = cfg, .err = err, .errlen = sizeof(err),
	};
	const struct tt_cfg_sec *s;
	unsigned int i, p, n;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < RTE_DIM(tt_cfg_secs); i++) {
		s = &tt_cfg_secs[i];
		n = s->id == TT_SEC_PORT ? TT_MAX_PORTS : 1;
		/* A default the parser refuses is a bug in the table above. */
		for (p = 0; p < n; p++)
			if (cfg_sec_defaults(&ctx, s, p) < 0)
				rte_panic("tcpterm: bad built-in %s\n", err);
	}
}
