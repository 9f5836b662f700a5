#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Every example in config/ passes `tcpterm -c FILE --check` (exit 0), and
# what --check prints is itself a config that --check accepts and prints
# again unchanged (the dump round trip, through the real binary).
# --check stops before rte_eal_init, so this needs no root and no hugepages.

set -u

SRCDIR=${TT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TCPTERM=${TCPTERM:-${TT_BUILDDIR:-$SRCDIR/build}/app/tcpterm}

if [ ! -x "$TCPTERM" ]; then
	# Under CI the binary must have been built.
	[ -n "${CI:-}" ] && { echo "FAIL: tcpterm binary not found at $TCPTERM" >&2; exit 1; }
	echo "SKIP: tcpterm binary not found at $TCPTERM"
	exit 77
fi

tmp=$(mktemp -d /tmp/tt_config_check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

fail=0
n=0
for f in "$SRCDIR"/config/*.ini; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	name=$(basename "$f" .ini)
	if ! "$TCPTERM" -c "$f" --check >"$tmp/$name.dump" 2>"$tmp/$name.err"; then
		echo "FAIL: $f: tcpterm --check exited $?"
		cat "$tmp/$name.err"
		fail=1
		continue
	fi
	if [ -s "$tmp/$name.err" ]; then
		echo "FAIL: $f: --check wrote to stderr:"
		cat "$tmp/$name.err"
		fail=1
	fi
	if ! grep -q '^\[general\]$' "$tmp/$name.dump"; then
		echo "FAIL: $f: --check printed no [general] section"
		fail=1
		continue
	fi
	# The dump loads back and prints the same (header comment aside).
	cp "$tmp/$name.dump" "$tmp/$name.ini"
	if ! "$TCPTERM" -c "$tmp/$name.ini" --check >"$tmp/$name.dump2" 2>"$tmp/$name.err2"; then
		echo "FAIL: $f: the --check output does not load back:"
		cat "$tmp/$name.err2"
		fail=1
		continue
	fi
	if ! diff <(grep -v '^#' "$tmp/$name.dump") <(grep -v '^#' "$tmp/$name.dump2"); then
		echo "FAIL: $f: dump round trip differs"
		fail=1
		continue
	fi
	echo "ok: $f"
done

if [ "$n" -lt 6 ]; then
	echo "FAIL: expected at least 6 example configs in $SRCDIR/config, found $n"
	fail=1
fi
exit $fail
