"""snc connect --via: the lab's part 3 chat in one command, through a real sshd (ssh -W's job)."""
import os
import subprocess

from conftest import free_port, run, sha256, wait_for_listen
from sshd_fixture import sshd, start_echo  # noqa: F401


def via_options(server, tmp_path):
    """The sshd fixture's settings as --ssh-option arguments (connect takes no -F)."""
    known = tmp_path / "known_hosts"
    known.write_text(server.known_hosts_line())
    settings = {
        "HostName": "127.0.0.1", "Port": server.port, "User": server.user,
        "IdentityFile": server.user_key, "IdentitiesOnly": "yes", "UserKnownHostsFile": known,
        "StrictHostKeyChecking": "yes", "BatchMode": "yes",
    }
    options = []
    for key, value in settings.items():
        options += ["--ssh-option", f"{key}={value}"]
    return options


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
