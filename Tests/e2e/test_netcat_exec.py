"""--exec / --sh-exec / --pty (ncat's -e / -c): the connection becomes a program's stdin and
stdout; -k gives each client its own process and leaves no zombie; snc exits with the program's
status; a program that cannot be run is one line and sh's status."""
import os
import re
import select
import socket
import threading
import time

from conftest import free_port, run, sha256, wait_for_listen
from netcat_fixture import MIB, recv_all, recv_until, wait_exit


def echo_through(sock: socket.socket, data: bytes, timeout=60.0) -> bytes:
    """Sends `data` (then half-closes) while receiving the echo, until the peer closes."""
    failure = []

    def send():
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except OSError as error:
            failure.append(error)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    received = bytearray()
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"timed out after {len(received)} bytes"
        sock.settimeout(left)
        chunk = sock.recv(MIB)
        if not chunk:
            break
        received += chunk
    sender.join(timeout)
    assert not failure, failure
    return bytes(received)


def test_listen_exec_cat_echoes_64_mib(snc, procs):
    data = os.urandom(64 * MIB)
    port = free_port()
    server = procs.start([snc, "listen", "127.0.0.1", port, "--exec", "/bin/cat"])
    wait_for_listen(port)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        echoed = echo_through(client, data)
    assert len(echoed) == len(data) and sha256(echoed) == sha256(data)
    assert wait_exit(server, 10) == 0  # cat's status


def test_connect_exec_cat_echoes_64_mib_with_nc_style_e(snc, procs):
    """The client side, spelled as with ncat: snc -e /bin/cat HOST PORT."""
    data = os.urandom(64 * MIB)
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(10)
        client = procs.start([snc, "-e", "/bin/cat", "127.0.0.1", server.getsockname()[1]])
        connection, _ = server.accept()
        with connection:
            echoed = echo_through(connection, data)
    assert sha256(echoed) == sha256(data)
    assert wait_exit(client, 10) == 0


def test_sh_exec_runs_a_pipeline(snc, procs):
    port = free_port()
    server = procs.start([snc, "-l", "127.0.0.1", port, "-c", "tr a-z A-Z | rev"])
    wait_for_listen(port)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(b"hello\nworld\n")
        client.shutdown(socket.SHUT_WR)
        assert recv_all(client) == b"OLLEH\nDLROW\n"
    assert wait_exit(server, 10) == 0


def test_program_sees_the_connection_in_its_environment(snc, procs):
    port = free_port()
    script = 'echo "$SNC_REMOTE_ADDR $SNC_REMOTE_PORT $SNC_LOCAL_ADDR $SNC_LOCAL_PORT $NCAT_REMOTE_ADDR $NCAT_REMOTE_PORT $NCAT_LOCAL_PORT $NCAT_PROTO"'
    server = procs.start([snc, "listen", "127.0.0.1", port, "--sh-exec", script])
    wait_for_listen(port)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client_port = client.getsockname()[1]
        line = recv_all(client).decode()
    assert line == f"127.0.0.1 {client_port} 127.0.0.1 {port} 127.0.0.1 {client_port} {port} TCP\n"
    assert wait_exit(server, 10) == 0


def zombie_children(pid: int) -> list[int]:
    """Children of `pid` in state Z, from /proc/*/stat."""
    zombies = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] == "Z" and int(fields[1]) == pid:
            zombies.append(int(entry))
    return zombies


def test_keep_listening_gives_each_client_its_own_process_and_reaps_it(snc, procs):
    port = free_port()
    server = procs.start([snc, "-lk", "127.0.0.1", port, "--sh-exec", "echo $$"])
    wait_for_listen(port)
    pids = []
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            pids.append(int(recv_all(client).decode()))
    assert len(set(pids)) == 3 and server.pid not in pids
    # Reaped means gone from /proc (a zombie keeps its entry). Waiting for "no
    # zombie now" was racy: the last child could end just after that check.
    deadline = time.monotonic() + 5
    while any(os.path.exists(f"/proc/{pid}") for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in pids if os.path.exists(f"/proc/{pid}")] == []
    assert zombie_children(server.pid) == []
    assert server.poll() is None  # still listening for the next client


