"""Steps many TCP fixtures share, on top of lib/tcp.py's Peer: a guest
that closes first, a segment the guest must not take, and the check that a
connection still carries data after one."""
from tcp import Peer, guest

# pcap_tcp's steps for a guest that accepts on 8080, then reads once when
# told (Peer.tell_guest) and says so (Peer.expect_notify).
ACCEPT_THEN_READ = ("listen", 8080, "accept", "await", "read", 100, "notify")


def accept_then_read(f):
    guest(f, *ACCEPT_THEN_READ)


def guest_closes_first(f):
    """The guest accepts a connection on 8080 and, when told, closes it (an
    active close, RFC 9293 3.6 case 1): its FIN, in FIN-WAIT-1, is the last
    frame expected.  Returns the Peer."""
    guest(f, "listen", 8080, "accept", "await", "close")
    peer = Peer(f, 8080)
    peer.handshake()
    peer.tell_guest()
    peer.expect("FA")
    return peer


def send_aside(peer, flags, data=b"", **fields):
    """Send a segment the guest must not take (a reset, a SYN, a segment
    it must drop): the peer's snd_nxt stays where it was.  Returns the
    frame's number K among the fixture's."""
    nxt = peer.snd_nxt
    k = peer.send(flags, data, **fields)
    peer.snd_nxt = nxt
    return k


def still_delivers(f, peer, data=b"still here"):
    """The connection carries on: DATA (ASCII) is acknowledged, and the
    guest's read (accept_then_read) returns exactly it, once."""
    peer.send("PA", data)
    peer.expect("A")
    peer.tell_guest()
    peer.expect_notify()
    f.guest_says('TCP read %d "%s"' % (len(data), data.decode()))


def still_closed(f, peer, line):
    """After a reset the guest took silently (a probe shows the silence),
    its next call (accept_then_read's read, or a write) reports LINE."""
    f.probe(1)
    peer.tell_guest()
    peer.expect_notify()
    f.guest_says(line)
