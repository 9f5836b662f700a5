/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port bring-up: in-process ring pairs, one RX and one TX queue per worker
 * on every configured port, a mempool on the port's NUMA socket, and the
 * checksum offloads the port has (software fallback where it has none).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pdump.h>
#include <rte_ring.h>

#include "tt_common.h"
#include "gen/tt_gen.h"
#include "net/tt_impair.h"
#include "tt_main.h"
#include "tt_steer.h"

#define TT_POOL_CACHE 256u

/* Create ring pair @p k: two ports wired back to back, one ring per queue and direction. */
static int
ring_pair_create(unsigned int k, unsigned int n_queues)
{
	struct rte_ring *ab[RTE_MAX_LCORE], *ba[RTE_MAX_LCORE];
	char name[RTE_RING_NAMESIZE];
	unsigned int q;
	int a, b;

	for (q = 0; q < n_queues; q++) {
		snprintf(name, sizeof(name), "tt_r%u_ab%u", k, q);
		ab[q] = rte_ring_create(name, 4096, rte_socket_id(),
					RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "tt_r%u_ba%u", k, q);
		ba[q] = rte_ring_create(name, 4096, rte_socket_id(),
					RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (ab[q] == NULL || ba[q] == NULL) {
			TT_LOG(ERR, "cannot create ring %s: %s", name, rte_strerror(rte_errno));
			return -1;
		}
	}
	snprintf(name, sizeof(name), "tt_ring%ua", k);
	a = rte_eth_from_rings(name, ba, n_queues, ab, n_queues, rte_socket_id());
	snprintf(name, sizeof(name), "tt_ring%ub", k);
	b = rte_eth_from_rings(name, ab, n_queues, ba, n_queues, rte_socket_id());
	if (a < 0 || b < 0) {
		TT_LOG(ERR, "cannot create ring port pair %u: %s", k, rte_strerror(rte_errno));
		return -1;
	}
	TT_LOG(INFO, "ring pair %u: ports %d and %d wired back to back", k, a, b);
	return 0;
}

/* Whether the client role sends through this port (a target is reached by it). */
static bool
client_uses_port(const struct tt_app *app, uint16_t port_id)
{
	const struct tt_client_cfg *cc = &app->cfg.client;
	unsigned int i;

	if (!cc->enabled)
		return false;
	for (i = 0; i < cc->n_target; i++)
		if (tt_gen_target_port(&app->cfg, cc->target[i].ip) == (int)port_id)
			return true;
	return false;
}

/* RSS over IPv4/TCP, and IPv4 for the rest (what the client's tuple choice assumes). */
#define TT_RSS_HF (RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_IPV4)

/* What the RSS part of a port's setup is to do (rss_plan()). */
struct rss_plan {
	enum tt_rss_mode mode;
	bool program;		/**< hash: program the key, read the RETA back */
	uint8_t key[64];	/**< the key programmed, as long as the driver's */
	char why[160];
};

static bool
driver_pairs_queues(const char *driver)
{
	return strcmp(driver, "net_ring") == 0 || strcmp(driver, "net_memif") == 0;
}

/*
 * Choose the port's rss mode from [portN] rss and the driver's
 * capabilities (docs/configuration.md), and set the RSS part of @p conf.
 * Returns 0, or -1 after logging why an explicit choice cannot work.
 */
static int
rss_plan(struct tt_app *app, uint16_t port_id, const struct rte_eth_dev_info *info,
	 struct rte_eth_conf *conf, struct rss_plan *rp)
{
	const struct tt_port_cfg *pc = &app->cfg.port[port_id];
	const uint8_t *key = pc->rss_key_set ? pc->rss_key : tt_rss_sym_key;
	bool pairs = driver_pairs_queues(info->driver_name);
	/* A driver that hashes IPv4/TCP with a key of at least the 16 bytes it uses. */
	bool configurable = (info->flow_type_rss_offloads & RTE_ETH_RSS_NONFRAG_IPV4_TCP) != 0 &&
			    info->hash_key_size >= 16 && info->hash_key_size <= sizeof(rp->key);
	unsigned int nq = app->n_workers, i;

	memset(rp, 0, sizeof(*rp));
	/* Wherever the driver spreads by a hash, let it (the server spreads that way). */
	if (nq > 1 && info->flow_type_rss_offloads != 0) {
		conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf->rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP) &
						    info->flow_type_rss_offloads;
	}
	rp->mode = pc->rss;
	switch (pc->rss) {
	case TT_RSS_QUEUE:
		snprintf(rp->why, sizeof(rp->why), "as configured (queue i talks to the peer's "
			 "queue i)");
		break;
	case TT_RSS_STEER:
		snprintf(rp->why, sizeof(rp->why), "as configured");
		break;
	case TT_RSS_HASH:
		rp->program = configurable;
		snprintf(rp->why, sizeof(rp->why), configurable ? "as configured: key programmed, "
			 "RETA read back" : "as configured: key and RETA of the far side from "
			 "the configuration (the driver takes no RSS configuration)");
		break;
	case TT_RSS_AUTO:
		if (pairs && !pc->rss_key_set) {
			rp->mode = TT_RSS_QUEUE;
			snprintf(rp->why, sizeof(rp->why), "auto: %s pairs queue i with the "
				 "peer's queue i", info->driver_name);
		} else if (pairs) {
			rp->mode = TT_RSS_HASH;
			snprintf(rp->why, sizeof(rp->why), "auto: %s with rss_key: the far side "
				 "hashes with it", info->driver_name);
		} else if (configurable) {
			rp->mode = TT_RSS_HASH;
			rp->program = true;
			snprintf(rp->why, sizeof(rp->why), "auto: the driver takes an RSS key");
		} else {
			rp->mode = TT_RSS_STEER;
			snprintf(rp->why, sizeof(rp->why), "auto: %s takes no RSS key, so its "
				 "queue choice is unknown", info->driver_name);
		}
		break;
	}
	if (rp->program && nq > 1) {
		/* Our key repeated over the driver's key length (the rest only serves IPv6). */
		for (i = 0; i < info->hash_key_size; i++)
			rp->key[i] = key[i % TT_RSS_KEY_LEN];
		conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf->rx_adv_conf.rss_conf.rss_key = rp->key;
		conf->rx_adv_conf.rss_conf.rss_key_len = info->hash_key_size;
		conf->rx_adv_conf.rss_conf.rss_hf = TT_RSS_HF & info->flow_type_rss_offloads;
	}
	return 0;
}

