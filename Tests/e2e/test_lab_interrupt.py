"""Ctrl-C during a sweep: the report says the run was interrupted and where; exit 130."""
import re
import signal
import time

from lab_fixture import start_serve, stop_serve


def test_sigint_mid_sweep_exits_130_and_names_the_level(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    load = procs.start([snc, "load", "127.0.0.1", port, "--sweep", "5,7,9", "--duration", "1"])
    time.sleep(1.5)  # inside the second level (1 s to 2 s)
    load.send_signal(signal.SIGINT)
    out, err = load.communicate(timeout=30)
    text = out.decode()
    assert load.returncode == 130, (load.returncode, text, err)
    match = re.search(r"interrupted: .* level of (\d+) clients at once \(level (\d+)", text)
    assert match, text
    assert match.groups() == ("7", "2")
    assert "level 2 of 3" in text
    stop_serve(proc, log)
