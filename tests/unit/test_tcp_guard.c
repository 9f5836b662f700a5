/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the engine's defences against hostile peers
 * (lib/tcp/tt_tcp_guard.c, docs/security.md), through the fake peer
 * (tt_fake_peer.h), by RFC section: RFC 5961's challenge ACKs for an
 * inexact RST (3.2), a SYN (4.2) and an ACK out of range (5.2), and their
 * rate limit (7); the bounds on zero-window persist (RFC 6429); echo's
 * limits on held mbufs; the bound on queued response bytes.
 */

#include <check.h>

#include "tt_fake_peer.h"

#include "l7/tt_app.h"

/* One segment with everything given, no options (the tests negotiate none). */
static void
raw(struct fp *f, uint8_t flags, uint32_t seq, uint32_t ack, const void *data, uint16_t len)
{
	fp_raw(f, flags, seq, ack, f->win, NULL, 0, data, len);
}

/* The ACK of a challenge: <SEQ=SND.NXT><ACK=RCV.NXT>. */
static void
expect_challenge(struct fp *f)
{
	const struct fp_seg *s = fp_expect(f, ACK);

	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_assert_uint_eq(s->seq, f->pc.rcv_nxt);
	ck_assert_uint_eq(s->len, 0);
}

/*
 * RFC 5961 3.2: an RST in the window but not at RCV.NXT gets a challenge
 * ACK and is dropped; one outside the window is dropped silently; the
 * exact one resets.
 */
START_TEST(test_rst_challenge)
{
	struct fp *f = fp_cur;

	f->syn_opts = TT_OPT_MSS;
	fp_start(f);
	fp_open(f);
	raw(f, RST, f->pc.snd_nxt + 100, 0, NULL, 0);
	expect_challenge(f);
	ck_assert_uint_eq(DROPS(f, tcp_rst_inexact), 1);
	ck_assert_uint_eq(ST(f, challenge_acks), 1);
	raw(f, RST, f->pc.snd_nxt + 0x40000000u, 0, NULL, 0);
	fp_none(f);
	ck_assert_uint_eq(DROPS(f, tcp_out_of_window), 1);
	ck_assert_uint_eq(ST(f, challenge_acks), 1);
	ck_state(f, TT_TCPS_ESTABLISHED);
	/* The peer's own RST, at RCV.NXT, still resets. */
	raw(f, RST, f->pc.snd_nxt, 0, NULL, 0);
	fp_none(f);
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, conn_closed_reset), 1);
	fp_end(f);
}
END_TEST

/*
 * RFC 5961 4.2: a SYN on a synchronised connection, in the window or not,
 * gets a challenge ACK and changes nothing; the connection then serves.
 */
START_TEST(test_syn_challenge)
{
	struct fp *f = fp_cur;

	f->syn_opts = TT_OPT_MSS;
	fp_start(f);
	fp_open(f);
	raw(f, SYN, f->pc.snd_nxt + 10, 0, NULL, 0);
	expect_challenge(f);
	raw(f, SYN, f->pc.snd_nxt - 0x30000000u, 0, NULL, 0);
	expect_challenge(f);
	raw(f, SYN | ACK, f->pc.snd_nxt, f->pc.rcv_nxt, NULL, 0);
	expect_challenge(f);
	ck_assert_uint_eq(DROPS(f, tcp_syn_synced), 3);
	ck_assert_uint_eq(ST(f, challenge_acks), 3);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_send_str(f, REQ11);
	fp_expect(f, ACK | PSH);
	ck_assert_uint_eq(ST(f, http_responses), 1);
	fp_end(f);
}
END_TEST

/*
 * RFC 5961 5.2: an ACK is acceptable only within [SND.UNA - MAX.SND.WND,
 * SND.NXT]. Data carried by a segment whose ACK is outside is not taken
 * (the blind data injection of RFC 5961 5.1); one inside is.
 */
