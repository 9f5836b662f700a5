#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Prepare a Debian 12 machine for tcpterm: install the missing packages,
# build, and choose the memory mode. Run it, or source it (scripts/run.sh
# and scripts/test.sh do); it is idempotent and takes a second when all is
# in place.
#
# Result: build/app/tcpterm, and build/eal-extra.txt with the EAL options
# that every tcpterm command line should carry before "--":
#   - empty when 2 MiB hugepages are reserved and mounted (root only);
#   - "--no-huge -m 512" otherwise (no root, a container that refuses
#     hugepages, or TT_NO_HUGE=1).
# When sourced, TT_EAL_EXTRA is exported with the same value.
#
# Environment:
#   TT_EAL_EXTRA   if set (even empty), used as is; hugepages are not touched
#   TT_NO_HUGE=1   never use hugepages
#   TT_HUGEPAGES   2 MiB pages wanted free (default 512 = 1 GiB)
#   TT_SKIP_APT=1  do not install packages (only report what is missing)
#   TT_SKIP_BUILD=1  do not build
#   TT_SANITIZE=1  also install clang and its sanitizer runtimes (the
#                  sanitizer and fuzz stage of scripts/test.sh; under CI
#                  by default, TT_SANITIZE=0 leaves them out)

# tt_dpdk_gc and the no-hugepage EAL options.
# shellcheck source=scripts/lib/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/harness.sh"

tt_setup_packages=(
	# build
	gcc meson ninja-build pkg-config
	dpdk dpdk-dev libdpdk-dev libnuma-dev libpcap-dev check
	# test peers and tools
	iproute2 iputils-ping arping tcpdump tshark python3 python3-scapy
	curl apache2-utils wrk iperf iperf3 socat netcat-openbsd nginx-light
	valgrind psmisc procps util-linux hping3 nmap python3-matplotlib nftables ethtool
)
# The sanitizer and fuzz stage of scripts/test.sh (under CI, or with
# TT_SANITIZE=1): clang, its ASan/UBSan/libFuzzer runtimes and the
# symbolizer that names the lines of a report (docs/testing.md).
if [ "${TT_SANITIZE:-}" = 1 ] || { [ -n "${CI:-}" ] && [ "${TT_SANITIZE:-}" != 0 ]; }; then
	tt_setup_packages+=(clang libclang-rt-14-dev llvm-14)
fi

tt_setup_log() {
	echo "setup: $*" >&2
}

tt_setup_root() {
	cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}

# Print the packages of the list that are not installed.
tt_setup_missing() {
	local installed
	installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' \
		"${tt_setup_packages[@]}" 2>/dev/null | awk '$1 == "ii" {print $2}')
	local p
	for p in "${tt_setup_packages[@]}"; do
		grep -qxF "$p" <<<"$installed" || echo "$p"
	done
}

