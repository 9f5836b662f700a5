/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Software steering between lcores and the sharing of ARP replies
 * (app/tt_steer.h says what and why): the rings, made once at start, and
 * the handling of what arrives through them.
 */
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "tt_common.h"
#include "tt_main.h"
#include "tt_steer.h"

/* Ring size bounds per pair of lcores (a power of two). */
#define TT_STEER_RING_MIN 64u
#define TT_STEER_RING_MAX 1024u

bool
tt_steer_arp(struct tt_worker *w, const struct tt_iface *ifc, struct rte_mbuf *m,
	     const struct tt_pkt *p)
{
	struct tt_steer *st = w->steer;
	unsigned int j;

	if (p->arp->arp_opcode != rte_cpu_to_be_16(RTE_ARP_OP_REPLY))
		return false;	/* a request: answered here, as on one lcore */
	for (j = 0; j < st->n; j++) {
		struct rte_mbuf *c;

		if (j == st->self)
			continue;
		c = rte_pktmbuf_copy(m, ifc->pool, 0, UINT32_MAX);
		if (c == NULL) {
			TT_DROP(&w->stats, TT_DROP_no_mbuf);
			continue;
		}
		/* At once, not staged: counted apart from the steered segments. */
		if (rte_ring_sp_enqueue(st->out[j], c) != 0) {
			TT_DROP(&w->stats, TT_DROP_steer_full);
			rte_pktmbuf_free(c);
			continue;
		}
		w->stats.c[TT_STAT_arp_copies_out]++;
	}
	/*
	 * Every lcore gets it; the one that asked learns from it. The others,
	 * this one included, have no entry for its sender: for them it is not
	 * an unsolicited reply, only someone else's.
	 */
	if (tt_arp_known(&w->net.arp[ifc->port_id],
			 rte_be_to_cpu_32(p->arp->arp_data.arp_sip)))
		return false;
	rte_pktmbuf_free(m);
	return true;
}

void
tt_steer_flush(struct tt_worker *w)
{
	struct tt_steer *st = w->steer;
	unsigned int j, k, sent;

	for (j = 0; j < st->n; j++) {
		struct rte_mbuf **pend = &st->pend[j * TT_STEER_BURST];

		if (st->n_pend[j] == 0)
			continue;
		sent = rte_ring_sp_enqueue_burst(st->out[j], (void **)pend, st->n_pend[j], NULL);
		w->stats.c[TT_STAT_steered_out] += sent;
		for (k = sent; k < st->n_pend[j]; k++) {
			TT_DROP(&w->stats, TT_DROP_steer_full);
			rte_pktmbuf_free(pend[k]);
		}
		st->n_pend[j] = 0;
	}
}

/*
 * Frames from another lcore, of any port: parsed again (cheaply: their
 * checksums are marked good) and handled as rx_port() would, TCP segments
 * in batches of one port each. An ARP reply is kept only by an lcore with
 * an entry for its sender. Returns the ARP replies among them.
 */
static unsigned int
steer_dispatch(struct tt_app *app, struct tt_worker *w, struct rte_mbuf **pkts, uint16_t nb)
{
	struct rte_mbuf *tcp_m[TT_STEER_BURST];
	struct tt_pkt tcp_p[TT_STEER_BURST];
	struct tt_steer *st = w->steer;
	unsigned int n_tcp = 0, n_arp = 0;
	uint16_t i, port = UINT16_MAX;

	for (i = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i];
		struct tt_pkt *pkt;
		enum tt_drop_reason r;

		if (m->port != port && n_tcp > 0) {
			tt_tcp_input_burst(w->tcp, &app->ports[port].ifc, tcp_m, tcp_p, n_tcp);
			n_tcp = 0;
		}
		port = m->port;
		if (unlikely(port >= app->n_ports)) {
			rte_pktmbuf_free(m);
			continue;
		}
		pkt = &tcp_p[n_tcp];
		r = tt_pkt_parse(&st->parse_ifc[port], m, pkt);
		if (unlikely(r != TT_DROP_NONE)) {
			TT_DROP(&w->stats, r);
			rte_pktmbuf_free(m);
			continue;
		}
		if (likely(pkt->kind == TT_PKT_TCP)) {
			if (tt_admit_syn(w, m, pkt))
				tcp_m[n_tcp++] = m;
		} else if (pkt->kind == TT_PKT_ARP) {
			n_arp++;
			if (tt_arp_known(&w->net.arp[port],
					 rte_be_to_cpu_32(pkt->arp->arp_data.arp_sip)))
				tt_arp_input(&w->net, &app->ports[port].ifc, m, pkt);
			else
				rte_pktmbuf_free(m);
		} else {
			rte_pktmbuf_free(m);
		}
	}
	if (n_tcp > 0)
		tt_tcp_input_burst(w->tcp, &app->ports[port].ifc, tcp_m, tcp_p, n_tcp);
	return n_arp;
}

