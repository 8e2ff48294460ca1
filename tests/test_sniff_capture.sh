#!/usr/bin/env bash
# /bin/sniff against Linux.  Two network namespaces made here and deleted at
# the end, joined by a veth pair: A (veth0, 10.0.2.15, 52:54:00:12:34:56),
# where sniff runs, and B (veth1, 10.0.2.2, 52:55:0a:00:02:02), whose kernel
# answers.  No traffic goes to any other address.  Each scenario runs the
# native build and the guest's aarch64 build (under qemu-aarch64):
#   exchange  ARP, two pings, UDP, TCP SYN and B's answers: exact lines, and
#             the pcap (read by Scapy) and the -x dumps equal the frames
#             byte for byte
#   filter    "udp port 53" keeps exactly the two such frames of nine
#   handshake a real TCP handshake: flags, seq/ack and windows
#   signals   SIGINT after 6 frames and SIGTERM before any: exit 0, counts
#             on stderr, the pcap complete
# Synchronised on sniff's "listening on" line and on its line-buffered
# output, never on sleeps; the polls below only bound how long a failure takes.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
    echo "# SKIP test_sniff_capture: creating network namespaces needs root"
    exit 77
fi
make -s -f user/sniff/Makefile.inc build/host/sniff build/user/sniff || exit 1

failures=0
check() {   # check DESCRIPTION EXPECTED ACTUAL
    if [ "$2" == "$3" ]; then
        echo "ok - $1"
    else
        echo "not ok - $1: expected [$2] got [$3]"
        failures=$((failures + 1))
    fi
}
check_status() {   # check_status DESCRIPTION COMMAND...: the command exits 0
    if "${@:2}"; then
        echo "ok - $1"
    else
        echo "not ok - $1"
        failures=$((failures + 1))
    fi
}

ns_a=sniff-a-$$
ns_b=sniff-b-$$
scratch=$(mktemp -d)
sniff_pid=
server_pid=
cleanup() {
    for pid in $sniff_pid $server_pid; do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns_a" 2>/dev/null
    ip netns del "$ns_b" 2>/dev/null
    rm -rf "$scratch"
}
trap cleanup EXIT

in_a() { ip netns exec "$ns_a" "$@"; }
peer=(/usr/bin/python3 user/sniff/tests/peer.py)
checker=(/usr/bin/python3 user/sniff/tests/check_pcap.py)
mac_a=52:54:00:12:34:56
mac_b=52:55:0a:00:02:02

ip netns add "$ns_a" && ip netns add "$ns_b" || exit 1
for ns in "$ns_a" "$ns_b"; do
    # No IPv6, so no router solicitations or neighbour discovery of its own.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
    ip -n "$ns" link set lo up
done
ip link add veth0 netns "$ns_a" address $mac_a type veth peer name veth1 netns "$ns_b" \
    address $mac_b || exit 1
ip -n "$ns_a" addr add 10.0.2.15/24 dev veth0
ip -n "$ns_b" addr add 10.0.2.2/24 dev veth1
ip -n "$ns_a" link set veth0 up
ip -n "$ns_b" link set veth1 up
# Permanent neighbours: the kernels never ARP of their own accord, so the
# only ARP frames are the test's and every count below is exact.
ip -n "$ns_a" neigh replace 10.0.2.2 lladdr $mac_b dev veth0 nud permanent
ip -n "$ns_b" neigh replace 10.0.2.15 lladdr $mac_a dev veth1 nud permanent

# await_line FILE PATTERN [COUNT]: until COUNT (1) lines of FILE match; fails
# after 30 s or if the process awaited ($awaited_pid) has ended.
await_line() {
    local deadline=$((SECONDS + 30)) found
    # The file may not exist yet: the shell creates it after forking.
    until found=$(grep -c -- "$2" "$1" 2>/dev/null); [ "${found:-0}" -ge "${3:-1}" ]; do
        if [ $SECONDS -ge $deadline ] || ! kill -0 "$awaited_pid" 2>/dev/null; then
            echo "# gave up waiting for '$2' in $1:"
            sed 's/^/#   /' "$1"
            return 1
        fi
        sleep 0.01
    done
}

# start_sniff NAME ARGS...: sniff in A, output in $scratch/NAME.{out,err};
# returns once it is listening.
start_sniff() {
    local name=$1
    shift
    # Not through in_a: $! must be sniff itself (ip netns exec execs it).
    ip netns exec "$ns_a" "${sniff[@]}" "$@" >"$scratch/$name.out" 2>"$scratch/$name.err" &
    sniff_pid=$!
    awaited_pid=$sniff_pid
    await_line "$scratch/$name.err" '^listening on veth0, link-type EN10MB'
}

# finish_sniff: waits for sniff to end (killing it after 30 s) and sets $status.
finish_sniff() {
    local deadline=$((SECONDS + 30))
    while kill -0 "$sniff_pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
        sleep 0.01
    done
    kill -KILL "$sniff_pid" 2>/dev/null
    wait "$sniff_pid"
    status=$?
    sniff_pid=
}

# The lines of NAME.out without their timestamps or -x dumps.
lines_of() { grep -v $'^\t' "$scratch/$1.out" | cut -d' ' -f2-; }

