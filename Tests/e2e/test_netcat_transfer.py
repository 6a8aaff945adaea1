"""snc connect/listen moving data against real nc (netcat-openbsd), ncat and python peers:
64 MiB each way with SHA-256 checks, pipes and files, IPv4/IPv6, UDP, Unix sockets, half-close."""
import os
import socket
import subprocess
import threading
import time

import pytest

from conftest import free_port, run, sha256, wait_for_listen, wait_for_unix
from netcat_fixture import (MIB, file_sha256, random_files, read_all, read_until,  # noqa: F401
                            recv_all, wait_exit)

LOOPBACK = {"ipv4": "127.0.0.1", "ipv6": "::1"}


def peer_listen(peer, host, port):
    if peer == "nc":
        return ["nc", "-N", "-l", host, port]
    return ["ncat", "-l", host, port]


def peer_connect(peer, host, port):
    if peer == "nc":
        return ["nc", "-N", host, port]
    return ["ncat", host, port]


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
@pytest.mark.parametrize("snc_role", ["listen", "connect"])
@pytest.mark.parametrize("peer", ["nc", "ncat"])
def test_64_mib_each_way_with_peer(snc, procs, tmp_path, random_files, peer, snc_role, family):
    """Both directions at once; files on stdin and stdout (snc splices through its own pipe)."""
    a, b = random_files
    host = LOOPBACK[family]
    port = str(free_port(socket.AF_INET6 if family == "ipv6" else socket.AF_INET, host=host))
    if snc_role == "listen":
        listen_argv, connect_argv = [snc, "listen", host, port], peer_connect(peer, host, port)
    else:
        # nc -l stops sending once its client half-closes (see test_unix_stream_with_nc),
        # so against nc snc keeps its sending side open; ncat's listener has no such rule.
        keep_open = ["--no-shutdown"] if peer == "nc" else []
        listen_argv, connect_argv = peer_listen(peer, host, port), [snc, "connect", *keep_open, host, port]
    out_listener, out_client = tmp_path / "listener.out", tmp_path / "client.out"
    with open(a, "rb") as a_in, open(b, "rb") as b_in, open(out_listener, "wb") as l_out, open(out_client, "wb") as c_out:
        listener = procs.start(listen_argv, stdin=a_in, stdout=l_out)
        wait_for_listen(int(port))
        client = procs.start(connect_argv, stdin=b_in, stdout=c_out)
        assert wait_exit(client) == 0, client.stderr.read()
        assert wait_exit(listener) == 0, listener.stderr.read()
    assert file_sha256(out_listener) == file_sha256(b)
    assert file_sha256(out_client) == file_sha256(a)


def test_pipes_both_ways_between_two_sncs(snc, procs, random_files):
    """stdin and stdout are pipes on both sides: the direct splice path."""
    a, b = random_files
    port = str(free_port())
    feeders = [procs.start(["cat", str(path)], stdout=subprocess.PIPE) for path in (a, b)]
    listener = procs.start([snc, "-l", "127.0.0.1", port], stdin=feeders[0].stdout)
    wait_for_listen(int(port))
    client = procs.start([snc, "127.0.0.1", port], stdin=feeders[1].stdout)
    results = {}
    readers = [threading.Thread(target=lambda name, proc: results.__setitem__(name, read_all(proc.stdout, 60)),
                                args=(name, proc)) for name, proc in (("listener", listener), ("client", client))]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(timeout=90)
    assert wait_exit(client) == 0 and wait_exit(listener) == 0
    assert sha256(results["listener"]) == file_sha256(b)
    assert sha256(results["client"]) == file_sha256(a)


def test_file_piped_in_arrives_as_the_peers_output(snc, procs, tmp_path):
    """`cat file | snc host port` into `nc -l > out`: the same bytes come out."""
    text = b"".join(b"line %d of a file piped through snc\n" % number for number in range(20000))
    source = tmp_path / "source.txt"
    source.write_bytes(text)
    port = str(free_port())
    received = tmp_path / "received.txt"
    with open(received, "wb") as out:
        listener = procs.start(["nc", "-l", "127.0.0.1", port], stdout=out)
        wait_for_listen(int(port))
        feeder = procs.start(["cat", str(source)], stdout=subprocess.PIPE)
        client = procs.start([snc, "127.0.0.1", port], stdin=feeder.stdout)
        assert wait_exit(client) == 0
        assert wait_exit(listener) == 0
    assert received.read_bytes() == text


