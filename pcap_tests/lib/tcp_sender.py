"""The guest as a sender: its retransmission timers, read on the
recording's timestamps (RFC 6298) in terms both RFC 6298 and Linux allow,
and the segments of a fast retransmit fixture.  The first RTO after an
RTT sample depends on the guest (RFC 6298 2.4: rounded up to 1 s, a
SHOULD; Linux and Strata use 200 ms), so a backoff is checked as the
ratio of two intervals of the same recording, not as absolute times.  The guest frames are numbered from 1 among those the
expectations are about (recording.from_guest())."""

from tcp import guest

# Linux's tail loss probe (RFC 8985 7) would retransmit before the RTO;
# tcp_early_retrans = 0 turns it off.  Strata has none and accepts only 0.
NO_LOSS_PROBES = "echo 0 > /proc/sys/net/ipv4/tcp_early_retrans"


def interval(recording, a, b):
    """Seconds from the guest's A-th frame to its B-th (1-based)."""
    frames = recording.from_guest()
    return frames[b - 1].time - frames[a - 1].time


def backoff(first, second, low, high):
    """FIRST = (a, b) and SECOND = (c, d) are pairs of guest frame numbers:
    interval(c, d) is LOW to HIGH times interval(a, b) (RFC 6298 5.5: the
    timer doubles at each expiry, so two successive retransmission
    intervals have a ratio near 2)."""
    (a, b), (c, d) = first, second

    def check(frame, recording):
        base = interval(recording, a, b)
        later = interval(recording, c, d)
        ratio = later / base if base > 0 else float("inf")
        if not low <= ratio <= high:
            return ("guest frames %d->%d took %.3f s, %.2f times the %.3f s of frames "
                    "%d->%d; expected %g to %g times" % (c, d, later, ratio, base, a, b, low, high))
        return None
    return check


def within(seconds_low, seconds_high, a, b):
    """The guest's frames A to B are SECONDS_LOW to SECONDS_HIGH apart.  The
    harness stamps a frame when it reads it, which a loaded host delays by
    up to about 0.1 s (seen in CI: a SYN retransmitted 1 s after the first
    was stamped 0.94 s after it), so a lower bound leaves that much room."""
    def check(frame, recording):
        gap = interval(recording, a, b)
        if not seconds_low <= gap <= seconds_high:
            return "guest frames %d->%d are %.3f s apart, expected %g to %g s" % (
                a, b, gap, seconds_low, seconds_high)
        return None
    return check


def five_segments_then_duplicate_acks(f, peer):
    """The guest writes 500 bytes to a peer whose MSS is 100: five
    segments, all in the initial window (RFC 6928); the peer answers
    with three duplicate ACKs of the first (RFC 5681 2: no data, the same
    window)."""
    f.guest_setup = NO_LOSS_PROBES
    guest(f, "listen", 8080, "accept", "write", 500)
    peer.handshake(mss=100)
    for _ in range(5):
        peer.expect("A", 100, push_free=True)
    for _ in range(3):
        peer.send("A", ack=1)
