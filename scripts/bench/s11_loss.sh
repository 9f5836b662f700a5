# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# Scenario 11 of scripts/bench.sh, which sources this file: bulk transfer
# under random loss (issue 17), in both directions: tcpterm's HTTP server
# to curl over net_tap, and Linux (iperf2) into tcpterm's discard server,
# against Linux to Linux over a veth pair, drops on the receiver (nftables
# on the input hook, GRO off there, or tcpterm's receive impairment: one
# segment per drop) at 0, 1 and 5%; each run is scripts/bench/loss_run.sh,
# tcpterm (send), tcpterm (receive), the same two over a veth pair
# (net_af_packet) and Linux rounds interleaved. Ratios are each run's lossy rate over its own clean one.
# Not run with --quick.

s11_rows() {
	b_row 11a "11. Sending under loss, tcpterm -> curl, net_tap" "0% loss" "Mbit/s"
	b_row 11b "11. Sending under loss, tcpterm -> curl, net_tap" "1% loss" "Mbit/s"
	b_row 11c "11. Sending under loss, tcpterm -> curl, net_tap" "5% loss" "Mbit/s"
	b_row 11d "11. Sending under loss, tcpterm -> curl, net_tap" "1% / 0%, run by run" "x"
	b_row 11e "11. Sending under loss, tcpterm -> curl, net_tap" "5% / 0%, run by run" "x"
	b_row 11f "11. Sending under loss, Linux -> Linux, veth" "0% loss" "Mbit/s"
	b_row 11g "11. Sending under loss, Linux -> Linux, veth" "1% loss" "Mbit/s"
	b_row 11h "11. Sending under loss, Linux -> Linux, veth" "5% loss" "Mbit/s"
	b_row 11i "11. Sending under loss, Linux -> Linux, veth" "1% / 0%, run by run" "x"
	b_row 11j "11. Sending under loss, Linux -> Linux, veth" "5% / 0%, run by run" "x"
	b_row 11k "11. Receiving under loss, Linux (iperf2) -> tcpterm, net_tap" "0% loss" "Mbit/s"
	b_row 11l "11. Receiving under loss, Linux (iperf2) -> tcpterm, net_tap" "1% loss" "Mbit/s"
	b_row 11m "11. Receiving under loss, Linux (iperf2) -> tcpterm, net_tap" "5% loss" "Mbit/s"
	b_row 11n "11. Receiving under loss, Linux (iperf2) -> tcpterm, net_tap" "1% / 0%, run by run" "x"
	b_row 11o "11. Receiving under loss, Linux (iperf2) -> tcpterm, net_tap" "5% / 0%, run by run" "x"
	b_row 11p "11. Sending under loss, tcpterm -> curl, veth (net_af_packet)" "0% loss" "Mbit/s"
	b_row 11q "11. Sending under loss, tcpterm -> curl, veth (net_af_packet)" "1% loss" "Mbit/s"
	b_row 11r "11. Sending under loss, tcpterm -> curl, veth (net_af_packet)" "5% loss" "Mbit/s"
	b_row 11s "11. Sending under loss, tcpterm -> curl, veth (net_af_packet)" "1% / 0%, run by run" "x"
	b_row 11t "11. Sending under loss, tcpterm -> curl, veth (net_af_packet)" "5% / 0%, run by run" "x"
	b_row 11u "11. Receiving under loss, Linux (iperf2) -> tcpterm, veth (net_af_packet)" "0% loss" "Mbit/s"
	b_row 11v "11. Receiving under loss, Linux (iperf2) -> tcpterm, veth (net_af_packet)" "1% loss" "Mbit/s"
	b_row 11w "11. Receiving under loss, Linux (iperf2) -> tcpterm, veth (net_af_packet)" "5% loss" "Mbit/s"
	b_row 11x "11. Receiving under loss, Linux (iperf2) -> tcpterm, veth (net_af_packet)" "1% / 0%, run by run" "x"
	b_row 11y "11. Receiving under loss, Linux (iperf2) -> tcpterm, veth (net_af_packet)" "5% / 0%, run by run" "x"
}

