#!/usr/bin/env bash
# IP multicast over lo (tests/net_multicast.c): memberships with ip_mreq,
# ip_mreqn and group_req and their errors, IP_MULTICAST_IF/_TTL/_LOOP/_ALL,
# and which sockets a datagram to a group reaches.  qemu-user, the usual
# oracle, refuses IP_MULTICAST_IF, MCAST_JOIN_GROUP and IP_MULTICAST_ALL
# itself (ENOPROTOOPT), so the program runs on Strata and on Linux 6.1
# (tools/linuxrun), both must pass every check, and their outputs must be
# identical.
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/net_multicast
mkdir -p "$out" build/tests
program=build/tests/net_multicast
if ! aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$program" tests/net_multicast.c; then
    echo "not ok - building tests/net_multicast.c"
    exit 1
fi
failed=0
for runner in guestrun linuxrun; do
    "tools/$runner" --mem 512M --timeout 120 --add "$program:/bin/net_multicast" -- \
        sh -c 'ifconfig lo up; net_multicast' >"$out/$runner.out" 2>"$out/$runner.err"
    status=$?
    if [ $status -eq 0 ] && tail -n 1 "$out/$runner.out" | grep -q ' 0 failed$'; then
        echo "ok - $runner: $(tail -n 1 "$out/$runner.out")"
    else
        echo "not ok - $runner (status $status):"
        grep -v '^ok' "$out/$runner.out" | sed 's/^/  /'
        failed=1
    fi
done
if ! cmp -s "$out/linuxrun.out" "$out/guestrun.out"; then
    echo "not ok - Strata's output differs from Linux's:"
    diff "$out/linuxrun.out" "$out/guestrun.out" | sed 's/^/  /'
    failed=1
else
    echo "ok - Strata's output is Linux's"
fi
exit $failed
