/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Configuration values: text to typed field and back. Numbers are decimal
 * and wholly parsed (no sign, no hex, no units, never clamped), addresses
 * are strict dotted quads, booleans take six spellings. The key table in
 * tt_cfg_keys.c says which parser each key uses and with what range.
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "cfg/tt_cfg_priv.h"

/* Scalar parsers shared by the key types. */

enum tt_num_status
tt_cfg_num_u64(const char *s, uint64_t *v, const char **junk)
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
int
tt_cfg_ip_parse(const char *s, size_t len, uint32_t *ip)
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

void
tt_cfg_ip_fmt(char *buf, size_t len, uint32_t ip)
{
	snprintf(buf, len, "%u.%u.%u.%u", (ip >> 24) & 0xff, (ip >> 16) & 0xff,
		 (ip >> 8) & 0xff, ip & 0xff);
}

bool
tt_cfg_ip_unicast(uint32_t ip)
{
	return ip != 0 && (ip >> 28) < 0xe; /* not 0.0.0.0, multicast, class E */
}

uint32_t
tt_cfg_mask(unsigned int prefix)
{
	return prefix == 0 ? 0 : UINT32_MAX << (32 - prefix);
}


/* Generic key types. */

static int
cfg_parse_uint(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
	       const struct tt_cfg_key *k, void *base)
{
	const char *junk;
	uint64_t v = 0;
	void *dst = (char *)base + k->off;

	switch (tt_cfg_num_u64(e->val, &v, &junk)) {
	case TT_NUM_NAN:
		return TT_CFG_ENT_ERR(ctx, e, "not a number (expected %" PRIu64 "..%"
				      PRIu64 ")", k->min, k->max);
	case TT_NUM_TRAILING:
		return TT_CFG_ENT_ERR(ctx, e, "trailing characters '%s' after the number",
				      junk);
	case TT_NUM_RANGE:
		return TT_CFG_ENT_ERR(ctx, e, "out of range %" PRIu64 "..%" PRIu64,
				      k->min, k->max);
	case TT_NUM_OK:
		break;
	}
	if (v < k->min || v > k->max)
		return TT_CFG_ENT_ERR(ctx, e, "out of range %" PRIu64 "..%" PRIu64,
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
		return TT_CFG_ENT_ERR(ctx, e, "not a number (expected %.15g..%.15g)",
				      k->dmin, k->dmax);
	case TT_NUM_TRAILING:
		return TT_CFG_ENT_ERR(ctx, e, "trailing characters '%s' after the number",
				      junk);
	case TT_NUM_RANGE:
		return TT_CFG_ENT_ERR(ctx, e, "out of range %.15g..%.15g", k->dmin, k->dmax);
	case TT_NUM_OK:
		break;
	}
	if (v < k->dmin || v > k->dmax)
		return TT_CFG_ENT_ERR(ctx, e, "out of range %.15g..%.15g", k->dmin, k->dmax);
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

int
tt_cfg_parse_bool(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
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
	return TT_CFG_ENT_ERR(ctx, e, "expected true/false/yes/no/on/off/1/0");
}

int
tt_cfg_parse_key(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		 const struct tt_cfg_key *k, void *base)
{
	switch (k->kind) {
	case TT_KT_UINT:
		return cfg_parse_uint(ctx, e, k, base);
	case TT_KT_DOUBLE:
		return cfg_parse_double(ctx, e, k, base);
	case TT_KT_BOOL:
		return tt_cfg_parse_bool(ctx, e, k, base);
	case TT_KT_CUSTOM:
		break;
	}
	return k->parse(ctx, e, k, base);
}

void
tt_cfg_fmt_bool(char *buf, size_t len, const struct tt_cfg_key *k,
		const void *base)
{
	snprintf(buf, len, "%s",
		 *(const bool *)((const char *)base + k->off) ? "true" : "false");
}

/* Pieces of the custom keys' values. */

char *
tt_cfg_strip(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int
tt_cfg_split_list(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e, void *arg,
		  tt_cfg_tok_fn fn)
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

int
tt_cfg_port_tok(const char *tok, size_t len, uint16_t *port)
{
	char buf[16];
	const char *junk;
	uint64_t v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, tok, len);
	buf[len] = '\0';
	if (tt_cfg_num_u64(buf, &v, &junk) != TT_NUM_OK || v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* A string with no white space or control characters (HTTP path, host). */
int
tt_cfg_parse_token_str(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		       char *dst, size_t size)
{
	const unsigned char *p;

	if (strlen(e->val) >= size)
		return TT_CFG_ENT_ERR(ctx, e, "longer than %zu characters", size - 1);
	for (p = (const unsigned char *)e->val; *p != '\0'; p++)
		if (isspace(*p) || iscntrl(*p))
			return TT_CFG_ENT_ERR(ctx, e, "contains white space or control characters");
	/* Clear the whole buffer: the struct stays comparable with memcmp. */
	memset(dst, 0, size);
	strlcpy(dst, e->val, size);
	return 0;
}

void
tt_cfg_fmt_key(char *buf, size_t len, const struct tt_cfg_key *k,
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
		tt_cfg_fmt_bool(buf, len, k, base);
		break;
	case TT_KT_CUSTOM:
		k->fmt(buf, len, k, base);
		break;
	}
}
