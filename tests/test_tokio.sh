#!/usr/bin/env bash
# Rust's tokio runtime in the guest (user/tokio/README.md): an echo server
# and client, a key-value server, a chat server with five clients, a TCP
# proxy, and tokio's hello-world client.
#
#   tests/test_tokio.sh [--guest strata|linux]     (default strata)
#
# 1. On loopback: user/tokio/scenarios.sh runs every program in the guest
#    and, with the same static binaries, under qemu-aarch64 on the host
#    (Linux, the oracle, in a network namespace of its own when we are root);
#    the two outputs must be the same line for line.
# 2. Through a tap, against the host (tools/netns-peer; needs root, else a
#    skip is reported): hello_client to the host's 10.0.2.2:6142, echo to the
#    host's echo server, a proxy in the guest to it, and the host's
#    echo_client (qemu-aarch64) to the guest's echo_server.  --guest linux
#    runs that guest script on Linux 6.1 (tools/linuxrun), how the expected
#    lines were checked.
# Synchronised on lines the programs print, never on sleeps; the polls below
# only bound how long a failure takes.
set -uo pipefail
cd "$(dirname "$0")/.."
name=test_tokio
out=build/test-results/$name
bin=build/tokio/aarch64-unknown-linux-gnu/release
programs="echo_server echo_client kv_server kv_client chat_server chat_clients proxy hello_client"
additions=()
for program in $programs; do
    additions+=(--add "$bin/$program")
done
additions+=(--add user/tokio/scenarios.sh:/root/scenarios.sh)

# ---- inside the namespace (tools/netns-peer runs this script again) ----
inside() {   # inside GUEST
    local runner=tools/guestrun
    [ "$1" = linux ] && runner=tools/linuxrun
    local guest_out=$out/host-guest.out
    "$runner" --net "$NETNS_PEER_QEMU_NET" --timeout 300 --mem 256M "${additions[@]}" -- \
        sh -c "ifconfig lo 127.0.0.1 up && ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up && sh /root/scenarios.sh /bin host" \
        >"$guest_out" 2>"$out/host-guest.err" &
    local guest_pid=$!
    for _ in $(seq 3000); do
        grep -qx READY "$guest_out" && break
        kill -0 $guest_pid 2>/dev/null || break
        sleep 0.1
    done
    "$bin/echo_client" "$NETNS_PEER_GUEST:7203" 4 >"$out/host-echo-client" 2>&1
    echo "status $?" >>"$out/host-echo-client"
    python3 -c 'import socket, sys; socket.create_connection((sys.argv[1], 7204), 10).close()' \
        "$NETNS_PEER_GUEST"
    local status=0
    wait $guest_pid || status=$?
    echo "guest status $status" >>"$guest_out"
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
make -s tokio-programs || exit 1
rm -rf "$out"
mkdir -p "$out"
failures=0
number=0
report() {   # report STATUS DESCRIPTION
    number=$((number + 1))
    if [ "$1" -eq 0 ]; then echo "ok $number - $2"; else echo "not ok $number - $2"; failures=$((failures + 1)); fi
}

# 1. Loopback, Strata beside Linux.
if [ "$guest" = strata ]; then
    if [ "$(id -u)" = 0 ]; then
        unshare --net sh -c "ip link set lo up && sh user/tokio/scenarios.sh $bin loopback" \
            >"$out/loopback-linux.out" 2>&1
    else
        sh user/tokio/scenarios.sh "$bin" loopback >"$out/loopback-linux.out" 2>&1
    fi
    grep -qx "== end" "$out/loopback-linux.out"
    report $? "on Linux (qemu-aarch64) the loopback scenarios ran to their end"
    tools/guestrun --timeout 300 --mem 256M "${additions[@]}" -- sh /root/scenarios.sh /bin loopback \
        >"$out/loopback-strata.out" 2>&1
    report $? "in the guest the loopback scenarios exited with status 0"
    diff -u "$out/loopback-linux.out" "$out/loopback-strata.out"
    report $? "the guest's output is Linux's, line for line ($(grep -c '^status 0$' "$out/loopback-linux.out") clients with status 0)"
fi

# 2. Through the tap, against the host.
if [ "$(id -u)" != 0 ]; then
    echo "# SKIP $name: the tap half needs root for a network namespace"
    echo "$number checks, $failures failed"
    [ $failures -eq 0 ] && exit 77
    exit 1
fi
tools/netns-peer --peer-ready "exec python3 tests/tokio_host_peer.py" -- bash "$0" --inside "$guest" ||
    report 1 "the namespace and the tap were set up"
expect() {   # expect DESCRIPTION FILE LINE: FILE has LINE
    grep -qxF -- "$3" "$2"
    report $? "$1"
}
g=$out/host-guest.out
expect "hello_client: the host answered tokio's hello world" "$g" \
    "hello_client: sent hello world to 10.0.2.2:6142, which answered \"hello from the host, which heard 'hello world'\""
expect "echo_client: 4 connections to the host's echo server got every byte back" "$g" \
    "echo_client: 4 connections each sent 334798 bytes and got every byte back in order"
expect "proxy: relayed 4 connections to the host, both ways" "$g" \
    "proxy: stopped by a signal after relaying 4 connections, 2678384 bytes"
expect "echo_server: served the host's 4 connections" "$g" \
    "echo_server: stopped by a signal after serving 4 connections"
[ "$(grep -c '^status 0$' "$g")" -eq 3 ] && [ "$(grep -c '^server status 0$' "$g")" -eq 2 ]
report $? "every client and server in the guest exited with status 0"
expect "the host's echo_client got every byte back from the guest's echo_server" "$out/host-echo-client" \
    "echo_client: 4 connections each sent 334798 bytes and got every byte back in order"
expect "the guest script ran to its end" "$g" "== end"
expect "the guest exited with status 0" "$g" "guest status 0"
echo "$number checks, $failures failed"
[ $failures -eq 0 ]
