/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-lcore run-to-completion loop, as in DPDK's l3fwd: receive a
 * burst on each port, parse and dispatch it (ARP, ICMP, TCP), run the
 * timers and the load generator, and send what was queued when a burst
 * has filled or the TX deadline has passed. The main lcore also does the
 * control work (links, duration, the end of the run) between bursts, so
 * it needs no core of its own; the statistics lines are printed by a
 * control thread (app/report.c), never by a worker.
 */
#include <stdio.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "tt_common.h"
#include "tt_main.h"
#include "tt_steer.h"
#include "gen/tt_gen.h"

#define TT_MAX_BURST 64
/* Packets offered to one port per flush: a TX ring's worth is plenty. */
#define TT_TX_OFFER 512
/* Packets left in the lcore's TX queue after a flush that mean saturation. */
#define TT_ADMIT_TXQ_MARK (TT_TXQ_SIZE / 4)
#define TT_CTL_EVERY 64		/* loop iterations between control checks */
/*
 * Receive bursts a poll of a load generator's lcore may take while each
 * comes back full (its replies go out between them, a burst at a time).
 * A generator that reads one burst a poll and opens new connections in
 * every poll falls behind on its peer's answers when it is offered more
 * than it completes: the server's queue to it backs up, the server's
 * admission control reads that as saturation and sheds the generator's
 * SYNs, and each shed SYN costs the generator a 1 s retransmission and
 * another SYN to send (docs/benchmarks.md, "The generator drains its
 * replies first"). Answers first, then new connections, as a server's
 * admission does (tcp/tt_admit.h). A server lcore keeps one burst a poll:
 * its full bursts are its admission control's saturation signal.
 */
#define TT_GEN_RX_ROUNDS 4
#define TT_LINK_CHECK_MS 10	/* the main lcore polls the links' state */
#define TT_ARP_HOUSE_MS 100	/* ARP retries and expiry */
/* After the generators drain: wait at most this long for the last segments... */
#define TT_LINGER_MAX_MS 500
/* ...and stop as soon as nothing arrived for this long. */
#define TT_LINGER_IDLE_MS 20
/* TSC cycles in @p ms milliseconds. */
#define TT_MS_TSC(hz, ms) ((hz) * (ms) / 1000)

static struct tt_worker *
find_worker(struct tt_app *app)
{
	unsigned int i, lcore = rte_lcore_id();

	for (i = 0; i < app->n_workers; i++)
		if (app->workers[i]->lcore_id == lcore)
			return app->workers[i];
	return NULL;
}

/*
 * Hand the queued packets to their ports, in queue order, at most the
 * first TT_TX_OFFER of the queue per call: what a TX ring refuses stays
 * queued for the next call (back-pressure instead of loss), and only the
 * queue's own overflow (tt_txq_push) drops. Under overload, when a peer
 * stops reading, a flush must cost what the port takes, not what is
 * queued: with one port the queue's front goes to the port as it is (no
 * mbuf read, bytes from txq.len[], nothing moved); with several, the
 * first TT_TX_OFFER are sorted by port. Offering the whole 4,096-packet
 * queue on every loop, or reading 512 mbufs to offer them to a full ring,
 * was what a saturated lcore spent its time on (tx_refused in the hundreds
 * of millions, issue 16). Returns the number of packets the ports took.
 */
