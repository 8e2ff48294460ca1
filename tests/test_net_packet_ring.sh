#!/usr/bin/env bash
# AF_PACKET as libpcap 1.10 (tcpdump) uses it, over lo.  Two guest programs,
# each run in Strata and in Linux 6.1 (tools/linuxrun), the oracle, since
# qemu-user has no SOL_PACKET options: each run must pass every check, and
# Strata must print the lines Linux prints.
# - tests/net_packet_ring.c: the system calls themselves: receive rings
#   (TPACKET_V2, TPACKET_V3) mapped with mmap, poll, PACKET_STATISTICS,
#   socket filters (tcpdump's compiled "icmp", ancillary loads, the
#   checker's errors, detach and lock), PACKET_AUXDATA, memberships.
# - tests/net_pcap_capture.c: tcpdump's capture path through Debian's own
#   libpcap (linked statically from libpcap0.8-dev:arm64; skipped without
#   it): pcap_activate, pcap_setfilter("icmp"), pcap_next_ex, pcap_stats,
#   with TPACKET_V3 and in immediate mode with TPACKET_V2.
# Debian's tcpdump itself, dynamically linked, captures on eth0 beside Linux
# in tests/test_tcpdump.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/net_packet_ring
mkdir -p "$out" build/tests
compile=(aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror)
failed=0
programs=(net_packet_ring)
if ! "${compile[@]}" -o build/tests/net_packet_ring tests/net_packet_ring.c; then
    echo "not ok - building tests/net_packet_ring.c"
    failed=1
    programs=()
fi
if [ ! -f /usr/lib/aarch64-linux-gnu/libpcap.a ]; then
    echo "ok - # SKIP net_pcap_capture: no arm64 libpcap.a (apt-get install libpcap0.8-dev:arm64)"
elif "${compile[@]}" -o build/tests/net_pcap_capture tests/net_pcap_capture.c \
        -lpcap -ldbus-1 -lpthread 2>"$out/net_pcap_capture.build"; then
    programs+=(net_pcap_capture)
else
    echo "not ok - building tests/net_pcap_capture.c"
    sed 's/^/  /' "$out/net_pcap_capture.build" | grep -v 'warning: Using' | tail -n 5
    failed=1
fi
for program in "${programs[@]}"; do
    for runner in guestrun linuxrun; do
        memory=()
        [ "$runner" = guestrun ] && memory=(--mem 512M)
        "tools/$runner" "${memory[@]}" --timeout 300 --add "build/tests/$program:/bin/$program" -- \
            "/bin/$program" >"$out/$program.$runner.out" 2>"$out/$program.$runner.err"
        status=$?
        if [ $status -eq 0 ] && ! grep -q '^not ok' "$out/$program.$runner.out" &&
                grep -q '^# .* 0 failed$' "$out/$program.$runner.out"; then
            echo "ok - $program, $runner: $(tail -n 1 "$out/$program.$runner.out" | sed 's/^# [^:]*: //')"
        else
            echo "not ok - $program, $runner: status $status"
            grep -v '^ok' "$out/$program.$runner.out" | sed 's/^/  /'
            sed 's/^/  stderr: /' "$out/$program.$runner.err" | tail -n 5
            failed=1
        fi
    done
    if cmp -s "$out/$program.guestrun.out" "$out/$program.linuxrun.out"; then
        echo "ok - $program: Strata prints the lines Linux prints"
    else
        echo "not ok - $program: Strata and Linux differ:"
        diff "$out/$program.linuxrun.out" "$out/$program.guestrun.out" | sed 's/^/  /'
        failed=1
    fi
done
exit $failed
