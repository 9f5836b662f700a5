#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The tcpterm benchmark: every scenario of docs/benchmarks.md on this
# machine, each figure repeated, as one markdown table.
#
#	scripts/bench.sh [--quick] [--runs N] [--out FILE] [--only LIST]
#
#   --quick      smoke mode: tiny durations, 1 run, a minute at most (CI runs
#                it through tests/integration/test_bench_smoke.sh)
#   --runs N     runs per figure (default 3; median and min-max reported)
#   --out FILE   also append the markdown to FILE
#   --only LIST  run only these scenarios (e.g. 2,4); the others are listed
#                as not run
#
# Scenarios (docs/benchmarks.md says what each measures and how):
#   1 kernel baseline: nginx (1 worker) + wrk -c64 'Connection: close' on
#     127.0.0.1
#   2 tcpterm server and client, two processes over net_memif: HTTP, one
#     request per connection, as fast as possible
#   3 the stack alone: both roles in one process over net_ring, one core
#   4 the I/O ceiling: two dpdk-testpmd in io forwarding over net_memif
#   5 1,000,000 established idle connections held by a tcpterm server, and
#     the CPS of a second client with the table empty and full
#   6 bulk: app=send into discard (1 and 64 connections), 1 MiB fixed
#     responses, over net_ring and over net_memif
#   7 instructions per connection under valgrind --tool=callgrind
#
# Needs root (hugepages, /var/run/dpdk). Uses scripts/setup.sh for the
# packages, the build and the memory mode (hugepages, or --no-huge when
# they cannot be had). The client side runs on the first CPU we may use,
# the server side on the second (TT_BENCH_CORES="A B" to choose).
# Traffic stays inside the processes, shared memory and 127.0.0.1.
#
# Environment:
#   TCPTERM            the binary to measure (default build/app/tcpterm);
#                      when set, setup.sh does not build
#   TT_BENCH_CORES     "CLIENT_CPU SERVER_CPU"
#   TT_BENCH_SKIP_SETUP=1  do not source scripts/setup.sh
#   TT_BENCH_KEEP=1    keep the work directory (logs, JSON) and print it
#   TT_BENCH_NICE=N    run the measured processes under nice -n N (e.g. -5
#                      on a shared machine; default: no change)
#   TT_BENCH_MEMIF_RSIZE=N  log2 of the memif ring size of scenarios 2, 4
#                      and 6 (default 11: 2048 descriptors; the driver's
#                      default is 10)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
py=/usr/bin/python3
[ -x "$py" ] || py=python3

quick=0
S2_FRAME=
S4_SEQ=0
S4_DONE=
runs=
out=
only=

