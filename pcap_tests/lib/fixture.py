"""What a fixture script is written with: the test link's addresses, frame
builders, and Fixture, which a script's build(f) fills with the frames to
send, the frames expected back and the counters expected to rise.

The link: the guest is 10.0.2.15/24 with QEMU's default MAC for the first
NIC; the harness is 10.0.2.2 and answers the guest's ARP requests for it.
"""
import logging

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
# Imported before anything reads a pcap, or frames come back as Raw.
import scapy.layers.l2  # noqa: E402,F401
import scapy.layers.inet  # noqa: E402,F401
from checks import quotes  # noqa: E402
from scapy.layers.inet import ICMP, IP, UDP  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402

GUEST_MAC = "52:54:00:12:34:56"
GUEST_IP = "10.0.2.15"
HARNESS_MAC = "52:55:0a:00:02:02"
HARNESS_IP = "10.0.2.2"
SUBNET_BROADCAST_IP = "10.0.2.255"
BROADCAST_MAC = "ff:ff:ff:ff:ff:ff"


def to_guest(src=HARNESS_MAC, dst=GUEST_MAC, **fields):
    """An Ethernet header from the harness to the guest."""
    return Ether(src=src, dst=dst, **fields)


def ip_to_guest(**fields):
    """Ethernet and IPv4 headers from the harness to the guest; FIELDS override IP's."""
    return to_guest() / IP(**dict(dict(src=HARNESS_IP, dst=GUEST_IP), **fields))


def from_guest(dst=HARNESS_MAC, **fields):
    """The Ethernet header the guest must answer the harness with (a template)."""
    return Ether(src=GUEST_MAC, dst=dst, **fields)


def ip_from_guest(**fields):
    """Ethernet and IPv4 headers of the guest's answer to the harness (a template)."""
    return from_guest() / IP(**dict(dict(src=GUEST_IP, dst=HARNESS_IP), **fields))


class Expected:
    """A frame the guest must send.  TEMPLATE is a Scapy frame whose explicitly
    given fields must match, layer by layer (fields left to Scapy's defaults,
    such as IP id and the checksums, are not compared; every checksum of a
    guest frame is verified anyway); it ends where the comparison ends, but a
    Raw layer in it must equal the payload.  CHECKS are more conditions, each
    a function (recorded_frame, recording) returning None or what is wrong."""

    def __init__(self, template, checks=(), view=None):
        self.template = template
        self.checks = list(checks)
        # VIEW, if given, is a function (packet, recorded_frame, recording)
        # returning the packet the template is compared with: TCP fixtures
        # make the guest's sequence number relative to its ISN (lib/tcp.py).
        self.view = view


class Fixture:
    def __init__(self, name):
        self.name = name
        self.rule = ""          # the fixture script's docstring: the rule it checks
        self.sends = []         # (frame bytes, directive) in order
        self.expected = []      # Expected, in the order the guest must send them
        self.counters = {}      # "Ip.InHdrErrors" -> exact rise
        self.rebased = []       # K: the K-th frame's TCP ack is relative to the guest's ISN
        self.guest_lines = []   # lines the guest must print, in this order (lib/tcp.py)
        self.guest_setup = ""   # shell commands run in the guest before the test
        self.addresses = [(HARNESS_IP, HARNESS_MAC)]
        self.timeout_ms = 20000
        self.quiet_ms = 3000

    def send(self, frame, after_guest=None, after_quiet_ms=None, rebase_ack=False):
        """Send FRAME (Scapy or bytes) as soon as the one before it is sent, or
        once the guest has sent AFTER_GUEST frames, or after AFTER_QUIET_MS of
        silence on the link.  REBASE_ACK: FRAME is a TCP segment whose ack
        field counts from the guest's ISN on its connection, which the
        harness adds when it sends it (harness/tcp_rebase.h)."""
        if after_guest is not None:
            directive = "after-guest %d" % after_guest
        elif after_quiet_ms is not None:
            directive = "after-quiet-ms %d" % after_quiet_ms
        else:
            directive = "ready"
        self.sends.append((bytes(frame), directive))
        if rebase_ack:
            self.rebased.append(len(self.sends))

    def expect(self, template, checks=(), view=None):
        self.expected.append(Expected(template, checks, view))

    def guest_says(self, line):
        """The guest must print LINE (a whole line), after the lines given
        before it: what pcap_tcp's calls returned, e.g. "TCP read 5 \"abcde\""."""
        self.guest_lines.append(line)

    def counter(self, name, rise):
        """The counter NAME must have risen by exactly RISE during the test.
        Names: "Section.Field" from /proc/net/snmp or /proc/net/netstat (e.g.
        "Ip.InHdrErrors", "IpExt.InTruncatedPkts"), "IFACE.rx_FIELD" or
        "IFACE.tx_FIELD" from /proc/net/dev (e.g. "eth0.rx_frame")."""
        self.counters[name] = rise

    def probe(self, seq, after_quiet_ms=None, after_guest=None):
        """Send an echo request and expect its reply.  Frames are handled in
        order, so when the reply comes every frame sent before the probe has
        been dealt with: a test that the guest stays silent needs no timer.
        AFTER_QUIET_MS sends it only after that much silence (for silence
        after a timer); AFTER_GUEST once the guest has sent that many frames."""
        payload = b"probe %d" % seq
        self.send(ip_to_guest() / ICMP(type="echo-request", id=0x5052, seq=seq) / payload,
                  after_quiet_ms=after_quiet_ms, after_guest=after_guest)
        self.expect(ip_from_guest() / ICMP(type="echo-reply", code=0, id=0x5052, seq=seq)
                    / payload)

    def udp_probe(self, seq):
        """Send a UDP datagram to a port nobody listens on and expect the Port
        Unreachable that quotes it (RFC 1122 4.1.3.1).  A probe like probe(),
        which also proves UDP alive: a test that UDP drops a datagram then
        cannot pass on a UDP that drops everything.  It counts Udp NoPorts."""
        self.send(ip_to_guest() / UDP(sport=40100, dport=40100 + seq) / (b"udp probe %d" % seq))
        self.expect(ip_from_guest(proto=1) / ICMP(type="dest-unreach", code="port-unreachable"),
                    checks=[quotes(len(self.sends))])

    def script(self):
        """The harness's directive file (see pcap_tests/harness/script.h)."""
        lines = ["# %s: written by pcap_tests/run" % self.name]
        lines += ["address %s %s" % address for address in self.addresses]
        lines += ["expect %d" % len(self.expected),
                  "quiet-ms %d" % self.quiet_ms,
                  "timeout-ms %d" % self.timeout_ms]
        lines += ["send %s" % directive for _, directive in self.sends]
        lines += ["tcp-rebase %d" % k for k in self.rebased]
        return "\n".join(lines) + "\n"
