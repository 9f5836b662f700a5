/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine through the fake peer (tt_fake_peer.h):
 * the sender's SACK scoreboard and RFC 6675 loss recovery,
 * lib/tcp/tt_tcp_sack.c. The server sends a response of 1000-byte
 * segments; the peer ACKs with the SACK blocks it chooses, and every
 * byte the engine sends is kept by offset, so the response is checked
 * byte-exact at the end whatever was retransmitted.
 */

#include <check.h>

#include "tt_fake_peer.h"
#include "tcp/tt_tcp_sack.h"

#define SEG 1000u

/* The sequence number of the response's first byte. */
static uint32_t base;

/* Keep what a segment carries at its offset in fp_rxbuf. */
static void
keep(const struct fp_seg *s)
{
	uint32_t off = s->seq - base;

	ck_assert_uint_le(off + s->len, sizeof(fp_rxbuf));
	memcpy(fp_rxbuf + off, s->data, s->len);
}

/* Pop what the engine sent: the sequence numbers (at most @p max) into @p seqs; returns how many. */
static unsigned int
pop_all(struct fp *f, uint32_t *seqs, unsigned int max)
{
	struct fp_seg s;
	unsigned int n = 0;

	while (fp_pop(f, &s)) {
		ck_assert_uint_lt(n, max);
		if (s.len > 0)
			keep(&s);
		seqs[n++] = s.seq;
	}
	return n;
}

/* Segment @p i of the response (its sequence number). */
#define S(i) (base + (uint32_t)(i) * SEG)

/*
 * An ACK of @p ack with @p n SACK blocks [b[i][0], b[i][1]) (sequence
 * numbers), and the peer's window.
 */
static void
sack_ack(struct fp *f, uint32_t ack, const uint32_t (*b)[2], unsigned int n)
{
	uint8_t o[40];
	unsigned int i, k = 0;

	o[k++] = 1;
	o[k++] = 1;
	o[k++] = 5;
	o[k++] = (uint8_t)(2 + 8 * n);
	for (i = 0; i < n; i++) {
		uint32_t e[2] = { b[i][0], b[i][1] };
		unsigned int j;

		for (j = 0; j < 2; j++) {
			o[k++] = (uint8_t)(e[j] >> 24);
			o[k++] = (uint8_t)(e[j] >> 16);
			o[k++] = (uint8_t)(e[j] >> 8);
			o[k++] = (uint8_t)e[j];
		}
	}
	fp_raw(f, ACK, f->pc.snd_nxt, ack, f->win, o, (uint8_t)k, NULL, 0);
}

/*
 * A response of @p body bytes, SACK negotiated, MSS 1000: the first ten
 * segments out, the first ACKed, two more out (S(0) to S(11) sent, S(1)
 * is SND.UNA).
 */
static struct tt_conn *
open_12(struct fp *f, uint32_t body)
{
	struct fp_seg seg;
	struct tt_conn *c;
	uint32_t n = 0;

	f->cfg.server.response_bytes = body;
	f->syn_opts = TT_OPT_MSS | TT_OPT_SACKOK;
	f->mss = SEG;
	fp_start(f);
	c = fp_open(f);
	ck_assert(c->flags & TT_CF_SACK);
	fp_send_str(f, REQ11);
	base = c->snd_una;
	while (fp_pop(f, &seg)) {
		ck_assert_uint_eq(seg.len, SEG);
		keep(&seg);
		n++;
	}
	ck_assert_uint_eq(n, f->cfg.tcp.init_cwnd);
	f->pc.rcv_nxt = S(1);
	fp_ack(f);
	while (fp_pop(f, &seg)) {
		keep(&seg);
		n++;
	}
	ck_assert_uint_eq(n, 12);
	ck_assert_uint_eq(c->snd_max, S(12));
	return c;
}

/*
 * RFC 6675 alone: Reno's ssthresh (half the flight) and cwnd = ssthresh
 * at once, no proportional rate reduction (the tests that count what
 * recovery sends by RFC 6675 5's cwnd - pipe rule).
 */
static struct fp *
rfc6675_only(struct fp *f)
{
	f->cfg.tcp.cc = TT_CC_RENO;
	f->cfg.tcp.prr = false;
	return f;
}

