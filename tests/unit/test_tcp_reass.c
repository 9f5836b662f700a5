/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine through the fake peer (tt_fake_peer.h):
 * reassembly of out-of-order data (RFC 9293 3.10.7.4 seventh, RFC 5681
 * 4.2) and the SACK blocks sent about it (RFC 2018 4, RFC 2883),
 * lib/tcp/tt_tcp_reass.c. The peer sends its segments at chosen offsets
 * of a byte pattern, so a wrong trim shows as a wrong byte.
 */

#include <check.h>

#include <rte_lcore.h>

#include "tt_fake_peer.h"
#include "tcp/tt_tcp_reass.h"

static uint8_t pat[16384];
static uint8_t got[16384];

static void
pat_init(void)
{
	uint32_t i;

	for (i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 131 + 7 + (i >> 8));
}

/* Bytes [off, off + len) of the peer's stream, with FIN after them if @p fin. */
static void
send_at(struct fp *f, uint32_t base, uint32_t off, uint16_t len, bool fin)
{
	uint8_t o[12], ol = 0;

	if (f->pc.ts)
		ol = fp_ts_optbuf(++f->tsval, f->pc.ts_recent, o);
	fp_raw(f, ACK | (fin ? FIN : 0), base + off, f->pc.rcv_nxt, f->win, ol ? o : NULL, ol,
	       &pat[off], len);
}

/* The duplicate ACK that answers an out-of-order segment: ACK @p ack, @p n SACK blocks. */
static const struct fp_seg *
expect_sack(struct fp *f, uint32_t ack, unsigned int n)
{
	const struct fp_seg *s = fp_expect(f, ACK);

	ck_assert_uint_eq(s->ack, ack);
	ck_assert_uint_eq(s->len, 0);
	ck_assert_uint_eq(s->nsack, n);
	ck_assert_uint_eq(!!(s->opts & TT_OPT_SACK), n > 0);
	return s;
}

static void
ck_block(const struct fp_seg *s, unsigned int i, uint32_t le, uint32_t re)
{
	ck_assert_msg(s->sack[i][0] == le && s->sack[i][1] == re,
		      "block %u: [%u, %u), expected [%u, %u)", i, s->sack[i][0], s->sack[i][1],
		      le, re);
}

static uint32_t
held(struct fp *f)
{
	return tt_reass_held(f->ctx->reass);
}

/* The engine as configured, a connection open to server @p app; @p b: the peer's first data byte. */
static struct tt_conn *
open_app(struct fp *f, enum tt_app_kind app, uint32_t *b)
{
	struct tt_conn *c;

	f->cfg.server.app = app;
	fp_start(f);
	c = fp_open(f);
	*b = f->pc.snd_nxt;
	return c;
}

/* The same with a discard server whose SYN-ACK must not offer SACK-permitted. */
static struct tt_conn *
open_no_sack(struct fp *f, uint32_t *b)
{
	f->cfg.server.app = TT_APP_DISCARD;
	fp_start(f);
	ck_assert(!(fp_syn(f)->opts & TT_OPT_SACKOK));
	fp_ack(f);
	*b = f->pc.snd_nxt;
	return fp_conn(f);
}

/* Holes fill in any order: merged and delivered at once, blocks most recent first. */
START_TEST(test_reass_merge)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint32_t b;

	c = open_app(f, TT_APP_DISCARD, &b);
	send_at(f, b, 500, 500, false);
	s = expect_sack(f, b, 1);
	ck_block(s, 0, b + 500, b + 1000);
	send_at(f, b, 1500, 500, false);
	s = expect_sack(f, b, 2);
	ck_block(s, 0, b + 1500, b + 2000);
	ck_block(s, 1, b + 500, b + 1000);
	ck_assert_uint_eq(held(f), 2);
	ck_assert_uint_eq(c->rx_off, 0);
	/* The middle joins both: one block, the run it made. */
	send_at(f, b, 1000, 500, false);
	s = expect_sack(f, b, 1);
	ck_block(s, 0, b + 500, b + 2000);
	ck_assert_uint_eq(ST(f, ooo_queued), 3);
	ck_assert_uint_eq(DROPS(f, tcp_ooo), 0);
	/* The first fills the hole: everything delivered, ACKed at once (RFC 5681 4.2). */
	send_at(f, b, 0, 500, false);
	s = expect_sack(f, b + 2000, 0);
	ck_assert_uint_eq(c->rx_off, 2000);
	ck_assert_uint_eq(c->rcv_nxt, b + 2000);
	ck_assert_uint_eq(ST(f, ooo_merged), 3);
	ck_assert_uint_eq(ST(f, tcp_bytes_in), 2000);
	ck_assert_uint_eq(held(f), 0);
	ck_assert(!(c->flags & TT_CF_REASS));
	fp_end(f);
}
END_TEST

