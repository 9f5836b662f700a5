/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Unit tests of the configuration module (lib/cfg): the example configs,
 * defaults, every kind of bad file with its exact message, --set, the
 * rte_cfgfile length limits and the dump round trip.
 */

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include <rte_log.h>

#include "cfg/tt_cfg.h"
#include "cfg/tt_cfg_priv.h"

#define FIXDIR TT_SRCDIR "/tests/fixtures/cfg/"
#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static struct tt_config cfg;
static struct tt_config cfg2;
static char err[TT_CFG_ERR_LEN];

/* Write @p text to a new temporary file; its name goes to @p path. */
static void
write_tmp(char *path, size_t len, const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, len, "/tmp/tt_test_cfg_XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static int
load(const char *file)
{
	return tt_cfg_load(&cfg, file, NULL, 0, err, sizeof(err));
}

/* Load @p file, expect failure with "FILE: @p msg". */
static void
expect_err(const char *file, const char *msg)
{
	char want[TT_CFG_ERR_LEN + PATH_MAX];
	int ret;

	ret = load(file);
	snprintf(want, sizeof(want), "%s: %s", file, msg);
	ck_assert_msg(ret == -EINVAL, "%s: loaded (ret %d), expected '%s'",
		      file, ret, want);
	ck_assert_str_eq(err, want);
}

/* Dump @p c, load the dump back into cfg2 and compare. */
static void
check_round_trip(const struct tt_config *c)
{
	char path[64];
	FILE *f;
	int fd, ret;

	snprintf(path, sizeof(path), "/tmp/tt_test_cfg_dump_XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	tt_cfg_dump(c, f);
	fclose(f);

	ret = tt_cfg_load(&cfg2, path, NULL, 0, err, sizeof(err));
	ck_assert_msg(ret == 0, "dump of %s does not load: %s", c->file, err);
	memcpy(cfg2.file, c->file, sizeof(cfg2.file));
	if (memcmp(c, &cfg2, sizeof(cfg2)) != 0) {
		fprintf(stderr, "--- original %s\n", c->file);
		tt_cfg_dump(c, stderr);
		fprintf(stderr, "--- reloaded from %s\n", path);
		tt_cfg_dump(&cfg2, stderr);
		ck_abort_msg("round trip of %s differs (dump kept in %s)",
			     c->file, path);
	}
	unlink(path);
}

/* Every file in config/ loads and survives the round trip. */
START_TEST(test_examples)
{
	glob_t g;
	size_t i;
	int ret;

	ret = glob(TT_SRCDIR "/config/*.ini", 0, NULL, &g);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_ge(g.gl_pathc, 6);
	for (i = 0; i < g.gl_pathc; i++) {
		ret = load(g.gl_pathv[i]);
		ck_assert_msg(ret == 0, "%s: %s", g.gl_pathv[i], err);
		ck_assert_str_eq(cfg.file, g.gl_pathv[i]);
		ck_assert(cfg.server.enabled || cfg.client.enabled);
		ck_assert(cfg.eal_args[0] != '\0');
		check_round_trip(&cfg);
	}
	globfree(&g);
}
END_TEST

/* The loopback example says what the brief asks of it. */
START_TEST(test_example_loopback)
{
	ck_assert_int_eq(load(TT_SRCDIR "/config/loopback.ini"), 0);
	ck_assert_uint_eq(cfg.general.ring_pairs, 1);
	ck_assert(cfg.general.duration == 5.0);
	ck_assert_str_eq(cfg.eal_args,
			 "-l 0 --no-pci --file-prefix=tcpterm-loopback");
	ck_assert(cfg.port[0].present && cfg.port[1].present);
	ck_assert(!cfg.port[2].present);
	ck_assert_uint_eq(cfg.port[0].ip, IP(198, 18, 0, 1));
	ck_assert_uint_eq(cfg.port[1].ip, IP(198, 18, 0, 2));
	ck_assert_uint_eq(cfg.port[0].prefix, 24);
	ck_assert(cfg.server.enabled);
	ck_assert_uint_eq(cfg.server.n_listen, 1);
	ck_assert_uint_eq(cfg.server.listen[0], 80);
	ck_assert_int_eq(cfg.server.app, TT_APP_HTTP);
	ck_assert(cfg.client.enabled);
	ck_assert_uint_eq(cfg.client.n_target, 1);
	ck_assert_uint_eq(cfg.client.target[0].ip, IP(198, 18, 0, 2));
	ck_assert_uint_eq(cfg.client.target[0].port, 80);
	ck_assert_uint_eq(cfg.client.src_ip_first, IP(198, 18, 0, 10));
	ck_assert_uint_eq(cfg.client.src_ip_last, IP(198, 18, 0, 250));
}
END_TEST

START_TEST(test_defaults)
{
	unsigned int i;

	ck_assert_int_eq(load(FIXDIR "good-minimal.ini"), 0);
	ck_assert_str_eq(cfg.eal_args, "");
	ck_assert(cfg.general.duration == 0);
	ck_assert_uint_eq(cfg.general.stats_interval_ms, 1000);
	ck_assert_uint_eq(cfg.general.mbufs, 16383);
	ck_assert_uint_eq(cfg.general.ring_pairs, 0);
	ck_assert_uint_eq(cfg.general.burst, 32);
	ck_assert_uint_eq(cfg.general.tx_drain_us, 100);

	ck_assert(cfg.port[0].present);
	ck_assert_uint_eq(cfg.port[0].ip, IP(198, 18, 0, 2));
	ck_assert_uint_eq(cfg.port[0].prefix, 24);
	ck_assert_uint_eq(cfg.port[0].gateway, 0);
	for (i = 0; i < TT_MAX_PORTS; i++) {
		ck_assert(i == 0 || !cfg.port[i].present);
		ck_assert_uint_eq(cfg.port[i].mtu, 1500);
		ck_assert_uint_eq(cfg.port[i].rx_desc, 1024);
		ck_assert_uint_eq(cfg.port[i].tx_desc, 1024);
		ck_assert_int_eq(cfg.port[i].rss, TT_RSS_AUTO);
		ck_assert(!cfg.port[i].rss_key_set);
		ck_assert_uint_eq(cfg.port[i].rss_reta_size, 128);
	}

	ck_assert_uint_eq(cfg.tcp.mss, 1460);
	ck_assert_uint_eq(cfg.tcp.wscale, 7);
	ck_assert(cfg.tcp.sack);
	ck_assert(cfg.tcp.timestamps);
	ck_assert_uint_eq(cfg.tcp.msl_ms, 30000);
	ck_assert_uint_eq(cfg.tcp.max_flows, 65536);
	ck_assert_int_eq(cfg.tcp.syn_cookies, TT_SYNCOOKIE_AUTO);
	ck_assert(cfg.tcp.tw_reuse);
	ck_assert_uint_eq(cfg.tcp.tw_reuse_delay_ms, 1000);
	ck_assert(!cfg.tcp.rfc1337);
	ck_assert_uint_eq(cfg.tcp.rcv_wnd, 1048576);
	ck_assert_uint_eq(cfg.tcp.rto_init_ms, 1000);
	ck_assert_uint_eq(cfg.tcp.rto_min_ms, 200);
	ck_assert_uint_eq(cfg.tcp.rto_max_ms, 60000);
	ck_assert_uint_eq(cfg.tcp.max_retries, 6);
	ck_assert_uint_eq(cfg.tcp.syn_retries, 5);
	ck_assert_uint_eq(cfg.tcp.delack_ms, 40);
	ck_assert_uint_eq(cfg.tcp.init_cwnd, 10);

	ck_assert(!cfg.server.enabled);
	ck_assert_uint_eq(cfg.server.n_listen, 0);
	ck_assert_int_eq(cfg.server.app, TT_APP_HTTP);
	ck_assert_uint_eq(cfg.server.response_bytes, 100);
	ck_assert_uint_eq(cfg.server.request_bytes, 100);
	ck_assert_uint_eq(cfg.server.idle_timeout_ms, 60000);

	ck_assert(!cfg.client.enabled);
	ck_assert_uint_eq(cfg.client.n_target, 0);
	ck_assert_uint_eq(cfg.client.src_ip_first, 0);
	ck_assert_uint_eq(cfg.client.src_ip_last, 0);
	ck_assert_uint_eq(cfg.client.sport_first, 1024);
	ck_assert_uint_eq(cfg.client.sport_last, 65535);
	ck_assert_uint_eq(cfg.client.rate, 0);
	ck_assert_uint_eq(cfg.client.concurrency, 64);
	ck_assert_uint_eq(cfg.client.connections, 0);
	ck_assert(cfg.client.duration == 0);
	ck_assert(cfg.client.ramp_up == 0);
	ck_assert_int_eq(cfg.client.app, TT_APP_HTTP);
	ck_assert_str_eq(cfg.client.path, "/");
	ck_assert_str_eq(cfg.client.host, "");
	ck_assert_uint_eq(cfg.client.request_bytes, 100);
	ck_assert_uint_eq(cfg.client.response_bytes, 100);
	ck_assert_uint_eq(cfg.client.requests_per_connection, 1);
	ck_assert_int_eq(cfg.client.close, TT_CLOSE_ACTIVE);
	ck_assert_uint_eq(cfg.client.arp_timeout_ms, 10000);
	ck_assert_uint_eq(cfg.client.drain_ms, 2000);
	ck_assert_uint_eq(cfg.client.conn_timeout_ms, 30000);

	/* tt_cfg_defaults() alone gives the same, less the port. */
	tt_cfg_defaults(&cfg2);
	memset(&cfg.port[0], 0, sizeof(cfg.port[0]));
	cfg.port[0].mtu = 1500;
	cfg.port[0].rx_desc = 1024;
	cfg.port[0].tx_desc = 1024;
	cfg.port[0].rss_reta_size = 128;
	cfg.port[0].impair_seed = 1;
	memset(cfg.file, 0, sizeof(cfg.file));
	ck_assert(memcmp(&cfg, &cfg2, sizeof(cfg)) == 0);
}
END_TEST

/* A file that sets every key to something other than its default. */
START_TEST(test_full)
{
	const struct tt_client_cfg *c = &cfg.client;
	const struct tt_server_cfg *s = &cfg.server;

	ck_assert_msg(load(FIXDIR "good-full.ini") == 0, "%s", err);
	ck_assert(cfg.general.duration == 12.5);
	ck_assert_uint_eq(cfg.general.stats_interval_ms, 500);
	ck_assert_uint_eq(cfg.general.mbufs, 32767);
	ck_assert_uint_eq(cfg.general.ring_pairs, 2);
	ck_assert_uint_eq(cfg.general.burst, 64);
	ck_assert_uint_eq(cfg.general.tx_drain_us, 50);
	ck_assert_str_eq(cfg.eal_args, "-l 0-1 --no-pci --file-prefix=tcpterm-full   --log-level=lib.eal:debug");

	ck_assert_uint_eq(cfg.port[0].ip, IP(198, 18, 0, 2));
	ck_assert_uint_eq(cfg.port[0].gateway, IP(198, 18, 0, 254));
	ck_assert_uint_eq(cfg.port[0].mtu, 9000);
	ck_assert_uint_eq(cfg.port[0].rx_desc, 512);
	ck_assert_uint_eq(cfg.port[0].tx_desc, 2048);
	ck_assert(!cfg.port[1].present && !cfg.port[2].present);
	ck_assert(cfg.port[3].present);
	ck_assert_uint_eq(cfg.port[3].ip, IP(198, 19, 1, 1));
	ck_assert_uint_eq(cfg.port[3].prefix, 16);
	ck_assert_uint_eq(cfg.port[3].mtu, 1400);
	ck_assert_uint_eq(cfg.port[3].rx_desc, 100);
	ck_assert_uint_eq(cfg.port[3].tx_desc, 4096);
	ck_assert_int_eq(cfg.port[0].rss, TT_RSS_STEER);
	ck_assert(!cfg.port[0].rss_key_set);
	ck_assert_uint_eq(cfg.port[0].rss_reta_size, 128);
	ck_assert_int_eq(cfg.port[3].rss, TT_RSS_HASH);
	ck_assert(cfg.port[3].rss_key_set);
	ck_assert_uint_eq(cfg.port[3].rss_key[0], 0x01);
	ck_assert_uint_eq(cfg.port[3].rss_key[7], 0xef);
	ck_assert_uint_eq(cfg.port[3].rss_key[39], 0xef);
	ck_assert_uint_eq(cfg.port[3].rss_reta_size, 512);

	ck_assert_uint_eq(cfg.tcp.mss, 1360);
	ck_assert_uint_eq(cfg.tcp.wscale, 9);
	ck_assert(!cfg.tcp.sack);
	ck_assert(!cfg.tcp.timestamps);
	ck_assert_uint_eq(cfg.tcp.msl_ms, 1000);
	ck_assert_uint_eq(cfg.tcp.max_flows, 1048576);
	ck_assert(!cfg.tcp.tw_recycle);
	ck_assert_int_eq(cfg.tcp.syn_cookies, TT_SYNCOOKIE_OFF);
	ck_assert(!cfg.tcp.tw_reuse);
	ck_assert_uint_eq(cfg.tcp.tw_reuse_delay_ms, 2500);
	ck_assert(cfg.tcp.rfc1337);
	ck_assert_uint_eq(cfg.tcp.rcv_wnd, 2097152);
	ck_assert_uint_eq(cfg.tcp.rto_init_ms, 500);
	ck_assert_uint_eq(cfg.tcp.rto_min_ms, 100);
	ck_assert_uint_eq(cfg.tcp.rto_max_ms, 10000);
	ck_assert_uint_eq(cfg.tcp.max_retries, 3);
	ck_assert_uint_eq(cfg.tcp.syn_retries, 2);
	ck_assert_uint_eq(cfg.tcp.delack_ms, 10);
	ck_assert_uint_eq(cfg.tcp.init_cwnd, 4);

	ck_assert(s->enabled);
	ck_assert_uint_eq(s->n_listen, 5);
	ck_assert_uint_eq(s->listen[0], 80);
	ck_assert_uint_eq(s->listen[1], 8080);
	ck_assert_uint_eq(s->listen[2], 443);
	ck_assert_uint_eq(s->listen[3], 9000);
	ck_assert_uint_eq(s->listen[4], 9001);
	ck_assert_int_eq(s->app, TT_APP_FIXED);
	ck_assert_uint_eq(s->response_bytes, 0);
	ck_assert_uint_eq(s->request_bytes, 64);
	ck_assert_uint_eq(s->idle_timeout_ms, 0);

	ck_assert(c->enabled);
	ck_assert_uint_eq(c->n_target, 2);
	ck_assert_uint_eq(c->target[0].ip, IP(198, 18, 0, 1));
	ck_assert_uint_eq(c->target[0].port, 80);
	ck_assert_uint_eq(c->target[1].ip, IP(198, 19, 5, 5));
	ck_assert_uint_eq(c->target[1].port, 8080);
	ck_assert_uint_eq(c->src_ip_first, IP(198, 18, 0, 10));
	ck_assert_uint_eq(c->src_ip_last, IP(198, 18, 0, 20));
	ck_assert_uint_eq(c->sport_first, 2000);
	ck_assert_uint_eq(c->sport_last, 3000);
	ck_assert_uint_eq(c->rate, 12345);
	ck_assert_uint_eq(c->concurrency, 1000);
	ck_assert(c->connections == UINT64_MAX);
	ck_assert(c->duration == 0.1);
	ck_assert(c->ramp_up == 0.05);
	ck_assert_int_eq(c->app, TT_APP_SEND);
	ck_assert_str_eq(c->path, "/index.html?a=1&b=#frag");
	ck_assert_str_eq(c->host, "example.test:8080");
	ck_assert_uint_eq(c->request_bytes, 1073741824);
	ck_assert_uint_eq(c->response_bytes, 0);
	ck_assert_uint_eq(c->requests_per_connection, 1000000);
	ck_assert_int_eq(c->close, TT_CLOSE_RESET);
	ck_assert_uint_eq(c->arp_timeout_ms, 1);
	ck_assert_uint_eq(c->drain_ms, 0);
	ck_assert_uint_eq(c->conn_timeout_ms, 0);

	check_round_trip(&cfg);
}
END_TEST

static const struct {
	const char *file;	/* under tests/fixtures/cfg/ */
	const char *msg;	/* the error after "PATH: " */
} bad_files[] = {
	{ "bad-unknown-section.ini", "[tpc]: unknown section" },
	{ "bad-unknown-key.ini", "[tcp] wsclae = '7': unknown key" },
	{ "bad-port8.ini", "[port8]: unknown section" },
	{ "bad-duplicate-key.ini", "[tcp] mss = '1300': duplicate key" },
	{ "bad-duplicate-section.ini", "[tcp]: duplicate section" },
	{ "bad-number.ini", "[tcp] mss = 'abc': not a number (expected 88..8960)" },
	{ "bad-empty-number.ini", "[tcp] mss = '': not a number (expected 88..8960)" },
	{ "bad-range.ini", "[tcp] wscale = '15': out of range 0..14" },
	{ "bad-negative.ini", "[general] burst = '-1': out of range 1..64" },
	{ "bad-overflow.ini", "[client] connections = '18446744073709551616': out of range 0..18446744073709551615" },
	{ "bad-trailing.ini", "[port0] mtu = '1500x': trailing characters 'x' after the number" },
	{ "bad-float.ini", "[general] duration = '1.5s': trailing characters 's' after the number" },
	{ "bad-float-nan.ini", "[general] duration = 'nan': not a number (expected 0..31536000)" },
	{ "bad-ip.ini", "[port0] ip = '198.18.0.256/24': bad address (expected a.b.c.d/prefix)" },
	{ "bad-ip-noprefix.ini", "[port0] ip = '198.18.0.2': expected a.b.c.d/prefix" },
	{ "bad-prefix.ini", "[port0] ip = '198.18.0.2/33': bad prefix length (expected 1..32)" },
	{ "bad-ip-network.ini", "[port0] ip = '198.18.0.0/24': is the network address of its subnet" },
	{ "bad-gateway.ini", "[port0] gateway = '198.18.1.1': not inside the port's subnet 198.18.0.0/24" },
	{ "bad-port-noip.ini", "[port1] ip = '': required in a port section" },
	{ "bad-bool.ini", "[tcp] sack = 'maybe': expected true/false/yes/no/on/off/1/0" },
	{ "bad-server-app.ini", "[server] app = 'send': 'send' is a client-only app (server: http, echo, discard, fixed)" },
	{ "bad-client-app.ini", "[client] app = 'discard': 'discard' is a server-only app (client: http, fixed, echo, send)" },
	{ "bad-app-unknown.ini", "[server] app = 'ftp': unknown app (server: http, echo, discard, fixed)" },
	{ "bad-listen.ini", "[server] listen = '80, 70000': bad port '70000' (expected 1..65535)" },
	{ "bad-listen-dup.ini", "[server] listen = '80 80': port 80 listed twice" },
	{ "bad-target.ini", "[client] target = '198.18.0.1': bad target '198.18.0.1' (expected a.b.c.d:port)" },
	{ "bad-source-range.ini", "[client] source_ips = '198.18.0.20-198.18.0.10': first address is greater than the last" },
	{ "bad-source-subnet.ini", "[client] source_ips = '198.18.1.10': not inside the subnet of any port" },
	{ "bad-source-ports.ini", "[client] source_ports = '2000-1000': first port is greater than the last" },
	{ "bad-mss-mtu.ini", "[tcp] mss = '1460': larger than [port0] mtu 1000 minus 40 (at most 960)" },
	{ "bad-ramp-up.ini", "[client] ramp_up = '11': longer than [client] duration 10" },
	{ "bad-no-port.ini", "[server] listen = '80': the server needs a [portN] section with an ip" },
	{ "bad-path.ini", "[client] path = 'index.html': must start with '/'" },
	{ "bad-close.ini", "[client] close = 'later': expected active, passive, reset or half" },
	{ "bad-rto.ini", "[tcp] rto_init_ms = '1000': outside rto_min_ms..rto_max_ms (2000..60000)" },
	{ "bad-syn-cookies.ini", "[tcp] syn_cookies = 'sometimes': expected auto, on or off" },
	{ "bad-rss.ini", "[port0] rss = 'rss': expected auto, queue, hash or steer" },
	{ "bad-rss-key.ini", "[port0] rss_key = '6d5a6d5a': expected 80 hex digits (a 40-byte Toeplitz key), got 8 characters" },
	{ "bad-rss-key-hex.ini", "[port0] rss_key = '6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5g': 'g' at 80 is not a hex digit" },
	{ "bad-rss-reta.ini", "[port0] rss_reta_size = '100': expected a power of two within 64..512" },
	{ "bad-syntax.ini", "cannot parse: line 3: 'mtu 1500': expected [section] or key = value" },
	{ "bad-semicolon.ini", "cannot parse: line 1: '; a comment in the wrong style': ';' does not start a comment, use '#'" },
	{ "bad-no-bracket.ini", "cannot parse: line 1: '[port0': no closing ']'" },
	{ "bad-outside-section.ini", "cannot parse: line 1: 'ip = 198.18.0.2/24': key outside any [section]" },
	{ "nonexistent.ini", "cannot parse: No such file or directory" },
};

START_TEST(test_bad_file)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), FIXDIR "%s", bad_files[_i].file);
	expect_err(path, bad_files[_i].msg);
}
END_TEST

