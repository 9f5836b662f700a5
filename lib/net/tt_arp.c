/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (RFC 826): a bounded neighbour table per port per lcore, answers to
 * requests for our address, requests for the neighbours we need, and the
 * gratuitous ARP sent when a port starts.
 *
 * The table is open addressing with linear probing: an address lives in
 * one of the TT_ARP_MAX_PROBE slots that follow its hash. Lookups always
 * scan the whole window (they do not stop at a free slot), so freeing an
 * entry needs neither tombstones nor moving other entries. The hash is
 * keyed with a random key per table (tt_arp_hash()), so the addresses
 * that share a window cannot be chosen from outside; when a window is
 * full anyway, a new entry takes the slot of its oldest resolved entry
 * (the one confirmed longest ago: neighbours in use are refreshed by the
 * polls before they expire).
 *
 * What the table learns from the wire (tt_arp_input(), docs/security.md):
 * RFC 826's merge rule without its last step. A frame whose sender is
 * pending (we asked for it) completes the entry; one whose sender is
 * resolved with the same MAC refreshes it. Nothing else creates an entry:
 * RFC 826 also adds the sender of any request for us, but the server
 * answers from the Ethernet source of what it receives and needs no
 * table, and only the client's next hops are ever looked up, which it
 * asks for first; so a host, or a flood of spoofed senders, cannot fill
 * the table by asking. A frame that gives a resolved address another MAC
 * is not believed (arp_conflict: that is what ARP spoofing looks like);
 * it starts the verification of the entry instead, by unicast polls to
 * the MAC we have: a neighbour that is still there answers and keeps its
 * entry, one that really moved stops answering, its entry expires within
 * TT_ARP_MAX_RETRIES * TT_ARP_RETRY_US and the next resolution asks
 * everyone again.
 *
 * Times are net->now_us (the caller's clock); nothing here reads a clock.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_arp.h>
#include <rte_mbuf.h>
#include <rte_per_lcore.h>
#include <rte_random.h>

#include "net/tt_net.h"

#define TT_ARP_MASK (TT_ARP_SIZE - 1)
/*
 * tt_arp_housekeeping() visits a slice of the table per call, sized by the
 * time since the previous call so that the whole table is covered at
 * least once per TT_ARP_HK_PERIOD_US: a loop calling it every 100 ms scans
 * all of it each time (1024 entries, 24 KiB: cheap at that rate), one
 * calling it every 100 us visits TT_ARP_HK_MIN entries. Several calls at
 * the same time each visit TT_ARP_HK_MIN entries, so TT_ARP_SIZE /
 * TT_ARP_HK_MIN calls (16) are always a full pass.
 *
 * Where the scan stopped and when it ran are kept per thread and per port,
 * since struct tt_arp_table has no field for them. A table belongs to one
 * lcore; if two tables of one thread (tests) shared the state, every slot
 * would still be visited in turn.
 */
#define TT_ARP_HK_MIN 64
#define TT_ARP_HK_PERIOD_US (10ULL * 1000)

struct tt_arp_hk {
	uint16_t cursor;
	uint64_t last_us;
};

static RTE_DEFINE_PER_LCORE(struct tt_arp_hk[TT_MAX_PORTS], tt_arp_hk);

static struct tt_arp_entry *
tt_arp_find(const struct tt_arp_table *t, uint32_t ip)
{
	uint32_t h = tt_arp_hash(t, ip);
	unsigned int i;

	if (t->n_used == 0)
		return NULL;
	for (i = 0; i < TT_ARP_MAX_PROBE; i++) {
		const struct tt_arp_entry *e = &t->e[(h + i) & TT_ARP_MASK];

		if (e->state != TT_ARP_FREE && e->ip == ip)
			return (struct tt_arp_entry *)(uintptr_t)e;
	}
	return NULL;
}

static inline void
tt_arp_free(struct tt_arp_table *t, struct tt_arp_entry *e)
{
	memset(e, 0, sizeof(*e));
	t->n_used--;
}

/*
 * A free slot in the probe window of @p ip; in a full window, the slot of
 * the resolved entry that expires first (confirmed longest ago), freed;
 * NULL when every entry of the window is pending (resolutions of ours
 * still in progress, which end after TT_ARP_MAX_RETRIES requests).
 */
static struct tt_arp_entry *
tt_arp_slot(struct tt_arp_table *t, uint32_t ip)
{
	uint32_t h = tt_arp_hash(t, ip);
	struct tt_arp_entry *oldest = NULL;
	unsigned int i;

	for (i = 0; i < TT_ARP_MAX_PROBE; i++) {
		struct tt_arp_entry *e = &t->e[(h + i) & TT_ARP_MASK];

		if (e->state == TT_ARP_FREE)
			return e;
		if (e->state == TT_ARP_RESOLVED &&
		    (oldest == NULL || e->expire_us < oldest->expire_us))
			oldest = e;
	}
	if (oldest != NULL)
		tt_arp_free(t, oldest);
	return oldest;
}

void
tt_arp_init(struct tt_arp_table *t)
{
	RTE_BUILD_BUG_ON(!RTE_IS_POWER_OF_2(TT_ARP_SIZE) || TT_ARP_SIZE > 65536);
	RTE_BUILD_BUG_ON(TT_ARP_MAX_PROBE > TT_ARP_SIZE);
	RTE_BUILD_BUG_ON(TT_ARP_SIZE % TT_ARP_HK_MIN != 0);
	unsigned int i, j;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < RTE_DIM(t->key); i++) {
		for (j = 0; j < RTE_DIM(t->key[i]); j += 4) {
			uint64_t r = rte_rand();

			t->key[i][j] = (uint16_t)r;
			t->key[i][j + 1] = (uint16_t)(r >> 16);
			t->key[i][j + 2] = (uint16_t)(r >> 32);
			t->key[i][j + 3] = (uint16_t)(r >> 48);
		}
	}
}