/* Echo returns exactly the stream: trims between held segments and against delivered data. */
START_TEST(test_reass_overlap)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint32_t b, n;

	c = open_app(f, TT_APP_ECHO, &b);
	send_at(f, b, 1000, 500, false);
	expect_sack(f, b, 1);
	/* Overlapping the held one's start: only what it lacks is kept. */
	send_at(f, b, 800, 400, false);
	s = expect_sack(f, b, 1);
	ck_block(s, 0, b + 800, b + 1500);
	ck_assert_uint_eq(held(f), 2);
	/* Overlapping the held one's end. */
	send_at(f, b, 1400, 300, false);
	s = expect_sack(f, b, 1);
	ck_block(s, 0, b + 800, b + 1700);
	ck_assert_uint_eq(held(f), 3);
	/* Covering all three: they go, it stays. */
	send_at(f, b, 700, 1100, false);
	s = expect_sack(f, b, 1);
	ck_block(s, 0, b + 700, b + 1800);
	ck_assert_uint_eq(held(f), 1);
	ck_assert_uint_eq(DROPS(f, tcp_ooo_dup), 3);
	/* In order, overlapping the held one: its front is trimmed as it is delivered. */
	send_at(f, b, 0, 900, false);
	ck_assert_uint_eq(c->rx_off, 1800);
	ck_assert_uint_eq(held(f), 0);
	f->pc.snd_nxt = b + 1800;
	n = fp_exchange(f, got, sizeof(got));
	ck_assert_uint_eq(n, 1800);
	ck_assert_mem_eq(got, pat, 1800);
	/* A held segment the in-order one covers wholly is dropped as it is reached. */
	send_at(f, b, 2000, 100, false);
	fp_expect(f, ACK);
	send_at(f, b, 1800, 400, false);
	ck_assert_uint_eq(c->rx_off, 2200);
	ck_assert_uint_eq(DROPS(f, tcp_ooo_dup), 4);
	f->pc.snd_nxt = b + 2200;
	n = fp_exchange(f, got, sizeof(got));
	ck_assert_uint_eq(n, 400);
	ck_assert_mem_eq(got, &pat[1800], 400);
	fp_end(f);
}
END_TEST

/* Duplicates: of held data, of delivered data (wholly, partly): D-SACK first (RFC 2883 4). */
START_TEST(test_reass_dup)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint32_t b;

	c = open_app(f, TT_APP_DISCARD, &b);
	send_at(f, b, 1000, 500, false);
	expect_sack(f, b, 1);
	send_at(f, b, 1000, 500, false);
	s = expect_sack(f, b, 2);
	ck_block(s, 0, b + 1000, b + 1500);	/* D-SACK: the duplicate */
	ck_block(s, 1, b + 1000, b + 1500);	/* the held block it lies in */
	ck_assert_uint_eq(DROPS(f, tcp_ooo_dup), 1);
	ck_assert_uint_eq(ST(f, dsack_out), 1);
	ck_assert_uint_eq(held(f), 1);
	/* In order, a hole left: ACKed at once, the block still there. */
	send_at(f, b, 0, 500, false);
	s = expect_sack(f, b + 500, 1);
	ck_block(s, 0, b + 1000, b + 1500);
	/* Wholly below RCV.NXT. */
	send_at(f, b, 0, 500, false);
	s = expect_sack(f, b + 500, 2);
	ck_block(s, 0, b, b + 500);
	ck_block(s, 1, b + 1000, b + 1500);
	/* Partly: the duplicate part reported, the new part taken. */
	send_at(f, b, 300, 400, false);
	s = expect_sack(f, b + 700, 2);
	ck_block(s, 0, b + 300, b + 500);
	ck_block(s, 1, b + 1000, b + 1500);
	ck_assert_uint_eq(ST(f, dsack_out), 3);
	ck_assert_uint_eq(c->rx_off, 700);
	/* Filled: no blocks any more. */
	send_at(f, b, 700, 300, false);
	expect_sack(f, b + 1500, 0);
	ck_assert_uint_eq(c->rx_off, 1500);
	fp_end(f);
}
END_TEST

