/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_CFG_H_
#define _TT_CFG_H_

/**
 * @file
 * The typed configuration of tcpterm, read from an ini file with rte_cfgfile.
 *
 * Every key has a default, a unit and a range. The defaults are written
 * once, in the key table of tt_cfg_keys.c; docs/configuration.md lists
 * them all (a unit test holds the two equal), so the comments below give
 * only what each field means. Errors name the file, the section, the key
 * and the bad value. Addresses are kept in host byte order.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <limits.h>

#include "tt_common.h"

#define TT_CFG_MAX_LISTEN 16
#define TT_CFG_MAX_TARGETS 16
#define TT_CFG_EAL_ARGS_LEN 1024
#define TT_CFG_PATH_LEN 256
#define TT_CFG_ERR_LEN 512

/** Layer-7 applications of either role. */
enum tt_app_kind {
	TT_APP_HTTP = 0,
	TT_APP_ECHO,
	TT_APP_DISCARD,
	TT_APP_FIXED,
	TT_APP_SEND,	/**< client only: push request_bytes and close */
};

/** How the client ends a connection. */
/** When a listener answers SYNs with cookies instead of a flow (RFC 4987). */
enum tt_syncookie_mode {
	TT_SYNCOOKIE_OFF = 0,	/**< never: a full table drops SYNs */
	TT_SYNCOOKIE_ON,	/**< for every SYN */
	TT_SYNCOOKIE_AUTO,	/**< when the table or the half-open budget is full */
};

/** Congestion control (tcp.cc; lib/tcp/tt_tcp_cc.c). */
enum tt_cc_algo {
	TT_CC_CUBIC = 0,	/**< RFC 9438 */
	TT_CC_RENO,		/**< RFC 5681 3.1 with RFC 3465 byte counting */
};

enum tt_close_mode {
	TT_CLOSE_ACTIVE = 0,	/**< client sends FIN after the last response */
	TT_CLOSE_PASSIVE,	/**< client waits for the server's FIN */
	TT_CLOSE_RESET,		/**< client aborts with RST */
	TT_CLOSE_HALF,		/**< client's FIN goes with its last request (half-close) */
};

/** How a port's queues map flows to lcores (docs/architecture.md, "Multi-core and RSS"). */
enum tt_rss_mode {
	TT_RSS_AUTO = 0,	/**< chosen at start from the driver's capabilities */
	TT_RSS_QUEUE,		/**< queue i talks to the peer's queue i (net_ring, net_memif) */
	TT_RSS_HASH,		/**< Toeplitz key and RETA known: the client picks its tuples */
	TT_RSS_STEER,		/**< software steering between lcores over rings */
};

/** Bytes of a Toeplitz RSS key (40: every NIC's IPv4/IPv6 key). */
#define TT_RSS_KEY_LEN 40

struct tt_port_cfg {
	bool present;		/**< a [portN] section exists */
	uint32_t ip;		/**< host order; 0 = none */
	uint8_t prefix;		/**< prefix length 1-32 */
	uint32_t gateway;	/**< host order; 0 = none (on-link only) */
	uint16_t mtu;		/**< IP MTU, bytes */
	uint16_t rx_desc;	/**< RX ring size, descriptors */
	uint16_t tx_desc;	/**< TX ring size, descriptors */
	enum tt_rss_mode rss;	/**< how flows are spread over the lcores */
	bool rss_key_set;	/**< rss_key was given (else tcpterm's symmetric key) */
	uint8_t rss_key[TT_RSS_KEY_LEN];	/**< Toeplitz key, as the NIC takes it */
	uint16_t rss_reta_size;	/**< RETA entries of a port tcpterm cannot query */
	/* Test impairment of what the port receives (lib/net/tt_impair.c); all 0: none. */
	double impair_drop_pct;
	double impair_dup_pct;
	double impair_reorder_pct;
	uint32_t impair_seed;
};

struct tt_tcp_cfg {
	uint16_t mss;		/**< bytes advertised; at most the smallest MTU - 40 */
	uint8_t wscale;		/**< window scale shift we offer (RFC 7323 2) */
	bool sack;		/**< offer/accept SACK-permitted */
	bool timestamps;	/**< offer/accept timestamps */
	uint32_t msl_ms;	/**< maximum segment lifetime; TIME_WAIT = 2*MSL */
	uint32_t max_flows;	/**< connection blocks per lcore (TIME_WAIT needs none) */
	uint32_t max_time_wait;	/**< TIME_WAIT entries per lcore */
	bool tw_recycle;	/**< a full TIME_WAIT table ends its oldest entry early */
	/** An active open may take one of our own TIME_WAIT tuples (with timestamps). */
	bool tw_reuse;
	uint32_t tw_reuse_delay_ms;	/**< after this long in TIME_WAIT */
	bool rfc1337;		/**< TIME_WAIT ignores RST (RFC 1337 4) */
	bool last_ack_reopen;	/**< a newer SYN ends LAST_ACK (tt_tcp_syn_reopens) */
	enum tt_syncookie_mode syn_cookies;	/**< SYN cookies (RFC 4987) */
	uint32_t rcv_wnd;	/**< receive window, bytes */
	uint32_t reass_mbufs;	/**< out-of-order segments held per lcore (tt_tcp_reass.c); 0: none */
	uint32_t sack_scoreboards;	/**< SACK scoreboards per lcore (tt_tcp_sack.c); 0: NewReno only */
	enum tt_cc_algo cc;	/**< congestion control (tt_tcp_cc.c) */
	bool prr;		/**< RFC 6937 proportional rate reduction in SACK recovery */
	bool tlp;		/**< RFC 8985 7 tail loss probe (tt_tcp_tlp.c) */
	uint32_t rto_init_ms;	/**< initial RTO (RFC 6298 2.1) */
	uint32_t rto_min_ms;	/**< lower bound of RTO */
	uint32_t rto_max_ms;	/**< upper bound of RTO */
	uint32_t max_retries;	/**< retransmissions before reset */
	uint32_t syn_retries;	/**< SYN/SYN-ACK retransmissions */
	uint32_t delack_ms;	/**< delayed ACK timer */
	uint32_t init_cwnd;	/**< initial window in segments (RFC 6928) */
	uint32_t challenge_ack_limit;	/**< challenge ACKs a second, per lcore (RFC 5961 7) */
	uint32_t persist_max_probes;	/**< zero-window probes before reset */
	uint32_t persist_timeout_ms;	/**< time in persist before reset; 0 = no bound */
};

