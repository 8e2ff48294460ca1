#!/usr/bin/env bash
# Debian's arm64 python3 (python3-minimal, dynamically linked) in the guest
# talks UDP and TCP to the host's Linux on a tap in a private network
# namespace (tools/netns-peer): tests/debian/peer_client.py against
# tests/debian/echo_peer.py.  The same client runs on Linux 6.1
# (tools/linuxrun) beside the same peer, and the outputs must agree.  Skips
# without root, or when Debian's archive cannot be reached.
set -uo pipefail
cd "$(dirname "$0")/.."
port=7009
if [ "${1:-}" = --inside ]; then   # inside the namespace: --inside strata|linux OUTPUT
    runner=tools/guestrun
    [ "$2" = linux ] && runner=tools/linuxrun
    exec "$runner" --net "$NETNS_PEER_QEMU_NET" --mem 512M --timeout 300 --deb python3-minimal \
        --add tests/debian/peer_client.py:/peer_client.py -- \
        sh -c "ifconfig eth0 $NETNS_PEER_GUEST netmask 255.255.255.0 up &&
               python3 /peer_client.py $NETNS_PEER_HOST $port" >"$3"
fi
if [ "$(id -u)" != 0 ]; then
    echo "# SKIP a network namespace and a tap need root"
    exit 77
fi
status=0
tools/debian-packages python3-minimal >/dev/null || status=$?
if [ $status -eq 3 ]; then
    echo "# SKIP Debian's arm64 archive cannot be reached and build/debs lacks python3-minimal"
    exit 77
elif [ $status -ne 0 ]; then
    echo "not ok - tools/debian-packages python3-minimal (status $status)"
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
for guest in strata linux; do
    tools/netns-peer --peer-ready "exec python3 tests/debian/echo_peer.py 10.0.2.2 $port" -- \
        bash "$0" --inside $guest "$work/$guest.out"
    result=$?
    if [ $result -eq 0 ]; then
        echo "ok - python3 on $guest ends with status 0"
    else
        echo "not ok - python3 on $guest ends with status $result"
        failures=$((failures + 1))
    fi
done
if grep -qx "udp: PING OVER UDP from 10.0.2.2" "$work/strata.out" &&
    grep -qx "tcp: host got 200000 bytes from 10.0.2.2" "$work/strata.out"; then
    echo "ok - UDP answered and 200000 bytes over TCP counted by the host"
else
    echo "not ok - the exchange with the host:"; sed 's/^/#   /' "$work/strata.out"
    failures=$((failures + 1))
fi
diff -u "$work/linux.out" "$work/strata.out" && echo "ok - output as on Linux 6.1" ||
    { echo "not ok - output differs from Linux 6.1"; failures=$((failures + 1)); }
exit $((failures != 0))
