#!/usr/bin/env bash
# TCP transfers against the host's Linux stack through a tap in a private
# network namespace (tools/netns-peer; only 10.0.2.2, the host side, and
# 10.0.2.15, the guest, are used): 64 KiB, 1 MiB and 32 MiB of random data
# each way, with the guest as client and as server, each checked by SHA-256.
#
#   tests/test_net_tcp_transfers.sh [--guest strata|linux] [--impair ARGS]
#                                   [--client-sizes LIST] [--server-sizes LIST]
#                                   [--name NAME]
#
# The guest runs user/tools/tcp_xfer, the host tools/peers/tcp_xfer.py, which
# hashes with Python's hashlib: each transfer's receiver checks the hash the
# sender computed (the protocol is in tcp_xfer.c's header), and this script
# checks again that both sides logged the same hash.
#   guest client:  for each size, an S (guest sends) then an R (host sends)
#                  to the host's server;
#   guest server:  `tcp_xfer server`, once it prints READY the host's client
#                  does the same S and R for each size.
# --impair ARGS puts tools/impair-bridge between the guest and the tap
# (tests/test_net_tcp_impaired.sh uses it); its seed is in the evidence.
# --guest linux runs the same on Linux 6.1 (tools/linuxrun), the oracle.
# Without --impair it also checks that the guest's frames average more than
# 1514 bytes (TCP segmentation offload on the tap's virtio-net).
# Evidence: build/test-results/NAME/ (default net_tcp_transfers).
set -uo pipefail
cd "$(dirname "$0")/.."
guest=strata
impair=
client_sizes="65536 1048576 33554432"
server_sizes="65536 1048576 33554432"
name=net_tcp_transfers
guest_port=5202   # the guest's server
host_port=5201    # the host's server

# ---- inside the namespace (tools/netns-peer runs this script again) ----
inside() {
    local runner=tools/guestrun
    [ "$guest" = linux ] && runner=tools/linuxrun
    local client_ops="" server_ops="" size
    for size in $client_sizes; do client_ops+=" S:$size R:$size"; done
    for size in $server_sizes; do server_ops+=" S:$size R:$size"; done
    local count=$(($(wc -w <<<"$server_ops")))
    # The guest powers off when its script ends: first, until the peer has
    # acknowledged all it was sent (no connection ESTABLISHED, CLOSE-WAIT,
    # FIN-WAIT-1, CLOSING or LAST-ACK in /proc/net/tcp; bounded at 120 s).
    local drain='i=0; while grep -qE "^ *[0-9]+: [0-9A-F:]+ [0-9A-F:]+ (01|04|08|09|0B) " /proc/net/tcp &&
        [ $i -lt 1200 ]; do usleep 100000; i=$((i + 1)); done'
    # shellcheck disable=SC2086  # NETNS_PEER_PASS_FD is one word or none
    "$runner" --net "$NETNS_PEER_QEMU_NET" ${NETNS_PEER_PASS_FD:+--pass-fd $NETNS_PEER_PASS_FD} \
        --timeout "$timeout" --add build/user/tools/tcp_xfer:/bin/tcp_xfer -- sh -c "
        ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up
        echo '== client'; ${client_ops:+tcp_xfer client 10.0.2.2 $host_port $client_ops}
        echo \"status \$?\"
        echo '== server'; ${server_ops:+tcp_xfer server $guest_port $count}
        echo \"status \$?\"
        $drain
        echo \"received \$(sed -n 's/^ *eth0: *//p' /proc/net/dev | awk '{ print \$1, \$2 }')\"
        echo \"transmitted \$(sed -n 's/^ *eth0: *//p' /proc/net/dev | awk '{ print \$9, \$10 }')\"
        echo '== end'" >"$out/guest.out" 2>"$out/guest.err" &
    local guest_pid=$!
    if [ -n "$server_ops" ]; then
        # Until the guest's server is up: a bound, or the guest ended.
        for _ in $(seq $((timeout * 10))); do
            grep -qx READY "$out/guest.out" && break
            kill -0 $guest_pid 2>/dev/null || break
            sleep 0.1
        done
        # shellcheck disable=SC2086  # a list of transfers
        /usr/bin/python3 tools/peers/tcp_xfer.py client "$NETNS_PEER_GUEST" $guest_port $server_ops \
            >"$out/host-client.out" 2>&1
    fi
    local status=0
    wait $guest_pid || status=$?
    echo "guest status $status" >>"$out/guest.out"
}