usage() {
	sed -n '4,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--runs) runs=${2:-}; shift ;;
	--runs=*) runs=${1#--runs=} ;;
	--out) out=${2:-}; shift ;;
	--out=*) out=${1#--out=} ;;
	--only) only=${2:-}; shift ;;
	--only=*) only=${1#--only=} ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
if [ -z "$runs" ]; then
	runs=3
	[ $quick = 1 ] && runs=1
fi
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
	echo "bench.sh: --runs needs a positive integer, not '$runs'" >&2
	exit 2
fi
if [ -n "$out" ] && ! touch "$out" 2>/dev/null; then
	echo "bench.sh: cannot write $out" >&2
	exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "bench.sh: must run as root (hugepages, DPDK runtime directories)" >&2
	exit 1
fi

log() {
	echo "bench: $*" >&2
}

# ---- Work directory, processes and cleanup. ----

W=$(mktemp -d /tmp/tt-bench-XXXXXX) || exit 1
P=ttb$$			# DPDK --file-prefix of everything we start
: >"$W/.pids"
: >"$W/rows.tsv"
: >"$W/values.tsv"
: >"$W/notes.tsv"
: >"$W/ratios.tsv"
: >"$W/meta.tsv"
t_begin=$(date +%s)

# The helpers below that run while a measurement runs use bash builtins
# only (no fork), so that the benchmark's own shell takes next to no CPU
# time from the cores it measures.

# b_alive PID: true while PID runs (a zombie counts as gone).
b_alive() {
	local line st
	read -r line 2>/dev/null <"/proc/$1/stat" || return 1
	st=${line##*) }
	st=${st%% *}
	[ -n "$st" ] && [ "$st" != Z ]
}

# b_sleep SECONDS: sleep without a fork (a read that times out on a FIFO
# nobody writes to).
mkfifo "$W/.sleep" && exec {B_SLEEP_FD}<>"$W/.sleep"
b_sleep() {
	read -r -t "$1" -u "$B_SLEEP_FD" _ 2>/dev/null
	return 0
}

b_forget() {
	grep -vx "$1" "$W/.pids" >"$W/.pids.tmp" 2>/dev/null
	mv -f "$W/.pids.tmp" "$W/.pids"
}

# b_dpdk_leftovers [NAME...]: remove what DPDK leaves behind (runtime
# directory, hugepage files of a killed process) for the processes NAME
# (their --file-prefix is $P-NAME), which have exited; without NAME, for
# all of ours. scripts/dpdk-gc.py keeps whatever a running process still
# uses.
b_dpdk_leftovers() {
	local n
	local -a names=("$@")
	[ $# -eq 0 ] && names=('')
	for n in "${names[@]}"; do
		/usr/bin/python3 "$root/scripts/dpdk-gc.py" "$P-$n*" 0 >/dev/null 2>&1
	done
}

b_cleanup() {
	local rc=$? pid i
	set +e
	trap - EXIT INT TERM
	while read -r pid; do
		[ -n "$pid" ] && b_alive "$pid" && kill -TERM "$pid" 2>/dev/null
	done <"$W/.pids"
	while read -r pid; do
		[ -n "$pid" ] || continue
		i=0
		while b_alive "$pid" && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		b_alive "$pid" && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done <"$W/.pids"
	b_dpdk_leftovers
	if [ "${TT_BENCH_KEEP:-0}" = 1 ]; then
		log "work directory kept: $W"
	else
		rm -rf "$W"
	fi
	exit "$rc"
}
trap b_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# b_bg NAME CMD...: start CMD in the background, output in $W/NAME.log; PID
# in BG_PID. Must not run inside $(...).
b_bg() {
	local name=$1
	shift
	"$@" >"$W/$name.log" 2>&1 &
	BG_PID=$!
	echo "$BG_PID" >>"$W/.pids"
}

# b_wait PID TIMEOUT_S: wait for PID to exit; SIGKILL after the timeout.
# Returns its status.
b_wait() {
	local pid=$1 n=$(($2 * 10)) i=0 rc
	while b_alive "$pid" && [ $i -lt $n ]; do
		b_sleep 0.1
		i=$((i + 1))
	done
	if b_alive "$pid"; then
		log "pid $pid still running after $2 s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	b_forget "$pid"
	return $rc
}

# b_stop PID: SIGTERM, then b_wait 15 s.
b_stop() {
	kill -TERM "$1" 2>/dev/null
	b_wait "$1" 15
}

# b_wait_log FILE PATTERN TIMEOUT_S PID: until FILE matches PATTERN (grep
# -E); fails when PID exits first or on timeout.
b_wait_log() {
	local f=$1 pat=$2 n=$(($3 * 10)) pid=$4 i=0
	while [ $i -lt $n ]; do
		grep -qE "$pat" "$f" 2>/dev/null && return 0
		b_alive "$pid" || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# b_runtime PID VAR: time spent on a CPU by PID's main thread (the DPDK
# main lcore), in ns, into VAR (empty when PID is gone).
b_runtime() {
	local __l=
	read -r __l _ 2>/dev/null <"/proc/$1/schedstat"
	printf -v "$2" '%s' "$__l"
}

# b_now VAR: the time in ns into VAR.
b_now() {
	local __t=${EPOCHREALTIME/[.,]/}
	printf -v "$1" '%s' "${__t}000"
}

# b_wait_client CPID TIMEOUT_S LOG [SPID [WINDOW_S]]: wait for the client
# process to exit while sampling how much CPU time it (and the server SPID)
# got from the moment the generator started (LOG says "next hops
# resolved") for WINDOW_S seconds (default: to its end). Sets B_SHARE_C and
# B_SHARE_S (percent, empty if unknown). Returns the client's exit status.
b_wait_client() {
	local cpid=$1 n=$(($2 * 10)) clog=$3 spid=${4:-} win=${5:-0} i=0 rc
	local t0='' c0='' s0='' t1='' c1='' s1='' t c s
	B_SHARE_C=
	B_SHARE_S=
	while b_alive "$cpid" && [ $i -lt $n ]; do
		b_now t
		b_runtime "$cpid" c
		s=
		[ -n "$spid" ] && b_runtime "$spid" s
		if [ -z "$t0" ]; then
			if [ -n "$c" ] && grep -q "next hops resolved" "$clog" 2>/dev/null; then
				t0=$t c0=$c s0=$s
			fi
		elif [ -n "$c" ] && { [ "$win" = 0 ] || [ $((t - t0)) -le $((win * 1000000000)) ]; }; then
			t1=$t c1=$c s1=$s
		fi
		b_sleep 0.1
		i=$((i + 1))
	done
	if b_alive "$cpid"; then
		log "pid $cpid still running after $2 s: SIGTERM"
		kill -TERM "$cpid" 2>/dev/null
		b_wait "$cpid" 10
		rc=124
	else
		wait "$cpid" 2>/dev/null
		rc=$?
		b_forget "$cpid"
	fi
	if [ -n "$t1" ] && [ "$t1" -gt "$t0" ]; then
		B_SHARE_C=$(awk -v a="$c0" -v b="$c1" -v t="$((t1 - t0))" \
			'BEGIN { printf "%.0f", 100 * (b - a) / t }')
		if [ -n "$s0" ] && [ -n "$s1" ]; then
			B_SHARE_S=$(awk -v a="$s0" -v b="$s1" -v t="$((t1 - t0))" \
				'BEGIN { printf "%.0f", 100 * (b - a) / t }')
		fi
	fi
	return $rc
}

# b_json FILE EXPR: a Python expression over the JSON document d.
b_json() {
	"$py" -c '
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
v = eval(sys.argv[2])
print(json.dumps(v) if isinstance(v, (dict, list)) else v)
' "$1" "$2" 2>/dev/null
}

# b_calc EXPR: arithmetic in Python (floats).
b_calc() {
	"$py" -c "import sys; print($1)" 2>/dev/null
}

# ---- Results. ----

# b_row ID SCENARIO METRIC UNIT: declare a table row (in order).
b_row() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$W/rows.tsv"
}

# b_val ID VALUE: one run's figure.
b_val() {
	[ -n "$2" ] && [ "$2" != None ] && printf '%s\t%s\n' "$1" "$2" >>"$W/values.tsv"
	return 0
}

# b_note ID TEXT
b_note() {
	printf '%s\t%s\n' "$1" "$2" >>"$W/notes.tsv"
}

b_meta() {
	printf '%s\t%s\n' "$1" "$2" >>"$W/meta.tsv"
}

# "lo-hi" of a list of numbers (for notes); empty when the list is.
b_span() {
	[ $# -eq 0 ] && return 0
	printf '%s\n' "$@" | sort -n | awk 'NR == 1 {lo = $1} {hi = $1}
		END { if (lo == hi) print lo; else print lo "-" hi }'
}

# ---- Setup: packages, build, memory mode. ----

if [ "${TT_BENCH_SKIP_SETUP:-0}" != 1 ] && [ -f "$root/scripts/setup.sh" ]; then
	[ -n "${TCPTERM:-}" ] && export TT_SKIP_BUILD=1
	set +u
	# shellcheck source=scripts/setup.sh
	. "$root/scripts/setup.sh"
	setup_rc=$?
	set -u
	[ $setup_rc -eq 0 ] || log "scripts/setup.sh returned $setup_rc; going on with what is installed"
fi
cd "$root" || exit 1

src_bin=${TCPTERM:-$root/build/app/tcpterm}
if [ ! -x "$src_bin" ]; then
	echo "bench.sh: $src_bin not built (run scripts/setup.sh)" >&2
	exit 1
fi
# A copy: others may rebuild while we measure.
BIN=$W/tcpterm
cp "$src_bin" "$BIN" || exit 1

if [ "${TT_EAL_EXTRA+set}" = set ]; then
	eal_extra=$TT_EAL_EXTRA
elif [ -f "$root/build/eal-extra.txt" ]; then
	eal_extra=$(cat "$root/build/eal-extra.txt")
else
	eal_extra="--no-huge -m 512"
fi
case " $eal_extra " in
*" --no-huge "*) huge=0 ;;
*) huge=1 ;;
esac

read -r CA CB < <("$py" -c '
import os
c = sorted(os.sched_getaffinity(0))
print(c[0], c[1] if len(c) > 1 else c[0])')
if [ -n "${TT_BENCH_CORES:-}" ]; then
	read -r CA CB <<<"$TT_BENCH_CORES"
fi
# The memif rings of scenarios 2, 4 and 6 (both ends, testpmd's too):
# 2048 descriptors per direction, room for the packets of 1024 connections.
memif_ring=",rsize=${TT_BENCH_MEMIF_RSIZE:-11}"
nice_cmd=()
if [ -n "${TT_BENCH_NICE:-}" ]; then
	nice_cmd=(nice -n "$TT_BENCH_NICE")
fi

# b_memmode NEED_MB: "huge" when free 2 MiB hugepages cover NEED_MB with a
# quarter to spare (and setup.sh chose hugepages), else "nohuge".
b_memmode() {
	local free
	if [ $huge = 1 ]; then
		free=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0)
		if [ $((free * 2)) -ge $(($1 + $1 / 4)) ]; then
			echo huge
			return
		fi
	fi
	echo nohuge
}

# b_memargs MODE MB: the EAL memory options of one process.
b_memargs() {
	if [ "$1" = huge ]; then
		echo "--huge-unlink"
	else
		echo "--no-huge -m $2"
	fi
}

# b_eal CORE NAME: the [eal] args of a process (vdevs are appended).
b_eal() {
	echo "-l $1 --no-pci --file-prefix=$P-$2"
}

# b_tt NAME CORE MEMARGS TCPTERM-ARGS...: start tcpterm on CORE in the
# background (BG_PID, log $W/NAME.log).
b_tt() {
	local name=$1 core=$2 mem=$3
	shift 3
	local -a m cmd
	# shellcheck disable=SC2206 # EAL memory options are words
	m=($mem)
	cmd=("${nice_cmd[@]}" taskset -c "$core" "$BIN")
	[ ${#m[@]} -gt 0 ] && cmd+=("${m[@]}" --)
	cmd+=("$@")
	echo "${cmd[*]}" >"$W/$name.cmd"
	b_bg "$name" "${cmd[@]}"
}

# Does the user want scenario $1?
b_want() {
	[ -z "$only" ] && return 0
	[[ ",$only," == *",$1,"* ]]
}

# ---- Durations. ----

if [ $quick = 1 ]; then
	d_wrk=1 d_memif=1 d_ring=1 d_tp=1 d_s5=1
	sweep=""
	c_memif=256
	hold=10000
	slot_big=262144
	send1_bytes=67108864 send64_bytes=1048576 fixed_conns=64
	cg_small=300 cg_big=1300
else
	d_wrk=10 d_memif=10 d_ring=5 d_tp=3 d_s5=3
	sweep="64 256 1024"
	c_memif=256
	hold=1000000
	slot_big=1048576
	send1_bytes=1073741824 send64_bytes=4194304 fixed_conns=256
	cg_small=2000 cg_big=20000
fi

# ---- The table's rows, declared up front. ----

b_row 1 "1. Kernel: nginx + wrk, 127.0.0.1" "connections/s" "conn/s"
b_row 2a "2. tcpterm client + server, net_memif" "connections/s" "conn/s"
b_row 2b "2. tcpterm client + server, net_memif" "packets per connection" "pkts/conn"
b_row 2c "2. tcpterm client + server, net_memif" "mean frame size" "bytes"
b_row 3 "3. Stack alone: both roles, net_ring, 1 core" "connections/s" "conn/s"
b_row 4a "4. I/O ceiling: testpmd io, net_memif" "packets/s (both directions)" "pkt/s"
b_row 4b "4. I/O ceiling: testpmd io, net_memif" "packets/s at scenario 2's mean frame size" "pkt/s"
b_row 5a "5. Held connections (server, net_memif)" "established idle connections held" "connections"
b_row 5b "5. Held connections (server, net_memif)" "opening rate to get there" "conn/s"
b_row 5c "5. Held connections (server, net_memif)" "CPS of a 2nd client, table empty" "conn/s"
b_row 5d "5. Held connections (server, net_memif)" "CPS of a 2nd client, connections held" "conn/s"
b_row 5e "5. Held connections (server, net_memif)" "memory per connection slot (tt_conn + rte_hash)" "bytes"
b_row 5f "5. Held connections (server, net_memif)" "heap growth per held connection" "bytes"
b_row 5g "5. Held connections (server, net_memif)" "most held: as many as memory allows" "connections"
b_row 5h "5. Held connections (server, net_memif)" "opening rate to get there" "conn/s"
b_row 6a "6. Bulk, net_ring" "send -> discard, 1 connection" "Gbit/s"
b_row 6b "6. Bulk, net_ring" "send -> discard, 64 connections" "Gbit/s"
b_row 6c "6. Bulk, net_ring" "fixed 1 MiB responses, 64 connections" "Gbit/s"
b_row 6d "6. Bulk, net_memif" "send -> discard, 1 connection" "Gbit/s"
b_row 6e "6. Bulk, net_memif" "send -> discard, 64 connections" "Gbit/s"
b_row 6f "6. Bulk, net_memif" "fixed 1 MiB responses, 64 connections" "Gbit/s"
b_row 7 "7. Instructions per connection (callgrind, net_ring)" "instructions per connection, both ends" "instructions"

# ---- Scenario 1: the kernel. ----

s1_kernel() {
	local id=1 d=$W/nginx port body i rps err npid
	if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
		b_note $id "skipped: needs nginx (nginx-light) and wrk"
		return
	fi
	mkdir -p "$d"
	port=$("$py" -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
	body=$(head -c 100 /dev/zero | tr '\0' x)
	cat >"$d/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process on;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $d/body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	server {
		listen 127.0.0.1:$port backlog=4096;
		location / {
			default_type text/plain;
			return 200 "$body";
		}
	}
}
EOF
	b_bg nginx "${nice_cmd[@]}" taskset -c "$CB" nginx -e "$d/error.log" -p "$d" -c "$d/nginx.conf"
	npid=$BG_PID
	i=0
	while [ $i -lt 50 ]; do
		[ "$(curl -s --max-time 1 "http://127.0.0.1:$port/" 2>/dev/null | wc -c)" = 100 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	if [ $i -ge 50 ]; then
		b_note $id "failed: nginx did not answer on 127.0.0.1:$port"
		b_stop "$npid"
		return
	fi
	for i in $(seq "$runs"); do
		"${nice_cmd[@]}" taskset -c "$CA" wrk -t1 -c64 -d"${d_wrk}s" -H 'Connection: close' \
			"http://127.0.0.1:$port/" >"$W/wrk.$i.log" 2>&1
		rps=$(awk '/^Requests\/sec:/ {print $2}' "$W/wrk.$i.log")
		err=$(grep -E 'Socket errors|Non-2xx' "$W/wrk.$i.log" | tr -s ' \n' ' ')
		[ -n "$err" ] && b_note $id "wrk: $err"
		b_val $id "$rps"
		log "[1] run $i: ${rps:-failed} requests (= connections)/s"
	done
	b_stop "$npid"
	b_note $id "nginx 1 worker on CPU $CB, wrk -t1 -c64 -d${d_wrk}s -H 'Connection: close' on CPU $CA, 100-byte body"
}

# ---- net_memif pairs. ----

# mp_run NAME TIMEOUT_S NEED_MB MEM_MB: server then client over a fresh
# memif socket; extra options in the arrays MP_SRV and MP_CLI. NEED_MB is
# what both need together (hugepages are used when that much is free),
# MEM_MB the -m of each without hugepages. Leaves
# $W/NAME.srv.json and $W/NAME.cli.json, B_SHARE_C/B_SHARE_S, MP_MODE.
# Returns 0 when both exited cleanly.
mp_run() {
	local name=$1 timeout=$2 need=$3 mem=$4 sock=$W/$1.sock spid cpid rc src
	MP_MODE=$(b_memmode "$need")
	rm -f "$W/$name.srv.json" "$W/$name.cli.json"
	b_tt "$name.srv" "$CB" "$(b_memargs "$MP_MODE" "$mem")" \
		-c "$root/config/memif-server.ini" \
		--set "eal.args=$(b_eal "$CB" "$name-s") --vdev=net_memif0,role=server,socket=$sock$memif_ring" \
		--set general.stats_interval_ms=0 "${MP_SRV[@]}" --json "$W/$name.srv.json"
	spid=$BG_PID
	if ! b_wait_log "$W/$name.srv.log" "worker 0 started" 60 "$spid"; then
		log "$name: the server did not start (log $W/$name.srv.log)"
		b_stop "$spid"
		return 1
	fi
	b_tt "$name.cli" "$CA" "$(b_memargs "$MP_MODE" "$mem")" \
		-c "$root/config/memif-client.ini" \
		--set "eal.args=$(b_eal "$CA" "$name-c") --vdev=net_memif0,role=client,socket=$sock$memif_ring" \
		--set general.stats_interval_ms=0 --set client.source_ips=198.18.0.10-198.18.0.250 \
		"${MP_CLI[@]}" --json "$W/$name.cli.json"
	cpid=$BG_PID
	b_wait_client "$cpid" "$timeout" "$W/$name.cli.log" "$spid" "${MP_WINDOW:-0}"
	rc=$?
	# The client first, then the server (DPDK 22.11 memif pitfall).
	b_stop "$spid"
	src=$?
	b_dpdk_leftovers "$name-s" "$name-c"
	if [ $rc -ne 0 ] || [ $src -ne 0 ] || [ ! -s "$W/$name.cli.json" ] ||
	   [ ! -s "$W/$name.srv.json" ]; then
		log "$name: client exited $rc, server $src (logs $W/$name.cli.log, $W/$name.srv.log)"
		return 1
	fi
	return 0
}

# The client's failures and the drops of both sides, for notes.
mp_problems() {
	"$py" - "$@" <<'EOF' 2>/dev/null
import json, sys
out = []
for p in sys.argv[1:]:
    d = json.load(open(p))
    c = d.get("client")
    if c:
        f = sum(c["failed"].values())
        un = c["opened"] - c["completed"] - f
        if f:
            out.append("%d failed" % f)
        if un > 0:
            out.append("%d unfinished" % un)
    if d["drops_total"]:
        # A few link_down drops at start (gratuitous ARP before the memif
        # link is up) are expected.
        top = sorted(((v, k) for k, v in d["drops"].items() if v and k != "link_down"),
                     reverse=True)[:2]
        if top:
            out.append("drops %s" % ", ".join("%s %d" % (k, v) for v, k in top))
    r = sum(d["counters"][k] for k in ("retrans_syn", "retrans_synack", "retrans_data", "retrans_fin"))
    if r:
        out.append("%d retransmissions" % r)
print("; ".join(out))
EOF
}

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
				if "$py" -c "import sys; sys.exit(0 if $score > $bestv else 1)"; then
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
		ppc=$("$py" -c '
import json, sys
c = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))
n = c["client"]["completed"]
print((c["counters"]["tcp_segs_out"] + s["counters"]["tcp_segs_out"]) / n if n else "")
' "$W/s2run$i.cli.json" "$W/s2run$i.srv.json")
		frame=$("$py" -c '
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

# ---- Scenario 3: one process, net_ring. ----

s3_ring() {
	local i mode pid cps prob
	local -a sh=()
	mode=$(b_memmode 300)
	for i in $(seq "$runs"); do
		b_tt "s3run$i" "$CB" "$(b_memargs "$mode" 1024)" -c "$root/config/loopback.ini" \
			--set "eal.args=$(b_eal "$CB" "s3run$i")" \
			--set general.duration=0 --set general.stats_interval_ms=0 \
			--set client.rate=0 --set client.concurrency=256 \
			--set "client.duration=$d_ring" --set client.source_ips=198.18.0.10-198.18.0.250 \
			--set tcp.max_flows=524288 --set tcp.msl_ms=100 --json "$W/s3run$i.json"
		pid=$BG_PID
		if ! b_wait_client "$pid" $((d_ring + 40)) "$W/s3run$i.log" "" "$d_ring" ||
		   [ ! -s "$W/s3run$i.json" ]; then
			b_note 3 "run $i failed (log $W/s3run$i.log)"
			continue
		fi
		b_dpdk_leftovers "s3run$i"
		cps=$(b_json "$W/s3run$i.json" 'd["client"]["rate_achieved"]')
		b_val 3 "$cps"
		prob=$(mp_problems "$W/s3run$i.json")
		[ -n "$prob" ] && b_note 3 "run $i: $prob"
		[ -n "$B_SHARE_C" ] && sh+=("$B_SHARE_C")
		log "[3] run $i: $cps conn/s, CPU share ${B_SHARE_C:-?}%"
	done
	b_note 3 "config/loopback.ini, HTTP GET, 100-byte body, concurrency 256, rate 0, ${d_ring} s, on CPU $CB; memory: $mode"
	[ ${#sh[@]} -gt 0 ] && b_note 3 "CPU time it got: $(b_span "${sh[@]}")%"
}

# ---- Scenario 4: dpdk-testpmd over net_memif. ----

# tp_cmd FD LINE: one command to a testpmd's stdin.
tp_cmd() {
	echo "$2" >&"$1"
}

# s4_run ID LEN: --runs ping-pong measurements of LEN-byte frames (64 for
# the ceiling the targets use; scenario 2's mean frame size for row 4b).
s4_run() {
	local id=$1 len=$2 n=${3:-$runs} i k lat mode mem sock pa pb fa fb rx tx
	mode=$(b_memmode 200)
	if [ "$mode" = huge ]; then
		mem="--huge-unlink"
	else
		mem="--no-huge -m 1024"
	fi
	for i in $(seq "$n"); do
		# Files and prefixes numbered across calls (4a, 4b, interleaved).
		S4_SEQ=$((S4_SEQ + 1))
		k=$S4_SEQ
		lat=$(b_c2c)
		[ -n "$lat" ] && b_note "$id" "cache-line round trip between the CPUs before measurement $k: $lat ns"
		sock=$W/tp$k.sock
		rm -f "$W/tpa$k.in" "$W/tpb$k.in"
		mkfifo "$W/tpa$k.in" "$W/tpb$k.in"
		# Held open read-write by us, so testpmd's stdin never sees EOF.
		exec {fa}<>"$W/tpa$k.in" {fb}<>"$W/tpb$k.in"
		# shellcheck disable=SC2086 # EAL memory options are words
		"${nice_cmd[@]}" taskset -c "$CB" dpdk-testpmd --lcores="0@$CB,1@$CB" $mem --no-pci \
			--file-prefix="$P-tpa$k" --vdev="net_memif0,role=server,socket=$sock$memif_ring" -- \
			-i --forward-mode=io --port-topology=loop --total-num-mbufs=16384 \
			<"$W/tpa$k.in" >"$W/tpa$k.log" 2>&1 &
		pa=$!
		echo "$pa" >>"$W/.pids"
		if ! b_wait_log "$W/tpa$k.log" "testpmd>" 60 "$pa"; then
			b_note $id "measurement $k: testpmd (memif server) did not start"
			exec {fa}>&- {fb}>&-
			b_stop "$pa"
			continue
		fi
		# shellcheck disable=SC2086
		"${nice_cmd[@]}" taskset -c "$CA" dpdk-testpmd --lcores="0@$CA,1@$CA" $mem --no-pci \
			--file-prefix="$P-tpb$k" --vdev="net_memif0,role=client,socket=$sock$memif_ring" -- \
			-i --forward-mode=io --port-topology=loop --total-num-mbufs=16384 \
			<"$W/tpb$k.in" >"$W/tpb$k.log" 2>&1 &
		pb=$!
		echo "$pb" >>"$W/.pids"
		if ! b_wait_log "$W/tpb$k.log" "testpmd>" 60 "$pb"; then
			b_note $id "measurement $k: testpmd (memif client) did not start"
			exec {fa}>&- {fb}>&-
			b_stop "$pb"
			b_stop "$pa"
			continue
		fi
		sleep 1
		tp_cmd $fa "start"
		# The frames start_tx_first makes (io forwarding keeps them as
		# they are): Ethernet + IPv4 + UDP + payload, LEN bytes in all.
		[ "$len" != 64 ] && tp_cmd $fb "set txpkts $len"
		# 16 bursts of 32 packets go round and round.
		tp_cmd $fb "start tx_first 16"
		sleep 1
		tp_cmd $fb "show port stats all"
		b_sleep "$d_tp"
		tp_cmd $fb "show port stats all"
		sleep 0.5
		# The memif client first, then the server.
		tp_cmd $fb "stop"
		tp_cmd $fb "quit"
		b_wait "$pb" 20
		tp_cmd $fa "stop"
		tp_cmd $fa "quit"
		b_wait "$pa" 20
		exec {fa}>&- {fb}>&-
		b_dpdk_leftovers "tpa$k" "tpb$k"
		rx=$(awk '/Rx-pps:/ {v = $2} END {print v}' "$W/tpb$k.log")
		tx=$(awk '/Tx-pps:/ {v = $2} END {print v}' "$W/tpb$k.log")
		if [ -z "$rx" ] || [ -z "$tx" ]; then
			b_note $id "measurement $k: no Rx-pps in the testpmd output (log $W/tpb$k.log)"
			continue
		fi
		b_val $id $((rx + tx))
		log "[4] measurement $k ($len-byte frames): rx $rx + tx $tx = $((rx + tx)) packets/s${lat:+, core-to-core round trip before it $lat ns}"
	done
	b_note $id "two dpdk-testpmd, --forward-mode=io, memif ${memif_ring#,}, memif server on CPU $CB and client on CPU $CA, 512 $len-byte packets in flight (start tx_first 16), ${d_tp} s; Rx-pps + Tx-pps of the client = packets crossing the link per second; memory: $mode"
}

# Whether scenario 4 can run (else its rows say why).
s4_ready() {
	command -v dpdk-testpmd >/dev/null && return 0
	b_note 4a "skipped: needs dpdk-testpmd (Debian package dpdk)"
	b_note 4b "skipped: needs dpdk-testpmd (Debian package dpdk)"
	return 1
}

s4_testpmd() {
	# Already measured between scenario 2's runs (see s2_memif).
	[ -n "$S4_DONE" ] && return
	s4_ready || return
	s4_run 4a 64
	# The same link at the size of the frames scenario 2 really sent: a
	# connection's segments carry 0 to ~200 bytes of payload, so 64-byte
	# frames make the ceiling generous; this row says by how much.
	if [ -n "$S2_FRAME" ]; then
		s4_run 4b "$S2_FRAME"
		b_note 4b "frame size = scenario 2's mean frame (both sides' tx_bytes / tx_pkts)"
	else
		b_note 4b "not run: needs scenario 2's mean frame size (run scenario 2 too)"
	fi
}

# ---- Scenario 5: held connections. ----

# The server's last "flows N" and "established X/s" from its live lines.
s5_flows() {
	grep -oE 'flows [0-9]+' "$1" 2>/dev/null | tail -n 1 | awk '{print $2}'
}

# s5_client TAG I: one run of the short-connection client against the
# server's second memif port. Prints the conn/s.
s5_client() {
	local tag=$1 i=$2 name=s5c$1$2 pid cps
	b_tt "$name" "$CA" "$(b_memargs "$s5c_mode" 512)" -c "$root/config/memif-client.ini" \
		--set "eal.args=$(b_eal "$CA" "$name") --vdev=net_memif0,role=client,socket=$W/s5cps.sock" \
		--set general.stats_interval_ms=0 --set port0.ip=198.18.1.1/24 \
		--set client.target=198.18.1.2:80 --set client.source_ips=198.18.1.10-198.18.1.250 \
		--set client.app=fixed --set client.request_bytes=2 --set client.response_bytes=100 \
		--set client.rate=0 --set client.concurrency=256 --set "client.duration=$d_s5" \
		--set tcp.msl_ms=100 --set tcp.max_flows=262144 --json "$W/$name.json"
	pid=$BG_PID
	b_wait_client "$pid" $((d_s5 + 40)) "$W/$name.log" "$s5_spid" "$d_s5"
	b_dpdk_leftovers "$name"
	cps=$(b_json "$W/$name.json" 'd["client"]["rate_achieved"]')
	log "[5] CPS with the table $tag, run $i: ${cps:-failed} conn/s, CPU share client ${B_SHARE_C:-?}% server ${B_SHARE_S:-?}%"
	[ -n "$B_SHARE_C" ] && s5_sh+=("$B_SHARE_C/$B_SHARE_S")
	S5_CPS=$cps
}

# Bytes per table slot: the DPDK heap of a server-only process with a
# small and with a large flow table, read through telemetry.
s5_slot() {
	local mf pid a name
	local -a al=()
	for mf in 65536 "$slot_big"; do
		name=s5slot$mf
		b_tt "$name" "$CB" "--no-huge -m 1024" -c "$root/config/loopback.ini" \
			--set "eal.args=$(b_eal "$CB" "$name")" --set client.target= \
			--set general.duration=0 --set general.stats_interval_ms=0 \
			--set "tcp.max_flows=$mf"
		pid=$BG_PID
		a=
		if b_wait_log "$W/$name.log" "worker 0 started" 60 "$pid"; then
			sleep 0.3
			a=$("$py" "$root/scripts/bench/heap.py" "/var/run/dpdk/$P-$name/dpdk_telemetry.v2" 2>>"$W/$name.log")
		fi
		b_stop "$pid"
		b_dpdk_leftovers "$name"
		log "[5] DPDK heap in use with tcp.max_flows=$mf: ${a:-?} bytes"
		al+=("$a")
	done
	if [ -n "${al[0]}" ] && [ -n "${al[1]}" ]; then
		b_val 5e "$(b_calc "(${al[1]} - ${al[0]}) / ($slot_big - 65536)")"
		b_note 5e "DPDK heap in use (telemetry /eal/heap_info) with tcp.max_flows=$slot_big minus with 65536, per slot; each end of a connection takes one slot; measured once (deterministic)"
	else
		b_note 5e "failed: no telemetry answer (logs $W/s5slot*.log)"
	fi
}

# s5_holder NAME SOCKET N MAX_FLOWS RATE SOURCE_IPS [SETS...]: start the
# holding client (BG_PID): N connections that stay established and idle.
# Its 1-byte requests are never answered (the server waits for 2 bytes);
# no timeouts anywhere; SYNs paced at RATE and retried.
s5_holder() {
	local name=$1 sock=$2 n=$3 mf=$4 rate=$5 src=$6
	shift 6
	b_tt "$name" "$CA" "--no-huge -m $((mf * 400 / 1048576 + 512))" -c "$root/config/memif-client.ini" \
		--set "eal.args=$(b_eal "$CA" "$name") --vdev=net_memif0,role=client,socket=$sock,rsize=12" \
		--set general.stats_interval_ms=1000 --set "client.source_ips=$src" \
		--set client.app=fixed --set client.request_bytes=1 --set client.response_bytes=1 \
		--set "client.concurrency=$n" --set "client.connections=$n" --set client.duration=0 \
		--set "client.rate=$rate" --set client.conn_timeout_ms=0 --set client.drain_ms=600000 \
		--set tcp.syn_retries=15 --set "tcp.max_flows=$mf" "$@"
}

# s5_wait_held SERVER_LOG HOLDER_PID N ROW MAX_S: wait until the server's
# table holds N flows and no handshake completed for two live lines, or
# no progress for 15 s, or MAX_S in all (a note on ROW says so).
s5_wait_held() {
	local log=$1 hpid=$2 n=$3 row=$4 max=$5 flows last_f=-1 stall=0 i=0
	while :; do
		b_sleep 0.25
		i=$((i + 1))
		flows=$(s5_flows "$log")
		flows=${flows:-0}
		if ! b_alive "$hpid"; then
			b_note "$row" "the holding client exited early"
			return
		fi
		# All there, and no handshake completed in the last two lines.
		if [ "$flows" -ge "$n" ] &&
		   [ "$(tail -n 2 "$log" | grep -c 'established 0/s')" = 2 ]; then
			return
		fi
		if [ "$flows" = "$last_f" ]; then
			stall=$((stall + 1))
		else
			stall=0
			last_f=$flows
		fi
		if [ $stall -ge 60 ] || [ $i -ge $((max * 4)) ]; then
			b_note "$row" "stopped waiting at $flows flows in the server table (no progress for 15 s or $max s in all)"
			return
		fi
	done
}

# s5_span SERVER_LOG N0: the opening time, from the line before the first
# to the last of the server's live lines (every 250 ms) after line N0 that
# show handshakes completing.
s5_span() {
	tail -n +"$(($2 + 1))" "$1" | "$py" -c '
import re, sys
pts = []
for line in sys.stdin:
    m = re.match(r"\[\s*([0-9.]+)s\].*established ([0-9]+)/s", line)
    if m:
        pts.append((float(m.group(1)), int(m.group(2))))
act = [i for i, p in enumerate(pts) if p[1] > 0]
if act:
    # A line covers the 250 ms before it.
    t_first = pts[act[0] - 1][0] if act[0] > 0 else pts[0][0] - 0.25
    print("%.2f" % (pts[act[-1]][0] - t_first))
'
}

s5_hold() {
	local mf=$((hold + 131072)) spid hpid i mode mem t0 tnow n0
	local est a0 a1 srv_sets rate span
	s5_sh=()
	# Server: ~313 bytes per slot, two ports' mbufs.
	local need=$((mf * 320 / 1048576 + 200))
	mode=$(b_memmode "$need")
	mem=$(b_memargs "$mode" $((need + 512)))
	s5c_mode=$(b_memmode 200)
	srv_sets=(--set "eal.args=$(b_eal "$CB" s5s) --vdev=net_memif0,role=server,socket=$W/s5hold.sock,rsize=12 --vdev=net_memif1,role=server,socket=$W/s5cps.sock"
		--set port1.ip=198.18.1.2/24 --set server.app=fixed --set server.request_bytes=2
		--set server.response_bytes=100 --set server.idle_timeout_ms=0
		--set tcp.syn_retries=15 --set "tcp.max_flows=$mf" --set general.stats_interval_ms=250)
	b_tt s5s "$CB" "$mem" -c "$root/config/memif-server.ini" "${srv_sets[@]}" --json "$W/s5s.json"
	spid=$BG_PID
	s5_spid=$spid
	if ! b_wait_log "$W/s5s.log" "worker 0 started" 60 "$spid"; then
		b_note 5a "failed: the server did not start (memory: $mode $mem)"
		b_stop "$spid"
		return
	fi
	sleep 0.3
	a0=$("$py" "$root/scripts/bench/heap.py" "/var/run/dpdk/$P-s5s/dpdk_telemetry.v2" 2>/dev/null)

	for i in $(seq "$runs"); do
		s5_client empty "$i"
		b_val 5c "$S5_CPS"
	done

	# The holder: 1-byte requests the server (request_bytes = 2) never
	# answers; no timeouts anywhere; SYNs paced and retried.
	rate=100000
	[ $quick = 1 ] && rate=20000
	s5_holder s5h "$W/s5hold.sock" "$hold" "$mf" "$rate" 198.18.0.10-198.18.0.250
	hpid=$BG_PID
	n0=$(wc -l <"$W/s5s.log")
	b_now t0
	s5_wait_held "$W/s5s.log" "$hpid" "$hold" 5a 180
	b_now tnow
	span=$(s5_span "$W/s5s.log" "$n0")
	a1=$("$py" "$root/scripts/bench/heap.py" "/var/run/dpdk/$P-s5s/dpdk_telemetry.v2" 2>/dev/null)
	log "[5] $(s5_flows "$W/s5s.log") flows in the server table after $(b_calc "round(($tnow - $t0) / 1e9, 1)") s (handshakes over ${span:-?} s)"
	# The holder goes away without a word: SIGKILL, so it sends no RST or
	# FIN; the server's memif port 0 goes down and is no longer polled.
	kill -KILL "$hpid" 2>/dev/null
	b_wait "$hpid" 10
	sleep 0.5
	if ! b_alive "$spid"; then
		b_note 5a "failed: the server exited when the holder went away (log $W/s5s.log)"
		b_wait "$spid" 5
		return
	fi
	for i in $(seq "$runs"); do
		s5_client held "$i"
		b_val 5d "$S5_CPS"
	done
	b_stop "$spid"
	b_dpdk_leftovers s5s s5h
	est=$(b_json "$W/s5s.json" 'd["states"]["ESTABLISHED"]')
	b_val 5a "$est"
	if [ -n "$span" ] && [ -n "$est" ]; then
		b_val 5b "$(b_calc "$est / $span")"
		b_note 5b "held / time over which the server completed their handshakes ($span s); the holder opened at most $rate/s, tcp.syn_retries 15, memif rsize=12"
	fi
	if [ -n "$a0" ] && [ -n "$a1" ] && [ -n "$est" ] && [ "$est" -gt 0 ]; then
		b_val 5f "$(b_calc "($a1 - $a0) / $est")"
		b_note 5f "DPDK heap in use after minus before holding, per held connection (the table is allocated up front)"
	fi
	b_note 5a "ESTABLISHED in the server's summary at exit; target $hold; tcp.max_flows=$mf; memory: $mode${a1:+; DPDK heap of the server in all: $((a1 >> 20)) MiB}"
	b_note 5c "a 2nd tcpterm client on the server's 2nd memif port: fixed 2-byte request, 100-byte response, concurrency 256, ${d_s5} s"
	[ ${#s5_sh[@]} -gt 0 ] && b_note 5d "CPU time client/server got per run (empty runs first): ${s5_sh[*]} %"
	s5_slot
}

# As many held connections as this machine's memory allows (capped by
# tcp.max_flows' range, 16,777,216 per lcore table): a server on its own
# (one memif port, --no-huge: this much does not fit the hugepages the
# setup reserves) and a holder, both sized from MemAvailable at about
# 720 bytes per connection for the two processes together; a /16 with
# 1,024 source addresses gives the holder 66 million tuples.
s5_max() {
	local avail n mf spid hpid t0 tnow n0 span est rss_s rss_h rate
	avail=$(($(awk '/^MemAvailable:/ {print $2}' /proc/meminfo) * 1024))
	n=$((avail * 3 / 4 / 720))
	[ $n -gt 16646144 ] && n=16646144
	n=$((n / 100000 * 100000))
	rate=400000
	if [ $quick = 1 ]; then
		n=20000 rate=20000
	fi
	if [ $n -lt 100000 ] && [ $quick = 0 ]; then
		b_note 5g "skipped: $((avail >> 20)) MiB available is too little"
		return
	fi
	mf=$((n + 131072))
	b_tt s5m "$CB" "--no-huge -m $((mf * 320 / 1048576 + 512))" -c "$root/config/memif-server.ini" \
		--set "eal.args=$(b_eal "$CB" s5m) --vdev=net_memif0,role=server,socket=$W/s5max.sock,rsize=12" \
		--set port0.ip=198.18.0.2/16 --set server.app=fixed --set server.request_bytes=2 \
		--set server.response_bytes=100 --set server.idle_timeout_ms=0 \
		--set tcp.syn_retries=15 --set "tcp.max_flows=$mf" --set general.stats_interval_ms=250 \
		--json "$W/s5m.json"
	spid=$BG_PID
	if ! b_wait_log "$W/s5m.log" "worker 0 started" 120 "$spid"; then
		b_note 5g "failed: the server did not start with tcp.max_flows=$mf (log $W/s5m.log)"
		b_stop "$spid"
		return
	fi
	s5_holder s5mh "$W/s5max.sock" "$n" "$mf" "$rate" 198.18.1.1-198.18.4.254 \
		--set port0.ip=198.18.0.1/16 --set client.target=198.18.0.2:80
	hpid=$BG_PID
	# Its table takes a while to set up (tens of seconds for 16 million).
	if ! b_wait_log "$W/s5mh.log" "worker 0 started" 300 "$hpid"; then
		b_note 5g "failed: the holder did not start with tcp.max_flows=$mf (log $W/s5mh.log)"
		b_stop "$hpid"
		b_stop "$spid"
		return
	fi
	n0=$(wc -l <"$W/s5m.log")
	b_now t0
	s5_wait_held "$W/s5m.log" "$hpid" "$n" 5g $((n / rate + 120))
	b_now tnow
	span=$(s5_span "$W/s5m.log" "$n0")
	rss_s=$(awk '/^VmRSS:/ {print $2}' "/proc/$spid/status" 2>/dev/null)
	rss_h=$(awk '/^VmRSS:/ {print $2}' "/proc/$hpid/status" 2>/dev/null)
	log "[5] most held: $(s5_flows "$W/s5m.log") flows in the server table after $(b_calc "round(($tnow - $t0) / 1e9, 1)") s (handshakes over ${span:-?} s)"
	kill -KILL "$hpid" 2>/dev/null
	b_wait "$hpid" 10
	b_stop "$spid"
	b_dpdk_leftovers s5m s5mh
	est=$(b_json "$W/s5m.json" 'd["states"]["ESTABLISHED"]')
	b_val 5g "$est"
	local why="min(3/4 of MemAvailable $((avail >> 20)) MiB / 720 bytes, tcp.max_flows' range) for server + holder on this machine"
	[ $quick = 1 ] && why="quick run"
	b_note 5g "target $n: $why; tcp.max_flows=$mf; --no-huge${rss_s:+; resident memory at the end: server $((rss_s >> 10)) MiB, holder $((${rss_h:-0} >> 10)) MiB}"
	if [ -n "$span" ] && [ -n "$est" ]; then
		b_val 5h "$(b_calc "$est / $span")"
		b_note 5h "held / time over which the server completed their handshakes ($span s); the holder opened at most $rate/s"
	fi
}

# ---- Scenario 6: bulk. ----

# s6_gbps JSON_RECEIVER JSON_CLIENT CONCURRENCY: Gbit/s received. The time
# is what the client's connections lasted (its "lifetime" histogram, SYN to
# close): with all of them open at once, the longest; else the sum of the
# lifetimes over the concurrency (the slots are kept busy). This leaves out
# the start-up (memif link, ARP) and the exit of the processes.
s6_gbps() {
	"$py" - "$@" <<'EOF' 2>/dev/null
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
			pid=$BG_PID
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

# ---- Scenario 7: callgrind. ----

s7_callgrind() {
	local i n ir ok
	local -A irs
	if ! command -v valgrind >/dev/null; then
		b_note 7 "skipped: needs valgrind"
		return
	fi
	for i in $(seq "$runs"); do
		ok=1
		for n in "$cg_small" "$cg_big"; do
			"${nice_cmd[@]}" taskset -c "$CB" valgrind --tool=callgrind \
				--callgrind-out-file="$W/cg.$i.$n.out" "$BIN" --no-huge -m 256 --no-shconf -- \
				-c "$root/config/loopback.ini" \
				--set "eal.args=$(b_eal "$CB" "cg$i-$n")" --set general.duration=0 \
				--set general.stats_interval_ms=0 --set general.mbufs=4095 \
				--set client.rate=0 --set "client.connections=$n" --set client.duration=0 \
				--set client.concurrency=256 --set tcp.msl_ms=10 \
				--json "$W/cg.$i.$n.json" >"$W/cg.$i.$n.log" 2>&1
			ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$W/cg.$i.$n.log" | tail -n 1)
			b_dpdk_leftovers "cg$i-$n"
			if [ -z "$ir" ] || [ "$(b_json "$W/cg.$i.$n.json" 'd["client"]["completed"]')" != "$n" ]; then
				b_note 7 "run $i with $n connections failed (log $W/cg.$i.$n.log)"
				ok=0
				break
			fi
			irs[$n]=$ir
		done
		[ $ok = 1 ] || continue
		b_val 7 "$(b_calc "(${irs[$cg_big]} - ${irs[$cg_small]}) / ($cg_big - $cg_small)")"
		log "[7] run $i: Ir $cg_small conns ${irs[$cg_small]}, $cg_big conns ${irs[$cg_big]}"
		rm -f "$W"/cg.$i.*.out
	done
	b_note 7 "(Ir($cg_big connections) - Ir($cg_small)) / $((cg_big - cg_small)); one process, client and server, HTTP GET, 100-byte body, concurrency 256, msl 10 ms (TIME_WAIT expiry included), --no-huge; under valgrind's CPU model (no AVX-512)"
}

# ---- Machine. ----

cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
cpu_more=$(awk -F': ' '
	/^cpu family/ && !f {f = $2} /^model\t/ && !m {m = $2}
	/^cpu MHz/ && !z {z = $2}
	END { printf "family %s model %s, %.0f MHz", f, m, z }' /proc/cpuinfo)
if command -v lscpu >/dev/null; then
	cpu_more="$cpu_more$(LC_ALL=C lscpu | awk -F': +' '
		/^L2 cache/ {printf ", L2 %s", $2} /^L3 cache/ {printf ", L3 %s", $2}
		/^Hypervisor vendor/ {printf ", %s guest", $2}')"
fi
b_meta cpu "${cpu_model:-unknown} ($cpu_more)"
b_meta cpus "$(nproc) online ($(nproc --all) in all)"
b_meta cores "client side CPU $CA, server side CPU $CB"
b_meta mem "$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
b_meta kernel "$(uname -r)"
b_meta os "$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-?}")"
b_meta dpdk "$(pkg-config --modversion libdpdk 2>/dev/null || echo unknown)"
if [ $huge = 1 ]; then
	b_meta memory_mode "2 MiB hugepages where enough are free (per scenario in its notes), else --no-huge"
else
	b_meta memory_mode "--no-huge (scripts/setup.sh: '$eal_extra')"
fi
b_meta tcpterm "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' + local changes')"
b_meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
b_meta runs "$runs"
b_meta load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
if [ $quick = 1 ]; then
	b_meta mode quick
else
	b_meta mode full
fi
# The core-to-core latency probe (scripts/bench/c2c.c): memif moves every
# packet's cache lines between the two CPUs, so its speed follows this.
C2C=
if command -v cc >/dev/null &&
   cc -O2 -pthread -o "$W/c2c" "$root/scripts/bench/c2c.c" 2>>"$W/c2c.build.log"; then
	C2C=$W/c2c
fi

# b_c2c: the mean cache-line round trip between the two CPUs now (ns), or
# nothing without the probe.
b_c2c() {
	[ -n "$C2C" ] && "$C2C" "$CA" "$CB" 0.5 2>/dev/null
}

log "work directory $W; client CPU $CA, server CPU $CB; $runs run(s) per figure$( [ $quick = 1 ] && echo ', quick')"

# ---- Run. ----

for s in 1 2 3 4 5 6 7; do
	if ! b_want $s; then
		case $s in
		1) b_note 1 "not run (--only)" ;;
		2) b_note 2a "not run (--only)" ;;
		3) b_note 3 "not run (--only)" ;;
		4) b_note 4a "not run (--only)"; b_note 4b "not run (--only)" ;;
		5) b_note 5a "not run (--only)"; b_note 5g "not run (--only)" ;;
		6) b_note 6a "not run (--only)" ;;
		7) b_note 7 "not run (--only)" ;;
		esac
		continue
	fi
	log "---- scenario $s ($(($(date +%s) - t_begin)) s so far)"
	case $s in
	1) s1_kernel ;;
	2) s2_memif ;;
	3) s3_ring ;;
	4) s4_testpmd ;;
	5) s5_hold; s5_max ;;
	6) s6_bulk ;;
	7) s7_callgrind ;;
	esac
	b_dpdk_leftovers
done

b_meta load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
b_meta elapsed "$(($(date +%s) - t_begin)) s"
"$py" "$root/scripts/bench/report.py" "$W" >"$W/report.md" || {
	echo "bench.sh: report.py failed" >&2
	exit 1
}
cat "$W/report.md"
if [ -n "$out" ]; then
	{
		cat "$W/report.md"
		echo
	} >>"$out"
fi
exit 0
