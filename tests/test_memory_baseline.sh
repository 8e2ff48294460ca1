#!/usr/bin/env bash
# After 1000 fork/exec/exit/wait cycles and 100 threads (t_stress), and file
# mappings shared, private, truncated and inherited across fork (t_mmap_file),
# the kernel's free-page count is back where it was: nothing leaked.  The
# first round warms up what legitimately stays allocated (kmalloc slabs in
# use by long-lived objects); the second must not move the count.
set -uo pipefail
cd "$(dirname "$0")/.."
output=$(tools/guestrun --timeout 600 --add build/user/tests/t_stress \
    --add build/user/tests/t_mmap_file -- sh -c '
    workload() { t_stress >/dev/null && t_mmap_file >/dev/null; }
    workload || exit 1
    before=$(grep MemFree /proc/meminfo)
    workload || exit 1
    after=$(grep MemFree /proc/meminfo)
    echo "$before"; echo "$after"
    [ "$before" = "$after" ]')
status=$?
echo "$output"
[ $status -eq 0 ] && echo "ok - free memory is back to its baseline" ||
    echo "not ok - free memory changed across t_stress and t_mmap_file (status $status)"
exit $status
