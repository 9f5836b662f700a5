# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# Scenario 8 of scripts/bench.sh, which sources this file: dperf side by
# side with tcpterm, on the same net_memif link and the same two CPUs, in
# one run: dperf <-> dperf, tcpterm <-> tcpterm, dperf's client against
# tcpterm's server and tcpterm's client against dperf's server, each at
# 1M connections/s offered and at 3M/s (past what either holds here). Every
# figure comes from the counters of the program that counts it (dperf's
# per-second text, tcpterm's JSON summary); scripts/bench/dperf_stats.py
# reads both.
#
# dperf: $DPERF when set (a build with ../shared/peers/dperf/vdev.patch,
# which lets a port named net_memif000 be a --vdev); else built at run time
# from ../shared/peers/dperf (build.sh, seconds) into the work directory;
# else the scenario says why it did not run. dperf needs hugepages: its
# socket_mem is given to EAL as --socket-mem.

S8_RATES=${S8_RATES:-"1000000 3000000"}
# dk, tk: dperf's or tcpterm's client, tcpterm's server closing after each
# response (server.keepalive_requests = 1), as dperf's server does with its
# keepalive off (its default): the same segments a connection as dd.
# ht: tcpterm's client with client.close = half (its FIN goes with the
# request) against tcpterm's server: 5 segments a connection, not 7.
S8_PAIRS=${S8_PAIRS:-"dd tt dt td dk tk ht"}
# S8_SRV_SET: extra KEY=VALUE words for tcpterm's server (--set each).
s8_srv_sets=()
for s8_kv in ${S8_SRV_SET:-}; do
	s8_srv_sets+=(--set "$s8_kv")
done
unset s8_kv
S8_DPERF_MEM=800	# MB of hugepages per dperf process (its sockets: 100 x 65535 x 64 B)
# What a dperf process takes in all: EAL grows past socket_mem for the
# mbuf pool and the memif rings (its server, 2026-12-07: 1,250 MB), so a
# pair needs far more free hugepages than 2 x socket_mem.
S8_DPERF_TAKES=1500

# s8_find_dperf: S8_DPERF (the binary) and S8_FROM, or S8_WHY.
s8_find_dperf() {
	local src=$root/../shared/peers/dperf tgz
	S8_DPERF='' S8_FROM='' S8_WHY=''
	if [ -n "${DPERF:-}" ]; then
		if [ -x "$DPERF" ]; then
			S8_DPERF=$DPERF S8_FROM="DPERF=$DPERF"
		else
			S8_WHY="DPERF=$DPERF is not an executable"
		fi
		return
	fi
	if [ ! -f "$src/build.sh" ]; then
		S8_WHY="no dperf: set DPERF=/path/to/dperf (built with vdev.patch) or put dperf's source, vdev.patch and build.sh in ../shared/peers/dperf"
		return
	fi
	log "[8] building dperf from $src"
	if bash "$src/build.sh" "$W/dperf" >"$W/dperf-build.log" 2>&1 && [ -x "$W/dperf/dperf" ]; then
		S8_DPERF=$W/dperf/dperf
		tgz=$(cd "$src" && echo dperf-*.tar.gz)
		S8_FROM="built from ../shared/peers/dperf (${tgz%.tar.gz})"
	else
		S8_WHY="building dperf from ../shared/peers/dperf failed: $(tail -1 "$W/dperf-build.log")"
	fi
}

# s8_hugepages MB: make MB of 2 MiB hugepages free (growing the pool, which
# s8_dperf gives back at its end). Returns 1 when they cannot be had.
s8_hugepages() {
	local hp=/sys/kernel/mm/hugepages/hugepages-2048kB want=$(($1 / 2)) free nr
	free=$(cat "$hp/free_hugepages" 2>/dev/null || echo 0)
	[ "$free" -ge "$want" ] && return 0
	nr=$(cat "$hp/nr_hugepages" 2>/dev/null || echo 0)
	[ -z "${S8_NR_OLD:-}" ] && S8_NR_OLD=$nr
	echo $((nr + want - free)) >"$hp/nr_hugepages" 2>/dev/null
	free=$(cat "$hp/free_hugepages" 2>/dev/null || echo 0)
	[ "$free" -ge "$want" ]
}