bool
tt_arp_known(const struct tt_arp_table *t, uint32_t ip)
{
	return tt_arp_find(t, ip) != NULL;
}

int
tt_arp_lookup(const struct tt_arp_table *t, uint32_t ip, struct rte_ether_addr *mac)
{
	const struct tt_arp_entry *e = tt_arp_find(t, ip);

	if (e == NULL || e->state != TT_ARP_RESOLVED)
		return -ENOENT;
	if (mac != NULL)
		rte_ether_addr_copy(&e->mac, mac);
	return 0;
}

static void
tt_arp_set(struct tt_arp_entry *e, const struct rte_ether_addr *mac, uint64_t now_us)
{
	rte_ether_addr_copy(mac, &e->mac);
	e->state = TT_ARP_RESOLVED;
	e->retries = 0;
	e->expire_us = now_us + TT_ARP_TTL_US;
}

int
tt_arp_learn(struct tt_arp_table *t, uint32_t ip, const struct rte_ether_addr *mac,
	     uint64_t now_us)
{
	struct tt_arp_entry *e;

	if (ip == 0)
		return -EINVAL;
	e = tt_arp_find(t, ip);
	if (e == NULL) {
		e = tt_arp_slot(t, ip);
		if (e == NULL)
			return -ENOSPC;
		e->ip = ip;
		t->n_used++;
	}
	tt_arp_set(e, mac, now_us);
	return 0;
}

uint32_t
tt_arp_nexthop(const struct tt_iface *ifc, uint32_t dst)
{
	if (((dst ^ ifc->ip) & ifc->mask) == 0)
		return dst;
	return ifc->gateway;
}

static inline const struct tt_iface *
tt_arp_iface(const struct tt_net *net, uint16_t port)
{
	if (port >= TT_MAX_PORTS)
		return NULL;
	return net->ifs[port];
}

/*
 * Build an ARP request from our address for @p tip, padded to the minimum
 * Ethernet frame (60 bytes without CRC): broadcast, or to @p dst (a
 * unicast poll of a known neighbour, RFC 1122 2.3.2.1). The target MAC is
 * left zero either way, as Linux does.
 */
