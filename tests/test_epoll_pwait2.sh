#!/usr/bin/env bash
# epoll_pwait2(2), which qemu-user 7.2 (the recorded oracle) answers with
# ENOSYS: "t_epoll pwait2" runs its checks in Strata (tools/guestrun) and in
# Linux 6.1 booted on the same QEMU (tools/linuxrun); each run must pass
# every check and the two outputs must be identical.
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/epoll_pwait2
mkdir -p "$out"
[ -x build/user/tests/t_epoll ] || make -s -f user/tests/Makefile.inc user-tests >/dev/null
failed=0
for runner in guestrun linuxrun; do
    tools/$runner --mem 512M --timeout 120 --add build/user/tests/t_epoll -- t_epoll pwait2 \
        >"$out/$runner.out" 2>"$out/$runner.err"
    status=$?
    if [ $status -eq 0 ] && grep -q ' 0 failed$' "$out/$runner.out"; then
        echo "ok - $runner: t_epoll pwait2 passes"
    else
        echo "not ok - $runner: t_epoll pwait2 (status $status):"
        grep -v '^ok ' "$out/$runner.out" | sed 's/^/  /'
        failed=1
    fi
done
if ! cmp -s "$out/guestrun.out" "$out/linuxrun.out"; then
    echo "not ok - Strata's output differs from Linux's:"
    diff "$out/linuxrun.out" "$out/guestrun.out" | sed 's/^/  /'
    failed=1
else
    echo "ok - Strata's output is identical to Linux's"
fi
exit $failed
