"""IPv4 fragments of an ICMP echo request, cut by hand so that each fixture
says exactly where (RFC 791 3.2: offsets count 8-byte units)."""
from fixture import ICMP, IP, Raw, to_guest, HARNESS_IP, GUEST_IP


def echo_request_payload(ident, seq, data):
    """The IP payload of an echo request: ICMP header, checksum included, and DATA."""
    return bytes(ICMP(type="echo-request", id=ident, seq=seq) / data)


def fragment(payload, ip_id, start, end, more):
    """The frame carrying PAYLOAD[start:end] as a fragment of datagram IP_ID."""
    assert start % 8 == 0
    return (to_guest() / IP(src=HARNESS_IP, dst=GUEST_IP, id=ip_id, proto=1, frag=start // 8,
                            flags="MF" if more else 0)
            / Raw(payload[start:end]))
