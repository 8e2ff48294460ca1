#!/usr/bin/env bash
# Gradescope's autograder, GitHub Classroom's results and hidden tests, end
# to end on lab eth, whose two hidden fixtures exercise the hidden tests
# (labs/README.md, "Gradescope", "GitHub Classroom", "Hidden tests"):
#   - `make autograder LAB=eth` writes a zip with setup.sh and run_autograder
#     at its root and the handout's tree: the student's files are the
#     handout's, never the reference's, and the hidden tests are in it;
#   - in a private mount namespace, /autograder is laid out as Gradescope
#     lays it out, the zip unpacked in /autograder/source, and the tree is
#     built by setup.sh's build step (labs/platforms/build-for-grading);
#     run_autograder then grades the handout's whole repository (a
#     tests.txt edited in it is ignored): score 0, every test failed; the
#     reference's files under one top-level folder: 100, every test passed;
#     a file that does not build, an empty submission, a missing file:
#     score 0 with a message; results.json always, in Gradescope's schema,
#     the hidden tests' visibility after_due_date;
#   - tests.txt refuses `hidden` on a unit test;
#   - a submission found at its paths, under one folder, in a zip file, by
#     file name alone; empty and missing files are refused;
#   - classroom.json: the reporter's schema, each test's score equal to
#     results.json's, small enough for an environment variable; the
#     workflow parses as YAML and names its actions at a major version.
# Not exercised here: setup.sh's installation (labs/platforms/install-ubuntu:
# apt on Ubuntu, the Debian downloads); this tree's build, copied into the
# autograder's, stands for it.  /autograder is created empty on the host as
# the mount point and left there: removing it would unmount it from a
# concurrent run's namespace.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/tap.sh
if [ "$(id -u)" != 0 ]; then
    echo "# SKIP mounting over /autograder needs root"
    exit 77
fi
if ! unshare -m true 2>/dev/null; then
    echo "# SKIP this machine gives no mount namespace (unshare -m)"
    exit 77
