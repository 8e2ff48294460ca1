# tests/tap_guest.sh: what the tests that boot a guest on tools/netns-peer's
# tap share (sourced; test_net_syn_flood, test_net_syn_cookies,
# test_net_flood_small_memory, test_net_never_reads).
#   tap_guest_require NAME        exits 77 with a "# SKIP" line unless this
#                                 shell can make a namespace and a tap (root,
#                                 /dev/net/tun)
#   tap_guest_boot GUEST OUT OPTION... -- COMMAND...
#                                 inside tools/netns-peer: boots GUEST (strata:
#                                 tools/guestrun; linux: Linux 6.1 through
#                                 tools/linuxrun) on the namespace's tap with
#                                 the runner's OPTIONs, output in OUT/guest.out
#                                 and OUT/guest.err, in the background
#                                 (guest_pid); returns once the guest prints a
#                                 line READY, or has ended
#   tap_guest_wait OUT            waits for it; appends "guest status N" to
#                                 OUT/guest.out
#   guest_value OUT PREFIX        the rest of guest.out's first line that
#                                 starts with "PREFIX "
#   guest_netstat_value OUT NAME  the TcpExt column NAME of the guest's
#                                 /proc/net/netstat, printed by the guest as
#                                 lines "netstat TcpExt: ..."
tap_guest_require() {
    if [ "$(id -u)" != 0 ]; then
        echo "# SKIP $1: a network namespace and a tap need root"
        exit 77
    fi
    if [ ! -c /dev/net/tun ]; then
        echo "# SKIP $1: no /dev/net/tun for the tap"
        exit 77
    fi
}

tap_guest_boot() {
    local runner=tools/guestrun out=$2
    [ "$1" = linux ] && runner=tools/linuxrun
    shift 2
    "$runner" --net "$NETNS_PEER_QEMU_NET" "$@" >"$out/guest.out" 2>"$out/guest.err" &
    guest_pid=$!
    for _ in $(seq 3000); do
        grep -qx READY "$out/guest.out" && break
        kill -0 $guest_pid 2>/dev/null || break
        sleep 0.1
    done
}

tap_guest_wait() {
    local status=0
    wait $guest_pid || status=$?
    echo "guest status $status" >>"$1/guest.out"
}

guest_value() { sed -n "s/^$2 //p" "$1/guest.out" | head -n 1; }

guest_netstat_value() {
    sed -n 's/^netstat //p' "$1/guest.out" | awk -v name="$2" '
        NR == 1 { for (i = 2; i <= NF; i++) if ($i == name) column = i }
        NR == 2 && column { print $column }'
}
