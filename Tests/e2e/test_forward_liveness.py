"""A dead or silent sshd ends snc forward with a message, within the ServerAlive bound."""
import os
import signal
import socket
import threading
import time

import pytest

from conftest import free_port
from sshd_fixture import dedicated_sshd, sshd_children, start_echo, start_forward


@pytest.fixture
def own_sshd():
    """A dedicated sshd: these tests kill or freeze it."""
    yield from dedicated_sshd("snc-sshd-dead-")


def stream_forever(port, stop):
    """Keeps a transfer going through the tunnel until told to stop or the tunnel breaks."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            chunk = os.urandom(1 << 16)
            while not stop.is_set():
                sock.sendall(chunk)
                sock.recv(1 << 16)
    except OSError:
        pass


def wait_exit(proc, seconds):
    started = time.monotonic()
    proc.wait(timeout=seconds)
    return time.monotonic() - started


def test_sshd_killed_mid_transfer(snc, own_sshd, procs, tmp_path):
    echo = start_echo(procs)
    local = free_port()
    config = own_sshd.config(tmp_path, extra="  ServerAliveInterval 1\n  ServerAliveCountMax 3\n")
    proc = start_forward(procs, snc, ["-F", config, "-L", f"{local}:127.0.0.1:{echo}", "testhost"], local)
    stop = threading.Event()
    mover = threading.Thread(target=stream_forever, args=(local, stop))
    mover.start()
    time.sleep(0.5)
    for pid in sshd_children(own_sshd) + [own_sshd.proc.pid]:
        os.kill(pid, signal.SIGKILL)
    elapsed = wait_exit(proc, 10)
    stop.set()
    mover.join(10)
    assert proc.returncode == 1
    stderr = proc.stderr.read().decode()
    assert "snc: Connection to 127.0.0.1 closed by remote host" in stderr
    assert elapsed < 5


def test_frozen_sshd_is_detected_by_server_alive(snc, own_sshd, procs, tmp_path):
    echo = start_echo(procs)
    local = free_port()
    config = own_sshd.config(tmp_path, extra="  ServerAliveInterval 1\n  ServerAliveCountMax 2\n")
    proc = start_forward(procs, snc, ["-F", config, "-L", f"{local}:127.0.0.1:{echo}", "testhost"], local)
    # Open channels must not each wait for a close confirmation on the way out.
    idle = [socket.create_connection(("127.0.0.1", local), timeout=5) for _ in range(20)]
    for sock in idle:
        sock.sendall(b"ping")
        assert sock.recv(4) == b"ping"
    time.sleep(0.5)
    # A frozen server keeps its TCP connection up (the kernel still ACKs) but never answers.
    for pid in sshd_children(own_sshd):
        os.kill(pid, signal.SIGSTOP)
    elapsed = wait_exit(proc, 15)
    for sock in idle:
        sock.close()
    assert proc.returncode == 1
    assert "snc: Timeout, server 127.0.0.1 not responding (no reply for 2s)." in proc.stderr.read().decode()
    assert elapsed < 6
