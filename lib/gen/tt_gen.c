/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The load generator of one lcore. Its clock starts once every next hop is
 * resolved; connections then open on the TSC schedule of tt_rate, within
 * the concurrency limit, on 4-tuples that are neither in use nor in
 * TIME_WAIT here (the incarnation rule: a tuple is free only when its flow
 * is gone from our table). At the end it stops opening, lets open
 * connections finish for drain_ms, then resets the rest.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "tt_common.h"
#include "gen/tt_gen.h"
#include "stats/tt_hist.h"
#include "gen/tt_rate.h"
#include "net/tt_rss.h"
#include "tcp/tt_tcp.h"
#include "l7/tt_app.h"
#include "l7/tt_meter.h"

/* Tuples in use in a row before giving up for this round. */
#define TT_GEN_PROBES 64
/* Opens per poll, so one lcore never stalls its receive path. */
#define TT_GEN_BURST 32

enum tt_gen_phase {
	TT_GEN_RESOLVING = 0,	/**< waiting for ARP of the next hops */
	TT_GEN_RUNNING,
	TT_GEN_DRAINING,	/**< stopped opening, waiting for the open ones */
	TT_GEN_FINISHED,
};

struct tt_gen_target {
	uint32_t ip;
	uint16_t port;
	uint16_t ifport;	/**< DPDK port it is reached through */
	uint32_t nexthop;
	bool resolved;
	struct rte_ether_addr mac;
};

/*
 * A tuple's position: indices of its target, source address and source
 * port, advanced like an odometer (targets vary fastest, then source
 * addresses, then ports) with no division per connection. In rss hash
 * mode the port digit is two: k, a RETA entry that points to our queue,
 * and p, a port of the bucket that entry selects for the tuple's pair
 * (see hash_lport()).
 */
struct tt_gen_pos {
	uint32_t t, s, p, k;
};

/*
 * The tuple space of rss hash mode (the targets' port hashes with a known
 * key and RETA, several lcores): the reply of tuple (target, source
 * address, source port) lands on queue reta[(x ^ b) & mask], where x is
 * the hash of the pair (target address and port, source address) and b
 * the hash of the source port alone (Toeplitz is linear). The source ports
 * are sorted into buckets by b once; for a pair with x, the buckets that
 * are ours are rq[k] ^ x for the RETA entries rq[] that hold our queue.
 */
struct tt_gen_hash {
	uint32_t n_rq;			/**< RETA entries that hold our queue */
	uint32_t bmax;			/**< ports in the largest bucket */
	uint16_t rq[TT_RSS_RETA_MAX];
	uint32_t bstart[TT_RSS_RETA_MAX + 1];	/**< bucket b: bports[bstart[b]..bstart[b+1]) */
	uint16_t *bports;		/**< the source ports, by bucket */
	uint16_t *px;			/**< x of pair (s, t), at s * n_targets + t */
};

struct tt_gen {
	const struct tt_config *cfg;
	struct tt_tcp_ctx *tcp;
	enum tt_gen_phase phase;
	bool failed;
	bool stop_req;
	unsigned int idx, n_workers;
	uint64_t hz;
	uint64_t start_tsc, stop_tsc, resolve_deadline, drain_deadline, duration_tsc;
	uint64_t total;		/**< connections to open here, 0 = unlimited */
	uint64_t opened;
	uint32_t concurrency;	/**< this lcore's share */
	/* Tuple space and the position of the next tuple in it. */
	uint32_t n_targets;
	struct tt_gen_target targets[TT_CFG_MAX_TARGETS];
	uint32_t sip_first, n_sip;
	uint32_t sport_first, n_sport;	/**< this lcore's share of the ports */
	uint32_t n_k;			/**< values of the k digit: 1, or n_rq in hash mode */
	struct tt_gen_hash *hash;	/**< rss hash mode, else NULL */
	uint64_t n_tuples;
	struct tt_gen_pos pos;
	uint64_t tw_limited;	/**< stops at a TIME_WAIT tuple not reusable yet */
	uint64_t limited_tsc;	/**< TSC of the first poll the tuple space held back, or 0 */
	struct tt_rate rate;
	/* What the client applications measure here (lib/l7 writes it). */
	struct tt_meter meter;
};

