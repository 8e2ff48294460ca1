#!/usr/bin/env bash
# ETXTBSY as on Linux 6.1 (tests/etxtbsy.c): a running program cannot be
# opened for writing or truncated, a file open for writing cannot be run,
# and a child running a program keeps writers off until it exits.  Linux
# booted by tools/linuxrun is the reference, as under qemu-aarch64 the host
# kernel runs qemu rather than the program.
set -uo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$work/etxtbsy" tests/etxtbsy.c || exit 1
tools/linuxrun --add "$work/etxtbsy" -- /bin/etxtbsy >"$work/linux.out"; linux_status=$?
tools/guestrun --add "$work/etxtbsy" -- /bin/etxtbsy >"$work/strata.out"; strata_status=$?
failures=0
grep -q "open the running program for writing: ETXTBSY" "$work/linux.out" &&
    echo "ok - Linux gives ETXTBSY (the reference is sound)" ||
    { echo "not ok - Linux's output is not what this test expects"; failures=1; }
diff -u "$work/linux.out" "$work/strata.out" && echo "ok - output as on Linux 6.1" ||
    { echo "not ok - output differs from Linux 6.1"; failures=1; }
[ $linux_status -eq 0 ] && [ $strata_status -eq 0 ] && echo "ok - both exit 0" ||
    { echo "not ok - status $strata_status vs Linux $linux_status"; failures=1; }
exit $failures
