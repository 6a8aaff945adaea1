"""--verify: each direction carries a header and a SHA-256 trailer that the receiving snc strips
and checks. A whole transfer passes (both ways); a truncated stream (the sender killed mid-way),
a stream from a peer without --verify (plain nc) and a stream altered on the way (a relay that
flips one byte) end with one line and status 1, after everything that arrived was written."""
import hashlib
import os
import re
import signal
import socket
import subprocess
import threading
import time

from conftest import free_port, run, sha256, wait_for_listen
from netcat_fixture import MIB, recv_all, wait_exit

HEADER = b"snc-verify 1\n"


def trailer(data: bytes) -> bytes:
    return b"\nsnc-verify sha256 " + hashlib.sha256(data).hexdigest().encode() + b"\n"


def test_verified_transfer_both_ways(snc, procs, tmp_path):
    forward, backward = os.urandom(16 * MIB), os.urandom(3 * MIB + 17)
    (tmp_path / "forward").write_bytes(forward)
    (tmp_path / "backward").write_bytes(backward)
    port = free_port()
    with open(tmp_path / "backward", "rb") as listener_in, open(tmp_path / "got-forward", "wb") as listener_out:
        listener = procs.start([snc, "-lv", "127.0.0.1", port, "--verify"], stdin=listener_in, stdout=listener_out)
        wait_for_listen(port)
        with open(tmp_path / "forward", "rb") as client_in, open(tmp_path / "got-backward", "wb") as client_out:
            client = procs.start([snc, "-v", "--verify", "127.0.0.1", port], stdin=client_in, stdout=client_out)
            assert wait_exit(client, 60) == 0, client.stderr.read()
        assert wait_exit(listener, 60) == 0, listener.stderr.read()
    assert sha256((tmp_path / "got-forward").read_bytes()) == sha256(forward)
    assert sha256((tmp_path / "got-backward").read_bytes()) == sha256(backward)
    assert f"Verified {len(forward)} bytes from 127.0.0.1 port" in listener.stderr.read().decode()
    assert f"Verified {len(backward)} bytes from 127.0.0.1 port" in client.stderr.read().decode()


def test_sender_killed_mid_stream_is_reported_truncated(snc, procs, tmp_path):
    data = os.urandom(MIB)
    port = free_port()
    received = tmp_path / "received"
    with open(received, "wb") as out:
        listener = procs.start([snc, "-l", "127.0.0.1", port, "--verify"], stdout=out)
        wait_for_listen(port)
        read_end, write_end = os.pipe()
        sender = procs.start([snc, "--verify", "127.0.0.1", port], stdin=read_end)
        os.close(read_end)
        try:
            os.write(write_end, data)
            # Wait until the receiver has written all but what it holds back for the trailer.
            deadline = time.monotonic() + 10
            while received.stat().st_size < len(data) - 200 and time.monotonic() < deadline:
                time.sleep(0.02)
            os.kill(sender.pid, signal.SIGKILL)
        finally:
            os.close(write_end)
        assert wait_exit(listener, 10) == 1
    message = listener.stderr.read().decode()
    assert message.startswith("snc: --verify: the data from 127.0.0.1 port ")
    assert f"ended after {len(data)} bytes without its SHA-256 trailer" in message and message.endswith(": truncated\n")
    assert received.read_bytes() == data  # the bytes held back were data after all: nothing lost


def test_plain_nc_sender_is_reported(snc, procs, tmp_path):
    data = os.urandom(MIB)
    (tmp_path / "data").write_bytes(data)
    port = free_port()
    listener = procs.start([snc, "-l", "127.0.0.1", port, "--verify"])
    wait_for_listen(port)
    result = run(["nc", "-N", "127.0.0.1", port], input=data, timeout=30)
    assert result.returncode == 0
    got = listener.stdout.read()
    assert wait_exit(listener, 10) == 1
    assert got == data
    assert re.fullmatch(rf"snc: --verify: the {len(data)} bytes from 127\.0\.0\.1 port \d+ \(tcp\) carry no --verify "
                        r"header: the peer does not use --verify\n", listener.stderr.read().decode())


def test_plain_receiver_sees_header_and_trailer(snc, procs):
    """Only the sender uses --verify: a plain receiver gets the framing around the data, in the open."""
    data = os.urandom(100_000)
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(10)
        sender = procs.start([snc, "--verify", "127.0.0.1", server.getsockname()[1]], stdin=subprocess.PIPE)
        sender.stdin.write(data)
        sender.stdin.close()
        connection, _ = server.accept()
        with connection:
            got = recv_all(connection, timeout=30)
    assert got == HEADER + data + trailer(data)
    # The receiver sent nothing back, not even an empty framed stream: reported as truncated.
    assert wait_exit(sender, 10) == 1
    assert b"ended after 0 bytes without its SHA-256 trailer" in sender.stderr.read()


def flipping_relay(listen_sock: socket.socket, target_port: int, flip_at: int):
    """Accepts one connection and relays it to target_port, flipping the byte at offset
    `flip_at` of the client-to-server stream; half-closes as the ends do."""
    def pump(source, sink, flip):
        offset = 0
        while True:
            chunk = source.recv(65536)
            if not chunk:
                sink.shutdown(socket.SHUT_WR)
                return
            if flip and offset <= flip_at < offset + len(chunk):
                index = flip_at - offset
                chunk = chunk[:index] + bytes([chunk[index] ^ 0x01]) + chunk[index + 1:]
            offset += len(chunk)
            sink.sendall(chunk)

    client, _ = listen_sock.accept()
    upstream = socket.create_connection(("127.0.0.1", target_port), timeout=10)
    threads = [threading.Thread(target=pump, args=(client, upstream, True), daemon=True),
               threading.Thread(target=pump, args=(upstream, client, False), daemon=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    client.close()
    upstream.close()


def test_a_byte_changed_on_the_way_is_caught(snc, procs, tmp_path):
    data = os.urandom(2 * MIB)
    port = free_port()
    listener = procs.start([snc, "-l", "127.0.0.1", port, "--verify"])
    wait_for_listen(port)
    relay_sock = socket.create_server(("127.0.0.1", 0))
    relay_sock.settimeout(10)
    relay = threading.Thread(target=flipping_relay, args=(relay_sock, port, len(HEADER) + 1000), daemon=True)
    relay.start()
    try:
        sender = run([snc, "--verify", "127.0.0.1", relay_sock.getsockname()[1]], input=data, timeout=30)
        got = listener.stdout.read()
        assert wait_exit(listener, 10) == 1
        relay.join(10)
    finally:
        relay_sock.close()
    assert sender.returncode == 0, sender.stderr  # what came back (nothing) was intact
    assert len(got) == len(data) and got != data
    changed = bytearray(data)
    changed[1000] ^= 0x01
    assert re.fullmatch(rf"snc: --verify: the {len(data)} bytes from 127\.0\.0\.1 port \d+ \(tcp\) have SHA-256 "
                        rf"{sha256(bytes(changed))}, the sender's is {sha256(data)}: the data changed on the way\n",
                        listener.stderr.read().decode())


def test_verify_refuses_what_it_cannot_frame(snc):
    for extra, message in [(["-u"], "cannot use --verify and -u"), (["-k"], "cannot use --verify and -k"),
                           (["--keep-open"], "cannot use --verify and --keep-open")]:
        result = run([snc, "listen", "127.0.0.1", free_port(), "--verify"] + extra, timeout=10)
        assert result.returncode == 64, (extra, result.stderr)
        assert message in result.stderr.decode()
