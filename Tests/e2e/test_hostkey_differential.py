"""Host key decisions, snc against OpenSSH's ssh, on generated known_hosts files.

A seeded generator builds known_hosts files, ssh_config files and
StrictHostKeyChecking modes (junk lines, CRLF line ends, hashed names,
patterns with `*`, `?` and `!`, `[host]:port` and bare names, `@revoked`
and `@cert-authority` lines, keys of other types, global files,
HostKeyAlias, UserKnownHostsFile=none, HashKnownHosts). Each case runs the
real `ssh` (BatchMode, the command `true`) and `snc forward -W` against the
same private sshd, each with its own copy of the files, and requires the
same decision (connected or refused) and the same known_hosts files
afterwards. Two sshd instances present different host key sets (Ed25519
only; Ed25519 and ECDSA), so which key a server shows depends on the
algorithm order the client derives from known_hosts, as in the field.
"""
import base64
import hashlib
import hmac
import os
import random
import shutil
import signal
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import free_port, wait_for_port
from sshd_fixture import ECHO_SERVER, SSHD, keygen, start_sshd, stop_sshd

SEED = 20261201
RANDOM_CASES = 190
MODES = ["yes", "accept-new", "no", "ask", "off"]


def public(path) -> tuple[str, str]:
    kind, blob = Path(str(path) + ".pub").read_text().split()[:2]
    return kind, blob


def hashed(name: str, salt: bytes) -> str:
    digest = hmac.new(salt, name.encode(), hashlib.sha1).digest()
    return f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"


@dataclass
class World:
    """The servers, the keys and the echo target every case uses."""
    both: object      # sshd offering Ed25519 and ECDSA
    edonly: object    # sshd offering Ed25519 only
    echo: int
    keys: dict        # name -> (type, base64)
    tmp: Path


@dataclass
class Case:
    name: str
    server: str                     # "both" or "edonly"
    mode: str
    user_files: list                # list of (lines, crlf) or None for UserKnownHostsFile=none
    global_lines: list = None       # None: GlobalKnownHostsFile none; "default": not set (ssh's /etc/ssh files)
    hash_known_hosts: bool = False
    alias: str = None
    extra: list = field(default_factory=list)
    missing_directory: bool = False


@pytest.fixture(scope="module")
def world():
    if not os.access(SSHD, os.X_OK):
        pytest.skip("sshd is not installed")
    tmp = Path(tempfile.mkdtemp(prefix="snc-hkdiff-"))
    both = start_sshd(tmp / "both")
    edonly = start_sshd(tmp / "edonly", kinds=("ed25519",))
    edonly.authorize(Path(str(both.user_key) + ".pub"))
    port = free_port()
    echo = subprocess.Popen(["python3", "-c", ECHO_SERVER, str(port)])
    try:
        wait_for_port(port)
        keys = {"ed": public(both.host_keys["ed25519"]), "ec": public(both.host_keys["ecdsa"]),
                "ed_edonly": public(edonly.host_keys["ed25519"])}
        for name, kind in (("imp_ed", "ed25519"), ("imp_ec", "ecdsa"), ("imp_rsa", "rsa")):
            keygen(tmp / name, kind)
            keys[name] = public(tmp / name)
        yield World(both=both, edonly=edonly, echo=port, keys=keys, tmp=tmp)
    finally:
        os.kill(echo.pid, signal.SIGTERM)
        echo.wait(timeout=5)
        stop_sshd(both)
        stop_sshd(edonly)
        shutil.rmtree(tmp, ignore_errors=True)