# s11_vals WHO ROWS(0% 1% 5% 1%/0% 5%/0%) LOG: the figures of one run.
s11_vals() {
	local who=$1 r0 r1 r5 q1 q5
	read -r r0 r1 r5 q1 q5 <<<"$2"
	local v0 v1 v5
	v0=$(awk -v w="$who" '$1 == "RESULT" && $2 == w && $3 == 0 { print $4 }' "$3")
	v1=$(awk -v w="$who" '$1 == "RESULT" && $2 == w && $3 == 1 { print $4 }' "$3")
	v5=$(awk -v w="$who" '$1 == "RESULT" && $2 == w && $3 == 5 { print $4 }' "$3")
	b_val "$r0" "$v0"
	b_val "$r1" "$v1"
	b_val "$r5" "$v5"
	if [ -n "$v0" ] && [ -n "$v1" ] && [ -n "$v5" ]; then
		b_val "$q1" "$("$TT_PY" -c "print('%.2f' % ($v1 / $v0))")"
		b_val "$q5" "$("$TT_PY" -c "print('%.2f' % ($v5 / $v0))")"
	fi
	log "[11] $who: ${v0:-failed} / ${v1:-failed} / ${v5:-failed} Mbit/s at 0 / 1 / 5% loss"
}

s11_loss() {
	local i secs=${TT_BENCH_S11_SECONDS:-10}
	if [ "$quick" = 1 ]; then
		b_note 11a "not run with --quick"
		return 0
	fi
	for i in $(seq "$runs"); do
		TCPTERM=$BIN TT_SRCDIR=$root "$root/scripts/bench/loss_run.sh" tcpterm "$secs" \
			>"$W/s11t$i.log" 2>&1 || b_note 11a "run $i: tcpterm's end state failed its checks ($W/s11t$i.log)"
		s11_vals tcpterm "11a 11b 11c 11d 11e" "$W/s11t$i.log"
		TCPTERM=$BIN TT_SRCDIR=$root "$root/scripts/bench/loss_run.sh" tcpterm-rx "$secs" \
			>"$W/s11r$i.log" 2>&1 || b_note 11k "run $i: tcpterm's end state failed its checks ($W/s11r$i.log)"
		s11_vals tcpterm-rx "11k 11l 11m 11n 11o" "$W/s11r$i.log"
		TCPTERM=$BIN TT_SRCDIR=$root "$root/scripts/bench/loss_run.sh" tcpterm-veth "$secs" \
			>"$W/s11v$i.log" 2>&1 || b_note 11p "run $i: tcpterm's end state failed its checks ($W/s11v$i.log)"
		s11_vals tcpterm-veth "11p 11q 11r 11s 11t" "$W/s11v$i.log"
		TCPTERM=$BIN TT_SRCDIR=$root "$root/scripts/bench/loss_run.sh" tcpterm-veth-rx "$secs" \
			>"$W/s11w$i.log" 2>&1 || b_note 11u "run $i: tcpterm's end state failed its checks ($W/s11w$i.log)"
		s11_vals tcpterm-veth-rx "11u 11v 11w 11x 11y" "$W/s11w$i.log"
		TT_SRCDIR=$root "$root/scripts/bench/loss_run.sh" linux "$secs" >"$W/s11l$i.log" 2>&1 ||
			b_note 11f "run $i failed ($W/s11l$i.log)"
		s11_vals linux "11f 11g 11h 11i 11j" "$W/s11l$i.log"
	done
	b_note 11a "$secs s per figure (curl --max-time over a 1 GiB body: bytes received / time); drops by nftables on the namespace's input hook, data segments only, GRO off; tcpterm's counters in $W/s11t*.log"
	b_note 11f "iperf3 -R for $secs s between two namespaces, the same drop rule on the receiver, GRO off there, TSO/GSO off on the sender"
	b_note 11p "the same transfers with tcpterm on one end of a veth pair (net_af_packet, tx/TSO/GSO/GRO off on both ends), the other end in the namespace: the link of the Linux -> Linux rows; net_tap raises SIGIO for every frame the kernel queues to tcpterm, and its delivery takes tcpterm's CPU (docs/loss.md)"
	b_note 11k "iperf2 for $secs s into tcpterm's discard server; drops by tcpterm's test impairment on its receive side (port0.impair_drop_pct), a tcpterm for each figure; the reference is Linux -> Linux (11f-11j), whose drops are on its receiver too"
}
