#!/usr/bin/env python3
"""`make run`'s network as a student meets it: the Makefile's own run and gdb
targets, driven on their console, with nothing set up beforehand.

usage: tests/run_network.py EVIDENCE_DIR
       tests/run_network.py serve ADDRESS PORT BODY   (the tap part's peer)

  1. make run, as an unprivileged user when we are root: eth0 is UP at
     10.0.2.15, `ping -c 2 10.0.2.2` gets 2 replies, and wget fetches a file
     from an HTTP server this script runs on the host's 127.0.0.1 (in QEMU's
     user networking a connection to 10.0.2.2 reaches the host's loopback).
  2. make run FWD=PORT:80: busybox httpd in the guest answers the host's
     127.0.0.1:PORT.
  3. make gdb: the same devices, once a debugger says continue.
  4. Root only: make run NET=tap beside tools/netns-peer's tap in a private
     network namespace, the namespace's Linux answering ping and serving the
     file; a tap that belongs to another user is refused with a clear error.
  5. A tap that does not exist and a malformed FWD are refused with a clear
     error before QEMU starts.
All traffic stays on the host's loopback or inside that namespace.  The
build must be current (`make test` builds first): nobody cannot rebuild it.
Prints "ok - ..." / "not ok - ..." lines; exits 1 if any check failed.
"""
import http.server
import os
import re
import secrets
import shutil
import socket
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from console import PROMPT, Console  # noqa: E402

BOOT_TIMEOUT = 60
FILE_NAME = "/file"
failures = 0


def check(description, ok):
    global failures
    print(("ok - " if ok else "not ok - ") + description)
    failures += 0 if ok else 1


class FileServer(http.server.ThreadingHTTPServer):
    """Serves body at FILE_NAME and 404 elsewhere; notes each request's (client, path)."""

    def __init__(self, address, body):
        self.body = body.encode()
        self.requests = []
        super().__init__(address, FileHandler)


class FileHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append((self.client_address[0], self.path))
        if self.path != FILE_NAME:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)

    def log_message(self, format, *args):
        pass


def serve(address, port, body):
    """The peer in tools/netns-peer's namespace: READY once bound, then serve until killed."""
    server = FileServer((address, int(port)), body)
    print("READY", flush=True)
    server.serve_forever()


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_environment():
    """Ours without what would steer the inner make: the outer make's flags
    (`make test` runs us) and the variables the run target reads."""
    environment = dict(os.environ)
    for name in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "NET", "TAP", "FWD", "GDB_PORT"):
        environment.pop(name, None)
    return environment


def make(target, *variables):
    return ["make", "--no-print-directory", target] + list(variables)


def unprivileged():
    """As root we can be nobody, as on a student's laptop, with setpriv(1)."""
    return os.geteuid() == 0 and shutil.which("setpriv") is not None


def as_unprivileged(command):
    """command run as nobody when we can (unprivileged()), else as ourselves."""
    if not unprivileged():
        return command
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + command


def start(command, evidence, name):
    """A Console on command, its transcript kept as EVIDENCE/NAME.console."""
    return Console(command, make_environment(), os.path.join(evidence, name + ".console"))


def boot(command, evidence, name):
    """A Console on command, with its shell's prompt reached; None if it never came."""
    console = start(command, evidence, name)
    if console.expect(PROMPT, BOOT_TIMEOUT) is None:
        console.close()
        return None
    return console


def check_network(console, where, peer, body):
    """eth0 up at 10.0.2.15, two ping replies from 10.0.2.2, and body fetched from peer."""
    output = console.run("ifconfig eth0") or ""
    check("%s: ifconfig eth0 shows 10.0.2.15" % where,
          re.search(r"inet addr:10\.0\.2\.15 +Bcast:10\.0\.2\.255 +Mask:255\.255\.255\.0", output))
    check("%s: ifconfig eth0 shows it UP" % where, re.search(r"^ +UP BROADCAST ", output, re.M))
    output = console.run("ping -c 2 10.0.2.2") or ""
    check("%s: ping -c 2 10.0.2.2 gets 2 replies" % where,
          "2 packets transmitted, 2 packets received" in output)
    output = console.run("wget -q -O - http://%s%s" % (peer, FILE_NAME)) or ""
    check("%s: wget fetches the file from %s" % (where, peer), body in output)


def user_networking(evidence):
    body = secrets.token_hex(16)
    server = FileServer(("127.0.0.1", 0), body)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    who = "as nobody" if unprivileged() else "as uid %d" % os.geteuid()
    console = boot(as_unprivileged(make("run")), evidence, "make-run")
    check("make run (%s) reaches the shell's prompt" % who, console is not None)
    if console:
        check_network(console, "make run", "10.0.2.2:%d" % port, body)
        check("the server on the host's 127.0.0.1 saw the guest's one request, from 127.0.0.1",
              server.requests == [("127.0.0.1", FILE_NAME)])
        check("Ctrl-A x ends make run's QEMU (status 0)", console.close() == 0)
    server.shutdown()
    server.server_close()


