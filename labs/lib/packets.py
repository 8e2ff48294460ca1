"""Reading a test's recording without Scapy (the lab report runs where only
Python's standard library is sure to be): a pcap file, its index of
directions (pcap_tests/harness/recorder.h's format, also written by the
host unit tests' tap, tests/host/net_test.c), and each frame decoded as
far as Ethernet, ARP, IPv4, ICMP, UDP and TCP go, into a one-line summary
and a list of fields.  A frame too short for a header is decoded up to
there, never an error: the report must show what a broken stack sent."""
import ipaddress
import struct

PCAP_MAGIC = 0xa1b2c3d4
PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d
LINKTYPE_ETHERNET = 1
ETHERTYPES = {0x0800: "IPv4", 0x0806: "ARP", 0x86dd: "IPv6", 0x8100: "802.1Q"}
IP_PROTOCOLS = {1: "ICMP", 6: "TCP", 17: "UDP"}
ICMP_TYPES = {0: "echo-reply", 3: "dest-unreach", 4: "source-quench", 5: "redirect",
              8: "echo-request", 11: "time-exceeded", 12: "parameter-problem",
              13: "timestamp-request", 14: "timestamp-reply"}
TCP_FLAGS = "FSRPAUEC"      # bit 0 first (RFC 9293 3.1, RFC 3168 for E and C)


class PcapError(Exception):
    pass


def read_pcap(path):
    """[(seconds, bytes)] of a pcap file (either byte order, micro- or
    nanosecond timestamps); PcapError if it is not one.  A last record cut
    short (a writer stopped mid-frame) is left out."""
    with open(path, "rb") as pcap:
        data = pcap.read()
    if len(data) < 24:
        raise PcapError("%s: no pcap header" % path)
    for order in "<>":
        magic, = struct.unpack(order + "I", data[:4])
        if magic in (PCAP_MAGIC, PCAP_MAGIC_NANOSECONDS):
            break
    else:
        raise PcapError("%s: not a pcap file" % path)
    divisor = 1e9 if magic == PCAP_MAGIC_NANOSECONDS else 1e6
    linktype, = struct.unpack(order + "I", data[20:24])
    if linktype != LINKTYPE_ETHERNET:
        raise PcapError("%s: link type %d, not Ethernet" % (path, linktype))
    frames, offset = [], 24
    while offset + 16 <= len(data):
        seconds, fraction, captured, _ = struct.unpack(order + "IIII", data[offset:offset + 16])
        offset += 16
        if offset + captured > len(data):
            break
        frames.append((seconds + fraction / divisor, data[offset:offset + captured]))
        offset += captured
    return frames


def read_index(path):
    """[(number, direction, role)] of a recording's index."""
    rows = []
    with open(path) as index:
        for line in index:
            words = line.split(None, 2)
            if len(words) == 3:
                rows.append((int(words[0]), words[1], words[2].strip()))
    return rows


def mac(data):
    return ":".join("%02x" % byte for byte in data)


def ipv4(data):
    return str(ipaddress.IPv4Address(bytes(data)))


class Decoded:
    """A frame decoded: SUMMARY in a line, LAYERS [(name, [(field, value)])],
    TCP the segment's numbers (a dict) when it is TCP over IPv4, else None."""

    def __init__(self):
        self.parts, self.layers, self.tcp = [], [], None

    @property
    def summary(self):
        """The layers in a line, the Ethernet header left out when a layer
        above says more (the addresses are in the fields)."""
        return " / ".join(self.parts[1:] if len(self.parts) > 1 else self.parts)

    def layer(self, name, fields, part):
        self.layers.append((name, fields))
        self.parts.append(part)


def decode(data):
    decoded = Decoded()
    if len(data) < 14:
        decoded.layer("Raw", [("bytes", data.hex())], "runt of %d bytes" % len(data))
        return decoded
    ethertype, = struct.unpack("!H", data[12:14])
    decoded.layer("Ether", [("dst", mac(data[0:6])), ("src", mac(data[6:12])),
                            ("type", "0x%04x (%s)" % (ethertype, ETHERTYPES.get(ethertype, "?")))],
                  "Ether %s > %s" % (mac(data[6:12]), mac(data[0:6])))
    payload = data[14:]
    if ethertype == 0x0806:
        decode_arp(decoded, payload)
    elif ethertype == 0x0800:
        decode_ipv4(decoded, payload)
    elif payload:
        decoded.layer("Raw", [("length", str(len(payload)))],
                      "type 0x%04x, %d bytes" % (ethertype, len(payload)))
    return decoded


