"""Relay options: -C, -d, --send-only, --recv-only, --no-shutdown, -s/-p, and UDP/Unix with ncat."""
import os
import socket
import subprocess
import threading
import time

import pytest

from conftest import free_port, run, wait_for_listen, wait_for_unix
from netcat_fixture import read_until, recv_all, recv_until, wait_exit


class OneShotServer:
    """A python TCP server for one connection, running `handle(connection)` in a thread."""

    def __init__(self, handle):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(1)
        self.port = self.socket.getsockname()[1]
        self.result = {}
        self.thread = threading.Thread(target=self._serve, args=(handle,))
        self.thread.start()

    def _serve(self, handle):
        self.socket.settimeout(20)
        connection, peer = self.socket.accept()
        self.result["peer"] = peer
        with connection:
            self.result["value"] = handle(connection)

    def finish(self):
        self.thread.join(timeout=20)
        self.socket.close()
        return self.result.get("value")


def test_crlf_line_endings(snc):
    server = OneShotServer(lambda connection: recv_all(connection))
    result = run([snc, "-C", "127.0.0.1", server.port], input=b"GET / HTTP/1.0\n\n", timeout=20)
    assert result.returncode == 0
    assert server.finish() == b"GET / HTTP/1.0\r\n\r\n"


def test_crlf_leaves_existing_crlf_alone_across_reads(snc, procs):
    """-C converts bare line feeds only: CR LF stays CR LF, also when the CR ends one read
    of stdin and the LF starts the next."""
    server = OneShotServer(lambda connection: recv_all(connection, timeout=20))
    client = procs.start([snc, "-C", "127.0.0.1", server.port], stdin=subprocess.PIPE)
    client.stdin.write(b"already crlf\r\nbare lf\nsplit crlf\r")
    client.stdin.flush()
    time.sleep(0.5)  # snc reads what is there: the CR ends that read
    client.stdin.write(b"\nlone cr\r and lf\n\n")
    client.stdin.close()
    assert wait_exit(client, 20) == 0
    assert server.finish() == b"already crlf\r\nbare lf\r\nsplit crlf\r\nlone cr\r and lf\r\n\r\n"


@pytest.mark.parametrize("option", ["-d", "--recv-only"])
def test_no_stdin(snc, option):
    """stdin is never read; the peer's data still arrives and its close ends the session."""
    def handle(connection):
        connection.sendall(b"from the server\n")
        connection.settimeout(0.5)
        try:
            return connection.recv(100)
        except socket.timeout:
            return b"nothing"

    server = OneShotServer(handle)
    result = run([snc, option, "127.0.0.1", server.port], input=b"must not be sent\n", timeout=20)
    assert server.finish() == b"nothing"  # neither data nor EOF: -d does not half-close
    assert result.returncode == 0
    assert result.stdout == b"from the server\n"


def test_send_only_quits_once_stdin_is_sent(snc):
    """--send-only: data from the peer is dropped and snc quits after sending, without waiting."""
    release = threading.Event()

    def handle(connection):
        connection.sendall(b"ignored\n")
        received = recv_all(connection)
        release.wait(20)
        return received

    server = OneShotServer(handle)
    result = run([snc, "--send-only", "127.0.0.1", server.port], input=b"one way\n", timeout=20)
    release.set()
    assert server.finish() == b"one way\n"
    assert result.returncode == 0
    assert result.stdout == b""


def test_no_shutdown_keeps_the_sending_side_open(snc):
    def handle(connection):
        data = recv_until(connection, lambda received: received.endswith(b"\n"))
        connection.settimeout(0.5)
        try:
            eof = connection.recv(100) == b""
        except socket.timeout:
            eof = False
        connection.sendall(b"bye\n")
        return data, eof

    server = OneShotServer(handle)
    result = run([snc, "--no-shutdown", "127.0.0.1", server.port], input=b"hello\n", timeout=20)
    assert server.finish() == (b"hello\n", False)
    assert result.returncode == 0 and result.stdout == b"bye\n"

    server = OneShotServer(handle)
    result = run([snc, "-N", "127.0.0.1", server.port], input=b"hello\n", timeout=20)
    assert server.finish() == (b"hello\n", True)  # the default (and -N): the peer sees EOF


def test_source_address_and_port(snc):
    source_port = free_port()
    server = OneShotServer(lambda connection: recv_all(connection))
    result = run([snc, "-s", "127.0.0.1", "-p", source_port, "127.0.0.1", server.port], input=b"x", timeout=20)
    assert server.finish() == b"x"
    assert result.returncode == 0
    assert server.result["peer"] == ("127.0.0.1", source_port)


