"""Jump hosts (-J, ProxyJump) and ProxyCommand, through three private sshd instances.

jump1, jump2 and target are sshd processes on 127.0.0.1, each with its own
host keys and its own authorized user key. On loopback every one is
reachable directly, so the path is proved by the jump servers' logs
(LogLevel DEBUG): jump1 logs a direct-tcpip request to jump2's port, jump2
one to the target's port.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import free_port, run, sha256
from sshd_fixture import (SSHD, _listening, dedicated_sshd, echo_roundtrip, restart_sshd, sshd_children, start_echo,
                          start_forward, start_sink, start_sshd, stop_sshd)
from test_forward_slow_reader import assert_late_downloads_complete, serve_file


@pytest.fixture(scope="module")
def chain():
    if not os.access(SSHD, os.X_OK):
        pytest.skip("sshd is not installed")
    directory = Path(tempfile.mkdtemp(prefix="snc-jump-"))
    servers = {}
    try:
        for name in ("jump1", "jump2", "target"):
            servers[name] = start_sshd(directory / name, kinds=("ed25519",), log_level="DEBUG")
        yield servers
    finally:
        for server in servers.values():
            stop_sshd(server)
        shutil.rmtree(directory, ignore_errors=True)


def write_config(tmp_path, chain, known=("jump1", "jump2", "target"), extra=""):
    """Host blocks jump1, jump2, target (HostName 127.0.0.1, each its own Port and
    IdentityFile), one known_hosts file with the servers in `known`."""
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text("".join(chain[name].known_hosts_line() for name in known))
    blocks = "".join(
        f"Host {name}\n  HostName 127.0.0.1\n  Port {server.port}\n  IdentityFile {server.user_key}\n"
        for name, server in chain.items())
    config = tmp_path / "ssh_config"
    config.write_text(
        extra + blocks
        + f"Host *\n  User {chain['target'].user}\n  IdentitiesOnly yes\n  UserKnownHostsFile {known_hosts}\n"
          "  StrictHostKeyChecking yes\n  BatchMode yes\n")
    return config


def direct_tcpip_logged(server, port) -> bool:
    """Whether the sshd logged a direct-tcpip request to 127.0.0.1:port."""
    log = (server.dir / "sshd.log").read_text(errors="replace")
    return re.search(rf"server_request_direct_tcpip: originator .* target 127\.0\.0\.1 port {port}\b", log) is not None


def wait_for_log(server, port, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if direct_tcpip_logged(server, port):
            return True
        time.sleep(0.05)
    return False


def children(pid) -> list[int]:
    """PIDs whose parent is pid (/proc/PID/stat, the field after the command name)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rfind(")") + 2:].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def tcp_peer_ports(pid) -> set[int]:
    return set(tcp_peer_port_list(pid))


def tcp_peer_port_list(pid) -> list[int]:
    """Remote ports of the established TCP connections process pid holds (its fds, /proc/net/tcp{,6})."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    ports = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            # fields: sl local remote state ... inode (10th)
            if fields[3] == "01" and fields[9] in inodes:
                ports.append(int(fields[2].rsplit(":", 1)[1], 16))
    return ports


def stop(proc):
    """SIGTERM by PID (snc then reaps its hop processes), bounded; SIGKILL after."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@pytest.mark.parametrize("jumps", [["jump1"], ["jump1", "jump2"]], ids=["one hop", "two hops"])
