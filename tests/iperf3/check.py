#!/usr/bin/env python3
"""Judge tests/test_iperf3.sh's runs from the JSON its iperf3 clients wrote.

usage: tests/iperf3/check.py OUTPUT_DIR RUN...

OUTPUT_DIR holds guest.out (the guest's stdout: sections opened by
"== client-RUN" or "== server-RUN", each ended by "status N") and, for each
RUN, host-client-RUN.json and host-client-RUN.err (the host's client, its
last line "status N").  RUN is tcp, reverse, parallel, bidir or udp.  Prints
TAP lines and the figures (as "#" lines, never judged); exits 1 if a check
failed.
"""
import json
import os
import re
import sys

# A generous bound: on an idle tap neither kernel loses more than a few per
# cent at 100 Mbit/s; more than this means datagrams go missing in the stack.
UDP_LOSS_BOUND_PERCENT = 20


class Checks:
    def __init__(self):
        self.number = 0
        self.failures = 0

    def check(self, description, passed, why=""):
        self.number += 1
        if passed:
            print(f"ok {self.number} - {description}")
        else:
            self.failures += 1
            print(f"not ok {self.number} - {description}" + (f" ({why})" if why else ""))


def guest_sections(text):
    """The guest's stdout cut at its "== NAME" lines: {NAME: text}."""
    sections = {}
    name = None
    for line in text.splitlines(keepends=True):
        match = re.match(r"^== (\S+)$", line.rstrip("\n"))
        if match:
            name = match.group(1)
            sections[name] = ""
        elif name is not None:
            sections[name] += line
    return sections


def split_status(text):
    """(the text before the last "status N" line, N), or (text, None)."""
    match = re.search(r"^status (\d+)\s*\Z", text, re.M)
    if not match:
        return text, None
    return text[:match.start()], int(match.group(1))


def read(path):
    """PATH's text, or "" when the run never wrote it."""
    try:
        with open(path, errors="replace") as file:
            return file.read()
    except FileNotFoundError:
        return ""


