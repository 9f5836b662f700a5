/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tt_rss_emu: an RSS NIC emulator for tests. It forwards frames between
 * two ports (in practice two net_memif vdevs in the memif server role,
 * to which two tcpterm processes connect as memif clients), in both
 * directions, and puts every frame on the queue a NIC with RSS would:
 * the Toeplitz hash of its IPv4 addresses and TCP ports under a key (the
 * symmetric 0x6d5a key by default), looked up in a RETA of S entries
 * filled i % N (tt_rss_hash.h). Non-IPv4 frames (ARP) go to queue 0, as
 * on real NICs.
 *
 *	tt_rss_emu -l CPU --no-pci --file-prefix=P
 *		--vdev=net_memif0,role=server,socket=A.sock
 *		--vdev=net_memif1,role=server,socket=B.sock --
 *		[--queues N[,M]] [--key symmetric|microsoft|HEX]
 *		[--reta-size S] [--json FILE]
 *
 * A frame received on port 0 (any queue) leaves on port 1, on the queue
 * port 1's RETA gives it, and the other way round. --queues N,M gives the
 * two ports N and M queues (default 1,1; N alone: both). The memif peer
 * must configure the same number of queues as its port here: DPDK 22.11's
 * memif connects min(ours, theirs) rings, and a queue that got no ring
 * aliases ring 0. The "hash unknown" case of a test is a key the peer was
 * not told.
 *
 * One lcore polls every queue. Nothing is dropped except when a TX queue
 * stays full (a per-queue buffer of TT_EMU_TXBUF frames overflows:
 * tx_dropped) or the destination's link is down (link_down_dropped).
 * A port whose link is down is not polled. When a memif peer leaves,
 * DPDK 22.11's driver marks the link down and unmaps the shared rings in
 * the EAL interrupt thread, while the lcore may be inside rx/tx_burst on
 * them (a crash seen here with a peer leaving under load). So the
 * emulator defines munmap() itself (exported to the PMD, see meson.build):
 * called from another thread while the loop runs, it waits until the
 * loop has passed its safe point, after which it reads every link again
 * before touching a port, and only then unmaps.
 *
 * On SIGINT or SIGTERM it prints one JSON line with its counters per
 * port and queue (and writes it to the --json file) and exits 0.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "tt_rss_hash.h"

RTE_LOG_REGISTER(tt_emu_logtype, tt_rss_emu, INFO);
#define TT_EMU_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, tt_emu_logtype, "tt_rss_emu: " fmt "\n", ##__VA_ARGS__)

#define TT_EMU_PORTS 2
#define TT_EMU_MAX_QUEUES 64
#define TT_EMU_BURST 32
#define TT_EMU_TXBUF 256	/* frames waiting for one full TX queue */
#define TT_EMU_DESC 1024

struct tt_emu_txbuf {
	uint16_t n;
	struct rte_mbuf *m[TT_EMU_TXBUF];
};

struct tt_emu_qstats {
	uint64_t rx;		/* frames received on this queue */
	uint64_t tx;		/* frames sent on this queue */
	uint64_t tx_dropped;	/* refused: the queue's buffer was full */
};

struct tt_emu_port {
	uint16_t id;
	uint16_t nq;
	bool up;
	char name[RTE_ETH_NAME_MAX_LEN];
	struct tt_rss rss;	/* how frames to this port are spread */
	struct tt_emu_txbuf *txb;		/* [nq] */
	struct tt_emu_qstats *qs;		/* [nq] */
	/* Frames sent to this port, by what their hash covered. */
	uint64_t non_ip;
	uint64_t ipv4;
	uint64_t ipv4_tcp;
	/* TCP frames that leave on another queue number than they came in. */
	uint64_t tcp_queue_changed;
	uint64_t link_down_dropped;	/* to this port while its link was down */
	uint64_t link_changes;
};

