/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Cross-checks of the configuration, once the file and every --set are in:
 * the rules that involve more than one key (docs/configuration.md, "Cross-
 * checks"). Each failure names one key, with its value as applied or, when
 * it was left alone, its default.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "cfg/tt_cfg_priv.h"

static bool
cfg_in_subnet(const struct tt_port_cfg *p, uint32_t ip)
{
	uint32_t m = tt_cfg_mask(p->prefix);

	return (ip & m) == (p->ip & m);
}

/*
 * Report an error against a key: its value and origin as applied, or its
 * default (named against the file) when it was never set.
 */
static int __rte_format_printf(5, 6)
cfg_key_err(struct tt_cfg_ctx *ctx, const char *sec, const char *key,
	    const void *base, const char *fmt, ...)
{
	char reason[TT_CFG_ERR_LEN];
	char val[TT_CFG_VAL_BUF];
	const struct tt_cfg_seen *seen = tt_cfg_seen_find(ctx, sec, key);
	const struct tt_cfg_sec *s;
	const struct tt_cfg_key *k;
	const char *origin;
	unsigned int port;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (seen != NULL) {
		origin = seen->origin;
		strlcpy(val, seen->val, sizeof(val));
	} else {
		origin = ctx->cfg->file[0] ? ctx->cfg->file : "--set";
		val[0] = '\0';
		s = tt_cfg_find_sec(sec, &port);
		k = s != NULL ? tt_cfg_find_key(s, key) : NULL;
		if (k != NULL)
			tt_cfg_fmt_key(val, sizeof(val), k, base);
	}
	return tt_cfg_err(ctx, origin, sec, key, val, "%s", reason);
}

/* Where a section came from: the file, or --set when only --set named it. */
static const char *
cfg_sec_origin(struct tt_cfg_ctx *ctx, const char *sec)
{
	unsigned int i;

	for (i = 0; i < ctx->n_seen; i++)
		if (strcmp(ctx->seen[i].sec, sec) == 0 && ctx->seen[i].from_file)
			return ctx->seen[i].origin;
	for (i = 0; i < ctx->n_seen; i++)
		if (strcmp(ctx->seen[i].sec, sec) == 0)
			return ctx->seen[i].origin;
	return ctx->cfg->file[0] ? ctx->cfg->file : "--set";
}

/*
 * The port sections: each has an address, its gateway is on-link and not
 * its own, and no two share an address. *n_ports gets how many are
 * configured, *min_port the one with the smallest MTU, *gw_any whether
 * any has a gateway.
 */
static int
cfg_validate_ports(struct tt_cfg_ctx *ctx, unsigned int *n_ports,
		   unsigned int *min_port, bool *gw_any)
{
	struct tt_config *cfg = ctx->cfg;
	const struct tt_port_cfg *p;
	char sec[CFG_NAME_LEN], net[16];
	unsigned int i, j;

	*n_ports = 0;
	*min_port = 0;
	*gw_any = false;
	for (i = 0; i < TT_MAX_PORTS; i++) {
		p = &cfg->port[i];
		if (!p->present)
			continue;
		snprintf(sec, sizeof(sec), "port%u", i);
		if (p->ip == 0)
			return tt_cfg_err(ctx, cfg_sec_origin(ctx, sec), sec, "ip",
					  "", "required in a port section");
		if (p->gateway != 0 && (!cfg_in_subnet(p, p->gateway) ||
					p->gateway == p->ip)) {
			tt_cfg_ip_fmt(net, sizeof(net), p->ip & tt_cfg_mask(p->prefix));
			if (p->gateway == p->ip)
				return cfg_key_err(ctx, sec, "gateway", p,
						   "is the port's own address");
			return cfg_key_err(ctx, sec, "gateway", p,
					   "not inside the port's subnet %s/%u",
					   net, p->prefix);
		}
		if (p->gateway != 0)
			*gw_any = true;
		if (*n_ports == 0 || p->mtu < cfg->port[*min_port].mtu)
			*min_port = i;
		(*n_ports)++;
	}
	/* Two ports with one address would make ARP replies ambiguous. */
	for (i = 0; i < TT_MAX_PORTS; i++) {
		for (j = 0; j < i; j++) {
			if (!cfg->port[i].present || !cfg->port[j].present)
				continue;
			if (cfg->port[i].ip == cfg->port[j].ip) {
				snprintf(sec, sizeof(sec), "port%u", i);
				return cfg_key_err(ctx, sec, "ip", &cfg->port[i],
						   "same address as [port%u]", j);
			}
		}
	}
	return 0;
}

/* [tcp]: the MSS fits the smallest MTU, the RTO bounds are ordered. */
static int
cfg_validate_tcp(struct tt_cfg_ctx *ctx, unsigned int n_ports,
		 unsigned int min_port)
{
	const struct tt_tcp_cfg *t = &ctx->cfg->tcp;
	const struct tt_port_cfg *p = &ctx->cfg->port[min_port];

	if (n_ports > 0 && t->mss + 40u > p->mtu)
		return cfg_key_err(ctx, "tcp", "mss", t,
				   "larger than [port%u] mtu %u minus 40 (at most %u)",
				   min_port, p->mtu, p->mtu - 40u);
	if (t->rto_min_ms > t->rto_max_ms)
		return cfg_key_err(ctx, "tcp", "rto_min_ms", t,
				   "greater than rto_max_ms %u", t->rto_max_ms);
	if (t->rto_init_ms < t->rto_min_ms || t->rto_init_ms > t->rto_max_ms)
		return cfg_key_err(ctx, "tcp", "rto_init_ms", t,
				   "outside rto_min_ms..rto_max_ms (%u..%u)",
				   t->rto_min_ms, t->rto_max_ms);
	/*
	 * RFC 7323 2.3: the window field is rcv_wnd >> wscale; below one unit
	 * of the shift every window we advertise would be 0 (found by
	 * fuzz_tcp_pair).
	 */
	if (t->rcv_wnd >> t->wscale == 0)
		return cfg_key_err(ctx, "tcp", "rcv_wnd", t,
				   "below 2^wscale (%u): every window would be advertised as 0",
				   1u << t->wscale);
	return 0;
}

/* Is @p ip inside the subnet of a configured port? */
static bool
cfg_on_link(const struct tt_config *cfg, uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < TT_MAX_PORTS; i++)
		if (cfg->port[i].present && cfg_in_subnet(&cfg->port[i], ip))
			return true;
	return false;
}

