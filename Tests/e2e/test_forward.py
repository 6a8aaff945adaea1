"""snc forward against a real sshd: relaying, concurrency, refusals, bind failures, -W."""
import hashlib
import os
import socket
import threading
import time

from conftest import free_port, run, sha256
from sshd_fixture import echo_roundtrip, sshd, start_echo, start_forward  # noqa: F401


def test_forwards_64_mib_each_way_byte_exact(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    local = free_port()
    config = sshd.config(tmp_path)
    start_forward(procs, snc, ["-F", config, "-N", "-L", f"{local}:127.0.0.1:{echo}", "testhost"], local)
    data = os.urandom(64 << 20)
    back = echo_roundtrip(local, data)
    assert len(back) == len(data)
    assert sha256(back) == sha256(data)


def test_hundred_concurrent_connections_byte_exact(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    local = free_port()
    start_forward(procs, snc, ["-F", sshd.config(tmp_path), f"{local}:127.0.0.1:{echo}", "testhost"], local)
    results = {}
    start = threading.Barrier(100, timeout=30)

    def one(index):
        data = os.urandom(100_000 + index * 997)
        start.wait()
        results[index] = sha256(echo_roundtrip(local, data, timeout=60)) == sha256(data)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert sum(results.values()) == 100


def test_remote_port_with_nothing_listening_keeps_listener(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    dead = free_port()
    local = free_port()
    good = free_port()
    proc = start_forward(
        procs, snc, ["-F", sshd.config(tmp_path), "-L", f"{local}:127.0.0.1:{dead}", "-L", f"{good}:127.0.0.1:{echo}", "testhost"], local)
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", local), timeout=10) as sock:
            sock.settimeout(10)
            try:
                data = sock.recv(100)
            except ConnectionResetError:
                data = None  # reset by snc, nothing relayed
            assert data is None
        assert echo_roundtrip(good, b"still serving\n") == b"still serving\n"
    assert proc.poll() is None
    proc.kill()
    stderr = proc.communicate(timeout=10)[1].decode()
    assert f"open failed: connect failed: 127.0.0.1 port {dead}" in stderr
    assert stderr.count("open failed") == 3


def test_bind_failure_exits_before_authentication(snc, sshd, procs, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # The SSH host is unreachable: reaching it would give a connect error, not the bind error.
        config = tmp_path / "cfg"
        config.write_text(f"Host nowhere\n  HostName 127.0.0.1\n  Port {free_port()}\n  BatchMode yes\n")
        started = time.monotonic()
        result = run([snc, "forward", "-F", config, "-L", f"{port}:127.0.0.1:9", "nowhere"], timeout=20)
    assert result.returncode == 1
    assert result.stderr.decode() == f"snc: bind [127.0.0.1]:{port}: Address already in use\n"
    assert time.monotonic() - started < 5


def test_binds_loopback_by_default_and_all_interfaces_when_asked(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    local = free_port()
    start_forward(procs, snc, ["-F", sshd.config(tmp_path), "-L", f"{local}:127.0.0.1:{echo}", "testhost"], local)
    from pathlib import Path
    table = Path("/proc/net/tcp").read_text()
    assert f"0100007F:{local:04X} 00000000:0000 0A" in table
    wide = free_port()
    start_forward(procs, snc, ["-F", sshd.config(tmp_path), "-L", f"*:{wide}:127.0.0.1:{echo}", "testhost"], wide)
    table = Path("/proc/net/tcp").read_text()
    assert f"00000000:{wide:04X} 00000000:0000 0A" in table
    assert echo_roundtrip(wide, b"wide\n") == b"wide\n"


def test_half_close_reaches_the_target_and_back(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    local = free_port()
    start_forward(procs, snc, ["-F", sshd.config(tmp_path), "-L", f"{local}:127.0.0.1:{echo}", "testhost"], local)
    # nc -N shuts down its write side after stdin EOF; the echo answers, then closes.
    result = run(["nc", "-N", "127.0.0.1", local], input=b"half close\n", timeout=20)
    assert result.returncode == 0
    assert result.stdout == b"half close\n"


def test_stdio_tunnel_like_ssh_W(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    data = os.urandom(3 << 20)
    result = run([snc, "forward", "-F", sshd.config(tmp_path), "-W", f"127.0.0.1:{echo}", "testhost"], input=data, timeout=60)
    assert result.returncode == 0, result.stderr
    assert sha256(result.stdout) == sha256(data)


def test_stdio_tunnel_refused_target(snc, sshd, tmp_path):
    dead = free_port()
    result = run([snc, "forward", "-F", sshd.config(tmp_path), "-W", f"127.0.0.1:{dead}", "testhost"], input=b"x", timeout=30)
    assert result.returncode == 1
    assert result.stderr.decode() == f"snc: channel open to 127.0.0.1 port {dead} failed: connect failed\n"


def test_several_sessions_spread_connections(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    local = free_port()
    proc = start_forward(procs, snc, ["-v", "--sessions", "3", "-F", sshd.config(tmp_path), "-L", f"{local}:127.0.0.1:{echo}", "testhost"], local)
    results = []

    def one(index):
        data = os.urandom(500_000)
        results.append(sha256(echo_roundtrip(local, data)) == sha256(data))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results.count(True) == 30
    proc.kill()
    stderr = proc.communicate(timeout=10)[1].decode()
    assert "Forwarding with 3 sessions." in stderr


def test_usage_errors_exit_64(snc):
    result = run([snc, "forward", "-L", "notaspec", "host"])
    assert result.returncode == 64
    assert "Bad local forwarding specification 'notaspec'" in result.stderr.decode()
    result = run([snc, "forward"])
    assert result.returncode == 64


def test_ciphers_and_macs_are_offered_as_asked(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    result = run([snc, "forward", "-v", "-o", "Ciphers=aes256-ctr", "-o", "MACs=hmac-sha2-512", "-F", sshd.config(tmp_path),
                  "-W", f"127.0.0.1:{echo}", "testhost"], input=b"c\n")
    assert result.returncode == 0, result.stderr
    assert "cipher: aes256-ctr MAC: hmac-sha2-512" in result.stderr.decode()
    result = run([snc, "forward", "-o", "Ciphers=chacha20-poly1305@openssh.com", "-F", sshd.config(tmp_path),
                  "-W", f"127.0.0.1:{echo}", "testhost"], input=b"c\n")
    assert result.returncode == 64
    assert "no cipher or MAC in that list is supported by libssh2" in result.stderr.decode()


def test_ipv6_bind_address_in_brackets(snc, sshd, procs, tmp_path):
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
            local = probe.getsockname()[1]
    except OSError:
        import pytest
        pytest.skip("no IPv6 loopback")
    echo = start_echo(procs)
    start_forward(procs, snc, ["-F", sshd.config(tmp_path), "-L", f"[::1]:{local}:127.0.0.1:{echo}", "testhost"], local)
    with socket.create_connection(("::1", local), timeout=10) as sock:
        sock.sendall(b"six\n")
        sock.shutdown(socket.SHUT_WR)
        assert sock.recv(100) == b"six\n"