/*
 * After configure, for a port whose key was programmed: the key must read
 * back as set and the RETA must be readable. 0, or -1 with the reason.
 */
static int
rss_readback(uint16_t port_id, struct tt_port *p, const struct rss_plan *rp, char *why,
	     size_t len)
{
	struct rte_eth_rss_reta_entry64 reta[TT_RSS_RETA_MAX / RTE_ETH_RETA_GROUP_SIZE];
	uint16_t q[TT_RSS_RETA_MAX];
	struct rte_eth_rss_conf rc = { 0 };
	struct rte_eth_dev_info info;
	uint8_t key[64];
	unsigned int i;
	int ret;

	ret = rte_eth_dev_info_get(port_id, &info);
	if (ret != 0 || info.reta_size == 0 || info.reta_size > TT_RSS_RETA_MAX ||
	    !rte_is_power_of_2(info.reta_size)) {
		snprintf(why, len, "RETA of %u entries (tcpterm takes a power of two up to %u)",
			 ret == 0 ? info.reta_size : 0, TT_RSS_RETA_MAX);
		return -1;
	}
	rc.rss_key = key;
	rc.rss_key_len = sizeof(key);
	ret = rte_eth_dev_rss_hash_conf_get(port_id, &rc);
	if (ret != 0 || memcmp(key, rp->key, TT_RSS_KEY_LEN) != 0) {
		snprintf(why, len, "the key does not read back as set (%s)",
			 ret != 0 ? strerror(-ret) : "another key");
		return -1;
	}
	memset(reta, 0, sizeof(reta));
	for (i = 0; i < info.reta_size / RTE_ETH_RETA_GROUP_SIZE; i++)
		reta[i].mask = UINT64_MAX;
	ret = rte_eth_dev_rss_reta_query(port_id, reta, info.reta_size);
	if (ret != 0) {
		snprintf(why, len, "the RETA cannot be read (%s)", strerror(-ret));
		return -1;
	}
	for (i = 0; i < info.reta_size; i++)
		q[i] = reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE];
	return tt_rss_load(&p->rss, rp->key, q, info.reta_size, 0) == 0 ? 0 : -1;
}

