#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tcpterm client and tcpterm server, two processes on several lcores,
# each on a net_memif port to the RSS NIC emulator (tests/tools/tt_rss_emu,
# docs/testing.md), which puts every frame on the queue its Toeplitz hash
# selects, as a NIC with RSS does. The emulator owns both memif sockets
# (memif server role); the two tcpterms connect to it as memif clients.
# Order: emulator, server, client; the client exits by itself, then the
# server is stopped, then the emulator (SIGTERM: it writes its counters).
#
# Cases, each with a fresh emulator and fresh processes:
#   hash: client and server on 2 lcores (2 queues) each, the emulator's
#     symmetric key given to both ([port0] rss = hash, rss_key): the
#     hash-aware path. Every connection completes, no TCP segment is
#     steered between lcores (steered_out 0; the client's ARP replies
#     are copied to its other lcore, arp_copies_out), every queue of both
#     ports carries frames in both directions, and no TCP frame changes
#     queue number in the emulator (client lcore j sends on queue j only
#     tuples whose replies hash to queue j; with a symmetric key its
#     segments reach the server's queue j too, whose lcore answers on it).
#   steer: the same with Microsoft's key, which tcpterm is not told
#     (rss = steer): every connection completes, the client steered
#     segments to their owners (steered_out > 0),
#     every queue used.
#   server2: server on 2 lcores (2 queues) behind the emulator, client on
#     1 lcore (1 queue): the server's lcores own whatever their queue
#     brings, so every connection completes; the emulator shows both of
#     the server's queues used in both directions and everything to the
#     client on its one queue.
#
# Checked in every case: client exit 0, completed == connections, no
# failure; server conn_accepted == completed; the emulator refused no
# frame (tx_dropped 0), and nothing was lost between the processes (the
# emulator's frames from and to each port equal that tcpterm's tx_pkts and
# rx_pkts + rx_discarded_at_exit); both processes' mbufs back in their
# pools; after 2 x MSL the server holds no flow and no connection but
# LISTEN.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_cli.sh
. "$(dirname "$0")/lib_cli.sh"

tt_require_root
tt_require_tcpterm
EMU=${TT_RSS_EMU:-$TT_BUILDDIR/tests/tools/tt_rss_emu}
[ -x "$EMU" ] || tt_skip "emulator $EMU not built"
srv_ini=$TT_SRCDIR/config/memif-server.ini
cli_ini=$TT_SRCDIR/config/memif-client.ini
[ -f "$srv_ini" ] || tt_fail "missing $srv_ini"
[ -f "$cli_ini" ] || tt_fail "missing $cli_ini"

N=100
RATE=200
MSL_MS=200
# The emulator's default key, 0x6d5a repeated (symmetric).
SYM=6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a
d=$(tt_tmpdir)
read -r -a cpus <<<"$(tt_cli_cpus)"
cpu_a=${cpus[0]}
cpu_b=${cpus[1]:-${cpus[0]}}
[ "$cpu_a" = "$cpu_b" ] && tt_info "one CPU only: every process shares CPU $cpu_a"
# The emulator on the second CPU; a tcpterm on 2 lcores has one on each
# CPU (EAL lcore options).
lcores1="-l $cpu_a"
lcores2="-l $cpu_a,$cpu_b"
[ "$cpu_a" = "$cpu_b" ] && lcores2="--lcores=0@$cpu_a,1@$cpu_a"

# listening SOCK: a memif server listens on SOCK: a file, or (DPDK 22.11's
# default, socket-abstract=yes) the abstract name "@SOCK" in /proc/net/unix.
listening() {
	[ -S "$1" ] || awk -v p="@$1" '$NF == p { f = 1 } END { exit !f }' /proc/net/unix
}

# emu_get CASE EXPR: an expression over the emulator's exit JSON (d).
emu_get() {
	tt_cli_get "$d/$1.emu.json" "$2"
}

