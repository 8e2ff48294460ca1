#!/usr/bin/env python3
"""The peer for tests/test_net_virtio.sh: boots the guest on a dgram netdev,
checks the frames it sends, answers ARP and ping, and checks the guest's
/proc/net/dev.  Usage: net_virtio_peer.py PCAP_OUT.  Prints ok/not ok lines."""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

GUEST_MAC = bytes.fromhex("525400123456")
PEER_MAC = bytes.fromhex("525500000202")
BROADCAST = b"\xff" * 6
GUEST_IP = socket.inet_aton("10.0.2.15")
PEER_IP = socket.inet_aton("10.0.2.2")
ETH_ARP, ETH_IP = 0x0806, 0x0800

# The guest waits until eth0 has received the peer's two frames, then shows
# its interface counters (Linux's /proc/net/dev: "eth0: rx_bytes rx_packets ...").
GUEST_SCRIPT = """
i=0
while [ $i -lt 400 ]; do
    set -- $(grep eth0: /proc/net/dev)
    [ "${3:-0}" -ge 2 ] && [ "${11:-0}" -ge 3 ] && break
    sleep 0.05
    i=$((i + 1))
done
cat /proc/net/dev
cat /proc/net/snmp_link
"""

results = []


def check(condition, description):
    results.append(bool(condition))
    print("%s %d - %s" % ("ok" if condition else "not ok", len(results), description))
    sys.stdout.flush()


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def arp_fields(frame):
    """(operation, sender MAC, sender IP, target MAC, target IP) of a well-formed
    Ethernet/IPv4 ARP frame (RFC 826), else None."""
    if len(frame) < 42 or struct.unpack("!H", frame[12:14])[0] != ETH_ARP:
        return None
    hardware, protocol, hlen, plen, operation = struct.unpack("!HHBBH", frame[14:22])
    if (hardware, protocol, hlen, plen) != (1, ETH_IP, 6, 4):
        return None
    return (operation, frame[22:28], frame[28:32], frame[32:38], frame[38:42])


def arp_request_frame():
    body = struct.pack("!HHBBH", 1, ETH_IP, 6, 4, 1) + PEER_MAC + PEER_IP + b"\0" * 6 + GUEST_IP
    return BROADCAST + PEER_MAC + struct.pack("!H", ETH_ARP) + body + b"\0" * 18


def echo_request_frame(identifier, sequence, payload):
    icmp = struct.pack("!BBHHH", 8, 0, 0, identifier, sequence) + payload
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0x1234, 0, 64, 1, 0,
                         PEER_IP, GUEST_IP)
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return GUEST_MAC + PEER_MAC + struct.pack("!H", ETH_IP) + header + icmp


def pcap_writer(path):
    out = open(path, "wb")
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))

    def write(frame):
        now = time.time()
        out.write(struct.pack("<IIII", int(now), int(now % 1 * 1e6), len(frame), len(frame)))
        out.write(frame)
        out.flush()
    return write


