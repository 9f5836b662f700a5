#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Set up (packages, build, hugepages) and run the whole test suite:
#
#	scripts/test.sh [MESON-TEST-ARGS...]
#
# e.g. scripts/test.sh --suite unit, scripts/test.sh integ_tap_ping.
# The integration tests get the EAL options chosen by scripts/setup.sh in
# TT_EAL_EXTRA.
#
# Under CI (CI set) a full run (no arguments) adds the sanitizer and fuzz
# stage (docs/testing.md); TT_SANITIZE=1 asks for it anywhere, TT_SANITIZE=0
# leaves it out. It builds build-fuzz with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer (-Dfuzz=true), runs there the unit suite, the
# replay of the fuzz corpora (suite fuzz) and TT_SANITIZE_TESTS (default:
# integ_ring_loopback, integ_pcap_arp_icmp, integ_tap_curl), then every fuzz
# harness for TT_FUZZ_SECONDS seconds (default 8) over its corpus
# (tests/fuzz/run.sh), each counted as one test.
#
# The last line is "tests: N passed, M failed, K skipped", over every
# stage; the exit status is meson test's for the main run, or 1 when only
# the sanitizer and fuzz stage failed.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=scripts/setup.sh
. "$root/scripts/setup.sh" || {
	echo "test.sh: setup failed" >&2
	echo "tests: 0 passed, 0 failed, 0 skipped"
	exit 1
}
export TT_EAL_EXTRA

# Counts of results over every stage.
n_pass=0
n_fail=0
n_skip=0

# Add the results of a meson test JSON log to the counts; 1 when it is missing.
count_log() {
	local log=$1 py=/usr/bin/python3 counts
	[ -x "$py" ] || py=python3
	[ -f "$log" ] || return 1
	counts=$("$py" - "$log" <<'EOF'
import json, sys
passed = failed = skipped = 0
with open(sys.argv[1]) as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        try:
            r = json.loads(line).get("result", "")
        except ValueError:
            continue
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
print(passed, failed, skipped)
EOF
)
	read -r p f k <<<"$counts"
	n_pass=$((n_pass + ${p:-0}))
	n_fail=$((n_fail + ${f:-0}))
	n_skip=$((n_skip + ${k:-0}))
	return 0
}

# meson test in BUILD-DIR with a log of our own (a "meson test" run by hand
# at the same time rewrites testlog.json), its results counted.
run_meson_test() {
	local dir=$1 rc
	shift
	rm -f "$dir/meson-logs/testsh.json"
	meson test -C "$dir" --print-errorlogs --logbase testsh "$@"
	rc=$?
	if ! count_log "$dir/meson-logs/testsh.json"; then
		echo "test.sh: no $dir/meson-logs/testsh.json (meson test exited $rc before running tests)" >&2
		[ "$rc" -ne 0 ] || rc=1
	fi
	return "$rc"
}

run_meson_test "$root/build" "$@"
rc=$?

# The sanitizer and fuzz stage (see the top of this file and docs/testing.md).
san=${TT_SANITIZE:-}
if [ -z "$san" ]; then
	san=0
	[ -n "${CI:-}" ] && [ $# -eq 0 ] && san=1
fi
if [ "$san" = 1 ]; then
	san_rc=0
	san_dir=$root/build-fuzz
	# halt_on_error: a UBSan report fails the test as an ASan one does.
	# DPDK's heaps and mempools (hugepages or --no-huge) are mmap()ed, not
	# malloc()ed: ASan neither checks nor reports them, so no option has to
	# hide false reports (docs/testing.md).
	export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:print_summary=1}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:print_summary=1}
	echo "test.sh: sanitizer and fuzz stage in $san_dir" >&2
	if CC=clang tt_setup_build "$root" build-fuzz -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false -Db_lto=false \
		-Dbuildtype=debugoptimized; then
		# A build the sanitizers do not instrument would pass everything.
		syms=$(nm "$san_dir/app/tcpterm" 2>/dev/null)
		if ! grep -q __asan_report_load <<<"$syms" ||
			! grep -q __ubsan_handle <<<"$syms"; then
			echo "test.sh: $san_dir/app/tcpterm has no ASan or UBSan checks" >&2
			san_rc=1
			n_fail=$((n_fail + 1))
		fi
		run_meson_test "$san_dir" --suite unit --suite fuzz || san_rc=1
		# shellcheck disable=SC2086 # a list of test names
		run_meson_test "$san_dir" ${TT_SANITIZE_TESTS:-integ_ring_loopback integ_pcap_arp_icmp integ_tap_curl} ||
			san_rc=1
		fuzz_log=$san_dir/meson-logs/fuzz-run.txt
		"$root/tests/fuzz/run.sh" "$san_dir" "${TT_FUZZ_SECONDS:-8}" 2>&1 | tee "$fuzz_log"
		[ "${PIPESTATUS[0]}" -eq 0 ] || san_rc=1
		n_pass=$((n_pass + $(grep -c '^fuzz: .* ok, ' "$fuzz_log")))
		n_fail=$((n_fail + $(grep -c '^fuzz: .* FAILED\|^fuzz: .* missing' "$fuzz_log")))
	else
		echo "test.sh: the sanitizer build failed" >&2
		san_rc=1
		n_fail=$((n_fail + 1))
	fi
	[ "$rc" -ne 0 ] || rc=$san_rc
fi

echo "tests: $n_pass passed, $n_fail failed, $n_skip skipped"
exit "$rc"
