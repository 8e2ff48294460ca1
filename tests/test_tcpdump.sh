#!/usr/bin/env bash
# Debian's tcpdump (dynamically linked, libpcap 1.10 on a TPACKET_V3 ring with
# a BPF filter) captures two pings on eth0, answered by QEMU's user network
# (restrict=on: nothing leaves the machine).  tests/debian/tcpdump.sh runs
# on Strata and on Linux 6.1 (tools/linuxrun, same /etc and packages):
# "tcpdump -i eth0 -n -e -t -c 4 icmp" beside "tcpdump -w", then "tcpdump
# -r" of the file.  Their stdout must be the same once busybox ping's ICMP
# id, which is its process id, is set aside (after checking, on each side,
# that the lines carry that pid).  Scapy then reads Strata's pcap and finds
# the ICMP frames QEMU's filter-dump saw on the wire, byte for byte
# (tests/debian/compare_pcap.py).  Skips when Debian's archive cannot be
# reached and the .debs are not in build/debs.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
tools/debian-packages tcpdump >/dev/null || status=$?
if [ $status -eq 3 ]; then
    echo "# SKIP Debian's arm64 archive cannot be reached and build/debs lacks tcpdump"
    exit 77
elif [ $status -ne 0 ]; then
    echo "not ok - tools/debian-packages tcpdump (status $status)"
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
options=(--net user,restrict=on --mem 512M --timeout 120 --deb tcpdump
         --add tests/debian/tcpdump.sh:/tcpdump.sh)
# Strata's initramfs has user/etc in /etc already (tcpdump drops root to its
# user "tcpdump" from /etc/passwd); Linux's gets it here.
linux_etc=()
for file in user/etc/*; do
    [ "${file##*/}" = README.md ] || linux_etc+=(--add "$file:/etc/${file##*/}")
done
tools/guestrun "${options[@]}" --out "$work/out" --dump-frames "$work/wire.pcap" -- \
    sh /tcpdump.sh >"$work/strata.out" 2>"$work/strata.err"
strata_status=$?
tools/linuxrun "${options[@]}" "${linux_etc[@]}" -- sh /tcpdump.sh >"$work/linux.out" 2>"$work/linux.err"
linux_status=$?
failures=0
check() {
    if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; failures=$((failures + 1)); fi
}
# The ids in "ICMP echo ..., id N," are ping's pid on that kernel; once that
# holds, both become PING_ID.
ping_ids_are_its_pid() {
    local pid
    pid=$(sed -n 's/^ping pid //p' "$1")
    [ -n "$pid" ] && [ "$(grep -c "ICMP echo .*, id $pid, seq" "$1")" -eq 8 ] &&
        ! grep "ICMP echo" "$1" | grep -vq ", id $pid, seq"
}
normalise() {
    local pid
    pid=$(sed -n 's/^ping pid //p' "$1")
    sed -e "s/^ping pid $pid\$/ping pid PING_ID/" -e "s/, id $pid, seq/, id PING_ID, seq/" "$1"
}
check "the script ends with status 0 on Strata ($strata_status) and on Linux ($linux_status)" \
    '[ $strata_status -eq 0 ] && [ $linux_status -eq 0 ]'
check "tcpdump, tcpdump -w, tcpdump -r and ping end with status 0" \
    '! grep -E "status [1-9]" "$work/strata.out" && [ $(grep -c "status 0$" "$work/strata.out") -eq 4 ]'
check "Strata: 8 ICMP lines (live and read back), each with ping's pid as id" \
    'ping_ids_are_its_pid "$work/strata.out"'
check "Linux 6.1: the same holds" 'ping_ids_are_its_pid "$work/linux.out"'
check "stdout as on Linux 6.1, ping's id aside" \
    'diff -u <(normalise "$work/linux.out") <(normalise "$work/strata.out")'
check "tcpdump counts 4 packets received by the filter, none dropped" \
    '[ $(grep -c "^4 packets received by filter$" "$work/strata.out") -eq 2 ] &&
     [ $(grep -c "^0 packets dropped by kernel$" "$work/strata.out") -eq 2 ]'
if [ -f "$work/out/icmp.pcap" ] && [ -f "$work/wire.pcap" ]; then
    /usr/bin/python3 tests/debian/compare_pcap.py "$work/out/icmp.pcap" "$work/wire.pcap" \
        "$(sed -n 's/^ping pid //p' "$work/strata.out")" || failures=$((failures + 1))
else
    echo "not ok - the guest's /out/icmp.pcap and QEMU's dump of the wire exist"
    failures=$((failures + 1))
fi
echo "# Strata's lines:"
sed -n '/^== tcpdump -i eth0/,/^== /p' "$work/strata.out" | grep ICMP | sed 's/^/#   /'
if [ $failures -ne 0 ]; then
    echo "# Strata's stderr:"; sed 's/^/#   /' "$work/strata.err" | tail -20
    echo "# Linux's stdout:"; sed 's/^/#   /' "$work/linux.out"
fi
exit $((failures != 0))
