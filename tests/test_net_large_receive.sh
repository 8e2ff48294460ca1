#!/usr/bin/env bash
# Large receive on virtio-net (GUEST_TSO4 with MRG_RXBUF), seen from user
# space: tests/net_large_receive.c reads 64 MiB from the host's
# tools/peers/tcp_peer.py through a tap in a private namespace
# (tools/netns-peer) while a packet socket with PACKET_AUXDATA watches eth0.
# Run in Strata and in Linux 6.1 (tools/linuxrun), the oracle; each must
# print the expected lines: every byte arrived, frames longer than 1514
# bytes came up whole (Linux's GRO makes them; Strata takes the host's GSO
# packets as they are), and tp_status marks the host's TCP checksums as
# not yet computed (TP_STATUS_CSUMNOTREADY), as Linux's packet_rcv does.
# The data itself is checked by tests/test_net_tcp_transfers.sh (SHA-256).
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/net_large_receive

if [ "${1:-}" = --inside ]; then
    for runner in guestrun linuxrun; do
        # shellcheck disable=SC2086  # NETNS_PEER_PASS_FD is one word or none
        "tools/$runner" --net "$NETNS_PEER_QEMU_NET" ${NETNS_PEER_PASS_FD:+--pass-fd $NETNS_PEER_PASS_FD} \
            --timeout 240 --add build/tests/net_large_receive:/bin/net_large_receive -- sh -c "
            ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up && net_large_receive 64" \
            >"$out/$runner.out" 2>"$out/$runner.err"
        echo "status $?" >>"$out/$runner.out"
    done
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "# SKIP net_large_receive: a network namespace and a tap need root"
    exit 77
fi
rm -rf "$out"
mkdir -p "$out" build/tests
aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o build/tests/net_large_receive \
    tests/net_large_receive.c || exit 1
tools/netns-peer --peer-ready "exec /usr/bin/python3 tools/peers/tcp_peer.py" -- \
    bash "$0" --inside >"$out/peer.out" 2>"$out/netns-peer.err" || { cat "$out/netns-peer.err"; exit 1; }
cat >"$out/expected" <<'END'
received all 64 MiB: yes
a TCP frame from the peer longer than 1514 bytes: yes
tp_status checksum bits on the peer's TCP data frames: TP_STATUS_CSUMNOTREADY
status 0
END
failed=0
for runner in guestrun linuxrun; do
    if cmp -s "$out/expected" "$out/$runner.out"; then
        echo "ok - $runner: $(sed -n 2p "$out/expected")"
    else
        echo "not ok - $runner:"
        diff "$out/expected" "$out/$runner.out" | sed 's/^/  /'
        tail -n 5 "$out/$runner.err" | sed 's/^/  stderr: /'
        failed=1
    fi
done
exit $failed
