#!/usr/bin/env bash
# Guest test checks that qemu-user 7.2, the recorded oracle, cannot judge:
# each program mode below runs in Strata (tools/guestrun) and in Linux 6.1
# booted on the same QEMU (tools/linuxrun); each run must pass every check
# and the two outputs must be identical.
#   t_epoll pwait2                   epoll_pwait2: qemu-user answers ENOSYS
#   t_socket_udp recvmmsg-timeout    recvmmsg: qemu-user ignores the timeout
#                                    and keeps no error for the next call
#   t_mem types-and-advice           madvise: qemu-user accepts unknown advice;
#                                    mmap: it accepts anonymous types 5, 6, 9,
#                                    10, 13, 14 and refuses a file's
#                                    MAP_SHARED_VALIDATE
#   t_fd select-high                 pselect6 on descriptor 4095: qemu-user
#                                    aborts past FD_SETSIZE
#   t_socket_unix garbage            AF_UNIX sockets in flight collected: the
#                                    host kernel under qemu-user is not 6.1
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/linux_only_modes
mkdir -p "$out"
modes=("t_epoll pwait2" "t_socket_udp recvmmsg-timeout" "t_mem types-and-advice" "t_fd select-high"
       "t_socket_unix garbage")
failed=0
for mode in "${modes[@]}"; do
    read -r program argument <<<"$mode"
    [ -x "build/user/tests/$program" ] || make -s -f user/tests/Makefile.inc user-tests >/dev/null
    name="$program.$argument"
    for runner in guestrun linuxrun; do
        # linuxrun's Linux starts with lo down; Strata's loopback is always up.
        command=($mode)
        [ $runner = linuxrun ] && command=(sh -c "ifconfig lo 127.0.0.1 up && exec $mode")
        tools/$runner --mem 512M --timeout 120 --add "build/user/tests/$program" -- "${command[@]}" \
            >"$out/$name.$runner.out" 2>"$out/$name.$runner.err"
        status=$?
        if [ $status -eq 0 ] && grep -q ' 0 failed$' "$out/$name.$runner.out"; then
            echo "ok - $runner: $mode passes"
        else
            echo "not ok - $runner: $mode (status $status):"
            grep -v '^ok ' "$out/$name.$runner.out" | sed 's/^/  /'
            failed=1
        fi
    done
    if cmp -s "$out/$name.guestrun.out" "$out/$name.linuxrun.out"; then
        echo "ok - $mode: Strata's output is identical to Linux's"
    else
        echo "not ok - $mode: Strata's output differs from Linux's:"
        diff "$out/$name.linuxrun.out" "$out/$name.guestrun.out" | sed 's/^/  /'
        failed=1
    fi
done
exit $failed