def test_copy_path_and_session_logs(snc, procs, tmp_path, random_files):
    """--output and --hex-dump force the read/write path; the logs hold what moved."""
    a, _ = random_files
    data = a.read_bytes()[: 4 * MIB]
    small = data[:3000]
    source, tiny = tmp_path / "data", tmp_path / "tiny"
    source.write_bytes(data)
    tiny.write_bytes(small)
    port = str(free_port())
    log, out = tmp_path / "session.log", tmp_path / "received"
    with open(out, "wb") as sink:
        listener = procs.start(["nc", "-l", "127.0.0.1", port], stdout=sink)
        wait_for_listen(int(port))
        with open(source, "rb") as feed:
            client = procs.start([snc, "--output", log, "127.0.0.1", port], stdin=feed)
            assert wait_exit(client) == 0
        assert wait_exit(listener) == 0
    assert sha256(out.read_bytes()) == sha256(data)
    assert sha256(log.read_bytes()) == sha256(data)

    port = str(free_port())
    dump = tmp_path / "session.hex"
    listener = procs.start(["nc", "-l", "127.0.0.1", port], stdout=subprocess.DEVNULL)
    wait_for_listen(int(port))
    with open(tiny, "rb") as feed:
        client = procs.start([snc, "--hex-dump", dump, "127.0.0.1", port], stdin=feed)
        assert wait_exit(client) == 0
    wait_exit(listener)
    lines = dump.read_text().splitlines()
    # ncat's layout: offset, three spaces, 16 hex bytes with a gap after 8, the printable text.
    assert lines[0].startswith("0000   ")
    assert all(len(line) == 73 for line in lines[:-1])
    decoded = bytes(int(word, 16) for line in lines for word in line[7:56].split())
    assert decoded == small


def test_half_close_peer_sees_eof_and_still_answers(snc, procs):
    """snc connect: on stdin's end the peer sees EOF, then answers; snc prints the answer and exits 0."""
    port = free_port()
    server = socket.socket()
    server.bind(("127.0.0.1", port))
    server.listen(1)
    answered = {}

    def serve():
        connection, _ = server.accept()
        with connection:
            request = recv_all(connection, timeout=20)
            connection.sendall(b"sha256 " + sha256(request).encode() + b"\n")
            answered["request"] = request

    thread = threading.Thread(target=serve)
    thread.start()
    payload = os.urandom(3 * MIB)
    result = run([snc, "127.0.0.1", port], input=payload, timeout=30)
    thread.join(timeout=20)
    server.close()
    assert result.returncode == 0, result.stderr
    assert answered["request"] == payload
    assert result.stdout == b"sha256 " + sha256(payload).encode() + b"\n"


def test_half_close_listener_side(snc, procs, tmp_path):
    """snc listen sends its stdin, shuts down its side; the client reads to EOF, then answers."""
    port = free_port()
    question = tmp_path / "question"
    question.write_bytes(b"what is the answer?\n")
    with open(question, "rb") as feed:
        listener = procs.start([snc, "-l", "127.0.0.1", port], stdin=feed)
        wait_for_listen(port)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            assert recv_all(client) == b"what is the answer?\n"
            client.sendall(b"42\n")
        assert wait_exit(listener, 20) == 0
        assert listener.stdout.read() == b"42\n"


@pytest.mark.parametrize("snc_role", ["listen", "connect"])
def test_udp_datagrams_both_ways(snc, procs, snc_role):
    port = str(free_port(kind=socket.SOCK_DGRAM))
    if snc_role == "listen":
        listener = procs.start([snc, "-lu", "127.0.0.1", port], stdin=subprocess.PIPE)
    else:
        listener = procs.start(["nc", "-lu", "127.0.0.1", port], stdin=subprocess.PIPE)
    wait_for_listen(int(port), proto="udp")
    client_argv = ["nc", "-u", "127.0.0.1", port] if snc_role == "listen" else [snc, "-u", "127.0.0.1", port]
    client = procs.start(client_argv, stdin=subprocess.PIPE)
    client.stdin.write(b"ping over udp\n")
    client.stdin.flush()
    assert read_until(listener.stdout, lambda data: data.endswith(b"\n")) == b"ping over udp\n"
    listener.stdin.write(b"pong over udp\n")
    listener.stdin.flush()
    assert read_until(client.stdout, lambda data: data.endswith(b"\n")) == b"pong over udp\n"


