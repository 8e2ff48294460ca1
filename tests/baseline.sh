# Sourced by the tests that compare the kernel's readings before and after a
# workload run twice in one guest (test_net_leaks.sh, test_syscall_fuzz.sh,
# test_socket_exhaustion.sh): the first round
# warms up what legitimately stays allocated (kmalloc slabs), so free memory
# is compared with the reading after it, sockets and pbufs with the start.
#
# baseline_guest_functions: shell text for the guest's script defining
#   tcp_idle   wait until /proc/net/tcp lists no connection (30 s at most)
#   show TAG   /proc/net/sockstat, /proc/meminfo and the TCP connection
#              count, each line prefixed by TAG, straight out by the same
#              command each time: shell variables would grow the shell's
#              heap between two readings, and a different reader would
#              hold a different number of pages
# baseline_compare OUTPUT: from the guest's output with lines tagged start,
#   warm and after, one ok / not ok line per reading; status 1 on a change.

baseline_guest_functions='
    tcp_idle() {
        i=0
        while [ "$(wc -l < /proc/net/tcp)" -gt 1 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    }
    show() {
        { cat /proc/net/sockstat /proc/meminfo; echo "TCP connections: $(($(wc -l < /proc/net/tcp) - 1))"; } |
            sed "s/^/$1 /"
    }'

baseline_compare() {
    local output=$1 failed=0 line before after
    for line in "sockets: used" "TCP: inuse" "TCP connections:" "UDP: inuse" "RAW: inuse" \
        "PACKET: inuse" "PBUF: inuse" "MemFree:"; do
        if [ "$line" = MemFree: ]; then
            before=$(sed -n "s/^warm $line/$line/p" "$output")
        else
            before=$(sed -n "s/^start $line/$line/p" "$output")
        fi
        after=$(sed -n "s/^after $line/$line/p" "$output")
        if [ -n "$before" ] && [ "$before" = "$after" ]; then
            echo "ok - $line back to its baseline ($after)"
        else
            echo "not ok - $line back to its baseline: before '$before', after '$after'"
            failed=1
        fi
    done
    return $failed
}
