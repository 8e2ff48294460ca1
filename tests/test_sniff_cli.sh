#!/usr/bin/env bash
# /bin/sniff's command line, for the native and the aarch64 build (under
# qemu-aarch64): usage errors and bad filters print why and the usage on
# stderr and exit 2 before any socket is opened (so no root is needed); an
# unknown interface exits 1.
set -uo pipefail
cd "$(dirname "$0")/.."
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
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# refused LABEL MESSAGE ARGS...: exit 2, nothing on stdout, MESSAGE then the usage on stderr.
refused() {
    local label=$1 message=$2
    shift 2
    "${sniff[@]}" "$@" >"$scratch/out" 2>"$scratch/err"
    check "$label: sniff $* exits 2" 2 $?
    check "$label: sniff $* prints nothing on stdout" "" "$(cat "$scratch/out")"
    check "$label: sniff $* says why" "$message" "$(head -n 1 "$scratch/err")"
    check "$label: sniff $* prints the usage" \
        "usage: sniff [-i IFACE] [-c COUNT] [-x] [-w FILE] [-v] [-n] [FILTER...]" \
        "$(grep '^usage:' "$scratch/err")"
}

for label in host aarch64; do
    if [ $label = host ]; then
        sniff=(build/host/sniff)
    else
        sniff=(qemu-aarch64 build/user/sniff)
    fi
    refused $label "sniff: unknown option -z" -z
    refused $label "sniff: -c needs an argument" -c
    refused $label "sniff: -c wants a positive number, got '0'" -c 0
    refused $label "sniff: -c wants a positive number, got '10x'" -c 10x
    refused $label "sniff: bad filter: expected arp, ip, icmp, udp, tcp, port, host, src, dst, not or '(', got 'udpp'" udpp
    refused $label "sniff: bad filter: expected a port number (0-65535) after 'udp port', got the end of the filter" udp port
    refused $label "sniff: bad filter: expected ')', got the end of the filter" '(' arp or icmp
    refused $label "sniff: bad filter: expected an IPv4 address A.B.C.D after 'host', got '10.0.2'" -n src host 10.0.2

    "${sniff[@]}" -i no-such-if0 >"$scratch/out" 2>"$scratch/err"
    check "$label: an unknown interface exits 1" 1 $?
    if [ "$(id -u)" = 0 ]; then
        check "$label: an unknown interface is named" "sniff: no-such-if0: No such device" \
            "$(cat "$scratch/err")"
    fi
done

echo "# test_sniff_cli: $failures failed"
[ $failures -eq 0 ]
