/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Configuration error messages: the one-line forms listed in
 * docs/configuration.md, written into the caller's buffer.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cfg/tt_cfg_priv.h"

/* Longest value quoted in an error message before it is shortened. */
#define TT_CFG_ERR_VAL 80

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

int
tt_cfg_err(struct tt_cfg_ctx *ctx, const char *origin, const char *sec,
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

int
tt_cfg_parse_err(struct tt_cfg_ctx *ctx, const char *origin, const char *fmt,
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
