# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# Scenario 2 of scripts/bench.sh, which sources this file: tcpterm server
# and client, two processes over net_memif, HTTP, one request per
# connection, as fast as possible (scenario 4 runs between its runs).
#
# Two rows: 2a, the headline, with every key at its default except the
# source range (config/memif-client.ini and memif-server.ini as shipped,
# the client's rate = 0 and duration as there); 2d, tuned: the server
# closes first, msl 100 ms, the best concurrency of a sweep. Each run
# measures one then the other, so the two see the same machine.

s2_memif() {
	local c best=$c_memif bestv=0 v i cps ppc frame prob score sweep_note="" lat
	local -a sh_c=() sh_s=() probs=() frames=() lats=()
	local common=(--set tcp.max_flows=524288 --set tcp.msl_ms=100)
	# As in scenario 1 (wrk's "Connection: close" to nginx), the server
	# closes first: the request asks for it and the client waits for the
	# server's FIN (6 packets per connection, TIME_WAIT on the server).
	local s2_close=(--set client.close=passive)
	if [ -n "$sweep" ]; then
		for c in $sweep; do
			MP_SRV=("${common[@]}")
			MP_CLI=("${common[@]}" "${s2_close[@]}" --set client.rate=0
				--set "client.concurrency=$c" --set client.duration=3)
			MP_WINDOW=3
			if mp_run "s2sweep$c" 40 450 512; then
				v=$(b_json "$W/s2sweep$c.cli.json" 'd["client"]["rate_achieved"]')
				# On a shared machine the rate follows the CPU time the
				# two processes got: compare rates per CPU share of the
				# less served side.
				score=$(b_calc "$v * 100 / max(1, min(${B_SHARE_C:-100}, ${B_SHARE_S:-100}))")
				log "[2] sweep: concurrency $c: $v conn/s, CPU share client ${B_SHARE_C:-?}% server ${B_SHARE_S:-?}%"
				sweep_note="$sweep_note${sweep_note:+, }$c: $(printf '%.0f' "$v") (CPU ${B_SHARE_C:-?}/${B_SHARE_S:-?}%)"
				if "$TT_PY" -c "import sys; sys.exit(0 if $score > $bestv else 1)"; then
					best=$c bestv=$score
				fi
			fi
		done
		b_note 2d "concurrency $best, the best of a 3 s sweep by conn/s per CPU share (conn/s: $sweep_note)"
	else
		b_note 2d "concurrency $best"
	fi
	if b_want 4 && s4_ready; then
		S4_DONE=1
		b_note 4a "interleaved with scenario 2: one measurement after each of its runs"
		b_note 4b "interleaved with scenario 2: one measurement after each of its runs"
		b_note 4b "frame size = scenario 2's mean frame (both sides' tx_bytes / tx_pkts)"
	fi
	for i in $(seq "$runs"); do
		# 2a: default keys (mp_run sets only the link and the sources).
		MP_SRV=()
		MP_CLI=(--set client.rate=0 --set "client.duration=$d_memif")
		MP_WINDOW=$d_memif
		lat=$(b_c2c)
		[ -n "$lat" ] && lats+=("$lat")
		if mp_run "s2def$i" $((d_memif + 40)) 450 512; then
			cps=$(b_json "$W/s2def$i.cli.json" 'd["client"]["rate_achieved"]')
			b_val 2a "$cps"
			s2_counts "s2def$i"
			b_val 2b "$ppc"
			b_val 2c "$frame"
			[ -n "$frame" ] && frames+=("$frame")
			prob=$(mp_problems "$W/s2def$i.cli.json" "$W/s2def$i.srv.json")
			[ -n "$prob" ] && probs+=("run $i, default keys: $prob")
			[ -n "$B_SHARE_C" ] && sh_c+=("$B_SHARE_C")
			[ -n "$B_SHARE_S" ] && sh_s+=("$B_SHARE_S")
			log "[2] run $i, default keys: $cps conn/s, $ppc packets/connection, CPU share client ${B_SHARE_C:-?}% server ${B_SHARE_S:-?}%${lat:+, core-to-core round trip before it $lat ns}"
		else
			b_note 2a "run $i failed"
		fi
		# 2d: tuned.
		MP_SRV=("${common[@]}")
		MP_CLI=("${common[@]}" "${s2_close[@]}" --set client.rate=0
			--set "client.concurrency=$best" --set "client.duration=$d_memif")
		MP_WINDOW=$d_memif
		if mp_run "s2run$i" $((d_memif + 40)) 450 512; then
			cps=$(b_json "$W/s2run$i.cli.json" 'd["client"]["rate_achieved"]')
			b_val 2d "$cps"
			s2_counts "s2run$i"
			prob=$(mp_problems "$W/s2run$i.cli.json" "$W/s2run$i.srv.json")
			[ -n "$prob" ] && probs+=("run $i, tuned: $prob")
			log "[2] run $i, tuned: $cps conn/s, $ppc packets/connection, CPU share client ${B_SHARE_C:-?}% server ${B_SHARE_S:-?}%"
		else
			b_note 2d "run $i failed"
		fi
		# The ceiling right after, on the same machine state: this machine's
		# speed drifts by tens of percent within minutes, and the target
		# is the ratio of the two.
		if [ -n "$S4_DONE" ]; then
			s4_run 4a 64 1
			[ -n "${frames[-1]:-}" ] && s4_run 4b "$(printf '%.0f' "${frames[-1]}")" 1
		fi
	done
	s2_notes
}

