# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# Scenario 10 of scripts/bench.sh, which sources this file: connections per
# second with TIME_WAIT as it is out of the box (issue 13), tcpterm client
# and server over net_memif as in scenario 2.
#   10a/b: default keys (rate 0, concurrency 64, the configuration's one
#          source address, close = active: the client's TIME_WAIT, taken
#          over by tcp.tw_reuse after 1 s): conn/s over the run and the
#          lowest 1 s interval after the first (sustained, not a burst).
#   10c-e: 241 source addresses, close = passive (the server closes first
#          and keeps every TIME_WAIT), concurrency 256: the default MSL
#          (2 x 30 s, so the server's TIME_WAIT table is full after a
#          quarter of a second and stays so: tcp.max_time_wait, oldest
#          recycled) against tcp.msl_ms = 100 on both sides, interleaved.
#   10f:   the same with the default MSL and tcp.max_time_wait = 16777216:
#          every TIME_WAIT of the run kept.
# Not run with --quick.

s10_rows() {
	b_row 10a "10. TIME_WAIT out of the box, net_memif" "defaults, one source address: conn/s over the run" "conn/s"
	b_row 10b "10. TIME_WAIT out of the box, net_memif" "defaults, one source address: lowest 1 s interval" "conn/s"
	b_row 10c "10. TIME_WAIT out of the box, net_memif" "241 sources, server closes, default MSL" "conn/s"
	b_row 10d "10. TIME_WAIT out of the box, net_memif" "241 sources, server closes, msl_ms=100" "conn/s"
	b_row 10e "10. TIME_WAIT out of the box, net_memif" "default MSL / msl_ms=100, run by run" "x"
	b_row 10f "10. TIME_WAIT out of the box, net_memif" "241 sources, default MSL, every TIME_WAIT kept" "conn/s"
}

# The lowest "done N/s" of a client's live lines: the lines up to the
# first that counts any (the next-hop resolution and the start fall in
# it) and the last (partial) one left out.
s10_min_done() {
	grep -oE 'done [0-9]+/s' "$1" 2>/dev/null | sed '$d' |
		awk '{ v = $2 + 0; if (!go) { go = v > 0; next } if (min == "" || v < min) min = v }
		     END { print min }'
}

s10_tw() {
	local i cps d m tw f
	if [ "$quick" = 1 ]; then
		b_note 10a "not run with --quick (four 10 s runs a round; CI's smoke run has no time for them)"
		return
	fi
	for i in $(seq "$runs"); do
		MP_SRV=()
		MP_CLI=(--set client.source_ips=198.18.0.1 --set general.stats_interval_ms=1000
			--set "client.duration=$d_s10")
		MP_WINDOW=$d_s10
		if mp_run "s10a$i" $((d_s10 + 40)) 450 512; then
			cps=$(b_json "$W/s10a$i.cli.json" 'd["client"]["rate_achieved"]')
			m=$(s10_min_done "$W/s10a$i.cli.log")
			b_val 10a "$cps"
			b_val 10b "$m"
			tw=$(b_json "$W/s10a$i.cli.json" 'd["counters"].get("tw_reuse_connect", 0)')
			log "[10] defaults, one source, run $i: $cps conn/s, lowest second ${m:-?}/s, tw_reuse_connect $tw"
		else
			b_note 10a "run $i failed"
		fi
		# Default MSL, then the short MSL, back to back.
		for m in default 100; do
			MP_SRV=()
			MP_CLI=(--set client.close=passive --set client.concurrency=256
				--set "client.duration=$d_s10")
			if [ $m = 100 ]; then
				MP_SRV+=(--set tcp.msl_ms=100)
				MP_CLI+=(--set tcp.msl_ms=100)
			fi
			if mp_run "s10m$m-$i" $((d_s10 + 40)) 450 512; then
				cps=$(b_json "$W/s10m$m-$i.cli.json" 'd["client"]["rate_achieved"]')
				f=$(b_json "$W/s10m$m-$i.srv.json" 'd["counters"].get("tw_recycled", 0)')
				log "[10] 241 sources, server closes, MSL $m, run $i: $cps conn/s (server tw_recycled $f, CPU client ${B_SHARE_C:-?}% server ${B_SHARE_S:-?}%)"
				if [ $m = default ]; then
					b_val 10c "$cps"
					d=$cps
				else
					b_val 10d "$cps"
					[ -n "$d" ] && [ -n "$cps" ] && b_val 10e "$(b_calc "$d / $cps")"
				fi
			else
				b_note 10c "run $i (MSL $m) failed"
			fi
		done
		d=
	done
	# Every TIME_WAIT of the run kept: 52 bytes an entry on the server.
	MP_SRV=(--set "tcp.max_time_wait=$s10_tw_big")
	MP_CLI=(--set client.close=passive --set client.concurrency=256 --set "client.duration=$d_s10")
	if mp_run "s10big" $((d_s10 + 60)) $((s10_tw_big * 52 / 1048576 + 500)) \
		$((s10_tw_big * 52 / 1048576 + 600)); then
		cps=$(b_json "$W/s10big.cli.json" 'd["client"]["rate_achieved"]')
		tw=$(b_json "$W/s10big.srv.json" 'd["states"]["TIME_WAIT"]')
		b_val 10f "$cps"
		b_note 10f "tcp.max_time_wait=$s10_tw_big; server TIME_WAIT entries at exit: ${tw:-?}; memory $MP_MODE; one run"
	else
		b_note 10f "failed (memory $MP_MODE)"
	fi
	b_note 10a "client.duration $d_s10 s, every other key at its default (memif-client.ini's one source address 198.18.0.1, concurrency 64, close = active, tcp.tw_reuse on)"
	b_note 10b "from the client's per-second live lines; the lines up to the first with connections done and the last (partial) one left out"
	b_note 10c "client.source_ips 198.18.0.10-198.18.0.250, client.close=passive, client.concurrency=256, $d_s10 s; every other key default (tcp.max_time_wait 262144: the server's table full, oldest recycled)"
	b_note 10e "interleaved: default MSL then msl_ms=100, each pair one after the other"
}
