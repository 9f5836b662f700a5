#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Set up (packages, build, hugepages) and run the whole test suite:
#
#	scripts/test.sh [MESON-TEST-ARGS...]
#
# e.g. scripts/test.sh --suite unit, scripts/test.sh integ_tap_ping.
# The integration tests get the EAL options chosen by scripts/setup.sh in
# TT_EAL_EXTRA. The last line is "tests: N passed, M failed, K skipped";
# the exit status is meson test's.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=scripts/setup.sh
. "$root/scripts/setup.sh" || {
	echo "test.sh: setup failed" >&2
	echo "tests: 0 passed, 0 failed, 0 skipped"
	exit 1
}
export TT_EAL_EXTRA

# A log name of our own: a "meson test" run by hand at the same time rewrites
# testlog.json.
log=$root/build/meson-logs/testsh.json
rm -f "$log"
meson test -C "$root/build" --print-errorlogs --logbase testsh "$@"
rc=$?

py=/usr/bin/python3
[ -x "$py" ] || py=python3
if [ -f "$log" ]; then
	"$py" - "$log" <<'EOF'
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
print("tests: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
EOF
else
	echo "test.sh: no $log (meson test exited $rc before running tests)" >&2
	echo "tests: 0 passed, 0 failed, 0 skipped"
fi
exit "$rc"
