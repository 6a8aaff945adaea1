"""snc listen: -k, the dual-stack default, --broker, --chat, --allow/--deny, --max-conns,
nc-style command lines, and a snc-to-snc chat."""
import socket
import subprocess
import time

from conftest import free_port, run, wait_for_listen
from netcat_fixture import connect_with_retry, read_until, recv_all, recv_until, wait_exit


def closed_without_data(sock: socket.socket) -> bool:
    """True if the peer closed the connection (FIN or reset) without sending anything."""
    try:
        return recv_all(sock, timeout=5) == b""
    except ConnectionResetError:
        return True


def test_keep_listening_serves_three_clients_in_turn(snc, procs):
    port = free_port()
    listener = procs.start([snc, "-lvk", port])
    wait_for_listen(port)
    for number in range(1, 4):
        client = run(["nc", "-N", "127.0.0.1", port], input=b"client %d\n" % number, timeout=20)
        assert client.returncode == 0
        assert read_until(listener.stdout, lambda data: data.endswith(b"\n")) == b"client %d\n" % number
    listener.kill()
    listener.wait(timeout=5)
    lines = listener.stderr.read().decode().splitlines()
    assert lines[0] == f"Listening on :: {port}"
    assert len([line for line in lines if line.startswith("Connection received on localhost ")]) == 3


def test_one_socket_takes_ipv4_and_ipv6_clients(snc, procs):
    """No address: one dual-stack :: socket (nc would listen on IPv4 only)."""
    port = free_port()
    listener = procs.start([snc, "-lnvk", port])
    wait_for_listen(port)
    for host, family in (("127.0.0.1", socket.AF_INET), ("::1", socket.AF_INET6)):
        with socket.socket(family) as client:
            client.connect((host, port))
            client.sendall(b"from " + host.encode() + b"\n")
            client.shutdown(socket.SHUT_WR)
            recv_all(client)
    received = read_until(listener.stdout, lambda data: data.count(b"\n") == 2)
    assert received == b"from 127.0.0.1\nfrom ::1\n"
    listener.kill()
    listener.wait(timeout=5)
    stderr = listener.stderr.read().decode()
    assert "Connection received on 127.0.0.1 " in stderr
    assert "Connection received on ::1 " in stderr


def test_broker_relays_between_three_clients(snc, procs):
    port = free_port()
    broker = procs.start([snc, "-l", "--broker", port], stdin=subprocess.PIPE)
    wait_for_listen(port)
    clients = [connect_with_retry(("127.0.0.1", port)) for _ in range(3)]
    time.sleep(0.2)  # let the broker take in all three before anyone speaks
    try:
        for index, sender in enumerate(clients):
            message = b"message from client %d\n" % index
            sender.sendall(message)
            for other_index, other in enumerate(clients):
                if other_index != index:
                    assert recv_until(other, lambda data: data.endswith(b"\n")) == message
            # ... and to the broker's stdout.
            assert read_until(broker.stdout, lambda data: data.endswith(b"\n")) == message
        # The broker's own stdin goes to every client.
        broker.stdin.write(b"from the operator\n")
        broker.stdin.flush()
        for client in clients:
            assert recv_until(client, lambda data: data.endswith(b"\n")) == b"from the operator\n"
        # Nobody hears their own words back.
        clients[0].settimeout(0.3)
        try:
            assert clients[0].recv(100) == b""
        except socket.timeout:
            pass
    finally:
        for client in clients:
            client.close()


