"""The harness's negative control: this fixture expects the wrong sequence
number in the echo reply, so it must FAIL, naming the field.  A checker
that passes it would pass anything.  Run by tests/test_pcap_fixtures.sh."""
from fixture import ICMP, ip_from_guest, ip_to_guest


def build(f):
    f.send(ip_to_guest() / ICMP(type="echo-request", id=1, seq=7) / b"control")
    f.expect(ip_from_guest() / ICMP(type="echo-reply", id=1, seq=8) / b"control")
