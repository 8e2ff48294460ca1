#!/usr/bin/env bash
# The labs (labs/README.md, "Checking the labs"): for every lab, its listing
# and README agree, two handouts are the same commit, no line of the lab's
# reference regions survives in its handout, the handout builds, every
# graded test fails on the handout and passes on the reference, the
# reference graded twice gives the same verdicts, and every mutant is
# caught (make lab-check).
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -f labs/handout-lab ]; then
    echo "# SKIP a handout has no reference to check the labs against"
    exit 77
fi
make -s lab-check LAB=
