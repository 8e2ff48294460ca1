"""A TCP header cut short, for the fixtures that feed the guest one
(lib/malform.py makes the other malformed TCP segments: wrong checksum,
data offset, raw options)."""
import struct

from checks import ETH_HEADER
from malform import set_ip_checksum

TCP_START = ETH_HEADER + 20


def truncated_to(frame, length):
    """FRAME's datagram (20-byte IPv4 header) with only the first LENGTH
    bytes of its TCP header; IP total length and checksum follow."""
    data = bytearray(bytes(frame)[:TCP_START + length])
    data[ETH_HEADER + 2:ETH_HEADER + 4] = struct.pack("!H", 20 + length)
    return set_ip_checksum(data)
