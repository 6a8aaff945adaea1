"""snc serve --message-end line: a message ends at its first newline, so nc
without -N and a lab-1 client that sends a line and waits get a receipt."""
import hashlib
import json
import shutil
import socket
import subprocess

import pytest

from conftest import run
from lab_fixture import start_serve, stop_serve


def receipt(message: bytes) -> bytes:
    return f"received {len(message)} bytes sha256={hashlib.sha256(message).hexdigest()}\n".encode()


def openbsd_nc():
    path = shutil.which("nc.openbsd") or shutil.which("nc")
    if not path:
        pytest.skip("needs netcat-openbsd")
    probe = subprocess.run([path, "-h"], capture_output=True, timeout=10)
    if b"OpenBSD" not in probe.stdout + probe.stderr:
        pytest.skip("nc is not netcat-openbsd")
    return path


def test_nc_without_N_gets_its_receipt(snc, procs, tmp_path):
    nc = openbsd_nc()
    proc, port, log = start_serve(procs, snc, tmp_path, "--message-end", "line")
    # No -N: nc never half-closes; only the newline can end the message.
    client = procs.start([nc, "127.0.0.1", str(port)], stdin=subprocess.PIPE)
    out, _ = client.communicate(b"hello lab\n", timeout=15)
    intro, _, answer = out.partition(b"\n")
    assert b"newline" in intro or b"Enter" in intro, intro
    assert answer == receipt(b"hello lab")
    stop_serve(proc, log)


def test_a_lab1_client_that_sends_a_line_and_waits_gets_its_receipt(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path, "--message-end", "line")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        reader = sock.makefile("rb")
        assert reader.readline().endswith(b"\n")
        sock.sendall(b"hi there\r\n")  # CR LF: the CR is part of the line end
        assert reader.readline() == receipt(b"hi there")
    stop_serve(proc, log)


@pytest.mark.parametrize("engine", ["epoll", "threads"])
def test_load_speaks_line_mode_to_a_line_mode_server(snc, procs, tmp_path, engine):
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet", "--message-end", "line")
    result = run([snc, "load", "127.0.0.1", port, "--message-end", "line", "--engine", engine,
                  "-c", "10", "-n", "200", "--message-size", "3000", "--json"], timeout=60)
    assert result.returncode == 0, result.stderr
    level = json.loads(result.stdout)["levels"][0]
    assert level["completed"] == 200 and level["failed"] == 0
    stop_serve(proc, log)


def test_a_line_message_may_not_hold_a_newline(snc):
    result = run([snc, "load", "127.0.0.1", "9", "--message-end", "line", "--message", "a\nb"], timeout=20)
    assert result.returncode == 64
    assert b"one line" in result.stderr
