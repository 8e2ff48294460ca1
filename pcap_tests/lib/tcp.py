"""TCP conversations, written like packetdrill scripts: the fixture plays the
peer, a Peer sends segments and expects the guest's exact answers.

    peer = Peer(f, port=8080)
    guest(f, "listen", 8080, "accept", "read", 100)
    peer.send("S", options=[("MSS", 1460)])
    peer.expect("SA", checks=[has_option("MSS")])
    peer.send("A")
    peer.send("PA", b"hello")
    peer.expect("A")
    f.guest_says('TCP read 5 "hello"')

Sequence numbers: the peer's are absolute (it starts at ISN, 1000000 by
default); the guest's are relative to the guest's ISN, which is only known
at run time: the SYN or SYN-ACK the guest sends has seq 0.  The harness
adds the guest's ISN to the ack field of the frames the peer sends with ACK
set (harness/tcp_rebase.h), and the verdict subtracts it from the seq field
of the guest's frames before comparing (Peer.expect's view).  By default a
Peer tracks both sides' next sequence numbers, as packetdrill does: send()
uses snd_nxt and rcv_nxt and advances snd_nxt, expect() expects rcv_nxt and
snd_nxt and advances rcv_nxt; give seq= or ack= to say otherwise.

The guest's application is pcap_tcp (pcap_tests/guest/pcap_tcp.c), started
by guest(): it listens before the test starts, and its steps after "await"
wait for Peer.tell_guest()'s datagram, so that an active open starts when
the fixture wants it.  What its calls returned is asserted with
f.guest_says(line); a line is surely printed once a frame the guest sent
after it came: a step that sends a segment, or "notify", whose datagram
Peer.expect_notify() expects.  Data pcap_tcp writes is pattern(offset, length).
A fixture acknowledges the guest's last data (peer.send("A")): the test
ends as soon as the expected frames came, and an unacknowledged segment
retransmitted before the guest stops would be one frame too many.
"""
import struct

from checks import ipv4_parts
from fixture import UDP, ip_from_guest, ip_to_guest
from scapy.layers.inet import TCP
from scapy.packet import Raw

CONTROL_PORT = 9999  # pcap_tcp's "await" datagrams (guest/pcap_tcp.c)
PEER_PORT = 40000
PEER_ISN = 1000000
MOD = 1 << 32
NO_TIMESTAMPS = "echo 0 > /proc/sys/net/ipv4/tcp_timestamps"
# The bound (Fixture.timeout_ms) of a conversation that waits for no
# timer: it lasts a few tenths of a second on either guest, and one that
# stalls (a lab's stub answers nothing) then fails in 5 s, not 20.
QUICK_TIMEOUT_MS = 5000


def pattern(offset, length):
    """The bytes pcap_tcp writes: the stream offset modulo 26 as a letter."""
    return bytes(ord("a") + (offset + i) % 26 for i in range(length))


def guest(f, *steps):
    """The guest application: pcap_tcp with STEPS (words or numbers), run
    before pcap_guest, after any guest_setup already given."""
    command = "pcap_tcp " + " ".join(str(step) for step in steps)
    f.guest_setup = " && ".join(part for part in (f.guest_setup, command) if part)


def tcp_parts(data):
    """(IPv4 header, TCP header, payload) of a frame's TCP segment, from the raw bytes."""
    header, segment = ipv4_parts(data)
    offset = (segment[12] >> 4) * 4
    return header, segment[:offset], segment[offset:]


def guest_isn(frame, recording):
    """The guest's ISN on FRAME's connection: the seq of the guest's latest
    SYN on the same 4-tuple at or before FRAME, or None."""
    ip, tcp, _ = tcp_parts(frame.data)
    tuple_ = (ip[12:16], ip[16:20], tcp[0:4])
    isn = None
    for earlier in recording.frames:
        if earlier.number > frame.number:
            break
        if earlier.direction != "from-guest" or earlier.role != "test":
            continue
        parts = ipv4_parts(earlier.data)
        if parts is None or parts[0][9] != 6:
            continue
        e_ip, e_tcp, _ = tcp_parts(earlier.data)
        if (e_ip[12:16], e_ip[16:20], e_tcp[0:4]) == tuple_ and e_tcp[13] & 0x02:
            isn = struct.unpack("!I", e_tcp[4:8])[0]
    return isn


def relative_seq(packet, frame, recording):
    """PACKET with its TCP seq relative to the guest's ISN (unchanged when
    the guest sent no SYN on that connection, e.g. a RST to a closed port)."""
    if TCP not in packet:
        return packet
    isn = guest_isn(frame, recording)
    if isn is None:
        return packet
    packet = packet.copy()
    packet[TCP].seq = (packet[TCP].seq - isn) % MOD
    return packet


