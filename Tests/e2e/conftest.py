"""Shared fixtures for the end-to-end tests.

Every test drives the built `snc` binary (SNC_BIN, or the release build) and
real peers (nc, ncat, python3, sshd) over loopback only. Every process a test
starts is registered with `procs` and killed by PID when the test ends.
"""
import hashlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def snc_path() -> str:
    path = os.environ.get("SNC_BIN") or str(ROOT / ".build" / "release" / "snc")
    if not os.access(path, os.X_OK):
        pytest.exit(f"snc binary not found at {path}: build it with `swift build -c release`", returncode=2)
    return path


@pytest.fixture(scope="session")
def snc() -> str:
    return snc_path()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def free_port(family=socket.AF_INET, kind=socket.SOCK_STREAM, host="127.0.0.1") -> int:
    """A port that was free a moment ago, for tools that cannot bind port 0 and report it."""
    with socket.socket(family, kind) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, host="127.0.0.1", timeout=10.0, family=socket.AF_INET) -> None:
    """Waits until something accepts TCP connections on host:port (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((host, port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {host}:{port} after {timeout}s")


def wait_for_listen(port: int, timeout=10.0, proto="tcp") -> None:
    """Waits until a socket is bound/listening on port, without connecting to it
    (a connection would use up a one-shot listener). Reads /proc/net/*."""
    deadline = time.monotonic() + timeout
    hexport = f":{port:04X}"
    files = ["/proc/net/tcp", "/proc/net/tcp6"] if proto == "tcp" else ["/proc/net/udp", "/proc/net/udp6"]
    while time.monotonic() < deadline:
        for name in files:
            try:
                lines = Path(name).read_text().splitlines()[1:]
            except FileNotFoundError:
                continue
            for line in lines:
                fields = line.split()
                # local address is field 1; state 0A is LISTEN, 07 is a bound UDP socket
                if fields[1].endswith(hexport) and fields[3] in ("0A", "07"):
                    return
        time.sleep(0.05)
    raise TimeoutError(f"nothing bound on port {port} after {timeout}s")


def wait_for_unix(path: str, timeout=10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return
        time.sleep(0.05)
    raise TimeoutError(f"{path} did not appear after {timeout}s")


class Procs:
    """Starts processes for one test and kills every one of them, by PID, at the end."""

    def __init__(self):
        self.started: list[subprocess.Popen] = []

    def start(self, args, **kwargs) -> subprocess.Popen:
        kwargs.setdefault("stdin", subprocess.DEVNULL)
        kwargs.setdefault("stdout", subprocess.PIPE)
        kwargs.setdefault("stderr", subprocess.PIPE)
        proc = subprocess.Popen([str(a) for a in args], **kwargs)
        self.started.append(proc)
        return proc

    def cleanup(self):
        for proc in self.started:
            if proc.poll() is None:
                try:
                    os.kill(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                if stream:
                    stream.close()


@pytest.fixture
def procs():
    manager = Procs()
    yield manager
    manager.cleanup()


def cpu_ticks(pid: int) -> int:
    """utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15):
    how the tests tell a paused process from one that spins."""
    stat = open(f"/proc/{pid}/stat").read()
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def assert_no_spin_under_crowd(proc, port: int, clients: int) -> None:
    """Opens more connections than `proc` has descriptors for, then checks over 2 s
    that it waits (under half a second of CPU) instead of spinning on accept(2),
    and is still running. The connections are closed before returning."""
    crowd = []
    try:
        for _ in range(clients):
            crowd.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        time.sleep(0.5)
        before = cpu_ticks(proc.pid)
        time.sleep(2)
        used = cpu_ticks(proc.pid) - before
        assert used < os.sysconf("SC_CLK_TCK") // 2, f"{used} ticks of CPU in 2 s while out of descriptors"
        assert proc.poll() is None
    finally:
        for connection in crowd:
            connection.close()


def run(args, input=None, timeout=30, **kwargs) -> subprocess.CompletedProcess:
    """Runs a command to completion (bounded) and captures its output as bytes."""
    return subprocess.run([str(a) for a in args], input=input, capture_output=True, timeout=timeout, **kwargs)
