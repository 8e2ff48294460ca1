"""A fixture run told as a step trace, for a student reading why a test
failed: every frame of the conversation in the order it crossed the link,
one line each (who sent it, when, what it is), each guest frame compared
with the frame the fixture expected there, up to the first divergence,
which names the field, its value and the expected value; then the frames
that never came, the counters that rose or did not, and the recording."""
from scapy.layers.inet import ICMP, IP, TCP
from verdict import frame_difference

# Roles of the recording's index (pcap_tests/harness/recorder.h) as a line names them.
ROLE_NAMES = {"arp-answer": "harness ARP answer", "arp-request": "guest ARP request",
              "announce": "guest announcement"}
OTHER_COUNTERS_SHOWN = 8


class Summaries:
    """One line per frame, with TCP sequence and acknowledgement numbers
    relative to each side's initial sequence number, as Wireshark shows
    them: a side's base is the sequence number of its first SYN, or of the
    first segment seen from it."""

    def __init__(self):
        self.bases = {}
        self.syn_seen = set()

    def summary(self, packet):
        """One line for a frame; TCP's numbers made relative, ICMP echoes' id and seq shown."""
        if ICMP in packet and packet[ICMP].type in (0, 8):
            return "%s id %d seq %d" % (packet.summary(), packet[ICMP].id, packet[ICMP].seq)
        if TCP not in packet or IP not in packet:
            return packet.summary()
        if None in (packet[IP].len, packet[IP].ihl, packet[TCP].dataofs):
            return packet.summary()     # a header cut short: Scapy leaves what is missing None
        ip, tcp = packet[IP], packet[TCP]
        side, other = (ip.src, tcp.sport, ip.dst, tcp.dport), (ip.dst, tcp.dport, ip.src, tcp.sport)
        if side not in self.bases or (tcp.flags.S and side not in self.syn_seen):
            self.bases[side] = tcp.seq
            if tcp.flags.S:
                self.syn_seen.add(side)
        text = "TCP %s:%d > %s:%d [%s] seq %d" % (ip.src, tcp.sport, ip.dst, tcp.dport,
                                                  tcp.sprintf("%flags%"),
                                                  (tcp.seq - self.bases[side]) % (1 << 32))
        if tcp.flags.A:
            ack = tcp.ack - self.bases[other] if other in self.bases else tcp.ack
            text += " ack %d" % (ack % (1 << 32))
        length = ip.len - ip.ihl * 4 - tcp.dataofs * 4
        return text + " win %d len %d" % (tcp.window, length)


def template_summary(template):
    """The fields a fixture's expected frame gives, layer by layer: what the
    comparison checks (verdict.template_difference)."""
    from scapy.packet import NoPayload, Raw
    parts, layer = [], template
    while not isinstance(layer, NoPayload):
        if isinstance(layer, Raw):
            parts.append("payload %r" % layer.load[:40])
            break
        fields = ["%s=%s" % (name, layer.get_field(name).i2repr(layer, value))
                  for name, value in layer.fields.items() if value != []]
        parts.append("%s(%s)" % (type(layer).__name__, ", ".join(fields)))
        layer = layer.payload
    return " / ".join(parts)