scenario_exchange() {
    start_sniff exchange -i veth0 -c 10 -x -v -w "$scratch/exchange.pcap" arp or ip || return
    local start end
    start=$(date +%s.%N)
    check_status "$label: peer sent every probe and got every answer" \
        in_a "${peer[@]}" exchange veth0 "$scratch/exchange.json"
    finish_sniff
    end=$(date +%s.%N)
    check "$label: exchange: exit status after -c 10" 0 "$status"
    check "$label: exchange: count on stderr" "10 packets captured" \
        "$(tail -n 1 "$scratch/exchange.err")"
    local eth_out="Out $mac_a > $mac_b IP" eth_in="In $mac_b > $mac_a IP"
    check "$label: exchange: the lines" "$(cat <<LINES
Out $mac_a > ff:ff:ff:ff:ff:ff ARP who-has 10.0.2.2 tell 10.0.2.15
In $mac_b > $mac_a ARP reply 10.0.2.2 is-at $mac_b
$eth_out 10.0.2.15 > 10.0.2.2: ICMP echo request id 1 seq 1 length 64
$eth_in 10.0.2.2 > 10.0.2.15: ICMP echo reply id 1 seq 1 length 64
$eth_out 10.0.2.15 > 10.0.2.2: ICMP echo request id 1 seq 2 length 64
$eth_in 10.0.2.2 > 10.0.2.15: ICMP echo reply id 1 seq 2 length 64
$eth_out 10.0.2.15.1234 > 10.0.2.2.53: UDP length 22
$eth_in 10.0.2.2 > 10.0.2.15: ICMP dest unreachable code 3 length 58
$eth_out 10.0.2.15.40000 > 10.0.2.2.80: TCP [S] seq 123 win 64240 length 0
$eth_in 10.0.2.2.80 > 10.0.2.15.40000: TCP [R.] seq 0 ack 124 win 0 length 0
LINES
)" "$(lines_of exchange)"
    check "$label: exchange: every line starts with HH:MM:SS.micro" 10 \
        "$(grep -cE '^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{6} ' "$scratch/exchange.out")"
    check_status "$label: exchange: pcap records and -x dumps equal the frames" \
        "${checker[@]}" exchange "$scratch/exchange.pcap" "$scratch/exchange.json" \
        "$scratch/exchange.out" "$start" "$end"
}

scenario_filter() {
    start_sniff filter -i veth0 -c 2 udp port 53 || return
    check_status "$label: filter: peer sent the mix" in_a "${peer[@]}" filter-mix veth0
    finish_sniff
    check "$label: filter: exit status" 0 "$status"
    check "$label: filter: only the two 'udp port 53' frames, TCP port 53 and ICMP left out" \
        "Out $mac_a > $mac_b IP 10.0.2.15.53 > 10.0.2.2.9999: UDP length 11
Out $mac_a > $mac_b IP 10.0.2.15.1234 > 10.0.2.2.53: UDP length 12" "$(lines_of filter)"
}

scenario_handshake() {
    ip netns exec "$ns_b" "${peer[@]}" listen 10.0.2.2 80 >"$scratch/server.out" 2>&1 &
    server_pid=$!
    awaited_pid=$server_pid
    await_line "$scratch/server.out" '^ready$' || return
    start_sniff handshake -i veth0 -c 3 -v -w "$scratch/handshake.pcap" \
        tcp port 80 and host 10.0.2.2 || return
    check_status "$label: handshake: connected" in_a "${peer[@]}" connect 10.0.2.2 80
    finish_sniff
    wait "$server_pid"
    server_pid=
    check "$label: handshake: exit status" 0 "$status"
    check "$label: handshake: directions and flags" "Out [S]
In [S.]
Out [.]" "$(lines_of handshake | sed -E 's/^(In|Out) .* TCP (\[[^]]*\]).*/\1 \2/')"
    check_status "$label: handshake: seq, ack and win in the lines match the pcap" \
        "${checker[@]}" handshake "$scratch/handshake.pcap" "$scratch/handshake.out"
}

scenario_signals() {
    start_sniff sigint -i veth0 -v -w "$scratch/sigint.pcap" icmp || return
    check_status "$label: sigint: three pings answered" in_a "${peer[@]}" pings veth0 3
    awaited_pid=$sniff_pid
    await_line "$scratch/sigint.out" ' ICMP echo ' 6
    kill -INT "$sniff_pid"
    finish_sniff
    check "$label: sigint: exit status" 0 "$status"
    check "$label: sigint: count on stderr" "6 packets captured" \
        "$(tail -n 1 "$scratch/sigint.err")"
    check_status "$label: sigint: the pcap holds all 6" \
        "${checker[@]}" count "$scratch/sigint.pcap" 6

    start_sniff sigterm -i veth0 -w "$scratch/sigterm.pcap" || return
    kill -TERM "$sniff_pid"
    finish_sniff
    check "$label: sigterm: exit status" 0 "$status"
    check "$label: sigterm: count on stderr" "0 packets captured" \
        "$(tail -n 1 "$scratch/sigterm.err")"
    check_status "$label: sigterm: an empty capture is a valid pcap" \
        "${checker[@]}" count "$scratch/sigterm.pcap" 0
}

for label in host aarch64; do
    if [ $label = host ]; then
        sniff=(build/host/sniff)
    else
        sniff=(qemu-aarch64 build/user/sniff)
    fi
    for scenario in scenario_exchange scenario_filter scenario_handshake scenario_signals; do
        $scenario || { echo "not ok - $label: $scenario could not run"; failures=$((failures + 1)); }
        if [ -n "$sniff_pid" ]; then
            kill -KILL "$sniff_pid" 2>/dev/null
            wait "$sniff_pid" 2>/dev/null
            sniff_pid=
        fi
    done
done

echo "# test_sniff_capture: $failures failed"
[ $failures -eq 0 ]
