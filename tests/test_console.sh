#!/usr/bin/env bash
# The interactive console as `make run` gives it: a shell prompt, typed
# input echoed and run, ^C interrupting a foreground job (status 130),
# ^D ending cat's input, and `exit` powering the machine off.
set -uo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 - <<'PYTHON'
import os, select, subprocess, sys, time

qemu = subprocess.Popen(
    ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-smp", "1", "-m", "128M",
     "-nographic", "-no-reboot", "-global", "virtio-mmio.force-legacy=false",
     "-kernel", "build/kernel/strata.img", "-initrd", "build/initramfs.cpio"],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
seen = b""
failures = 0

def expect(text, timeout=20):
    """Reads the console until text appears (never a fixed sleep)."""
    global seen
    deadline = time.monotonic() + timeout
    while text.encode() not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([qemu.stdout], [], [], left)[0]:
            print("# waited for %r; the console showed: %r" % (text, seen[-300:]))
            return False
        chunk = os.read(qemu.stdout.fileno(), 4096)
        if not chunk:
            return False
        seen += chunk
    seen = seen[seen.index(text.encode()) + len(text):]
    return True

def check(description, ok):
    global failures
    print(("ok - " if ok else "not ok - ") + description)
    failures += 0 if ok else 1

def send(data):
    qemu.stdin.write(data.encode())
    qemu.stdin.flush()

check("a shell prompt appears on the console", expect("/ # "))
send("echo answer=$((6*7))\n")
check("typed input is echoed", expect("echo answer=$((6*7))"))
check("the command runs", expect("answer=42"))
check("the prompt returns", expect("/ # "))
# The job announces itself once the shell has put the terminal back in
# canonical mode, so what is typed next goes to the job, not to the shell.
send("sh -c 'echo job-$((1+1)); exec sleep 30'\n")
check("a foreground job starts", expect("job-2"))
send("\x03")
check("^C gives the prompt back", expect("/ # "))
send("echo status=$?\n")
check("the job died of SIGINT (status 130)", expect("status=130"))
send("sh -c 'echo cat-$((1+1)); exec cat > /tmp/typed'\n")
expect("cat-2")
send("some text\n")
send("\x04")
check("^D ends cat's input", expect("/ # "))
send("cat /tmp/typed\n")
check("what was typed reached the file", expect("some text\r\n"))
send("exit\n")
try:
    status = qemu.wait(timeout=20)
except subprocess.TimeoutExpired:
    qemu.kill()
    status = None
check("exit powers the machine off (QEMU exits 0)", status == 0)
sys.exit(1 if failures else 0)
PYTHON