@pytest.mark.parametrize("snc_role", ["listen", "connect"])
def test_unix_stream_with_nc(snc, procs, tmp_path, random_files, snc_role):
    a, b = random_files
    path = str(tmp_path / "sock")
    listen_argv = [snc, "-lU", path] if snc_role == "listen" else ["nc", "-N", "-lU", path]
    # netcat-openbsd's listener quits as soon as its client half-closes and its own
    # stdin buffer is momentarily empty ("listen and net in gone"), even with more
    # stdin to send; so snc must not half-close first here, or nc drops the rest.
    connect_argv = ["nc", "-N", "-U", path] if snc_role == "listen" else [snc, "--no-shutdown", "-U", path]
    out_listener, out_client = tmp_path / "l.out", tmp_path / "c.out"
    with open(a, "rb") as a_in, open(b, "rb") as b_in, open(out_listener, "wb") as l_out, open(out_client, "wb") as c_out:
        listener = procs.start(listen_argv, stdin=a_in, stdout=l_out)
        wait_for_unix(path)
        client = procs.start(connect_argv, stdin=b_in, stdout=c_out)
        assert wait_exit(client) == 0
        assert wait_exit(listener) == 0
    assert file_sha256(out_listener) == file_sha256(b)
    assert file_sha256(out_client) == file_sha256(a)


def test_unix_abstract_name_and_stale_socket_file(snc, procs, tmp_path):
    name = f"@snc-test-{os.getpid()}"
    listener = procs.start([snc, "-lU", name])
    deadline = time.monotonic() + 10
    while b"@" + name[1:].encode() not in open("/proc/net/unix", "rb").read() and time.monotonic() < deadline:
        time.sleep(0.05)
    result = run([snc, "-U", name], input=b"abstract hello\n", timeout=20)
    assert result.returncode == 0, result.stderr
    assert wait_exit(listener, 20) == 0
    assert listener.stdout.read() == b"abstract hello\n"

    # A socket file nobody listens on (left by a killed listener) is replaced, not "in use".
    path = tmp_path / "stale"
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(path))
    stale.close()
    listener = procs.start([snc, "-lU", str(path)])
    wait_for_unix(str(path))
    time.sleep(0.2)
    result = run([snc, "-U", str(path)], input=b"fresh\n", timeout=20)
    assert result.returncode == 0, result.stderr
    assert wait_exit(listener, 20) == 0
    assert listener.stdout.read() == b"fresh\n"
    assert not path.exists()  # the listener removes its socket file when it is done


def test_quit_timer_after_stdin_ends(snc, procs):
    """-q 1: quits a second after stdin ends although the peer keeps the connection open."""
    port = free_port()
    server = socket.socket()
    server.bind(("127.0.0.1", port))
    server.listen(1)
    try:
        started = time.monotonic()
        result = run([snc, "-q", "1", "127.0.0.1", port], input=b"bye\n", timeout=15)
        elapsed = time.monotonic() - started
        connection, _ = server.accept()
        assert recv_all(connection, timeout=5) == b"bye\n"  # sent, then EOF (half-close)
        connection.close()
    finally:
        server.close()
    assert result.returncode == 0, result.stderr
    assert elapsed >= 0.9  # it waited for the timer, not for the peer (which never closed)


def test_peer_reset_keeps_every_received_byte(snc, procs):
    """The peer sends 256 KiB then resets: all of it reaches stdout, then one line and exit 1."""
    import struct
    port = free_port()
    server = socket.socket()
    server.bind(("127.0.0.1", port))
    server.listen(1)
    payload = os.urandom(256 * 1024)

    def serve():
        connection, _ = server.accept()
        connection.sendall(payload)
        time.sleep(0.3)
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()

    thread = threading.Thread(target=serve)
    thread.start()
    client = procs.start([snc, "127.0.0.1", port], stdin=subprocess.PIPE)
    received = read_all(client.stdout, 20)
    thread.join(timeout=10)
    server.close()
    assert received == payload
    assert wait_exit(client, 10) == 1
    assert client.stderr.read().decode() == f"snc: connection with 127.0.0.1 port {port} (tcp) lost: Connection reset by peer\n"