# s8_conf FILE MODE CPU CPS SECONDS: a dperf configuration. dperf's client
# is 198.18.0.1 with 100 source addresses from 198.18.0.10, its server
# 198.18.0.2:80; tcpterm takes the same roles and addresses.
s8_conf() {
	{
		echo "mode        $2"
		echo "cpu         $3"
		echo "duration    ${5}s"
		echo "socket_mem  $S8_DPERF_MEM"
		if [ "$2" = client ]; then
			echo "cps         $4"
			echo "slow_start  10"
			echo "port        net_memif000    198.18.0.1   198.18.0.2"
		else
			echo "port        net_memif000    198.18.0.2   198.18.0.1"
		fi
		echo "client      198.18.0.10     100"
		echo "server      198.18.0.2      1"
		echo "listen      80              1"
	} >"$1"
}

# s8_dperf_start NAME MODE CPU CPS SECONDS ROLE: start dperf in the
# background (TT_SPAWN_PID, log $W/NAME.log); ROLE is the memif role.
s8_dperf_start() {
	local name=$1
	s8_conf "$W/$name.conf" "$2" "$3" "$4" "$5"
	echo "DPERF_VDEV_ARGS=role=$6,socket=$S8_SOCK$memif_ring $S8_DPERF -c $W/$name.conf" >"$W/$name.cmd"
	# Line-buffered: the log is read while dperf runs.
	DPERF_VDEV_ARGS="role=$6,socket=$S8_SOCK$memif_ring" \
		tt_spawn "$W/$name.log" "${nice_cmd[@]}" taskset -c "$3" stdbuf -oL "$S8_DPERF" -c "$W/$name.conf"
	echo "$TT_SPAWN_PID" >>"$W/s8.pids"
}

# s8_gc PID: the hugepage files and runtime directory of the dperf that
# was PID (its --file-prefix is dperf-PID).
s8_gc() {
	tt_dpdk_gc "dperf-${1}map_*" 0 >/dev/null 2>&1
	tt_dpdk_gc "dperf-$1" 0 >/dev/null 2>&1
}

# s8_leftovers: s8_gc for every dperf we started (bench.sh's exit trap
# calls it after stopping them: an interrupted run leaves 1.6 GB behind).
s8_leftovers() {
	local pid
	[ -f "$W/s8.pids" ] || return 0
	while read -r pid; do
		s8_gc "$pid"
	done <"$W/s8.pids"
}

