# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# Scenario 5 of scripts/bench.sh, which sources this file: 1,000,000
# established idle connections held by a tcpterm server, the CPS of a
# second client with the table empty and full, and as many held
# connections as memory allows.

# The server's last "flows N" and "established X/s" from its live lines.
s5_flows() {
	grep -oE 'flows [0-9]+' "$1" 2>/dev/null | tail -n 1 | awk '{print $2}'
}

# s5_client TAG I: one run of the short-connection client against the
# server's second memif port. Prints the conn/s.
s5_client() {
	local tag=$1 i=$2 name=s5c$1$2 pid cps
	b_tt "$name" "$CA" "$(b_memargs "$s5c_mode" 512)" -c "$root/config/memif-client.ini" \
		--set "eal.args=$(b_eal "$CA" "$name") --vdev=net_memif0,role=client,socket=$W/s5cps.sock" \
		--set general.stats_interval_ms=0 --set port0.ip=198.18.1.1/24 \
		--set client.target=198.18.1.2:80 --set client.source_ips=198.18.1.10-198.18.1.250 \
		--set client.app=fixed --set client.request_bytes=2 --set client.response_bytes=100 \
		--set client.rate=0 --set client.concurrency=256 --set "client.duration=$d_s5" \
		--set tcp.msl_ms=100 --set tcp.max_flows=262144 --json "$W/$name.json"
	pid=$TT_SPAWN_PID
	b_wait_client "$pid" $((d_s5 + 40)) "$W/$name.log" "$s5_spid" "$d_s5"
	b_dpdk_leftovers "$name"
	cps=$(b_json "$W/$name.json" 'd["client"]["rate_achieved"]')
	log "[5] CPS with the table $tag, run $i: ${cps:-failed} conn/s, CPU share client ${B_SHARE_C:-?}% server ${B_SHARE_S:-?}%"
	[ -n "$B_SHARE_C" ] && s5_sh+=("$B_SHARE_C/$B_SHARE_S")
	S5_CPS=$cps
}

# Bytes per table slot: the DPDK heap of a server-only process with a
# small and with a large flow table, read through telemetry.
s5_slot() {
	local mf pid a name
	local -a al=()
	for mf in 65536 "$slot_big"; do
		name=s5slot$mf
		b_tt "$name" "$CB" "--no-huge -m 1024" -c "$root/config/loopback.ini" \
			--set "eal.args=$(b_eal "$CB" "$name")" --set client.target= \
			--set general.duration=0 --set general.stats_interval_ms=0 \
			--set "tcp.max_flows=$mf"
		pid=$TT_SPAWN_PID
		a=
		if tt_wait_for_log "$W/$name.log" "worker 0 started" 60 "$pid"; then
			sleep 0.3
			a=$("$TT_PY" "$root/scripts/bench/heap.py" "/var/run/dpdk/$P-$name/dpdk_telemetry.v2" 2>>"$W/$name.log")
		fi
		b_stop "$pid"
		b_dpdk_leftovers "$name"
		log "[5] DPDK heap in use with tcp.max_flows=$mf: ${a:-?} bytes"
		al+=("$a")
	done
	if [ -n "${al[0]}" ] && [ -n "${al[1]}" ]; then
		b_val 5e "$(b_calc "(${al[1]} - ${al[0]}) / ($slot_big - 65536)")"
		b_note 5e "DPDK heap in use (telemetry /eal/heap_info) with tcp.max_flows=$slot_big minus with 65536, per slot; each end of a connection takes one slot; measured once (deterministic)"
	else
		b_note 5e "failed: no telemetry answer (logs $W/s5slot*.log)"
	fi
}

