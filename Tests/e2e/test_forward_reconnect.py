"""snc forward --reconnect: the tunnel survives an sshd restart on the same port."""
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import free_port, sha256
from sshd_fixture import _listening, dedicated_sshd, echo_roundtrip, restart_sshd, sshd_children, start_echo, stop_sshd


@pytest.fixture
def own_sshd():
    """A dedicated sshd: these tests restart it."""
    yield from dedicated_sshd("snc-sshd-restart-")


def start_reconnecting(procs, snc, args, listen_port, log_path, timeout=15.0):
    """snc forward --reconnect with stderr in a file (read while it runs), up and logged in."""
    log = open(log_path, "wb")
    proc = procs.start([snc, "forward", "--reconnect", *args], stderr=log)
    log.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"snc forward exited {proc.returncode}: {Path(log_path).read_text()}")
        if _listening(listen_port):
            return proc
        time.sleep(0.05)
    raise TimeoutError("snc forward did not listen")


def wait_for_text(path, text, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in Path(path).read_text():
            return True
        time.sleep(0.1)
    return False


def test_tunnel_survives_sshd_restart(snc, own_sshd, procs, tmp_path):
    echo = start_echo(procs)
    local = free_port()
    log = tmp_path / "snc.log"
    config = own_sshd.config(tmp_path, extra="  ServerAliveInterval 1\n  ServerAliveCountMax 3\n")
    proc = start_reconnecting(procs, snc, ["-F", config, "-L", f"{local}:127.0.0.1:{echo}", "testhost"], local, log)
    first = os.urandom(256 << 10)
    assert sha256(echo_roundtrip(local, first, timeout=20)) == sha256(first)

    # A connection open when the link drops gets a reset, not silence.
    open_client = socket.create_connection(("127.0.0.1", local), timeout=10)
    open_client.sendall(b"ping")
    assert open_client.recv(4) == b"ping"

    restart_started = time.monotonic()
    # Down for 2 s: snc's first attempt (about 1 s in) finds nothing listening.
    restart_sshd(own_sshd, down_seconds=2.0)
    with pytest.raises(ConnectionResetError):
        open_client.settimeout(10)
        while open_client.recv(1 << 16):
            pass
    open_client.close()
    assert _listening(local), "the local listener must stay bound during the outage"
    assert proc.poll() is None

    # A client after the restart gets its bytes through within 20 s.
    second = os.urandom(1 << 20)
    assert sha256(echo_roundtrip(local, second, timeout=20)) == sha256(second)
    assert time.monotonic() - restart_started < 25
    assert proc.poll() is None, "snc forward --reconnect must keep running"

    text = log.read_text()
    assert f"snc: Connection to 127.0.0.1 port {own_sshd.port} lost: " in text
    assert "; reconnecting in " in text
    assert f"snc: Reconnected to 127.0.0.1 port {own_sshd.port}" in text
    assert "snc: reset 1 forwarded connection: " in text


def test_clients_during_outage_are_held_not_refused(snc, own_sshd, procs, tmp_path):
    echo = start_echo(procs)
    local = free_port()
    log = tmp_path / "snc.log"
    config = own_sshd.config(tmp_path)
    proc = start_reconnecting(procs, snc, ["-F", config, "-L", f"{local}:127.0.0.1:{echo}", "testhost"], local, log)
    assert echo_roundtrip(local, b"before\n", timeout=20) == b"before\n"
    # Take sshd down and keep it down while a client connects.
    for pid in sshd_children(own_sshd):
        os.kill(pid, signal.SIGKILL)
    stop_sshd(own_sshd)
    assert wait_for_text(log, "lost: ", 10)
    held = socket.create_connection(("127.0.0.1", local), timeout=5)  # accepted or queued, never refused
    held.sendall(b"held through the outage\n")
    held.shutdown(socket.SHUT_WR)
    time.sleep(1.5)
    assert _listening(local)
    restart_sshd(own_sshd)
    held.settimeout(20)
    received = b""
    while True:
        chunk = held.recv(1 << 16)
        if not chunk:
            break
        received += chunk
    held.close()
    assert received == b"held through the outage\n"
    assert proc.poll() is None
    assert wait_for_text(log, f"Reconnected to 127.0.0.1 port {own_sshd.port}", 5)


def test_changed_host_key_on_reconnect_is_refused(snc, own_sshd, procs, tmp_path):
    echo = start_echo(procs)
    local = free_port()
    log = tmp_path / "snc.log"
    config = own_sshd.config(tmp_path)
    proc = start_reconnecting(procs, snc, ["-F", config, "-L", f"{local}:127.0.0.1:{echo}", "testhost"], local, log)
    assert echo_roundtrip(local, b"x", timeout=20) == b"x"
    restart_sshd(own_sshd, new_host_keys=True)
    proc.wait(timeout=30)
    text = log.read_text()
    assert proc.returncode == 1
    assert "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @" in text
    assert text.endswith("snc: Host key verification failed.\n")


def test_reconnect_without_key_or_agent_is_a_usage_error(snc, own_sshd, procs, tmp_path):
    config = own_sshd.config(tmp_path, identity=tmp_path / "no_such_key")
    env = {k: v for k, v in os.environ.items() if k != "SSH_AUTH_SOCK"}
    local = free_port()
    result = subprocess.run([snc, "forward", "--reconnect", "-F", config, "-L", f"{local}:127.0.0.1:9", "testhost"],
                            capture_output=True, env=env, timeout=30)
    assert result.returncode == 64
    assert result.stderr.decode() == (
        "snc: --reconnect needs a login that asks nothing: an ssh-agent or an identity file, and there is neither\n")


def test_remote_forward_is_requested_again_after_restart(snc, own_sshd, procs, tmp_path):
    echo = start_echo(procs)
    remote = free_port()
    log = tmp_path / "snc.log"
    config = own_sshd.config(tmp_path)
    handle = open(log, "wb")
    proc = procs.start([snc, "forward", "--reconnect", "-F", config, "-R", f"{remote}:127.0.0.1:{echo}", "testhost"], stderr=handle)
    handle.close()

    def through_server(data, seconds):
        deadline = time.monotonic() + seconds
        while True:
            try:
                return echo_roundtrip(remote, data, timeout=10)
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)

    assert through_server(b"first\n", 15) == b"first\n"
    restart_sshd(own_sshd, down_seconds=1.0)
    assert through_server(b"after the restart\n", 20) == b"after the restart\n"
    assert proc.poll() is None
    assert f"Reconnected to 127.0.0.1 port {own_sshd.port}" in log.read_text()


