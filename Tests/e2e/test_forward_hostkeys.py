"""Host key checking against a real sshd: each StrictHostKeyChecking mode, changed, revoked, hashed."""
import os
import subprocess
from pathlib import Path

from conftest import run
from sshd_fixture import keygen, sshd, start_echo  # noqa: F401
from test_forward_auth import askpass_env, askpass_script, no_agent_env


def fingerprint(public_key: Path) -> str:
    return run(["ssh-keygen", "-l", "-E", "sha256", "-f", public_key]).stdout.decode().split()[1]


def forward_w(snc, config, echo, *extra, env=None, input=b"hk\n", preexec=None):
    return subprocess.run([snc, "forward", "-F", str(config), *extra, "-W", f"127.0.0.1:{echo}", "testhost"],
                          input=input, capture_output=True, timeout=60, env=env or no_agent_env(),
                          start_new_session=True)


def test_unknown_host_strict_yes_refuses(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    known = tmp_path / "empty_known_hosts"
    known.write_text("")
    result = forward_w(snc, sshd.config(tmp_path, known_hosts=known), echo)
    assert result.returncode == 1
    assert result.stderr.decode() == (
        f"No ED25519 host key is known for [127.0.0.1]:{sshd.port} and you have requested strict checking.\n"
        "snc: Host key verification failed.\n")
    assert known.read_text() == ""


def test_unknown_host_accept_new_adds_key_that_ssh_keygen_finds(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    known = tmp_path / "kh"
    result = forward_w(snc, sshd.config(tmp_path, known_hosts=known), echo, "-o", "StrictHostKeyChecking=accept-new")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"hk\n"
    assert f"Warning: Permanently added '[127.0.0.1]:{sshd.port}' (ED25519) to the list of known hosts." in result.stderr.decode()
    found = run(["ssh-keygen", "-F", f"[127.0.0.1]:{sshd.port}", "-f", known])
    assert found.returncode == 0
    assert Path(str(sshd.host_keys["ed25519"]) + ".pub").read_text().split()[1] in found.stdout.decode()
    # ssh itself accepts what snc wrote.
    ssh = run(["ssh", "-F", "none", "-o", f"UserKnownHostsFile={known}", "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
               "-i", sshd.user_key, "-p", sshd.port, f"{sshd.user}@127.0.0.1", "true"], timeout=30, env=no_agent_env())
    assert ssh.returncode == 0, ssh.stderr


def test_unknown_host_no_adds_hashed_when_asked(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    known = tmp_path / "kh"
    result = forward_w(snc, sshd.config(tmp_path, known_hosts=known), echo,
                       "-o", "StrictHostKeyChecking=no", "-o", "HashKnownHosts=yes")
    assert result.returncode == 0, result.stderr
    line = known.read_text()
    assert line.startswith("|1|") and "127.0.0.1" not in line
    assert run(["ssh-keygen", "-F", f"[127.0.0.1]:{sshd.port}", "-f", known]).returncode == 0


def test_unknown_host_ask_without_terminal_fails(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    known = tmp_path / "kh"
    known.write_text("")
    env = no_agent_env()
    env.pop("SSH_ASKPASS", None)
    env.pop("DISPLAY", None)
    result = forward_w(snc, sshd.config(tmp_path, known_hosts=known), echo, "-o", "StrictHostKeyChecking=ask", "-o", "BatchMode=no", env=env)
    assert result.returncode == 1
    assert result.stderr.decode() == "snc: Host key verification failed.\n"
    assert known.read_text() == ""


def test_unknown_host_ask_shows_sha256_fingerprint_and_accepts_yes(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    known = tmp_path / "kh"
    log = tmp_path / "prompts"
    script = askpass_script(tmp_path, "yes", log)
    result = forward_w(snc, sshd.config(tmp_path, known_hosts=known), echo, "-o", "StrictHostKeyChecking=ask",
                       "-o", "BatchMode=no", env=askpass_env(script))
    assert result.returncode == 0, result.stderr
    prompt = log.read_text()
    expected = fingerprint(Path(str(sshd.host_keys["ed25519"]) + ".pub"))
    assert prompt.startswith(f"The authenticity of host '[127.0.0.1]:{sshd.port} ([127.0.0.1]:{sshd.port})' can't be established.\n")
    assert f"ED25519 key fingerprint is {expected}.\n" in prompt
    assert "Are you sure you want to continue connecting (yes/no/[fingerprint])? " in prompt
    assert run(["ssh-keygen", "-F", f"[127.0.0.1]:{sshd.port}", "-f", known]).returncode == 0


def test_unknown_host_ask_answered_no(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    known = tmp_path / "kh"
    script = askpass_script(tmp_path, "no")
    result = forward_w(snc, sshd.config(tmp_path, known_hosts=known), echo, "-o", "StrictHostKeyChecking=ask",
                       "-o", "BatchMode=no", env=askpass_env(script))
    assert result.returncode == 1
    assert "Host key verification failed." in result.stderr.decode()
    assert not known.exists() or known.read_text() == ""


def test_changed_host_key_is_refused_loudly_in_every_mode(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    impostor = tmp_path / "impostor"
    keygen(impostor)
    known = tmp_path / "kh"
    kind, blob = Path(str(impostor) + ".pub").read_text().split()[:2]
    known.write_text(f"[127.0.0.1]:{sshd.port} {kind} {blob}\n")
    for mode in ("yes", "accept-new", "no", "ask"):
        result = forward_w(snc, sshd.config(tmp_path, known_hosts=known), echo, "-o", f"StrictHostKeyChecking={mode}")
        stderr = result.stderr.decode()
        assert result.returncode == 1, mode
        assert "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @" in stderr
        assert "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!" in stderr
        assert fingerprint(Path(str(sshd.host_keys["ed25519"]) + ".pub")) + "." in stderr
        assert f"Offending ED25519 key in {known}:1" in stderr
        assert f'ssh-keygen -f "{known}" -R "[127.0.0.1]:{sshd.port}"' in stderr
        assert stderr.endswith("snc: Host key verification failed.\n")
        assert result.stdout == b""
    assert known.read_text() == f"[127.0.0.1]:{sshd.port} {kind} {blob}\n"


def test_revoked_host_key_is_refused(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    known = tmp_path / "kh"
    kind, blob = Path(str(sshd.host_keys["ed25519"]) + ".pub").read_text().split()[:2]
    known.write_text(f"@revoked * {kind} {blob}\n" + sshd.known_hosts_line())
    result = forward_w(snc, sshd.config(tmp_path, known_hosts=known), echo)
    assert result.returncode == 1
    assert "WARNING: REVOKED HOST KEY DETECTED!" in result.stderr.decode()
    assert f"The ED25519 host key for [127.0.0.1]:{sshd.port} is marked as revoked." in result.stderr.decode()


def test_hashed_patterned_and_messy_known_hosts(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    known = tmp_path / "kh"
    kind, blob = Path(str(sshd.host_keys["ecdsa"]) + ".pub").read_text().split()[:2]
    # Junk, a CA line and a negated pattern first; then the ecdsa key under a pattern, hashed by ssh-keygen -H.
    known.write_text(
        "this line is not a key\n"
        f"@cert-authority *.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE000000000000000000000000000000000000000000\n"
        f"[127.0.0.?]:{sshd.port},!other {kind} {blob}\n")
    result = forward_w(snc, sshd.config(tmp_path, known_hosts=known), echo, "-v")
    assert result.returncode == 0, result.stderr
    assert f"is known and matches the ECDSA host key" in result.stderr.decode()  # ecdsa preferred: it is what is known
    hashed = tmp_path / "hashed"
    hashed.write_text(sshd.known_hosts_line("ed25519"))
    assert run(["ssh-keygen", "-H", "-f", hashed]).returncode == 0
    assert hashed.read_text().startswith("|1|")
    result = forward_w(snc, sshd.config(tmp_path, known_hosts=hashed), echo)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"hk\n"