@pytest.mark.parametrize("snc_role", ["listen", "connect"])
def test_udp_with_ncat(snc, procs, snc_role):
    port = str(free_port(kind=socket.SOCK_DGRAM))
    listen_argv = [snc, "-lu", "127.0.0.1", port] if snc_role == "listen" else ["ncat", "-lu", "127.0.0.1", port]
    connect_argv = ["ncat", "-u", "127.0.0.1", port] if snc_role == "listen" else [snc, "-u", "127.0.0.1", port]
    listener = procs.start(listen_argv, stdin=subprocess.PIPE)
    wait_for_listen(int(port), proto="udp")
    client = procs.start(connect_argv, stdin=subprocess.PIPE)
    client.stdin.write(b"datagram one\n")
    client.stdin.flush()
    assert read_until(listener.stdout, lambda data: data.endswith(b"\n")) == b"datagram one\n"
    listener.stdin.write(b"datagram two\n")
    listener.stdin.flush()
    assert read_until(client.stdout, lambda data: data.endswith(b"\n")) == b"datagram two\n"


@pytest.mark.parametrize("snc_role", ["listen", "connect"])
def test_unix_stream_with_ncat(snc, procs, tmp_path, snc_role):
    path = str(tmp_path / "sock")
    payload = bytes(range(256)) * 4096
    listen_argv = [snc, "-lU", path] if snc_role == "listen" else ["ncat", "-lU", path]
    connect_argv = ["ncat", "-U", path] if snc_role == "listen" else [snc, "-U", path]
    listener = procs.start(listen_argv, stdin=subprocess.PIPE)
    wait_for_unix(path)
    client = procs.start(connect_argv, stdin=subprocess.PIPE)
    # The answer goes first: ncat's listener quits as soon as its client's side ends.
    listener.stdin.write(b"answer\n")
    listener.stdin.flush()
    assert read_until(client.stdout, lambda data: data.endswith(b"\n"), timeout=20) == b"answer\n"
    client.stdin.write(payload)
    client.stdin.close()
    assert read_until(listener.stdout, lambda data: len(data) >= len(payload), timeout=20) == payload
    listener.stdin.close()
    assert wait_exit(client, 20) == 0
    assert wait_exit(listener, 20) == 0


def test_unix_datagrams(snc, procs, tmp_path):
    """-U -u: the client binds an abstract name of its own, so the listener can answer."""
    path = str(tmp_path / "dgram")
    listener = procs.start([snc, "-lUu", path], stdin=subprocess.PIPE)
    wait_for_unix(path)
    client = procs.start([snc, "-Uu", path], stdin=subprocess.PIPE)
    client.stdin.write(b"unix datagram\n")
    client.stdin.flush()
    assert read_until(listener.stdout, lambda data: data.endswith(b"\n")) == b"unix datagram\n"
    listener.stdin.write(b"and back\n")
    listener.stdin.flush()
    assert read_until(client.stdout, lambda data: data.endswith(b"\n")) == b"and back\n"


def test_unix_datagram_client_binds_the_source_path(snc, procs, tmp_path):
    """-U -u -s PATH binds the client to PATH, as nc does, so the server sees that name and
    answers it there; snc removes the file it made when the session ends."""
    server_path = str(tmp_path / "server.sock")
    client_path = str(tmp_path / "client.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(server_path)
    server.settimeout(10)
    try:
        client = procs.start([snc, "-Uu", "-q", "2", "-s", client_path, server_path], stdin=subprocess.PIPE)
        client.stdin.write(b"from a named client\n")
        client.stdin.close()
        datagram, sender = server.recvfrom(100)
        assert datagram == b"from a named client\n"
        assert sender == client_path
        server.sendto(b"answered by name\n", sender)
        assert read_until(client.stdout, lambda data: data.endswith(b"\n")) == b"answered by name\n"
        assert wait_exit(client, 10) == 0
        assert not os.path.exists(client_path)
    finally:
        server.close()


def test_keep_listening_udp_answers_the_last_sender(snc, procs):
    port = str(free_port(kind=socket.SOCK_DGRAM))
    listener = procs.start([snc, "-luk", "127.0.0.1", port], stdin=subprocess.PIPE)
    wait_for_listen(int(port), proto="udp")
    for name in (b"first", b"second"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.settimeout(10)
            sender.sendto(name + b"\n", ("127.0.0.1", int(port)))
            assert read_until(listener.stdout, lambda data: data.endswith(b"\n")) == name + b"\n"
            listener.stdin.write(b"hello " + name + b"\n")
            listener.stdin.flush()
            assert sender.recvfrom(100)[0] == b"hello " + name + b"\n"