def layer_fields(template, packet):
    """The expected and the received frame decoded side by side, layer by
    layer: [(layer, [(field, expected, received, differs)])], EXPECTED None
    for a field the template leaves to its default (not compared), RECEIVED
    None when the frame has no such layer; either frame may be None."""
    from scapy.packet import NoPayload, Raw
    layers, expected, actual = [], template, packet
    while True:
        expected_done = expected is None or isinstance(expected, NoPayload)
        actual_done = actual is None or isinstance(actual, NoPayload)
        if expected_done and actual_done:
            return layers
        expected = None if expected_done else expected
        actual = None if actual_done else actual
        if isinstance(expected, Raw) or isinstance(actual, Raw):
            want = expected.load if isinstance(expected, Raw) else None
            got = actual.load if isinstance(actual, Raw) else None
            layers.append(("payload", [("load", None if want is None else repr(want[:64]),
                                        None if got is None else repr(got[:64]),
                                        None not in (want, got) and got != want)]))
            return layers
        if expected is not None and actual is not None and type(actual) is not type(expected):
            layers.append((expected.name, [("layer", expected.name, actual.name, True)]))
            return layers
        shown = expected if expected is not None else actual
        rows = []
        for field in shown.fields_desc:
            want = got = None
            if expected is not None and field.name in expected.fields:
                want = field.i2repr(expected, expected.getfieldval(field.name))
            if actual is not None:
                got = field.i2repr(actual, actual.getfieldval(field.name))
            differs = (expected is not None and actual is not None and field.name in expected.fields
                       and expected.getfieldval(field.name) != actual.getfieldval(field.name))
            rows.append((field.name, want, got, differs))
        layers.append((type(shown).__name__, rows))
        expected = expected.payload if expected is not None else None
        actual = actual.payload if actual is not None else None


class Step:
    """A frame of the conversation as the trace tells it: NUMBER is
    Wireshark's, TIME from the first frame, WHO the sender as a line names
    it, MARK "X" where it went wrong.  A guest frame compared with the one
    expected there carries EXPECTED (the template's fields in a line),
    DIFFERENCE (the first divergence in words, or None) and FIELDS
    (layer_fields)."""

    def __init__(self, number, time, direction, who, summary):
        self.number, self.time, self.direction, self.who = number, time, direction, who
        self.summary = summary
        self.mark = " "
        self.expected = self.difference = None
        self.fields = []
        self.notes = []             # lines the text trace prints under the frame

    def as_dict(self):
        return dict(vars(self))


class Conversation:
    """The structured trace of a fixture run: STEPS up to and including the
    first divergence, LATER the frames after it, MISSING the guest frames
    that never came (position, expected in a line, Scapy's summary of it,
    its fields)."""

    def __init__(self):
        self.steps, self.later, self.missing = [], [], []
        self.diverged = False

    def as_dict(self):
        return {"steps": [step.as_dict() for step in self.steps],
                "later": [step.as_dict() for step in self.later],
                "missing": self.missing, "diverged": self.diverged}


def frame_step(frame, when, numbers):
    summary = numbers.summary(frame.packet())
    if frame.role.startswith("fixture "):
        who = "sent " + frame.role.split()[1]
    else:
        who = ROLE_NAMES.get(frame.role, frame.role)
    return Step(frame.number, when, frame.direction, who, summary)


def converse(run):
    """RUN's Conversation: each guest frame compared with the one expected."""
    built, recording = run.built, run.recording
    frames = [frame for frame in recording.frames if frame.role not in ("boot", "end")]
    start = frames[0].time if frames else 0.0
    told, received = Conversation(), 0
    numbers = Summaries()
    for frame in frames:
        step = frame_step(frame, frame.time - start, numbers)
        if told.diverged:
            told.later.append(step)
            continue
        told.steps.append(step)
        if frame.role != "test":
            continue
        received += 1
        step.who = "guest frame %d" % received
        if received > len(built.expected):
            step.mark = "X"
            step.difference = "not expected"
            step.fields = layer_fields(None, frame.packet())
            step.notes.append("not expected: the fixture expected %d guest frame%s" % (
                len(built.expected), "" if len(built.expected) == 1 else "s"))
            told.diverged = True
            continue
        expected = built.expected[received - 1]
        step.expected = template_summary(expected.template)
        packet = frame.packet()
        if expected.view is not None:
            packet = expected.view(packet, frame, recording)
        step.fields = layer_fields(expected.template, packet)
        step.difference = frame_difference(expected, frame, recording)
        if step.difference:
            step.mark = "X"
            step.notes += ["expected:  %s" % step.expected, "differs:   %s" % step.difference]
            told.diverged = True
    if not told.diverged:
        for position in range(received + 1, len(built.expected) + 1):
            template = built.expected[position - 1].template
            told.missing.append({"position": position, "expected": template_summary(template),
                                 "summary": template.summary(),
                                 "fields": layer_fields(template, None)})
    return told


