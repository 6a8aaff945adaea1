"""The peer's end of data reaches stdout: `snc -l P | reader` finishes although snc's stdin
(an open pipe that never ends) goes on; stdin is still sent after that (half-close both ways);
-k keeps stdout open for the next client and moves on to it."""
import os
import socket
import subprocess
import time

from conftest import free_port, sha256, wait_for_listen
from netcat_fixture import MIB, read_all, read_until, recv_all, recv_until, wait_exit


def open_stdin():
    """A pipe for snc's stdin whose write end the test keeps: stdin that never ends by itself."""
    read_end, write_end = os.pipe()
    return read_end, write_end


def test_listen_ends_stdout_when_the_client_finishes(snc, procs):
    """A client sends 1 MiB and half-closes; `snc -l | sha256sum` prints the right sum
    while snc's stdin stays open, then what is typed into stdin still reaches the client."""
    data = os.urandom(MIB)
    port = free_port()
    stdin_read, stdin_write = open_stdin()
    try:
        listener = procs.start([snc, "-l", "127.0.0.1", port], stdin=stdin_read)
        os.close(stdin_read)
        summer = procs.start(["sha256sum"], stdin=listener.stdout)
        wait_for_listen(port)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            client.sendall(data)
            client.shutdown(socket.SHUT_WR)
            started = time.monotonic()
            # The downstream reader sees end of file: sha256sum finishes on its own.
            assert wait_exit(summer, 10) == 0
            took = time.monotonic() - started
            assert summer.stdout.read().split()[0].decode() == sha256(data)
            assert took < 5, f"stdout ended {took:.2f} s after the client finished"
            # snc is still there and still sends stdin to the client.
            assert listener.poll() is None
            os.write(stdin_write, b"answer after the client's end\n")
            assert recv_until(client, lambda got: got.endswith(b"\n")) == b"answer after the client's end\n"
            os.close(stdin_write)
            stdin_write = None
            assert recv_all(client) == b""  # stdin's end: snc half-closes too
        assert wait_exit(listener, 10) == 0
    finally:
        if stdin_write is not None:
            os.close(stdin_write)


def test_connect_ends_stdout_when_the_server_finishes(snc, procs):
    """The server sends 1 MiB and half-closes; snc's stdout reaches end of file at once,
    stdin (still open) is still delivered, and snc exits when stdin ends."""
    data = os.urandom(MIB)
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(10)
    stdin_read, stdin_write = open_stdin()
    try:
        client = procs.start([snc, "127.0.0.1", server.getsockname()[1]], stdin=stdin_read)
        os.close(stdin_read)
        connection, _ = server.accept()
        with connection:
            connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)
            received = read_all(client.stdout, timeout=10)  # fails on timeout: no end of file
            assert sha256(received) == sha256(data)
            os.write(stdin_write, b"still talking\n")
            assert recv_until(connection, lambda got: got.endswith(b"\n")) == b"still talking\n"
            os.close(stdin_write)
            stdin_write = None
            assert recv_all(connection) == b""
        assert wait_exit(client, 10) == 0
    finally:
        server.close()
        if stdin_write is not None:
            os.close(stdin_write)


def test_keep_listening_keeps_stdout_and_moves_to_the_next_client(snc, procs):
    """-k with stdin open: a client that has finished sending makes way for the next (as nc -k
    and ncat -k), stdout stays open for it, and stdin goes to whoever is connected."""
    port = free_port()
    stdin_read, stdin_write = open_stdin()
    try:
        listener = procs.start([snc, "-lk", "127.0.0.1", port], stdin=stdin_read)
        os.close(stdin_read)
        wait_for_listen(port)
        for name in (b"first", b"second"):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
                os.write(stdin_write, b"hello " + name + b"\n")
                assert recv_until(client, lambda got: got.endswith(b"\n")) == b"hello " + name + b"\n"
                client.sendall(b"data from " + name + b"\n")
                client.shutdown(socket.SHUT_WR)
                assert recv_all(client) == b""  # the session ends: the next client's turn
            assert read_until(listener.stdout, lambda got: got.endswith(b"\n")) == b"data from " + name + b"\n"
        assert listener.poll() is None
    finally:
        os.close(stdin_write)


def test_unix_stream_listener_ends_stdout_too(snc, procs, tmp_path):
    """The same over a Unix stream socket, with ncat as the client (it half-closes at its stdin's end)."""
    path = str(tmp_path / "eof.sock")
    data = os.urandom(256 << 10)
    stdin_read, stdin_write = open_stdin()
    try:
        listener = procs.start([snc, "-lU", path], stdin=stdin_read)
        os.close(stdin_read)
        deadline = time.monotonic() + 10
        while not os.path.exists(path) and time.monotonic() < deadline:
            time.sleep(0.05)
        sender = subprocess.run(["ncat", "--send-only", "-U", path], input=data, capture_output=True, timeout=20)
        assert sender.returncode == 0, sender.stderr
        assert sha256(read_all(listener.stdout, timeout=10)) == sha256(data)
    finally:
        os.close(stdin_write)


def test_socket_on_stdout_is_shut_down_even_when_shared(snc, procs):
    """stdout is a socket another process also holds (as under inetd or socat): the reader
    still sees end of file, because snc shuts the socket down for writing."""
    data = os.urandom(256 << 10)
    reader, writer = socket.socketpair()
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(10)
    stdin_read, stdin_write = open_stdin()
    try:
        # The test keeps `writer` open: closing snc's copy alone would not end the stream.
        client = procs.start([snc, "127.0.0.1", server.getsockname()[1]], stdin=stdin_read, stdout=writer.fileno())
        os.close(stdin_read)
        connection, _ = server.accept()
        with connection:
            connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)
            assert sha256(recv_all(reader, timeout=10)) == sha256(data)
            assert client.poll() is None
    finally:
        os.close(stdin_write)
        server.close()
        reader.close()
        writer.close()
