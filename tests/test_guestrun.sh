#!/usr/bin/env bash
# tools/guestrun's contract: exit statuses, separate stdout and stderr,
# timeouts, --add, --out (byte for byte), --mem, concurrent runs, panics.
set -uo pipefail
cd "$(dirname "$0")/.."
failures=0
check() {   # check DESCRIPTION EXPECTED ACTUAL
    if [ "$2" == "$3" ]; then
        echo "ok - $1"
    else
        echo "not ok - $1: expected [$2] got [$3]"
        failures=$((failures + 1))
    fi
}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

tools/guestrun -- true; check "status 0 of a command that succeeds" 0 $?
tools/guestrun -- sh -c 'exit 7'; check "the command's exit status" 7 $?
tools/guestrun -- sh -c 'kill -TERM $$'; check "128+N when signal N kills the command" 143 $?
tools/guestrun -- no-such-command 2>/dev/null; check "127 for a command not found" 127 $?
tools/guestrun -- poweroff -f; check "busybox's poweroff -f powers off (reboot(2) with glibc's sign-extended magic)" 0 $?

tools/guestrun -- sh -c 'echo to-stdout; echo to-stderr >&2' >"$scratch/out" 2>"$scratch/err"
check "stdout carries only the command's stdout" to-stdout "$(cat "$scratch/out")"
check "stderr carries only the command's stderr" to-stderr "$(cat "$scratch/err")"

tools/guestrun --timeout 3 -- sleep 100 2>/dev/null; check "124 on timeout" 124 $?

head -c 50000 /dev/urandom >"$scratch/blob"
check "--add puts a host file at the guest path" "$(sha256sum <"$scratch/blob" | cut -d' ' -f1)" \
    "$(tools/guestrun --add "$scratch/blob:/data/blob" -- sha256sum /data/blob | cut -d' ' -f1)"

guest_sum=$(tools/guestrun --out "$scratch/out-dir" -- \
    sh -c 'head -c 100000 /dev/urandom >/out/random.bin; sha256sum /out/random.bin' | cut -d' ' -f1)
check "--out copies /out byte for byte" "$guest_sum" \
    "$(sha256sum <"$scratch/out-dir/random.bin" | cut -d' ' -f1)"

check "the kernel runs busybox in 64 MiB" hello "$(tools/guestrun --mem 64M -- echo hello)"

tools/guestrun -- sh -c 'echo first' >"$scratch/a" &
tools/guestrun -- sh -c 'echo second' >"$scratch/b" &
wait
check "two guestruns at once do not mix (first)" first "$(cat "$scratch/a")"
check "two guestruns at once do not mix (second)" second "$(cat "$scratch/b")"

tools/guestrun --append strata.test=panic -- true 2>"$scratch/panic"
check "125 when the kernel panics" 125 $?
check "a panic prints its cause" 1 "$(grep -c 'KERNEL PANIC: test panic' "$scratch/panic")"
check "a panic prints a symbolized backtrace" 1 "$(grep -c ' kernel_main+0x' "$scratch/panic")"

tools/guestrun >/dev/null 2>&1; check "no command: usage error" 2 $?

[ $failures -eq 0 ]
