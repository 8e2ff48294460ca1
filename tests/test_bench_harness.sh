#!/usr/bin/env bash
# tools/bench's pure parts (tools/bench_harness/): the median [min-max] and
# ratio of the table, the kernels alternating run by run, the bisection of
# the memory figure against a kernel that works from a given size up, and
# the figures read from iperf3 3.12's JSON, checked against what iperf3
# printed in the same recorded run (tests/bench/README.md).  Nothing boots:
# a benchmark is never a test, its arithmetic is.
set -uo pipefail
cd "$(dirname "$0")/.."
python3 -m unittest discover --start-directory tests/bench --pattern 'test_*.py' --verbose 2>&1
