#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tcpterm sending under loss with its SACK scoreboard (RFC 6675 recovery,
# lib/tcp/tt_tcp_sack.c; issue 17): curl (the kernel's TCP) in a namespace
# over net_tap downloads from tcpterm's HTTP server while nftables on the
# namespace's input hook drops a share of tcpterm's data segments, one
# segment per drop (GRO off on the namespace's interface). Two tcpterms,
# one after the other:
#
#	sack	8 MiB at 1% drop, then 8 MiB at 5% (tcp.sack on, the default)
#	nosack	the same with tcp.sack = false (NewReno, no SACK at all)
#
# Checked: every body byte-exact and complete within curl's bound
# (--max-time 30); drops happened, one segment each; with SACK, recovery
# ran on the scoreboard (sack_recoveries), never short of one
# (sack_sb_full 0); without SACK, no scoreboard; a clean end state (pools
# full, no flow, no RST but for segments of a connection already closed). On a capture of each 1% transfer (tshark on the
# namespace's side of the tap, which sees the segments nftables drops
# after it): checksums good, nothing malformed, no TCP expert flag but
# those loss brings (retransmissions, duplicate ACKs, out-of-order
# segments: no spurious retransmission, no zero window, no segment or
# ACK of an unseen one), and no stall longer than one RTO: the longest
# time the connection made no progress with data outstanding stays below
# TT_SACK_STALL_MS (500: one RTO of tcp.rto_min_ms = 200 and 300 of this
# machine's scheduling pauses, about 120 ms at load 8 even without loss;
# a retransmission lost again and backed off costs 600). Printed, not
# judged (a shared machine decides them): the rates, the retransmission
# counters and the timeouts (retrans_data).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_srv_require curl nft tshark

stall_max=${TT_SACK_STALL_MS:-500}

d=$(tt_tmpdir)
url=http://$TT_SRV_IP/
size=8388608
tt_srv_body_file $size "$d/exp"

# loss PCT: tcpterm's data segments (IP length > 100: not the pure ACKs)
# dropped at PCT% from now on, counted; 0 removes the rule.
loss() {
	ip netns exec "$TT_SRV_NS" nft delete table ip ttsack 2>/dev/null
	[ "$1" = 0 ] && return 0
	ip netns exec "$TT_SRV_NS" nft -f - <<EOF || tt_fail "nft failed"
table ip ttsack {
	chain in {
		type filter hook input priority 0;
		ip saddr $TT_SRV_IP tcp sport 80 ip length > 100 numgen random mod 100 < $1 counter drop
	}
}
EOF
}

# drops: check the rule dropped something, one segment at a time.
drops() {
	local ctr n b
	ctr=$(ip netns exec "$TT_SRV_NS" nft list chain ip ttsack in | grep -o 'packets [0-9]* bytes [0-9]*')
	read -r _ n _ b <<<"$ctr"
	[ -n "$n" ] || tt_fail "no nft counter"
	tt_expect_ge "segments dropped" "$n" 1
	[ "$b" -le $((n * 1500)) ] || tt_fail "$n drops took $b bytes: more than one segment each (GRO?)"
	DROPS=$n
}

# capture_checks LABEL: the capture of the transfer just made (see the top).
capture_checks() {
	local stall
	tt_srv_capture_stop
	# window_full: at the start Linux's window is 64 KiB and grows as its
	# receive buffer autotunes; a sender in slow start fills it.
	tt_srv_capture_check "tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.duplicate_ack || tcp.analysis.out_of_order || tcp.analysis.window_full"
	stall=$(tt_srv_capture_send_stall)
	[ -n "$stall" ] || tt_fail "$1: no stall figure from the capture"
	[ "$stall" -lt "$stall_max" ] ||
		tt_fail "$1: the connection made no progress for $stall ms with data outstanding (bound $stall_max)"
	tt_info "$1: longest stall with data outstanding $stall ms (bound $stall_max)"
}

# fetch LABEL PCT: the body at PCT% loss, byte-exact, within 30 s; the
# 1% transfer captured and checked.
fetch() {
	local out t0 t1 rate
	loss "$2"
	[ "$2" = 1 ] && tt_srv_capture_start -s 128 -f "tcp port 80"
	t0=$(date +%s.%N)
	out=$(tt_srv_exec curl -sS --max-time 30 -o "$d/$1" \
		-w '%{http_code}:%{size_download}' "$url") || tt_fail "curl ($1) failed: $out"
	t1=$(date +%s.%N)
	[ "$out" = "200:$size" ] || tt_fail "$1: got '$out', expected '200:$size'"
	cmp "$d/exp" "$d/$1" || tt_fail "$1: the body differs from the pattern"
	drops
	loss 0
	[ "$2" = 1 ] && capture_checks "$1"
	rate=$("$TT_PY" -c "t = $t1 - $t0; print('%.2f s, %.1f Mbit/s' % (t, $size * 8 / t / 1e6))")
	tt_info "$1: $size bytes at $2% loss byte-exact in $rate, $DROPS segments dropped"
}

# run NAME SACK: one tcpterm, the body at 1% then at 5% loss.
run() {
	local name=$1 sack=$2 rst nf
	tt_srv_start "$name" --set server.app=http --set server.listen=80 \
		--set server.response_bytes=$size --set "tcp.sack=$sack"
	if command -v ethtool >/dev/null 2>&1; then
		ip netns exec "$TT_SRV_NS" ethtool -K "$TT_SRV_IFC" gro off >/dev/null 2>&1 ||
			tt_info "cannot turn GRO off on $TT_SRV_IFC (the drop counter checks it)"
	fi
	fetch "$name-1" 1
	fetch "$name-5" 5
	tt_srv_stop
	tt_srv_expect_eq conn_accepted "$(tt_srv_c conn_accepted)" 2
	# An RST only for a segment of a connection already closed (RFC 9293
	# 3.10.7.1): the kernel's duplicate ACKs of data sent again after a
	# timeout can still be on their way when its last ACK frees the flow.
	rst=$(tt_srv_c tcp_rst_out)
	nf=$(tt_json_get "$TT_SRV_JSON" 'd["drops"].get("tcp_no_flow", 0)')
	[ "$rst" -le "$nf" ] || tt_fail "tcp_rst_out = $rst, more than the segments for no flow ($nf)"
	tt_info "tcp_rst_out = $rst (segments for no flow: $nf)"
	tt_srv_expect_eq tcp_rst_in "$(tt_srv_c tcp_rst_in)" 0
	tt_srv_expect_eq sack_sb_full "$(tt_srv_c sack_sb_full)" 0
	tt_info "$name counters: retrans_fast $(tt_srv_c retrans_fast)," \
		"retrans_data (timeouts) $(tt_srv_c retrans_data)," \
		"sack_recoveries $(tt_srv_c sack_recoveries), sack_rxt_lost $(tt_srv_c sack_rxt_lost)"
}

run sack true
tt_expect_ge sack_recoveries "$(tt_srv_c sack_recoveries)" 1
run nosack false
tt_srv_expect_eq sack_recoveries "$(tt_srv_c sack_recoveries)" 0
tt_expect_ge "retrans_fast + retrans_data" \
	$(($(tt_srv_c retrans_fast) + $(tt_srv_c retrans_data))) 1
tt_info "PASS"
exit 0
