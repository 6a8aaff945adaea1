"""snc listen --ssl with --broker, --chat and --keep-open: each client's handshake runs in
the broker's poll loop, so TLS clients talk to each other as plain ones do, and a client
that sends garbage or stalls mid-handshake is dropped without holding up the others."""
import hashlib
import os
import re
import socket
import ssl
import subprocess
import threading
import time

from conftest import free_port, wait_for_listen
from netcat_fixture import read_until, recv_all, recv_until


def tls_client(port):
    """A TLS client that trusts the listener's throwaway certificate (the pinning is
    covered by the connect tests); the handshake is bounded by the socket timeout."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    return context.wrap_socket(raw)


def wait_for_log(path, text, count, timeout=10.0):
    deadline = time.monotonic() + timeout
    while path.read_text(errors="replace").count(text) < count:
        assert time.monotonic() < deadline, path.read_text(errors="replace")
        time.sleep(0.05)


def start_listener(snc, procs, tmp_path, *options, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE):
    """-v prints a `TLS: ...` line once a client's handshake is done (it is routed then)."""
    port = free_port()
    log_path = tmp_path / "stderr.txt"
    with open(log_path, "wb") as log:
        listener = procs.start([snc, "listen", "--ssl", "-v", *options, "127.0.0.1", port], stdin=stdin, stdout=stdout,
                               stderr=log)
    wait_for_listen(port)
    return listener, port, log_path


def connect_routed(port, log_path, count, already=0):
    clients = [tls_client(port) for _ in range(count)]
    wait_for_log(log_path, "TLS: TLSv1.3", already + count)
    return clients


def exchange_lines(clients):
    """Each client's line reaches every other client byte-exact, and not itself."""
    lines = [f"line from client {index} \u00e9\r\n".encode() for index in range(len(clients))]
    for client, line in zip(clients, lines):
        client.sendall(line)
    for index, client in enumerate(clients):
        expected = sorted(line for other, line in enumerate(lines) if other != index)
        total = sum(map(len, expected))
        got = recv_until(client, lambda data: len(data) >= total)
        assert len(got) == total
        assert sorted(got.split(b"\n")[:-1]) == sorted(line[:-1] for line in expected)


def test_broker_over_tls_relays_each_line_to_the_others(snc, procs, tmp_path):
    listener, port, log_path = start_listener(snc, procs, tmp_path, "--broker")
    clients = connect_routed(port, log_path, 3)
    exchange_lines(clients)
    clients[0].close()
    exchange_lines(clients[1:])
    assert listener.poll() is None


def test_chat_over_tls_prefixes_users(snc, procs, tmp_path):
    listener, port, log_path = start_listener(snc, procs, tmp_path, "--chat")
    first, second = connect_routed(port, log_path, 2)
    recv_until(second, lambda data: b"already connected" in data)
    first.sendall(b"hello over tls\n")
    got = recv_until(second, lambda data: b"<user1> hello over tls\n" in data)
    assert b"<user1> hello over tls\n" in got
    second.sendall(b"and back\n")
    recv_until(first, lambda data: b"<user2> and back\n" in data)
    assert listener.poll() is None


def test_keep_open_over_tls_serves_two_clients_at_once(snc, procs, tmp_path):
    listener, port, log_path = start_listener(snc, procs, tmp_path, "--keep-open", stdin=subprocess.PIPE)
    clients = connect_routed(port, log_path, 2)
    listener.stdin.write(b"from stdin\n")
    listener.stdin.flush()
    for client in clients:
        recv_until(client, lambda data: data == b"from stdin\n")
    clients[0].sendall(b"first client\n")
    clients[1].sendall(b"second client\n")
    out = read_until(listener.stdout, lambda data: data.count(b"\n") >= 2)
    assert sorted(out.splitlines()) == [b"first client", b"second client"]
    # stdin's end is a close_notify to each client: each sees a clean end of data.
    listener.stdin.close()
    for client in clients:
        assert recv_all(client) == b""


