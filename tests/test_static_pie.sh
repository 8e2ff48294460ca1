#!/usr/bin/env bash
# A static-pie executable (ET_DYN, relocated by its own start-up code) runs
# as on Linux: same output and exit status as under qemu-aarch64.
set -uo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/pie.c" <<'C'
#include <stdio.h>
#include <string.h>
static const char *table[] = { "relocated", "pointers", "work" };  /* needs R_AARCH64_RELATIVE */
int main(int argc, char **argv)
{
    for (int i = 0; i < 3; i++)
        printf("%s%c", table[i], i == 2 ? '\n' : ' ');
    printf("argc=%d last=%s\n", argc, argv[argc - 1]);
    return 3;
}
C
aarch64-linux-gnu-gcc -static-pie -O2 -o "$work/pie" "$work/pie.c" || exit 1
file "$work/pie" | grep -q "static-pie linked" || { echo "not ok - not a static-pie"; exit 1; }
linux=$(qemu-aarch64 "$work/pie" one two); linux_status=$?
strata=$(tools/guestrun --add "$work/pie" -- pie one two); strata_status=$?
failures=0
[ "$linux" == "$strata" ] && echo "ok - output as on Linux" || { echo "not ok - output [$strata] vs Linux [$linux]"; failures=1; }
[ $linux_status -eq $strata_status ] && echo "ok - exit status as on Linux ($linux_status)" ||
    { echo "not ok - status $strata_status vs Linux $linux_status"; failures=1; }
exit $failures
