/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the flow index (lib/tcp/tt_flowidx.c): insert, lookup and
 * delete with the keys compared in the blocks; the bucket arithmetic
 * (either bucket of an entry gives the other, at every bucket count, the
 * last bucket included); a table filled past its design load (the
 * displacements keep every entry findable, and a refused insert changes
 * nothing); and floods of one signature or one bucket: at most 16 flows
 * share a hash, each found by its key among the two buckets, and a flood
 * of one first bucket spreads over the second buckets.
 */

#include <errno.h>
#include <stdlib.h>

#include <check.h>

#include "tt_fake_peer.h"
#include "tt_test_util.h"

#include "tcp/tt_flowidx.h"
#include "tcp/tt_tcp.h"
#include "tcp/tt_tcp_priv.h"

static struct tt_conn *
blocks(unsigned int n)
{
	struct tt_conn *c = calloc(n, sizeof(*c));
	unsigned int i;

	ck_assert_ptr_nonnull(c);
	for (i = 0; i < n; i++) {
		c[i].raddr = 0xc6120001 + (i & 255);
		c[i].laddr = 0xc6120102;
		c[i].rport = (uint16_t)(1024 + (i >> 8));
		c[i].lport = 80;
	}
	return c;
}

/* An index for @p max_flows flows and @p n blocks for it. */
static struct tt_conn *
fixture(struct tt_flowidx *x, uint32_t max_flows, unsigned int n)
{
	ck_assert_int_eq(tt_flowidx_init(x, max_flows, SOCKET_ID_ANY), 0);
	return blocks(n);
}

static void
fixture_free(struct tt_flowidx *x, struct tt_conn *conns)
{
	tt_flowidx_free(x);
	free(conns);
}

static struct tt_flow_key
key_of(const struct tt_conn *c)
{
	return (struct tt_flow_key){ .raddr = c->raddr, .laddr = c->laddr, .rport = c->rport,
				     .lport = c->lport };
}

static uint32_t
find(const struct tt_flowidx *x, const struct tt_conn *conns, uint32_t i, uint64_t h)
{
	struct tt_flow_key k = key_of(&conns[i]);

	return tt_flowidx_lookup(x, h, conns, &k);
}

static void
set_secret(void)
{
	tt_flow_secret[0] = 0x12345679;
	tt_flow_secret[1] = 0x9abcdef0;
	tt_flow_secret[2] = 0x0f1e2d3c;
	tt_flow_secret[3] = 0x4b5a6978;
}

/* Whether block @p idx sits in bucket @p b. */
static bool
in_bucket(const struct tt_flowidx *x, uint32_t b, uint32_t idx)
{
	unsigned int i;

	for (i = 0; i < TT_FLOWIDX_WAYS; i++)
		if (x->bkt[b].idx[i] == idx)
			return true;
	return false;
}

/* A full table of max_flows flows: every one found, deletes leave no trace. */
START_TEST(test_insert_lookup_delete)
{
	const unsigned int n = 20000;
	struct tt_flowidx x;
	struct tt_conn *conns = fixture(&x, n, n + 1);
	uint64_t *h = calloc(n + 1, sizeof(*h));
	struct tt_flow_key k;
	unsigned int i;

	set_secret();
	ck_assert_ptr_nonnull(h);
	/* 16 bytes a flow: n / 4 buckets of 64 bytes. */
	ck_assert_uint_eq(x.nb, n / 4);
	for (i = 0; i <= n; i++) {
		k = key_of(&conns[i]);
		h[i] = tt_tcp_flow_hash64(&k);
	}
	for (i = 0; i < n; i++)
		ck_assert_int_eq(tt_flowidx_insert(&x, h[i], i), 0);
	ck_assert_uint_eq(x.n, n);
	for (i = 0; i < n; i++) {
		uint32_t b1 = tt_flowidx_b1(&x, h[i]);

		ck_assert_uint_eq(find(&x, conns, i, h[i]), i);
		ck_assert(in_bucket(&x, b1, i) ||
			  in_bucket(&x, tt_flowidx_alt(&x, b1, tt_flowidx_sig(h[i])), i));
	}
	/* Block n was never added. */
	ck_assert_uint_eq(find(&x, conns, n, h[n]), TT_FLOWIDX_NIL);
	/* The signature matches, the key does not: no flow. */
	k = key_of(&conns[0]);
	k.lport = 81;
	ck_assert_uint_eq(tt_flowidx_lookup(&x, h[0], conns, &k), TT_FLOWIDX_NIL);
	/* Every other one out, then back in. */
	for (i = 0; i < n; i += 2)
		ck_assert_int_eq(tt_flowidx_remove(&x, h[i], i), 0);
	ck_assert_int_eq(tt_flowidx_remove(&x, h[0], 0), -ENOENT);
	ck_assert_uint_eq(x.n, n / 2);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(find(&x, conns, i, h[i]), i % 2 ? i : TT_FLOWIDX_NIL);
	for (i = 0; i < n; i += 2)
		ck_assert_int_eq(tt_flowidx_insert(&x, h[i], i), 0);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(find(&x, conns, i, h[i]), i);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(tt_flowidx_remove(&x, h[i], i), 0);
	ck_assert_uint_eq(x.n, 0);
	for (i = 0; i < x.nb * TT_FLOWIDX_WAYS; i++)
		ck_assert_uint_eq(x.bkt[i / TT_FLOWIDX_WAYS].idx[i % TT_FLOWIDX_WAYS],
				  TT_FLOWIDX_NIL);
	fixture_free(&x, conns);
	free(h);
}
END_TEST

