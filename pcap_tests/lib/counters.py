"""The guest's network counters, as pcap_guest prints them before and after a
test: Linux's /proc/net/snmp and /proc/net/netstat (pairs of lines, a
"Section: Name Name ..." header then "Section: value value ...") and
/proc/net/dev (two header lines, then "iface: 8 rx fields 8 tx fields")."""

DEV_FIELDS = ["bytes", "packets", "errs", "drop", "fifo", "frame", "compressed", "multicast"]
DEV_TX_FIELDS = ["bytes", "packets", "errs", "drop", "fifo", "colls", "carrier", "compressed"]


def parse_pairs(lines, counters):
    for header, values in zip(lines[0::2], lines[1::2]):
        section, _, names = header.partition(":")
        _, _, numbers = values.partition(":")
        for name, number in zip(names.split(), numbers.split()):
            counters["%s.%s" % (section.strip(), name)] = int(number)


def parse_dev(lines, counters):
    for line in lines[2:]:
        iface, _, numbers = line.partition(":")
        numbers = [int(n) for n in numbers.split()]
        names = ["rx_" + n for n in DEV_FIELDS] + ["tx_" + n for n in DEV_TX_FIELDS]
        for name, number in zip(names, numbers):
            counters["%s.%s" % (iface.strip(), name)] = number


def parse_snapshot(lines):
    """Lines between "PCAP-COUNTERS when" and the next marker -> {name: value}, missing files."""
    counters, missing, files, current = {}, [], {}, None
    for line in lines:
        if line.startswith("== "):
            path = line[3:].split()[0]
            if line.endswith(" missing"):
                missing.append(path)
                current = None
            else:
                current = files.setdefault(path, [])
        elif current is not None and line.strip():
            current.append(line)
    for path, file_lines in files.items():
        (parse_dev if path.endswith("/dev") else parse_pairs)(file_lines, counters)
    return counters, missing


def parse_guest_log(text):
    """{"before": (counters, missing), "after": (...)} from the guest's output."""
    snapshots, current = {}, None
    for line in text.splitlines():
        if line.startswith("PCAP-COUNTERS "):
            current = snapshots.setdefault(line.split()[1], [])
        elif line in ("PCAP-READY", "PCAP-DONE"):
            current = None
        elif current is not None:
            current.append(line)
    return {when: parse_snapshot(lines) for when, lines in snapshots.items()}
