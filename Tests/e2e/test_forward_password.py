"""Password and keyboard-interactive logins, against a made-up user on a paramiko server
(OpenSSH's sshd would need a real system account, which the tests must not touch)."""
import os

import pytest

from conftest import free_port, run, wait_for_port
from sshd_fixture import keygen, start_echo

paramiko = pytest.importorskip("paramiko")
SERVER = os.path.join(os.path.dirname(__file__), "paramiko_sshd.py")


def start_server(procs, tmp_path, methods):
    key = tmp_path / "host_key"
    keygen(key)
    port = free_port()
    procs.start(["python3", SERVER, port, key, methods])
    wait_for_port(port)
    config = tmp_path / "config"
    config.write_text(
        f"Host student\n  HostName 127.0.0.1\n  Port {port}\n  User student\n"
        f"  UserKnownHostsFile {tmp_path}/known_hosts\n  StrictHostKeyChecking accept-new\n"
        f"  IdentityFile {tmp_path}/no-such-key\n  IdentitiesOnly yes\n")
    return config


def askpass(tmp_path, log):
    script = tmp_path / "askpass.sh"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s|%s\\n" "$SSH_ASKPASS_PROMPT" "$1" >> "{log}"\n'
        'case "$1" in\n'
        "  *code*) echo 123456 ;;\n"
        "  *assword*) echo hunter2 ;;\n"
        "  *) echo no ;;\n"
        "esac\n")
    script.chmod(0o755)
    env = dict(os.environ, SSH_ASKPASS=str(script), SSH_ASKPASS_REQUIRE="force")
    env.pop("SSH_AUTH_SOCK", None)
    return env


def test_keyboard_interactive_two_prompts(snc, procs, tmp_path):
    echo = start_echo(procs)
    config = start_server(procs, tmp_path, "keyboard-interactive")
    log = tmp_path / "prompts"
    result = run([snc, "forward", "-vv", "-F", config, "-W", f"127.0.0.1:{echo}", "student"],
                 input=b"two factor\n", env=askpass(tmp_path, log), timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"two factor\n"
    prompts = log.read_text().splitlines()
    assert prompts == ["|Password: ", "|Verification code: "]
    stderr = result.stderr.decode()
    assert "Two-factor login" in stderr
    assert "hunter2" not in stderr and "123456" not in stderr
    assert 'using "keyboard-interactive"' in stderr


def test_password(snc, procs, tmp_path):
    echo = start_echo(procs)
    config = start_server(procs, tmp_path, "password")
    log = tmp_path / "prompts"
    result = run([snc, "forward", "-vv", "-F", config, "-W", f"127.0.0.1:{echo}", "student"],
                 input=b"password\n", env=askpass(tmp_path, log), timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"password\n"
    assert log.read_text().splitlines() == ["|student@127.0.0.1's password: "]
    assert "hunter2" not in result.stderr.decode()


def test_batch_mode_never_prompts_for_a_password(snc, procs, tmp_path):
    config = start_server(procs, tmp_path, "password,keyboard-interactive")
    log = tmp_path / "prompts"
    result = run([snc, "forward", "-o", "BatchMode=yes", "-F", config, "-W", "127.0.0.1:9", "student"],
                 input=b"", env=askpass(tmp_path, log), timeout=60)
    assert result.returncode == 1
    assert not log.exists()
    assert result.stderr.decode().endswith("snc: student@127.0.0.1: Permission denied (password,keyboard-interactive).\n")
