/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/stats: counter and drop names, summing per-lcore
 * blocks, the drop total.
 */

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "stats/tt_stats.h"

/* Names are lower-case identifiers, so they work as JSON keys and in ini files. */
static int
tt_valid_name(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

START_TEST(test_stat_names)
{
	unsigned int i, j;

	ck_assert_str_eq(tt_stat_name(TT_STAT_rx_pkts), "rx_pkts");
	ck_assert_str_eq(tt_stat_name(TT_STAT_arp_tx_gratuitous), "arp_tx_gratuitous");
	ck_assert_str_eq(tt_stat_name(TT_STAT_icmp_echo_tx), "icmp_echo_tx");
	ck_assert_str_eq(tt_stat_name(TT_STAT_client_drain_reset), "client_drain_reset");
	ck_assert_str_eq(tt_stat_name(TT_STAT_MAX), "unknown");
	ck_assert_str_eq(tt_stat_name((enum tt_stat_id)-1), "unknown");
	for (i = 0; i < TT_STAT_MAX; i++) {
		ck_assert_msg(tt_valid_name(tt_stat_name(i)), "counter %u: bad name", i);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(tt_stat_name(i), tt_stat_name(j));
	}
}
END_TEST

START_TEST(test_drop_names)
{
	unsigned int i, j;

	ck_assert_str_eq(tt_drop_name(TT_DROP_NONE), "none");
	ck_assert_str_eq(tt_drop_name(TT_DROP_truncated), "truncated");
	ck_assert_str_eq(tt_drop_name(TT_DROP_bad_ip_cksum), "bad_ip_cksum");
	ck_assert_str_eq(tt_drop_name(TT_DROP_arp_not_ours), "arp_not_ours");
	ck_assert_str_eq(tt_drop_name(TT_DROP_tcp_no_flow), "tcp_no_flow");
	ck_assert_str_eq(tt_drop_name(TT_DROP_MAX), "unknown");
	ck_assert_int_eq(TT_DROP_truncated, 1);
	for (i = 0; i < TT_DROP_MAX; i++) {
		ck_assert_msg(tt_valid_name(tt_drop_name(i)), "drop %u: bad name", i);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(tt_drop_name(i), tt_drop_name(j));
	}
}
END_TEST

static struct tt_stats *
tt_stats_new(void)
{
	struct tt_stats *s;

	ck_assert_int_eq(posix_memalign((void **)&s, RTE_CACHE_LINE_SIZE, sizeof(*s)), 0);
	memset(s, 0, sizeof(*s));
	return s;
}

static void
tt_stats_fill(struct tt_stats *s, uint64_t base)
{
	unsigned int i, j;

	for (i = 0; i < TT_STAT_MAX; i++)
		s->c[i] = base + i;
	for (i = 0; i < TT_DROP_MAX; i++)
		s->drop[i] = base * 2 + i;
	for (i = 0; i < TT_NB_TCP_STATES; i++) {
		s->state[i] = (int64_t)i - (int64_t)base;	/* may be negative */
		for (j = 0; j < TT_NB_TCP_STATES; j++)
			s->trans[i][j] = base + i * 100 + j;
	}
}

START_TEST(test_sum)
{
	struct tt_stats *a = tt_stats_new(), *b = tt_stats_new(), *out = tt_stats_new();
	const struct tt_stats *in[3];
	unsigned int i, j;

	tt_stats_fill(a, 10);
	tt_stats_fill(b, 1000);
	memset(out, 0xab, sizeof(*out));	/* garbage must be overwritten */
	in[0] = a;
	in[1] = NULL;				/* skipped */
	in[2] = b;
	tt_stats_sum(out, in, 3);
	for (i = 0; i < TT_STAT_MAX; i++)
		ck_assert_uint_eq(out->c[i], 1010 + 2 * i);
	for (i = 0; i < TT_DROP_MAX; i++)
		ck_assert_uint_eq(out->drop[i], 2020 + 2 * i);
	for (i = 0; i < TT_NB_TCP_STATES; i++) {
		ck_assert_int_eq(out->state[i], 2 * (int64_t)i - 1010);
		for (j = 0; j < TT_NB_TCP_STATES; j++)
			ck_assert_uint_eq(out->trans[i][j], 1010 + 2 * (i * 100 + j));
	}

	/* No inputs: all zero. */
	tt_stats_sum(out, in, 0);
	for (i = 0; i < TT_STAT_MAX; i++)
		ck_assert_uint_eq(out->c[i], 0);

	/* The output may be one of the inputs. */
	in[0] = a;
	in[1] = a;
	tt_stats_sum(a, in, 2);
	ck_assert_uint_eq(a->c[TT_STAT_rx_pkts], 20);
	ck_assert_uint_eq(a->drop[TT_DROP_truncated], 2 * 21);
	free(a);
	free(b);
	free(out);
}
END_TEST

START_TEST(test_drops_total)
{
	struct tt_stats *s = tt_stats_new();

	ck_assert_uint_eq(tt_stats_drops(s), 0);
	s->drop[TT_DROP_NONE] = 99;	/* not a drop */
	ck_assert_uint_eq(tt_stats_drops(s), 0);
	TT_DROP(s, TT_DROP_truncated);
	TT_DROP(s, TT_DROP_tcp_no_flow);
	TT_DROP(s, TT_DROP_tcp_no_flow);
	s->drop[TT_DROP_bad_arp] = 1000;
	ck_assert_uint_eq(tt_stats_drops(s), 1003);
	TT_STAT_INC(s, rx_pkts);
	TT_STAT_ADD(s, rx_bytes, 60);
	ck_assert_uint_eq(tt_stats_drops(s), 1003);
	ck_assert_uint_eq(s->c[TT_STAT_rx_pkts], 1);
	ck_assert_uint_eq(s->c[TT_STAT_rx_bytes], 60);
	free(s);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("stats");

	tcase_add_test(tc, test_stat_names);
	tcase_add_test(tc, test_drop_names);
	tcase_add_test(tc, test_sum);
	tcase_add_test(tc, test_drops_total);
	suite_add_tcase(s, tc);
	return s;
}
