#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The module rules of docs/architecture.md, checked on the source tree:
#
# 1. A lib/ module includes only its own headers and those of the modules
#    below it, in this order from the bottom:
#        stats, cfg  <  net  <  tcp  <  l7  <  gen
#    (stats and cfg are peers at the bottom and include neither each other
#    nor anything above). So there is no include circle, and lib/tcp
#    includes nothing of lib/l7 or lib/gen: the engine declares the events
#    it raises (lib/tcp/tt_tcp_events.h) and lib/l7 defines them.
# 2. No source file in lib/ or app/ is over 1,200 lines.
#
# Every violation is printed as FILE:LINE and the rule it breaks.

set -u

SRCDIR=${TT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAX_LINES=1200

declare -A rank=([stats]=0 [cfg]=0 [net]=1 [tcp]=2 [l7]=3 [gen]=4)
fail=0
nfiles=0
n_inc=0

for f in "$SRCDIR"/lib/*/*.[ch]; do
	[ -e "$f" ] || continue
	mod=$(basename "$(dirname "$f")")
	if [ -z "${rank[$mod]+x}" ]; then
		echo "FAIL: ${f#"$SRCDIR"/}: module '$mod' has no place in the module order"
		fail=1
		continue
	fi
	nfiles=$((nfiles + 1))
	while IFS=: read -r line inc; do
		dep=${inc%%/*}
		[ "$dep" = "$inc" ] && continue	# tt_common.h and other top-level headers
		if [ -z "${rank[$dep]+x}" ]; then
			echo "FAIL: ${f#"$SRCDIR"/}:$line: includes $inc of an unknown module"
			fail=1
		elif [ "$dep" != "$mod" ] && [ "${rank[$dep]}" -ge "${rank[$mod]}" ]; then
			echo "FAIL: ${f#"$SRCDIR"/}:$line: lib/$mod includes $inc (lib/$dep is not below lib/$mod)"
			fail=1
		fi
		n_inc=$((n_inc + 1))
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
		 sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1:\2/')
done
# Make sure the reader saw something, so that a broken pattern cannot pass.
if [ "$nfiles" -lt 10 ] || [ "$n_inc" -lt 20 ]; then
	echo "FAIL: found only $nfiles files and $n_inc includes under lib/"
	fail=1
fi
# lib/tcp must not name the application layer's headers at all.
if grep -n '#include "\(l7\|gen\)/' "$SRCDIR"/lib/tcp/*.[ch]; then
	echo "FAIL: lib/tcp includes lib/l7 or lib/gen"
	fail=1
fi

for f in "$SRCDIR"/lib/*.[ch] "$SRCDIR"/lib/*/*.[ch] "$SRCDIR"/app/*.[ch]; do
	[ -e "$f" ] || continue
	n=$(wc -l <"$f")
	if [ "$n" -gt "$MAX_LINES" ]; then
		echo "FAIL: ${f#"$SRCDIR"/}: $n lines (at most $MAX_LINES: one file, one job)"
		fail=1
	fi
done

[ "$fail" = 0 ] && echo "PASS: $nfiles lib/ files follow the module order; no file over $MAX_LINES lines"
exit "$fail"
