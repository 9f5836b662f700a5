# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034
#
# Shared helpers for the integration tests (tests/integration/test_*.sh).
# Source it first:
#
#	. "$(dirname "$0")/lib.sh"
#
# Environment (set by meson test, see tests/meson.build):
#	TCPTERM		path of the tcpterm binary
#	TT_SRCDIR	source root
#	TT_BUILDDIR	build root
#	TT_EAL_EXTRA	EAL options put before "--" on every tcpterm command
#			line (scripts/setup.sh decides them); unset means
#			"--no-huge -m 512", empty means hugepages.
#
# Exit status of a test: 0 pass, 77 skip (after printing "SKIP: reason"),
# anything else fail.
#
# Everything a test starts through these helpers is undone by one EXIT trap:
# processes are stopped by PID, network namespaces deleted, temporary
# directories removed. Registrations go to files under $TT_TMP, so the
# helpers also work when called inside $(...). Names carry the test's PID,
# so a leftover of a crashed run never collides with the next run.
# Do not install another EXIT trap; use tt_on_exit instead.
# The helpers work under "set -u" and "set -e"; with set -e, take statuses
# as in "rc=0; tt_stop_tcpterm "$pid" || rc=$?".
#
# The helpers scripts/bench.sh uses too (tt_alive, tt_forget_pid,
# tt_wait_for_log, tt_json_get, tt_dpdk_gc, ...) are in
# scripts/lib/harness.sh.

# shellcheck source=scripts/lib/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/harness.sh"

