#!/usr/bin/env bash
# What a process sees of itself in /proc, on Strata and on Linux 6.1 booted on
# the same QEMU (tools/linuxrun), the oracle: tests/proc_self.c run by one
# guest script must print the same lines on both.  qemu-user, the oracle of
# the t_*.c tests, cannot be used here: it makes up /proc/self/exe and
# /proc/self/maps itself and shows the host's O_* values in fdinfo.
#
# Covered: /proc/self/exe, /proc/PID/exe, AT_EXECFN, argv and comm for a
# program started by a relative path (glibc's _dl_get_origin asserts that
# /proc/self/exe is absolute), an absolute one, one through "..", a symlink,
# a relative symlink, a #! script, with LD_LIBRARY_PATH=$ORIGIN, and after
# the executable is unlinked; a zombie's exe; /proc/self/fd and fdinfo for
# pipes, a socket, an epoll, files, a directory, /dev/null, O_PATH and an
# unlinked file, and opening them again through /proc/self/fd (magic links:
# the pipe and the unlinked file open, the socket and the epoll answer
# ENXIO); /proc/self/maps (format and facts, not addresses);
# /proc/sys/kernel/tainted.  Some lines that must be there are also checked
# by name, so that the two kernels cannot agree on a wrong answer unseen.
set -uo pipefail
cd "$(dirname "$0")/.."
out=build/test-results/proc_self
mkdir -p "$out" build/tests
aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o build/tests/proc_self tests/proc_self.c ||
    exit 1
cat >"$out/guest.sh" <<'SCRIPT'
echo "== relative path"; cd /bin && ./proc_self exe
echo "== absolute path"; /bin/proc_self exe
echo "== path through .."; cd /tmp && ../bin/proc_self exe
echo "== symlink"; ln -s /bin/proc_self /tmp/link; /tmp/link exe
echo "== relative symlink"; mkdir -p /tmp/d; ln -s ../../bin/proc_self /tmp/d/rel; cd /tmp/d && ./rel exe
echo "== script"; printf '#!/bin/proc_self exe\n' >/tmp/script; chmod +x /tmp/script; cd /tmp && ./script
echo "== LD_LIBRARY_PATH with \$ORIGIN (glibc reads /proc/self/exe)"
cd /bin && LD_LIBRARY_PATH='$ORIGIN/lib' ./proc_self exe | grep AT_EXECFN; echo "status $?"
echo "== deleted executable"; cp /bin/proc_self /tmp/copy; cd /tmp && ./copy exe-gone
echo "== descriptors"; proc_self fds
echo "== maps"; proc_self maps
echo "== tainted"; cat /proc/sys/kernel/tainted; echo 0 >/proc/sys/kernel/tainted && echo "takes 0"
SCRIPT
# Lines Linux 6.1 prints (checked there), each with how many times.
cat >"$out/expected-lines" <<'LINES'
6 /proc/self/exe /bin/proc_self
6 /proc/PID/exe /bin/proc_self
6 zombie's /proc/PID/exe error ENOENT
2 AT_EXECFN ./proc_self
1 AT_EXECFN ../bin/proc_self
1 AT_EXECFN ./rel
1 comm rel
1 argv[2] ./script
1 AT_EXECFN ./script
1 comm script
1 /proc/self/exe /tmp/copy (deleted)
1 open /proc/self/exe: opens, an ELF file: yes
1 /proc/self/fd: mode 40500 nlink 2
1 pipe's read end: pipe:[st_ino]
1 pipe's write end: pipe:[st_ino]
1 epoll (EPOLL_CLOEXEC): anon_inode:[eventpoll]
1   flags:	0402002
1   flags:	02400001
1 file opened by a relative path, at 2: /tmp/proc_self.file
1 after unlink: /tmp/proc_self.file (deleted)
2 lines as Linux's: yes
1 mapped file: r--p 00001000, the file's device and inode: yes, after its path: [ (deleted)]
1 open the pipe's read end: opens
1 open a pipe's read end when no writer is left: opens, reads end of file: yes
1 open the UDP socket: ENXIO
1 open the unlinked file: opens, reads [abc], is named /tmp/proc_self.file (deleted)
1 takes 0
LINES
failed=0
for runner in linuxrun guestrun; do
    status=0
    tools/$runner --timeout 120 --add build/tests/proc_self:/bin/proc_self \
        --add "$out/guest.sh:/guest.sh" -- sh /guest.sh >"$out/$runner.out" 2>"$out/$runner.err" ||
        status=$?
    if [ $status -ne 0 ]; then
        echo "not ok - $runner: the guest script ended with status $status"
        sed 's/^/  /' "$out/$runner.err"
        failed=1
    fi
    while IFS= read -r entry; do
        count=${entry%% *} line=${entry#* }
        got=$(grep -cxF -- "$line" "$out/$runner.out")
        if [ "$got" != "$count" ]; then
            echo "not ok - $runner: [$line] $got times, not $count"
            failed=1
        fi
    done <"$out/expected-lines"
done
if diff "$out/linuxrun.out" "$out/guestrun.out" >"$out/diff"; then
    echo "ok - Strata's /proc/self lines are Linux's ($(wc -l <"$out/guestrun.out") lines)"
else
    echo "not ok - Strata's /proc/self lines differ from Linux's (< Linux, > Strata):"
    sed 's/^/  /' "$out/diff"
    failed=1
fi
exit $failed
