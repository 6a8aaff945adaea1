"""snc forward -R against a real sshd: 64 MiB each way, port 0, refused binds,
bad specs and RemoteForward from a config file."""
import os
import re
import select
import socket
import time

import pytest

from conftest import free_port, run, sha256
from sshd_fixture import _listening, echo_roundtrip, sshd, start_echo  # noqa: F401


def start_remote(procs, snc, args, remote_port, timeout=15.0):
    """Starts `snc forward ARGS` and waits until the sshd listens on remote_port."""
    proc = procs.start([snc, "forward", *args])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"snc forward exited {proc.returncode}: {proc.stderr.read().decode()}")
        if _listening(remote_port):
            return proc
        time.sleep(0.05)
    raise TimeoutError("the server did not listen for the remote forward")


def test_remote_forward_64_mib_each_way_byte_exact(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    remote = free_port()
    start_remote(procs, snc, ["-F", sshd.config(tmp_path), "-N", "-R", f"{remote}:127.0.0.1:{echo}", "testhost"], remote)
    data = os.urandom(64 << 20)
    back = echo_roundtrip(remote, data, timeout=120)
    assert len(back) == len(data)
    assert sha256(back) == sha256(data)


def test_port_zero_prints_the_allocated_port_and_forwards(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    proc = procs.start([snc, "forward", "-F", sshd.config(tmp_path), "-R", f"0:127.0.0.1:{echo}", "testhost"])
    ready, _, _ = select.select([proc.stderr], [], [], 20)
    assert ready, "no line on stderr"
    line = proc.stderr.readline().decode()
    match = re.fullmatch(rf"Allocated port (\d+) for remote forward to 127\.0\.0\.1:{echo}\n", line)
    assert match, line
    port = int(match.group(1))
    data = os.urandom(1 << 20)
    assert sha256(echo_roundtrip(port, data)) == sha256(data)
    # Several connections one after another, and a refused local target in between.
    for _ in range(5):
        assert echo_roundtrip(port, b"again") == b"again"
    assert proc.poll() is None


def test_refused_local_target_closes_only_that_connection(snc, sshd, procs, tmp_path):
    remote, closed = free_port(), free_port()
    echo = start_echo(procs)
    proc = start_remote(procs, snc, ["-F", sshd.config(tmp_path), "-R", f"{remote}:127.0.0.1:{closed}",
                                     "-R", f"{free_port()}:127.0.0.1:{echo}", "testhost"], remote)
    with socket.create_connection(("127.0.0.1", remote), timeout=10) as sock:
        sock.settimeout(10)
        try:
            assert sock.recv(16) == b""
        except ConnectionResetError:
            pass
    time.sleep(0.3)
    assert proc.poll() is None
    proc.kill()
    _, err = proc.communicate(timeout=10)
    assert f"connect_to 127.0.0.1 port {closed}: failed" in err.decode()


def test_refused_remote_bind_exits_before_serving(snc, sshd, tmp_path):
    with socket.socket() as taken, socket.socket(socket.AF_INET6) as taken6:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        # sshd binds every loopback address for a remote forward: take ::1's too.
        try:
            taken6.bind(("::1", port))
            taken6.listen(1)
        except OSError:
            pass
        local = free_port()
        result = run([snc, "forward", "-F", sshd.config(tmp_path), "-L", f"{local}:127.0.0.1:{port}",
                      "-R", f"{port}:127.0.0.1:22", "testhost"], timeout=30)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.decode().splitlines()
    assert lines == [f"snc: remote port forwarding failed for listen port {port}"], lines


def test_remote_forward_from_config_file(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    remote = free_port()
    config = sshd.config(tmp_path, extra=f"  RemoteForward {remote} 127.0.0.1:{echo}\n")
    start_remote(procs, snc, ["-F", config, "testhost"], remote)
    data = os.urandom(256 << 10)
    assert sha256(echo_roundtrip(remote, data)) == sha256(data)
    printed = run([snc, "forward", "-G", "-F", config, "testhost"])
    assert f"remoteforward {remote} [127.0.0.1]:{echo}" in printed.stdout.decode().splitlines()


@pytest.mark.parametrize("spec", ["8080:host", "x:h:1", "0:h:0", "1:2:3:4:5", "8080::80", "[::1:80:h:1"])
def test_bad_remote_spec_is_a_usage_error(snc, spec):
    result = run([snc, "forward", "-R", spec, "-F", "none", "nohost.invalid"])
    assert result.returncode == 64, result.stderr
    line = result.stderr.decode().strip()
    assert len(line.splitlines()) == 1 and f"'{spec}'" in line and "remote forwarding specification" in line, line


def test_bad_remote_forward_in_config_is_a_usage_error(snc, tmp_path):
    config = tmp_path / "config"
    config.write_text("Host q\n  RemoteForward 80 nohostport\n")
    result = run([snc, "forward", "-F", config, "q"])
    assert result.returncode == 64
    line = result.stderr.decode().strip()
    assert len(line.splitlines()) == 1 and "line 2" in line and "nohostport" in line, line