/* The scoreboard of @p c is exactly the @p n ranges @p want. */
static void
ck_ranges(struct fp *f, const struct tt_conn *c, const uint32_t (*want)[2], unsigned int n)
{
	uint32_t r[32][2];
	unsigned int i, got = tt_sack_ranges(f->ctx, c, r, 32);

	ck_assert_uint_eq(got, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(r[i][0] == want[i][0] && r[i][1] == want[i][1],
			      "range %u: [%u, %u), expected [%u, %u)", i, r[i][0] - base,
			      r[i][1] - base, want[i][0] - base, want[i][1] - base);
}

/* The peer ACKs everything in order: the rest of the response, checked byte-exact. */
static void
finish(struct fp *f, struct tt_conn *c, uint32_t body)
{
	uint32_t total, sent = c->snd_max - base;

	f->pc.rcv_nxt = c->snd_max;
	fp_ack(f);
	total = sent + fp_exchange(f, fp_rxbuf + sent, sizeof(fp_rxbuf) - sent);
	fp_check_http_response(fp_rxbuf, total, body, true);
	ck_assert(!(c->flags & (TT_CF_RECOVERY | TT_CF_SACK_SB)));
	ck_assert_uint_eq(tt_sack_in_use(f->ctx->sack), 0);
}

/*
 * RFC 6675 4 Update(): blocks above the ACK are recorded, merged with
 * those they meet or touch; D-SACK blocks (RFC 2883: at or below the
 * ACK), blocks past SND.MAX and empty or inverted ones are ignored; a
 * block across the ACK keeps only what lies above it. The cumulative
 * ACK forgets what it covers, and past every range gives the scoreboard
 * back.
 */
START_TEST(test_sack_scoreboard_update)
{
	struct fp *f = fp_cur;
	struct tt_conn *c = open_12(f, 30000);
	uint32_t seqs[32];

	/*
	 * Each ACK acknowledges 100 more bytes, so none is a duplicate ACK
	 * and recovery stays out of it. Bogus blocks only: no scoreboard.
	 */
	{
		const uint32_t b[3][2] = {
			{ S(0), S(1) },		/* D-SACK: below the ACK */
			{ S(11), S(40) },	/* past SND.MAX */
			{ S(5), S(5) },		/* empty */
		};

		sack_ack(f, S(1) + 100, b, 3);
		ck_assert(!(c->flags & TT_CF_SACK_SB));
		ck_assert_uint_eq(tt_sack_in_use(f->ctx->sack), 0);
	}
	pop_all(f, seqs, 32);
	{
		const uint32_t b[2][2] = { { S(3), S(4) }, { S(6), S(7) } };
		const uint32_t w[2][2] = { { S(3), S(4) }, { S(6), S(7) } };

		sack_ack(f, S(1) + 200, b, 2);
		ck_assert(c->flags & TT_CF_SACK_SB);
		ck_assert_uint_eq(tt_sack_in_use(f->ctx->sack), 1);
		ck_ranges(f, c, w, 2);
	}
	pop_all(f, seqs, 32);
	{
		/* Touching S(4) and meeting S(6): one range; a D-SACK and an inverted block. */
		const uint32_t b[3][2] = { { S(0), S(1) }, { S(4), S(6) }, { S(9), S(8) } };
		const uint32_t w[1][2] = { { S(3), S(7) } };

		sack_ack(f, S(1) + 300, b, 3);
		ck_ranges(f, c, w, 1);
	}
	pop_all(f, seqs, 32);
	{
		/* Below and above, and one inside (a D-SACK of held data): three ranges. */
		const uint32_t b[3][2] = { { S(9), S(11) }, { S(2), S(3) - 500 }, { S(4), S(5) } };
		const uint32_t w[3][2] = { { S(2), S(3) - 500 }, { S(3), S(7) }, { S(9), S(11) } };

		sack_ack(f, S(1) + 400, b, 3);
		ck_ranges(f, c, w, 3);
		pop_all(f, seqs, 32);
		/* No block: nothing changes. */
		sack_ack(f, S(1) + 500, NULL, 0);
		ck_ranges(f, c, w, 3);
	}
	pop_all(f, seqs, 32);
	{
		/* The ACK forgets what it covers; a block across it keeps what lies above. */
		const uint32_t b[1][2] = { { S(5), S(8) } };
		const uint32_t w[2][2] = { { S(6), S(8) }, { S(9), S(11) } };

		sack_ack(f, S(6), b, 1);
		ck_ranges(f, c, w, 2);
	}
	pop_all(f, seqs, 32);
	/* Past every range the scoreboard goes back. */
	sack_ack(f, S(11), NULL, 0);
	ck_assert(!(c->flags & TT_CF_SACK_SB));
	ck_assert_uint_eq(tt_sack_in_use(f->ctx->sack), 0);
	ck_assert_uint_eq(ST(f, retrans_fast), 0);
	ck_assert_uint_eq(ST(f, dup_acks), 0);
	ck_assert(!(c->flags & TT_CF_RECOVERY));
	pop_all(f, seqs, 32);
	finish(f, c, 30000);
	fp_end(f);
}
END_TEST

/*
 * RFC 6675 5: two holes (S(1) and S(4)) under one ACK whose blocks make
 * both lost (IsLost: more than 2 SMSS SACKed above each). Recovery
 * retransmits S(1), then S(4), then sends new data while the pipe is
 * below cwnd = ssthresh = FlightSize / 2; never a SACKed segment. A
 * partial ACK sends by the pipe again, the full ACK ends recovery.
 */
START_TEST(test_sack_recovery_holes)
{
	struct fp *f = fp_cur;
	struct tt_conn *c = open_12(rfc6675_only(f), 40000);
	const uint32_t b[2][2] = { { S(5), S(12) }, { S(2), S(4) } };
	uint32_t seqs[32];
	unsigned int n, i;

	sack_ack(f, S(1), b, 2);
	ck_assert(c->flags & TT_CF_RECOVERY);
	ck_assert_uint_eq(ST(f, sack_recoveries), 1);
	ck_assert_uint_eq(c->ssthresh, 11 * SEG / 2);
	ck_assert_uint_eq(c->cwnd, 11 * SEG / 2);
	ck_assert_uint_eq(c->recover, S(12));
	n = pop_all(f, seqs, 32);
	/* S(1), S(4) (pipe 2000), then new data up to the pipe's 5000 bytes. */
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(seqs[0], S(1));
	ck_assert_uint_eq(seqs[1], S(4));
	for (i = 2; i < n; i++)
		ck_assert_uint_eq(seqs[i], S(12 + i - 2));
	ck_assert_uint_eq(ST(f, retrans_fast), 2);
	ck_assert_uint_eq(tt_sack_high_rxt(f->ctx, c), S(5));
	ck_assert_uint_eq(tt_sack_pipe(f->ctx, c), 5 * SEG);
	/* A duplicate ACK with nothing new: nothing goes (the pipe is full). */
	sack_ack(f, S(1), b, 2);
	fp_none(f);
	/*
	 * S(1)'s retransmission arrives, S(4)'s is on its way: a partial ACK
	 * up to S(4). The pipe is 4000 (S(4), S(12)-S(14)): one new segment.
	 */
	{
		const uint32_t b3[1][2] = { { S(5), S(12) } };

		sack_ack(f, S(4), b3, 1);
		ck_assert(c->flags & TT_CF_RECOVERY);
		ck_assert_uint_eq(tt_sack_high_rxt(f->ctx, c), S(5));
		n = pop_all(f, seqs, 32);
		ck_assert_uint_eq(n, 1);
		ck_assert_uint_eq(seqs[0], S(15));
	}
	ck_assert_uint_eq(ST(f, retrans_fast), 2);
	ck_assert_uint_eq(ST(f, retrans_data), 0);
	/* The full ACK (RecoveryPoint S(12) and beyond) ends recovery. */
	sack_ack(f, S(13), NULL, 0);
	ck_assert(!(c->flags & TT_CF_RECOVERY));
	ck_assert(!(c->flags & TT_CF_SACK_SB));
	pop_all(f, seqs, 32);
	finish(f, c, 40000);
	ck_assert_uint_eq(ST(f, retrans_data), 0);
	fp_end(f);
}
END_TEST

/*
 * A lost retransmission: once data sent after the last retransmission is
 * SACKed while a retransmitted hole is not, the hole is lost again and
 * goes at once, without waiting for the RTO.
 */
START_TEST(test_sack_lost_retransmission)
{
	struct fp *f = fp_cur;
	struct tt_conn *c = open_12(rfc6675_only(f), 40000);
	const uint32_t b[1][2] = { { S(2), S(12) } };
	uint32_t seqs[32];
	unsigned int n;

	sack_ack(f, S(1), b, 1);
	n = pop_all(f, seqs, 32);
	/* S(1) again, and new data S(12)..S(15) (pipe 5000 of cwnd 5500). */
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(seqs[0], S(1));
	ck_assert_uint_eq(seqs[1], S(12));
	/* S(1)'s retransmission is lost; S(12) and S(13), sent after it, arrive. */
	{
		const uint32_t b2[1][2] = { { S(2), S(14) } };

		sack_ack(f, S(1), b2, 1);
	}
	ck_assert_uint_eq(ST(f, sack_rxt_lost), 1);
	n = pop_all(f, seqs, 32);
	ck_assert_uint_ge(n, 1);
	ck_assert_uint_eq(seqs[0], S(1));
	ck_assert_uint_eq(ST(f, retrans_fast), 2);
	ck_assert_uint_eq(ST(f, retrans_data), 0);
	/* A further ACK with nothing new SACKed above the mark: not lost again. */
	{
		const uint32_t b3[1][2] = { { S(2), S(14) } };

		sack_ack(f, S(1), b3, 1);
	}
	ck_assert_uint_eq(ST(f, sack_rxt_lost), 1);
	pop_all(f, seqs, 32);
	finish(f, c, 40000);
	fp_end(f);
}
END_TEST

/*
 * The RTO stays the fallback: recovery whose ACKs stop ends with a
 * timeout that forgets the scoreboard (RFC 2018 8) and goes back to
 * SND.UNA with cwnd = 1 SMSS.
 */
START_TEST(test_sack_rto_fallback)
{
	struct fp *f = fp_cur;
	struct tt_conn *c = open_12(f, 30000);
	const uint32_t b[1][2] = { { S(3), S(12) } };
	uint32_t seqs[32];
	const struct fp_seg *s;

	sack_ack(f, S(1), b, 1);
	ck_assert(c->flags & TT_CF_RECOVERY);
	ck_assert(c->flags & TT_CF_SACK_SB);
	pop_all(f, seqs, 32);
	ck_assert_uint_eq(seqs[0], S(1));
	fp_wait_output(f, 5000);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->seq, S(1));
	keep(s);
	fp_none(f);
	ck_assert_uint_eq(ST(f, retrans_data), 1);
	ck_assert(!(c->flags & (TT_CF_RECOVERY | TT_CF_SACK_SB)));
	ck_assert_uint_eq(tt_sack_in_use(f->ctx->sack), 0);
	ck_assert_uint_eq(c->cwnd, SEG);
	finish(f, c, 30000);
	fp_end(f);
}
END_TEST

