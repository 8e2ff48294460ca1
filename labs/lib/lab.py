"""The labs' shared pieces: finding a lab, reading its list of graded tests
(labs/NN-NAME/tests.txt), and the markers of the reference code that the
handout generator replaces (labs/README.md, "Markers").

A marked region in a C file:

    /* LAB(arp) BEGIN: what the student writes, in a sentence or a paragraph
     * (the comment may go on over several lines) */
    ...the reference code...
    /* LAB(arp) STUB
     * what the handout has in its place, one statement a line
     * LAB(arp) END */

The STUB part is optional (`/* LAB(arp) END */` alone: nothing in its place).
In the handout of lab arp the BEGIN comment stays, as `/* LAB(arp): ... */`,
followed by the stub; in every other handout the markers go and the code stays.
"""
import os
import re
import subprocess

LABS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(LABS)
LAB_NAME = r"[a-z][a-z0-9-]*"
BEGIN = re.compile(r"^(?P<indent>[ \t]*)/\* LAB\((?P<lab>%s)\) BEGIN: " % LAB_NAME)
TRAILER = re.compile(r"^[ \t]*/\* LAB\((?P<lab>%s)\) (?P<word>STUB|END)\b" % LAB_NAME)
END_LINE = re.compile(r"^[ \t]*\*? ?LAB\((?P<lab>%s)\) END \*/\s*$" % LAB_NAME)
ANY_MARKER = re.compile(r"LAB\(%s\) (BEGIN|STUB|END)" % LAB_NAME)
STUB_PREFIX = re.compile(r"^[ \t]*\* ?")
MARKED_SUFFIXES = (".c", ".h")


class LabError(Exception):
    pass


class Lab:
    """A lab: labs/NN-NAME with its README.md and tests.txt."""

    def __init__(self, folder):
        self.folder = folder                       # e.g. labs/03-arp (absolute)
        self.number, self.name = os.path.basename(folder).split("-", 1)
        self.tests = read_tests(os.path.join(folder, "tests.txt"))

    @property
    def readme(self):
        return os.path.join(self.folder, "README.md")


def lab_folders(root=ROOT):
    labs = os.path.join(root, "labs")
    return sorted(os.path.join(labs, entry) for entry in os.listdir(labs)
                  if re.fullmatch(r"\d\d-%s" % LAB_NAME, entry)
                  and os.path.isfile(os.path.join(labs, entry, "tests.txt")))


def all_labs(root=ROOT):
    return [Lab(folder) for folder in lab_folders(root)]


def find_lab(name, root=ROOT):
    """The lab called NAME ("arp") or NN-NAME ("03-arp"), or LabError listing them."""
    labs = all_labs(root)
    for lab in labs:
        if name in (lab.name, os.path.basename(lab.folder)):
            return lab
    raise LabError("no lab named %r; the labs are: %s" % (name, ", ".join(lab.name for lab in labs)))


class GradedTest:
    """One line of tests.txt: [hidden] POINTS KIND NAME [ARGUMENT...].  A
    hidden test is left out of the handout and graded by the autograder,
    which shows it to the student after the due date (Gradescope's
    visibility "after_due_date")."""

    def __init__(self, points, kind, name, arguments, line, hidden=False):
        self.points, self.kind, self.name, self.arguments, self.line = points, kind, name, arguments, line
        self.hidden = hidden

    @property
    def visibility(self):
        """Gradescope's visibility of the test's result."""
        return "after_due_date" if self.hidden else "visible"

    def hidden_files(self):
        """The files the handout leaves out with a hidden test: a fixture's
        own script (a unit test or a script shares its file with others,
        so only fixtures can be hidden)."""
        return [os.path.join("pcap_tests", "fixtures", self.name + ".py")] if self.hidden else []


KINDS = {
    "fixture": 0,   # fixture NAME: pcap_tests/fixtures/NAME.py on Strata
    "unit": 1,      # unit NAME SOURCE: the host unit test NAME defined in SOURCE
    "script": 1,    # script NAME COMMAND...: a host command that exits 0 when it passes
}


HIDDEN = "hidden"
HIDEABLE_KINDS = ("fixture",)


