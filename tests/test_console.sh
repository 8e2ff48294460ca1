#!/usr/bin/env bash
# The interactive console as `make run` gives it: a shell prompt, typed
# input echoed and run, ^C interrupting a foreground job (status 130),
# ^D ending cat's input, and `exit` powering the machine off.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/test-results
exec /usr/bin/python3 - <<'PYTHON'
import os, sys
sys.path.insert(0, "tests")
from console import PROMPT, Console

# `make run`'s command line: tools/qemu-machine with no options.
console = Console(["tools/qemu-machine"], transcript_path="build/test-results/console.transcript")
expect, send = console.expect, console.send
failures = 0

def check(description, ok):
    global failures
    print(("ok - " if ok else "not ok - ") + description)
    failures += 0 if ok else 1

check("a shell prompt appears on the console", expect(PROMPT) is not None)
send("echo answer=$((6*7))\n")
check("typed input is echoed", expect("echo answer=$((6*7))") is not None)
check("the command runs", expect("answer=42") is not None)
check("the prompt returns", expect(PROMPT) is not None)
# The job announces itself once the shell has put the terminal back in
# canonical mode, so what is typed next goes to the job, not to the shell.
send("sh -c 'echo job-$((1+1)); exec sleep 30'\n")
check("a foreground job starts", expect("job-2") is not None)
send("\x03")
check("^C gives the prompt back", expect(PROMPT) is not None)
send("echo status=$?\n")
check("the job died of SIGINT (status 130)", expect("status=130") is not None)
send("sh -c 'echo cat-$((1+1)); exec cat > /tmp/typed'\n")
expect("cat-2")
send("some text\n")
send("\x04")
check("^D ends cat's input", expect(PROMPT) is not None)
send("cat /tmp/typed\n")
check("what was typed reached the file", expect("some text\r\n") is not None)
send("exit\n")
check("exit powers the machine off (QEMU exits 0)", console.wait(20) == 0)
console.close()
sys.exit(1 if failures else 0)
PYTHON