/*
 * No scoreboard left (tcp.sack_scoreboards = 0): counted, and recovery
 * is NewReno's as before (the hole at SND.UNA, cwnd inflated).
 */
START_TEST(test_sack_pool_exhausted)
{
	struct fp *f = fp_cur;
	struct tt_conn *c;
	uint32_t seqs[32];
	unsigned int n;

	f->cfg.tcp.sack_scoreboards = 0;
	rfc6675_only(f);
	c = open_12(f, 30000);
	sack_ack(f, S(1), (const uint32_t[1][2]){ { S(3), S(12) } }, 1);
	ck_assert_uint_ge(ST(f, sack_sb_full), 1);
	ck_assert(c->flags & TT_CF_RECOVERY);
	ck_assert(!(c->flags & TT_CF_SACK_SB));
	ck_assert_uint_eq(ST(f, sack_recoveries), 0);
	n = pop_all(f, seqs, 32);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(seqs[0], S(1));
	ck_assert_uint_eq(c->cwnd, c->ssthresh + 3 * SEG);
	finish(f, c, 30000);
	fp_end(f);
}
END_TEST

/*
 * RFC 6937 proportional rate reduction (tcp.prr, on by default) with
 * CUBIC's ssthresh (RFC 9438 4.6: 0.7 of the flight of 11 segments,
 * 7,700; RecoverFS 11,000). S(1) is lost; each ACK SACKs one segment
 * more. What goes out on each ACK, a whole segment at a time:
 * - the ACK that starts recovery (3 segments SACKed): the fast
 *   retransmit, then ceil(3,000 * 7,700 / 11,000) - 1,000 = 1,100: one
 *   new segment;
 * - the pipe (S(1)'s retransmission and what is not SACKed above the
 *   range) is above ssthresh on the next ACK: ceil(4,000 * 0.7) - 2,000
 *   = 800, nothing;
 * - from there the pipe is at most ssthresh (PRR-SSRB): min(ssthresh -
 *   pipe, delivered since - sent since + 1 SMSS): nothing while the pipe
 *   is 7,000, then one segment for each segment delivered, the pipe held
 *   at 6,000.
 * RFC 6675 alone (tcp.prr = false) sends nothing on the first ACK after
 * the fast retransmit (pipe 8,000 above cwnd 7,700).
 */
