#!/usr/bin/env bash
# A sender that never stops and a receiver that never reads, through the
# tap (issue 13 item 3b): the guest accepts on port 7300 with busybox nc
# whose output goes to a pipe that `sleep` never reads, so nothing takes
# the data once the pipe is full; tools/peers/stall_sender.py in
# tools/netns-peer's namespace writes without blocking until the
# connection has taken nothing for 3 s.  Then it connects to port 7301,
# the guest's signal to measure.
#
#   tests/test_net_never_reads.sh [--guest strata|linux]   (default strata)
#
# The guest samples MemFree every 100 ms from before the connection to the
# measurement.  Asserted on Strata:
#   - the sender stalled: the guest's window closed and stayed closed
#     (RFC 9293 3.8.6: the receiver's window bounds what the sender may
#     send; the host's zero-window probes get no window back);
#   - /proc/net/tcp shows the data the guest holds unread (rx_queue > 0;
#     Linux's busybox nc listens on IPv6, so /proc/net/tcp6 is read too),
#     and it is no more than 1 MiB (Strata's receive ring is 256 KiB,
#     tcp/README.md; the connection may already be in FIN-WAIT-2, since
#     nc shuts its side down when its own input ends);
#   - the lowest MemFree is at most 2 MiB below the sampler's first
#     reading: what may be held is the connection's two rings (the receive
#     ring full), the pipe's 64 KiB and the pbufs in flight, never what the
#     host keeps sending;
#   - after nc is killed and TCP is idle, MemFree is within 1 MiB of before
#     and the sockets in use are back to their count before.
# --guest linux runs the same guest script on Linux 6.1 (tools/linuxrun)
# for the figures beside Strata, asserting only that it went through.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/tap_guest.sh
name=test_net_never_reads

guest_script="exec 2>&1
ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up
[ -w /proc/sys/net/ipv4/tcp_msl_ms ] && echo 100 > /proc/sys/net/ipv4/tcp_msl_ms
memfree() { sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
sockets() { sed -n 's/^sockets: used //p' /proc/net/sockstat; }
echo \"before \$(memfree)\"
echo \"before sockets \$(sockets)\"
nc -l -p 7300 | sleep 100000 &
reader=\$!
( while [ ! -e /tmp/done ]; do echo \"sample \$(memfree)\"; sleep 0.1; done ) &
sampler=\$!
echo READY
nc -l -p 7301 > /dev/null
unread=0
tables=/proc/net/tcp
[ -r /proc/net/tcp6 ] && tables=\"\$tables /proc/net/tcp6\"
for queue in \$(awk '\$2 ~ /:1C84\$/ { print \$5 }' \$tables); do
    [ \$(printf %d 0x\${queue#*:}) -gt \$unread ] && unread=\$(printf %d 0x\${queue#*:})
done
echo \"rx_queue \$unread\"
grep -h ':1C84 ' \$tables | sed 's/^/port 7300: /'
echo \"stalled \$(memfree)\"
touch /tmp/done
wait \$sampler
kill \$reader
killall nc 2>/dev/null
i=0
while [ \"\$(wc -l < /proc/net/tcp)\" -gt 1 ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i + 1)); done
echo \"after \$(memfree)\"
echo \"after sockets \$(sockets)\"
echo '== end'"

inside() {   # inside GUEST OUT
    local out=$2
    tap_guest_boot "$1" "$out" --mem 256M --timeout 300 -- sh -c "$guest_script"
    python3 tools/peers/stall_sender.py "$NETNS_PEER_GUEST" 7300 7301 >"$out/sender.out" 2>&1
    tap_guest_wait "$out"
}

if [ "${1:-}" = --inside ]; then
    inside "$2" "$3"
    exit 0
fi
guest=strata
if [ "${1:-}" = --guest ] && [[ ${2:-} == @(strata|linux) ]]; then
    guest=$2
elif [ $# -gt 0 ]; then
    echo "usage: tests/$name.sh [--guest strata|linux]" >&2
    exit 2
fi
tap_guest_require "$name"
out=build/test-results/$name-$guest
rm -rf "$out"
mkdir -p "$out"
tools/netns-peer -- bash "$0" --inside "$guest" "$out" || exit 1

value() { guest_value "$out" "$1"; }
first=$(sed -n 's/^sample //p' "$out/guest.out" | head -n 1)
lowest=$(sed -n 's/^sample //p' "$out/guest.out" | sort -n | head -n 1)
echo "# $guest: $(cat "$out/sender.out")"
echo "# $guest: MemFree before $(value before) kB, lowest $lowest kB (first sample $first kB)," \
    "at the stall $(value stalled) kB, after $(value after) kB; unread $(value rx_queue) bytes"
. tests/tap.sh
check "the guest ran its script to the end" grep -qx '== end' "$out/guest.out"
check "the sender stalled: the guest's window closed and stayed closed" \
    grep -q '^sent [0-9]* bytes, stalled yes$' "$out/sender.out"
if [ "$guest" = strata ]; then
    unread=$(value rx_queue)
    check "the guest holds unread data, at most 1 MiB" \
        test -n "$unread" -a "${unread:-0}" -gt 0 -a "${unread:-0}" -le 1048576
    check "the lowest MemFree is at most 2 MiB below the sampler's first" \
        test -n "$lowest" -a -n "$first" -a $((${first:-0} - ${lowest:-0})) -le 2048
    check "MemFree after is within 1 MiB of before" \
        test -n "$(value after)" -a $(($(value before) - $(value after))) -le 1024
    check "the sockets in use are back to their count before" \
        test "$(value 'after sockets')" = "$(value 'before sockets')"
fi
if ! checks_summary; then
    sed 's/^/  # /' "$out/guest.out" | grep -v '# sample' | tail -n 20
    exit 1
fi
