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
#   8 dperf side by side over net_memif: dperf <-> dperf, tcpterm <->
#     tcpterm, dperf -> tcpterm, tcpterm -> dperf, at 1M/s and 3M/s
#     offered (not run with --quick: dperf's slow start alone takes 10 s)
#   9 multi-core scale-out through the RSS NIC emulator (tests/tools):
#     1 and 2 lcores per side, hash-aware and steering (not run with
#     --quick; 2 lcores per side need 5 CPUs; scripts/bench/device_scaling.sh
#     runs it for 1 to 14 lcores)
#  10 TIME_WAIT out of the box (issue 13), over net_memif: default keys
#     with one source address; 241 sources with the server closing first,
#     default MSL against msl_ms=100, interleaved (not run with --quick)
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
#   TT_BENCH_MEMIF_RSIZE=N  log2 of the memif ring size of scenarios 2, 4,
#                      6 and 8 (default 11: 2048 descriptors; the driver's
#                      default is 10)
#   DPERF=/path/to/dperf  scenario 8's dperf (built with
#                      ../shared/peers/dperf/vdev.patch); default: built
#                      from ../shared/peers/dperf when it is there
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/harness.sh
. "$root/scripts/lib/harness.sh"
# One file per scenario (scripts/bench/sN_*.sh), and what they share.
# shellcheck source=scripts/bench/results.sh
. "$root/scripts/bench/results.sh"
# shellcheck source=scripts/bench/procs.sh
. "$root/scripts/bench/procs.sh"
# shellcheck source=scripts/bench/machine.sh
. "$root/scripts/bench/machine.sh"
# shellcheck source=scripts/bench/memif_pair.sh
. "$root/scripts/bench/memif_pair.sh"
# shellcheck source=scripts/bench/s1_kernel.sh
. "$root/scripts/bench/s1_kernel.sh"
# shellcheck source=scripts/bench/s2_memif.sh
. "$root/scripts/bench/s2_memif.sh"
# shellcheck source=scripts/bench/s3_ring.sh
. "$root/scripts/bench/s3_ring.sh"
# shellcheck source=scripts/bench/s4_testpmd.sh
. "$root/scripts/bench/s4_testpmd.sh"
# shellcheck source=scripts/bench/s5_held.sh
. "$root/scripts/bench/s5_held.sh"
# shellcheck source=scripts/bench/s6_bulk.sh
. "$root/scripts/bench/s6_bulk.sh"
# shellcheck source=scripts/bench/s7_callgrind.sh
. "$root/scripts/bench/s7_callgrind.sh"
# shellcheck source=scripts/bench/s8_dperf.sh
. "$root/scripts/bench/s8_dperf.sh"
# shellcheck source=scripts/bench/s9_rss.sh
. "$root/scripts/bench/s9_rss.sh"
# shellcheck source=scripts/bench/s10_tw.sh
. "$root/scripts/bench/s10_tw.sh"
# shellcheck source=scripts/bench/s11_loss.sh
. "$root/scripts/bench/s11_loss.sh"

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

tt_run_init tt-bench || exit 1
tt_sleep_without_fork
W=$TT_RUN_DIR
P=ttb$$			# DPDK --file-prefix of everything we start
b_results_init
t_begin=$(date +%s)

b_cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	tt_stop_all
	b_dpdk_leftovers
	s8_leftovers
	[ -n "${b_autogroup_old:-}" ] && echo "$b_autogroup_old" >/proc/self/autogroup 2>/dev/null
	if [ "${TT_BENCH_KEEP:-0}" = 1 ]; then
		log "work directory kept: $W"
	else
		rm -rf "$W"
	fi
	exit "$rc"
}
tt_on_exit_call b_cleanup

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

eal_extra=$(tt_eal_extra "$root/build/eal-extra.txt")
case " $eal_extra " in
*" --no-huge "*) huge=0 ;;
*) huge=1 ;;
esac

