"""Whether a recording meets a fixture's expectations; the first divergence
found, frame and field, or None."""
from scapy.packet import NoPayload, Raw

import checks


def template_difference(template, packet):
    """The first field given in TEMPLATE that PACKET does not match, layer by layer."""
    expected, actual = template, packet
    while not isinstance(expected, NoPayload):
        if isinstance(expected, Raw):
            # Ethernet padding, if any, is a layer of its own below Raw.
            payload = actual.load if isinstance(actual, Raw) else b""
            if payload != expected.load:
                return "payload is %r, expected %r" % (payload[:64], expected.load[:64])
            return None
        if type(actual) is not type(expected):
            return "layer %s is %s" % (expected.name, "missing" if isinstance(actual, NoPayload)
                                       else actual.name)
        for name in expected.fields:
            want, got = expected.getfieldval(name), actual.getfieldval(name)
            if want != got:
                field = expected.get_field(name)
                return "%s.%s is %s, expected %s" % (type(expected).__name__, name,
                                                     field.i2repr(actual, got),
                                                     field.i2repr(expected, want))
        expected, actual = expected.payload, actual.payload
    return None


def frame_difference(expected, frame, recording):
    packet = frame.packet()
    if expected.view is not None:
        packet = expected.view(packet, frame, recording)
    difference = template_difference(expected.template, packet)
    for check in [checks.checksums] + expected.checks:
        difference = difference or check(frame, recording)
    return difference


def counter_difference(fixture, snapshots):
    if "before" not in snapshots or "after" not in snapshots:
        return "the guest printed no counters before and after (see the guest log)"
    (before, missing), (after, _) = snapshots["before"], snapshots["after"]
    for name, rise in fixture.counters.items():
        if name not in before or name not in after:
            return "counter %s: not in the guest's counters (missing files: %s)" % (
                name, ", ".join(missing) or "none")
        if after[name] - before[name] != rise:
            return "counter %s rose by %d, expected %d" % (name, after[name] - before[name], rise)
    return None


def guest_lines_difference(fixture, guest_stderr):
    """The first of the fixture's guest lines not printed, in order, by the guest on stderr."""
    printed = iter(guest_stderr.splitlines())
    for line in fixture.guest_lines:
        if not any(candidate == line for candidate in printed):
            said = [candidate for candidate in guest_stderr.splitlines() if candidate.startswith("TCP ")]
            return "the guest did not print %r (in order); its TCP lines: %s" % (
                line, "; ".join(said) or "none")
    return None


def verdict(fixture, recording, snapshots, guest_stderr=""):
    guest_frames = recording.from_guest()
    for position, expected in enumerate(fixture.expected, start=1):
        if position > len(guest_frames):
            return "guest frame %d is missing: expected %s" % (
                position, expected.template.summary())
        frame = guest_frames[position - 1]
        difference = frame_difference(expected, frame, recording)
        if difference:
            return "guest frame %d, %s: %s" % (position, frame.describe(), difference)
    if len(guest_frames) > len(fixture.expected):
        frame = guest_frames[len(fixture.expected)]
        return "guest frame %d, %s: not expected" % (len(fixture.expected) + 1, frame.describe())
    return counter_difference(fixture, snapshots) or guest_lines_difference(fixture, guest_stderr)