static unsigned int
tx_flush(struct tt_app *app, struct tt_worker *w)
{
	static __thread struct rte_mbuf *out[TT_MAX_PORTS][TT_TX_OFFER];
	uint16_t cnt[TT_MAX_PORTS] = { 0 };
	uint16_t sent[TT_MAX_PORTS] = { 0 };
	uint64_t blen[TT_MAX_PORTS] = { 0 };
	uint8_t port_of[TT_TX_OFFER];	/* a sent mbuf is no longer ours to read */
	struct tt_txq *q = &w->txq;
	struct rte_mbuf **qm;
	uint16_t *ql;
	uint16_t i, p, keep = 0, scan = RTE_MIN(q->n, (uint16_t)TT_TX_OFFER);
	unsigned int total = 0;
	bool gaps = false;

	if (likely(app->n_ports == 1 && app->ports[0].link_up)) {
		uint16_t n = rte_eth_tx_burst(0, w->queue, &q->m[q->head], scan);
		uint64_t bytes = 0;

		for (i = 0; i < n; i++)
			bytes += q->len[q->head + i];
		w->stats.c[TT_STAT_tx_bytes] += bytes;
		w->stats.c[TT_STAT_tx_pkts] += n;
		w->stats.c[TT_STAT_tx_refused] += scan - n;
		q->n -= n;
		q->head = q->n == 0 ? 0 : q->head + n;
		return n;
	}
	/* Several ports: work from the start of the array. */
	if (q->head != 0) {
		memmove(&q->m[0], &q->m[q->head], q->n * sizeof(q->m[0]));
		memmove(&q->len[0], &q->len[q->head], q->n * sizeof(q->len[0]));
		q->head = 0;
	}
	qm = q->m;
	ql = q->len;
	/*
	 * The first TT_TX_OFFER packets of the queue, by port (the queue stays
	 * in order per port: TCP's segments of one flow leave in the order
	 * they were made). The rest is not even read.
	 */
	for (i = 0; i < scan; i++) {
		struct rte_mbuf *m = qm[i];

		p = m->port;
		if (unlikely(p >= app->n_ports || !app->ports[p].link_up)) {
			TT_DROP(&w->stats, TT_DROP_link_down);
			rte_pktmbuf_free(m);
			qm[i] = NULL;
			gaps = true;
			continue;
		}
		port_of[i] = (uint8_t)p;
		out[p][cnt[p]++] = m;
		blen[p] += ql[i];
	}
	for (p = 0; p < app->n_ports; p++) {
		if (cnt[p] == 0)
			continue;
		sent[p] = rte_eth_tx_burst(p, w->queue, out[p], cnt[p]);
		/* Bytes of what was refused: still ours to read. */
		for (i = sent[p]; i < cnt[p]; i++)
			blen[p] -= out[p][i]->pkt_len;
		w->stats.c[TT_STAT_tx_bytes] += blen[p];
		w->stats.c[TT_STAT_tx_pkts] += sent[p];
		w->stats.c[TT_STAT_tx_refused] += cnt[p] - sent[p];
		total += sent[p];
	}
	if (total == 0 && !gaps)
		return 0;	/* all refused: the queue is as it was */
	if (total == scan && !gaps) {
		/* All taken (the usual case): the front goes, nothing to close up. */
		q->n -= scan;
		q->head = q->n == 0 ? 0 : scan;
		return total;
	}
	/* Close the gaps: each port took the first sent[p] of its packets. */
	for (i = 0; i < scan; i++) {
		struct rte_mbuf *m = qm[i];

		if (m == NULL)
			continue;
		if (sent[port_of[i]] > 0) {
			sent[port_of[i]]--;
			continue;
		}
		ql[keep] = ql[i];
		qm[keep++] = m;
	}
	if (scan < q->n) {
		memmove(&qm[keep], &qm[scan], (q->n - scan) * sizeof(qm[0]));
		memmove(&ql[keep], &ql[scan], (q->n - scan) * sizeof(ql[0]));
	}
	q->n = keep + (q->n - scan);
	return total;
}

/*
 * Receive a burst on @p port and dispatch it. A connection-opening SYN is
 * admitted (tt_admit_syn) by the lcore that owns its flow, after steering.
 */
