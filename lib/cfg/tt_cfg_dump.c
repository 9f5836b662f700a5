/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The --check dump: every section and key of the effective configuration
 * as ini text, defaults included, ports only where a section exists. It is
 * written from the key table, so what it prints loads back to the same
 * configuration.
 */

#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

#include "cfg/tt_cfg_priv.h"

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
		tt_cfg_fmt_key(val, sizeof(val), &s->keys[i], base);
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
