"""IPv4 fragments of an ICMP echo request, cut by hand so that each fixture
says exactly where (RFC 791 3.2: offsets count 8-byte units)."""
from fixture import ICMP, IP, Raw, to_guest, ip_from_guest, HARNESS_IP, GUEST_IP

PROBE_IDENTIFIER = 0x5046


def echo_request_payload(ident, seq, data):
    """The IP payload of an echo request: ICMP header, checksum included, and DATA."""
    return bytes(ICMP(type="echo-request", id=ident, seq=seq) / data)


def fragment(payload, ip_id, start, end, more):
    """The frame carrying PAYLOAD[start:end] as a fragment of datagram IP_ID."""
    assert start % 8 == 0
    return (to_guest() / IP(src=HARNESS_IP, dst=GUEST_IP, id=ip_id, proto=1, frag=start // 8,
                            flags="MF" if more else 0)
            / Raw(payload[start:end]))


def fragmented_probe(f, seq, after_quiet_ms=None):
    """Fixture.probe in two fragments: an echo request cut after 16 bytes,
    whose reply (whole) is expected; AFTER_QUIET_MS as probe's.  It proves reassembly alive, so that a
    fixture where a datagram must be dropped cannot pass on a reassembly
    that drops everything.  It counts Ip ReasmReqds +2 and ReasmOKs +1."""
    data = b"fragmented probe %d" % seq
    payload = echo_request_payload(PROBE_IDENTIFIER, seq, data)
    f.send(fragment(payload, 0x5000 + seq, 0, 16, more=True), after_quiet_ms=after_quiet_ms)
    f.send(fragment(payload, 0x5000 + seq, 16, len(payload), more=False))
    f.expect(ip_from_guest(flags=0, frag=0) / ICMP(type="echo-reply", id=PROBE_IDENTIFIER, seq=seq)
             / data)