/*
 * After configure: the mode the port runs in, its key and RETA in hash
 * mode, and the one log line that says what was chosen and why.
 */
static int
rss_setup(struct tt_app *app, uint16_t port_id, struct rss_plan *rp)
{
	const struct tt_port_cfg *pc = &app->cfg.port[port_id];
	struct tt_port *p = &app->ports[port_id];
	unsigned int nq = app->n_workers;
	char why[128];

	if (nq == 1) {
		p->rss_mode = TT_RSS_QUEUE;
		TT_LOG(INFO, "port %u: rss: one lcore, nothing to spread", port_id);
		return 0;
	}
	if (rp->mode == TT_RSS_HASH && rp->program &&
	    rss_readback(port_id, p, rp, why, sizeof(why)) < 0) {
		if (pc->rss == TT_RSS_HASH) {
			TT_LOG(ERR, "port %u: rss = hash, but %s; use rss = steer", port_id, why);
			return -1;
		}
		rp->mode = TT_RSS_STEER;
		snprintf(rp->why, sizeof(rp->why), "auto: the driver took the key, but %s", why);
	} else if (rp->mode == TT_RSS_HASH && !rp->program) {
		/* What the far side uses: the configuration's key, entry i = queue i % n. */
		tt_rss_load(&p->rss, pc->rss_key_set ? pc->rss_key : tt_rss_sym_key, NULL,
			    pc->rss_reta_size, nq);
	}
	p->rss_mode = rp->mode;
	p->steer_tcp = rp->mode == TT_RSS_STEER;
	p->steer_any = rp->mode == TT_RSS_STEER || rp->mode == TT_RSS_HASH;
	if (rp->mode == TT_RSS_HASH)
		p->ifc.rss = &p->rss;
	if (rp->mode == TT_RSS_HASH)
		TT_LOG(INFO, "port %u: rss hash (%s; key %s, %u RETA entries over %u queues)",
		       port_id, rp->why, pc->rss_key_set ? "rss_key" : "tcpterm's symmetric",
		       p->rss.reta_size, nq);
	else
		TT_LOG(INFO, "port %u: rss %s (%s)", port_id, tt_rss_mode_name(rp->mode), rp->why);
	return 0;
}

/* Warn when a port's memory and its lcores are on different NUMA sockets. */
static void
numa_check(const struct tt_app *app, uint16_t port_id, int socket)
{
	unsigned int i, n_other = 0;

	if (rte_eth_dev_socket_id(port_id) < 0)
		return;		/* no NUMA information (vdevs, one socket) */
	for (i = 0; i < app->n_workers; i++)
		if ((int)rte_lcore_to_socket_id(app->workers[i]->lcore_id) != socket)
			n_other++;
	if (n_other > 0)
		TT_LOG(WARNING, "port %u is on socket %d, and %u of its %u lcore(s) are not: "
		       "every packet they touch crosses the socket interconnect (choose lcores "
		       "of socket %d with -l)", port_id, socket, n_other, app->n_workers, socket);
}

