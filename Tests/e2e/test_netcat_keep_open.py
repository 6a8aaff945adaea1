"""snc listen --keep-open (ncat's -k), and -k with --max-conns: many clients at once, stdin to
every client, every client's data to stdout, clients not hearing each other; -k alone stays
netcat-openbsd's, one client after another."""
import hashlib
import os
import socket
import subprocess
import time

import pytest

from conftest import free_port, wait_for_listen
from netcat_fixture import read_until, recv_all, recv_until

KIB = 1 << 10


def wait_for_log(path, text, count, timeout=10.0) -> None:
    deadline = time.monotonic() + timeout
    while path.read_text(errors="replace").count(text) < count:
        assert time.monotonic() < deadline, path.read_text(errors="replace")
        time.sleep(0.05)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("options", [["--keep-open"], ["-k", "--max-conns", "5"]], ids=["keep-open", "k-max-conns"])
def test_clients_at_once_hear_stdin_and_reach_stdout(snc, procs, tmp_path, options):
    port = free_port()
    log_path = tmp_path / "stderr.txt"
    with open(log_path, "wb") as log:
        listener = procs.start([snc, "listen", "-v", *options, "127.0.0.1", port],
                               stdin=subprocess.PIPE, stderr=log)
    wait_for_listen(port)
    clients = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(3)]
    try:
        wait_for_log(log_path, "Connection received", 3)
        # Each client's bytes reach stdout, whole, while all three are connected (one
        # client at a time, so that the check need not untangle interleaved reads).
        for client in clients:
            data = os.urandom(256 * KIB)
            client.sendall(data)
            got = read_until(listener.stdout, lambda chunk, want=len(data): len(chunk) >= want, timeout=20)
            assert digest(got) == digest(data)
        # stdin goes to every client; at its end each one sees end of file, and nothing else:
        # no client heard another's data.
        message = os.urandom(512 * KIB)
        listener.stdin.write(message)
        listener.stdin.close()
        for client in clients:
            assert digest(recv_all(client, timeout=20)) == digest(message)
        assert listener.poll() is None  # it keeps listening
    finally:
        for client in clients:
            client.close()


def test_k_alone_serves_one_client_after_another(snc, procs, tmp_path):
    port = free_port()
    log_path = tmp_path / "stderr.txt"
    with open(log_path, "wb") as log:
        listener = procs.start([snc, "listen", "-v", "-k", "127.0.0.1", port], stdin=subprocess.PIPE, stderr=log)
    wait_for_listen(port)
    first = socket.create_connection(("127.0.0.1", port), timeout=10)
    wait_for_log(log_path, "Connection received", 1)
    second = socket.create_connection(("127.0.0.1", port), timeout=10)  # waits in the backlog
    try:
        listener.stdin.write(b"to the first\n")
        listener.stdin.flush()
        assert recv_until(first, lambda data: data.endswith(b"\n")) == b"to the first\n"
        second.sendall(b"early\n")
        second.settimeout(0.5)
        with pytest.raises(socket.timeout):
            second.recv(100)
        assert log_path.read_text().count("Connection received") == 1
        # The first session ends (stdin ended and the first client left); then the second is
        # served: its early bytes reach stdout, and it sees end of file, stdin being over.
        listener.stdin.close()
        assert recv_all(first) == b""
        first.close()
        assert read_until(listener.stdout, lambda data: data.endswith(b"early\n"), timeout=10).endswith(b"early\n")
        assert recv_all(second) == b""
        wait_for_log(log_path, "Connection received", 2)
    finally:
        first.close()
        second.close()
