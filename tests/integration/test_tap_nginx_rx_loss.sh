#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tcpterm's client receiving under loss (issue 17): the load generator of
# config/tap-client.ini downloads a 4 MiB file from a kernel nginx in a
# namespace of ours over net_tap, three times one after the other, while
# the test impairment (lib/net/tt_impair.c) drops a share of the frames
# tcpterm's port receives, one segment at a time. Linux repairs the holes
# from the SACK blocks of tcpterm's client, which holds what follows them
# (lib/tcp/tt_tcp_reass.c). Two runs, each a tcpterm of its own: 1% and 5%
# dropped.
#
# Checked: tcpterm exits 0 by itself; 3 completed, no failure; nginx's
# access log has 3 lines, each status 200 with the whole file as its body;
# tcpterm received at least 3 x 4 MiB and at most that plus 3 response
# heads (tcp_bytes_in); frames were dropped, segments held out of order and
# all merged, SACK blocks sent; every mbuf back in its pool. On a capture
# in the namespace (tshark, 128 bytes a frame): good checksums, nothing
# malformed, no TCP expert flag but those loss brings (as in
# test_tap_rx_loss.sh), and no stall of nginx's sending with data
# outstanding of 1 s or more. The bytes themselves are not compared here
# (tcpterm's HTTP client checks sizes, not content): test_tap_rx_loss.sh's
# echo runs check the same receive path byte for byte.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_cli.sh
. "$(dirname "$0")/lib_cli.sh"
# shellcheck source=tests/integration/lib_nginx.sh
. "$(dirname "$0")/lib_nginx.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_require_root
tt_require_tun
tt_require_cmd ip ss nginx tshark
tt_require_tcpterm
ini=$TT_SRCDIR/config/tap-client.ini
[ -f "$ini" ] || tt_fail "missing $ini"

N=3
SIZE=4194304
stall_max=${TT_RXLOSS_STALL_MS:-1000}
k_ip=$TT_SRV_K_IP		# nginx, in the namespace

# start_capture: tt_nginx_peer_up's hook (link up, ARP not answered yet).
# shellcheck disable=SC2317  # called through TT_NGINX_BEFORE_ARP
start_capture() {
	TT_SRV_NS=$TT_NGINX_NS
	ip netns exec "$TT_SRV_NS" ethtool -K "$TT_SRV_IFC" gro off >/dev/null 2>&1
	tt_srv_capture_start -s 128 -f "tcp port 80"
}

# run PCT: one tcpterm client downloading N times with PCT% dropped.
run() {
	local pct=$1 name=loss$1 ifc=ttnl$1$$ d json pid log rc lines ok
	d=$(tt_tmpdir)
	json=$d/summary.json
	tt_nginx_prepare "$d" "$k_ip"
	tt_srv_body_file $SIZE "$d/www/index.html"
	cpu=$(tt_cli_idlest_cpu)
	eal=$(tt_cli_eal_from_ini "$ini" "-l $cpu --file-prefix=ttnl$pct$$ --vdev=net_tap0,iface=$ifc")
	pid=
	tt_start_tcpterm pid -c "$ini" --set "eal.args=$eal" \
		--set general.duration=0 --set "client.target=$k_ip:80" \
		--set client.connections=$N --set client.rate=0 --set client.concurrency=1 \
		--set client.duration=0 --set client.arp_timeout_ms=20000 \
		--set "port0.impair_drop_pct=$pct" --set port0.impair_seed=$((23 + pct)) \
		--json "$json"
	log=$TT_TCPTERM_LOG
	tt_wait_for_iface "$ifc" 30 || tt_fail "$name: tap $ifc never appeared"
	tt_cli_wait_log "$log" 'worker [0-9]+ started' 30 "$pid" ||
		tt_fail "$name: tcpterm did not start its workers"
	tt_alive "$pid" || tt_fail "$name: tcpterm exited before the peer came up"
	# The capture (lib_srv.sh's functions, on this namespace) starts
	# before the kernel answers tcpterm's ARP, so it sees everything.
	TT_SRV_IFC=$ifc TT_SRV_DIR=$d
	TT_NGINX_BEFORE_ARP=start_capture tt_nginx_peer_up "$ifc" "$k_ip" "$TT_SRV_K_MAC" "$d"

	# tcpterm exits by itself once done, which removes the tap: tshark
	# then stops with the file written.
	tt_cli_wait_exit_sched "$pid" 120
	rc=$?
	grep -E '^client|rror' "$log" | head -20
	[ $rc -eq 0 ] || tt_fail "$name: tcpterm exited $rc"
	tt_nginx_stop
	tt_srv_capture_stop

	tt_cli_check_json "$json"
	tt_cli_report "$json" client
	tt_cli_check_client "$json" $N
	lines=$(grep -c . "$d/access.log")
	ok=$(awk -v s=$SIZE '$9 == 200 && $10 == s' "$d/access.log" | wc -l)
	tt_cli_expect_eq "$name: nginx log lines" "$lines" $N
	tt_cli_expect_eq "$name: nginx 200 responses with the whole file" "$ok" $N
	tt_cli_get "$json" "$N * $SIZE <= d['counters']['tcp_bytes_in'] <= $N * ($SIZE + 1024)" |
		grep -qx True ||
		tt_fail "$name: tcp_bytes_in $(tt_cli_get "$json" 'd["counters"]["tcp_bytes_in"]')" \
			"is not $N x $SIZE bytes plus $N response heads"
	tt_expect_ge "$name: impair_dropped" "$(tt_cli_get "$json" 'd["counters"]["impair_dropped"]')" 1
	tt_expect_ge "$name: ooo_queued" "$(tt_cli_get "$json" 'd["counters"]["ooo_queued"]')" 1
	tt_cli_expect_eq "$name: ooo_merged = ooo_queued" \
		"$(tt_cli_get "$json" 'd["counters"]["ooo_merged"]')" \
		"$(tt_cli_get "$json" 'd["counters"]["ooo_queued"]')"
	tt_expect_ge "$name: sack_out" "$(tt_cli_get "$json" 'd["counters"]["sack_out"]')" 1
	tt_check_pools "$json" || tt_fail "$name: mbufs leaked"

	tt_srv_capture_rx_loss_checks "$name" "$k_ip" "$stall_max"
	tt_info "$name: $N x $SIZE bytes received in $(tt_cli_get "$json" 'd["duration_s"]') s"
	# The next run makes a namespace of the same name.
	ip netns del "$TT_NGINX_NS" || tt_fail "cannot delete $TT_NGINX_NS"
}

run 1
run 5
tt_info "PASS"
exit 0
