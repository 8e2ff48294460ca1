#!/usr/bin/env bash
# Leaks (DESIGN.md "Tests"): after the socket tests and busybox's ping,
# traceroute, arping and udhcpc (against slirp) have run in the guest, /proc/net/sockstat shows the same sockets
# and the same number of live pbufs as before.
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/net_leaks
mkdir -p "$out"
tests=build/user/tests
tools/guestrun --net user,restrict=on --mem 512M --timeout 180 --add "$tests/t_socket_udp" --add "$tests/t_socket_raw" \
    --add "$tests/t_epoll" -- sh -c '
    cat /proc/net/sockstat > /tmp/before
    t_socket_udp > /dev/null; t_socket_raw > /dev/null; t_epoll > /dev/null
    ping -c 2 127.0.0.1 > /dev/null; traceroute -n -m 1 127.0.0.1 > /dev/null 2>&1
    ping -c 2 10.0.2.2 > /dev/null; arping -c 1 -I eth0 10.0.2.2 > /dev/null
    udhcpc -i eth0 -n -q -s /bin/true > /dev/null 2>&1
    echo "== before"; cat /tmp/before
    echo "== after"; cat /proc/net/sockstat' >"$out/guest.out" 2>&1
sed -n '/^== before$/,/^== after$/p' "$out/guest.out" | sed '1d;$d' >"$out/before"
sed -n '/^== after$/,$p' "$out/guest.out" | sed '1d' >"$out/after"
failed=0
if grep -q '^sockets: used 0$' "$out/before"; then
    echo "ok 1 - no sockets are open before the tests"
else
    echo "not ok 1 - no sockets are open before the tests"; failed=1
fi
for line in "sockets: used" "UDP: inuse" "RAW: inuse" "PACKET: inuse" "PBUF: inuse"; do
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