def read_tests(path):
    tests = []
    with open(path) as listing:
        for number, text in enumerate(listing, start=1):
            words = text.split("#", 1)[0].split()
            if not words:
                continue
            where = "%s:%d" % (path, number)
            hidden = words[0] == HIDDEN
            if hidden:
                words = words[1:]
            if len(words) < 3 or not words[0].isdigit() or words[1] not in KINDS:
                raise LabError("%s: expected [hidden] POINTS KIND NAME ..., KIND one of %s" % (
                    where, ", ".join(KINDS)))
            if len(words) - 3 < KINDS[words[1]]:
                raise LabError("%s: a %s test needs more words" % (where, words[1]))
            if hidden and words[1] not in HIDEABLE_KINDS:
                raise LabError("%s: only a fixture can be hidden (a %s test shares its file "
                               "with visible tests)" % (where, words[1]))
            tests.append(GradedTest(int(words[0]), words[1], words[2], words[3:], where, hidden))
    names = [test.name for test in tests]
    if len(set(names)) != len(names):
        raise LabError("%s: a test is listed twice" % path)
    return tests


# Host unit test suites: where their sources are, the makefile that builds
# them and the binary a source becomes.
UNIT_SUITES = [
    ("tests/host/", "tests/host/Makefile", "build/host/{stem}"),
    ("tests/tcp/", "tests/tcp/Makefile", "build/host/tcp/{stem}"),
    ("user/sniff/tests/", "user/sniff/Makefile.inc", "build/host/{stem}"),
]


def unit_suite(source):
    """(the makefile, the binary) of the unit tests defined in SOURCE."""
    for prefix, makefile, binary in UNIT_SUITES:
        if source.startswith(prefix):
            return makefile, binary.format(stem=os.path.splitext(os.path.basename(source))[0])
    raise LabError("no host unit test suite holds %s" % source)


def build_commands(tests):
    """The makes (run in the tree's top folder) that TESTS need: the guest
    for fixtures and scripts, and each unit test's suite binary."""
    commands = []
    if any(test.kind != "unit" for test in tests):
        commands.append(["make", "-s", "all", "pcap-tools"])
    for makefile, binary in sorted({unit_suite(test.arguments[0]) for test in tests
                                    if test.kind == "unit"}):
        commands.append(["make", "-s", "-f", makefile, binary])
    return commands


class Region:
    """A marked region: lines [begin, end) of a file, the BEGIN comment being
    lines [begin, body), the reference code [body, trailer), the STUB/END
    comment [trailer, end)."""

    def __init__(self, lab, indent, begin, body, trailer, end, stub):
        self.lab, self.indent = lab, indent
        self.begin, self.body, self.trailer, self.end = begin, body, trailer, end
        self.stub = stub                          # the stub's lines, dedented


def comment_end(lines, start, path):
    for index in range(start, len(lines)):
        if "*/" in lines[index]:
            return index + 1
    raise LabError("%s:%d: the comment never ends" % (path, start + 1))


def dedent(lines):
    widths = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(widths, default=0)
    return [line[cut:] if line.strip() else "" for line in lines]


def find_regions(lines, path):
    """The regions of a file's lines (each ending in "\\n"), in order; LabError
    for markers that do not pair up."""
    regions, index = [], 0
    while index < len(lines):
        begin = BEGIN.match(lines[index])
        if not begin:
            if ANY_MARKER.search(lines[index]):
                raise LabError("%s:%d: a LAB marker outside a BEGIN ... END region" % (path, index + 1))
            index += 1
            continue
        lab = begin.group("lab")
        body = comment_end(lines, index, path)
        trailer = body
        while trailer < len(lines) and not TRAILER.match(lines[trailer]):
            if BEGIN.match(lines[trailer]) or ANY_MARKER.search(lines[trailer]):
                raise LabError("%s:%d: a marker inside the region that begins on line %d" % (
                    path, trailer + 1, index + 1))
            trailer += 1
        if trailer == len(lines):
            raise LabError("%s:%d: LAB(%s) BEGIN has no END" % (path, index + 1, lab))
        match = TRAILER.match(lines[trailer])
        if match.group("lab") != lab:
            raise LabError("%s:%d: LAB(%s) ends a LAB(%s) region" % (
                path, trailer + 1, match.group("lab"), lab))
        if match.group("word") == "END":
            if not lines[trailer].rstrip().endswith("*/"):
                raise LabError("%s:%d: write the END marker as /* LAB(%s) END */" % (
                    path, trailer + 1, lab))
            end, stub = trailer + 1, []
        else:
            end = trailer + 1
            while end < len(lines) and not END_LINE.match(lines[end]):
                if "*/" in lines[end] or ANY_MARKER.search(lines[end]):
                    raise LabError("%s:%d: the stub of LAB(%s) must end with a line "
                                   "' * LAB(%s) END */'" % (path, end + 1, lab, lab))
                end += 1
            if end == len(lines) or END_LINE.match(lines[end]).group("lab") != lab:
                raise LabError("%s:%d: LAB(%s) STUB has no END" % (path, trailer + 1, lab))
            stub = dedent([STUB_PREFIX.sub("", line.rstrip("\n"), count=1)
                           for line in lines[trailer + 1:end]])
            end += 1
        regions.append(Region(lab, begin.group("indent"), index, body, trailer, end, stub))
        index = end
    return regions