def test_chat_prefixes_lines_as_ncat_does(snc, procs):
    port = free_port()
    chat = procs.start([snc, "-l", "--chat", port], stdin=subprocess.PIPE)
    wait_for_listen(port)
    first = connect_with_retry(("127.0.0.1", port))
    welcome = recv_until(first, lambda data: data.count(b"\n") == 2)
    assert welcome == b"<announce> 127.0.0.1 is connected as <user1>.\n<announce> already connected: nobody.\n"
    second = connect_with_retry(("127.0.0.1", port))
    expected = (b"<announce> 127.0.0.1 is connected as <user2>.\n"
                b"<announce> already connected: 127.0.0.1 as <user1>.\n")
    assert recv_until(second, lambda data: data.count(b"\n") == 2) == expected
    # Those already there hear of the newcomer, not the list again (ncat sends it to everyone).
    assert recv_until(first, lambda data: data.count(b"\n") == 1) == b"<announce> 127.0.0.1 is connected as <user2>.\n"
    try:
        # A line sent in two pieces arrives as one prefixed line; control characters are escaped.
        first.sendall(b"hello ")
        time.sleep(0.1)
        first.sendall(b"there\x07\r\n")
        assert recv_until(second, lambda data: data.endswith(b"\n")) == b"<user1> hello there\\007\n"
        chat.stdin.write(b"operator here\n")
        chat.stdin.flush()
        assert recv_until(first, lambda data: data.endswith(b"\n")) == b"<user0> operator here\n"
        assert recv_until(second, lambda data: data.endswith(b"\n")) == b"<user0> operator here\n"
        first.close()
        assert recv_until(second, lambda data: data.endswith(b"\n")) == b"<announce> <user1> is disconnected.\n"
        stdout = read_until(chat.stdout, lambda data: b"disconnected" in data)
        assert b"<user1> hello there\\007\n" in stdout
    finally:
        second.close()


def test_max_conns_turns_the_extra_client_away(snc, procs):
    port = free_port()
    procs.start([snc, "-lv", "--broker", "--max-conns", "2", port])
    wait_for_listen(port)
    kept = [connect_with_retry(("127.0.0.1", port)) for _ in range(2)]
    time.sleep(0.2)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as extra:
            assert closed_without_data(extra)
        kept[0].sendall(b"still here\n")
        assert recv_until(kept[1], lambda data: data.endswith(b"\n")) == b"still here\n"
    finally:
        for client in kept:
            client.close()


def test_allow_and_deny_filter_peers(snc, procs):
    port = free_port()
    listener = procs.start([snc, "-lnvk", "--deny", "127.0.0.0/8", port])
    wait_for_listen(port)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as denied:
        denied.sendall(b"should not arrive\n")
        assert closed_without_data(denied)
    with socket.create_connection(("::1", port), timeout=5) as allowed:
        allowed.sendall(b"ipv6 is welcome\n")
        allowed.shutdown(socket.SHUT_WR)
        recv_all(allowed)
    assert read_until(listener.stdout, lambda data: data.endswith(b"\n")) == b"ipv6 is welcome\n"
    listener.kill()
    listener.wait(timeout=5)
    assert f"Connection from 127.0.0.1 " in listener.stderr.read().decode()



def test_deny_wins_over_allow(snc, procs):
    """A peer matched by both --allow and --deny is turned away (ncat 7.93 does the same);
    one matched by --allow alone gets in."""
    port = free_port()
    listener = procs.start([snc, "-lnvk", "--allow", "127.0.0.0/8", "--allow", "::1", "--deny", "127.0.0.1", port])
    wait_for_listen(port)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as denied:
        denied.sendall(b"denied although allowed\n")
        assert closed_without_data(denied)
    with socket.create_connection(("::1", port), timeout=5) as allowed:
        allowed.sendall(b"only allowed\n")
        allowed.shutdown(socket.SHUT_WR)
        recv_all(allowed)
    assert read_until(listener.stdout, lambda data: data.endswith(b"\n")) == b"only allowed\n"
    listener.kill()
    listener.wait(timeout=5)
    assert "Connection from 127.0.0.1 " in listener.stderr.read().decode()
    assert listener.stdout.read() == b""


def test_allowfile_and_denyfile(snc, procs, tmp_path):
    """One address or network a line, # comments, CR LF line ends; deny wins here too."""
    allow = tmp_path / "allow.txt"
    allow.write_bytes(b"# who may connect\r\n127.0.0.0/8\r\n\r\n  ::1   # the IPv6 loopback\r\n")
    deny = tmp_path / "deny.txt"
    deny.write_bytes(b"127.0.0.1\n")
    port = free_port()
    listener = procs.start([snc, "-lnk", "--allowfile", allow, "--denyfile", deny, port])
    wait_for_listen(port)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as denied:
        denied.sendall(b"should not arrive\n")
        assert closed_without_data(denied)
    with socket.create_connection(("::1", port), timeout=5) as allowed:
        allowed.sendall(b"listed in the allow file\n")
        allowed.shutdown(socket.SHUT_WR)
        recv_all(allowed)
    assert read_until(listener.stdout, lambda data: data.endswith(b"\n")) == b"listed in the allow file\n"


