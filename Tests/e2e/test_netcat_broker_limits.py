"""snc listen --broker when accept(2) runs out of descriptors: it pauses, it does not spin, it recovers."""
import socket
import subprocess
import time

from conftest import assert_no_spin_under_crowd, free_port, wait_for_listen


def read_exactly(sock, count, timeout=10):
    sock.settimeout(timeout)
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            break
        data += chunk
    return data


def test_broker_out_of_descriptors_pauses_and_recovers(snc, procs, tmp_path):
    port = free_port()
    log_path = tmp_path / "stderr.txt"
    with open(log_path, "wb") as log:
        # stderr to a file, not a pipe: a full pipe would block a flooding process and hide a spin.
        proc = procs.start(["prlimit", "--nofile=12:12", snc, "listen", "--broker", "127.0.0.1", port],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
    wait_for_listen(port)
    assert_no_spin_under_crowd(proc, port, clients=20)  # more than the descriptors snc has left
    # Once the crowd is gone, two new clients are admitted and relayed to each other.
    deadline = time.monotonic() + 20
    while True:
        first = socket.create_connection(("127.0.0.1", port), timeout=10)
        second = socket.create_connection(("127.0.0.1", port), timeout=10)
        time.sleep(0.3)
        first.sendall(b"after the crowd\n")
        try:
            got = read_exactly(second, len(b"after the crowd\n"), timeout=2)
        except OSError:
            got = b""
        first.close()
        second.close()
        if got == b"after the crowd\n":
            break
        assert time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.2)
    assert proc.poll() is None
    stderr = log_path.read_text()
    assert "Too many open files" in stderr, stderr
    assert stderr.count("pausing new connections") < 20, stderr
