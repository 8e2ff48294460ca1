#!/usr/bin/python3
"""syscall_fuzz_compare: the errnos of syscall_fuzz on Strata against Linux 6.1's.

usage: syscall_fuzz_compare.py STRATA_OUTPUT LINUX_OUTPUT

Both outputs come from the same seed and count (user/stress/syscall_fuzz.c).
Prints one line per errno Strata gave that Linux 6.1 never gave in its run:
for the call (`# CALL: Strata ERRNO, Linux never in this run`) and, which
is asserted, for the whole run (`not ok - ERRNO ...`).  Random arguments
meet different states on the two kernels (a pool fd another thread closed
a moment earlier), so the per-call lines are a list to read, not a verdict;
an errno Linux gives to no call at all in the same run is one Strata should
not give either.  Exit status 1 if there is one.
"""
import re
import sys


def errnos(path):
    calls = {}
    for line in open(path, errors="replace"):
        m = re.match(r"call (\S+) calls \d+ ok \d+ errnos(.*)$", line)
        if m:
            calls[m.group(1)] = {e.split("=")[0] for e in m.group(2).split()}
    return calls


strata, linux = errnos(sys.argv[1]), errnos(sys.argv[2])
if not strata or not linux:
    print("not ok - both runs printed their tables")
    sys.exit(1)
linux_all = set().union(*linux.values())
strata_all = set().union(*strata.values())
for call in sorted(strata):
    extra = sorted(strata[call] - linux.get(call, set()))
    if extra:
        print(f"# {call}: Strata {' '.join(extra)}, Linux never in this run")
failed = sorted(strata_all - linux_all)
for name in failed:
    print(f"not ok - {name}: Linux 6.1 gave it to no call in the same run")
if not failed:
    print(f"ok - every errno Strata gave ({len(strata_all)}) is one Linux 6.1 gave in the same run ({len(linux_all)})")
sys.exit(1 if failed else 0)
