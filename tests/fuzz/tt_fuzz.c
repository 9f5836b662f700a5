/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the fuzz harnesses; see tt_fuzz.h.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_random.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "tt_fuzz.h"
#include "l7/tt_app.h"
#include "net/tt_net.h"
#include "stats/tt_stats.h"
#include "tcp/tt_tcp_reass.h"

const uint8_t *
tt_fuzz_bytes(struct tt_fuzz_in *in, size_t max, size_t *len)
{
	const uint8_t *p = in->p;

	*len = max < in->n ? max : in->n;
	in->p += *len;
	in->n -= *len;
	return p;
}

void
tt_fuzz_eal_init(void)
{
	static bool up;
	const char *env = getenv("TT_FUZZ_LOG");

	if (up)
		return;
	tt_test_eal_init();
	if (env == NULL || strcmp(env, "1") != 0)
		rte_log_set_level_pattern("tcpterm*", RTE_LOG_EMERG);
	up = true;
}

void
tt_fuzz_net_reset(struct tt_test_ctx *t)
{
	static struct tt_arp_table arp0;
	static bool arp0_made;

	if (!arp0_made) {
		rte_srand(0x7463707465726dULL);
		tt_arp_init(&arp0);
		arp0_made = true;
	}
	memset(&t->stats, 0, sizeof(t->stats));
	t->net.arp[TT_TEST_PORT] = arp0;
	t->net.now_us = TT_TEST_T0_US;
}

unsigned int
tt_fuzz_echo_held(const struct tt_tcp_ctx *ctx)
{
	unsigned int held = 0;
	uint32_t i;

	for (i = 0; i < ctx->n_conns; i++) {
		const struct tt_conn *c = &ctx->conns[i];
		const struct tt_app_conn *ac = tt_app_conn_const(c);
		const struct rte_mbuf *m;

		if (c->state == TT_TCPS_CLOSED || ac->kind != TT_CAPP_SRV_ECHO)
			continue;
		for (m = ac->u.echo.head; m != NULL; m = m->next)
			held += m->nb_segs;
	}
	return held;
}

/* The gauges, transitions and blocks agree (as tests/unit fp_end() checks). */
static void
tt_fuzz_check_gauges(const struct tt_tcp_ctx *ctx, const struct tt_stats *st,
		     unsigned int n_listen)
{
	int64_t cnt[TT_TCPS_MAX] = { 0 };
	uint32_t used = 0, i, j;

	for (i = 0; i < ctx->n_conns; i++) {
		unsigned int s = ctx->conns[i].state;

		TT_FUZZ_CHECK(s < TT_TCPS_MAX, "block %u", i);
		if (s != TT_TCPS_CLOSED) {
			TT_FUZZ_CHECK(s != TT_TCPS_LISTEN, "block %u", i);
			cnt[s]++;
			used++;
		}
	}
	TT_FUZZ_CHECK(used == ctx->in_use, "%u blocks used, in_use %u", used, ctx->in_use);
	/* TIME_WAIT has entries, not blocks (tt_tw.h). */
	TT_FUZZ_CHECK(cnt[TT_TCPS_TIME_WAIT] == 0, "%" PRId64 " blocks in TIME_WAIT",
		      cnt[TT_TCPS_TIME_WAIT]);
	cnt[TT_TCPS_TIME_WAIT] = tt_tcp_time_wait_count(ctx);
	TT_FUZZ_CHECK(st->state[TT_TCPS_LISTEN] == (int64_t)n_listen, "%" PRId64,
		      st->state[TT_TCPS_LISTEN]);
	TT_FUZZ_CHECK(st->state[TT_TCPS_CLOSED] == 0, "%" PRId64, st->state[TT_TCPS_CLOSED]);
	for (i = TT_TCPS_SYN_SENT; i < TT_TCPS_MAX; i++) {
		int64_t in = 0, out = 0;

		TT_FUZZ_CHECK(st->state[i] == cnt[i], "gauge %s = %" PRId64 ", blocks %" PRId64,
			      tt_tcp_state_name(i), st->state[i], cnt[i]);
		for (j = 0; j < TT_TCPS_MAX; j++) {
			in += (int64_t)st->trans[j][i];
			out += (int64_t)st->trans[i][j];
		}
		TT_FUZZ_CHECK(in - out == st->state[i], "state %s: %" PRId64 " in, %" PRId64
			      " out, gauge %" PRId64, tt_tcp_state_name(i), in, out, st->state[i]);
	}
}