# s2_counts NAME: ppc and frame (packets per connection, mean frame size)
# of the run NAME's JSON summaries.
s2_counts() {
	ppc=$("$TT_PY" -c '
import json, sys
c = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))
n = c["client"]["completed"]
print((c["counters"]["tcp_segs_out"] + s["counters"]["tcp_segs_out"]) / n if n else "")
' "$W/$1.cli.json" "$W/$1.srv.json")
	frame=$("$TT_PY" -c '
import json, sys
c = json.load(open(sys.argv[1]))["counters"]; s = json.load(open(sys.argv[2]))["counters"]
n = c["tx_pkts"] + s["tx_pkts"]
print("%.1f" % ((c["tx_bytes"] + s["tx_bytes"]) / n) if n else "")
' "$W/$1.cli.json" "$W/$1.srv.json")
}

s2_notes() {
	[ ${#lats[@]} -gt 0 ] && b_note 2a "cache-line round trip between the two CPUs before each run (scripts/bench/c2c.c): ${lats[*]} ns"
	# Scenario 4b measures the link at this size (whole bytes).
	[ ${#frames[@]} -gt 0 ] && S2_FRAME=$(printf '%s\n' "${frames[@]}" | sort -n |
		awk '{v[NR] = $1} END {printf "%.0f", v[int((NR + 1) / 2)]}')
	b_note 2c "Ethernet frames as sent, both directions: (client + server tx_bytes) / (client + server tx_pkts)"
	b_note 2a "every key at its default (config/memif-client.ini and memif-server.ini as shipped: concurrency 64, the client closes first, tcp.msl_ms 30000, tcp.tw_reuse on) except client.source_ips 198.18.0.10-198.18.0.250; rate 0, ${d_memif} s; HTTP GET, 100-byte body, 1 request per connection; memif ${memif_ring#,}; client on CPU $CA, server on CPU $CB; memory: $MP_MODE"
	b_note 2d "tuned: the server closes first (client.close=passive, as nginx does for wrk in scenario 1), tcp.msl_ms=100 and tcp.max_flows=524288 on both sides, the concurrency above; rate 0, ${d_memif} s; run right after each 2a run"
	[ ${#sh_c[@]} -gt 0 ] && b_note 2a "CPU time the client/server got: $(b_span "${sh_c[@]}")% / $(b_span "${sh_s[@]}")%"
	for prob in "${probs[@]}"; do
		b_note 2a "$prob"
	done
	b_note 2b "client tcp_segs_out + server tcp_segs_out per completed connection, the default-keys runs (2a)"
}