static struct tt_emu_port emu_ports[TT_EMU_PORTS];
static volatile sig_atomic_t emu_quit;
/* The loop's safe points (see munmap() below). */
static uint64_t emu_epoch;
static int emu_looping;
static pthread_t emu_thread;

/*
 * munmap() for the whole process, the memif PMD's included. From another
 * thread while the loop runs (the interrupt thread's memif_disconnect(),
 * which has marked the link down before), wait until the loop has passed
 * its safe point twice: at the safe point it has finished every burst,
 * and after it reads the links, so it no longer touches the port whose
 * rings go. Sequentially consistent fence and increment: the link's
 * store before the fence here is seen by the loop's read after its
 * increment.
 */
int
munmap(void *addr, size_t len)
{
	if (__atomic_load_n(&emu_looping, __ATOMIC_SEQ_CST) &&
	    !pthread_equal(pthread_self(), emu_thread)) {
		uint64_t e;

		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		e = __atomic_load_n(&emu_epoch, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&emu_looping, __ATOMIC_SEQ_CST) &&
		       __atomic_load_n(&emu_epoch, __ATOMIC_SEQ_CST) - e < 2)
			rte_pause();
	}
	return (int)syscall(SYS_munmap, addr, len);
}

static void
emu_signal(int sig)
{
	emu_quit = 1;
	(void)sig;
}

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s EAL-OPTIONS (two ports, e.g. two net_memif vdevs) -- [options]\n"
		"  --queues N[,M]   queues of port 0 and port 1 (default 1; N alone: both)\n"
		"  --key KEY        Toeplitz key: symmetric (0x6d5a repeated, default),\n"
		"                   microsoft (6d5a56da255b0ec2...), or 80 hex digits\n"
		"  --reta-size S    RETA entries, a power of two %u..%u (default %u),\n"
		"                   entry i = queue i %% N\n"
		"  --json FILE      also write the exit counters (one JSON line) to FILE\n"
		"On SIGINT/SIGTERM: one JSON line of counters on stdout, exit 0.\n",
		prog, TT_RSS_RETA_MIN, TT_RSS_RETA_MAX, TT_RSS_RETA_DEFAULT);
}

static int
parse_uint(const char *s, unsigned int min, unsigned int max, unsigned int *out,
	   const char **end)
{
	char *e;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &e, 10);
	if (errno != 0 || e == s || v < min || v > max)
		return -EINVAL;
	*out = (unsigned int)v;
	*end = e;
	return 0;
}

/* --queues N or N,M. */
static int
parse_queues(const char *s, unsigned int nq[TT_EMU_PORTS])
{
	const char *e;

	if (parse_uint(s, 1, TT_EMU_MAX_QUEUES, &nq[0], &e) < 0)
		return -EINVAL;
	nq[1] = nq[0];
	if (*e == ',' && parse_uint(e + 1, 1, TT_EMU_MAX_QUEUES, &nq[1], &e) < 0)
		return -EINVAL;
	return *e == '\0' ? 0 : -EINVAL;
}