unsigned int
tt_fuzz_check_tcp(const struct tt_tcp_ctx *ctx, const struct tt_stats *st,
		  const struct tt_txq *txq, unsigned int n_listen)
{
	uint32_t i;

	TT_FUZZ_CHECK(ctx->spare == NULL, "spare mbuf left outside a burst");
	tt_fuzz_check_gauges(ctx, st, n_listen);
	for (i = 0; i < ctx->n_conns; i++) {
		const struct tt_conn *c = &ctx->conns[i];
		uint32_t end;

		if (c->state == TT_TCPS_CLOSED)
			continue;
		TT_FUZZ_CHECK(TT_SEQ_LEQ(c->snd_una, c->snd_nxt) &&
			      TT_SEQ_LEQ(c->snd_nxt, c->snd_max),
			      "%s: snd_una %" PRIu32 " snd_nxt %" PRIu32 " snd_max %" PRIu32,
			      tt_tcp_state_name(c->state), c->snd_una, c->snd_nxt, c->snd_max);
		/* The stream queued: application bytes, then the FIN once closed. */
		end = c->snd_end + !!(c->flags & TT_CF_FIN_QUEUED);
		TT_FUZZ_CHECK((uint32_t)(end - c->snd_una) < UINT32_C(1) << 31,
			      "%s: snd_una %" PRIu32 " snd_end %" PRIu32 " flags 0x%x",
			      tt_tcp_state_name(c->state), c->snd_una, c->snd_end, c->flags);
		TT_FUZZ_CHECK(TT_SEQ_LEQ(c->snd_max, end),
			      "%s: snd_max %" PRIu32 " past the stream's end %" PRIu32,
			      tt_tcp_state_name(c->state), c->snd_max, end);
	}
	/* Out-of-order segments held for reassembly are the received mbufs too. */
	return txq->n + tt_fuzz_echo_held(ctx) + tt_reass_held(ctx->reass);
}

int
tt_fuzz_cfg(struct tt_config *cfg, const char *const *sets)
{
	char err[TT_CFG_ERR_LEN];
	unsigned int n = 0;

	while (sets[n] != NULL)
		n++;
	if (tt_cfg_load(cfg, NULL, sets, n, err, sizeof(err)) != 0) {
		if (getenv("TT_FUZZ_LOG") != NULL)
			fprintf(stderr, "tt_fuzz_cfg: %s\n", err);
		return -1;
	}
	return 0;
}

/* Kept configurations per engine: 2^10 of 6 KiB. */
#define TT_FUZZ_CFG_SLOTS_LOG2 10

struct tt_fuzz_cfg_slot {
	uint32_t key;
	int8_t state;		/* 0: empty, 1: loaded, -1: refused */
	struct tt_config cfg;
};

const struct tt_config *
tt_fuzz_cfg_get(unsigned int which, uint32_t key, tt_fuzz_cfg_fn load)
{
	static struct tt_fuzz_cfg_slot slots[2][1u << TT_FUZZ_CFG_SLOTS_LOG2];
	struct tt_fuzz_cfg_slot *s;

	TT_FUZZ_CHECK(which < RTE_DIM(slots), "engine %u", which);
	/* Fibonacci hashing: neighbouring keys land in different slots. */
	s = &slots[which][(uint32_t)(key * UINT32_C(2654435769)) >> (32 - TT_FUZZ_CFG_SLOTS_LOG2)];
	if (s->state == 0 || s->key != key) {
		s->key = key;
		s->state = load(&s->cfg, key) == 0 ? 1 : -1;
	}
	return s->state > 0 ? &s->cfg : NULL;
}

struct tt_tcp_ctx *
tt_fuzz_engine_new(const struct tt_config *cfg, struct tt_test_ctx *t, unsigned int which)
{
	struct tt_tcp_ctx *ctx;

	rte_srand(0x7463707465726dULL + which);
	ctx = tt_tcp_ctx_create(cfg, &t->net, 0, SOCKET_ID_ANY);
	TT_FUZZ_CHECK(ctx != NULL, "tt_tcp_ctx_create: %s", rte_strerror(rte_errno));
	TT_FUZZ_CHECK(tt_app_ctx_create(ctx, NULL, SOCKET_ID_ANY) != NULL,
		      "tt_app_ctx_create: %s", rte_strerror(rte_errno));
	tt_tcp_set_time(ctx, t->net.now_us);
	tt_tcp_timers(ctx);
	return ctx;
}

void
tt_fuzz_engine_free(struct tt_tcp_ctx *ctx)
{
	struct tt_app_ctx *app = ctx->app;

	tt_tcp_ctx_free(ctx);
	tt_app_ctx_free(app);
}

uint64_t
tt_fuzz_clock_step(struct tt_fuzz_in *in)
{
	static const uint64_t unit_us[4] = { 10, 1000, 100000, 1000000 };
	uint8_t v = tt_fuzz_u8(in);

	return unit_us[v >> 6] * (v & 0x3f);
}

