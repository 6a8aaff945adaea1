"""The relay loses no byte at its edges: a peer's final reply arrives although the peer resets
mid-upload, and -q 0 still delivers all of a large upload to a peer that talks back."""
import hashlib
import os
import socket
import subprocess
import threading
import time

from conftest import run


def test_final_reply_survives_reset_during_upload(snc):
    """The server answers an error and closes with the upload unread (a reset); the reply still reaches stdout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(20)
    port = server.getsockname()[1]

    def answer_and_close():
        conn, _ = server.accept()
        with conn:
            conn.recv(1024)
            conn.sendall(b"ERR upload refused\n")
        server.close()

    thread = threading.Thread(target=answer_and_close)
    thread.start()
    result = run([snc, "127.0.0.1", str(port)], input=os.urandom(32 << 20), timeout=30)
    thread.join(timeout=20)
    assert result.stdout == b"ERR upload refused\n"
    assert result.returncode == 1


def test_quit_at_once_still_delivers_all_of_stdin(snc, procs, tmp_path):
    """-q 0 leaves as soon as stdin is sent; the peer's replies sit unread, and closing
    such a socket resets it and drops the unsent tail unless snc waits for it to arrive."""
    data = os.urandom(8 << 20)
    source = tmp_path / "upload"
    source.write_bytes(data)
    listener = socket.create_server(("127.0.0.1", 0))
    received = hashlib.sha256()
    counted = {"bytes": 0}

    def echo_slowly():
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(20)
            try:
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    received.update(chunk)
                    counted["bytes"] += len(chunk)
                    conn.sendall(chunk[:1024])  # replies snc will never read
                    time.sleep(0.0005)
            except OSError:
                pass

    server = threading.Thread(target=echo_slowly, daemon=True)
    server.start()
    with open(source, "rb") as stdin:
        result = subprocess.run([snc, "-q", "0", "127.0.0.1", str(listener.getsockname()[1])],
                                stdin=stdin, capture_output=True, timeout=60)
    server.join(timeout=30)
    listener.close()
    assert result.returncode == 0, result.stderr
    assert counted["bytes"] == len(data)
    assert received.hexdigest() == hashlib.sha256(data).hexdigest()