def forwarding(evidence):
    port = free_port()
    console = boot(make("run", "FWD=%d:80" % port), evidence, "make-run-fwd")
    check("make run FWD=%d:80 reaches the shell's prompt" % port, console is not None)
    if not console:
        return
    body = secrets.token_hex(16)
    console.run("mkdir /tmp/www; echo %s >/tmp/www/file; httpd -p 80 -h /tmp/www" % body)
    try:
        url = "http://127.0.0.1:%d%s" % (port, FILE_NAME)
        with urllib.request.urlopen(url, timeout=30) as reply:
            fetched = reply.read().decode()
    except OSError as error:
        fetched = "(%s)" % error
    check("the host's 127.0.0.1:%d reaches busybox httpd on the guest's port 80" % port,
          fetched == body + "\n")
    console.close()


def debugger(evidence):
    port = free_port()
    console = start(make("gdb", "GDB_PORT=%d" % port), evidence, "make-gdb")
    check("make gdb says where it waits",
          console.expect("QEMU waits for gdb on 127.0.0.1:%d" % port, BOOT_TIMEOUT) is not None)
    # QEMU listens once it has started; nothing it prints says when, so try
    # for a bounded time.
    stub = None
    deadline = time.monotonic() + BOOT_TIMEOUT
    while stub is None and time.monotonic() < deadline:
        try:
            stub = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            time.sleep(0.05)
    check("QEMU's gdb stub listens on 127.0.0.1:%d" % port, stub is not None)
    if stub:
        stub.sendall(b"$c#63")   # the remote protocol's "continue", with its checksum
        booted = console.expect(PROMPT, BOOT_TIMEOUT) is not None
        check("after continue, make gdb reaches the shell's prompt", booted)
        if booted:
            output = console.run("ifconfig eth0") or ""
            check("make gdb: eth0 is UP at 10.0.2.15 as in make run",
                  "inet addr:10.0.2.15 " in output and re.search(r"^ +UP ", output, re.M))
    console.close()
    if stub:
        stub.close()


def tap(evidence):
    body = secrets.token_hex(16)
    peer = "/usr/bin/python3 tests/run_network.py serve 10.0.2.2 8000 %s" % body
    console = boot(["tools/netns-peer", "--peer-ready", peer, "--"] + make("run", "NET=tap"),
                   evidence, "make-run-tap")
    check("make run NET=tap (beside tools/netns-peer's tap0) reaches the shell's prompt",
          console is not None)
    if console:
        check_network(console, "make run NET=tap", "10.0.2.2:8000", body)
        output = console.run("ping -c 1 10.0.2.2") or ""
        check("make run NET=tap: the namespace's Linux answers ping (TTL 64, not QEMU's 255)",
              re.search(r"seq=0 ttl=64 ", output))
        check("Ctrl-A x ends QEMU and netns-peer (status 0)", console.close() == 0)
    check_refused("a tap that belongs to root, to nobody",
                  ["tools/netns-peer", "--", "sh", "-c",
                   "ip tuntap add tap1 mode tap user 0 && exec setpriv --reuid=nobody "
                   "--regid=nogroup --clear-groups make --no-print-directory run NET=tap TAP=tap1"],
                  ["qemu-machine: NET=tap: tap tap1 belongs to uid 0: only that user or root"],
                  evidence, "refused-tap-of-root")


def check_refused(what, command, messages, evidence, name):
    """command (a make run) must end with an error before the guest boots,
    its output holding each of messages."""
    console = start(command, evidence, name)
    ended = console.ends_before_prompt(BOOT_TIMEOUT)
    status = console.close()
    output = console.transcript.decode(errors="replace")
    check("%s: make run fails before the guest boots, saying why" % what,
          ended and status != 0 and all(message in output for message in messages))


def refusals(evidence):
    check_refused("NET=tap with no such tap", make("run", "NET=tap", "TAP=strata-none0"),
                  ["qemu-machine: NET=tap: there is no network interface strata-none0",
                   "ip tuntap add strata-none0 mode tap user "],
                  evidence, "refused-no-tap")
    check_refused("a malformed FWD", make("run", "FWD=80"),
                  ["--forward '80': expected [tcp:|udp:]HOST_PORT:GUEST_PORT"],
                  evidence, "refused-forward")


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "serve":
        serve(*sys.argv[2:])
        return 0
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    os.chdir(ROOT)
    evidence = sys.argv[1]
    os.makedirs(evidence, exist_ok=True)
    user_networking(evidence)
    forwarding(evidence)
    debugger(evidence)
    skipped = None
    if os.geteuid() == 0 and shutil.which("ip") and shutil.which("setpriv"):
        tap(evidence)
    else:
        skipped = "make run NET=tap needs root, ip(8) and setpriv(1) for its namespace"
    refusals(evidence)
    if failures:
        return 1
    if skipped:
        print("# SKIP " + skipped)     # status 77: tools/run-tests counts a skip, not a pass
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
