"""snc listen --broker and --chat at their limits: out of descriptors (it pauses, it does not
spin, it recovers), a client that never reads (dropped, the others flow, memory stays bounded),
and the join roster (only the newcomer hears it, at most 20 names)."""
import hashlib
import os
import re
import socket
import subprocess
import threading
import time

from conftest import assert_no_spin_under_crowd, free_port, wait_for_listen


def read_exactly(sock, count, timeout=10):
    sock.settimeout(timeout)
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            break
        data += chunk
    return data


def test_broker_out_of_descriptors_pauses_and_recovers(snc, procs, tmp_path):
    port = free_port()
    log_path = tmp_path / "stderr.txt"
    with open(log_path, "wb") as log:
        # stderr to a file, not a pipe: a full pipe would block a flooding process and hide a spin.
        proc = procs.start(["prlimit", "--nofile=12:12", snc, "listen", "--broker", "127.0.0.1", port],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
    wait_for_listen(port)
    assert_no_spin_under_crowd(proc, port, clients=20)  # more than the descriptors snc has left
    # Once the crowd is gone, two new clients are admitted and relayed to each other.
    deadline = time.monotonic() + 20
    while True:
        first = socket.create_connection(("127.0.0.1", port), timeout=10)
        second = socket.create_connection(("127.0.0.1", port), timeout=10)
        time.sleep(0.3)
        first.sendall(b"after the crowd\n")
        try:
            got = read_exactly(second, len(b"after the crowd\n"), timeout=2)
        except OSError:
            got = b""
        first.close()
        second.close()
        if got == b"after the crowd\n":
            break
        assert time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.2)
    assert proc.poll() is None
    stderr = log_path.read_text()
    assert "Too many open files" in stderr, stderr
    assert stderr.count("pausing new connections") < 20, stderr


MIB = 1 << 20
DROPPED = re.compile(r"snc: broker: dropping client (\d+) \(127\.0\.0\.1:(\d+)\): not reading, (\d+) bytes queued")


def wait_for_log(path, text, count=1, timeout=10.0) -> str:
    """Waits (bounded) until `text` appears `count` times in the log file at `path`."""
    deadline = time.monotonic() + timeout
    while True:
        content = path.read_text(errors="replace")
        if content.count(text) >= count:
            return content
        assert time.monotonic() < deadline, f"waited for {count} x {text!r}; log: {content!r}"
        time.sleep(0.05)


def stalled_client(port):
    """A client with a tiny receive buffer that never reads."""
    stalled = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", port))
    return stalled


def vm_rss_kib(pid: int) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS line")


def send_random(sock, total, digest, errors):
    try:
        sent = 0
        while sent < total:
            chunk = os.urandom(MIB)
            digest.update(chunk)
            sock.sendall(chunk)
            sent += len(chunk)
    except OSError as error:
        errors.append(f"send: {error}")


def receive_count(sock, total, digest, errors):
    try:
        received = 0
        while received < total:
            chunk = sock.recv(min(MIB, total - received))
            if not chunk:
                errors.append(f"end of stream after {received} bytes")
                return
            digest.update(chunk)
            received += len(chunk)
    except OSError as error:
        errors.append(f"receive after {received} bytes: {error}")


