"""The HTML report of a graded lab, build/grade/LAB/report.html: one
self-contained file (inline CSS, SVG and script; nothing fetched) that a
student opens in a browser (labs/README.md, "How grading works").

At the top: the score, a bar per test, the grading time and the first
failure in words.  Then a section per test: verdict, points, the rule it
checks, why it failed, and drawn from the test's recording (NAME.pcap with
its index NAME.frames, written by the fixture harness or by the host unit
tests' tap): a message-sequence diagram (a lane for the harness or test,
one for the guest, an arrow per frame, expected frames that never came
dashed, the divergent frame in red with the field that differs); for TCP,
a time-sequence graph per direction (as Wireshark's Stevens graph, with
the acknowledgements and the window of the other side); the expected and
the received frame decoded field by field; links to the files.

A fixture's comparison comes from pcap_tests/lib/trace.py's structured
trace, which labs/grade keeps as NAME.trace.json; everything else is read
here with the standard library only (packets.py)."""
import datetime
import html
import json
import os

import packets

DIAGRAM_FRAMES = 150        # arrows drawn at most per diagram
SUMMARY_CHARACTERS = 96
ROW_HEIGHT = 30
GRAPH_TITLED_SEGMENTS = 300
WINDOW_SCALE_LIMIT = 4      # the window's edge is left out when it is this far above the data
LEFT_LANE, RIGHT_LANE, DIAGRAM_WIDTH = 150, 830, 980

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 1040px; padding: 1em;
       color: #1b1f24; }
