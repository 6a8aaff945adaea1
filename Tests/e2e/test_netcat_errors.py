"""Bad input and network failures: one "snc: ..." line in nc's words, exit 1 (network) or 64 (usage),
never a trap; -z exit codes; -w timeouts."""
import os
import shutil
import socket
import subprocess
import time

import pytest

from conftest import free_port, run, wait_for_listen


def one_line(result) -> str:
    text = result.stderr.decode()
    assert text.count("\n") == 1 and text.endswith("\n"), text
    return text.rstrip("\n")


def closed_port() -> int:
    return free_port()


def test_connection_refused(snc):
    port = closed_port()
    result = run([snc, "-v", "127.0.0.1", port], timeout=10)
    assert result.returncode == 1
    assert one_line(result) == f"snc: connect to 127.0.0.1 port {port} (tcp) failed: Connection refused"
    # Also without -v: the failure is always reported (nc would stay silent).
    assert one_line(run([snc, "127.0.0.1", port], timeout=10)).endswith("Connection refused")


def test_network_unreachable(snc):
    """In a network namespace of our own with its loopback down, nothing is reachable."""
    if shutil.which("unshare") and run(["unshare", "-n", "true"]).returncode == 0:
        result = run(["unshare", "-n", snc, "127.0.0.1", "80"], timeout=10)
        expected = "snc: connect to 127.0.0.1 port 80 (tcp) failed: Network is unreachable"
    else:
        # TCP to the broadcast address is refused locally, without a packet leaving the host.
        result = run([snc, "255.255.255.255", "80"], timeout=10)
        expected = "snc: connect to 255.255.255.255 port 80 (tcp) failed: Network is unreachable"
    assert result.returncode == 1
    assert one_line(result) == expected