START_TEST(test_sack_prr)
{
	struct fp *f = fp_cur;
	const unsigned int want[] = { 0, 0, 1, 1, 1, 1, 1 };
	struct tt_conn *c = open_12(f, 60000);
	uint32_t seqs[32], next = S(13);
	unsigned int n, k;

	sack_ack(f, S(1), (const uint32_t[1][2]){ { S(2), S(5) } }, 1);
	ck_assert(c->flags & TT_CF_RECOVERY);
	ck_assert_uint_eq(c->ssthresh, 7700);
	n = pop_all(f, seqs, 32);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(seqs[0], S(1));
	ck_assert_uint_eq(seqs[1], S(12));
	for (k = 0; k < RTE_DIM(want); k++) {
		const uint32_t b[1][2] = { { S(2), S(6 + k) } };
		unsigned int i;

		sack_ack(f, S(1), b, 1);
		n = pop_all(f, seqs, 32);
		ck_assert_msg(n == want[k], "ACK %u: %u segments sent, expected %u", k, n, want[k]);
		for (i = 0; i < n; i++, next += SEG)
			ck_assert_uint_eq(seqs[i], next);
	}
	/* S(1)'s retransmission and S(12) to S(17). */
	ck_assert_uint_eq(tt_sack_pipe(f->ctx, c), 7 * SEG);
	ck_assert_uint_eq(ST(f, retrans_fast), 1);
	/* S(1)'s retransmission arrives, and S(12): the ACK passes RecoveryPoint S(12), recovery ends. */
	sack_ack(f, S(13), NULL, 0);
	ck_assert(!(c->flags & TT_CF_RECOVERY));
	ck_assert_uint_eq(c->cwnd, c->ssthresh);
	pop_all(f, seqs, 32);
	finish(f, c, 60000);
	ck_assert_uint_eq(ST(f, retrans_data), 0);
	fp_end(f);
}
END_TEST