static const char *const hist_names[TT_MH_MAX] = {
	[TT_MH_CONNECT] = "connect",
	[TT_MH_FIRST_BYTE] = "first_byte",
	[TT_MH_LAST_BYTE] = "last_byte",
	[TT_MH_LIFETIME] = "lifetime",
};

const char *
tt_gen_hist_name(enum tt_meter_hist id)
{
	return id < TT_MH_MAX ? hist_names[id] : "?";
}

int
tt_gen_target_port(const struct tt_config *cfg, uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < TT_MAX_PORTS; i++) {
		const struct tt_port_cfg *p = &cfg->port[i];
		uint32_t mask = p->prefix ? ~0u << (32 - p->prefix) : 0;

		if (p->present && p->ip != 0 && (p->ip & mask) == (ip & mask))
			return (int)i;
	}
	for (i = 0; i < TT_MAX_PORTS; i++)
		if (cfg->port[i].present && cfg->port[i].gateway != 0)
			return (int)i;
	return -1;
}

static uint64_t
share(uint64_t total, unsigned int idx, unsigned int n)
{
	return total / n + (idx < total % n ? 1 : 0);
}

void
tt_gen_sport_share(const struct tt_config *cfg, unsigned int idx, unsigned int n,
		   uint16_t *first, uint32_t *count)
{
	const struct tt_client_cfg *cc = &cfg->client;
	uint32_t nports = cc->sport_last - cc->sport_first + 1;
	uint32_t f = cc->sport_first;
	unsigned int i;

	for (i = 0; i < idx; i++)
		f += (uint32_t)share(nports, i, n);
	*first = (uint16_t)f;
	*count = (uint32_t)share(nports, idx, n);
}

/* The rss of the targets' ports: NULL when none is in hash mode, ERR_PTR-ish -1 when they differ. */
static const struct tt_rss *
gen_targets_rss(const struct tt_gen *g, bool *mixed)
{
	const struct tt_rss *r = NULL, *ri;
	unsigned int i;

	*mixed = false;
	for (i = 0; i < g->n_targets; i++) {
		const struct tt_iface *ifc = g->tcp->net->ifs[g->targets[i].ifport];

		ri = ifc != NULL ? ifc->rss : NULL;
		if (i == 0)
			r = ri;
		else if ((r == NULL) != (ri == NULL) ||
			 (r != NULL && memcmp(r, ri, sizeof(*r)) != 0))
			*mixed = true;
	}
	return r;
}

/*
 * Hash mode (see struct tt_gen_hash): the whole source port range is
 * every lcore's, each taking the tuples whose replies hash to its queue.
 * Returns 0 (also when the targets' ports are not in hash mode), or -1
 * with rte_errno after logging.
 */
