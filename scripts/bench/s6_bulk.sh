# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# Scenario 6 of scripts/bench.sh, which sources this file: bulk,
# app=send into discard (1 and 64 connections), 1 MiB fixed responses,
# over net_ring and over net_memif.

# s6_gbps JSON_RECEIVER JSON_CLIENT CONCURRENCY: Gbit/s received. The time
# is what the client's connections lasted (its "lifetime" histogram, SYN to
# close): with all of them open at once, the longest; else the sum of the
# lifetimes over the concurrency (the slots are kept busy). This leaves out
# the start-up (memif link, ARP) and the exit of the processes.
s6_gbps() {
	"$TT_PY" - "$@" <<'EOF' 2>/dev/null
import json, sys
r = json.load(open(sys.argv[1]))
c = json.load(open(sys.argv[2]))
conc = int(sys.argv[3])
lt = c["client"]["latency_us"]["lifetime"]
n = lt["count"]
t = (lt["max"] if n <= conc else lt["mean"] * n / conc) / 1e6
print(r["counters"]["tcp_bytes_in"] * 8 / t / 1e9 if t > 0 else "")
EOF
}

s6_bulk() {
	local v id app conns conc req resp i pid g name prob mode
	local -a vsets ssets
	mode=$(b_memmode 300)
	for v in "a send 1 1 $send1_bytes 0" "b send 64 64 $send64_bytes 0" \
		"c fixed $fixed_conns 64 100 1048576"; do
		read -r id app conns conc req resp <<<"$v"
		vsets=(--set "client.app=$app" --set "client.connections=$conns"
			--set "client.concurrency=$conc" --set "client.request_bytes=$req"
			--set client.rate=0 --set client.duration=0)
		if [ "$app" = send ]; then
			ssets=(--set server.app=discard)
		else
			vsets+=(--set "client.response_bytes=$resp")
			ssets=(--set server.app=fixed --set "server.request_bytes=$req"
				--set "server.response_bytes=$resp")
		fi
		# net_ring, one process.
		for i in $(seq "$runs"); do
			name=s6r$id$i
			b_tt "$name" "$CB" "$(b_memargs "$mode" 1024)" -c "$root/config/loopback.ini" \
				--set "eal.args=$(b_eal "$CB" "$name")" --set general.duration=0 \
				--set general.stats_interval_ms=0 "${vsets[@]}" "${ssets[@]}" \
				--json "$W/$name.json"
			pid=$TT_SPAWN_PID
			b_wait_client "$pid" 120 "$W/$name.log"
			b_dpdk_leftovers "$name"
			g=$(s6_gbps "$W/$name.json" "$W/$name.json" "$conc")
			b_val "6$id" "$g"
			prob=$(mp_problems "$W/$name.json")
			[ -n "$prob" ] && b_note "6$id" "run $i: $prob"
			log "[6] ring $app x$conns run $i: ${g:-failed} Gbit/s"
		done
		# net_memif, two processes.
		for i in $(seq "$runs"); do
			name=s6m$id$i
			MP_SRV=("${ssets[@]}")
			MP_CLI=("${vsets[@]}")
			MP_WINDOW=0
			if ! mp_run "$name" 120 150 512; then
				b_note "6$(echo "$id" | tr abc def)" "run $i failed"
				continue
			fi
			if [ "$app" = send ]; then
				g=$(s6_gbps "$W/$name.srv.json" "$W/$name.cli.json" "$conc")
			else
				g=$(s6_gbps "$W/$name.cli.json" "$W/$name.cli.json" "$conc")
			fi
			b_val "6$(echo "$id" | tr abc def)" "$g"
			prob=$(mp_problems "$W/$name.cli.json" "$W/$name.srv.json")
			[ -n "$prob" ] && b_note "6$(echo "$id" | tr abc def)" "run $i: $prob"
			log "[6] memif $app x$conns run $i: ${g:-failed} Gbit/s"
		done
	done
	b_note 6a "$((send1_bytes >> 20)) MiB in 1 connection; receiver's tcp_bytes_in x 8 / the time the connections lasted (client lifetime histogram: the longest when all run at once, else sum / concurrency); memory: $mode"
	b_note 6b "64 parallel connections of $((send64_bytes >> 20)) MiB"
	b_note 6c "$fixed_conns connections, 64 at a time, 100-byte request, 1 MiB response"
	b_note 6d "as 6a; memif ${memif_ring#,}; client on CPU $CA, server on CPU $CB"
	b_note 6e "as 6b"
	b_note 6f "as 6c; bytes received by the client"
}
