#!/usr/bin/env bash
# The protocol layers end to end in the guest against QEMU's slirp
# (user networking with restrict=on: 10.0.2.2 answers ARP and ICMP echo,
# nothing leaves the machine; 10.0.2.99 answers nothing):
#   - a 3000-byte ping is fragmented on the way out and slirp's reply
#     reassembled on the way in (RFC 791), seen in /proc/net/snmp;
#   - 10.0.2.2 is in /proc/net/arp, complete (flags 0x2), with slirp's MAC;
#   - a ping to 10.0.2.99 fails ARP resolution after three requests
#     (RFC 1122 2.3.2.2: the waiting datagram is answered with ICMP host
#     unreachable, which comes back to us through lo);
#   - ping to our own address and to 127.0.0.1 goes through lo.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
tools/guestrun --net user,restrict=on --append "ip=10.0.2.15::10.0.2.2:255.255.255.0" \
    --timeout 90 -- sh -c '
        ping -c 2 -s 3000 10.0.2.2
        ping -c 1 10.0.2.15
        ping -c 1 127.0.0.1
        ping -c 1 -W 6 10.0.2.99
        echo "== arp"; cat /proc/net/arp
        echo "== snmp"; cat /proc/net/snmp /proc/net/snmp_link' >"$out" 2>&1
source tests/tap.sh
has() { grep -Eq -- "$1" "$out"; }
# counter SECTION NAME: the value under NAME in the SECTION lines of
# /proc/net/snmp (Linux's) or /proc/net/snmp_link (Strata's Eth and Arp).
counter() {
    sed -n '/^== snmp/,$p' "$out" | awk -v section="$1:" -v name="$2" '
        $1 == section && !seen { for (i = 2; i <= NF; i++) column[$i] = i; seen = 1; next }
        $1 == section && seen { print $column[name]; exit }'
}
at_least() { [ "$(counter "$1" "$2")" -ge "$3" ] 2>/dev/null; }
exactly() { [ "$(counter "$1" "$2")" = "$3" ]; }

check "3000-byte ping to slirp answered" has "^2 packets transmitted, 2 packets received"
check "replies of 3008 bytes (ICMP header + data)" has "^3008 bytes from 10.0.2.2"
check "fragments created on output (Ip FragCreates >= 4)" at_least Ip FragCreates 4
check "fragmented datagrams sent (Ip FragOKs >= 2)" at_least Ip FragOKs 2
check "replies reassembled (Ip ReasmOKs >= 2)" at_least Ip ReasmOKs 2
check "ping to our own address through lo" has "^64 bytes from 10.0.2.15"
check "ping to 127.0.0.1" has "^64 bytes from 127.0.0.1"
check "slirp's entry complete in /proc/net/arp" \
    has "^10\.0\.2\.2 +0x1 +0x2 +52:55:0a:00:02:02 +\* +eth0$"
check "no reply from 10.0.2.99" has "^1 packets transmitted, 0 packets received"
check "ARP resolution of 10.0.2.99 failed once" exactly Arp ResolutionFailures 1
check "host unreachable sent (Icmp OutDestUnreachs 1)" exactly Icmp OutDestUnreachs 1
check "and received through lo (Icmp InDestUnreachs 1)" exactly Icmp InDestUnreachs 1
check "no header errors" exactly Ip InHdrErrors 0
[ $tap_failures -eq 0 ] || { echo "guest output:"; cat "$out"; }
exit $((tap_failures > 0))