/* The same start with tcp.prr = false: RFC 6675 5, nothing new until the pipe is below cwnd. */
START_TEST(test_sack_no_prr)
{
	struct fp *f = fp_cur;
	struct tt_conn *c;
	uint32_t seqs[32];
	unsigned int n;

	f->cfg.tcp.prr = false;
	c = open_12(f, 60000);
	sack_ack(f, S(1), (const uint32_t[1][2]){ { S(2), S(5) } }, 1);
	ck_assert_uint_eq(c->cwnd, 7700);
	n = pop_all(f, seqs, 32);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(seqs[0], S(1));
	/* Pipe 1,000 + 6,000 above the SACKed range: still no room for a segment. */
	sack_ack(f, S(1), (const uint32_t[1][2]){ { S(2), S(6) } }, 1);
	n = pop_all(f, seqs, 32);
	ck_assert_uint_eq(n, 0);
	sack_ack(f, S(1), (const uint32_t[1][2]){ { S(2), S(7) } }, 1);
	n = pop_all(f, seqs, 32);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(seqs[0], S(12));
	pop_all(f, seqs, 32);
	finish(f, c, 60000);
	fp_end(f);
}
END_TEST

/*
 * RFC 6675 4 NextSeg() rule 4: the response's last segment S(11) is lost
 * with S(1), and nothing was sent after it. Recovery retransmits S(1)
 * (rule 1); there is no new data (rule 2) and no unSACKed byte below a
 * SACKed one left (rule 3), so the rescue retransmission sends S(11) at
 * once, once, instead of leaving it to the RTO.
 */
