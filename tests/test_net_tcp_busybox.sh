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
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/net_tcp_busybox
mkdir -p "$out"
failed=0
number=0
ok() {   # ok DESCRIPTION COMMAND...
    local description=$1
    shift
    number=$((number + 1))
    if "$@"; then
        echo "ok $number - $description"
    else
        echo "not ok $number - $description"
        failed=1
    fi
}

file=$out/file
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
    ok "nc, $part: both ends exit 0" \
        test "$(grep -c 'status 0' "$out/part")" -eq 2
    ok "nc, $part: the file arrives whole (sha256)" grep -q "^sha $want " "$out/part"
done
section httpd >"$out/part"
ok "httpd starts" grep -q "httpd status 0" "$out/part"
ok "wget -O - of the file (sha256)" test "$(grep -c "^sha $want " "$out/part")" -eq 2
ok "wget to a file exits 0" grep -q "wget status 0" "$out/part"
ok "wget of a missing file fails (404)" grep -q "wget status 1" <(section missing)
ok "nc to a closed port fails" grep -q "nc status 1" <(section refused)
ok "the guest ran to the end" grep -q "^== end" "$g"
[ $failed -eq 0 ] || sed 's/^/  # /' "$g"
exit $failed
