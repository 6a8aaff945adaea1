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


# --- Text read as ssh reads it: bytes, CRLF, quoting (each case compared with ssh -G) ---

def compare_with_ssh_G(snc, config_path, host, extra=()):
    """snc forward -G against ssh -G on the same file: the same keys, or both refuse it
    (ssh: exit 255, snc: one line, exit 64)."""
    theirs = run(["ssh", "-G", "-F", config_path, *extra, host], timeout=20)
    ours = run([snc, "forward", "-G", "-F", config_path, *extra, host])
    if theirs.returncode != 0:
        assert ours.returncode == 64, (ours.stdout, ours.stderr, theirs.stderr)
        lines = ours.stderr.decode().splitlines()
        # ssh's first line, word for word ("FILE line N: invalid quotes").
        assert lines == ["snc: " + theirs.stderr.decode().splitlines()[0]], (lines, theirs.stderr)
        return ours, theirs
    assert ours.returncode == 0, ours.stderr
    text, expected = ours.stdout.decode(), theirs.stdout.decode()
    assert pick(text, KEYS + ["numberofpasswordprompts"]) == pick(expected, KEYS + ["numberofpasswordprompts"])
    assert pick(text, ["localforward"]) == pick(expected, ["localforward"])
    # With no IdentityFile configured ssh lists its seven defaults, snc the three it tries.
    if "identityfile ~/.ssh/id_xmss" not in expected:
        assert pick(text, ["identityfile"]) == pick(expected, ["identityfile"])
    return ours, theirs


@pytest.mark.parametrize("host", ["flip", "x.example.edu", "single", "other"])
def test_crlf_config_matches_ssh_G(snc, tmp_path, host):
    config = tmp_path / "config"
    config.write_bytes(CONFIG.replace("\n", "\r\n").encode())
    ours, theirs = compare_with_ssh_G(snc, config, host)
    assert theirs.returncode == 0
    if host == "flip":
        assert "port 2222\n" in ours.stdout.decode()


def test_crlf_include_matches_ssh_G(snc, tmp_path):
    included = tmp_path / "included.conf"
    included.write_bytes(b"Host inc\r\n  HostName inc.example.edu\r\n  Port 2200\r\n  User \"in cluded\"\r\n")
    config = tmp_path / "config"
    config.write_bytes(f"Include {included}\r\nHost *\r\n  Port 9\r\n".encode())
    ours, theirs = compare_with_ssh_G(snc, config, "inc")
    assert theirs.returncode == 0
    assert "hostname inc.example.edu\n" in ours.stdout.decode() and "port 2200\n" in ours.stdout.decode()


QUOTING = {
    "double quotes group words": b'Host q\n  UserKnownHostsFile "/k h/a" /b\n  User "o n"\n',
    "single quotes": b"Host q\n  UserKnownHostsFile '/k h/a' \"/x'y\"\n",
    "backslash escapes": b'Host q\n  UserKnownHostsFile /a\\ b \\"c\\" \\\\d\n',
    "trailing backslash kept": b"Host q\n  IdentityFile ~/k\\\n",
    "equals forms": b'Host=q\n  User=bob\n  Port = 2201\n  HostName= "h.example.edu"\n',
    "quoted keyword": b'Host q\n  "User" bob\n  Po"rt" 2202\n',
    "keyword quote never closed: line ignored": b'Host q\n  "User bob\n  Port 2203\n',
    "comments": b'Host q # a comment\n  User bob # another\n  #Port 1\n  IdentityFile ~/k#notacomment\n',
    "tabs, form feed and spaces at the end": b"Host\tq\n\tUser\tbob \t\x0c\n   \r\n",
    "a form feed alone is a keyword": b"Host q\n\x0c\n",
    "NUL ends a line": b"Host q\n  User bob\x00junk\n",
    "CR alone inside a line": b"Host q\r\n  Port 2204\r\r\n",
    "unbalanced double quote": b'Host q\n  User "bob\n',
    "unbalanced single quote": b"Host q\n  UserKnownHostsFile 'a\n",
    "unbalanced quote for another host": b'Host other\n  User "bob\nHost q\n  Port 2205\n',
    "keyword without argument": b"Host q\n  Port\n",
    "keyword without argument for another host": b"Host other\n  User\n",
    "extra arguments": b'Host q\n  User bob extra\n',
    "empty Host argument": b'Host ""\n  Port 2206\n',
    "CRLF with quotes": b'Host q\r\n  User "b o b"\r\n  UserKnownHostsFile "/a b" \'/c d\'\r\n',
}


@pytest.mark.parametrize("case", list(QUOTING))
def test_quoting_matches_ssh_G(snc, tmp_path, case):
    config = tmp_path / "config"
    config.write_bytes(QUOTING[case])
    compare_with_ssh_G(snc, config, "q")


