#!/usr/bin/env bash
# AF_UNIX control data cut to a short msg_controllen (put_cmsg and
# scm_detach_fds in Linux): tests/unix_control_truncation.c runs in Strata
# and in Linux 6.1 (tools/linuxrun); both must print Linux's lines below
# (recorded from tools/linuxrun).  qemu-user, the usual oracle, gives the
# host kernel twice the room and so never truncates; that is why this is a
# host test and not part of t_socket_unix.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/strata_and_linux.sh
out=build/test-results/unix_control_truncation
mkdir -p "$out" build/tests
program=build/tests/unix_control_truncation
aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$program" tests/unix_control_truncation.c || exit 1
cat >"$out/expected" <<'LINES'
3 fds, room CMSG_SPACE(4): 1 controllen 24 MSG_CTRUNC first cmsg_len 24 SCM_RIGHTS installed 2
1 fd, room for a header: 1 controllen 0 MSG_CTRUNC installed 0
2 fds, room CMSG_LEN(4): 1 controllen 20 MSG_CTRUNC first cmsg_len 20 SCM_RIGHTS installed 1
credentials, room header + 4: 1 controllen 20 MSG_CTRUNC first cmsg_len 20 SCM_CREDENTIALS installed 0
credentials, room 8: 1 controllen 0 MSG_CTRUNC installed 0
credentials and 2 fds, room for both: 1 controllen 56 first cmsg_len 28 SCM_CREDENTIALS installed 2
credentials and 1 fd, room CMSG_SPACE(12) + 10: 1 controllen 32 MSG_CTRUNC first cmsg_len 28 SCM_CREDENTIALS installed 0
LINES
on_strata_and_linux "$out" "control data cut as Linux cuts it" --add "$program:/bin/unix_control_truncation" -- unix_control_truncation
