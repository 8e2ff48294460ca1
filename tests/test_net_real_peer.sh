#!/usr/bin/env bash
# The guest against a real peer: the host's Linux on a tap in a private
# network namespace (tools/netns-peer; deleted at the end, the only addresses
# used are 10.0.2.2, the host side, and 10.0.2.15, the guest).
#
#   tests/test_net_real_peer.sh [--guest strata|linux]     (default strata)
#
# Guest -> host, with Debian's busybox applets unmodified: ping, arping,
# traceroute -n; UDP echo through the host's udp_echo server with payloads of
# 1 to 8192 bytes (past 1472 they go as IP fragments both ways), checked byte
# for byte.  Host -> guest, once the guest's udp_echo server says READY: the
# host's ping and arping (iputils), and the same UDP echo the other way.
# --guest linux runs the very same guest script on Linux 6.1 (tools/linuxrun),
# which is how every check here was validated.  Strata without a network (no
# /proc/net/snmp in the guest) skips cleanly, as does a run without root.
#
# Synchronised on lines the guest prints (guestrun and linuxrun stream its
# stdout), never on sleeps; the poll below only bounds how long a failure takes.
set -uo pipefail
cd "$(dirname "$0")/.."
name=test_net_real_peer
out=build/test-results/$name
guest_port=7008   # the guest's echo server
host_port=7007    # the host's echo server
sizes="1 100 1472 1473 3000 4096 8192"

# The guest's half, the same on both kernels.  Linux's eth0 comes up
# unconfigured; Strata's has these addresses from boot: ifconfig sets them
# on both.  Each section is closed by the next "== " line.
guest_script="exec 2>&1
ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up
echo '== ping'; ping -c 3 10.0.2.2
echo '== arping'; arping -c 2 -I eth0 10.0.2.2; echo \"status \$?\"
echo '== traceroute'; traceroute -n -m 3 -q 1 -w 2 10.0.2.2
echo '== udp-client'; udp_echo client 10.0.2.2 $host_port $sizes; echo \"status \$?\"
echo '== udp-server'; udp_echo server $guest_port; echo \"status \$?\"
echo '== end'"

# ---- inside the namespace (tools/netns-peer runs this script again) ----
inside() {   # inside GUEST
    local runner=tools/guestrun
    [ "$1" = linux ] && runner=tools/linuxrun
    local guest_out=$out/guest.out
    "$runner" --net "$NETNS_PEER_QEMU_NET" --timeout 180 \
        --add build/user/tools/udp_echo:/bin/udp_echo -- sh -c "$guest_script" \
        >"$guest_out" 2>"$out/guest.err" &
    local guest_pid=$!
    # Until the guest's server is up: 180 s bound, or the guest ended.
    for _ in $(seq 1800); do
        grep -qx READY "$guest_out" && break
        kill -0 $guest_pid 2>/dev/null || break
        sleep 0.1
    done
    ping -c 3 -W 5 "$NETNS_PEER_GUEST" >"$out/host-ping" 2>&1
    arping -c 2 -w 10 -I "$NETNS_PEER_TAP" "$NETNS_PEER_GUEST" >"$out/host-arping" 2>&1
    echo "status $?" >>"$out/host-arping"
    # shellcheck disable=SC2086  # $sizes is a list
    build/host/udp_echo client "$NETNS_PEER_GUEST" $guest_port $sizes >"$out/host-udp" 2>&1
    build/host/udp_echo quit "$NETNS_PEER_GUEST" $guest_port
    local status=0
    wait $guest_pid || status=$?
    echo "guest status $status" >>"$guest_out"
    cat /sys/class/net/"$NETNS_PEER_TAP"/address >"$out/tap-mac"
}

if [ "${1:-}" = --inside ]; then
    inside "$2"
    exit 0
fi

guest=strata
if [ "${1:-}" = --guest ] && [[ ${2:-} == @(strata|linux) ]]; then
    guest=$2
elif [ $# -gt 0 ]; then
    echo "usage: tests/$name.sh [--guest strata|linux]" >&2
    exit 2
fi
if [ "$(id -u)" != 0 ]; then
    echo "# SKIP $name: a network namespace and a tap need root"
    exit 77
fi
make -s -f user/tools/Makefile.inc build/user/tools/udp_echo build/host/udp_echo || exit 1
rm -rf "$out"
mkdir -p "$out"
tools/netns-peer --peer-ready "exec build/host/udp_echo server $host_port" -- \
    bash "$0" --inside "$guest" || exit 1

failures=0
number=0
check() {   # check DESCRIPTION FILE EXTENDED-REGEX: a line of FILE matches
    number=$((number + 1))
    if grep -Eq -- "$3" "$2"; then
        echo "ok $number - $1"
    else
        echo "not ok $number - $1 (no line of $2 matches $3)"
        failures=$((failures + 1))
    fi
}
section() {   # section NAME: the guest's lines from "== NAME" to the next "== "
    sed -n "/^== $1\$/,/^== /p" "$out/guest.out" >"$out/guest-$1"
    echo "$out/guest-$1"
}
guest_mac=52:54:00:12:34:56   # QEMU's default for the first NIC
tap_mac=$(cat "$out/tap-mac")

echo "# $guest guest"
check "guest ping: 3 of 3 echoes answered" "$(section ping)" \
    '^3 packets transmitted, 3 packets received, 0% packet loss$'
check "guest arping: the host's tap answers with its MAC" "$(section arping)" \
    "^Unicast reply from 10\.0\.2\.2 \[$tap_mac\]"
check "guest arping: 2 answers" "$out/guest-arping" '^Received 2 response'
check "guest arping: exit status 0" "$out/guest-arping" '^status 0$'
check "guest traceroute: 10.0.2.2 is the first hop" "$(section traceroute)" \
    '^ 1  10\.0\.2\.2  [0-9.]+ ms$'
section udp-client >/dev/null
for size in $sizes; do
    check "guest -> host UDP echo of $size bytes, byte for byte" "$out/guest-udp-client" \
        "^echo $size ok\$"
done
check "guest udp_echo client: exit status 0" "$out/guest-udp-client" '^status 0$'
check "host ping: 3 of 3 echoes answered" "$out/host-ping" \
    '^3 packets transmitted, 3 received, 0% packet loss'
check "host arping: the guest answers with its MAC" "$out/host-arping" \
    "^Unicast reply from 10\.0\.2\.15 \[$guest_mac\]"
check "host arping: 2 answers" "$out/host-arping" '^Received 2 response'
for size in $sizes; do
    check "host -> guest UDP echo of $size bytes, byte for byte" "$out/host-udp" \
        "^echo $size ok\$"
done
check "guest udp_echo server: ended by quit, status 0" "$(section udp-server)" '^status 0$'
check "the guest script ran to its end" "$out/guest.out" '^== end$'
check "the guest exited with status 0" "$out/guest.out" '^guest status 0$'
echo "$number checks, $failures failed"
[ $failures -eq 0 ]