uint16_t
tt_steer_rx(struct tt_app *app, struct tt_worker *w)
{
	struct rte_mbuf *pkts[TT_STEER_BURST];
	struct tt_steer *st = w->steer;
	unsigned int j, nb, arp, total = 0;

	for (j = 0; j < st->n; j++) {
		if (st->in[j] == NULL)
			continue;
		nb = rte_ring_sc_dequeue_burst(st->in[j], (void **)pkts, RTE_DIM(pkts), NULL);
		if (nb == 0)
			continue;
		arp = steer_dispatch(app, w, pkts, (uint16_t)nb);
		w->stats.c[TT_STAT_steered_in] += nb - arp;
		w->stats.c[TT_STAT_arp_copies_in] += arp;
		total += nb;
	}
	/* ARP replies of the rings' frames may have staged nothing; TCP output went to txq. */
	return (uint16_t)total;
}

/*
 * Ring size per pair of lcores: what fits a quarter of the smallest pool
 * of a steered port among all n(n-1) rings, within 64..1024. Enqueues
 * never wait, so the size only decides how much of a burst of misdirected
 * segments survives, never whether two lcores can block each other.
 */
static unsigned int
steer_ring_size(const struct tt_app *app)
{
	unsigned int n = app->n_workers, pool = UINT32_MAX, size;
	uint16_t p;

	for (p = 0; p < app->n_ports; p++)
		if (app->ports[p].used && app->ports[p].steer_any)
			pool = RTE_MIN(pool, app->ports[p].pool_size);
	size = rte_align32prevpow2(pool / 4 / (n * (n - 1)));
	return RTE_MAX(TT_STEER_RING_MIN, RTE_MIN(TT_STEER_RING_MAX, size));
}

int
tt_steer_init(struct tt_app *app)
{
	unsigned int n = app->n_workers, i, j, size;
	char name[RTE_RING_NAMESIZE];
	bool any = false;
	uint16_t p;

	for (p = 0; p < app->n_ports; p++)
		any |= app->ports[p].used && app->ports[p].steer_any;
	if (!any || n < 2)
		return 0;
	if (n > TT_OWNER_MAX) {
		TT_LOG(ERR, "software steering handles at most %u lcores, not %u",
		       TT_OWNER_MAX, n);
		return -1;
	}
	size = steer_ring_size(app);
	for (i = 0; i < n; i++) {
		struct tt_worker *w = app->workers[i];
		int sock = (int)rte_lcore_to_socket_id(w->lcore_id);
		struct tt_steer *st;

		st = rte_zmalloc_socket("tt_steer", sizeof(*st), RTE_CACHE_LINE_SIZE, sock);
		if (st != NULL)
			st->pend = rte_zmalloc_socket("tt_steer_pend", sizeof(*st->pend) * n *
						      TT_STEER_BURST, RTE_CACHE_LINE_SIZE, sock);
		if (st == NULL || st->pend == NULL) {
			rte_free(st);
			TT_LOG(ERR, "lcore %u: no memory for the steering state", w->lcore_id);
			return -1;
		}
		st->n = n;
		st->self = i;
		tt_owner_fill(&app->cfg, n, st->owner);
		for (p = 0; p < app->n_ports; p++) {
			st->parse_ifc[p] = app->ports[p].ifc;
			st->parse_ifc[p].rx_cksum = true;
		}
		w->steer = st;
	}
	/* Ring i -> j on the socket of j, its consumer. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			struct rte_ring *r;

			if (i == j)
				continue;
			snprintf(name, sizeof(name), "tt_st_%u_%u", i, j);
			r = rte_ring_create(name, size,
					    (int)rte_lcore_to_socket_id(app->workers[j]->lcore_id),
					    RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (r == NULL) {
				TT_LOG(ERR, "cannot create steering ring %s: %s", name,
				       rte_strerror(rte_errno));
				return -1;
			}
			app->workers[i]->steer->out[j] = r;
			app->workers[j]->steer->in[i] = r;
		}
	}
	TT_LOG(INFO, "steering: %u rings of %u frames between %u lcores", n * (n - 1), size, n);
	return 0;
}

void
tt_steer_drain(struct tt_app *app)
{
	struct rte_mbuf *m;
	unsigned int i, j;

	for (i = 0; i < app->n_workers; i++) {
		struct tt_worker *w = app->workers[i];

		if (w->steer == NULL)
			continue;
		for (j = 0; j < w->steer->n; j++) {
			if (w->steer->in[j] == NULL)
				continue;
			while (rte_ring_sc_dequeue(w->steer->in[j], (void **)&m) == 0) {
				rte_pktmbuf_free(m);
				w->stats.c[TT_STAT_rx_discarded_at_exit]++;
			}
		}
	}
}

void
tt_steer_free(struct tt_app *app)
{
	unsigned int i, j;

	for (i = 0; i < app->n_workers; i++) {
		struct tt_steer *st = app->workers[i]->steer;

		if (st == NULL)
			continue;
		for (j = 0; j < st->n; j++)
			rte_ring_free(st->out[j]);
		rte_free(st->pend);
		rte_free(st);
		app->workers[i]->steer = NULL;
	}
}
