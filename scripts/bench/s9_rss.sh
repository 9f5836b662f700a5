# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# Scenario 9 of scripts/bench.sh, which sources this file: multi-core
# scale-out through the RSS NIC emulator (tests/tools/tt_rss_emu,
# docs/testing.md), which puts every frame on the queue its Toeplitz hash
# selects, as a NIC with RSS does. For each lcore count L:
#   - hash-aware: the emulator's key (symmetric 0x6d5a) given to tcpterm
#     ([portN] rss = hash, rss_key): each client lcore opens only tuples
#     whose replies come back to its own queue; nothing is steered;
#   - steering (L > 1): the emulator uses Microsoft's key, which tcpterm is
#     not told ([portN] rss = steer): replies that land on the wrong lcore
#     are passed to their owner over the steering rings.
# Reported per L and mode: conn/s, conn/s per lcore, the scaling factor
# over L = 1, steered segments per connection, and (steering) conn/s per
# lcore relative to the hash-aware path.
#
# Layouts (TT_BENCH_RSS_LAYOUT):
#   pair    (bench.sh's default) a tcpterm client and a tcpterm server
#           process, L lcores each, and the emulator: 2L + 1 CPUs;
#   single  one tcpterm with both roles on two memif ports (port 0 the
#           client's, port 1 the server's), each of its L lcores both
#           client and server, and the emulator: L + 1 CPUs
#           (scripts/bench/device_scaling.sh: 1, 2, 4, 8, 14 lcores on
#           a 16-core machine).
# Every process has CPUs of its own; an L that does not fit is not run
# (its rows say why) unless TT_BENCH_RSS_OVERSUB=1, which places the
# threads round-robin on the CPUs there are: that only checks that the
# scenario runs, the figures then mean nothing.
#
# Environment: TT_BENCH_RSS_LCORES (default "1 2"), TT_BENCH_RSS_LAYOUT
# (pair), TT_BENCH_RSS_OVERSUB, TT_RSS_EMU (the emulator; default: next to
# the measured tcpterm, build/tests/tools/tt_rss_emu).

S9_LCORES=${TT_BENCH_RSS_LCORES:-1 2}
S9_LAYOUT=${TT_BENCH_RSS_LAYOUT:-pair}
S9_SYM=6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a

# s9_rows: the table's rows of scenario 9, declared with the others.
s9_rows() {
	local l t="9. RSS scale-out through tt_rss_emu ($S9_LAYOUT)" ps=" per side"

	# One process with both roles: each lcore is client and server.
	[ "$S9_LAYOUT" = single ] && ps=""

	for l in $S9_LCORES; do
		b_row "9-$l-h" "$t" "$l lcore(s)$ps, hash-aware: connections/s" "conn/s"
		b_row "9-$l-hp" "$t" "$l lcore(s)$ps, hash-aware: connections/s per lcore" "conn/s"
		[ "$l" != 1 ] && b_row "9-$l-hx" "$t" "$l lcores$ps, hash-aware: scaling over 1 lcore" "x"
		b_row "9-$l-hs" "$t" "$l lcore(s)$ps, hash-aware: steered segments per connection" "x"
		if [ "$l" != 1 ]; then
			b_row "9-$l-s" "$t" "$l lcores$ps, steering: connections/s" "conn/s"
			b_row "9-$l-sp" "$t" "$l lcores$ps, steering: connections/s per lcore" "conn/s"
			b_row "9-$l-sx" "$t" "$l lcores$ps, steering: scaling over 1 lcore" "x"
			b_row "9-$l-sr" "$t" "$l lcores$ps, steering / hash-aware, per lcore" "x"
			b_row "9-$l-ss" "$t" "$l lcores$ps, steering: steered segments per connection" "x"
		fi
	done
}

# s9_note_all L TEXT: a note on the first row of L.
s9_note() {
	b_note "9-$1-h" "$2"
}

