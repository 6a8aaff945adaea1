"""--send-only and --recv-only with --broker/--chat relay nothing in the forbidden direction, as
ncat: --send-only ("only send data, ignoring received") passes no client's data anywhere, and
--recv-only ("only receive data, never send anything") sends nothing to any client."""
import socket
import subprocess
import time

import pytest

from conftest import free_port, wait_for_listen
from netcat_fixture import read_all, read_until, recv_until


def wait_for_log(path, text, count, timeout=10.0) -> None:
    deadline = time.monotonic() + timeout
    while path.read_text(errors="replace").count(text) < count:
        assert time.monotonic() < deadline, path.read_text(errors="replace")
        time.sleep(0.05)


def nothing_arrives(sock, seconds=0.5) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(65536) == b""  # closed without data also counts as nothing
    except socket.timeout:
        return True


def test_send_only_broker_passes_no_client_data_on(snc, procs, tmp_path):
    port = free_port()
    log_path = tmp_path / "stderr.txt"
    with open(log_path, "wb") as log:
        broker = procs.start([snc, "listen", "-v", "--broker", "--send-only", "127.0.0.1", port],
                             stdin=subprocess.PIPE, stderr=log)
    wait_for_listen(port)
    first = socket.create_connection(("127.0.0.1", port), timeout=10)
    second = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        wait_for_log(log_path, "Connection received", 2)
        first.sendall(b"from the first client\n")
        time.sleep(0.5)  # time enough for snc to have passed it on, were it to
        broker.stdin.write(b"from stdin\n")
        broker.stdin.flush()
        # stdin still reaches both clients, and it is the first thing the second one hears.
        assert recv_until(second, lambda data: data.endswith(b"\n")) == b"from stdin\n"
        assert recv_until(first, lambda data: data.endswith(b"\n")) == b"from stdin\n"
        second.sendall(b"from the second client\n")
        assert nothing_arrives(first)
    finally:
        first.close()
        second.close()
    time.sleep(0.3)
    broker.kill()
    # Nothing a client sent reached stdout either.
    assert read_all(broker.stdout) == b""


@pytest.mark.parametrize("mode", ["--broker", "--chat"])
def test_recv_only_broker_sends_nothing_to_any_client(snc, procs, tmp_path, mode):
    port = free_port()
    log_path = tmp_path / "stderr.txt"
    with open(log_path, "wb") as log:
        broker = procs.start([snc, "listen", "-v", mode, "--recv-only", "127.0.0.1", port],
                             stdin=subprocess.PIPE, stderr=log)
    wait_for_listen(port)
    first = socket.create_connection(("127.0.0.1", port), timeout=10)
    second = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        wait_for_log(log_path, "Connection received", 2)
        broker.stdin.write(b"from stdin\n")
        broker.stdin.flush()
        first.sendall(b"from the first client\n")
        # The clients' data reaches stdout ...
        assert b"from the first client\n" in read_until(broker.stdout, lambda data: b"from the first client\n" in data)
        second.sendall(b"from the second client\n")
        assert b"from the second client\n" in read_until(broker.stdout, lambda data: b"from the second client\n" in data)
        # ... and nothing at all reaches a client: not each other's data, not stdin, no announcements.
        assert nothing_arrives(first)
        assert nothing_arrives(second)
    finally:
        first.close()
        second.close()
