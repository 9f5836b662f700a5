/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fake peer of the TCP engine's unit tests; see tt_fake_peer.h.
 */

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_memory.h>
#include <rte_tcp.h>

#include "tt_fake_peer.h"
#include "tcp/tt_tcp_sack.h"
#include "l7/tt_app.h"
#include "l7/tt_http.h"
#include "l7/tt_pattern.h"
#include "net/tt_net.h"
#include "stats/tt_stats.h"

struct fp *fp_cur;
uint8_t fp_rxbuf[1 << 17];

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char *
fp_flags_str(uint8_t fl)
{
	static char buf[8][40];
	static unsigned int k;
	char *b = buf[k++ & 7];

	b[0] = '\0';
	if (fl & SYN)
		strcat(b, "SYN|");
	if (fl & RST)
		strcat(b, "RST|");
	if (fl & FIN)
		strcat(b, "FIN|");
	if (fl & PSH)
		strcat(b, "PSH|");
	if (fl & ACK)
		strcat(b, "ACK|");
	if (b[0] == '\0')
		strcpy(b, "none");
	else
		b[strlen(b) - 1] = '\0';
	return b;
}

static void
fp_setup(void)
{
	struct fp *f = calloc(1, sizeof(*f));

	ck_assert_ptr_nonnull(f);
	f->pool_base = tt_test_pool_in_use();
	f->t = tt_test_ctx_new();
	tt_cfg_defaults(&f->cfg);
	f->cfg.server.enabled = true;
	f->cfg.server.listen[0] = 80;
	f->cfg.server.n_listen = 1;
	f->cfg.server.app = TT_APP_HTTP;
	f->cfg.tcp.msl_ms = 100;
	f->cfg.tcp.max_flows = 64;
	f->cfg.tcp.max_time_wait = 64;
	f->addr = TT_TEST_IP_PEER;
	f->lport = 80;
	f->syn_opts = TT_OPT_MSS | TT_OPT_WS | TT_OPT_TS | TT_OPT_SACKOK;
	f->mss = 1460;
	f->ws = 0;
	f->win = 65535;
	f->tsval = 100000;
	f->pc.port = 40000;
	f->pc.iss = 0x10000000;
	fp_cur = f;
}

/* The engine's context, then the applications' (its teardown still raises events). */
static void
fp_ctx_free(struct fp *f)
{
	struct tt_app_ctx *app;

	if (f->ctx == NULL)
		return;
	app = f->ctx->app;
	tt_tcp_ctx_free(f->ctx);
	tt_app_ctx_free(app);
	f->ctx = NULL;
}

static void
fp_teardown(void)
{
	struct fp *f = fp_cur;

	if (f == NULL)
		return;
	fp_ctx_free(f);
	tt_test_ctx_free(f->t);
	free(f);
	fp_cur = NULL;
}

TCase *
fp_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, fp_setup, fp_teardown);
	return tc;
}

void
fp_start(struct fp *f)
{
	f->ctx = tt_tcp_ctx_create(&f->cfg, &f->t->net, 0, SOCKET_ID_ANY);
	ck_assert_msg(f->ctx != NULL, "tt_tcp_ctx_create failed");
	/* The real applications of lib/l7, with no generator's meter. */
	ck_assert_msg(tt_app_ctx_create(f->ctx, NULL, SOCKET_ID_ANY) != NULL,
		      "tt_app_ctx_create failed");
	tt_tcp_set_time(f->ctx, tt_test_now_us);
	/* Bring the wheel's clock to ours (nothing is armed yet). */
	tt_tcp_timers(f->ctx);
}

void
fp_time_us(struct fp *f, uint64_t us)
{
	tt_test_advance_us(f->t, us);
	tt_tcp_set_time(f->ctx, tt_test_now_us);
	tt_tcp_timers(f->ctx);
}

void
fp_time(struct fp *f, uint64_t ms)
{
	fp_time_us(f, ms * 1000);
}

