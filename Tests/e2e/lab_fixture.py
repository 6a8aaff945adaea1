"""Helpers for the lab tests: start `snc serve` on a free port and stop it."""
import os
import re
import select
import signal
import subprocess
import time

LISTENING = re.compile(rb"Listening on (\S+) (\d+)")


def start_serve(procs, snc, tmp_path, *args, address="127.0.0.1", prefix=(), name="serve"):
    """Starts `snc serve ADDRESS 0 ARGS` (optionally under a wrapper such as
    prlimit) with stdout in a file; returns (process, port, stdout path)."""
    log = tmp_path / f"{name}.out"
    out = open(log, "wb")
    proc = procs.start([*prefix, snc, "serve", *args, address, "0"], stdout=out, stderr=subprocess.PIPE)
    out.close()
    port = read_listening_port(proc)
    return proc, port, log


def read_listening_port(proc, timeout=10.0):
    """Reads stderr until the "Listening on HOST PORT" line (bounded in time)."""
    deadline = time.monotonic() + timeout
    seen = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 0.1)
        if ready:
            chunk = os.read(proc.stderr.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
            match = LISTENING.search(seen)
            if match:
                return int(match.group(2))
        if proc.poll() is not None:
            break
    raise AssertionError(f"snc serve did not report its port; stderr so far: {seen!r}")


def stop_serve(proc, log, sig=signal.SIGTERM, timeout=20):
    """Stops the server with `sig`, waits for it, and returns (exit code, stdout text)."""
    proc.send_signal(sig)
    code = proc.wait(timeout=timeout)
    return code, log.read_text()
