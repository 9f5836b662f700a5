/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Loading the configuration: the ini file read with rte_cfgfile, then the
 * --set SECTION.KEY=VALUE overrides, each entry applied through the key
 * table over the defaults, then the cross-checks.
 *
 * rte_cfgfile does the parsing. Two things it does quietly are checked
 * here before it runs: lines it skips (text with no '=' that is not a
 * section header, a likely typo) and lines longer than its buffer. Values
 * longer than CFG_VALUE_LEN - 1 are cut by rte_cfgfile without a word, so
 * a value of exactly that length is refused as possibly cut.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>
#include <rte_common.h>
#include <rte_log.h>
#include <rte_string_fns.h>

#include "cfg/tt_cfg_priv.h"

/* Most distinct keys one load can set (every key of every section). */
#define TT_CFG_MAX_SEEN 256

/* Applying entries. */

struct tt_cfg_seen *
tt_cfg_seen_find(struct tt_cfg_ctx *ctx, const char *sec, const char *key)
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
	int ret;

	s = tt_cfg_find_sec(e->sec, &port);
	if (s == NULL)
		return tt_cfg_err(ctx, e->origin, e->sec, NULL, NULL,
				  "unknown section");
	k = tt_cfg_find_key(s, e->key);
	if (k == NULL)
		return TT_CFG_ENT_ERR(ctx, e, "unknown key");
	seen = tt_cfg_seen_find(ctx, e->sec, e->key);
	if (seen != NULL && seen->from_file && from_file)
		return TT_CFG_ENT_ERR(ctx, e, "duplicate key");
	/* rte_cfgfile cuts longer values to CFG_VALUE_LEN - 1 silently. */
	if (from_file && strlen(e->val) >= CFG_VALUE_LEN - 1)
		return TT_CFG_ENT_ERR(ctx, e,
				      "longer than %d characters, the rte_cfgfile limit (use --set, or EAL options before --)",
				      CFG_VALUE_LEN - 2);

	base = tt_cfg_sec_base(ctx->cfg, s->id, port);
	ret = tt_cfg_parse_key(ctx, e, k, base);
	if (ret < 0)
		return ret;
	if (s->id == TT_SEC_PORT)
		ctx->cfg->port[port].present = true;

	if (seen == NULL) {
		if (ctx->n_seen >= TT_CFG_MAX_SEEN)
			return TT_CFG_ENT_ERR(ctx, e, "too many keys");
		seen = &ctx->seen[ctx->n_seen++];
		strlcpy(seen->sec, e->sec, sizeof(seen->sec));
		strlcpy(seen->key, e->key, sizeof(seen->key));
	}
	free(seen->val);
	seen->val = strdup(e->val);
	if (seen->val == NULL)
		return TT_CFG_ENT_ERR(ctx, e, "out of memory");
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

	s = tt_cfg_find_sec(name, &port);
	if (s == NULL)
		return tt_cfg_err(ctx, origin, name, NULL, NULL, "unknown section");
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
	char *line = NULL, *p, *c;
	size_t cap = 0, len;
	ssize_t n;
	unsigned int lineno = 0;
	bool in_section = false;
	int ret = 0;
	FILE *f;

	f = fopen(file, "r");
	if (f == NULL)
		return tt_cfg_parse_err(ctx, file, "%s", strerror(errno));
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		len = (size_t)n;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > TT_CFG_LINE_MAX) {
			ret = tt_cfg_parse_err(ctx, file,
				"line %u: longer than %d characters (rte_cfgfile limit)",
				lineno, TT_CFG_LINE_MAX);
			break;
		}
		if (memchr(line, '\0', len) != NULL) {
			ret = tt_cfg_parse_err(ctx, file, "line %u: NUL character",
					       lineno);
			break;
		}
		c = strchr(line, TT_CFG_COMMENT);
		if (c != NULL && (c == line || c[-1] != '\\'))
			*c = '\0';
		p = tt_cfg_strip(line);
		if (*p == '\0')
			continue;
		if (*p == ';') {
			ret = tt_cfg_parse_err(ctx, file,
				"line %u: '%s': ';' does not start a comment, use '#'",
				lineno, p);
			break;
		}
		if (*p == '[') {
			c = strchr(p, ']');
			if (c == NULL) {
				ret = tt_cfg_parse_err(ctx, file,
					"line %u: '%s': no closing ']'", lineno, p);
				break;
			}
			if (c[1] != '\0') {
				ret = tt_cfg_parse_err(ctx, file,
					"line %u: '%s': text after ']'", lineno, p);
				break;
			}
			in_section = true;
			continue;
		}
		if (strchr(p, '=') == NULL) {
			ret = tt_cfg_parse_err(ctx, file,
				"line %u: '%s': expected [section] or key = value",
				lineno, p);
			break;
		}
		if (!in_section) {
			ret = tt_cfg_parse_err(ctx, file,
				"line %u: '%s': key outside any [section]", lineno, p);
			break;
		}
	}
	if (ret == 0 && ferror(f))
		ret = tt_cfg_parse_err(ctx, file, "%s", strerror(errno));
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
		return tt_cfg_parse_err(ctx, file, "%s",
					why[0] ? why : "rte_cfgfile_load failed");

	n_sec = rte_cfgfile_num_sections(cf, NULL, 0);
	if (n_sec > 0) {
		names = calloc((size_t)n_sec, sizeof(*names));
		if (names == NULL) {
			ret = tt_cfg_parse_err(ctx, file, "out of memory");
			goto out;
		}
		for (i = 0; i < n_sec; i++) {
			names[i] = malloc(CFG_NAME_LEN);
			if (names[i] == NULL) {
				ret = tt_cfg_parse_err(ctx, file, "out of memory");
				goto out;
			}
		}
		n_sec = rte_cfgfile_sections(cf, names, n_sec);
	}

	/* rte_cfgfile keeps a repeated section twice; refuse it. */
	for (i = 0; i < n_sec; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(names[i], names[j]) == 0) {
				ret = tt_cfg_err(ctx, file, names[i], NULL, NULL,
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
			ret = tt_cfg_parse_err(ctx, file, "out of memory");
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
		return tt_cfg_parse_err(ctx, origin, "out of memory");
	eq = strchr(copy, '=');
	dot = eq != NULL ? memchr(copy, '.', (size_t)(eq - copy)) : NULL;
	if (eq == NULL || dot == NULL) {
		ret = tt_cfg_parse_err(ctx, origin,
			"'%s': expected SECTION.KEY=VALUE", set);
		free(copy);
		return ret;
	}
	*dot = '\0';
	*eq = '\0';
	sec = tt_cfg_strip(copy);
	key = tt_cfg_strip(dot + 1);
	val = tt_cfg_strip(eq + 1);
	if (*sec == '\0' || *key == '\0') {
		ret = tt_cfg_parse_err(ctx, origin,
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

int
tt_cfg_load(struct tt_config *cfg, const char *file,
	    const char *const *sets, unsigned int n_sets,
	    char *err, size_t errlen)
{
	struct tt_cfg_ctx ctx = {
		.cfg = cfg, .err = err, .errlen = errlen,
	};
	unsigned int i;
	int ret = 0;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	tt_cfg_defaults(cfg);
	ctx.seen = calloc(TT_CFG_MAX_SEEN, sizeof(*ctx.seen));
	if (ctx.seen == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: out of memory",
				 file != NULL ? file : "--set");
		return -ENOMEM;
	}

	if (file != NULL) {
		if (strlcpy(cfg->file, file, sizeof(cfg->file)) >=
		    sizeof(cfg->file)) {
			ret = tt_cfg_parse_err(&ctx, file, "file name too long");
			goto out;
		}
		ret = cfg_load_file(&ctx, file);
		if (ret < 0)
			goto out;
	}
	for (i = 0; i < n_sets; i++) {
		ret = cfg_apply_set(&ctx, sets[i]);
		if (ret < 0)
			goto out;
	}
	cfg->server.enabled = cfg->server.n_listen > 0;
	cfg->client.enabled = cfg->client.n_target > 0;
	ret = tt_cfg_validate(&ctx);
out:
	for (i = 0; i < ctx.n_seen; i++)
		free(ctx.seen[i].val);
	free(ctx.seen);
	if (ret < 0) {
		TT_LOG_MOD(cfg, DEBUG, "%s", err != NULL ? err : "config error");
		return -EINVAL;
	}
	return 0;
}
