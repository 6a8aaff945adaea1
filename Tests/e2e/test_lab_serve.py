"""snc serve: the lab's multithreaded server, driven by nc, Python threads,
asyncio and raw sockets. Every exchange is checked byte for byte (SHA-256)."""
import asyncio
import os
import pty
import resource
import select
import signal
import socket
import struct
import subprocess
import threading
import time

import pytest

from conftest import run, sha256
from lab_fixture import start_serve, stop_serve
import lab_peers

INTRO_END = b"\n"


def receipt(data: bytes) -> bytes:
    return b"received %d bytes sha256=%s\n" % (len(data), sha256(data).encode())


def read_line(sock) -> bytes:
    line = b""
    while not line.endswith(b"\n"):
        chunk = sock.recv(1)
        if not chunk:
            break
        line += chunk
    return line


def read_all(sock) -> bytes:
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


@pytest.fixture(autouse=True)
def many_descriptors():
    """The 1000-client tests hold 1000+ sockets in this process."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_nc_N_gets_intro_and_matching_receipt(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path)
    data = os.urandom(300_000)
    result = run(["nc", "-N", "127.0.0.1", port], input=data, timeout=20)
    assert result.returncode == 0
    intro, _, rest = result.stdout.partition(b"\n")
    assert intro.startswith(b"Hello from snc serve")
    assert rest == receipt(data)
    code, out = stop_serve(proc, log)
    assert code == 0
    assert f": {len(data)} bytes in " in out and ", ok" in out
    assert "summary: 1 clients" in out and "1 ok" in out


@pytest.mark.parametrize("client_command", [["nc", "-N"], ["SNC", "connect"]], ids=["nc -N", "snc connect"])
def test_interactive_client_types_then_ctrl_d(snc, procs, tmp_path, client_command):
    """A person at a terminal: read the intro, type a line, Ctrl-D, read the receipt (nc -N or snc connect on a pty)."""
    proc, port, log = start_serve(procs, snc, tmp_path, "--intro", "Type your message, then Ctrl-D.")
    master, slave = pty.openpty()
    command = [snc if word == "SNC" else word for word in client_command]
    client = procs.start([*command, "127.0.0.1", port], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(slave)
    try:
        assert client.stdout.readline() == b"Type your message, then Ctrl-D.\n"
        os.write(master, b"hello from the keyboard\n")
        time.sleep(0.2)
        os.write(master, b"\x04")  # Ctrl-D: end of input at the start of a line
        assert client.stdout.readline() == receipt(b"hello from the keyboard\n")
        assert client.wait(timeout=10) == 0
    finally:
        os.close(master)
    stop_serve(proc, log)


def test_intro_from_file_is_one_line(snc, procs, tmp_path):
    intro = tmp_path / "intro.txt"
    intro.write_text("Welcome to\nthe lab server\n")
    proc, port, log = start_serve(procs, snc, tmp_path, "--intro", f"@{intro}")
    result = run(["nc", "-N", "127.0.0.1", port], input=b"x", timeout=10)
    assert result.stdout == b"Welcome to the lab server\n" + receipt(b"x")
    stop_serve(proc, log)


def test_1000_python_threaded_clients_all_get_their_receipts(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path)
    results = lab_peers.threaded_clients("127.0.0.1", port, 1000, size=2048, timeout=60)
    failures = [r for r in results if r is None or r[2] != r[1]]
    assert not failures, failures[:3]
    code, out = stop_serve(proc, log)
    assert code == 0
    assert out.count(", ok\n") == 1000
    assert "summary: 1000 clients" in out and "1000 ok" in out


def test_1000_asyncio_clients_at_once(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    result = asyncio.run(lab_peers.asyncio_load("127.0.0.1", port, concurrency=1000, total=1000, size=4096, timeout=60))
    assert result["completed"] == 1000, result
    assert result["bad_receipt"] == 0 and not result["failed"]
    code, out = stop_serve(proc, log)
    assert "client " not in out  # --quiet: no per-client lines
    assert "1000 ok" in out


def test_over_long_message_is_refused_with_a_line(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path, "--max-message", "1K")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        read_line(sock)
        try:
            sock.sendall(b"a" * 200_000)
            sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert read_all(sock) == b"error: message exceeds 1024 bytes\n"
    # Exactly at the limit is fine.
    result = run(["nc", "-N", "127.0.0.1", port], input=b"b" * 1024, timeout=10)
    assert result.stdout.endswith(receipt(b"b" * 1024))
    code, out = stop_serve(proc, log)
    assert "message too long" in out and "1 ok" in out and "1 message too long" in out


def test_idle_client_is_told_and_closed(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path, "--idle-timeout", "1")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        read_line(sock)
        started = time.monotonic()
        assert read_all(sock) == b"error: idle for 1 s, closing\n"
        assert time.monotonic() - started < 8
    result = run(["nc", "-N", "127.0.0.1", port], input=b"still here", timeout=10)
    assert result.stdout.endswith(receipt(b"still here"))
    code, out = stop_serve(proc, log)
    assert "idle timeout" in out and "1 idle" in out


def test_client_that_vanishes_mid_message_is_timed_out(snc, procs, tmp_path):
    """Half a message, then silence (no FIN, no RST): the idle timeout ends it."""
    proc, port, log = start_serve(procs, snc, tmp_path, "--idle-timeout", "1")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        read_line(sock)
        sock.sendall(b"x" * 5000)
        assert read_all(sock) == b"error: idle for 1 s, closing\n"
    code, out = stop_serve(proc, log)
    assert ": 5000 bytes in " in out and "idle timeout" in out


def trickle(sock, interval, limit):
    """Sends one byte every `interval` seconds until the server answers
    (or closes), at most `limit` bytes; returns (what it answered, bytes sent)."""
    sent = 0
    answer = b""
    for _ in range(limit):
        ready, _, _ = select.select([sock], [], [], interval)
        if ready:
            answer = read_all(sock)
            break
        try:
            sock.sendall(b"t")
        except (BrokenPipeError, ConnectionResetError):
            break
        sent += 1
    return answer, sent


def test_tricklers_cannot_hold_every_slot_for_ever(snc, procs, tmp_path):
    """--max-clients 3, and three clients that send a byte every 0.4 s: never
    idle (idle is 30 s), but the whole-message deadline closes each with a
    line, and the client waiting in the backlog gets in and is served."""
    proc, port, log = start_serve(procs, snc, tmp_path, "--max-clients", "3", "--idle-timeout", "30",
                                  "--message-timeout", "2")
    tricklers = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(3)]
    for sock in tricklers:
        assert read_line(sock).startswith(b"Hello")
    waiting = socket.create_connection(("127.0.0.1", port), timeout=10)  # queued behind them
    results = [None] * 3
    started = time.monotonic()
    threads = [threading.Thread(target=lambda i=i: results.__setitem__(i, trickle(tricklers[i], 0.4, 50)))
               for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    elapsed = time.monotonic() - started
    for answer, sent in results:
        assert answer == b"error: message not complete after 2 s, closing\n"
        assert sent >= 3  # they did trickle, more often than nothing
    assert elapsed < 8
    assert read_line(waiting).startswith(b"Hello")  # a slot came free
    waiting.sendall(b"served at last")
    waiting.shutdown(socket.SHUT_WR)
    assert read_all(waiting) == receipt(b"served at last")
    for sock in tricklers + [waiting]:
        sock.close()
    code, out = stop_serve(proc, log)
    assert out.count("message timeout") >= 3 and "3 message timeout" in out and "1 ok" in out


def test_idle_counts_bytes_so_a_trickler_is_slow_not_idle(snc, procs, tmp_path):
    """Idle 1 s, a byte every 0.3 s for 2 s: longer than the idle timeout in
    all, never a second without a byte, so the message is served whole."""
    proc, port, log = start_serve(procs, snc, tmp_path, "--idle-timeout", "1", "--message-timeout", "20")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        read_line(sock)
        answer, sent = trickle(sock, 0.3, 7)
        assert answer == b"" and sent == 7
        sock.shutdown(socket.SHUT_WR)
        assert read_all(sock) == receipt(b"t" * 7)
    code, out = stop_serve(proc, log)
    assert "1 ok" in out and "0 idle" in out


def test_backlog_reaches_listen(snc, procs, tmp_path):
    """ss shows a listening socket's backlog in its Send-Q column."""
    proc, port, log = start_serve(procs, snc, tmp_path, "--backlog", "17")
    listing = run(["ss", "-lnt", f"sport = :{port}"], timeout=10).stdout.decode().splitlines()
    rows = [line.split() for line in listing[1:] if line.strip()]
    assert rows and rows[0][0] == "LISTEN" and rows[0][2] == "17"
    stop_serve(proc, log)


