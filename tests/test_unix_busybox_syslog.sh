#!/usr/bin/env bash
# busybox syslogd and logger over AF_UNIX: syslogd binds /dev/log (a
# SOCK_DGRAM socket inode), logger connects to it and sends; the messages
# land in syslogd's file, and /proc/net/unix shows the socket (Protocol,
# Flags, Type, St and Path; the address, reference count and inode number
# differ between kernels).  The same commands run in Strata and in Linux 6.1
# (tools/linuxrun); both must print Linux's lines below.  The guest tests'
# oracle (qemu-user) cannot run this: it would bind the host's /dev/log.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/strata_and_linux.sh
out=build/test-results/unix_busybox_syslog
mkdir -p "$out"
cat >"$out/expected" <<'LINES'
srw-rw-rw- /dev/log
syslog.info syslogd started: BusyBox v1.35.0
user.notice demo: hello over /dev/log
user.err demo: second
Num RefCount Protocol Flags Type St Inode Path
00000000 00000000 0002 03 /dev/log
LINES
commands='
syslogd -n -O /tmp/messages &
i=0; while [ ! -S /dev/log ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ls -l /dev/log | awk "{ print \$1, \$NF }"
logger -t demo "hello over /dev/log"
logger -p user.err -t demo second
i=0; while [ "$(wc -l < /tmp/messages)" -lt 3 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
sed "s/^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* [^ ]* //" /tmp/messages
awk "NR == 1 { \$1 = \$1; print } NR > 1 { print \$3, \$4, \$5, \$6, \$8 }" /proc/net/unix
kill %1
'
on_strata_and_linux "$out" "syslogd and logger over /dev/log, /proc/net/unix's row" -- sh -c "$commands"