# s5_holder NAME SOCKET N MAX_FLOWS RATE SOURCE_IPS [SETS...]: start the
# holding client (TT_SPAWN_PID): N connections that stay established and
# idle. Its 1-byte requests are never answered (the server waits for 2
# bytes); no timeouts anywhere; SYNs paced at RATE and retried.
s5_holder() {
	local name=$1 sock=$2 n=$3 mf=$4 rate=$5 src=$6
	shift 6
	b_tt "$name" "$CA" "--no-huge -m $((mf * 290 / 1048576 + 512))" -c "$root/config/memif-client.ini" \
		--set "eal.args=$(b_eal "$CA" "$name") --vdev=net_memif0,role=client,socket=$sock,rsize=12" \
		--set general.stats_interval_ms=1000 --set "client.source_ips=$src" \
		--set client.app=fixed --set client.request_bytes=1 --set client.response_bytes=1 \
		--set "client.concurrency=$n" --set "client.connections=$n" --set client.duration=0 \
		--set "client.rate=$rate" --set client.conn_timeout_ms=0 --set client.drain_ms=600000 \
		--set tcp.syn_retries=15 --set "tcp.max_flows=$mf" "$@"
}

# s5_wait_held SERVER_LOG HOLDER_PID N ROW MAX_S: wait until the server's
# table holds N flows and no handshake completed for two live lines, or
# no progress for 15 s, or MAX_S in all (a note on ROW says so).
s5_wait_held() {
	local log=$1 hpid=$2 n=$3 row=$4 max=$5 flows last_f=-1 stall=0 i=0
	while :; do
		tt_sleep 0.25
		i=$((i + 1))
		flows=$(s5_flows "$log")
		flows=${flows:-0}
		if ! tt_alive "$hpid"; then
			b_note "$row" "the holding client exited early"
			return
		fi
		# All there, and no handshake completed in the last two lines.
		if [ "$flows" -ge "$n" ] &&
		   [ "$(tail -n 2 "$log" | grep -c 'established 0/s')" = 2 ]; then
			return
		fi
		if [ "$flows" = "$last_f" ]; then
			stall=$((stall + 1))
		else
			stall=0
			last_f=$flows
		fi
		if [ $stall -ge 60 ] || [ $i -ge $((max * 4)) ]; then
			b_note "$row" "stopped waiting at $flows flows in the server table (no progress for 15 s or $max s in all)"
			return
		fi
	done
}

# s5_span SERVER_LOG N0: the opening time, from the line before the first
# to the last of the server's live lines (every 250 ms) after line N0 that
# show handshakes completing.
s5_span() {
	tail -n +"$(($2 + 1))" "$1" | "$TT_PY" -c '
import re, sys
pts = []
for line in sys.stdin:
    m = re.match(r"\[\s*([0-9.]+)s\].*established ([0-9]+)/s", line)
    if m:
        pts.append((float(m.group(1)), int(m.group(2))))
act = [i for i, p in enumerate(pts) if p[1] > 0]
if act:
    # A line covers the 250 ms before it.
    t_first = pts[act[0] - 1][0] if act[0] > 0 else pts[0][0] - 0.25
    print("%.2f" % (pts[act[-1]][0] - t_first))
'
}

