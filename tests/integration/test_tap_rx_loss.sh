#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Linux sending to tcpterm over net_tap with segments lost on tcpterm's
# receive side: the test impairment of lib/net/tt_impair.c drops a share of
# the frames port 0 receives, one segment at a time (an nftables rule on
# the namespace's output hook would drop whole GSO super-packets; issue
# 17). Linux repairs the holes from tcpterm's SACK blocks while tcpterm
# holds what follows them (lib/tcp/tt_tcp_reass.c). Runs, each a tcpterm
# of its own:
#
#	discard1	iperf2 for 2 s into the discard server, 1% dropped
#	discard5	the same, 5% dropped
#	echo5		1 MiB of random data through the echo server (socat),
#			5% dropped: it must come back byte-exact
#	echo1_nosack	the same at 1% with tcp.sack = false (no SACK blocks,
#			out-of-order data still held)
#
# Checked: iperf's byte count equals tcpterm's tcp_bytes_in; the echo is
# byte-exact; frames were dropped and segments held out of order and
# merged; SACK blocks were sent (none without SACK); the end state is
# clean (tt_srv_stop: pools full, no flow). The rate of each iperf run and
# the kernel's retransmission timeouts (nstat TcpExtTCPTimeouts: each one a
# stall of at least an RTO) are printed, not judged: this machine's load
# decides them.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_srv_require iperf socat nstat

d=$(tt_tmpdir)

# timeouts: the kernel's RTO count in the namespace since the last reset.
timeouts() {
	tt_srv_exec nstat -az TcpExtTCPTimeouts 2>/dev/null | awk '/TCPTimeouts/ { print $2 }'
}

# check_reass NAME SACK: what every run must show.
check_reass() {
	tt_expect_ge "$1: impair_dropped" "$(tt_srv_c impair_dropped)" 1
	tt_expect_ge "$1: ooo_queued" "$(tt_srv_c ooo_queued)" 1
	tt_srv_expect_eq "$1: ooo_merged = ooo_queued" "$(tt_srv_c ooo_merged)" \
		"$(tt_srv_c ooo_queued)"
	if [ "$2" = sack ]; then
		tt_expect_ge "$1: sack_out" "$(tt_srv_c sack_out)" 1
	else
		tt_srv_expect_eq "$1: sack_out" "$(tt_srv_c sack_out)" 0
	fi
	tt_info "$1: drops tcp_ooo $(tt_json_get "$TT_SRV_JSON" 'd["drops"]["tcp_ooo"]')," \
		"dsack_out $(tt_srv_c dsack_out), kernel RTOs $k_rto"
}

# discard PCT: iperf into the discard server with PCT% of frames dropped.
discard() {
	local name=discard$1 out line sent bps
	tt_srv_start "dis$1" --set server.app=discard --set server.listen=5001 \
		--set "port0.impair_drop_pct=$1" --set port0.impair_seed=$((7 + $1))
	timeouts >/dev/null
	out=$(tt_srv_exec timeout 30 iperf -c "$TT_SRV_IP" -p 5001 -t 2 -y C 2>&1) ||
		tt_fail "$name: iperf failed: $out"
	k_rto=$(timeouts)
	line=$(grep -E "^[0-9]+,$TT_SRV_K_IP,[0-9]+,$TT_SRV_IP,5001," <<<"$out" | tail -n 1)
	[ -n "$line" ] || tt_fail "$name: no CSV report line from iperf: $out"
	sent=$(cut -d, -f8 <<<"$line")
	bps=$(cut -d, -f9 <<<"$line")
	tt_info "$name: iperf sent $sent bytes at $("$TT_PY" -c "print('%.1f' % ($bps / 1e6))") Mbit/s"
	tt_srv_stop
	tt_srv_expect_eq "$name: tcp_bytes_in" "$(tt_srv_c tcp_bytes_in)" "$sent"
	check_reass "$name" sack
}

# echo NAME PCT [--set ...]: 1 MiB through the echo server, byte-exact.
echo_run() {
	local name=$1 pct=$2 sack=sack
	shift 2
	[[ "$*" == *tcp.sack=false* ]] && sack=nosack
	tt_srv_start "ech$pct" --set server.app=echo --set server.listen=7 \
		--set "port0.impair_drop_pct=$pct" --set port0.impair_seed=$((11 + pct)) "$@"
	head -c 1048576 /dev/urandom >"$d/in.$name"
	timeouts >/dev/null
	tt_srv_exec socat -T 20 -t 20 - "TCP:$TT_SRV_IP:7" <"$d/in.$name" >"$d/out.$name" ||
		tt_fail "$name: socat failed"
	k_rto=$(timeouts)
	cmp "$d/in.$name" "$d/out.$name" ||
		tt_fail "$name: data differs ($(stat -c %s "$d/out.$name") bytes back)"
	tt_info "$name: 1 MiB echoed byte-exact"
	tt_srv_stop
	tt_srv_expect_eq "$name: tcp_bytes_in" "$(tt_srv_c tcp_bytes_in)" 1048576
	check_reass "$name" $sack
}

discard 1
discard 5
echo_run echo5 5
echo_run echo1_nosack 1 --set tcp.sack=false
tt_info "PASS"
exit 0
