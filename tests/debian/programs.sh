# Debian's arm64 programs in a guest (tests/test_debian_programs.sh runs this
# on Strata and on Linux 6.1 and compares stdout; figures go to stderr).
ifconfig lo 127.0.0.1 up

# Until a socket listens on TCP port $1 (hexadecimal, as /proc/net/tcp shows
# it): a readiness check on the kernel's own tables, at most 10 s.  Linux's
# iperf3 listens on IPv6 (tcp6, which Strata does not have).
wait_listen() {
    for attempt in $(seq 100); do
        cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
            awk -v port=":$1" '$4 == "0A" && substr($2, length($2) - 4) == port { found = 1 }
                END { exit !found }' && return 0
        usleep 100000
    done
    echo "nothing listens on port 0x$1" >&2
    return 1
}

echo "== getent (libc-bin)"
getent hosts localhost
getent hosts strata
getent passwd root
getent group nogroup
getent services http
echo "status $?"

echo "== python3 (python3-minimal)"
python3 /sockets.py
echo "status $?"

echo "== wget, from busybox httpd on loopback"
mkdir -p /www
echo "served by busybox httpd" > /www/index.html
httpd -f -p 127.0.0.1:8080 -h /www &
httpd=$!
wait_listen 1F90
/usr/bin/wget -q -O - http://127.0.0.1:8080/index.html
echo "status $?"
kill $httpd

echo "== iperf3, client and server on loopback"
iperf3 -s -1 -p 5201 >/tmp/iperf3-server.txt 2>&1 &
server=$!
wait_listen 1451
iperf3 -c 127.0.0.1 -p 5201 -t 1 -f m >/tmp/iperf3-client.txt 2>&1
echo "client status $?"
wait $server
echo "server status $?"
for side in client server; do
    awk -v side=$side '/(sender|receiver)$/ {
            for (i = 1; i < NF; i++)
                if ($(i + 1) ~ /Bytes$/ && $i + 0 > 0) { print side ":", $NF, "moved data"; break }
        }' /tmp/iperf3-$side.txt
done
grep -E '(sender|receiver)$' /tmp/iperf3-client.txt >&2

echo "== tcpdump"
tcpdump --version
echo "status $?"
