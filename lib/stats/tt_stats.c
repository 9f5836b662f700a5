/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counter names and the reader side of the per-lcore counters. The names
 * come from the same X-macro lists as the enums, so they cannot drift.
 */

#include <stdint.h>
#include <string.h>

#include <rte_common.h>

#include "stats/tt_stats.h"

#define TT_X_NAME(name) #name,

static const char *const tt_stat_names[TT_STAT_MAX] = {
	TT_COUNTERS(TT_X_NAME)
};

static const char *const tt_drop_names[TT_DROP_MAX] = {
	"none",
	TT_DROP_REASONS(TT_X_NAME)
};

const char *
tt_stat_name(enum tt_stat_id id)
{
	if ((unsigned int)id >= TT_STAT_MAX)
		return "unknown";
	return tt_stat_names[id];
}

const char *
tt_drop_name(enum tt_drop_reason r)
{
	if ((unsigned int)r >= TT_DROP_MAX)
		return "unknown";
	return tt_drop_names[r];
}

/*
 * Sum into a local block first, so that @p out may also be one of the
 * inputs. NULL entries of @p in are skipped.
 */
void
tt_stats_sum(struct tt_stats *out, const struct tt_stats *const *in,
	     unsigned int n)
{
	struct tt_stats sum;
	unsigned int i, j, k;

	memset(&sum, 0, sizeof(sum));
	for (i = 0; i < n; i++) {
		const struct tt_stats *s = in[i];

		if (s == NULL)
			continue;
		for (j = 0; j < TT_STAT_MAX; j++)
			sum.c[j] += s->c[j];
		for (j = 0; j < TT_DROP_MAX; j++)
			sum.drop[j] += s->drop[j];
		for (j = 0; j < TT_NB_TCP_STATES; j++) {
			sum.state[j] += s->state[j];
			for (k = 0; k < TT_NB_TCP_STATES; k++)
				sum.trans[j][k] += s->trans[j][k];
		}
	}
	memcpy(out, &sum, sizeof(sum));
}

uint64_t
tt_stats_drops(const struct tt_stats *s)
{
	uint64_t total = 0;
	unsigned int i;

	/* Index 0 is TT_DROP_NONE, which is not a drop. */
	for (i = 1; i < TT_DROP_MAX; i++)
		total += s->drop[i];
	return total;
}