def test_connect_timeout(snc):
    """-w: a listener whose accept queue is full drops new SYNs, so the connect hangs until -w."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.2)
    probe = socket.socket()
    probe.settimeout(0.5)
    try:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            pytest.skip("this kernel accepts beyond the backlog; no way to make connect hang on loopback")
    except socket.timeout:
        pass
    finally:
        probe.close()
    try:
        started = time.monotonic()
        result = run([snc, "-w", "1", "127.0.0.1", port], timeout=20)
        elapsed = time.monotonic() - started
    finally:
        for filler in fillers:
            filler.close()
        server.close()
    assert result.returncode == 1
    assert one_line(result) == f"snc: connect to 127.0.0.1 port {port} (tcp) timed out: Operation now in progress"
    assert elapsed < 15


def test_idle_timeouts(snc):
    """-w after connecting ends an idle connection quietly (nc); --idle-timeout fails (ncat)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    port = server.getsockname()[1]
    try:
        # stdin stays open (a pipe nobody writes to), the peer says nothing.
        for argv, code, message in (([snc, "-w", "1", "127.0.0.1", port], 0, ""),
                                    ([snc, "--idle-timeout", "0.5", "127.0.0.1", port], 1,
                                     "snc: idle timeout expired (500 ms)\n")):
            proc = subprocess.Popen([str(a) for a in argv], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                assert proc.wait(timeout=15) == code
                assert proc.stderr.read().decode() == message
            finally:
                proc.kill()
                proc.wait()
                proc.stdin.close()
                proc.stderr.close()
    finally:
        server.close()


def test_unknown_host(snc):
    # -n keeps the lookup on this machine (no DNS query leaves it).
    result = run([snc, "-n", "no-such-host", "80"], timeout=10)
    assert result.returncode == 1
    assert one_line(result) == 'snc: getaddrinfo for host "no-such-host" port 80: Name or service not known'


def test_address_in_use(snc, procs):
    port = free_port()
    holder = socket.socket(socket.AF_INET6)
    holder.bind(("::", port))
    holder.listen(1)
    try:
        result = run([snc, "-l", port], timeout=10)
        assert result.returncode == 1
        assert one_line(result) == f"snc: bind to :: port {port} (tcp) failed: Address already in use"
        result = run([snc, "-l", "127.0.0.1", port], timeout=10)
        assert one_line(result) == f"snc: bind to 127.0.0.1 port {port} (tcp) failed: Address already in use"
    finally:
        holder.close()


def test_permission_denied_below_1024(snc):
    """As an unprivileged user (nobody), binding port 80 is refused."""
    unprivileged_start = int(open("/proc/sys/net/ipv4/ip_unprivileged_port_start").read())
    if unprivileged_start <= 80:
        pytest.skip("this machine lets anyone bind ports below 1024")
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("needs setpriv to drop root")
        argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", snc, "-l", "80"]
    else:
        argv = [snc, "-l", "80"]
    result = run(argv, timeout=10)
    if b"Permission denied" in result.stderr and b"bind" not in result.stderr:
        pytest.skip("nobody cannot run the binary here")
    assert result.returncode == 1
    assert one_line(result) == "snc: bind to :: port 80 (tcp) failed: Permission denied"


@pytest.mark.parametrize("argv, message", [
    (["127.0.0.1", "0"], "port number too small: 0"),
    (["127.0.0.1", "70000"], "port number too large: 70000"),
    (["127.0.0.1", "abc"], "port number invalid: abc"),
    (["-l", "0"], "port number too small: 0"),
    (["-lp", "70000"], "port number too large: 70000"),
    (["-p", "abc", "127.0.0.1", "80"], "port number invalid: abc"),
    (["-z", "127.0.0.1", "5-abc"], "port number invalid: abc"),
    (["-l", "-z", "5555"], "cannot use -z and -l"),
    (["-lz", "5555"], "cannot use -z and -l"),
    (["-4", "-6", "127.0.0.1", "80"], "cannot use -4 and -6"),
    (["-k", "127.0.0.1", "80"], "must use -l with -k"),
    (["-U", "-p", "5555", "no-such.sock"], "cannot use -p with -U"),
    (["--send-only", "--recv-only", "127.0.0.1", "80"], "cannot use --send-only and --recv-only"),
    (["-lu", "--broker", "5555"], "cannot use --broker and -u"),
    (["-w", "abc", "127.0.0.1", "80"], "the value 'abc' is invalid for '-w <secs>' (see 'snc connect --help')"),
    (["-q", "soon", "127.0.0.1", "80"], "the value 'soon' is invalid for '-q <secs>' (see 'snc connect --help')"),
    (["127.0.0.1", "20-25"], "cannot use a port range or several ports without -z"),
    (["127.0.0.1"], "missing port number"),
    (["-l"], "missing port number"),
    (["-Y", "127.0.0.1", "80"], "unknown option '-Y' (see 'snc connect --help')"),
    (["listen", "--frobnicate", "80"], "unknown option '--frobnicate' (see 'snc listen --help')"),
])
def test_usage_errors_exit_64(snc, argv, message):
    result = run([snc, *argv], timeout=10)
    assert result.returncode == 64
    assert one_line(result) == "snc: " + message


@pytest.mark.parametrize("argv, option, value", [
    (["-w", "abc", "127.0.0.1", "80"], "-w", "abc"),
    (["-w", "nan", "127.0.0.1", "80"], "-w", "nan"),
    (["-w", "-1", "127.0.0.1", "80"], "-w", "-1"),
    (["-w", "2sec", "127.0.0.1", "80"], "-w", "2sec"),
    (["-q", "-inf", "127.0.0.1", "80"], "-q", "-inf"),
    (["-q", "nan", "127.0.0.1", "80"], "-q", "nan"),
    (["--idle-timeout", "-5", "127.0.0.1", "80"], "--idle-timeout", "-5"),
    (["--idle-timeout", "inf", "127.0.0.1", "80"], "--idle-timeout", "inf"),
    (["listen", "-w", "inf", "5555"], "-w", "inf"),
])
def test_bad_durations_are_refused_by_the_parser_naming_option_and_value(snc, argv, option, value):
    """Garbage, NaN, infinities and negative numbers (but -q's) fail in the parser, with exit 64."""
    result = run([snc, *argv], timeout=10)
    assert result.returncode == 64
    command = "snc listen" if argv[0] == "listen" else "snc connect"
    assert one_line(result) == f"snc: the value '{value}' is invalid for '{option} <secs>' (see '{command} --help')"


@pytest.mark.parametrize("argv, message", [
    (["-w", "0", "127.0.0.1", "80"], "-w must be more than 0 and at most 2147483 seconds"),
    (["-w", "1e300", "127.0.0.1", "80"], "-w must be more than 0 and at most 2147483 seconds"),
    (["--idle-timeout", "0", "127.0.0.1", "80"], "--idle-timeout must be more than 0 and at most 2147483 seconds"),
    (["-q", "2147484", "127.0.0.1", "80"], "-q must be 0 to 2147483 seconds"),
])
def test_durations_out_of_range_name_the_option_and_the_range(snc, argv, message):
    result = run([snc, *argv], timeout=10)
    assert result.returncode == 64
    assert one_line(result) == f"snc: {message} (see 'snc connect --help')"


def test_duration_forms_taken_before_are_still_taken(snc):
    """Decimals, exponents, hex floats, ncat's units and any negative -q (wait for the peer):
    parsed, so the run gets as far as connecting."""
    port = closed_port()
    for argv in (["-w", "0x10"], ["-w", "1e1"], ["-w", ".5"], ["-w", "2147483"], ["-q", "-1"], ["-q", "-0"],
                 ["-q", "-1e300"], ["-q", "0"], ["--idle-timeout", "2.5"],
                 # ncat's units
                 ["-w", "500ms"], ["-w", "2s"], ["-q", "1m"], ["--idle-timeout", "1h"], ["-w", "3S"]):
        result = run([snc, *argv, "127.0.0.1", port], input=b"", timeout=10)
        assert result.returncode == 1, (argv, result)
        assert one_line(result) == f"snc: connect to 127.0.0.1 port {port} (tcp) failed: Connection refused", argv


def test_an_idle_timeout_in_ncat_milliseconds_is_milliseconds(snc):
    """`--idle-timeout 300ms` (ncat's -i form) ends an idle connection after
    about 0.3 s, as a failure: not at once, and not after 300 s."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        client = subprocess.Popen([snc, "--idle-timeout", "300ms", "127.0.0.1", str(port)],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            server.settimeout(10)
            connection, _ = server.accept()
            started = time.monotonic()
            with connection:
                status = client.wait(timeout=10)
                elapsed = time.monotonic() - started
        finally:
            if client.poll() is None:
                client.kill()
                client.wait()
            client.stdin.close()
    assert status == 1, client.stderr.read()
    assert 0.25 <= elapsed < 5, elapsed


def test_no_trap_on_odd_input(snc):
    """Odd arguments never crash the process: exit 0, 1 or 64 with at most one line."""
    odd = [
        ["-p", "-1", "127.0.0.1", "1"], ["-q", "-99999999999999999999", "127.0.0.1", "1"],
        ["-w", "1e-9", "127.0.0.1", "1"], ["-w", "nan", "127.0.0.1", "1"], ["127.0.0.1", "-1"],
        ["-U", "x" * 200], ["-lU", "@" + "y" * 200], ["", ""], ["-", "-"], ["--", "-l"],
        ["-l", "--max-conns", "99999999999999999999999", "--chat", "1"], ["-l", "--allow", "::1/999", "1"],
        ["-l", "--allow", "1.2.3.4/-1", "1"], ["-z", "127.0.0.1", "65535-1"], ["127.0.0.1", "1", "-C", "-q0"],
        ["-zv", "127.0.0.1", "1-"], ["\u00e9\u00e9", "80"], ["-s", "not-an-address", "-n", "127.0.0.1", "1"],
    ]
    for argv in odd:
        result = run([snc, *argv], input=b"", timeout=20)
        assert result.returncode in (0, 1, 64), (argv, result)
        assert result.stderr.decode().count("\n") <= 1, (argv, result.stderr)
        assert b"Fatal error" not in result.stderr and b"Stack dump" not in result.stderr, argv


def test_scan_reports_open_and_closed_ports(snc):
    open_server = socket.socket()
    open_server.bind(("127.0.0.1", 0))
    open_server.listen(8)
    open_port = open_server.getsockname()[1]
    closed = closed_port()
    try:
        result = run([snc, "-zv", "127.0.0.1", open_port, closed], timeout=20)
        assert result.returncode == 0
        assert result.stderr.decode().splitlines() == [
            f"Connection to 127.0.0.1 {open_port} port [tcp/*] succeeded!",
            f"snc: connect to 127.0.0.1 port {closed} (tcp) failed: Connection refused",
        ]
        assert result.stdout == b""
        # Quiet without -v, as nc: the exit code tells.
        quiet = run([snc, "-z", "127.0.0.1", f"{open_port}-{open_port}"], timeout=20)
        assert quiet.returncode == 0 and quiet.stderr == b""
    finally:
        open_server.close()
    nothing = run([snc, "-zv", "127.0.0.1", f"{closed}-{closed}"], timeout=20)
    assert nothing.returncode == 1
    assert nothing.stderr.decode() == f"snc: connect to 127.0.0.1 port {closed} (tcp) failed: Connection refused\n"


def test_scan_a_range_and_a_service_name(snc):
    servers = []
    for _ in range(3):
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        servers.append(server)
    ports = sorted(server.getsockname()[1] for server in servers)
    try:
        result = run([snc, "-zv", "127.0.0.1", f"{ports[0]}-{ports[0] + 2}"], timeout=20)
        opened = [line for line in result.stderr.decode().splitlines() if line.endswith("succeeded!")]
        assert result.returncode == 0
        assert len(opened) == len([p for p in ports if p <= ports[0] + 2])
    finally:
        for server in servers:
            server.close()
    # A service name resolves through /etc/services and shows in the message (nothing listens on 80 here).
    result = run([snc, "-zv", "127.0.0.1", "http"], timeout=20)
    assert result.stderr.decode().startswith("snc: connect to 127.0.0.1 port 80 (tcp) failed:") or \
        "port [tcp/http] succeeded!" in result.stderr.decode()


def test_udp_scan_tells_closed_from_silent_ports(snc):
    """-z -u, as nc: empty datagrams; an ICMP port unreachable marks a port closed, silence
    (-w 1 here) open, worded as nc words it; exit 0 when one is open."""
    listening = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listening.bind(("127.0.0.1", 0))
    open_port = listening.getsockname()[1]
    closed = free_port(kind=socket.SOCK_DGRAM)
    try:
        started = time.monotonic()
        result = run([snc, "-zuv", "-w", "1", "127.0.0.1", open_port, closed], timeout=20)
        took = time.monotonic() - started
        assert result.returncode == 0, result.stderr
        assert result.stderr.decode().splitlines() == [
            f"Connection to 127.0.0.1 {open_port} port [udp/*] succeeded!",
            f"snc: connect to 127.0.0.1 port {closed} (udp) failed: Connection refused",
        ]
        assert took < 5
        listening.settimeout(1)
        assert listening.recvfrom(10)[0] == b""  # the probe is an empty datagram
    finally:
        listening.close()
    nothing = run([snc, "-zu", "127.0.0.1", f"{closed}-{closed}"], timeout=20)
    assert nothing.returncode == 1
    assert nothing.stderr == b""