static int
port_init(struct tt_app *app, uint16_t port_id)
{
	const struct tt_port_cfg *pc = &app->cfg.port[port_id];
	struct tt_port *p = &app->ports[port_id];
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	struct rte_eth_txconf txconf;
	struct rte_eth_rxconf rxconf;
	struct rss_plan rp;
	uint16_t nb_rxd = pc->rx_desc, nb_txd = pc->tx_desc;
	unsigned int nq = app->n_workers;
	uint16_t mtu;
	int socket, ret;
	unsigned int q;

	ret = rte_eth_dev_info_get(port_id, &info);
	if (ret != 0) {
		TT_LOG(ERR, "port %u: cannot get device info: %s", port_id, strerror(-ret));
		return -1;
	}
	if (info.max_rx_queues < nq || info.max_tx_queues < nq) {
		TT_LOG(ERR, "port %u (%s): %u workers need %u queues, the port has %u rx / %u tx",
		       port_id, info.driver_name, nq, nq, info.max_rx_queues,
		       info.max_tx_queues);
		return -1;
	}
	if (rss_plan(app, port_id, &info, &conf, &rp) < 0)
		return -1;
	socket = rte_eth_dev_socket_id(port_id);
	if (socket < 0)
		socket = (int)rte_socket_id();
	numa_check(app, port_id, socket);

	p->used = true;
	/*
	 * net_tap reads its link state from the kernel interface by name in
	 * our namespace: once a test moves the interface into another
	 * namespace it reads "down" while the queues work. Poll it always.
	 */
	p->ignore_link = strcmp(info.driver_name, "net_tap") == 0;
	/*
	 * A net_memif peer that leaves makes the driver unmap the shared
	 * rings (DPDK 22.11 memif_disconnect()), microseconds after it marks
	 * the link down; a worker still inside rx/tx_burst then faults. The
	 * workers look at such a link on every poll that received nothing
	 * (idle time), so they stop polling before the unmap, not at the next
	 * control round.
	 */
	p->link_watch = strcmp(info.driver_name, "net_memif") == 0;
	p->ifc.port_id = port_id;
	p->ifc.ip = pc->ip;
	p->ifc.mask = pc->prefix == 0 ? 0 : ~0u << (32 - pc->prefix);
	p->ifc.gateway = pc->gateway;
	/*
	 * The client's source addresses are ours too, on the port its
	 * targets are reached through (only there: with two ports on one
	 * subnet, as config/loopback.ini has, the other port must see them
	 * as remote, not as its own addresses, which it drops as spoofed).
	 */
	{
		const struct tt_client_cfg *cc = &app->cfg.client;

		if (cc->enabled && cc->src_ip_first != 0 &&
		    ((cc->src_ip_first ^ pc->ip) & p->ifc.mask) == 0 &&
		    client_uses_port(app, port_id)) {
			p->ifc.extra_first = cc->src_ip_first;
			p->ifc.extra_last = cc->src_ip_last;
		}
	}
	p->ifc.mtu = pc->mtu;

	/* Checksum offloads where the port has them, as testpmd's csumonly does. */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) {
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
		p->ifc.tx_ip_cksum = true;
	}
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) {
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
		p->ifc.tx_tcp_cksum = true;
	}
	if ((info.rx_offload_capa & (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
				     RTE_ETH_RX_OFFLOAD_TCP_CKSUM)) ==
	    (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM)) {
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
					RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
		p->ifc.rx_cksum = true;
	}
	TT_LOG(INFO, "port %u (%s): %u queue(s), tx checksum %s/%s, rx checksum %s",
	       port_id, info.driver_name, nq,
	       p->ifc.tx_ip_cksum ? "ip:hw" : "ip:sw",
	       p->ifc.tx_tcp_cksum ? "tcp:hw" : "tcp:sw",
	       p->ifc.rx_cksum ? "hw" : "sw");

	/* Room for the MTU plus the Ethernet header, in one segment. */
	snprintf(p->pool_name, sizeof(p->pool_name), "tt_pool_p%u", port_id);
	p->pool_size = app->cfg.general.mbufs;
	p->ifc.pool = rte_pktmbuf_pool_create(p->pool_name, p->pool_size,
		RTE_MIN(TT_POOL_CACHE, p->pool_size / 8u), 0,
		RTE_MAX((unsigned int)RTE_MBUF_DEFAULT_BUF_SIZE,
			(unsigned int)(pc->mtu + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN +
				       RTE_PKTMBUF_HEADROOM)),
		socket);
	if (p->ifc.pool == NULL) {
		TT_LOG(ERR, "port %u: cannot create a pool of %u mbufs on socket %d: %s",
		       port_id, p->pool_size, socket, rte_strerror(rte_errno));
		return -1;
	}

	ret = rte_eth_dev_configure(port_id, nq, nq, &conf);
	if (ret < 0 && rp.program && nq > 1 && app->cfg.port[port_id].rss == TT_RSS_AUTO) {
		/* The driver refused the key: steer, with its own hash spreading. */
		rp.program = false;
		rp.mode = TT_RSS_STEER;
		snprintf(rp.why, sizeof(rp.why), "auto: the driver refused the key (%s)",
			 strerror(-ret));
		conf.rx_adv_conf.rss_conf.rss_key = NULL;
		conf.rx_adv_conf.rss_conf.rss_key_len = 0;
		conf.rx_adv_conf.rss_conf.rss_hf &= RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP;
		ret = rte_eth_dev_configure(port_id, nq, nq, &conf);
	}
	if (ret < 0) {
		TT_LOG(ERR, "port %u: configure failed: %s", port_id, strerror(-ret));
		return -1;
	}
	if (rss_setup(app, port_id, &rp) < 0)
		return -1;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nb_rxd, &nb_txd);
	if (ret < 0) {
		TT_LOG(ERR, "port %u: descriptor counts: %s", port_id, strerror(-ret));
		return -1;
	}
	if (rte_eth_dev_get_mtu(port_id, &mtu) == 0 && mtu != pc->mtu) {
		ret = rte_eth_dev_set_mtu(port_id, pc->mtu);
		if (ret < 0)
			TT_LOG(WARNING, "port %u: cannot set MTU %u (keeping %u): %s",
			       port_id, pc->mtu, mtu, strerror(-ret));
	}
	rxconf = info.default_rxconf;
	rxconf.offloads = conf.rxmode.offloads;
	txconf = info.default_txconf;
	txconf.offloads = conf.txmode.offloads;
	for (q = 0; q < nq; q++) {
		ret = rte_eth_rx_queue_setup(port_id, q, nb_rxd, socket, &rxconf, p->ifc.pool);
		if (ret < 0) {
			TT_LOG(ERR, "port %u: rx queue %u: %s", port_id, q, strerror(-ret));
			return -1;
		}
		ret = rte_eth_tx_queue_setup(port_id, q, nb_txd, socket, &txconf);
		if (ret < 0) {
			TT_LOG(ERR, "port %u: tx queue %u: %s", port_id, q, strerror(-ret));
			return -1;
		}
		/* Queue q is polled by worker q (workers_alloc()). */
		ret = tt_impair_attach(port_id, q, pc, &app->workers[q]->stats);
		if (ret < 0) {
			TT_LOG(ERR, "port %u: impairment of rx queue %u: %s", port_id, q,
			       strerror(-ret));
			return -1;
		}
	}
	ret = rte_eth_macaddr_get(port_id, &p->ifc.mac);
	if (ret < 0) {
		TT_LOG(ERR, "port %u: no MAC address: %s", port_id, strerror(-ret));
		return -1;
	}
	if (rte_is_zero_ether_addr(&p->ifc.mac)) {
		/*
		 * Ring ports have no address: give each a locally administered
		 * one, unique per process and port, so ARP works between them.
		 */
		p->ifc.mac.addr_bytes[0] = 0x02;
		p->ifc.mac.addr_bytes[1] = 0x74;
		p->ifc.mac.addr_bytes[2] = (uint8_t)(getpid() >> 16);
		p->ifc.mac.addr_bytes[3] = (uint8_t)(getpid() >> 8);
		p->ifc.mac.addr_bytes[4] = (uint8_t)getpid();
		p->ifc.mac.addr_bytes[5] = (uint8_t)port_id;
		ret = rte_eth_dev_default_mac_addr_set(port_id, &p->ifc.mac);
		if (ret < 0)
			TT_LOG(DEBUG, "port %u: driver keeps no MAC (%s); using ours",
			       port_id, strerror(-ret));
	}
	ret = rte_eth_dev_start(port_id);
	if (ret < 0) {
		TT_LOG(ERR, "port %u: start failed: %s", port_id, strerror(-ret));
		return -1;
	}
	p->pool_avail_start = rte_mempool_avail_count(p->ifc.pool);
	TT_LOG(INFO, "port %u: " RTE_ETHER_ADDR_PRT_FMT " %u.%u.%u.%u/%u mtu %u, %u mbufs",
	       port_id, RTE_ETHER_ADDR_BYTES(&p->ifc.mac),
	       pc->ip >> 24, (pc->ip >> 16) & 0xff, (pc->ip >> 8) & 0xff, pc->ip & 0xff,
	       pc->prefix, pc->mtu, p->pool_size);
	return 0;
}

