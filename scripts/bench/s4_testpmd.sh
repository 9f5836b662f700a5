# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# Scenario 4 of scripts/bench.sh, which sources this file: the I/O
# ceiling, two dpdk-testpmd in io forwarding over net_memif.

# tp_cmd FD LINE: one command to a testpmd's stdin.
tp_cmd() {
	echo "$2" >&"$1"
}

# tp_start NAME CORE ROLE MEM SOCKET: one dpdk-testpmd in io forwarding on
# CORE, the ROLE (server or client) end of the memif link at SOCKET, with
# the EAL memory options MEM; its stdin is the FIFO $W/NAME.in, its log
# $W/NAME.log, its PID in TP_PID. Fails when its prompt does not come.
tp_start() {
	# shellcheck disable=SC2086 # EAL memory options are words
	"${nice_cmd[@]}" taskset -c "$2" dpdk-testpmd --lcores="0@$2,1@$2" $4 --no-pci \
		--file-prefix="$P-$1" --vdev="net_memif0,role=$3,socket=$5$memif_ring" -- \
		-i --forward-mode=io --port-topology=loop --total-num-mbufs=16384 \
		<"$W/$1.in" >"$W/$1.log" 2>&1 &
	TP_PID=$!
	tt_track_pid "$TP_PID"
	tt_wait_for_log "$W/$1.log" "testpmd>" 60 "$TP_PID"
}

# s4_run ID LEN: --runs ping-pong measurements of LEN-byte frames (64 for
# the ceiling the targets use; scenario 2's mean frame size for row 4b).
s4_run() {
	local id=$1 len=$2 n=${3:-$runs} i k lat mode mem sock pa pb fa fb rx tx
	mode=$(b_memmode 200)
	if [ "$mode" = huge ]; then
		mem="--huge-unlink"
	else
		mem="--no-huge -m 1024"
	fi
	for i in $(seq "$n"); do
		# Files and prefixes numbered across calls (4a, 4b, interleaved).
		S4_SEQ=$((S4_SEQ + 1))
		k=$S4_SEQ
		lat=$(b_c2c)
		[ -n "$lat" ] && b_note "$id" "cache-line round trip between the CPUs before measurement $k: $lat ns"
		sock=$W/tp$k.sock
		rm -f "$W/tpa$k.in" "$W/tpb$k.in"
		mkfifo "$W/tpa$k.in" "$W/tpb$k.in"
		# Held open read-write by us, so testpmd's stdin never sees EOF.
		exec {fa}<>"$W/tpa$k.in" {fb}<>"$W/tpb$k.in"
		if ! tp_start "tpa$k" "$CB" server "$mem" "$sock"; then
			b_note $id "measurement $k: testpmd (memif server) did not start"
			exec {fa}>&- {fb}>&-
			b_stop "$TP_PID"
			continue
		fi
		pa=$TP_PID
		if ! tp_start "tpb$k" "$CA" client "$mem" "$sock"; then
			b_note $id "measurement $k: testpmd (memif client) did not start"
			exec {fa}>&- {fb}>&-
			b_stop "$TP_PID"
			b_stop "$pa"
			continue
		fi
		pb=$TP_PID
		sleep 1
		tp_cmd $fa "start"
		# The frames start_tx_first makes (io forwarding keeps them as
		# they are): Ethernet + IPv4 + UDP + payload, LEN bytes in all.
		[ "$len" != 64 ] && tp_cmd $fb "set txpkts $len"
		# 16 bursts of 32 packets go round and round.
		tp_cmd $fb "start tx_first 16"
		sleep 1
		tp_cmd $fb "show port stats all"
		tt_sleep "$d_tp"
		tp_cmd $fb "show port stats all"
		sleep 0.5
		# The memif client first, then the server.
		tp_cmd $fb "stop"
		tp_cmd $fb "quit"
		b_wait "$pb" 20
		tp_cmd $fa "stop"
		tp_cmd $fa "quit"
		b_wait "$pa" 20
		exec {fa}>&- {fb}>&-
		b_dpdk_leftovers "tpa$k" "tpb$k"
		rx=$(awk '/Rx-pps:/ {v = $2} END {print v}' "$W/tpb$k.log")
		tx=$(awk '/Tx-pps:/ {v = $2} END {print v}' "$W/tpb$k.log")
		if [ -z "$rx" ] || [ -z "$tx" ]; then
			b_note $id "measurement $k: no Rx-pps in the testpmd output (log $W/tpb$k.log)"
			continue
		fi
		b_val $id $((rx + tx))
		log "[4] measurement $k ($len-byte frames): rx $rx + tx $tx = $((rx + tx)) packets/s${lat:+, core-to-core round trip before it $lat ns}"
	done
	b_note $id "two dpdk-testpmd, --forward-mode=io, memif ${memif_ring#,}, memif server on CPU $CB and client on CPU $CA, 512 $len-byte packets in flight (start tx_first 16), ${d_tp} s; Rx-pps + Tx-pps of the client = packets crossing the link per second; memory: $mode"
}

# Whether scenario 4 can run (else its rows say why).
s4_ready() {
	command -v dpdk-testpmd >/dev/null && return 0
	b_note 4a "skipped: needs dpdk-testpmd (Debian package dpdk)"
	b_note 4b "skipped: needs dpdk-testpmd (Debian package dpdk)"
	return 1
}

s4_testpmd() {
	# Already measured between scenario 2's runs (see s2_memif).
	[ -n "$S4_DONE" ] && return
	s4_ready || return
	s4_run 4a 64
	# The same link at the size of the frames scenario 2 really sent: a
	# connection's segments carry 0 to ~200 bytes of payload, so 64-byte
	# frames make the ceiling generous; this row says by how much.
	if [ -n "$S2_FRAME" ]; then
		s4_run 4b "$S2_FRAME"
		b_note 4b "frame size = scenario 2's mean frame (both sides' tx_bytes / tx_pkts)"
	else
		b_note 4b "not run: needs scenario 2's mean frame size (run scenario 2 too)"
	fi
}
