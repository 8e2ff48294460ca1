#!/usr/bin/env bash
# Debian's busybox network applets, unmodified, in the guest against two
# real peers:
#   1. QEMU's slirp (restrict=on: nothing leaves the machine), which answers
#      ARP, ICMP echo and DHCP for 10.0.2.2: ifconfig, route, arp, netstat,
#      ping, arping, udhcpc.
#   2. The host's Linux behind a tap in a network namespace this script
#      creates (10.0.2.2/24; deleted at the end): traceroute (Linux answers
#      port unreachable), nslookup against a tiny DNS responder, and UDP
#      echo with payloads up to 8 KiB (IP fragments both ways) from a small
#      static client (tests/net_udp_echo_client.c).
# Expected values come from the set-up (QEMU's default MAC, slirp's fixed
# addresses) and from what the same applets print on Linux.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/tap.sh
has() { grep -Eq -- "$2" "$1"; }

out=build/test-results/net_busybox
mkdir -p "$out"

# ---- 1. slirp ----
promiscuous=build/tests/net_promiscuous
mkdir -p build/tests
aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$promiscuous" tests/net_promiscuous.c
tools/guestrun --net user,restrict=on --timeout 120 --add "$promiscuous:/bin/net_promiscuous" -- sh -c '
    echo "== promiscuous"; net_promiscuous; echo "promiscuous status $?"
    echo "== ifconfig"; ifconfig
    echo "== route"; route -n
    echo "== ping"; ping -c 2 10.0.2.2
    echo "== arping"; arping -c 1 -I eth0 10.0.2.2; echo "arping status $?"
    echo "== arp"; arp -n
    echo "== netstat-rn"; netstat -rn
    echo "== netstat-an"; netstat -an 2>&1
    echo "== udhcpc"; udhcpc -i eth0 -n -q -s /bin/true 2>&1; echo "udhcpc status $?"
    echo "== ip"; ip addr 2>&1; echo "ip status $?"
    echo "== ifset"; ifconfig eth0 10.0.2.16 netmask 255.255.255.0 mtu 1400; ifconfig eth0
    echo "== routeadd"; route add -net 192.168.7.0 netmask 255.255.255.0 gw 10.0.2.2
    route add -host 10.9.9.9 dev eth0; route -n
    echo "== routedel"; route del -net 192.168.7.0 netmask 255.255.255.0 gw 10.0.2.2; route -n
    echo "== down"; ifconfig eth0 down; ifconfig eth0
    echo "== end"' >"$out/slirp.out" 2>&1
s=$out/slirp.out
section() { sed -n "/^== $1\$/,/^== /p" "$s"; }
section promiscuous >"$out/promiscuous"
section ifconfig >"$out/ifconfig"
section route >"$out/route"
section ping >"$out/ping"
section arping >"$out/arping"
section arp >"$out/arp"
section netstat-rn >"$out/netstat-rn"
section netstat-an >"$out/netstat-an"
section udhcpc >"$out/udhcpc"
section ip >"$out/ip"
section ifset >"$out/ifset"
section routeadd >"$out/routeadd"
section routedel >"$out/routedel"
section down >"$out/down"
check "PACKET_MR_PROMISC memberships are counted and end at close" \
    bash -c "grep -q '^promiscuous status 0$' $out/promiscuous && [ \$(grep -c '^ok - ' $out/promiscuous) -eq 6 ]"
check "ifconfig shows eth0 with QEMU's default MAC" has "$out/ifconfig" '^eth0 +Link encap:Ethernet +HWaddr 52:54:00:12:34:56'
check "ifconfig shows eth0's address, broadcast and mask" \
    has "$out/ifconfig" 'inet addr:10\.0\.2\.15 +Bcast:10\.0\.2\.255 +Mask:255\.255\.255\.0'
check "ifconfig shows eth0 up and running" has "$out/ifconfig" 'UP BROADCAST RUNNING MULTICAST +MTU:1500'
check "ifconfig shows lo with 127.0.0.1" has "$out/ifconfig" 'inet addr:127\.0\.0\.1 +Mask:255\.0\.0\.0'
check "ifconfig shows lo as a loopback" has "$out/ifconfig" 'UP LOOPBACK RUNNING +MTU:65536'
check "route -n shows the default gateway 10.0.2.2 on eth0" \
    has "$out/route" '^0\.0\.0\.0 +10\.0\.2\.2 +0\.0\.0\.0 +UG +0 +0 +0 eth0$'
check "route -n shows the connected 10.0.2.0/24" \
    has "$out/route" '^10\.0\.2\.0 +0\.0\.0\.0 +255\.255\.255\.0 +U +0 +0 +0 eth0$'
