/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine through the fake peer (tt_fake_peer.h).
 * TCP options: negotiation of MSS, window scale, timestamps and SACK-permitted,
 * and the parsing and writing of options, malformed ones included.
 */

#include <check.h>

#include "tt_fake_peer.h"

/* ------------------------------------------------------------------ */
/* Options negotiation.                                               */
/* ------------------------------------------------------------------ */

/*
 * Loop over the 8 subsets of {WS, TS, SACK-permitted} in the peer's SYN
 * (bit 0 WS, bit 1 TS, bit 2 SACK): the SYN-ACK answers exactly that
 * subset plus MSS; windows are scaled only when both sent WS (ours in
 * every later segment, the peer's when we fill its window); TS on every
 * segment when negotiated, echoing the peer's latest TSval.
 */
START_TEST(test_opts_matrix)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct fp_seg seg;
	uint8_t subset = 0;
	bool ws = _i & 1, ts = _i & 2, sack = _i & 4;
	uint32_t eff_mss, peer_wnd, limit, sent = 0, our_win;
	uint32_t syn_tsval;

	if (ws)
		subset |= TT_OPT_WS;
	if (ts)
		subset |= TT_OPT_TS;
	if (sack)
		subset |= TT_OPT_SACKOK;
	f->syn_opts = TT_OPT_MSS | subset;
	f->mss = 1200;
	f->ws = 3;
	f->cfg.server.response_bytes = 30000;
	fp_start(f);
	s = fp_syn(f);
	syn_tsval = f->tsval;
	ck_assert_msg(s->opts == (TT_OPT_MSS | subset), "subset %u: SYN-ACK options 0x%x", _i,
		      s->opts);
	ck_assert_uint_eq(s->mss, 1460);
	if (ws)
		ck_assert_uint_eq(s->ws, f->cfg.tcp.wscale);
	if (ts)
		ck_assert_uint_eq(s->tsecr, syn_tsval);
	ck_assert_uint_eq(s->win, RTE_MIN(f->cfg.tcp.rcv_wnd, 65535u));
	ck_assert_uint_eq(s->optlen % 4, 0);

	/* The handshake ACK announces a window of 5000 << 3 if scaled, else 5000. */
	f->win = 5000;
	fp_ack(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_send_str(f, REQ11);
	eff_mss = 1200 - (ts ? 12 : 0);
	peer_wnd = ws ? 5000u << 3 : 5000u;
	limit = RTE_MIN(peer_wnd, f->cfg.tcp.init_cwnd * eff_mss);
	our_win = ws ? RTE_MIN(f->cfg.tcp.rcv_wnd, 65535u << f->cfg.tcp.wscale) >>
		       f->cfg.tcp.wscale :
		       RTE_MIN(f->cfg.tcp.rcv_wnd, 65535u);
	while (fp_pop(f, &seg)) {
		ck_assert_uint_le(seg.len, eff_mss);
		ck_assert_uint_eq(seg.win, our_win);
		ck_assert_uint_eq(seg.opts, ts ? TT_OPT_TS : 0);
		if (ts)
			ck_assert_uint_eq(seg.tsecr, f->tsval);
		sent += seg.len;
	}
	ck_assert_msg(sent == limit / eff_mss * eff_mss, "subset %u: sent %u, window %u mss %u",
		      _i, sent, peer_wnd, eff_mss);
	fp_end(f);
}
END_TEST

/* Segments never exceed the peer's MSS (minus the TS option); 536 without the option. */
static const struct {
	uint16_t mss;		/* 0: no MSS option */
	bool ts;
} mss_cases[] = {
	{ 536, false }, { 536, true }, { 1000, false }, { 1000, true }, { 0, false }, { 0, true },
	{ 9000, false },
};

START_TEST(test_mss_peer)
{
	struct fp *f = fp_cur;
	struct tt_conn *c;
	uint32_t peer_mss, eff, n;

	f->cfg.server.response_bytes = 20000;
	f->syn_opts = (mss_cases[_i].mss ? TT_OPT_MSS : 0) | (mss_cases[_i].ts ? TT_OPT_TS : 0);
	f->mss = mss_cases[_i].mss;
	peer_mss = mss_cases[_i].mss ? RTE_MIN(mss_cases[_i].mss, 1460u) : 536;
	eff = peer_mss - (mss_cases[_i].ts ? 12 : 0);
	fp_start(f);
	c = fp_open(f);
	ck_assert_uint_eq(c->mss, eff);
	fp_send_str(f, REQ11);
	n = fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	fp_check_http_response(fp_rxbuf, n, 20000, true);
	ck_assert_uint_eq(f->max_len, eff);
	fp_end(f);
}
END_TEST