/* Only what the advertised window holds is kept; held data is charged, the edge never shrinks. */
START_TEST(test_reass_window_edge)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint32_t b;

	f->cfg.tcp.rcv_wnd = 4000;
	f->cfg.tcp.wscale = 0;	/* window fields in bytes */
	c = open_app(f, TT_APP_DISCARD, &b);
	send_at(f, b, 3500, 1000, false);
	s = expect_sack(f, b, 1);
	ck_block(s, 0, b + 3500, b + 4000);
	ck_assert_uint_eq(s->win, 4000);	/* the same right edge, not 3500 */
	/* Wholly past the window: not acceptable, nothing held. */
	send_at(f, b, 4000, 500, false);
	s = expect_sack(f, b, 1);
	ck_assert_uint_eq(DROPS(f, tcp_out_of_window), 1);
	ck_assert_uint_eq(held(f), 1);
	/* In order: the 500 held bytes are charged against the window. */
	send_at(f, b, 0, 1000, false);
	s = expect_sack(f, b + 1000, 1);
	ck_assert_uint_eq(s->win, 3500);
	send_at(f, b, 1000, 1000, false);
	s = expect_sack(f, b + 2000, 1);
	ck_assert_uint_eq(s->win, 3500);
	send_at(f, b, 2000, 1500, false);
	s = expect_sack(f, b + 4000, 0);
	ck_assert_uint_eq(s->win, 4000);
	ck_assert_uint_eq(c->rx_off, 4000);
	fp_end(f);
}
END_TEST

/* Across 2^32: held segments, their blocks and the merge. */
START_TEST(test_reass_wrap)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint32_t b;

	f->pc.iss = 0xfffffdffu;
	c = open_app(f, TT_APP_ECHO, &b);
	ck_assert_uint_eq(b, 0xfffffe00u);
	send_at(f, b, 800, 500, false);	/* past the wrap */
	expect_sack(f, b, 1);
	send_at(f, b, 300, 500, false);	/* across it */
	s = expect_sack(f, b, 1);
	ck_block(s, 0, b + 300, b + 1300);
	ck_assert(s->sack[0][0] > s->sack[0][1]);
	send_at(f, b, 0, 300, false);
	ck_assert_uint_eq(c->rx_off, 1300);
	ck_assert_uint_eq(c->rcv_nxt, b + 1300);
	f->pc.snd_nxt = b + 1300;
	ck_assert_uint_eq(fp_exchange(f, got, sizeof(got)), 1300);
	ck_assert_mem_eq(got, pat, 1300);
	fp_end(f);
}
END_TEST

/* Five holes: 3 blocks beside timestamps, most recent first; a block touched again moves up. */
START_TEST(test_reass_sack_ts)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s = NULL;
	uint32_t b, k;

	open_app(f, TT_APP_DISCARD, &b);
	for (k = 1; k <= 5; k++) {
		send_at(f, b, 200 * k, 100, false);
		s = expect_sack(f, b, RTE_MIN(k, 3u));
	}
	ck_assert(s->opts & TT_OPT_TS);
	ck_block(s, 0, b + 1000, b + 1100);
	ck_block(s, 1, b + 800, b + 900);
	ck_block(s, 2, b + 600, b + 700);
	/* The oldest block grows: it comes first, the others follow in their order. */
	send_at(f, b, 300, 50, false);
	s = expect_sack(f, b, 3);
	ck_block(s, 0, b + 200, b + 350);
	ck_block(s, 1, b + 1000, b + 1100);
	ck_block(s, 2, b + 800, b + 900);
	fp_end(f);
}
END_TEST

