"""snc forward with Unix-domain sockets at either end (ssh's -L forms with paths)."""
import os
import signal
import socket
import subprocess
import time

from conftest import free_port, sha256, wait_for_unix
from sshd_fixture import roundtrip, sshd, start_echo, start_forward, start_unix_echo  # noqa: F401

def start_unix_forward(procs, snc, args, path, timeout=15.0):
    proc = procs.start([snc, "forward", *args])
    wait_for_unix(str(path), timeout)
    assert proc.poll() is None
    return proc


def wait_connectable(path, timeout=15.0):
    """The listener exists before the login: wait until a byte goes through."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if roundtrip(str(path), b"?", socket.AF_UNIX, timeout=5) == b"?":
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError("nothing came back through the tunnel")


def test_local_socket_to_tcp_4mib_exact(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    path = tmp_path / "tunnel.sock"
    config = sshd.config(tmp_path)
    proc = start_unix_forward(procs, snc, ["-F", config, "-L", f"{path}:127.0.0.1:{echo}", "testhost"], path)
    wait_connectable(path)
    data = os.urandom(4 << 20)
    assert sha256(roundtrip(str(path), data, socket.AF_UNIX)) == sha256(data)
    assert proc.poll() is None


def test_stale_socket_file_of_a_killed_snc_is_replaced(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    path = tmp_path / "again.sock"
    config = sshd.config(tmp_path)
    args = ["-F", config, "-L", f"{path}:127.0.0.1:{echo}", "testhost"]
    first = start_unix_forward(procs, snc, args, path)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert path.exists()  # killed: nothing removed it
    second = procs.start([snc, "forward", *args])
    wait_connectable(path)
    assert roundtrip(str(path), b"hello\n", socket.AF_UNIX) == b"hello\n"
    assert second.poll() is None


def test_local_port_to_server_side_socket(snc, sshd, procs, tmp_path):
    remote = tmp_path / "server-side.sock"
    start_unix_echo(procs, remote)
    local = free_port()
    config = sshd.config(tmp_path)
    proc = start_forward(procs, snc, ["-F", config, "-L", f"{local}:{remote}", "testhost"], local)
    data = os.urandom(1 << 20)
    deadline = time.monotonic() + 15
    while True:
        try:
            received = roundtrip(("127.0.0.1", local), data, timeout=30)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    assert sha256(received) == sha256(data)
    assert proc.poll() is None


def test_socket_to_socket(snc, sshd, procs, tmp_path):
    remote = tmp_path / "far.sock"
    start_unix_echo(procs, remote)
    path = tmp_path / "near.sock"
    config = sshd.config(tmp_path)
    start_unix_forward(procs, snc, ["-F", config, "-L", f"{path}:{remote}", "testhost"], path)
    wait_connectable(path)
    assert roundtrip(str(path), b"socket to socket\n", socket.AF_UNIX) == b"socket to socket\n"


def test_remote_unix_socket_forward_is_refused_with_a_reason(snc, tmp_path):
    result = subprocess.run([snc, "forward", "-R", "/tmp/x.sock:127.0.0.1:80", "-F", "none", "127.0.0.1"],
                            capture_output=True, timeout=30)
    assert result.returncode == 64
    assert result.stderr.decode() == (
        "snc: Bad remote forwarding specification '/tmp/x.sock:127.0.0.1:80': Unix-socket remote forwarding "
        "is not supported (libssh2 cannot send the streamlocal-forward@openssh.com request)\n")