/* Every bad-*.ini fixture is in the table above. */
START_TEST(test_bad_files_listed)
{
	glob_t g;
	size_t i, j;
	bool found;

	ck_assert_int_eq(glob(FIXDIR "bad-*.ini", 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		found = false;
		for (j = 0; j < sizeof(bad_files) / sizeof(bad_files[0]); j++)
			if (strcmp(strrchr(g.gl_pathv[i], '/') + 1,
				   bad_files[j].file) == 0)
				found = true;
		ck_assert_msg(found, "%s has no expected message", g.gl_pathv[i]);
	}
	globfree(&g);
}
END_TEST

/* rte_cfgfile keeps 255 characters of a value and 322 of a line. */
START_TEST(test_length_limits)
{
	char path[64], text[1024], val[400], want[TT_CFG_ERR_LEN];

	/* 254 characters: fine. */
	memset(val, 'a', 254);
	val[254] = '\0';
	snprintf(text, sizeof(text), "[eal]\nargs = %s\n", val);
	write_tmp(path, sizeof(path), text);
	ck_assert_msg(load(path) == 0, "%s", err);
	ck_assert_str_eq(cfg.eal_args, val);
	unlink(path);

	/* 300 characters: cut by rte_cfgfile, refused by us. */
	memset(val, 'a', 300);
	val[300] = '\0';
	snprintf(text, sizeof(text), "[eal]\nargs = %s\n", val);
	write_tmp(path, sizeof(path), text);
	ck_assert_int_eq(load(path), -EINVAL);
	snprintf(want, sizeof(want), "%s: [eal] args = '%.60s...(255 characters)': longer than 254 characters, the rte_cfgfile limit (use --set, or EAL options before --)",
		 path, val);
	ck_assert_str_eq(err, want);
	unlink(path);

	/* A 330-character line: rte_cfgfile cannot read it. */
	memset(val, 'a', 323);
	val[323] = '\0';
	snprintf(text, sizeof(text), "[eal]\nargs = %s\n", val);
	write_tmp(path, sizeof(path), text);
	snprintf(want, sizeof(want),
		 "cannot parse: line 2: longer than 322 characters (rte_cfgfile limit)");
	expect_err(path, want);
	unlink(path);

	/* --set is not bound by rte_cfgfile: up to 1023 characters. */
	{
		static char big[1100];
		const char *sets[1] = { big };

		snprintf(big, sizeof(big), "eal.args=%0*d", 1023, 0);
		ck_assert_int_eq(tt_cfg_load(&cfg, NULL, sets, 1, err,
					     sizeof(err)), 0);
		ck_assert_uint_eq(strlen(cfg.eal_args), 1023);
		snprintf(big, sizeof(big), "eal.args=%0*d", 1024, 0);
		ck_assert_int_eq(tt_cfg_load(&cfg, NULL, sets, 1, err,
					     sizeof(err)), -EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "longer than 1023 characters"));
	}
}
END_TEST

