#!/usr/bin/env bash
# tools/impair-bridge: the engine's unit tests (ASan + UBSan: loss, duplication
# and corruption counts within binomial bounds of the requested rates, the
# effects of each setting, the same seed giving the same decisions), its
# usage errors, and the program end to end between its socketpair and a tap
# in a private namespace (tools/netns-peer): 1000 frames each way all
# forwarded, unchanged and in order at 0%; with loss, duplication,
# reordering and corruption, two runs with one seed deliver the very same
# frames, and another seed others.
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/impair_bridge
mkdir -p "$out"
make -s impair-bridge || exit 1
. tests/tap.sh

build/tools/test_impair >"$out/unit.out" 2>&1
check "the engine's unit tests ($(tail -n 1 "$out/unit.out"))" test $? -eq 0
grep '^not ok' "$out/unit.out"

bridge=build/tools/impair-bridge
usage_error() { "$bridge" "$@" >/dev/null 2>"$out/usage.err"; [ $? -eq 2 ] && grep -q '^usage:' "$out/usage.err"; }
check "no arguments: usage, status 2" usage_error
check "no --tap: usage, status 2" usage_error --both loss=1% -- true
check "a probability above 100%: usage, status 2" usage_error --both loss=150% --tap tap0 -- true
check "an unknown setting: usage, status 2" usage_error --to-guest jitter=5ms --tap tap0 -- true

if [ "$(id -u)" != 0 ]; then
    skip_rest "the end-to-end part: a network namespace and a tap need root"
fi
frames() {   # frames NAME IMPAIR-ARGS: 1000 frames each way through the bridge
    tools/netns-peer --impair "$2" -- /usr/bin/python3 tools/impair-bridge/tests/frames.py 1000 \
        >"$out/$1.out" 2>"$out/$1.err"
}
frames clean "--both loss=0"
expected=$(seq -s ' ' 0 999)
check "at 0%, 1000 frames reach the tap unchanged and in order" \
    grep -qx "to-host $expected" "$out/clean.out"
check "at 0%, 1000 frames reach the socketpair unchanged and in order" \
    grep -qx "to-guest $expected" "$out/clean.out"
check "at 0%, the bridge counts 1000 frames in and out each way" \
    test "$(grep -c 'frames 1000 lost 0 duplicated 0 reordered 0 corrupted 0 overflowed 0 sent 1000$' \
        "$out/clean.err")" -eq 2
# hold=500ms: a reordered frame waits for the next however slowly the sender runs.
profile="--both loss=10%,duplicate=5%,reorder=25%,corrupt=1%,hold=500ms"
frames seed7a "$profile --seed 7"
frames seed7b "$profile --seed 7"
frames seed8 "$profile --seed 8"
check "impaired, the frames differ from those sent (lost, doubled, swapped, corrupted)" \
    bash -c "! cmp -s '$out/clean.out' '$out/seed7a.out' && grep -q '\*' '$out/seed7a.out'"
check "the same seed delivers the same frames, both ways" cmp -s "$out/seed7a.out" "$out/seed7b.out"
check "the same seed gives the same counts" \
    cmp -s <(grep frames "$out/seed7a.err") <(grep frames "$out/seed7b.err")
check "the seed is printed" grep -q '^impair-bridge: seed 7 (replay with --seed 7)$' "$out/seed7a.err"
check "another seed delivers other frames" bash -c "! cmp -s '$out/seed7a.out' '$out/seed8.out'"
checks_summary