struct tt_server_cfg {
	bool enabled;		/**< true when listen has at least one port */
	uint16_t listen[TT_CFG_MAX_LISTEN];
	unsigned int n_listen;
	enum tt_app_kind app;	/**< http, echo, discard or fixed */
	uint32_t response_bytes;	/**< body (http) or response (fixed) */
	uint32_t request_bytes;	/**< fixed: request size that triggers a response */
	uint32_t idle_timeout_ms;	/**< reset an idle connection; 0 = none */
	uint32_t keepalive_requests;	/**< http: responses per connection; 0 = no limit */
	uint32_t echo_conn_mbufs;	/**< echo: received mbufs one connection may hold */
	uint32_t echo_lcore_mbufs;	/**< echo: mbufs all of an lcore's may hold; 0 = auto */
};

struct tt_target {
	uint32_t ip;		/**< host order */
	uint16_t port;
};

struct tt_client_cfg {
	bool enabled;		/**< true when target is set */
	struct tt_target target[TT_CFG_MAX_TARGETS];
	unsigned int n_target;
	uint32_t src_ip_first;	/**< host order; 0 = the port's ip */
	uint32_t src_ip_last;
	uint16_t sport_first;	/**< source port range */
	uint16_t sport_last;
	uint64_t rate;		/**< connections/s, 0 = as fast as possible */
	uint32_t concurrency;	/**< most open at once */
	uint64_t connections;	/**< total, 0 = unlimited (use duration) */
	double duration;	/**< seconds, 0 = unlimited */
	double ramp_up;		/**< seconds to reach rate */
	enum tt_app_kind app;	/**< http, fixed, echo, send */
	char path[TT_CFG_PATH_LEN];	/**< http request path */
	char host[TT_CFG_PATH_LEN];	/**< http Host header; "" = target ip */
	uint32_t request_bytes;	/**< request size (fixed, echo, send) */
	uint32_t response_bytes;	/**< fixed: expected response */
	uint32_t requests_per_connection;	/**< requests before the close */
	enum tt_close_mode close;	/**< how the client ends a connection */
	uint32_t arp_timeout_ms;	/**< wait for a target or gateway ARP reply */
	uint32_t drain_ms;	/**< time allowed to finish at stop */
	uint32_t conn_timeout_ms;	/**< idle timeout of a connection; 0 = none */
};

struct tt_general_cfg {
	double duration;	/**< seconds the process runs, 0 = until done/signal */
	uint32_t stats_interval_ms;	/**< live line period, 0 = off */
	uint32_t mbufs;		/**< mbufs per port pool */
	uint32_t ring_pairs;	/**< net_ring port pairs created in-process */
	uint32_t burst;		/**< RX burst */
	uint32_t tx_drain_us;	/**< TX flush deadline */
	bool overload_control;	/**< shed new SYNs on a saturated lcore (tcp/tt_admit.h) */
};

struct tt_config {
	char file[PATH_MAX];
	char eal_args[TT_CFG_EAL_ARGS_LEN];
	struct tt_general_cfg general;
	struct tt_port_cfg port[TT_MAX_PORTS];
	struct tt_tcp_cfg tcp;
	struct tt_server_cfg server;
	struct tt_client_cfg client;
};

/** Fill @p cfg with every default (the key table's, through its parsers). */
void tt_cfg_defaults(struct tt_config *cfg);

/**
 * Load @p file over the defaults, then apply @p n_sets overrides of the form
 * "section.key=value". Returns 0, or -EINVAL with a message in @p err that
 * names the file, section, key and value (the caller exits with status 2).
 */
int tt_cfg_load(struct tt_config *cfg, const char *file,
		const char *const *sets, unsigned int n_sets,
		char *err, size_t errlen);

/** Print the effective configuration as ini text (what --check shows). */
void tt_cfg_dump(const struct tt_config *cfg, FILE *f);

/** Name of an application kind ("http", ...). */
const char *tt_app_name(enum tt_app_kind app);
const char *tt_close_name(enum tt_close_mode mode);
const char *tt_syncookie_name(enum tt_syncookie_mode mode);
const char *tt_cc_name(enum tt_cc_algo cc);
const char *tt_rss_mode_name(enum tt_rss_mode mode);

#endif /* _TT_CFG_H_ */