# --- Keywords that change where or how ssh connects: refused unless "off" ---

# ssh -G's lines that say such a keyword is in force (ProxyCommand/ProxyJump
# none, ControlPath none vanish from its output; the others print their default).
IN_FORCE = {
    "certificatefile": lambda v: True, "controlpath": lambda v: True,
    "controlmaster": lambda v: v != "false", "gatewayports": lambda v: v != "no",
    "clearallforwardings": lambda v: v != "no", "addressfamily": lambda v: v != "any",
    "tunnel": lambda v: v != "false", "bindaddress": lambda v: True, "bindinterface": lambda v: True,
    "knownhostscommand": lambda v: True, "canonicalizehostname": lambda v: v != "false",
}

REFUSAL_CASES = {
    "ProxyJump": ("Host q\n  ProxyJump bastion\n", []),
    "ProxyJump none": ("Host q\n  ProxyJump none\n", []),
    "ProxyJump none wins over a later one": ("Host q\n  ProxyJump NONE\nHost *\n  ProxyJump bastion\n", []),
    "ProxyJump for another host": ("Host other\n  ProxyJump bastion\nHost q\n  Port 2\n", []),
    "ProxyCommand": ("Host q\n  ProxyCommand nc %h %p\n", []),
    "ProxyCommand none": ("Host q\n  ProxyCommand none\n", []),
    "ProxyJump none then ProxyCommand": ("Host q\n  ProxyJump none\n  ProxyCommand nc %h %p\n", []),
    "ProxyCommand none then ProxyJump": ("Host q\n  ProxyCommand none\n  ProxyJump bastion\n", []),
    "ProxyJump then ProxyCommand none": ("Host q\n  ProxyJump bastion\n  ProxyCommand none\n", []),
    "ProxyCommand then ProxyJump": ("Host q\n  ProxyCommand nc %h %p\n  ProxyJump bastion\n", []),
    "ProxyJump none, ProxyCommand, ProxyJump": ("Host q\n  ProxyJump none\n  ProxyCommand nc\n  ProxyJump b\n", []),
    "ProxyJump from -o": ("Host q\n  Port 2\n", ["-o", "ProxyJump=bastion"]),
    "-o ProxyJump=none beats the file": ("Host q\n  ProxyJump bastion\n", ["-o", "ProxyJump=none"]),
    "CertificateFile": ("Host *\n  CertificateFile ~/.ssh/id_ed25519-cert.pub\n", []),
    "RemoteForward": ("Host q\n  RemoteForward 8080 localhost:80\n", []),
    "DynamicForward": ("Host q\n  DynamicForward 1080\n", []),
    "ControlMaster auto": ("Host q\n  ControlMaster auto\n", []),
    "ControlMaster no": ("Host q\n  ControlMaster no\n  ControlPath none\n", []),
    "ControlPath": ("Host q\n  ControlPath ~/.ssh/cm-%r@%h:%p\n", []),
    "GatewayPorts yes": ("Host q\n  GatewayPorts yes\n", []),
    "GatewayPorts no": ("Host q\n  GatewayPorts no\n", []),
    "ClearAllForwardings yes": ("Host q\n  ClearAllForwardings yes\n", []),
    "AddressFamily inet": ("Host q\n  AddressFamily inet\n", []),
    "AddressFamily any": ("Host q\n  AddressFamily any\n", []),
    "Tunnel yes": ("Host q\n  Tunnel yes\n", []),
    "BindAddress": ("Host q\n  BindAddress 127.0.0.1\n", []),
    "KnownHostsCommand": ("Host q\n  KnownHostsCommand /bin/true\n", []),
    "CanonicalizeHostname no": ("Host q\n  CanonicalizeHostname no\n", []),
    "CanonicalizeHostname always": ("Host q\n  CanonicalizeHostname always\n", []),
    "CRLF ProxyJump": ("Host q\r\n  ProxyJump bastion\r\n", []),
}


PROXY_CASES = [case for case in REFUSAL_CASES if "Proxy" in case]


@pytest.mark.parametrize("case", PROXY_CASES + ["-J three hops", "-o ProxyCommand beats the file", "-J none keeps ProxyCommand", "-J beats ProxyCommand"])
def test_proxy_resolution_matches_ssh_G(snc, tmp_path, case):
    """ProxyJump and ProxyCommand are implemented: the one in force, and its value, as ssh -G prints them."""
    text, extra = {
        "-J three hops": ("Host q\n  Port 2\n", ["-J", "u@a:2200,ssh://b@h:23,[::1]:24"]),
        "-o ProxyCommand beats the file": ("Host q\n  ProxyJump b\n", ["-o", "ProxyCommand=nc %h %p"]),
        "-J none keeps ProxyCommand": ("Host q\n  ProxyCommand nc %h %p\n", ["-J", "none"]),
        "-J beats ProxyCommand": ("Host q\n  ProxyCommand nc %h %p\n", ["-J", "a"]),
    }.get(case) or REFUSAL_CASES[case]
    config = tmp_path / "config"
    config.write_bytes(text.encode())
    theirs = run(["ssh", "-G", "-F", config, *extra, "q"], timeout=20)
    assert theirs.returncode == 0, theirs.stderr
    ours = run([snc, "forward", "-G", "-F", config, *extra, "q"])
    assert ours.returncode == 0, ours.stderr
    keys = ["proxyjump", "proxycommand"]
    assert pick(ours.stdout.decode(), keys) == pick(theirs.stdout.decode(), keys)