h1 { margin-bottom: .2em; } h2 { font-size: 1.15em; margin: 0; }
.meta, .muted { color: #57606a; }
.first-failure { background: #fff1f0; border-left: 4px solid #cf222e; padding: .5em .8em; }
.all-passed { background: #effaf1; border-left: 4px solid #1a7f37; padding: .5em .8em; }
table.bars { border-collapse: collapse; width: 100%; }
table.bars td { padding: 1px 6px; white-space: nowrap; }
.bar { height: 12px; display: inline-block; border-radius: 2px; }
.bar.passed { background: #2da44e; } .bar.failed { background: #cf222e; }
.scorebar { height: 18px; background: #eaeef2; border-radius: 3px; overflow: hidden; margin: .5em 0; }
.scorebar div { height: 100%; background: #2da44e; }
section.test { border: 1px solid #d0d7de; border-radius: 6px; margin: 1.2em 0; padding: .8em 1em; }
section.test.failed { border-left: 6px solid #cf222e; }
section.test.passed { border-left: 6px solid #2da44e; }
.verdict { font-weight: bold; } .failed .verdict { color: #cf222e; } .passed .verdict { color: #1a7f37; }
.why { font-weight: 600; }
pre { background: #f6f8fa; padding: .6em; white-space: pre-wrap; font-size: 12px; }
table.fields { border-collapse: collapse; font: 12px ui-monospace, monospace; margin: .5em 0; }
table.fields th, table.fields td { border: 1px solid #d0d7de; padding: 2px 8px; text-align: left;
                                 max-width: 360px; overflow-wrap: anywhere; }
table.fields tr.differs td { background: #ffebe9; font-weight: bold; }
table.fields td.unset { color: #8c959f; }
svg text { font: 11px ui-monospace, monospace; }
svg .lane { stroke: #8c959f; stroke-width: 1; }
svg .arrow { stroke: #0969da; stroke-width: 1.5; fill: none; }
svg .arrow.from-guest { stroke: #8250df; }
svg .arrow.divergent { stroke: #cf222e; stroke-width: 3; }
svg .arrow.missing { stroke: #cf222e; stroke-dasharray: 6 4; }
svg .arrow.later { stroke: #afb8c1; }
svg text.divergent { fill: #cf222e; font-weight: bold; }
svg text.later { fill: #8c959f; }
.hidden-by-filter { display: none; }
"""

# Installed before anything else, so that any error the page's own script
# raises is kept in the page (#page-errors) where a test can read it.
ERROR_RECORDER = """
window.addEventListener("error", function (event) {
  var list = document.getElementById("page-errors");
  var item = document.createElement("li");
  item.textContent = (event.message || "error") + " at " + (event.filename || "") + ":" + (event.lineno || "");
  if (list) { list.appendChild(item); } else { (window.pageErrors = window.pageErrors || []).push(item); }
});
"""

SCRIPT = """
(function () {
  var box = document.getElementById("only-failed");
  function filter() {
    document.querySelectorAll("section.test.passed, tr.test-row.passed").forEach(function (node) {
      node.classList.toggle("hidden-by-filter", box.checked);
    });
  }
  box.addEventListener("change", filter);
  (window.pageErrors || []).forEach(function (item) {
    document.getElementById("page-errors").appendChild(item);
  });
  document.documentElement.setAttribute("data-script", "ran");
})();
"""


def escape(text):
    return html.escape(str(text), quote=True)


def shorten(text, limit=SUMMARY_CHARACTERS):
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


class Frame:
    """A frame of a test's recording as the report draws it."""

    def __init__(self, number, time, direction, role, data):
        self.number, self.time, self.direction, self.role = number, time, direction, role
        self.decoded = packets.decode(data)
        self.summary = self.decoded.summary
        self.who = role
        self.css = ""
        self.note = ""


def read_frames(prefix):
    """The recording PREFIX.pcap with PREFIX.frames, times from the first
    frame; [] when there is none (or it cannot be read: said in the page)."""
    if not (os.path.exists(prefix + ".pcap") and os.path.exists(prefix + ".frames")):
        return [], None
    try:
        records = packets.read_pcap(prefix + ".pcap")
        index = packets.read_index(prefix + ".frames")
    except (packets.PcapError, OSError, ValueError) as error:
        return [], str(error)
    frames = [Frame(number, time, direction, role, data) for (time, data), (number, direction, role)
              in zip(records, index) if role not in ("boot", "end")]
    start = frames[0].time if frames else 0.0
    for frame in frames:
        frame.time -= start
    return frames, None


def apply_trace(frames, told):
    """Takes the fixture's structured trace (trace.py) over the recording:
    its summaries (TCP numbers relative), who sent each frame, the divergent
    frame and the frames after it."""
    conversation = told["conversation"]
    steps = {step["number"]: ("", step) for step in conversation["steps"]}
    steps.update({step["number"]: ("later", step) for step in conversation["later"]})
    for frame in frames:
        if frame.number not in steps:
            continue
        css, step = steps[frame.number]
        frame.summary, frame.who, frame.css = step["summary"], step["who"], css
        if step["mark"] == "X":
            frame.css = "divergent"
            frame.note = step["difference"] or ""


def sequence_diagram(frames, missing, lanes, failure_note):
    """The message-sequence diagram (SVG) of FRAMES, then the MISSING frames
    dashed; LANES the (left, right) lane names; FAILURE_NOTE drawn at the
    bottom (a unit test's failed check) or ""."""
    shown = frames[:DIAGRAM_FRAMES]
    rows = (len(shown) + len(missing) + (1 if failure_note else 0) + (1 if len(frames) > len(shown) else 0)
            + sum(1 for frame in shown if frame.note))
    height = 50 + rows * ROW_HEIGHT + 10
    parts = ['<svg class="sequence" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
             'viewBox="0 0 %d %d" role="img">' % (DIAGRAM_WIDTH, height, DIAGRAM_WIDTH, height),
             '<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
             'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
             'fill="context-stroke"/></marker></defs>']
    for x, name in zip((LEFT_LANE, RIGHT_LANE), lanes):
        parts.append('<text x="%d" y="16" text-anchor="middle" font-weight="bold">%s</text>' % (
            x, escape(name)))
        parts.append('<line class="lane" x1="%d" y1="24" x2="%d" y2="%d"/>' % (x, x, height - 6))
    y = 50
    for frame in shown:
        loop = frame.role == "lo"
        start, end = (RIGHT_LANE, LEFT_LANE) if frame.direction == "from-guest" else (LEFT_LANE, RIGHT_LANE)
        classes = "arrow %s %s" % (frame.direction, frame.css)
        label = "%d  %s" % (frame.number, shorten(frame.summary))
        title = "frame %d, %s: %s%s" % (frame.number, frame.who, frame.summary,
                                         "\n" + frame.note if frame.note else "")
        parts.append('<g><title>%s</title>' % escape(title))
        parts.append('<text x="%d" y="%d" text-anchor="end" class="%s">%+.3fs</text>' % (
            LEFT_LANE - 10, y + 4, frame.css, frame.time))
        if loop:
            parts.append('<path class="%s" d="M%d,%d C%d,%d %d,%d %d,%d" marker-end="url(#head)"/>' % (
                classes, RIGHT_LANE, y - 8, RIGHT_LANE - 70, y - 8, RIGHT_LANE - 70, y + 8,
                RIGHT_LANE, y + 8))
            parts.append('<text x="%d" y="%d" text-anchor="end" class="%s">lo: %s</text>' % (
                RIGHT_LANE - 76, y + 4, frame.css, escape(shorten(label, 90))))
        else:
            parts.append('<line class="%s" x1="%d" y1="%d" x2="%d" y2="%d" marker-end="url(#head)"/>' % (
                classes, start, y + 6, end, y + 6))
            parts.append('<text x="%d" y="%d" text-anchor="middle" class="%s">%s</text>' % (
                (LEFT_LANE + RIGHT_LANE) // 2, y, frame.css, escape(label)))
        if frame.note:
            parts.append('<text x="%d" y="%d" text-anchor="middle" class="divergent">\u2716 %s</text>' % (
                (LEFT_LANE + RIGHT_LANE) // 2, y + 22, escape(shorten(frame.note, 110))))
            y += ROW_HEIGHT - 8
        parts.append('</g>')
        y += ROW_HEIGHT
    if len(frames) > len(shown):
        parts.append('<text x="%d" y="%d" text-anchor="middle" class="later">... %d more frames '
                     '(open the pcap)</text>' % ((LEFT_LANE + RIGHT_LANE) // 2, y, len(frames) - len(shown)))
        y += ROW_HEIGHT
    for expected in missing:
        parts.append('<g><title>%s</title>' % escape("never came: " + expected["expected"]))
        parts.append('<line class="arrow missing" x1="%d" y1="%d" x2="%d" y2="%d" '
                     'marker-end="url(#head)"/>' % (RIGHT_LANE, y + 6, LEFT_LANE, y + 6))
        parts.append('<text x="%d" y="%d" text-anchor="middle" class="divergent">guest frame %d '
                     'never came: %s</text>' % ((LEFT_LANE + RIGHT_LANE) // 2, y, expected["position"],
                                                escape(shorten(expected.get("summary", expected["expected"]), 80))))
        parts.append('</g>')
        y += ROW_HEIGHT
    if failure_note:
        parts.append('<text x="%d" y="%d" text-anchor="middle" class="divergent">\u2716 %s</text>' % (
            (LEFT_LANE + RIGHT_LANE) // 2, y, escape(shorten(failure_note, 120))))
    parts.append('</svg>')
    return "\n".join(parts)


def tcp_directions(frames):
    """{(sender address, port): [(time, seq, length, ack, window, flags, other)]} with
    sequence numbers relative to the sender's first SYN (or first segment) and
    acknowledgements relative to the other side's."""
    bases, segments = {}, {}
    for frame in frames:
        tcp = frame.decoded.tcp
        if tcp is None:
            continue
        side = tcp["source"]
        if side not in bases or ("S" in tcp["flags"] and side not in segments):
            bases[side] = tcp["seq"]
        segments.setdefault(side, []).append((frame, tcp))
    found = {}
    for side, sent in segments.items():
        rows = []
        for frame, tcp in sent:
            other = tcp["destination"]
            occupies = tcp["length"] + ("S" in tcp["flags"]) + ("F" in tcp["flags"])
            ack = (tcp["ack"] - bases[other]) % (1 << 32) if other in bases and "A" in tcp["flags"] else None
            rows.append((frame.time, (tcp["seq"] - bases[side]) % (1 << 32), occupies, ack,
                         tcp["window"], tcp["flags"], other, frame.css))
        found[side] = rows
    return found


def time_sequence_graph(side, directions, lanes_of):
    """Stevens' time-sequence graph of SIDE's segments (vertical bars from
    seq to seq + length, a dot for a bare ACK), with the other side's
    acknowledgements (a step line) and its window's right edge (dotted)."""
    sent = directions[side]
    other = sent[0][6]
    replies = [(time, ack, window) for time, _, _, ack, window, _, side_of_ack, _ in directions.get(other, [])
               if ack is not None and side_of_ack == side]
    width, height, left, bottom = 900, 260, 70, 30
    times = [row[0] for row in sent] + [row[0] for row in replies]
    top = max([seq + occupies for _, seq, occupies, *_ in sent] + [ack for _, ack, _ in replies] + [1])
    # The window's edge is drawn when it keeps the data readable (a 64 KiB
    # window over a few hundred bytes would flatten them to a line).
    edges = [ack + window for _, ack, window in replies]
    show_window = bool(edges) and max(edges) <= WINDOW_SCALE_LIMIT * top
    top = max([top] + edges) if show_window else top
    span = max(times + [0.001])

    def x(time):
        return left + (width - left - 10) * time / span

    def y(seq):
        return height - bottom - (height - bottom - 10) * min(seq, top) / top

    parts = ['<svg class="time-sequence" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
             'viewBox="0 0 %d %d" role="img">' % (width, height, width, height),
             '<line class="lane" x1="%d" y1="10" x2="%d" y2="%d"/>' % (left, left, height - bottom),
             '<line class="lane" x1="%d" y1="%d" x2="%d" y2="%d"/>' % (left, height - bottom, width - 10,
                                                                      height - bottom),
             '<text x="%d" y="%d" text-anchor="end">%d</text>' % (left - 4, y(top) + 4, top),
             '<text x="%d" y="%d" text-anchor="end">0</text>' % (left - 4, y(0) + 4),
             '<text x="%d" y="%d" text-anchor="end">%.3f s</text>' % (width - 10, height - 12, span),
             '<text x="%d" y="%d">0 s</text>' % (left, height - 12)]
    if replies:
        points = []
        for time, ack, window in replies:
            if points:
                points.append("%.1f,%.1f" % (x(time), float(points[-1].split(",")[1])))
            points.append("%.1f,%.1f" % (x(time), y(ack)))
        parts.append('<polyline fill="none" stroke="#1a7f37" stroke-width="1.5" points="%s">'
                     '<title>acknowledged by %s</title></polyline>' % (" ".join(points), lanes_of(other)))
    if show_window:
        window_points = ["%.1f,%.1f" % (x(time), y(ack + window)) for time, ack, window in replies]
        parts.append('<polyline fill="none" stroke="#9a6700" stroke-dasharray="2 3" points="%s">'
                     '<title>right edge of %s\'s window</title></polyline>' % (
                         " ".join(window_points), lanes_of(other)))
    # Past GRAPH_TITLED_SEGMENTS segments (a lossy transfer has thousands)
    # the marks are one path per colour, without hover text, which would
    # make the page several times larger.
    titled = len(sent) <= GRAPH_TITLED_SEGMENTS
    paths = {}
    for time, seq, occupies, _, _, flags, _, css in sent:
        colour = "#cf222e" if css == "divergent" else "#0969da"
        # A bar from seq to seq + length; a bare ACK a dot (a round cap on nothing).
        mark = "M%.1f,%.1fV%.1f" % (x(time), y(seq), y(seq + occupies)) if occupies else \
            "M%.1f,%.1fh0" % (x(time), y(seq))
        if titled:
            parts.append('<path d="%s" stroke="%s" stroke-width="4" stroke-linecap="round">'
                         '<title>%s</title></path>' % (mark, colour, escape(
                             "%+.3fs seq %d len %d [%s]" % (time, seq, occupies, flags))))
        else:
            paths[colour] = paths.get(colour, "") + mark
    for colour, marks in paths.items():
        parts.append('<path d="%s" stroke="%s" stroke-width="4" stroke-linecap="round"/>' % (marks, colour))
    parts.append('</svg>')
    return "\n".join(parts)


def field_table(layers, compared_only=False):
    """The expected and received frame field by field (trace.layer_fields's
    form); COMPARED_ONLY: the fields the fixture gives, for a frame that
    never came."""
    rows = ['<table class="fields"><tr><th>layer</th><th>field</th><th>expected</th>'
            '<th>received</th></tr>']
    for layer, fields in layers:
        for name, want, got, differs in fields:
            if compared_only and want is None:
                continue
            rows.append('<tr%s><td>%s</td><td>%s</td><td%s>%s</td><td>%s</td></tr>' % (
                ' class="differs"' if differs else "", escape(layer), escape(name),
                "" if want is not None else ' class="unset"',
                escape(want) if want is not None else "(not compared)",
                escape(got) if got is not None else "\u2014"))
    rows.append("</table>")
    return "\n".join(rows)


def decoded_table(frame):
    rows = ['<table class="fields"><tr><th>layer</th><th>field</th><th>value</th></tr>']
    for layer, fields in frame.decoded.layers:
        for name, value in fields:
            rows.append("<tr><td>%s</td><td>%s</td><td>%s</td></tr>" % (
                escape(layer), escape(name), escape(value)))
    rows.append("</table>")
    return "\n".join(rows)


def read_json(path):
    try:
        with open(path) as document:
            return json.load(document)
    except (OSError, ValueError):
        return None


def test_section(result, rule, out):
    test = result.test
    status = "passed" if result.passed else "failed"
    prefix = os.path.join(out, test.name)
    frames, unreadable = read_frames(prefix)
    told = read_json(prefix + ".trace.json") if test.kind == "fixture" else None
    missing, divergent = [], None
    if told:
        apply_trace(frames, told)
        missing = told["conversation"]["missing"]
        divergent = next((step for step in told["conversation"]["steps"] if step["mark"] == "X"), None)
    if test.kind == "fixture":
        lanes = ("harness (the fixture)", "guest (your kernel)")
    else:
        lanes = ("test (fake netif)", "stack under test")
        for frame in frames:
            frame.who = "%s, %s" % (frame.role, "sent" if frame.direction == "from-guest" else "received")
    parts = ['<section class="test %s" id="test-%s" data-test="%s" data-status="%s">' % (
        status, escape(test.name), escape(test.name), status),
        '<h2><span class="verdict">%s</span> %s <span class="muted">%d/%d points, %s, %.1f s</span></h2>' % (
            status.upper()[:4], escape(test.name), result.score, test.points, test.kind, result.seconds),
        '<p class="muted">The rule: %s</p>' % escape(rule or "(no docstring)")]
    if not result.passed:
        parts.append('<p class="why">Why it failed: %s</p>' % escape(result.summary))
    if frames or missing:
        note = result.summary if not result.passed and test.kind != "fixture" else ""
        parts.append("<h3>The conversation</h3>")
        parts.append('<p class="muted">One arrow per frame (hover for all of it); times from the first '
                     'frame%s.</p>' % ("; red: where it went wrong, dashed: expected but never sent"
                                       if test.kind == "fixture" else ", virtual time"))
        parts.append(sequence_diagram(frames, missing, lanes, note))
    elif unreadable:
        parts.append('<p class="muted">The recording could not be read: %s</p>' % escape(unreadable))
    else:
        parts.append('<p class="muted">No frames were exchanged.</p>')
    directions = tcp_directions(frames)
    # A direction with a single segment makes no graph, unless no direction has more.
    graphed = [side for side, sent in directions.items() if len(sent) > 1] or list(directions)
    if directions:
        names = {}
        for frame in frames:
            if frame.decoded.tcp:
                names[frame.decoded.tcp["source"]] = lanes[1] if frame.direction == "from-guest" else lanes[0]
        parts.append("<h3>TCP time-sequence graphs</h3>")
        parts.append('<p class="muted">Sequence numbers (relative) against time: a bar per segment '
                     '(from seq to seq + length), a dot per bare ACK; green: what the other side '
                     'acknowledged, dotted: its window\'s right edge (left out when it lies far above the '
                     'data).</p>')
        for side in sorted(graphed, key=lambda key: names.get(key, "") != lanes[1]):
            parts.append("<h4>sent by %s (%s:%d)</h4>" % (escape(names.get(side, "?")), side[0], side[1]))
            parts.append(time_sequence_graph(side, directions, lambda key: names.get(key, "the other side")))
    if divergent and divergent["fields"]:
        parts.append("<h3>Frame %d: expected and received, field by field</h3>" % divergent["number"])
        parts.append('<p class="muted">%s</p>' % escape(divergent["difference"] or ""))
        parts.append(field_table(divergent["fields"]))
    for expected in missing[:3]:
        parts.append("<h3>Guest frame %d, which never came: the fields expected</h3>" % expected["position"])
        parts.append(field_table(expected["fields"], compared_only=True))
    if not result.passed and test.kind != "fixture" and frames:
        last = [frame for frame in frames if frame.direction == "from-guest"][-1:]
        if last:
            parts.append("<h3>The last frame the stack sent (frame %d), decoded</h3>" % last[0].number)
            parts.append(decoded_table(last[0]))
    if result.details:
        parts.append("<details%s><summary>The grader's text output</summary><pre>%s</pre></details>" % (
            "" if result.passed else " open", escape(result.text())))
    links = [name for name in (test.name + suffix for suffix in (".pcap", ".input.pcap", ".output", ".guest"))
             if os.path.exists(os.path.join(out, name))]
    if links:
        parts.append('<p>Files: %s</p>' % ", ".join('<a href="%s">%s</a>' % (escape(name), escape(name))
                                                    for name in links))
    parts.append("</section>")
    return "\n".join(parts)


def write_report(lab_name, results, rules, out, seconds, build_errors=None):
    """Writes OUT/report.html for RESULTS (labs/grade's Result objects; RULES
    {test name: rule}); returns its path."""
    score = sum(result.score for result in results)
    possible = sum(result.test.points for result in results)
    failed = [result for result in results if not result.passed]
    body = ['<h1>Lab %s: <span id="score">%d</span>/<span id="possible">%d</span></h1>' % (
        escape(lab_name), score, possible),
        '<p class="meta">%d of %d tests passed; graded in %.0f s on %s.</p>' % (
            len(results) - len(failed), len(results), seconds,
            datetime.datetime.now().strftime("%Y-%m-%d %H:%M")),
        '<div class="scorebar"><div style="width:%.1f%%"></div></div>' % (
            100.0 * score / possible if possible else 0)]
    if build_errors:
        body.append('<div class="first-failure"><b>The build failed, so no test ran.</b><pre>%s</pre></div>' %
                    escape(build_errors))
    elif failed:
        first = failed[0]
        body.append('<div class="first-failure" id="first-failure">First failure: <a href="#test-%s">%s</a> '
                    '(%d points): %s</div>' % (escape(first.test.name), escape(first.test.name),
                                               first.test.points, escape(first.summary)))
    else:
        body.append('<div class="all-passed">Every test passed.</div>')
    body.append('<p><label><input type="checkbox" id="only-failed"> show only the failed tests</label></p>')
    body.append('<table class="bars">')
    for result in results:
        status = "passed" if result.passed else "failed"
        body.append('<tr class="test-row %s"><td><a href="#test-%s">%s</a></td><td>%s</td>'
                    '<td>%d/%d</td><td><span class="bar %s" style="width:%dpx"></span></td></tr>' % (
                        status, escape(result.test.name), escape(result.test.name), status.upper()[:4],
                        result.score, result.test.points, status, 8 * result.test.points))
    body.append("</table>")
    body.append('<ul id="page-errors"></ul>')
    for result in results:
        body.append(test_section(result, rules.get(result.test.name, ""), out))
    document = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
                'style-src \'unsafe-inline\'; script-src \'unsafe-inline\'; img-src data:">'
                '<title>Lab %s: %d/%d</title><style>%s</style><script>%s</script></head>\n<body>\n%s\n'
                '<script>%s</script>\n</body></html>\n' % (
                    escape(lab_name), score, possible, STYLE, ERROR_RECORDER, "\n".join(body), SCRIPT))
    path = os.path.join(out, "report.html")
    with open(path, "w") as page:
        page.write(document)
    return path
