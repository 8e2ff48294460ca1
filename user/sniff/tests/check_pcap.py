"""Checks a pcap written by sniff -w, reading it back with Scapy.

  check_pcap.py exchange PCAP EXCHANGE.json LINES START END
      the records are exactly the frames peer.py sent and the answers it got,
      in order, byte for byte; the -x hex dumps in LINES are the same bytes;
      timestamps lie within [START, END] seconds and never go backwards
  check_pcap.py count PCAP N
      the file holds N Ethernet records (an empty capture is a valid file)
  check_pcap.py handshake PCAP LINES
      a real handshake: [S], [S.], [.] with each side's seq acknowledged + 1
      and the windows the lines printed

Exits 1 with the first difference.
"""
import json
import logging
import re
import struct
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
import scapy.layers.l2  # noqa: E402,F401  (before rdpcap, or frames read as Raw)
from scapy.layers.inet import TCP  # noqa: E402
from scapy.utils import PcapReader  # noqa: E402


def fail(message):
    sys.exit("check_pcap.py: " + message)


def read_records(path):
    with open(path, "rb") as pcap:
        header = pcap.read(24)
    magic, major, minor, _, _, snaplen, linktype = struct.unpack("<IHHiIII", header)
    if (magic, major, minor, snaplen, linktype) != (0xA1B2C3D4, 2, 4, 65535, 1):
        fail("bad file header %s" % header.hex())
    with PcapReader(path) as reader:
        return list(reader)


def hex_dumps(lines_path):
    """The bytes of each frame's -x dump, in order."""
    dumps = []
    with open(lines_path) as lines:
        for line in lines:
            if line.startswith("\t0x"):
                dumps[-1] += bytes.fromhex(line.split(":", 1)[1])
            else:
                dumps.append(b"")
    return dumps


def check_exchange(pcap_path, exchange_path, lines_path, start, end):
    with open(exchange_path) as exchange:
        expected = [bytes.fromhex(frame) for pair in json.load(exchange) for frame in pair]
    records = read_records(pcap_path)
    if len(records) != len(expected):
        fail("%d records, expected %d" % (len(records), len(expected)))
    dumps = hex_dumps(lines_path)
    previous = 0
    for number, (record, frame, dump) in enumerate(zip(records, expected, dumps), 1):
        if bytes(record) != frame:
            fail("record %d differs from the frame on the wire:\n  %s\n  %s"
                 % (number, bytes(record).hex(), frame.hex()))
        if record.wirelen != len(frame):
            fail("record %d: wire length %s, expected %d" % (number, record.wirelen, len(frame)))
        if dump != frame:
            fail("frame %d: the -x dump differs from the frame:\n  %s\n  %s"
                 % (number, dump.hex(), frame.hex()))
        if not start <= record.time <= end or record.time < previous:
            fail("record %d: timestamp %s outside [%s, %s] or before %s"
                 % (number, record.time, start, end, previous))
        previous = record.time
    print("ok - %d records equal the frames sent and answered, byte for byte" % len(records))


def check_count(pcap_path, count):
    records = read_records(pcap_path)
    if len(records) != count:
        fail("%d records, expected %d" % (len(records), count))
    print("ok - %d records" % count)


def check_handshake(pcap_path, lines_path):
    segments = [record[TCP] for record in read_records(pcap_path)]
    if [str(s.flags) for s in segments] != ["S", "SA", "A"]:
        fail("flags %s" % [str(s.flags) for s in segments])
    syn, syn_ack, ack = segments
    if syn_ack.ack != syn.seq + 1 or ack.seq != syn.seq + 1 or ack.ack != syn_ack.seq + 1:
        fail("sequence numbers do not follow a handshake")
    with open(lines_path) as lines:
        printed = [line for line in lines if " TCP " in line]
    for segment, line in zip(segments, printed):
        fields = re.search(r"seq (\d+)(?: ack (\d+))? win (\d+) length 0$", line.rstrip())
        if not fields:
            fail("unexpected line: " + line)
        ack_field = segment.ack if "A" in str(segment.flags) else None
        if (int(fields[1]), fields[2] and int(fields[2]), int(fields[3])) != (
                segment.seq, ack_field, segment.window):
            fail("line %r does not match seq %d ack %s win %d"
                 % (line, segment.seq, ack_field, segment.window))
    print("ok - handshake seq/ack/win in the lines match the pcap")


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "exchange":
        check_exchange(args[0], args[1], args[2], float(args[3]), float(args[4]))
    elif command == "count":
        check_count(args[0], int(args[1]))
    elif command == "handshake":
        check_handshake(args[0], args[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