static int
gen_hash_init(struct tt_gen *g, int socket)
{
	const struct tt_client_cfg *cc = &g->cfg->client;
	uint32_t nports = cc->sport_last - cc->sport_first + 1, mask, i, s, t, k;
	const struct tt_rss *r;
	struct tt_gen_hash *h;
	uint32_t *fill;
	bool mixed;

	r = gen_targets_rss(g, &mixed);
	if (mixed) {
		TT_LOG(ERR, "client: the targets are reached through ports of different rss "
		       "modes or keys; give them the same [portN] rss (or rss = steer)");
		rte_errno = EINVAL;
		return -1;
	}
	if (r == NULL)
		return 0;
	mask = r->reta_size - 1u;
	h = rte_zmalloc_socket("tt_gen_hash", sizeof(*h), RTE_CACHE_LINE_SIZE, socket);
	if (h == NULL)
		goto nomem;
	g->hash = h;
	h->bports = rte_malloc_socket("tt_gen_bports", nports * sizeof(uint16_t), 0, socket);
	h->px = rte_malloc_socket("tt_gen_px", (size_t)g->n_sip * g->n_targets *
				  sizeof(uint16_t), 0, socket);
	fill = rte_zmalloc_socket("tt_gen_fill", (r->reta_size + 1) * sizeof(uint32_t), 0,
				  socket);
	if (h->bports == NULL || h->px == NULL || fill == NULL) {
		rte_free(fill);
		goto nomem;
	}
	/* Counting sort of the ports by the RETA bits of their own hash. */
	for (i = 0; i < nports; i++)
		fill[(tt_rss_hash(r, 0, 0, 0, (uint16_t)(cc->sport_first + i)) & mask) + 1]++;
	for (i = 0; i < r->reta_size; i++) {
		h->bmax = RTE_MAX(h->bmax, fill[i + 1]);
		fill[i + 1] += fill[i];
		h->bstart[i] = fill[i];
	}
	h->bstart[r->reta_size] = nports;
	for (i = 0; i < nports; i++) {
		uint16_t lport = (uint16_t)(cc->sport_first + i);

		h->bports[fill[tt_rss_hash(r, 0, 0, 0, lport) & mask]++] = lport;
	}
	rte_free(fill);
	for (i = 0; i < r->reta_size; i++)
		if (r->reta[i] == g->idx)
			h->rq[h->n_rq++] = (uint16_t)i;
	/* Each pair's x, and how many tuples are ours. */
	g->n_tuples = 0;
	for (s = 0; s < g->n_sip; s++) {
		for (t = 0; t < g->n_targets; t++) {
			uint16_t x = (uint16_t)(tt_rss_hash(r, g->targets[t].ip, g->sip_first + s,
							    g->targets[t].port, 0) & mask);

			h->px[s * g->n_targets + t] = x;
			for (k = 0; k < h->n_rq; k++)
				g->n_tuples += h->bstart[(h->rq[k] ^ x) + 1] -
					       h->bstart[h->rq[k] ^ x];
		}
	}
	g->sport_first = cc->sport_first;
	g->n_sport = h->bmax;
	g->n_k = RTE_MAX(h->n_rq, 1u);
	TT_LOG(INFO, "client lcore %u: rss hash: %" PRIu64 " of the %" PRIu64 " 4-tuples have "
	       "their replies hashed to queue %u (%u of %u RETA entries)", g->idx, g->n_tuples,
	       (uint64_t)nports * g->n_sip * g->n_targets, g->idx, h->n_rq, r->reta_size);
	return 0;
nomem:
	TT_LOG(ERR, "client lcore %u: no memory for the rss tuple tables", g->idx);
	rte_errno = ENOMEM;
	return -1;
}

