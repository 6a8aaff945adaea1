"""Host key checking against a real sshd: each StrictHostKeyChecking mode, changed, revoked, hashed."""
import os
import subprocess
from pathlib import Path

from conftest import free_port, run
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


def impostor_known_hosts(tmp_path, port: int) -> tuple[Path, str]:
    """A known_hosts file whose only line gives the server a key it does not have."""
    impostor = tmp_path / "impostor"
    keygen(impostor)
    kind, blob = Path(str(impostor) + ".pub").read_text().split()[:2]
    line = f"[127.0.0.1]:{port} {kind} {blob}\n"
    known = tmp_path / "kh"
    known.write_text(line)
    return known, line


def test_changed_host_key_is_refused_loudly_unless_strict_checking_is_off(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    known, line = impostor_known_hosts(tmp_path, sshd.port)
    for mode in ("yes", "accept-new", "ask"):
        result = forward_w(snc, sshd.config(tmp_path, known_hosts=known), echo, "-o", f"StrictHostKeyChecking={mode}")
        stderr = result.stderr.decode()
        assert result.returncode == 1, mode
        assert "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @" in stderr
        assert "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!" in stderr
        assert fingerprint(Path(str(sshd.host_keys["ed25519"]) + ".pub")) + "." in stderr
        assert f"Offending ED25519 key in {known}:1" in stderr
        assert f'ssh-keygen -f "{known}" -R "[127.0.0.1]:{sshd.port}"' in stderr
        assert f"Host key for [127.0.0.1]:{sshd.port} has changed and you have requested strict checking." in stderr
        assert stderr.endswith("snc: Host key verification failed.\n")
        assert result.stdout == b""
    assert known.read_text() == line


def test_changed_host_key_with_checking_off_tunnels_without_passwords_and_never_forwards_ports(snc, sshd, procs, tmp_path):
    # ssh -o StrictHostKeyChecking=no goes on (ssh -W works) with password and
    # keyboard-interactive logins off, and disables -L forwards.
    echo = start_echo(procs)
    known, line = impostor_known_hosts(tmp_path, sshd.port)
    config = sshd.config(tmp_path, known_hosts=known)
    result = forward_w(snc, config, echo, "-o", "StrictHostKeyChecking=no")
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert result.stdout == b"hk\n"
    assert "REMOTE HOST IDENTIFICATION HAS CHANGED" in stderr
    assert "Password authentication is disabled to avoid man-in-the-middle attacks." in stderr
    assert "Keyboard-interactive authentication is disabled to avoid man-in-the-middle attacks." in stderr
    local = free_port()
    forward = subprocess.run([snc, "forward", "-F", str(config), "-o", "StrictHostKeyChecking=no", "-N",
                              "-L", f"{local}:127.0.0.1:{echo}", "testhost"],
                             capture_output=True, timeout=60, env=no_agent_env(), start_new_session=True)
    assert forward.returncode == 1
    assert "Port forwarding is disabled to avoid man-in-the-middle attacks." in forward.stderr.decode()
    assert forward.stderr.decode().endswith("snc: Host key verification failed.\n")
    assert known.read_text() == line


def test_no_user_known_hosts_file_refuses_new_keys_in_every_mode(snc, sshd, procs, tmp_path):
    # UserKnownHostsFile=none: ssh has nowhere to record a key, so an unknown one is refused.
    echo = start_echo(procs)
    config = sshd.config(tmp_path, known_hosts="none")
    for mode in ("accept-new", "no"):
        result = forward_w(snc, config, echo, "-o", f"StrictHostKeyChecking={mode}")
        assert result.returncode == 1, mode
        assert result.stderr.decode() == "snc: Host key verification failed.\n"
        assert result.stdout == b""


def test_only_a_key_of_another_type_known_is_a_changed_key(snc, procs, tmp_path):
    # Issue 7: known_hosts holds an ECDSA key, the server has only Ed25519.
    from sshd_fixture import start_sshd, stop_sshd
    server = start_sshd(tmp_path / "edonly", kinds=("ed25519",))
    try:
        echo = start_echo(procs)
        impostor = tmp_path / "impostor"
        keygen(impostor, "ecdsa")
        kind, blob = Path(str(impostor) + ".pub").read_text().split()[:2]
        known = tmp_path / "kh"
        known.write_text(f"[127.0.0.1]:{server.port} {kind} {blob}\n")
        result = forward_w(snc, server.config(tmp_path, known_hosts=known), echo, "-o", "StrictHostKeyChecking=accept-new")
        stderr = result.stderr.decode()
        assert result.returncode == 1, stderr
        assert f"Offending ECDSA key in {known}:1" in stderr
        assert known.read_text() == f"[127.0.0.1]:{server.port} {kind} {blob}\n"
    finally:
        stop_sshd(server)


def test_crlf_known_hosts_with_another_key_is_a_changed_key(snc, sshd, procs, tmp_path):
    # Issue 7: "# c\r\n[127.0.0.1]:PORT <key>\r\n" once read as one comment line.
    echo = start_echo(procs)
    impostor = tmp_path / "impostor"
    keygen(impostor)
    kind, blob = Path(str(impostor) + ".pub").read_text().split()[:2]
    known = tmp_path / "kh"
    content = f"# c\r\n[127.0.0.1]:{sshd.port} {kind} {blob}\r\n".encode()
    known.write_bytes(content)
    result = forward_w(snc, sshd.config(tmp_path, known_hosts=known), echo, "-o", "StrictHostKeyChecking=accept-new")
    assert result.returncode == 1, result.stderr
    assert f"Offending ED25519 key in {known}:2" in result.stderr.decode()
    assert known.read_bytes() == content


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


def test_known_hosts_keywords_resolve_as_ssh_G(snc, tmp_path):
    keys = ("checkhostip", "globalknownhostsfile", "hostkeyalias", "userknownhostsfile")
    config = tmp_path / "config"
    config.write_text("Host aliased\n  HostKeyAlias MyAlias\n  UserKnownHostsFile none\n  GlobalKnownHostsFile /x/y /z\n"
                      "Host checked\n  CheckHostIP yes\n  GlobalKnownHostsFile none\n  UserKnownHostsFile ~/kh1 /kh2\n")
    for host in ("aliased", "checked", "plain"):
        ours = run([snc, "forward", "-G", "-F", config, host])
        theirs = run(["ssh", "-G", "-F", str(config), host], timeout=20)
        assert ours.returncode == 0 and theirs.returncode == 0, ours.stderr + theirs.stderr
        pick = lambda text: sorted(line for line in text.decode().splitlines() if line.split(" ", 1)[0] in keys)
        assert pick(ours.stdout) == pick(theirs.stdout), host
