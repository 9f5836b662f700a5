# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# What scripts/bench.sh and the integration tests (tests/integration/lib.sh)
# share to run tcpterm and its peers: a private directory, processes started
# in the background and stopped by PID only, waits on a process or on a log
# line, the DPDK leftovers of exited processes, the EAL memory options and
# the JSON summaries. Source it:
#
#	. "$root/scripts/lib/harness.sh"
#
# Sourcing only defines functions and constants (scripts/setup.sh sources
# it too, so a script may source it twice). The process helpers need
# tt_run_init first. Everything works under "set -u" and "set -e".
#
# The helpers that run while a measurement runs (tt_alive, tt_sleep, the
# waits) use bash builtins only (no fork, after tt_sleep_without_fork), so
# that the benchmark's own shell takes next to no CPU time from the cores
# it measures.

TT_PY=/usr/bin/python3
[ -x "$TT_PY" ] || TT_PY=python3
TT_DPDK_GC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/dpdk-gc.py
# The EAL memory options where hugepages cannot be had.
TT_EAL_NO_HUGE="--no-huge -m 512"

# tt_run_init NAME: make the private directory /tmp/NAME-XXXXXX (TT_RUN_DIR)
# where the PIDs of what we start are kept (TT_PIDS_FILE). Must not run
# inside $(...).
tt_run_init() {
	TT_RUN_DIR=$(mktemp -d "/tmp/$1-XXXXXX") || return 1
	TT_PIDS_FILE=$TT_RUN_DIR/.pids
	: >"$TT_PIDS_FILE"
}

# tt_sleep_without_fork: from now on tt_sleep reads a FIFO in TT_RUN_DIR
# (for the benchmark, whose shell must not take CPU time from the cores it
# measures). Must not run inside $(...).
tt_sleep_without_fork() {
	mkfifo "$TT_RUN_DIR/.sleep" && exec {TT_SLEEP_FD}<>"$TT_RUN_DIR/.sleep"
}

# tt_on_exit_call FUNC: run FUNC when the script exits, also on SIGINT and
# SIGTERM (with status 130 and 143).
tt_on_exit_call() {
	# shellcheck disable=SC2064 # the function's name, now
	trap "$1" EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# tt_sleep SECONDS: sleep; after tt_sleep_without_fork, without a fork (a
# read that times out on a FIFO nobody writes to).
tt_sleep() {
	if [ -n "${TT_SLEEP_FD:-}" ]; then
		read -r -t "$1" -u "$TT_SLEEP_FD" _ 2>/dev/null || :
	else
		sleep "$1"
	fi
	return 0
}

# tt_alive PID: true while PID runs (a zombie counts as gone).
tt_alive() {
	local line st
	read -r line 2>/dev/null <"/proc/$1/stat" || return 1
	st=${line##*) }
	st=${st%% *}
	[ -n "$st" ] && [ "$st" != Z ]
}

# tt_track_pid PID: stop PID on exit (tt_stop_all).
tt_track_pid() {
	echo "$1" >>"$TT_PIDS_FILE"
}

# tt_forget_pid PID: PID was stopped and waited for.
tt_forget_pid() {
	grep -vx "$1" "$TT_PIDS_FILE" >"$TT_PIDS_FILE.tmp" 2>/dev/null || :
	mv -f "$TT_PIDS_FILE.tmp" "$TT_PIDS_FILE"
}

# tt_spawn LOG CMD...: start CMD in the background with its output
# (stdout and stderr) in LOG; its PID in TT_SPAWN_PID, stopped on exit.
# Must not run inside $(...) (the process would not be our child).
tt_spawn() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 &
	TT_SPAWN_PID=$!
	tt_track_pid "$TT_SPAWN_PID"
}

# tt_reap PID TIMEOUT_S [MESSAGE]: wait for PID to exit; after TIMEOUT_S
# print MESSAGE (if any) on stderr and SIGKILL it. Returns its exit status
# (137 after SIGKILL).
tt_reap() {
	local pid=$1 n=$(($2 * 10)) i=0 rc
	while tt_alive "$pid" && [ $i -lt $n ]; do
		tt_sleep 0.1
		i=$((i + 1))
	done
	if tt_alive "$pid"; then
		[ -n "${3:-}" ] && echo "$3" >&2
		kill -KILL "$pid" 2>/dev/null || :
	fi
	wait "$pid" 2>/dev/null && rc=0 || rc=$?
	tt_forget_pid "$pid"
	return $rc
}

# tt_stop_all: every process still tracked, by PID: SIGTERM to all, up to
# 5 s each to exit, then SIGKILL. For the exit handler.
tt_stop_all() {
	local pid
	while read -r pid; do
		if [ -n "$pid" ] && tt_alive "$pid"; then
			kill -TERM "$pid" 2>/dev/null || :
		fi
	done <"$TT_PIDS_FILE"
	while read -r pid; do
		[ -z "$pid" ] || tt_reap "$pid" 5 || :
	done <"$TT_PIDS_FILE"
	return 0
}

# tt_wait_for_log FILE PATTERN [TIMEOUT_S=30] [PID]: wait until a line of
# FILE matches PATTERN (grep -E), e.g. tcpterm's "worker 0 started", which
# comes after its ports started: a net_tap interface may only be moved into
# a namespace after that, or the PMD attaches its queues to a second tap it
# creates in the root namespace. Returns 1 on timeout, 2 when PID exited
# first.
tt_wait_for_log() {
	local f=$1 pat=$2 n=$((${3:-30} * 10)) pid=${4:-} i=0
	while [ $i -lt $n ]; do
		grep -qE "$pat" "$f" 2>/dev/null && return 0
		if [ -n "$pid" ] && ! tt_alive "$pid"; then
			# It may have written the line as it exited.
			grep -qE "$pat" "$f" 2>/dev/null && return 0
			return 2
		fi
		tt_sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# tt_dpdk_gc GLOB [MIN_AGE_S=30]: remove the DPDK leftovers that no process
# uses any more: hugepage files (in every hugetlbfs mount) and runtime
# directories (/var/run/dpdk/PREFIX) whose names match GLOB. A DPDK process
# does not unlink its hugepage files at exit (only a later run with the same
# --file-prefix reuses them), so tests, which use a prefix of their own every
# run, would slowly use up all hugepages. Files in use (open or mapped) are
# kept, and so are directories younger than MIN_AGE_S (a starting process
# may not have opened its files yet).
tt_dpdk_gc() {
	"$TT_PY" "$TT_DPDK_GC" "${1:-*}" "${2:-30}"
}

# tt_eal_extra [FILE]: print the EAL options every tcpterm command line
# carries before "--": TT_EAL_EXTRA when set (even empty: hugepages), else
# FILE's content (scripts/setup.sh writes build/eal-extra.txt), else
# $TT_EAL_NO_HUGE.
tt_eal_extra() {
	if [ "${TT_EAL_EXTRA+set}" = set ]; then
		printf '%s\n' "$TT_EAL_EXTRA"
	elif [ -n "${1:-}" ] && [ -f "$1" ]; then
		cat "$1"
	else
		printf '%s\n' "$TT_EAL_NO_HUGE"
	fi
}

# tt_json_get FILE EXPR: evaluate a Python expression over the JSON in FILE
# (bound to d), e.g. tt_json_get out.json 'd["counters"]["icmp_echo_tx"]'.
# Dicts and lists print as JSON, other values as Python prints them.
tt_json_get() {
	"$TT_PY" -c '
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
v = eval(sys.argv[2])
print(json.dumps(v) if isinstance(v, (dict, list)) else v)
' "$1" "$2"
}
