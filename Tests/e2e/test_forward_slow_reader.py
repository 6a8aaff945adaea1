"""snc forward with a local client that reads slower than the server sends:
the channel's data piles up inside libssh2, where poll(2) cannot see it, so
the tunnel must go back to the channel itself once the client has made room."""
import hashlib
import os
import socket
import time

from conftest import free_port, wait_for_port
from sshd_fixture import _listening, sshd, start_forward  # noqa: F401

# Sends the file named by argv[2] to each client of port argv[1], then closes.
FILE_SERVER = r"""
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
data = open(sys.argv[2], "rb").read()
while True:
    c, _ = s.accept()
    try:
        c.sendall(data)
    except OSError:
        pass
    c.close()
"""

# Each client of port argv[1]: nothing read for a second, then everything up
# to its end of stream; the answer is the SHA-256 (hex) of what arrived.
LATE_READER = r"""
import hashlib, socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
while True:
    c, _ = s.accept()
    time.sleep(1.0)
    digest = hashlib.sha256()
    try:
        while True:
            chunk = c.recv(1 << 20)
            if not chunk:
                break
            digest.update(chunk)
        c.sendall(digest.hexdigest().encode())
    except OSError:
        pass
    c.close()
"""


def receive_after_pause(port, pause, timeout):
    """Connects, reads nothing for `pause` seconds, then reads to the end;
    returns the SHA-256 of what arrived and whether the end came within `timeout`."""
    digest, started = hashlib.sha256(), None
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        time.sleep(pause)
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            sock.settimeout(max(0.1, timeout - (time.monotonic() - started)))
            try:
                chunk = sock.recv(1 << 20)
            except socket.timeout:
                return digest.hexdigest(), False
            if not chunk:
                return digest.hexdigest(), True
            digest.update(chunk)
    return digest.hexdigest(), False


def serve_file(procs, tmp_path, data) -> int:
    """A FILE_SERVER sending `data` to each client; returns its port."""
    source = tmp_path / "source.bin"
    source.write_bytes(data)
    server_port = free_port()
    procs.start(["python3", "-c", FILE_SERVER, server_port, source])
    wait_for_port(server_port)
    return server_port


def test_download_to_a_client_that_starts_reading_late_does_not_stall(snc, sshd, procs, tmp_path):
    data = os.urandom(48 << 20)
    server_port = serve_file(procs, tmp_path, data)
    local = free_port()
    # No ServerAliveInterval: nothing but the data itself wakes the tunnel's poll.
    start_forward(procs, snc, ["-F", sshd.config(tmp_path), "-o", "ServerAliveInterval=0", "-N",
                               "-L", f"{local}:127.0.0.1:{server_port}", "testhost"], local)
    assert_late_downloads_complete(local, data)


def assert_late_downloads_complete(port, data, runs=2):
    """Each run: a client pauses a second, then must get all of `data` within 20 s."""
    for _ in range(runs):
        # While the client waits, every buffer on the way fills: the kernel's,
        # snc's, and the channel window's worth inside libssh2.
        digest, ended = receive_after_pause(port, pause=1.0, timeout=20)
        assert ended, "the download stalled: no end of stream within 20 s"
        assert digest == hashlib.sha256(data).hexdigest()


def test_remote_forward_to_a_target_that_starts_reading_late_does_not_stall(snc, sshd, procs, tmp_path):
    target = free_port()
    procs.start(["python3", "-c", LATE_READER, target])
    wait_for_port(target)
    remote = free_port()
    proc = procs.start([snc, "forward", "-F", sshd.config(tmp_path), "-o", "ServerAliveInterval=0", "-N",
                        "-R", f"{remote}:127.0.0.1:{target}", "testhost"])
    deadline = time.monotonic() + 15
    while not _listening(remote):
        assert proc.poll() is None, f"snc forward exited {proc.returncode}: {proc.stderr.read().decode()}"
        assert time.monotonic() < deadline, "the server did not listen for the remote forward"
        time.sleep(0.05)
    data = os.urandom(48 << 20)
    for _ in range(2):
        with socket.create_connection(("127.0.0.1", remote), timeout=10) as sock:
            # Bytes arriving over the channel pile up in snc while the target waits.
            sock.settimeout(20)
            try:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
                answer = b""
                while len(answer) < 64:
                    chunk = sock.recv(64 - len(answer))
                    if not chunk:
                        break
                    answer += chunk
            except socket.timeout:
                raise AssertionError("the upload through -R stalled: no progress for 20 s") from None
        assert answer.decode() == hashlib.sha256(data).hexdigest()
