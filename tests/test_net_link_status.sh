#!/usr/bin/env bash
# Link status (virtio 1.1 5.1.4, VIRTIO_NET_F_STATUS): QEMU's monitor turns
# the virtio-net link off and on (set_link) while busybox ifconfig in the
# guest watches eth0: RUNNING goes and comes back with the carrier, and
# follows ifconfig down/up as Linux's dev_get_flags shows it.  The same
# script runs on Linux 6.1 (tools/linuxrun), the oracle; both must print
# the expected lines below, which are Linux's.
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/net_link_status
mkdir -p "$out"
cat >"$out/expected" <<'LINES'
up: UP BROADCAST RUNNING MULTICAST
admin down: BROADCAST MULTICAST
admin up: UP BROADCAST RUNNING MULTICAST
link off
carrier lost: UP BROADCAST MULTICAST
admin down and up without carrier: UP BROADCAST MULTICAST
link on
carrier back: UP BROADCAST RUNNING MULTICAST
LINES
failed=0
for runner in guestrun linuxrun; do
    python3 tests/net_link_status.py "tools/$runner" >"$out/$runner.out" 2>"$out/$runner.err"
    status=$?
    if [ $status -eq 0 ] && cmp -s "$out/expected" "$out/$runner.out"; then
        echo "ok - $runner: eth0's flags follow set_link off/on and ifconfig down/up"
    else
        echo "not ok - $runner: eth0's flags (status $status):"
        diff "$out/expected" "$out/$runner.out" | sed 's/^/  /'
        failed=1
    fi
done
exit $failed
