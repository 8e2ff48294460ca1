#!/usr/bin/env bash
# `make run` lands in a shell with a working network and nothing to set up:
# eth0 UP at 10.0.2.15, ping 10.0.2.2, wget from a server on the host's
# loopback, FWD, make gdb's same devices, and NET=tap (root only, in a
# private namespace).  tests/run_network.py says how each is checked.
set -uo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 tests/run_network.py build/test-results/run_network
