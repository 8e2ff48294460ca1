"""A test's recording: the harness's pcap read with its index (see
pcap_tests/harness/recorder.h), one RecordedFrame per frame."""
import fixture  # noqa: F401  (imports Scapy's layers before rdpcap)
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.utils import RawPcapReader

ETHER_HEADER = 14


class RecordedFrame:
    def __init__(self, number, time, direction, role, data):
        self.number = number        # Wireshark's frame number
        self.time = time            # seconds, host clock
        self.direction = direction  # "to-guest" or "from-guest"
        self.role = role            # "fixture K", "arp-answer", "end", "test", "arp-request", "boot", "announce"
        self.data = data            # the frame's bytes

    def packet(self):
        """Scapy's view of the frame: a guide only, it decodes malformed frames leniently.
        A runt, shorter than an Ethernet header, is its raw bytes: Ether cannot
        dissect it (struct.error)."""
        if len(self.data) < ETHER_HEADER:
            return Raw(self.data)
        return Ether(self.data)

    def describe(self):
        return "pcap frame %d (%s)" % (self.number, self.packet().summary())


class Recording:
    def __init__(self, pcap_path, index_path):
        self.pcap_path = pcap_path
        with open(index_path) as index:
            roles = [line.split(None, 2) for line in index if line.strip()]
        self.frames = []
        for (data, metadata), (number, direction, role) in zip(RawPcapReader(pcap_path), roles):
            time = metadata.sec + metadata.usec / 1e6
            self.frames.append(RecordedFrame(int(number), time, direction, role.strip(), data))

    def from_guest(self):
        """The guest's frames that the expectations are about (ARP requests
        for the harness's addresses, which the harness answered, are not)."""
        return [frame for frame in self.frames if frame.role == "test"]

    def sent(self, k):
        """The fixture's K-th input frame (1-based) as the harness sent it."""
        for frame in self.frames:
            if frame.role == "fixture %d" % k:
                return frame
        return None