START_TEST(test_reass_sack_no_ts)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s = NULL;
	uint32_t b, k;

	f->syn_opts &= ~TT_OPT_TS;
	open_app(f, TT_APP_DISCARD, &b);
	for (k = 1; k <= 5; k++) {
		send_at(f, b, 200 * k, 100, false);
		s = expect_sack(f, b, RTE_MIN(k, 4u));
	}
	ck_assert(!(s->opts & TT_OPT_TS));
	ck_assert_uint_eq(s->optlen, 36);
	for (k = 0; k < 4; k++)
		ck_block(s, k, b + 200 * (5 - k), b + 200 * (5 - k) + 100);
	fp_end(f);
}
END_TEST

/* Segment [off, off + len) of the peer's stream as an mbuf, for a burst (fp_input()). */
static struct rte_mbuf *
seg_at(struct fp *f, uint32_t base, uint32_t off, uint16_t len)
{
	uint8_t o[12], ol = 0;

	if (f->pc.ts)
		ol = fp_ts_optbuf(++f->tsval, f->pc.ts_recent, o);
	return fp_build(f, ACK, base + off, f->pc.rcv_nxt, f->win, ol ? o : NULL, ol, &pat[off],
			len);
}

/*
 * Out-of-order segments of one receive burst are answered by one duplicate
 * ACK at its end, whose SACK blocks describe the whole burst
 * (tt_reass_dupack()); segments of the next burst by another. A burst that ends
 * with the hole filled owes nothing more: its in-order ACK carries it.
 */
START_TEST(test_reass_burst_one_dupack)
{
	struct fp *f = fp_cur;
	struct rte_mbuf *m[4];
	const struct fp_seg *s;
	uint32_t b;

	open_app(f, TT_APP_DISCARD, &b);
	/* [100, 400) in three segments, [0, 100) missing; two of them reordered. */
	m[0] = seg_at(f, b, 300, 100);
	m[1] = seg_at(f, b, 100, 100);
	m[2] = seg_at(f, b, 200, 100);
	fp_input(f, m, 3);
	s = expect_sack(f, b, 1);
	ck_block(s, 0, b + 100, b + 400);
	fp_none(f);
	ck_assert_uint_eq(ST(f, sack_out), 1);
	/* The next burst: one more held segment, one more duplicate ACK. */
	m[0] = seg_at(f, b, 500, 100);
	fp_input(f, m, 1);
	s = expect_sack(f, b, 2);
	ck_block(s, 0, b + 500, b + 600);
	ck_block(s, 1, b + 100, b + 400);
	fp_none(f);
	/* Held data, then the hole: one ACK, of the filled hole and what followed it. */
	m[0] = seg_at(f, b, 600, 100);
	m[1] = seg_at(f, b, 0, 100);
	fp_input(f, m, 2);
	s = expect_sack(f, b + 400, 1);
	ck_block(s, 0, b + 500, b + 700);
	fp_none(f);
	ck_assert_uint_eq(held(f), 2);	/* [500, 600) and [600, 700): two mbufs */
	fp_end(f);
}
END_TEST

/*
 * Out-of-order segments of one burst in three runs: the third run's first
 * segment is answered at once, its blocks all three runs (three fit beside
 * timestamps), so no run goes unreported however many a burst makes; the
 * rest of the burst at its end.
 */
START_TEST(test_reass_burst_three_runs)
{
	struct fp *f = fp_cur;
	struct rte_mbuf *m[5];
	const struct fp_seg *s;
	uint32_t b;

	open_app(f, TT_APP_DISCARD, &b);
	m[0] = seg_at(f, b, 100, 100);
	m[1] = seg_at(f, b, 300, 100);
	m[2] = seg_at(f, b, 400, 100);
	m[3] = seg_at(f, b, 700, 100);
	m[4] = seg_at(f, b, 800, 100);
	fp_input(f, m, 5);
	s = expect_sack(f, b, 3);
	ck_block(s, 0, b + 700, b + 800);
	ck_block(s, 1, b + 300, b + 500);
	ck_block(s, 2, b + 100, b + 200);
	s = expect_sack(f, b, 3);
	ck_block(s, 0, b + 700, b + 900);
	ck_block(s, 1, b + 300, b + 500);
	ck_block(s, 2, b + 100, b + 200);
	fp_none(f);
	fp_end(f);
}
END_TEST

