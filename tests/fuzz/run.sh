#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run every fuzz harness of a -Dfuzz=true build for a bounded time, over a
# copy of its corpus (tests/fuzz/corpus/<name>, never written to) plus
# what libFuzzer makes of it:
#
#	tests/fuzz/run.sh BUILD-DIR [SECONDS-PER-HARNESS] [HARNESS...]
#
# (default 8 s each, all harnesses: about a minute). Used by
# scripts/test.sh under CI; docs/testing.md says how to run one for hours.
# A crash, a leak, an invariant broken, a timeout (30 s for one input) or
# more than 2 GiB of memory stops that harness: the input is kept in
# $TT_FUZZ_ARTIFACTS (default BUILD-DIR/fuzz-artifacts), its bytes are
# printed in base64, and the status is 1. Last line:
# "fuzz: N harnesses, E executions, F failed".
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:?usage: run.sh BUILD-DIR [SECONDS-PER-HARNESS] [HARNESS...]}
secs=${2:-8}
shift $(($# > 2 ? 2 : $#))
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
	harnesses=(pkt tcp_opts http_req http_resp cfg tcp_flow tcp_pair)
fi
artifacts=${TT_FUZZ_ARTIFACTS:-$build/fuzz-artifacts}
mkdir -p "$artifacts" || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/tt-fuzz-run.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

failed=0
total=0
for h in "${harnesses[@]}"; do
	bin=$build/tests/fuzz/fuzz_$h
	seeds=$root/tests/fuzz/corpus/$h
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin missing (configure with -Dfuzz=true, docs/testing.md)" >&2
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$work/$h"
	log=$work/$h.log
	# -max_total_time includes replaying the corpus; the seeds are read,
	# new inputs go to the scratch copy.
	"$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$artifacts/$h-" \
		"$work/$h" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
	execs=${execs:-0}
	total=$((total + execs))
	if [ "$rc" -ne 0 ]; then
		failed=$((failed + 1))
		echo "fuzz: $h FAILED (exit $rc) after $execs executions:" >&2
		grep -E 'invariant failed|ERROR: |SUMMARY: |runtime error' "$log" | head -20 >&2
		grep -E '^artifact_prefix|Test unit written|^Base64' "$log" >&2
	else
		echo "fuzz: $h ok, $execs executions in ${secs} s"
	fi
done
echo "fuzz: ${#harnesses[@]} harnesses, $total executions, $failed failed"
[ "$failed" -eq 0 ]
