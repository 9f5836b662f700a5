#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Set up (packages, build, hugepages) and run tcpterm:
#
#	scripts/run.sh [EAL-OPTIONS... --] [TCPTERM-OPTIONS...]
#
# Without -c, config/loopback.ini is used. The EAL options chosen by
# scripts/setup.sh (build/eal-extra.txt: "--no-huge -m 512" when hugepages
# cannot be had) come first, then the caller's, so the caller's win.
# Examples:
#	scripts/run.sh --duration 5 --json /tmp/out.json
#	scripts/run.sh -c config/tap-server.ini
#	scripts/run.sh -l 0-1 -- -c config/tap-server.ini --set server.app=echo
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=scripts/setup.sh
. "$root/scripts/setup.sh" || {
	echo "run.sh: setup failed" >&2
	exit 1
}

tcpterm=$root/build/app/tcpterm
[ -x "$tcpterm" ] || { echo "run.sh: $tcpterm not built" >&2; exit 1; }

# Split the caller's arguments at "--" (EAL options before it).
user_eal=()
args=("$@")
for a in "$@"; do
	if [ "$a" = "--" ]; then
		user_eal=()
		while [ $# -gt 0 ] && [ "$1" != "--" ]; do
			user_eal+=("$1")
			shift
		done
		shift
		args=("$@")
		break
	fi
done

have_c=0
for a in "${args[@]}"; do
	case $a in
	-c | --config | --config=* | -c?*) have_c=1 ;;
	esac
done
if [ "$have_c" -eq 0 ]; then
	args=(-c "$root/config/loopback.ini" "${args[@]}")
fi

# shellcheck disable=SC2206 # the EAL extras are words
eal=(${TT_EAL_EXTRA:-} "${user_eal[@]}")
cmd=("$tcpterm")
if [ ${#eal[@]} -gt 0 ]; then
	cmd+=("${eal[@]}" --)
fi
cmd+=("${args[@]}")
echo "run.sh: ${cmd[*]}" >&2
exec "${cmd[@]}"