def payload_length(length):
    """The guest's segment carries exactly LENGTH data bytes (by the IP and
    TCP lengths, not counting Ethernet padding)."""
    def check(frame, recording):
        _, _, payload = tcp_parts(frame.data)
        if len(payload) != length:
            return "the segment carries %d data bytes, expected %d" % (len(payload), length)
        return None
    return check


def has_option(kind, value=None):
    """The guest's segment carries TCP option KIND (Scapy's name: "MSS",
    "WScale", "SAckOK", "Timestamp"), with VALUE if given."""
    def check(frame, recording):
        options = dict(frame.packet()[TCP].options)
        if kind not in options:
            return "TCP option %s is missing (options: %s)" % (kind, frame.packet()[TCP].options)
        if value is not None and options[kind] != value:
            return "TCP option %s is %r, expected %r" % (kind, options[kind], value)
        return None
    return check


def lacks_option(kind):
    """The guest's segment does not carry TCP option KIND."""
    def check(frame, recording):
        options = dict(frame.packet()[TCP].options)
        return "TCP option %s is present (%r)" % (kind, options[kind]) if kind in options else None
    return check


def relative_seq_in(values):
    """The guest's seq, relative to its ISN, is one of VALUES (where Linux
    and Strata may differ, as in zero-window probes)."""
    def check(frame, recording):
        seq = relative_seq(frame.packet(), frame, recording)[TCP].seq
        return None if seq in values else "TCP.seq is %d (relative), expected one of %s" % (
            seq, sorted(values))
    return check


def payload_at_most(length):
    """The guest's segment carries at most LENGTH data bytes."""
    def check(frame, recording):
        _, _, payload = tcp_parts(frame.data)
        if len(payload) > length:
            return "the segment carries %d data bytes, expected at most %d" % (len(payload), length)
        return None
    return check


def flags_are(flags, optional=""):
    """The guest's segment has exactly the TCP FLAGS given, and perhaps
    those in OPTIONAL (Scapy's letters)."""
    def check(frame, recording):
        got = str(frame.packet()[TCP].flags)
        if set(flags) <= set(got) <= set(flags + optional):
            return None
        return "TCP.flags is %s, expected %s%s" % (
            got, flags, " (and perhaps %s)" % optional if optional else "")
    return check


def backs_off(earlier, previous, low=1.5, high=2.5):
    """Exponential backoff: the interval from the guest's frame PREVIOUS to
    this one is LOW to HIGH times the interval from its frame EARLIER to
    PREVIOUS (guest frames, 1-based; EARLIER may be a fixture frame given as
    ("fixture", K)), by the recording's timestamps (RFC 6298 5.5, RFC 1122
    4.2.2.17)."""
    def time_of(which, recording):
        if isinstance(which, tuple):
            return recording.sent(which[1]).time
        return recording.from_guest()[which - 1].time
    def check(frame, recording):
        first = time_of(previous, recording) - time_of(earlier, recording)
        second = frame.time - time_of(previous, recording)
        if first <= 0 or not low <= second / first <= high:
            return "came %.3f s after guest frame %s, which came %.3f s after %s: ratio %.2f, " \
                   "expected %g to %g" % (second, previous, first, earlier,
                                          second / first if first > 0 else 0, low, high)
        return None
    return check


def flag_count(flags):
    """How much sequence space SYN and FIN take in a segment with FLAGS."""
    return ("S" in flags) + ("F" in flags)


