#!/usr/bin/env bash
# The fuzz targets (tests/fuzz/): libFuzzer with Debian's clang 14 under
# ASan and UBSan, each for FUZZ_SECONDS (30 here) after its regression
# inputs.  Fails on any finding: a crash, a leak (ASan's, or pbufs, TCP
# PCBs, allocated bytes, sockets or ring pages the stack kept), an
# undefined-behaviour report or a hang.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! make -s -j2 -f tests/fuzz/Makefile all; then
    echo "not ok - building the fuzz targets"
    exit 1
fi
FUZZ_SECONDS=${FUZZ_SECONDS:-30} tests/fuzz/run
