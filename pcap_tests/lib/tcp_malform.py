"""Byte surgery on TCP segments (Ethernet + 20-byte IPv4 header + TCP, from
Peer.segment()), for the fixtures that feed the guest segments Scapy would
not build or would "fix": wrong checksums, bad data offsets, options with
bad lengths, headers cut short.  The TCP checksum is computed over the
ack field as built; the harness's rebasing of the ack keeps a right
checksum right and a wrong one wrong (RFC 1624)."""
import struct

from checks import ETH_HEADER, IPPROTO_TCP, ones_complement_sum
from malform import set_ip_checksum

TCP_START = ETH_HEADER + 20


def _ip_total_length(data):
    return struct.unpack("!H", data[ETH_HEADER + 2:ETH_HEADER + 4])[0]


def with_tcp_checksum(frame, checksum=None):
    """FRAME with the TCP checksum set to CHECKSUM, or computed over the
    pseudo-header and the segment as the IP total length delimits it."""
    data = bytearray(bytes(frame))
    end = ETH_HEADER + _ip_total_length(data)
    data[TCP_START + 16:TCP_START + 18] = b"\0\0"
    if checksum is None:
        segment = bytes(data[TCP_START:end])
        pseudo = bytes(data[ETH_HEADER + 12:ETH_HEADER + 20]) + struct.pack(
            "!BBH", 0, IPPROTO_TCP, len(segment))
        checksum = 0xffff - ones_complement_sum(pseudo + segment)
    data[TCP_START + 16:TCP_START + 18] = struct.pack("!H", checksum)
    return bytes(data)


def with_wrong_tcp_checksum(frame):
    """FRAME with a TCP checksum that is not the right one."""
    right = struct.unpack("!H", with_tcp_checksum(frame)[TCP_START + 16:TCP_START + 18])[0]
    return with_tcp_checksum(frame, right ^ 0x5a5a)


def with_data_offset(frame, words):
    """FRAME with the TCP data offset set to WORDS (32-bit words), the
    checksum right for the bytes as they are."""
    data = bytearray(bytes(frame))
    data[TCP_START + 12] = (words << 4) | (data[TCP_START + 12] & 0x0f)
    return with_tcp_checksum(data)


def with_raw_options(frame, options):
    """FRAME with OPTIONS (bytes, padded here with End of Option List to a
    multiple of 4) as its TCP options, replacing any; data offset, IP total
    length and both checksums follow."""
    options = bytes(options) + b"\0" * (-len(options) % 4)
    data = bytearray(bytes(frame))
    old_header = (data[TCP_START + 12] >> 4) * 4
    data[TCP_START + 20:TCP_START + old_header] = options
    data[TCP_START + 12] = ((20 + len(options)) // 4) << 4 | (data[TCP_START + 12] & 0x0f)
    total = _ip_total_length(data) - old_header + 20 + len(options)
    data[ETH_HEADER + 2:ETH_HEADER + 4] = struct.pack("!H", total)
    return with_tcp_checksum(set_ip_checksum(data))


def truncated_to(frame, length):
    """FRAME's datagram with only the first LENGTH bytes of its TCP header
    (IP total length and checksum follow)."""
    data = bytearray(bytes(frame)[:TCP_START + length])
    data[ETH_HEADER + 2:ETH_HEADER + 4] = struct.pack("!H", 20 + length)
    return set_ip_checksum(data)