struct tt_gen *
tt_gen_create(const struct tt_config *cfg, struct tt_tcp_ctx *tcp, unsigned int idx,
	      unsigned int n_workers, int socket)
{
	const struct tt_client_cfg *cc = &cfg->client;
	struct tt_gen *g;
	unsigned int i, k;
	uint16_t first;

	g = rte_zmalloc_socket("tt_gen", sizeof(*g), RTE_CACHE_LINE_SIZE, socket);
	if (g == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	g->cfg = cfg;
	g->tcp = tcp;
	g->idx = idx;
	g->n_workers = n_workers;
	g->hz = rte_get_tsc_hz();
	for (k = 0; k < TT_MH_MAX; k++)
		tt_hist_init(&g->meter.hist[k]);

	for (i = 0; i < cc->n_target; i++) {
		struct tt_gen_target *t = &g->targets[i];
		int p = tt_gen_target_port(cfg, cc->target[i].ip);

		if (p < 0) {
			TT_LOG(ERR, "client: no port reaches target %u.%u.%u.%u",
			       cc->target[i].ip >> 24, (cc->target[i].ip >> 16) & 0xff,
			       (cc->target[i].ip >> 8) & 0xff, cc->target[i].ip & 0xff);
			rte_free(g);
			rte_errno = EINVAL;
			return NULL;
		}
		t->ip = cc->target[i].ip;
		t->port = cc->target[i].port;
		t->ifport = (uint16_t)p;
	}
	g->n_targets = cc->n_target;

	if (cc->src_ip_first != 0) {
		g->sip_first = cc->src_ip_first;
		g->n_sip = cc->src_ip_last - cc->src_ip_first + 1;
	} else {
		g->sip_first = cfg->port[g->targets[0].ifport].ip;
		g->n_sip = 1;
	}
	/*
	 * Each lcore owns a disjoint slice of the source ports, so no two
	 * lcores ever pick the same tuple.
	 */
	tt_gen_sport_share(cfg, idx, n_workers, &first, &g->n_sport);
	g->sport_first = first;
	g->n_k = 1;
	g->n_tuples = (uint64_t)g->n_sport * g->n_sip * g->n_targets;
	if (n_workers > 1 && gen_hash_init(g, socket) < 0) {
		tt_gen_free(g);
		return NULL;
	}
	if (g->n_tuples == 0) {
		TT_LOG(ERR, "client: lcore %u has no source port (range too small)", idx);
		rte_free(g);
		rte_errno = EINVAL;
		return NULL;
	}
	g->concurrency = (uint32_t)share(cc->concurrency, idx, n_workers);
	g->total = cc->connections ? share(cc->connections, idx, n_workers) : 0;
	if (cc->connections != 0 && g->total == 0)
		g->phase = TT_GEN_FINISHED;	/* nothing for this lcore to do */
	g->duration_tsc = (uint64_t)(cc->duration * g->hz);
	return g;
}

void
tt_gen_free(struct tt_gen *g)
{
	if (g == NULL)
		return;
	if (g->hash != NULL) {
		rte_free(g->hash->bports);
		rte_free(g->hash->px);
		rte_free(g->hash);
	}
	rte_free(g);
}

/* Resolve every target's next hop; the clock starts when all are known. */
static void
resolve(struct tt_gen *g, uint64_t now)
{
	struct tt_net *net = g->tcp->net;
	bool all = true;
	unsigned int i;

	if (g->resolve_deadline == 0)
		g->resolve_deadline = now + g->hz * g->cfg->client.arp_timeout_ms / 1000;
	for (i = 0; i < g->n_targets; i++) {
		struct tt_gen_target *t = &g->targets[i];
		const struct tt_iface *ifc = net->ifs[t->ifport];

		if (t->resolved)
			continue;
		if (ifc == NULL) {
			all = false;
			continue;
		}
		if (t->nexthop == 0)
			t->nexthop = tt_arp_nexthop(ifc, t->ip);
		if (t->nexthop != 0 && tt_arp_resolve(net, t->ifport, t->nexthop, &t->mac) == 0)
			t->resolved = true;
		else
			all = false;
	}
	if (all) {
		g->phase = TT_GEN_RUNNING;
		g->start_tsc = now;
		tt_rate_init(&g->rate, g->hz, (double)g->cfg->client.rate / g->n_workers,
			     g->cfg->client.ramp_up, now);
		TT_LOG(INFO, "client lcore %u: next hops resolved, starting", g->idx);
		return;
	}
	if (now >= g->resolve_deadline) {
		for (i = 0; i < g->n_targets; i++)
			if (!g->targets[i].resolved)
				TT_LOG(ERR, "client: no ARP answer for %u.%u.%u.%u (next hop of "
				       "target %u.%u.%u.%u) within %u ms",
				       g->targets[i].nexthop >> 24,
				       (g->targets[i].nexthop >> 16) & 0xff,
				       (g->targets[i].nexthop >> 8) & 0xff,
				       g->targets[i].nexthop & 0xff, g->targets[i].ip >> 24,
				       (g->targets[i].ip >> 16) & 0xff,
				       (g->targets[i].ip >> 8) & 0xff, g->targets[i].ip & 0xff,
				       g->cfg->client.arp_timeout_ms);
		g->failed = true;
		g->phase = TT_GEN_FINISHED;
		g->stop_tsc = now;
	}
}

static inline void
pos_next(const struct tt_gen *g, struct tt_gen_pos *q)
{
	if (++q->t < g->n_targets)
		return;
	q->t = 0;
	if (++q->s < g->n_sip)
		return;
	q->s = 0;
	if (++q->p < g->n_sport)
		return;
	q->p = 0;
	if (++q->k >= g->n_k)
		q->k = 0;
}

/*
 * Hash mode: the source port at @p q, the p-th port of the bucket that
 * RETA entry rq[k] selects for the pair; 0 where that bucket is smaller
 * (a hole, skipped).
 */
static inline uint16_t
hash_lport(const struct tt_gen *g, const struct tt_gen_pos *q)
{
	const struct tt_gen_hash *h = g->hash;
	uint32_t b = h->rq[q->k] ^ h->px[q->s * g->n_targets + q->t];

	return q->p < h->bstart[b + 1] - h->bstart[b] ? h->bports[h->bstart[b] + q->p] : 0;
}

/* The source port of the next tuple, past the holes of hash mode. */
static inline uint16_t
next_lport(struct tt_gen *g)
{
	uint16_t lport;

	if (likely(g->hash == NULL))
		return (uint16_t)(g->sport_first + g->pos.p);
	while ((lport = hash_lport(g, &g->pos)) == 0)
		pos_next(g, &g->pos);
	return lport;
}

/*
 * Open up to @p want connections on the next free tuples. A tuple with a
 * flow is skipped (no new incarnation while it lives), except one of our
 * own TIME_WAIT tuples that tcp.tw_reuse lets us take over; tuples come
 * round in the order they were used, so the first TIME_WAIT tuple met is
 * the oldest, and when it may not be taken over yet, none after it may:
 * the position stays on it. The tuples of a batch are checked with one
 * bulk flow table lookup, which also brings their buckets into the cache
 * for the inserts of tt_tcp_connect(): a new tuple's bucket is a random
 * one, a cache miss per connection otherwise. Returns the number opened;
 * fewer than @p want means TT_GEN_PROBES tuples in a row were in use, the
 * oldest TIME_WAIT tuple is not reusable yet, or the flow table is full
 * (the position then stays at the first tuple not tried).
 */
static uint32_t
open_batch(struct tt_gen *g, uint32_t want)
{
	struct tt_flow_key keys[TT_GEN_BURST];
	int32_t waits[TT_GEN_BURST];
	struct tt_gen_target *tg[TT_GEN_BURST];
	struct tt_gen_pos at[TT_GEN_BURST];
	struct tt_tcp_ctx *tcp = g->tcp;
	uint32_t opened = 0, probes = 0;

	while (opened < want) {
		/* Distinct tuples in one batch: at most n_tuples of them. */
		unsigned int n = (unsigned int)RTE_MIN((uint64_t)(want - opened), g->n_tuples);
		unsigned int i;
		uint64_t used;

		n = RTE_MIN(n, (unsigned int)TT_GEN_BURST);
		for (i = 0; i < n; i++) {
			uint16_t lport = next_lport(g);
			struct tt_gen_target *t = &g->targets[g->pos.t];

			at[i] = g->pos;
			tg[i] = t;
			keys[i] = (struct tt_flow_key){
				.raddr = t->ip,
				.laddr = g->sip_first + g->pos.s,
				.rport = t->port,
				.lport = lport,
			};
			pos_next(g, &g->pos);
		}
		used = tt_tcp_tuples_lookup(tcp, keys, n, waits);
		for (i = 0; i < n; i++) {
			struct tt_gen_target *t = tg[i];
			struct tt_conn *c;
			bool tw = false;
			int err;

			if (used & (1ull << i)) {
				int32_t wait = waits[i];

				if (wait > 0) {
					/* The oldest TIME_WAIT tuple: not yet, and none after it. */
					g->tw_limited++;
					g->pos = at[i];
					return opened;
				}
				if (wait == 0) {
					tw = true;
				} else if (++probes >= TT_GEN_PROBES) {
					/* TT_GEN_PROBES in a row in use: give up for now. */
					if (i + 1 < n)
						g->pos = at[i + 1];
					return opened;
				} else {
					continue;
				}
			}
			c = tt_app_connect(tcp, t->ifport, keys[i].laddr, keys[i].lport, t->ip,
					   t->port, &t->mac, tw, &err);
			if (c == NULL) {
				/* Table full: this tuple is the first one tried next time. */
				g->pos = at[i];
				return opened;
			}
			g->opened++;
			g->meter.active++;
			opened++;
			probes = 0;
		}
	}
	return opened;
}

static void
stop_opening(struct tt_gen *g, uint64_t now)
{
	if (g->phase != TT_GEN_RUNNING && g->phase != TT_GEN_RESOLVING)
		return;
	g->phase = TT_GEN_DRAINING;
	g->stop_tsc = now;
	g->drain_deadline = now + g->hz * g->cfg->client.drain_ms / 1000;
}

void
tt_gen_poll(struct tt_gen *g, uint64_t now)
{
	uint32_t due, room, opened;

	switch (g->phase) {
	case TT_GEN_FINISHED:
		return;
	case TT_GEN_RESOLVING:
		if (g->stop_req) {
			g->phase = TT_GEN_FINISHED;
			g->stop_tsc = now;
			return;
		}
		resolve(g, now);
		return;
	case TT_GEN_DRAINING:
		if (g->meter.active == 0) {
			g->phase = TT_GEN_FINISHED;
			return;
		}
		if (now >= g->drain_deadline) {
			uint32_t n = tt_tcp_abort_all(g->tcp);

			TT_LOG(INFO, "client lcore %u: drain time over, %u connection(s) reset",
			       g->idx, n);
			g->phase = TT_GEN_FINISHED;
		}
		return;
	case TT_GEN_RUNNING:
		break;
	}
	if (g->stop_req || (g->duration_tsc != 0 && now - g->start_tsc >= g->duration_tsc) ||
	    (g->total != 0 && g->opened >= g->total)) {
		stop_opening(g, now);
		return;
	}
	room = g->meter.active < g->concurrency ? g->concurrency - g->meter.active : 0;
	if (g->total != 0)
		room = (uint32_t)RTE_MIN((uint64_t)room, g->total - g->opened);
	room = RTE_MIN(room, (uint32_t)TT_GEN_BURST);
	/*
	 * TX back-pressure: with the lcore's TX queue half full (the port
	 * refuses packets), a new SYN would only push out a reply or get
	 * dropped; open later.
	 */
	if (unlikely(g->tcp->net->txq->n >= TT_TXQ_SIZE / 2))
		room = 0;
	if (room == 0) {
		/*
		 * Concurrency- or TX-bound: the schedule keeps what it owes
		 * (within its cap). With a rate set and opens owed, count what
		 * held them back, for the summary's "why not met" line.
		 */
		tt_rate_due(&g->rate, now, 0);
		if (tt_rate_owed(&g->rate) != 0) {
			if (g->meter.active >= g->concurrency)
				TT_STAT_INC(g->tcp->stats, client_held_concurrency);
			else
				TT_STAT_INC(g->tcp->stats, client_held_txq);
		}
		return;
	}
	due = tt_rate_due(&g->rate, now, room);
	if (due == 0)
		return;
	opened = open_batch(g, due);
	if (opened < due) {
		/* No free tuple (all in use or in TIME_WAIT): wait, and count it. */
		TT_STAT_INC(g->tcp->stats, client_tuples_exhausted);
		if (g->limited_tsc == 0)
			g->limited_tsc = now;
		tt_rate_unget(&g->rate, due - opened);
	}
}

void
tt_gen_request_stop(struct tt_gen *g)
{
	g->stop_req = true;
}

bool
tt_gen_finished(const struct tt_gen *g)
{
	return g->phase == TT_GEN_FINISHED;
}

bool
tt_gen_failed(const struct tt_gen *g)
{
	return g->failed;
}

const struct tt_hist *
tt_gen_hist(const struct tt_gen *g, enum tt_meter_hist id)
{
	return &g->meter.hist[id];
}

uint32_t
tt_gen_active(const struct tt_gen *g)
{
	return g->meter.active;
}

uint64_t
tt_gen_opened(const struct tt_gen *g)
{
	return g->opened;
}

uint64_t
tt_gen_missed(const struct tt_gen *g)
{
	return g->phase == TT_GEN_RESOLVING ? 0 : tt_rate_missed(&g->rate);
}

uint64_t
tt_gen_start_tsc(const struct tt_gen *g)
{
	return g->start_tsc;
}

uint64_t
tt_gen_stop_tsc(const struct tt_gen *g)
{
	return g->stop_tsc;
}

uint64_t
tt_gen_limited_tsc(const struct tt_gen *g)
{
	return g->limited_tsc;
}

uint64_t
tt_gen_tw_limited(const struct tt_gen *g)
{
	return g->tw_limited;
}

uint64_t
tt_gen_tuples(const struct tt_gen *g)
{
	return g->n_tuples;
}

void
tt_gen_plan(const struct tt_config *cfg, const uint64_t *lcore_tuples, unsigned int n,
	    struct tt_gen_plan *p)
{
	const struct tt_client_cfg *cc = &cfg->client;
	const struct tt_tcp_cfg *tc = &cfg->tcp;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->n_sip = cc->src_ip_first != 0 ? cc->src_ip_last - cc->src_ip_first + 1 : 1;
	p->n_sport = cc->sport_last - cc->sport_first + 1;
	p->n_targets = cc->n_target;
	p->n_tuples = (uint64_t)p->n_sip * p->n_sport * p->n_targets;
	p->n_lcores = RTE_MAX(n, 1u);
	p->lcore_min = UINT64_MAX;
	for (i = 0; i < p->n_lcores; i++) {
		uint64_t t;

		if (lcore_tuples != NULL) {
			t = lcore_tuples[i];
		} else {
			uint32_t count;
			uint16_t first;

			tt_gen_sport_share(cfg, i, p->n_lcores, &first, &count);
			t = (uint64_t)count * p->n_sip * p->n_targets;
		}
		if (t < p->lcore_min) {
			p->lcore_min = t;
			p->lcore_min_idx = i;
		}
	}
	/*
	 * Only an active close (or a half-close, whose FIN goes first) leaves
	 * the tuple in our TIME_WAIT (RFC 9293 3.6); after a passive close or
	 * a reset it is free at once.
	 */
	if (cc->close != TT_CLOSE_ACTIVE && cc->close != TT_CLOSE_HALF && cc->app != TT_APP_SEND)
		return;
	if (tc->tw_reuse && tc->timestamps) {
		p->hold_ms = tc->tw_reuse_delay_ms;
		p->hold_by = "the TIME_WAIT reuse delay (tcp.tw_reuse_delay_ms)";
	} else {
		p->hold_ms = 2 * tc->msl_ms;
		p->hold_by = tc->timestamps ? "TIME_WAIT, 2 x tcp.msl_ms (tcp.tw_reuse is off)" :
			     "TIME_WAIT, 2 x tcp.msl_ms (no reuse without tcp.timestamps)";
	}
	/* Each lcore runs at rate / n_lcores: the one with the fewest tuples binds. */
	p->max_rate = (double)p->lcore_min * p->n_lcores * 1000.0 / p->hold_ms;
}

void
tt_gen_plan_log(const struct tt_config *cfg, const uint64_t *lcore_tuples, unsigned int n)
{
	const struct tt_client_cfg *cc = &cfg->client;
	struct tt_gen_plan p;
	char want[48], per[128] = "";

	tt_gen_plan(cfg, lcore_tuples, n, &p);
	if (p.n_lcores > 1)
		snprintf(per, sizeof(per), " split over %u lcores (the fewest, %" PRIu64
			 ", on lcore %u)", p.n_lcores, p.lcore_min, p.lcore_min_idx);
	if (p.hold_ms == 0) {
		TT_LOG(INFO, "client: %" PRIu64 " 4-tuples (%u source address(es) x %u port(s) x "
		       "%u target(s))%s; the server closes first, so none waits in our TIME_WAIT",
		       p.n_tuples, p.n_sip, p.n_sport, p.n_targets, per);
		return;
	}
	TT_LOG(INFO, "client: %" PRIu64 " 4-tuples (%u source address(es) x %u port(s) x "
	       "%u target(s))%s, each held %u ms after its close by %s: at most %.0f conn/s "
	       "sustained", p.n_tuples, p.n_sip, p.n_sport, p.n_targets, per, p.hold_ms,
	       p.hold_by, p.max_rate);
	if (cc->rate != 0 && (double)cc->rate <= p.max_rate)
		return;
	if (cc->rate == 0)
		snprintf(want, sizeof(want), "as fast as possible (rate = 0)");
	else
		snprintf(want, sizeof(want), "%" PRIu64 " conn/s", cc->rate);
	TT_LOG(WARNING, "client: the 4-tuples sustain at most %.0f conn/s and the rate asked "
	       "is %s: add source addresses (client.src_ip_first/src_ip_last), ports "
	       "(client.sport_first/sport_last) or targets, or let the server close first "
	       "(client.close = passive)", p.max_rate, want);
}

struct tt_meter *
tt_gen_meter(struct tt_gen *g)
{
	return &g->meter;
}
