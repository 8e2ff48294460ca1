#!/usr/bin/env bash
# The guest at the smallest memory it boots in, under a TCP transfer and a
# SYN flood at once (issue 13 item 3d): it drops and counts, it does not
# panic.  Through the tap (tools/netns-peer): the guest serves
# user/tools/tcp_xfer (tools/peers/tcp_xfer.py on the host sends it SIZE
# random bytes, then has it send SIZE back, each checked by SHA-256 on both
# sides) and listens with backlog 128 (user/stress/accept_server.c) while
# tools/peers/syn_flood.py sends COUNT SYNs from random sources of
# 198.18.0.0/15 at it, all of them while the transfer runs.
#
#   tests/test_net_flood_small_memory.sh [--guest strata|linux] [--mem SIZE] [COUNT] [SIZE]
#       (default strata, 16M, 30000 SYNs, 48 MiB each way)
#
# Smallest memory (Strata, measured 2026-12-07 with this initramfs: busybox,
# accept_server, tcp_xfer): it boots from 12416K (12288K: QEMU finds no
# room for the device tree after the initrd; 10624K-10880K: the initramfs
# does not fit and the kernel panics "no init found"), with 1.6 MB free;
# at 13M the servers' socket() fails with ENOMEM, and at 14M the shell
# cannot start sed or sleep (ENOMEM) and the transfer's connections are
# reset: the kernel stays up and nothing panics, but this script cannot
# run.  At 14848K all of it ran (4 MiB each way then; lowest MemFree
# 80 kB).  15M passed on an idle machine but failed in a loaded clean-clone
# run: right after the transfer the shell could not fork (ENOMEM) while
# the connections still held their rings, so 16M, the default.
# Linux 6.1 (tools/linuxrun) with the same initramfs stops during boot at
# 56M and runs all of it at 60M (2 x 48 MiB in 26.9 s, lowest MemFree
# 4832 kB), so --guest linux defaults to 60M.
#
# The guest samples MemFree every 100 ms from before the flood to the end
# of the transfer, then stops the flood's listener (the flood's last
# client, "quit", may never get through: at this memory its connection,
# like the flood's real client, can be reset when accept finds no memory
# for its rings); once TCP is idle it reads MemFree, sockets and pbufs
# again, and the counters.  Asserted on both guests:
#   - the guest ran the script to the end and exited 0 (no panic);
#   - both transfers completed with the right bytes (SHA-256 on both sides);
#   - the whole flood (the flood script's end) came before the transfer's
#     end;
# and on Strata:
#   - SYNs the listener could not queue were answered statelessly and
#     counted: TcpExt SyncookiesSent, plus eth0's receive drops in
#     /proc/net/dev (frames dropped for want of a pbuf or backlog room),
#     are above 0;
#   - after it (the servers gone, TCP idle), MemFree is back within 512 kB
#     of its reading before the servers started, sockets are back to 0 and
#     the live pbufs to their count before.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/tap_guest.sh
name=test_net_flood_small_memory
flood_port=7203
xfer_port=5203

