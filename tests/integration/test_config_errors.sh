#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Bad configurations make tcpterm exit with status 2 and exactly one line on
# stderr, "tcpterm: config error: <message>", before the EAL starts: no
# DPDK runtime directory and no hugepage file appears for the file prefix
# the configs name. Needs no root and no hugepages.

set -u

SRCDIR=${TT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TCPTERM=${TCPTERM:-${TT_BUILDDIR:-$SRCDIR/build}/app/tcpterm}

if [ ! -x "$TCPTERM" ]; then
	# Under CI the binary must have been built.
	[ -n "${CI:-}" ] && { echo "FAIL: tcpterm binary not found at $TCPTERM" >&2; exit 1; }
	echo "SKIP: tcpterm binary not found at $TCPTERM"
	exit 77
fi

tmp=$(mktemp -d /tmp/tt_config_errors.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# A file prefix of our own: if the EAL ever started, its runtime directory
# (and hugepage files, with hugepages) would carry this name.
prefix="tt-cfgerr-$$"
eal="-l 0 --no-pci --file-prefix=$prefix"

fail=0
n=0

# Write a config made of the given lines to $tmp/NAME.ini.
mkconf() {
	local name=$1
	shift
	printf '%s\n' "$@" >"$tmp/$name.ini"
}

# expect_err DESCRIPTION EXPECTED_MESSAGE tcpterm-arguments...
expect_err() {
	local desc=$1 want="tcpterm: config error: $2"
	shift 2
	local rc lines
	n=$((n + 1))
	"$TCPTERM" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$rc" -ne 2 ]; then
		echo "FAIL: $desc: exit status $rc, expected 2"
		cat "$tmp/err"
		fail=1
	elif [ "$(cat "$tmp/err")" != "$want" ]; then
		echo "FAIL: $desc: stderr ($lines lines):"
		cat "$tmp/err"
		echo "  expected:"
		echo "$want"
		fail=1
	else
		echo "ok: $desc"
	fi
}

good="$tmp/good.ini"
mkconf good '[eal]' "args = $eal" '[port0]' 'ip = 198.18.0.2/24' \
	'[server]' 'listen = 80'

mkconf range '[eal]' "args = $eal" '[port0]' 'ip = 198.18.0.2/24' \
	'[tcp]' 'wscale = 15'
expect_err "out of range" \
	"$tmp/range.ini: [tcp] wscale = '15': out of range 0..14" \
	-c "$tmp/range.ini"

mkconf section '[eal]' "args = $eal" '[port0]' 'ip = 198.18.0.2/24' \
	'[tpc]' 'mss = 1400'
expect_err "unknown section" \
	"$tmp/section.ini: [tpc]: unknown section" \
	-c "$tmp/section.ini"

mkconf key '[eal]' "args = $eal" '[port0]' 'ip = 198.18.0.2/24' \
	'[tcp]' 'wsclae = 7'
expect_err "unknown key" \
	"$tmp/key.ini: [tcp] wsclae = '7': unknown key" \
	-c "$tmp/key.ini"

# SYN cookies: auto, on or off.
mkconf syncookies '[eal]' "args = $eal" '[port0]' 'ip = 198.18.0.2/24' \
	'[tcp]' 'syn_cookies = sometimes'
expect_err "syn_cookies value" \
	"$tmp/syncookies.ini: [tcp] syn_cookies = 'sometimes': expected auto, on or off" \
	-c "$tmp/syncookies.ini"

mkconf junk '[eal]' "args = $eal" '[port0]' 'ip = 198.18.0.2/24' \
	'mtu = 1500x'
expect_err "trailing junk" \
	"$tmp/junk.ini: [port0] mtu = '1500x': trailing characters 'x' after the number" \
	-c "$tmp/junk.ini"

mkconf syntax '[eal]' "args = $eal" '[port0]' 'ip = 198.18.0.2/24' \
	'mtu 1500'
expect_err "line without =" \
	"$tmp/syntax.ini: cannot parse: line 5: 'mtu 1500': expected [section] or key = value" \
	-c "$tmp/syntax.ini"

mkconf noport '[eal]' "args = $eal" '[client]' 'target = 198.18.0.1:80'
expect_err "client without a port" \
	"$tmp/noport.ini: [client] target = '198.18.0.1:80': the client needs a [portN] section with an ip" \
	-c "$tmp/noport.ini"

expect_err "missing file" \
	"$tmp/missing.ini: cannot parse: No such file or directory" \
	-c "$tmp/missing.ini"

expect_err "--set out of range" \
	"--set: [tcp] wscale = '15': out of range 0..14" \
	-c "$good" --set tcp.wscale=15

expect_err "--set client-only app on the server" \
	"--set: [server] app = 'send': 'send' is a client-only app (server: http, echo, discard, fixed)" \
	-c "$good" --set server.app=send

expect_err "--set syn_cookies value" \
	"--set: [tcp] syn_cookies = 'yess': expected auto, on or off" \
	-c "$good" --set tcp.syn_cookies=yess

expect_err "--set without a section" \
	"--set: cannot parse: 'mss=1400': expected SECTION.KEY=VALUE" \
	-c "$good" --set mss=1400

expect_err "--set mtu below the default mss" \
	"$good: [tcp] mss = '1460': larger than [port0] mtu 1000 minus 40 (at most 960)" \
	-c "$good" --set port0.mtu=1000

expect_err "--set bad gateway" \
	"--set: [port0] gateway = '198.18.1.1': not inside the port's subnet 198.18.0.0/24" \
	-c "$good" --set port0.gateway=198.18.1.1

# EAL options before -- do not change when the config is checked.
expect_err "EAL options before --" \
	"$tmp/range.ini: [tcp] wscale = '15': out of range 0..14" \
	--file-prefix="$prefix" -- -c "$tmp/range.ini"

# The good file passes --check, which also stops before the EAL.
n=$((n + 1))
if "$TCPTERM" -c "$good" --check >"$tmp/out" 2>"$tmp/err"; then
	echo "ok: good config passes --check"
else
	echo "FAIL: good config: --check exited $?"
	cat "$tmp/err"
	fail=1
fi

# syn_cookies = false (an earlier version's dump) still loads, as off.
n=$((n + 1))
if "$TCPTERM" -c "$good" --set tcp.syn_cookies=false --check >"$tmp/out" 2>"$tmp/err" &&
   grep -qx 'syn_cookies = off' "$tmp/out"; then
	echo "ok: syn_cookies = false passes --check as off"
else
	echo "FAIL: syn_cookies = false: --check failed or printed no 'syn_cookies = off'"
	cat "$tmp/err"
	fail=1
fi

# Nothing above may have started the EAL.
for d in "/var/run/dpdk/$prefix" "/run/dpdk/$prefix" "/tmp/dpdk/$prefix" \
	 "${XDG_RUNTIME_DIR:-/nonexistent}/dpdk/$prefix"; do
	if [ -e "$d" ]; then
		echo "FAIL: DPDK runtime directory $d exists: the EAL was started"
		fail=1
	fi
done
while read -r _ mnt fstype _; do
	[ "$fstype" = hugetlbfs ] || continue
	if compgen -G "$mnt/${prefix}*" >/dev/null; then
		echo "FAIL: hugepage files $mnt/${prefix}* exist: the EAL was started"
		fail=1
	fi
done </proc/mounts

echo "$n cases"
exit $fail
