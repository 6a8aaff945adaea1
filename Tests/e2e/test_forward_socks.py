"""snc forward -D: SOCKS4, SOCKS4a and SOCKS5 through a real sshd, with curl
and hand-made Python clients for the refusals, garbage and stalls."""
import os
import socket
import struct
import time

import pytest

from conftest import free_port, run, sha256, wait_for_port
from sshd_fixture import sshd, start_forward  # noqa: F401


@pytest.fixture
def web(procs, tmp_path):
    """A python3 http.server on 127.0.0.1 serving one 3 MiB random file."""
    root = tmp_path / "www"
    root.mkdir()
    data = os.urandom(3 << 20)
    (root / "blob").write_bytes(data)
    port = free_port()
    procs.start(["python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", root, port])
    wait_for_port(port)
    return port, data


def start_socks(procs, snc, sshd, tmp_path, extra=()):
    local = free_port()
    proc = start_forward(procs, snc, ["-F", sshd.config(tmp_path), "-N", "-D", str(local), *extra, "testhost"], local)
    return proc, local


def socks5_request(local, host_bytes, port, atyp=3, command=1, timeout=10):
    """One SOCKS5 exchange by hand; returns (method reply, request reply, socket)."""
    sock = socket.create_connection(("127.0.0.1", local), timeout=timeout)
    sock.sendall(b"\x05\x01\x00")
    method = recv_exactly(sock, 2)
    address = bytes([len(host_bytes)]) + host_bytes if atyp == 3 else host_bytes
    sock.sendall(bytes([5, command, 0, atyp]) + address + struct.pack(">H", port))
    return method, recv_exactly(sock, 10), sock


def recv_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            break
        data += chunk
    return data


def read_to_end(sock, limit=1 << 16):
    """Everything until the proxy closes; a reset (the proxy closed with our
    bytes unread) ends it too."""
    data = b""
    while len(data) < limit:
        try:
            chunk = sock.recv(4096)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


@pytest.mark.parametrize("mode,host", [("--socks5-hostname", "localhost"), ("--socks5", "127.0.0.1"),
                                       ("--socks4a", "localhost"), ("--socks4", "127.0.0.1")])
def test_curl_fetches_a_file_byte_exact(snc, sshd, procs, tmp_path, web, mode, host):
    port, data = web
    _, local = start_socks(procs, snc, sshd, tmp_path)
    result = run(["curl", "-sS", "--max-time", "30", mode, f"127.0.0.1:{local}", f"http://{host}:{port}/blob"], timeout=40)
    assert result.returncode == 0, result.stderr
    assert sha256(result.stdout) == sha256(data)


def test_closed_port_gets_connection_refused_and_the_next_client_is_served(snc, sshd, procs, tmp_path, web):
    port, data = web
    proc, local = start_socks(procs, snc, sshd, tmp_path)
    method, reply, sock = socks5_request(local, b"127.0.0.1", free_port())
    with sock:
        assert method == b"\x05\x00"
        assert reply[:2] == b"\x05\x05", reply  # connection refused
        assert sock.recv(16) == b""
    # SOCKS4 to the same closed port: "request rejected or failed".
    with socket.create_connection(("127.0.0.1", local), timeout=10) as four:
        four.sendall(b"\x04\x01" + struct.pack(">H", free_port()) + socket.inet_aton("127.0.0.1") + b"me\x00")
        assert recv_exactly(four, 8)[:2] == b"\x00\x5b"
    # BIND and an unknown address type get their own replies.
    _, reply, sock = socks5_request(local, b"127.0.0.1", port, command=2)
    sock.close()
    assert reply[:2] == b"\x05\x07"
    with socket.create_connection(("127.0.0.1", local), timeout=10) as odd:
        odd.sendall(b"\x05\x01\x00")
        assert recv_exactly(odd, 2) == b"\x05\x00"
        odd.sendall(b"\x05\x01\x00\x09\x01\x02\x03\x04\x00\x50")
        assert recv_exactly(odd, 10)[:2] == b"\x05\x08"
    result = run(["curl", "-sS", "--max-time", "30", "--socks5-hostname", f"127.0.0.1:{local}",
                  f"http://localhost:{port}/blob"], timeout=40)
    assert result.returncode == 0 and sha256(result.stdout) == sha256(data), result.stderr
    assert proc.poll() is None


