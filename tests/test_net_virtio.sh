#!/usr/bin/env bash
# The virtio-net driver really sends and receives.  The guest's NIC is a
# QEMU dgram netdev on unix sockets; tests/net_virtio_peer.py is the other
# end: it records what the guest sends (build/test-results/net_virtio.pcap)
# and answers as a peer at 10.0.2.2 would.  Checked on raw bytes:
#   - at boot the guest announces 10.0.2.15 from 52:54:00:12:34:56 (QEMU's
#     default MAC) with a well-formed gratuitous ARP (RFC 5227 section 3);
#   - an ARP request for 10.0.2.15 gets a reply (RFC 826), and an ICMP echo
#     request gets an echo reply with the same id, sequence and data
#     (RFC 792), so injected frames reach the stack and answers leave it;
#   - runts and an oversized frame are dropped (runts counted as Eth
#     InTooShort) and the NIC keeps working;
#   - eth0's counters in the guest's /proc/net/dev rose.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/test-results
exec /usr/bin/python3 tests/net_virtio_peer.py build/test-results/net_virtio.pcap
