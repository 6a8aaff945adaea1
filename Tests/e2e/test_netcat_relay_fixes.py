"""Relay corner cases: a peer that answers and resets mid-upload, data staged across -k sessions,
-q 0 with a large upload to a peer that talks back."""
import hashlib
import os
import socket
import subprocess
import threading

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