static int
port_setup(struct tt_emu_port *p, uint16_t port_id, unsigned int nq,
	   const uint8_t *key, unsigned int reta_size, struct rte_mempool *pool)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	int socket = rte_eth_dev_socket_id(port_id);
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	if (socket < 0)
		socket = (int)rte_socket_id();
	p->id = port_id;
	p->nq = (uint16_t)nq;
	if (rte_eth_dev_get_name_by_port(port_id, p->name) != 0)
		snprintf(p->name, sizeof(p->name), "port%u", port_id);
	ret = rte_eth_dev_info_get(port_id, &info);
	if (ret != 0) {
		TT_EMU_LOG(ERR, "port %u: no device info: %s", port_id, strerror(-ret));
		return -1;
	}
	if (info.max_rx_queues < nq || info.max_tx_queues < nq) {
		TT_EMU_LOG(ERR, "port %u (%s): %u queues wanted, the port has %u rx / %u tx",
			   port_id, info.driver_name, nq, info.max_rx_queues,
			   info.max_tx_queues);
		return -1;
	}
	if (tt_rss_init(&p->rss, key, reta_size, nq) != 0)
		return -1;
	p->txb = calloc(nq, sizeof(*p->txb));
	p->qs = calloc(nq, sizeof(*p->qs));
	if (p->txb == NULL || p->qs == NULL) {
		TT_EMU_LOG(ERR, "out of memory");
		return -1;
	}
	ret = rte_eth_dev_configure(port_id, nq, nq, &conf);
	if (ret < 0) {
		TT_EMU_LOG(ERR, "port %u: configure: %s", port_id, strerror(-ret));
		return -1;
	}
	for (q = 0; q < nq; q++) {
		ret = rte_eth_rx_queue_setup(port_id, q, TT_EMU_DESC, socket, NULL, pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port_id, q, TT_EMU_DESC, socket, NULL);
		if (ret < 0) {
			TT_EMU_LOG(ERR, "port %u: queue %u: %s", port_id, q, strerror(-ret));
			return -1;
		}
	}
	ret = rte_eth_dev_start(port_id);
	if (ret < 0) {
		TT_EMU_LOG(ERR, "port %u: start: %s", port_id, strerror(-ret));
		return -1;
	}
	return 0;
}

/* Free what waits for a port's TX queues (its link went down). */
static void
txb_drop_all(struct tt_emu_port *p)
{
	uint16_t q;

	for (q = 0; q < p->nq; q++) {
		struct tt_emu_txbuf *b = &p->txb[q];

		if (b->n == 0)
			continue;
		rte_pktmbuf_free_bulk(b->m, b->n);
		p->link_down_dropped += b->n;
		b->n = 0;
	}
}

/* Read every port's link; a port whose link went down is dropped from the poll. */
static void
check_links(void)
{
	struct rte_eth_link link;
	unsigned int i;

	for (i = 0; i < TT_EMU_PORTS; i++) {
		struct tt_emu_port *p = &emu_ports[i];
		bool up;

		if (rte_eth_link_get_nowait(p->id, &link) != 0)
			continue;
		up = link.link_status == RTE_ETH_LINK_UP;
		if (up == p->up)
			continue;
		p->up = up;
		p->link_changes++;
		if (!up)
			txb_drop_all(p);
		TT_EMU_LOG(INFO, "port %u (%s): link %s", p->id, p->name, up ? "up" : "down");
	}
}

/* Put the frames received on queue @p q of @p src on @p dst's queues. */
static void
forward(struct tt_emu_port *dst, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct tt_emu_txbuf *b;
		enum tt_rss_kind kind;
		uint32_t hash;
		uint16_t dq;

		if (unlikely(!dst->up)) {
			rte_pktmbuf_free(m);
			dst->link_down_dropped++;
			continue;
		}
		kind = tt_rss_classify(&dst->rss, rte_pktmbuf_mtod(m, const void *),
				       rte_pktmbuf_data_len(m), &hash);
		dq = tt_rss_queue_of(&dst->rss, kind, hash);
		switch (kind) {
		case TT_RSS_IPV4_TCP:
			dst->ipv4_tcp++;
			dst->tcp_queue_changed += dq != q;
			break;
		case TT_RSS_IPV4:
			dst->ipv4++;
			break;
		default:
			dst->non_ip++;
			break;
		}
		b = &dst->txb[dq];
		if (unlikely(b->n == TT_EMU_TXBUF)) {
			rte_pktmbuf_free(m);
			dst->qs[dq].tx_dropped++;
			continue;
		}
		b->m[b->n++] = m;
	}
}

/* Send what waits; what a full queue refuses stays for the next round. */
static void
flush(struct tt_emu_port *p)
{
	uint16_t q, sent;

	for (q = 0; q < p->nq; q++) {
		struct tt_emu_txbuf *b = &p->txb[q];

		if (b->n == 0)
			continue;
		sent = rte_eth_tx_burst(p->id, q, b->m, b->n);
		p->qs[q].tx += sent;
		if (sent < b->n)
			memmove(b->m, b->m + sent, (b->n - sent) * sizeof(b->m[0]));
		b->n -= sent;
	}
}

