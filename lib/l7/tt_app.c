/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The layer-7 applications: the definitions of the events the TCP engine
 * raises (tcp/tt_tcp_events.h). A connection's send stream is tmpl_n
 * copies of its normal template followed, when final_n is set, by one
 * final variant (a closing response, a 400, the last request):
 * tt_tcp_ev_fill() regenerates any byte of it from the offset, so nothing
 * is buffered per connection.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "tt_common.h"
#include "tcp/tt_tcp.h"
#include "tcp/tt_tcp_events.h"
#include "l7/tt_app.h"
#include "l7/tt_http.h"
#include "l7/tt_meter.h"
#include "l7/tt_pattern.h"
#include "net/tt_net.h"

#define TT_HEAD_MAX 1024

/*
 * Echo keeps the received mbufs in a list linked by m->next. The list's
 * tail pointer and the number of mbufs held are kept in a dynamic field of
 * the head mbuf rather than in every connection block (which must stay
 * within three cache lines).
 */
struct tt_echo_meta {
	struct rte_mbuf *tail;
	uint32_t count;
};
static int echo_tail_off = -1;
static const struct rte_mbuf_dynfield echo_tail_desc = {
	.name = "tcpterm_echo_meta",
	.size = sizeof(struct tt_echo_meta),
	.align = __alignof__(struct tt_echo_meta),
};
#define ECHO_META(m) RTE_MBUF_DYNFIELD((m), echo_tail_off, struct tt_echo_meta *)
#define ECHO_TAIL(m) (ECHO_META(m)->tail)

static void
tmpl_copy(const struct tt_tmpl *t, uint32_t within, uint8_t *dst, uint32_t len)
{
	if (within < t->head_len) {
		uint32_t n = RTE_MIN(len, t->head_len - within);

		memcpy(dst, t->head + within, n);
		dst += n;
		len -= n;
		within += n;
	}
	if (len > 0)
		tt_pattern_fill(dst, within - t->head_len, len);
}

/*
 * The checksum of a whole template (struct tt_tmpl sum), for those that
 * fit one segment: built once into a scratch buffer and summed.
 */
static int
tmpl_sum_init(struct tt_tmpl *t)
{
	uint8_t *buf;

	t->sum_ok = false;
	if (t->len == 0 || t->len > UINT16_MAX)
		return 0;
	buf = malloc(t->len);
	if (buf == NULL)
		return -ENOMEM;
	tmpl_copy(t, 0, buf, t->len);
	t->sum = tt_cksum_fold(tt_cksum_raw(buf, t->len));
	t->sum_ok = true;
	free(buf);
	return 0;
}

static int
tmpl_set(struct tt_tmpl *t, const char *head, int head_len, uint32_t body, int socket)
{
	if (head_len < 0)
		return head_len;
	t->head_len = (uint32_t)head_len;
	t->len = (uint32_t)head_len + body;
	t->head = NULL;
	if (head_len > 0) {
		t->head = rte_malloc_socket("tt_tmpl", head_len, 0, socket);
		if (t->head == NULL)
			return -ENOMEM;
		memcpy(t->head, head, head_len);
	}
	return tmpl_sum_init(t);
}

static enum tt_app_conn_kind
server_kind(enum tt_app_kind app)
{
	switch (app) {
	case TT_APP_ECHO:
		return TT_CAPP_SRV_ECHO;
	case TT_APP_DISCARD:
		return TT_CAPP_SRV_DISCARD;
	case TT_APP_FIXED:
		return TT_CAPP_SRV_FIXED;
	default:
		return TT_CAPP_SRV_HTTP;
	}
}

static enum tt_app_conn_kind
client_kind(enum tt_app_kind app)
{
	switch (app) {
	case TT_APP_FIXED:
		return TT_CAPP_CLI_FIXED;
	case TT_APP_ECHO:
		return TT_CAPP_CLI_ECHO;
	case TT_APP_SEND:
		return TT_CAPP_CLI_SEND;
	default:
		return TT_CAPP_CLI_HTTP;
	}
}

