/* SPDX-License-Identifier: BSD-3-Clause */
/* The owner table of software steering (tt_owner.h). */
#include <string.h>

#include "gen/tt_gen.h"
#include "gen/tt_owner.h"

void
tt_owner_fill(const struct tt_config *cfg, unsigned int n, uint8_t *owner)
{
	unsigned int i;
	uint32_t k, count;
	uint16_t first;

	memset(owner, TT_OWNER_BY_HASH, 65536);
	if (!cfg->client.enabled)
		return;
	for (i = 0; i < n && i < TT_OWNER_MAX; i++) {
		tt_gen_sport_share(cfg, i, n, &first, &count);
		for (k = 0; k < count; k++)
			owner[(uint16_t)(first + k)] = (uint8_t)i;
	}
}