/* Without SACK the peer counts duplicate ACKs (RFC 5681 3.2): one per out-of-order segment. */
START_TEST(test_reass_burst_no_sack_dupacks)
{
	struct fp *f = fp_cur;
	struct rte_mbuf *m[3];
	uint32_t b;

	f->cfg.tcp.sack = false;
	open_no_sack(f, &b);
	m[0] = seg_at(f, b, 300, 100);
	m[1] = seg_at(f, b, 100, 100);
	m[2] = seg_at(f, b, 200, 100);
	fp_input(f, m, 3);
	expect_sack(f, b, 0);
	expect_sack(f, b, 0);
	expect_sack(f, b, 0);
	fp_none(f);
	fp_end(f);
}
END_TEST

/* tcp.sack off: no SACK-permitted, no blocks, data still held and merged. */
START_TEST(test_reass_sack_off)
{
	struct fp *f = fp_cur;
	struct tt_conn *c;
	uint32_t b;

	f->cfg.tcp.sack = false;
	c = open_no_sack(f, &b);
	send_at(f, b, 500, 500, false);
	expect_sack(f, b, 0);
	send_at(f, b, 500, 500, false);
	expect_sack(f, b, 0);	/* no D-SACK either */
	ck_assert_uint_eq(held(f), 1);
	send_at(f, b, 0, 500, false);
	expect_sack(f, b + 1000, 0);
	ck_assert_uint_eq(c->rx_off, 1000);
	ck_assert_uint_eq(ST(f, sack_out), 0);
	fp_end(f);
}
END_TEST

/* The per-lcore cap: past it a segment is dropped and counted; 0 holds nothing, offers no SACK. */
START_TEST(test_reass_cap)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint32_t b;

	f->cfg.tcp.reass_mbufs = 2;
	c = open_app(f, TT_APP_DISCARD, &b);
	send_at(f, b, 100, 100, false);
	expect_sack(f, b, 1);
	send_at(f, b, 200, 100, false);
	expect_sack(f, b, 1);
	send_at(f, b, 300, 100, false);
	s = expect_sack(f, b, 1);
	ck_block(s, 0, b + 100, b + 300);	/* what is held, not the refused one */
	ck_assert_uint_eq(DROPS(f, tcp_ooo), 1);
	ck_assert_uint_eq(held(f), 2);
	send_at(f, b, 0, 100, false);
	expect_sack(f, b + 300, 0);
	ck_assert_uint_eq(c->rx_off, 300);
	fp_end(f);
}
END_TEST

/*
 * The lcore's bound is tcp.reass_mbufs within a quarter of a port's pool
 * shared by the lcores (what reassembly holds is missing from RX): with a
 * pool of 1,023 mbufs and the default 2,048, an lcore holds 256 at most.
 */
