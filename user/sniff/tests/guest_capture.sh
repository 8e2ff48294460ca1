#!/usr/bin/env bash
# /bin/sniff inside Strata, on its own AF_PACKET sockets, one scenario per
# run:  user/sniff/tests/guest_capture.sh SCENARIO   (or "all").  The peer is
# QEMU's user-mode network with restrict=on: nothing leaves the machine.
# sniff announces itself on stderr once its socket is open; the guest waits
# for that line, or for the lines it prints, never for time.  Only a sniff
# that hangs meets a clock: 20 s after it started it is killed, and the
# checks on its exit status fail.  Each scenario prints ok / not ok lines and
# exits 0 only if all of them passed.  The scenarios (the labs' grader runs
# them by name, and shows the comment after the name as the rule):
#
# test_sniff_on_lo_sees_each_frame_twice: packet(7): a socket bound to lo
#   (SIOCGIFINDEX, bind with sll_ifindex) sees each frame lo carries twice,
#   PACKET_OUTGOING ("Out") then PACKET_HOST ("In"), and nothing from eth0.
# test_sniff_sees_both_directions_on_eth0: packet(7): an ETH_P_ALL socket
#   sees the frames the host sends ("Out") and receives ("In"); the filter
#   "icmp" keeps only ping's (pcap-filter(7)).
# test_sniff_writes_a_pcap_scapy_reads: pcap-savefile(5): "sniff -w" writes
#   a file Scapy reads back: four ICMP frames, each record as long as the frame.
# test_sniff_stops_at_sigterm_and_sigint: README.md (user/sniff): without -c,
#   sniff runs until SIGTERM or SIGINT (signal(7)); either ends it with exit
#   status 0, "N packets captured" and a complete pcap that Scapy reads.
# test_sniff_unknown_interface_fails: netdevice(7): SIOCGIFINDEX fails with
#   ENODEV for a name no interface has, and a name of IFNAMSIZ (16) bytes or
#   more cannot be one; sniff says so and exits 1, while "-i lo" works.
set -uo pipefail
cd "$(dirname "$0")/../../.."
source tests/tap.sh
scenario=${1:-all}
summary=
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# guest_sh SCRIPT: runs the shell SCRIPT in the guest; its /out comes back
# to $work.
guest_sh() {
    tools/guestrun --net user,restrict=on --timeout 120 --out "$work" -- sh -c "$1"
}

# In the guest scripts: start_sniff NAME ARGS... runs sniff ARGS in the
# background, its stdout in /tmp/NAME.lines and its stderr in /tmp/NAME.err,
# killed (SIGKILL) if it still runs 20 s later, and returns once it listens
# or has stopped; end_sniff NAME waits for it and prints "NAME: exit N", its
# lines as "# NAME: " comments and its stderr as "# NAME stderr: ".
GUEST_HELPERS='
start_sniff() {
    name=$1
    shift
    sniff "$@" >/tmp/$name.lines 2>/tmp/$name.err &
    sniff=$!
    (sleep 20; kill -KILL $sniff 2>/dev/null) &
    watchdog=$!
    until grep -q listening /tmp/$name.err || ! kill -0 $sniff 2>/dev/null; do :; done
}
end_sniff() {
    wait $sniff
    status=$?
    echo "$1: exit $status"
    [ $status != 137 ] || echo "# $1: still running 20 s after it started: killed (SIGKILL)"
    kill $watchdog 2>/dev/null
    sed "s/^/# $1: /" /tmp/$1.lines
    sed "s/^/# $1 stderr: /" /tmp/$1.err
}
'

# in_guest SNIFF_ARGS TARGETS...: sniff with SNIFF_ARGS, and once it listens
# (or if it stopped) one ping to each target; its lines, then "sniff: exit N"
# and its stderr as "# sniff stderr: " comments.
in_guest() {
    local sniff_args=$1
    shift
    local pings=""
    for target in "$@"; do
        pings+="ping -c 1 $target >/dev/null; "
    done
    guest_sh "$GUEST_HELPERS
        start_sniff sniff $sniff_args
        $pings
        wait \$sniff
        echo \"sniff: exit \$?\"
        kill \$watchdog 2>/dev/null
        cat /tmp/sniff.lines
        sed 's/^/# sniff stderr: /' /tmp/sniff.err"
}

# scapy_summary PCAP: "FRAMES REQUESTS REPLIES WHOLE" for the ICMP echoes
# between 127.0.0.1 and itself in PCAP, as Scapy reads them.
scapy_summary() {
    [ -s "$1" ] || return
    /usr/bin/python3 - "$1" 2>&1 <<'PYTHON'
import sys
import scapy.layers.l2  # noqa: F401 (before rdpcap, or frames come back as Raw)
from scapy.layers.inet import ICMP, IP
from scapy.utils import RawPcapReader, rdpcap
frames = rdpcap(sys.argv[1])
kinds = [(f[IP].src, f[IP].dst, f[ICMP].type) for f in frames if ICMP in f]
whole = all(meta.caplen == meta.wirelen == len(data) for data, meta in RawPcapReader(sys.argv[1]))
print(len(frames), kinds.count(("127.0.0.1", "127.0.0.1", 8)),
      kinds.count(("127.0.0.1", "127.0.0.1", 0)), whole)
PYTHON
}

