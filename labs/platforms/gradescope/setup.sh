#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image
# (Ubuntu 22.04), with the autograder's zip unpacked in /autograder/source
# (labs/README.md, "Gradescope").  It installs what grading needs, fetches
# what the build takes from Debian, and builds the lab's tree, so that
# grading a submission needs no internet and rebuilds only the student's
# files.
set -euo pipefail
cd /autograder/source/strata
# An unzip that drops file modes would leave the scripts unrunnable.
find . -type f -print0 | while IFS= read -r -d '' file; do
    if head -c 2 "$file" | grep -q '^#!'; then
        chmod +x "$file"
    fi
done
chmod +x /autograder/source/run_autograder
labs/platforms/install-ubuntu
labs/platforms/build-for-grading