fi
ROOT=$(pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

labs/autograder eth >"$scratch/autograder.out" 2>&1
check "make autograder LAB=eth writes build/autograder/eth.zip" test -s build/autograder/eth.zip
labs/handout eth "$scratch/handout" >/dev/null

/usr/bin/python3 - build/autograder/eth.zip "$scratch/handout" >"$scratch/zip.check" 2>&1 <<'PYTHON'
import os, sys, zipfile
archive, handout = zipfile.ZipFile(sys.argv[1]), sys.argv[2]
names = set(archive.namelist())
assert {"setup.sh", "run_autograder"} <= names, "not at the root"
assert all(name in ("setup.sh", "run_autograder") or name.startswith("strata/") for name in names)
assert archive.getinfo("run_autograder").external_attr >> 16 & 0o111, "run_autograder not executable"
students = archive.read("strata/labs/student-files").decode().split()
assert students == ["eth/input.c", "eth/output.c"], students
for path in students:
    with open(os.path.join(handout, path), "rb") as handed:
        assert archive.read("strata/" + path) == handed.read(), path + " is not the handout's"
reference_marker = ("LAB(eth) " + "BEGIN").encode()
for name in names:
    if name.endswith((".c", ".h")):
        assert reference_marker not in archive.read(name), name + " holds the reference"
sys.path.insert(0, "labs/lib")
import lab as labs
hidden = [test.name for test in labs.find_lab("eth").tests if test.hidden]
assert len(hidden) == 2, hidden
assert archive.read("strata/labs/02-eth/tests.txt") == open("labs/02-eth/tests.txt", "rb").read()
for test in hidden:
    assert "strata/pcap_tests/fixtures/%s.py" % test in names, test
    assert not os.path.exists(os.path.join(handout, "pcap_tests/fixtures/%s.py" % test))
assert (archive.read("strata/.github/workflows/classroom.yml")
        == open("labs/platforms/classroom.yml", "rb").read())
PYTHON
check "the zip: setup.sh and run_autograder at its root, the handout's eth/input.c and eth/output.c (no reference), the 2 hidden fixtures" \
    test ! -s "$scratch/zip.check"
cat "$scratch/zip.check"

/usr/bin/python3 - "$scratch" >"$scratch/refused.check" 2>&1 <<'PYTHON'
import os, sys
sys.path.insert(0, "labs/lib")
import lab as labs
listing = os.path.join(sys.argv[1], "tests.txt")
with open(listing, "w") as out:
    out.write("hidden 5  unit    test_eth_output_builds_header  tests/host/test_eth.c\n")
try:
    labs.read_tests(listing)
    raise AssertionError("a hidden unit test was taken")
except labs.LabError as error:
    assert "only a fixture can be hidden" in str(error), error
PYTHON
check "tests.txt refuses a hidden unit test: only a fixture can be hidden" test ! -s "$scratch/refused.check"
cat "$scratch/refused.check"

# The submissions.
mkdir -p "$scratch/submissions"/{handout,reference/strata-eth-main/eth,broken/eth,empty,missing/eth}
cp -a "$scratch/handout/." "$scratch/submissions/handout/"
grep -m1 "^[0-9]" labs/02-eth/tests.txt >"$scratch/submissions/handout/labs/02-eth/tests.txt"
cp eth/input.c eth/output.c "$scratch/submissions/reference/strata-eth-main/eth/"
cp "$scratch/handout/eth/output.c" "$scratch/submissions/broken/eth/"
{ cat "$scratch/handout/eth/input.c"; echo "this is not C"; } >"$scratch/submissions/broken/eth/input.c"
cp "$scratch/handout/eth/input.c" "$scratch/submissions/missing/eth/"

# Gradescope's layout, in a mount namespace of our own.
mkdir -p /autograder "$scratch/autograder"/{source,results} "$scratch/results"
/usr/bin/python3 - build/autograder/eth.zip "$scratch/autograder/source" <<'PYTHON'
# Unpacks as Info-ZIP's unzip does: file modes and modification times kept.
import os, sys, time, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    for entry in archive.infolist():
        path = archive.extract(entry, sys.argv[2])
        os.chmod(path, entry.external_attr >> 16 & 0o7777)
        stamp = time.mktime(entry.date_time + (0, 0, -1))
        os.utime(path, (stamp, stamp))
PYTHON
mkdir "$scratch/autograder/source/strata/build"
tar -C build --exclude=./grade --exclude=./test-results --exclude=./linux --exclude=./dl \
    --exclude=./autograder --exclude=./pcap_tests/strata --exclude=./pcap_tests/linux -cf - . |
    tar -C "$scratch/autograder/source/strata/build" -xf -

cat >"$scratch/in-namespace.sh" <<'SCRIPT'
set -u
scratch=$1
mount --make-rprivate /
mount --bind "$scratch/autograder" /autograder
cd /autograder
started=$(date +%s)
/autograder/source/strata/labs/platforms/build-for-grading >"$scratch/build.out" 2>&1
echo $? >"$scratch/build.status"
echo $(( $(date +%s) - started )) >"$scratch/build.seconds"
for case in handout reference broken empty missing; do
    rm -rf /autograder/submission /autograder/results
    mkdir -p /autograder/results
    cp -a "$scratch/submissions/$case" /autograder/submission
    started=$(date +%s)
    /autograder/source/run_autograder >"$scratch/results/$case.out" 2>&1
    echo $(( $(date +%s) - started )) >"$scratch/results/$case.seconds"
    cp /autograder/results/results.json "$scratch/results/$case.json" 2>/dev/null
    cp /autograder/source/strata/build/grade/eth/classroom.json "$scratch/results/$case.classroom.json" \
        2>/dev/null
    rm -rf /autograder/source/strata/build/grade
done
SCRIPT
unshare -m bash "$scratch/in-namespace.sh" "$scratch"
check "setup.sh's build step builds the autograder's tree (in $(cat "$scratch/build.seconds") s)" \
    test "$(cat "$scratch/build.status")" = 0
cat "$scratch/build.out"

/usr/bin/python3 - "$scratch/results" >"$scratch/results.check" 2>&1 <<'PYTHON'
import json, os, sys
folder = sys.argv[1]
def results(case):
    document = json.load(open(os.path.join(folder, case + ".json")))
    assert isinstance(document["score"], (int, float)) and isinstance(document["output"], str)
    for test in document["tests"]:
        assert set(test) == {"name", "score", "max_score", "status", "output", "visibility"}, test
        assert test["status"] in ("passed", "failed") and test["visibility"] in (
            "hidden", "after_due_date", "after_published", "visible"), test
    return document
sys.path.insert(0, "labs/lib")
import lab as labs
hidden = {test.name for test in labs.find_lab("eth").tests if test.hidden}
handout, reference = results("handout"), results("reference")
for document, score, status in ((handout, 0, "failed"), (reference, 100, "passed")):
    assert document["score"] == score, (document["score"], document["output"][-300:])
    assert len(document["tests"]) == 17, len(document["tests"])
    assert all(test["status"] == status for test in document["tests"]), [
        test["name"] for test in document["tests"] if test["status"] != status]
    assert {test["name"] for test in document["tests"] if test["visibility"] == "after_due_date"} == hidden
    assert all(test["visibility"] == "visible" for test in document["tests"] if test["name"] not in hidden)
assert "Graded your eth/input.c, eth/output.c" in reference["output"], reference["output"]
print("# handout %d/100, reference %d/100" % (handout["score"], reference["score"]))
PYTHON
check "run_autograder: the handout's repository scores 0 on each of the 17 tests (its edited tests.txt ignored), the reference's files under one folder 100; 2 tests after_due_date; Gradescope's schema (in $(cat "$scratch/results/handout.seconds") s and $(cat "$scratch/results/reference.seconds") s)" \
    grep -q "^# handout 0/100, reference 100/100" "$scratch/results.check"
cat "$scratch/results.check"

/usr/bin/python3 - "$scratch/results" >"$scratch/failures.check" 2>&1 <<'PYTHON'
import json, os, sys
folder = sys.argv[1]
def results(case):
    return json.load(open(os.path.join(folder, case + ".json")))
broken = results("broken")
assert broken["score"] == 0 and "input.c" in broken["output"] and "error" in broken["output"], broken
assert broken["output"].count("The build failed") == 1, broken["output"]
empty, missing = results("empty"), results("missing")
assert empty["score"] == 0 and empty["output"].startswith("The submission is empty."), empty
assert missing["score"] == 0 and missing["output"].startswith("The submission has no eth/output.c."), missing
assert "at their paths in the repository: eth/input.c, eth/output.c" in missing["output"], missing
PYTHON
check "a submission that does not build scores 0 with the compiler's error; an empty one and one without eth/output.c score 0 and say what to submit" \
    test ! -s "$scratch/failures.check"
cat "$scratch/failures.check"

/usr/bin/python3 - "$scratch" >"$scratch/locate.check" 2>&1 <<'PYTHON'
import os, sys, zipfile
sys.path.insert(0, "labs/lib")
import gradescope
scratch = sys.argv[1]
wanted = ["eth/input.c", "eth/output.c"]
def submission(name, files):
    top = os.path.join(scratch, "locate", name)
    for path, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(top, path)), exist_ok=True)
        with open(os.path.join(top, path), "w") as out:
            out.write(text)
    return top
