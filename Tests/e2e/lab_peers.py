"""The lab's own peers, in Python 3 with the standard library only.

Used by the end-to-end tests and by scripts/bench-lab.sh as the reference
implementations snc serve and snc load are compared with:

- a threading server as the lab's part 1 teaches it: accept(), then start a
  thread for the client; the thread sends the intro, reads the message to
  end of file, answers "received N bytes sha256=HEX" and closes;
- a threaded client (the lab's bonus client) and an asyncio client (the
  lab's async_client.py design), each checking every receipt against the
  SHA-256 of the message it sent;
- idle clients that connect, read the intro and then hold the connection,
  for measuring a server's memory per connected client.

Run as a program for the benchmark:
  lab_peers.py server [--host H] [--port P] [--backlog N]
  lab_peers.py asyncio-load HOST PORT -c N -n TOTAL [--size BYTES]
  lab_peers.py idle HOST PORT COUNT      (holds COUNT clients until stdin closes)
"""
import argparse
import asyncio
import hashlib
import json
import os
import resource
import signal
import socket
import sys
import threading
import time

INTRO = b"Hello from the Python lab server. Send your message, then end it.\n"


def raise_open_file_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def receipt_for(message: bytes) -> bytes:
    return b"received %d bytes sha256=%s\n" % (len(message), hashlib.sha256(message).hexdigest().encode())


def message_for(index: int, size: int) -> bytes:
    """A message of `size` bytes that differs per client, so that each receipt proves its own bytes."""
    stamp = b"client %09d\n" % index
    filler = (b"abcdefghijklmnopqrstuvwxyz0123456789" * (size // 36 + 2))
    return (stamp + filler)[:size]


# ---------------------------------------------------------------- server

def handle_client(conn: socket.socket) -> None:
    """The thread body of the lab's server: intro, message until EOF, receipt."""
    with conn:
        try:
            conn.sendall(INTRO)
            digest = hashlib.sha256()
            total = 0
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                total += len(chunk)
                digest.update(chunk)
            conn.sendall(b"received %d bytes sha256=%s\n" % (total, digest.hexdigest().encode()))
        except OSError:
            pass


class ThreadingServer:
    """accept() in a loop, a new thread per client right after it (the lab's part 1)."""

    def __init__(self, host="127.0.0.1", port=0, backlog=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        if backlog is None:
            self.sock.listen()
        else:
            self.sock.listen(backlog)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return  # closed
            threading.Thread(target=handle_client, args=(conn,), daemon=True).start()

    def start(self):
        self.thread.start()
        return self

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


# ---------------------------------------------------------------- clients

def exchange(host, port, message: bytes, timeout=30.0):
    """One whole lab exchange with blocking calls; returns (intro, reply)."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        intro = b""
        while not intro.endswith(b"\n"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            intro += chunk
        sock.sendall(message)
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
        return intro, reply


def threaded_clients(host, port, count, size=1024, timeout=60.0, start_together=True):
    """`count` threads, one client each, all in flight together; returns a list of
    (index, expected receipt, reply or exception)."""
    results = [None] * count
    barrier = threading.Barrier(count) if start_together else None

    def one(index):
        message = message_for(index, size)
        try:
            if barrier:
                barrier.wait(timeout=timeout)
            _, reply = exchange(host, port, message, timeout=timeout)
            results[index] = (index, receipt_for(message), reply)
        except Exception as error:  # noqa: BLE001 - every failure is reported to the test
            results[index] = (index, receipt_for(message), error)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout + 30)
    return results


async def _async_exchange(host, port, message, timeout):
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        await asyncio.wait_for(reader.readline(), timeout)
        writer.write(message)
        await writer.drain()
        writer.write_eof()
        reply = await asyncio.wait_for(reader.read(), timeout)
        return reply
    finally:
        writer.close()


async def asyncio_load(host, port, concurrency, total, size=1024, timeout=30.0):
    """The lab's async_client.py design: `concurrency` tasks, each running
    exchanges until `total` have been started. Returns counts and latencies."""
    next_index = 0
    latencies = []
    failures = {}
    completed = 0
    bad = 0

    async def worker():
        nonlocal next_index, completed, bad
        while next_index < total:
            index = next_index
            next_index += 1
            message = message_for(index, size)
            started = time.perf_counter()
            try:
                reply = await _async_exchange(host, port, message, timeout)
            except Exception as error:  # noqa: BLE001
                name = type(error).__name__
                failures[name] = failures.get(name, 0) + 1
                continue
            if reply == receipt_for(message):
                completed += 1
                latencies.append(time.perf_counter() - started)
            else:
                bad += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    latencies.sort()

    def percentile(p):
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000

    return {
        "completed": completed,
        "bad_receipt": bad,
        "failed": failures,
        "seconds": seconds,
        "connections_per_second": completed / seconds if seconds else 0,
        "p50_ms": percentile(50),
        "p99_ms": percentile(99),
        "max_ms": latencies[-1] * 1000 if latencies else 0.0,
    }


def open_idle_clients(host, port, count, timeout=30.0):
    """Connects `count` clients that read their intro and then send nothing."""
    clients = []
    for _ in range(count):
        sock = socket.create_connection((host, port), timeout=timeout)
        clients.append(sock)
    for sock in clients:
        intro = b""
        while not intro.endswith(b"\n"):
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionError("server closed before its intro")
            intro += chunk
    return clients


# ---------------------------------------------------------------- program

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    server = commands.add_parser("server")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=0)
    server.add_argument("--backlog", type=int, default=None)
    load = commands.add_parser("asyncio-load")
    load.add_argument("host")
    load.add_argument("port", type=int)
    load.add_argument("-c", "--concurrency", type=int, default=10)
    load.add_argument("-n", "--connections", type=int, default=1000)
    load.add_argument("--size", type=int, default=1024)
    load.add_argument("--timeout", type=float, default=30.0)
    idle = commands.add_parser("idle")
    idle.add_argument("host")
    idle.add_argument("port", type=int)
    idle.add_argument("count", type=int)
    args = parser.parse_args(argv)
    raise_open_file_limit()

    if args.command == "server":
        server = ThreadingServer(args.host, args.port, args.backlog)
        print(f"Listening on {args.host} {server.port}", file=sys.stderr, flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        server.start()
        stop.wait()
        server.close()
    elif args.command == "asyncio-load":
        result = asyncio.run(asyncio_load(args.host, args.port, args.concurrency, args.connections, args.size, args.timeout))
        print(json.dumps(result))
    elif args.command == "idle":
        clients = open_idle_clients(args.host, args.port, args.count)
        print(f"ready {len(clients)}", flush=True)
        sys.stdin.read()
        for sock in clients:
            sock.close()


if __name__ == "__main__":
    main()
