#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tcpterm <-> tcpterm over the in-process net_ring pair of
# config/loopback.ini, with the test impairment of lib/net/tt_impair.c on
# the receive side of both ports (so both directions): 2% of frames
# dropped, 1% duplicated, 3% held back behind the next one, from fixed
# seeds. The client sends 200,000 bytes on each of 200 connections to the
# echo server and checks every byte that comes back at its offset
# (client.app = echo). Runs:
#
#	sack	SACK and reassembly on (the defaults)
#	nosack	tcp.sack = false: no SACK blocks, out-of-order data still held
#	synloss	20% of the server's received frames dropped under a rate the
#		concurrency cannot hold: the summary's rate line names the SYNs
#		sent again (app/report.c)
#
# A lost SYN or a lost retransmission costs an RTO or more (1 s for a SYN,
# then doubling), so the client waits up to 30 s for the last connections
# to finish (client.drain_ms) instead of counting them unfinished.
#
# Checked in every run: exit status 0, all connections opened and
# completed with no failure (so every echoed byte was right), the
# impairment dropped, duplicated and reordered frames, the out-of-order
# queue held and merged segments and everything held was merged or freed
# as covered by data sent again, every mbuf back in its pool.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_cli.sh
. "$(dirname "$0")/lib_cli.sh"

tt_cli_loopback_init
N=200
BYTES=200000

c() {
	tt_cli_get "$1" "d[\"counters\"][\"$2\"]"
}

# run NAME [--set K=V ...]
run() {
	local name=$1 pid="" rc json=$d/$1.json p q m dup
	local imp=()
	shift
	for p in 0 1; do
		imp+=(--set "port$p.impair_drop_pct=2" --set "port$p.impair_dup_pct=1"
		      --set "port$p.impair_reorder_pct=3" --set "port$p.impair_seed=$((17 + p))")
	done
	tt_info "---- run $name: $N echo connections of $BYTES bytes"
	tt_start_tcpterm pid -c "$ini" \
		--set "eal.args=$eal -l $cpu --file-prefix=ttri$$-$name" \
		--set general.duration=0 --set general.stats_interval_ms=0 \
		--set client.rate=0 --set "client.connections=$N" --set client.duration=0 \
		--set client.app=echo --set server.app=echo \
		--set "client.request_bytes=$BYTES" --set client.drain_ms=30000 \
		"${imp[@]}" "$@" --json "$json"
	tt_wait_exit "$pid" 120
	rc=$?
	[ $rc -eq 0 ] || tt_fail "$name: tcpterm exited $rc"
	tt_cli_check_json "$json"
	tt_cli_report "$json" "$name"
	tt_cli_check_client "$json" "$N"
	tt_cli_expect_eq "$name: tcp_bytes_in (both sides)" "$(c "$json" tcp_bytes_in)" \
		$((2 * N * BYTES))
	tt_cli_expect_eq "$name: client_responses" "$(c "$json" client_responses)" $N
	tt_expect_ge "$name: impair_dropped" "$(c "$json" impair_dropped)" 100
	tt_expect_ge "$name: impair_duplicated" "$(c "$json" impair_duplicated)" 10
	tt_expect_ge "$name: impair_reordered" "$(c "$json" impair_reordered)" 100
	tt_expect_ge "$name: ooo_queued" "$(c "$json" ooo_queued)" 100
	# Every segment held was merged, or freed as a duplicate once data
	# sent again covered it (a retransmission after a timeout goes back to
	# SND.UNA in segments of its own size: drop tcp_ooo_dup); none stays
	# (the pools are checked below).
	q=$(c "$json" ooo_queued)
	m=$(c "$json" ooo_merged)
	dup=$(tt_cli_get "$json" 'd["drops"]["tcp_ooo_dup"]')
	[ "$m" -le "$q" ] && [ $((m + dup)) -ge "$q" ] ||
		tt_fail "$name: ooo_queued $q, ooo_merged $m, drop tcp_ooo_dup $dup: held segments unaccounted for"
	tt_info "$name: ooo_queued $q, merged $m, the rest covered by data sent again (tcp_ooo_dup $dup)"
	tt_info "$name: retransmissions fast $(c "$json" retrans_fast), timer" \
		"$(c "$json" retrans_data), sack_out $(c "$json" sack_out)," \
		"dsack_out $(c "$json" dsack_out)"
	tt_check_pools "$json" || tt_fail "$name: mbufs leaked"
}

run sack
tt_expect_ge "sack: sack_out" "$(c "$d/sack.json" sack_out)" 100
tt_expect_ge "sack: dsack_out" "$(c "$d/sack.json" dsack_out)" 1

run nosack --set tcp.sack=false
tt_cli_expect_eq "nosack: sack_out" "$(c "$d/nosack.json" sack_out)" 0

# The summary's reason for a rate not met, when SYNs go unanswered: 20% of
# what the server's port receives dropped, client.rate 2,000/s with room
# for 20 open, 2 s. A lost SYN waits 1 s (tcp.rto_init_ms), so the
# concurrency holds the opens back, and the line must say that the
# lifetimes are SYNs waiting, not tell the user to raise the concurrency.
tt_info "---- run synloss: the rate line under SYN loss"
tt_start_tcpterm pid -c "$ini" \
	--set "eal.args=$eal -l $cpu --file-prefix=ttri$$-synloss" \
	--set general.duration=0 --set general.stats_interval_ms=0 \
	--set client.rate=2000 --set client.concurrency=20 --set client.duration=2 \
	--set client.drain_ms=30000 \
	--set port1.impair_drop_pct=20 --set port1.impair_seed=5 --json "$d/synloss.json"
tt_wait_exit "$pid" 90 || tt_fail "synloss: tcpterm exited $?"
log=$TT_TCPTERM_LOG
grep -q "client rate held back by: client.concurrency" "$log" ||
	tt_fail "synloss: no 'held back by: client.concurrency' line in $log"
grep -q "SYNs were sent again for [0-9]* opens" "$log" ||
	tt_fail "synloss: the rate line does not name the SYNs sent again: $(grep 'held back' "$log")"
if grep "held back by" "$log" | grep -q "raise it"; then
	tt_fail "synloss: the rate line still says to raise the concurrency"
fi
tt_info "synloss: $(grep -o 'most of it waiting: [0-9]* SYNs were sent again for [0-9]* opens' "$log")"
tt_check_pools "$d/synloss.json" || tt_fail "synloss: mbufs leaked"

tt_info "PASS"
