# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# Scenario 2 of scripts/bench.sh, which sources this file: tcpterm server
# and client, two processes over net_memif, HTTP, one request per
# connection, as fast as possible (scenario 4 runs between its runs).

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
		b_note 2a "concurrency $best, the best of a 3 s sweep by conn/s per CPU share (conn/s: $sweep_note)"
	else
		b_note 2a "concurrency $best"
	fi
	if b_want 4 && s4_ready; then
		S4_DONE=1
		b_note 4a "interleaved with scenario 2: one measurement after each of its runs"
		b_note 4b "interleaved with scenario 2: one measurement after each of its runs"
		b_note 4b "frame size = scenario 2's mean frame (both sides' tx_bytes / tx_pkts)"
	fi
	for i in $(seq "$runs"); do
		MP_SRV=("${common[@]}")
		MP_CLI=("${common[@]}" "${s2_close[@]}" --set client.rate=0
			--set "client.concurrency=$best" --set "client.duration=$d_memif")
		MP_WINDOW=$d_memif
		lat=$(b_c2c)
		[ -n "$lat" ] && lats+=("$lat")
		if ! mp_run "s2run$i" $((d_memif + 40)) 450 512; then
			b_note 2a "run $i failed"
			continue
		fi
		cps=$(b_json "$W/s2run$i.cli.json" 'd["client"]["rate_achieved"]')
		ppc=$("$TT_PY" -c '
import json, sys
c = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))
n = c["client"]["completed"]
print((c["counters"]["tcp_segs_out"] + s["counters"]["tcp_segs_out"]) / n if n else "")
' "$W/s2run$i.cli.json" "$W/s2run$i.srv.json")
		frame=$("$TT_PY" -c '
import json, sys
c = json.load(open(sys.argv[1]))["counters"]; s = json.load(open(sys.argv[2]))["counters"]
n = c["tx_pkts"] + s["tx_pkts"]
print("%.1f" % ((c["tx_bytes"] + s["tx_bytes"]) / n) if n else "")
' "$W/s2run$i.cli.json" "$W/s2run$i.srv.json")
		b_val 2a "$cps"
		b_val 2b "$ppc"
		b_val 2c "$frame"
		[ -n "$frame" ] && frames+=("$frame")
		prob=$(mp_problems "$W/s2run$i.cli.json" "$W/s2run$i.srv.json")
		[ -n "$prob" ] && probs+=("run $i: $prob")
		[ -n "$B_SHARE_C" ] && sh_c+=("$B_SHARE_C")
		[ -n "$B_SHARE_S" ] && sh_s+=("$B_SHARE_S")
		log "[2] run $i: $cps conn/s, $ppc packets/connection, CPU share client ${B_SHARE_C:-?}% server ${B_SHARE_S:-?}%${lat:+, core-to-core round trip before it $lat ns}"
		# The ceiling right after, on the same machine state: this machine's
		# speed drifts by tens of percent within minutes, and the target
		# is the ratio of the two.
		if [ -n "$S4_DONE" ]; then
			s4_run 4a 64 1
			[ -n "$frame" ] && s4_run 4b "$(printf '%.0f' "$frame")" 1
		fi
	done
	[ ${#lats[@]} -gt 0 ] && b_note 2a "cache-line round trip between the two CPUs before each run (scripts/bench/c2c.c): ${lats[*]} ns"
	# Scenario 4b measures the link at this size (whole bytes).
	[ ${#frames[@]} -gt 0 ] && S2_FRAME=$(printf '%s\n' "${frames[@]}" | sort -n |
		awk '{v[NR] = $1} END {printf "%.0f", v[int((NR + 1) / 2)]}')
	b_note 2c "Ethernet frames as sent, both directions: (client + server tx_bytes) / (client + server tx_pkts)"
	b_note 2a "HTTP GET with Connection: close, 100-byte body, 1 request per connection, the server closes first (client.close=passive), rate 0, ${d_memif} s, msl 100 ms, memif ${memif_ring#,}; client on CPU $CA, server on CPU $CB; memory: $MP_MODE"
	[ ${#sh_c[@]} -gt 0 ] && b_note 2a "CPU time the client/server got: $(b_span "${sh_c[@]}")% / $(b_span "${sh_s[@]}")%"
	for prob in "${probs[@]}"; do
		b_note 2a "$prob"
	done
	b_note 2b "client tcp_segs_out + server tcp_segs_out per completed connection"
}
