# Debian's tcpdump in a guest on QEMU's user network (tests/test_tcpdump.sh
# runs this on Strata and on Linux 6.1 and compares stdout).  Two captures of
# the same two pings to 10.0.2.2, which QEMU itself answers: one printing
# lines, one writing /out/icmp.pcap; then tcpdump reads that file back.
# busybox ping's ICMP id is its process id, printed as "ping pid N" so that
# the host can check the id and then set it aside (the kernels number
# processes differently).
ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up

# Until tcpdump's stderr (file $1) says "listening on": it has its ring and
# its filter by then.  At most 10 s.
wait_listening() {
    for attempt in $(seq 100); do
        grep -q "listening on" "$1" && return 0
        usleep 100000
    done
    echo "tcpdump never said \"listening on\" ($1)" >&2
    cat "$1" >&2
    return 1
}

mkdir -p /out
tcpdump -i eth0 -n -e -t -c 4 icmp >/tmp/lines 2>/tmp/lines.err &
lines=$!
tcpdump -i eth0 -n -c 4 -w /out/icmp.pcap icmp 2>/tmp/pcap.err &
pcap=$!
wait_listening /tmp/lines.err && wait_listening /tmp/pcap.err || exit 1
echo "== ping -c 2 10.0.2.2"
ping -c 2 10.0.2.2 >/tmp/ping &
ping=$!
echo "ping pid $ping"
wait $ping
echo "ping status $?"
wait $lines
echo "tcpdump status $?"
wait $pcap
echo "tcpdump -w status $?"
echo "== tcpdump -i eth0 -n -e -t -c 4 icmp"
cat /tmp/lines /tmp/lines.err
echo "== tcpdump -i eth0 -n -c 4 -w /out/icmp.pcap icmp"
cat /tmp/pcap.err
echo "== tcpdump -r /out/icmp.pcap -n -e -t"
tcpdump -r /out/icmp.pcap -n -e -t 2>&1
echo "tcpdump -r status $?"
cat /tmp/ping >&2