@pytest.mark.parametrize("case", [case for case in REFUSAL_CASES if case not in PROXY_CASES])
def test_connection_keywords_refused_exactly_when_ssh_uses_them(snc, tmp_path, case):
    text, extra = REFUSAL_CASES[case]
    config = tmp_path / "config"
    config.write_bytes(text.encode())
    theirs = run(["ssh", "-G", "-F", config, *extra, "q"], timeout=20)
    assert theirs.returncode == 0, theirs.stderr
    in_force = [key for line in theirs.stdout.decode().splitlines()
                for key, value in [line.split(" ", 1)] if key in IN_FORCE and IN_FORCE[key](value)]
    ours = run([snc, "forward", "-G", "-F", config, *extra, "q"])
    if not in_force:
        assert ours.returncode == 0, ours.stderr
        return
    assert ours.returncode == 64, ours.stdout
    lines = ours.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    assert in_force[0] in lines[0].lower() and "not supported by snc" in lines[0], (in_force, lines)
    where = "-o " if extra else f"{config} line "
    assert lines[0].startswith(f"snc: {where}"), lines


def test_refused_keyword_stops_a_real_connection(snc, sshd, tmp_path):
    config = sshd.config(tmp_path, extra="  KnownHostsCommand /bin/true\n")
    result = run([snc, "forward", "-F", config, "-W", "127.0.0.1:9", "testhost"], input=b"")
    assert result.returncode == 64
    assert result.stderr.decode() == (
        f"snc: {config} line 10: KnownHostsCommand /bin/true: not supported by snc "
        "(it would change where or how snc connects)\n")


# --- Names that would print as extra config lines, bad -L values ---

@pytest.mark.parametrize("args", [
    ["a\nport 1"],
    ["user@a\nb"],
    ["a;b"],
    ["-o", "HostName=a\nport 1", "h"],
    ["-o", "HostName=a\nb", "h"],
    ["-o", "User=a\nb", "h"],
    ["-l", "a;b", "h"],
])
def test_names_with_newlines_or_metacharacters_are_usage_errors(snc, args):
    result = run([snc, "forward", "-G", "-F", "none", *args])
    assert result.returncode == 64, result.stdout
    assert result.stdout == b""
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("snc: ") and "contains invalid characters" in lines[0] \
        or "extra arguments" in lines[0], lines


@pytest.mark.parametrize("spec", ["[::1]]:80:h:22", "[::1]x:80:h:22", "8080:[h:22", "8080:h:[22]x"])
def test_malformed_brackets_in_L_are_usage_errors(snc, spec):
    result = run([snc, "forward", "-G", "-F", "none", "-L", spec, "h"])
    assert result.returncode == 64, result.stdout
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and f"'{spec}'" in lines[0], lines
    assert run(["ssh", "-G", "-F", "none", "-L", spec, "h"], timeout=20).returncode != 0


def test_connect_via_refuses_a_malformed_proxy_jump(snc):
    result = run([snc, "connect", "--via", "q.invalid", "--ssh-option", "ProxyJump=a:b:c", "localhost", "80"], input=b"")
    assert result.returncode == 64
    assert result.stderr.decode() == 'snc: command-line: Invalid ProxyJump "a:b:c"\n'


@pytest.mark.parametrize("spec", ["8080:h\nx:22", "1\r\n2:h:22", "127.0.0.1\n:8080:h:22"])
def test_L_with_control_characters_is_one_line_usage_error(snc, spec):
    # ssh -G prints "localforward 8080 [h" and "x]:22" for the first: snc refuses.
    result = run([snc, "forward", "-G", "-F", "none", "-L", spec, "h"])
    assert result.returncode == 64, result.stdout
    assert result.stdout == b""
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("snc: Bad local forwarding specification '"), lines


def test_usage_error_with_crlf_in_a_value_is_one_line(snc):
    result = run([snc, "forward", "-G", "-F", "none", "-p", "1\r\n2", "h"])
    assert result.returncode == 64
    assert len(result.stderr.decode().splitlines()) == 1, result.stderr
