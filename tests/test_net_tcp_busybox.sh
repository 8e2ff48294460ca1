#!/usr/bin/env bash
# Debian's busybox TCP applets, unmodified, in the guest over 127.0.0.1:
#   nc -l -p PORT > FILE   <-  nc 127.0.0.1 PORT < FILE   (client sends)
#   nc -l -p PORT < FILE   ->  nc 127.0.0.1 PORT > FILE   (server sends)
#   httpd -p 8080 -h /www  ->  wget -O - http://127.0.0.1:8080/file
# A 300 000-byte random file must arrive with the host's sha256.  busybox nc
# exits at end of its standard input, so the receiving side reads a FIFO
# that a sleeping writer holds open (the same script gives the same hashes
# on Linux under qemu-aarch64).  Readiness is waited for by polling
# /proc/net/tcp for the listener's row (state 0A), never by sleeping.
# Part 2 repeats nc and wget against the host's Linux through a tap in a
# network namespace this script creates (traffic stays inside it).
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/net_tcp_busybox
mkdir -p "$out"
source tests/tap.sh

# The data and the peer's files live in a private directory: a concurrent
# `make test` in the same tree empties build/test-results.
work=$(mktemp -d)
file=$work/file
head -c 300000 /dev/urandom >"$file"
want=$(sha256sum <"$file" | cut -d' ' -f1)

tools/guestrun --timeout 120 --add "$file:/www/file" -- sh -c '
    listening() { grep -q ":$1 00000000:0000 0A" /proc/net/tcp; }
    mkfifo /tmp/hold
    sleep 1000 >/tmp/hold & holder=$!
    echo "== client sends"
    nc -l -p 5001 </tmp/hold >/tmp/got1 & server=$!
    while ! listening 1389; do :; done
    nc 127.0.0.1 5001 </www/file; echo "client status $?"
    wait $server; echo "server status $?"
    echo "sha $(sha256sum </tmp/got1)"
    echo "== server sends"
    nc -l -p 5002 </www/file & server=$!
    while ! listening 138A; do :; done
    nc 127.0.0.1 5002 </tmp/hold >/tmp/got2; echo "client status $?"
    wait $server; echo "server status $?"
    echo "sha $(sha256sum </tmp/got2)"
    kill $holder
    echo "== httpd"
    httpd -p 8080 -h /www; echo "httpd status $?"
    while ! listening 1F90; do :; done
    echo "sha $(wget -q -O - http://127.0.0.1:8080/file | sha256sum)"
    wget -q -O /tmp/got3 http://127.0.0.1:8080/file; echo "wget status $?"
    echo "sha $(sha256sum </tmp/got3)"
    echo "== missing"
    wget -q -O - http://127.0.0.1:8080/nothing-here; echo "wget status $?"
    echo "== refused"
    nc 127.0.0.1 5003 </dev/null; echo "nc status $?"
    echo "== end"' >"$out/guest.out" 2>&1
g=$out/guest.out
section() { sed -n "/^== $1\$/,/^== /p" "$g"; }

for part in "client sends" "server sends"; do
    section "$part" >"$out/part"
    check "nc, $part: both ends exit 0" \
        test "$(grep -c 'status 0' "$out/part")" -eq 2
    check "nc, $part: the file arrives whole (sha256)" grep -q "^sha $want " "$out/part"
done
section httpd >"$out/part"
check "httpd starts" grep -q "httpd status 0" "$out/part"
check "wget -O - of the file (sha256)" test "$(grep -c "^sha $want " "$out/part")" -eq 2
check "wget to a file exits 0" grep -q "wget status 0" "$out/part"
check "wget of a missing file fails (404)" grep -q "wget status 1" <(section missing)
check "nc to a closed port fails" grep -q "nc status 1" <(section refused)
check "the guest ran to the end" grep -q "^== end" "$g"
[ $tap_failures -eq 0 ] || sed 's/^/  # /' "$g"

# ---- 2. The host's Linux as the peer, behind a tap in a private namespace ----
# (10.0.2.2/24 there, the guest 10.0.2.15; the namespace is deleted at exit).
# Linux's python3 serves the file over HTTP, keeps what a guest nc sends
# (its sha256 in sink.sha), and fetches the file from a guest nc -l
# (fetch.sha), retrying while the guest is not yet listening.
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
    rm -rf "$work"
    skip_rest "the host-peer part: needs root and ip(8)"
fi
ns=strata-tcp-$$
peer=
cleanup() {
    [ -n "$peer" ] && kill "$peer" 2>/dev/null && wait "$peer" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" tuntap add tap0 mode tap
ip -n "$ns" addr add 10.0.2.2/24 dev tap0
ip -n "$ns" link set tap0 up
www=$work/www
mkdir -p "$www"
cp "$file" "$www/file"
ip netns exec "$ns" /usr/bin/python3 - "$www" "$work" <<'PEER' &
import functools, hashlib, http.server, socket, sys, threading, time
www, out = sys.argv[1], sys.argv[2]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=www)
handler.func.log_message = lambda *args: None
web = http.server.ThreadingHTTPServer(("10.0.2.2", 8081), handler)
threading.Thread(target=web.serve_forever, daemon=True).start()
sink = socket.socket()
sink.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sink.bind(("10.0.2.2", 5005))
sink.listen(1)
def drain(connection):
    digest = hashlib.sha256()
    while True:
        data = connection.recv(65536)
        if not data:
            return digest.hexdigest()
        digest.update(data)
def serve_sink():
    connection, _ = sink.accept()
    with open(out + "/sink.sha", "w") as f:
        f.write(drain(connection) + "\n")
    connection.close()
threading.Thread(target=serve_sink, daemon=True).start()
open(out + "/peer.ready", "w").write("ready\n")
deadline = time.time() + 100
while time.time() < deadline:
    try:
        fetch = socket.create_connection(("10.0.2.15", 5006), timeout=5)
    except OSError:
        time.sleep(0.05)      # the guest is not listening yet: retry
        continue
    with open(out + "/fetch.sha", "w") as f:
        f.write(drain(fetch) + "\n")
    fetch.close()
    break
time.sleep(1000)
PEER
peer=$!
for _ in $(seq 100); do [ -s "$work/peer.ready" ] && break; sleep 0.1; done
check "the peer in the namespace is ready" test -s "$work/peer.ready"
ip netns exec "$ns" tools/guestrun --net tap,ifname=tap0,script=no,downscript=no --timeout 120 \
    --add "$file:/www/file" -- sh -c '
    echo "== wget"; echo "sha $(wget -q -O - http://10.0.2.2:8081/file | sha256sum)"
    echo "== send"; nc 10.0.2.2 5005 </www/file; echo "nc status $?"
    echo "== serve"; nc -l -p 5006 </www/file; echo "nc -l status $?"
    echo "== end"' >"$out/tap.out" 2>&1
t=$out/tap.out
check "wget from Linux's HTTP server through the tap (sha256)" grep -q "^sha $want " "$t"
check "nc to Linux exits 0" grep -q "^nc status 0" "$t"
check "Linux received the file whole from the guest's nc (sha256)" grep -qx "$want" "$work/sink.sha"
check "the guest's nc -l served Linux and exited 0" grep -q "^nc -l status 0" "$t"
check "Linux fetched the file whole from the guest's nc -l (sha256)" grep -qx "$want" "$work/fetch.sha"
[ $tap_failures -eq 0 ] || sed 's/^/  # /' "$t"
exit $((tap_failures > 0))