class Peer:
    """One TCP connection, played by the fixture.  snd_nxt: the peer's next
    sequence number (absolute); rcv_nxt: the guest's next one, relative to
    its ISN; guest_offset: the pattern offset of the guest's next data byte."""

    def __init__(self, f, port, peer_port=PEER_PORT, isn=PEER_ISN):
        self.f = f
        self.port = port            # the guest's port
        self.peer_port = peer_port  # ours
        self.isn = isn
        self.snd_nxt = isn
        self.rcv_nxt = 0
        self.guest_offset = 0

    def segment(self, flags, data=b"", seq=None, ack=None, win=65535, options=None, **fields):
        """The frame send() would send, without sending it (to malform it)."""
        seq = self.snd_nxt if seq is None else seq
        if ack is None:
            ack = self.rcv_nxt if "A" in flags else 0
        tcp = TCP(sport=self.peer_port, dport=self.port, flags=flags, seq=seq % MOD,
                  ack=ack % MOD, window=win, options=options or [], **fields)
        return ip_to_guest() / tcp / data if data else ip_to_guest() / tcp

    def send(self, flags, data=b"", seq=None, ack=None, win=65535, options=None,
             after_guest=None, after_quiet_ms=None, frame=None, rebase=None, advance=None,
             **fields):
        """Send a segment with FLAGS (Scapy's letters: "S", "SA", "A", "PA",
        "FA", "R", "RA"), DATA, and the given fields; the ack is relative to
        the guest's ISN when "A" is in FLAGS, unless REBASE is False (no
        guest SYN on the connection: the ack is absolute).  FRAME, if given, is sent
        instead (e.g. segment()'s output, malformed), with the same
        bookkeeping.  ADVANCE: whether snd_nxt moves past the segment; by
        default it does when SEQ is not given (the peer's next segment), and
        not for a segment sent at a SEQ of the fixture's choosing (a
        retransmission, an attack, out of order).
        As in packetdrill, the segment waits by default for
        every guest frame expected before it (after_guest=that many).
        Returns the frame's number K among the fixture's."""
        if advance is None:
            advance = seq is None
        seq = self.snd_nxt if seq is None else seq
        if after_guest is None and after_quiet_ms is None and self.f.expected:
            after_guest = len(self.f.expected)
        built = frame if frame is not None else self.segment(
            flags, data, seq, ack, win, options, **fields)
        self.f.send(built, after_guest=after_guest, after_quiet_ms=after_quiet_ms,
                    rebase_ack=("A" in flags) if rebase is None else rebase)
        if advance:
            self.snd_nxt = (seq + len(data) + flag_count(flags)) % MOD
        return len(self.f.sends)

    def expect(self, flags, data=b"", seq=None, ack=None, win=None, checks=(), push_free=False,
               **fields):
        """The guest's next frame is a segment of this connection with exactly
        FLAGS and DATA (bytes, or a count of pattern bytes at guest_offset),
        seq (relative, default rcv_nxt), ack (absolute, default snd_nxt
        when "A" is in FLAGS), WIN if given and FIELDS; CHECKS as for
        Fixture.expect.  PUSH_FREE: PSH may or may not be set (where
        Linux and Strata push differently, RFC 9293 3.9.1 leaving it open)."""
        if isinstance(data, int):
            data = pattern(self.guest_offset, data)
            self.guest_offset += len(data)
        seq = self.rcv_nxt if seq is None else seq
        given = dict(sport=self.port, dport=self.peer_port, seq=seq % MOD)
        if push_free:
            checks = [flags_are(flags.replace("P", ""), optional="P")] + list(checks)
        else:
            given["flags"] = flags
        if "A" in flags:
            given["ack"] = (self.snd_nxt if ack is None else ack) % MOD
        if win is not None:
            given["window"] = win
        given.update(fields)
        template = ip_from_guest(proto=6) / TCP(**given)
        if data:
            template = template / Raw(data)
        self.f.expect(template, checks=[payload_length(len(data))] + list(checks),
                      view=relative_seq)
        end = (seq + len(data) + flag_count(flags)) % MOD
        if (end - self.rcv_nxt) % MOD < MOD // 2:
            self.rcv_nxt = end

    def expect_loosely(self, checks=(), **fields):
        """The guest's next frame is a segment of this connection with the
        given FIELDS (seq relative) and CHECKS, the rest free: for answers
        in which Linux and the RFCs allow several forms.  Nothing advances."""
        template = ip_from_guest(proto=6) / TCP(sport=self.port, dport=self.peer_port, **fields)
        self.f.expect(template, checks=list(checks), view=relative_seq)

    def tell_guest(self, after_guest=None):
        """Let pcap_tcp's next "await" step go on."""
        if after_guest is None and self.f.expected:
            after_guest = len(self.f.expected)
        self.f.send(ip_to_guest() / UDP(sport=CONTROL_PORT, dport=CONTROL_PORT) / b"go",
                    after_guest=after_guest)

    def expect_notify(self):
        """pcap_tcp's "notify" datagram: the steps before it are done, and
        their lines printed."""
        self.f.expect(ip_from_guest(proto=17) / UDP(sport=CONTROL_PORT, dport=CONTROL_PORT)
                      / Raw(b"done"))

    def handshake(self, mss=1460, win=65535):
        """Passive open by the guest: SYN, SYN-ACK, ACK (RFC 9293 3.5)."""
        self.send("S", options=[("MSS", mss)], win=win)
        self.expect("SA")
        self.send("A", win=win)