/* [client]: its targets and source addresses are reachable from a port. */
static int
cfg_validate_client(struct tt_cfg_ctx *ctx, bool gw_any)
{
	struct tt_config *cfg = ctx->cfg;
	const struct tt_client_cfg *c = &cfg->client;
	char net[16];
	unsigned int i, j;
	bool ok;

	for (j = 0; j < c->n_target; j++) {
		if (!gw_any && !cfg_on_link(cfg, c->target[j].ip)) {
			tt_cfg_ip_fmt(net, sizeof(net), c->target[j].ip);
			return cfg_key_err(ctx, "client", "target", c,
					   "%s is in no port's subnet and no port has a gateway",
					   net);
		}
	}
	if (c->src_ip_first != 0) {
		ok = false;
		for (i = 0; i < TT_MAX_PORTS && !ok; i++)
			if (cfg->port[i].present &&
			    cfg_in_subnet(&cfg->port[i], c->src_ip_first) &&
			    cfg_in_subnet(&cfg->port[i], c->src_ip_last))
				ok = true;
		if (!ok)
			return cfg_key_err(ctx, "client", "source_ips", c,
					   "not inside the subnet of any port");
	}
	if (c->duration > 0 && c->ramp_up > c->duration)
		return cfg_key_err(ctx, "client", "ramp_up", c,
				   "longer than [client] duration %g", c->duration);
	/*
	 * Waiting for the server's FIN needs a protocol in which the server
	 * closes first: HTTP (the last request says Connection: close). An
	 * echo, fixed or discard server closes only after the client's FIN.
	 */
	if (c->close == TT_CLOSE_PASSIVE && c->app != TT_APP_HTTP)
		return cfg_key_err(ctx, "client", "close", c,
				   "passive needs app = http (a %s server closes only after the "
				   "client's FIN)", tt_app_name(c->app));
	return 0;
}

int
tt_cfg_validate(struct tt_cfg_ctx *ctx)
{
	struct tt_config *cfg = ctx->cfg;
	unsigned int n_ports, min_port;
	bool gw_any;
	int ret;

	ret = cfg_validate_ports(ctx, &n_ports, &min_port, &gw_any);
	if (ret < 0)
		return ret;
	ret = cfg_validate_tcp(ctx, n_ports, min_port);
	if (ret < 0)
		return ret;
	if (cfg->server.enabled && n_ports == 0)
		return cfg_key_err(ctx, "server", "listen", &cfg->server,
				   "the server needs a [portN] section with an ip");
	if (!cfg->client.enabled)
		return 0;
	if (n_ports == 0)
		return cfg_key_err(ctx, "client", "target", &cfg->client,
				   "the client needs a [portN] section with an ip");
	return cfg_validate_client(ctx, gw_any);
}