s5_hold() {
	local mf=$((hold + 131072)) spid hpid i mode mem t0 tnow n0
	local est a0 a1 srv_sets rate span
	s5_sh=()
	# Server: ~313 bytes per slot, two ports' mbufs.
	local need=$((mf * 320 / 1048576 + 200))
	mode=$(b_memmode "$need")
	mem=$(b_memargs "$mode" $((need + 512)))
	s5c_mode=$(b_memmode 200)
	srv_sets=(--set "eal.args=$(b_eal "$CB" s5s) --vdev=net_memif0,role=server,socket=$W/s5hold.sock,rsize=12 --vdev=net_memif1,role=server,socket=$W/s5cps.sock"
		--set port1.ip=198.18.1.2/24 --set server.app=fixed --set server.request_bytes=2
		--set server.response_bytes=100 --set server.idle_timeout_ms=0
		--set tcp.syn_retries=15 --set "tcp.max_flows=$mf" --set general.stats_interval_ms=250)
	b_tt s5s "$CB" "$mem" -c "$root/config/memif-server.ini" "${srv_sets[@]}" --json "$W/s5s.json"
	spid=$TT_SPAWN_PID
	s5_spid=$spid
	if ! tt_wait_for_log "$W/s5s.log" "worker 0 started" 60 "$spid"; then
		b_note 5a "failed: the server did not start (memory: $mode $mem)"
		b_stop "$spid"
		return
	fi
	sleep 0.3
	a0=$("$TT_PY" "$root/scripts/bench/heap.py" "/var/run/dpdk/$P-s5s/dpdk_telemetry.v2" 2>/dev/null)

	for i in $(seq "$runs"); do
		s5_client empty "$i"
		b_val 5c "$S5_CPS"
	done

	# The holder: 1-byte requests the server (request_bytes = 2) never
	# answers; no timeouts anywhere; SYNs paced and retried.
	rate=100000
	[ $quick = 1 ] && rate=20000
	s5_holder s5h "$W/s5hold.sock" "$hold" "$mf" "$rate" 198.18.0.10-198.18.0.250
	hpid=$TT_SPAWN_PID
	n0=$(wc -l <"$W/s5s.log")
	b_now t0
	s5_wait_held "$W/s5s.log" "$hpid" "$hold" 5a 180
	b_now tnow
	span=$(s5_span "$W/s5s.log" "$n0")
	a1=$("$TT_PY" "$root/scripts/bench/heap.py" "/var/run/dpdk/$P-s5s/dpdk_telemetry.v2" 2>/dev/null)
	log "[5] $(s5_flows "$W/s5s.log") flows in the server table after $(b_calc "round(($tnow - $t0) / 1e9, 1)") s (handshakes over ${span:-?} s)"
	# The holder goes away without a word: SIGKILL, so it sends no RST or
	# FIN; the server's memif port 0 goes down and is no longer polled.
	kill -KILL "$hpid" 2>/dev/null
	b_wait "$hpid" 10
	sleep 0.5
	if ! tt_alive "$spid"; then
		b_note 5a "failed: the server exited when the holder went away (log $W/s5s.log)"
		b_wait "$spid" 5
		return
	fi
	for i in $(seq "$runs"); do
		s5_client held "$i"
		b_val 5d "$S5_CPS"
	done
	b_stop "$spid"
	b_dpdk_leftovers s5s s5h
	est=$(b_json "$W/s5s.json" 'd["states"]["ESTABLISHED"]')
	b_val 5a "$est"
	if [ -n "$span" ] && [ -n "$est" ]; then
		b_val 5b "$(b_calc "$est / $span")"
		b_note 5b "held / time over which the server completed their handshakes ($span s); the holder opened at most $rate/s, tcp.syn_retries 15, memif rsize=12"
	fi
	if [ -n "$a0" ] && [ -n "$a1" ] && [ -n "$est" ] && [ "$est" -gt 0 ]; then
		b_val 5f "$(b_calc "($a1 - $a0) / $est")"
		b_note 5f "DPDK heap in use after minus before holding, per held connection (the table is allocated up front)"
	fi
	b_note 5a "ESTABLISHED in the server's summary at exit; target $hold; tcp.max_flows=$mf; memory: $mode${a1:+; DPDK heap of the server in all: $((a1 >> 20)) MiB}"
	b_note 5c "a 2nd tcpterm client on the server's 2nd memif port: fixed 2-byte request, 100-byte response, concurrency 256, ${d_s5} s"
	[ ${#s5_sh[@]} -gt 0 ] && b_note 5d "CPU time client/server got per run (empty runs first): ${s5_sh[*]} %"
	s5_slot
}

# As many held connections as this machine's memory allows: a server on
# its own (one memif port, --no-huge: this much does not fit the hugepages
# the setup reserves) and a holder, both sized from MemAvailable. Each end
# of a connection takes 192 bytes (block and flow index, the start-up
# log's "bytes per connection"); --no-huge memory is committed only where
# it is touched, so each process gets 200 bytes a slot of address space
# and the pair is sized at 4/5 of MemAvailable / 400 bytes
# (TT_BENCH_HOLD_MAX caps it); a /16 with 1,024 source addresses gives the
# holder 66 million tuples.
s5_max() {
	local avail n mf spid hpid t0 tnow n0 span est est_h rss_s rss_h rate
	avail=$(($(awk '/^MemAvailable:/ {print $2}' /proc/meminfo) * 1024))
	n=$((avail * 4 / 5 / 400))
	[ -n "${TT_BENCH_HOLD_MAX:-}" ] && [ $n -gt "$TT_BENCH_HOLD_MAX" ] && n=$TT_BENCH_HOLD_MAX
	[ $n -gt 65000000 ] && n=65000000
	n=$((n / 100000 * 100000))
	rate=400000
	if [ $quick = 1 ]; then
		n=20000 rate=20000
	fi
	if [ $n -lt 100000 ] && [ $quick = 0 ]; then
		b_note 5g "skipped: $((avail >> 20)) MiB available is too little"
		return
	fi
	mf=$((n + 131072))
	b_tt s5m "$CB" "--no-huge -m $((mf * 200 / 1048576 + 512))" -c "$root/config/memif-server.ini" \
		--set "eal.args=$(b_eal "$CB" s5m) --vdev=net_memif0,role=server,socket=$W/s5max.sock,rsize=12" \
		--set port0.ip=198.18.0.2/16 --set server.app=fixed --set server.request_bytes=2 \
		--set server.response_bytes=100 --set server.idle_timeout_ms=0 \
		--set tcp.syn_retries=15 --set "tcp.max_flows=$mf" --set general.stats_interval_ms=250 \
		--json "$W/s5m.json"
	spid=$TT_SPAWN_PID
	if ! tt_wait_for_log "$W/s5m.log" "worker 0 started" 120 "$spid"; then
		b_note 5g "failed: the server did not start with tcp.max_flows=$mf (log $W/s5m.log)"
		b_stop "$spid"
		return
	fi
	s5_holder s5mh "$W/s5max.sock" "$n" "$mf" "$rate" 198.18.1.1-198.18.4.254 \
		--set port0.ip=198.18.0.1/16 --set client.target=198.18.0.2:80
	hpid=$TT_SPAWN_PID
	# Its table takes a while to set up (tens of seconds for 16 million).
	if ! tt_wait_for_log "$W/s5mh.log" "worker 0 started" 300 "$hpid"; then
		b_note 5g "failed: the holder did not start with tcp.max_flows=$mf (log $W/s5mh.log)"
		b_stop "$hpid"
		b_stop "$spid"
		return
	fi
	n0=$(wc -l <"$W/s5m.log")
	b_now t0
	s5_wait_held "$W/s5m.log" "$hpid" "$n" 5g $((n / rate + 120))
	b_now tnow
	span=$(s5_span "$W/s5m.log" "$n0")
	rss_s=$(awk '/^VmRSS:/ {print $2}' "/proc/$spid/status" 2>/dev/null)
	rss_h=$(awk '/^VmRSS:/ {print $2}' "/proc/$hpid/status" 2>/dev/null)
	# The holder's own table: its last live line (it is killed, no summary).
	tt_sleep 1.2
	est_h=$(s5_flows "$W/s5mh.log")
	log "[5] most held: $(s5_flows "$W/s5m.log") flows in the server table, ${est_h:-?} in the holder's, after $(b_calc "round(($tnow - $t0) / 1e9, 1)") s (handshakes over ${span:-?} s)"
	kill -KILL "$hpid" 2>/dev/null
	b_wait "$hpid" 10
	b_stop "$spid"
	b_dpdk_leftovers s5m s5mh
	est=$(b_json "$W/s5m.json" 'd["states"]["ESTABLISHED"]')
	b_val 5g "$est"
	[ -n "$est" ] && [ -n "$est_h" ] && b_val 5i "$((est + est_h))"
	local why="4/5 of MemAvailable $((avail >> 20)) MiB / 400 bytes for server + holder on this machine${TT_BENCH_HOLD_MAX:+, at most $TT_BENCH_HOLD_MAX}"
	[ $quick = 1 ] && why="quick run"
	b_note 5g "target $n: $why; tcp.max_flows=$mf; --no-huge${rss_s:+; resident memory at the end: server $((rss_s >> 10)) MiB, holder $((${rss_h:-0} >> 10)) MiB}"
	if [ -n "$span" ] && [ -n "$est" ]; then
		b_val 5h "$(b_calc "$est / $span")"
		b_note 5h "held / time over which the server completed their handshakes ($span s); the holder opened at most $rate/s"
	fi
}
