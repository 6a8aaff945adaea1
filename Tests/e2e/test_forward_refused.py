"""A channel the far side refuses: the local client gets a reset at once, and the log says why."""
import errno
import shutil
import socket
import subprocess
import time

import pytest

from conftest import free_port
from sshd_fixture import sshd, start_forward  # noqa: F401


def connect_and_wait_for_end(port: int, limit: float):
    """Connects to the forward and reads until it ends: ('reset'|'eof'|'silent', seconds)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=limit) as sock:
        sock.settimeout(limit)
        try:
            data = sock.recv(100)
        except ConnectionResetError:
            return "reset", time.monotonic() - started
        except socket.timeout:
            return "silent", time.monotonic() - started
        return ("eof" if data == b"" else "data"), time.monotonic() - started


def test_refused_channel_resets_the_local_client_within_2_s(snc, sshd, procs, tmp_path):
    dead = free_port()
    local = free_port()
    proc = start_forward(procs, snc, ["-F", sshd.config(tmp_path), "-L", f"{local}:127.0.0.1:{dead}", "testhost"], local)
    outcome, seconds = connect_and_wait_for_end(local, limit=2.0)
    assert outcome == "reset", f"{outcome} after {seconds:.2f} s"
    assert seconds < 2.0
    assert proc.poll() is None
    proc.kill()
    stderr = proc.communicate(timeout=10)[1].decode()
    lines = [line for line in stderr.splitlines() if "open failed" in line]
    assert len(lines) == 1, stderr
    # ssh's wording ("channel N: open failed: connect failed: ..."); libssh2
    # passes on no reason beyond "connect failed", so the target is named.
    assert lines[0].startswith("snc: channel ")
    assert lines[0].endswith(f": open failed: connect failed: 127.0.0.1 port {dead}; local connection reset")


@pytest.mark.skipif(shutil.which("ssh") is None, reason="ssh is not installed")
def test_ssh_L_words_the_same_refusal_alike(sshd, procs, tmp_path):
    """What OpenSSH prints for the same refusal through the same sshd, for comparison."""
    dead = free_port()
    local = free_port()
    ssh = procs.start(["ssh", "-F", str(sshd.config(tmp_path)), "-N", "-L", f"{local}:127.0.0.1:{dead}", "testhost"],
                      stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            outcome, _ = connect_and_wait_for_end(local, limit=5.0)
            break
        except ConnectionRefusedError:
            time.sleep(0.1)
    else:
        raise AssertionError("ssh -L did not listen")
    time.sleep(0.3)
    ssh.kill()
    stderr = ssh.communicate(timeout=10)[1].decode()
    assert outcome == "eof"  # ssh closes in order: the client cannot tell a refusal from an empty answer
    assert "open failed: connect failed: Connection refused" in stderr