# s8_wait_sock PID: wait up to 30 s for $S8_SOCK, the memif socket the
# server PID listens on once its port started (in the abstract namespace,
# DPDK 22.11 memif's default: no file, a line in /proc/net/unix).
s8_wait_sock() {
	local i=0
	while [ $i -lt 300 ] && tt_alive "$1"; do
		grep -qF "@$S8_SOCK" /proc/net/unix && return 0
		tt_sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# s8_wait CPID SPID TIMEOUT_S: wait for the client CPID to exit (SIGKILL
# after the timeout) while sampling the CPU time both processes got, from
# the first sample to the client's last. Sets S8_SHARE ("client/server"
# percent, empty if unknown). Returns the client's exit status.
s8_wait() {
	local n=$(($3 * 10)) i=0 t c s t0='' c0='' s0='' t1='' c1='' s1=''
	S8_SHARE=
	while tt_alive "$1" && [ $i -lt $n ]; do
		b_now t
		b_runtime "$1" c
		b_runtime "$2" s
		if [ -n "$c" ] && [ -n "$s" ]; then
			[ -z "$t0" ] && t0=$t c0=$c s0=$s
			t1=$t c1=$c s1=$s
		fi
		tt_sleep 0.1
		i=$((i + 1))
	done
	if [ -n "$t1" ] && [ "$t1" -gt "$t0" ]; then
		S8_SHARE="$(((c1 - c0) * 100 / (t1 - t0)))/$(((s1 - s0) * 100 / (t1 - t0)))"
	fi
	b_wait "$1" 1
}

# s8_run PAIR CPS NAME: one run of PAIR (dd, tt, dt, td, dk, tk, ht: client
# then server, d = dperf, t = tcpterm, k = tcpterm's server closing after
# each response, h = tcpterm's client with client.close = half) at CPS
# offered. Leaves $W/NAME.cli.stats
# and $W/NAME.srv.stats (dperf_stats.py's JSON). Returns 0 when both
# programs exited cleanly.
s8_run() {
	local pair=$1 cps=$2 name=$3 spid cpid src crc=0 mode mem
	local cs=${pair:0:1} ss=${pair:1:1} ksets=() hsets=()
	[ "$ss" = k ] && ksets=(--set server.keepalive_requests=1)
	[ "$cs" = h ] && hsets=(--set client.close=half)
	S8_SOCK=$W/$name.sock
	rm -f "$S8_SOCK" "$W/$name.cli.json" "$W/$name.srv.json" "$W/$name.cli.stats" "$W/$name.srv.stats"
	mode=$(b_memmode 700)
	mem="$(b_memargs "$mode" 1024)"
	# The server first, on CPU B.
	if [ "$ss" = d ]; then
		s8_dperf_start "$name.srv" server "$CB" 0 600 server
		spid=$TT_SPAWN_PID
		# Its statistics start only once ARP found the client: wait
		# for its memif socket.
		tt_wait_for_log "$W/$name.srv.log" "socket allocation succeeded" 60 "$spid" &&
			s8_wait_sock "$spid"
	else
		b_tt "$name.srv" "$CB" "$mem" -c "$root/config/memif-server.ini" \
			--set "eal.args=$(b_eal "$CB" "$name-s") --vdev=net_memif0,role=server,socket=$S8_SOCK$memif_ring" \
			--set general.stats_interval_ms=0 --set tcp.max_flows=1048576 \
			"${ksets[@]}" "${s8_srv_sets[@]}" --json "$W/$name.srv.json"
		spid=$TT_SPAWN_PID
		tt_wait_for_log "$W/$name.srv.log" "worker 0 started" 60 "$spid"
	fi || {
		log "$name: the server did not start (log $W/$name.srv.log)"
		b_stop "$spid"
		return 1
	}
	# The client on CPU A; it stops by itself.
	if [ "$cs" = d ]; then
		s8_dperf_start "$name.cli" client "$CA" "$cps" "$d_s8" client
		cpid=$TT_SPAWN_PID
		s8_wait "$cpid" "$spid" $((d_s8 + 60)) || crc=$?
		s8_gc "$cpid"
	else
		b_tt "$name.cli" "$CA" "$mem" -c "$root/config/memif-client.ini" \
			--set "eal.args=$(b_eal "$CA" "$name-c") --vdev=net_memif0,role=client,socket=$S8_SOCK$memif_ring" \
			--set general.stats_interval_ms=0 --set client.source_ips=198.18.0.10-198.18.0.109 \
			--set "client.rate=$cps" --set client.concurrency=1000000 \
			--set "client.duration=$d_s8" --set tcp.msl_ms=100 --set tcp.max_flows=1048576 \
			"${hsets[@]}" --json "$W/$name.cli.json"
		cpid=$TT_SPAWN_PID
		s8_wait "$cpid" "$spid" $((d_s8 + 60)) || crc=$?
		b_dpdk_leftovers "$name-c"
	fi
	# The client first, then the server (DPDK 22.11 memif pitfall). dperf
	# stops on SIGINT (its statistics thread prints the totals).
	if [ "$ss" = d ]; then
		kill -INT "$spid" 2>/dev/null
		b_wait "$spid" 20
		src=$?
		s8_gc "$spid"
	else
		b_stop "$spid"
		src=$?
		b_dpdk_leftovers "$name-s"
	fi
	if [ "$cs" = d ]; then
		"$TT_PY" "$root/scripts/bench/dperf_stats.py" dperf "$W/$name.cli.log" "$cps" >"$W/$name.cli.stats"
	else
		"$TT_PY" "$root/scripts/bench/dperf_stats.py" tcpterm "$W/$name.cli.json" "$d_s8" >"$W/$name.cli.stats"
	fi 2>"$W/$name.cli.stats.err" || { [ "$crc" = 0 ] && crc=1; }
	if [ "$ss" = d ]; then
		"$TT_PY" "$root/scripts/bench/dperf_stats.py" dperf "$W/$name.srv.log" 0 >"$W/$name.srv.stats"
	else
		"$TT_PY" "$root/scripts/bench/dperf_stats.py" tcpterm "$W/$name.srv.json" "$d_s8" >"$W/$name.srv.stats"
	fi 2>"$W/$name.srv.stats.err" || { [ "$src" = 0 ] && src=1; }
	# dperf's server dies with SIGSEGV in librte_net_memif when its memif
	# peer leaves (DPDK 22.11's unmap race, which tcpterm guards against:
	# app/tt_unmap_guard.h). When that happens after a client that
	# finished normally, the run is whole: its figures are the client's,
	# and the server's are the sum of its per-second lines (the row's
	# note says so).
	if [ "$ss" = d ] && [ "$crc" = 0 ] && [ "$src" != 0 ] &&
		[ "$(b_json "$W/$name.srv.stats" 'd.get("partial")' 2>/dev/null)" = True ]; then
		log "$name: dperf's server exited $src after the client finished (the memif unmap race); its figures are the sum of its per-second lines"
		src=0
	fi
	if [ "$crc" != 0 ] || [ "$src" != 0 ]; then
		log "$name: client exited $crc, server $src (logs $W/$name.cli.log, $W/$name.srv.log)"
		return 1
	fi
	return 0
}

# s8_get NAME SIDE KEY: one figure of a run's side (cli or srv).
s8_get() {
	b_json "$W/$1.$2.stats" "d.get(\"$3\")"
}

# s8_note_run NAME PAIR: the run's figures, both programs', as a note.
s8_note_run() {
	"$TT_PY" - "$W/$1.cli.stats" "$W/$1.srv.stats" "$2" <<'EOF'
import json, sys
prog = {"d": "dperf", "t": "tcpterm", "k": "tcpterm (keepalive_requests = 1)",
        "h": "tcpterm (close = half)"}
c = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2])); p = sys.argv[3]
lat = c.get("lat_us")
print("%s client: %.0f responses/s, %d connections, %d errors, %d retransmissions, %d drops, "
      "SYN to SYN-ACK %s (%s); %s server: %d accepted, %d errors, %d retransmissions, %d drops (%s)" % (
      prog[p[0]], c["goodput"], c["conns"], c["errors"], c["retrans"], c["drops"],
      "%.0f us" % lat if lat else "n/a", c["detail"],
      prog[p[1]], s["conns"], s["errors"], s["retrans"], s["drops"], s["detail"]))
