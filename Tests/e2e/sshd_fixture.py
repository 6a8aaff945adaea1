"""A private OpenSSH sshd for the forward tests.

One sshd per test session (session-scoped fixture) on 127.0.0.1 and a free
port, with generated host keys (ed25519 + ecdsa), a generated user key, its
own authorized_keys, config and PidFile in a temp dir. It runs as the
current user (root on CI) with StrictModes and PAM off, and is stopped by
PID at the end. Nothing on the system (accounts, /etc/ssh) is touched.
"""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import free_port, wait_for_port, wait_for_unix

SSHD = "/usr/sbin/sshd"


def keygen(path: Path, kind="ed25519", passphrase="", comment="snc-test"):
    args = ["ssh-keygen", "-q", "-t", kind, "-N", passphrase, "-C", comment, "-f", str(path)]
    if kind == "rsa":
        args += ["-b", "2048"]
    subprocess.run(args, check=True, capture_output=True, timeout=60)


@dataclass
class Sshd:
    dir: Path
    port: int
    user: str
    proc: subprocess.Popen
    host_keys: dict = field(default_factory=dict)
    user_key: Path = None
    authorized: Path = None

    def known_hosts_line(self, kind="ed25519") -> str:
        """A known_hosts line for this server as ssh would write it (plain)."""
        pub = Path(str(self.host_keys[kind]) + ".pub").read_text().split()
        return f"[127.0.0.1]:{self.port} {pub[0]} {pub[1]}\n"

    def authorize(self, public_key: Path):
        with open(self.authorized, "a") as out:
            out.write(Path(public_key).read_text())

    def config(self, tmp: Path, extra="", known_hosts=None, identity=None) -> Path:
        """An ssh_config with alias 'testhost' for this server."""
        known = known_hosts or (tmp / "known_hosts")
        if known_hosts is None and not known.exists():
            known.write_text(self.known_hosts_line())
        ident = identity or self.user_key
        path = tmp / "ssh_config"
        path.write_text(
            f"Host testhost\n"
            f"  HostName 127.0.0.1\n"
            f"  Port {self.port}\n"
            f"  User {self.user}\n"
            f"  IdentityFile {ident}\n"
            f"  IdentitiesOnly yes\n"
            f"  UserKnownHostsFile {known}\n"
            f"  StrictHostKeyChecking yes\n"
            f"  BatchMode yes\n"
            f"{extra}"
        )
        return path


def start_sshd(directory: Path, extra_config="", kinds=("ed25519", "ecdsa"), log_level="VERBOSE") -> Sshd:
    directory.mkdir(parents=True, exist_ok=True)
    host_keys = {}
    for kind in kinds:
        key = directory / f"ssh_host_{kind}_key"
        keygen(key, kind)
        host_keys[kind] = key
    user_key = directory / "id_ed25519"
    keygen(user_key)
    authorized = directory / "authorized_keys"
    authorized.write_text(Path(str(user_key) + ".pub").read_text())
    user = pwd.getpwuid(os.getuid()).pw_name
    port = free_port()
    config = directory / "sshd_config"
    config.write_text(
        f"ListenAddress 127.0.0.1\n"
        f"Port {port}\n"
        + "".join(f"HostKey {k}\n" for k in host_keys.values())
        + f"PidFile {directory / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {authorized}\n"
        f"StrictModes no\n"
        f"UsePAM no\n"
        f"PasswordAuthentication no\n"
        f"KbdInteractiveAuthentication no\n"
        f"PubkeyAuthentication yes\n"
        f"PermitRootLogin prohibit-password\n"
        f"AllowTcpForwarding yes\n"
        f"MaxStartups 100:30:200\n"
        f"LogLevel {log_level}\n"
        f"{extra_config}"
    )
    # sshd wants its privilege separation directory.
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    log = open(directory / "sshd.log", "wb")
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    log.close()
    try:
        wait_for_port(port, timeout=15)
    except TimeoutError:
        proc.kill()
        proc.wait(timeout=5)
        raise RuntimeError("sshd did not start: " + (directory / "sshd.log").read_text()[-2000:])
    return Sshd(dir=directory, port=port, user=user, proc=proc, host_keys=host_keys, user_key=user_key, authorized=authorized)


def stop_sshd(server: Sshd):
    if server.proc.poll() is None:
        os.kill(server.proc.pid, signal.SIGTERM)
        try:
            server.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(server.proc.pid, signal.SIGKILL)
            server.proc.wait(timeout=5)


