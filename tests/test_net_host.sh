#!/usr/bin/env bash
# Host unit tests of netif/ (pbufs, queues, counters, timers on the virtual
# clock, interfaces, taps, backlog, loopback, ip= parsing), built with
# -DSTRATA_HOST under ASan and UBSan (netif/host/Makefile.inc).
set -uo pipefail
cd "$(dirname "$0")/.."
make -s -f netif/host/Makefile.inc build/host/test_netif || {
    echo "not ok - build/host/test_netif does not build"
    exit 1
}
build/host/test_netif