TT_SRCDIR=${TT_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TT_BUILDDIR=${TT_BUILDDIR:-$TT_SRCDIR/build}
TCPTERM=${TCPTERM:-$TT_BUILDDIR/app/tcpterm}
# shellcheck disable=SC2119 # no file: the tests never read build/eal-extra.txt
TT_EAL_EXTRA=$(tt_eal_extra)
export TT_SRCDIR TT_BUILDDIR TCPTERM TT_EAL_EXTRA

# Test name for messages, e.g. "tap_ping".
TT_NAME=$(basename "$0" .sh)
TT_NAME=${TT_NAME#test_}

# One private directory per test run; everything temporary lives below it.
tt_run_init "tt-${TT_NAME}-$$" || {
	echo "FAIL: mktemp failed" >&2
	exit 1
}
TT_TMP=$TT_RUN_DIR
TT_NETNS_FILE=$TT_TMP/.netns
TT_LOGS_FILE=$TT_TMP/.logs
TT_ONEXIT_FILE=$TT_TMP/.onexit
: >"$TT_NETNS_FILE"
: >"$TT_LOGS_FILE"
: >"$TT_ONEXIT_FILE"
TT_TCPTERM_LOG=
TT_LAST_TCPTERM_PID=
TT_BG_LOG=
TT_NO_CLEANUP=${TT_NO_CLEANUP:-0}

tt_info() {
	echo "[$TT_NAME] $*"
}

# Print a failure message and exit 1 (the EXIT trap cleans up).
tt_fail() {
	echo "FAIL: [$TT_NAME] $*" >&2
	exit 1
}

# tt_skip REASON: the test cannot run here (no root, no tap, a tool
# missing). CI runs as root on a machine that scripts/setup.sh provisioned
# and must run every test, so under CI (CI set) a skip is a failure.
tt_skip() {
	if [ -n "${CI:-}" ]; then
		echo "FAIL: CI must run this test, but: $*" >&2
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}

# tt_skip_busy REASON: the machine is too busy to measure (another process
# took the CPU); a skip even under CI, since no setup can prevent it.
tt_skip_busy() {
	echo "SKIP: $*"
	exit 77
}

tt_require_root() {
	[ "$(id -u)" -eq 0 ] || tt_skip "needs root"
}

# /dev/net/tun must exist and a tap must be creatable (not in every container).
tt_require_tun() {
	tt_require_root
	[ -c /dev/net/tun ] || tt_skip "needs /dev/net/tun"
	local t=ttchk$$
	if ! ip tuntap add dev "$t" mode tap 2>/dev/null; then
		tt_skip "cannot create a tap device"
	fi
	ip link del "$t" 2>/dev/null || true
	ip netns add "ttchk$$" 2>/dev/null || tt_skip "cannot create a network namespace"
	ip netns del "ttchk$$" 2>/dev/null || true
	return 0
}

tt_require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || tt_skip "needs $c (scripts/setup.sh installs it)"
	done
}

# tt_require_tcpterm: the binary must exist (skip otherwise: not built yet).
tt_require_tcpterm() {
	[ -x "$TCPTERM" ] || tt_skip "tcpterm binary $TCPTERM not built"
}

# Print a new empty directory, removed on exit.
tt_tmpdir() {
	mktemp -d "$TT_TMP/d.XXXXXX"
}

# Run a command when the test exits (before the built-in cleanup).
tt_on_exit() {
	printf '%s\n' "$*" >>"$TT_ONEXIT_FILE"
}

# tt_netns_create NAME: create namespace "tt-NAME-PID" (loopback up), print
# its name; deleted on exit.
tt_netns_create() {
	local ns="tt-${1:-ns}-$$"
	ip netns add "$ns" || tt_fail "ip netns add $ns failed"
	echo "$ns" >>"$TT_NETNS_FILE"
	ip -n "$ns" link set lo up
	echo "$ns"
}

# tt_bg OUTVAR CMD...: start CMD in the background with its output in a log
# file under $TT_TMP, store its PID in OUTVAR; killed by PID on exit.
# Must not be called inside $(...) (the process would not be our child).
tt_bg() {
	local __outvar=$1 __log
	shift
	__log=$(mktemp "$TT_TMP/bg.XXXXXX.log")
	tt_spawn "$__log" "$@"
	echo "$TT_SPAWN_PID $__log" >>"$TT_LOGS_FILE"
	TT_BG_LOG=$__log
	printf -v "$__outvar" '%s' "$TT_SPAWN_PID"
}

# tt_start_tcpterm OUTVAR [EAL-ARGS... --] TCPTERM-ARGS...
# Start $TCPTERM in the background: $TT_EAL_EXTRA and the caller's EAL
# arguments (if any, given before a "--") go before "--", the rest after.
# The PID goes to OUTVAR, the log (stdout+stderr) path to TT_TCPTERM_LOG.
# The caller provides a unique --file-prefix (in the ini or with --set).
tt_start_tcpterm() {
	local __outvar=$1 __i __have_dd=0
	shift
	local -a __eal __rest __cmd
	# shellcheck disable=SC2206 # word splitting of the EAL extras is wanted
	__eal=($TT_EAL_EXTRA)
	for __i in "$@"; do
		[ "$__i" = "--" ] && __have_dd=1
	done
	if [ "$__have_dd" -eq 1 ]; then
		while [ $# -gt 0 ] && [ "$1" != "--" ]; do
			__eal+=("$1")
			shift
		done
		shift
	fi
	__rest=("$@")
	__cmd=("$TCPTERM")
	if [ ${#__eal[@]} -gt 0 ]; then
		__cmd+=("${__eal[@]}" --)
	fi
	__cmd+=("${__rest[@]}")
	tt_info "starting: ${__cmd[*]}"
	tt_bg "$__outvar" "${__cmd[@]}"
	TT_TCPTERM_LOG=$TT_BG_LOG
	TT_LAST_TCPTERM_PID=${!__outvar}
}

# tt_wait_for_iface NAME [TIMEOUT_S=20]: wait until link NAME exists in the
# root namespace and is up. net_tap creates the interface (down) when EAL
# probes it, attaches its queues by name at queue setup and brings the link
# up at rte_eth_dev_start(): moving the tap into a namespace before it is up
# makes the queue setup create a second, unrelated tap in the root namespace
# and tcpterm never sees a packet. So wait for IFF_UP before moving it.
# Fails early when the last tcpterm started has exited.
tt_wait_for_iface() {
	local name=$1 timeout=${2:-20} i=0 n flags
	n=$((timeout * 20))
	while [ $i -lt $n ]; do
		flags=$(cat "/sys/class/net/$name/flags" 2>/dev/null) || flags=
		if [ -n "$flags" ] && [ $((flags & 1)) -eq 1 ]; then
			return 0
		fi
		if [ -n "${TT_LAST_TCPTERM_PID:-}" ] && ! tt_alive "$TT_LAST_TCPTERM_PID"; then
			echo "tcpterm (pid $TT_LAST_TCPTERM_PID) exited before $name came up" >&2
			return 1
		fi
		sleep 0.05
		i=$((i + 1))
	done
	echo "interface $name did not come up within ${timeout}s (flags ${flags:-none})" >&2
	return 1
}

# tt_tap_into_ns IFACE NS KERNEL_IP/LEN [MAC=02:00:00:00:00:01]
# Move the kernel side of a net_tap port into NS, give it a MAC distinct from
# the DPDK port's, the address, and bring it up.
tt_tap_into_ns() {
	local ifc=$1 ns=$2 addr=$3 mac=${4:-02:00:00:00:00:01}
	ip link set "$ifc" netns "$ns" || return 1
	ip -n "$ns" link set "$ifc" address "$mac" || return 1
	ip -n "$ns" addr add "$addr" dev "$ifc" || return 1
	ip -n "$ns" link set "$ifc" up || return 1
	ip -n "$ns" link set lo up
	return 0
}

# tt_stop_tcpterm PID: SIGTERM, wait up to 10 s, then SIGKILL. Returns the
# process's exit status (137 after SIGKILL).
tt_stop_tcpterm() {
	kill -TERM "$1" 2>/dev/null || true
	tt_reap "$1" 10 "pid $1 did not stop within 10 s after SIGTERM: SIGKILL"
}

# tt_wait_exit PID [TIMEOUT_S=30]: wait for PID to exit by itself (e.g. after
# --duration); SIGKILL after the timeout. Returns its exit status.
tt_wait_exit() {
	local timeout=${2:-30}
	tt_reap "$1" "$timeout" "pid $1 still running after ${timeout}s: SIGKILL"
}

# tt_json_valid FILE: FILE holds one valid JSON document.
tt_json_valid() {
	"$TT_PY" -c 'import json, sys; json.load(open(sys.argv[1]))' "$1"
}

# tt_check_pools FILE: every mempool in the summary JSON has all its objects
# back (avail_end == avail_start). Prints the offenders; returns 1 on a leak.
tt_check_pools() {
	"$TT_PY" -c '
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
pools = d.get("mempools")
if not pools:
    print("no mempools in " + sys.argv[1], file=sys.stderr)
    sys.exit(1)
bad = [p for p in pools if p["avail_end"] != p["avail_start"]]
for p in bad:
    print("mempool %s: avail_start %d avail_end %d (%+d)" % (p["name"],
          p["avail_start"], p["avail_end"], p["avail_end"] - p["avail_start"]),
          file=sys.stderr)
sys.exit(1 if bad else 0)
' "$1"
}

# tt_expect_ge WHAT VALUE MIN: fail unless VALUE >= MIN (integers).
tt_expect_ge() {
	local what=$1 v=$2 min=$3
	[[ "$v" =~ ^-?[0-9]+$ ]] || tt_fail "$what: not a number: '$v'"
	[ "$v" -ge "$min" ] || tt_fail "$what = $v, expected >= $min"
	tt_info "$what = $v (>= $min)"
}

tt_cleanup() {
	local rc=$? pid log line
	set +e
	trap - EXIT INT TERM
	while IFS= read -r line; do
		[ -n "$line" ] && eval "$line"
	done <"$TT_ONEXIT_FILE"
	# Our own processes only, by PID: TERM, a short grace, then KILL.
	tt_stop_all
	# On failure show the logs of what we started.
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		while read -r pid log; do
			[ -s "$log" ] || continue
			echo "---- log of pid $pid ($log), last 60 lines ----" >&2
			tail -n 60 "$log" >&2
		done <"$TT_LOGS_FILE"
	fi
	while read -r line; do
		[ -n "$line" ] && ip netns del "$line" 2>/dev/null
	done <"$TT_NETNS_FILE"
	# DPDK leaves its hugepage files behind at exit; our prefixes hold our
	# PID.
	[ "$(id -u)" -eq 0 ] && tt_dpdk_gc "*$$*" 0 >/dev/null 2>&1
	if [ "$TT_NO_CLEANUP" = 1 ]; then
		echo "TT_NO_CLEANUP=1: keeping $TT_TMP" >&2
	else
		rm -rf "$TT_TMP"
	fi
	exit "$rc"
}
tt_on_exit_call tt_cleanup
