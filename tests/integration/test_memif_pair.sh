#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Two tcpterm processes over net_memif (shared memory, no kernel):
# config/memif-server.ini (198.18.0.2, HTTP on port 80, memif server role)
# and config/memif-client.ini (198.18.0.1, the load generator, memif client
# role), with the socket in our temporary directory, file prefixes of our
# own, and each process on a CPU of its own when there are two.
#
# The server starts first; the client opens a fixed number of connections
# at a fixed rate and exits by itself; only then is the server stopped
# (SIGTERM), so that both sides' counters agree (a peer leaving mid-burst
# is test_memif_peer_leaves.sh's subject).
#
# Checked: client exit 0, completed == connections, no failure; server
# exit 0, conn_accepted == the client's completed, http_requests too; both
# processes' mbufs back in their pools; after 2 x MSL (tcp.msl_ms is small
# on both sides) the server holds no flow and no connection in any state
# but LISTEN.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_cli.sh
. "$(dirname "$0")/lib_cli.sh"

tt_require_root
tt_require_tcpterm

N=20000
RATE=5000
MSL_MS=200
d=$(tt_tmpdir)
srv_json=$d/server.json
cli_json=$d/client.json

tt_cli_memif_setup mf "$d"

spid=
tt_start_tcpterm spid -c "$srv_ini" --set "eal.args=$srv_eal" \
	--set general.duration=0 --set tcp.msl_ms=$MSL_MS --json "$srv_json"
srv_log=$TT_TCPTERM_LOG

tt_cli_wait_memif_listen "$sock" "$spid"

cpid=
tt_start_tcpterm cpid -c "$cli_ini" --set "eal.args=$cli_eal" \
	--set general.duration=0 --set tcp.msl_ms=$MSL_MS \
	--set client.connections=$N --set client.rate=$RATE --set client.duration=0 \
	--set client.concurrency=256 --json "$cli_json"
cli_log=$TT_TCPTERM_LOG

# The client exits by itself once its N connections are done.
tt_wait_exit "$cpid" 120
crc=$?
grep -E '^\[ *[0-9.]+s\]|^client|link (up|down)|ARP|rror' "$cli_log" | head -40
[ $crc -eq 0 ] || tt_fail "client exited $crc"
tt_alive "$spid" || tt_fail "the server died while the client ran (or when it left)"

# Let the server's connections close and 2 x MSL pass, then stop it.
sleep "$("$TT_PY" -c "print(2 * $MSL_MS / 1000.0 + 1.0)")"
tt_alive "$spid" || tt_fail "the server died after the client left"
tt_stop_tcpterm "$spid"
src=$?
grep -E '^\[ *[0-9.]+s\]|link (up|down)|rror' "$srv_log" | tail -5
[ $src -eq 0 ] || tt_fail "server exited $src after SIGTERM"

tt_cli_check_json "$cli_json"
tt_cli_check_json "$srv_json"
tt_cli_report "$cli_json" client
tt_info "client states at exit: $(tt_cli_states "$cli_json")"
tt_info "server states at exit: $(tt_cli_states "$srv_json")"

nz='" ".join("%s=%d" % kv for kv in d["drops"].items() if kv[1])'
# Retransmissions are legitimate here (a memif ring can fill while the
# peer waits for a CPU): shown, not checked.
rx='" ".join("%s=%d" % (k, v) for k, v in d["counters"].items()
	if v and (k.startswith("retrans_") or k.startswith("tcp_rst_")
	or k.startswith("conn_closed_")))'
tt_info "client: $(tt_cli_get "$cli_json" "$rx")"
tt_info "server: $(tt_cli_get "$srv_json" "$rx")"
tt_info "drops: client [$(tt_cli_get "$cli_json" "$nz")], server [$(tt_cli_get "$srv_json" "$nz")]"

tt_cli_check_client "$cli_json" $N
completed=$(tt_cli_get "$cli_json" 'd["client"]["completed"]')
tt_cli_expect_eq "server conn_accepted (== client completed)" \
	"$(tt_cli_get "$srv_json" 'd["counters"]["conn_accepted"]')" "$completed"
tt_cli_expect_eq "server http_requests (== client completed)" \
	"$(tt_cli_get "$srv_json" 'd["counters"]["http_requests"]')" "$completed"
tt_cli_expect_eq "client conn_accepted" \
	"$(tt_cli_get "$cli_json" 'd["counters"]["conn_accepted"]')" 0
tt_check_pools "$cli_json" || tt_fail "client: mbufs leaked"
tt_check_pools "$srv_json" || tt_fail "server: mbufs leaked"
tt_cli_expect_eq "server flows_in_use after 2 x MSL" \
	"$(tt_cli_get "$srv_json" 'd["flows_in_use"]')" 0
tt_cli_expect_eq "server connections not in LISTEN" "$(tt_cli_get "$srv_json" \
	'sum(v for k, v in d["states"].items() if k != "LISTEN")')" 0
tt_info "rate: target $RATE/s, achieved $(tt_cli_get "$cli_json" 'd["client"]["rate_achieved"]')/s" \
	"(not checked: two processes on a shared machine)"
tt_info "PASS"
exit 0
