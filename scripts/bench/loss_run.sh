#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# One round of scenario 11 of scripts/bench.sh (s11_loss.sh), run as a
# script of its own because it uses the integration tests' namespace
# helpers (tests/integration/lib.sh, lib_srv.sh), which clean up on exit:
#
#	loss_run.sh tcpterm SECONDS [--set KEY=VALUE ...]
#		tcpterm's HTTP server over net_tap sending a 1 GiB body to curl
#		in the namespace for SECONDS, at 0, 1 and 5% of its data
#		segments dropped by nftables on the namespace's input hook
#		(GRO off: one segment per drop)
#	loss_run.sh tcpterm-rx SECONDS [--set KEY=VALUE ...]
#		Linux sending to tcpterm: iperf2 in the namespace into
#		tcpterm's discard server over net_tap for SECONDS, at 0, 1 and
#		5% of the frames tcpterm receives dropped by its test
#		impairment (port0.impair_drop_pct: one segment per drop; an
#		nftables rule on the namespace's output hook would drop whole
#		GSO super-packets), a tcpterm of its own for each
#	loss_run.sh tcpterm-veth SECONDS [--set KEY=VALUE ...]
#	loss_run.sh tcpterm-veth-rx SECONDS [--set KEY=VALUE ...]
#		the same two transfers with tcpterm on one end of a veth pair
#		(net_af_packet) whose other end is in the namespace: the link
#		Linux to Linux uses below. net_tap raises SIGIO for every frame
#		the kernel queues to it, and that signal's delivery was a third
#		of tcpterm's CPU when sending at 1% loss (docs/loss.md)
#	loss_run.sh linux SECONDS
#		Linux to Linux over a veth pair between two namespaces, iperf3
#		-R for SECONDS, the same drops on the receiver's input hook
#		(GRO off there, TSO/GSO off on the sender)
#
# Prints "RESULT WHO LOSS MBIT/S" per loss, and tcpterm's counters.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/../../tests/integration/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/../../tests/integration/lib_srv.sh"

who=$1 secs=$2
shift 2

# drop_rule NS SADDR SPORT PCT: the drop rule in NS (0: none).
drop_rule() {
	ip netns exec "$1" nft delete table ip ttbl 2>/dev/null
	[ "$4" = 0 ] && return 0
	ip netns exec "$1" nft -f - <<EOT
table ip ttbl {
	chain in {
		type filter hook input priority 0;
		ip saddr $2 tcp sport $3 ip length > 100 numgen random mod 100 < $4 drop
	}
}
EOT
}

# send_rounds WHO NS EXEC...: curl in namespace NS, run through EXEC,
# downloads the 1 GiB body for $secs at 0, 1 and 5% of tcpterm's data
# segments dropped; prints "RESULT WHO LOSS MBIT/S" for each.
send_rounds() {
	local who=$1 ns=$2 l out bytes t
	shift 2
	for l in 0 1 5; do
		drop_rule "$ns" "$TT_SRV_IP" 80 "$l"
		out=$("$@" curl -s --max-time "$secs" -o /dev/null \
			-w '%{size_download} %{time_total}' "http://$TT_SRV_IP/")
		read -r bytes t <<<"$out"
		echo "RESULT $who $l $("$TT_PY" -c "print('%.1f' % ($bytes * 8 / $t / 1e6))")"
	done
	drop_rule "$ns" "$TT_SRV_IP" 80 0
}

# rx_mbps EXEC...: iperf2 from the namespace, run through EXEC, into
# tcpterm's discard server for $secs; prints its Mbit/s (0 if it failed).
rx_mbps() {
	local out bps
	out=$("$@" timeout $((secs + 20)) iperf -c "$TT_SRV_IP" -p 5001 -t "$secs" -y C 2>&1)
	bps=$(grep -E "^[0-9]+,$TT_SRV_K_IP,[0-9]+,$TT_SRV_IP,5001," <<<"$out" | tail -n 1 | cut -d, -f9)
	"$TT_PY" -c "print('%.1f' % (${bps:-0} / 1e6))"
}

# print_counters JSON PREFIX KEY...: "COUNTER PREFIXKEY VALUE" for each key
# of tcpterm's summary JSON.
print_counters() {
	local j=$1 pre=$2 k
	shift 2
	for k in "$@"; do
		printf 'COUNTER %s%s %s\n' "$pre" "$k" "$(tt_json_get "$j" "d[\"counters\"][\"$k\"]")"
	done
}

SEND_COUNTERS=(retrans_fast retrans_data sack_recoveries sack_rxt_lost tlp_probes tlp_recoveries
	overload_rto_deferred)
RX_COUNTERS=(impair_dropped ooo_queued sack_out dsack_out)