read -r CA CB < <("$TT_PY" -c '
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
	# With the kernel's autogroup scheduling (sched_autogroup_enabled, on
	# in Debian's kernels), nice ranks tasks only within their session's
	# group, and every session's group gets an equal share of a CPU: a
	# measured process at nice -19 still got 12-20% of its CPU beside
	# builds of other sessions. The group's own nice (root) is what ranks
	# it against them; this whole run is one session.
	# (Given back at the end, by b_cleanup.)
	if [ -w /proc/self/autogroup ]; then
		b_autogroup_old=$(sed -n 's/.* nice //p' /proc/self/autogroup)
		echo "$TT_BENCH_NICE" >/proc/self/autogroup 2>/dev/null ||
			echo "bench: TT_BENCH_NICE: could not set this session's autogroup nice" >&2
	fi
fi

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
	d_s8=1
else
	d_wrk=10 d_memif=10 d_ring=5 d_tp=3 d_s5=3
	sweep="64 256 1024"
	c_memif=256
	hold=1000000
	slot_big=1048576
	send1_bytes=1073741824 send64_bytes=4194304 fixed_conns=256
	cg_small=2000 cg_big=20000
	d_s8=15
	d_s10=10 s10_tw_big=16777216
fi

# ---- The table's rows, declared up front. ----

b_row 1 "1. Kernel: nginx + wrk, 127.0.0.1" "connections/s" "conn/s"
b_row 2a "2. tcpterm client + server, net_memif" "connections/s, default keys" "conn/s"
b_row 2d "2. tcpterm client + server, net_memif" "connections/s, tuned (see notes)" "conn/s"
b_row 2b "2. tcpterm client + server, net_memif" "packets per connection" "pkts/conn"
b_row 2c "2. tcpterm client + server, net_memif" "mean frame size" "bytes"
b_row 3 "3. Stack alone: both roles, net_ring, 1 core" "connections/s" "conn/s"
b_row 4a "4. I/O ceiling: testpmd io, net_memif" "packets/s (both directions)" "pkt/s"
b_row 4b "4. I/O ceiling: testpmd io, net_memif" "packets/s at scenario 2's mean frame size" "pkt/s"
b_row 5a "5. Held connections (server, net_memif)" "established idle connections held" "connections"
b_row 5b "5. Held connections (server, net_memif)" "opening rate to get there" "conn/s"
b_row 5c "5. Held connections (server, net_memif)" "CPS of a 2nd client, table empty" "conn/s"
b_row 5d "5. Held connections (server, net_memif)" "CPS of a 2nd client, connections held" "conn/s"
b_row 5e "5. Held connections (server, net_memif)" "memory per connection slot (tt_conn + flow index)" "bytes"
b_row 5f "5. Held connections (server, net_memif)" "heap growth per held connection" "bytes"
b_row 5g "5. Held connections (server, net_memif)" "most held: as many as memory allows" "connections"
b_row 5h "5. Held connections (server, net_memif)" "opening rate to get there" "conn/s"
b_row 5i "5. Held connections (server, net_memif)" "most held: established ends, server + holder" "connections"
b_row 6a "6. Bulk, net_ring" "send -> discard, 1 connection" "Gbit/s"
b_row 6b "6. Bulk, net_ring" "send -> discard, 64 connections" "Gbit/s"
b_row 6c "6. Bulk, net_ring" "fixed 1 MiB responses, 64 connections" "Gbit/s"
b_row 6d "6. Bulk, net_memif" "send -> discard, 1 connection" "Gbit/s"
b_row 6e "6. Bulk, net_memif" "send -> discard, 64 connections" "Gbit/s"
b_row 6f "6. Bulk, net_memif" "fixed 1 MiB responses, 64 connections" "Gbit/s"
b_row 7 "7. Instructions per connection (callgrind, net_ring)" "instructions per connection, both ends" "instructions"
b_row 8a "8. dperf side by side, net_memif, 1M/s offered" "dperf client -> dperf server" "resp/s"
b_row 8b "8. dperf side by side, net_memif, 1M/s offered" "tcpterm client -> tcpterm server" "resp/s"
b_row 8c "8. dperf side by side, net_memif, 1M/s offered" "dperf client -> tcpterm server" "resp/s"
b_row 8d "8. dperf side by side, net_memif, 1M/s offered" "tcpterm client -> dperf server" "resp/s"
b_row 8e "8. dperf side by side, net_memif, 3M/s offered" "dperf client -> dperf server" "resp/s"
b_row 8f "8. dperf side by side, net_memif, 3M/s offered" "tcpterm client -> tcpterm server" "resp/s"
b_row 8g "8. dperf side by side, net_memif, 3M/s offered" "dperf client -> tcpterm server" "resp/s"
b_row 8h "8. dperf side by side, net_memif, 3M/s offered" "tcpterm client -> dperf server" "resp/s"
b_row 8i "8. dperf side by side, net_memif, 3M/s offered" "goodput tcpterm pair / dperf pair" "x"
b_row 8j "8. dperf side by side, net_memif, 1M/s offered" "dperf -> dperf: dperf's errors + tcpDrop per connection" "%"
b_row 8k "8. dperf side by side, net_memif, 1M/s offered" "dperf -> tcpterm: dperf's errors + tcpDrop per connection" "%"
b_row 8l "8. dperf side by side, net_memif, 1M/s offered" "dperf client -> tcpterm server closing after each response (server.keepalive_requests = 1, as dperf's server)" "resp/s"
b_row 8m "8. dperf side by side, net_memif, 1M/s offered" "dperf -> tcpterm closing after each response: dperf's errors + tcpDrop per connection" "%"
b_row 8n "8. dperf side by side, net_memif, 3M/s offered" "dperf client -> tcpterm server closing after each response" "resp/s"
b_row 8o "8. dperf side by side, net_memif, 3M/s offered" "dperf's client: goodput with tcpterm's server (default keys) / with dperf's server" "x"
b_row 8p "8. dperf side by side, net_memif, 3M/s offered" "dperf's client: goodput with tcpterm's server closing after each response / with dperf's server" "x"
b_row 8q "8. dperf side by side, net_memif, 1M/s offered" "tcpterm client -> tcpterm server closing after each response" "resp/s"
b_row 8r "8. dperf side by side, net_memif, 3M/s offered" "tcpterm client -> tcpterm server closing after each response" "resp/s"
b_row 8s "8. dperf side by side, net_memif, 3M/s offered" "goodput tcpterm pair, server closing after each response / dperf pair" "x"
b_row 8t "8. dperf side by side, net_memif, 1M/s offered" "tcpterm client half-closing with its request (client.close = half) -> tcpterm server" "resp/s"
b_row 8u "8. dperf side by side, net_memif, 3M/s offered" "tcpterm client half-closing with its request (client.close = half) -> tcpterm server" "resp/s"
b_row 8v "8. dperf side by side, net_memif, 3M/s offered" "goodput tcpterm pair, client.close = half / dperf pair" "x"
s9_rows
s10_rows
s11_rows

# ---- Machine. ----

b_machine
b_c2c_build

log "work directory $W; client CPU $CA, server CPU $CB; $runs run(s) per figure$( [ $quick = 1 ] && echo ', quick')"

# ---- Run. ----

for s in 1 2 3 4 5 6 7 8 9 10 11; do
	if ! b_want $s; then
		case $s in
		1) b_note 1 "not run (--only)" ;;
		2) b_note 2a "not run (--only)" ;;
		3) b_note 3 "not run (--only)" ;;
		4) b_note 4a "not run (--only)"; b_note 4b "not run (--only)" ;;
		5) b_note 5a "not run (--only)"; b_note 5g "not run (--only)" ;;
		6) b_note 6a "not run (--only)" ;;
		7) b_note 7 "not run (--only)" ;;
		8) b_note 8a "not run (--only)" ;;
		9) for l in $S9_LCORES; do s9_note "$l" "not run (--only)"; done ;;
		10) b_note 10a "not run (--only)"; b_note 10c "not run (--only)" ;;
		11) b_note 11a "not run (--only)"; b_note 11f "not run (--only)" ;;
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
	8) s8_dperf ;;
	9) s9_rss ;;
	10) s10_tw ;;
	11) s11_loss ;;
	esac
	b_dpdk_leftovers
done

b_meta load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
b_meta elapsed "$(($(date +%s) - t_begin)) s"
"$TT_PY" "$root/scripts/bench/report.py" "$W" >"$W/report.md" || {
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