/* Comments, escapes, white space and case rules. */
START_TEST(test_syntax_details)
{
	char path[64];

	write_tmp(path, sizeof(path),
		  "  # indented comment\n"
		  "[ port0 ]   # comment after a section\n"
		  "ip=198.18.0.2/24# no spaces\n"
		  "\t mtu \t=\t 1400  \n"
		  "[tcp]\n"
		  "mss = 1360\n"
		  "sack = YES\n"
		  "timestamps = Off\n"
		  "[client]\n"
		  "target = 198.18.0.1:80\n"
		  "path = /a\\#b\n"
		  "app = HTTP\n"
		  "close = Passive\n"
		  "source_ports = 5000\n");
	ck_assert_msg(load(path) == 0, "%s", err);
	ck_assert_uint_eq(cfg.port[0].mtu, 1400);
	ck_assert(cfg.tcp.sack);
	ck_assert(!cfg.tcp.timestamps);
	ck_assert_str_eq(cfg.client.path, "/a#b");
	ck_assert_int_eq(cfg.client.app, TT_APP_HTTP);
	ck_assert_int_eq(cfg.client.close, TT_CLOSE_PASSIVE);
	ck_assert_uint_eq(cfg.client.sport_first, 5000);
	ck_assert_uint_eq(cfg.client.sport_last, 5000);
	check_round_trip(&cfg);
	unlink(path);
	/* Our log-stream redirection was undone. */
	ck_assert_ptr_eq(rte_log_get_stream(), stderr);
}
END_TEST