def test_remote_only_session_notices_a_dead_server(snc, own_sshd, procs, tmp_path):
    """Without channels, libssh2 reads the end of stream unreported: snc must still see it."""
    echo = start_echo(procs)
    remote = free_port()
    config = own_sshd.config(tmp_path)
    proc = procs.start([snc, "forward", "-F", config, "-R", f"{remote}:127.0.0.1:{echo}", "testhost"])
    deadline = time.monotonic() + 15
    while True:
        try:
            assert echo_roundtrip(remote, b"up\n", timeout=10) == b"up\n"
            break
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.2)
    for pid in sshd_children(own_sshd):
        os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == 1
    assert "snc: Connection to 127.0.0.1 closed by remote host (end of stream)." in proc.stderr.read().decode()


def test_reconnect_with_a_password_login_is_a_usage_error(snc, procs, tmp_path):
    """A key file exists, but the server takes only passwords: found at login, exit 64."""
    pytest.importorskip("paramiko")
    from sshd_fixture import keygen
    from test_forward_password import askpass, start_server
    config = start_server(procs, tmp_path, "password")
    keygen(tmp_path / "no-such-key")  # the config's IdentityFile now exists
    local = free_port()
    result = subprocess.run([snc, "forward", "--reconnect", "-F", config, "-L", f"{local}:127.0.0.1:9", "student"],
                            capture_output=True, env=askpass(tmp_path, tmp_path / "prompts"), timeout=60)
    assert result.returncode == 64
    assert result.stderr.decode().endswith(
        "snc: --reconnect needs a login that asks nothing: an ssh-agent or an identity file, "
        "and this login used a password\n")