def located(top):
    unpacked = os.path.join(scratch, "unpacked-" + os.path.basename(top))
    os.makedirs(unpacked)
    found, notes = gradescope.locate(top, wanted, unpacked)
    return {path: open(found[path]).read() for path in wanted}, notes
both = {"eth/input.c": "in", "eth/output.c": "out"}
assert located(submission("paths", both))[0] == both
assert located(submission("folder", {"repo/" + p: t for p, t in both.items()}))[0] == both
flat, notes = located(submission("flat", {"input.c": "in", "output.c": "out", "README.md": "x"}))
assert flat == both and len(notes) == 2 and "the only file named input.c" in notes[0], notes
archive = submission("zip", {})
os.makedirs(archive)
with zipfile.ZipFile(os.path.join(archive, "strata-main.zip"), "w") as out:
    for path, text in both.items():
        out.writestr("strata-main/" + path, text)
assert located(archive)[0] == both
for name, files, message in (("none", {}, "The submission is empty."),
                             ("short", {"eth/input.c": "in"}, "The submission has no eth/output.c."),
                             ("blank", {"eth/input.c": "in", "eth/output.c": ""},
                              "In the submission, eth/output.c is empty.")):
    try:
        os.makedirs(os.path.join(scratch, "locate", name), exist_ok=True)
        located(submission(name, files))
        raise AssertionError(name + " was taken")
    except gradescope.SubmissionError as error:
        assert str(error) == message, (name, str(error))