def names(port: int) -> dict:
    """Host fields for known_hosts lines, by what they should match."""
    return {
        "exact": f"[127.0.0.1]:{port}",
        "bare": "127.0.0.1",
        "question": f"[127.0.0.?]:{port}",
        "star": "*",
        "star_port": f"[127.0.*]:{port}",
        "negated": f"*,![127.0.0.1]:{port}",
        "negated_other": f"[127.0.0.1]:{port},!10.1.1.1",
        "list": f"example.org,[127.0.0.1]:{port},10.0.0.1",
        "other_port": f"[127.0.0.1]:{port + 1}",
        "other_host": f"[10.9.9.9]:{port}",
        "upper_alias": "MyAlias",
        "alias": "myalias",
    }


def key_line(rng, world, port, name_kind, key_name, marker=None) -> str:
    host = names(port)[name_kind]
    if name_kind not in ("star", "star_port", "negated", "negated_other", "list", "question") and rng.random() < 0.3:
        host = hashed(host, rng.randbytes(20))
    kind, blob = world.keys[key_name]
    line = f"{host} {kind} {blob}"
    if rng.random() < 0.3:
        line += " a comment"
    return f"{marker} {line}" if marker else line


def junk_line(rng, world, port) -> str:
    kind, blob = world.keys["ed"]
    exact = names(port)["exact"]
    return rng.choice([
        "# a comment",
        "",
        "   ",
        "garbage",
        f"@bogus {exact} {kind} {blob}",
        f"@revoked",
        f"{exact}",
        f"{exact} {kind}",
        f"{exact} {kind} !!notbase64!!",
        f"{exact} ssh-rsa {blob}",
        f"{exact} {kind} {blob[:-8]}",
        f"|1|c2FsdA==|aGFzaA== {kind} {blob}",
        f"|2|x|y {kind} {blob}",
        f"\t{exact}\t{kind}\t{world.keys['imp_ed'][1]}\t# tabs",
    ])


def random_lines(rng, world, port, server, count) -> list:
    real = ["ed", "ec"] if server == "both" else ["ed_edonly"]
    keys = real + ["imp_ed", "imp_ec", "imp_rsa"]
    kinds = list(names(port))
    lines = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.25:
            lines.append(junk_line(rng, world, port))
        elif roll < 0.35:
            lines.append(key_line(rng, world, port, rng.choice(kinds), rng.choice(keys), "@revoked"))
        elif roll < 0.42:
            lines.append(key_line(rng, world, port, rng.choice(kinds), rng.choice(keys), "@cert-authority"))
        else:
            lines.append(key_line(rng, world, port, rng.choice(kinds), rng.choice(keys)))
    return lines


def fixed_cases(world) -> list:
    port = world.edonly.port
    kind, blob = world.keys["imp_ed"]
    ec_kind, ec_blob = world.keys["imp_ec"]
    cases = [
        # Issue 7, defect 1: a CRLF file naming the host with another key.
        Case("crlf-changed-accept-new", "edonly", "accept-new", [([ "# c", f"[127.0.0.1]:{port} {kind} {blob}"], True)]),
        Case("crlf-changed-no", "edonly", "no", [(["# c", f"[127.0.0.1]:{port} {kind} {blob}"], True)]),
    ]
    for mode in ("accept-new", "no", "yes"):
        # Issue 7, defect 2: only a key of another type is known.
        cases.append(Case(f"other-type-only-{mode}", "edonly", mode, [([f"[127.0.0.1]:{port} {ec_kind} {ec_blob}"], False)]))
    for mode in MODES:
        cases.append(Case(f"known-none-{mode}", "edonly", mode, None))
        cases.append(Case(f"empty-{mode}", "edonly", mode, [([], False)]))
        cases.append(Case(f"missing-{mode}", "edonly", mode, [None]))
    cases.append(Case("hashed-write", "both", "accept-new", [([], False)], hash_known_hosts=True))
    cases.append(Case("alias-write", "both", "accept-new", [([], False)], alias="MyAlias"))
    real_kind, real_blob = world.keys["ed_edonly"]
    cases.append(Case("global-only-match", "edonly", "yes", [([], False)], global_lines=[f"[127.0.0.1]:{port} {real_kind} {real_blob}"]))
    cases.append(Case("bare-host-match", "edonly", "yes", [([f"127.0.0.1 {real_kind} {real_blob}"], False)]))
    cases.append(Case("bare-host-changed", "edonly", "accept-new", [([f"127.0.0.1 {kind} {blob}"], False)]))
    for mode in ("yes", "accept-new"):
        # GlobalKnownHostsFile left at ssh's default (/etc/ssh/ssh_known_hosts, ssh_known_hosts2).
        cases.append(Case(f"default-global-{mode}", "edonly", mode, [([], False)], global_lines="default"))
    # CheckHostIP=yes: ssh turns it off for a loopback server.
    cases.append(Case("check-host-ip", "both", "accept-new", [([], False)], extra=["CheckHostIP yes"]))
    # A user file in a directory that does not exist: ssh creates only ~/.ssh, so nothing is written.
    cases.append(Case("missing-directory", "both", "accept-new", [None], extra=[], missing_directory=True))
    return cases


