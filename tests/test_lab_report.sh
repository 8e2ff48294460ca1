#!/usr/bin/env bash
# The lab grader's HTML report (labs/README.md, "How grading works"), opened
# in a real browser: lab eth's handout (every test fails) and the reference
# (every test passes) are graded, and each build/grade/eth/report.html is
# loaded in Debian's headless chromium, which must show
#   - no console message and nothing in the page's own error list (its
#     first script records every error into #page-errors; the last one marks
#     <html data-script="ran">);
#   - one section per test of results.json, with a sequence diagram for
#     each test whose recording holds a frame;
#   - the score results.json has.
# The grader's last line starts with "Score: N/M" and names the report.  A
# copy of the handout's page with a script error must fail the same checks,
# so that they are known to see one.  Screenshots are kept as evidence in
# build/test-results/test_lab_report/ (handout.png, reference.png).
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/tap.sh
if ! command -v chromium >/dev/null; then
    echo "# SKIP chromium is not installed (tools/setup installs it)"
    exit 77
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
evidence=build/test-results/test_lab_report
mkdir -p "$evidence"

labs/handout eth "$scratch/handout" >/dev/null
mkdir "$scratch/handout/build"
for entry in build/*; do
    case $(basename "$entry") in grade | test-results | linux | dl) ;; *) cp -a "$entry" "$scratch/handout/build/" ;; esac
done
(cd "$scratch/handout" && labs/grade eth) >"$scratch/handout.out" 2>&1 &
handout_grading=$!
labs/grade eth >"$scratch/reference.out" 2>&1
wait $handout_grading
echo "# both graded in $SECONDS s"

# Chromium asks Google for updates and accounts on its own: it runs in a
# network namespace of its own where it can (root), and resolves no name.
isolate=()
unshare --net true 2>/dev/null && isolate=(unshare --net)
browser=(timeout 120 "${isolate[@]}" chromium --headless --no-sandbox --disable-gpu --no-first-run
         --disable-background-networking --disable-component-update --disable-sync
         --host-resolver-rules="MAP * ~NOTFOUND")

browse() {   # browse PAGE NAME: the DOM chromium built, its console, a screenshot
    local url="file://$1"
    # As root chromium needs --no-sandbox.  --enable-logging=stderr --v=0
    # prints the page's console messages ("CONSOLE").
    "${browser[@]}" --user-data-dir="$scratch/profile-$2-dom" --enable-logging=stderr --v=0 \
        --dump-dom "$url" >"$scratch/$2.dom" 2>"$scratch/$2.console" &
    "${browser[@]}" --user-data-dir="$scratch/profile-$2-screenshot" --hide-scrollbars \
        --window-size=1100,2400 --screenshot="$evidence/$2.png" "$url" >/dev/null 2>&1 &
    wait
}

page_check() {   # page_check NAME GRADE_FOLDER: nothing printed when the page is right
    /usr/bin/python3 - "$scratch/$1.dom" "$scratch/$1.console" "$2" <<'PYTHON'
import html.parser, json, os, sys
dom_path, console_path, folder = sys.argv[1:]
results = json.load(open(os.path.join(folder, "results.json")))


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.script_ran, self.sections, self.errors, self.score = False, [], [], None
        self.inside = None

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "html" and attributes.get("data-script") == "ran":
            self.script_ran = True
        if tag == "section" and "test" in attributes.get("class", "").split():
            self.sections.append([attributes.get("data-test"), attributes.get("data-status"), False])
        if tag == "svg" and attributes.get("class") == "sequence" and self.sections:
            self.sections[-1][2] = True
        if tag == "li" and self.inside == "errors-list":
            self.inside = "error"
        if attributes.get("id") == "page-errors":
            self.inside = "errors-list"
        if attributes.get("id") == "score":
            self.inside = "score"

    def handle_endtag(self, tag):
        if tag == "ul" and self.inside in ("errors-list", "error"):
            self.inside = None

    def handle_data(self, data):
        if self.inside == "error":
            self.errors.append(data)
        elif self.inside == "score":
            self.score, self.inside = data.strip(), None


page = Page()
page.feed(open(dom_path, errors="replace").read())
problems = []
console = [line for line in open(console_path, errors="replace") if ":CONSOLE" in line]
if console:
    problems.append("the console printed: %s" % "".join(console).strip())
if page.errors:
    problems.append("the page recorded errors: %s" % "; ".join(page.errors))
if not page.script_ran:
    problems.append("the page's script did not run to its end")
names = [test["name"] for test in results["tests"]]
if [section[0] for section in page.sections] != names:
    problems.append("sections %s, results.json's tests %s" % ([s[0] for s in page.sections], names))
statuses = {test["name"]: test["status"] for test in results["tests"]}
for name, status, diagram in page.sections:
    if statuses.get(name) != status:
        problems.append("%s shown %s, results.json says %s" % (name, status, statuses.get(name)))
    index = os.path.join(folder, name + ".frames")
    exchanged = os.path.exists(index) and any(
        line.split()[2:3] not in (["boot"], ["end"]) for line in open(index) if line.strip())
    if exchanged and not diagram:
        problems.append("%s exchanged frames but has no sequence diagram" % name)
if page.score != str(results["score"]):
    problems.append("the page shows score %r, results.json has %r" % (page.score, results["score"]))
if problems:
    print("\n".join(problems))
PYTHON
}

for tree in handout reference; do
    if [ $tree = handout ]; then root=$scratch/handout; else root=$PWD; fi
    # The handout's total leaves out eth's hidden tests' points.
    expected_score=$( [ $tree = handout ] && echo '0/[0-9]+' || echo '100/100' )
    check "the $tree's last line is the score and the report's path" \
        grep -qxE "Score: $expected_score  \(report: build/grade/eth/report\.html\)" \
        <(tail -n 1 "$scratch/$tree.out")
    page=$root/build/grade/eth/report.html
    check "the $tree's report is one file with nothing to fetch" \
        bash -c "! grep -Eq '(src|href)=\"(https?:)?//' '$page'"
    ls -l "$page" | awk '{print "# report size: " $5 " bytes"}'
    browse "$page" $tree
    page_check $tree "$root/build/grade/eth" >"$scratch/$tree.check" 2>&1
    check "chromium shows the $tree's report: no console error, a section per test, a diagram for each that exchanged frames, the score of results.json" \
        test ! -s "$scratch/$tree.check"
    cat "$scratch/$tree.check"
    check "the $tree's screenshot is kept: $evidence/$tree.png" \
        bash -c "head -c 8 '$evidence/$tree.png' | grep -q PNG"
done

# The same checks see a script error: the handout's page with one added.
sed 's/document.documentElement.setAttribute/no_such_function(); &/' \
    "$scratch/handout/build/grade/eth/report.html" >"$scratch/handout/build/grade/eth/broken.html"
browse "$scratch/handout/build/grade/eth/broken.html" broken
page_check broken "$scratch/handout/build/grade/eth" >"$scratch/broken.check" 2>&1
check "a page whose script fails is caught (console and the page's error list)" \
    grep -q "the console printed.*no_such_function" "$scratch/broken.check"
check "... by the page's own error list too" grep -q "the page recorded errors" "$scratch/broken.check"
rm -f "$evidence/broken.png"
echo "# $SECONDS s in all"
checks_summary
