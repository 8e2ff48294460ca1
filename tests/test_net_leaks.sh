#!/usr/bin/env bash
# Leaks (docs/design.md, "Tests"): the network tests' workload (the UDP, raw, TCP
# and epoll socket tests over lo, busybox's ping, traceroute, arping and
# udhcpc against slirp) runs twice in one guest.  After it, once every TCP
# connection has ended (TIME-WAIT shortened through Strata's
# /proc/sys/net/ipv4/tcp_msl_ms), /proc/net/sockstat shows the same sockets
# and the same number of live pbufs as before any test, and MemFree in
# /proc/meminfo is back to what it was after the first round: the first
# round warms up what legitimately stays allocated (kmalloc slabs, the ARP
# cache), as tests/test_memory_baseline.sh does for processes.
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/net_leaks
mkdir -p "$out"
tests=build/user/tests
tools/guestrun --net user,restrict=on --mem 512M --timeout 240 --add "$tests/t_socket_udp" \
    --add "$tests/t_socket_raw" --add "$tests/t_socket_tcp" --add "$tests/t_socket_tcp_close" \
    --add "$tests/t_epoll" -- sh -c '
    workload() {
        t_socket_udp > /dev/null; t_socket_raw > /dev/null; t_epoll > /dev/null
        t_socket_tcp > /dev/null; t_socket_tcp_close > /dev/null
        ping -c 2 127.0.0.1 > /dev/null; traceroute -n -m 1 127.0.0.1 > /dev/null 2>&1
        ping -c 2 10.0.2.2 > /dev/null; arping -c 1 -I eth0 10.0.2.2 > /dev/null
        udhcpc -i eth0 -n -q -s /bin/true > /dev/null 2>&1
    }
    # Until /proc/net/tcp lists no connection (its header only), at most 30 s.
    tcp_idle() {
        i=0
        while [ "$(wc -l < /proc/net/tcp)" -gt 1 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    }
    # Readings go straight out, tagged, by the same command each time:
    # shell variables would grow the shell'"'"'s heap between two readings,
    # and a different reader would hold a different number of pages.
    show() {
        { cat /proc/net/sockstat /proc/meminfo; echo "TCP connections: $(($(wc -l < /proc/net/tcp) - 1))"; } |
            sed "s/^/$1 /"
    }
    echo 100 > /proc/sys/net/ipv4/tcp_msl_ms
    show start
    workload; tcp_idle
    show warm
    workload; tcp_idle
    show after' >"$out/guest.out" 2>&1
# Sockets and pbufs against the start, free pages against the warmed-up round.
{ sed -n 's/^start //p' "$out/guest.out" | grep -v '^MemFree:'
  sed -n 's/^warm //p' "$out/guest.out" | grep '^MemFree:'; } >"$out/before"
sed -n 's/^after //p' "$out/guest.out" >"$out/after"
failed=0
if grep -q '^sockets: used 0$' "$out/before"; then
    echo "ok 1 - no sockets are open before the tests"
else
    echo "not ok 1 - no sockets are open before the tests"; failed=1
fi
for line in "sockets: used" "TCP: inuse" "TCP connections:" "UDP: inuse" "RAW: inuse" \
    "PACKET: inuse" "PBUF: inuse" "MemFree:"; do
    before=$(grep "^$line" "$out/before")
    after=$(grep "^$line" "$out/after")
    if [ -n "$before" ] && [ "$before" = "$after" ]; then
        echo "ok - $line back to its baseline ($after)"
    else
        echo "not ok - $line back to its baseline: before '$before', after '$after'"
        failed=1
    fi
done
exit $failed