def random_cases(world) -> list:
    rng = random.Random(SEED)
    cases = []
    for index in range(RANDOM_CASES):
        server = rng.choice(["both", "edonly"])
        port = (world.both if server == "both" else world.edonly).port
        mode = rng.choice(MODES)
        roll = rng.random()
        if roll < 0.05:
            user_files = None
        else:
            user_files = [(random_lines(rng, world, port, server, rng.randint(0, 6)), rng.random() < 0.2)]
            if rng.random() < 0.15:
                user_files.append((random_lines(rng, world, port, server, rng.randint(1, 3)), False))
        global_lines = random_lines(rng, world, port, server, rng.randint(1, 3)) if rng.random() < 0.2 else None
        alias = rng.choice(["myalias", "MyAlias"]) if rng.random() < 0.1 else None
        extra = ["CheckHostIP yes"] if rng.random() < 0.1 else []
        cases.append(Case(f"random-{index}", server, mode, user_files, global_lines,
                          hash_known_hosts=rng.random() < 0.25, alias=alias, extra=extra))
    return cases


def write_lines(path: Path, lines, crlf: bool):
    if lines is None:
        return
    end = "\r\n" if crlf else "\n"
    path.write_bytes("".join(line + end for line in lines).encode())


def prepare(world, case: Case, directory: Path) -> tuple[Path, list, Path]:
    """The files of one run (ssh's or snc's): config, user known_hosts files, global file."""
    directory.mkdir(parents=True)
    server = world.both if case.server == "both" else world.edonly
    user_paths = []
    if case.user_files is not None:
        for index, spec in enumerate(case.user_files):
            path = directory / ("absent" if case.missing_directory else "") / f"known_hosts{index}"
            if spec is not None:
                write_lines(path, *spec)
            user_paths.append(path)
    global_path = directory / "global_known_hosts"
    if case.global_lines is not None and case.global_lines != "default":
        write_lines(global_path, case.global_lines, False)
    config = directory / "config"
    text = (f"Host testhost\n  HostName 127.0.0.1\n  Port {server.port}\n  User {server.user}\n"
            f"  IdentityFile {world.both.user_key}\n  IdentitiesOnly yes\n  BatchMode yes\n"
            f"  StrictHostKeyChecking {case.mode}\n"
            f"  UserKnownHostsFile {' '.join(str(p) for p in user_paths) if user_paths else 'none'}\n"
            f"  HashKnownHosts {'yes' if case.hash_known_hosts else 'no'}\n")
    if case.global_lines != "default":
        text += f"  GlobalKnownHostsFile {global_path if case.global_lines is not None else 'none'}\n"
    if case.alias:
        text += f"  HostKeyAlias {case.alias}\n"
    text += "".join(f"  {line}\n" for line in case.extra)
    config.write_text(text)
    return config, user_paths, global_path