START_TEST(test_ack_range)
{
	struct fp *f = fp_cur;
	struct tt_conn *c;
	uint32_t una, rcv0;

	f->syn_opts = TT_OPT_MSS;
	f->cfg.server.app = TT_APP_DISCARD;
	f->win = 1000;		/* MAX.SND.WND */
	fp_start(f);
	c = fp_open(f);
	una = f->pc.rcv_nxt;
	rcv0 = c->rcv_nxt;
	ck_assert_uint_eq(c->snd_una, una);
	/* Too old: 1001 below SND.UNA. */
	raw(f, ACK | PSH, f->pc.snd_nxt, una - 1001, "evil", 4);
	expect_challenge(f);
	ck_assert_uint_eq(DROPS(f, tcp_ack_too_old), 1);
	ck_assert_uint_eq(c->rcv_nxt, rcv0);
	/* Beyond SND.NXT. */
	raw(f, ACK | PSH, f->pc.snd_nxt, una + 1, "evil", 4);
	expect_challenge(f);
	ck_assert_uint_eq(DROPS(f, tcp_bad_ack), 1);
	ck_assert_uint_eq(c->rcv_nxt, rcv0);
	ck_assert_uint_eq(ST(f, challenge_acks), 2);
	/* Old but within MAX.SND.WND: a duplicate ACK, its data taken. */
	raw(f, ACK | PSH, f->pc.snd_nxt, una - 1000, "good", 4);
	ck_assert_uint_eq(c->rcv_nxt, rcv0 + 4);
	f->pc.snd_nxt += 4;
	fp_time(f, f->cfg.tcp.delack_ms);
	fp_expect(f, ACK);
	ck_assert_uint_eq(ST(f, challenge_acks), 2);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_end(f);
}
END_TEST

/* Inexact RSTs until @p n challenge ACKs were asked; returns how many were sent. */
static uint32_t
rst_burst(struct fp *f, unsigned int n)
{
	uint64_t sent = ST(f, challenge_acks);
	struct fp_seg s;
	unsigned int i, got = 0;

	for (i = 0; i < n; i++) {
		raw(f, RST, f->pc.snd_nxt + 1 + i, 0, NULL, 0);
		while (fp_pop(f, &s)) {
			ck_assert_uint_eq(s.flags, ACK);
			got++;
		}
	}
	ck_assert_uint_eq(ST(f, challenge_acks) - sent, got);
	return got;
}

/*
 * RFC 5961 7: at most tcp.challenge_ack_limit challenge ACKs a second,
 * drawn between limit/2 and limit/2 + limit - 1 (Linux's randomisation),
 * the rest counted as limited; the next second has a new allowance.
 */
START_TEST(test_challenge_ack_limit)
{
	struct fp *f = fp_cur;
	uint32_t sent1, sent2;

	f->syn_opts = TT_OPT_MSS;
	f->cfg.tcp.challenge_ack_limit = 10;
	fp_start(f);
	fp_open(f);
	fp_time(f, 1000 - f->ctx->now_ms % 1000);	/* the start of a second */
	sent1 = rst_burst(f, 100);
	ck_assert_uint_ge(sent1, 5);
	ck_assert_uint_le(sent1, 14);
	ck_assert_uint_eq(ST(f, challenge_acks_limited), 100 - sent1);
	fp_time(f, 999);
	ck_assert_uint_eq(rst_burst(f, 10), 0);
	fp_time(f, 1);
	sent2 = rst_burst(f, 100);
	ck_assert_uint_ge(sent2, 5);
	ck_assert_uint_le(sent2, 14);
	ck_assert_uint_eq(ST(f, challenge_acks_limited), 210 - sent1 - sent2);
	ck_assert_uint_eq(DROPS(f, tcp_rst_inexact), 210);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_end(f);
}
END_TEST

/*
 * A response waits for a peer whose window stays 0; the peer answers every
 * probe. Returns the ms until the engine reset the connection (at most
 * @p max_ms), counting the probes into @p probes.
 */
static uint32_t
persist_until_reset(struct fp *f, uint32_t max_ms, uint32_t *probes)
{
	struct fp_seg s;
	uint32_t una, t;

	fp_syn(f);
	f->win = 0;
	fp_ack(f);
	fp_send_str(f, REQ11);
	una = f->pc.rcv_nxt;
	*probes = 0;
	for (t = 1; t <= max_ms; t++) {
		fp_time(f, 1);
		while (fp_pop(f, &s)) {
			if (s.flags & RST) {
				ck_state(f, TT_TCPS_CLOSED);
				return t;
			}
			if (s.len == 1)
				(*probes)++;
			f->pc.rcv_nxt = una;	/* the probe's byte did not fit */
			fp_ack(f);
		}
	}
	return t;
}

/*
 * RFC 6429: persist ends after tcp.persist_max_probes probes, or
 * tcp.persist_timeout_ms after the window closed, or at the idle timeout
 * when that is shorter (the probes' answers are not activity).
 */
