"""tools/bench's pure parts (tools/bench_harness/), tested without booting
anything; run by tests/test_bench_harness.sh.  The iperf3 JSON documents
here were recorded from real iperf3 3.12 runs on loopback in a network
namespace, each beside what the server printed in the same run (README.md
in this folder); the figures read from the JSON are checked against those
printed lines."""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from bench_harness import iperf3, memory, schedule, summary  # noqa: E402


def recording(name):
    with open(os.path.join(HERE, name)) as file:
        return file.read()


def printed_total(name, role):
    """(bitrate in bits/s as iperf3 printed it, its text, the rest of the
    line) from the whole-test line iperf3 printed for ROLE (sender or
    receiver) in the recording NAME."""
    units = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9}
    for line in recording(name).splitlines():
        match = re.match(r"^\[\s*\d+\]\s+0\.00-\S+\s+sec\s+\S+ \S?Bytes\s+(\S+) ([KMG]?)bits/sec"
                         r"(.*)%s\s*$" % role, line)
        if match:
            return float(match.group(1)) * units[match.group(2)], match.group(1), match.group(3)
    raise AssertionError("%s has no %s line" % (name, role))


def as_iperf3_prints(bits_per_second, unit):
    """A rate in UNIT (bits/s) the way iperf3 prints it: two decimals below
    10, one below 100, none above (iperf3's unit_snprintf)."""
    value = bits_per_second / unit
    return "%.2f" % value if value < 9.995 else "%.1f" % value if value < 99.95 else "%.0f" % value


class Summary(unittest.TestCase):
    def test_median_of_odd_and_even_counts(self):
        self.assertEqual(summary.median([5, 1, 3]), 3)
        self.assertEqual(summary.median([4, 1, 3, 2]), 2.5)
        self.assertEqual(summary.median([7]), 7)
        with self.assertRaises(ValueError):
            summary.median([])

    def test_cell_is_median_with_min_max(self):
        self.assertEqual(summary.cell([1500.0, 1100.0, 1200.0]), "1200.0 [1100.0-1500.0]")
        self.assertEqual(summary.cell([0.25, 0.5, 0.125, 4.0]), "0.375 [0.125-4.000]")
        self.assertEqual(summary.cell([20000.0, 12345.6]), "16173 [12346-20000]")

    def test_cell_of_one_run_or_none(self):
        self.assertEqual(summary.cell([941.25]), "941.2")
        self.assertEqual(summary.cell([]), "-")
        self.assertEqual(summary.cell(None), "-")

    def test_ratio_is_of_the_medians(self):
        # Means would give 34.33 / 1 here; the medians give 2 / 1.
        self.assertEqual(summary.ratio([1.0, 2.0, 100.0], [1.0, 1.0, 1.0], True), "2.00")
        self.assertEqual(summary.ratio([100.0, 300.0, 200.0], [400.0], True), "0.50")

    def test_ratio_of_times_is_linux_over_strata(self):
        self.assertEqual(summary.ratio([10.0], [25.0], False), "2.50")
        self.assertEqual(summary.ratio([25.0], [10.0], False), "0.40")

    def test_no_ratio_without_both_sides_or_with_a_zero(self):
        self.assertEqual(summary.ratio([3.0], [], True), "-")
        self.assertEqual(summary.ratio(None, [3.0], False), "-")
        self.assertEqual(summary.ratio([0.0, 0.0, 0.1], [1.5], False), "-")
        self.assertEqual(summary.ratio([1.5], [0.0], False), "-")

    def test_table_aligns_columns(self):
        lines = summary.table([("benchmark", "strata", "unit"),
                               ("tcp_tx", "2000.0 [1900.0-2100.0]", "Mbit/s"),
                               ("memory", "16.0", "MiB")])
        self.assertEqual(lines, [
            "benchmark  strata                  unit",
            "tcp_tx     2000.0 [1900.0-2100.0]  Mbit/s",
            "memory     16.0                    MiB",
        ])


