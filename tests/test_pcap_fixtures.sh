#!/usr/bin/env bash
# The pcap fixtures (pcap_tests/README.md).  Linux 6.1, the oracle, must pass
# them all: that validates the fixtures and the harness, and a negative
# control must fail on the field it gets wrong.  Then Strata runs them.
set -uo pipefail
cd "$(dirname "$0")/.."
failures=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "# guestrun hands the harness's socket to QEMU (--pass-fd)"
if ! /usr/bin/python3 - <<'PY'
import socket, subprocess, sys
ours, qemus = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
fd = qemus.fileno()
sys.exit(subprocess.run(["tools/guestrun", "--net", "dgram,local.type=fd,local.str=%d" % fd,
                         "--pass-fd", str(fd), "--", "true"], pass_fds=[fd]).returncode)
PY
then
    echo "not ok - guestrun --pass-fd"
    failures=$((failures + 1))
fi

# Fixture runs are independent (own guests, own socketpairs, own files):
# Linux's, which cost a Linux boot each, go in two halves in the background
# beside Strata's, their reports shown when they are done.  The harness and
# guest programs are built first, once, so that each run's make finds
# nothing to do.
make -s pcap-tools || failures=$((failures + 1))
echo "# the fixtures on Linux 6.1 (in the background, in two halves)"
fixtures=(pcap_tests/fixtures/test_*.py)
fixtures=("${fixtures[@]##*/}")
linux_runs=()
for half in 0 1; do
    names=()
    for ((i = half; i < ${#fixtures[@]}; i += 2)); do
        names+=("${fixtures[i]%.py}")
    done
    pcap_tests/run --guest linux "${names[@]}" >"$scratch/linux$half" 2>&1 &
    linux_runs+=($!)
done

echo "# the negative control fails, naming the field"
pcap_tests/run --guest linux --fixtures pcap_tests/selftest --out "$scratch" >"$scratch/control" 2>&1
cat "$scratch/control"
if ! grep -q "^FAIL test_selftest_wrong_sequence_number: guest frame 1, .*ICMP.seq is 0x7, expected 0x8" \
        "$scratch/control"; then
    echo "not ok - the negative control did not fail as it must"
    failures=$((failures + 1))
fi

echo "# the fixtures on Strata"
pcap_tests/run --guest strata || failures=$((failures + 1))

for half in 0 1; do
    echo "# the fixtures on Linux 6.1, half $((half + 1)) of 2"
    wait "${linux_runs[half]}" || failures=$((failures + 1))
    cat "$scratch/linux$half"
done

[ $failures -eq 0 ]