def handout_lines(lines, regions, lab_name):
    """LINES with LAB_NAME's regions replaced by their stubs and every other
    lab's markers taken out (its code kept)."""
    out, position = [], 0
    for region in regions:
        out += lines[position:region.begin]
        if region.lab == lab_name:
            comment = lines[region.begin:region.body]
            comment[0] = comment[0].replace("LAB(%s) BEGIN:" % lab_name, "LAB(%s):" % lab_name, 1)
            out += comment
            out += [(region.indent + line if line else "") + "\n" for line in region.stub]
        else:
            out += lines[region.body:region.trailer]
        position = region.end
    return out + lines[position:]


def repository_files(root=ROOT):
    """The files of the tree at ROOT as git lists them (tracked, and untracked
    but not ignored) that exist, sorted: what a handout or a copy of the
    reference is made from."""
    listed = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], check=True, capture_output=True).stdout
    return [path for path in sorted({path for path in listed.decode().split("\0") if path})
            if os.path.isfile(os.path.join(root, path))]


def lab_marked_files(lab_name, root=ROOT):
    """{path: (lines, LAB_NAME's regions)} for the tree's files that hold
    regions of that lab."""
    found = {}
    for path, (lines, regions) in marked_files(root, repository_files(root)).items():
        ours = [region for region in regions if region.lab == lab_name]
        if ours:
            found[path] = (lines, ours)
    return found


def marked_files(root, paths):
    """{path: regions} for the files among PATHS (relative to ROOT) that hold markers."""
    found = {}
    for path in paths:
        if not path.endswith(MARKED_SUFFIXES):
            continue
        full = os.path.join(root, path)
        with open(full, errors="surrogateescape") as source:
            lines = source.readlines()
        regions = find_regions(lines, path)
        if regions:
            found[path] = (lines, regions)
    return found


def unit_test_rule(source_path, name):
    """The comment just above `static void NAME(void)` in SOURCE_PATH, or ""."""
    with open(source_path) as source:
        text = source.read()
    match = re.search(r"/\*((?:(?!\*/).)*)\*/\s*\n(?:static )?void %s\(void\)" % re.escape(name),
                      text, re.DOTALL)
    if not match or "*/" in match.group(1):
        return ""
    lines = [re.sub(r"^\s*\* ?", "", line).strip() for line in match.group(1).splitlines()]
    return " ".join(line for line in lines if line)


def script_test_rule(script_path, name):
    """In a test script, the comment "# NAME: ..." (with "#   " lines after it), or ""."""
    rule, inside = [], False
    with open(script_path) as script:
        for line in script:
            if line.startswith("# %s:" % name):
                inside = True
                rule.append(line[len("# %s:" % name):].strip())
            elif inside and line.startswith("#   "):
                rule.append(line[1:].strip())
            elif inside:
                break
    return " ".join(rule)


def fixture_rule(fixture_path):
    import ast
    with open(fixture_path) as source:
        return " ".join((ast.get_docstring(ast.parse(source.read())) or "").split())


def test_rule(test, root=ROOT):
    """What TEST checks, from its own docstring or comment (labs/README.md)."""
    if test.kind == "fixture":
        return fixture_rule(os.path.join(root, "pcap_tests", "fixtures", test.name + ".py"))
    if test.kind == "unit":
        return unit_test_rule(os.path.join(root, test.arguments[0]), test.name)
    return script_test_rule(os.path.join(root, test.arguments[0]), test.name)


def region_line_counts(lab_name, root=ROOT):
    """{path: lines of reference code in LAB_NAME's regions} (blank lines and
    comment-only lines not counted): what a student writes."""
    counts = {}
    for path, (lines, regions) in lab_marked_files(lab_name, root).items():
        code = 0
        for region in regions:
            in_comment = False
            for line in lines[region.body:region.trailer]:
                text = line.strip()
                if in_comment:
                    in_comment = "*/" not in text
                    continue
                if not text or text.startswith("//"):
                    continue
                if text.startswith("/*"):
                    in_comment = "*/" not in text
                    continue
                code += 1
        if code:
            counts[path] = code
    return counts