/* Our MSS: the configured one (loop 1), capped by the MTU of the ports, MTU - 40 (loop 0). */
START_TEST(test_mss_ours)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;

	if (_i == 0) {
		f->cfg.port[0].present = true;
		f->cfg.port[0].mtu = 1000;
	} else {
		f->cfg.tcp.mss = 1200;
	}
	fp_start(f);
	s = fp_syn(f);
	ck_assert_uint_eq(s->mss, _i == 0 ? 960 : 1200);
	fp_end(f);
}
END_TEST

/* timestamps = false and sack = false: never answered, never sent. */
START_TEST(test_opts_disabled)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct fp_seg seg;
	struct tt_conn *c;

	f->cfg.tcp.timestamps = false;
	f->cfg.tcp.sack = false;
	fp_start(f);
	s = fp_syn(f);
	ck_assert_uint_eq(s->opts, TT_OPT_MSS | TT_OPT_WS);
	c = fp_conn(f);
	ck_assert(!(c->flags & (TT_CF_TS | TT_CF_SACK)));
	ck_assert_uint_eq(c->mss, 1460);
	/* The peer keeps sending TS (it should not): ignored, no TS back. */
	f->pc.ts = true;
	fp_ack(f);
	fp_send_str(f, REQ11);
	while (fp_pop(f, &seg)) {
		ck_assert_uint_eq(seg.opts, 0);
		ck_assert_uint_eq(seg.optlen, 0);
	}
	fp_end(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Malformed options.                                                 */
/* ------------------------------------------------------------------ */

static const struct {
	uint8_t b[16];
	uint8_t len;
	int rc;
	uint8_t present;
	uint16_t mss;
} opt_cases[] = {
	/* Malformed. */
	{ { 2 }, 1, -EINVAL, 0, 0 },			/* kind without a length byte */
	{ { 2, 0, 0, 0 }, 4, -EINVAL, 0, 0 },		/* length 0 */
	{ { 2, 1, 0, 0 }, 4, -EINVAL, 0, 0 },		/* length 1 */
	{ { 99, 0, 0, 0 }, 4, -EINVAL, 0, 0 },		/* unknown kind, length 0 */
	{ { 99, 1, 0, 0 }, 4, -EINVAL, 0, 0 },		/* unknown kind, length 1 */
	{ { 2, 3, 5, 0 }, 4, -EINVAL, 0, 0 },		/* MSS of length 3 */
	{ { 2, 4, 5 }, 3, -EINVAL, 0, 0 },		/* MSS cut by the header end */
	{ { 8, 10, 0, 0, 0, 1, 0, 0 }, 8, -EINVAL, 0, 0 },	/* TS runs past the header */
	{ { 1, 1, 8, 10 }, 4, -EINVAL, 0, 0 },		/* TS runs past, after NOPs */
	{ { 3, 2, 1, 1 }, 4, -EINVAL, 0, 0 },		/* WS of length 2 */
	{ { 4, 3, 0, 0 }, 4, -EINVAL, 0, 0 },		/* SACK-permitted of length 3 */
	{ { 8, 9, 0, 0, 0, 0, 0, 0, 0, 0 }, 10, -EINVAL, 0, 0 },	/* TS of length 9 */
	{ { 30, 40, 0, 0 }, 4, -EINVAL, 0, 0 },		/* unknown kind past the end */
	{ { 1, 1, 1, 2 }, 4, -EINVAL, 0, 0 },		/* last byte a kind alone */
	/* Well formed. */
	{ { 0 }, 0, 0, 0, 0 },
	{ { 1, 1, 1, 1 }, 4, 0, 0, 0 },
	{ { 0, 2, 1, 7 }, 4, 0, 0, 0 },			/* EOL ends the list */
	{ { 2, 4, 0x05, 0xb4, 0, 99, 99, 99 }, 8, 0, TT_OPT_MSS, 1460 },
	/* Unknown kinds skipped by their length. */
	{ { 30, 4, 0xaa, 0xbb, 2, 4, 0x05, 0xb4 }, 8, 0, TT_OPT_MSS, 1460 },
	{ { 254, 2, 1, 1, 2, 4, 0x02, 0x18 }, 8, 0, TT_OPT_MSS, 536 },
	{ { 1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2 }, 12, 0, TT_OPT_SACK, 0 },	/* one SACK block */
	{ { 1, 1, 5, 6, 0, 0, 0, 1 }, 8, 0, 0, 0 },	/* a SACK list of length 6 skipped */
	{ { 3, 3, 7, 1 }, 4, 0, TT_OPT_WS, 0 },
	{ { 4, 2, 1, 1 }, 4, 0, TT_OPT_SACKOK, 0 },
};

START_TEST(test_opts_parse)
{
	struct tt_tcp_opts o;
	unsigned int i;
	int rc;

	for (i = 0; i < RTE_DIM(opt_cases); i++) {
		memset(&o, 0xa5, sizeof(o));
		rc = tt_tcp_opts_parse(opt_cases[i].b, opt_cases[i].len, &o);
		ck_assert_msg(rc == opt_cases[i].rc, "case %u: rc %d, expected %d", i, rc,
			      opt_cases[i].rc);
		if (rc == 0) {
			ck_assert_msg(o.present == opt_cases[i].present, "case %u: present 0x%x",
				      i, o.present);
			if (o.present & TT_OPT_MSS)
				ck_assert_uint_eq(o.mss, opt_cases[i].mss);
			if (o.present & TT_OPT_WS)
				ck_assert_uint_eq(o.wscale, 7);
			if (o.present & TT_OPT_SACK) {
				ck_assert_uint_eq(o.nsack, 1);
				ck_assert_ptr_eq(o.sack, &opt_cases[i].b[4]);
			}
		}
	}
	/* RFC 7323 2.3: a shift above 14 is used as 14. */
	{
		static const uint8_t b[] = { 3, 3, 20, 0 };

		ck_assert_int_eq(tt_tcp_opts_parse(b, 4, &o), 0);
		ck_assert_uint_eq(o.wscale, 14);
	}
	/*
	 * NOP NOP TS, 12 bytes (the one-compare path), gives what the option
	 * loop gives for the same bytes padded with an EOL word; a TS length
	 * of 9 in that layout is still malformed.
	 */
	{
		static const uint8_t b[] = { 1, 1, 8, 10, 0xde, 0xad, 0xbe, 0xef,
					     0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0 };
		static const uint8_t bad[] = { 1, 1, 8, 9, 0, 0, 0, 1, 0, 0, 0, 2 };
		struct tt_tcp_opts q;

		memset(&q, 0x5a, sizeof(q));
		ck_assert_int_eq(tt_tcp_opts_parse(b, 12, &o), 0);
		ck_assert_int_eq(tt_tcp_opts_parse(b, 16, &q), 0);
		ck_assert_uint_eq(o.present, TT_OPT_TS);
		ck_assert_uint_eq(o.tsval, 0xdeadbeef);
		ck_assert_uint_eq(o.tsecr, 0x01020304);
		ck_assert_uint_eq(q.present, o.present);
		ck_assert_uint_eq(q.tsval, o.tsval);
		ck_assert_uint_eq(q.tsecr, o.tsecr);
		ck_assert_int_eq(tt_tcp_opts_parse(bad, sizeof(bad), &o), -EINVAL);
	}
	/* A Linux SYN's options, in Linux's order. */
	{
		static const uint8_t b[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x12, 0x34,
					     0, 0, 0, 0, 1, 3, 3, 7 };

		ck_assert_int_eq(tt_tcp_opts_parse(b, sizeof(b), &o), 0);
		ck_assert_uint_eq(o.present, TT_OPT_MSS | TT_OPT_SACKOK | TT_OPT_TS | TT_OPT_WS);
		ck_assert_uint_eq(o.mss, 1460);
		ck_assert_uint_eq(o.tsval, 0x1234);
		ck_assert_uint_eq(o.tsecr, 0);
		ck_assert_uint_eq(o.wscale, 7);
	}
}
END_TEST

/* tt_tcp_opts_write: every subset, length a multiple of 4, parsed back equal. */
START_TEST(test_opts_write_roundtrip)
{
	struct tt_tcp_opts o, p;
	uint8_t buf[64];
	struct fp_seg s;
	unsigned int set, n, want;

	for (set = 0; set < 16; set++) {
		memset(&o, 0, sizeof(o));
		o.present = (uint8_t)set;
		o.mss = 1234;
		o.wscale = 9;
		o.tsval = 0x01020304;
		o.tsecr = 0xa0b0c0d0;
		memset(buf, 0xee, sizeof(buf));
		n = tt_tcp_opts_write(buf, &o);
		want = (set & TT_OPT_MSS ? 4 : 0) + (set & TT_OPT_WS ? 4 : 0) +
		       (set & TT_OPT_TS ? 12 : (set & TT_OPT_SACKOK ? 4 : 0));
		ck_assert_msg(n == want, "set 0x%x: %u bytes, expected %u", set, n, want);
		ck_assert_uint_eq(n % 4, 0);
		ck_assert_uint_eq(buf[n], 0xee);
		ck_assert_int_eq(tt_tcp_opts_parse(buf, n, &p), 0);
		ck_assert_uint_eq(p.present, set);
		if (set & TT_OPT_MSS)
			ck_assert_uint_eq(p.mss, 1234);
		if (set & TT_OPT_WS)
			ck_assert_uint_eq(p.wscale, 9);
		if (set & TT_OPT_TS) {
			ck_assert_uint_eq(p.tsval, 0x01020304);
			ck_assert_uint_eq(p.tsecr, 0xa0b0c0d0);
		}
		/* The test's own parser agrees. */
		fp_parse_opts(buf, n, &s);
		ck_assert_uint_eq(s.opts, set);
	}
	/* The full set in Linux's order: MSS, SACK-permitted, TS, NOP, WS. */
	{
		static const uint8_t want_b[] = { 2, 4, 0x04, 0xd2, 4, 2, 8, 10, 1, 2, 3, 4,
						  0xa0, 0xb0, 0xc0, 0xd0, 1, 3, 3, 9 };

		o.present = TT_OPT_MSS | TT_OPT_SACKOK | TT_OPT_TS | TT_OPT_WS;
		ck_assert_uint_eq(tt_tcp_opts_write(buf, &o), sizeof(want_b));
		ck_assert(memcmp(buf, want_b, sizeof(want_b)) == 0);
	}
}
END_TEST

/* Malformed options in segments: dropped (bad_tcp_opts), no reply, no state change. */
START_TEST(test_opts_malformed_segments)
{
	struct fp *f = fp_cur;
	struct tt_conn *c;
	static const uint8_t bad1[] = { 2, 1, 0, 0 };
	static const uint8_t bad2[] = { 1, 1, 8, 10 };
	static const uint8_t bad3[] = { 2, 4, 5, 0xb4, 3, 2, 0, 0 };

	f->cfg.server.app = TT_APP_DISCARD;
	fp_start(f);
	fp_raw(f, SYN, 1, 0, 65535, bad1, sizeof(bad1), NULL, 0);
	fp_raw(f, SYN, 1, 0, 65535, bad2, sizeof(bad2), NULL, 0);
	fp_raw(f, SYN, 1, 0, 65535, bad3, sizeof(bad3), NULL, 0);
	fp_none(f);
	ck_assert_uint_eq(DROPS(f, bad_tcp_opts), 3);
	ck_assert_uint_eq(f->ctx->in_use, 0);
	ck_assert_uint_eq(ST(f, conn_accepted), 0);

	/* On an established flow: the data is not taken, nothing is answered. */
	c = fp_open(f);
	fp_raw(f, ACK, f->pc.snd_nxt, f->pc.rcv_nxt, f->win, bad2, sizeof(bad2), "abcd", 4);
	fp_raw(f, RST, f->pc.snd_nxt, 0, 0, bad1, sizeof(bad1), NULL, 0);
	fp_none(f);
	ck_assert_uint_eq(DROPS(f, bad_tcp_opts), 5);
	ck_assert_uint_eq(c->rx_off, 0);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_end(f);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("tcp_options");
	TCase *tc;

	tt_test_eal_init();

	tc = fp_tcase("options");
	tcase_add_loop_test(tc, test_opts_matrix, 0, 8);
	tcase_add_loop_test(tc, test_mss_peer, 0, RTE_DIM(mss_cases));
	tcase_add_loop_test(tc, test_mss_ours, 0, 2);
	tcase_add_test(tc, test_opts_disabled);
	tcase_add_test(tc, test_opts_parse);
	tcase_add_test(tc, test_opts_write_roundtrip);
	tcase_add_test(tc, test_opts_malformed_segments);
	suite_add_tcase(s, tc);
	return s;
}