def test_J_forwards_4_MiB_exactly_along_the_chain(snc, chain, procs, tmp_path, jumps):
    config = write_config(tmp_path, chain)
    echo = start_echo(procs)
    listen = free_port()
    proc = start_forward(procs, snc, ["-F", config, "-J", ",".join(jumps), "-L", f"{listen}:127.0.0.1:{echo}", "target"],
                         listen)
    data = os.urandom(4 << 20)
    assert sha256(echo_roundtrip(listen, data)) == sha256(data)
    # Each hop asked the previous one for a channel to the next: the path is the chain.
    hops = [chain[name] for name in jumps] + [chain["target"]]
    for before, after in zip(hops, hops[1:]):
        assert wait_for_log(before, after.port), f"no direct-tcpip to port {after.port} in {before.dir}"
    # The hops are sessions inside snc, not processes: its only SSH connection is the TCP one to the first hop.
    assert children(proc.pid) == []
    peers = tcp_peer_ports(proc.pid)
    assert chain[jumps[0]].port in peers, peers
    assert not {chain[name].port for name in jumps[1:] + ["target"]} & peers, peers
    stop(proc)
    assert proc.returncode is not None


@pytest.mark.parametrize("jumps", [["jump1"], ["jump1", "jump2"]], ids=["one hop", "two hops"])
def test_J_with_W_relays_stdin_and_stdout(snc, chain, procs, tmp_path, jumps):
    config = write_config(tmp_path, chain)
    echo = start_echo(procs)
    data = os.urandom(1 << 20)
    result = run([snc, "forward", "-F", config, "-J", ",".join(jumps), "-W", f"127.0.0.1:{echo}", "target"],
                 input=data, timeout=60)
    assert result.returncode == 0, result.stderr
    assert sha256(result.stdout) == sha256(data)
    assert wait_for_log(chain[jumps[-1]], chain["target"].port)