/* Either bucket gives the other, within the table, at any bucket count. */
START_TEST(test_alt_wraps)
{
	static const uint32_t nbs[] = { 1, 2, 3, 7, 16, 1000, 65537, 1u << 28 };
	struct tt_flowidx x = { 0 };
	unsigned int i, j, bad = 0;
	uint64_t r = 0x243f6a8885a308d3ULL;

	for (i = 0; i < RTE_DIM(nbs); i++) {
		x.nb = nbs[i];
		for (j = 0; j < 100000; j++) {
			uint32_t b, b2, sig;
			uint64_t h;

			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			h = r;
			/* The first and the last buckets, and the rest. */
			if (j == 0)
				h = 0;
			else if (j == 1)
				h = UINT64_MAX;
			b = tt_flowidx_b1(&x, h);
			sig = tt_flowidx_sig(h);
			b2 = tt_flowidx_alt(&x, b, sig);
			/* Counted, not asserted one by one: Check's assertions are slow. */
			if (b >= x.nb || b2 >= x.nb || tt_flowidx_alt(&x, b2, sig) != b)
				bad++;
		}
	}
	ck_assert_uint_eq(bad, 0);
}
END_TEST

/*
 * 16 flows of one 64-bit hash fill both its buckets; the 17th is refused
 * and changes nothing; each is found by its key, in those two buckets
 * only (a lookup reads two lines whatever the flood); a delete makes room.
 */
START_TEST(test_one_hash_bounded)
{
	struct tt_flowidx x;
	struct tt_conn *conns = fixture(&x, 4096, 64);
	uint64_t h = 0x0123456789abcdefULL;
	uint32_t b1, b2;
	unsigned int i;

	b1 = tt_flowidx_b1(&x, h);
	b2 = tt_flowidx_alt(&x, b1, tt_flowidx_sig(h));
	ck_assert_uint_ne(b1, b2);
	for (i = 0; i < 2 * TT_FLOWIDX_WAYS; i++)
		ck_assert_int_eq(tt_flowidx_insert(&x, h, i), 0);
	ck_assert_int_eq(tt_flowidx_insert(&x, h, 16), -ENOSPC);
	ck_assert_uint_eq(x.n, 16);
	for (i = 0; i < 2 * TT_FLOWIDX_WAYS; i++) {
		ck_assert_uint_eq(find(&x, conns, i, h), i);
		ck_assert(in_bucket(&x, b1, i) || in_bucket(&x, b2, i));
	}
	ck_assert_uint_eq(find(&x, conns, 16, h), TT_FLOWIDX_NIL);
	ck_assert_uint_eq(tt_flowidx_candidate(&x, h) < 16, true);
	ck_assert_int_eq(tt_flowidx_remove(&x, h, 5), 0);
	ck_assert_int_eq(tt_flowidx_insert(&x, h, 16), 0);
	ck_assert_uint_eq(find(&x, conns, 16, h), 16);
	ck_assert_uint_eq(find(&x, conns, 5, h), TT_FLOWIDX_NIL);
	fixture_free(&x, conns);
}
END_TEST

/*
 * 2,000 flows whose first bucket is one and the same (their hashes share
 * the high half): the second buckets, spread by the signature, take them
 * all, in a table sized for 4,096.
 */
START_TEST(test_one_bucket_flood)
{
	const unsigned int n = 2000;
	struct tt_flowidx x;
	struct tt_conn *conns = fixture(&x, 4096, n);
	unsigned int i;

	/* One high half, low halves spread (a 32-bit multiplicative hash of i). */
	for (i = 0; i < n; i++)
		ck_assert_int_eq(tt_flowidx_insert(&x, 0xfeedfacecafe0000ULL ^ (i * 2654435761u), i),
				 0);
	for (i = 0; i < n; i++) {
		uint64_t h = 0xfeedfacecafe0000ULL ^ (i * 2654435761u);

		ck_assert_uint_eq(tt_flowidx_b1(&x, h), tt_flowidx_b1(&x, 0xfeedfacecafe0000ULL));
		ck_assert_uint_eq(find(&x, conns, i, h), i);
	}
	fixture_free(&x, conns);
}
END_TEST

/*
 * Past the design load: a table of 32 buckets (256 slots) takes random
 * flows until an insert is refused (300 tried). The displacements must have kept every
 * flow findable in one of its two buckets, at a load well past 1/2, and
 * the refused insert must have changed nothing.
 */
