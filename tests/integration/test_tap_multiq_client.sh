#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The client on two lcores over a two-queue net_tap, against a kernel nginx
# in a namespace of ours (198.18.0.1:80; tcpterm 198.18.0.2). net_tap takes
# no RSS key and reports no RETA, so [port0] rss = auto must choose
# software steering: the kernel puts each frame on a tap queue of its own
# choice, and a segment that lands on the lcore that did not open its
# connection goes to the one that did over a steering ring; ARP replies
# reach both lcores, so each resolves the server itself.
#
# Checked: the log says steering was chosen, and why; tcpterm exits 0 by
# itself; every connection completes, none fails; nginx's access log has
# one line with status 200 per connection; both lcores opened connections;
# TCP segments were steered (steered_in == steered_out > 0, none dropped
# on a full ring), ARP replies copied to the other lcore (arp_copies_in
# == arp_copies_out > 0); no segment reached an lcore without its flow
# (tcp_no_flow, what misdirected replies cause); no connection left but in TIME_WAIT
# (the client closes first); every mbuf back in its pool. Segments of one
# connection that arrive on both queues can be reordered by the detour
# through a ring, so out-of-window drops are not counted against it.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_cli.sh
. "$(dirname "$0")/lib_cli.sh"
# shellcheck source=tests/integration/lib_nginx.sh
. "$(dirname "$0")/lib_nginx.sh"

tt_require_root
tt_require_tun
tt_require_cmd ip ss nginx
tt_require_tcpterm
ini=$TT_SRCDIR/config/tap-client.ini
[ -f "$ini" ] || tt_fail "missing $ini"

N=2000
RATE=1000
CONC=32
ifc=ttmq$$			# at most 15 characters
k_ip=198.18.0.1			# nginx, in the namespace
k_mac=02:00:00:00:00:01		# kernel side of the tap
tt_ip=198.18.0.2		# tcpterm ([port0] ip of the file)
d=$(tt_tmpdir)
tt_nginx_prepare "$d" "$k_ip"
json=$d/summary.json

# Two lcores; the tap gets one queue pair per lcore.
ncpu=$(nproc)
lcores="0,1"
[ "$ncpu" -ge 2 ] || tt_skip "needs 2 CPUs, this machine has $ncpu"
eal=$(tt_cli_eal_from_ini "$ini" "-l $lcores --file-prefix=ttmq$$ --vdev=net_tap0,iface=$ifc")
pid=
tt_start_tcpterm pid -c "$ini" --set "eal.args=$eal" \
	--set general.duration=0 --set "client.target=$k_ip:80" \
	--set client.connections=$N --set client.rate=$RATE --set client.concurrency=$CONC \
	--set client.duration=0 --set client.arp_timeout_ms=20000 \
	--json "$json"
log=$TT_TCPTERM_LOG
tt_wait_for_iface "$ifc" 30 || tt_fail "tap $ifc never appeared"
tt_cli_wait_log "$log" 'worker 1 started' 30 "$pid" ||
	tt_fail "tcpterm did not start its second worker"
grep -E 'port 0: rss ' "$log"
grep -qE 'port 0: rss steer \(auto: ' "$log" ||
	tt_fail "rss = auto did not choose steering on net_tap"

tt_alive "$pid" || tt_fail "tcpterm exited before the peer came up"
tt_nginx_peer_up "$ifc" "$k_ip" "$k_mac" "$d"

tt_cli_wait_exit_sched "$pid" $((N / RATE + 60))
rc=$?
grep -E '^client|ARP|next hops|steering|rss|rror' "$log" | head -20
[ $rc -eq 0 ] || tt_fail "tcpterm exited $rc"

tt_nginx_stop

tt_cli_check_json "$json"
tt_cli_report "$json" client
tt_cli_expect_eq "lcores" "$(tt_cli_get "$json" 'd["lcores"]')" 2
tt_cli_check_client "$json" $N
completed=$(tt_cli_get "$json" 'd["client"]["completed"]')
# Both lcores started their clocks (each resolved the server by itself).
n_started=$(grep -c 'client lcore [0-9]*: next hops resolved' "$log")
tt_cli_expect_eq "client lcores that resolved the server" "$n_started" 2

out=$(tt_cli_get "$json" 'd["counters"]["steered_out"]')
in=$(tt_cli_get "$json" 'd["counters"]["steered_in"]')
tt_info "steered_out $out steered_in $in"
tt_expect_ge "steered_out" "$out" 1
tt_cli_expect_eq "steered_in (== steered_out)" "$in" "$out"
tt_cli_expect_eq "drops.steer_full" "$(tt_cli_get "$json" 'd["drops"]["steer_full"]')" 0
# ARP replies are copied to the other lcore, and counted apart.
arp_out=$(tt_cli_get "$json" 'd["counters"]["arp_copies_out"]')
tt_expect_ge "arp_copies_out" "$arp_out" 1
tt_cli_expect_eq "arp_copies_in (== arp_copies_out)" \
	"$(tt_cli_get "$json" 'd["counters"]["arp_copies_in"]')" "$arp_out"
tt_cli_expect_eq "drops.tcp_no_flow" "$(tt_cli_get "$json" 'd["drops"]["tcp_no_flow"]')" 0
tt_info "states at exit: $(tt_cli_states "$json")"
# TIME_WAIT is kept as compact entries, not connection blocks (docs/tcp.md):
# no block may be left at all.
tt_cli_expect_eq "flows_in_use (blocks; TIME_WAIT is compact)" \
	"$(tt_cli_get "$json" 'd["flows_in_use"]')" 0

[ -f "$d/access.log" ] || tt_fail "nginx wrote no access log"
lines=$(grep -c . "$d/access.log")
ok200=$(awk -v ip="$tt_ip" '$1 == ip && $9 == 200 && $10 == 100' "$d/access.log" | wc -l)
tt_info "nginx access log: $lines lines, $ok200 from $tt_ip with status 200 and 100 bytes"
tt_cli_expect_eq "nginx 200 responses (== tcpterm completed)" "$ok200" "$completed"
tt_cli_expect_eq "nginx log lines" "$lines" "$ok200"
grep -E '\[(crit|alert|emerg)\]' "$d/nginx-error.log" && tt_fail "nginx logged errors"
tt_check_pools "$json" || tt_fail "mbufs leaked"
tt_info "PASS"
exit 0
