#!/usr/bin/env bash
# AF_UNIX leaks: t_socket_unix (every socket kind and state, descriptors in
# flight, connections never accepted) and its garbage mode (cycles of
# sockets in flight, which only the collector frees: sockets/unix/
# unix_garbage.c) run three times in one guest; after
# each round /proc/net/sockstat shows no socket open and /proc/net/unix no
# AF_UNIX socket, and MemFree after the third round equals MemFree after
# the second (the first warms up what legitimately stays allocated, as in
# test_net_leaks, which leaves AF_UNIX out: its rounds mix the TCP tests'
# timing with this one's and their free pages varied by 12-15 pages).
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/unix_leaks
mkdir -p "$out"
tools/guestrun --mem 512M --timeout 240 --add build/user/tests/t_socket_unix -- sh -c '
    show() {
        { grep "^sockets:" /proc/net/sockstat; echo "unix rows: $(($(wc -l < /proc/net/unix) - 1))"
          grep "^MemFree:" /proc/meminfo; } | sed "s/^/$1 /"
    }
    round() { t_socket_unix > /dev/null; t_socket_unix garbage > /dev/null; show $1; }
    round first; round second; round third' >"$out/guest.out" 2>&1
failed=0
for round in first second third; do
    if grep -q "^$round sockets: used 0$" "$out/guest.out" && grep -q "^$round unix rows: 0$" "$out/guest.out"; then
        echo "ok - after the $round round no socket is open"
    else
        echo "not ok - after the $round round no socket is open:"; grep "^$round " "$out/guest.out"; failed=1
    fi
done
second=$(sed -n 's/^second MemFree://p' "$out/guest.out")
third=$(sed -n 's/^third MemFree://p' "$out/guest.out")
if [ -n "$second" ] && [ "$second" = "$third" ]; then
    echo "ok - MemFree after the third round is the second's ($third)"
else
    echo "not ok - MemFree: after the second round '$second', after the third '$third'"; failed=1
fi
exit $failed
