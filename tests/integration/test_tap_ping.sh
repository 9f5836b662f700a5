#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# ARP and ICMP echo over net_tap, with the kernel as the peer in a network
# namespace: kernel 198.18.0.1/24, tcpterm 198.18.0.2/24.
# From the namespace: ping (0% loss), arping (replies), and the neighbour
# table must show tcpterm's MAC. Then tcpterm must stop cleanly on SIGTERM
# and its JSON must count the echo replies and ARP replies, with every mbuf
# back in its pool.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

tt_require_root
tt_require_tun
tt_require_cmd ip ping arping
tt_require_tcpterm

ifc=ttp$$			# at most 15 characters
tt_mac=02:00:00:00:00:02	# tcpterm's port (net_tap mac= devarg)
k_mac=02:00:00:00:00:01		# kernel side, inside the namespace
k_ip=198.18.0.1
tt_ip=198.18.0.2
d=$(tt_tmpdir)
json=$d/summary.json

# The EAL arguments: those of config/tap-server.ini with our own interface
# name, MAC and file prefix; a minimal set of our own if there is no file.
ini=$TT_SRCDIR/config/tap-server.ini
if [ -f "$ini" ]; then
	args=$(awk '
		/^[ \t]*\[/ { sec = $0; gsub(/[][ \t]/, "", sec); next }
		sec == "eal" && /^[ \t]*args[ \t]*=/ { sub(/^[^=]*=[ \t]*/, ""); print; exit }
	' "$ini")
else
	ini=$d/tap-server.ini
	cat >"$ini" <<EOF
[eal]
args = -l 0 --no-pci

[port0]
ip = $tt_ip/24

[server]
listen = 80
EOF
	args="-l 0 --no-pci"
fi
# Drop any tap vdev and file prefix of the file; add ours.
args=$(sed -E -e 's/--vdev[= ]+net_tap[^ ]*//g' -e 's/--file-prefix[= ]+[^ ]*//g' \
	-e 's/[ ]+/ /g' <<<"$args")
args="$args --file-prefix=ttping$$ --vdev=net_tap0,iface=$ifc,mac=$tt_mac"
tt_info "config $ini, eal.args = $args"

pid=
tt_start_tcpterm pid -c "$ini" --set "eal.args=$args" --json "$json"
log=$TT_TCPTERM_LOG
tt_wait_for_iface "$ifc" 30 || tt_fail "tap $ifc never appeared"
tt_wait_for_log "$log" 'worker [0-9]+ started' 30 || tt_fail "tcpterm did not start its workers"
kside=$(cat "/sys/class/net/$ifc/address" 2>/dev/null)
tt_info "tap $ifc is up on the kernel side (MAC $kside before the move)"

ns=$(tt_netns_create ping)
tt_tap_into_ns "$ifc" "$ns" "$k_ip/24" "$k_mac" || tt_fail "cannot move $ifc into $ns"

# Capture ARP in the namespace from now on (gratuitous ARPs included).
cap=
if command -v tcpdump >/dev/null 2>&1; then
	tt_bg cap ip netns exec "$ns" tcpdump -i "$ifc" -n -e -l -U arp
	caplog=$TT_BG_LOG
fi

# tcpterm may need a moment to see the link up: wait for a first reply.
ok=0
for _ in $(seq 1 20); do
	if ip netns exec "$ns" ping -c 1 -W 1 "$tt_ip" >/dev/null 2>&1; then
		ok=1
		break
	fi
	tt_alive "$pid" || tt_fail "tcpterm exited early"
done
[ $ok -eq 1 ] || tt_fail "no echo reply from $tt_ip within 20 tries"

out=$(ip netns exec "$ns" ping -c 5 -i 0.2 -W 2 "$tt_ip" 2>&1)
prc=$?
echo "$out"
[ $prc -eq 0 ] || tt_fail "ping exited $prc"
grep -q ' 0% packet loss' <<<"$out" || tt_fail "ping lost packets"

# Debian's arping is Thomas Habets's (-i IFACE), not iputils' (-I IFACE).
out=$(timeout 20 ip netns exec "$ns" arping -c 3 -i "$ifc" -S "$k_ip" "$tt_ip" 2>&1)
arc=$?
echo "$out"
replies=$(grep -ci "from $tt_mac" <<<"$out")
[ "$replies" -ge 1 ] || tt_fail "arping: no reply from $tt_mac (exit $arc)"
tt_info "arping: $replies replies from $tt_mac"

neigh=$(ip -n "$ns" neigh show "$tt_ip" dev "$ifc")
tt_info "ip neigh: $neigh"
grep -qi "lladdr $tt_mac" <<<"$neigh" || tt_fail "neighbour entry for $tt_ip is not $tt_mac"

# Gratuitous ARP: counted by tcpterm; seen here only if sent after the move.
if [ -n "$cap" ]; then
	sleep 0.3
	tt_stop_tcpterm "$cap" >/dev/null
	garp=$(grep -c "Request who-has $tt_ip tell $tt_ip," "$caplog")
	tt_info "ARP frames captured in the namespace: $(grep -c " ARP" "$caplog"), gratuitous: $garp (usually sent before the move)"
fi

tt_stop_tcpterm "$pid"
rc=$?
tail -n 30 "$log"
[ $rc -eq 0 ] || tt_fail "tcpterm exited $rc after SIGTERM"
[ -s "$json" ] || tt_fail "no JSON summary"
tt_json_valid "$json" || tt_fail "invalid JSON summary"

tt_expect_ge icmp_echo_rx "$(tt_json_get "$json" 'd["counters"]["icmp_echo_rx"]')" 6
tt_expect_ge icmp_echo_tx "$(tt_json_get "$json" 'd["counters"]["icmp_echo_tx"]')" 6
tt_expect_ge arp_tx_reply "$(tt_json_get "$json" 'd["counters"]["arp_tx_reply"]')" 1
tt_expect_ge arp_rx_request "$(tt_json_get "$json" 'd["counters"]["arp_rx_request"]')" 3
gr=$(tt_json_get "$json" 'd["counters"]["arp_tx_gratuitous"]')
if [ "${gr:-0}" -ge 1 ] 2>/dev/null; then
	tt_info "arp_tx_gratuitous = $gr"
else
	tt_fail "arp_tx_gratuitous = $gr: no gratuitous ARP at start"
fi
tt_check_pools "$json" || tt_fail "mbufs leaked"
tt_info "PASS"
exit 0
