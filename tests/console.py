"""A guest's console driven by a host test, as a person at `make run` drives it.

The booting command (`make run`, tools/qemu-machine) gets our pipes for its
stdin and stdout, in a session of its own so that everything it started can
be ended together.  Every wait reads until the text it waits for appears,
bounded by a timeout: never a fixed sleep.
"""
import os
import select
import signal
import subprocess
import time

PROMPT = "/ # "
QEMU_QUIT = "\x01x"   # Ctrl-A x, to QEMU's console multiplexer (-serial mon:stdio)


class Console:
    def __init__(self, command, env=None, transcript_path=None):
        """transcript_path: where close() leaves all the console showed, as evidence."""
        self.transcript_path = transcript_path
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, env=env,
                                        start_new_session=True)
        self.unread = b""       # read from the console, not yet consumed by expect
        self.transcript = b""   # all of it, for the evidence
        self.commands = 0
        self.closed = False     # the command's stdout has reached its end

    def _read(self, done, timeout):
        """Reads until done() holds; False if timeout seconds pass or the
        console closes first (then self.closed is set)."""
        deadline = time.monotonic() + timeout
        while not done():
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.process.stdout], [], [], left)[0]:
                return False
            chunk = os.read(self.process.stdout.fileno(), 4096)
            if not chunk:
                self.closed = True
                return False
            self.unread += chunk
            self.transcript += chunk
        return True

    def expect(self, text, timeout=30):
        """Reads until text appears and consumes through it.  Returns what came
        before it, or None (with the last of the console shown) if it did not
        come within timeout seconds or the console closed."""
        wanted = text.encode()
        if not self._read(lambda: wanted in self.unread, timeout):
            print("# waited for %r; the console showed: %r" % (text, self.unread[-300:]))
            return None
        before, _, self.unread = self.unread.partition(wanted)
        return before.decode(errors="replace")

    def ends_before_prompt(self, timeout=30):
        """Whether the command ends (its console closes) before the shell's prompt appears."""
        self._read(lambda: PROMPT.encode() in self.unread, timeout)
        return self.closed

    def send(self, text):
        self.process.stdin.write(text.encode())
        self.process.stdin.flush()

    def run(self, command, timeout=60):
        """Types command at the shell's prompt and returns what it printed, the
        typed line left out, with "\\n" line ends; None if it did not finish.
        The shell computes the end marker, so that the echo of the typed line
        does not hold it."""
        self.commands += 1
        self.send("%s; echo @$((%d+1))@\n" % (command, self.commands))
        output = self.expect("@%d@" % (self.commands + 1), timeout)
        if output is None:
            return None
        self.expect(PROMPT, timeout)
        return output.replace("\r\n", "\n").partition("\n")[2]

    def wait(self, timeout):
        """The booting command's exit status, or None if it is still running after timeout s."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self):
        """Ends QEMU (Ctrl-A x) unless it has ended; whatever of the session
        is left after 20 s gets SIGTERM, then SIGKILL."""
        if self.process.poll() is None:
            try:
                self.send(QEMU_QUIT)
            except BrokenPipeError:
                pass
        for stop in (None, signal.SIGTERM, signal.SIGKILL):
            if stop is not None:
                try:
                    os.killpg(self.process.pid, stop)
                except ProcessLookupError:
                    pass
            if self.wait(20) is not None:
                break
        self.process.stdin.close()
        self.process.stdout.close()
        if self.transcript_path:
            with open(self.transcript_path, "wb") as evidence:
                evidence.write(self.transcript)
        return self.process.returncode