def test_bad_access_files_are_usage_errors(snc, tmp_path):
    rules = tmp_path / "rules.txt"
    rules.write_bytes(b"10.0.0.0/8\n# fine so far\n10.0.0.300\n")
    result = run([snc, "-ln", "--denyfile", rules, "5555"], timeout=10)
    assert result.returncode == 64
    assert result.stderr.decode() == f"snc: --denyfile {rules} line 3: invalid address or prefix: 10.0.0.300\n"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"# nobody\n")
    result = run([snc, "-ln", "--allowfile", empty, "5555"], timeout=10)
    assert result.returncode == 64
    assert result.stderr.decode() == f"snc: --allowfile {empty} has no addresses\n"
    missing = tmp_path / "missing.txt"
    result = run([snc, "-ln", "--allowfile", missing, "5555"], timeout=10)
    assert result.returncode == 64
    assert result.stderr.decode() == f"snc: cannot read --allowfile {missing}: No such file or directory\n"


def test_nc_style_listen_command_lines(snc, procs):
    """The lab's commands with snc typed in place of nc."""
    port = free_port()
    listener = procs.start([snc, "-lvnp", port])
    wait_for_listen(port)
    assert run(["nc", "-N", "127.0.0.1", port], input=b"lvnp\n", timeout=20).returncode == 0
    assert wait_exit(listener, 20) == 0
    assert listener.stdout.read() == b"lvnp\n"
    assert listener.stderr.read().decode().splitlines()[0] == f"Listening on :: {port}"

    port = free_port()
    listener = procs.start([snc, "-lv", "localhost", port])
    wait_for_listen(port)
    result = run([snc, "-v", "localhost", port], input=b"hello lab\n", timeout=20)
    assert result.returncode == 0
    # localhost is 127.0.0.1 (and on some machines also ::1, tried first): the listener took 127.0.0.1, as nc.
    assert result.stderr.decode().endswith(f"Connection to localhost (127.0.0.1) {port} port [tcp/*] succeeded!\n")
    assert wait_exit(listener, 20) == 0
    assert listener.stdout.read() == b"hello lab\n"
    lines = listener.stderr.read().decode().splitlines()
    assert lines[0] == f"Listening on localhost {port}"
    assert lines[1].startswith("Connection received on localhost ")


def test_snc_listen_and_snc_connect_chat_both_ways(snc, procs):
    """Interactive-ish: lines typed on either side show up on the other, in order."""
    port = free_port()
    server = procs.start([snc, "-l", port], stdin=subprocess.PIPE)
    wait_for_listen(port)
    client = procs.start([snc, "localhost", port], stdin=subprocess.PIPE)
    for turn in range(3):
        client.stdin.write(b"client says %d\n" % turn)
        client.stdin.flush()
        assert read_until(server.stdout, lambda data: data.endswith(b"\n")) == b"client says %d\n" % turn
        server.stdin.write(b"server says %d\n" % turn)
        server.stdin.flush()
        assert read_until(client.stdout, lambda data: data.endswith(b"\n")) == b"server says %d\n" % turn
    client.stdin.close()  # the client's EOF reaches the server ...
    server.stdin.write(b"last words\n")  # ... which can still answer
    server.stdin.close()
    assert read_until(client.stdout, lambda data: data.endswith(b"\n")) == b"last words\n"
    assert wait_exit(client, 10) == 0
    assert wait_exit(server, 10) == 0


def test_terminal_operator_serves_one_client_after_another(snc, procs):
    """With a terminal on stdin, a session ends when the client leaves (nc -l's rule), so -k
    takes the next client without the operator typing ^D; typed lines go to the current client."""
    import os
    import pty
    master, terminal = pty.openpty()
    port = free_port()
    try:
        listener = procs.start([snc, "-lk", port], stdin=terminal)
        wait_for_listen(port)
        for name in (b"one", b"two"):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
                os.write(master, b"hello " + name + b"\n")
                assert recv_until(client, lambda data: data.endswith(b"\n")) == b"hello " + name + b"\n"
                client.sendall(b"bye from " + name + b"\n")
            assert read_until(listener.stdout, lambda data: data.endswith(b"\n")) == b"bye from " + name + b"\n"
    finally:
        os.close(master)
        os.close(terminal)