def main():
    record = pcap_writer(sys.argv[1])
    work = tempfile.mkdtemp(prefix="net_virtio.")
    ours, guests = os.path.join(work, "peer"), os.path.join(work, "guest")
    peer = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    peer.bind(ours)   # bound before QEMU starts, so no frame is lost
    net = ("dgram,local.type=unix,local.path=%s,remote.type=unix,remote.path=%s"
           % (guests, ours))
    guest = subprocess.Popen(["tools/guestrun", "--timeout", "60", "--net", net, "--",
                              "sh", "-c", GUEST_SCRIPT],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    frames = []


    def receive_until(predicate, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            peer.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                frame = peer.recv(65536)
            except socket.timeout:
                break
            record(frame)
            frames.append(frame)
            answer_arp_for_peer(frame)
            if predicate(frame):
                return frame
        return None

    def send(frame):
        record(frame)
        peer.sendto(frame, guests)

    def answer_arp_for_peer(frame):
        """Plays 10.0.2.2's part when the guest resolves it (RFC 826 reply)."""
        fields = arp_fields(frame)
        if fields and fields[0] == 1 and fields[4] == PEER_IP and fields[2] != PEER_IP:
            body = (struct.pack("!HHBBH", 1, ETH_IP, 6, 4, 2) + PEER_MAC + PEER_IP
                    + fields[1] + fields[2])
            send(fields[1] + PEER_MAC + struct.pack("!H", ETH_ARP) + body + b"\0" * 18)

    # 1. The gratuitous ARP announcing the boot-time address.
    def is_announcement(frame):
        fields = arp_fields(frame)
        return fields and fields[2] == GUEST_IP and fields[4] == GUEST_IP
    announcement = receive_until(is_announcement, 20)
    check(announcement, "the guest announces 10.0.2.15 with a gratuitous ARP")
    if announcement:
        operation, sender_mac, _, _, _ = arp_fields(announcement)
        check(announcement[0:6] == BROADCAST and announcement[6:12] == GUEST_MAC,
              "  broadcast from 52:54:00:12:34:56")
        check(sender_mac == GUEST_MAC and operation in (1, 2),
              "  sender hardware address 52:54:00:12:34:56, a request or reply")

    # 2. Malformed input first: runts (the backend does not pad them) and a
    # frame larger than any receive buffer.  Then an ARP request for the
    # guest's address is answered: the device and driver still work.
    send(b"\x01")
    send(BROADCAST + PEER_MAC + b"\x08")
    send(BROADCAST + PEER_MAC + struct.pack("!H", 0x88b5) + b"\0" * 1986)
    send(arp_request_frame())
    reply = receive_until(lambda f: (arp_fields(f) or (0,))[0] == 2
                          and arp_fields(f)[4] == PEER_IP, 10)
    check(reply, "an ARP request for 10.0.2.15 gets a reply")
    if reply:
        _, sender_mac, sender_ip, target_mac, _ = arp_fields(reply)
        check(reply[0:6] == PEER_MAC and reply[6:12] == GUEST_MAC,
              "  unicast from the guest to the asker")
        check(sender_mac == GUEST_MAC and sender_ip == GUEST_IP and target_mac == PEER_MAC,
              "  10.0.2.15 is at 52:54:00:12:34:56")

    # 3. A ping reaches the stack and its reply leaves it.
    payload = bytes(range(56))
    send(echo_request_frame(0x4242, 7, payload))

    def is_echo_reply(frame):
        return (len(frame) >= 42 and struct.unpack("!H", frame[12:14])[0] == ETH_IP
                and frame[23] == 1 and frame[34] == 0)
    echo = receive_until(is_echo_reply, 10)
    check(echo, "an ICMP echo request to 10.0.2.15 gets an echo reply")
    if echo:
        header_length = (echo[14] & 0xf) * 4
        ip_header = echo[14:14 + header_length]
        icmp = echo[14 + header_length:14 + struct.unpack("!H", echo[16:18])[0]]
        check(echo[0:6] == PEER_MAC and ip_header[12:16] == GUEST_IP and ip_header[16:20] == PEER_IP,
              "  from 10.0.2.15 to 10.0.2.2")
        check(checksum(ip_header) == 0 and checksum(icmp) == 0, "  IP and ICMP checksums verify")
        check(icmp[4:8] == struct.pack("!HH", 0x4242, 7) and icmp[8:] == payload,
              "  same identifier, sequence and data")

    try:
        output, _ = guest.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        guest.kill()
        output, _ = guest.communicate()
    text = output.decode(errors="replace")
    print("# guest /proc/net/dev:\n" + "".join("#   " + line + "\n" for line in text.splitlines()))
    check(guest.returncode == 0, "the guest command exited with status 0 (%s)" % guest.returncode)
    eth0 = [line.split(":", 1)[1].split() for line in text.splitlines() if line.strip().startswith("eth0:")]
    counters = [int(x) for x in eth0[0]] if eth0 else []
    check(len(counters) == 16 and counters[1] >= 2 and counters[9] >= 3,
          "eth0 counted the peer's frames received and its own sent in /proc/net/dev")
    snmp = [line.split() for line in text.splitlines() if line.startswith("Eth:")]
    too_short = (int(snmp[1][snmp[0].index("InTooShort")])
                 if len(snmp) == 2 and "InTooShort" in snmp[0] else -1)
    check(too_short == 2, "the two runts were dropped as Eth InTooShort (%d)" % too_short)
    peer.close()
    for path in (ours, guests):
        if os.path.exists(path):
            os.unlink(path)
    os.rmdir(work)
    boot_with_ip_option(record)
    return 0 if all(results) else 1


def boot_with_ip_option(record):
    """ip=<client>::<gateway>:<netmask>::<device>:off sets the address (announced)
    and the default route (in the guest's /proc/net/route)."""
    work = tempfile.mkdtemp(prefix="net_virtio.")
    ours, guests = os.path.join(work, "peer"), os.path.join(work, "guest")
    peer = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    peer.bind(ours)
    net = ("dgram,local.type=unix,local.path=%s,remote.type=unix,remote.path=%s"
           % (guests, ours))
    guest = subprocess.Popen(["tools/guestrun", "--timeout", "60", "--net", net,
                              "--append", "ip=192.168.50.7::192.168.50.1:255.255.255.0::eth0:off",
                              "--", "cat", "/proc/net/route"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    address = socket.inet_aton("192.168.50.7")
    announced = False
    peer.settimeout(20)
    try:
        while not announced:
            frame = peer.recv(65536)
            record(frame)
            fields = arp_fields(frame)
            announced = bool(fields and fields[1] == GUEST_MAC and fields[2] == address
                             and fields[4] == address)
    except socket.timeout:
        pass
    check(announced, "with ip=192.168.50.7::192.168.50.1:255.255.255.0::eth0:off the guest "
          "announces 192.168.50.7")
    try:
        output, _ = guest.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        guest.kill()
        output, _ = guest.communicate()
    routes = [line.split() for line in output.decode(errors="replace").splitlines()]
    # /proc/net/route prints addresses as the hex of the network-order word read
    # little-endian: 192.168.50.1 is 0132A8C0.
    check(any(r[:3] == ["eth0", "00000000", "0132A8C0"] for r in routes),
          "  its default route goes via 192.168.50.1 on eth0 (/proc/net/route)")
    check(any(r[:3] == ["eth0", "0032A8C0", "00000000"] and r[7] == "00FFFFFF"
              for r in routes if len(r) > 7),
          "  and 192.168.50.0/24 is connected on eth0")
    peer.close()
    for path in (ours, guests):
        if os.path.exists(path):
            os.unlink(path)
    os.rmdir(work)


if __name__ == "__main__":
    sys.exit(main())