static const struct {
	uint32_t idle_ms, persist_ms, max_probes;
	uint32_t reset_at_ms;	/**< 0: any time; then exactly max_probes probes */
} persist_cases[] = {
	{ 0, 0, 3, 0 },
	{ 0, 7000, 255, 7000 },
	{ 4000, 0, 255, 4000 },
	{ 4000, 7000, 255, 4000 },
};

START_TEST(test_persist_bounds)
{
	struct fp *f = fp_cur;
	uint32_t probes, t;

	f->syn_opts = TT_OPT_MSS;
	f->cfg.server.idle_timeout_ms = persist_cases[_i].idle_ms;
	f->cfg.tcp.persist_timeout_ms = persist_cases[_i].persist_ms;
	f->cfg.tcp.persist_max_probes = persist_cases[_i].max_probes;
	fp_start(f);
	t = persist_until_reset(f, 600000, &probes);
	if (persist_cases[_i].reset_at_ms != 0) {
		ck_assert_uint_eq(t, persist_cases[_i].reset_at_ms);
		ck_assert_uint_ge(probes, 2);
	} else {
		ck_assert_uint_le(t, 600000);
		ck_assert_uint_eq(probes, persist_cases[_i].max_probes);
	}
	ck_assert_uint_eq(ST(f, persist_timeouts), 1);
	ck_assert_uint_eq(ST(f, conn_closed_timeout), 1);
	fp_end(f);
}
END_TEST

/*
 * Echo's per-lcore limit: peers that send 1-byte segments and never read
 * hold fewer than echo_lcore_mbufs mbufs together. A connection may take
 * another mbuf only while it holds fewer than the lcore has free (those
 * holding most stop first), its window shrinking to what those can carry;
 * data sent into a window advertised before another connection took the
 * mbufs is refused and counted. Acknowledging the echoes gives them back,
 * and the other connection whose window the limit shut is told it reopened.
 */
START_TEST(test_echo_lcore_limit)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct fp_pc a, b;
	static const uint8_t one = 'x';
	static const uint16_t win_a[] = { 4000, 2000 }, win_b[] = { 2000, 0 };
	uint32_t ack_a, ack_b;
	unsigned int base, k;

	f->syn_opts = TT_OPT_MSS;
	f->cfg.server.app = TT_APP_ECHO;
	f->cfg.tcp.rcv_wnd = 8000;
	f->cfg.server.echo_conn_mbufs = 8;	/* 1000 window bytes a mbuf */
	f->cfg.server.echo_lcore_mbufs = 6;
	fp_start(f);
	base = f->pool_base;
	fp_open(f);
	ack_a = f->pc.rcv_nxt;
	/* A takes two mbufs: 5 then 4 free, so (5 - 1) then (4 - 2) more. */
	for (k = 0; k < 2; k++) {
		fp_send(f, ACK | PSH, &one, 1);
		s = fp_expect(f, ACK | PSH);
		ck_assert_uint_eq(s->win, win_a[k]);
		f->pc.rcv_nxt = ack_a;	/* the echoes are not acknowledged */
	}
	a = f->pc;
	fp_new_conn(f, 40001, 777);
	fp_open(f);
	ack_b = f->pc.rcv_nxt;
	/* B takes two: 3 free, then 2, as many as B holds: B's window closes. */
	for (k = 0; k < 2; k++) {
		fp_send(f, ACK | PSH, &one, 1);
		s = fp_expect(f, ACK | PSH);
		ck_assert_uint_eq(s->win, win_b[k]);
		f->pc.rcv_nxt = ack_b;
	}
	ck_assert_uint_eq(ST(f, echo_lcore_cap), 1);
	ck_assert_uint_eq(tt_test_pool_in_use(), base + 4);
	/* B's window is 0: refused at the window check, nothing kept. */
	fp_send(f, ACK | PSH, &one, 1);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->win, 0);
	f->pc.snd_nxt--;
	b = f->pc;
	/* A was told 2000 bytes, but holds 2 with 2 free: refused, counted. */
	f->pc = a;
	fp_send(f, ACK | PSH, &one, 1);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->win, 0);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt - 1);
	f->pc.snd_nxt--;
	ck_assert_uint_eq(DROPS(f, tcp_held_full), 1);
	ck_assert_uint_eq(tt_test_pool_in_use(), base + 4);
	/* A acknowledges its echoes: two mbufs back, its window 4 free x 1000. */
	f->pc.rcv_nxt = ack_a + 2;
	fp_ack(f);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->win, 4000);
	ck_assert_uint_eq(tt_test_pool_in_use(), base + 2);
	ck_assert_uint_eq(f->ctx->app->echo_held, 2);
	/*
	 * That reopened B's window too (2 more mbufs of 4 free): B's peer is
	 * told at the delayed-ACK deadline, not left to its persist timer
	 * (RFC 9293 3.8.6.2.2).
	 */
	a = f->pc;
	f->pc = b;
	ck_assert_uint_eq(ST(f, wnd_updates), 1);
	fp_time(f, f->cfg.tcp.delack_ms - 1);
	fp_none(f);
	fp_time(f, 1);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->dport, b.port);
	ck_assert_uint_eq(s->win, 2000);
	ck_assert_uint_eq(s->len, 0);
	f->pc = a;
	fp_send(f, FIN | ACK, NULL, 0);
	fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	ck_state(f, TT_TCPS_CLOSED);
	ck_assert_uint_eq(ST(f, echo_conn_cap), 0);
	/* B still holds two; the engine's teardown gives them back (fp_end()). */
	fp_end(f);
}
END_TEST

