/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the SYN queue (lib/tcp/tt_synq.c) through the fake peer:
 * with tcp.syn_cookies = off, SYN_RCVD is bounded at a quarter of the
 * table by dropping the oldest half-open connection for a new SYN; entries
 * of connections that completed are skipped and swept; with cookies on or
 * auto there is no queue at all.
 */

#include <check.h>

#include "tt_fake_peer.h"

#include "tcp/tt_tcp_priv.h"

/* Half-open connection i: its port and ISN. */
#define PORT(i) ((uint16_t)(41000 + (i)))
#define ISN(i) (1000 + (i) * 100000u)

static struct tt_conn *
find(struct fp *f, unsigned int i)
{
	return tt_tcp_lookup(f->ctx, TT_TEST_IP_US, f->lport, f->addr, PORT(i));
}

/* Over the bound, the oldest half-open goes first; the rest complete. */
START_TEST(test_synq_evicts_oldest)
{
	struct fp *f = fp_cur;
	unsigned int i;

	f->cfg.tcp.syn_cookies = TT_SYNCOOKIE_OFF;
	f->cfg.tcp.max_flows = 16;	/* at most 4 half-open */
	fp_start(f);
	ck_assert_ptr_nonnull(f->ctx->synq.e);
	for (i = 0; i < 4; i++) {
		fp_new_conn(f, PORT(i), ISN(i));
		fp_syn(f);
	}
	ck_assert_int_eq(GAUGE(f, SYN_RCVD), 4);
	ck_assert_uint_eq(ST(f, syn_rcvd_evicted), 0);
	/* Two more SYNs: connections 0 then 1 make room, silently. */
	for (i = 4; i < 6; i++) {
		fp_new_conn(f, PORT(i), ISN(i));
		fp_syn(f);
		ck_assert_ptr_null(find(f, i - 4));
	}
	ck_assert_int_eq(GAUGE(f, SYN_RCVD), 4);
	ck_assert_uint_eq(ST(f, syn_rcvd_evicted), 2);
	ck_assert_uint_eq(ST(f, syncookies_sent), 0);
	/* The evicted one's ACK meets no flow: RST. */
	fp_new_conn(f, PORT(0), ISN(0));
	fp_raw(f, ACK, ISN(0) + 1, 12345, f->win, NULL, 0, NULL, 0);
	fp_expect(f, RST);
	/* The survivors complete their handshake. */
	for (i = 2; i < 6; i++) {
		struct tt_conn *c = find(f, i);

		ck_assert_ptr_nonnull(c);
		ck_assert_int_eq(c->state, TT_TCPS_SYN_RCVD);
		fp_new_conn(f, PORT(i), ISN(i));
		fp_raw(f, ACK, ISN(i) + 1, c->snd_una + 1, f->win, NULL, 0, NULL, 0);
		ck_assert_int_eq(c->state, TT_TCPS_ESTABLISHED);
	}
	ck_assert_int_eq(GAUGE(f, SYN_RCVD), 0);
	fp_end(f);
}
END_TEST

/*
 * Connections that left SYN_RCVD are stale entries: eviction skips them,
 * and a ring full of them is swept instead of growing.
 */
START_TEST(test_synq_stale_entries)
{
	struct fp *f = fp_cur;
	unsigned int i, n = 0;

	f->cfg.tcp.syn_cookies = TT_SYNCOOKIE_OFF;
	f->cfg.tcp.max_flows = 64;	/* 16 half-open, a ring of 32 */
	f->cfg.tcp.tw_recycle = false;
	fp_start(f);
	ck_assert_uint_eq(f->ctx->synq.cap, 32);
	/* 40 handshakes completed: more pushes than the ring holds. */
	for (i = 0; i < 40; i++) {
		fp_new_conn(f, PORT(i), ISN(i));
		fp_open(f);
		ck_assert_uint_le(f->ctx->synq.n, f->ctx->synq.cap);
	}
	ck_assert_int_eq(GAUGE(f, SYN_RCVD), 0);
	/* 16 half-open now; the 17th evicts the oldest of them, not a stale entry. */
	for (i = 100; i < 117; i++) {
		fp_new_conn(f, PORT(i), ISN(i));
		fp_syn(f);
		n++;
	}
	ck_assert_int_eq(GAUGE(f, SYN_RCVD), 16);
	ck_assert_uint_eq(ST(f, syn_rcvd_evicted), 1);
	ck_assert_ptr_null(find(f, 100));
	ck_assert_ptr_nonnull(find(f, 101));
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(find(f, i)->state, TT_TCPS_ESTABLISHED);
	ck_assert_uint_eq(n, 17);
	fp_end(f);
}
END_TEST

/* With cookies (auto, the default, or on) there is no SYN queue. */
START_TEST(test_synq_only_without_cookies)
{
	struct fp *f = fp_cur;

	ck_assert_int_eq(f->cfg.tcp.syn_cookies, TT_SYNCOOKIE_AUTO);
	fp_start(f);
	ck_assert_ptr_null(f->ctx->synq.e);
	fp_end(f);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("tcp_synq");
	TCase *tc;

	tt_test_eal_init();
	tc = fp_tcase("synq");
	tcase_add_test(tc, test_synq_evicts_oldest);
	tcase_add_test(tc, test_synq_stale_entries);
	tcase_add_test(tc, test_synq_only_without_cookies);
	suite_add_tcase(s, tc);
	return s;
}
