"""Helpers for the netcat end-to-end tests (snc connect/listen against nc, ncat, python)."""
import os
import select
import socket
import subprocess
import time

import pytest

from conftest import free_port, sha256, wait_for_listen, wait_for_unix  # noqa: F401  (re-exported)

MIB = 1 << 20


@pytest.fixture(scope="session")
def random_files(tmp_path_factory):
    """Two different 64 MiB files of random bytes, one for each direction."""
    directory = tmp_path_factory.mktemp("netcat-data")
    files = []
    for name in ("a.bin", "b.bin"):
        path = directory / name
        path.write_bytes(os.urandom(64 * MIB))
        files.append(path)
    return files


def file_sha256(path) -> str:
    import hashlib
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(MIB), b""):
            digest.update(block)
    return digest.hexdigest()


def wait_exit(proc: subprocess.Popen, timeout=60) -> int:
    """Waits (bounded) for a process started through `procs` to end; returns its exit code."""
    return proc.wait(timeout=timeout)


def read_until(stream, predicate, timeout=10.0) -> bytes:
    """Reads from a pipe until predicate(data so far) holds; fails after `timeout` seconds or on EOF."""
    data = b""
    deadline = time.monotonic() + timeout
    descriptor = stream.fileno()
    while not predicate(data):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out waiting; got {data!r}")
        ready, _, _ = select.select([descriptor], [], [], left)
        if not ready:
            continue
        chunk = os.read(descriptor, 65536)
        if not chunk:
            raise AssertionError(f"end of stream while waiting; got {data!r}")
        data += chunk
    return data


def read_all(stream, timeout=30.0) -> bytes:
    """Reads a pipe to its end (bounded)."""
    data = bytearray()
    deadline = time.monotonic() + timeout
    descriptor = stream.fileno()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out reading; got {len(data)} bytes")
        ready, _, _ = select.select([descriptor], [], [], left)
        if not ready:
            continue
        chunk = os.read(descriptor, MIB)
        if not chunk:
            return bytes(data)
        data += chunk


def recv_until(sock: socket.socket, predicate, timeout=10.0) -> bytes:
    """Receives from a socket until predicate(data) holds (bounded)."""
    data = b""
    deadline = time.monotonic() + timeout
    while not predicate(data):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out waiting; got {data!r}")
        sock.settimeout(left)
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed while waiting; got {data!r}")
        data += chunk
    return data


def recv_all(sock: socket.socket, timeout=10.0) -> bytes:
    """Receives until the peer closes (bounded)."""
    data = b""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out; got {data!r}")
        sock.settimeout(left)
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def connect_with_retry(address, family=socket.AF_INET, timeout=10.0) -> socket.socket:
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.connect(address)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def stderr_lines(proc: subprocess.Popen) -> list[str]:
    return proc.stderr.read().decode(errors="replace").splitlines()