class Schedule(unittest.TestCase):
    def jobs(self):
        return [schedule.Job("boot", ("strata", "linux"), None),
                schedule.Job("grade_arp", ("strata",), None),
                schedule.Job("iperf3", ("linux", "strata"), None)]

    def test_kernels_alternate_run_by_run(self):
        order = [(run, job.name, kernel)
                 for run, job, kernel in schedule.alternating(self.jobs(), 2)]
        self.assertEqual(order, [
            (0, "boot", "strata"), (0, "boot", "linux"), (0, "grade_arp", "strata"),
            (0, "iperf3", "strata"), (0, "iperf3", "linux"),
            (1, "boot", "strata"), (1, "boot", "linux"), (1, "grade_arp", "strata"),
            (1, "iperf3", "strata"), (1, "iperf3", "linux"),
        ])

    def test_each_figure_alternates_strata_linux(self):
        iperf3_kernels = [kernel for _, job, kernel in schedule.alternating(self.jobs(), 5)
                          if job.name == "iperf3"]
        self.assertEqual(iperf3_kernels, ["strata", "linux"] * 5)

    def test_only_the_kernels_taking_part(self):
        order = [(run, job.name, kernel) for run, job, kernel
                 in schedule.alternating(self.jobs(), 1, kernels=("linux",))]
        self.assertEqual(order, [(0, "boot", "linux"), (0, "iperf3", "linux")])


