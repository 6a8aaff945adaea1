"""Proxies on `snc connect`: netcat-openbsd's -x/-X/-P and ncat's --proxy options.

Real proxies: OpenSSH's `ssh -D` (SOCKS4, SOCKS4a, SOCKS5) against the suite's
private sshd, and Debian's tinyproxy (HTTP CONNECT). A small python proxy
stands in where a real one cannot be made to misbehave: Basic credentials,
RFC 1929 logins, garbage, refusals, a stall, a 407. Every answer is checked
byte for byte, every failure by its one line and exit status.
"""
import os
import shutil
import socket
import time

import pytest

from conftest import free_port, run, sha256, wait_for_port
from sshd_fixture import sshd, start_echo  # noqa: F401

FAKE_PROXY = r'''
import base64, socket, struct, sys, threading, time
mode, host = sys.argv[1], sys.argv[2]
expected = sys.argv[3] if len(sys.argv) > 3 else ""

def exact(c, n):
    data = b""
    while len(data) < n:
        chunk = c.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data

def echo(c):
    while True:
        data = c.recv(65536)
        if not data:
            break
        c.sendall(data)
    c.shutdown(socket.SHUT_WR)

def socks5_destination(c):
    _, _, _, kind = exact(c, 4)
    if kind == 1:
        name = socket.inet_ntop(socket.AF_INET, exact(c, 4))
    elif kind == 4:
        name = socket.inet_ntop(socket.AF_INET6, exact(c, 16))
    else:
        name = exact(c, exact(c, 1)[0]).decode()
    return f"{name}:{struct.unpack('>H', exact(c, 2))[0]}"

def handle(c):
    try:
        if mode == "stall":
            time.sleep(60)
            return
        if mode.startswith("http"):
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = c.recv(4096)
                if not chunk:
                    return
                head += chunk
            if mode == "httphuge":
                c.sendall(b"HTTP/1.1 200 OK\r\nX-Filler: " + b"a" * 20000)
                time.sleep(30)
                return
            want = b"Proxy-Authorization: Basic " + base64.b64encode(expected.encode())
            if mode == "http407" or want not in head.split(b"\r\n"):
                c.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"t\"\r\n\r\n")
                time.sleep(30)
                return
            # The header and the destination's first bytes in one segment.
            c.sendall(b"HTTP/1.0 200 Connection established\r\nProxy-Agent: fake\r\n\r\nconnected to " + head.split(b" ")[1] + b"\n")
            echo(c)
            return
        methods = exact(c, exact(c, 2)[1])
        if mode == "garbage":
            c.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            time.sleep(30)
            return
        if mode == "socks5-auth":
            if 2 not in methods:
                c.sendall(b"\x05\xff")
                return
            c.sendall(b"\x05\x02")
            exact(c, 1)
            user = exact(c, exact(c, 1)[0])
            password = exact(c, exact(c, 1)[0])
            accepted = user + b":" + password == expected.encode()
            c.sendall(b"\x01\x00" if accepted else b"\x01\x01")
            if not accepted:
                return
        else:
            c.sendall(b"\x05\x00")
        destination = socks5_destination(c)
        if mode == "refuse":
            c.sendall(b"\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00")
            time.sleep(30)
            return
        # The reply and the destination's first bytes in one segment.
        c.sendall(b"\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x50" + f"connected to {destination}\n".encode())
        echo(c)
    except (OSError, EOFError):
        pass
    finally:
        c.close()

server = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((host, 0))
server.listen(16)
print(server.getsockname()[1], flush=True)
while True:
    client, _ = server.accept()
    threading.Thread(target=handle, args=(client,), daemon=True).start()
'''


def fake_proxy(procs, mode, expected="", host="127.0.0.1") -> int:
    """Starts the python proxy in `mode` on a port of its choosing and returns the port."""
    proc = procs.start(["python3", "-c", FAKE_PROXY, mode, host, expected])
    line = proc.stdout.readline()
    assert line.strip().isdigit(), proc.stderr.read().decode()
    return int(line)


def one_line(result) -> str:
    text = result.stderr.decode()
    assert text.count("\n") == 1 and text.endswith("\n"), text
    return text.rstrip("\n")