tt_setup_install() {
	local -a missing
	mapfile -t missing < <(tt_setup_missing)
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		tt_setup_log "missing packages: ${missing[*]}"
		tt_setup_log "run as root (or: sudo apt-get install ${missing[*]})"
		return 1
	fi
	if [ "${TT_SKIP_APT:-0}" = 1 ]; then
		tt_setup_log "missing packages (TT_SKIP_APT=1, not installing): ${missing[*]}"
		return 1
	fi
	tt_setup_log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# tshark would ask whether non-root users may capture.
	echo 'wireshark-common wireshark-common/install-setuid boolean false' |
		debconf-set-selections
	apt-get update -q >&2 || { tt_setup_log "apt-get update failed"; return 1; }
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 || {
		tt_setup_log "apt-get install failed"
		return 1
	}
	mapfile -t missing < <(tt_setup_missing)
	if [ ${#missing[@]} -ne 0 ]; then
		tt_setup_log "still missing after apt-get: ${missing[*]}"
		return 1
	fi
	return 0
}

# A listing of every source file; when it changes (a file appears or goes),
# meson is configured again, so a build directory made before the change
# always matches the tree (ninja alone re-runs meson only when a meson.build
# changed).
tt_setup_tree() {
	local root=$1
	(cd "$root" && find lib app tests -type f \
		\( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name 'meson.build' \) \
		2>/dev/null | LC_ALL=C sort)
	cat "$root/meson_options.txt" 2>/dev/null
}

# tt_setup_build ROOT [DIR [MESON-SETUP-OPTIONS...]]: configure (once, or
# again when the tree changed) and build ROOT/DIR, "build" by default.
tt_setup_build() {
	local root=$1 dir=${2:-build}
	local b="$root/$dir" tree
	shift $(($# > 2 ? 2 : $#))
	tree=$(tt_setup_tree "$root")
	if [ ! -f "$b/build.ninja" ] || [ ! -f "$b/meson-private/coredata.dat" ]; then
		tt_setup_log "meson setup $dir $*"
		(cd "$root" && meson setup "$dir" "$@" >&2) || {
			# A half-configured directory from an interrupted run.
			tt_setup_log "meson setup failed; retrying with --wipe"
			(cd "$root" && meson setup --wipe "$dir" "$@" >&2) || return 1
		}
		printf '%s\n' "$tree" >"$b/tt-tree.txt"
	elif [ "$tree" != "$(cat "$b/tt-tree.txt" 2>/dev/null)" ]; then
		tt_setup_log "source files changed: meson setup --reconfigure $dir"
		(cd "$root" && meson setup --reconfigure "$dir" "$@" >&2) || return 1
		printf '%s\n' "$tree" >"$b/tt-tree.txt"
	fi
	ninja -C "$b" >&2 || { tt_setup_log "build of $dir failed"; return 1; }
	return 0
}

# Print the hugetlbfs mount point for 2 MiB pages, if any.
tt_setup_hugetlbfs_mount() {
	awk '$3 == "hugetlbfs" && ($4 !~ /pagesize=/ || $4 ~ /pagesize=2M/) {print $2; exit}' \
		/proc/mounts
}

# Reserve and mount 2 MiB hugepages. Returns 0 when they are usable.
tt_setup_hugepages() {
	local want=${TT_HUGEPAGES:-512}
	local hp=/sys/kernel/mm/hugepages/hugepages-2048kB
	local nr free mnt probe

	[ "${TT_NO_HUGE:-0}" = 1 ] && { tt_setup_log "TT_NO_HUGE=1"; return 1; }
	[ "$(id -u)" -eq 0 ] || { tt_setup_log "not root: no hugepages"; return 1; }
	[ -d "$hp" ] || { tt_setup_log "no 2 MiB hugepage support"; return 1; }

	mnt=$(tt_setup_hugetlbfs_mount)
	if [ -z "$mnt" ]; then
		mkdir -p /dev/hugepages 2>/dev/null &&
			mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages 2>/dev/null
		mnt=$(tt_setup_hugetlbfs_mount)
		[ -n "$mnt" ] || { tt_setup_log "cannot mount hugetlbfs"; return 1; }
		tt_setup_log "mounted hugetlbfs at $mnt"
	fi
	tt_dpdk_gc '*' | sed 's/^/setup: /' >&2

	free=$(cat "$hp/free_hugepages" 2>/dev/null || echo 0)
	if [ "$free" -lt "$want" ]; then
		nr=$(cat "$hp/nr_hugepages" 2>/dev/null || echo 0)
		echo $((nr + want - free)) >"$hp/nr_hugepages" 2>/dev/null
		free=$(cat "$hp/free_hugepages" 2>/dev/null || echo 0)
		if [ "$free" -lt "$want" ]; then
			tt_setup_log "only $free of $want 2 MiB hugepages could be reserved"
			# Give back what we took and could not use.
			[ "$free" -lt 128 ] && echo "$nr" >"$hp/nr_hugepages" 2>/dev/null
		else
			tt_setup_log "reserved hugepages: $free free of $(cat "$hp/nr_hugepages")"
		fi
	fi
	[ "$free" -ge 128 ] || return 1

	# A container may let us reserve pages but not fault them in (hugetlb
	# cgroup limit): try one page for real.
	probe="$mnt/.tt-probe-$$"
	if ! fallocate -l 2M "$probe" 2>/dev/null; then
		rm -f "$probe"
		tt_setup_log "hugepages reserved but not usable here"
		return 1
	fi
	rm -f "$probe"
	return 0
}

tt_setup_main() {
	local root extra
	local build_rc=0
	root=$(tt_setup_root) || return 1
	tt_setup_install || return 1
	if [ "${TT_SKIP_BUILD:-0}" != 1 ]; then
		tt_setup_build "$root" || build_rc=1
	fi
	mkdir -p "$root/build"
	if [ "${TT_EAL_EXTRA+set}" = set ]; then
		extra=$TT_EAL_EXTRA
		tt_setup_log "EAL extras from TT_EAL_EXTRA: '${extra}'"
	elif tt_setup_hugepages; then
		extra=
		tt_setup_log "memory: 2 MiB hugepages"
	else
		extra=$TT_EAL_NO_HUGE
		tt_setup_log "memory: no hugepages; tcpterm runs with '$extra'"
	fi
	printf '%s\n' "$extra" >"$root/build/eal-extra.txt"
	export TT_EAL_EXTRA=$extra
	return $build_rc
}

# Sourced or run, the status is that of the last command.
tt_setup_main
