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
# clean (tt_srv_stop: pools full, no flow). On a capture of each run in the
# namespace (tshark, first 128 bytes of each frame; it sees every segment
# Linux sent, those tcpterm's impairment then dropped included): good
# checksums, nothing malformed, no TCP expert flag but those loss brings
# (Linux's retransmissions, fast or spurious, or "out-of-order" when one
# follows the highest segment within tshark's RTT estimate, tcpterm's
# duplicate ACKs
# with their SACK blocks, a full window while tcpterm holds what follows a
# hole), and no stall of Linux's sending longer than $stall_max ms (no
# progress with data outstanding: a repair costs a round trip, one by
# Linux's retransmission timer 200 ms, a retransmission lost again and
# backed off 600 ms; a receiver that stops acknowledging, or a window
# that never reopens, stalls for seconds). The rate of each iperf run and
# the kernel's retransmission timeouts (nstat TcpExtTCPTimeouts) are
# printed, not judged: this machine's load decides them.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_srv_require iperf socat nstat tshark

d=$(tt_tmpdir)
stall_max=${TT_RXLOSS_STALL_MS:-1000}

# capture_checks NAME [EXTRA-OK]: the capture of the run just made (see the
# top).
capture_checks() {
	tt_srv_capture_stop
	tt_srv_capture_rx_loss_checks "$1" "$TT_SRV_K_IP" "$stall_max" "${2:-}"
}

# The echo runs' own flags: socat reads the echo back only when its CPU
# lets it, so the kernel's receive window can close (zero window) and
# tcpterm probe it (RFC 9293 3.8.6.1); tshark's sequence analysis does not
# move past a probe's byte, so the kernel's ACK of that byte shows as
# "ACKed unseen segment".
echo_ok="tcp.analysis.zero_window || tcp.analysis.zero_window_probe || \
tcp.analysis.zero_window_probe_ack || tcp.analysis.ack_lost_segment"

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
	tt_srv_capture_start -s 128 -f "tcp port 5001"
	timeouts >/dev/null
	out=$(tt_srv_exec timeout 30 iperf -c "$TT_SRV_IP" -p 5001 -t 2 -y C 2>&1) ||
		tt_fail "$name: iperf failed: $out"
	k_rto=$(timeouts)
	capture_checks "$name"
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
	tt_srv_capture_start -s 128 -f "tcp port 7"
	timeouts >/dev/null
	tt_srv_exec socat -T 20 -t 20 - "TCP:$TT_SRV_IP:7" <"$d/in.$name" >"$d/out.$name" ||
		tt_fail "$name: socat failed"
	k_rto=$(timeouts)
	capture_checks "$name" "$echo_ok"
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