uint32_t
fp_wait_output(struct fp *f, uint32_t max_ms)
{
	uint32_t ms;

	for (ms = 1; ms <= max_ms; ms++) {
		fp_time(f, 1);
		if (f->t->txq.n > 0)
			return ms;
	}
	return 0;
}

struct tt_conn *
fp_conn(struct fp *f)
{
	return tt_tcp_lookup(f->ctx, TT_TEST_IP_US, f->lport, f->addr, f->pc.port);
}

unsigned int
fp_state(struct fp *f)
{
	return tt_tcp_tuple_state(f->ctx, TT_TEST_IP_US, f->lport, f->addr, f->pc.port);
}


void
fp_parse_opts(const uint8_t *o, unsigned int len, struct fp_seg *s)
{
	unsigned int i = 0;

	s->opts = 0;
	s->nsack = 0;
	while (i < len) {
		unsigned int ol;

		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		ck_assert_msg(i + 1 < len, "engine sent an option without length");
		ol = o[i + 1];
		ck_assert_msg(ol >= 2 && i + ol <= len, "engine sent option %u of bad length %u",
			      o[i], ol);
		switch (o[i]) {
		case 2:
			ck_assert_uint_eq(ol, 4);
			s->opts |= TT_OPT_MSS;
			s->mss = (uint16_t)(o[i + 2] << 8 | o[i + 3]);
			break;
		case 3:
			ck_assert_uint_eq(ol, 3);
			s->opts |= TT_OPT_WS;
			s->ws = o[i + 2];
			break;
		case 4:
			ck_assert_uint_eq(ol, 2);
			s->opts |= TT_OPT_SACKOK;
			break;
		case 5: {
			unsigned int k;

			/* RFC 2018 3: 1 to 4 blocks of two edges. */
			ck_assert_msg(ol >= 10 && ol <= 34 && (ol - 2) % 8 == 0,
				      "engine sent a SACK option of length %u", ol);
			s->opts |= TT_OPT_SACK;
			s->nsack = (uint8_t)((ol - 2) / 8);
			for (k = 0; k < s->nsack; k++) {
				s->sack[k][0] = get32(&o[i + 2 + 8 * k]);
				s->sack[k][1] = get32(&o[i + 6 + 8 * k]);
			}
			break;
		}
		case 8:
			ck_assert_uint_eq(ol, 10);
			s->opts |= TT_OPT_TS;
			s->tsval = get32(&o[i + 2]);
			s->tsecr = get32(&o[i + 6]);
			break;
		default:
			s->opts |= FP_OPT_OTHER;
			break;
		}
		i += ol;
	}
}

/* Decode a frame the engine sent. */
static void
fp_decode(struct rte_mbuf *m, struct fp_seg *s)
{
	struct rte_ether_hdr *eth = tt_test_eth(m);
	struct rte_ipv4_hdr *ip = tt_test_ip(m);
	struct rte_tcp_hdr *th;
	unsigned int iplen, hl;

	ck_assert_uint_eq(m->nb_segs, 1);
	ck_assert_uint_eq(rte_be_to_cpu_16(eth->ether_type), RTE_ETHER_TYPE_IPV4);
	ck_assert(rte_is_same_ether_addr(&eth->src_addr, &tt_test_mac_us));
	ck_assert(rte_is_same_ether_addr(&eth->dst_addr, &tt_test_mac_peer));
	ck_assert_uint_eq(ip->version_ihl, 0x45);
	ck_assert_uint_eq(ip->next_proto_id, IPPROTO_TCP);
	ck_assert_msg(tt_test_cksums_ok(m), "engine sent a segment with a bad checksum");
	iplen = rte_be_to_cpu_16(ip->total_length);
	ck_assert_uint_eq(m->pkt_len, RTE_ETHER_HDR_LEN + iplen);
	th = tt_test_tcp(m);
	hl = (th->data_off >> 4) * 4u;
	ck_assert_uint_ge(hl, sizeof(*th));
	ck_assert_uint_le(hl, iplen - sizeof(*ip));
	memset(s, 0, offsetof(struct fp_seg, data));
	s->flags = th->tcp_flags & 0x3f;
	s->seq = rte_be_to_cpu_32(th->sent_seq);
	s->ack = rte_be_to_cpu_32(th->recv_ack);
	s->win = rte_be_to_cpu_16(th->rx_win);
	s->sport = rte_be_to_cpu_16(th->src_port);
	s->dport = rte_be_to_cpu_16(th->dst_port);
	s->saddr = rte_be_to_cpu_32(ip->src_addr);
	s->daddr = rte_be_to_cpu_32(ip->dst_addr);
	s->len = (uint16_t)(iplen - sizeof(*ip) - hl);
	ck_assert_uint_le(s->len, FP_DATA_MAX);
	memcpy(s->data, (uint8_t *)th + hl, s->len);
	s->optlen = (uint8_t)(hl - sizeof(*th));
	fp_parse_opts((const uint8_t *)(th + 1), s->optlen, s);
}