static uint16_t
rx_port(struct tt_app *app, struct tt_worker *w, uint16_t port, uint16_t burst)
{
	struct rte_mbuf *pkts[TT_MAX_BURST];
	struct rte_mbuf *tcp_m[TT_MAX_BURST];
	struct tt_pkt tcp_p[TT_MAX_BURST];
	struct rte_mbuf *shed[TT_MAX_BURST];
	const struct tt_iface *ifc = &app->ports[port].ifc;
	/* Several lcores on a port that does not pair queues (app/tt_steer.h). */
	const bool steer_tcp = app->ports[port].steer_tcp;
	const bool steer_any = app->ports[port].steer_any;
	unsigned int n_tcp = 0, n_shed = 0;
	uint16_t i, nb;

	nb = rte_eth_rx_burst(port, w->queue, pkts, burst);
	if (nb == 0)
		return 0;
	w->rx_full |= nb == burst;	/* the ring holds more: behind (tt_admit.h) */
	w->stats.c[TT_STAT_rx_pkts] += nb;
	for (i = 0; i < nb; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i];
		/* Parsed in place into the TCP batch (a TCP segment stays there). */
		struct tt_pkt *pkt = &tcp_p[n_tcp];
		enum tt_drop_reason r;

		w->stats.c[TT_STAT_rx_bytes] += m->pkt_len;
		if (unlikely(w->syn_left == 0) && !steer_tcp &&
		    tt_admit_shed_early(w, ifc, m)) {
			/* Overload: a new SYN goes before it costs a parse (tt_main.h). */
			tt_admit_shed(&w->admit);
			TT_DROP(&w->stats, TT_DROP_syn_overload);
			shed[n_shed++] = m;
			continue;
		}
		r = tt_pkt_parse(ifc, m, pkt);
		if (unlikely(r != TT_DROP_NONE)) {
			TT_DROP(&w->stats, r);
			rte_pktmbuf_free(m);
			continue;
		}
		switch (pkt->kind) {
		case TT_PKT_TCP:
			if (unlikely(steer_tcp) && tt_steer_tcp(w->steer, m, pkt))
				break;	/* another lcore's */
			if (unlikely(!tt_admit_syn(w, m, pkt)))
				break;
			tcp_m[n_tcp++] = m;
			break;
		case TT_PKT_ARP:
			if (unlikely(steer_any) && tt_steer_arp(w, ifc, m, pkt))
				break;
			tt_arp_input(&w->net, ifc, m, pkt);
			break;
		case TT_PKT_ICMP:
			tt_icmp_input(&w->net, ifc, m, pkt);
			break;
		default:
			TT_DROP(&w->stats, TT_DROP_unsupported_proto);
			rte_pktmbuf_free(m);
			break;
		}
	}
	if (n_shed > 0)
		rte_pktmbuf_free_bulk(shed, n_shed);
	if (unlikely(steer_any))
		tt_steer_flush(w);
	if (n_tcp > 0)
		tt_tcp_input_burst(w->tcp, ifc, tcp_m, tcp_p, n_tcp);
	return nb;
}

/* The end of the run: every generator has drained (or there is none). */
static bool
all_drained(struct tt_app *app)
{
	unsigned int i;

	for (i = 0; i < app->n_workers; i++) {
		struct tt_gen *g = app->workers[i]->gen;

		if (g != NULL && !tt_gen_finished(g))
			return false;
	}
	return true;
}

static bool
any_generator(struct tt_app *app)
{
	return app->cfg.client.enabled;
}

/*
 * The generators are done: keep the loops running until the last segments
 * (final ACKs, RSTs) have been exchanged, i.e. until no packet arrived for
 * 20 ms, and at most 500 ms, so a peer (or the other role in this process)
 * is not left waiting for them.
 */
static void
linger(struct tt_app *app, uint64_t now)
{
	static uint64_t until, idle_since, last_rx;
	uint64_t rx = 0;
	unsigned int i;

	for (i = 0; i < app->n_workers; i++)
		rx += app->workers[i]->stats.c[TT_STAT_rx_pkts];
	if (until == 0) {
		until = now + TT_MS_TSC(app->tsc_hz, TT_LINGER_MAX_MS);
		idle_since = now;
		last_rx = rx;
		return;
	}
	if (rx != last_rx) {
		last_rx = rx;
		idle_since = now;
	}
	if (now >= until || now - idle_since >= TT_MS_TSC(app->tsc_hz, TT_LINGER_IDLE_MS))
		app->quit = true;
}