@pytest.fixture
def socks_proxy(sshd, procs, tmp_path):  # noqa: F811
    """`ssh -D` against the private sshd: a real SOCKS4/4a/5 proxy on a free loopback port."""
    if shutil.which("ssh") is None:
        pytest.skip("ssh is not installed")
    port = free_port()
    procs.start(["ssh", "-F", sshd.config(tmp_path), "-N", "-o", "ExitOnForwardFailure=yes",
                 "-D", f"127.0.0.1:{port}", "testhost"])
    wait_for_port(port, timeout=20)
    return port


@pytest.mark.parametrize("options", [
    ["-x", "{proxy}", "-X", "5"],
    ["--proxy", "{proxy}", "--proxy-type", "socks5"],
    ["-x", "{proxy}", "-X", "4"],
    ["--proxy", "{proxy}", "--proxy-type", "socks4"],
], ids=["nc-socks5", "ncat-socks5", "nc-socks4", "ncat-socks4a"])
def test_through_ssh_dynamic_forward_byte_exact(snc, socks_proxy, procs, options):
    """1 MiB each way through ssh -D to an echo server named `localhost`
    (resolved by the proxy with SOCKS5 and SOCKS4a, by snc with -X 4)."""
    echo = start_echo(procs)
    data = os.urandom(1 << 20)
    args = [a.format(proxy=f"127.0.0.1:{socks_proxy}") for a in options]
    result = run([snc, *args, "localhost", echo], input=data, timeout=60)
    assert result.returncode == 0, result.stderr
    assert sha256(result.stdout) == sha256(data)
    assert result.stderr == b""


COUNTED_ECHO = r"""
import socket, sys
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(4)
print(server.getsockname()[1], flush=True)
client, _ = server.accept()
data = b""
while len(data) < int(sys.argv[1]):
    chunk = client.recv(1 << 20)
    if not chunk:
        break
    data += chunk
client.sendall(data)
client.close()
"""


def test_http_connect_through_tinyproxy(snc, procs, tmp_path):
    """tinyproxy ends both connections when its client half-closes, so snc keeps
    its sending side open (--no-shutdown) and the server closes once it has echoed."""
    if shutil.which("tinyproxy") is None:
        pytest.skip("tinyproxy is not installed")
    data = os.urandom(1 << 20)
    server = procs.start(["python3", "-c", COUNTED_ECHO, len(data)])
    echo = int(server.stdout.readline())
    port = free_port()
    config = tmp_path / "tinyproxy.conf"
    config.write_text(f"Port {port}\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\nMaxClients 20\n"
                      f"LogFile \"{tmp_path / 'tinyproxy.log'}\"\nLogLevel Info\n")
    procs.start(["tinyproxy", "-d", "-c", config])
    wait_for_port(port)
    result = run([snc, "--no-shutdown", "-x", f"127.0.0.1:{port}", "-X", "connect", "localhost", echo],
                 input=data, timeout=60)
    assert result.returncode == 0, result.stderr
    assert sha256(result.stdout) == sha256(data)
    assert f"localhost:{echo}" in (tmp_path / "tinyproxy.log").read_text()


