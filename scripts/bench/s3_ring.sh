# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# Scenario 3 of scripts/bench.sh, which sources this file: the stack
# alone, both roles in one process over net_ring, one core.

s3_ring() {
	local i mode pid cps prob
	local -a sh=()
	mode=$(b_memmode 300)
	for i in $(seq "$runs"); do
		b_tt "s3run$i" "$CB" "$(b_memargs "$mode" 1024)" -c "$root/config/loopback.ini" \
			--set "eal.args=$(b_eal "$CB" "s3run$i")" \
			--set general.duration=0 --set general.stats_interval_ms=0 \
			--set client.rate=0 --set client.concurrency=256 \
			--set "client.duration=$d_ring" --set client.source_ips=198.18.0.10-198.18.0.250 \
			--set tcp.max_flows=524288 --set tcp.msl_ms=100 --json "$W/s3run$i.json"
		pid=$TT_SPAWN_PID
		if ! b_wait_client "$pid" $((d_ring + 40)) "$W/s3run$i.log" "" "$d_ring" ||
		   [ ! -s "$W/s3run$i.json" ]; then
			b_note 3 "run $i failed (log $W/s3run$i.log)"
			continue
		fi
		b_dpdk_leftovers "s3run$i"
		cps=$(b_json "$W/s3run$i.json" 'd["client"]["rate_achieved"]')
		b_val 3 "$cps"
		prob=$(mp_problems "$W/s3run$i.json")
		[ -n "$prob" ] && b_note 3 "run $i: $prob"
		[ -n "$B_SHARE_C" ] && sh+=("$B_SHARE_C")
		log "[3] run $i: $cps conn/s, CPU share ${B_SHARE_C:-?}%"
	done
	b_note 3 "config/loopback.ini, HTTP GET, 100-byte body, concurrency 256, rate 0, ${d_ring} s, on CPU $CB; memory: $mode"
	[ ${#sh[@]} -gt 0 ] && b_note 3 "CPU time it got: $(b_span "${sh[@]}")%"
}