PYTHON
check "a submission is found at its paths, under one folder, in a zip file, by file name alone; empty ones and missing or empty files are refused" \
    test ! -s "$scratch/locate.check"
cat "$scratch/locate.check"

/usr/bin/python3 - "$scratch/results" >"$scratch/classroom.check" 2>&1 <<'PYTHON'
import base64, json, os, sys
folder = sys.argv[1]
for case in ("handout", "reference", "broken"):
    results = json.load(open(os.path.join(folder, case + ".json")))
    classroom = json.load(open(os.path.join(folder, case + ".classroom.json")))
    assert set(classroom) == {"version", "status", "max_score", "tests"} and classroom["version"] == 1
    assert classroom["status"] == {"handout": "fail", "reference": "pass", "broken": "error"}[case]
    assert classroom["max_score"] == sum(test["max_score"] for test in results["tests"]) == 100
    assert [(t["name"], t["score"]) for t in classroom["tests"]] == [
        (t["name"], t["score"]) for t in results["tests"]], case
    for test in classroom["tests"]:
        assert set(test) == {"name", "status", "score", "message", "test_code", "filename", "line_no",
                             "duration"}, test
        assert test["status"] == ("pass" if test["score"] else "fail") and isinstance(test["duration"], int)
    assert sum(t["score"] for t in classroom["tests"]) == results["score"]
    encoded = base64.b64encode(json.dumps(classroom).encode())
    assert len(encoded) < 128 * 1024, "%d bytes: too long for an environment variable" % len(encoded)
PYTHON
check "classroom.json: the reporter's schema, each test's score and the total equal results.json's, under 128 KiB in base64" \
    test ! -s "$scratch/classroom.check"
cat "$scratch/classroom.check"

if /usr/bin/python3 -c "import yaml" 2>/dev/null; then
    /usr/bin/python3 - labs/platforms/classroom.yml >"$scratch/workflow.check" 2>&1 <<'PYTHON'
import re, sys, yaml
workflow = yaml.safe_load(open(sys.argv[1]))
assert workflow["name"] == "Autograding Tests" and "push" in workflow["on"], workflow
steps = workflow["jobs"]["run-autograding-tests"]["steps"]
uses = [step["uses"] for step in steps if "uses" in step]
assert all(re.fullmatch(r"[\w-]+/[\w-]+@v\d+", action) for action in uses), uses
assert "classroom-resources/autograding-grading-reporter@v1" in uses, uses
reporter = [step for step in steps if step.get("uses", "").endswith("grading-reporter@v1")][0]
runners = reporter["with"]["runners"].split(",")
grader_ids = {step.get("id") for step in steps}
for runner in runners:
    assert runner in grader_ids, runner
    assert reporter["env"][runner.upper() + "_RESULTS"] == "${{ steps.%s.outputs.result }}" % runner
grade = [step for step in steps if step.get("id") == runners[0]][0]["run"]
assert "make grade" in grade and "classroom.json" in grade and "GITHUB_OUTPUT" in grade, grade
PYTHON
    check "the Classroom workflow parses as YAML, names its actions at a major version, hands classroom.json to the reporter" \
        test ! -s "$scratch/workflow.check"
    cat "$scratch/workflow.check"
else
    skip_rest "the workflow's YAML check: python3-yaml is not installed"
fi
checks_summary
