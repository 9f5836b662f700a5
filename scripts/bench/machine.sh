# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# The machine scripts/bench.sh (which sources this file) measures on: its
# description for the report, and the core-to-core latency probe.

# b_machine: the report's description of the machine and of the run.
b_machine() {
	local cpu_model cpu_more
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
}

# b_c2c_build: the core-to-core latency probe (scripts/bench/c2c.c), built
# into $W when a compiler is there: memif moves every packet's cache lines
# between the two CPUs, so its speed follows this.
b_c2c_build() {
	C2C=
	if command -v cc >/dev/null &&
	   cc -O2 -pthread -o "$W/c2c" "$root/scripts/bench/c2c.c" 2>>"$W/c2c.build.log"; then
		C2C=$W/c2c
	fi
}

# b_c2c: the mean cache-line round trip between the two CPUs now (ns), or
# nothing without the probe.
b_c2c() {
	[ -n "$C2C" ] && "$C2C" "$CA" "$CB" 0.5 2>/dev/null
}