def test_a_client_that_never_reads_is_dropped_and_the_others_exchange_64_mib(snc, procs, tmp_path):
    port = free_port()
    log_path = tmp_path / "stderr.txt"
    with open(log_path, "wb") as log:
        proc = procs.start([snc, "listen", "-v", "--broker", "127.0.0.1", port],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
    wait_for_listen(port)
    stalled = stalled_client(port)
    first = socket.create_connection(("127.0.0.1", port), timeout=10)
    second = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        wait_for_log(log_path, "Connection received", count=3)
        # 64 MiB each way at once; the silent client gets everything too, until it is dropped.
        total = 64 * MIB
        digests = {name: hashlib.sha256() for name in ("first sent", "second got", "second sent", "first got")}
        errors = []
        for sock in (first, second):
            sock.settimeout(20)  # no progress for 20 s: snc is frozen
        threads = [
            threading.Thread(target=send_random, args=(first, total, digests["first sent"], errors)),
            threading.Thread(target=receive_count, args=(second, total, digests["second got"], errors)),
            threading.Thread(target=send_random, args=(second, total, digests["second sent"], errors)),
            threading.Thread(target=receive_count, args=(first, total, digests["first got"], errors)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "the exchange did not finish in 120 s"
        assert not errors, errors
        assert digests["second got"].hexdigest() == digests["first sent"].hexdigest()
        assert digests["first got"].hexdigest() == digests["second sent"].hexdigest()
        log = log_path.read_text(errors="replace")
        dropped = DROPPED.findall(log)
        assert len(dropped) == 1, log
        user, client_port, queued = dropped[0]
        assert (user, int(client_port)) == ("1", stalled.getsockname()[1])
        assert int(queued) > MIB
        assert proc.poll() is None
    finally:
        for sock in (stalled, first, second):
            sock.close()


def test_memory_stays_bounded_through_connect_close_cycles_with_a_stalled_reader(snc, procs, tmp_path):
    port = free_port()
    log_path = tmp_path / "stderr.txt"
    with open(log_path, "wb") as log:
        proc = procs.start([snc, "listen", "--chat", "127.0.0.1", port],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
    wait_for_listen(port)
    stalled = stalled_client(port)
    flood = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        # Fill the silent client's buffers (and the broker's queue for it) with 3 s of chat lines.
        flood.settimeout(0.2)
        line = b"x" * 1000 + b"\n"
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                flood.send(line * 64)
            except socket.timeout:
                pass
        time.sleep(0.5)
        before = vm_rss_kib(proc.pid)
        # 4000 arrivals and departures, 50 at a time; each one is announced to everyone.
        for _ in range(80):
            batch = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(50)]
            time.sleep(0.02)
            for client in batch:
                client.close()
        time.sleep(0.5)
        grown = vm_rss_kib(proc.pid) - before
        assert grown < 1024, f"VmRSS grew by {grown} KiB over 4000 connect/close cycles"
        assert proc.poll() is None
        assert DROPPED.search(log_path.read_text(errors="replace"))
    finally:
        stalled.close()
        flood.close()


def test_only_the_newcomer_hears_who_is_connected_and_at_most_20_names(snc, procs):
    port = free_port()
    procs.start([snc, "listen", "--chat", "127.0.0.1", port], stdout=subprocess.DEVNULL)
    wait_for_listen(port)
    users = []
    try:
        for number in range(1, 31):
            user = socket.create_connection(("127.0.0.1", port), timeout=10)
            users.append(user)
            welcome = recv_lines(user, 2)
            assert welcome[0] == f"<announce> 127.0.0.1 is connected as <user{number}>.".encode()
            assert welcome[1].startswith(b"<announce> already connected: ")
        # The 30th user heard 20 names and a count of the other 9.
        assert welcome[1].endswith(b"127.0.0.1 as <user20> and 9 more.")
        assert welcome[1].count(b" as <user") == 20
        # The first user heard one line per arrival and no lists.
        heard = recv_lines(users[0], 29)
        assert heard == [f"<announce> 127.0.0.1 is connected as <user{n}>.".encode() for n in range(2, 31)]
        users[0].settimeout(0.3)
        try:
            extra = users[0].recv(65536)
        except socket.timeout:
            extra = b""
        assert extra == b""
    finally:
        for user in users:
            user.close()


def recv_lines(sock, count, timeout=10.0) -> list[bytes]:
    """Receives exactly `count` lines (bounded), leaving nothing after them unread in between."""
    data = b""
    deadline = time.monotonic() + timeout
    while data.count(b"\n") < count:
        left = deadline - time.monotonic()
        assert left > 0, f"waited for {count} lines; got {data!r}"
        sock.settimeout(left)
        # One byte at a time, so that no line after the last one wanted is consumed.
        chunk = sock.recv(1)
        assert chunk, f"closed after {data!r}"
        data += chunk
    return data.split(b"\n")[:count]
