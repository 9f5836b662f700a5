/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine against floods, through the fake peer
 * (tt_fake_peer.h). SYN cookies (RFC 4987 3.6, tcp.syn_cookies): a cookie
 * SYN-ACK leaves no flow behind; the ACK that brings a valid cookie back
 * creates the flow with the options the SYN negotiated, and a forged,
 * stale or misplaced one is refused. The flow table's keyed hash: 4-tuples
 * that collide under CRC32-C whatever its seed spread over the buckets.
 */

#include <check.h>

#include "tt_fake_peer.h"
#include <stdlib.h>

#include <rte_hash_crc.h>

#include "tcp/tt_tcp_priv.h"
#include "tcp/tt_siphash.h"

/* A cookie SYN-ACK for the peer's SYN; no flow is made. */
static const struct fp_seg *
cookie_synack(struct fp *f)
{
	const struct fp_seg *s;
	uint64_t sent = ST(f, syncookies_sent);
	uint32_t flows = tt_tcp_flows_in_use(f->ctx);

	s = fp_syn(f);
	ck_assert_uint_eq(ST(f, syncookies_sent), sent + 1);
	ck_assert_uint_eq(tt_tcp_flows_in_use(f->ctx), flows);
	ck_assert_ptr_null(fp_conn(f));
	return s;
}