def test_exit_status_is_the_programs(snc, procs):
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(10)
        client = procs.start([snc, "connect", "127.0.0.1", server.getsockname()[1], "--sh-exec", "read line; exit 7"])
        connection, _ = server.accept()
        with connection:
            connection.sendall(b"go\n")
            assert wait_exit(client, 10) == 7
    port = free_port()
    listener = procs.start([snc, "listen", "127.0.0.1", port, "--sh-exec", "kill -TERM $$"])
    wait_for_listen(port)
    with socket.create_connection(("127.0.0.1", port), timeout=10):
        assert wait_exit(listener, 10) == 128 + 15


def test_a_program_that_cannot_run_is_one_line_and_sh_status(snc, tmp_path):
    port = free_port()
    result = run([snc, "-l", "127.0.0.1", port, "--exec", "/no/such/program -x"], timeout=10)
    assert result.returncode == 127
    assert result.stderr.decode() == "snc: exec /no/such/program: No such file or directory\n"
    not_executable = tmp_path / "script"
    not_executable.write_text("#!/bin/sh\necho hi\n")
    result = run([snc, "-l", "127.0.0.1", port, "--exec", str(not_executable)], timeout=10)
    assert result.returncode == 126
    assert result.stderr.decode() == f"snc: exec {not_executable}: Permission denied\n"
    result = run([snc, "127.0.0.1", port, "-e", "no-such-program-in-path"], timeout=10)
    assert result.returncode == 127
    assert result.stderr.decode() == "snc: exec no-such-program-in-path: No such file or directory\n"


# sh's prompt is "# " for root and "$ " otherwise: one of the test's own, whoever runs it.
PROMPT = b"snc-test-prompt$ "
PROMPT_ENV = {**os.environ, "PS1": PROMPT.decode()}


def test_pty_gives_an_interactive_shell_with_a_prompt(snc, procs):
    port = free_port()
    server = procs.start([snc, "listen", "127.0.0.1", port, "--exec", "/bin/sh", "--pty"], env=PROMPT_ENV)
    wait_for_listen(port)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        # An interactive sh prints its prompt before reading anything.
        assert recv_until(client, lambda got: PROMPT in got).endswith(PROMPT)
        # /dev/tty opens only for a process with a controlling terminal.
        client.sendall(b"exec 3</dev/tty && echo ctty-$((40+2)); tty; exit 3\n")
        output = recv_all(client).decode()
    assert "ctty-42" in output
    assert re.search(r"/dev/pts/\d+", output)
    assert wait_exit(server, 10) == 3


def read_terminal_until(master: int, wanted: bytes, timeout=10.0) -> bytes:
    """Reads a pty master until `wanted` has appeared (bounded in time)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"timed out waiting for {wanted!r}; got {seen!r}"
        ready, _, _ = select.select([master], [], [], left)
        if ready:
            seen += os.read(master, 4096)
    return seen


def test_pty_client_on_a_terminal(snc, procs):
    """Both ends on terminals: snc connect runs on a pty the test drives, as a person would."""
    port = free_port()
    server = procs.start([snc, "-l", "127.0.0.1", port, "--sh-exec", "/bin/sh", "--pty"], env=PROMPT_ENV)
    wait_for_listen(port)
    master, slave = os.openpty()
    try:
        client = procs.start([snc, "127.0.0.1", port], stdin=slave, stdout=slave)
        os.close(slave)
        slave = None
        seen = read_terminal_until(master, PROMPT)
        os.write(master, b"echo typed-$((6*7))\n")
        seen += read_terminal_until(master, b"typed-42")
        os.write(master, b"exit\n")
        assert wait_exit(server, 10) == 0
        # The shell is gone; ^D ends the client's terminal input, as a person would end nc.
        os.write(master, b"\x04")
        assert wait_exit(client, 10) == 0
    finally:
        os.close(master)
        if slave is not None:
            os.close(slave)


def test_options_that_make_no_sense_with_a_program_are_usage_errors(snc):
    cases = [
        (["--exec", "/bin/cat", "--sh-exec", "cat"], "cannot use --exec and --sh-exec"),
        (["--exec", "/bin/cat", "-u"], "cannot use --exec and -u"),
        (["--sh-exec", "cat", "--broker"], "cannot use --sh-exec and --broker"),
        (["--exec", "/bin/cat", "--verify"], "cannot use --exec and --verify"),
        (["--pty"], "--pty needs --exec or --sh-exec"),
    ]
    for extra, message in cases:
        result = run([snc, "listen", "127.0.0.1", free_port()] + extra, timeout=10)
        assert result.returncode == 64, (extra, result.stderr)
        assert message in result.stderr.decode(), (extra, result.stderr)