/* Control work of the main lcore, between bursts. */
static void
control(struct tt_app *app, uint64_t now, uint64_t *next_link)
{
	double elapsed = (double)(now - app->start_tsc) / app->tsc_hz;
	unsigned int i;

	if (now >= *next_link) {
		tt_ports_check_links(app);
		*next_link = now + TT_MS_TSC(app->tsc_hz, TT_LINK_CHECK_MS);
	}
	if (!app->stopping && app->duration > 0 && elapsed >= app->duration) {
		TT_LOG(INFO, "duration of %.1f s reached, stopping", app->duration);
		app->stopping = true;
	}
	if (app->stop_req && !app->stopping) {
		TT_LOG(INFO, "signal received, stopping");
		app->stopping = true;
	}
	if (any_generator(app)) {
		/* Tell the generators; they drain; then everyone stops together. */
		for (i = 0; i < app->n_workers; i++)
			if (app->stopping && app->workers[i]->gen != NULL)
				tt_gen_request_stop(app->workers[i]->gen);
		if (all_drained(app))
			linger(app, now);
	} else if (app->stopping) {
		app->quit = true;
	}
}

/*
 * On a poll that received nothing: a watched link (net_memif) that went
 * down is no longer polled from now on (see link_watch in port.c). For a
 * primary process the memif driver's link_update does nothing, so this is
 * a read of the link word.
 */
