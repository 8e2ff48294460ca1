#!/usr/bin/env bash
# The labs (labs/README.md): for every lab, its listing and README agree, two
# handouts are the same commit, no line of the lab's reference regions
# survives in its handout, the handout builds, every graded test fails on
# the handout and passes on the reference (labs/check).
set -uo pipefail
cd "$(dirname "$0")/.."
labs/check