EOF
}

# s8_ratio "T..." "D...": the median of the figures T over the median of D
# (empty when either is missing).
s8_ratio() {
	"$TT_PY" -c '
import statistics, sys
t = [float(x) for x in sys.argv[1].split()]; d = [float(x) for x in sys.argv[2].split()]
print(statistics.median(t) / statistics.median(d) if t and d and statistics.median(d) else "")
' "$1" "$2"
}

s8_dperf() {
	local cps pair i k row rnote rlabel name v bad ratio
	local -A rowof=([dd1000000]=8a [tt1000000]=8b [dt1000000]=8c [td1000000]=8d
		[dd3000000]=8e [tt3000000]=8f [dt3000000]=8g [td3000000]=8h
		[dk1000000]=8l [dk3000000]=8n [tk1000000]=8q [tk3000000]=8r
		[ht1000000]=8t [ht3000000]=8u)
	local -A good=() interop=([dd]=8j [dt]=8k [dk]=8m)
	if [ "$quick" = 1 ]; then
		b_note 8a "not run (--quick): dperf's slow start alone takes 10 s (its minimum), so no dperf run fits a smoke test"
		return 0
	fi
	s8_find_dperf
	if [ -z "$S8_DPERF" ]; then
		b_note 8a "skipped: $S8_WHY"
		log "[8] skipped: $S8_WHY"
		return 0
	fi
	S8_NR_OLD=
	if ! s8_hugepages $((2 * S8_DPERF_TAKES + 200)); then
		b_note 8a "skipped: dperf needs $((2 * S8_DPERF_TAKES + 200)) MB of free 2 MiB hugepages for a pair, which could not be had"
		return 0
	fi
	log "[8] dperf: $S8_FROM"
	for i in $(seq "$runs"); do
		for cps in $S8_RATES; do
			# The four pairs back to back, so that they see the same
			# machine state.
			for pair in $S8_PAIRS; do
				# A rate of S8_RATES without rows of its own (not 1M or
				# 3M/s) goes to the log and to 8a's notes only.
				row=${rowof[$pair$cps]:-}
				rnote=${row:-8a}
				name=s8_${pair}_${cps}_$i
				if ! s8_run "$pair" "$cps" "$name"; then
					b_note "$rnote" "$pair at $cps/s, run $i failed (logs $name.cli.log, $name.srv.log)"
					continue
				fi
				v=$(s8_get "$name" cli goodput)
				[ -n "$row" ] && b_val "$row" "$v"
				good[$pair$cps]="${good[$pair$cps]:-} $v"
				if [ -n "$row" ]; then
					rlabel="run $i"
				else
					rlabel="$pair at $cps/s, run $i"
				fi
				b_note "$rnote" "$rlabel: $(s8_note_run "$name" "$pair"); CPU time client/server ${S8_SHARE:-?} %"
				log "[8] $pair at $cps/s, run $i: $(printf '%.0f' "$v") responses/s"
				# The interop target: dperf's client's errors and
				# the segments it threw away, per connection.
				if [ "$pair" = dt ] || [ "$pair" = dd ] || [ "$pair" = dk ]; then
					bad=$(b_calc "100.0 * ($(s8_get "$name" cli errors) + $(s8_get "$name" cli tcp_drop)) / max(1, $(s8_get "$name" cli conns))")
					log "[8] $pair at $cps/s, run $i: dperf's errors + tcpDrop per connection $bad %"
					[ "$cps" = 1000000 ] && b_val "${interop[$pair]}" "$bad"
				fi
			done
		done
	done
	# Goodput ratio at saturation, from the medians.
	ratio=$(s8_ratio "${good[tt3000000]:-}" "${good[dd3000000]:-}")
	b_val 8i "$ratio"
	ratio=$(s8_ratio "${good[ht3000000]:-}" "${good[dd3000000]:-}")
	b_val 8v "$ratio"
	# Overload (dperf's client at 3M/s, about 3x what one core serves):
	# tcpterm's server against dperf's, the same client.
	for k in "dt 8o" "dk 8p" "tk 8s"; do
		ratio=$(s8_ratio "${good[${k% *}3000000]:-}" "${good[dd3000000]:-}")
		b_val "${k#* }" "$ratio"
	done
	b_note 8a "dperf $S8_FROM; one core each (client CPU $CA, server CPU $CB), net_memif ${memif_ring#,}, HTTP GET, one request per connection; dperf: its defaults (slow_start 10 s, then ${d_s8} s at the offered rate, measured after the first 2 s at full rate), 100 client addresses x 65535 ports, socket_mem $S8_DPERF_MEM; tcpterm: config/memif-server.ini / memif-client.ini (100-byte body, client.close=active) with client.rate as offered, client.duration=${d_s8}, and what the link and the rate need: client.source_ips=198.18.0.10-198.18.0.109, client.concurrency=1000000 (no cap below the rate), tcp.msl_ms=100 (TIME_WAIT 200 ms: at 30 s MSL the client's TIME_WAIT would fill its 6.4M tuples in seconds), tcp.max_flows=1048576"
	b_note 8a "goodput: the client's responses per second (dperf: per-second http2XX; tcpterm: client_responses / ${d_s8} s); errors: dperf skErr + httpErr, tcpterm client failures plus connections still open at its end (server: connections closed by reset or timeout); retransmissions: dperf synRt + finRt + pushRt + ackRt, tcpterm retrans_*; drops: dperf tcpDrop + dropTx + imissed, tcpterm drops (link_down at start left out) + imissed; latency: mean SYN to SYN-ACK (dperf rtt(us), tcpterm latency_us.connect.mean)"
	b_note 8j "dperf client -> dperf server at 1M/s: (skErr + httpErr + tcpDrop) / skOpen, dperf's own counters: sockets given up and segments it received and threw away, per connection (its dropTx, what its own TX ring refused, is in the row's notes, not here)"
	b_note 8k "dperf client -> tcpterm server at 1M/s: the same, from dperf's counters; target: at most 2x row 8j and at most 0.5 %"
	b_note 8i "target: at least 1.5 (median tcpterm <-> tcpterm goodput / median dperf <-> dperf goodput at 3M/s offered)"
	b_note 8l "tcpterm's server with server.keepalive_requests = 1: its FIN goes with the response, as dperf's server's does (keepalive off, dperf's default), so dperf's client sends 3 segments a connection to either server instead of 4 (its own FIN, then the ACK of tcpterm's) against tcpterm's default server, which waits for the client to close"
	b_note 8s "issue 14's target (at least 1.5) with tcpterm's server closing after each response, as dperf's server does: the two pairs then exchange the same 6 segments a connection (tcpterm's server holds the TIME_WAIT)"
	b_note 8t "tcpterm's client with client.close = half: its FIN goes with its request (which says Connection: close), tcpterm's server sends its FIN with the response, the client's last ACK ends it: 5 segments a connection against 7 in row 8b (the client holds the TIME_WAIT); not default keys"
	b_note 8v "issue 14's target (at least 1.5) with tcpterm's client half-closing with its request (row 8u over row 8e): a tuned figure beside row 8i, not instead of it"
	b_note 8o "issue 16's overload target: at least 0.9 (median goodput of dperf's client at 3M/s against tcpterm's server / against dperf's server); 8p the same with tcpterm's server closing after each response"
	if [ -n "$S8_NR_OLD" ]; then
		echo "$S8_NR_OLD" >/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages 2>/dev/null
	fi
}