static void
emu_loop(void)
{
	struct rte_mbuf *pkts[TT_EMU_BURST];
	unsigned int i;

	emu_thread = pthread_self();
	__atomic_store_n(&emu_looping, 1, __ATOMIC_SEQ_CST);
	while (!emu_quit) {
		/* The safe point: no burst in progress; the links are read next. */
		__atomic_fetch_add(&emu_epoch, 1, __ATOMIC_SEQ_CST);
		check_links();

		for (i = 0; i < TT_EMU_PORTS; i++) {
			struct tt_emu_port *src = &emu_ports[i];
			struct tt_emu_port *dst = &emu_ports[i ^ 1];
			uint16_t q, n;

			if (!src->up)
				continue;
			for (q = 0; q < src->nq; q++) {
				n = rte_eth_rx_burst(src->id, q, pkts, TT_EMU_BURST);
				if (n == 0)
					continue;
				src->qs[q].rx += n;
				forward(dst, q, pkts, n);
			}
		}
		for (i = 0; i < TT_EMU_PORTS; i++)
			if (emu_ports[i].up)
				flush(&emu_ports[i]);
	}
	__atomic_store_n(&emu_looping, 0, __ATOMIC_SEQ_CST);
	for (i = 0; i < TT_EMU_PORTS; i++)
		txb_drop_all(&emu_ports[i]);
}

static void
print_u64s(FILE *f, const char *name, const struct tt_emu_port *p, size_t off)
{
	uint16_t q;

	fprintf(f, "\"%s\":[", name);
	for (q = 0; q < p->nq; q++)
		fprintf(f, "%s%" PRIu64, q ? "," : "",
			*(const uint64_t *)((const char *)&p->qs[q] + off));
	fprintf(f, "]");
}

