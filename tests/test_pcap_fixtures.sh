#!/usr/bin/env bash
# The pcap fixtures (pcap_tests/README.md).  Linux 6.1, the oracle, must pass
# them all: that validates the fixtures and the harness, and a negative
# control must fail on the field it gets wrong.  Strata runs them once it has
# a network stack, that is once its guest has /proc/net/snmp; until then its
# part is skipped.
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

# Linux's and Strata's fixture runs are independent (own guests, own
# socketpairs, own output folders): they run side by side, Linux's in the
# background, its report shown when it is done.  The harness and guest
# programs are built first, once, so that the two runs' makes find nothing
# to do.
make -s pcap-tools || failures=$((failures + 1))
echo "# the fixtures on Linux 6.1 (in the background)"
pcap_tests/run --guest linux >"$scratch/linux" 2>&1 &
linux_run=$!

echo "# the negative control fails, naming the field"
pcap_tests/run --guest linux --fixtures pcap_tests/selftest --out "$scratch" >"$scratch/control" 2>&1
cat "$scratch/control"
if ! grep -q "^FAIL test_selftest_wrong_sequence_number: guest frame 1, .*ICMP.seq is 0x7, expected 0x8" \
        "$scratch/control"; then
    echo "not ok - the negative control did not fail as it must"
    failures=$((failures + 1))
fi

echo "# the fixtures on Strata"
tools/guestrun -- test -e /proc/net/snmp
case $? in
0) pcap_tests/run --guest strata || failures=$((failures + 1)) ;;
1) echo "# SKIP strata has no network stack yet" ;;
*) echo "not ok - could not ask the Strata guest for /proc/net/snmp"; failures=$((failures + 1)) ;;
esac

echo "# the fixtures on Linux 6.1"
wait $linux_run || failures=$((failures + 1))
cat "$scratch/linux"

[ $failures -eq 0 ]
