#!/usr/bin/env bash
# The sniffer inside Strata, on its own AF_PACKET sockets: every scenario of
# user/sniff/tests/guest_capture.sh (lo bound by interface, both directions
# on eth0 with a filter, a pcap that Scapy reads back).
set -uo pipefail
cd "$(dirname "$0")/.."
user/sniff/tests/guest_capture.sh all