def test_J_user_and_port_in_the_spec(snc, chain, procs, tmp_path):
    # The hop is "127.0.0.1" with the port and user from -J; its key comes from a Host block for that name.
    jump = chain["jump1"]
    config = write_config(tmp_path, chain, extra=f"Host 127.0.0.1\n  IdentityFile {jump.user_key}\n")
    echo = start_echo(procs)
    result = run([snc, "forward", "-F", config, "-J", f"{jump.user}@127.0.0.1:{jump.port}",
                  "-W", f"127.0.0.1:{echo}", "target"], input=b"spec hop\n", timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"spec hop\n"
    assert wait_for_log(jump, chain["target"].port)


def test_ProxyJump_from_the_config_file_with_per_hop_settings(snc, chain, procs, tmp_path):
    # target -> ProxyJump jump2 -> (jump2's own block) ProxyJump jump1: two hops, each with its own Port and key.
    config = write_config(tmp_path, chain, extra="Host target\n  ProxyJump jump2\nHost jump2\n  ProxyJump jump1\n")
    echo = start_echo(procs)
    listen = free_port()
    proc = start_forward(procs, snc, ["-F", config, "-L", f"{listen}:127.0.0.1:{echo}", "target"], listen)
    data = os.urandom(1 << 20)
    assert sha256(echo_roundtrip(listen, data)) == sha256(data)
    assert wait_for_log(chain["jump1"], chain["jump2"].port)
    assert wait_for_log(chain["jump2"], chain["target"].port)
    stop(proc)
    listing = run([snc, "forward", "-G", "-F", config, "target"])
    assert b"proxyjump jump2\n" in listing.stdout


def test_ProxyJump_none_on_the_command_line_connects_directly(snc, chain, procs, tmp_path):
    config = write_config(tmp_path, chain, extra="Host target\n  ProxyJump nowhere.invalid\n")
    echo = start_echo(procs)
    result = run([snc, "forward", "-F", config, "-J", "none", "-W", f"127.0.0.1:{echo}", "target"],
                 input=b"direct\n", timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"direct\n"


@pytest.mark.parametrize("where", ["config", "-o"])
def test_ProxyCommand_nc(snc, chain, procs, tmp_path, where):
    if shutil.which("nc") is None:
        pytest.skip("nc is not installed")
    # The command announces itself (with %n expanded), then nc carries the session.
    command = "sh -c 'echo proxied %n >&2; exec nc %h %p'"
    config = write_config(tmp_path, chain, extra=f"Host target\n  ProxyCommand {command}\n" if where == "config" else "")
    echo = start_echo(procs)
    data = os.urandom(1 << 20)
    option = ["-o", f"ProxyCommand={command}"] if where == "-o" else []
    result = run([snc, "forward", "-F", config, *option, "-W", f"127.0.0.1:{echo}", "target"], input=data, timeout=60)
    assert result.returncode == 0, result.stderr
    assert sha256(result.stdout) == sha256(data)
    assert b"proxied target\n" in result.stderr


def test_connect_via_takes_a_ProxyCommand_too(snc, chain, procs, tmp_path):
    if shutil.which("nc") is None:
        pytest.skip("nc is not installed")
    target = chain["target"]
    known = tmp_path / "known_hosts"
    known.write_text(target.known_hosts_line())
    options = [f"HostName=127.0.0.1", f"Port={target.port}", f"User={target.user}", f"IdentityFile={target.user_key}",
               "IdentitiesOnly=yes", f"UserKnownHostsFile={known}", "StrictHostKeyChecking=yes", "BatchMode=yes",
               "ProxyCommand=sh -c 'echo proxied %h >&2; exec nc %h %p'"]
    echo = start_echo(procs)
    result = run([snc, "connect", *[arg for option in options for arg in ("--ssh-option", option)],
                  "--via", "target", "127.0.0.1", echo], input=b"via a proxy\n", timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"via a proxy\n"
    assert b"proxied 127.0.0.1\n" in result.stderr


def test_a_failing_ProxyCommand_reports_its_exit(snc, chain, tmp_path):
    config = write_config(tmp_path, chain)
    result = run([snc, "forward", "-F", config, "-o", "ProxyCommand=sh -c 'echo no way >&2; exit 3'",
                  "-W", "127.0.0.1:9", "target"], input=b"", timeout=30)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "no way\n" in err
    assert "Connection closed by remote host (ProxyCommand exited with status 3)" in err, err


def test_a_hop_with_an_unknown_host_key_is_refused_by_name(snc, chain, tmp_path):
    config = write_config(tmp_path, chain, known=("jump2", "target"))
    result = run([snc, "forward", "-F", config, "-J", "jump1", "-W", "127.0.0.1:9", "target"], input=b"", timeout=30)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert f"No ED25519 host key is known for [127.0.0.1]:{chain['jump1'].port}" in err, err
    # The hop's own refusal, then which hop it was.
    assert err.endswith("snc: jump host jump1: Host key verification failed.\n"), err


def test_a_hop_that_cannot_reach_the_next_fails_with_a_message(snc, chain, tmp_path):
    # jump1 is asked for a channel to a closed port: the hop says why, the run ends with 1.
    closed = free_port()
    config = write_config(tmp_path, chain, extra=f"Host nothing\n  HostName 127.0.0.1\n  Port {closed}\n")
    result = run([snc, "forward", "-F", config, "-J", "jump1", "-W", "127.0.0.1:9", "nothing"], input=b"", timeout=30)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err == f"snc: jump host jump1: channel open to 127.0.0.1 port {closed} failed: connect failed\n", err


@pytest.mark.parametrize("spec", ["", "a,,b", "a,", ":22", "a:0", "a:70000", "a:x", "@a", "[::1", "a:1:2", "ssh://a/path", "-a"])
def test_malformed_J_is_a_usage_error_naming_it(snc, spec):
    # Joined (-J-a), so that a value starting with '-' is not read as an option.
    result = run([snc, "forward", "-G", "-F", "none", f"-J{spec}" if spec else "-J", *([] if spec else [""]), "h"])
    assert result.returncode == 64, result.stdout
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0] == f'snc: Invalid -J argument "{spec}"', lines


@pytest.mark.parametrize("value", ["a:b:c", "a,,b", "u@:22", "a:99999", "ssh://a/path"])
def test_malformed_ProxyJump_in_a_config_file_is_a_usage_error(snc, tmp_path, value):
    config = tmp_path / "config"
    config.write_text(f"Host other\n  ProxyJump {value}\n")
    result = run([snc, "forward", "-G", "-F", config, "h"])
    assert result.returncode == 64, result.stdout
    assert result.stderr.decode() == f'snc: {config} line 2: Invalid ProxyJump "{value}"\n'
    assert run(["ssh", "-G", "-F", config, "h"], timeout=20).returncode != 0


def test_a_download_through_two_hops_to_a_late_reader_does_not_stall(snc, chain, procs, tmp_path):
    # The target's data waits inside the jump hosts' sessions too, where poll(2)
    # on the one socket cannot see it: the tunnel must go back for it.
    data = os.urandom(32 << 20)
    server_port = serve_file(procs, tmp_path, data)
    config = write_config(tmp_path, chain)
    local = free_port()
    start_forward(procs, snc, ["-F", config, "-o", "ServerAliveInterval=0", "-J", "jump1,jump2",
                               "-L", f"{local}:127.0.0.1:{server_port}", "target"], local)
    assert_late_downloads_complete(local, data)


def test_R_through_a_jump_host_allocates_a_port_and_carries_4_MiB(snc, chain, procs, tmp_path):
    config = write_config(tmp_path, chain)
    echo = start_echo(procs)
    proc = procs.start([snc, "forward", "-F", config, "-J", "jump1", "-N", "-R", f"0:127.0.0.1:{echo}", "target"])
    line = b""
    deadline = time.monotonic() + 15
    while not line.startswith(b"Allocated port "):
        assert time.monotonic() < deadline and proc.poll() is None, "no 'Allocated port' line"
        line = proc.stderr.readline()
    port = int(line.split()[2])
    data = os.urandom(4 << 20)
    assert sha256(echo_roundtrip(port, data)) == sha256(data)
    assert children(proc.pid) == []


def test_a_ProxyJump_loop_is_refused_with_a_message(snc, chain, tmp_path):
    config = write_config(tmp_path, chain, extra="Host jump1\n  ProxyJump jump2\nHost jump2\n  ProxyJump jump1\n")
    result = run([snc, "forward", "-F", config, "-J", "jump1", "-W", "127.0.0.1:9", "target"], input=b"", timeout=30)
    assert result.returncode == 64, result.stderr
    # One line, where ssh would start ssh after ssh without end.
    assert result.stderr.decode() == "snc: more than 16 nested jump hosts, the last jump1: does ProxyJump loop?\n"


@pytest.fixture
def own_jump():
    """A jump host of the test's own, to restart."""
    yield from dedicated_sshd("snc-jump-restart-")


def test_reconnect_rides_out_a_jump_host_restart(snc, chain, own_jump, procs, tmp_path):
    config = write_config(tmp_path, chain, extra=(
        f"Host bastion\n  HostName 127.0.0.1\n  Port {own_jump.port}\n  IdentityFile {own_jump.user_key}\n"))
    known = tmp_path / "known_hosts"
    known.write_text(known.read_text() + own_jump.known_hosts_line())
    echo = start_echo(procs)
    local = free_port()
    log = tmp_path / "snc.log"
    with open(log, "wb") as stderr:
        proc = procs.start([snc, "forward", "--reconnect", "-F", config, "-J", "bastion",
                            "-L", f"{local}:127.0.0.1:{echo}", "target"], stderr=stderr)
    deadline = time.monotonic() + 15
    while not _listening(local):
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    first = os.urandom(256 << 10)
    assert sha256(echo_roundtrip(local, first, timeout=20)) == sha256(first)

    restart_sshd(own_jump, down_seconds=1.0)
    restarted = time.monotonic()
    # The whole chain is built again, the jump host's login without a prompt.
    second = os.urandom(1 << 20)
    assert sha256(echo_roundtrip(local, second, timeout=20)) == sha256(second)
    assert time.monotonic() - restarted < 20
    assert proc.poll() is None, "snc forward --reconnect must keep running"
    text = log.read_text()
    assert f"snc: Connection to 127.0.0.1 port {chain['target'].port} lost: " in text, text
    assert f"snc: Reconnected to 127.0.0.1 port {chain['target'].port}" in text, text


def test_sessions_each_get_their_own_chain(snc, chain, procs, tmp_path):
    # Each session belongs to one worker thread, and its jump host's session with it: two chains, two sockets.
    config = write_config(tmp_path, chain)
    echo = start_echo(procs)
    listen = free_port()
    proc = start_forward(procs, snc, ["-F", config, "--sessions", "2", "-J", "jump1",
                                      "-L", f"{listen}:127.0.0.1:{echo}", "target"], listen)
    blobs = [os.urandom(1 << 20) for _ in range(4)]
    for blob in blobs:
        assert sha256(echo_roundtrip(listen, blob)) == sha256(blob)
    connections = [port for port in tcp_peer_port_list(proc.pid) if port == chain["jump1"].port]
    assert len(connections) == 2, connections
    assert children(proc.pid) == []


def test_a_jump_host_reached_through_a_ProxyCommand(snc, chain, procs, tmp_path):
    # The first hop's own ProxyCommand carries the bottom of the chain; the target's session rides inside it.
    if shutil.which("nc") is None:
        pytest.skip("nc is not installed")
    config = write_config(tmp_path, chain, extra="Host jump1\n  ProxyCommand nc %h %p\n")
    echo = start_echo(procs)
    data = os.urandom(1 << 20)
    result = run([snc, "forward", "-F", config, "-J", "jump1", "-W", f"127.0.0.1:{echo}", "target"], input=data, timeout=60)
    assert result.returncode == 0, result.stderr
    assert sha256(result.stdout) == sha256(data)
    assert wait_for_log(chain["jump1"], chain["target"].port)


def test_a_destination_that_dies_mid_upload_ends_the_tunnel_naming_the_hop(snc, chain, procs, tmp_path):
    # No ServerAliveInterval: only the jump host's close of the channel tells snc the
    # destination is gone, and snc may read that close while it is writing.
    sink = start_sink(procs)
    config = write_config(tmp_path, chain)
    local = free_port()
    proc = start_forward(procs, snc, ["-F", config, "-o", "ServerAliveInterval=0", "-J", "jump1",
                                      "-L", f"{local}:127.0.0.1:{sink}", "target"], local)
    chunk = os.urandom(1 << 16)
    with socket.create_connection(("127.0.0.1", local), timeout=5) as client:
        sent_until = time.monotonic() + 0.5
        while time.monotonic() < sent_until:
            client.sendall(chunk)
        for pid in sshd_children(chain["target"]):
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                client.sendall(chunk)
            except OSError:
                time.sleep(0.05)
    assert proc.wait(timeout=5) == 1
    err = proc.stderr.read().decode()
    assert "(jump host jump1 closed the channel)" in err, err


def keepalives_logged(server) -> int:
    """How many libssh2 keepalive requests the sshd logged (LogLevel DEBUG)."""
    log = (server.dir / "sshd.log").read_text(errors="replace")
    return len(re.findall(r"server_input_global_request: rtype keepalive@libssh2\.org", log))


def test_a_jump_host_sends_keepalives_at_its_own_interval(snc, chain, procs, tmp_path):
    # ServerAliveInterval 1 for the jump host only, off for the target: as with the ssh -W that
    # ssh runs for a hop, an idle tunnel still talks to the jump host every second.
    config = write_config(tmp_path, chain, extra="Host jump1\n  ServerAliveInterval 1\nHost target\n  ServerAliveInterval 0\n")
    echo = start_echo(procs)
    listen = free_port()
    before_jump, before_target = keepalives_logged(chain["jump1"]), keepalives_logged(chain["target"])
    proc = start_forward(procs, snc, ["-F", config, "-J", "jump1", "-L", f"{listen}:127.0.0.1:{echo}", "target"], listen)
    time.sleep(3.5)
    assert keepalives_logged(chain["jump1"]) - before_jump >= 2
    assert keepalives_logged(chain["target"]) == before_target
    assert proc.poll() is None
