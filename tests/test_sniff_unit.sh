#!/usr/bin/env bash
# The sniffer's decoders, filter and pcap writer, unit-tested natively under
# ASan and UBSan (user/sniff/tests/sniff_unit.c), and both builds of
# /bin/sniff compile from the same source.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s -f user/sniff/Makefile.inc build/user/sniff build/host/sniff build/host/sniff_unit
build/host/sniff_unit
