#!/usr/bin/env bash
# tools/run-tests itself, on a scratch tree holding a copy of it, a stub
# oracle and five host scripts: one passing, one failing, one skipping
# properly (prints "# SKIP reason", exits 77), one printing "# SKIP" but
# exiting 0, and one whose "# SKIP" is only a TAP subtest's.  The proper
# skip must count as skipped with its reason, the "# SKIP" with status 0
# as failed (never passed), and the closing line must say
# "N passed, M failed, K skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/tap.sh
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/tools" "$scratch/tests"
cp tools/run-tests "$scratch/tools/"
printf '#!/bin/sh\nexit 0\n' >"$scratch/tools/run-host-oracle"
chmod +x "$scratch/tools/run-host-oracle"
echo 'echo "ok 1 - fine"' >"$scratch/tests/test_fake_pass.sh"
echo 'echo "not ok 1 - broken"; exit 1' >"$scratch/tests/test_fake_fail.sh"
printf 'echo "# SKIP needs a tap"\nexit 77\n' >"$scratch/tests/test_fake_skip.sh"
printf 'echo "# SKIP needs root"\nexit 0\n' >"$scratch/tests/test_fake_skip_exit_0.sh"
printf 'echo "ok 1 - # SKIP a subtest"\nexit 0\n' >"$scratch/tests/test_fake_tap_subtest_skip.sh"
out=$scratch/run-tests.out
status=0
"$scratch/tools/run-tests" test_fake >"$out" 2>&1 || status=$?
sed 's/^/  # /' "$out"
check "a passing script: PASS" grep -qx 'PASS test_fake_pass' "$out"
check "a failing script: FAIL" grep -q '^FAIL test_fake_fail ' "$out"
check "exit 77 after '# SKIP reason': SKIP with the reason" \
    grep -qx 'SKIP test_fake_skip (needs a tap)' "$out"
check "'# SKIP' with exit status 0: FAIL, never PASS" grep -q '^FAIL test_fake_skip_exit_0 ' "$out"
check "a TAP subtest's '# SKIP' is no skip of the script: PASS" \
    grep -qx 'PASS test_fake_tap_subtest_skip' "$out"
check "the closing line: 3 passed (the oracle too), 2 failed, 1 skipped" \
    bash -c "tail -n 1 '$out' | grep -qx '3 passed, 2 failed, 1 skipped'"
check "run-tests exits non-zero when a test failed" test $status -ne 0
checks_summary