bool
fp_pop(struct fp *f, struct fp_seg *s)
{
	struct rte_mbuf *m = tt_test_txq_pop(f->t);

	if (m == NULL)
		return false;
	fp_decode(m, s);
	rte_pktmbuf_free(m);
	if (s->sport != f->lport || s->dport != f->pc.port || s->daddr != f->addr)
		return true;
	if (s->opts & TT_OPT_TS)
		f->pc.ts_recent = s->tsval;
	if (s->flags & SYN) {
		f->pc.our_isn = s->seq;
		f->pc.rcv_nxt = s->seq + 1;
		s->in_order = true;
		return true;
	}
	if (s->flags & RST)
		return true;
	if (s->seq == f->pc.rcv_nxt) {
		s->in_order = true;
		f->pc.rcv_nxt += s->len;
		if (s->flags & FIN) {
			f->pc.rcv_nxt++;
			f->pc.fin_rcvd = true;
		}
	}
	return true;
}

/* Ring of decoded segments handed to tests. */
static struct fp_seg fp_ring[4];
static unsigned int fp_ring_i;

const struct fp_seg *
fp_expect_(struct fp *f, uint8_t flags, int line)
{
	struct fp_seg *s = &fp_ring[fp_ring_i++ & 3];

	ck_assert_msg(fp_pop(f, s), "line %d: expected a %s segment, got nothing", line,
		      fp_flags_str(flags));
	ck_assert_msg(s->flags == flags, "line %d: expected %s, got %s (seq %u ack %u len %u)",
		      line, fp_flags_str(flags), fp_flags_str(s->flags), s->seq, s->ack, s->len);
	return s;
}

void
fp_none_(struct fp *f, int line)
{
	struct fp_seg *s = &fp_ring[fp_ring_i++ & 3];

	if (fp_pop(f, s))
		ck_abort_msg("line %d: unexpected %s segment (seq %u ack %u len %u win %u)", line,
			     fp_flags_str(s->flags), s->seq, s->ack, s->len, s->win);
}

uint8_t
fp_syn_optbuf(const struct fp *f, uint32_t tsval, uint32_t tsecr, uint8_t *b)
{
	uint8_t n = 0;

	if (f->syn_opts & TT_OPT_MSS) {
		b[n++] = 2;
		b[n++] = 4;
		b[n++] = (uint8_t)(f->mss >> 8);
		b[n++] = (uint8_t)f->mss;
	}
	if (f->syn_opts & TT_OPT_SACKOK) {
		b[n++] = 4;
		b[n++] = 2;
	}
	if (f->syn_opts & TT_OPT_TS) {
		b[n++] = 8;
		b[n++] = 10;
		put32(&b[n], tsval);
		put32(&b[n + 4], tsecr);
		n += 8;
	}
	if (f->syn_opts & TT_OPT_WS) {
		b[n++] = 1;
		b[n++] = 3;
		b[n++] = 3;
		b[n++] = f->ws;
	}
	return n;
}