def test_reset_mid_message_is_logged_and_server_carries_on(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path)
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    read_line(sock)
    sock.sendall(b"half a message")
    time.sleep(0.2)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()  # SO_LINGER 0: the close sends RST
    deadline = time.monotonic() + 10
    while "reset or gone" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    result = run(["nc", "-N", "127.0.0.1", port], input=b"next", timeout=10)
    assert result.stdout.endswith(receipt(b"next"))
    code, out = stop_serve(proc, log)
    assert ": 14 bytes in " in out and "reset or gone" in out
    assert "1 ok" in out and "1 reset" in out


def test_max_clients_leaves_newcomers_waiting_in_the_backlog(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path, "--max-clients", "2")
    first = socket.create_connection(("127.0.0.1", port), timeout=10)
    second = socket.create_connection(("127.0.0.1", port), timeout=10)
    assert read_line(first) and read_line(second)
    third = socket.create_connection(("127.0.0.1", port), timeout=10)  # completes in the accept queue
    third.settimeout(0.7)
    with pytest.raises(socket.timeout):
        third.recv(1)  # not accepted yet: no intro
    first.sendall(b"one")
    first.shutdown(socket.SHUT_WR)
    assert read_all(first) == receipt(b"one")
    third.settimeout(10)
    assert read_line(third).startswith(b"Hello")  # a slot freed: accepted now
    for sock, data in ((second, b"two"), (third, b"three")):
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        assert read_all(sock) == receipt(data)
        sock.close()
    first.close()
    code, out = stop_serve(proc, log)
    assert "3 ok" in out and "at most 2 clients at once" in out


