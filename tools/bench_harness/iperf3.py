"""iperf3 beside Linux: the guest's script, and the figures read from the
JSON that the guest's iperf3 prints.

The guest runs Debian's iperf3 (3.12, as the host's) as the client of the
host's, one test after another; each test's output is opened by a line
"== NAME" and closed by "status N", iperf3's exit status.  With -J a test's
output is one JSON document.  iperf3 can exit 0 and still have failed (it
does when the connection is refused): its document then has "error".

What is read, from "end", which iperf3 fills once a test is over:
  TCP  end.sum_received.bits_per_second: the rate the receiver counted (the
       host's for guest -> host, the guest's own with -R), what iperf3 prints
       on its "receiver" line; the sender's count also holds what was still
       in flight when it stopped.
  UDP  end.sum_received.lost_percent and .jitter_ms: the datagrams the
       receiver found missing, and RTP's smoothed interarrival jitter (RFC
       3550 section 6.4.1), as iperf3 prints them on its "receiver" line.
"""
import json
import re

UDP_RATE = "100M"
# One datagram per 1500-byte frame (1448 + 8 + 20 = 1476 bytes), the same on
# both kernels: without -l, iperf3 takes the MSS of its control connection,
# which need not be the same on the two.
UDP_LENGTH = 1448
# name, iperf3's options beside -c ADDRESS -t SECONDS -J
TESTS = [
    ("tcp_tx", ""),
    ("tcp_rx", "-R"),
    ("udp_tx", "-u -b %s -l %d" % (UDP_RATE, UDP_LENGTH)),
    ("udp_rx", "-u -b %s -l %d -R" % (UDP_RATE, UDP_LENGTH)),
]
# name, unit, higher is better: what the tests yield, in the table's order
FIGURES = [
    ("iperf3_tcp_tx", "Mbit/s", True),
    ("iperf3_tcp_rx", "Mbit/s", True),
    ("iperf3_udp_tx_loss", "%", False),
    ("iperf3_udp_tx_jitter", "ms", False),
    ("iperf3_udp_rx_loss", "%", False),
    ("iperf3_udp_rx_jitter", "ms", False),
]
SECTION = re.compile(r"^== (\S+)$")
STATUS = re.compile(r"^status (\d+)$")


def guest_script(guest_address, server_address, seconds):
    """The shell script the guest runs: eth0 given its address (Linux's comes
    up without one), then the tests."""
    lines = ["ifconfig eth0 %s netmask 255.255.255.0 up" % guest_address]
    for name, options in TESTS:
        lines.append("echo '== %s'; iperf3 -c %s -t %d -J %s; echo \"status $?\"" % (
            name, server_address, seconds, options))
    return "\n".join(lines) + "\n"


def sections(text):
    """{NAME: (the section's text, its status or None)} of the guest's output."""
    found = {}
    name = None
    for line in text.splitlines():
        match = SECTION.match(line)
        if match:
            name = match.group(1)
            found[name] = []
        elif name is not None:
            found[name].append(line)
    result = {}
    for name, lines in found.items():
        while lines and not lines[-1].strip():
            lines.pop()
        status = None
        if lines:
            match = STATUS.match(lines[-1])
            if match:
                status = int(match.group(1))
                lines.pop()
        result[name] = ("\n".join(lines), status)
    return result


def test_figures(name, document):
    """The figures of test NAME (one of TESTS) from its JSON document; raises
    ValueError saying why there are none."""
    if "error" in document:
        raise ValueError("iperf3 says: %s" % document["error"])
    received = document.get("end", {}).get("sum_received")
    if not received:
        raise ValueError("its JSON has no end.sum_received")
    if name.startswith("tcp_"):
        return {"iperf3_" + name: received["bits_per_second"] / 1e6}
    return {"iperf3_%s_loss" % name: float(received["lost_percent"]),
            "iperf3_%s_jitter" % name: float(received["jitter_ms"])}


def figures(text):
    """(figures, problems) from the guest's output: a figure for each test
    that ran to its end, and a sentence for each that did not."""
    found, problems = {}, []
    parts = sections(text)
    for name, _ in TESTS:
        if name not in parts:
            problems.append("%s: did not run" % name)
            continue
        body, status = parts[name]
        if status != 0:
            problems.append("%s: iperf3 exited with status %s" % (name, status))
            continue
        try:
            found.update(test_figures(name, json.loads(body)))
        except (ValueError, KeyError, TypeError) as error:
            problems.append("%s: %s" % (name, error))
    return found, problems