def test_garbage_and_truncated_handshakes_are_closed_and_serving_goes_on(snc, sshd, procs, tmp_path, web):
    port, data = web
    proc, local = start_socks(procs, snc, sshd, tmp_path)
    # HTTP instead of SOCKS: closed without a reply.
    with socket.create_connection(("127.0.0.1", local), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_to_end(sock) == b""
    # No acceptable method: 05 FF, then closed.
    with socket.create_connection(("127.0.0.1", local), timeout=10) as sock:
        sock.sendall(b"\x05\x01\x02")
        assert read_to_end(sock) == b"\x05\xff"
    # A SOCKS4 user id that never ends: closed once it passes the bound.
    with socket.create_connection(("127.0.0.1", local), timeout=10) as sock:
        sock.sendall(b"\x04\x01\x00\x50\x7f\x00\x00\x01" + b"A" * 4000)
        assert read_to_end(sock) == b""
    # Truncated: half a request, then the client goes away.
    for partial in (b"\x05", b"\x05\x01\x00", b"\x04\x01\x00"):
        with socket.create_connection(("127.0.0.1", local), timeout=10) as sock:
            sock.sendall(partial)
    # Many clients that each vanish mid-handshake leave no stuck slot behind.
    for _ in range(50):
        with socket.create_connection(("127.0.0.1", local), timeout=10) as sock:
            sock.sendall(b"\x05\x01\x00\x05\x01")
    for mode in ("--socks5-hostname", "--socks4a"):
        result = run(["curl", "-sS", "--max-time", "30", mode, f"127.0.0.1:{local}", f"http://localhost:{port}/blob"], timeout=40)
        assert result.returncode == 0 and sha256(result.stdout) == sha256(data), result.stderr
    assert proc.poll() is None


def test_stalled_handshake_is_dropped_after_ten_seconds(snc, sshd, procs, tmp_path):
    proc, local = start_socks(procs, snc, sshd, tmp_path)
    with socket.create_connection(("127.0.0.1", local), timeout=30) as sock:
        sock.sendall(b"\x05\x01")
        started = time.monotonic()
        assert read_to_end(sock) == b""
        waited = time.monotonic() - started
    assert 8 <= waited <= 20, waited
    assert proc.poll() is None


def test_dynamic_forward_from_config_file(snc, sshd, procs, tmp_path, web):
    port, data = web
    local = free_port()
    config = sshd.config(tmp_path, extra=f"  DynamicForward 127.0.0.1:{local}\n")
    start_forward(procs, snc, ["-F", config, "testhost"], local)
    result = run(["curl", "-sS", "--max-time", "30", "--socks5-hostname", f"127.0.0.1:{local}", f"http://localhost:{port}/blob"], timeout=40)
    assert result.returncode == 0 and sha256(result.stdout) == sha256(data), result.stderr
    printed = run([snc, "forward", "-G", "-F", config, "testhost"])
    assert f"dynamicforward [127.0.0.1]:{local}" in printed.stdout.decode().splitlines()


@pytest.mark.parametrize("spec", ["abc", "1:2:3", "70000", "[::1:1080", ""])
def test_bad_dynamic_spec_is_a_usage_error(snc, spec):
    result = run([snc, "forward", "-D", spec, "-F", "none", "nohost.invalid"])
    assert result.returncode == 64, result.stderr
    line = result.stderr.decode().strip()
    assert len(line.splitlines()) == 1 and f"'{spec}'" in line and "dynamic forwarding specification" in line, line


def test_bad_dynamic_forward_in_config_is_a_usage_error(snc, tmp_path):
    config = tmp_path / "config"
    config.write_text("Host q\n  DynamicForward 99999\n")
    result = run([snc, "forward", "-F", config, "q"])
    assert result.returncode == 64
    line = result.stderr.decode().strip()
    assert len(line.splitlines()) == 1 and "line 2" in line and "99999" in line, line


FORWARD_CONFIGS = {
    "file": ("Host q\n  RemoteForward 4000 127.0.0.1:22\n  LocalForward 5000 h:1\n  DynamicForward 1080\n"
             "  DynamicForward [::1]:1081\n  RemoteForward *:4001 [::1]:23\n  RemoteForward 0 localhost:80\n", []),
    "-o": ("Host q\n  Port 2\n", ["-o", "DynamicForward=127.0.0.1:1090", "-o", "RemoteForward=4002 h:9"]),
    "CRLF": ("Host q\r\n  DynamicForward 1080\r\n  RemoteForward 4000 h:22\r\n", []),
}


@pytest.mark.parametrize("case", list(FORWARD_CONFIGS))
def test_forward_keywords_resolve_as_ssh_G(snc, tmp_path, case):
    text, extra = FORWARD_CONFIGS[case]
    config = tmp_path / "config"
    config.write_bytes(text.encode())
    theirs = run(["ssh", "-G", "-F", config, *extra, "q"], timeout=20)
    ours = run([snc, "forward", "-G", "-F", config, *extra, "q"])
    assert theirs.returncode == 0 and ours.returncode == 0, (theirs.stderr, ours.stderr)
    keys = ("dynamicforward ", "localforward ", "remoteforward ")
    pick = lambda out: [line for line in out.decode().splitlines() if line.startswith(keys)]
    assert pick(ours.stdout) == pick(theirs.stdout)