START_TEST(test_sack_rescue)
{
	struct fp *f = fp_cur;
	struct tt_conn *c;
	uint32_t seqs[32], body = 0;
	unsigned int n;

	while (fp_http_response_len(body, true) != 12 * SEG)
		body++;
	c = open_12(f, body);
	ck_assert_uint_eq(c->snd_end, S(12));
	sack_ack(f, S(1), (const uint32_t[1][2]){ { S(2), S(11) } }, 1);
	ck_assert(c->flags & TT_CF_RECOVERY);
	n = pop_all(f, seqs, 32);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(seqs[0], S(1));
	ck_assert_uint_eq(seqs[1], S(11));
	ck_assert_uint_eq(ST(f, sack_rescue), 1);
	ck_assert_uint_eq(ST(f, retrans_fast), 2);
	/* Another duplicate ACK: no second rescue. */
	sack_ack(f, S(1), (const uint32_t[1][2]){ { S(2), S(11) } }, 1);
	fp_none(f);
	ck_assert_uint_eq(ST(f, sack_rescue), 1);
	finish(f, c, body);
	ck_assert_uint_eq(ST(f, retrans_data), 0);
	fp_end(f);
}
END_TEST


/*
 * RFC 8985 7: the tail loss probe. open_12() leaves S(1) to S(11)
 * outstanding; the peer acknowledges up to S(10), so S(10) and S(11)
 * are the flight's tail. The probe timeout is 2 SRTT, at least 10 ms
 * (7.2; the clock ticks in ms), far below the RTO (tcp.rto_min_ms = 200).
 */
static uint32_t
tail_of_12(struct fp *f)
{
	struct tt_conn *c;
	uint32_t seqs[32], body = 0;

	while (fp_http_response_len(body, true) != 12 * SEG)
		body++;
	c = open_12(f, body);
	ck_assert_uint_gt(c->srtt, 0);
	f->pc.rcv_nxt = S(10);
	fp_ack(f);
	ck_assert_uint_eq(pop_all(f, seqs, 32), 0);
	ck_assert(c->flags & TT_CF_TLP_PTO);
	return body;
}

/* The PTO of @p c: 2 SRTT, at least 10 ms, SRTT in ms << 3 (tt_tcp_tlp.c). */
static uint32_t
pto_ms(const struct tt_conn *c)
{
	return RTE_MAX((uint32_t)(c->srtt >> 2), 10u);
}

/*
 * 7.3: no new data, so the probe is the last segment again. Its ACK may
 * be the original's, delayed, with a D-SACK for the probe to follow: the
 * verdict waits for an ACK of data sent after the probe (as Linux). Here
 * the next response's ACK comes without a D-SACK: the probe repaired the
 * tail (S(11) was lost, S(10)'s ACK only delayed), and cwnd is reduced
 * as a recovery would (7.4.2). One probe only; no RTO.
 */
START_TEST(test_tlp_repairs_tail)
{
	struct fp *f = fp_cur;
	struct tt_conn *c;
	uint32_t seqs[32], body, pto;

	body = tail_of_12(f);
	c = fp_conn(f);
	pto = pto_ms(c);
	ck_assert_uint_eq(fp_wait_output(f, 1000), pto);
	ck_assert_uint_eq(pop_all(f, seqs, 32), 1);
	ck_assert_uint_eq(seqs[0], S(11));
	ck_assert_uint_eq(ST(f, tlp_probes), 1);
	ck_assert(c->flags & TT_CF_TLP_RXT);
	ck_assert(!(c->flags & TT_CF_TLP_PTO));
	/* The RTO runs now, not a second probe. */
	fp_time(f, c->rto_ms - 1);
	fp_none(f);
	f->pc.rcv_nxt = S(12);
	fp_ack(f);
	fp_check_http_response(fp_rxbuf, 12 * SEG, body, true);
	ck_assert(!(c->flags & TT_CF_TLP_OUT));
	ck_assert(c->flags & TT_CF_TLP_RXT);
	ck_assert_uint_eq(ST(f, tlp_recoveries), 0);
	/* No probe while the verdict is pending. */
	ck_assert(!(c->flags & TT_CF_TLP_PTO));
	/* The next request; its response's first ACK is the verdict. */
	fp_send_str(f, REQ11);
	ck_assert_uint_gt(pop_all(f, seqs, 32), 2);
	ck_assert_uint_eq(seqs[0], S(12));
	f->pc.rcv_nxt = S(14);
	fp_ack(f);
	ck_assert_uint_eq(ST(f, tlp_recoveries), 1);
	ck_assert(!(c->flags & (TT_CF_TLP_OUT | TT_CF_TLP_RXT)));
	ck_assert_uint_le(c->cwnd, c->ssthresh + SEG);
	pop_all(f, seqs, 32);
	f->pc.rcv_nxt = c->snd_max;
	fp_ack(f);
	fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	ck_assert_uint_eq(c->snd_una, c->snd_max);
	ck_assert_uint_eq(ST(f, retrans_data), 0);
	ck_assert_uint_eq(ST(f, tlp_spurious), 0);
	fp_end(f);
}
END_TEST