/* syn_cookies = on: every SYN gets a cookie; the ACK makes the flow, which serves HTTP. */
START_TEST(test_syncookie_handshake)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;
	uint32_t iss, n;

	f->cfg.tcp.syn_cookies = TT_SYNCOOKIE_ON;
	f->ws = 7;
	fp_start(f);
	s = cookie_synack(f);
	iss = s->seq;
	ck_assert_uint_eq(s->opts, TT_OPT_MSS | TT_OPT_WS | TT_OPT_TS | TT_OPT_SACKOK);
	ck_assert_uint_eq(s->mss, f->cfg.tcp.mss);
	ck_assert_uint_eq(s->ws, f->cfg.tcp.wscale);
	/* The TSval carries the peer's shift (7) and SACK-permitted (bit 4). */
	ck_assert_uint_eq(s->tsval & 0x3f, 0x10 | 7);
	ck_assert_uint_le(s->tsval, f->ctx->now_ms);
	ck_assert_int_eq(GAUGE(f, SYN_RCVD), 0);
	fp_ack(f);
	fp_none(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	ck_assert_uint_eq(ST(f, syncookies_ok), 1);
	ck_assert_uint_eq(ST(f, conn_accepted), 1);
	ck_assert_uint_eq(TRANS(f, SYN_RCVD, ESTABLISHED), 1);
	c = fp_conn(f);
	/* Nothing sent yet but the handshake: the ISS and IRS the cookie carried. */
	ck_assert_uint_eq(c->snd_una, iss + 1);
	ck_assert_uint_eq(c->rcv_nxt, f->pc.iss + 1);
	ck_assert_uint_eq(c->flags & (TT_CF_WS | TT_CF_TS | TT_CF_SACK),
			  TT_CF_WS | TT_CF_TS | TT_CF_SACK);
	ck_assert_uint_eq(c->snd_ws, 7);
	ck_assert_uint_eq(c->rcv_ws, f->cfg.tcp.wscale);
	/* The table's MSS value at most 1460, less the 12 bytes of timestamps. */
	ck_assert_uint_eq(c->mss, 1460 - 12);
	/* An HTTP exchange on it. */
	fp_send_str(f, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	n = fp_exchange(f, fp_rxbuf, sizeof(fp_rxbuf));
	fp_check_http_response(fp_rxbuf, n, f->cfg.server.response_bytes, true);
	fp_end(f);
}
END_TEST

/* Without options in the SYN: MSS 536 from the table, no scaling, no SACK, no timestamps. */
START_TEST(test_syncookie_no_options)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	struct tt_conn *c;

	f->cfg.tcp.syn_cookies = TT_SYNCOOKIE_ON;
	f->syn_opts = 0;
	fp_start(f);
	s = cookie_synack(f);
	ck_assert_uint_eq(s->opts, TT_OPT_MSS);
	fp_ack(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	c = fp_conn(f);
	ck_assert_uint_eq(c->mss, 536);
	ck_assert_uint_eq(c->flags & (TT_CF_WS | TT_CF_TS | TT_CF_SACK), 0);
	fp_end(f);
}
END_TEST

/* A forged cookie, one for another SYN, and a stale one are refused with RST. */
START_TEST(test_syncookie_refused)
{
	struct fp *f = fp_cur;
	const struct fp_seg *s;
	uint32_t iss;

	f->cfg.tcp.syn_cookies = TT_SYNCOOKIE_ON;
	fp_start(f);
	s = cookie_synack(f);
	iss = s->seq;
	/* One bit off in the hash. */
	fp_raw(f, ACK, f->pc.iss + 1, iss + 2, f->win, NULL, 0, NULL, 0);
	fp_expect(f, RST);
	ck_assert_uint_eq(ST(f, syncookies_failed), 1);
	/* The right cookie, but for another ISN of the peer (another SYN). */
	fp_raw(f, ACK, f->pc.iss + 2, iss + 1, f->win, NULL, 0, NULL, 0);
	fp_expect(f, RST);
	ck_assert_uint_eq(ST(f, syncookies_failed), 2);
	ck_assert_uint_eq(tt_tcp_flows_in_use(f->ctx), 0);
	/* Three 65.536 s periods later the cookie is stale. */
	fp_time(f, 3 * 65536);
	fp_ack(f);
	fp_expect(f, RST);
	ck_assert_uint_eq(ST(f, syncookies_failed), 3);
	ck_assert_uint_eq(ST(f, syncookies_ok), 0);
	ck_assert_uint_eq(tt_tcp_flows_in_use(f->ctx), 0);
	/* One period later it is still good. */
	s = cookie_synack(f);
	fp_time(f, 65536);
	fp_ack(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	ck_assert_uint_eq(ST(f, syncookies_ok), 1);
	fp_end(f);
}
END_TEST

/* With cookies off, even a valid cookie is an ACK for no flow: RST, no flow, nothing counted. */
START_TEST(test_syncookie_off)
{
	struct fp *f = fp_cur;
	struct tt_seg syn = { 0 };
	uint32_t iss;

	f->cfg.tcp.syn_cookies = TT_SYNCOOKIE_OFF;
	fp_start(f);
	syn.saddr = f->addr;
	syn.daddr = TT_TEST_IP_US;
	syn.sport = f->pc.port;
	syn.dport = f->lport;
	syn.seq = f->pc.iss;
	iss = tt_syncookie_iss(f->ctx, &syn);
	fp_raw(f, ACK, f->pc.iss + 1, iss + 1, f->win, NULL, 0, NULL, 0);
	fp_expect(f, RST);
	ck_assert_uint_eq(ST(f, syncookies_failed), 0);
	ck_assert_uint_eq(ST(f, syncookies_ok), 0);
	ck_assert_uint_eq(tt_tcp_flows_in_use(f->ctx), 0);
	fp_end(f);
}
END_TEST

/*
 * syn_cookies = auto: flows while fewer than a quarter of the table is
 * half-open, cookies from then on, and the SYN_RCVD flows still complete.
 */
START_TEST(test_syncookie_auto_flood)
{
	struct fp *f = fp_cur;
	unsigned int i;

	f->cfg.tcp.max_flows = 16;	/* cookies from 4 half-open on */
	ck_assert_int_eq(f->cfg.tcp.syn_cookies, TT_SYNCOOKIE_AUTO);
	fp_start(f);
	for (i = 0; i < 4; i++) {
		fp_new_conn(f, (uint16_t)(41000 + i), 1000 + i * 100000);
		fp_syn(f);
	}
	ck_assert_int_eq(GAUGE(f, SYN_RCVD), 4);
	ck_assert_uint_eq(ST(f, syncookies_sent), 0);
	fp_new_conn(f, 42000, 9000000);
	cookie_synack(f);
	fp_ack(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	ck_assert_uint_eq(ST(f, syncookies_ok), 1);
	ck_assert_int_eq(GAUGE(f, SYN_RCVD), 4);
	fp_end(f);
}
END_TEST

/* A full table answers with cookies rather than silence (auto), and refuses their ACK until room frees. */
START_TEST(test_syncookie_table_full)
{
	struct fp *f = fp_cur;
	unsigned int i;

	f->cfg.tcp.max_flows = 8;
	fp_start(f);
	for (i = 0; i < 8; i++) {
		fp_new_conn(f, (uint16_t)(43000 + i), 1000 + i * 100000);
		fp_open(f);
	}
	fp_new_conn(f, 44000, 9000000);
	cookie_synack(f);
	ck_assert_uint_eq(ST(f, refused_table_full), 0);
	fp_ack(f);
	fp_none(f);
	ck_assert_uint_eq(ST(f, refused_table_full), 1);
	ck_assert_uint_eq(ST(f, syncookies_ok), 0);
	fp_end(f);
}
END_TEST

/*
 * CRC32-C is affine over GF(2): crc(k, seed) = L(k) ^ C(seed) for keys of
 * one length, L linear. So the (source address, source port) pairs whose
 * 48 bits lie in the kernel of L (restricted to those bits) all share one
 * signature under every seed: 2^16 of them at least, which an attacker can
 * compute offline and send at a CRC-hashed table. Find them here, check
 * that they do collide under CRC with two seeds, then that the engine's
 * keyed hash spreads them like random keys.
 */
/*
 * rte_hash_crc() reads the key as 64-bit words: kept out of line, so that
 * the compiler cannot reorder those loads before the stores of the
 * struct fields (strict aliasing).
 */
static __rte_noinline uint32_t
crc_key(const struct tt_flow_key *k, uint32_t seed)
{
	return rte_hash_crc(k, sizeof(*k), seed);
}

static uint32_t
crc_bits(uint64_t v)
{
	struct tt_flow_key k = { .raddr = (uint32_t)v, .laddr = TT_TEST_IP_US,
				 .rport = (uint16_t)(v >> 32), .lport = 80 };
	struct tt_flow_key z = { .laddr = TT_TEST_IP_US, .lport = 80 };

	/* L(v): the CRC's linear part, with the constant part taken out. */
	return crc_key(&k, 0) ^ crc_key(&z, 0);
}

START_TEST(test_flow_hash_crc_collisions)
{
	uint64_t basis[48], kern[48];
	uint32_t img[48];
	unsigned int nk = 0, i, j, r, x, max_b = 0;
	unsigned int *buckets = calloc(4096, sizeof(*buckets));
	uint32_t sig0 = 0, sig1 = 0;

	ck_assert_ptr_nonnull(buckets);
	/* Gaussian elimination of the 48 images; the dependent ones give the kernel. */
	for (i = 0; i < 48; i++) {
		basis[i] = 1ull << i;
		img[i] = crc_bits(basis[i]);
	}
	for (r = 0, j = 0; j < 32 && r < 48; j++) {
		for (i = r; i < 48 && !(img[i] >> j & 1); i++)
			;
		if (i == 48)
			continue;
		RTE_SWAP(img[i], img[r]);
		RTE_SWAP(basis[i], basis[r]);
		for (i = 0; i < 48; i++) {
			if (i != r && (img[i] >> j & 1)) {
				img[i] ^= img[r];
				basis[i] ^= basis[r];
			}
		}
		r++;
	}
	for (i = 0; i < 48; i++)
		if (img[i] == 0)
			kern[nk++] = basis[i];
	ck_assert_uint_ge(nk, 16);
	tt_test_eal_init();
	/* 2^16 keys from 16 kernel vectors: one CRC signature for all, any seed. */
	for (x = 0; x < 65536; x++) {
		uint64_t v = 0;
		struct tt_flow_key k = { .laddr = TT_TEST_IP_US, .lport = 80 };
		uint32_t b;

		for (i = 0; i < 16; i++)
			if (x >> i & 1)
				v ^= kern[i];
		k.raddr = (uint32_t)v;
		k.rport = (uint16_t)(v >> 32);
		if (x == 0)
			sig0 = crc_key(&k, 0x12345678);
		ck_assert_uint_eq(crc_key(&k, 0x12345678), sig0);
		if (x == 0)
			sig1 = crc_key(&k, 0x9abcdef0);
		ck_assert_uint_eq(crc_key(&k, 0x9abcdef0), sig1);
		/* The engine's signature, as rte_hash uses it: low bits pick the bucket. */
		tt_flow_secret[0] = 0x9e3779b9;
		tt_flow_secret[1] = 0x7f4a7c15;
		tt_flow_secret[2] = 0xf39cc060;
		tt_flow_secret[3] = 0x5ced1ef7;
		b = tt_tcp_flow_sig(NULL, &k) & 4095;
		if (++buckets[b] > max_b)
			max_b = buckets[b];
	}
	/* 16 keys a bucket on average; random keys give at most about 35. */
	ck_assert_uint_le(max_b, 48);
	free(buckets);
}
END_TEST

/*
 * Blind segments outside the window (RFC 9293 3.10.7.4 first) get an ACK
 * and are dropped, and do not count as activity: the idle timeout fires
 * when it would have without them.
 */
START_TEST(test_idle_not_refreshed_by_blind_segments)
{
	struct fp *f = fp_cur;
	unsigned int i;

	f->cfg.server.app = TT_APP_DISCARD;
	f->cfg.server.idle_timeout_ms = 3000;
	fp_start(f);
	fp_open(f);
	for (i = 0; i < 5; i++) {
		fp_time(f, 500);
		/* Data far outside the window, then an RST in it but not at RCV.NXT. */
		fp_raw(f, ACK, f->pc.snd_nxt + 0x20000000u, f->pc.rcv_nxt, f->win, NULL, 0,
		       "x", 1);
		fp_expect(f, ACK);
		fp_raw(f, RST, f->pc.snd_nxt + 1, 0, 0, NULL, 0, NULL, 0);
		fp_expect(f, ACK);
	}
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_time(f, 3000 - 5 * 500 - 1);
	fp_none(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	fp_time(f, 1);
	fp_expect(f, RST | ACK);
	ck_assert_uint_eq(ST(f, idle_timeouts), 1);
	fp_end(f);
}
END_TEST

/*
 * TIME_WAIT (RFC 9293 3.10.7.4): the retransmitted FIN restarts 2 MSL, but
 * another old FIN is only acknowledged; with tcp.rfc1337 an RST is ignored
 * (RFC 1337 4), without it an exact RST ends TIME_WAIT.
 */
START_TEST(test_time_wait_fin_and_rst)
{
	struct fp *f = fp_cur;
	struct fp_pc pa, pb;
	uint32_t fin_a, fin_b, msl;

	f->cfg.tcp.rfc1337 = true;
	fp_start(f);
	msl = f->cfg.tcp.msl_ms;
	fp_to_time_wait(f);
	pa = f->pc;
	fp_new_conn(f, 40001, 0x20000000);
	fp_to_time_wait(f);
	pb = f->pc;
	fin_a = pa.snd_nxt - 1;
	fin_b = pb.snd_nxt - 1;
	fp_time(f, 10);
	/* A: an older FIN (it would end 100 bytes before RCV.NXT): ACK only. */
	f->pc = pa;
	fp_raw(f, FIN | ACK, fin_a - 100, f->pc.rcv_nxt, f->win, NULL, 0, NULL, 0);
	fp_expect(f, ACK);
	/* B: the peer's FIN again: ACK, 2 MSL from now. */
	f->pc = pb;
	fp_raw(f, FIN | ACK, fin_b, f->pc.rcv_nxt, f->win, NULL, 0, NULL, 0);
	fp_expect(f, ACK);
	/* An exact RST is ignored. */
	fp_raw(f, RST | ACK, f->pc.snd_nxt, f->pc.rcv_nxt, 0, NULL, 0, NULL, 0);
	fp_none(f);
	ck_state(f, TT_TCPS_TIME_WAIT);
	ck_assert_uint_eq(ST(f, tw_rst_ignored), 1);
	ck_assert_uint_eq(ST(f, tw_ended_by_rst), 0);
	/* A ends 2 MSL after it entered, B 2 MSL after its FIN came again. */
	fp_time(f, 2 * msl - 10);
	f->pc = pa;
	ck_state(f, TT_TCPS_CLOSED);
	f->pc = pb;
	ck_state(f, TT_TCPS_TIME_WAIT);
	fp_time(f, 9);
	ck_state(f, TT_TCPS_TIME_WAIT);
	fp_time(f, 1);
	ck_state(f, TT_TCPS_CLOSED);
	fp_end(f);
}
END_TEST

/*
 * The tuples a generator opens differ only in a port or a source address:
 * both halves of their signatures must still spread, the low bits (the
 * rte_hash bucket) and the high 16 (its short signature, compared before
 * the keys). The bare NH output did not: the 16 high bits of consecutive
 * ports' signatures barely moved, and the flow table ran 5x slower.
 */
START_TEST(test_flow_hash_spreads_neighbours)
{
	uint8_t *seen = calloc(65536, 1);
	unsigned int *buckets = calloc(8192, sizeof(*buckets));
	unsigned int p, distinct = 0, max_b = 0;

	ck_assert_ptr_nonnull(seen);
	ck_assert_ptr_nonnull(buckets);
	tt_flow_secret[0] = 0x12345679;
	tt_flow_secret[1] = 0x9abcdef0;
	tt_flow_secret[2] = 0x0f1e2d3c;
	tt_flow_secret[3] = 0x4b5a6978;
	for (p = 0; p < 65536; p++) {
		struct tt_flow_key k = { .raddr = TT_TEST_IP_PEER + (p & 3),
					 .laddr = TT_TEST_IP_US, .rport = 80,
					 .lport = (uint16_t)(p >> 2) };
		uint32_t sig = tt_tcp_flow_sig(NULL, &k);

		if (!seen[sig >> 16]++)
			distinct++;
		if (++buckets[sig & 8191] > max_b)
			max_b = buckets[sig & 8191];
	}
	/* Random signatures: about 41,400 distinct high halves, at most about 20 a bucket. */
	ck_assert_uint_ge(distinct, 38000);
	ck_assert_uint_le(max_b, 32);
	free(seen);
	free(buckets);
}
END_TEST

/*
 * tt_siphash24_12() is SipHash-2-4 of a 12-byte message (the ISN's, RFC
 * 6528): the reference algorithm's answer for key 00..0f and message
 * 00..0b (computed with the reference, which gives the paper's
 * a129ca6149be45e5 for the 15-byte message 00..0e).
 */
START_TEST(test_siphash_12_known_answer)
{
	const uint32_t key[4] = { 0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c };

	ck_assert_uint_eq(tt_siphash24_12(key, 0x0706050403020100ULL, 0x0b0a0908u),
			  0x751e8fbc860ee5fbULL);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("tcp_flood");
	TCase *tc;

	tt_test_eal_init();
	tc = fp_tcase("syncookie");
	tcase_add_test(tc, test_syncookie_handshake);
	tcase_add_test(tc, test_syncookie_no_options);
	tcase_add_test(tc, test_syncookie_refused);
	tcase_add_test(tc, test_syncookie_off);
	tcase_add_test(tc, test_syncookie_auto_flood);
	tcase_add_test(tc, test_syncookie_table_full);
	tcase_add_test(tc, test_siphash_12_known_answer);
	suite_add_tcase(s, tc);
	tc = fp_tcase("hostile");
	tcase_add_test(tc, test_idle_not_refreshed_by_blind_segments);
	tcase_add_test(tc, test_time_wait_fin_and_rst);
	suite_add_tcase(s, tc);
	tc = tcase_create("flow_hash");
	tcase_add_test(tc, test_flow_hash_crc_collisions);
	tcase_add_test(tc, test_flow_hash_spreads_neighbours);
	suite_add_tcase(s, tc);
	return s;
}