def normalized(path: Path, candidates: list) -> list:
    """A file's lines with hashed names that snc or ssh wrote replaced by the name they hash."""
    if not path.exists():
        return None
    out = []
    for line in path.read_bytes().split(b"\n"):
        text = line.decode(errors="replace")
        if text.startswith("|1|"):
            field, _, rest = text.partition(" ")
            try:
                salt = base64.b64decode(field.split("|")[2])
                for name in candidates:
                    if hashed(name, salt) == field:
                        text = f"HASHED({name}) {rest}"
                        break
            except Exception:
                pass
        out.append(text)
    return out


def env():
    environment = dict(os.environ)
    environment.pop("SSH_AUTH_SOCK", None)
    environment.pop("SSH_ASKPASS", None)
    environment.pop("DISPLAY", None)
    return environment


def run_case(snc, world, case: Case) -> dict:
    base = world.tmp / "cases" / case.name
    server = world.both if case.server == "both" else world.edonly
    candidates = [f"[127.0.0.1]:{server.port}", "127.0.0.1"] + ([case.alias.lower()] if case.alias else [])
    outcome = {}
    for tool in ("ssh", "snc"):
        config, user_paths, global_path = prepare(world, case, base / tool)
        if tool == "ssh":
            args = ["ssh", "-F", str(config), "-o", "UpdateHostKeys=no", "testhost", "true"]
            stdin = b""
        else:
            args = [snc, "forward", "-F", str(config), "-W", f"127.0.0.1:{world.echo}", "testhost"]
            stdin = b"hk\n"
        try:
            result = subprocess.run(args, input=stdin, capture_output=True, timeout=30, env=env(), start_new_session=True)
            connected = result.returncode == 0 and (tool == "ssh" or result.stdout == b"hk\n")
            stderr = result.stderr.decode(errors="replace")
        except subprocess.TimeoutExpired:
            connected, stderr = None, "timed out"
        files = [normalized(path, candidates) for path in user_paths]
        outcome[tool] = {"connected": connected, "files": files, "stderr": stderr,
                         "global": global_path.read_bytes() if global_path.exists() else None}
        if tool == "snc" and case.hash_known_hosts and user_paths and user_paths[0].exists():
            # What snc hashed, ssh-keygen finds (the salts differ from ssh's, so the names are compared above).
            added = [line for line in outcome["snc"]["files"][0] if line.startswith("HASHED(")]
            for line in added:
                name = line[len("HASHED("):line.index(")")]
                found = subprocess.run(["ssh-keygen", "-F", name, "-f", str(user_paths[0])], capture_output=True, timeout=30)
                if found.returncode != 0:
                    outcome["snc"]["connected"] = "hashed line not found by ssh-keygen -F"
    return outcome


def test_host_key_decisions_equal_ssh(snc, world, capsys):
    cases = fixed_cases(world) + random_cases(world)
    assert len(cases) >= 150
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda case: run_case(snc, world, case), cases))
    differences = []
    for case, outcome in zip(cases, outcomes):
        ssh, ours = outcome["ssh"], outcome["snc"]
        if ssh["connected"] != ours["connected"] or ssh["files"] != ours["files"] or ssh["global"] != ours["global"]:
            differences.append(f"{case.name} ({case.server}, {case.mode}): ssh connected={ssh['connected']} files={ssh['files']}"
                               f" | snc connected={ours['connected']} files={ours['files']}\n"
                               f"  ssh said: {ssh['stderr'].strip()[-300:]}\n  snc said: {ours['stderr'].strip()[-300:]}")
    equal = len(cases) - len(differences)
    connected = sum(1 for outcome in outcomes if outcome["ssh"]["connected"])
    summary = f"{equal} of {len(cases)} host key decisions equal to ssh ({connected} connected, {len(cases) - connected} refused by ssh)"
    with capsys.disabled():
        print(f"\n{summary}")
    assert not differences, summary + "\n" + "\n".join(differences[:15])