void
tt_fuzz_engine_time(struct tt_tcp_ctx *ctx, struct tt_test_ctx *t, uint64_t us)
{
	tt_test_advance_us(t, us);
	tt_tcp_set_time(ctx, t->net.now_us);
	tt_tcp_timers(ctx);
}

unsigned int
tt_fuzz_input(struct tt_tcp_ctx *ctx, struct tt_test_ctx *t, struct rte_mbuf **m,
	      unsigned int n)
{
	struct rte_mbuf *tcp[32];
	struct tt_pkt p[32];
	unsigned int i, k = 0;

	TT_FUZZ_CHECK(n <= RTE_DIM(tcp), "burst of %u", n);
	for (i = 0; i < n; i++) {
		enum tt_drop_reason r = tt_pkt_parse(&t->ifc, m[i], &p[k]);

		if (r == TT_DROP_NONE && p[k].kind == TT_PKT_TCP) {
			tcp[k++] = m[i];
		} else {
			TT_FUZZ_CHECK(r == TT_DROP_bad_tcp_flags, "a built frame is dropped: %s",
				      tt_drop_name(r));
			rte_pktmbuf_free(m[i]);
		}
	}
	if (k > 0)
		tt_tcp_input_burst(ctx, &t->ifc, tcp, p, k);
	return k;
}

void
tt_fuzz_check_output(const struct tt_test_ctx *t)
{
	unsigned int i;

	for (i = 0; i < t->txq.n; i++) {
		struct rte_mbuf *m = t->txq.m[i];
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		const struct rte_ipv4_hdr *ip;

		TT_FUZZ_CHECK(m->nb_segs == 1 && m->data_len == m->pkt_len,
			      "frame %u: %u segments", i, m->nb_segs);
		if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
			continue;
		TT_FUZZ_CHECK(eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4),
			      "frame %u: ether type 0x%04x", i, rte_be_to_cpu_16(eth->ether_type));
		TT_FUZZ_CHECK(m->data_len >= RTE_ETHER_HDR_LEN + sizeof(*ip) +
			      sizeof(struct rte_tcp_hdr), "frame %u: %u bytes", i, m->data_len);
		ip = (const struct rte_ipv4_hdr *)(eth + 1);
		TT_FUZZ_CHECK(ip->next_proto_id == IPPROTO_TCP, "frame %u: protocol %u", i,
			      ip->next_proto_id);
		TT_FUZZ_CHECK(rte_be_to_cpu_16(ip->total_length) == m->data_len - RTE_ETHER_HDR_LEN,
			      "frame %u: IPv4 length %u in %u bytes", i,
			      rte_be_to_cpu_16(ip->total_length), m->data_len);
		TT_FUZZ_CHECK(rte_be_to_cpu_16(ip->total_length) <= t->ifc.mtu,
			      "frame %u: %u bytes over the MTU", i,
			      rte_be_to_cpu_16(ip->total_length));
		TT_FUZZ_CHECK(tt_iface_owns(&t->ifc, rte_be_to_cpu_32(ip->src_addr)),
			      "frame %u: source 0x%08x", i, rte_be_to_cpu_32(ip->src_addr));
		TT_FUZZ_CHECK(tt_test_cksums_ok(m), "frame %u: bad checksum", i);
	}
}

void
tt_fuzz_trace(struct tt_tcp_ctx *ctx, const struct tt_test_ctx *t, unsigned int n,
	      uint8_t op, uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	struct tt_conn *c = tt_tcp_lookup(ctx, laddr, lport, raddr, rport);
	unsigned int i;

	fprintf(stderr, "op %u (0x%02x) t=%" PRIu64 " us:", n, op, (uint64_t)(t->net.now_us - TT_TEST_T0_US));
	if (c == NULL)
		fprintf(stderr, " no connection\n");
	else
		fprintf(stderr, " %s una %" PRIu32 " nxt %" PRIu32 " max %" PRIu32 " end %" PRIu32
			" rcv_nxt %" PRIu32 " flags 0x%x\n", tt_tcp_state_name(c->state),
			c->snd_una, c->snd_nxt, c->snd_max, c->snd_end, c->rcv_nxt, c->flags);
	for (i = 0; i < t->txq.n; i++) {
		struct rte_mbuf *m = t->txq.m[i];
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
									 RTE_ETHER_HDR_LEN);
		const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)(ip + 1);

		if (ip->next_proto_id != IPPROTO_TCP)
			continue;
		fprintf(stderr, "  out: flags 0x%02x seq %" PRIu32 " ack %" PRIu32 " win %u len %u\n",
			th->tcp_flags, rte_be_to_cpu_32(th->sent_seq),
			rte_be_to_cpu_32(th->recv_ack), rte_be_to_cpu_16(th->rx_win),
			rte_be_to_cpu_16(ip->total_length) - (unsigned int)sizeof(*ip) -
			(th->data_off >> 4) * 4u);
	}
}
