"""Grading one Gradescope submission (the autograder's run_autograder;
labs/README.md, "Gradescope").

The autograder's tree is the lab's handout with its hidden tests, and
labs/student-files lists the files a student of the lab writes (those
holding the lab's LAB(...) regions).  Only those are taken from the
submission; everything else, the tests first, stays the tree's, so a
student cannot change how they are graded.  A submission is laid out as
the repository: its files at their paths, at the top or under one folder
(a zip of the repository), or as one zip file that holds that.  A file
found nowhere at its path but once by its name alone (a student who
dragged the files in) is taken too, and the output says so.

Whatever happens, results.json is written: the grader's, or score 0 with
a message that says what to submit.
"""
import json
import os
import shutil
import subprocess
import tempfile
import traceback
import zipfile

STUDENT_FILES = os.path.join("labs", "student-files")
IGNORED_ENTRIES = ("__MACOSX",)


class SubmissionError(Exception):
    """A submission that cannot be graded; the message is for the student."""


def student_files(tree):
    with open(os.path.join(tree, STUDENT_FILES)) as listing:
        return [line.strip() for line in listing if line.strip()]


def visible_entries(folder):
    return [entry for entry in sorted(os.listdir(folder))
            if not entry.startswith(".") and entry not in IGNORED_ENTRIES]


def unpacked_zip(submission, scratch):
    """SUBMISSION's only file, when it is a zip, unpacked in SCRATCH; else None."""
    entries = visible_entries(submission)
    if len(entries) != 1 or not entries[0].endswith(".zip"):
        return None
    try:
        with zipfile.ZipFile(os.path.join(submission, entries[0])) as archive:
            archive.extractall(scratch)
    except zipfile.BadZipFile:
        raise SubmissionError("%s is not a zip file that can be read." % entries[0])
    return scratch


def repository_top(submission, wanted):
    """The folder of SUBMISSION that holds the most of WANTED at their paths:
    the submission itself, or the folder it holds alone, and so on down."""
    candidates, folder = [submission], submission
    while True:
        entries = visible_entries(folder)
        if len(entries) != 1 or not os.path.isdir(os.path.join(folder, entries[0])):
            break
        folder = os.path.join(folder, entries[0])
        candidates.append(folder)
    return max(candidates, key=lambda top: sum(os.path.isfile(os.path.join(top, path))
                                               for path in wanted))


def files_by_name(folder):
    found = {}
    for directory, directories, files in os.walk(folder):
        directories[:] = [entry for entry in directories if entry not in IGNORED_ENTRIES]
        for name in files:
            found.setdefault(name, []).append(os.path.join(directory, name))
    return found


def locate(submission, wanted, scratch):
    """{repository path: file in the submission} for every path of WANTED,
    and the notes to show; SubmissionError when one is missing or empty."""
    if not os.path.isdir(submission) or not visible_entries(submission):
        raise SubmissionError("The submission is empty.")
    submission = unpacked_zip(submission, scratch) or submission
    top = repository_top(submission, wanted)
    by_name = files_by_name(submission)
    names = [os.path.basename(path) for path in wanted]
    located, notes, missing = {}, [], []
    for path in wanted:
        at_path = os.path.join(top, path)
        name = os.path.basename(path)
        if os.path.isfile(at_path):
            located[path] = at_path
        elif names.count(name) == 1 and len(by_name.get(name, [])) == 1:
            located[path] = by_name[name][0]
            notes.append("%s was not at its path in the repository; the only file named %s was "
                         "taken: %s" % (path, name, os.path.relpath(located[path], submission)))
        else:
            missing.append(path)
    if missing:
        raise SubmissionError("The submission has no %s." % ", ".join(missing))
    empty = [path for path, found in located.items() if os.path.getsize(found) == 0]
    if empty:
        raise SubmissionError("In the submission, %s %s empty." % (
            ", ".join(empty), "is" if len(empty) == 1 else "are"))
    return located, notes


def what_to_submit(lab, wanted):
    return ("Submit the files you write for lab %s at their paths in the repository: %s (or "
            "the whole repository, from GitHub or as a zip). Every other file is the "
            "autograder's own." % (lab, ", ".join(wanted)))


def write_results(path, document):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as results:
        json.dump(document, results, indent=2)
        results.write("\n")


def not_graded(message):
    return {"score": 0, "output": message, "tests": []}


def grade(tree, submission, results_path):
    """Grades SUBMISSION in TREE and writes RESULTS_PATH; the process's status."""
    lab, wanted = "?", []
    scratch = tempfile.mkdtemp(prefix="strata-submission-")
    try:
        with open(os.path.join(tree, "labs", "handout-lab")) as name:
            lab = name.read().strip()
        wanted = student_files(tree)
        located, notes = locate(submission, wanted, scratch)
        for path, found in located.items():
            # Copied, not moved: a new modification time, so make rebuilds it.
            shutil.copyfile(found, os.path.join(tree, path))
        print("grading lab %s with the submission's %s" % (lab, ", ".join(wanted)), flush=True)
        subprocess.run([os.path.join(tree, "labs", "grade"), lab], cwd=tree,
                       stdin=subprocess.DEVNULL)
        with open(os.path.join(tree, "build", "grade", lab, "results.json")) as graded:
            document = json.load(graded)
        document["output"] = "\n".join(
            ["Graded your %s; every other file is the autograder's." % ", ".join(wanted)]
            + notes + ["", document["output"]])
    except SubmissionError as error:
        document = not_graded("%s It was not graded (score 0).\n%s" % (
            error, what_to_submit(lab, wanted)))
    except Exception:  # whatever breaks, the student gets a score and a reason
        document = not_graded("The autograder could not grade this submission (score 0); "
                              "tell your instructor:\n" + traceback.format_exc())
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    write_results(results_path, document)
    print(document["output"].splitlines()[-1] if document["output"] else "", flush=True)
    return 0