def frame_line(mark, number, when, who, summary):
    return "%s %3d %+8.3fs  %-22s %s" % (mark, number, when, who, summary)


def conversation_lines(told):
    """The text trace of a Conversation (as_dict): the frames up to the
    first divergence, then what was missing."""
    lines = []
    for step in told["steps"]:
        lines.append(frame_line(step["mark"], step["number"], step["time"], step["who"],
                                step["summary"]))
        lines += ["      " + note for note in step["notes"]]
    for missing in told["missing"]:
        lines.append("X   -            guest frame %d  never came; expected %s" % (
            missing["position"], missing["expected"]))
    return lines


class Counters:
    """The counters a fixture names, each (name, rise seen or None when the
    guest does not have it, rise expected); OTHERS those that rose besides,
    (name, rise); PRINTED False when the guest printed no counters."""

    def __init__(self, run):
        snapshots = run.snapshots
        self.printed = "before" in snapshots and "after" in snapshots
        self.named, self.others = [], []
        if not self.printed:
            return
        before, after = snapshots["before"][0], snapshots["after"][0]
        for name, rise in run.built.counters.items():
            seen = after[name] - before[name] if name in before and name in after else None
            self.named.append((name, seen, rise))
        self.others = [(name, after[name] - before[name]) for name in sorted(after)
                       if name in before and after[name] > before[name]
                       and name not in run.built.counters]

    def as_dict(self):
        return dict(vars(self))


def counter_lines(counted):
    """The text of Counters (as_dict)."""
    if not counted["printed"]:
        return ["  the guest printed no counters (it did not reach the end of the test)"]
    lines = []
    for name, seen, rise in counted["named"]:
        if seen is None:
            lines.append("X %s is not among the guest's counters" % name)
        else:
            lines.append("%s %s rose by %d, expected %d" % (" " if seen == rise else "X",
                                                           name, seen, rise))
    others = ["%s +%d" % tuple(other) for other in counted["others"]]
    if others:
        shown = others[:OTHER_COUNTERS_SHOWN]
        more = len(others) - len(shown)
        lines.append("  also rose: %s%s" % (", ".join(shown), ", and %d more" % more if more else ""))
    return lines


def structured(run):
    """What the step trace tells, as data (for labs/grade's HTML report):
    None when the fixture did not get to run."""
    if run.built is None or run.recording is None:
        return None
    said = [line for line in run.guest_stderr.splitlines() if line.startswith("TCP ")]
    return {"conversation": converse(run).as_dict(), "counters": Counters(run).as_dict(),
            "counters_shown": bool(run.built.counters or run.snapshots),
            "guest_lines": bool(run.built.guest_lines), "guest_said": said}


def trace(run):
    """The lines that explain RUN's verdict (empty when the fixture did not get to run).
    pcap_tests/run prints them; labs/grade prints them and keeps structured(run)."""
    told = structured(run)
    return trace_lines(told) if told else []


def trace_lines(told):
    """The text step trace of structured(run)'s data."""
    lines = ["frames (X marks where it went wrong; times from the first frame):"]
    lines += ["  " + line for line in conversation_lines(told["conversation"])]
    if told["counters_shown"]:
        lines.append("counters (/proc/net/snmp, /proc/net/netstat, /proc/net/dev, /proc/net/snmp_link):")
        lines += ["  " + line for line in counter_lines(told["counters"])]
    if told["guest_lines"]:
        lines.append("the guest program printed: %s" % ("; ".join(told["guest_said"]) or "nothing"))
    return lines