def test_garbage_instead_of_client_hello_drops_that_client_only(snc, procs, tmp_path):
    listener, port, log_path = start_listener(snc, procs, tmp_path, "--broker")
    clients = connect_routed(port, log_path, 2)
    garbage = socket.create_connection(("127.0.0.1", port), timeout=10)
    garbage.sendall(b"GET / HTTP/1.0\r\n\r\n" * 4)
    assert recv_all(garbage, timeout=10) is not None  # closed by the listener, not by the timeout
    wait_for_log(log_path, "dropping client 3", 1)
    exchange_lines(clients)
    assert listener.poll() is None


def test_client_stalled_mid_handshake_does_not_block_others(snc, procs, tmp_path):
    listener, port, log_path = start_listener(snc, procs, tmp_path, "--broker", "-w", "3")
    # Half a real ClientHello, then silence.
    context = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    hello_maker = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        hello_maker.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = outgoing.read()
    stalled = socket.create_connection(("127.0.0.1", port), timeout=10)
    stalled.sendall(hello[: len(hello) // 2])
    started = time.monotonic()
    clients = connect_routed(port, log_path, 2)
    exchange_lines(clients)
    assert time.monotonic() - started < 2.5, "the stalled handshake held the others up"
    assert recv_all(stalled, timeout=10) == b""
    wait_for_log(log_path, "timed out after 3 s", 1)
    exchange_lines(clients)
    assert listener.poll() is None


def test_broker_over_tls_with_snc_and_ncat_clients(snc, procs, tmp_path):
    """snc clients pin the listener's throwaway certificate by the fingerprint it prints."""
    listener, port, log_path = start_listener(snc, procs, tmp_path, "--broker")
    wait_for_log(log_path, "SHA256:", 1)
    fingerprint = re.search(r"SHA256:[A-Za-z0-9+/]+", log_path.read_text()).group(0)
    peers = [procs.start([snc, "connect", "--ssl", "--ssl-fingerprint", fingerprint, "127.0.0.1", port],
                         stdin=subprocess.PIPE) for _ in range(2)]
    peers.append(procs.start(["ncat", "--ssl", "127.0.0.1", str(port)], stdin=subprocess.PIPE))
    wait_for_log(log_path, "TLS: TLSv1.3", 3)
    lines = [b"from snc one\n", b"from snc two\n", b"from ncat\n"]
    for peer, line in zip(peers, lines):
        peer.stdin.write(line)
        peer.stdin.flush()
    for index, peer in enumerate(peers):
        expected = sorted(line for other, line in enumerate(lines) if other != index)
        got = read_until(peer.stdout, lambda data: data.count(b"\n") >= 2)
        assert sorted(got.splitlines(keepends=True)) == expected
    assert listener.poll() is None


def test_broker_over_tls_passes_8_mib_byte_exact(snc, procs, tmp_path):
    """More than the 1 MiB a client may have queued: WANT_WRITE and the pause lose nothing.
    (The broker's stdout gets every client's data too: /dev/null, so it never fills.)"""
    listener, port, log_path = start_listener(snc, procs, tmp_path, "--broker", stdout=subprocess.DEVNULL)
    sender, *receivers = connect_routed(port, log_path, 3)
    payload = os.urandom(8 << 20)
    received = [b""] * len(receivers)

    def drain(index, client):
        received[index] = recv_until(client, lambda data: len(data) >= len(payload), timeout=60)

    threads = [threading.Thread(target=drain, args=(index, client)) for index, client in enumerate(receivers)]
    for thread in threads:
        thread.start()
    sender.sendall(payload)
    for thread in threads:
        thread.join(timeout=60)
    digest = hashlib.sha256(payload).hexdigest()
    assert [hashlib.sha256(data).hexdigest() for data in received] == [digest, digest]
    assert listener.poll() is None
