/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The --check dump: every section and key of the effective configuration
 * as ini text, defaults included, ports only where a section exists. It is
 * written from the key table, so what it prints loads back to the same
 * configuration.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "cfg/tt_cfg_priv.h"

/*
 * Whether the '#' at @p p of value @p v is written "\#". rte_cfgfile takes
 * the first '#' of a line for a comment unless a backslash precedes it,
 * and every "\#" of the value then reads back as '#': so the first '#' is
 * escaped, and any '#' after a backslash of the value (that backslash
 * would otherwise be read as the escape). Any other '#' stays as it is,
 * which keeps a value of many '#' within rte_cfgfile's line length.
 */
static bool
cfg_dump_escape(const char *v, const char *p)
{
	return *p == TT_CFG_COMMENT &&
	       (p == v || p[-1] == '\\' || memchr(v, TT_CFG_COMMENT, (size_t)(p - v)) == NULL);
}

/* Write a value as rte_cfgfile reads it back. */
static void
cfg_dump_value(FILE *f, const char *v)
{
	const char *p;

	for (p = v; *p != '\0'; p++) {
		if (cfg_dump_escape(v, p))
			fputc('\\', f);
		fputc(*p, f);
	}
}

/* Characters of @p v once written by cfg_dump_value(). */
static size_t
cfg_dump_value_len(const char *v)
{
	size_t n = 0;
	const char *p;

	for (p = v; *p != '\0'; p++)
		n += cfg_dump_escape(v, p) ? 2 : 1;
	return n;
}

static void
cfg_dump_sec(FILE *f, const char *name, const struct tt_cfg_sec *s,
	     const void *base)
{
	char val[TT_CFG_VAL_BUF];
	unsigned int i;

	fprintf(f, "\n[%s]\n", name);
	for (i = 0; i < s->n_keys; i++) {
		tt_cfg_fmt_key(val, sizeof(val), &s->keys[i], base);
		/*
		 * "key = value", an empty value as "key =" (no trailing
		 * blank); "key=value" when the blanks would take the line
		 * past what rte_cfgfile reads (a file line of that length
		 * loaded). A longer value can only come from --set, which
		 * rte_cfgfile does not bound: its line is written as it is.
		 */
		if (strlen(s->keys[i].name) + 3 + cfg_dump_value_len(val) > TT_CFG_LINE_MAX)
			fprintf(f, "%s=", s->keys[i].name);
		else
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
			cfg_dump_sec(f, s->name, s, tt_cfg_sec_base(c, s->id, 0));
			continue;
		}
		for (p = 0; p < TT_MAX_PORTS; p++) {
			if (!cfg->port[p].present)
				continue;
			snprintf(name, sizeof(name), "port%u", p);
			cfg_dump_sec(f, name, s, tt_cfg_sec_base(c, s->id, p));
		}
	}
}