# expect_frames CASE PORT rx|tx cli|srv WHAT EXPR: the emulator's frames on
# PORT, all queues, equal EXPR over the tcpterm process's counters (c).
expect_frames() {
	tt_cli_expect_eq "$1: emulator port $2 $3 (== $4 $5)" \
		"$(emu_get "$1" "sum(d[\"ports\"][$2][\"$3\"])")" \
		"$(tt_cli_get "$d/$1.$4.json" "(lambda c: $6)(d[\"counters\"])")"
}

# steered_tcp CASE cli|srv: the TCP segments a process passed to another
# lcore (steered_out; the ARP reply copies are arp_copies_out).
steered_tcp() {
	tt_cli_get "$d/$1.$2.json" 'd["counters"]["steered_out"]'
}

# expect_arp_copies CASE cli|srv: the process shared ARP replies between its
# lcores, and every copy sent was taken.
expect_arp_copies() {
	local out in
	out=$(tt_cli_get "$d/$1.$2.json" 'd["counters"]["arp_copies_out"]')
	in=$(tt_cli_get "$d/$1.$2.json" 'd["counters"]["arp_copies_in"]')
	tt_expect_ge "$1: $2: ARP reply copies to the other lcore" "$out" 1
	tt_cli_expect_eq "$1: $2: ARP reply copies taken (== sent)" "$in" "$out"
}

# run_case NAME EMU_QUEUES SRV_LCORES CLI_LCORES (EAL options) "EMU-ARGS" "SRV-SETS" "CLI-SETS":
# one run; leaves $d/NAME.{emu,srv,cli}.json and checks what every case
# must satisfy.
run_case() {
	local name=$1 queues=$2 srv_l=$3 cli_l=$4 emu_args=$5 srv_sets=$6 cli_sets=$7
	local csock=$d/$name-c.sock ssock=$d/$name-s.sock epid spid cpid i rc
	local -a eal_extra emu_x srv_x cli_x

	# shellcheck disable=SC2206 # option lists are words
	eal_extra=($TT_EAL_EXTRA)
	# shellcheck disable=SC2206
	emu_x=($emu_args)
	# shellcheck disable=SC2206
	srv_x=($srv_sets)
	# shellcheck disable=SC2206
	cli_x=($cli_sets)

	tt_info "---- case $name: emulator --queues $queues $emu_args; server $srv_l, client $cli_l"
	tt_bg epid "$EMU" -l "$cpu_b" --no-pci "${eal_extra[@]}" --file-prefix="ttre$$-$name-e" \
		--vdev="net_memif0,role=server,socket=$csock" \
		--vdev="net_memif1,role=server,socket=$ssock" -- \
		--queues "$queues" "${emu_x[@]}" --json "$d/$name.emu.json"
	local elog=$TT_BG_LOG
	rc=0
	tt_wait_for_log "$elog" "tt_rss_emu: ready" 20 "$epid" || rc=$?
	if [ $rc -ne 0 ]; then
		if grep -q "needs exactly 2 ports" "$elog"; then
			cat "$elog"
			tt_skip "net_memif cannot run here (the emulator got no ports)"
		fi
		tt_fail "the emulator did not start (log $elog)"
	fi
	i=0
	while { ! listening "$csock" || ! listening "$ssock"; } && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if ! listening "$csock" || ! listening "$ssock"; then
		tt_fail "the emulator does not listen on $csock and $ssock"
	fi

	tt_start_tcpterm spid -c "$srv_ini" --set "eal.args=$(tt_cli_eal_from_ini "$srv_ini" \
		"$srv_l --file-prefix=ttre$$-$name-s --vdev=net_memif0,role=client,socket=$ssock")" \
		--set general.duration=0 --set tcp.msl_ms=$MSL_MS "${srv_x[@]}" \
		--json "$d/$name.srv.json"
	local slog=$TT_TCPTERM_LOG
	tt_cli_wait_log "$slog" "port 0: link up" 30 "$spid" || tt_fail "$name: the server's memif link did not come up"

	tt_start_tcpterm cpid -c "$cli_ini" --set "eal.args=$(tt_cli_eal_from_ini "$cli_ini" \
		"$cli_l --file-prefix=ttre$$-$name-c --vdev=net_memif0,role=client,socket=$csock")" \
		--set general.duration=0 --set tcp.msl_ms=$MSL_MS \
		--set client.connections=$N --set client.rate=$RATE --set client.duration=0 \
		--set client.concurrency=32 "${cli_x[@]}" --json "$d/$name.cli.json"
	local clog=$TT_TCPTERM_LOG

	rc=0
	tt_wait_exit "$cpid" 60 || rc=$?
	grep -E 'rss|steer|queue|link (up|down)|rror' "$clog" | head -20
	[ $rc -eq 0 ] || tt_fail "$name: client exited $rc"
	tt_alive "$spid" || tt_fail "$name: the server died while the client ran"
	tt_alive "$epid" || tt_fail "$name: the emulator died while the client ran"

	# Let the server's connections close and 2 x MSL pass; then the
	# server, then the emulator (the memif peers leave first).
	sleep "$("$TT_PY" -c "print(2 * $MSL_MS / 1000.0 + 1.0)")"
	rc=0
	tt_stop_tcpterm "$spid" || rc=$?
	grep -E 'rss|steer|queue|rror' "$slog" | head -20
	[ $rc -eq 0 ] || tt_fail "$name: server exited $rc after SIGTERM"
	rc=0
	kill -TERM "$epid" 2>/dev/null
	tt_reap "$epid" 10 "emulator still running 10 s after SIGTERM: SIGKILL" || rc=$?
	[ $rc -eq 0 ] || tt_fail "$name: the emulator exited $rc after SIGTERM"
	grep -v '^EAL\|^TELEMETRY' "$elog"

	tt_cli_check_json "$d/$name.cli.json"
	tt_cli_check_json "$d/$name.srv.json"
	tt_cli_check_json "$d/$name.emu.json"
	tt_cli_report "$d/$name.cli.json" "$name client"

	tt_cli_check_client "$d/$name.cli.json" $N
	tt_cli_expect_eq "$name: server conn_accepted (== client completed)" \
		"$(tt_cli_get "$d/$name.srv.json" 'd["counters"]["conn_accepted"]')" $N
	tt_cli_expect_eq "$name: frames the emulator refused (tx_dropped)" \
		"$(emu_get "$name" 'sum(sum(p["tx_dropped"]) for p in d["ports"])')" 0
	# Nothing lost between the processes: what one sent, the emulator
	# received, and what it sent, the other received.
	# Received: rx_pkts, and what was still in the RX queues at exit.
	expect_frames "$name" 0 rx cli tx_pkts 'c["tx_pkts"]'
	expect_frames "$name" 1 tx srv "rx_pkts + rx_discarded_at_exit" \
		'c["rx_pkts"] + c["rx_discarded_at_exit"]'
	expect_frames "$name" 1 rx srv tx_pkts 'c["tx_pkts"]'
	expect_frames "$name" 0 tx cli "rx_pkts + rx_discarded_at_exit" \
		'c["rx_pkts"] + c["rx_discarded_at_exit"]'
	tt_check_pools "$d/$name.cli.json" || tt_fail "$name: client mbufs leaked"
	tt_check_pools "$d/$name.srv.json" || tt_fail "$name: server mbufs leaked"
	tt_cli_expect_eq "$name: server flows_in_use after 2 x MSL" \
		"$(tt_cli_get "$d/$name.srv.json" 'd["flows_in_use"]')" 0
	tt_cli_expect_eq "$name: server connections not in LISTEN" "$(tt_cli_get "$d/$name.srv.json" \
		'sum(v for k, v in d["states"].items() if k != "LISTEN")')" 0
	tt_info "$name: client states at exit: $(tt_cli_states "$d/$name.cli.json")"
	tt_info "$name: drops: client [$(tt_cli_get "$d/$name.cli.json" \
		'" ".join("%s=%d" % kv for kv in d["drops"].items() if kv[1])')], server [$(tt_cli_get \
		"$d/$name.srv.json" '" ".join("%s=%d" % kv for kv in d["drops"].items() if kv[1])')]"
}

# expect_queues_used CASE PORT FIELD: every queue of the emulator's PORT
# carried frames in FIELD (rx: from the peer, tx: to the peer).
expect_queues_used() {
	local per
	per=$(emu_get "$1" "d[\"ports\"][$2][\"$3\"]")
	tt_info "$1: emulator port $2 $3 per queue: $per"
	emu_get "$1" "all(v > 0 for v in d[\"ports\"][$2][\"$3\"])" | grep -qx True ||
		tt_fail "$1: emulator port $2: a queue carried no frame ($3 $per)"
}

# ---- the hash-aware path: both on 2 lcores, tcpterm told the key ----
run_case hash 2 "$lcores2" "$lcores2" "--key $SYM" \
	"--set port0.rss=hash --set port0.rss_key=$SYM" "--set port0.rss=hash --set port0.rss_key=$SYM"
for p in 0 1; do
	expect_queues_used hash $p rx
	expect_queues_used hash $p tx
	tt_cli_expect_eq "hash: emulator port $p: TCP frames moved to another queue number" \
		"$(emu_get hash "d[\"ports\"][$p][\"tcp_queue_changed\"]")" 0
done
tt_cli_expect_eq "hash: client: TCP segments steered" "$(steered_tcp hash cli)" 0
tt_cli_expect_eq "hash: server: TCP segments steered" "$(steered_tcp hash srv)" 0
expect_arp_copies hash cli

# ---- steering: both on 2 lcores, a key tcpterm was not told ----
run_case steer 2 "$lcores2" "$lcores2" "--key microsoft" \
	"--set port0.rss=steer" "--set port0.rss=steer"
for p in 0 1; do
	expect_queues_used steer $p rx
	expect_queues_used steer $p tx
done
tt_expect_ge "steer: client: TCP segments steered to another lcore" "$(steered_tcp steer cli)" 1
expect_arp_copies steer cli
tt_info "steer: server: TCP segments steered: $(steered_tcp steer srv)"

# ---- server on 2 lcores behind the RSS NIC, client on 1 ----
run_case server2 1,2 "$lcores2" "$lcores1" "" "" ""
expect_queues_used server2 1 tx
expect_queues_used server2 1 rx
tt_cli_expect_eq "server2: emulator queues toward the client" "$(emu_get server2 'd["ports"][0]["queues"]')" 1
tt_info "server2: TCP frames moved to another queue number: toward the server" \
	"$(emu_get server2 'd["ports"][1]["tcp_queue_changed"]'), toward the client" \
	"$(emu_get server2 'd["ports"][0]["tcp_queue_changed"]')"

tt_info "PASS"
exit 0
