#!/usr/bin/env bash
# Debian's arm64 iperf3 (dynamically linked, unmodified) in the guest against
# the host's iperf3, on a tap in a private network namespace
# (tools/netns-peer; deleted at the end, the only addresses used are
# 10.0.2.2, the host side, and 10.0.2.15, the guest).
#
#   tests/test_iperf3.sh [--guest strata|linux]     (default strata)
#
# Five runs of 2 s with the guest as client (the host runs `iperf3 -s`), then
# the same five with the guest as server (`iperf3 -s -1`, once per run; the
# host's client starts when the guest prints "Server listening on 5201"):
# TCP, TCP reversed (-R), four TCP streams (-P 4), both directions at once
# (--bidir) and UDP at 100 Mbit/s.  Clients write JSON (-J), which
# tests/iperf3/check.py reads: each run exits 0, data moved in the expected
# directions, on every stream, UDP lost less than 20% with its jitter
# reported, and the guest dropped no frame it had received (eth0's drop
# count in /proc/net/dev stays 0: a full receive backlog holds the device
# back instead).  Speeds are reported, never asserted (they belong to make bench).
# --guest linux runs the very same guest script on Linux 6.1
# (tools/linuxrun), which is how the checks were validated.  Skips without
# root, or when Debian's archive cannot be reached.
#
# Synchronised on lines iperf3 prints (guestrun and linuxrun stream the
# guest's stdout; --forceflush makes iperf3 flush each line), never on
# sleeps; the polls below only bound how long a failure takes.
set -uo pipefail
cd "$(dirname "$0")/.."
name=test_iperf3
out=build/test-results/$name
runs="tcp reverse parallel bidir udp"
declare -A options=([tcp]="" [reverse]="-R" [parallel]="-P 4" [bidir]="--bidir"
                    [udp]="-u -b 100M")

# The guest's half, the same on both kernels.  Linux's eth0 comes up
# unconfigured; Strata's has this address from boot: ifconfig sets it on
# both.  Each section is closed by the next "== " line.
# The host's iperf3 -s closes its listening socket while a test runs and
# opens it again after, so a client that comes quickly may be refused:
# client() tries again, every 0.1 s for at most 10 s, until it is not.
guest_script="ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up
client() {
    tries=0
    while :; do
        iperf3 -c 10.0.2.2 -t 2 -J \"\$@\" >/tmp/iperf3.json; status=\$?
        grep -q 'Connection refused' /tmp/iperf3.json && [ \$tries -lt 100 ] || break
        tries=\$((tries + 1)); usleep 100000
    done
    cat /tmp/iperf3.json; echo \"status \$status\"
}"
for run in $runs; do
    guest_script+="
echo '== client-$run'; client ${options[$run]}"
done
for run in $runs; do
    guest_script+="
echo '== server-$run'; iperf3 -s -1 --forceflush; echo \"status \$?\""
done
# eth0's receive drops (/proc/net/dev's fourth column): a host that sends
# faster than the guest takes must be held back by the device, not have its
# frames thrown away behind it.
guest_script+="
echo '== end'
echo \"eth0 receive drops \$(sed -n 's/^ *eth0: *//p' /proc/net/dev | awk '{ print \$4 }')\""

wait_for_lines() {   # wait_for_lines FILE REGEX COUNT PID: 180 s bound, or PID ended
    for _ in $(seq 1800); do
        [ "$(grep -c -- "$2" "$1")" -ge "$3" ] && return 0
        kill -0 "$4" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# ---- inside the namespace (tools/netns-peer runs this script again) ----
inside() {   # inside GUEST
    local runner=tools/guestrun
    [ "$1" = linux ] && runner=tools/linuxrun
    : >"$out/host-server.out"
    : >"$out/guest.out"
    iperf3 -s --forceflush >"$out/host-server.out" 2>&1 &
    local server_pid=$!
    wait_for_lines "$out/host-server.out" '^Server listening on 5201' 1 $server_pid
    "$runner" --net "$NETNS_PEER_QEMU_NET" --mem 512M --timeout 300 --deb iperf3 -- \
        sh -c "$guest_script" >"$out/guest.out" 2>"$out/guest.err" &
    local guest_pid=$!
    local count=0
    for run in $runs; do
        count=$((count + 1))
        wait_for_lines "$out/guest.out" '^Server listening on 5201' $count $guest_pid || break
        # shellcheck disable=SC2086  # the options are words
        timeout 60 iperf3 -c "$NETNS_PEER_GUEST" -t 2 -J --get-server-output ${options[$run]} \
            >"$out/host-client-$run.json" 2>"$out/host-client-$run.err"
        echo "status $?" >>"$out/host-client-$run.err"
    done
    local status=0
    wait $guest_pid || status=$?
    echo "guest status $status" >>"$out/guest.out"
    kill $server_pid
    wait $server_pid
}

if [ "${1:-}" = --inside ]; then
    inside "$2"
    exit 0
fi

guest=strata
if [ "${1:-}" = --guest ] && [[ ${2:-} == @(strata|linux) ]]; then
    guest=$2
elif [ $# -gt 0 ]; then
    echo "usage: tests/$name.sh [--guest strata|linux]" >&2
    exit 2
fi
if [ "$(id -u)" != 0 ]; then
    echo "# SKIP $name: a network namespace and a tap need root"
    exit 77
fi
if ! command -v iperf3 >/dev/null; then
    echo "not ok - the host has no iperf3 (tools/setup installs it)"
    exit 1
fi
status=0
tools/debian-packages iperf3 >/dev/null || status=$?
if [ $status -eq 3 ]; then
    echo "# SKIP $name: Debian's arm64 archive cannot be reached and build/debs lacks iperf3"
    exit 77
elif [ $status -ne 0 ]; then
    echo "not ok - tools/debian-packages iperf3 (status $status)"
    exit 1
fi
# Linux's kernel is fetched out here: the namespace has no route to Debian.
if [ "$guest" = linux ] && ! tools/linux-anchor --quiet; then
    echo "not ok - tools/linux-anchor could not provide Linux 6.1"
    exit 1
fi
rm -rf "$out"
mkdir -p "$out"
tools/netns-peer -- bash "$0" --inside "$guest" || exit 1
echo "# $guest guest"
# shellcheck disable=SC2086  # $runs is a list
python3 tests/iperf3/check.py "$out" $runs
