# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# Scenario 7 of scripts/bench.sh, which sources this file: instructions
# per connection under valgrind --tool=callgrind.

s7_callgrind() {
	local i n ir ok
	local -A irs
	if ! command -v valgrind >/dev/null; then
		b_note 7 "skipped: needs valgrind"
		return
	fi
	for i in $(seq "$runs"); do
		ok=1
		for n in "$cg_small" "$cg_big"; do
			"${nice_cmd[@]}" taskset -c "$CB" valgrind --tool=callgrind \
				--callgrind-out-file="$W/cg.$i.$n.out" "$BIN" --no-huge -m 256 --no-shconf -- \
				-c "$root/config/loopback.ini" \
				--set "eal.args=$(b_eal "$CB" "cg$i-$n")" --set general.duration=0 \
				--set general.stats_interval_ms=0 --set general.mbufs=4095 \
				--set client.rate=0 --set "client.connections=$n" --set client.duration=0 \
				--set client.concurrency=256 --set tcp.msl_ms=10 \
				--json "$W/cg.$i.$n.json" >"$W/cg.$i.$n.log" 2>&1
			ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$W/cg.$i.$n.log" | tail -n 1)
			b_dpdk_leftovers "cg$i-$n"
			if [ -z "$ir" ] || [ "$(b_json "$W/cg.$i.$n.json" 'd["client"]["completed"]')" != "$n" ]; then
				b_note 7 "run $i with $n connections failed (log $W/cg.$i.$n.log)"
				ok=0
				break
			fi
			irs[$n]=$ir
		done
		[ $ok = 1 ] || continue
		b_val 7 "$(b_calc "(${irs[$cg_big]} - ${irs[$cg_small]}) / ($cg_big - $cg_small)")"
		log "[7] run $i: Ir $cg_small conns ${irs[$cg_small]}, $cg_big conns ${irs[$cg_big]}"
		rm -f "$W"/cg.$i.*.out
	done
	b_note 7 "(Ir($cg_big connections) - Ir($cg_small)) / $((cg_big - cg_small)); one process, client and server, HTTP GET, 100-byte body, concurrency 256, msl 10 ms (TIME_WAIT expiry included), --no-huge; under valgrind's CPU model (no AVX-512)"
}
