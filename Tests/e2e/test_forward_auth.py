"""snc forward authentication against a real sshd: agent, key files, passphrases, refusals, RSA."""
import os
import re
import signal
import subprocess

from conftest import free_port, run
from sshd_fixture import echo_roundtrip, keygen, sshd, start_echo, start_forward  # noqa: F401


def askpass_script(tmp_path, answer: str, log=None):
    script = tmp_path / "askpass.sh"
    record = f'printf "%s\\n---\\n" "$1" >> "{log}"\n' if log else ""
    script.write_text(f"#!/bin/sh\n{record}printf '%s\\n' '{answer}'\n")
    script.chmod(0o755)
    return script


def askpass_env(script):
    env = dict(os.environ)
    env.pop("SSH_AUTH_SOCK", None)
    env.update(SSH_ASKPASS=str(script), SSH_ASKPASS_REQUIRE="force", DISPLAY="")
    return env


def no_agent_env():
    env = dict(os.environ)
    env.pop("SSH_AUTH_SOCK", None)
    return env


def test_identity_file_auth(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    config = sshd.config(tmp_path)
    result = run([snc, "forward", "-v", "-F", config, "-W", f"127.0.0.1:{echo}", "testhost"], input=b"key\n", env=no_agent_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"key\n"
    assert f'using "publickey" ({sshd.user_key})' in result.stderr.decode()


def test_agent_auth(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    key = tmp_path / "agent_key"
    keygen(key)
    sshd.authorize(key.with_suffix(".pub"))
    out = run(["ssh-agent", "-s"]).stdout.decode()
    sock = re.search(r"SSH_AUTH_SOCK=([^;]+);", out).group(1)
    pid = int(re.search(r"SSH_AGENT_PID=(\d+);", out).group(1))
    try:
        env = dict(os.environ, SSH_AUTH_SOCK=sock)
        assert run(["ssh-add", key], env=env).returncode == 0
        # No IdentityFile at all: only the agent can log us in.
        config = tmp_path / "agent_config"
        known = tmp_path / "known_hosts"
        known.write_text(sshd.known_hosts_line())
        config.write_text(
            f"Host agenthost\n  HostName 127.0.0.1\n  Port {sshd.port}\n  User {sshd.user}\n"
            f"  UserKnownHostsFile {known}\n  StrictHostKeyChecking yes\n  BatchMode yes\n"
            f"  IdentityFile {tmp_path}/does-not-exist\n")
        result = run([snc, "forward", "-v", "-F", config, "-W", f"127.0.0.1:{echo}", "agenthost"], input=b"agent\n", env=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout == b"agent\n"
        assert "agent key" in result.stderr.decode()
    finally:
        os.kill(pid, signal.SIGTERM)


def test_encrypted_key_passphrase_via_askpass(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    key = tmp_path / "locked_key"
    keygen(key, passphrase="correct horse")
    sshd.authorize(key.with_suffix(".pub"))
    log = tmp_path / "prompts"
    script = askpass_script(tmp_path, "correct horse", log)
    config = sshd.config(tmp_path, identity=key).read_text().replace("BatchMode yes", "BatchMode no")
    (tmp_path / "cfg").write_text(config)
    result = run([snc, "forward", "-vv", "-F", tmp_path / "cfg", "-W", f"127.0.0.1:{echo}", "testhost"],
                 input=b"unlocked\n", env=askpass_env(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"unlocked\n"
    assert f"Enter passphrase for key '{key}': " in log.read_text()
    assert "correct horse" not in result.stderr.decode()  # secrets never reach -v output


def test_encrypted_key_in_batch_mode_is_not_prompted(snc, sshd, tmp_path):
    key = tmp_path / "locked_key"
    keygen(key, passphrase="secret")
    sshd.authorize(key.with_suffix(".pub"))
    log = tmp_path / "prompts"
    script = askpass_script(tmp_path, "secret", log)
    result = run([snc, "forward", "-F", sshd.config(tmp_path, identity=key), "-W", "127.0.0.1:9", "testhost"],
                 input=b"", env=askpass_env(script))
    assert result.returncode == 1
    assert not log.exists()
    assert result.stderr.decode().endswith(f"snc: {sshd.user}@127.0.0.1: Permission denied (publickey).\n")


def test_refused_key(snc, sshd, tmp_path):
    key = tmp_path / "stranger"
    keygen(key)
    result = run([snc, "forward", "-F", sshd.config(tmp_path, identity=key), "-W", "127.0.0.1:9", "testhost"],
                 input=b"", env=no_agent_env())
    assert result.returncode == 1
    assert result.stderr.decode() == f"snc: {sshd.user}@127.0.0.1: Permission denied (publickey).\n"


def test_rsa_key_is_explained(snc, sshd, tmp_path):
    key = tmp_path / "id_rsa"
    keygen(key, kind="rsa")
    sshd.authorize(key.with_suffix(".pub"))
    result = run([snc, "forward", "-F", sshd.config(tmp_path, identity=key), "-W", "127.0.0.1:9", "testhost"],
                 input=b"", env=no_agent_env())
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert f"RSA key {key} refused" in stderr
    assert "signs RSA keys only with SHA-1 (ssh-rsa), which OpenSSH 8.8 and later refuse" in stderr
    assert "Ed25519" in stderr
    assert stderr.endswith("Permission denied (publickey).\n")


def test_missing_identity_file_is_warned(snc, sshd, tmp_path):
    result = run([snc, "forward", "-F", sshd.config(tmp_path), "-i", tmp_path / "nope", "-W", "127.0.0.1:9", "testhost"],
                 input=b"", env=no_agent_env())
    assert f"Warning: Identity file {tmp_path}/nope not accessible: No such file or directory." in result.stderr.decode()


def counting_askpass(tmp_path, answers, log):
    """An askpass that logs each prompt and gives the answers in turn (the last one repeats)."""
    script = tmp_path / "askpass-seq.sh"
    count = tmp_path / "askpass-count"
    cases = "".join(f"  {i}) printf '%s\\n' '{a}' ;;\n" for i, a in enumerate(answers))
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$1" >> "{log}"\n'
        f'n=$(cat "{count}" 2>/dev/null || echo 0)\n'
        f'echo $((n + 1)) > "{count}"\n'
        f'case "$n" in\n{cases}  *) printf "%s\\n" \'{answers[-1]}\' ;;\nesac\n')
    script.chmod(0o755)
    return script, count


def passphrase_run(tool_args, tmp_path, answers, input=b""):
    log = tmp_path / "prompts"
    log.unlink(missing_ok=True)
    script, count = counting_askpass(tmp_path, answers, log)
    count.unlink(missing_ok=True)
    result = run(tool_args, input=input, env=askpass_env(script))
    prompts = log.read_text().splitlines() if log.exists() else []
    return result, prompts


def locked_key_config(sshd, tmp_path, extra=""):
    key = tmp_path / "locked_key"
    keygen(key, passphrase="right one")
    sshd.authorize(key.with_suffix(".pub"))
    config = sshd.config(tmp_path, identity=key).read_text().replace("BatchMode yes", "BatchMode no") + extra
    (tmp_path / "cfg").write_text(config)
    return key, tmp_path / "cfg"


def test_wrong_passphrase_twice_then_right_logs_in_as_ssh_does(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    key, config = locked_key_config(sshd, tmp_path)
    answers = ["wrong 1", "wrong 2", "right one"]
    theirs, their_prompts = passphrase_run(["ssh", "-F", config, "testhost", "true"], tmp_path, answers)
    assert theirs.returncode == 0, theirs.stderr
    ours, our_prompts = passphrase_run(
        [snc, "forward", "-v", "-F", config, "-W", f"127.0.0.1:{echo}", "testhost"], tmp_path, answers,
        input=b"third time\n")
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == b"third time\n"
    assert our_prompts == their_prompts == [f"Enter passphrase for key '{key}': "] * 3
    stderr = ours.stderr.decode()
    assert stderr.count(f"Bad passphrase, try again for {key}.") == 2
    assert "Callback returned error" not in stderr
    assert "wrong 1" not in stderr and "right one" not in stderr


def test_number_of_password_prompts_is_honoured(snc, sshd, tmp_path):
    key, config = locked_key_config(sshd, tmp_path, extra="  NumberOfPasswordPrompts 2\n")
    answers = ["wrong 1", "wrong 2", "right one"]
    theirs, their_prompts = passphrase_run(["ssh", "-F", config, "testhost", "true"], tmp_path, answers)
    assert theirs.returncode == 255
    ours, our_prompts = passphrase_run([snc, "forward", "-v", "-F", config, "-W", "127.0.0.1:9", "testhost"],
                                       tmp_path, answers)
    assert ours.returncode == 1
    assert our_prompts == their_prompts == [f"Enter passphrase for key '{key}': "] * 2
    stderr = ours.stderr.decode()
    assert f"Bad passphrase for {key}: no tries left (NumberOfPasswordPrompts 2)" in stderr
    assert stderr.endswith(f"snc: {sshd.user}@127.0.0.1: Permission denied (publickey).\n")
