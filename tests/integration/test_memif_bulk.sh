#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Bulk over net_memif between two tcpterm processes, default keys but the
# transfer and a short MSL: the client sends 4 MiB on each of 64
# connections at once (client.app = send) into the server's discard
# application (scenario 6e of scripts/bench.sh).
#
# The case it guards: with the 1 MiB default receive window, the sender,
# busy sending, drains its receive ring more slowly than the server's ACKs
# fill it, and the server's TX queue fills. Pure ACKs past 7/8 of that
# queue are owed as delayed ACKs (tx_ack_shed), so the FINs and data behind
# them still find room: before, they were dropped (tx_full 36,000-40,000 a
# run on the 2-CPU machine) and waited for an RTO, and the transfer that
# took 0.1 s took 1.1 s (docs/tcp.md, "Overload").
#
# Checked: every connection completed, the server received every byte,
# no tx_full drop on either side (ACKs owed are counted, not checked), no
# FIN retransmitted by the server, both pools back to their start, and
# after 2 x MSL no flow left on the server.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_cli.sh
. "$(dirname "$0")/lib_cli.sh"

tt_require_root
tt_require_tcpterm

N=64
BYTES=4194304
MSL_MS=200
d=$(tt_tmpdir)
srv_json=$d/server.json
cli_json=$d/client.json

tt_cli_memif_setup mb "$d"

spid=
tt_start_tcpterm spid -c "$srv_ini" --set "eal.args=$srv_eal" \
	--set general.duration=0 --set tcp.msl_ms=$MSL_MS --set server.app=discard \
	--json "$srv_json"
srv_log=$TT_TCPTERM_LOG

tt_cli_wait_memif_listen "$sock" "$spid"

cpid=
tt_start_tcpterm cpid -c "$cli_ini" --set "eal.args=$cli_eal" \
	--set general.duration=0 --set tcp.msl_ms=$MSL_MS \
	--set client.app=send --set client.request_bytes=$BYTES \
	--set client.connections=$N --set client.concurrency=$N \
	--set client.rate=0 --set client.duration=0 --json "$cli_json"
cli_log=$TT_TCPTERM_LOG

tt_wait_exit "$cpid" 120
crc=$?
grep -E '^client|link (up|down)|rror' "$cli_log" | head -20
[ $crc -eq 0 ] || tt_fail "client exited $crc"
tt_alive "$spid" || tt_fail "the server died while the client ran"

sleep "$("$TT_PY" -c "print(2 * $MSL_MS / 1000.0 + 1.0)")"
tt_stop_tcpterm "$spid"
src=$?
grep -E 'link (up|down)|rror' "$srv_log" | tail -5
[ $src -eq 0 ] || tt_fail "server exited $src after SIGTERM"

tt_cli_check_json "$cli_json"
tt_cli_check_json "$srv_json"
nz='" ".join("%s=%d" % kv for kv in d["drops"].items() if kv[1])'
rx='" ".join("%s=%d" % (k, v) for k, v in d["counters"].items()
	if v and (k.startswith("retrans_") or k.startswith("tlp_")
	or k.startswith("overload_") or k == "delayed_acks"))'
tt_info "client: $(tt_cli_get "$cli_json" "$rx")"
tt_info "server: $(tt_cli_get "$srv_json" "$rx")"
tt_info "drops: client [$(tt_cli_get "$cli_json" "$nz")], server [$(tt_cli_get "$srv_json" "$nz")]"
tt_info "longest connection: $(tt_cli_get "$cli_json" \
	'd["client"]["latency_us"]["lifetime"]["max"]') us (not checked)"

tt_cli_check_client "$cli_json" $N
tt_cli_expect_eq "server tcp_bytes_in" \
	"$(tt_cli_get "$srv_json" 'd["counters"]["tcp_bytes_in"]')" $((N * BYTES))
tt_cli_expect_eq "client drop tx_full" \
	"$(tt_cli_get "$cli_json" 'd["drops"].get("tx_full", 0)')" 0
tt_cli_expect_eq "server drop tx_full" \
	"$(tt_cli_get "$srv_json" 'd["drops"].get("tx_full", 0)')" 0
tt_cli_expect_eq "server retrans_fin" \
	"$(tt_cli_get "$srv_json" 'd["counters"].get("retrans_fin", 0)')" 0
tt_check_pools "$cli_json" || tt_fail "client: mbufs leaked"
tt_check_pools "$srv_json" || tt_fail "server: mbufs leaked"
tt_cli_expect_eq "server flows_in_use after 2 x MSL" \
	"$(tt_cli_get "$srv_json" 'd["flows_in_use"]')" 0
tt_info "PASS"
exit 0