static void
watch_links(struct tt_app *app)
{
	struct rte_eth_link link;
	uint16_t p;

	for (p = 0; p < app->n_ports; p++) {
		struct tt_port *tp = &app->ports[p];

		if (!tp->link_watch || !tp->link_up)
			continue;
		if (rte_eth_link_get_nowait(p, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_DOWN)
			tp->link_up = false;
	}
}

/*
 * The poll loop. A function of its own, marked hot: GCC treats code that
 * always follows a call to a __rte_cold function (rte_log(), the start-up
 * line of tt_worker_loop()) as cold and compiles it for size; inside
 * tt_worker_loop() the whole loop went to its .cold section, with a 64-bit
 * division per iteration among other things.
 */
static __rte_noinline __rte_hot void
worker_run(struct tt_app *app, struct tt_worker *w)
{
	uint64_t hz = app->tsc_hz;
	uint64_t drain_tsc = hz * app->cfg.general.tx_drain_us / 1000000;
	/*
	 * now_us = tsc * us_mult >> 32 in 128 bits: one multiply per loop, no
	 * division, an error below 1 ppm (a 20-bit shift was 0.1% slow).
	 */
	uint64_t us_mult = (uint64_t)(((unsigned __int128)1000000 << 32) / hz);
	uint64_t next_link = 0, next_house = 0;
	uint16_t burst = app->cfg.general.burst;
	unsigned int iter = 0;
	uint64_t prev;
	bool busy = false, flushed;
	uint16_t p, r, nb_rx, syn_q, n_polled = 0;
	uint16_t rx_rounds = w->gen != NULL ? TT_GEN_RX_ROUNDS : 1;

	for (p = 0; p < app->n_ports; p++)
		n_polled += app->ports[p].used;
	tt_admit_init(&w->admit, burst * RTE_MAX(n_polled, 1) * rx_rounds,
		       app->cfg.general.overload_control);
	w->syn_given = w->syn_left = w->admit.quota;

	w->tx_deadline = rte_rdtsc() + drain_tsc;
	prev = rte_rdtsc();

	tt_unmap_guard_enter(w->lcore_id);
	while (likely(!app->quit)) {
		uint64_t now = rte_rdtsc();
		uint64_t now_us = (uint64_t)(((unsigned __int128)(now - app->start_tsc) *
					       us_mult) >> 32);

		/* No burst in progress: a driver may unmap now (tt_unmap_guard.h). */
		tt_unmap_guard_pass(w->lcore_id);

		/* The previous iteration's cycles: busy when it received or sent. */
		w->loop_tsc += now - prev;
		if (busy)
			w->busy_tsc += now - prev;
		prev = now;

		w->net.now_us = now_us;
		tt_tcp_set_time(w->tcp, now_us);

		nb_rx = 0;
		flushed = false;
		for (r = 0; r < rx_rounds; r++) {
			uint16_t got = 0;
			bool full = false;

			/*
			 * rx_port() sets rx_full on a full burst: a further
			 * round runs only after one, so the saturation signal
			 * stays "the first burst was full", as with one round.
			 */
			for (p = 0; p < app->n_ports; p++)
				if (app->ports[p].used && app->ports[p].link_up) {
					uint16_t n = rx_port(app, w, p, burst);

					got += n;
					full |= n == burst;
				}
			nb_rx += got;
			/* A backed-up TX queue: more would only queue more replies. */
			if (!full || r + 1 == rx_rounds || w->txq.n >= TT_ADMIT_TXQ_MARK)
				break;
			/*
			 * What this round answered goes now, as it would at
			 * the end of a one-burst poll: a burst's replies do
			 * not wait for the next bursts (at low concurrency
			 * that would turn the pipeline into one batch).
			 */
			if (w->txq.n >= burst) {
				flushed |= tx_flush(app, w) > 0;
				w->tx_deadline = now + drain_tsc;
			}
		}
		if (unlikely(w->steer != NULL))
			nb_rx += tt_steer_rx(app, w);

		if (nb_rx == 0)
			watch_links(app);
		tt_tcp_timers(w->tcp);
		if (w->gen != NULL)
			tt_gen_poll(w->gen, now);

		/*
		 * Send when a burst has filled, when the deadline has passed, or
		 * when nothing came in (no more to batch with: waiting would only
		 * add latency).
		 */
		busy = nb_rx > 0 || flushed;
		if (w->txq.n >= burst ||
		    (w->txq.n > 0 && (nb_rx == 0 || now >= w->tx_deadline))) {
			/* Busy when the ports took something (not when they refused all). */
			busy |= tx_flush(app, w) > 0;
			w->tx_deadline = now + drain_tsc;
		} else if (w->txq.n == 0) {
			w->tx_deadline = now + drain_tsc;
		}
		/*
		 * Saturated: a full receive burst (the ring holds more than a
		 * poll takes), or what the ports would not take piling up here
		 * (a peer that does not read). New SYNs are then admitted at
		 * the rate handshakes complete (tcp/tt_admit.h).
		 */
		syn_q = tt_admit_update(&w->admit, w->rx_full || w->txq.n >= TT_ADMIT_TXQ_MARK,
					w->syn_given - w->syn_left,
					w->tcp->stats->c[TT_STAT_conn_established], now_us);
		/*
		 * With the TX queue half full, a SYN-ACK now would only push
		 * out a reply or be dropped itself: no new connection until it
		 * drains (the client's opens wait the same way, tt_gen_poll()).
		 */
		if (w->txq.n >= TT_TXQ_SIZE / 2 && w->admit.enabled)
			syn_q = 0;
		/* The same two signals end finished connections early (tt_tcp.h). */
		tt_tcp_set_overloaded(w->tcp, w->admit.enabled &&
				      (w->admit.rate != 0 || w->txq.n >= TT_TXQ_SIZE / 2));
		w->syn_given = w->syn_left = syn_q;
		w->rx_full = false;

		if (unlikely(++iter % TT_CTL_EVERY == 0)) {
			if (now >= next_house) {
				for (p = 0; p < app->n_ports; p++)
					if (app->ports[p].used)
						tt_arp_housekeeping(&w->net, p);
				next_house = now + TT_MS_TSC(hz, TT_ARP_HOUSE_MS);
			}
			if (w->is_main)
				control(app, now, &next_link);
		}
	}
	/* The last of the queue, while the ports take it; the rest is freed. */
	while (w->txq.n > 0 && tx_flush(app, w) > 0)
		;
	while (w->txq.n > 0)
		rte_pktmbuf_free(w->txq.m[w->txq.head + --w->txq.n]);
	tt_unmap_guard_leave(w->lcore_id);
}

int
tt_worker_loop(void *arg)
{
	struct tt_app *app = &tt_app;
	struct tt_worker *w = find_worker(app);
	uint16_t p;

	(void)arg;
	if (w == NULL)
		return 0;
	TT_LOG(INFO, "lcore %u: worker %u started%s", w->lcore_id, w->queue,
	       w->is_main ? " (main: control work too)" : "");

	/* Announce ourselves: RFC 5227 style gratuitous ARP from the first worker. */
	if (w->queue == 0) {
		for (p = 0; p < app->n_ports; p++)
			if (app->ports[p].used && app->ports[p].ifc.ip != 0)
				tt_arp_gratuitous(&w->net, p);
	}
	worker_run(app, w);
	w->done = true;
	return 0;
}