/* The exit counters as one JSON line. */
static void
print_stats(FILE *f)
{
	char key[2 * TT_RSS_KEY_LEN + 1];
	unsigned int i;

	tt_rss_key_format(emu_ports[0].rss.key, key);
	fprintf(f, "{\"tool\":\"tt_rss_emu\",\"key\":\"%s\",\"reta_size\":%u,\"ports\":[",
		key, emu_ports[0].rss.reta_size);
	for (i = 0; i < TT_EMU_PORTS; i++) {
		const struct tt_emu_port *p = &emu_ports[i];

		fprintf(f, "%s{\"port\":%u,\"name\":\"%s\",\"queues\":%u,", i ? "," : "",
			p->id, p->name, p->nq);
		print_u64s(f, "rx", p, offsetof(struct tt_emu_qstats, rx));
		fprintf(f, ",");
		print_u64s(f, "tx", p, offsetof(struct tt_emu_qstats, tx));
		fprintf(f, ",");
		print_u64s(f, "tx_dropped", p, offsetof(struct tt_emu_qstats, tx_dropped));
		fprintf(f, ",\"non_ip\":%" PRIu64 ",\"ipv4\":%" PRIu64 ",\"ipv4_tcp\":%" PRIu64
			",\"tcp_queue_changed\":%" PRIu64 ",\"link_down_dropped\":%" PRIu64
			",\"link_changes\":%" PRIu64 "}",
			p->non_ip, p->ipv4,
			p->ipv4_tcp, p->tcp_queue_changed, p->link_down_dropped,
			p->link_changes);
	}
	fprintf(f, "]}\n");
	fflush(f);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "queues", required_argument, NULL, 'q' },
		{ "key", required_argument, NULL, 'k' },
		{ "reta-size", required_argument, NULL, 'r' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int nq[TT_EMU_PORTS] = { 1, 1 };
	unsigned int reta_size = TT_RSS_RETA_DEFAULT, n_mbufs, i;
	uint8_t key[TT_RSS_KEY_LEN];
	const char *json = NULL, *e;
	char keyhex[2 * TT_RSS_KEY_LEN + 1];
	struct rte_mempool *pool;
	uint16_t port_id, ids[TT_EMU_PORTS], n = 0;
	int ret, opt, rc = 0;

	memcpy(key, tt_rss_key_symmetric, sizeof(key));
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "tt_rss_emu: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;
	argv += ret;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'q':
			if (parse_queues(optarg, nq) < 0) {
				fprintf(stderr, "tt_rss_emu: --queues '%s': N or N,M, 1..%u\n",
					optarg, TT_EMU_MAX_QUEUES);
				return 2;
			}
			break;
		case 'k':
			if (tt_rss_key_parse(optarg, key) < 0) {
				fprintf(stderr, "tt_rss_emu: --key '%s': symmetric, microsoft "
					"or %u hex digits\n", optarg, 2 * TT_RSS_KEY_LEN);
				return 2;
			}
			break;
		case 'r':
			if (parse_uint(optarg, TT_RSS_RETA_MIN, TT_RSS_RETA_MAX, &reta_size,
				       &e) < 0 || *e != '\0' ||
			    (reta_size & (reta_size - 1)) != 0) {
				fprintf(stderr, "tt_rss_emu: --reta-size '%s': a power of two "
					"%u..%u\n", optarg, TT_RSS_RETA_MIN, TT_RSS_RETA_MAX);
				return 2;
			}
			break;
		case 'j':
			json = optarg;
			break;
		case 'h':
			usage(stdout, "tt_rss_emu");
			return 0;
		default:
			usage(stderr, "tt_rss_emu");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tt_rss_emu: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}

	RTE_ETH_FOREACH_DEV(port_id) {
		if (n < TT_EMU_PORTS)
			ids[n] = port_id;
		n++;
	}
	if (n != TT_EMU_PORTS) {
		/* A vdev that fails to load leaves no port and no EAL error. */
		TT_EMU_LOG(ERR, "needs exactly 2 ports, EAL has %u (check the --vdev options)", n);
		return 1;
	}
	/* What sits in RX, in the TX buffers and in flight, with room to spare. */
	n_mbufs = 4096;
	for (i = 0; i < TT_EMU_PORTS; i++)
		n_mbufs += nq[i] * (TT_EMU_TXBUF + TT_EMU_DESC + TT_EMU_BURST);
	pool = rte_pktmbuf_pool_create("tt_emu_pool", n_mbufs, 256, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (pool == NULL) {
		TT_EMU_LOG(ERR, "cannot create a pool of %u mbufs: %s", n_mbufs,
			   rte_strerror(rte_errno));
		return 1;
	}
	for (i = 0; i < TT_EMU_PORTS; i++)
		if (port_setup(&emu_ports[i], ids[i], nq[i], key, reta_size, pool) < 0)
			return 1;

	signal(SIGINT, emu_signal);
	signal(SIGTERM, emu_signal);
	tt_rss_key_format(key, keyhex);
	printf("tt_rss_emu: ready: port %u (%s) %u queue(s), port %u (%s) %u queue(s), "
	       "key %s, reta %u\n", emu_ports[0].id, emu_ports[0].name, nq[0],
	       emu_ports[1].id, emu_ports[1].name, nq[1], keyhex, reta_size);
	fflush(stdout);

	emu_loop();

	print_stats(stdout);
	if (json != NULL) {
		FILE *f = fopen(json, "w");

		if (f == NULL) {
			TT_EMU_LOG(ERR, "cannot write %s: %s", json, strerror(errno));
			rc = 1;
		} else {
			print_stats(f);
			if (fclose(f) != 0)
				rc = 1;
		}
	}
	for (i = 0; i < TT_EMU_PORTS; i++) {
		rte_eth_dev_stop(emu_ports[i].id);
		rte_eth_dev_close(emu_ports[i].id);
		free(emu_ports[i].txb);
		free(emu_ports[i].qs);
	}
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return rc;
}