def sshd_children(server: Sshd) -> list[int]:
    """PIDs of the per-connection sshd processes forked by this server."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # ppid is the 4th field after the ")" that ends the command name.
        fields = stat[stat.rfind(")") + 2:].split()
        if int(fields[1]) == server.proc.pid:
            children.append(int(entry.name))
    return children


@pytest.fixture(scope="session")
def sshd():
    if not os.access(SSHD, os.X_OK):
        pytest.skip("sshd is not installed")
    directory = Path(tempfile.mkdtemp(prefix="snc-sshd-"))
    server = start_sshd(directory)
    yield server
    stop_sshd(server)
    shutil.rmtree(directory, ignore_errors=True)


ECHO_SERVER = r"""
import socket, sys, threading
# argv[2] == "sink": read and discard instead of echoing.
sink = sys.argv[2:] == ["sink"]
def handle(c):
    try:
        while True:
            d = c.recv(1 << 20)
            if not d:
                break
            if not sink:
                c.sendall(d)
        c.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    finally:
        c.close()
# argv[1]: a port on 127.0.0.1, or a Unix socket path (it holds a '/').
if "/" in sys.argv[1]:
    s = socket.socket(socket.AF_UNIX)
    s.bind(sys.argv[1])
else:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(512)
while True:
    c, _ = s.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
"""


def start_echo(procs) -> int:
    """A threaded TCP echo server (half-close aware) on a free port."""
    port = free_port()
    procs.start(["python3", "-c", ECHO_SERVER, port])
    wait_for_port(port)
    return port


def start_sink(procs) -> int:
    """The same server reading and discarding everything, on a free port."""
    port = free_port()
    procs.start(["python3", "-c", ECHO_SERVER, port, "sink"])
    wait_for_port(port)
    return port


def start_unix_echo(procs, path) -> None:
    """The same echo server on a Unix socket at `path`."""
    procs.start(["python3", "-c", ECHO_SERVER, str(path)])
    wait_for_unix(str(path))


def start_forward(procs, snc, args, listen_port, timeout=15.0):
    """Starts `snc forward ARGS` and waits until its listener is up."""
    proc = procs.start([snc, "forward", *args])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"snc forward exited {proc.returncode}: {proc.stderr.read().decode()}")
        if _listening(listen_port):
            # The listener is bound before authentication: wait for the login too.
            time.sleep(0.05)
            return proc
        time.sleep(0.05)
    raise TimeoutError("snc forward did not listen")


def _listening(port: int) -> bool:
    hexport = f":{port:04X}"
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            if fields[1].endswith(hexport) and fields[3] == "0A":
                return True
    return False


def roundtrip(address, data: bytes, family=None, timeout=60.0) -> bytes:
    """Sends data to address (host and port, or a Unix socket path), half-closes,
    returns everything that comes back."""
    import socket
    import threading
    if family is None:
        family = socket.AF_UNIX if isinstance(address, str) else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(address)

        def send():
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        sender = threading.Thread(target=send)
        sender.start()
        chunks = []
        while True:
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        sender.join(timeout)
        return b"".join(chunks)


def echo_roundtrip(port: int, data: bytes, timeout=60.0) -> bytes:
    """Sends data through 127.0.0.1:port, half-closes, returns everything that comes back."""
    return roundtrip(("127.0.0.1", port), data, timeout=timeout)


def dedicated_sshd(prefix: str):
    """A generator for a fixture: an sshd of the test's own (to restart, kill or
    freeze), then every child it left killed (continued first, if frozen)."""
    if not os.access(SSHD, os.X_OK):
        pytest.skip("sshd is not installed")
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    server = start_sshd(directory)
    yield server
    for pid in sshd_children(server):
        try:
            os.kill(pid, signal.SIGCONT)
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    stop_sshd(server)
    shutil.rmtree(directory, ignore_errors=True)


def restart_sshd(server: Sshd, new_host_keys=False, down_seconds=0.0):
    """Stops the server and every session it forked (the link drops, as in a
    reboot), waits `down_seconds`, then starts sshd again on the same port
    and config (with freshly generated host keys if asked)."""
    for pid in sshd_children(server):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    stop_sshd(server)
    if new_host_keys:
        for kind, key in server.host_keys.items():
            for path in (key, Path(str(key) + ".pub")):
                path.unlink(missing_ok=True)
            keygen(key, kind)
    time.sleep(down_seconds)
    log = open(server.dir / "sshd.log", "ab")
    server.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(server.dir / "sshd_config")],
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    log.close()
    # The old listener may linger a moment after SIGTERM: retry the bind briefly.
    deadline = time.monotonic() + 15
    while True:
        try:
            wait_for_port(server.port, timeout=1)
            return
        except TimeoutError:
            if server.proc.poll() is not None and time.monotonic() < deadline:
                time.sleep(0.2)
                log = open(server.dir / "sshd.log", "ab")
                server.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(server.dir / "sshd_config")],
                                               stdin=subprocess.DEVNULL, stdout=log, stderr=log)
                log.close()
            elif time.monotonic() >= deadline:
                raise RuntimeError("sshd did not restart: " + (server.dir / "sshd.log").read_text()[-2000:])