class Memory(unittest.TestCase):
    def bisect(self, needed_mib, **sizes):
        """smallest_passing against a kernel that works from NEEDED_MIB up;
        (the answer, the sizes tried in order)."""
        tried = []

        def passes(mib):
            tried.append(mib)
            return mib >= needed_mib
        return memory.smallest_passing(passes, **sizes), tried

    def test_finds_the_smallest_step_for_every_threshold(self):
        for needed in range(1, memory.HIGH_MIB + 1):
            found, tried = self.bisect(needed)
            expected = max(memory.LOW_MIB, -(-needed // memory.STEP_MIB) * memory.STEP_MIB)
            self.assertEqual(found, expected, "kernel needing %d MiB" % needed)
            self.assertEqual(found % memory.STEP_MIB, 0)
            self.assertEqual(len(tried), len(set(tried)), "a size tried twice: %s" % tried)
            # 64 sizes from 8 to 512: the largest, then at most 6 halvings.
            self.assertLessEqual(len(tried), 7, tried)
            self.assertEqual(tried[0], memory.HIGH_MIB)

    def test_none_when_even_the_largest_fails(self):
        found, tried = self.bisect(memory.HIGH_MIB + 1)
        self.assertIsNone(found)
        self.assertEqual(tried, [memory.HIGH_MIB])

    def test_other_bounds(self):
        self.assertEqual(self.bisect(70, low=16, high=128, step=16)[0], 80)
        self.assertEqual(self.bisect(1, low=16, high=128, step=16)[0], 16)
        with self.assertRaises(ValueError):
            memory.smallest_passing(lambda mib: True, low=8, high=100, step=8)


class Iperf3Json(unittest.TestCase):
    def document(self, name):
        return json.loads(recording(name))

    def test_tcp_is_the_receivers_rate_as_printed(self):
        figures = iperf3.test_figures("tcp_tx", self.document("iperf3-tcp.json"))
        self.assertEqual(list(figures), ["iperf3_tcp_tx"])
        # The server received: "4.93 GBytes  21.2 Gbits/sec  receiver".
        _, text, _ = printed_total("iperf3-tcp.server.txt", "receiver")
        self.assertEqual(as_iperf3_prints(figures["iperf3_tcp_tx"] * 1e6, 1e9), text)
        self.assertAlmostEqual(figures["iperf3_tcp_tx"], 21167.246260743847)

    def test_reverse_tcp_is_the_clients_own_count(self):
        document = self.document("iperf3-reverse.json")
        figures = iperf3.test_figures("tcp_rx", document)
        # With -R the client receives; the server printed the sender's line,
        # "4.94 GBytes  21.2 Gbits/sec  18  sender", which the receiver's
        # rate matches to the digits printed.
        _, text, _ = printed_total("iperf3-reverse.server.txt", "sender")
        self.assertEqual(as_iperf3_prints(figures["iperf3_tcp_rx"] * 1e6, 1e9), text)
        # The receiver's count, not the sender's: they differ in this run.
        end = document["end"]
        self.assertNotEqual(end["sum_sent"]["bits_per_second"],
                            end["sum_received"]["bits_per_second"])
        self.assertAlmostEqual(figures["iperf3_tcp_rx"],
                               end["sum_received"]["bits_per_second"] / 1e6)

    def test_udp_loss_and_jitter_as_printed(self):
        figures = iperf3.test_figures("udp_tx", self.document("iperf3-udp-lossy.json"))
        self.assertEqual(sorted(figures), ["iperf3_udp_tx_jitter", "iperf3_udp_tx_loss"])
        # "0.013 ms  11199/30496 (37%)  receiver"
        _, _, rest = printed_total("iperf3-udp-lossy.server.txt", "receiver")
        jitter, percent = re.match(r"^\s+(\S+) ms\s+\d+/\d+ \((\S+)%\)\s+$", rest).groups()
        self.assertEqual("%.3f" % figures["iperf3_udp_tx_jitter"], jitter)
        self.assertEqual("%.0f" % figures["iperf3_udp_tx_loss"], percent)
        # iperf3's own percentage (36.71), which is not quite 11199/30496.
        self.assertAlmostEqual(figures["iperf3_udp_tx_loss"], 36.7096076310355)

    def test_an_error_is_no_figure_even_with_status_0(self):
        # iperf3 3.12 -J exited 0 when this connection was refused.
        with self.assertRaisesRegex(ValueError, "Connection refused"):
            iperf3.test_figures("tcp_tx", self.document("iperf3-refused.json"))

    def test_guest_script_output_read_back(self):
        """The guest's script run by sh, with an iperf3 that prints the
        recordings (UDP for -u, the reverse run for -R), read back."""
        with tempfile.TemporaryDirectory() as bin_directory:
            with open(os.path.join(bin_directory, "iperf3"), "w") as fake:
                fake.write('#!/bin/sh\ncase "$*" in\n'
                           '*-u*) cat "%s/iperf3-udp-lossy.json" ;;\n'
                           '*-R*) cat "%s/iperf3-reverse.json" ;;\n'
                           '*) cat "%s/iperf3-tcp.json" ;;\nesac\n' % (HERE, HERE, HERE))
            with open(os.path.join(bin_directory, "ifconfig"), "w") as fake:
                fake.write("#!/bin/sh\necho \"ifconfig $*\"\n")
            for name in ("iperf3", "ifconfig"):
                os.chmod(os.path.join(bin_directory, name), 0o755)
            script = iperf3.guest_script("10.0.2.15", "10.0.2.2", 5)
            output = subprocess.run(
                ["sh", "-c", script], stdout=subprocess.PIPE, text=True, check=True,
                env=dict(os.environ, PATH=bin_directory + ":" + os.environ["PATH"])).stdout
        self.assertTrue(output.startswith("ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up\n"))
        figures, problems = iperf3.figures(output)
        self.assertEqual(problems, [])
        self.assertEqual(sorted(figures), sorted(name for name, _, _ in iperf3.FIGURES))
        self.assertAlmostEqual(figures["iperf3_tcp_tx"], 21167.246260743847)
        self.assertAlmostEqual(figures["iperf3_tcp_rx"], 21207.184086198925)
        self.assertAlmostEqual(figures["iperf3_udp_rx_loss"], 36.7096076310355)

    def test_guest_script_options(self):
        script = iperf3.guest_script("10.0.2.15", "10.0.2.2", 5)
        commands = [line for line in script.splitlines() if "iperf3" in line]
        self.assertEqual([re.search(r"iperf3 (.*?); echo", line).group(1) for line in commands], [
            "-c 10.0.2.2 -t 5 -J ",
            "-c 10.0.2.2 -t 5 -J -R",
            "-c 10.0.2.2 -t 5 -J -u -b 100M -l 1448",
            "-c 10.0.2.2 -t 5 -J -u -b 100M -l 1448 -R",
        ])

    def test_failed_and_missing_tests_are_problems(self):
        output = ("== tcp_tx\n%sstatus 0\n== tcp_rx\niperf3: error - unable to connect\n"
                  "status 1\n== udp_tx\n%s\nstatus 0\n" % (
                      recording("iperf3-tcp.json"), recording("iperf3-refused.json")))
        figures, problems = iperf3.figures(output)
        self.assertEqual(list(figures), ["iperf3_tcp_tx"])
        self.assertEqual(len(problems), 3, problems)
        self.assertIn("tcp_rx: iperf3 exited with status 1", problems)
        self.assertTrue(problems[1].startswith("udp_tx: iperf3 says: unable to connect"))
        self.assertIn("udp_rx: did not run", problems)

    def test_cut_off_output_is_a_problem(self):
        figures, problems = iperf3.figures("== tcp_tx\n{\n\t\"start\": {\n")
        self.assertEqual(figures, {})
        self.assertEqual(problems[0], "tcp_tx: iperf3 exited with status None")


if __name__ == "__main__":
    unittest.main()