/* Build the templates from the configuration. 0 or -ENOMEM. */
static int
tmpl_build(struct tt_app_ctx *a, int socket)
{
	const struct tt_server_cfg *sc = &a->cfg->server;
	const struct tt_client_cfg *cc = &a->cfg->client;
	struct tt_tmpl *tmpl = a->tmpl;
	char buf[TT_HEAD_MAX];
	char host[64];
	int n, ret = 0;

	n = tt_http_build_response(buf, sizeof(buf), 200, sc->response_bytes, true);
	ret |= tmpl_set(&tmpl[TT_TMPL_SRV_OK], buf, n, sc->response_bytes, socket);
	n = tt_http_build_response(buf, sizeof(buf), 200, sc->response_bytes, false);
	ret |= tmpl_set(&tmpl[TT_TMPL_SRV_OK_CLOSE], buf, n, sc->response_bytes, socket);
	ret |= tmpl_set(&tmpl[TT_TMPL_SRV_HEAD_CLOSE], buf, n, 0, socket);
	n = tt_http_build_response(buf, sizeof(buf), 400, 0, false);
	ret |= tmpl_set(&tmpl[TT_TMPL_SRV_BAD], buf, n, 0, socket);
	ret |= tmpl_set(&tmpl[TT_TMPL_SRV_FIXED], NULL, 0, sc->response_bytes, socket);
	ret |= tmpl_set(&tmpl[TT_TMPL_CLI_DATA], NULL, 0, cc->request_bytes, socket);
	if (cc->enabled) {
		const char *h = cc->host;

		if (h[0] == '\0') {
			uint32_t ip = cc->target[0].ip;

			snprintf(host, sizeof(host), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
				 (ip >> 8) & 0xff, ip & 0xff);
			h = host;
		}
		n = tt_http_build_request(buf, sizeof(buf), cc->path, h, true);
		ret |= tmpl_set(&tmpl[TT_TMPL_CLI_REQ], buf, n, 0, socket);
		n = tt_http_build_request(buf, sizeof(buf), cc->path, h, false);
		ret |= tmpl_set(&tmpl[TT_TMPL_CLI_REQ_CLOSE], buf, n, 0, socket);
	}
	return ret < 0 ? -ENOMEM : 0;
}

void
tt_app_ctx_free(struct tt_app_ctx *a)
{
	unsigned int i;

	if (a == NULL)
		return;
	for (i = 0; i < TT_TMPL_MAX; i++)
		rte_free(a->tmpl[i].head);
	rte_free(a);
}

/*
 * Echo holds the mbufs it receives until the peer acknowledges their echo,
 * and a peer that sends and never reads makes that for ever (until the
 * persist bound, tt_tcp_guard.c). Two limits keep such peers from taking
 * the mbuf pool that RX needs: one per connection and one for all of an
 * lcore's, by default a quarter of a port's pool shared by the lcores.
 * Each held mbuf costs at least echo_cost bytes of the receive window (as
 * Linux charges an skb's truesize), so the window closes as the mbufs
 * fill, whatever their payload: a connection holds at most echo_conn_max.
 * The cost is the window's share of a mbuf, but never more than a
 * full-size segment carries (the MSS we offer less 40 bytes of options):
 * near its limit a connection offers left x echo_cost bytes, and a peer
 * filling that with full-size segments must not bring more mbufs than it
 * may still take (with 1 MiB and 256 mbufs, a share is 4 KiB: 1,448-byte
 * segments would overrun the limit and be dropped after they were let in).
 */
static void
echo_limits(struct tt_app_ctx *a)
{
	const struct tt_config *cfg = a->cfg;
	uint32_t lc = cfg->server.echo_lcore_mbufs;

	if (lc == 0)
		lc = RTE_MAX(1u, cfg->general.mbufs / (4 * RTE_MAX(1u, rte_lcore_count())));
	a->echo_lcore_max = lc;
	a->echo_conn_max = cfg->server.echo_conn_mbufs;
	a->echo_cost = RTE_MAX(1u, (cfg->tcp.rcv_wnd + a->echo_conn_max - 1) / a->echo_conn_max);
	a->echo_cost = RTE_MIN(a->echo_cost, (uint32_t)cfg->tcp.mss - 40u);
}