START_TEST(test_displacement_full)
{
	const unsigned int n = 300;
	struct tt_flowidx x;
	struct tt_conn *conns = fixture(&x, 128, n);
	uint64_t h[300], r = 0x9e3779b97f4a7c15ULL;
	unsigned int i, j, added = 0;

	ck_assert_uint_eq(x.nb, 32);
	for (i = 0; i < n; i++) {
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		h[i] = r ^ (r >> 29);
		if (tt_flowidx_insert(&x, h[i], i) < 0)
			break;
		added++;
	}
	/* Two-choice buckets of 8 fill past 90% before the first refusal. */
	ck_assert_uint_ge(added, 230);
	ck_assert_uint_le(added, 256);
	ck_assert_uint_eq(x.n, added);
	for (j = 0; j < added; j++) {
		uint32_t b1 = tt_flowidx_b1(&x, h[j]);

		ck_assert_uint_eq(find(&x, conns, j, h[j]), j);
		ck_assert(in_bucket(&x, b1, j) ||
			  in_bucket(&x, tt_flowidx_alt(&x, b1, tt_flowidx_sig(h[j])), j));
	}
	ck_assert_uint_eq(find(&x, conns, added, h[added]), TT_FLOWIDX_NIL);
	fixture_free(&x, conns);
}
END_TEST

/*
 * The engine under a collision flood: with a secret the test knows (an
 * attacker does not), 4-tuples (peer address + t, port 40000 - t) all have one
 * 64-bit hash. 16 connections open and work, each found by its key; the
 * 17th SYN is refused and counted (flow_index_full, refused_table_full),
 * with 48 blocks still free.
 */
/* Peer t's address: 198.18.0.10 + t (no clash with ours, 198.18.0.2). */
#define PEER(t) (TT_TEST_IPV4(198, 18, 0, 10) + (t))

START_TEST(test_engine_collision_flood)
{
	struct fp *f = fp_cur;
	struct tt_flow_key k0 = { .raddr = PEER(0), .laddr = TT_TEST_IP_US,
				  .rport = 40000, .lport = 80 };
	struct tt_flow_key k16 = k0;
	struct fp_pc pc15;
	const struct fp_seg *sg;
	unsigned int t;

	/* NH = 65536 (raddr) + (rport << 16 | lport): raddr + 1, rport - 1 collide. */
	tt_flow_secret[0] = 0;
	tt_flow_secret[1] = 65536 - TT_TEST_IP_US;
	tt_flow_secret[2] = 0;
	tt_flow_secret[3] = 1;
	k16.raddr += 16;
	k16.rport -= 16;
	ck_assert_uint_eq(tt_tcp_flow_hash64(&k0), tt_tcp_flow_hash64(&k16));
	f->cfg.tcp.syn_cookies = TT_SYNCOOKIE_OFF;
	fp_start(f);
	for (t = 0; t < 16; t++) {
		f->addr = PEER(t);
		fp_new_conn(f, (uint16_t)(40000 - t), 1000000 * t);
		fp_open(f);
		ck_state(f, TT_TCPS_ESTABLISHED);
	}
	pc15 = f->pc;
	f->addr = PEER(16);
	fp_new_conn(f, 40000 - 16, 99);
	fp_send_syn(f);
	fp_none(f);
	ck_assert_uint_eq(ST(f, flow_index_full), 1);
	ck_assert_uint_eq(ST(f, refused_table_full), 1);
	ck_assert_uint_eq(tt_tcp_flows_in_use(f->ctx), 16);
	for (t = 0; t < 16; t++) {
		struct tt_conn *c = tt_tcp_lookup(f->ctx, TT_TEST_IP_US, 80, PEER(t),
						  (uint16_t)(40000 - t));

		ck_assert_ptr_nonnull(c);
		ck_assert_uint_eq(c->raddr, PEER(t));
		ck_assert_uint_eq(c->rport, 40000 - t);
	}
	ck_assert_ptr_null(tt_tcp_lookup(f->ctx, TT_TEST_IP_US, 80, PEER(16),
					 40000 - 16));
	/* A segment of the last one reaches its own block: an HTTP exchange on it. */
	f->addr = PEER(15);
	f->pc = pc15;
	fp_send_str(f, REQ10);
	sg = fp_expect(f, ACK | PSH | FIN);
	ck_assert_uint_eq(sg->len, fp_http_response_len(f->cfg.server.response_bytes, false));
	ck_assert_uint_eq(sg->daddr, PEER(15));
	fp_end(f);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("flowidx");
	TCase *tc = tcase_create("flowidx");

	tt_test_eal_init();
	tcase_add_test(tc, test_insert_lookup_delete);
	tcase_add_test(tc, test_alt_wraps);
	tcase_add_test(tc, test_one_hash_bounded);
	tcase_add_test(tc, test_one_bucket_flood);
	tcase_add_test(tc, test_displacement_full);
	suite_add_tcase(s, tc);
	tc = fp_tcase("engine");
	tcase_add_test(tc, test_engine_collision_flood);
	suite_add_tcase(s, tc);
	return s;
}
