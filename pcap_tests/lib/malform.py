"""Byte surgery on well-formed frames (Ethernet + IPv4, from Scapy), for the
fixtures that feed the guest what Scapy would not build, or would "fix"."""
import struct

from checks import ETH_HEADER, ones_complement_sum


def ip_header_checksum(header):
    """RFC 791: the ones' complement of the ones' complement sum of the header."""
    header = header[:10] + b"\0\0" + header[12:]
    return 0xffff - ones_complement_sum(header)


def set_ip_checksum(data, checksum=None):
    """DATA with the IP header checksum set to CHECKSUM, or recomputed."""
    data = bytearray(data)
    header_length = (data[ETH_HEADER] & 0x0f) * 4
    if checksum is None:
        checksum = ip_header_checksum(bytes(data[ETH_HEADER:ETH_HEADER + header_length]))
    data[ETH_HEADER + 10:ETH_HEADER + 12] = struct.pack("!H", checksum)
    return bytes(data)


def with_wrong_ip_checksum(frame):
    """FRAME with an IP header checksum that is not the right one."""
    data = set_ip_checksum(bytes(frame))
    right = struct.unpack("!H", data[ETH_HEADER + 10:ETH_HEADER + 12])[0]
    return set_ip_checksum(data, right ^ 0x5a5a)


def with_ip_options(frame, options):
    """FRAME with OPTIONS (bytes, a multiple of 4) after its 20-byte IP header;
    IHL, total length and header checksum follow, the rest is unchanged."""
    assert len(options) % 4 == 0
    data = bytearray(bytes(frame))
    ip = ETH_HEADER
    data[ip] = 0x40 | (5 + len(options) // 4)
    total_length = struct.unpack("!H", data[ip + 2:ip + 4])[0] + len(options)
    data[ip + 2:ip + 4] = struct.pack("!H", total_length)
    data[ip + 20:ip + 20] = options
    return set_ip_checksum(data)


def with_udp_checksum(frame, checksum):
    """FRAME (Ethernet, 20-byte IPv4 header, UDP) with the UDP checksum field set to CHECKSUM."""
    data = bytearray(bytes(frame))
    data[ETH_HEADER + 20 + 6:ETH_HEADER + 20 + 8] = struct.pack("!H", checksum)
    return bytes(data)


def set_tcp_checksum(data, checksum=None):
    """DATA (Ethernet, 20-byte IPv4 header, TCP) with the TCP checksum set
    to CHECKSUM, or recomputed over the pseudo-header (RFC 9293 3.1)."""
    data = bytearray(data)
    ip = ETH_HEADER
    total_length = struct.unpack("!H", data[ip + 2:ip + 4])[0]
    segment = ip + 20
    if checksum is None:
        data[segment + 16:segment + 18] = b"\0\0"
        pseudo = bytes(data[ip + 12:ip + 20]) + struct.pack("!BBH", 0, 6, total_length - 20)
        checksum = 0xffff - ones_complement_sum(pseudo + bytes(data[segment:ip + total_length]))
    data[segment + 16:segment + 18] = struct.pack("!H", checksum)
    return bytes(data)


def with_wrong_tcp_checksum(frame):
    """FRAME (a TCP segment) with a TCP checksum that is not the right one."""
    data = set_tcp_checksum(bytes(frame))
    right = struct.unpack("!H", data[ETH_HEADER + 20 + 16:ETH_HEADER + 22 + 16])[0]
    return set_tcp_checksum(data, right ^ 0x5a5a)


def with_tcp_data_offset(frame, words):
    """FRAME (a TCP segment) with its data offset field set to WORDS, the
    rest unchanged, the TCP checksum recomputed."""
    data = bytearray(bytes(frame))
    offset = ETH_HEADER + 20 + 12
    data[offset] = (words << 4) | (data[offset] & 0x0f)
    return set_tcp_checksum(data)


def with_tcp_options(frame, options):
    """FRAME (a TCP segment with a 20-byte header) with the bytes OPTIONS
    (a multiple of 4, left as given, however malformed) after its header;
    data offset, IP total length and both checksums follow."""
    assert len(options) % 4 == 0
    data = bytearray(bytes(frame))
    ip, tcp = ETH_HEADER, ETH_HEADER + 20
    data[tcp + 20:tcp + 20] = options
    data[tcp + 12] = ((5 + len(options) // 4) << 4) | (data[tcp + 12] & 0x0f)
    total_length = struct.unpack("!H", data[ip + 2:ip + 4])[0] + len(options)
    data[ip + 2:ip + 4] = struct.pack("!H", total_length)
    return set_tcp_checksum(set_ip_checksum(data))