static struct rte_mbuf *
tt_arp_build_request(struct tt_net *net, const struct tt_iface *ifc, uint32_t tip,
		     const struct rte_ether_addr *dst)
{
	const uint16_t len = RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN;
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;
	struct rte_mbuf *m;

	m = ifc->pool != NULL ? rte_pktmbuf_alloc(ifc->pool) : NULL;
	if (m == NULL) {
		TT_DROP(net->stats, TT_DROP_no_mbuf);
		return NULL;
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, len);
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		TT_DROP(net->stats, TT_DROP_no_mbuf);
		return NULL;
	}
	memset(eth, 0, len);
	if (dst != NULL)
		rte_ether_addr_copy(dst, &eth->dst_addr);
	else
		memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
	rte_ether_addr_copy(&ifc->mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);

	arp = (struct rte_arp_hdr *)(eth + 1);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(&ifc->mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = rte_cpu_to_be_32(ifc->ip);
	/* arp_tha stays zero. */
	arp->arp_data.arp_tip = rte_cpu_to_be_32(tip);

	m->port = ifc->port_id;
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = sizeof(*arp);
	return m;
}

static int
tt_arp_send_request(struct tt_net *net, const struct tt_iface *ifc, uint32_t tip,
		    const struct rte_ether_addr *dst)
{
	struct rte_mbuf *m = tt_arp_build_request(net, ifc, tip, dst);

	if (m == NULL)
		return -ENOMEM;
	TT_STAT_INC(net->stats, arp_tx_request);
	tt_txq_push(net, m);
	return 0;
}

/*
 * Ask again for a pending entry if its retry time has come and it has
 * retries left. expire_us is only moved on when a request went out, so a
 * request that found no mbuf is tried again on the next call.
 */
static void
tt_arp_retry(struct tt_net *net, const struct tt_iface *ifc, struct tt_arp_entry *e)
{
	if (net->now_us < e->expire_us || e->retries >= TT_ARP_MAX_RETRIES)
		return;
	if (tt_arp_send_request(net, ifc, e->ip, NULL) == 0) {
		e->retries++;
		e->expire_us = net->now_us + TT_ARP_RETRY_US;
	}
}

/*
 * Returns 0 with the MAC, -EAGAIN while the entry is pending (a request is
 * sent now if none went out in the last TT_ARP_RETRY_US), -ENOSPC when the
 * table has no room for a pending entry, -ENODEV for a port without an
 * interface and -EINVAL for address 0. A pending entry that got no answer
 * after TT_ARP_MAX_RETRIES requests is freed by tt_arp_housekeeping(); the
 * next call starts over.
 */
int
tt_arp_resolve(struct tt_net *net, uint16_t port, uint32_t ip, struct rte_ether_addr *mac)
{
	const struct tt_iface *ifc = tt_arp_iface(net, port);
	struct tt_arp_table *t;
	struct tt_arp_entry *e;

	if (ifc == NULL)
		return -ENODEV;
	if (ip == 0)
		return -EINVAL;
	t = &net->arp[port];
	e = tt_arp_find(t, ip);
	if (likely(e != NULL)) {
		if (likely(e->state == TT_ARP_RESOLVED)) {
			if (mac != NULL)
				rte_ether_addr_copy(&e->mac, mac);
			return 0;
		}
		tt_arp_retry(net, ifc, e);
		return -EAGAIN;
	}
	e = tt_arp_slot(t, ip);
	if (e == NULL)
		return -ENOSPC;
	t->n_used++;
	e->ip = ip;
	e->state = TT_ARP_PENDING;
	e->retries = 0;
	e->expire_us = net->now_us;
	tt_arp_retry(net, ifc, e);
	return -EAGAIN;
}

/* Whether the sender of an ARP frame is a neighbour we may record. */
static bool
tt_arp_sender_ok(const struct tt_iface *ifc, uint32_t sip,
		 const struct rte_ether_addr *sha)
{
	if (sip == 0 || sip == ifc->ip || ((sip ^ ifc->ip) & ifc->mask) != 0)
		return false;
	if (ifc->mask < 0xfffffffe && (sip | ifc->mask) == UINT32_MAX)
		return false;	/* the subnet's broadcast address */
	return rte_is_unicast_ether_addr(sha) && !rte_is_zero_ether_addr(sha);
}

