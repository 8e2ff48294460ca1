#!/usr/bin/env bash
# docs/syscalls.md, the list of Linux 6.1's aarch64 system calls that Strata
# answers with ENOSYS, matches the kernel's own table (tools/syscall-list),
# and the kernel in the guest does answer ENOSYS to every number listed there
# and not to a call it implements.
set -uo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check STATUS DESCRIPTION
    if [ "$1" -eq 0 ]; then echo "ok - $2"; else echo "not ok - $2"; failures=$((failures + 1)); fi
}

tools/syscall-list --check
check $? "docs/syscalls.md is what tools/syscall-list writes from build/kernel/strata.elf"

# Call each number with zero arguments and print those that do not fail
# with ENOSYS; getpid (172) is first, as the control that must not.
cat >"$work/enosys.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        long number = strtol(argv[i], NULL, 10);
        errno = 0;
        long result = syscall(number, 0, 0, 0, 0, 0, 0);
        if (result != -1 || errno != ENOSYS)
            printf("%ld\n", number);
    }
    return 0;
}
C
aarch64-linux-gnu-gcc -static -O2 -Wall -Werror -o "$work/enosys" "$work/enosys.c" || exit 1
listed=$(sed -n 's/^| \([0-9]*\) | `.*` |$/\1/p' docs/syscalls.md)
count=$(echo "$listed" | wc -w)
answered=$(tools/guestrun --add "$work/enosys" -- enosys 172 $listed)
check $? "the guest program ran"
[ "$(echo $answered)" == "172" ]
check $? "all $count numbers listed answer ENOSYS in the guest, getpid does not (not ENOSYS: $(echo $answered))"
echo "# $failures failed"
[ $failures -eq 0 ]