uint8_t
fp_ts_optbuf(uint32_t tsval, uint32_t tsecr, uint8_t *b)
{
	b[0] = 1;
	b[1] = 1;
	b[2] = 8;
	b[3] = 10;
	put32(&b[4], tsval);
	put32(&b[8], tsecr);
	return 12;
}

struct rte_mbuf *
fp_build(struct fp *f, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
	 const uint8_t *opts, uint8_t optlen, const void *data, uint16_t len)
{
	struct tt_test_l3 l3;
	struct tt_test_tcp_seg s;

	memset(&s, 0, sizeof(s));
	tt_test_l3_default(&l3);
	l3.src_ip = f->addr;
	s.sport = f->pc.port;
	s.dport = f->lport;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.win = win;
	s.opts = opts;
	s.opts_len = optlen;
	s.data = data;
	s.data_len = len;
	return tt_test_build_tcp(&l3, &s);
}

void
fp_input(struct fp *f, struct rte_mbuf **m, unsigned int n)
{
	struct tt_pkt p[16];
	unsigned int i;

	ck_assert_uint_le(n, RTE_DIM(p));
	for (i = 0; i < n; i++)
		ck_assert_int_eq(tt_pkt_parse(&f->t->ifc, m[i], &p[i]), TT_DROP_NONE);
	tt_tcp_input_burst(f->ctx, &f->t->ifc, m, p, n);
}

void
fp_raw(struct fp *f, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
       const uint8_t *opts, uint8_t optlen, const void *data, uint16_t len)
{
	struct rte_mbuf *m = fp_build(f, flags, seq, ack, win, opts, optlen, data, len);

	fp_input(f, &m, 1);
}

struct rte_mbuf *
fp_make(struct fp *f, uint8_t flags, const void *data, uint16_t len)
{
	uint8_t o[12];
	uint8_t ol = 0;
	struct rte_mbuf *m;

	if (f->pc.ts)
		ol = fp_ts_optbuf(++f->tsval, f->pc.ts_recent, o);
	m = fp_build(f, flags, f->pc.snd_nxt, (flags & ACK) ? f->pc.rcv_nxt : 0, f->win,
		     ol ? o : NULL, ol, data, len);
	f->pc.snd_nxt += len + !!(flags & SYN) + !!(flags & FIN);
	return m;
}

void
fp_send(struct fp *f, uint8_t flags, const void *data, uint16_t len)
{
	struct rte_mbuf *m = fp_make(f, flags, data, len);

	fp_input(f, &m, 1);
}

void
fp_send_str(struct fp *f, const char *s)
{
	fp_send(f, ACK | PSH, s, (uint16_t)strlen(s));
}

void
fp_ack(struct fp *f)
{
	fp_send(f, ACK, NULL, 0);
}

void
fp_send_syn(struct fp *f)
{
	uint8_t o[40];
	uint8_t ol = fp_syn_optbuf(f, ++f->tsval, 0, o);

	fp_raw(f, SYN, f->pc.iss, 0, f->win, o, ol, NULL, 0);
	f->pc.snd_nxt = f->pc.iss + 1;
	f->pc.rcv_nxt = 0;
	f->pc.fin_rcvd = false;
	f->pc.ts = false;
}

const struct fp_seg *
fp_syn(struct fp *f)
{
	const struct fp_seg *s;

	fp_send_syn(f);
	s = fp_expect(f, SYN | ACK);
	ck_assert_uint_eq(s->ack, f->pc.iss + 1);
	f->pc.ts = (f->syn_opts & TT_OPT_TS) && (s->opts & TT_OPT_TS);
	return s;
}