def test_ulimit_256_under_1000_clients_keeps_serving_and_recovers(snc, procs, tmp_path):
    """With 256 descriptors, 1000 connected clients cannot all be accepted: accept
    fails with EMFILE, the server pauses (no spinning) and resumes as clients
    finish; every client is served from the backlog, then a fresh one succeeds."""
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet", prefix=["prlimit", "--nofile=256:256"])
    count = 1000
    connected = threading.Barrier(count, timeout=60)
    results = [None] * count

    def client(index):
        message = lab_peers.message_for(index, 1024)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
                connected.wait()  # all 1000 are connected (most still in the accept queue) before any sends
                sock.sendall(message)
                sock.shutdown(socket.SHUT_WR)
                reply = read_all(sock)
                intro, _, rest = reply.partition(b"\n")
                results[index] = rest == lab_peers.receipt_for(message) and intro.startswith(b"Hello")
        except Exception as error:  # noqa: BLE001
            results[index] = error

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    served = sum(1 for r in results if r is True)
    assert served == count, [r for r in results if r is not True][:5]
    fresh = run(["nc", "-N", "127.0.0.1", port], input=b"after the storm", timeout=10)
    assert fresh.stdout.endswith(receipt(b"after the storm"))
    code, out = stop_serve(proc, log)
    assert code == 0
    assert f"{count + 1} ok" in out
    assert "accept paused" in out and "EMFILE" in out


def test_sigterm_stops_accepting_and_lets_clients_finish(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path)
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    read_line(sock)
    sock.sendall(b"first half ")
    proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    # The listener closes: new connections are refused. A probe that reached the backlog just
    # before the close is reset instead, which is the same answer.
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            time.sleep(0.05)
        except (ConnectionRefusedError, ConnectionResetError):
            break
    else:
        pytest.fail("listener still accepting after SIGTERM")
    sock.sendall(b"second half")
    sock.shutdown(socket.SHUT_WR)
    assert read_all(sock) == receipt(b"first half second half")
    sock.close()
    assert proc.wait(timeout=10) == 0
    out = log.read_text()
    assert "summary:" in out and "1 ok" in out


def test_ipv6_loopback(snc, procs, tmp_path):
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        proc, port, log = start_serve(procs, snc, tmp_path, address="::1")
    except AssertionError:
        pytest.skip("::1 not available")
    result = run(["nc", "-N", "-6", "::1", port], input=b"six", timeout=10)
    assert result.stdout.endswith(receipt(b"six"))
    code, out = stop_serve(proc, log)
    assert "client [::1]:" in out


@pytest.mark.parametrize("args, words", [
    ([], "expected [ADDRESS] PORT"),
    (["127.0.0.1", "70000"], "invalid port"),
    (["--max-message", "lots", "0"], "--max-message"),
    (["--max-clients", "0", "0"], "--max-clients"),
    (["--idle-timeout", "-1", "0"], "--idle-timeout"),
    (["--idle-timeout", "1e300", "0"], "--idle-timeout"),
    (["--message-timeout", "-1", "0"], "--message-timeout"),
    (["--message-timeout", "nan", "0"], "--message-timeout"),
    (["--grace", "1e300", "0"], "--grace"),
    (["--grace", "nan", "0"], "--grace"),
])
def test_usage_errors_exit_64(snc, args, words):
    result = run([snc, "serve", *args], timeout=10)
    assert result.returncode == 64
    assert words.encode() in result.stderr
    assert result.stderr.count(b"\n") == 1, result.stderr


@pytest.mark.parametrize("option, value", [
    ("--grace", "inf"), ("--grace", "-1"), ("--idle-timeout", "nan"), ("--idle-timeout", "-1"),
    ("--message-timeout", "-inf"), ("--message-timeout", "30 s"),
])
def test_bad_durations_are_refused_by_the_parser_naming_option_and_value(snc, option, value):
    """NaN, infinities and negative numbers fail in the parser: "-1" is a value, not a missing one."""
    result = run([snc, "serve", option, value, "0"], timeout=10)
    assert result.returncode == 64
    assert result.stderr.decode() == f"snc: the value '{value}' is invalid for '{option} <secs>' (see 'snc serve --help')\n"


def test_missing_intro_file_is_one_line(snc, tmp_path):
    result = run([snc, "serve", "--intro", f"@{tmp_path}/missing", "127.0.0.1", "0"], timeout=10)
    assert result.returncode == 64
    assert result.stderr.count(b"\n") == 1 and b"--intro" in result.stderr


def test_port_in_use_fails_with_exit_1(snc, procs, tmp_path):
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    try:
        result = run([snc, "serve", "127.0.0.1", holder.getsockname()[1]], timeout=10)
        assert result.returncode == 1
        assert b"Address already in use" in result.stderr
    finally:
        holder.close()
