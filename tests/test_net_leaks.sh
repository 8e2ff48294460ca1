#!/usr/bin/env bash
# Leaks (docs/design.md, "Tests"): the network tests' workload (the UDP, raw, TCP
# and epoll socket tests over lo, busybox's ping, traceroute, arping and
# udhcpc against slirp) runs twice in one guest.  After it, once every TCP
# connection has ended (TIME-WAIT shortened through Strata's
# /proc/sys/net/ipv4/tcp_msl_ms), /proc/net/sockstat shows the same sockets
# and the same number of live pbufs as before any test, and MemFree in
# /proc/meminfo is back to what it was after the first round: the first
# round warms up what legitimately stays allocated (kmalloc slabs, the ARP
# cache), as tests/test_memory_baseline.sh does for processes.  The
# readings and their comparison are tests/baseline.sh's.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/baseline.sh
out=build/test-results/net_leaks
mkdir -p "$out"
tests=build/user/tests
tools/guestrun --net user,restrict=on --mem 512M --timeout 240 --add "$tests/t_socket_udp" \
    --add "$tests/t_socket_raw" --add "$tests/t_socket_tcp" --add "$tests/t_socket_tcp_close" \
    --add "$tests/t_epoll" -- sh -c "$baseline_guest_functions"'
    workload() {
        t_socket_udp > /dev/null; t_socket_raw > /dev/null; t_epoll > /dev/null
        t_socket_tcp > /dev/null; t_socket_tcp_close > /dev/null
        ping -c 2 127.0.0.1 > /dev/null; traceroute -n -m 1 127.0.0.1 > /dev/null 2>&1
        ping -c 2 10.0.2.2 > /dev/null; arping -c 1 -I eth0 10.0.2.2 > /dev/null
        udhcpc -i eth0 -n -q -s /bin/true > /dev/null 2>&1
    }
    echo 100 > /proc/sys/net/ipv4/tcp_msl_ms
    show start
    workload; tcp_idle
    show warm
    workload; tcp_idle
    show after' >"$out/guest.out" 2>&1
failed=0
if grep -q '^start sockets: used 0$' "$out/guest.out"; then
    echo "ok - no sockets are open before the tests"
else
    echo "not ok - no sockets are open before the tests"; failed=1
fi
baseline_compare "$out/guest.out" || failed=1
exit $failed