struct tt_conn *
fp_open(struct fp *f)
{
	fp_syn(f);
	fp_ack(f);
	fp_none(f);
	ck_state(f, TT_TCPS_ESTABLISHED);
	return fp_conn(f);
}

uint32_t
fp_exchange(struct fp *f, uint8_t *buf, uint32_t cap)
{
	static struct fp_seg s;
	uint32_t total = 0;
	unsigned int rounds;

	f->max_len = 0;
	f->n_segs = 0;
	for (rounds = 0; rounds < 10000; rounds++) {
		bool any = false;

		while (fp_pop(f, &s)) {
			ck_assert_msg(!(s.flags & RST), "unexpected RST");
			any = true;
			f->n_segs++;
			if (s.len > f->max_len)
				f->max_len = s.len;
			f->last_flags = s.flags;
			f->last_len = s.len;
			if (s.in_order && s.len > 0) {
				ck_assert_uint_le(total + s.len, cap);
				memcpy(buf + total, s.data, s.len);
				total += s.len;
			}
		}
		if (!any)
			break;
		fp_ack(f);
	}
	return total;
}

uint32_t
fp_exchange_timed(struct fp *f, uint8_t *buf, uint32_t cap, uint32_t want, uint32_t max_ms)
{
	uint32_t n = 0, t;

	for (t = 0; t <= max_ms; t += 10) {
		n += fp_exchange(f, buf + n, cap - n);
		if (n >= want)
			break;
		fp_time(f, 10);
	}
	return n;
}

void
fp_check_http_response(const uint8_t *buf, uint32_t n, uint32_t body, bool keepalive)
{
	char head[1024];
	int hl = tt_http_build_response(head, sizeof(head), 200, body, keepalive);

	ck_assert_int_gt(hl, 0);
	ck_assert_uint_eq(n, (uint32_t)hl + body);
	ck_assert_msg(memcmp(buf, head, hl) == 0, "response head differs");
	ck_assert_msg(tt_pattern_check(buf + hl, 0, body), "response body differs");
}

uint32_t
fp_http_response_len(uint32_t body, bool keepalive)
{
	char head[1024];

	return (uint32_t)tt_http_build_response(head, sizeof(head), 200, body, keepalive) +
	       body;
}

/*
 * The flow table, the connection blocks and the gauges agree: every block
 * not CLOSED is counted in in_use and in its state's gauge; enters minus
 * leaves of each state equal its gauge; LISTEN counts the listeners.
 */
static void
fp_check_gauges(struct fp *f)
{
	const struct tt_stats *st = &f->t->stats;
	int64_t cnt[TT_TCPS_MAX] = { 0 };
	uint32_t used = 0, i, j;

	for (i = 0; i < f->ctx->n_conns; i++) {
		unsigned int s = f->ctx->conns[i].state;

		ck_assert_uint_lt(s, TT_TCPS_MAX);
		if (s != TT_TCPS_CLOSED) {
			cnt[s]++;
			used++;
		}
	}
	ck_assert_uint_eq(used, f->ctx->in_use);
	ck_assert_uint_eq(used, tt_tcp_flows_in_use(f->ctx));
	for (i = 0, j = 0; i < f->ctx->n_conns; i++)
		j += !!(f->ctx->conns[i].flags & TT_CF_SACK_SB);
	/* SACK scoreboards: one per block that says it has one (tt_tcp_sack.h). */
	ck_assert_uint_eq(j, tt_sack_in_use(f->ctx->sack));
	/* TIME_WAIT has entries, not blocks (tt_tw.h). */
	ck_assert_int_eq(cnt[TT_TCPS_TIME_WAIT], 0);
	cnt[TT_TCPS_TIME_WAIT] = tt_tcp_time_wait_count(f->ctx);
	ck_assert_int_eq(st->state[TT_TCPS_LISTEN], (int64_t)f->cfg.server.n_listen);
	ck_assert_int_eq(st->state[TT_TCPS_CLOSED], 0);
	for (i = TT_TCPS_SYN_SENT; i < TT_TCPS_MAX; i++) {
		int64_t in = 0, out = 0;

		ck_assert_msg(st->state[i] == cnt[i], "gauge %s = %" PRId64 ", blocks %" PRId64,
			      tt_tcp_state_name(i), st->state[i], cnt[i]);
		for (j = 0; j < TT_TCPS_MAX; j++) {
			in += (int64_t)st->trans[j][i];
			out += (int64_t)st->trans[i][j];
		}
		ck_assert_msg(in - out == st->state[i], "state %s: %" PRId64 " in, %" PRId64
			      " out, gauge %" PRId64, tt_tcp_state_name(i), in, out,
			      st->state[i]);
	}
}

