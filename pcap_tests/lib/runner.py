"""Running one fixture: its frames built with Scapy, the harness started
with the guest, the recording checked.  pcap_tests/run and the lab grader
(labs/grade) both run fixtures through run_fixture."""
import importlib.util
import os
import signal
import subprocess

import counters
import fixture
from recording import Recording
from scapy.utils import RawPcapWriter
from verdict import verdict

LIB = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LIB))
HARNESS = os.path.join(ROOT, "build", "pcap_tests", "harness")
GUEST_PROGRAM = os.path.join(ROOT, "build", "pcap_tests", "pcap_guest")
# The peers a fixture's guest_setup may start (pcap_tests/guest/): each is
# put in the guest's /bin when guest_setup names it.
GUEST_PEERS = [os.path.join(ROOT, "build", "pcap_tests", name)
               for name in ("packet_echo", "raw_echo", "pcap_tcp", "multicast_member")]
RUNNERS = {"strata": os.path.join(ROOT, "tools", "guestrun"),
           "linux": os.path.join(ROOT, "tools", "linuxrun")}
# Linux would otherwise send IPv6 router solicitations and MLD reports
# nobody asked for; Strata has no IPv6.
EXTRA_APPEND = {"strata": "", "linux": "ipv6.disable=1"}
NETWORK_SETUP = "ifconfig eth0 %s netmask 255.255.255.0 up" % fixture.GUEST_IP
BOOT_ALLOWANCE_S = 120
DLT_EN10MB = 1


class FixtureRun:
    """What one run of a fixture left: PROBLEM is None when it passed, else
    the first divergence in words; BUILT, RECORDING and SNAPSHOTS (the
    guest's counters before and after) are there as far as the run got."""

    def __init__(self, name, prefix):
        self.name = name
        self.prefix = prefix            # every file of the run is PREFIX.*
        self.problem = None
        self.built = None
        self.recording = None
        self.snapshots = {}
        self.guest_stderr = ""

    @property
    def pcap(self):
        return self.prefix + ".pcap"


def load_fixture(path):
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = fixture.Fixture(name)
    built.rule = (module.__doc__ or "").strip()
    module.build(built)
    return built


def guest_command(guest, built):
    steps = [NETWORK_SETUP] + ([built.guest_setup] if built.guest_setup else []) + ["exec pcap_guest"]
    command = [RUNNERS[guest],
               "--timeout", str(built.timeout_ms / 1000 + BOOT_ALLOWANCE_S),
               "--net", "dgram,local.type=fd,local.str=@FD@", "--pass-fd", "@FD@",
               "--add", GUEST_PROGRAM + ":/bin/pcap_guest"]
    for peer in GUEST_PEERS:
        if os.path.basename(peer) in built.guest_setup.split():
            command += ["--add", "%s:/bin/%s" % (peer, os.path.basename(peer))]
    if EXTRA_APPEND[guest]:
        command += ["--append", EXTRA_APPEND[guest]]
    return command + ["--", "sh", "-c", " && ".join(steps)]


def run_harness(command, log_path, bound_s):
    """Runs the harness (and the guest under it) in a process group of its
    own, so that past BOUND_S seconds all of it can be stopped; its exit
    status, or None when it ran past the bound."""
    with open(log_path, "w") as messages:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=messages,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            return process.wait(timeout=bound_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return None


def run_fixture(path, guest="strata", out=None, allowance_s=None):
    """Runs the fixture at PATH on GUEST, leaving its files in OUT; a FixtureRun.
    With ALLOWANCE_S the run may take the fixture's timeout plus that many
    seconds, and is stopped after (the guest's own timeout is the fixture's
    plus a boot allowance, but a guest kernel that hangs may never see it)."""
    name = os.path.splitext(os.path.basename(path))[0]
    run = FixtureRun(name, os.path.join(out, name))
    try:
        run.built = built = load_fixture(path)
    except Exception as error:  # a broken fixture fails alone, the others still run
        run.problem = "the fixture script failed: %s: %s" % (type(error).__name__, error)
        return run
    prefix = run.prefix
    bound_s = built.timeout_ms / 1000 + allowance_s if allowance_s is not None else None
    # Raw bytes: a malformed frame must reach the guest as the fixture made it.
    with RawPcapWriter(prefix + ".input.pcap", linktype=DLT_EN10MB) as writer:
        for frame, _ in built.sends:
            writer.write(frame)
    with open(prefix + ".script", "w") as script:
        script.write(built.script())
    for stale in (".pcap", ".frames", ".guest"):
        if os.path.exists(prefix + stale):
            os.remove(prefix + stale)
    status = run_harness(
        [HARNESS, "--script", prefix + ".script", "--input", prefix + ".input.pcap",
         "--pcap", prefix + ".pcap", "--index", prefix + ".frames",
         "--guest-log", prefix + ".guest", "--"] + guest_command(guest, built),
        prefix + ".harness", bound_s)
    read_what_was_left(run)
    if status is None:
        run.problem = "no answer after %d s" % round(bound_s)
    elif status != 0:
        last = run.guest_stderr.strip().splitlines()[-1:]
        run.problem = "the harness failed (status %d): %s" % (status, last[0] if last else "no message")
    else:
        run.problem = verdict(built, run.recording, run.snapshots, run.guest_stderr)
    return run


def read_what_was_left(run):
    """The guest's counters, the messages and the recording, as far as the
    run got: a run stopped at its bound or by a harness error still shows
    its frames in the step trace."""
    prefix = run.prefix
    if os.path.exists(prefix + ".guest"):
        with open(prefix + ".guest", errors="replace") as log:
            run.snapshots = counters.parse_guest_log(log.read())
    # The guest's stderr (pcap_tcp's lines) is in the harness's messages.
    if os.path.exists(prefix + ".harness"):
        with open(prefix + ".harness", errors="replace") as messages:
            run.guest_stderr = messages.read()
    if os.path.exists(prefix + ".pcap") and os.path.exists(prefix + ".frames"):
        try:
            run.recording = Recording(prefix + ".pcap", prefix + ".frames")
        except Exception:  # a pcap cut short by a stopped harness
            run.recording = None
