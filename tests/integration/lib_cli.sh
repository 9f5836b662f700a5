# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Helpers for the integration tests of the load generator (client role):
# test_tap_nginx_client.sh, the test_memif_*.sh, test_ring_loopback.sh and
# test_rate_accuracy.sh. Source it after lib.sh:
#
#	. "$(dirname "$0")/lib.sh"
#	. "$(dirname "$0")/lib_cli.sh"
#
# These helpers read files, print and compare; starting and stopping
# processes, namespaces and temporary files stay lib.sh's business
# (tt_cli_wait_exit_sched only watches a process lib.sh started).

# tt_cli_ini_eal INI: print the [eal] args value of INI (empty if none).
tt_cli_ini_eal() {
	awk '
		/^[ \t]*\[/ { sec = $0; gsub(/[][ \t]/, "", sec); next }
		sec == "eal" && /^[ \t]*args[ \t]*=/ {
			sub(/^[^=]*=[ \t]*/, "")
			sub(/[ \t]+#.*$/, "")
			print
			exit
		}
	' "$1"
}

# tt_cli_eal_strip ARGS: ARGS without the options a test replaces: --vdev,
# --file-prefix, -l / --lcores / -c (core mask), --in-memory.
tt_cli_eal_strip() {
	sed -E \
		-e 's/(^| )--vdev[= ][^ ]+/ /g' \
		-e 's/(^| )--file-prefix[= ][^ ]+/ /g' \
		-e 's/(^| )--lcores[= ][^ ]+/ /g' \
		-e 's/(^| )-l ?[0-9][^ ]*/ /g' \
		-e 's/(^| )-c ?[0-9a-fA-Fx]+( |$)/ /g' \
		-e 's/(^| )--in-memory( |$)/ /g' \
		-e 's/[ ]+/ /g' -e 's/^ //' -e 's/ $//' <<<"$1"
}

# tt_cli_eal_from_ini INI EXTRA...: the ini's [eal] args with the replaced
# options removed and EXTRA appended (one line, for --set eal.args=...).
tt_cli_eal_from_ini() {
	local ini=$1 base
	shift
	base=$(tt_cli_eal_strip "$(tt_cli_ini_eal "$ini")")
	echo "${base:+$base }$*"
}

# tt_cli_cpus: print the CPUs this process may run on, one line, ascending.
tt_cli_cpus() {
	"$TT_PY" -c 'import os; print(" ".join(str(c) for c in sorted(os.sched_getaffinity(0))))'
}

# tt_cli_get JSON EXPR: tt_json_get that reports a failure to read (inside
# $(...) it cannot end the test; the empty value then fails the caller's
# comparison).
tt_cli_get() {
	local v
	v=$(tt_json_get "$1" "$2") || tt_fail "cannot read $2 from $1"
	echo "$v"
}

# tt_cli_expect_eq WHAT VALUE EXPECTED: integers (or any exact strings).
tt_cli_expect_eq() {
	[ "$2" = "$3" ] || tt_fail "$1 = $2, expected $3"
	tt_info "$1 = $2 (as expected)"
}

# tt_cli_expect_near WHAT VALUE TARGET PCT: |VALUE - TARGET| <= PCT % of
# TARGET (numbers, floats allowed).
tt_cli_expect_near() {
	local what=$1 v=$2 target=$3 pct=$4
	if "$TT_PY" -c '
import sys
v, t, p = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
sys.exit(0 if abs(v - t) <= t * p / 100.0 else 1)
' "$v" "$target" "$pct" 2>/dev/null; then
		tt_info "$what = $v (within $pct% of $target)"
	else
		tt_fail "$what = $v, expected within $pct% of $target"
	fi
}

# tt_cli_check_json JSON: the summary exists and is valid JSON.
tt_cli_check_json() {
	[ -s "$1" ] || tt_fail "no JSON summary $1"
	tt_json_valid "$1" || tt_fail "invalid JSON summary $1"
}

# tt_cli_check_client JSON N: the client opened and completed exactly N
# connections and counted no failure of any kind.
tt_cli_check_client() {
	local json=$1 n=$2 bad
	tt_cli_get "$json" '"client" in d' | grep -qx True ||
		tt_fail "$json has no \"client\" object"
	tt_cli_expect_eq "client.opened" "$(tt_cli_get "$json" 'd["client"]["opened"]')" "$n"
	tt_cli_expect_eq "client.completed" "$(tt_cli_get "$json" 'd["client"]["completed"]')" "$n"
	bad=$(tt_cli_get "$json" \
		'" ".join("%s=%d" % kv for kv in d["client"]["failed"].items() if kv[1] != 0)')
	[ -z "$bad" ] || tt_fail "client failures: $bad"
	tt_info "client failures: none"
}

# tt_cli_check_no_failures JSON: every client failure counter is 0 (no count).
tt_cli_check_no_failures() {
	local bad
	bad=$(tt_cli_get "$1" \
		'" ".join("%s=%d" % kv for kv in d["client"]["failed"].items() if kv[1] != 0)')
	[ -z "$bad" ] || tt_fail "client failures: $bad"
	tt_info "client failures: none"
}

# tt_cli_report JSON [LABEL]: one line with the client's numbers and the
# latency percentiles (for the log and for the report).
tt_cli_report() {
	"$TT_PY" - "$1" "${2:-client}" <<'EOF'
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
c = d.get("client")
if c is None:
    print("[%s] no client object" % sys.argv[2])
    sys.exit(0)
f = c["failed"]
print("[%s] opened %d completed %d failed %d/%d/%d/%d (refused/timeout/reset/bad) "
      "rate target %s achieved %.1f behind_schedule %d duration %.2f s"
      % (sys.argv[2], c["opened"], c["completed"], f["refused"], f["timeout"],
         f["reset"], f["bad_response"], c["rate_target"], c["rate_achieved"],
         c["behind_schedule"], d.get("duration_s", 0)))
for k, h in c["latency_us"].items():
    print("[%s]   latency %-10s n=%-7d min %-6d mean %-9.1f p50 %-6d p90 %-6d "
          "p99 %-6d p99.9 %-6d max %d (us)"
          % (sys.argv[2], k, h["count"], h["min"], h["mean"], h["p50"], h["p90"],
             h["p99"], h["p99.9"], h["max"]))
EOF
}

# tt_cli_states JSON: print the non-zero connection states, "STATE=n ...".
tt_cli_states() {
	tt_cli_get "$1" '" ".join("%s=%d" % kv for kv in d["states"].items() if kv[1] != 0)'
}

# tt_cli_idlest_cpu: print the CPU (of those we may run on) that was idle
# the most over the last 0.3 s. Other busy-polling DPDK processes on a
# shared machine usually sit on CPU 0; a timing test does better elsewhere.
tt_cli_idlest_cpu() {
	"$TT_PY" - <<'PYEOF'
import os, time
allowed = sorted(os.sched_getaffinity(0))
def idle():
    out = {}
    with open("/proc/stat") as f:
        for line in f:
            p = line.split()
            if p[0].startswith("cpu") and p[0] != "cpu":
                out[int(p[0][3:])] = int(p[4]) + int(p[5])
    return out
a = idle()
time.sleep(0.3)
b = idle()
print(max(allowed, key=lambda c: (b.get(c, 0) - a.get(c, 0), -c)))
PYEOF
}

# tt_cli_wait_exit_sched PID [TIMEOUT_S=30]: tt_wait_exit, and meanwhile
# sample /proc/PID/schedstat (the main thread, i.e. the main lcore): sets
# TT_CLI_RUN_NS (time on a CPU) and TT_CLI_WAIT_NS (time runnable but
# waiting for a CPU) to the last sample. Returns PID's exit status. Must not
# be called inside $(...).
TT_CLI_RUN_NS=0
TT_CLI_WAIT_NS=0
tt_cli_wait_exit_sched() {
	local pid=$1 timeout=${2:-30} i=0 s
	TT_CLI_RUN_NS=0
	TT_CLI_WAIT_NS=0
	while tt_alive "$pid" && [ $i -lt $((timeout * 10)) ]; do
		s=$(cat "/proc/$pid/schedstat" 2>/dev/null)
		if [ -n "$s" ]; then
			TT_CLI_RUN_NS=${s%% *}
			s=${s#* }
			TT_CLI_WAIT_NS=${s%% *}
		fi
		sleep 0.1
		i=$((i + 1))
	done
	tt_wait_exit "$pid" 1
}

# tt_cli_wait_pct: the share (percent, one decimal) of the last process's
# runnable time spent waiting for a CPU (see tt_cli_wait_exit_sched). A
# busy-polling tcpterm on a CPU of its own is near 0.
tt_cli_wait_pct() {
	awk -v r="$TT_CLI_RUN_NS" -v w="$TT_CLI_WAIT_NS" \
		'BEGIN { t = r + w; if (t > 0) printf("%.1f\n", 100 * w / t); else print "0.0" }'
}

# tt_cli_steal_ms CPU: the time (ms) the hypervisor has run something else
# while CPU wanted to run (the "steal" column of /proc/stat; 0 on bare
# metal). A guest process cannot see such a stall in its own schedstat.
tt_cli_steal_ms() {
	awk -v c="cpu$1" -v hz="$(getconf CLK_TCK)" \
		'$1 == c { printf("%d\n", $9 * 1000 / hz); exit }' /proc/stat
}

# tt_cli_contended [MAX_PCT=2]: true when the last process waited for a CPU
# more than MAX_PCT % of the time: its timing is not its own.
tt_cli_contended() {
	awk -v p="$(tt_cli_wait_pct)" -v m="${1:-2}" 'BEGIN { exit !(p > m) }'
}

# tt_cli_wait_log LOG REGEX [TIMEOUT_S=30] [PID]: wait until a line of LOG
# matches REGEX (grep -E); fails early when PID has exited.
tt_cli_wait_log() {
	local log=$1 re=$2 timeout=${3:-30} pid=${4:-} rc=0
	tt_wait_for_log "$log" "$re" "$timeout" "$pid" || rc=$?
	case $rc in
	0) return 0 ;;
	2) echo "pid $pid exited before '$re' appeared in $log" >&2 ;;
	*) echo "'$re' did not appear in $log within ${timeout}s" >&2 ;;
	esac
	return 1
}