def decode_arp(decoded, data):
    """RFC 826's packet, for Ethernet and IPv4 (other sizes shown raw)."""
    if len(data) < 8:
        decoded.layer("ARP", [("bytes", data.hex())], "ARP cut short")
        return
    hardware, protocol, hardware_size, protocol_size, operation = struct.unpack("!HHBBH", data[:8])
    fields = [("hwtype", str(hardware)), ("ptype", "0x%04x" % protocol),
              ("hwlen", str(hardware_size)), ("plen", str(protocol_size)),
              ("op", "%d (%s)" % (operation, {1: "who-has", 2: "is-at"}.get(operation, "?")))]
    if hardware_size != 6 or protocol_size != 4 or len(data) < 28:
        decoded.layer("ARP", fields, "ARP op %d, addresses not Ethernet/IPv4" % operation)
        return
    sender_mac, sender_ip, target_mac, target_ip = data[8:14], data[14:18], data[18:24], data[24:28]
    fields += [("hwsrc", mac(sender_mac)), ("psrc", ipv4(sender_ip)),
               ("hwdst", mac(target_mac)), ("pdst", ipv4(target_ip))]
    if operation == 1:
        part = "ARP who has %s says %s" % (ipv4(target_ip), ipv4(sender_ip))
    elif operation == 2:
        part = "ARP %s is at %s" % (ipv4(sender_ip), mac(sender_mac))
    else:
        part = "ARP op %d" % operation
    decoded.layer("ARP", fields, part)


def decode_ipv4(decoded, data):
    if len(data) < 20:
        decoded.layer("IP", [("bytes", data.hex())], "IPv4 cut short (%d bytes)" % len(data))
        return
    version_ihl, tos, total, identification, flags_offset, ttl, protocol, checksum = \
        struct.unpack("!BBHHHBBH", data[:12])
    header = (version_ihl & 0x0f) * 4
    source, destination = ipv4(data[12:16]), ipv4(data[16:20])
    flags = "".join(name for bit, name in ((0x4000, "DF"), (0x2000, "MF")) if flags_offset & bit)
    fields = [("version", str(version_ihl >> 4)), ("ihl", str(version_ihl & 0x0f)),
              ("tos", "0x%02x" % tos), ("len", str(total)), ("id", str(identification)),
              ("flags", flags or "none"), ("frag", str(flags_offset & 0x1fff)), ("ttl", str(ttl)),
              ("proto", "%d (%s)" % (protocol, IP_PROTOCOLS.get(protocol, "?"))),
              ("chksum", "0x%04x" % checksum), ("src", source), ("dst", destination)]
    fragment = " frag %d%s" % ((flags_offset & 0x1fff) * 8, " MF" if flags_offset & 0x2000 else "")
    fragment = fragment if flags_offset & 0x3fff else ""
    decoded.layer("IP", fields, "IP %s > %s ttl %d%s" % (source, destination, ttl, fragment))
    if header < 20 or len(data) < header or flags_offset & 0x1fff:
        return
    payload = data[header:min(len(data), max(total, header))]
    if protocol == 1:
        decode_icmp(decoded, payload)
    elif protocol == 17:
        decode_udp(decoded, payload)
    elif protocol == 6:
        decode_tcp(decoded, payload, source, destination)


def decode_icmp(decoded, data):
    if len(data) < 8:
        decoded.layer("ICMP", [("bytes", data.hex())], "ICMP cut short")
        return
    kind, code, checksum, rest_high, rest_low = struct.unpack("!BBHHH", data[:8])
    fields = [("type", "%d (%s)" % (kind, ICMP_TYPES.get(kind, "?"))), ("code", str(code)),
              ("chksum", "0x%04x" % checksum)]
    part = "ICMP %s code %d" % (ICMP_TYPES.get(kind, "type %d" % kind), code)
    if kind in (0, 8, 13, 14):
        fields += [("id", str(rest_high)), ("seq", str(rest_low))]
        part += " id %d seq %d" % (rest_high, rest_low)
    else:
        fields.append(("rest", "0x%04x%04x" % (rest_high, rest_low)))
    fields.append(("payload", "%d bytes" % (len(data) - 8)))
    decoded.layer("ICMP", fields, part)


def decode_udp(decoded, data):
    if len(data) < 8:
        decoded.layer("UDP", [("bytes", data.hex())], "UDP cut short")
        return
    source, destination, length, checksum = struct.unpack("!HHHH", data[:8])
    decoded.layer("UDP", [("sport", str(source)), ("dport", str(destination)),
                          ("len", str(length)), ("chksum", "0x%04x" % checksum)],
                  "UDP %d > %d len %d" % (source, destination, length - 8))


def decode_tcp(decoded, data, source_ip, destination_ip):
    if len(data) < 20:
        decoded.layer("TCP", [("bytes", data.hex())], "TCP cut short")
        return
    source, destination, seq, ack, offset_flags, window, checksum, urgent = \
        struct.unpack("!HHIIHHHH", data[:20])
    flags = "".join(name for bit, name in enumerate(TCP_FLAGS) if offset_flags & (1 << bit))
    header = (offset_flags >> 12) * 4
    length = max(0, len(data) - header)
    decoded.layer("TCP", [("sport", str(source)), ("dport", str(destination)), ("seq", str(seq)),
                          ("ack", str(ack)), ("dataofs", str(offset_flags >> 12)),
                          ("flags", flags or "none"), ("window", str(window)),
                          ("chksum", "0x%04x" % checksum), ("urgptr", str(urgent)),
                          ("payload", "%d bytes" % length)],
                  "TCP %d > %d [%s] seq %d ack %d win %d len %d" % (
                      source, destination, flags, seq, ack, window, length))
    decoded.tcp = {"source": (source_ip, source), "destination": (destination_ip, destination),
                   "seq": seq, "ack": ack, "flags": flags, "window": window, "length": length}
