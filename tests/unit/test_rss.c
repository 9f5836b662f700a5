/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of multi-lcore flow placement: the Toeplitz hash of RSS
 * (lib/net/tt_rss.c) against the verification values of Microsoft's RSS
 * specification and against DPDK's rte_softrss() with the key as given,
 * its linearity (what the client's bucket precompute rests on) and the
 * symmetry of tcpterm's default key; the client's tuple choice in rss hash
 * mode (lib/gen/tt_gen.c), checked tuple by tuple against rte_softrss();
 * and the owner function of software steering (lib/gen/tt_owner.h).
 */
#include <string.h>

#include <check.h>

#include <rte_random.h>
#include <rte_thash.h>

#include <rte_cycles.h>

#include "cfg/tt_cfg.h"
#include "gen/tt_gen.h"
#include "l7/tt_app.h"
#include "gen/tt_owner.h"
#include "net/tt_rss.h"
#include "tcp/tt_tcp_priv.h"
#include "tt_test_util.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* The key of the "Verifying the RSS Hash Calculation" examples (Microsoft). */
static const uint8_t ms_key[TT_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* Its IPv4 with TCP table: source, destination, and the hash. */
START_TEST(test_ms_vectors)
{
	static const struct {
		uint32_t src, dst;
		uint16_t sport, dport;
		uint32_t hash;
	} v[] = {
		{ IP(66, 9, 149, 187), IP(161, 142, 100, 80), 2794, 1766, 0x51ccc178 },
		{ IP(199, 92, 111, 2), IP(65, 69, 140, 83), 14230, 4739, 0xc626b0ea },
		{ IP(24, 19, 198, 95), IP(12, 22, 207, 184), 12898, 38024, 0x5c2b394a },
		{ IP(38, 27, 205, 30), IP(209, 142, 163, 6), 48228, 2217, 0xafc7327f },
		{ IP(153, 39, 163, 191), IP(202, 188, 127, 2), 44251, 1303, 0x10e828a2 },
	};
	struct tt_rss r;
	unsigned int i;

	ck_assert_int_eq(tt_rss_load(&r, ms_key, NULL, 128, 4), 0);
	for (i = 0; i < RTE_DIM(v); i++)
		ck_assert_msg(tt_rss_hash(&r, v[i].src, v[i].dst, v[i].sport, v[i].dport) ==
			      v[i].hash, "vector %u: 0x%08x, expected 0x%08x", i,
			      tt_rss_hash(&r, v[i].src, v[i].dst, v[i].sport, v[i].dport),
			      v[i].hash);
}
END_TEST

/*
 * For random keys and tuples: tt_rss_hash() is rte_softrss() with the key
 * as the NIC takes it, and it is linear: the hash of a reply is the hash
 * of its addresses and remote port XOR the hash of its local port alone.
 */
START_TEST(test_softrss_linear)
{
	uint8_t key[TT_RSS_KEY_LEN];
	struct tt_rss r;
	unsigned int i, k;

	for (k = 0; k < 8; k++) {
		for (i = 0; i < TT_RSS_KEY_LEN; i++)
			key[i] = (uint8_t)rte_rand();
		ck_assert_int_eq(tt_rss_load(&r, key, NULL, 512, 3), 0);
		for (i = 0; i < 2000; i++) {
			uint64_t x = rte_rand();
			uint32_t src = (uint32_t)x, dst = (uint32_t)(x >> 32);
			uint16_t sport = (uint16_t)rte_rand(), dport = (uint16_t)rte_rand();
			uint32_t tuple[3] = { src, dst, (uint32_t)sport << 16 | dport };
			uint32_t h = tt_rss_hash(&r, src, dst, sport, dport);

			ck_assert_uint_eq(h, rte_softrss(tuple, 3, key));
			ck_assert_uint_eq(h, tt_rss_hash(&r, src, dst, sport, 0) ^
					     tt_rss_hash(&r, 0, 0, 0, dport));
			ck_assert_uint_eq(tt_rss_queue(&r, h), (h & 511) % 3);
		}
	}
}
END_TEST

/* Under tcpterm's default key both directions of a flow hash alike. */
START_TEST(test_symmetric_key)
{
	struct tt_rss r;
	unsigned int i;

	ck_assert_int_eq(tt_rss_load(&r, tt_rss_sym_key, NULL, 128, 2), 0);
	for (i = 0; i < 10000; i++) {
		uint64_t x = rte_rand();
		uint16_t a = (uint16_t)rte_rand(), b = (uint16_t)rte_rand();

		ck_assert_uint_eq(tt_rss_hash(&r, (uint32_t)x, (uint32_t)(x >> 32), a, b),
				  tt_rss_hash(&r, (uint32_t)(x >> 32), (uint32_t)x, b, a));
	}
	/* A RETA that is not a power of two, or too large, is refused. */
	ck_assert_int_eq(tt_rss_load(&r, tt_rss_sym_key, NULL, 100, 2), -EINVAL);
	ck_assert_int_eq(tt_rss_load(&r, tt_rss_sym_key, NULL, 1024, 2), -EINVAL);
}
END_TEST

static uint8_t owner[65536];

/*
 * The owner of a client connection is the lcore whose slice of the source
 * ports holds its local port; of any other, the flow hash scaled to the
 * lcores: the same for every segment of the connection, within range, and
 * spread evenly.
 */
START_TEST(test_owner)
{
	struct tt_config cfg;
	unsigned int n = 3, i, cnt[3] = { 0 };
	uint32_t count, k;
	uint16_t first;

	tt_cfg_defaults(&cfg);
	cfg.client.enabled = true;
	cfg.client.sport_first = 10000;
	cfg.client.sport_last = 10999;
	for (i = 0; i < 4; i++)
		tt_flow_secret[i] = (uint32_t)rte_rand() | 1;
	tt_owner_fill(&cfg, n, owner);
	for (i = 0; i < n; i++) {
		tt_gen_sport_share(&cfg, i, n, &first, &count);
		ck_assert_uint_ge(count, 333);
		for (k = 0; k < count; k++)
			ck_assert_uint_eq(tt_owner_of(owner, n, IP(198, 18, 0, 1),
						      IP(198, 18, 0, 2), 80,
						      (uint16_t)(first + k)), i);
	}
	ck_assert_uint_eq(owner[9999], TT_OWNER_BY_HASH);
	ck_assert_uint_eq(owner[11000], TT_OWNER_BY_HASH);
	/* Server connections (local port 80): by the hash of the whole tuple. */
	for (i = 0; i < 30000; i++) {
		uint32_t raddr = IP(198, 18, 1, 0) + (uint32_t)(rte_rand() % 4096);
		uint16_t rport = (uint16_t)(1024 + rte_rand() % 60000);
		unsigned int o = tt_owner_of(owner, n, raddr, IP(198, 18, 0, 2), rport, 80);

		ck_assert_uint_lt(o, n);
		ck_assert_uint_eq(o, tt_owner_of(owner, n, raddr, IP(198, 18, 0, 2), rport, 80));
		cnt[o]++;
	}
	for (i = 0; i < n; i++)
		ck_assert_msg(cnt[i] > 9000 && cnt[i] < 11000, "lcore %u owns %u of 30000",
			      i, cnt[i]);
	/* Without a client every port is spread by the hash. */
	cfg.client.enabled = false;
	tt_owner_fill(&cfg, n, owner);
	ck_assert_uint_eq(owner[10500], TT_OWNER_BY_HASH);
}
END_TEST

/* The reply queue of the client tuple (laddr:lport -> raddr:rport), by rte_softrss(). */
static unsigned int
reply_queue(const struct tt_rss *r, uint32_t laddr, uint16_t lport, uint32_t raddr,
	    uint16_t rport)
{
	uint32_t tuple[3] = { raddr, laddr, (uint32_t)rport << 16 | lport };

	return r->reta[rte_softrss(tuple, 3, r->key) & (r->reta_size - 1u)];
}

/*
 * Hash mode: lcore @p idx of @p n opens exactly the tuples whose replies
 * the RETA sends to queue idx (every one of them, each once), over two
 * source addresses and two targets (four pairs, each its own bucket
 * mask), with a random key and a RETA of 64 entries not in i % n order.
 */
static uint64_t
hash_tuples(unsigned int idx, unsigned int n, const uint8_t *key, const uint16_t *reta,
	    unsigned int reta_size)
{
	static const uint32_t targets[2] = { IP(198, 18, 0, 1), IP(198, 18, 0, 9) };
	static uint8_t seen[2][2][512];
	struct tt_config cfg;
	struct tt_test_ctx *t;
	struct tt_tcp_ctx *ctx;
	struct tt_app_ctx *app;
	struct tt_gen *g;
	struct tt_rss r;
	uint64_t hz = rte_get_tsc_hz(), tsc = 1000000, want = 0, got = 0;
	unsigned int i, s, k, round;

	ck_assert_int_eq(tt_rss_load(&r, key, reta, reta_size, 0), 0);

	tt_cfg_defaults(&cfg);
	cfg.port[0].present = true;
	cfg.port[0].ip = TT_TEST_IP_US;
	cfg.port[0].prefix = 24;
	cfg.tcp.max_flows = 4096;
	cfg.client.enabled = true;
	cfg.client.n_target = 2;
	for (i = 0; i < 2; i++) {
		cfg.client.target[i].ip = targets[i];
		cfg.client.target[i].port = (uint16_t)(80 + i);
	}
	cfg.client.src_ip_first = TT_TEST_IP_US + 1;
	cfg.client.src_ip_last = TT_TEST_IP_US + 2;
	cfg.client.sport_first = 5000;
	cfg.client.sport_last = 5511;
	cfg.client.concurrency = 4096;
	t = tt_test_ctx_new();
	t->ifc.rss = &r;
	t->ifc.extra_first = cfg.client.src_ip_first;
	t->ifc.extra_last = cfg.client.src_ip_last;
	ctx = tt_tcp_ctx_create(&cfg, &t->net, idx, SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(ctx);
	tt_tcp_set_time(ctx, tt_test_now_us);
	g = tt_gen_create(&cfg, ctx, idx, n, SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(g);
	app = tt_app_ctx_create(ctx, tt_gen_meter(g), SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(app);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(tt_arp_learn(&t->net.arp[0], targets[i], &tt_test_mac_peer,
					      tt_test_now_us), 0);
	/* Open until the tuples run out (nothing closes). */
	for (round = 0; round < 400; round++) {
		tsc += hz / 1000;
		tt_test_advance_us(t, 1000);
		tt_tcp_set_time(ctx, tt_test_now_us);
		tt_gen_poll(g, tsc);
		tt_test_txq_flush(t);
	}
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < ctx->n_conns; i++) {
		const struct tt_conn *c = &ctx->conns[i];

		if (c->state != TT_TCPS_SYN_SENT)
			continue;
		ck_assert_uint_ge(c->lport, 5000);
		ck_assert_uint_le(c->lport, 5511);
		s = c->laddr - cfg.client.src_ip_first;
		k = c->raddr == targets[1];
		ck_assert_uint_lt(s, 2);
		ck_assert_uint_eq(c->rport, 80 + k);
		ck_assert_msg(reply_queue(&r, c->laddr, c->lport, c->raddr, c->rport) == idx,
			      "lcore %u opened a tuple whose reply goes to queue %u", idx,
			      reply_queue(&r, c->laddr, c->lport, c->raddr, c->rport));
		ck_assert_uint_eq(seen[s][k][c->lport - 5000], 0);
		seen[s][k][c->lport - 5000] = 1;
		got++;
	}
	for (s = 0; s < 2; s++)
		for (k = 0; k < 2; k++)
			for (i = 5000; i <= 5511; i++)
				want += reply_queue(&r, cfg.client.src_ip_first + s, (uint16_t)i,
						    targets[k], (uint16_t)(80 + k)) == idx;
	ck_assert_uint_gt(want, 0);
	ck_assert_uint_eq(got, want);
	ck_assert_uint_eq(tt_gen_opened(g), want);
	/* What the plan counts as this lcore's own (tt_gen_plan()). */
	ck_assert_uint_eq(tt_gen_tuples(g), want);
	ck_assert_uint_gt(t->stats.c[TT_STAT_client_tuples_exhausted], 0);
	tt_tcp_abort_all(ctx);
	tt_tcp_ctx_free(ctx);
	tt_app_ctx_free(app);
	tt_gen_free(g);
	tt_test_ctx_free(t);
	ck_assert_uint_eq(tt_test_pool_in_use(), 0);
	return want;
}

/*
 * Every lcore of @p n with one random key and RETA of 64 entries (each
 * lcore holding at least one): each opens exactly its own tuples, all of
 * them together are the whole space once, and the tuple plan of the n
 * lcores (tt_gen_plan()) is bound by the lcore with the fewest: n x that
 * / the reuse delay, not the whole space / the delay.
 */
static void
hash_tuples_all(unsigned int n)
{
	uint64_t t[3], sum = 0, min = UINT64_MAX;
	uint8_t key[TT_RSS_KEY_LEN];
	struct tt_gen_plan p;
	struct tt_config cfg;
	uint16_t reta[64];
	unsigned int i;

	for (i = 0; i < TT_RSS_KEY_LEN; i++)
		key[i] = (uint8_t)rte_rand();
	for (i = 0; i < RTE_DIM(reta); i++)
		reta[i] = (uint16_t)(i < n ? i : rte_rand() % n);
	for (i = 0; i < n; i++) {
		t[i] = hash_tuples(i, n, key, reta, RTE_DIM(reta));
		sum += t[i];
		min = RTE_MIN(min, t[i]);
	}
	/* 2 source addresses x 512 ports x 2 targets, each on one lcore. */
	ck_assert_uint_eq(sum, 2 * 512 * 2);
	tt_cfg_defaults(&cfg);
	cfg.client.enabled = true;
	cfg.client.n_target = 2;
	cfg.client.src_ip_first = TT_TEST_IP_US + 1;
	cfg.client.src_ip_last = TT_TEST_IP_US + 2;
	cfg.client.sport_first = 5000;
	cfg.client.sport_last = 5511;
	cfg.tcp.tw_reuse_delay_ms = 1000;
	tt_gen_plan(&cfg, t, n, &p);
	ck_assert_uint_eq(p.n_tuples, sum);
	ck_assert_uint_eq(p.n_lcores, n);
	ck_assert_uint_eq(p.lcore_min, min);
	ck_assert_uint_eq(t[p.lcore_min_idx], min);
	ck_assert_uint_eq(p.hold_ms, 1000);
	ck_assert_double_eq_tol(p.max_rate, (double)min * n, 1e-6);
	ck_assert_double_le(p.max_rate, (double)sum);
}

START_TEST(test_gen_hash_tuples)
{
	hash_tuples_all(2);
	hash_tuples_all(3);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("rss");
	TCase *tc = tcase_create("rss");

	tt_test_eal_init();
	tcase_add_test(tc, test_ms_vectors);
	tcase_add_test(tc, test_softrss_linear);
	tcase_add_test(tc, test_symmetric_key);
	tcase_add_test(tc, test_owner);
	tcase_add_test(tc, test_gen_hash_tuples);
	suite_add_tcase(s, tc);
	return s;
}