/*
 * Pipelined requests for 1 GiB responses: the server queues responses
 * while less than TT_SND_QUEUE_MAX is queued and leaves the rest unread
 * (not acknowledged, the FIN after them not taken), with the window
 * closed, so snd_end - snd_una stays below 2^31.
 */
START_TEST(test_snd_queue_bound)
{
	struct fp *f = fp_cur;
	static struct fp_seg seg;
	struct tt_conn *c;
	char reqs[3 * sizeof(REQ11)];
	uint32_t rcv0, one = (uint32_t)strlen(REQ11);

	snprintf(reqs, sizeof(reqs), "%s%s%s", REQ11, REQ11, REQ11);
	f->syn_opts = TT_OPT_MSS;
	f->cfg.server.response_bytes = 1u << 30;
	fp_start(f);
	c = fp_open(f);
	rcv0 = c->rcv_nxt;
	fp_send(f, ACK | PSH | FIN, reqs, (uint16_t)(3 * one));
	ck_assert_uint_eq(ST(f, http_requests), 1);
	ck_assert_uint_eq(ST(f, snd_queue_full), 1);
	ck_assert_uint_eq(c->rcv_nxt, rcv0 + one);
	ck_assert_uint_eq(c->rx_off, one);
	ck_state(f, TT_TCPS_ESTABLISHED);
	ck_assert_uint_ge(c->snd_end - c->snd_una, TT_SND_QUEUE_MAX);
	ck_assert_uint_lt(c->snd_end - c->snd_una, 1u << 31);
	/* The response's segments acknowledge the first request only, window 0. */
	ck_assert(fp_pop(f, &seg));
	ck_assert_uint_eq(seg.ack, rcv0 + one);
	ck_assert_uint_eq(seg.win, 0);
	ck_assert_uint_gt(seg.len, 0);
	while (fp_pop(f, &seg))
		;
	/* Retransmitted, the rest is refused again while the queue is full. */
	fp_raw(f, ACK | PSH | FIN, rcv0 + one, f->pc.rcv_nxt, f->win, NULL, 0, reqs + one,
	       (uint16_t)(2 * one));
	ck_assert_uint_eq(ST(f, http_requests), 1);
	ck_assert_uint_eq(c->rcv_nxt, rcv0 + one);
	while (fp_pop(f, &seg))
		;
	ck_assert_uint_lt(c->snd_end - c->snd_una, 1u << 31);
	tt_tcp_app_abort(f->ctx, c);
	while (fp_pop(f, &seg))
		;
	fp_end(f);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("tcp_guard");
	TCase *tc;

	tt_test_eal_init();
	tc = fp_tcase("rfc5961");

	tcase_add_test(tc, test_rst_challenge);
	tcase_add_test(tc, test_syn_challenge);
	tcase_add_test(tc, test_ack_range);
	tcase_add_test(tc, test_challenge_ack_limit);
	suite_add_tcase(s, tc);
	tc = fp_tcase("bounds");
	tcase_add_loop_test(tc, test_persist_bounds, 0, RTE_DIM(persist_cases));
	tcase_add_test(tc, test_echo_lcore_limit);
	tcase_add_test(tc, test_snd_queue_bound);
	suite_add_tcase(s, tc);
	return s;
}
