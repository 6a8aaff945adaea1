"""ssh_config resolution compared with `ssh -G`, and a config alias whose LocalForward does the work."""
import pytest

from conftest import free_port, run
from sshd_fixture import echo_roundtrip, sshd, start_echo, start_forward  # noqa: F401

KEYS = ["hostname", "user", "port", "identitiesonly", "userknownhostsfile", "stricthostkeychecking",
        "batchmode", "hashknownhosts", "connecttimeout", "serveraliveinterval", "serveralivecountmax"]

CONFIG = """\
# comment
Host flip flip.*
  HostName %h.example.edu
  User onid
  Port 2222
  IdentityFile ~/.ssh/k_%r_%h
  LocalForward 8080 localhost:9000
  ServerAliveInterval 1m30s
Host *.example.edu !bad.example.edu
  StrictHostKeyChecking accept-new
  ConnectTimeout 7
Host bad.example.edu
  User badder
Match host nothing
  User matched
Host ?ingle
  Port=2200
  BatchMode yes
  UserKnownHostsFile ~/kh "/tmp/with space"
  LocalForward 127.0.0.1:8081 [::1]:22
  LocalForward [::1]:8082 h:ssh
Host *
  IdentityFile ~/.ssh/other
  IdentitiesOnly yes
  HashKnownHosts yes
  ServerAliveCountMax 5
  User fallback
  StrictHostKeyChecking no
"""


def ssh_g(args):
    result = run(["ssh", "-G", *args], timeout=20)
    assert result.returncode == 0, result.stderr
    return result.stdout.decode()


def pick(text, keys):
    lines = [line for line in text.splitlines() if line.split(" ", 1)[0] in keys]
    return sorted(lines)


@pytest.mark.parametrize("host", ["flip", "flip.cs", "x.example.edu", "bad.example.edu", "single", "other", "onid@flip"])
@pytest.mark.parametrize("extra", [[], ["-o", "User=override", "-p", "2022"], ["-o", "StrictHostKeyChecking=yes", "-o", "Port=7"]])
def test_resolution_matches_ssh_G(snc, tmp_path, host, extra):
    config = tmp_path / "config"
    config.write_text(CONFIG)
    ours = run([snc, "forward", "-G", "-F", config, *extra, host]).stdout.decode()
    theirs = ssh_g(["-F", str(config), *extra, host])
    assert pick(ours, KEYS) == pick(theirs, KEYS)
    assert pick(ours, ["identityfile"]) == pick(theirs, ["identityfile"])
    assert pick(ours, ["localforward"]) == pick(theirs, ["localforward"])


def test_config_alias_with_local_forward(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    local = free_port()
    config = sshd.config(tmp_path, extra=f"  LocalForward {local} 127.0.0.1:{echo}\n")
    start_forward(procs, snc, ["-F", config, "testhost"], local)
    assert echo_roundtrip(local, b"alias\n") == b"alias\n"


def test_bad_config_value_is_a_usage_error(snc, tmp_path):
    config = tmp_path / "config"
    config.write_text("Host x\n  BatchMode maybe\n")
    result = run([snc, "forward", "-F", config, "x"])
    assert result.returncode == 64
    assert result.stderr.decode() == f"snc: {config} line 2: Bad yes/no argument 'maybe'.\n"


def test_no_forward_given(snc, tmp_path):
    config = tmp_path / "config"
    config.write_text("Host x\n  Port 9\n")
    result = run([snc, "forward", "-F", config, "x"])
    assert result.returncode == 64
    assert "no forwarding given" in result.stderr.decode()


@pytest.mark.parametrize("option", [
    "ServerAliveInterval=99999999999999999w",
    "ConnectTimeout=99999999999999999w",
    "ServerAliveCountMax=99999999999999999",
])
def test_huge_numbers_are_usage_errors_not_crashes(snc, tmp_path, option):
    config = tmp_path / "config"
    config.write_text("")
    result = run([snc, "forward", "-G", "-F", config, "-o", option, "x"])
    assert result.returncode == 64, result.stderr
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("snc: "), lines