int
tt_ports_init(struct tt_app *app)
{
	uint16_t n_eal = rte_eth_dev_count_avail();
	uint16_t port_id;
	unsigned int k;

	/*
	 * Live capture (dpdk-dumpcap, a secondary process with the same
	 * --file-prefix): this only registers the request handler; the RX/TX
	 * callbacks exist only while a capture is on. Without a shared
	 * configuration (--in-memory, --no-shconf) there is no secondary.
	 */
	if (rte_pdump_init() < 0)
		TT_LOG(INFO, "no live capture (rte_pdump): %s", rte_strerror(rte_errno));

	for (k = 0; k < app->cfg.general.ring_pairs; k++)
		if (ring_pair_create(k, app->n_workers) < 0)
			return -1;
	app->n_ports = rte_eth_dev_count_avail();
	TT_LOG(INFO, "%u port(s): %u from EAL, %u from ring pairs", app->n_ports, n_eal,
	       app->n_ports - n_eal);
	if (app->n_ports == 0) {
		/* A vdev that failed to load can leave no port and no EAL error. */
		TT_LOG(ERR, "no DPDK port: check the --vdev / PCI arguments in [eal] args");
		return -1;
	}
	if (app->n_ports > TT_MAX_PORTS) {
		TT_LOG(WARNING, "%u ports, only the first %u are used", app->n_ports,
		       TT_MAX_PORTS);
		app->n_ports = TT_MAX_PORTS;
	}
	for (k = 0; k < TT_MAX_PORTS; k++) {
		if (app->cfg.port[k].present && k >= app->n_ports) {
			TT_LOG(ERR, "config %s: [port%u] configured but only %u port(s) exist",
			       app->cfg.file, k, app->n_ports);
			return -1;
		}
	}
	RTE_ETH_FOREACH_DEV(port_id) {
		if (port_id >= app->n_ports)
			break;
		if (!app->cfg.port[port_id].present) {
			TT_LOG(INFO, "port %u: no [port%u] section, not used", port_id, port_id);
			continue;
		}
		if (port_init(app, port_id) < 0)
			return -1;
	}
	if (tt_steer_init(app) < 0)
		return -1;
	tt_ports_check_links(app);
	return 0;
}

