#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Smoke test of the benchmark: scripts/bench.sh --quick (tiny durations, one
# run of each figure) must exit 0 and print the markdown table with a row
# for every scenario (1 to 7), the same table must be appended to the
# --out file, and nothing of the benchmark may be left running or behind
# in /var/run/dpdk. No timing is checked: the numbers of a shared CI
# machine mean nothing.
#
# The binary under test ($TCPTERM) is measured; scripts/setup.sh is not
# sourced (meson built everything, and the test must not rewrite
# build/eal-extra.txt); TT_EAL_EXTRA (lib.sh: --no-huge unless set) gives
# the memory mode.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

tt_require_root
tt_require_tcpterm
bench=$TT_SRCDIR/scripts/bench.sh
[ -f "$bench" ] || tt_fail "no $bench"
tt_require_cmd taskset

out=$TT_TMP/bench-out.md
echo "# previous content" >"$out"
tt_info "running scripts/bench.sh --quick (TT_EAL_EXTRA='$TT_EAL_EXTRA')"
t0=$(date +%s)
TCPTERM=$TCPTERM TT_BENCH_SKIP_SETUP=1 bash "$bench" --quick --out "$out" \
	>"$TT_TMP/stdout" 2>"$TT_TMP/stderr" &
bpid=$!
tt_track_pid "$bpid"
wait "$bpid"
rc=$?
tt_forget_pid "$bpid"
tt_info "bench.sh --quick took $(($(date +%s) - t0)) s, exit status $rc"
if [ $rc -ne 0 ]; then
	echo "---- stderr (last 40 lines) ----" >&2
	tail -n 40 "$TT_TMP/stderr" >&2
	echo "---- stdout ----" >&2
	cat "$TT_TMP/stdout" >&2
	tt_fail "bench.sh --quick exited $rc"
fi

grep -q '^| Scenario | Metric | Median | Range (min-max) | Unit | Runs | Notes |$' \
	"$TT_TMP/stdout" || tt_fail "no table header in the output"
for s in 1 2 3 4 5 6 7; do
	n=$(grep -c "^| $s\. " "$TT_TMP/stdout")
	[ "$n" -ge 1 ] || tt_fail "no row for scenario $s"
	tt_info "scenario $s: $n row(s)"
done
for sec in '### Ratios' '### Targets' '### Machine'; do
	grep -qx "$sec" "$TT_TMP/stdout" || tt_fail "no '$sec' section"
done
# Show the table in the test log (what ran, what was skipped and why).
grep '^| [0-9]\.' "$TT_TMP/stdout"

# --out appends: the old content stays, the table follows.
head -n 1 "$out" | grep -qx '# previous content' || tt_fail "--out did not append"
grep -c "^| [1-7]\. " "$out" | grep -qx "$(grep -c "^| [1-7]\. " "$TT_TMP/stdout")" ||
	tt_fail "--out file does not hold the same table"

# Nothing left behind: processes by DPDK file prefix, runtime directories.
if ls -d /var/run/dpdk/ttb"$bpid"-* >/dev/null 2>&1; then
	tt_fail "runtime directories left: $(ls -d /var/run/dpdk/ttb"$bpid"-*)"
fi
if pgrep -f "file-prefix=ttb$bpid-" >/dev/null 2>&1; then
	tt_fail "processes of the benchmark still running: $(pgrep -af "file-prefix=ttb$bpid-")"
fi
tt_info "PASS"
exit 0
