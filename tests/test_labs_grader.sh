#!/usr/bin/env bash
# The lab grader's outputs in the cases a lab's own tests never reach
# (labs/README.md, "How grading works"):
#   - a handout that does not build: score 0, every test failed with "not
#     run", the compiler's error in results.json's output, junit.xml with
#     every test a failure;
#   - a test past its bound: failed, "no answer after N s", and the test's
#     process group stopped;
#   - TEST=NAME grades one test; an unknown lab or test is a usage error
#     (status 2) that lists what there is;
#   - results.json follows Gradescope's schema and junit.xml is well formed.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/tap.sh
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

labs/handout sniffer "$scratch/handout" >/dev/null
cp -a build "$scratch/handout/build"
rm -rf "$scratch/handout/build/grade"
echo "this is not C" >>"$scratch/handout/user/sniff/capture.c"
(cd "$scratch/handout" && labs/grade sniffer) >"$scratch/broken.out" 2>&1
check "a handout that does not build is graded: Score: 0/100, and a report" \
    grep -qx "Score: 0/100  (report: build/grade/sniffer/report.html)" "$scratch/broken.out"
check "whose report says the build failed" \
    grep -q "The build failed, so no test ran" "$scratch/handout/build/grade/sniffer/report.html"
/usr/bin/python3 - "$scratch/handout/build/grade/sniffer" >"$scratch/broken.check" 2>&1 <<'PYTHON'
import json, sys
import xml.etree.ElementTree as ElementTree
folder = sys.argv[1]
results = json.load(open(folder + "/results.json"))
assert results["score"] == 0, results["score"]
assert "capture.c" in results["output"] and "error" in results["output"], results["output"]
assert all(t["status"] == "failed" and "not run: the build failed" in t["output"]
           for t in results["tests"]), results["tests"]
suite = ElementTree.parse(folder + "/junit.xml").getroot().find("testsuite")
assert suite.get("failures") == suite.get("tests") == str(len(results["tests"])), suite.attrib
PYTHON
check "its results.json has score 0, the compiler's error, every test failed; junit.xml agrees" \
    test ! -s "$scratch/broken.check"
cat "$scratch/broken.check"

labs/grade sniffer test_pcap_record >"$scratch/one.out" 2>&1
points=$(awk '$3 == "test_pcap_record" {print $1}' labs/01-sniffer/tests.txt)
check "TEST=NAME grades that test alone" grep -q "^Score: $points/$points  (report: " "$scratch/one.out"
/usr/bin/python3 - build/grade/sniffer >"$scratch/schema.check" 2>&1 <<'PYTHON'
import json, sys
import xml.etree.ElementTree as ElementTree
results = json.load(open(sys.argv[1] + "/results.json"))
assert isinstance(results["score"], (int, float)) and isinstance(results["execution_time"], (int, float))
assert isinstance(results["output"], str) and len(results["tests"]) == 1
for test in results["tests"]:
    assert set(test) == {"name", "score", "max_score", "status", "output", "visibility"}, test
    assert test["status"] in ("passed", "failed") and test["visibility"] in (
        "hidden", "after_due_date", "after_published", "visible"), test
ElementTree.parse(sys.argv[1] + "/junit.xml")
PYTHON
check "results.json has Gradescope's fields and values; junit.xml parses" test ! -s "$scratch/schema.check"
cat "$scratch/schema.check"

labs/grade sniffer no_such_test >"$scratch/usage.out" 2>&1
check "an unknown test is a usage error" test $? -eq 2
check "which lists the lab's tests" grep -q "test_pcap_record" "$scratch/usage.out"
labs/grade no_such_lab >"$scratch/usage.out" 2>&1
check "an unknown lab is a usage error listing the labs" \
    grep -q "the labs are: .*sniffer" "$scratch/usage.out"

/usr/bin/python3 - >"$scratch/bound.check" 2>&1 <<'PYTHON'
import importlib.machinery, subprocess, time
grade = importlib.machinery.SourceFileLoader("grade", "labs/grade").load_module()
started = time.monotonic()
status, output = grade.run_bounded(["bash", "-c", "sleep 61 & wait"], 1, "/dev/null")
assert status is None, status
assert time.monotonic() - started < 10, "the bound did not stop it"
assert subprocess.run(["pgrep", "-f", "sleep 61"]).returncode == 1, "the group was not stopped"
PYTHON
check "a test past its bound is stopped, its process group with it" test ! -s "$scratch/bound.check"
cat "$scratch/bound.check"
checks_summary