/*
 * What the sender of an ARP frame does to the table (see the file
 * comment): completes its pending entry or refreshes its resolved one
 * (TT_DROP_NONE), contradicts the MAC of its resolved entry, which is kept
 * and polled (TT_DROP_arp_conflict), or is nobody we asked for
 * (TT_DROP_arp_unsolicited: not recorded).
 */
static enum tt_drop_reason
tt_arp_merge(struct tt_net *net, const struct tt_iface *ifc, uint32_t sip,
	     const struct rte_ether_addr *sha)
{
	const uint64_t window = TT_ARP_MAX_RETRIES * TT_ARP_RETRY_US;
	struct tt_arp_entry *e;

	if (!tt_arp_sender_ok(ifc, sip, sha))
		return TT_DROP_arp_unsolicited;
	e = tt_arp_find(&net->arp[ifc->port_id], sip);
	if (e == NULL)
		return TT_DROP_arp_unsolicited;
	if (e->state == TT_ARP_PENDING) {
		TT_STAT_INC(net->stats, arp_learned);
	} else if (!rte_is_same_ether_addr(&e->mac, sha)) {
		/* Poll the MAC we have from now on (tt_arp_poll()). */
		if (e->expire_us > net->now_us + window) {
			e->expire_us = net->now_us + window;
			e->retries = 0;
		}
		return TT_DROP_arp_conflict;
	}
	tt_arp_set(e, sha, net->now_us);
	return TT_DROP_NONE;
}

/*
 * Frames that we sent ourselves (sender MAC is ours, seen on a loop) are
 * ignored. Otherwise the sender goes through tt_arp_merge(); a request
 * for any of our addresses is answered in place unless its sender
 * contradicts the table, else the frame is counted under what
 * tt_arp_merge() found, if that was not a use. @p m is freed or queued.
 */
void
tt_arp_input(struct tt_net *net, const struct tt_iface *ifc, struct rte_mbuf *m,
	     struct tt_pkt *p)
{
	struct rte_arp_hdr *arp = p->arp;
	struct rte_arp_ipv4 *d = &arp->arp_data;
	uint16_t op = rte_be_to_cpu_16(arp->arp_opcode);
	uint32_t sip = rte_be_to_cpu_32(d->arp_sip);
	uint32_t tip = rte_be_to_cpu_32(d->arp_tip);
	struct rte_ether_hdr *eth = p->eth;
	enum tt_drop_reason r;

	if (op == RTE_ARP_OP_REQUEST)
		TT_STAT_INC(net->stats, arp_rx_request);
	else
		TT_STAT_INC(net->stats, arp_rx_reply);

	if (unlikely(rte_is_same_ether_addr(&d->arp_sha, &ifc->mac) ||
		     ifc->port_id >= TT_MAX_PORTS))
		goto free;

	r = tt_arp_merge(net, ifc, sip, &d->arp_sha);
	/*
	 * A neighbour's announcement (RFC 5227 3: sender and target address
	 * equal), such as the one every port sends when it starts, is normal
	 * traffic: not recorded, but not counted as an unsolicited drop.
	 * One that claims our own address is a conflict, and still counts.
	 */
	if (r == TT_DROP_arp_unsolicited && sip == tip && !tt_iface_owns(ifc, sip))
		r = TT_DROP_NONE;
	if (r == TT_DROP_arp_conflict ||
	    op != RTE_ARP_OP_REQUEST || !tt_iface_owns(ifc, tip) ||
	    !rte_is_unicast_ether_addr(&d->arp_sha) ||
	    rte_is_zero_ether_addr(&d->arp_sha)) {
		if (r != TT_DROP_NONE)
			TT_DROP(net->stats, r);
		goto free;
	}

	/* Answer in place: to the asker, from us. */
	rte_ether_addr_copy(&d->arp_sha, &eth->dst_addr);
	rte_ether_addr_copy(&ifc->mac, &eth->src_addr);
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&d->arp_sha, &d->arp_tha);
	d->arp_tip = d->arp_sip;
	rte_ether_addr_copy(&ifc->mac, &d->arp_sha);
	d->arp_sip = rte_cpu_to_be_32(tip);	/* the address asked for */
	m->port = ifc->port_id;
	m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
	TT_STAT_INC(net->stats, arp_tx_reply);
	tt_txq_push(net, m);
	return;
