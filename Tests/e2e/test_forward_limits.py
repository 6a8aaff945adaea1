"""snc forward when accept(2) runs out of descriptors: it pauses, it does not spin, it recovers."""
import time

from conftest import assert_no_spin_under_crowd, free_port
from sshd_fixture import _listening, echo_roundtrip, sshd, start_echo  # noqa: F401


def test_out_of_descriptors_pauses_accept_and_recovers(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    local = free_port()
    log_path = tmp_path / "stderr.txt"
    with open(log_path, "wb") as log:
        # stderr to a file, not a pipe: a full pipe would block a flooding process and hide a spin.
        proc = procs.start(
            ["prlimit", "--nofile=24:24", snc, "forward", "-F", sshd.config(tmp_path), "-N",
             "-L", f"{local}:127.0.0.1:{echo}", "testhost"], stderr=log)
    deadline = time.monotonic() + 15
    while not _listening(local):
        assert proc.poll() is None, log_path.read_text()
        assert time.monotonic() < deadline, "snc forward did not listen"
        time.sleep(0.05)
    assert echo_roundtrip(local, b"before\n", timeout=15) == b"before\n"

    assert_no_spin_under_crowd(proc, local, clients=40)  # more than the descriptors snc has left
    # Every queued client is taken (and closed) in turn; a new one is served again.
    deadline = time.monotonic() + 20
    while True:
        try:
            assert echo_roundtrip(local, b"after\n", timeout=5) == b"after\n"
            break
        except (OSError, AssertionError):
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
    assert proc.poll() is None
    stderr = log_path.read_text()
    assert "Too many open files" in stderr or "EMFILE" in stderr, stderr
    assert stderr.count("pausing new connections") < 20, stderr
