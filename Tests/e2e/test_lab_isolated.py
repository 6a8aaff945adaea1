"""snc load --isolated: the server and the clients in a private user and
network namespace, as root and as an unprivileged user, with snc serve or a
server command; the root namespace's traffic stays out of its counters."""
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import run
from lab_fixture import start_serve, stop_serve

PEERS = Path(__file__).resolve().parent / "lab_peers.py"


def namespaces_available() -> bool:
    unshare = shutil.which("unshare")
    if not unshare:
        return True
    return subprocess.run([unshare, "-Urn", "true"], capture_output=True, timeout=10).returncode == 0


requires_namespaces = pytest.mark.skipif(not namespaces_available(), reason="user namespaces are off on this machine")


def counters_of(level) -> dict:
    return {c["name"]: c["delta"] for c in level["kernel_counters"]}


def isolated_json(snc, *args, timeout=120, prefix=(), cwd=None):
    result = run([*prefix, snc, "load", "--isolated", *args, "--json"], timeout=timeout, cwd=cwd)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return json.loads(result.stdout)


@requires_namespaces
def test_isolated_as_root_completes_2000_exchanges_with_snc_serve(snc):
    report = isolated_json(snc, "-c", "50", "-n", "2000", "--level-duration", "0")
    level = report["levels"][0]
    assert level["completed"] == 2000 and level["failed"] == 0
    assert report["isolated"] is True and report["isolated_server"] == "snc serve"
    assert report["target"].startswith("127.0.0.1")
    assert any("private network namespace" in note for note in report["notes"])


@requires_namespaces
def test_isolated_as_nobody_completes_2000_exchanges(snc):
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or not setpriv:
        pytest.skip("needs root and setpriv to become nobody")
    # The build directory may not be traversable by nobody: a copy in a 755 directory is.
    directory = tempfile.mkdtemp(prefix="snc-isolated-")
    try:
        os.chmod(directory, 0o755)
        copy = os.path.join(directory, "snc")
        shutil.copy(snc, copy)
        os.chmod(copy, 0o755)
        prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        assert run([*prefix, "id", "-u"]).stdout.strip() != b"0"
        report = isolated_json(copy, "-c", "50", "-n", "2000", "--level-duration", "0", prefix=prefix, cwd="/")
        level = report["levels"][0]
        assert level["completed"] == 2000 and level["failed"] == 0
        assert report["isolated"] is True
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@requires_namespaces
def test_isolated_text_report_says_so(snc):
    result = run([snc, "load", "--isolated", "-c", "10", "-n", "200", "--level-duration", "0"], timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "isolated (private network namespace, server: snc serve)" in out, out
    assert "kernel TCP counters over the run (this run's namespace only)" in out


@requires_namespaces
def test_server_command_runs_a_python_server_inside(snc):
    command = f"{sys.executable} {PEERS} server --host 127.0.0.1 --port {{port}}"
    report = isolated_json(snc, "--server-command", command, "-c", "20", "-n", "500", "--level-duration", "0")
    level = report["levels"][0]
    assert level["completed"] == 500 and level["failed"] == 0
    assert report["isolated_server"] == command.replace("{port}", "5555")


@requires_namespaces
def test_a_server_command_that_dies_is_reported_with_its_log(snc):
    result = run([snc, "load", "--isolated", "--server-command", "echo broken {port} >&2; exit 3", "-n", "10"], timeout=60)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "exited (status 3) before listening on port 5555" in err, err
    log = err.rsplit("its output is in ", 1)[1].split()[0]
    try:
        assert Path(log).read_bytes() == b"broken 5555\n"
    finally:
        os.unlink(log)


def test_host_and_port_with_isolated_is_a_usage_error(snc):
    result = run([snc, "load", "--isolated", "127.0.0.1", "5555"])
    assert result.returncode == 64
    assert b"--isolated starts its own server: give no HOST PORT" in result.stderr


def test_server_command_without_isolated_is_a_usage_error(snc):
    result = run([snc, "load", "--server-command", "true {port}", "127.0.0.1", "5555"])
    assert result.returncode == 64
    assert b"--server-command needs --isolated" in result.stderr


class OverflowFlood:
    """A listener in the root namespace with backlog 1 that never accepts, and
    a thread connecting to it without pause: ListenOverflows climbs on the
    machine while it runs (bounded in connections and time)."""

    def __init__(self, seconds: float):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.deadline = time.monotonic() + seconds
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.flood, daemon=True)

    def flood(self):
        for _ in range(200):
            if self.stop.is_set() or time.monotonic() > self.deadline:
                break
            batch = []
            for _ in range(50):
                client = socket.socket()
                client.setblocking(False)
                client.connect_ex(("127.0.0.1", self.port))
                batch.append(client)
            time.sleep(0.05)
            for client in batch:
                client.close()

    def __enter__(self):
        self.thread.start()
        time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=15)
        self.listener.close()


@requires_namespaces
def test_root_namespace_overflows_stay_out_of_an_isolated_run(snc, procs, tmp_path):
    # The same load, plain against snc serve in the root namespace, then isolated.
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    with OverflowFlood(seconds=8):
        plain = run([snc, "load", "127.0.0.1", port, "-c", "10", "--duration", "1.5", "--json"], timeout=60)
        isolated = run([snc, "load", "--isolated", "-c", "10", "--duration", "1.5", "--json"], timeout=60)
    stop_serve(proc, log)
    assert plain.returncode == 0 and isolated.returncode == 0, (plain.stderr, isolated.stderr)
    plain_level = json.loads(plain.stdout)["levels"][0]
    isolated_level = json.loads(isolated.stdout)["levels"][0]
    assert counters_of(plain_level).get("ListenOverflows", 0) > 0, plain_level["kernel_counters"]
    assert counters_of(isolated_level).get("ListenOverflows", 0) == 0, isolated_level["kernel_counters"]
    assert isolated_level["completed"] > 0 and isolated_level["failed"] == 0


@requires_namespaces
def test_without_namespaces_it_says_why_and_how_to_run_without(snc):
    unshare = shutil.which("unshare")
    if not unshare:
        pytest.skip("needs unshare (util-linux)")
    # A user namespace that may create no further ones: unshare(2) fails there with ENOSPC.
    script = 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" load --isolated -n 10'
    result = run([unshare, "-Ur", "sh", "-c", script, snc], timeout=30)
    assert result.returncode == 1, result.stderr
    err = result.stderr.decode()
    assert err.count("\n") == 1, err
    assert "--isolated: cannot enter a private user and network namespace (unshare: No space left on device)" in err, err
    assert "run without --isolated: snc serve 127.0.0.1 5555 & snc load 127.0.0.1 5555" in err


@requires_namespaces
def test_ctrl_c_stops_the_server_too_and_exits_130(snc, procs):
    load = procs.start([snc, "load", "--isolated", "-c", "10", "--duration", "20"])
    deadline = time.monotonic() + 10
    children = []
    while time.monotonic() < deadline and not children:
        time.sleep(0.1)
        children = open(f"/proc/{load.pid}/task/{load.pid}/children").read().split()
    assert children, "no server process started"
    server = int(children[0])
    assert b"serve" in open(f"/proc/{server}/cmdline", "rb").read()
    time.sleep(0.5)
    load.send_signal(2)
    assert load.wait(timeout=20) == 130
    assert b"interrupted" in load.stdout.read()
    assert not os.path.exists(f"/proc/{server}"), "the server outlived snc load"
    assert b"output is in" not in load.stderr.read()