lines_match() {   # lines_match TEXT PATTERN...: line I of TEXT matches PATTERN I, and no more lines
    local text=$1
    shift
    [ "$(printf '%s\n' "$text" | grep -c .)" -eq $# ] || return 1
    local i=1
    for pattern in "$@"; do
        printf '%s\n' "$text" | sed -n "${i}p" | grep -qE -- "$pattern" || return 1
        i=$((i + 1))
    done
}

if [[ $scenario == all || $scenario == test_sniff_on_lo_sees_each_frame_twice ]]; then
    lines=$(in_guest "-i lo -c 4" 10.0.2.2 127.0.0.1)
    echo "$lines" | sed 's/^\([^#]\)/# \1/'
    lines=$(echo "$lines" | grep -v '^# \|^sniff: exit ')
    lo='00:00:00:00:00:00 > 00:00:00:00:00:00 IP 127.0.0.1 > 127.0.0.1: ICMP echo'
    check "four frames on lo, Out then In, request then reply, none of eth0's" \
        lines_match "$lines" " Out $lo request " " In $lo request " " Out $lo reply " " In $lo reply "
fi

if [[ $scenario == all || $scenario == test_sniff_sees_both_directions_on_eth0 ]]; then
    lines=$(in_guest "-c 4 icmp" 10.0.2.2 10.0.2.2)
    echo "$lines" | sed 's/^\([^#]\)/# \1/'
    lines=$(echo "$lines" | grep -v '^# \|^sniff: exit ')
    out='Out 52:54:00:12:34:56 > [0-9a-f:]+ IP 10.0.2.15 > 10.0.2.2: ICMP echo request'
    in='In [0-9a-f:]+ > 52:54:00:12:34:56 IP 10.0.2.2 > 10.0.2.15: ICMP echo reply'
    check "ping's four ICMP frames, outgoing requests and incoming replies, and no ARP" \
        lines_match "$lines" "$out" "$in" "$out" "$in"
fi

if [[ $scenario == all || $scenario == test_sniff_writes_a_pcap_scapy_reads ]]; then
    in_guest "-i lo -c 4 -w /out/lo.pcap" 127.0.0.1 | sed 's/^\([^#]\)/# \1/'
    check "-w wrote a file that guestrun --out brought back" test -s "$work/lo.pcap"
    summary=$(scapy_summary "$work/lo.pcap")
    echo "# Scapy read: ${summary:-nothing}"
    check "Scapy reads 4 frames, 2 echo requests and 2 replies, each whole" \
        test "$summary" == "4 2 2 True"
fi

if [[ $scenario == all || $scenario == test_sniff_stops_at_sigterm_and_sigint ]]; then
    # -v prints each frame's line once it is written: after four lines the
    # signal can no longer cut a frame off.
    output=$(guest_sh "$GUEST_HELPERS
        for signal in TERM INT; do
            start_sniff SIG\$signal -i lo -v -w /out/\$signal.pcap
            ping -c 1 127.0.0.1 >/dev/null
            until [ \$(grep -c . /tmp/SIG\$signal.lines) -ge 4 ] || ! kill -0 \$sniff 2>/dev/null
            do :; done
            kill -\$signal \$sniff
            end_sniff SIG\$signal
        done")
    echo "$output" | sed 's/^\([^#]\)/# \1/'
    for signal in TERM INT; do
        check "SIG$signal ends sniff without -c, exit status 0" \
            grep -qx "SIG$signal: exit 0" <<<"$output"
        check "after SIG$signal, sniff says it captured 4 packets" \
            grep -qx "# SIG$signal stderr: 4 packets captured" <<<"$output"
        summary=$(scapy_summary "$work/$signal.pcap")
        echo "# Scapy read $signal.pcap: ${summary:-nothing}"
        check "after SIG$signal, Scapy reads the pcap: 4 frames, 2 echo requests and 2 replies, each whole" \
            test "$summary" == "4 2 2 True"
    done
fi

if [[ $scenario == all || $scenario == test_sniff_unknown_interface_fails ]]; then
    # A sniff that listens on an interface that is not there is stopped
    # (SIGTERM) and fails the check on its exit status.
    long_name=abcdefghijklmnop
    output=$(guest_sh "$GUEST_HELPERS
        start_sniff nosuch0 -i nosuch0
        kill \$sniff 2>/dev/null
        end_sniff nosuch0
        start_sniff long -i $long_name
        kill \$sniff 2>/dev/null
        end_sniff long
        start_sniff lo -i lo -c 2
        ping -c 1 127.0.0.1 >/dev/null
        end_sniff lo")
    echo "$output" | sed 's/^\([^#]\)/# \1/'
    check "sniff -i nosuch0 exits 1" grep -qx "nosuch0: exit 1" <<<"$output"
    check "sniff -i nosuch0 says why, and nothing else, on stderr" \
        test "$(grep '^# nosuch0 stderr: ' <<<"$output")" == "# nosuch0 stderr: sniff: nosuch0: No such device"
    check "sniff -i $long_name (16 bytes) exits 1" grep -qx "long: exit 1" <<<"$output"
    check "sniff -i $long_name says why, and nothing else, on stderr" \
        test "$(grep '^# long stderr: ' <<<"$output")" == "# long stderr: sniff: interface name too long: $long_name"
    check "sniff -i lo -c 2 captures ping's request, Out then In, and exits 0" \
        lines_match "$(grep -E '^# lo: |^lo: exit' <<<"$output")" \
        "^lo: exit 0$" "^# lo: .* Out .* ICMP echo request" "^# lo: .* In .* ICMP echo request"
fi
[ $tap_number -gt 0 ] || { echo "not ok - no scenario named $scenario"; exit 2; }
checks_summary
