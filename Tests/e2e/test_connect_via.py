"""snc connect --via: the lab's part 3 chat in one command, through a real sshd (ssh -W's job)."""
import os
import select
import subprocess
import time

import pytest

from conftest import free_port, run, sha256, wait_for_listen
from sshd_fixture import sshd, start_echo  # noqa: F401


def via_options(server, tmp_path):
    """The sshd fixture's settings as --ssh-option arguments (connect takes no -F)."""
    return ["--ssh-option", "HostName=127.0.0.1", "--ssh-option", f"Port={server.port}",
            "--ssh-option", f"User={server.user}"] + login_options(server, tmp_path)


def test_connect_via_moves_bytes_exactly(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    data = os.urandom(3 << 20)
    result = run([snc, "connect", *via_options(sshd, tmp_path), "--via", "farhost", "127.0.0.1", echo],
                 input=data, timeout=60)
    assert result.returncode == 0, result.stderr
    assert sha256(result.stdout) == sha256(data)


def test_connect_via_chats_with_snc_listen_on_the_far_side(snc, sshd, procs, tmp_path):
    port = free_port()
    far = procs.start([snc, "listen", "127.0.0.1", port], stdin=subprocess.PIPE)
    wait_for_listen(port)
    laptop = procs.start([snc, "connect", *via_options(sshd, tmp_path), "--via", "farhost", "127.0.0.1", port],
                         stdin=subprocess.PIPE)
    laptop.stdin.write(b"hello from laptop 2\n")
    laptop.stdin.flush()
    assert far.stdout.readline() == b"hello from laptop 2\n"
    far.stdin.write(b"hello from the far host\n")
    far.stdin.close()
    assert laptop.stdout.readline() == b"hello from the far host\n"
    laptop.stdin.close()
    assert laptop.wait(timeout=20) == 0
    assert far.wait(timeout=20) == 0


def test_connect_via_refuses_options_that_do_not_apply(snc):
    result = run([snc, "connect", "-z", "--via", "farhost", "127.0.0.1", "22"])
    assert result.returncode == 64
    assert result.stderr == b"snc: cannot use -z with --via\n"


def test_connect_via_reports_a_refused_target(snc, sshd, tmp_path):
    dead = free_port()
    result = run([snc, "connect", *via_options(sshd, tmp_path), "--via", "farhost", "127.0.0.1", dead],
                 input=b"x", timeout=30)
    assert result.returncode == 1
    assert b"failed: connect failed" in result.stderr


def login_options(server, tmp_path):
    """The fixture's login settings without HostName and Port: --via itself names those."""
    known = tmp_path / "known_hosts"
    known.write_text(server.known_hosts_line())
    settings = {
        "IdentityFile": server.user_key, "IdentitiesOnly": "yes", "UserKnownHostsFile": known,
        "StrictHostKeyChecking": "yes", "BatchMode": "yes",
    }
    options = []
    for key, value in settings.items():
        options += ["--ssh-option", f"{key}={value}"]
    return options


@pytest.mark.parametrize("form", ["uri", "jump", "via-port"])
def test_connect_via_takes_the_ssh_port_as_ssh_does(snc, sshd, procs, tmp_path, form):
    echo = start_echo(procs)
    if form == "uri":
        where = ["--via", f"ssh://{sshd.user}@127.0.0.1:{sshd.port}"]
    elif form == "jump":
        where = ["--via", f"{sshd.user}@127.0.0.1:{sshd.port}"]
    else:
        where = ["--via", f"{sshd.user}@127.0.0.1", "--via-port", str(sshd.port)]
    data = os.urandom(200_000)
    result = run([snc, "connect", *login_options(sshd, tmp_path), *where, "127.0.0.1", echo], input=data, timeout=60)
    assert result.returncode == 0, result.stderr
    assert sha256(result.stdout) == sha256(data)


@pytest.mark.parametrize("option", [
    ["-q", "1"], ["-w", "5"], ["--send-only"], ["--recv-only"], ["-d"], ["-C"], ["--no-shutdown"],
    ["--idle-timeout", "5"], ["--output", "/dev/null"], ["--hex-dump", "/dev/null"], ["-n"],
])
def test_connect_via_refuses_relay_options_it_would_ignore(snc, option):
    result = run([snc, "connect", *option, "--via", "farhost", "127.0.0.1", "22"])
    assert (result.returncode, result.stderr) == (64, f"snc: cannot use {option[0]} with --via\n".encode())


@pytest.mark.parametrize("args, message", [
    (["--via", "farhost:99999"], "snc: invalid SSH port in --via: 99999\n"),
    (["--via", "ssh://farhost:x2"], "snc: invalid SSH port in --via: x2\n"),
    (["--via", "farhost:"], "snc: invalid --via destination: farhost:\n"),
    (["--via", "[::1]x"], "snc: invalid --via destination: [::1]x\n"),
    (["--via", "farhost", "--via-port", "0"], "snc: invalid --via-port 0\n"),
    (["--via", "farhost:2222", "--via-port", "2200"], "snc: --via-port 2200 conflicts with the port in --via farhost:2222\n"),
])
def test_connect_via_bad_ssh_port_is_a_usage_error(snc, args, message):
    result = run([snc, "connect", *args, "127.0.0.1", "22"])
    assert (result.returncode, result.stderr) == (64, message.encode())


FAR_SENDER = r"""
import hashlib, socket, sys
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
print(listener.getsockname()[1], flush=True)
listener.settimeout(30)
conn, _ = listener.accept()
conn.settimeout(30)
conn.sendall(open(sys.argv[1], "rb").read())
conn.shutdown(socket.SHUT_WR)
received = b""
while True:
    chunk = conn.recv(65536)
    if not chunk:
        break
    received += chunk
print(received.decode(), flush=True)
"""


def test_connect_via_ends_stdout_at_the_far_end_and_keeps_sending_stdin(snc, sshd, procs, tmp_path):
    payload = tmp_path / "payload"
    data = os.urandom(1 << 20)
    payload.write_bytes(data)
    far = procs.start(["python3", "-c", FAR_SENDER, str(payload)])
    port = int(far.stdout.readline())
    laptop = procs.start([snc, "connect", *via_options(sshd, tmp_path), "--via", "farhost", "127.0.0.1", port],
                         stdin=subprocess.PIPE)
    # stdin stays open: stdout must still end once the far side has finished.
    received = bytearray()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ready, _, _ = select.select([laptop.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            continue
        chunk = os.read(laptop.stdout.fileno(), 1 << 16)
        if not chunk:
            break
        received += chunk
    else:
        raise AssertionError(f"stdout not ended after 20 s ({len(received)} bytes read)")
    assert sha256(bytes(received)) == sha256(data)
    # ... and what stdin says afterwards still reaches the far side.
    laptop.stdin.write(b"sent after the far end finished\n")
    laptop.stdin.close()
    assert laptop.wait(timeout=20) == 0
    assert far.stdout.readline() == b"sent after the far end finished\n"
    assert far.wait(timeout=10) == 0
