# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# Starting, watching and stopping the measured processes of scripts/bench.sh
# (which sources this file), on top of scripts/lib/harness.sh: their EAL
# options and memory mode, their CPU time, and what DPDK leaves behind
# them. Everything they write goes to the work directory $W; their DPDK
# --file-prefix is $P-NAME.
#
# The helpers that run while a measurement runs use bash builtins only (no
# fork), so that the benchmark's own shell takes next to no CPU time from
# the cores it measures.

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
		tt_dpdk_gc "$P-$n*" 0 >/dev/null 2>&1
	done
}

# b_wait PID TIMEOUT_S: wait for PID to exit; SIGKILL after the timeout.
# Returns its status.
b_wait() {
	tt_reap "$1" "$2" "bench: pid $1 still running after $2 s: SIGKILL"
}

# b_stop PID: SIGTERM, then b_wait 15 s.
b_stop() {
	kill -TERM "$1" 2>/dev/null
	b_wait "$1" 15
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
	while tt_alive "$cpid" && [ $i -lt $n ]; do
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
		tt_sleep 0.1
		i=$((i + 1))
	done
	if tt_alive "$cpid"; then
		log "pid $cpid still running after $2 s: SIGTERM"
		kill -TERM "$cpid" 2>/dev/null
		b_wait "$cpid" 10
		rc=124
	else
		wait "$cpid" 2>/dev/null
		rc=$?
		tt_forget_pid "$cpid"
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
# background (TT_SPAWN_PID, log $W/NAME.log).
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
	tt_spawn "$W/$name.log" "${cmd[@]}"
}

