#!/usr/bin/env bash
# Sockets opened until the kernel refuses (issue 13 item 3c), three times
# in one guest of 256 MiB (user/stress/socket_exhaust.c).  The first two
# rounds, with RLIMIT_NOFILE at 256: 8 processes each open TCP sockets
# until refused, holding them all (8 x 252 sockets with 128 KiB of rings
# each is more than the guest's memory, so some are refused for memory:
# ENOMEM), then TCP, UDP, raw, packet and unix sockets and loopback TCP
# connections one kind at a time until refused (EMFILE at the limit).  The
# third, "memory", in one process with RLIMIT_NOFILE at 4096 (the fd table
# grows to the limit): TCP sockets and loopback connections run out of
# memory before descriptors, so they must end in ENOMEM.  Its loopback
# connections used to hang: the connection whose rings accept could not
# have was reset and accept waited on for another (sockets/tcp_socket.c
# now answers ENOMEM).  With 65536 the four other kinds (65532 sockets
# each) would outlast the guest's 600 s.  Asserted: every refusal is
# EMFILE, ENFILE, ENOBUFS or ENOMEM, every process reported (none killed),
# the kernel did not panic, the third round's TCP kinds ended in ENOMEM,
# and afterwards (TIME-WAIT shortened by tcp_msl_ms, as in
# test_net_leaks.sh) sockets and live pbufs are back to where they were
# before the first round and MemFree to where it was after it.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/baseline.sh
out=build/test-results/socket_exhaustion
mkdir -p "$out"
make -s -f user/stress/Makefile.inc build/user/stress/socket_exhaust || exit 1
tools/guestrun --mem 256M --timeout 600 --add build/user/stress/socket_exhaust -- sh -c "$baseline_guest_functions"'
    echo 100 > /proc/sys/net/ipv4/tcp_msl_ms
    show start
    socket_exhaust 256 8 | sed "s/^/first /"; tcp_idle
    show warm
    socket_exhaust 256 8 | sed "s/^/second /"; tcp_idle
    socket_exhaust 4096 | sed "s/^/memory /"; tcp_idle
    show after' >"$out/guest.out" 2>&1
status=$?
failed=0
[ $status -eq 0 ] || { echo "not ok - the guest ran to its end (status $status)"; failed=1; }
for round in first second memory; do
    sed -n "s/^$round //p" "$out/guest.out" | sed 's/^/# /'
    if grep -qx "$round refusals ok" "$out/guest.out"; then
        echo "ok - $round round: every refusal is EMFILE, ENFILE, ENOBUFS or ENOMEM, no process lost"
    else
        echo "not ok - $round round: every refusal is EMFILE, ENFILE, ENOBUFS or ENOMEM, no process lost"
        failed=1
    fi
done
for kind in tcp tcp-loopback; do
    if grep -q "^memory $kind: [0-9]* [a-z]*, then ENOMEM$" "$out/guest.out"; then
        echo "ok - memory round: $kind ran out of memory (ENOMEM) before descriptors"
    else
        echo "not ok - memory round: $kind ran out of memory (ENOMEM) before descriptors"
        failed=1
    fi
done
baseline_compare "$out/guest.out" || failed=1
exit $failed