/*
 * 7.4.2: the receiver had everything, its ACK was only delayed: that ACK
 * comes first, then the duplicate ACK that reports the probe a
 * duplicate (D-SACK, RFC 2883). Nothing was lost, cwnd stays.
 */
START_TEST(test_tlp_spurious)
{
	struct fp *f = fp_cur;
	struct tt_conn *c;
	uint32_t seqs[32], body, cwnd;

	body = tail_of_12(f);
	c = fp_conn(f);
	ck_assert_uint_eq(fp_wait_output(f, 1000), pto_ms(c));
	ck_assert_uint_eq(pop_all(f, seqs, 32), 1);
	f->pc.rcv_nxt = S(12);
	fp_ack(f);
	cwnd = c->cwnd;
	ck_assert(c->flags & TT_CF_TLP_RXT);
	sack_ack(f, S(12), (const uint32_t[1][2]){ { S(11), S(12) } }, 1);
	ck_assert_uint_eq(ST(f, tlp_spurious), 1);
	ck_assert_uint_eq(ST(f, tlp_recoveries), 0);
	ck_assert_uint_eq(c->cwnd, cwnd);
	ck_assert(!(c->flags & (TT_CF_TLP_OUT | TT_CF_TLP_RXT)));
	finish(f, c, body);
	fp_end(f);
}
END_TEST

/*
 * 7.4 with 6.2: S(10) and S(11) were both lost. The probe (S(11) again)
 * is SACKed with the ACK still at S(10): the probe was sent a PTO after
 * S(10), so S(10) is lost. SACK recovery starts on that one duplicate
 * ACK (RFC 6675 would want three segments SACKed) and S(10) goes at
 * once; the full ACK ends the recovery with cwnd = ssthresh.
 */
START_TEST(test_tlp_reveals_loss)
{
	struct fp *f = fp_cur;
	struct tt_conn *c;
	uint32_t seqs[32], body;

	body = tail_of_12(f);
	c = fp_conn(f);
	ck_assert_uint_eq(fp_wait_output(f, 1000), pto_ms(c));
	ck_assert_uint_eq(pop_all(f, seqs, 32), 1);
	ck_assert_uint_eq(seqs[0], S(11));
	sack_ack(f, S(10), (const uint32_t[1][2]){ { S(11), S(12) } }, 1);
	ck_assert(c->flags & TT_CF_RECOVERY);
	ck_assert_uint_eq(ST(f, sack_recoveries), 1);
	ck_assert(!(c->flags & (TT_CF_TLP_OUT | TT_CF_TLP_RXT | TT_CF_TLP_PTO)));
	/* S(10) once: the rescue retransmission has nothing above HighRxt. */
	ck_assert_uint_eq(pop_all(f, seqs, 32), 1);
	ck_assert_uint_eq(seqs[0], S(10));
	ck_assert_uint_eq(ST(f, sack_rescue), 0);
	/* In recovery: the deadline is the RTO's, no probe. */
	fp_time(f, 50);
	fp_none(f);
	f->pc.rcv_nxt = S(12);
	fp_ack(f);
	ck_assert(!(c->flags & TT_CF_RECOVERY));
	ck_assert_uint_eq(c->cwnd, c->ssthresh);
	/* The recovery's reduction only: the probe's episode ended with it. */
	ck_assert_uint_eq(ST(f, tlp_recoveries), 0);
	finish(f, c, body);
	ck_assert_uint_eq(ST(f, retrans_data), 0);
	fp_end(f);
}
END_TEST

