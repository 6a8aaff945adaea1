"""snc listen -U PATH on a path that is already a socket file: a live
listener, even one whose backlog is full, is "Address already in use" at
once; only a file nobody listens on (connect refused) is stale and replaced."""
import socket
import time

from conftest import run


def fill_backlog(path: str, limit: int = 64) -> list[socket.socket]:
    """Connects without blocking until the listener's queue is full (EAGAIN);
    returns the queued connections so that they stay queued."""
    queued = []
    for _ in range(limit):
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.setblocking(False)
        try:
            client.connect(path)
        except BlockingIOError:
            client.close()
            return queued
        queued.append(client)
    for client in queued:
        client.close()
    raise AssertionError(f"the backlog of {path} never filled after {limit} connections")


def test_a_live_listener_with_a_full_backlog_is_in_use_not_a_hang(snc, tmp_path):
    path = str(tmp_path / "full.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(0)
    queued = fill_backlog(path)
    try:
        started = time.monotonic()
        result = run([snc, "listen", "-U", path], timeout=10)
        elapsed = time.monotonic() - started
        assert result.returncode == 1
        assert result.stderr == f"snc: bind to {path} (unix) failed: Address already in use\n".encode()
        assert elapsed < 5
        # The live listener's file was left alone: it still takes its queued clients.
        connection, _ = listener.accept()
        connection.close()
    finally:
        for client in queued:
            client.close()
        listener.close()


def test_a_live_listener_with_room_is_in_use(snc, tmp_path):
    path = str(tmp_path / "live.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(8)
    try:
        result = run([snc, "listen", "-U", path], timeout=10)
        assert result.returncode == 1
        assert result.stderr == f"snc: bind to {path} (unix) failed: Address already in use\n".encode()
    finally:
        listener.close()
