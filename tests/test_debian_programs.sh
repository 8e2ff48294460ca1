#!/usr/bin/env bash
# Debian's arm64 programs, unmodified and dynamically linked (ld.so from
# libc6:arm64), run in the guest as on Linux 6.1: getent (libc-bin),
# python3 (python3-minimal) talking UDP and TCP over loopback, wget fetching
# from busybox httpd, an iperf3 client and server, tcpdump --version.
# tests/debian/programs.sh runs on Strata and on Linux booted by
# tools/linuxrun with the same /etc (user/etc) and packages; their stdout
# must be the same, and each section must have succeeded.  Skips when
# Debian's archive cannot be reached and the .debs are not in build/debs.
set -uo pipefail
cd "$(dirname "$0")/.."
packages="libc-bin python3-minimal wget iperf3 tcpdump"
status=0
tools/debian-packages $packages >/dev/null || status=$?
if [ $status -eq 3 ]; then
    echo "# SKIP Debian's arm64 archive cannot be reached and build/debs lacks the packages"
    exit 77
elif [ $status -ne 0 ]; then
    echo "not ok - tools/debian-packages $packages (status $status)"
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
options=(--mem 512M --timeout 300 --add tests/debian/programs.sh:/programs.sh
         --add tests/debian/sockets.py:/sockets.py)
for package in $packages; do
    options+=(--deb "$package")
done
# Strata's initramfs has user/etc in /etc already; Linux's gets it here.
linux_etc=()
for file in user/etc/*; do
    [ "${file##*/}" = README.md ] || linux_etc+=(--add "$file:/etc/${file##*/}")
done
tools/guestrun "${options[@]}" -- sh /programs.sh >"$work/strata.out" 2>"$work/strata.err"
strata_status=$?
tools/linuxrun "${options[@]}" "${linux_etc[@]}" -- sh /programs.sh >"$work/linux.out" 2>"$work/linux.err"
linux_status=$?
failures=0
check() {
    if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; failures=$((failures + 1)); fi
}
check "the script ends with status 0 on Strata ($strata_status) and on Linux ($linux_status)" \
    '[ $strata_status -eq 0 ] && [ $linux_status -eq 0 ]'
check "stdout as on Linux 6.1" 'diff -u "$work/linux.out" "$work/strata.out"'
check "every program's status is 0" '! grep -E "status [1-9]" "$work/strata.out"'
check "getent passwd root" 'grep -qx "root:x:0:0:root:/root:/bin/sh" "$work/strata.out"'
check "python3: UDP and TCP over loopback" \
    'grep -q "^udp: PING OVER UDP" "$work/strata.out" && grep -q "^tcp: server got 100000 bytes" "$work/strata.out"'
check "wget fetched the page" 'grep -qx "served by busybox httpd" "$work/strata.out"'
check "iperf3: client and server moved data" \
    '[ $(grep -c "moved data" "$work/strata.out") -eq 3 ]'
check "tcpdump --version" 'grep -q "^tcpdump version" "$work/strata.out"'
echo "# iperf3 on loopback, Strata:"
grep -E '(sender|receiver)$' "$work/strata.err" | sed 's/^/#   /'
echo "# iperf3 on loopback, Linux 6.1:"
grep -E '(sender|receiver)$' "$work/linux.err" | sed 's/^/#   /'
if [ $failures -ne 0 ]; then
    echo "# Strata's stderr:"; sed 's/^/#   /' "$work/strata.err" | tail -20
fi
exit $((failures != 0))