# tt_cli_memif_setup TAG DIR: the two ends of a memif link as the memif
# tests run them. Sets srv_ini and cli_ini (config/memif-server.ini and
# memif-client.ini), sock (DIR/memif.sock), srv_eal and cli_eal: the
# server on the second CPU we may use, the client on the first (the same
# one when there is only one), file prefixes ttTAGs<pid> and ttTAGc<pid>.
# shellcheck disable=SC2034 # it sets the caller's variables
tt_cli_memif_setup() {
	local tag=$1 cpus vdev
	srv_ini=$TT_SRCDIR/config/memif-server.ini
	cli_ini=$TT_SRCDIR/config/memif-client.ini
	[ -f "$srv_ini" ] || tt_fail "missing $srv_ini"
	[ -f "$cli_ini" ] || tt_fail "missing $cli_ini"
	sock=$2/memif.sock
	read -r -a cpus <<<"$(tt_cli_cpus)"
	[ ${#cpus[@]} -gt 1 ] || tt_info "one CPU only: both processes share CPU ${cpus[0]}"
	vdev="--vdev=net_memif0,socket=$sock,role"
	srv_eal=$(tt_cli_eal_from_ini "$srv_ini" \
		"-l ${cpus[1]:-${cpus[0]}} --file-prefix=tt${tag}s$$ $vdev=server")
	cli_eal=$(tt_cli_eal_from_ini "$cli_ini" "-l ${cpus[0]} --file-prefix=tt${tag}c$$ $vdev=client")
}

# tt_cli_memif_listening SOCK: true when a memif server listens on SOCK,
# which its port does once started: a file, or (DPDK 22.11's default,
# socket-abstract=yes) the abstract name "@SOCK" in /proc/net/unix.
tt_cli_memif_listening() {
	[ -S "$1" ] || awk -v p="@$1" '$NF == p { f = 1 } END { exit !f }' /proc/net/unix
}

# tt_cli_wait_memif_listen SOCK PID: wait (20 s at most) until the memif
# server PID listens on SOCK; the test fails if it does not.
tt_cli_wait_memif_listen() {
	local i=0
	while ! tt_cli_memif_listening "$1" && [ $i -lt 200 ]; do
		tt_alive "$2" || tt_fail "server exited before listening on $1"
		sleep 0.1
		i=$((i + 1))
	done
	tt_cli_memif_listening "$1" || tt_fail "server not listening on $1 within 20 s"
}

# tt_cli_loopback_init: what a test of tcpterm against itself over
# config/loopback.ini needs: sets ini (the file), d (a scratch directory),
# eal (the file's EAL arguments without -l) and cpu (the idlest CPU).
tt_cli_loopback_init() {
	tt_require_tcpterm
	ini=$TT_SRCDIR/config/loopback.ini
	[ -f "$ini" ] || tt_fail "missing $ini"
	d=$(tt_tmpdir)
	eal=$(tt_cli_eal_from_ini "$ini")
	[ -n "$eal" ] || eal="-l 0 --no-pci"
	eal=$(tt_cli_eal_strip "$eal")
	cpu=$(tt_cli_idlest_cpu)
}