void
fp_end(struct fp *f)
{
	fp_none(f);
	fp_check_gauges(f);
	fp_ctx_free(f);
	tt_test_txq_flush(f->t);
	ck_assert_uint_eq(tt_test_pool_in_use(), f->pool_base);
}

void
fp_new_conn(struct fp *f, uint16_t port, uint32_t iss)
{
	memset(&f->pc, 0, sizeof(f->pc));
	f->pc.port = port;
	f->pc.iss = iss;
}

void
fp_to_time_wait(struct fp *f)
{
	const struct fp_seg *s;

	fp_open(f);
	fp_send_str(f, REQ10);
	s = fp_expect(f, ACK | PSH | FIN);
	ck_assert_uint_eq(s->len, fp_http_response_len(f->cfg.server.response_bytes, false));
	fp_ack(f);
	fp_none(f);
	ck_state(f, TT_TCPS_FIN_WAIT_2);
	fp_send(f, FIN | ACK, NULL, 0);
	s = fp_expect(f, ACK);
	ck_assert_uint_eq(s->ack, f->pc.snd_nxt);
	ck_state(f, TT_TCPS_TIME_WAIT);
}

void
fp_reach_state(struct fp *f, unsigned int state)
{
	const struct fp_seg *s;
	uint32_t our_fin;

	switch (state) {
	case TT_TCPS_SYN_RCVD:
		fp_syn(f);
		break;
	case TT_TCPS_ESTABLISHED:
		fp_open(f);
		break;
	case TT_TCPS_FIN_WAIT_1:
		fp_open(f);
		fp_send_str(f, REQ10);
		fp_expect(f, ACK | PSH | FIN);
		break;
	case TT_TCPS_FIN_WAIT_2:
		fp_open(f);
		fp_send_str(f, REQ10);
		fp_expect(f, ACK | PSH | FIN);
		fp_ack(f);
		break;
	case TT_TCPS_CLOSE_WAIT:
		/*
		 * Every server application closes as soon as the peer's FIN
		 * arrives, so CLOSE_WAIT lasts no time in this engine: the
		 * test puts the connection there itself.
		 */
		fp_open(f);
		tt_tcp_set_state(f->ctx, fp_conn(f), TT_TCPS_CLOSE_WAIT);
		break;
	case TT_TCPS_CLOSING:
		fp_open(f);
		fp_send_str(f, REQ10);
		s = fp_expect(f, ACK | PSH | FIN);
		our_fin = s->seq + s->len;
		f->pc.rcv_nxt = our_fin;
		fp_send(f, FIN | ACK, NULL, 0);
		fp_expect(f, ACK);
		f->pc.rcv_nxt = our_fin + 1;
		break;
	case TT_TCPS_LAST_ACK:
		fp_open(f);
		fp_send(f, FIN | ACK, NULL, 0);
		fp_expect(f, FIN | ACK);
		break;
	case TT_TCPS_TIME_WAIT:
		fp_to_time_wait(f);
		break;
	}
	fp_none(f);
	ck_state(f, state);
}
