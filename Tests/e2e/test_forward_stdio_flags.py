"""snc forward -W leaves stdin's and stdout's O_NONBLOCK alone: the flag
belongs to the open file description, which the processes at the pipes'
other ends share (the netcat relay's rule)."""
import fcntl
import os
import select
import subprocess
import time

from sshd_fixture import sshd, start_echo  # noqa: F401


def test_stdio_tunnel_never_sets_o_nonblock_on_shared_pipes(snc, sshd, procs, tmp_path):
    echo = start_echo(procs)
    stdin_read, stdin_write = os.pipe()
    stdout_read, stdout_write = os.pipe()
    try:
        proc = procs.start([snc, "forward", "-F", sshd.config(tmp_path), "-W", f"127.0.0.1:{echo}", "testhost"],
                           stdin=stdin_read, stdout=stdout_write)
        # The test keeps the same open file descriptions, so it sees the flags snc sees.
        os.write(stdin_write, b"ping\n")
        received = b""
        deadline = time.monotonic() + 20
        while received != b"ping\n" and time.monotonic() < deadline:
            ready, _, _ = select.select([stdout_read], [], [], max(0.0, deadline - time.monotonic()))
            if ready:
                received += os.read(stdout_read, 64)
        assert received == b"ping\n"
        # Relaying now: neither description may have O_NONBLOCK.
        assert fcntl.fcntl(stdin_read, fcntl.F_GETFL) & os.O_NONBLOCK == 0
        assert fcntl.fcntl(stdout_write, fcntl.F_GETFL) & os.O_NONBLOCK == 0
        os.close(stdin_write)
        stdin_write = -1
        assert proc.wait(timeout=20) == 0
    finally:
        for fd in (stdin_read, stdin_write, stdout_read, stdout_write):
            if fd >= 0:
                os.close(fd)