while [ $# -gt 0 ]; do
    case $1 in
    --guest) guest=$2 ;;
    --impair) impair=$2 ;;
    --client-sizes) client_sizes=$2 ;;
    --server-sizes) server_sizes=$2 ;;
    --name) name=$2 ;;
    --inside) inside_mode=1; shift; continue ;;
    *) echo "usage: tests/test_net_tcp_transfers.sh [--guest strata|linux] [--impair ARGS]" \
        "[--client-sizes LIST] [--server-sizes LIST] [--name NAME]" >&2; exit 2 ;;
    esac
    [ $# -ge 2 ] || exit 2
    shift 2
done
[[ $guest == @(strata|linux) ]] || { echo "--guest strata or linux" >&2; exit 2; }
out=build/test-results/$name
# A bound on a stuck transfer, not a pace: 60 s, plus 100 s per 32 MiB
# (20 ms delay or 5% loss move it at well under 1 MB/s).
total=0
for size in $client_sizes $server_sizes; do total=$((total + 2 * size)); done
timeout=$((60 + total / 335544))
if [ "${inside_mode:-0}" = 1 ]; then
    inside
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "# SKIP $name: a network namespace and a tap need root"
    exit 77
fi
make -s -f user/tools/Makefile.inc build/user/tools/tcp_xfer || exit 1
[ -z "$impair" ] || make -s build/tools/impair-bridge || exit 1
rm -rf "$out"
mkdir -p "$out"
args=(--name "$name" --guest "$guest" --client-sizes "$client_sizes" --server-sizes "$server_sizes")
start=$(date +%s)
tools/netns-peer ${impair:+--impair "$impair"} \
    --peer-ready "exec /usr/bin/python3 tools/peers/tcp_xfer.py server $host_port" -- \
    bash "$0" --inside "${args[@]}" >"$out/host-server.out" 2>"$out/netns-peer.err" || exit 1
seconds=$(($(date +%s) - start))

. tests/tap.sh
# same_hash RECEIVER_LOG ROLE OP SIZE OTHER_LOG OTHER_ROLE: ROLE logged
# "ROLE OP SIZE sha256 H ok" and OTHER_ROLE "OTHER_ROLE OP SIZE sha256 H".
same_hash() {
    local hash
    hash=$(sed -n "s/^$2 $3 $4 sha256 \([0-9a-f]\{64\}\) ok\$/\1/p" "$1" | head -n 1)
    [ -n "$hash" ] && grep -qx "$6 $3 $4 sha256 $hash" "$5"
}
describe() {   # describe OP SIZE ROLE
    local way="guest to host"
    [ "$1:$3" = "R:guest client" ] || [ "$1:$3" = "S:guest server" ] && way="host to guest"
    echo "$3: $2 bytes $way, SHA-256 checked on both sides"
}
echo "# $guest guest${impair:+, impair-bridge $impair}: $seconds s"
grep -h "^impair-bridge: seed" "$out/netns-peer.err" | head -n 1 | sed 's/^/# /'
sed -n '/^== client$/,/^== server$/p' "$out/guest.out" >"$out/guest-client.out"
sed -n '/^== server$/,/^== end$/p' "$out/guest.out" >"$out/guest-server.out"
for size in $client_sizes; do
    for op in S R; do
        check "$(describe $op "$size" "guest client")" \
            same_hash "$out/guest-client.out" client $op "$size" "$out/host-server.out" server
    done
done
for size in $server_sizes; do
    for op in S R; do
        check "$(describe $op "$size" "guest server")" \
            same_hash "$out/host-client.out" client $op "$size" "$out/guest-server.out" server
    done
done
check "the guest's client and server exited 0" \
    test "$(grep -c '^status 0$' "$out/guest.out")" -eq 2
check "the guest ran its script to the end and exited 0" grep -qx "guest status 0" "$out/guest.out"
# Through the tap (no impairment: the bridge's dgram netdev offers no
# offloads) the guest's frames average more than an Ethernet frame's 1514
# bytes each way: TCP segmentation offload cut its 32 MiB sends, as
# Linux's do, and large receive took the host's GSO packets whole (Linux
# counts them whole in /proc/net/dev too).
if [ -z "$impair" ] && [[ "$client_sizes $server_sizes" == *33554432* ]]; then
    read -r bytes frames < <(sed -n 's/^transmitted //p' "$out/guest.out")
    check "the guest sent ${bytes:-?} bytes in ${frames:-?} frames: segmentation offload" \
        test -n "${frames:-}" -a "${frames:-0}" -gt 0 -a $((${bytes:-0} / ${frames:-1})) -gt 1514
    read -r bytes frames < <(sed -n 's/^received //p' "$out/guest.out")
    check "the guest received ${bytes:-?} bytes in ${frames:-?} frames: large receive" \
        test -n "${frames:-}" -a "${frames:-0}" -gt 0 -a $((${bytes:-0} / ${frames:-1})) -gt 1514
fi
if ! checks_summary; then
    sed 's/^/  # /' "$out/guest.out" "$out/guest.err" "$out/netns-peer.err" | tail -n 40
    exit 1
fi
