/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Toeplitz hash of RSS with DPDK's software implementation
 * (rte_softrss_be() over a key converted once), for the client's choice of
 * tuples on a port whose key and RETA tcpterm knows.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_thash.h>

#include "net/tt_rss.h"

const uint8_t tt_rss_sym_key[TT_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

int
tt_rss_load(struct tt_rss *r, const uint8_t *key, const uint16_t *reta,
	    unsigned int reta_size, unsigned int n_queues)
{
	uint32_t words[TT_RSS_KEY_LEN / 4];
	unsigned int i;

	if (reta_size == 0 || reta_size > TT_RSS_RETA_MAX || !rte_is_power_of_2(reta_size) ||
	    (reta == NULL && n_queues == 0))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	memcpy(r->key, key, TT_RSS_KEY_LEN);
	memcpy(words, key, sizeof(words));
	rte_convert_rss_key(words, r->key_be, TT_RSS_KEY_LEN);
	r->reta_size = (uint16_t)reta_size;
	for (i = 0; i < reta_size; i++)
		r->reta[i] = reta != NULL ? reta[i] : (uint16_t)(i % n_queues);
	return 0;
}

uint32_t
tt_rss_hash(const struct tt_rss *r, uint32_t src, uint32_t dst, uint16_t sport,
	    uint16_t dport)
{
	/* The input of RSS over IPv4/TCP: source, destination, source port, destination port. */
	uint32_t tuple[RTE_THASH_V4_L4_LEN] = { src, dst, (uint32_t)sport << 16 | dport };

	return rte_softrss_be(tuple, RTE_THASH_V4_L4_LEN, (const uint8_t *)r->key_be);
}