START_TEST(test_reass_cap_pool)
{
	struct fp *f = fp_cur;
	uint32_t cap, i, b;

	f->cfg.tcp.reass_mbufs = 2048;
	f->cfg.general.mbufs = 1023;
	ck_assert_uint_eq(tt_reass_lcore_cap(&f->cfg, 1), 256);
	ck_assert_uint_eq(tt_reass_lcore_cap(&f->cfg, 2), 128);
	ck_assert_uint_eq(tt_reass_lcore_cap(&f->cfg, 4096), 1);
	f->cfg.tcp.reass_mbufs = 100;
	ck_assert_uint_eq(tt_reass_lcore_cap(&f->cfg, 1), 100);
	/* The defaults: no lowering for one or two lcores. */
	f->cfg.tcp.reass_mbufs = 2048;
	f->cfg.general.mbufs = 16383;
	ck_assert_uint_eq(tt_reass_lcore_cap(&f->cfg, 2), 2048);
	ck_assert_uint_eq(tt_reass_lcore_cap(&f->cfg, 16), 256);
	f->cfg.general.mbufs = 1023;
	f->cfg.tcp.reass_mbufs = 0;
	ck_assert_uint_eq(tt_reass_lcore_cap(&f->cfg, 1), 0);

	f->cfg.tcp.reass_mbufs = 2048;
	open_app(f, TT_APP_DISCARD, &b);
	cap = tt_reass_cap(f->ctx->reass);
	ck_assert_uint_eq(cap, tt_reass_lcore_cap(&f->cfg, rte_lcore_count()));
	ck_assert_uint_lt(cap, f->cfg.tcp.reass_mbufs);
	ck_assert_uint_le(100 + cap * 60 + 40, sizeof(pat));
	/* Held up to the bound, a hole before each segment, then refused and counted. */
	for (i = 0; i <= cap; i++) {
		send_at(f, b, 100 + i * 60, 40, false);	/* within pat[] */
		expect_sack(f, b, RTE_MIN(i + 1, cap) > 3 ? 3 : RTE_MIN(i + 1, cap));
	}
	ck_assert_uint_eq(held(f), cap);
	ck_assert_uint_eq(DROPS(f, tcp_ooo), 1);
	fp_raw(f, RST, b, 0, 0, NULL, 0, NULL, 0);
	ck_assert_uint_eq(held(f), 0);
	fp_end(f);
}
END_TEST

/*
 * The queues are as many as the blocks when tcp.max_flows is below
 * tcp.reass_mbufs (a connection takes one at most): with every block in
 * use, each connection holds a segment, none is refused.
 */
START_TEST(test_reass_slot_per_block)
{
	struct fp *f = fp_cur;
	uint32_t i, b;

	f->cfg.tcp.max_flows = 64;
	ck_assert_uint_gt(f->cfg.tcp.reass_mbufs, f->cfg.tcp.max_flows);
	open_app(f, TT_APP_DISCARD, &b);
	for (i = 0; i < f->cfg.tcp.max_flows; i++) {
		if (i > 0) {
			fp_new_conn(f, (uint16_t)(41000 + i), 1000 + i * 100000);
			fp_open(f);
			b = f->pc.snd_nxt;
		}
		send_at(f, b, 100, 100, false);
		expect_sack(f, b, 1);
	}
	ck_assert_uint_eq(f->ctx->in_use, f->cfg.tcp.max_flows);
	ck_assert_uint_eq(held(f), f->cfg.tcp.max_flows);
	ck_assert_uint_eq(DROPS(f, tcp_ooo), 0);
	fp_end(f);
}
END_TEST

START_TEST(test_reass_off)
{
	struct fp *f = fp_cur;
	struct tt_conn *c;
	uint32_t b;

	f->cfg.tcp.reass_mbufs = 0;
	c = open_no_sack(f, &b);
	send_at(f, b, 100, 100, false);
	expect_sack(f, b, 0);
	ck_assert_uint_eq(DROPS(f, tcp_ooo), 1);
	send_at(f, b, 0, 100, false);
	ck_assert_uint_eq(c->rx_off, 100);
	fp_time(f, f->cfg.tcp.delack_ms);
	expect_sack(f, b + 100, 0);
	fp_end(f);
}
END_TEST

/* A FIN out of order waits for the data before it. */
START_TEST(test_reass_fin)
{
	struct fp *f = fp_cur;
	struct tt_conn *c;
	uint32_t b;

	c = open_app(f, TT_APP_DISCARD, &b);
	send_at(f, b, 500, 500, true);
	expect_sack(f, b, 1);
	ck_state(f, TT_TCPS_ESTABLISHED);
	/* Data said to lie past the FIN is never delivered. */
	send_at(f, b, 1000, 200, false);
	ck_assert_uint_eq(held(f), 1);
	fp_expect(f, ACK);
	send_at(f, b, 0, 500, false);
	ck_assert_uint_eq(c->rx_off, 1000);
	ck_assert_uint_eq(c->rcv_nxt, b + 1001);
	ck_assert_uint_eq(TRANS(f, ESTABLISHED, CLOSE_WAIT), 1);
	ck_assert_uint_eq(held(f), 0);
	tt_test_txq_flush(f->t);
	fp_end(f);
}
END_TEST

