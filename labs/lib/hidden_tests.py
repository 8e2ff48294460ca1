"""Hidden tests: what the handout of a lab leaves out so that its hidden
tests stay unseen until the due date (labs/README.md, "Hidden tests").

A hidden test is a line of tests.txt that starts with the word `hidden`.
The handout drops that line, the fixture's script, and the test's row of
the lab's README table, where a sentence says how many points are
hidden instead.  The autograder's tree keeps all of them.
"""
import os
import textwrap

import lab as labs


def hidden_tests(lab):
    return [test for test in lab.tests if test.hidden]


def left_out_paths(lab):
    """The repository paths the handout of LAB leaves out."""
    return {path for test in hidden_tests(lab) for path in test.hidden_files()}


def visible_listing(lab):
    """LAB's tests.txt without the lines of its hidden tests."""
    hidden_lines = {int(test.line.rsplit(":", 1)[1]) for test in hidden_tests(lab)}
    with open(os.path.join(lab.folder, "tests.txt")) as listing:
        return "".join(line for number, line in enumerate(listing, start=1)
                       if number not in hidden_lines)


def hidden_points_sentence(lab):
    hidden = hidden_tests(lab)
    hidden_points = sum(test.points for test in hidden)
    one = len(hidden) == 1
    sentence = ("Besides these, %d hidden test%s worth %d points %s graded by the autograder "
                "on the same rules; you see %s after the due date, and `make grade` here scores "
                "out of %d." % (len(hidden), "" if one else "s", hidden_points, "is" if one else "are",
                                "it" if one else "them",
                                sum(test.points for test in lab.tests) - hidden_points))
    return textwrap.fill(sentence, width=74) + "\n"


def visible_readme(lab, text):
    """TEXT, LAB's README, without the table rows of its hidden tests and
    with a sentence after that table saying how many points are hidden."""
    hidden = hidden_tests(lab)
    if not hidden:
        return text
    lines = text.splitlines(keepends=True)
    rows = [index for index, line in enumerate(lines) if line.startswith("|")
            and any("`%s`" % test.name in line for test in hidden)]
    if len(rows) != len(hidden):
        raise labs.LabError("%s: the README's table should have one row for each hidden test "
                            "(found %d for %d)" % (lab.name, len(rows), len(hidden)))
    table_end = rows[-1]
    while table_end < len(lines) and lines[table_end].startswith("|"):
        table_end += 1
    out = [line for index, line in enumerate(lines[:table_end]) if index not in rows]
    return "".join(out + ["\n", hidden_points_sentence(lab)] + lines[table_end:])