void
tt_ports_check_links(struct tt_app *app)
{
	struct rte_eth_link link;
	uint16_t i;

	for (i = 0; i < app->n_ports; i++) {
		struct tt_port *p = &app->ports[i];
		bool up;

		if (!p->used)
			continue;
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(i, &link) != 0 && !p->ignore_link)
			continue;
		up = link.link_status == RTE_ETH_LINK_UP || p->ignore_link;
		if (up != p->link_logged_up)
			TT_LOG(INFO, "port %u: link %s", i, up ? "up" : "down, no longer polled");
		p->link_logged_up = up;
		p->link_up = up;
	}
}

/*
 * After the loops have stopped: free what is still waiting in the RX
 * queues (segments in flight on ring and memif ports), so the pools can be
 * checked. Ports whose link is down are left alone (memif's peer is gone).
 */
void
tt_ports_drain(struct tt_app *app)
{
	struct rte_mbuf *pkts[64];
	unsigned int q, i, left, me = rte_lcore_id();
	uint16_t p, n;

	/* A peer may leave now too: bursts here are guarded as a worker's. */
	tt_unmap_guard_enter(me);
	for (p = 0; p < app->n_ports; p++) {
		if (!app->ports[p].used || !app->ports[p].link_up)
			continue;
		for (q = 0; q < app->n_workers; q++) {
			/*
			 * At most what the queue can hold, twice over: a port
			 * that makes up frames (net_null) never runs empty.
			 */
			left = 2u * app->cfg.port[p].rx_desc;
			do {
				tt_unmap_guard_pass(me);
				n = rte_eth_rx_burst(p, q, pkts, RTE_DIM(pkts));
				for (i = 0; i < n; i++)
					rte_pktmbuf_free(pkts[i]);
				app->workers[q]->stats.c[TT_STAT_rx_discarded_at_exit] += n;
				left -= RTE_MIN(left, (unsigned int)n);
			} while (n > 0 && left > 0);
			/* And a frame the test impairment still holds back. */
			app->workers[q]->stats.c[TT_STAT_rx_discarded_at_exit] +=
				tt_impair_flush(p, q);
		}
	}
	tt_unmap_guard_leave(me);
	tt_steer_drain(app);
}

void
tt_ports_close(struct tt_app *app)
{
	uint16_t i;
	int ret;

	rte_pdump_uninit();
	tt_steer_free(app);
	for (i = 0; i < app->n_ports; i++) {
		if (!app->ports[i].used)
			continue;
		ret = rte_eth_dev_stop(i);
		if (ret != 0)
			TT_LOG(WARNING, "port %u: stop: %s", i, strerror(-ret));
		rte_eth_dev_close(i);
	}
}
