"""Compares the pcap tcpdump wrote in the guest with QEMU's dump of the wire.

usage: compare_pcap.py GUEST_PCAP WIRE_PCAP PING_ID

Prints TAP lines (ok / not ok) and exits 1 if one fails.  The guest's file
must hold, frame for frame and byte for byte, the ICMP frames QEMU saw cross
the guest's network device (the wire also carries ARP), and they must be
ping's two echo requests and QEMU's two replies, with ping's id and
sequence numbers 0 and 1 (RFC 792: a reply carries the request's id and
sequence number).
"""
import sys

from scapy.all import ICMP, IP, PcapReader, rdpcap

guest_path, wire_path, ping_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
failures = 0


def check(description, condition):
    global failures
    print("%s - %s" % ("ok" if condition else "not ok", description))
    failures += not condition


guest = rdpcap(guest_path)
wire = [frame for frame in rdpcap(wire_path) if ICMP in frame]
check("Scapy reads %d frames from the guest's pcap (4 wanted)" % len(guest), len(guest) == 4)
with PcapReader(guest_path) as reader:
    check("the guest's pcap is Ethernet (link type %d, 1 wanted)" % reader.linktype, reader.linktype == 1)
check("QEMU saw %d ICMP frames cross (4 wanted)" % len(wire), len(wire) == 4)
check("the guest's frames are the %d ICMP frames on the wire, byte for byte" % len(wire),
      [bytes(frame) for frame in guest] == [bytes(frame) for frame in wire])
expected = [(8, 0, "10.0.2.15"), (0, 0, "10.0.2.2"), (8, 1, "10.0.2.15"), (0, 1, "10.0.2.2")]
seen = [(frame[ICMP].type, frame[ICMP].seq, frame[IP].src) for frame in guest if ICMP in frame]
check("echo request, reply, request, reply with sequence numbers 0, 0, 1, 1: %s" % seen,
      seen == expected)
ids = [frame[ICMP].id for frame in guest if ICMP in frame]
check("every frame carries ping's id %d: %s" % (ping_id, ids), ids == [ping_id] * 4)
sys.exit(failures != 0)
