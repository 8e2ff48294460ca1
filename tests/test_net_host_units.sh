#!/usr/bin/env bash
# The protocol layers' host unit tests (eth, arp, ip, icmp, udp): built for
# the host with ASan and UBSan through netif/host's port (virtual clock, fake
# netif), each test in its own process.  Prints ok / not ok per test; exits
# non-zero on any failure or build error.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! make -s -f tests/host/Makefile all; then
    echo "not ok - building the host unit tests"
    exit 1
fi
make -s -f tests/host/Makefile run
