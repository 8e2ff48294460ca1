#!/usr/bin/env bash
# MAP_FIXED_NOREPLACE as on Linux 6.1 (tests/map_fixed_noreplace.c): the
# oracle, qemu-aarch64, takes the flag as a hint, so Linux booted by
# tools/linuxrun is the reference.
set -uo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$work/noreplace" \
    tests/map_fixed_noreplace.c || exit 1
tools/linuxrun --add "$work/noreplace" -- /bin/noreplace >"$work/linux.out"; linux_status=$?
tools/guestrun --add "$work/noreplace" -- noreplace >"$work/strata.out"; strata_status=$?
failures=0
grep -q "over a mapping: failed, errno EEXIST" "$work/linux.out" &&
    echo "ok - Linux gives EEXIST (the reference is sound)" ||
    { echo "not ok - Linux's output is not what this test expects"; failures=1; }
diff -u "$work/linux.out" "$work/strata.out" && echo "ok - output as on Linux 6.1" ||
    { echo "not ok - output differs from Linux 6.1"; failures=1; }
[ $linux_status -eq 0 ] && [ $strata_status -eq 0 ] && echo "ok - both exit 0" ||
    { echo "not ok - status $strata_status vs Linux $linux_status"; failures=1; }
exit $failures