/*
 * '#' in values and the dump (fuzz_cfg found it: every '#' was written
 * "\#", so a value of many '#' made a dump line rte_cfgfile refuses).
 * Only the first '#' of a line starts a comment, and every "\#" reads
 * back as '#': the dump escapes the first '#' and any '#' after a
 * backslash, so what a file line held fits a dump line.
 */
START_TEST(test_hash_in_values)
{
	static char hashes[200 + 1], pairs[400], set[300];
	const char *sets[1] = { set };
	char path[64];
	size_t n;
	FILE *f;
	char *buf = NULL;
	size_t len = 0;

	memset(hashes, '#', sizeof(hashes) - 1);
	/* 200 '#' in an args line of 207 characters: loads, dumps, reloads. */
	snprintf(set, sizeof(set), "[eal]\nargs=\\%s\n", hashes);
	write_tmp(path, sizeof(path), set);
	ck_assert_msg(load(path) == 0, "%s", err);
	ck_assert_str_eq(cfg.eal_args, hashes);
	check_round_trip(&cfg);
	unlink(path);

	/* What the dump writes: the first '#' and a '#' after a backslash. */
	snprintf(set, sizeof(set), "client.path=/a#b\\#c#d");
	ck_assert_msg(tt_cfg_load(&cfg, FIXDIR "good-minimal.ini", sets, 1,
				  err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(cfg.client.path, "/a#b\\#c#d");
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	tt_cfg_dump(&cfg, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "\npath = /a\\#b\\\\#c#d\n"));
	free(buf);
	check_round_trip(&cfg);

	/*
	 * A 322-character line, the most rte_cfgfile reads: 63 times the
	 * three characters \\# (a backslash of the value, then an escaped
	 * '#'), then 128 'a'. Written back with blanks around '=' it would
	 * be 324 characters: the dump leaves them out.
	 */
	strcpy(pairs, "[eal]\nargs=");
	for (unsigned int i = 0; i < 63; i++)
		strcat(pairs, "\\\\#");
	n = strlen(pairs);
	memset(pairs + n, 'a', 128);
	strcpy(pairs + n + 128, "\n");
	ck_assert_uint_eq(strlen(pairs), 6 + 322 + 1);
	write_tmp(path, sizeof(path), pairs);
	ck_assert_msg(load(path) == 0, "%s", err);
	ck_assert_uint_eq(strlen(cfg.eal_args), 2 * 63 + 128);
	check_round_trip(&cfg);
	unlink(path);
}
END_TEST

START_TEST(test_set_override)
{
	const char *sets[] = {
		"tcp.mss=1400",
		" port1.ip = 198.18.1.1/24 ",
		"server.listen=80 81",
		"eal.args=-l 0 --no-huge -m 256",
		"tcp.mss=1300",		/* a second --set wins */
		"client.host=h=1.example", /* '=' in the value */
	};
	unsigned int n = sizeof(sets) / sizeof(sets[0]);

	ck_assert_int_eq(tt_cfg_load(&cfg, FIXDIR "good-minimal.ini", sets, n,
				     err, sizeof(err)), 0);
	ck_assert_uint_eq(cfg.tcp.mss, 1300);
	ck_assert(cfg.port[1].present);
	ck_assert_uint_eq(cfg.port[1].ip, IP(198, 18, 1, 1));
	ck_assert(cfg.server.enabled);
	ck_assert_uint_eq(cfg.server.n_listen, 2);
	ck_assert_uint_eq(cfg.server.listen[1], 81);
	ck_assert_str_eq(cfg.eal_args, "-l 0 --no-huge -m 256");
	ck_assert_str_eq(cfg.client.host, "h=1.example");
	ck_assert_str_eq(cfg.file, FIXDIR "good-minimal.ini");
	check_round_trip(&cfg);

	/* --set overrides a key of the file, and an empty list turns off. */
	{
		const char *s2[] = { "server.listen=", "general.duration=3" };

		ck_assert_int_eq(tt_cfg_load(&cfg, TT_SRCDIR "/config/tap-server.ini",
					     s2, 2, err, sizeof(err)), 0);
		ck_assert(!cfg.server.enabled);
		ck_assert(cfg.general.duration == 3);
	}
	/* --set over a duplicate-free file key is no duplicate. */
	{
		const char *s3[] = { "port0.mtu=1400", "port0.mtu=9000" };

		ck_assert_int_eq(tt_cfg_load(&cfg, FIXDIR "good-minimal.ini",
					     s3, 2, err, sizeof(err)), 0);
		ck_assert_uint_eq(cfg.port[0].mtu, 9000);
	}
}
END_TEST

static const struct {
	const char *set;
	const char *msg;	/* exact error */
} bad_sets[] = {
	{ "tcp.wscale=15", "--set: [tcp] wscale = '15': out of range 0..14" },
	{ "tcp.syn_cookies=2", "--set: [tcp] syn_cookies = '2': expected auto, on or off" },
	{ "tcp.syn_cookies=maybe", "--set: [tcp] syn_cookies = 'maybe': expected auto, on or off" },
	{ "tcp.wscale=7x", "--set: [tcp] wscale = '7x': trailing characters 'x' after the number" },
	{ "tpc.mss=1400", "--set: [tpc]: unknown section" },
	{ "tcp.msss=1400", "--set: [tcp] msss = '1400': unknown key" },
	{ "tcp-mss=1400", "--set: cannot parse: 'tcp-mss=1400': expected SECTION.KEY=VALUE" },
	{ "tcp.mss", "--set: cannot parse: 'tcp.mss': expected SECTION.KEY=VALUE" },
	{ ".mss=1", "--set: cannot parse: '.mss=1': expected SECTION.KEY=VALUE" },
	{ "port2.mtu=1400", "--set: [port2] ip = '': required in a port section" },
	{ "port0.gateway=198.19.0.1", "--set: [port0] gateway = '198.19.0.1': not inside the port's subnet 198.18.0.0/24" },
	{ "server.app=send", "--set: [server] app = 'send': 'send' is a client-only app (server: http, echo, discard, fixed)" },
	{ "tcp.mss=1461", "--set: [tcp] mss = '1461': larger than [port0] mtu 1500 minus 40 (at most 1460)" },
	{ "port0.mtu=1000", TT_SRCDIR "/tests/fixtures/cfg/good-minimal.ini: [tcp] mss = '1460': larger than [port0] mtu 1000 minus 40 (at most 960)" },
	{ "client.target=198.18.0.1:80 203.0.113.1:80", "--set: [client] target = '198.18.0.1:80 203.0.113.1:80': 203.0.113.1 is in no port's subnet and no port has a gateway" },
	/* The same target twice would open the same 4-tuple twice. */
	{ "client.target=198.18.0.1:80, 198.18.0.1:81 198.18.0.1:80", "--set: [client] target = '198.18.0.1:80, 198.18.0.1:81 198.18.0.1:80': target 198.18.0.1:80 listed twice" },
};

/* A receive window below one unit of the window scale would always be advertised as 0. */
START_TEST(test_rcv_wnd_below_wscale)
{
	const char *sets[2] = { "tcp.wscale=14", "tcp.rcv_wnd=16383" };

	ck_assert_int_eq(tt_cfg_load(&cfg, FIXDIR "good-minimal.ini", sets, 2, err,
				     sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "--set: [tcp] rcv_wnd = '16383': below 2^wscale (16384): every "
			 "window would be advertised as 0");
	sets[1] = "tcp.rcv_wnd=16384";
	ck_assert_int_eq(tt_cfg_load(&cfg, FIXDIR "good-minimal.ini", sets, 2, err,
				     sizeof(err)), 0);
}
END_TEST

START_TEST(test_set_error)
{
	const char *sets[1] = { bad_sets[_i].set };
	int ret;

	ret = tt_cfg_load(&cfg, FIXDIR "good-minimal.ini", sets, 1, err,
			  sizeof(err));
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_str_eq(err, bad_sets[_i].msg);
}
END_TEST

/* No file: defaults and --set only. */
START_TEST(test_no_file)
{
	const char *sets[] = { "port0.ip=198.18.0.1/30", "client.target=198.18.0.2:7" };

	ck_assert_int_eq(tt_cfg_load(&cfg, NULL, NULL, 0, err, sizeof(err)), 0);
	ck_assert_str_eq(cfg.file, "");
	ck_assert_int_eq(tt_cfg_load(&cfg, NULL, sets, 2, err, sizeof(err)), 0);
	ck_assert(cfg.client.enabled);
	ck_assert_uint_eq(cfg.client.target[0].port, 7);
	ck_assert_uint_eq(cfg.port[0].prefix, 30);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(tt_app_name(TT_APP_HTTP), "http");
	ck_assert_str_eq(tt_app_name(TT_APP_ECHO), "echo");
	ck_assert_str_eq(tt_app_name(TT_APP_DISCARD), "discard");
	ck_assert_str_eq(tt_app_name(TT_APP_FIXED), "fixed");
	ck_assert_str_eq(tt_app_name(TT_APP_SEND), "send");
	ck_assert_str_eq(tt_close_name(TT_CLOSE_ACTIVE), "active");
	ck_assert_str_eq(tt_close_name(TT_CLOSE_PASSIVE), "passive");
	ck_assert_str_eq(tt_close_name(TT_CLOSE_RESET), "reset");
}
END_TEST

/*
 * tcp.syn_cookies: auto, on, off in any case, and the boolean spellings of
 * an earlier version's dumps (false is off, true is on).
 */
START_TEST(test_syn_cookies_off)
{
	static const struct {
		const char *set;
		enum tt_syncookie_mode mode;
	} vals[] = {
		{ "tcp.syn_cookies=false", TT_SYNCOOKIE_OFF },
		{ "tcp.syn_cookies=No", TT_SYNCOOKIE_OFF },
		{ "tcp.syn_cookies=OFF", TT_SYNCOOKIE_OFF },
		{ "tcp.syn_cookies=0", TT_SYNCOOKIE_OFF },
		{ "tcp.syn_cookies=on", TT_SYNCOOKIE_ON },
		{ "tcp.syn_cookies=TRUE", TT_SYNCOOKIE_ON },
		{ "tcp.syn_cookies=1", TT_SYNCOOKIE_ON },
		{ "tcp.syn_cookies=Auto", TT_SYNCOOKIE_AUTO },
	};
	unsigned int i;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		ck_assert_msg(tt_cfg_load(&cfg, FIXDIR "good-minimal.ini",
					  &vals[i].set, 1, err, sizeof(err)) == 0,
			      "%s: %s", vals[i].set, err);
		ck_assert_int_eq(cfg.tcp.syn_cookies, vals[i].mode);
	}
}
END_TEST

/*
 * Every default in the key table is the text --check prints for a key left
 * alone, on every port: the table, the dump and the doc show one string.
 */
START_TEST(test_defaults_canonical)
{
	char val[TT_CFG_VAL_BUF];
	const struct tt_cfg_sec *s;
	const struct tt_cfg_key *k;
	unsigned int i, j, p, n;

	tt_cfg_defaults(&cfg);
	for (i = 0; i < TT_SEC_NUM; i++) {
		s = &tt_cfg_secs[i];
		n = s->id == TT_SEC_PORT ? TT_MAX_PORTS : 1;
		for (p = 0; p < n; p++) {
			for (j = 0; j < s->n_keys; j++) {
				k = &s->keys[j];
				tt_cfg_fmt_key(val, sizeof(val), k,
					       tt_cfg_sec_base(&cfg, s->id, p));
				ck_assert_msg(strcmp(val, k->def != NULL ?
						     k->def : "") == 0,
					      "[%s] %s: default '%s' prints as '%s'",
					      s->name, k->name,
					      k->def != NULL ? k->def : "(required)",
					      val);
			}
		}
	}
}
END_TEST

/* A key row of a table in docs/configuration.md. */
struct doc_key {
	char sec[CFG_NAME_LEN];
	char key[CFG_NAME_LEN];
	char def[128];		/* the Default cell, as written */
	unsigned int line;
	bool matched;
};

#define DOC_MAX_KEYS 128

/* Strip blanks and one pair of enclosing backticks from @p s in place. */
static char *
doc_cell(char *s)
{
	size_t n;

	s = tt_cfg_strip(s);
	n = strlen(s);
	if (n >= 2 && s[0] == '`' && s[n - 1] == '`') {
		s[n - 1] = '\0';
		s++;
	}
	return s;
}

/* Split the table row @p line on '|' into at most @p max cells. */
static unsigned int
doc_row(char *line, char **cell, unsigned int max)
{
	unsigned int n = 0;
	char *p = strchr(line, '|'), *q;

	while (p != NULL && n < max) {
		q = strchr(p + 1, '|');
		if (q == NULL)
			break;
		*q = '\0';
		cell[n++] = doc_cell(p + 1);
		p = q;
	}
	return n;
}

/*
 * Read the key tables of docs/configuration.md: under each "### [section]"
 * heading ("### [port0] .. [port7]" for the ports), the rows of the table
 * whose header has "Key" and "Default" columns.
 */
static unsigned int
doc_read_keys(struct doc_key *dk, unsigned int max)
{
	char line[4096], sec[CFG_NAME_LEN] = "", *cell[8], *b;
	unsigned int n = 0, lineno = 0, nc, c, key_col = 0, def_col = 0;
	bool header = false;
	FILE *f;

	f = fopen(TT_SRCDIR "/docs/configuration.md", "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strncmp(line, "## ", 3) == 0) {
			sec[0] = '\0';
		} else if (strncmp(line, "### [", 5) == 0) {
			snprintf(sec, sizeof(sec), "%s", line + 5);
			b = strchr(sec, ']');
			ck_assert_ptr_nonnull(b);
			*b = '\0';
			if (strncmp(sec, "port", 4) == 0 && isdigit((unsigned char)sec[4]))
				sec[4] = '\0';
			header = false;
		} else if (sec[0] != '\0' && line[0] == '|') {
			nc = doc_row(line, cell, 8);
			if (!header) {
				for (c = 0; c < nc; c++) {
					if (strcmp(cell[c], "Key") == 0)
						key_col = c;
					if (strcmp(cell[c], "Default") == 0)
						def_col = c;
				}
				ck_assert_msg(def_col > key_col,
					      "configuration.md:%u: no Key and Default columns",
					      lineno);
				header = true;
				continue;
			}
			if (nc <= def_col || cell[key_col][0] == '-')
				continue;	/* the |---| line */
			ck_assert_uint_lt(n, max);
			snprintf(dk[n].sec, sizeof(dk[n].sec), "%s", sec);
			snprintf(dk[n].key, sizeof(dk[n].key), "%s", cell[key_col]);
			snprintf(dk[n].def, sizeof(dk[n].def), "%s", cell[def_col]);
			dk[n].line = lineno;
			dk[n].matched = false;
			n++;
		}
	}
	fclose(f);
	return n;
}

