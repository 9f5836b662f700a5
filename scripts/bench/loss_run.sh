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

if [ "$who" = tcpterm ]; then
	tt_srv_require curl nft
	tt_srv_start bl --set server.app=http --set server.listen=80 \
		--set server.response_bytes=1073741824 "$@"
	ip netns exec "$TT_SRV_NS" ethtool -K "$TT_SRV_IFC" gro off >/dev/null 2>&1
	for l in 0 1 5; do
		drop_rule "$TT_SRV_NS" "$TT_SRV_IP" 80 "$l"
		out=$(tt_srv_exec curl -s --max-time "$secs" -o /dev/null \
			-w '%{size_download} %{time_total}' "http://$TT_SRV_IP/")
		read -r bytes t <<<"$out"
		echo "RESULT tcpterm $l $("$TT_PY" -c "print('%.1f' % ($bytes * 8 / $t / 1e6))")"
	done
	drop_rule "$TT_SRV_NS" "$TT_SRV_IP" 80 0
	# curl left each transfer mid-body (its RST ends tcpterm's side);
	# tt_srv_stop checks the end state as the tests do.
	tt_srv_stop >/dev/null
	for k in retrans_fast retrans_data sack_recoveries sack_rxt_lost tlp_probes tlp_recoveries overload_rto_deferred; do
		printf 'COUNTER %s %s\n' "$k" "$(tt_srv_c "$k")"
	done
	exit 0
fi

if [ "$who" = tcpterm-rx ]; then
	tt_srv_require iperf
	for l in 0 1 5; do
		tt_srv_start rx$l --set server.app=discard --set server.listen=5001 \
			--set "port0.impair_drop_pct=$l" --set port0.impair_seed=$((RANDOM + 1)) "$@"
		out=$(tt_srv_exec timeout $((secs + 20)) iperf -c "$TT_SRV_IP" -p 5001 -t "$secs" -y C 2>&1)
		bps=$(grep -E "^[0-9]+,$TT_SRV_K_IP,[0-9]+,$TT_SRV_IP,5001," <<<"$out" | tail -n 1 | cut -d, -f9)
		tt_srv_stop >/dev/null
		echo "RESULT tcpterm-rx $l $("$TT_PY" -c "print('%.1f' % (${bps:-0} / 1e6))")"
		for k in impair_dropped ooo_queued sack_out dsack_out; do
			printf 'COUNTER %s %s %s\n' "$l" "$k" "$(tt_srv_c "$k")"
		done
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
