#!/usr/bin/env bash
# The pipe-size checks that need the superuser (user/tests/t_pipe_size.c,
# run as "t_pipe_size privileged"): F_SETPIPE_SZ above pipe-max-size, and
# writes to /proc/sys/fs/pipe-max-size and pipe-user-pages-soft.  The
# qemu-user oracle cannot record them: its host kernel withholds
# CAP_SYS_RESOURCE here (F_SETPIPE_SZ then answers EPERM), and its /proc/sys
# is the host's own.  So the program runs on Strata (tools/guestrun) and on
# Linux 6.1 booted on the same QEMU (tools/linuxrun), and both outputs must
# be the same and all "ok".
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/pipe_size_privileged
mkdir -p "$out"
make -s -f user/tests/Makefile.inc build/user/tests/t_pipe_size || exit 1
failed=0
for runner in guestrun linuxrun; do
    status=0
    tools/$runner --mem 512M --timeout 120 --add build/user/tests/t_pipe_size:/t_pipe_size -- \
        /t_pipe_size privileged >"$out/$runner.out" 2>"$out/$runner.err" || status=$?
    if [ $status -ne 0 ] || grep -q '^not ok' "$out/$runner.out"; then
        echo "not ok - $runner: t_pipe_size privileged (status $status)"
        sed 's/^/  /' "$out/$runner.out" "$out/$runner.err" | head -20
        failed=1
    else
        echo "ok - $runner: t_pipe_size privileged"
    fi
done
if cmp -s "$out/guestrun.out" "$out/linuxrun.out"; then
    echo "ok - Strata's output is Linux's"
else
    echo "not ok - Strata's output differs from Linux's:"
    diff "$out/linuxrun.out" "$out/guestrun.out" | sed 's/^/  /'
    failed=1
fi
exit $failed