/*
 * 7.3: with unsent data (the flight is cwnd), the probe is one new
 * segment, whatever cwnd says. Nothing to reduce when it is acknowledged
 * (7.4.1); without an ACK the RTO follows the probe, not a second probe.
 */
START_TEST(test_tlp_new_data)
{
	struct fp *f = fp_cur;
	struct tt_conn *c = open_12(f, 60000);
	uint32_t seqs[32], rto;

	/* cwnd-limited: less than a segment of it left. */
	ck_assert_uint_gt(c->snd_max - c->snd_una + SEG, c->cwnd);
	ck_assert(c->flags & TT_CF_TLP_PTO);
	ck_assert_uint_eq(fp_wait_output(f, 1000), pto_ms(c));
	ck_assert_uint_eq(pop_all(f, seqs, 32), 1);
	ck_assert_uint_eq(seqs[0], S(12));
	ck_assert_uint_eq(c->snd_max, S(13));
	ck_assert(c->flags & TT_CF_TLP_OUT);
	ck_assert(!(c->flags & TT_CF_TLP_RXT));
	ck_assert_uint_eq(ST(f, tlp_probes), 1);
	/* No answer: the RTO, a timeout's go-back-N from SND.UNA. */
	rto = c->rto_ms;
	ck_assert_uint_eq(fp_wait_output(f, 1000), rto);
	ck_assert_uint_eq(ST(f, retrans_data), 1);
	ck_assert_uint_eq(ST(f, tlp_probes), 1);
	pop_all(f, seqs, 32);
	ck_assert_uint_eq(seqs[0], S(1));
	finish(f, c, 60000);
	ck_assert_uint_eq(ST(f, tlp_recoveries), 0);
	fp_end(f);
}
END_TEST

/*
 * 7.2: a flight of one segment (below two full ones) adds the worst-case
 * delayed ACK (200 ms) to the PTO, which is then past the RTO: the RTO
 * stays. With tcp.tlp =
 * false: no probe, the RTO as before.
 */
static void
rto_only(struct fp *f, uint32_t body, unsigned int acked)
{
	struct tt_conn *c = open_12(f, body);
	uint32_t seqs[32], rto = c->rto_ms;

	f->pc.rcv_nxt = S(acked);
	fp_ack(f);
	pop_all(f, seqs, 32);
	ck_assert(!(c->flags & TT_CF_TLP_PTO));
	ck_assert_uint_eq(fp_wait_output(f, 1000), rto);
	ck_assert_uint_eq(ST(f, tlp_probes), 0);
	ck_assert_uint_eq(ST(f, retrans_data), 1);
	pop_all(f, seqs, 32);
	finish(f, c, body);
	fp_end(f);
}

START_TEST(test_tlp_one_segment)
{
	uint32_t body = 0;

	while (fp_http_response_len(body, true) != 12 * SEG)
		body++;
	rto_only(fp_cur, body, 11);
}
END_TEST

START_TEST(test_tlp_off)
{
	uint32_t body = 0;

	while (fp_http_response_len(body, true) != 12 * SEG)
		body++;
	fp_cur->cfg.tcp.tlp = false;
	rto_only(fp_cur, body, 10);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("tcp_sack");
	TCase *tc;

	tt_test_eal_init();

	tc = fp_tcase("sack");
	tcase_add_test(tc, test_sack_scoreboard_update);
	tcase_add_test(tc, test_sack_recovery_holes);
	tcase_add_test(tc, test_sack_lost_retransmission);
	tcase_add_test(tc, test_sack_rto_fallback);
	tcase_add_test(tc, test_sack_pool_exhausted);
	tcase_add_test(tc, test_sack_prr);
	tcase_add_test(tc, test_sack_no_prr);
	tcase_add_test(tc, test_sack_rescue);
	suite_add_tcase(s, tc);

	tc = fp_tcase("tlp");
	tcase_add_test(tc, test_tlp_repairs_tail);
	tcase_add_test(tc, test_tlp_spurious);
	tcase_add_test(tc, test_tlp_reveals_loss);
	tcase_add_test(tc, test_tlp_new_data);
	tcase_add_test(tc, test_tlp_one_segment);
	tcase_add_test(tc, test_tlp_off);
	suite_add_tcase(s, tc);
	return s;
}