# s9_cpus N: the CPUs of a run that needs N, as "E C1..." (the emulator's
# first); nothing when they do not fit and oversubscription is off.
s9_cpus() {
	local need=$1 i
	local -a c
	read -r -a c <<<"$("$TT_PY" -c 'import os; print(" ".join(map(str, sorted(os.sched_getaffinity(0)))))')"
	if [ "$need" -gt ${#c[@]} ] && [ "${TT_BENCH_RSS_OVERSUB:-0}" != 1 ]; then
		return 1
	fi
	for ((i = 0; i < need; i++)); do
		printf '%s ' "${c[$((i % ${#c[@]}))]}"
	done
	echo
}

# s9_sets PORTS MODE: the --set options of tcpterm's RSS for its ports.
s9_sets() {
	local p
	for p in $1; do
		if [ "$2" = hash ]; then
			echo "--set port$p.rss=hash --set port$p.rss_key=$S9_SYM"
		else
			echo "--set port$p.rss=steer"
		fi
	done
}

# s9_one NAME L MODE CPU...: one measurement (emulator, then the tcpterm
# process(es)); leaves $W/NAME.{emu,cli,srv}.json (single: cli only).
# Returns 0 when everything exited cleanly.
s9_one() {
	local name=$1 l=$2 mode=$3 emu_cpu=$4 key=symmetric need mem
	shift 4
	local -a cpus=("$@")
	local csock=$W/$name-c.sock ssock=$W/$name-s.sock epid spid='' cpid rc=0 src=0 erc=0
	local cli_l srv_l
	local -a rss_c rss_s emu_mem

	[ "$mode" = steer ] && key=microsoft
	# What the processes need together (hugepages when that many are free).
	need=$((256 + 450 * l))
	MP_MODE=$(b_memmode "$need")
	mem=$((256 + 128 * l))
	cli_l=$(IFS=,; echo "${cpus[*]:0:$l}")
	read -r -a emu_mem <<<"$(b_memargs "$MP_MODE" 256)"
	rm -f "$W/$name".*.json
	tt_spawn "$W/$name.emu.log" "${nice_cmd[@]}" taskset -c "$emu_cpu" "$S9_EMU" \
		-l "$emu_cpu" --no-pci "${emu_mem[@]}" --file-prefix="$P-$name-e" \
		--vdev="net_memif0,role=server,socket=$csock$memif_ring" \
		--vdev="net_memif1,role=server,socket=$ssock$memif_ring" -- \
		--queues "$l" --key "$key" --json "$W/$name.emu.json"
	epid=$TT_SPAWN_PID
	if ! tt_wait_for_log "$W/$name.emu.log" "tt_rss_emu: ready" 30 "$epid"; then
		log "$name: the emulator did not start (log $W/$name.emu.log)"
		b_stop "$epid"
		return 1
	fi
	# shellcheck disable=SC2207 # words
	if [ "$S9_LAYOUT" = single ]; then
		rss_c=($(s9_sets "0 1" "$mode"))
		b_tt "$name.cli" "$cli_l" "$(b_memargs "$MP_MODE" "$mem")" \
			-c "$root/config/loopback.ini" \
			--set "eal.args=$(b_eal "$cli_l" "$name-c") --vdev=net_memif0,role=client,socket=$csock$memif_ring --vdev=net_memif1,role=client,socket=$ssock$memif_ring" \
			--set general.ring_pairs=0 --set general.duration=0 \
			--set general.stats_interval_ms=0 --set tcp.max_flows=524288 \
			--set tcp.msl_ms=100 --set client.close=passive --set client.rate=0 \
			--set "client.concurrency=$((c_memif * l))" \
			--set "client.duration=$d_memif" "${rss_c[@]}" --json "$W/$name.cli.json"
		cpid=$TT_SPAWN_PID
	else
		srv_l=$(IFS=,; echo "${cpus[*]:$l:$l}")
		rss_s=($(s9_sets 0 "$mode"))
		rss_c=("${rss_s[@]}")
		b_tt "$name.srv" "$srv_l" "$(b_memargs "$MP_MODE" "$mem")" \
			-c "$root/config/memif-server.ini" \
			--set "eal.args=$(b_eal "$srv_l" "$name-s") --vdev=net_memif0,role=client,socket=$ssock$memif_ring" \
			--set general.stats_interval_ms=0 --set tcp.max_flows=524288 \
			--set tcp.msl_ms=100 "${rss_s[@]}" --json "$W/$name.srv.json"
		spid=$TT_SPAWN_PID
		if ! tt_wait_for_log "$W/$name.srv.log" "worker 0 started" 60 "$spid"; then
			log "$name: the server did not start (log $W/$name.srv.log)"
			b_stop "$spid"
			b_stop "$epid"
			return 1
		fi
		b_tt "$name.cli" "$cli_l" "$(b_memargs "$MP_MODE" "$mem")" \
			-c "$root/config/memif-client.ini" \
			--set "eal.args=$(b_eal "$cli_l" "$name-c") --vdev=net_memif0,role=client,socket=$csock$memif_ring" \
			--set general.stats_interval_ms=0 --set tcp.max_flows=524288 \
			--set tcp.msl_ms=100 --set client.source_ips=198.18.0.10-198.18.0.250 \
			--set client.close=passive --set client.rate=0 \
			--set "client.concurrency=$((c_memif * l))" \
			--set "client.duration=$d_memif" "${rss_c[@]}" --json "$W/$name.cli.json"
		cpid=$TT_SPAWN_PID
	fi
	b_wait_client "$cpid" $((d_memif + 60)) "$W/$name.cli.log" "$spid" "$d_memif"
	rc=$?
	# The memif peers leave first: client, server, then the emulator.
	if [ -n "$spid" ]; then
		b_stop "$spid"
		src=$?
	fi
	b_stop "$epid"
	erc=$?
	b_dpdk_leftovers "$name-e" "$name-s" "$name-c"
	if [ $rc -ne 0 ] || [ $src -ne 0 ] || [ $erc -ne 0 ] || [ ! -s "$W/$name.cli.json" ] ||
	   { [ -n "$spid" ] && [ ! -s "$W/$name.srv.json" ]; }; then
		log "$name: client exited $rc, server $src, emulator $erc (logs $W/$name.*.log)"
		return 1
	fi
	return 0
}

# s9_steered NAME: steered segments (steered_out of every process) per
# completed connection.
s9_steered() {
	"$TT_PY" - "$W/$1.cli.json" "$W/$1.srv.json" <<'EOF' 2>/dev/null
import json, os, sys
c = json.load(open(sys.argv[1]))
n = c["client"]["completed"]
s = c["counters"].get("steered_out", 0)
if os.path.exists(sys.argv[2]):
    s += json.load(open(sys.argv[2]))["counters"].get("steered_out", 0)
print(s / n if n else "")
EOF
}

s9_rss() {
	local l i mode need name cps pl steered prob base_h=""
	local -a cpus ran=() srvj
	local -A hash_pl

	S9_EMU=${TT_RSS_EMU:-$(dirname "$src_bin")/../tests/tools/tt_rss_emu}
	if [ "$quick" = 1 ]; then
		for l in $S9_LCORES; do
			s9_note "$l" "not run with --quick"
		done
		return 0
	fi
	if [ ! -x "$S9_EMU" ]; then
		for l in $S9_LCORES; do
			s9_note "$l" "not run: no emulator at $S9_EMU (built with the tests)"
		done
		return 0
	fi
	cp "$S9_EMU" "$W/tt_rss_emu" && S9_EMU=$W/tt_rss_emu
	for l in $S9_LCORES; do
		need=$((2 * l + 1))
		[ "$S9_LAYOUT" = single ] && need=$((l + 1))
		if ! read -r -a cpus <<<"$(s9_cpus "$need")" || [ ${#cpus[@]} -eq 0 ]; then
			s9_note "$l" "not run: needs $need CPUs (one for the emulator, $l for $([ "$S9_LAYOUT" = single ] && echo tcpterm || echo 'each tcpterm process')), this machine lets us use $(nproc)"
			continue
		fi
		ran+=("$l")
		[ "$need" -gt "$(nproc)" ] &&
			s9_note "$l" "OVERSUBSCRIBED (TT_BENCH_RSS_OVERSUB=1): $need busy-polling threads on $(nproc) CPUs; checks that the scenario runs, the figures are not a measurement"
		s9_note "$l" "CPUs: emulator ${cpus[0]}, tcpterm ${cpus[*]:1}"
	done
	# Runs interleaved: every L and mode once per round, so the machine's
	# drift spreads over all of them.
	for i in $(seq "$runs"); do
		for l in "${ran[@]}"; do
			need=$((2 * l + 1))
			[ "$S9_LAYOUT" = single ] && need=$((l + 1))
			read -r -a cpus <<<"$(s9_cpus "$need")"
			for mode in hash steer; do
				[ "$mode" = steer ] && [ "$l" = 1 ] && continue
				name=s9-$l-$mode-$i
				if ! s9_one "$name" "$l" "$mode" "${cpus[@]}"; then
					b_note "9-$l-${mode:0:1}" "run $i failed"
					continue
				fi
				cps=$(b_json "$W/$name.cli.json" 'd["client"]["rate_achieved"]')
				pl=$(b_calc "$cps / $l")
				steered=$(s9_steered "$name")
				b_val "9-$l-${mode:0:1}" "$cps"
				b_val "9-$l-${mode:0:1}p" "$pl"
				b_val "9-$l-${mode:0:1}s" "$steered"
				if [ "$mode" = hash ]; then
					hash_pl[$l]=$pl
					[ "$l" = 1 ] && base_h=$cps
					[ "$l" != 1 ] && [ -n "$base_h" ] && b_val "9-$l-hx" "$(b_calc "$cps / $base_h")"
				else
					[ -n "$base_h" ] && b_val "9-$l-sx" "$(b_calc "$cps / $base_h")"
					[ -n "${hash_pl[$l]:-}" ] && b_val "9-$l-sr" "$(b_calc "$pl / ${hash_pl[$l]}")"
				fi
				srvj=()
				[ -s "$W/$name.srv.json" ] && srvj=("$W/$name.srv.json")
				prob=$(mp_problems "$W/$name.cli.json" "${srvj[@]}")
				[ -n "$prob" ] && b_note "9-$l-${mode:0:1}" "run $i: $prob"
				log "[9] L=$l $mode run $i: $cps conn/s ($pl per lcore), steered $steered per connection, CPU share client ${B_SHARE_C:-?}% server ${B_SHARE_S:-?}%"
			done
		done
	done
	for l in "${ran[@]}"; do
		s9_note "$l" "HTTP GET, 1 request per connection, the server closes first, rate 0, concurrency $c_memif per client lcore, ${d_memif} s, msl 100 ms, memif ${memif_ring#,}; memory: ${MP_MODE:-?}; scaling = conn/s over the same round's 1-lcore hash-aware run"
	done
}