def parse_json(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def local_streams(document):
    """Every interval's per-stream records of the side that wrote DOCUMENT."""
    return [stream for interval in document.get("intervals", []) for stream in interval["streams"]]


def judge(checks, who, run, document, status):
    """The checks of one run, from the client's JSON; returns its figures."""
    checks.check(f"{who}, {run}: iperf3 exits 0", status == 0, f"status {status}")
    if document is None:
        checks.check(f"{who}, {run}: iperf3 wrote JSON", False, "no JSON")
        return []
    checks.check(f"{who}, {run}: no error", "error" not in document, document.get("error", ""))
    end = document.get("end", {})
    streams = local_streams(document)
    sending = {stream["sender"] for stream in streams if stream["bytes"] > 0}
    if run == "bidir":
        checks.check(f"{who}, {run}: the client both sent and received, by its own count",
                     sending == {True, False}, f"directions with data: {sending}")
        for key in ("sum_sent", "sum_received", "sum_sent_bidir_reverse",
                    "sum_received_bidir_reverse"):
            moved = end.get(key, {}).get("bytes", 0)
            checks.check(f"{who}, {run}: {key} counted data", moved > 0, f"{moved} bytes")
    else:
        client_sends = run != "reverse"
        checks.check(f"{who}, {run}: data went the expected way, client "
                     + ("to server" if client_sends else "from server"),
                     sending == {client_sends}, f"directions with data: {sending}")
    if run == "udp":
        total = end.get("sum", {})
        lost = total.get("lost_percent")
        checks.check(f"{who}, {run}: the receiver counted datagrams", total.get("packets", 0) > 0,
                     f"{total.get('packets')} packets")
        checks.check(f"{who}, {run}: less than {UDP_LOSS_BOUND_PERCENT}% lost",
                     lost is not None and lost < UDP_LOSS_BOUND_PERCENT, f"lost {lost}%")
        checks.check(f"{who}, {run}: jitter reported",
                     isinstance(total.get("jitter_ms"), (int, float)) and total["jitter_ms"] >= 0,
                     f"jitter_ms {total.get('jitter_ms')}")
        if lost is None:
            return [f"{who}, udp: no figures"]
        return [f"{who}, udp: {total.get('bits_per_second', 0) / 1e6:.1f} Mbit/s, "
                f"lost {total.get('lost_packets')}/{total.get('packets')} ({lost:.2f}%), "
                f"jitter {total.get('jitter_ms', 0):.3f} ms"]
    wanted = 2 if run == "bidir" else 4 if run == "parallel" else 1
    ends = end.get("streams", [])
    checks.check(f"{who}, {run}: {wanted} stream(s) reported", len(ends) == wanted,
                 f"{len(ends)} streams")
    for number, stream in enumerate(ends, 1):
        received = stream.get("receiver", {}).get("bytes", 0)
        checks.check(f"{who}, {run}: stream {number} carried data to its receiver", received > 0,
                     f"{received} bytes")
    figures = []
    for key in ("sum_sent", "sum_sent_bidir_reverse"):
        if key in end:
            sent = end[key]
            received = end[key.replace("sent", "received")]
            figures.append(f"{who}, {run}, {key}: {sent['bits_per_second'] / 1e6:.0f} Mbit/s "
                           f"sent, {received['bits_per_second'] / 1e6:.0f} Mbit/s received, "
                           f"{sent.get('retransmits', '?')} retransmits")
    sent = [stream for stream in streams if stream["sender"] and "snd_cwnd" in stream]
    if sent:
        windows = [stream["snd_cwnd"] for stream in sent]
        round_trips = [stream["rtt"] for stream in sent]
        figures.append(f"{who}, {run}: the client's Cwnd (per stream, per interval) "
                       f"{min(windows) / 1024:.0f} to {max(windows) / 1024:.0f} KBytes, "
                       f"smoothed RTT {min(round_trips) / 1000:.2f} to "
                       f"{max(round_trips) / 1000:.2f} ms")
    return figures


def server_windows(run, text):
    """The Cwnd column of the guest server's interval lines, when it sent (TCP)."""
    units = {"K": 1, "M": 1024, "G": 1024 * 1024}
    windows = [float(size) * units[unit] for size, unit in re.findall(
        r"sec\s+\S+ \S?Bytes\s+\S+ \S?bits/sec\s+\d+\s+([\d.]+) ([KMG])Bytes", text)]
    if not windows:
        return []
    return [f"guest server, {run}: the server's Cwnd (per stream, per interval) "
            f"{min(windows):.0f} to {max(windows):.0f} KBytes"]


def main():
    directory, runs = sys.argv[1], sys.argv[2:]
    checks = Checks()
    figures = []
    sections = guest_sections(read(os.path.join(directory, "guest.out")))
    for run in runs:
        text, status = split_status(sections.get(f"client-{run}", ""))
        figures += judge(checks, "guest client", run, parse_json(text), status)
    for run in runs:
        path = os.path.join(directory, f"host-client-{run}")
        _, status = split_status(read(path + ".err"))
        document = parse_json(read(path + ".json"))
        figures += judge(checks, "guest server", run, document, status)
        server_text, server_status = split_status(sections.get(f"server-{run}", ""))
        figures += server_windows(run, server_text)
        checks.check(f"guest server, {run}: the guest's iperf3 -s -1 exits 0",
                     server_status == 0, f"status {server_status}")
    checks.check("the guest script ran to its end", "end" in sections)
    drops = re.search(r"^eth0 receive drops (\d+)$", sections.get("end", ""), re.M)
    checks.check("the guest dropped none of the frames it received (eth0 in /proc/net/dev)",
                 drops and drops.group(1) == "0", drops.group(1) if drops else "no count")
    guest_status = re.search(r"^guest status (\d+)$", sections.get("end", ""), re.M)
    checks.check("the guest exited with status 0", guest_status and guest_status.group(1) == "0")
    for figure in figures:
        print(f"# {figure}")
    print(f"{checks.number} checks, {checks.failures} failed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
