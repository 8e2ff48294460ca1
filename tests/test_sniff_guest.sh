#!/usr/bin/env bash
# The sniffer inside Strata, on its own AF_PACKET sockets: it sees busybox
# ping's frames in both directions (outgoing ones too, as on Linux), prints
# them decoded, and writes a pcap that Scapy reads back, pulled out with
# guestrun --out.  The peer is QEMU's user-mode network (restrict=on: nothing
# leaves the machine).
set -uo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {
    if [ "$2" == "$3" ]; then echo "ok - $1"; else echo "not ok - $1: expected [$2] got [$3]"; failures=$((failures + 1)); fi
}
# sniff announces itself on stderr once its socket is open: wait for that, not for time.
capture='sniff -c 4 FORMAT icmp 2>/tmp/sniff.err &
    until grep -q listening /tmp/sniff.err; do :; done
    ping -c 2 10.0.2.2 >/dev/null
    wait'
lines=$(tools/guestrun --net user,restrict=on --timeout 120 -- sh -c "${capture/FORMAT/}")
check "4 frames printed" 4 "$(echo "$lines" | grep -c ICMP)"
check "outgoing echo requests marked Out" 2 \
    "$(echo "$lines" | grep -c 'Out 52:54:00:12:34:56 > .* IP 10.0.2.15 > 10.0.2.2: ICMP echo request')"
check "incoming echo replies marked In" 2 \
    "$(echo "$lines" | grep -c 'In .* > 52:54:00:12:34:56 IP 10.0.2.2 > 10.0.2.15: ICMP echo reply')"

tools/guestrun --net user,restrict=on --timeout 120 --out "$work" -- \
    sh -c "${capture/FORMAT/-w /out/ping.pcap}" >/dev/null
check "-w wrote a pcap that --out brought back" yes "$([ -s "$work/ping.pcap" ] && echo yes)"
summary=$(/usr/bin/python3 - "$work/ping.pcap" <<'PYTHON'
import sys
from scapy.layers.l2 import Ether
from scapy.layers.inet import IP, ICMP
from scapy.utils import rdpcap
frames = rdpcap(sys.argv[1])
kinds = [(f[IP].src, f[IP].dst, f[ICMP].type) for f in frames if ICMP in f]
ids = {f[ICMP].id for f in frames if ICMP in f}
print(len(frames), kinds.count(("10.0.2.15", "10.0.2.2", 8)),
      kinds.count(("10.0.2.2", "10.0.2.15", 0)), len(ids))
PYTHON
)
check "Scapy reads 4 frames: 2 requests, 2 replies, one ping id" "4 2 2 1" "$summary"
[ $failures -eq 0 ]