/* An RST, and the engine's teardown, return every held mbuf to its pool. */
START_TEST(test_reass_rst)
{
	struct fp *f = fp_cur;
	uint32_t b, k;

	open_app(f, TT_APP_DISCARD, &b);
	for (k = 1; k <= 6; k++)
		send_at(f, b, 200 * k, 150, false);
	tt_test_txq_flush(f->t);
	ck_assert_uint_eq(held(f), 6);
	ck_assert_uint_eq(tt_test_pool_in_use(), f->pool_base + 6);
	fp_raw(f, RST, b, 0, 0, NULL, 0, NULL, 0);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(held(f), 0);
	ck_assert_uint_eq(tt_test_pool_in_use(), f->pool_base);
	/* A second connection holding data when the engine is freed (fp_end checks the pool). */
	fp_new_conn(f, 40001, 0x20000000);
	fp_open(f);
	b = f->pc.snd_nxt;
	send_at(f, b, 100, 100, false);
	send_at(f, b, 300, 100, false);
	tt_test_txq_flush(f->t);
	ck_assert_uint_eq(held(f), 2);
	fp_end(f);
}
END_TEST

/*
 * After an RTO pulled SND.NXT back, a pure ACK carries SND.MAX: a peer
 * that holds more (its ACKs lost, or data it merged) must not find it
 * below RCV.NXT and drop it unprocessed; with both sides doing that the
 * connection waited for RTO after RTO (test_ring_impair.sh found it).
 */
START_TEST(test_reass_ack_seq_after_rto)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint32_t b, max;

	f->cfg.server.response_bytes = 20000;
	/* What the RTO's go-back-N leaves: no tail loss probe before it. */
	f->cfg.tcp.tlp = false;
	c = open_app(f, TT_APP_HTTP, &b);
	fp_send_str(f, REQ11);
	b = f->pc.snd_nxt;
	tt_test_txq_flush(f->t);
	max = c->snd_max;
	ck_assert_uint_gt(max - c->snd_una, 2u * c->mss);
	/* Nothing acknowledged: the RTO resends the first segment only. */
	ck_assert_uint_eq(fp_wait_output(f, 1000), f->cfg.tcp.rto_min_ms);
	tt_test_txq_flush(f->t);
	ck_assert(TT_SEQ_LT(c->snd_nxt, max));
	/* A segment that asks for an ACK at once (out of order). */
	send_at(f, b, 100, 100, false);
	s = expect_sack(f, b, 1);
	ck_assert_uint_eq(s->seq, max);
	fp_raw(f, RST, b, 0, 0, NULL, 0, NULL, 0);
	fp_end(f);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("tcp_reass");
	TCase *tc;

	tt_test_eal_init();
	pat_init();

	tc = fp_tcase("reass");
	tcase_add_test(tc, test_reass_merge);
	tcase_add_test(tc, test_reass_burst_one_dupack);
	tcase_add_test(tc, test_reass_burst_no_sack_dupacks);
	tcase_add_test(tc, test_reass_burst_three_runs);
	tcase_add_test(tc, test_reass_overlap);
	tcase_add_test(tc, test_reass_dup);
	tcase_add_test(tc, test_reass_window_edge);
	tcase_add_test(tc, test_reass_wrap);
	tcase_add_test(tc, test_reass_sack_ts);
	tcase_add_test(tc, test_reass_sack_no_ts);
	tcase_add_test(tc, test_reass_sack_off);
	tcase_add_test(tc, test_reass_cap);
	tcase_add_test(tc, test_reass_cap_pool);
	tcase_add_test(tc, test_reass_slot_per_block);
	tcase_add_test(tc, test_reass_off);
	tcase_add_test(tc, test_reass_fin);
	tcase_add_test(tc, test_reass_rst);
	tcase_add_test(tc, test_reass_ack_seq_after_rto);
	suite_add_tcase(s, tc);
	return s;
}