guest_script="exec 2>&1
ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up
route add default gw 10.0.2.2 2>/dev/null
[ -w /proc/sys/net/ipv4/tcp_msl_ms ] && echo 100 > /proc/sys/net/ipv4/tcp_msl_ms
memfree() { sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
echo \"boot \$(memfree)\"
accept_server $flood_port 128 > /tmp/server.out &
server=\$!
tcp_xfer server $xfer_port 2 > /tmp/xfer.out &
xfer=\$!
i=0
while ! { grep -q READY /tmp/server.out && grep -q READY /tmp/xfer.out; } && [ \$i -lt 300 ]; do
    sleep 0.1; i=\$((i + 1)); done
echo \"before \$(memfree)\"
[ -r /proc/net/sockstat ] && sed 's/^/before /' /proc/net/sockstat
( while [ ! -e /tmp/done ]; do echo \"sample \$(memfree)\"; sleep 0.1; done ) &
sampler=\$!
echo READY
wait \$xfer
echo \"xfer status \$?\"
kill \$server
wait \$server
: > /tmp/done    # a redirection, not touch: it needs no fork
wait \$sampler
cat /tmp/xfer.out
i=0
while [ \"\$(wc -l < /proc/net/tcp)\" -gt 1 ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i + 1)); done
echo \"after \$(memfree)\"
[ -r /proc/net/sockstat ] && sed 's/^/after /' /proc/net/sockstat
sed -n 's/^ *eth0: *//p' /proc/net/dev | sed 's/^/dev /'
grep '^Tcp:' /proc/net/snmp | sed 's/^/snmp /'
grep '^TcpExt:' /proc/net/netstat | sed 's/^/netstat /'
echo '== end'"

inside() {   # inside GUEST MEM COUNT SIZE
    tap_guest_boot "$1" "$out" --mem "$2" --timeout 240 \
        --add build/user/stress/accept_server:/bin/accept_server \
        --add build/user/tools/tcp_xfer:/bin/tcp_xfer -- sh -c "$guest_script"
    # The transfer first, then the whole flood (building its frames, then
    # sending them) while it runs: the checks below see that the flood
    # ended before the transfer did.
    echo "transfer start $(date +%s.%N)" >"$out/times"
    python3 tools/peers/tcp_xfer.py client "$NETNS_PEER_GUEST" $xfer_port S:"$4" R:"$4" \
        >"$out/host-client.out" 2>&1 &
    local transfer_pid=$!
    echo "flood start $(date +%s.%N)" >>"$out/times"
    { python3 tools/peers/syn_flood.py "$NETNS_PEER_GUEST" $flood_port "$3" 1 "$NETNS_PEER_TAP" \
          >"$out/flood.out" 2>&1
      echo "flood end $(date +%s.%N)" >>"$out/times"; } &
    local flood_pid=$!
    wait $transfer_pid
    echo "transfer end $(date +%s.%N)" >>"$out/times"
    tap_guest_wait "$out"
    # A guest whose listener never came up leaves the flood's last client
    # retrying its "quit" for minutes: it has nothing left to reach.
    pkill -P $flood_pid 2>/dev/null
    wait $flood_pid
}

if [ "${1:-}" = --inside ]; then
    out=$6
    inside "$2" "$3" "$4" "$5"
    exit 0
fi

guest=strata
mem=
while [ $# -gt 0 ]; do
    case $1 in
    --guest) [[ ${2:-} == @(strata|linux) ]] || exit 2; guest=$2; shift 2 ;;
    --mem) mem=${2:-}; shift 2 ;;
    *) break ;;
    esac
done
[ -n "$mem" ] || { [ "$guest" = linux ] && mem=60M || mem=16M; }
count=${1:-30000}
size=${2:-50331648}
out=build/test-results/$name-$guest
tap_guest_require "$name"
make -s -f user/stress/Makefile.inc build/user/stress/accept_server || exit 1
make -s -f user/tools/Makefile.inc build/user/tools/tcp_xfer || exit 1
rm -rf "$out"
mkdir -p "$out"
tools/netns-peer -- bash "$0" --inside "$guest" "$mem" "$count" "$size" "$out" || exit 1

value() { guest_value "$out" "$1"; }
time_of() { sed -n "s/^$1 //p" "$out/times"; }
boot=$(value boot)
before=$(value before)
after=$(value after)
# A sample is empty when the sampler's sed could not be started (ENOMEM).
first=$(sed -n 's/^sample \([0-9]\)/\1/p' "$out/guest.out" | head -1)
lowest=$(sed -n 's/^sample \([0-9]\)/\1/p' "$out/guest.out" | sort -n | head -1)
# /proc/net/dev's receive columns: bytes packets errs drop ...
read -r _ received_frames _ receive_drops _ < <(value dev)
cookies=$(guest_netstat_value "$out" SyncookiesSent)
transfer_seconds=$(awk -v a="$(time_of 'transfer start')" -v b="$(time_of 'transfer end')" \
    'BEGIN { printf "%.1f", b - a }')
cat "$out/flood.out" | grep -v '^client .* connected'
cat "$out/host-client.out"
echo "# $guest at $mem: MemFree after boot ${boot:-?} kB, before ${before:-?} kB (sampling: ${first:-?} kB), lowest ${lowest:-?} kB, after ${after:-?} kB"
echo "# $guest: transfer of 2 x $size bytes in $transfer_seconds s; eth0 received ${received_frames:-?} frames, dropped ${receive_drops:-?}; TcpExt SyncookiesSent ${cookies:-?}"
grep '^snmp\|^served\|^xfer' "$out/guest.out" | sed "s/^/# $guest: /"
. tests/tap.sh
check "the guest ran its script to the end and exited 0 (no panic)" \
    grep -qx 'guest status 0' "$out/guest.out"
check "the guest printed no panic" \
    bash -c "! grep -q 'KERNEL PANIC\|Kernel panic' '$out/guest.out' '$out/guest.err'"
check "the flood was sent" grep -q "^flood $count SYNs" "$out/flood.out"
check "the whole flood was sent while the transfer ran" \
    awk -v flood="$(time_of 'flood end')" -v transfer="$(time_of 'transfer end')" \
        'BEGIN { exit !(flood != "" && flood < transfer) }'
check "host to guest: $size bytes, SHA-256 checked on both sides" \
    grep -q "^client S $size sha256 [0-9a-f]\{64\} ok$" "$out/host-client.out"
check "guest to host: $size bytes, SHA-256 checked on both sides" \
    grep -q "^client R $size sha256 [0-9a-f]\{64\} ok$" "$out/host-client.out"
if [ "$guest" = strata ]; then
    check "SYNs not taken were counted: SyncookiesSent + eth0 receive drops > 0" \
        test $((${cookies:-0} + ${receive_drops:-0})) -gt 0
    check "MemFree after is within 512 kB of its reading before the servers started" \
        test -n "$after" -a -n "$boot" -a $((${boot:-0} - ${after:-0})) -le 512
    check "no socket is left" test "$(value 'after sockets:')" = "used 0"
    check "live pbufs are back to their count before" \
        test "$(value 'after PBUF:')" = "$(value 'before PBUF:')"
fi
checks_summary
