#!/usr/bin/env bash
# TCP's host unit tests (tests/tcp/): tcp/ with eth, arp, ip, icmp and udp
# built for the host with ASan and UBSan through netif/host's port
# (virtual clock, fake netif), each test in its own process.  Every test
# names the RFC rule it checks.  Prints ok / not ok per test; exits
# non-zero on any failure or build error.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! make -s -f tests/tcp/Makefile all; then
    echo "not ok - building the TCP host unit tests"
    exit 1
fi
make -s -f tests/tcp/Makefile run