check "ping: 2 packets transmitted, 2 received" has "$out/ping" '2 packets transmitted, 2 packets received, 0% packet loss'
check "ping: replies come from 10.0.2.2" has "$out/ping" '64 bytes from 10\.0\.2\.2: seq=1 ttl=[0-9]+'
check "arping: a unicast reply from slirp's MAC" has "$out/arping" 'Unicast reply from 10\.0\.2\.2 \[52:55:0a:00:02:02\]'
check "arping: exit status 0" has "$out/arping" '^arping status 0$'
check "arp -n lists 10.0.2.2 at slirp's MAC" has "$out/arp" '\(10\.0\.2\.2\) at 52:55:0a:00:02:02 \[ether\] +on eth0'
check "netstat -rn shows the default route" has "$out/netstat-rn" '^0\.0\.0\.0 +10\.0\.2\.2 +0\.0\.0\.0 +UG'
check "netstat -an prints its tables without errors" \
    bash -c "has() { grep -Eq -- \"\$2\" \"\$1\"; }; has $out/netstat-an '^Active Internet connections' && ! has $out/netstat-an 'No such file'"
check "udhcpc obtains 10.0.2.15 from slirp's DHCP server" \
    has "$out/udhcpc" 'lease of 10\.0\.2\.15 obtained from 10\.0\.2\.2'
check "udhcpc: exit status 0" has "$out/udhcpc" '^udhcpc status 0$'
check "ip (netlink: EAFNOSUPPORT) fails cleanly" has "$out/ip" '^ip status 1$'
check "ifconfig sets address, netmask and MTU" \
    bash -c "grep -Eq 'inet addr:10\.0\.2\.16 +Bcast:10\.0\.2\.255 +Mask:255\.255\.255\.0' $out/ifset && grep -q 'MTU:1400' $out/ifset"
check "route add -net with a gateway" has "$out/routeadd" '^192\.168\.7\.0 +10\.0\.2\.2 +255\.255\.255\.0 +UG +0 +0 +0 eth0$'
check "route add -host on a device" has "$out/routeadd" '^10\.9\.9\.9 +0\.0\.0\.0 +255\.255\.255\.255 +UH +0 +0 +0 eth0$'
check "route del removes it" bash -c "! grep -q '^192\.168\.7\.0' $out/routedel && grep -q '^10\.9\.9\.9' $out/routedel"
check "ifconfig eth0 down clears UP" bash -c "grep -q 'BROADCAST' $out/down && ! grep -q ' UP ' $out/down"

# ---- 2. the host's Linux behind a tap in a private namespace ----
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
    skip_rest "part 2, the host's Linux as the peer: needs root and ip(8)"
fi
ns=strata-bb-$$
ready=$out/peer.ready
rm -f "$ready"
peer=
cleanup() {
    [ -n "$peer" ] && kill "$peer" 2>/dev/null && wait "$peer" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" tuntap add tap0 mode tap
ip -n "$ns" addr add 10.0.2.2/24 dev tap0
ip -n "$ns" link set tap0 up
client=build/tests/net_udp_echo_client
mkdir -p build/tests
aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$client" tests/net_udp_echo_client.c
ip netns exec "$ns" /usr/bin/python3 tests/net_busybox_peer.py "$ready" &
peer=$!
for _ in $(seq 100); do [ -s "$ready" ] && break; sleep 0.1; done
check "the peer in the namespace is ready" test -s "$ready"
ip netns exec "$ns" tools/guestrun --net tap,ifname=tap0,script=no,downscript=no --timeout 120 \
    --add "$client:/bin/udp_echo_client" -- sh -c '
    echo "== ping"; ping -c 2 10.0.2.2
    echo "== traceroute"; traceroute -n -m 3 -q 1 -w 2 10.0.2.2 2>&1
    echo "== nslookup"; nslookup strata.test 10.0.2.2 2>&1; echo "nslookup status $?"
    echo "== nxdomain"; nslookup nowhere.test 10.0.2.2 2>&1; echo "nslookup status $?"
    echo "== echo"; udp_echo_client 10.0.2.2 7007; echo "echo status $?"
    echo "== end"' >"$out/tap.out" 2>&1
s=$out/tap.out
section ping >"$out/tap-ping"
section traceroute >"$out/traceroute"
section nslookup >"$out/nslookup"
section nxdomain >"$out/nxdomain"
section echo >"$out/echo"
check "ping the host's Linux: 2 received" has "$out/tap-ping" '2 packets transmitted, 2 packets received'
check "traceroute reaches 10.0.2.2 in one hop" has "$out/traceroute" '^ 1  10\.0\.2\.2  [0-9.]+ ms$'
check "nslookup resolves strata.test to 10.0.2.99" has "$out/nslookup" 'Address: 10\.0\.2\.99'
check "nslookup: exit status 0" has "$out/nslookup" '^nslookup status 0$'
check "nslookup of an unknown name fails cleanly" has "$out/nxdomain" "can't find nowhere\.test|NXDOMAIN"
for size in 1 100 1472 1473 3000 4096 8192; do
    check "UDP echo of $size bytes through the host's Linux" has "$out/echo" "^echo $size ok\$"
done
check "the echo client exits 0" has "$out/echo" '^echo status 0$'

exit $((tap_failures > 0))
