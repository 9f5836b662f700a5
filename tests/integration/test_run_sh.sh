#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/run.sh, as a user runs it: the default config (config/loopback.ini),
# a 3 s run, a JSON summary. Checks the exit status, the command line run.sh
# builds and the JSON.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

tt_require_root
tt_require_tcpterm
[ -f "$TT_SRCDIR/config/loopback.ini" ] || tt_fail "config/loopback.ini is missing"

d=$(tt_tmpdir)
json=$d/run.json

# test.sh has just set up and built; do not rebuild under a running
# meson test. TT_EAL_EXTRA comes from the environment (see lib.sh).
cd "$TT_SRCDIR" || tt_fail "cd $TT_SRCDIR"
export TT_SKIP_BUILD=1
pid=
# A file prefix of our own (EAL options before "--" go to the EAL): the one
# in config/loopback.ini would clash with a run.sh started by hand.
tt_bg pid scripts/run.sh --file-prefix=ttrun$$ -- --duration 3 --json "$json"
log=$TT_BG_LOG

# While it runs: the rte_telemetry endpoints give the live netstat view.
sock=/var/run/dpdk/ttrun$$/dpdk_telemetry.v2
for _ in $(seq 1 50); do
	[ -S "$sock" ] && grep -q 'worker 0 started' "$log" 2>/dev/null && break
	sleep 0.1
done
sleep 1
tel=$("$TT_PY" - "$sock" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.recv(1024)
out = {}
for cmd in ("/tcpterm/states", "/tcpterm/stats", "/tcpterm/drops"):
    s.send(cmd.encode())
    out[cmd] = json.loads(s.recv(65536))[cmd]
print(json.dumps(out))
EOF
) || tt_fail "no answer from the telemetry socket $sock"
tt_info "telemetry: $(cut -c1-200 <<<"$tel")"
"$TT_PY" -c '
import json, sys
t = json.loads(sys.argv[1])
st = t["/tcpterm/states"]
assert set(st) == {"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "CLOSE_WAIT",
                   "FIN_WAIT_1", "CLOSING", "LAST_ACK", "FIN_WAIT_2", "TIME_WAIT"}, st
assert st["LISTEN"] >= 1, st
assert t["/tcpterm/stats"]["conn_accepted"] > 0, t["/tcpterm/stats"]
assert "tcp_no_flow" in t["/tcpterm/drops"]
' "$tel" || tt_fail "unexpected telemetry answer: $tel"

tt_wait_exit "$pid" 60
rc=$?
tt_info "run.sh exited $rc"
cat "$log"
[ "$rc" -eq 0 ] || tt_fail "scripts/run.sh --duration 3 exited $rc"
line=$(grep '^run.sh: ' "$log")
grep -q -- "--file-prefix=ttrun$$ -- -c $TT_SRCDIR/config/loopback.ini --duration 3" <<<"$line" ||
	tt_fail "unexpected command line: $line"
[ -s "$json" ] || tt_fail "no JSON summary written to $json"
tt_json_valid "$json" || tt_fail "$json is not valid JSON"

dur=$(tt_json_get "$json" 'd.get("duration_s", -1)')
tt_info "duration_s = $dur"
"$TT_PY" -c 'import sys; v = float(sys.argv[1]); sys.exit(0 if 2.5 <= v <= 30 else 1)' "$dur" ||
	tt_fail "duration_s = $dur, expected about 3"
tt_json_get "$json" 'd["counters"]["rx_pkts"]' >/dev/null ||
	tt_fail "no counters.rx_pkts in the JSON"

# The default configuration runs both roles over net_ring: connections
# opened, answered and completed, none failed, every mbuf back.
opened=$(tt_json_get "$json" 'd["client"]["opened"]')
completed=$(tt_json_get "$json" 'd["client"]["completed"]')
failed=$(tt_json_get "$json" 'sum(d["client"]["failed"].values())')
accepted=$(tt_json_get "$json" 'd["counters"]["conn_accepted"]')
responses=$(tt_json_get "$json" 'd["counters"]["http_responses"]')
tt_info "client opened $opened, completed $completed, failed $failed; server accepted $accepted, responses $responses"
[ "$opened" -gt 0 ] || tt_fail "the client opened no connection"
[ "$completed" -eq "$opened" ] || tt_fail "completed $completed != opened $opened"
[ "$failed" -eq 0 ] || tt_fail "$failed client connections failed"
[ "$accepted" -eq "$opened" ] || tt_fail "server accepted $accepted != client opened $opened"
[ "$responses" -eq "$completed" ] || tt_fail "server responses $responses != completed $completed"
tt_check_pools "$json"
tt_info "PASS"
exit 0
