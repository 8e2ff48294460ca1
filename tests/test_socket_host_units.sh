#!/usr/bin/env bash
# sockets/'s host unit tests (tests/sockets/): AF_UNIX over the host's side
# of the sockets' port, with the whole stack built for the host with ASan
# and UBSan, each test in its own process.  Prints ok / not ok per test;
# exits non-zero on any failure or build error.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! make -s -f tests/sockets/Makefile all; then
    echo "not ok - building the sockets host unit tests"
    exit 1
fi
make -s -f tests/sockets/Makefile run
