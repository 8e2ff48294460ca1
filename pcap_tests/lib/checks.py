"""Conditions on a guest frame that a template cannot say, read on the raw
bytes (Scapy decodes malformed frames leniently): checksums, what an ICMP
error quotes, when a frame came.  Each returns None or what is wrong."""
import struct

ETH_HEADER = 14
ETHERTYPE_IPV4 = 0x0800
IPPROTO_ICMP = 1
IPPROTO_TCP = 6
IPPROTO_UDP = 17


def ones_complement_sum(data):
    """RFC 1071: the 16-bit ones' complement sum; 0xffff over data holding a right checksum."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total > 0xffff:
        total = (total & 0xffff) + (total >> 16)
    return total


def ipv4_parts(data):
    """(header, payload) of the IPv4 datagram in an Ethernet frame, or None."""
    if len(data) < ETH_HEADER + 20 or struct.unpack("!H", data[12:14])[0] != ETHERTYPE_IPV4:
        return None
    ip = data[ETH_HEADER:]
    header_length = (ip[0] & 0x0f) * 4
    total_length = struct.unpack("!H", ip[2:4])[0]
    if header_length < 20 or total_length < header_length or total_length > len(ip):
        return None
    return ip[:header_length], ip[header_length:total_length]


def checksums(frame, recording):
    """The IPv4 header checksum (RFC 791), and the ICMP (RFC 792), TCP (RFC
    9293 3.1, always required) or UDP (RFC 768) one, which a host MUST send
    by default (RFC 1122 4.1.3.4)."""
    if len(frame.data) >= ETH_HEADER and struct.unpack("!H", frame.data[12:14])[0] != ETHERTYPE_IPV4:
        return None
    parts = ipv4_parts(frame.data)
    if parts is None:
        return "not a well-formed IPv4 datagram (lengths)"
    header, payload = parts
    if ones_complement_sum(header) != 0xffff:
        return "IP.chksum is wrong"
    protocol = header[9]
    fragment = struct.unpack("!H", header[6:8])[0] & 0x3fff
    if fragment:
        return None
    if protocol == IPPROTO_ICMP and ones_complement_sum(payload) != 0xffff:
        return "ICMP.chksum is wrong"
    if protocol == IPPROTO_TCP:
        pseudo = header[12:20] + struct.pack("!BBH", 0, IPPROTO_TCP, len(payload))
        if ones_complement_sum(pseudo + payload) != 0xffff:
            return "TCP.chksum is wrong"
    if protocol == IPPROTO_UDP and len(payload) >= 8:
        if payload[6:8] == b"\0\0":
            return "UDP.chksum is 0 (not computed)"
        pseudo = header[12:20] + struct.pack("!BBH", 0, IPPROTO_UDP, len(payload))
        if ones_complement_sum(pseudo + payload) != 0xffff:
            return "UDP.chksum is wrong"
    return None


def quotes(k, at_least=8):
    """The ICMP error quotes the IP header and at least AT_LEAST data bytes of
    the fixture's K-th frame, unchanged (RFC 792; RFC 1122 3.2.2: "the Internet
    header and at least the first 8 data octets")."""
    def check(frame, recording):
        parts = ipv4_parts(frame.data)
        original = ipv4_parts(recording.sent(k).data)
        if parts is None or original is None:
            return "no IPv4 datagram to compare"
        quoted = parts[1][8:]  # after the ICMP header
        wanted = original[0] + original[1][:at_least]
        if len(quoted) < len(wanted):
            return "the ICMP error quotes %d bytes, fewer than the %d of the IP header and %d data bytes" % (
                len(quoted), len(wanted), at_least)
        for offset, (got, want) in enumerate(zip(quoted, wanted)):
            if got != want:
                return "quoted byte %d (of the original IP datagram) is %#04x, expected %#04x" % (
                    offset, got, want)
        return None
    return check


def arrives_between(k, low, high):
    """The frame comes LOW to HIGH seconds after the fixture's K-th frame was
    sent, by the recording's timestamps: for rules that are about time."""
    def check(frame, recording):
        delay = frame.time - recording.sent(k).time
        if not low <= delay <= high:
            return "came %.2f s after fixture frame %d, expected between %g and %g s" % (
                delay, k, low, high)
        return None
    return check


def field(layer, name, predicate, wanted):
    """LAYER.NAME satisfies PREDICATE, which WANTED describes (e.g. "> 0")."""
    def check(frame, recording):
        packet = frame.packet()
        if layer not in packet:
            return "no %s layer" % layer.__name__
        value = packet[layer].getfieldval(name)
        return None if predicate(value) else "%s.%s is %r, expected %s" % (
            layer.__name__, name, value, wanted)
    return check


def after_guest_frame(n, low, high):
    """The frame comes LOW to HIGH seconds after the guest's N-th expected
    frame, by the recording's timestamps: for intervals between retries."""
    def check(frame, recording):
        earlier = recording.from_guest()[n - 1]
        delay = frame.time - earlier.time
        if not low <= delay <= high:
            return "came %.2f s after guest frame %d, expected between %g and %g s" % (
                delay, n, low, high)
        return None
    return check