free:
	rte_pktmbuf_free(m);
}

/*
 * A gratuitous ARP (RFC 5227 announcement): a broadcast request with our
 * address as both sender and target. Returns 0, -ENODEV or -ENOMEM.
 */
int
tt_arp_gratuitous(struct tt_net *net, uint16_t port)
{
	const struct tt_iface *ifc = tt_arp_iface(net, port);
	struct rte_mbuf *m;

	if (ifc == NULL || ifc->ip == 0)
		return -ENODEV;
	m = tt_arp_build_request(net, ifc, ifc->ip, NULL);
	if (m == NULL)
		return -ENOMEM;
	TT_STAT_INC(net->stats, arp_tx_gratuitous);
	tt_txq_push(net, m);
	return 0;
}

/*
 * A resolved entry is polled before it expires, so that a neighbour we
 * still talk to is never dropped from the table (which would cost a
 * broadcast and lost packets while it is asked for again): a unicast
 * request at TT_ARP_MAX_RETRIES * TT_ARP_RETRY_US before expiry, then one
 * per TT_ARP_RETRY_US. Any ARP frame from the neighbour (its reply) renews
 * the entry. @p retries counts the poll times passed, so a late call sends
 * one poll, not a burst.
 */
static void
tt_arp_poll(struct tt_net *net, const struct tt_iface *ifc, struct tt_arp_entry *e)
{
	uint64_t left = e->expire_us - net->now_us;	/* > 0 */
	uint64_t later = (left - 1) / TT_ARP_RETRY_US;	/* poll times still ahead */
	unsigned int passed;

	if (later >= TT_ARP_MAX_RETRIES)
		return;
	passed = TT_ARP_MAX_RETRIES - (unsigned int)later;
	if (passed <= e->retries)
		return;
	if (tt_arp_send_request(net, ifc, e->ip, &e->mac) == 0)
		e->retries = (uint8_t)passed;
}

/*
 * Visit the next slots of the table of @p port (see TT_ARP_HK_MIN for how
 * many): resolved entries past their lifetime are freed (arp_expired), and
 * polled in the last TT_ARP_MAX_RETRIES * TT_ARP_RETRY_US before it (see
 * tt_arp_poll()); pending entries whose retry time has come are asked for
 * again, or freed once TT_ARP_MAX_RETRIES requests went unanswered.
 */
void
tt_arp_housekeeping(struct tt_net *net, uint16_t port)
{
	const struct tt_iface *ifc = tt_arp_iface(net, port);
	struct tt_arp_table *t;
	struct tt_arp_hk *hk;
	uint64_t elapsed, now = net->now_us;
	unsigned int i, n;

	if (port >= TT_MAX_PORTS)
		return;
	t = &net->arp[port];
	if (t->n_used == 0)
		return;
	hk = &RTE_PER_LCORE(tt_arp_hk)[port];
	elapsed = now > hk->last_us ? now - hk->last_us : 0;
	hk->last_us = now;
	if (elapsed >= TT_ARP_HK_PERIOD_US)
		n = TT_ARP_SIZE;
	else
		n = RTE_MAX((unsigned int)(elapsed * TT_ARP_SIZE / TT_ARP_HK_PERIOD_US),
			    (unsigned int)TT_ARP_HK_MIN);

	for (i = 0; i < n; i++) {
		struct tt_arp_entry *e = &t->e[(hk->cursor + i) & TT_ARP_MASK];

		if (e->state == TT_ARP_RESOLVED) {
			if (now >= e->expire_us) {
				tt_arp_free(t, e);
				TT_STAT_INC(net->stats, arp_expired);
			} else if (ifc != NULL && now + TT_ARP_MAX_RETRIES * TT_ARP_RETRY_US >=
				   e->expire_us) {
				tt_arp_poll(net, ifc, e);
			}
		} else if (e->state == TT_ARP_PENDING && now >= e->expire_us) {
			if (e->retries >= TT_ARP_MAX_RETRIES || ifc == NULL)
				tt_arp_free(t, e);
			else
				tt_arp_retry(net, ifc, e);
		}
	}
	hk->cursor = (uint16_t)((hk->cursor + n) & TT_ARP_MASK);
}