struct tt_app_ctx *
tt_app_ctx_create(struct tt_tcp_ctx *tcp, struct tt_meter *meter, int socket)
{
	struct tt_app_ctx *a;

	if (echo_tail_off < 0) {
		/* Registration is idempotent: every lcore gets the same offset. */
		echo_tail_off = rte_mbuf_dynfield_register(&echo_tail_desc);
		if (echo_tail_off < 0)
			return NULL;
	}
	a = rte_zmalloc_socket("tt_app_ctx", sizeof(*a), RTE_CACHE_LINE_SIZE, socket);
	if (a == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	a->cfg = tcp->cfg;
	a->meter = meter;
	echo_limits(a);
	a->srv_kind = (uint8_t)server_kind(a->cfg->server.app);
	a->cli_kind = (uint8_t)client_kind(a->cfg->client.app);
	if (tmpl_build(a, socket) < 0) {
		tt_app_ctx_free(a);
		rte_errno = ENOMEM;
		return NULL;
	}
	tcp->app = a;
	return a;
}

static inline enum tt_tmpl_id
normal_tmpl(const struct tt_conn *c)
{
	const struct tt_app_conn *ac = tt_app_conn_const(c);

	switch (ac->kind) {
	case TT_CAPP_SRV_HTTP:
		return TT_TMPL_SRV_OK;
	case TT_CAPP_SRV_FIXED:
		return TT_TMPL_SRV_FIXED;
	case TT_CAPP_CLI_HTTP:
		return TT_TMPL_CLI_REQ;
	default:
		return TT_TMPL_CLI_DATA;
	}
}

/* Queue one more normal template. */
static void
queue_normal(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	struct tt_app_conn *ac = tt_app_conn(c);

	ac->u.s.tmpl_n++;
	tt_tcp_app_send(ctx, c, ctx->app->tmpl[normal_tmpl(c)].len);
}

/* Queue the final variant; nothing follows it. */
static void
queue_final(struct tt_tcp_ctx *ctx, struct tt_conn *c, enum tt_tmpl_id id)
{
	struct tt_app_conn *ac = tt_app_conn(c);

	ac->u.s.final_n = ac->u.s.tmpl_n;
	ac->final_kind = (uint8_t)id;
	tt_tcp_app_send(ctx, c, ctx->app->tmpl[id].len);
}

/* Echo: copy from the held receive mbufs, which start at head_seq. */
static void
echo_fill(struct tt_conn *c, uint64_t off, uint8_t *dst, uint32_t len)
{
	struct tt_app_conn *ac = tt_app_conn(c);
	uint32_t seq = c->snd_una + (uint32_t)(off - c->tx_una_off);
	uint32_t at = seq - ac->u.echo.head_seq;
	struct rte_mbuf *m = ac->u.echo.head;

	while (m != NULL && len > 0) {
		uint32_t dl = m->data_len;

		if (at >= dl) {
			at -= dl;
		} else {
			uint32_t n = RTE_MIN(len, dl - at);

			memcpy(dst, rte_pktmbuf_mtod_offset(m, uint8_t *, at), n);
			dst += n;
			len -= n;
			at = 0;
		}
		m = m->next;
	}
}

bool
tt_tcp_ev_fill(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint64_t off, uint8_t *dst,
	    uint32_t len, uint16_t *sum)
{
	struct tt_app_conn *ac = tt_app_conn(c);
	const struct tt_tmpl *t, *p;
	uint64_t final_off;
	uint32_t within, n, total = len;
	bool whole = false, last;

	if (ac->kind == TT_CAPP_SRV_ECHO) {
		echo_fill(c, off, dst, len);
		return false;
	}
	t = &ctx->app->tmpl[normal_tmpl(c)];
	final_off = ac->u.s.final_n == UINT32_MAX ? UINT64_MAX : (uint64_t)ac->u.s.final_n * t->len;
	while (len > 0) {
		last = off >= final_off;
		if (last) {
			/* The final template ends the stream. */
			p = &ctx->app->tmpl[ac->final_kind];
			within = (uint32_t)(off - final_off);
			n = RTE_MIN(len, p->len - within);
		} else {
			p = t;
			/* Most streams hold one template in flight: no division then. */
			within = off < t->len ? (uint32_t)off : (uint32_t)(off % t->len);
			n = RTE_MIN(len, t->len - within);
			if (off + n > final_off)
				n = (uint32_t)(final_off - off);
		}
		tmpl_copy(p, within, dst, n);
		/* The segment is exactly one whole template: its sum is known. */
		if (len == total && n == total && n == p->len && p->sum_ok) {
			*sum = p->sum;
			whole = true;
		}
		if (last)
			break;
		dst += n;
		len -= n;
		off += n;
	}
	return whole;
}

/*
 * How many more mbufs an echo connection holding @p n may take: up to its
 * own limit, and, of the lcore's mbufs still free, only while it holds
 * fewer than are free. So when peers that never read press on the lcore's
 * limit, those holding most stop first, and each of k such peers ends
 * with about echo_lcore_max / (k + 1): a newcomer still finds about as
 * many free, and is served.
 */
static inline uint32_t
echo_left(const struct tt_app_ctx *a, uint32_t n)
{
	uint32_t free = a->echo_held < a->echo_lcore_max ? a->echo_lcore_max - a->echo_held : 0;

	if (n >= a->echo_conn_max || n >= free)
		return 0;
	return RTE_MIN(a->echo_conn_max - n, free - n);
}

uint32_t
tt_tcp_ev_held(const struct tt_tcp_ctx *ctx, const struct tt_conn *c)
{
	const struct tt_app_conn *ac = tt_app_conn_const(c);
	uint32_t n = 0, left;
	uint64_t held = 0, room;

	if (ac->kind != TT_CAPP_SRV_ECHO)
		return 0;
	if (ac->u.echo.head != NULL) {
		n = ECHO_META(ac->u.echo.head)->count;
		/* Echo data not yet acknowledged by the peer, or the mbufs' cost. */
		held = RTE_MAX((uint64_t)(c->snd_end - ac->u.echo.head_seq),
			       (uint64_t)n * ctx->app->echo_cost);
	}
	left = echo_left(ctx->app, n);
	if (left == 0)
		return UINT32_MAX;
	/* Near a limit, the window is what the mbufs it may still take can carry. */
	room = (uint64_t)left * ctx->app->echo_cost;
	if (room < ctx->cfg->tcp.rcv_wnd)
		held = RTE_MAX(held, ctx->cfg->tcp.rcv_wnd - room);
	return (uint32_t)RTE_MIN(held, (uint64_t)UINT32_MAX);
}

void
tt_tcp_ev_accepted(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	struct tt_app_conn *ac = tt_app_conn(c);

	/* The engine handed the block out with the area zeroed. */
	ac->kind = ctx->app->srv_kind;
	if (ac->kind == TT_CAPP_SRV_ECHO) {
		/* Echo holds what it receives until the peer has its echo. */
		c->flags |= TT_CF_APP_HOLDS;
		return;
	}
	ac->u.s.final_n = UINT32_MAX;
	if (ac->kind == TT_CAPP_SRV_HTTP)
		tt_http_req_init(&ac->u.s.req);
}

struct tt_conn *
tt_app_connect(struct tt_tcp_ctx *tcp, uint16_t port, uint32_t laddr, uint16_t lport,
	       uint32_t raddr, uint16_t rport, const struct rte_ether_addr *rmac,
	       bool tw_reuse, int *err)
{
	struct tt_app_conn *ac;
	struct tt_conn *c;

	c = tt_tcp_connect(tcp, port, laddr, lport, raddr, rport, rmac, tw_reuse, err);
	if (c == NULL)
		return NULL;
	ac = tt_app_conn(c);
	ac->kind = tcp->app->cli_kind;
	ac->u.s.final_n = UINT32_MAX;
	ac->t_start = (uint32_t)tcp->now_us;
	tt_tcp_connect_start(tcp, c);
	return c;
}

/* ---- Client side. ---- */

static void
client_record(struct tt_tcp_ctx *ctx, struct tt_conn *c, enum tt_meter_hist id)
{
	struct tt_meter *meter = ctx->app->meter;

	if (meter != NULL)
		tt_meter_record(meter, id, (uint32_t)ctx->now_us - tt_app_conn(c)->t_start);
}

/* Queue the next client request, the last one possibly asking to close. */
static void
client_next_request(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	struct tt_app_conn *ac = tt_app_conn(c);
	const struct tt_client_cfg *cc = &ctx->cfg->client;
	bool last = ac->u.s.tmpl_n + 1 >= cc->requests_per_connection;

	TT_STAT_INC(ctx->stats, client_requests);
	if (ac->kind == TT_CAPP_CLI_HTTP && last &&
	    (cc->close == TT_CLOSE_PASSIVE || cc->close == TT_CLOSE_HALF))
		queue_final(ctx, c, TT_TMPL_CLI_REQ_CLOSE);
	else
		queue_normal(ctx, c);
	/*
	 * close = half: our FIN follows the last request, in its segment
	 * when it fits (RFC 9293 3.6: a FIN ends our data, not the
	 * connection; the server answers, then closes). Five segments a
	 * connection with an HTTP server, and TIME_WAIT is ours.
	 */
	if (last && cc->close == TT_CLOSE_HALF)
		tt_tcp_app_close(ctx, c);
}

/* The client's work on this connection is done: close as configured. */
static void
client_complete(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	struct tt_app_conn *ac = tt_app_conn(c);

	if (ac->flags & TT_AF_CLIENT_DONE)
		return;
	ac->flags |= TT_AF_CLIENT_DONE;
	TT_STAT_INC(ctx->stats, client_completed);
	client_record(ctx, c, TT_MH_LAST_BYTE);
	switch (ctx->cfg->client.close) {
	case TT_CLOSE_RESET:
		tt_tcp_app_abort(ctx, c);
		break;
	case TT_CLOSE_PASSIVE:
		/* Wait for the server's FIN; tt_app_eof closes our side. */
		break;
	case TT_CLOSE_HALF:
		/* Our FIN went with the last request (client_next_request()). */
		break;
	default:
		tt_tcp_app_close(ctx, c);
		break;
	}
}

static void
client_fail(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	struct tt_app_conn *ac = tt_app_conn(c);

	if (ac->flags & TT_AF_CLIENT_DONE)
		return;
	ac->flags |= TT_AF_CLIENT_DONE | TT_AF_BAD_RESP;
	TT_STAT_INC(ctx->stats, client_fail_bad_response);
	tt_tcp_app_abort(ctx, c);
}

/* One response complete; returns false when the connection was closed. */
static bool
client_response_done(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	struct tt_app_conn *ac = tt_app_conn(c);

	TT_STAT_INC(ctx->stats, client_responses);
	ac->u.s.done++;
	if (ac->u.s.done >= ctx->cfg->client.requests_per_connection) {
		client_complete(ctx, c);
		return false;
	}
	client_next_request(ctx, c);
	return true;
}

static void
client_http_recv(struct tt_tcp_ctx *ctx, struct tt_conn *c, const uint8_t *data,
		 uint32_t len)
{
	struct tt_app_conn *ac = tt_app_conn(c);
	uint32_t used;

	while (len > 0 && !(ac->flags & TT_AF_CLIENT_DONE)) {
		enum tt_http_rc rc = tt_http_resp_feed_cached(&ac->u.s.resp, &ctx->app->resp_head,
							     data, len, &used);

		if (rc == TT_HTTP_ERROR) {
			client_fail(ctx, c);
			return;
		}
		data += used;
		len -= used;
		if (rc != TT_HTTP_DONE)
			return;
		if (ac->u.s.resp.status < 100 || ac->u.s.resp.status >= 400) {
			client_fail(ctx, c);
			return;
		}
		if (ac->u.s.resp.status < 200)
			continue;	/* 1xx: the final response follows */
		if (!client_response_done(ctx, c))
			return;
	}
}

static void
client_data_recv(struct tt_tcp_ctx *ctx, struct tt_conn *c, const uint8_t *data,
		 uint32_t len)
{
	struct tt_app_conn *ac = tt_app_conn(c);
	const struct tt_client_cfg *cc = &ctx->cfg->client;
	uint64_t start = c->rx_off - len;	/* stream offset of data[0] */
	uint32_t per = ac->kind == TT_CAPP_CLI_ECHO ? cc->request_bytes : cc->response_bytes;

	if (ac->kind == TT_CAPP_CLI_SEND)
		return;	/* a sink test expects nothing back */
	if (ac->kind == TT_CAPP_CLI_ECHO) {
		/* Every echoed byte must equal what we sent at the same offset. */
		uint64_t off = start;
		uint32_t left = len;
		const uint8_t *p = data;

		while (left > 0) {
			uint32_t within = (uint32_t)(off % per);
			uint32_t n = RTE_MIN(left, per - within);

			if (!tt_pattern_check(p, within, n)) {
				client_fail(ctx, c);
				return;
			}
			p += n;
			left -= n;
			off += n;
		}
	}
	if (ac->kind == TT_CAPP_CLI_FIXED && c->rx_off > (uint64_t)ac->u.s.tmpl_n * per) {
		/* More than we asked for. */
		client_fail(ctx, c);
		return;
	}
	while (per > 0 && c->rx_off >= (uint64_t)(ac->u.s.done + 1) * per &&
	       !(ac->flags & TT_AF_CLIENT_DONE)) {
		if (!client_response_done(ctx, c))
			return;
	}
	if (per == 0 && !(ac->flags & TT_AF_CLIENT_DONE))
		client_response_done(ctx, c);
}

/* ---- Events from the TCP engine. ---- */

void
tt_tcp_ev_established(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	struct tt_app_conn *ac = tt_app_conn(c);
	const struct tt_client_cfg *cc = &ctx->cfg->client;

	if (!TT_CAPP_IS_CLIENT(ac->kind))
		return;
	client_record(ctx, c, TT_MH_CONNECT);
	switch (ac->kind) {
	case TT_CAPP_CLI_HTTP:
		tt_http_resp_init(&ac->u.s.resp);
		client_next_request(ctx, c);
		break;
	case TT_CAPP_CLI_SEND:
		TT_STAT_INC(ctx->stats, client_requests);
		queue_normal(ctx, c);
		/* Push and close: complete once the FIN is acknowledged. */
		tt_tcp_app_close(ctx, c);
		break;
	default:
		client_next_request(ctx, c);
		if (ac->kind == TT_CAPP_CLI_FIXED && cc->response_bytes == 0)
			client_response_done(ctx, c);
		break;
	}
}

int
tt_tcp_ev_recv(struct tt_tcp_ctx *ctx, struct tt_conn *c, struct rte_mbuf *m,
	    const uint8_t *data, uint32_t len)
{
	struct tt_app_conn *ac = tt_app_conn(c);
	uint32_t used;

	switch (ac->kind) {
	case TT_CAPP_SRV_HTTP:
		while (len > 0 && ac->u.s.final_n == UINT32_MAX) {
			enum tt_http_rc rc;

			/*
			 * A full send queue (pipelined requests for large
			 * responses): the rest waits in the peer, unread.
			 */
			if (unlikely(!tt_tcp_app_send_room(c))) {
				tt_tcp_app_unread(ctx, c, len);
				break;
			}
			rc = tt_http_req_feed_cached(&ac->u.s.req, &ctx->app->req_cache, data, len,
						     &used);
			if (rc == TT_HTTP_ERROR) {
				/* RFC 9112 2.2: a malformed request gets 400 and a close. */
				TT_STAT_INC(ctx->stats, http_bad_requests);
				queue_final(ctx, c, TT_TMPL_SRV_BAD);
				tt_tcp_app_close(ctx, c);
				break;
			}
			data += used;
			len -= used;
			if (rc != TT_HTTP_DONE)
				break;
			TT_STAT_INC(ctx->stats, http_requests);
			TT_STAT_INC(ctx->stats, http_responses);
			if (ac->u.s.req.flags & TT_HTTP_F_HEAD) {
				queue_final(ctx, c, TT_TMPL_SRV_HEAD_CLOSE);
				tt_tcp_app_close(ctx, c);
			} else if ((ac->u.s.req.flags & TT_HTTP_F_KEEPALIVE) &&
				   (ctx->cfg->server.keepalive_requests == 0 ||
				    ++ac->u.s.done < ctx->cfg->server.keepalive_requests)) {
				queue_normal(ctx, c);
			} else {
				/*
				 * HTTP/1.0, Connection: close, or the last request
				 * the connection is answered ([server]
				 * keepalive_requests): the server closes first, its
				 * response saying so (RFC 9112 9.6).
				 */
				queue_final(ctx, c, TT_TMPL_SRV_OK_CLOSE);
				tt_tcp_app_close(ctx, c);
			}
		}
		return 0;
	case TT_CAPP_SRV_ECHO: {
		/* Keep the mbuf, trimmed to its payload, as the data to send back. */
		uint8_t *start = rte_pktmbuf_mtod(m, uint8_t *);

		if (c->flags & TT_CF_FIN_QUEUED)
			return 0;
		rte_pktmbuf_adj(m, (uint16_t)(data - start));
		rte_pktmbuf_trim(m, (uint16_t)(m->data_len - len));
		m->next = NULL;
		if (ac->u.echo.head == NULL) {
			ac->u.echo.head = m;
			ac->u.echo.head_seq = c->snd_end;
			ECHO_META(m)->count = 0;
		} else {
			ECHO_TAIL(ac->u.echo.head)->next = m;
		}
		ECHO_TAIL(ac->u.echo.head) = m;
		ctx->app->echo_held++;
		if (++ECHO_META(ac->u.echo.head)->count == ctx->app->echo_conn_max)
			TT_STAT_INC(ctx->stats, echo_conn_cap);
		else if (echo_left(ctx->app, ECHO_META(ac->u.echo.head)->count) == 0)
			TT_STAT_INC(ctx->stats, echo_lcore_cap);
		tt_tcp_app_send(ctx, c, len);
		return 1;
	}
	case TT_CAPP_SRV_DISCARD:
		return 0;
	case TT_CAPP_SRV_FIXED: {
		uint32_t per = ctx->cfg->server.request_bytes;

		while (c->rx_off >= (uint64_t)(ac->u.s.tmpl_n + 1) * per &&
		       !(c->flags & TT_CF_FIN_QUEUED)) {
			if (unlikely(!tt_tcp_app_send_room(c))) {
				/* Full send queue: what this segment brought past the answered requests waits. */
				tt_tcp_app_unread(ctx, c, (uint32_t)RTE_MIN((uint64_t)len,
					c->rx_off - (uint64_t)ac->u.s.tmpl_n * per));
				break;
			}
			queue_normal(ctx, c);
		}
		return 0;
	}
	case TT_CAPP_CLI_HTTP:
		if (c->rx_off == len)
			client_record(ctx, c, TT_MH_FIRST_BYTE);
		client_http_recv(ctx, c, data, len);
		return 0;
	default:
		if (c->rx_off == len)
			client_record(ctx, c, TT_MH_FIRST_BYTE);
		client_data_recv(ctx, c, data, len);
		return 0;
	}
}

void
tt_tcp_ev_acked(struct tt_tcp_ctx *ctx, struct tt_conn *c, uint32_t bytes)
{
	struct tt_app_conn *ac = tt_app_conn(c);

	(void)ctx;
	(void)bytes;
	if (ac->kind != TT_CAPP_SRV_ECHO)
		return;
	/* Free the echo data the peer now has. */
	while (ac->u.echo.head != NULL) {
		struct rte_mbuf *m = ac->u.echo.head;

		if (TT_SEQ_GT(ac->u.echo.head_seq + m->data_len, c->snd_una))
			break;
		ac->u.echo.head_seq += m->data_len;
		ac->u.echo.head = m->next;
		if (m->next != NULL) {
			/* The next mbuf becomes the head: it takes over the list's meta data. */
			*ECHO_META(m->next) = *ECHO_META(m);
			ECHO_META(m->next)->count--;
		}
		m->next = NULL;
		rte_pktmbuf_free(m);
		ctx->app->echo_held--;
	}
}

void
tt_tcp_ev_fin_acked(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	struct tt_app_conn *ac = tt_app_conn(c);

	if (ac->kind == TT_CAPP_CLI_SEND)
		client_complete(ctx, c);
}

void
tt_tcp_ev_eof(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	struct tt_app_conn *ac = tt_app_conn(c);

	if (ac->flags & TT_AF_EOF)
		return;
	ac->flags |= TT_AF_EOF;
	if (!TT_CAPP_IS_CLIENT(ac->kind)) {
		/*
		 * The peer is done sending: answer what is queued, then close
		 * (half-close: our FIN follows our data).
		 */
		tt_tcp_app_close(ctx, c);
		return;
	}
	if (!(ac->flags & TT_AF_CLIENT_DONE)) {
		if (ac->kind == TT_CAPP_CLI_HTTP && tt_http_resp_eof(&ac->u.s.resp) == TT_HTTP_DONE &&
		    ac->u.s.done + 1 >= ctx->cfg->client.requests_per_connection) {
			TT_STAT_INC(ctx->stats, client_responses);
			ac->u.s.done++;
			ac->flags |= TT_AF_CLIENT_DONE;
			TT_STAT_INC(ctx->stats, client_completed);
			client_record(ctx, c, TT_MH_LAST_BYTE);
		} else if (ac->kind != TT_CAPP_CLI_SEND) {
			/* The server closed before answering everything. */
			ac->flags |= TT_AF_CLIENT_DONE | TT_AF_BAD_RESP;
			TT_STAT_INC(ctx->stats, client_fail_bad_response);
		}
	}
	if (c->state == TT_TCPS_CLOSE_WAIT || c->state == TT_TCPS_SYN_RCVD)
		tt_tcp_app_close(ctx, c);
}

void
tt_tcp_ev_time_wait(struct tt_tcp_ctx *ctx, struct tt_conn *c)
{
	struct tt_app_conn *ac = tt_app_conn(c);

	if (!TT_CAPP_IS_CLIENT(ac->kind) || (ac->flags & TT_AF_METER_DONE))
		return;
	/* The connection's life, as the generator sees it, ends here. */
	ac->flags |= TT_AF_METER_DONE;
	client_record(ctx, c, TT_MH_LIFETIME);
	if (ctx->app->meter != NULL)
		tt_meter_conn_done(ctx->app->meter);
}

void
tt_tcp_ev_closed(struct tt_tcp_ctx *ctx, struct tt_conn *c, int reason)
{
	struct tt_app_conn *ac = tt_app_conn(c);

	if (ac->kind == TT_CAPP_SRV_ECHO) {
		while (ac->u.echo.head != NULL) {
			struct rte_mbuf *m = ac->u.echo.head;

			ac->u.echo.head = m->next;
			m->next = NULL;
			rte_pktmbuf_free(m);
			ctx->app->echo_held--;
		}
		return;
	}
	if (!TT_CAPP_IS_CLIENT(ac->kind))
		return;
	if (!(ac->flags & TT_AF_CLIENT_DONE)) {
		ac->flags |= TT_AF_CLIENT_DONE;
		switch (reason) {
		case TT_CLOSE_R_REFUSED:
			TT_STAT_INC(ctx->stats, client_fail_refused);
			break;
		case TT_CLOSE_R_TIMEOUT:
		case TT_CLOSE_R_IDLE:
			TT_STAT_INC(ctx->stats, client_fail_timeout);
			break;
		case TT_CLOSE_R_ABORT:
			TT_STAT_INC(ctx->stats, client_drain_reset);
			break;
		default:
			TT_STAT_INC(ctx->stats, client_fail_reset);
			break;
		}
	}
	tt_tcp_ev_time_wait(ctx, c);
}
