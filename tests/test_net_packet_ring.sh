#!/usr/bin/env bash
# AF_PACKET as libpcap 1.10 (tcpdump) uses it: receive rings (TPACKET_V2,
# TPACKET_V3) mapped with mmap, poll, PACKET_STATISTICS, socket filters
# (SO_ATTACH_FILTER with tcpdump's compiled "icmp" and ancillary loads,
# the checker's errors, detach and lock), PACKET_AUXDATA, memberships.
# tests/net_packet_ring.c runs in Strata and in Linux 6.1 (tools/linuxrun),
# the oracle: qemu-user has no SOL_PACKET options.  Each must pass every
# check, and the two outputs must be the same lines.
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/net_packet_ring
program=build/tests/net_packet_ring
mkdir -p "$out" build/tests
if ! aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$program" tests/net_packet_ring.c; then
    echo "not ok - building tests/net_packet_ring.c"
    exit 1
fi
failed=0
for runner in guestrun linuxrun; do
    memory=()
    [ "$runner" = guestrun ] && memory=(--mem 512M)
    "tools/$runner" "${memory[@]}" --timeout 300 --add "$program:/bin/net_packet_ring" -- \
        /bin/net_packet_ring >"$out/$runner.out" 2>"$out/$runner.err"
    status=$?
    if [ $status -eq 0 ] && ! grep -q '^not ok' "$out/$runner.out" && grep -q '^# .* 0 failed$' "$out/$runner.out"; then
        echo "ok - $runner: $(tail -n 1 "$out/$runner.out" | sed 's/^# //')"
    else
        echo "not ok - $runner: status $status"
        grep -v '^ok' "$out/$runner.out" | sed 's/^/  /'
        sed 's/^/  stderr: /' "$out/$runner.err" | tail -n 5
        failed=1
    fi
done
if cmp -s "$out/guestrun.out" "$out/linuxrun.out"; then
    echo "ok - Strata prints the lines Linux prints"
else
    echo "not ok - Strata and Linux differ:"
    diff "$out/linuxrun.out" "$out/guestrun.out" | sed 's/^/  /'
    failed=1
fi
exit $failed