@pytest.mark.parametrize("how", ["SNC_PROXY_PASSWORD", "--proxy-auth"])
def test_http_connect_basic_credentials_and_bytes_behind_the_header(snc, procs, how):
    """-P USER with SNC_PROXY_PASSWORD (or --proxy-auth USER:PASS) sends Basic credentials;
    what the proxy sends behind its header in the same segment reaches stdout."""
    port = fake_proxy(procs, "http", expected="alice:s3cret:x")
    if how == "SNC_PROXY_PASSWORD":
        args = ["-x", f"127.0.0.1:{port}", "-X", "connect", "-P", "alice"]
        env = {**os.environ, "SNC_PROXY_PASSWORD": "s3cret:x"}
    else:
        args = ["--proxy", f"127.0.0.1:{port}", "--proxy-auth", "alice:s3cret:x"]
        env = {k: v for k, v in os.environ.items() if k != "SNC_PROXY_PASSWORD"}
    result = run([snc, *args, "localhost", "8000"], input=b"payload\r\n", timeout=20, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"connected to localhost:8000\npayload\r\n"


def test_http_connect_wrong_password_is_the_proxys_407(snc, procs):
    port = fake_proxy(procs, "http", expected="alice:right")
    result = run([snc, "-w", "5", "-x", f"127.0.0.1:{port}", "-X", "connect", "-P", "alice", "localhost", "8000"],
                 timeout=20, env={**os.environ, "SNC_PROXY_PASSWORD": "wrong"})
    assert result.returncode == 1
    assert one_line(result) == (f'snc: proxy 127.0.0.1:{port} (HTTP CONNECT): CONNECT localhost:8000 refused: '
                                f'"HTTP/1.1 407 Proxy Authentication Required"')


def test_http_407_without_a_user_says_how_to_give_one(snc, procs):
    port = fake_proxy(procs, "http407")
    started = time.monotonic()
    result = run([snc, "--proxy", f"127.0.0.1:{port}", "localhost", "8000"], timeout=20)
    assert result.returncode == 1
    assert one_line(result) == (f'snc: proxy 127.0.0.1:{port} (HTTP CONNECT): CONNECT localhost:8000 refused: '
                                f'"HTTP/1.1 407 Proxy Authentication Required" (give a user with -P USER or --proxy-auth USER:PASS)')
    assert time.monotonic() - started < 10


def test_endless_http_header_is_cut_at_16_kib(snc, procs):
    port = fake_proxy(procs, "httphuge")
    started = time.monotonic()
    result = run([snc, "--proxy", f"127.0.0.1:{port}", "localhost", "8000"], timeout=20)
    assert result.returncode == 1
    assert one_line(result) == f"snc: proxy 127.0.0.1:{port} (HTTP CONNECT): answer header longer than 16384 bytes"
    assert time.monotonic() - started < 10


def test_socks5_password_login_and_proxy_dns(snc, procs):
    """RFC 1929 when a user is given and the proxy asks; the name goes to the proxy by
    default and is resolved by snc with --proxy-dns local; bytes behind the reply are kept."""
    port = fake_proxy(procs, "socks5-auth", expected="bob:pw")
    proxy = ["--proxy", f"127.0.0.1:{port}", "--proxy-type", "socks5", "--proxy-auth", "bob:pw"]
    result = run([snc, *proxy, "localhost", "7000"], input=b"x", timeout=20)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"connected to localhost:7000\nx"
    result = run([snc, "-4", *proxy, "--proxy-dns", "local", "localhost", "7000"], input=b"y", timeout=20)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"connected to 127.0.0.1:7000\ny"
    wrong = run([snc, "--proxy", f"127.0.0.1:{port}", "--proxy-type", "socks5", "--proxy-auth", "bob:nope",
                 "localhost", "7000"], timeout=20)
    assert wrong.returncode == 1
    assert one_line(wrong) == f"snc: proxy 127.0.0.1:{port} (SOCKS5): user name and password for bob refused"
    anonymous = run([snc, "-x", f"127.0.0.1:{port}", "localhost", "7000"], timeout=20)
    assert anonymous.returncode == 1
    assert one_line(anonymous) == (f"snc: proxy 127.0.0.1:{port} (SOCKS5): requires authentication "
                                   f"(give a user with -P USER or --proxy-auth USER:PASS)")


def test_ipv6_proxy_address_in_brackets(snc, procs):
    if not socket.has_ipv6 or run(["python3", "-c", "import socket; socket.socket(socket.AF_INET6).bind(('::1', 0))"]).returncode:
        pytest.skip("no IPv6 loopback")
    port = fake_proxy(procs, "socks5", host="::1")
    result = run([snc, "-x", f"[::1]:{port}", "::1", "22"], input=b"v6", timeout=20)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"connected to ::1:22\nv6"


def test_socks5_refusal_in_words(snc, procs):
    port = fake_proxy(procs, "refuse")
    started = time.monotonic()
    result = run([snc, "-x", f"127.0.0.1:{port}", "-X", "5", "localhost", "9"], timeout=20)
    assert result.returncode == 1
    assert one_line(result) == (f"snc: proxy 127.0.0.1:{port} (SOCKS5): CONNECT localhost:9 refused: "
                                f"connection refused by destination host")
    assert time.monotonic() - started < 10


def test_socks_proxy_answering_garbage(snc, procs):
    """An HTTP answer to a SOCKS5 greeting: reported at once, not after a timeout."""
    port = fake_proxy(procs, "garbage")
    started = time.monotonic()
    result = run([snc, "-x", f"127.0.0.1:{port}", "localhost", "80"], timeout=20)
    assert result.returncode == 1
    assert one_line(result).startswith(
        f'snc: proxy 127.0.0.1:{port} (SOCKS5): answered something that is not SOCKS5: "HT')
    assert time.monotonic() - started < 10


def test_stalled_proxy_is_bounded_by_w(snc, procs):
    port = fake_proxy(procs, "stall")
    started = time.monotonic()
    result = run([snc, "-w", "2", "-x", f"127.0.0.1:{port}", "localhost", "80"], timeout=20)
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert one_line(result) == f"snc: proxy 127.0.0.1:{port} (SOCKS5): no complete answer within 2 s"
    assert 1.9 <= elapsed < 6, elapsed


def test_proxy_not_listening(snc):
    port = free_port()
    result = run([snc, "-x", f"127.0.0.1:{port}", "localhost", "80"], timeout=20)
    assert result.returncode == 1
    assert one_line(result) == (f"snc: proxy 127.0.0.1:{port} (SOCKS5): "
                                f"connect to 127.0.0.1 port {port} (tcp) failed: Connection refused")


@pytest.mark.parametrize("args, message", [
    (["-l", "-x", "127.0.0.1:1080", "5555"], "cannot use -x with -l"),
    (["-u", "-x", "127.0.0.1:1080", "localhost", "53"], "cannot use -x with -u"),
    (["-U", "--proxy", "127.0.0.1:3128", "/tmp/x.sock"], "cannot use --proxy with -U"),
    (["connect", "--via", "h", "-x", "127.0.0.1", "localhost", "80"], "cannot use -x with --via"),
    (["-x", "127.0.0.1", "--proxy", "127.0.0.1", "localhost", "80"], "cannot use -x and --proxy"),
    (["-X", "5", "localhost", "80"], "-X needs a proxy: -x ADDRESS[:PORT] or --proxy HOST[:PORT]"),
    (["-x", "127.0.0.1", "-X", "6", "localhost", "80"], "proxy protocol invalid: 6 (4, 5, connect; socks4, socks5, http)"),
    (["--proxy", "127.0.0.1", "--proxy-dns", "none", "localhost", "80"],
     "--proxy-dns none needs a numeric destination address, not localhost"),
])
def test_incompatible_or_bad_proxy_options_are_usage_errors(snc, args, message):
    result = run([snc, *args], timeout=10)
    assert result.returncode == 64
    assert one_line(result) == f"snc: {message}"


def test_password_asked_on_the_terminal(snc, procs):
    """-P USER without SNC_PROXY_PASSWORD asks on /dev/tty, as nc does; the
    answer reaches the proxy as Basic credentials."""
    import pty
    import select
    import signal
    import termios
    port = fake_proxy(procs, "http", expected="alice:typed")
    env = {k: v for k, v in os.environ.items() if k not in ("SNC_PROXY_PASSWORD", "DISPLAY", "SSH_ASKPASS")}
    pid, terminal = pty.fork()
    if pid == 0:
        os.execve(snc, [snc, "-x", f"127.0.0.1:{port}", "-X", "connect", "-P", "alice", "localhost", "8000"], env)
    seen = b""
    try:
        def read_until(wanted: bytes, seconds: float) -> bytes:
            nonlocal seen
            deadline = time.monotonic() + seconds
            while wanted not in seen and time.monotonic() < deadline:
                ready, _, _ = select.select([terminal], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    continue
                try:
                    chunk = os.read(terminal, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            return seen
        assert b"Proxy password for alice@127.0.0.1: " in read_until(b"password for", 10), seen
        # The prompt goes out before echo is turned off (with TCSAFLUSH, which
        # drops typeahead): answer once the terminal has stopped echoing.
        deadline = time.monotonic() + 10
        while termios.tcgetattr(terminal)[3] & termios.ECHO and time.monotonic() < deadline:
            time.sleep(0.01)
        os.write(terminal, b"typed\n")
        assert b"connected to localhost:8000" in read_until(b"connected to", 10), seen
        assert b"typed" not in seen, "the password was echoed"
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(terminal)
