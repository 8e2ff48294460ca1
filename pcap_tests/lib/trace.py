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


def frame_line(mark, number, when, who, summary):
    return "%s %3d %+8.3fs  %-22s %s" % (mark, number, when, who, summary)


def conversation(run):
    """The frames up to the first divergence, then what was missing or extra."""
    built, recording = run.built, run.recording
    frames = [frame for frame in recording.frames if frame.role not in ("boot", "end")]
    start = frames[0].time if frames else 0.0
    lines, received, diverged = [], 0, False
    numbers = Summaries()
    for frame in frames:
        summary = numbers.summary(frame.packet())
        when = frame.time - start
        if frame.role.startswith("fixture "):
            lines.append(frame_line(" ", frame.number, when, "sent " + frame.role.split()[1], summary))
        elif frame.role != "test":
            lines.append(frame_line(" ", frame.number, when, ROLE_NAMES.get(frame.role, frame.role),
                                    summary))
        else:
            received += 1
            who = "guest frame %d" % received
            if received > len(built.expected):
                lines.append(frame_line("X", frame.number, when, who, summary))
                lines.append("      not expected: the fixture expected %d guest frame%s" % (
                    len(built.expected), "" if len(built.expected) == 1 else "s"))
                diverged = True
                break
            expected = built.expected[received - 1]
            difference = frame_difference(expected, frame, recording)
            lines.append(frame_line("X" if difference else " ", frame.number, when, who, summary))
            if difference:
                lines.append("      expected:  %s" % template_summary(expected.template))
                lines.append("      differs:   %s" % difference)
                diverged = True
                break
    if not diverged:
        for position in range(received + 1, len(built.expected) + 1):
            lines.append("X   -            guest frame %d  never came; expected %s" % (
                position, template_summary(built.expected[position - 1].template)))
    return lines


def counter_lines(run):
    snapshots = run.snapshots
    if "before" not in snapshots or "after" not in snapshots:
        return ["  the guest printed no counters (it did not reach the end of the test)"]
    before, after = snapshots["before"][0], snapshots["after"][0]
    lines = []
    for name, rise in run.built.counters.items():
        if name in before and name in after:
            actual = after[name] - before[name]
            lines.append("%s %s rose by %d, expected %d" % (" " if actual == rise else "X",
                                                           name, actual, rise))
        else:
            lines.append("X %s is not among the guest's counters" % name)
    others = ["%s +%d" % (name, after[name] - before[name]) for name in sorted(after)
              if name in before and after[name] > before[name] and name not in run.built.counters]
    if others:
        shown = others[:OTHER_COUNTERS_SHOWN]
        more = len(others) - len(shown)
        lines.append("  also rose: %s%s" % (", ".join(shown), ", and %d more" % more if more else ""))
    return lines


def trace(run):
    """The lines that explain RUN's verdict (empty when the fixture did not get to run)."""
    if run.built is None or run.recording is None:
        return []
    lines = ["frames (X marks where it went wrong; times from the first frame):"]
    lines += ["  " + line for line in conversation(run)]
    if run.built.counters or run.snapshots:
        lines.append("counters (/proc/net/snmp, /proc/net/netstat, /proc/net/dev):")
        lines += ["  " + line for line in counter_lines(run)]
    if run.built.guest_lines:
        said = [line for line in run.guest_stderr.splitlines() if line.startswith("TCP ")]
        lines.append("the guest program printed: %s" % ("; ".join(said) or "nothing"))
    return lines