/*
 * What a Default cell means: "(required)" is no default (NULL in the
 * table), "empty" (or "empty = what that means") the empty value, anything
 * else the value itself (backticks already stripped).
 */
static bool
doc_def_eq(const char *doc, const char *def)
{
	if (strcmp(doc, "(required)") == 0)
		return def == NULL;
	if (def == NULL)
		return false;
	if (strcmp(doc, "empty") == 0 || strncmp(doc, "empty ", 6) == 0)
		return def[0] == '\0';
	return strcmp(doc, def) == 0;
}

/*
 * docs/configuration.md documents every key of the key table, once, with
 * the table's default, and no key the table lacks.
 */
START_TEST(test_doc_defaults)
{
	static struct doc_key dk[DOC_MAX_KEYS];
	char bad[4096] = "";
	const struct tt_cfg_sec *s;
	const struct tt_cfg_key *k;
	unsigned int n, i, j, d, found;
	size_t o = 0;

	n = doc_read_keys(dk, DOC_MAX_KEYS);
	for (i = 0; i < TT_SEC_NUM; i++) {
		s = &tt_cfg_secs[i];
		for (j = 0; j < s->n_keys; j++) {
			k = &s->keys[j];
			found = 0;
			for (d = 0; d < n; d++) {
				if (strcmp(dk[d].sec, s->name) != 0 ||
				    strcmp(dk[d].key, k->name) != 0)
					continue;
				dk[d].matched = true;
				if (found++ > 0)
					o += snprintf(bad + o, sizeof(bad) - o,
						      "\n  line %u: [%s] %s documented twice",
						      dk[d].line, s->name, k->name);
				else if (!doc_def_eq(dk[d].def, k->def))
					o += snprintf(bad + o, sizeof(bad) - o,
						      "\n  line %u: [%s] %s: default '%s', the key table says '%s'",
						      dk[d].line, s->name, k->name,
						      dk[d].def, k->def != NULL ?
						      k->def : "(required)");
				ck_assert_uint_lt(o, sizeof(bad));
			}
			if (found == 0)
				o += snprintf(bad + o, sizeof(bad) - o,
					      "\n  [%s] %s is not documented",
					      s->name, k->name);
			ck_assert_uint_lt(o, sizeof(bad));
		}
	}
	for (d = 0; d < n; d++) {
		if (!dk[d].matched)
			o += snprintf(bad + o, sizeof(bad) - o,
				      "\n  line %u: [%s] %s is not in the key table",
				      dk[d].line, dk[d].sec, dk[d].key);
		ck_assert_uint_lt(o, sizeof(bad));
	}
	ck_assert_msg(o == 0, "docs/configuration.md disagrees with lib/cfg/tt_cfg_keys.c:%s",
		      bad);
}
END_TEST

Suite *
tt_test_suite(void)
{
	Suite *s = suite_create("cfg");
	TCase *tc = tcase_create("cfg");

	tcase_add_test(tc, test_examples);
	tcase_add_test(tc, test_example_loopback);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_full);
	tcase_add_loop_test(tc, test_bad_file, 0,
			    sizeof(bad_files) / sizeof(bad_files[0]));
	tcase_add_test(tc, test_bad_files_listed);
	tcase_add_test(tc, test_length_limits);
	tcase_add_test(tc, test_syntax_details);
	tcase_add_test(tc, test_hash_in_values);
	tcase_add_test(tc, test_set_override);
	tcase_add_loop_test(tc, test_set_error, 0,
			    sizeof(bad_sets) / sizeof(bad_sets[0]));
	tcase_add_test(tc, test_no_file);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_syn_cookies_off);
	tcase_add_test(tc, test_rcv_wnd_below_wscale);
	tcase_add_test(tc, test_defaults_canonical);
	tcase_add_test(tc, test_doc_defaults);
	suite_add_tcase(s, tc);
	return s;
}
