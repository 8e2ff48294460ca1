#!/usr/bin/env python3
"""Carrier changes seen by a guest: QEMU's `set_link` turns the virtio-net
link off and on while busybox ifconfig in the guest watches eth0's flags.

usage: tests/net_link_status.py RUNNER   (tools/guestrun or tools/linuxrun)

The guest prints one line per step; on each line that asks for it this
script tells QEMU's monitor to change the link, so the guest sees the
change while it waits (each wait is bounded: 10 s).  The guest's output
goes to our stdout, for tests/test_net_link_status.sh to compare.
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

# Steps: the flags of eth0 after each event, as busybox ifconfig prints them
# (up to "MTU"); "link off" and "link on" lines are the host's cue.
GUEST_SCRIPT = r'''
flags() { ifconfig eth0 | sed -n 's/^ *\([A-Z][A-Z ]*[A-Z]\)  MTU.*/\1/p'; }
# Until the flags show RUNNING (want=1) or not (want=0), at most 10 s.
await() {
    i=0
    while [ $i -lt 200 ]; do
        case "$(flags)" in *RUNNING*) now=1 ;; *) now=0 ;; esac
        [ $now = $1 ] && break
        sleep 0.05; i=$((i + 1))
    done
    flags
}
ifconfig eth0 up
echo "up: $(await 1)"
ifconfig eth0 down
echo "admin down: $(flags)"
ifconfig eth0 up
echo "admin up: $(await 1)"
echo "link off"
echo "carrier lost: $(await 0)"
ifconfig eth0 down; ifconfig eth0 up
echo "admin down and up without carrier: $(await 0)"
echo "link on"
echo "carrier back: $(await 1)"
'''


def monitor_command(path, command):
    """Sends one command to QEMU's human monitor and waits for its next prompt."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(10)
        connection.connect(path)
        received = b""
        while not received.endswith(b"(qemu) "):
            received += connection.recv(4096)
        connection.sendall(command.encode() + b"\n")
        received = b""
        while b"(qemu) " not in received:
            received += connection.recv(4096)


def main():
    runner = sys.argv[1]
    work = tempfile.mkdtemp(prefix="link_status.")
    path = os.path.join(work, "monitor")
    process = subprocess.Popen([runner, "--net", "user,restrict=on", "--monitor", path,
                                "--timeout", "90", "--", "sh", "-c", GUEST_SCRIPT],
                               stdout=subprocess.PIPE)
    try:
        for line in process.stdout:
            sys.stdout.buffer.write(line)
            sys.stdout.flush()
            command = {b"link off\n": "set_link net0 off", b"link on\n": "set_link net0 on"}.get(line)
            try:
                if command:
                    monitor_command(path, command)
            except OSError as error:   # QEMU has gone: the guest's status tells why
                sys.stderr.write("net_link_status: %s: %s\n" % (command, error))
        return process.wait()
    finally:
        if process.poll() is None:
            process.kill()
        if os.path.exists(path):
            os.unlink(path)
        os.rmdir(work)


if __name__ == "__main__":
    sys.exit(main())
