"""Mutants: small changes to the reference that bring back a bug students
really write, each of which a lab's tests must catch (labs/README.md,
"Checking the labs").

A mutant is labs/NN-LAB/mutants/NAME.diff: header lines, then a unified
diff against the reference as `git diff` writes it (paths from the
repository's top, so `git apply` takes it; it ignores the header):

    Bug: what is wrong, in a sentence
    Student: why a student writes it (a line may go on, indented)
    Rule: the RFC section or manual page it breaks
    Caught by: the lab's test that fails first
    diff --git a/arp/input.c b/arp/input.c
    ...

The diff changes only lines inside the lab's marked regions.
"""
import os
import re

import lab as labs

FIELDS = ("Bug", "Student", "Rule", "Caught by")
FIELD = re.compile(r"(%s):\s*(.*)" % "|".join(FIELDS))
HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@")
FILE_HEADER = re.compile(r"diff --git a/(\S+) b/(\S+)")


class Mutant:
    def __init__(self, path):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        with open(path) as source:
            text = source.read()
        start = 0 if text.startswith("diff --git ") else text.find("\ndiff --git ") + 1
        if start == 0 and not text.startswith("diff --git "):
            start = len(text)
        self.diff = text[start:]
        self.fields, field = {}, None
        for line in text[:start].splitlines():
            match = FIELD.match(line)
            if match:
                field = match.group(1)
                self.fields[field] = match.group(2).strip()
            elif field and line[:1] in " \t" and line.strip():
                self.fields[field] += " " + line.strip()
        self.caught_by = self.fields.get("Caught by", "")

    def paths(self):
        """The files the diff changes, from the top of the tree."""
        return [match.group(1) for match in FILE_HEADER.finditer(self.diff)]

    def changed_lines(self):
        """{path: [(0-based line of the reference, whether it is removed)]}:
        a removed line's own index, an added line's the index it goes before."""
        changed, path, line = {}, None, 0
        for text in self.diff.splitlines():
            header, hunk = FILE_HEADER.match(text), HUNK.match(text)
            if header:
                path = header.group(1)
                changed[path] = []
            elif hunk:
                line = int(hunk.group(1)) - (0 if hunk.group(2) == "0" else 1)
            elif text.startswith(("---", "+++", "index ", "\\")) or path is None:
                continue
            elif text.startswith("-"):
                changed[path].append((line, True))
                line += 1
            elif text.startswith("+"):
                changed[path].append((line, False))
            elif text.startswith(" "):
                line += 1
        return changed

    def problems(self, lab, root=labs.ROOT):
        """What breaks the format (labs/README.md): missing header fields, a
        "Caught by" that is no test of LAB, a change outside LAB's regions."""
        found = ["no %r line in its header" % field for field in FIELDS if not self.fields.get(field)]
        if not self.diff:
            found.append("no diff (a line starting 'diff --git')")
        if self.caught_by and self.caught_by not in {test.name for test in lab.tests}:
            found.append("'Caught by: %s' is no test of lab %s" % (self.caught_by, lab.name))
        for path, lines in self.changed_lines().items():
            if not os.path.isfile(os.path.join(root, path)):
                found.append("%s: no such file in the reference" % path)
                continue
            _, regions = labs.marked_files(root, [path]).get(path, ([], []))
            ours = [region for region in regions if region.lab == lab.name]
            outside = [line + 1 for line, removed in lines if not any(
                region.body <= line < region.trailer + (not removed) for region in ours)]
            if outside or not lines:
                found.append("%s: a change outside lab %s's regions (line %s)" % (
                    path, lab.name, ", ".join(map(str, outside[:3])) or "none changed"))
        return found


def lab_mutants(lab):
    """LAB's mutants, by name."""
    folder = os.path.join(lab.folder, "mutants")
    if not os.path.isdir(folder):
        return []
    return [Mutant(os.path.join(folder, name)) for name in sorted(os.listdir(folder))
            if name.endswith(".diff")]