# veth_start SHORT [--set ...]: tcpterm (config/tap-server.ini's keys, its
# port on net_af_packet) on veth V_IFC, the peer end in namespace V_NS with
# $TT_SRV_K_IP, checksum offload, TSO, GSO and GRO off on both ends (one
# frame per segment, as on the tap). Sets V_PID, V_JSON, V_CPUS.
veth_start() {
	local short=$1 args _
	shift
	V_NS=$(tt_netns_create "$short") || tt_fail "namespace"
	V_IFC="tv$short$$"
	ip link add "$V_IFC" type veth peer name "${V_IFC}p" netns "$V_NS" || tt_fail "veth"
	ip netns exec "$V_NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 net.ipv4.tcp_early_retrans=0 >/dev/null 2>&1
	sysctl -qw "net.ipv6.conf.$V_IFC.disable_ipv6=1" >/dev/null 2>&1
	ip -n "$V_NS" addr add "$TT_SRV_K_IP/24" dev "${V_IFC}p"
	ip -n "$V_NS" link set "${V_IFC}p" up
	ip link set "$V_IFC" up
	ethtool -K "$V_IFC" tx off tso off gso off gro off >/dev/null 2>&1
	ip netns exec "$V_NS" ethtool -K "${V_IFC}p" tx off tso off gso off gro off >/dev/null 2>&1
	args="-l 0 --no-pci --file-prefix=tv$short$$ --vdev=net_af_packet0,iface=$V_IFC"
	V_CPUS=$(tt_srv_client_cpus "$args")
	V_JSON=$(tt_tmpdir)/summary.json
	tt_start_tcpterm V_PID -c "$TT_SRCDIR/config/tap-server.ini" --set "eal.args=$args" \
		--set "port0.ip=$TT_SRV_IP/24" --set general.stats_interval_ms=0 "$@" --json "$V_JSON"
	for _ in $(seq 1 50); do
		ip netns exec "$V_NS" ping -c 1 -W 1 "$TT_SRV_IP" >/dev/null 2>&1 && return 0
		tt_alive "$V_PID" || tt_fail "tcpterm exited early"
		tt_sleep 0.2
	done
	tt_fail "no echo reply from $TT_SRV_IP over $V_IFC"
}

# veth_exec CMD...: CMD in the namespace, on the CPUs tcpterm leaves free.
# shellcheck disable=SC2317 # called through send_rounds and rx_mbps
veth_exec() {
	if [ -n "$V_CPUS" ]; then
		ip netns exec "$V_NS" taskset -c "$V_CPUS" "$@"
	else
		ip netns exec "$V_NS" "$@"
	fi
}

veth_stop() {
	tt_stop_tcpterm "$V_PID" || tt_fail "tcpterm exited $? after SIGTERM"
	tt_check_pools "$V_JSON" || tt_fail "mbufs leaked"
	ip netns del "$V_NS" 2>/dev/null
}

if [ "$who" = tcpterm ]; then
	tt_srv_require curl nft
	tt_srv_start bl --set server.app=http --set server.listen=80 \
		--set server.response_bytes=1073741824 "$@"
	ip netns exec "$TT_SRV_NS" ethtool -K "$TT_SRV_IFC" gro off >/dev/null 2>&1
	send_rounds tcpterm "$TT_SRV_NS" tt_srv_exec
	# curl left each transfer mid-body (its RST ends tcpterm's side);
	# tt_srv_stop checks the end state as the tests do.
	tt_srv_stop >/dev/null
	print_counters "$TT_SRV_JSON" "" "${SEND_COUNTERS[@]}"
	exit 0
fi

if [ "$who" = tcpterm-rx ]; then
	tt_srv_require iperf
	for l in 0 1 5; do
		tt_srv_start rx$l --set server.app=discard --set server.listen=5001 \
			--set "port0.impair_drop_pct=$l" --set port0.impair_seed=$((RANDOM + 1)) "$@"
		r=$(rx_mbps tt_srv_exec)
		tt_srv_stop >/dev/null
		echo "RESULT tcpterm-rx $l $r"
		print_counters "$TT_SRV_JSON" "$l " "${RX_COUNTERS[@]}"
	done
	exit 0
fi

if [ "$who" = tcpterm-veth ]; then
	tt_srv_require curl nft
	veth_start vs --set server.app=http --set server.listen=80 \
		--set server.response_bytes=1073741824 "$@"
	send_rounds tcpterm-veth "$V_NS" veth_exec
	veth_stop
	print_counters "$V_JSON" "" "${SEND_COUNTERS[@]}"
	exit 0
fi

if [ "$who" = tcpterm-veth-rx ]; then
	tt_srv_require iperf
	for l in 0 1 5; do
		veth_start vr$l --set server.app=discard --set server.listen=5001 \
			--set "port0.impair_drop_pct=$l" --set port0.impair_seed=$((RANDOM + 1)) "$@"
		r=$(rx_mbps veth_exec)
		veth_stop
		echo "RESULT tcpterm-veth-rx $l $r"
		print_counters "$V_JSON" "$l " "${RX_COUNTERS[@]}"
	done
	exit 0
fi

tt_require_root
tt_require_cmd iperf3 nft ethtool
a=$(tt_netns_create bla) || tt_fail "namespace"
b=$(tt_netns_create blb) || tt_fail "namespace"
ip link add "vbla$$" netns "$a" type veth peer name "vblb$$" netns "$b" || tt_fail "veth"
ip -n "$a" addr add 198.18.1.1/24 dev "vbla$$"
ip -n "$b" addr add 198.18.1.2/24 dev "vblb$$"
ip -n "$a" link set "vbla$$" up
ip -n "$b" link set "vblb$$" up
ip netns exec "$b" ethtool -K "vblb$$" gro off >/dev/null 2>&1
ip netns exec "$a" ethtool -K "vbla$$" tso off gso off >/dev/null 2>&1
for l in 0 1 5; do
	drop_rule "$b" 198.18.1.1 5201 "$l"
	tt_bg spid ip netns exec "$a" iperf3 -s -1 -p 5201
	sleep 0.5
	r=$(ip netns exec "$b" iperf3 -c 198.18.1.1 -p 5201 -R -t "$secs" -J 2>/dev/null |
		"$TT_PY" -c 'import json, sys; print("%.1f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))')
	wait "$spid" 2>/dev/null
	echo "RESULT linux $l ${r:-}"
done
exit 0
