"""The load generator's own limits (EMFILE under a low open-file limit) are
client limits, named as such, and not TCP errors."""
import json
import shutil

import pytest

from conftest import run
from lab_fixture import start_serve, stop_serve


@pytest.fixture
def prlimit():
    path = shutil.which("prlimit")
    if not path:
        pytest.skip("needs prlimit (util-linux)")
    return path


def test_emfile_lands_in_client_limits_not_in_tcp_errors(snc, procs, tmp_path, prlimit):
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    # Soft and hard limit both 300: snc load's raise to the hard limit cannot lift it.
    result = run([prlimit, "--nofile=300:300", snc, "load", "127.0.0.1", port, "-c", "400", "--duration", "1.5", "--json"], timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    level = report["levels"][0]
    failures = level["failures"]
    assert failures["client_limits"].get("EMFILE", 0) > 0, failures
    assert "EMFILE" not in failures["other"]
    assert level["failed"] == 0 and sum(level["io_graph"]["errors"]) == 0
    assert level["completed"] > 0
    assert level["completed"] + level["failed"] + level["client_limited"] == level["connections"]
    assert not any("failed" in sign for sign in level["trouble"]), level["trouble"]
    assert report["system"]["open_file_limit"] == 300
    assert any("EMFILE" in note and "load generator" in note for note in report["notes"])
    stop_serve(proc, log)


def test_text_report_names_the_limit_and_how_to_raise_it(snc, procs, tmp_path, prlimit):
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    result = run([prlimit, "--nofile=300:300", snc, "load", "127.0.0.1", port, "-c", "400", "--duration", "1",
                  "--engine", "threads"], timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "failed     0" in out, out
    assert "limits of this machine's load generator" in out and "EMFILE" in out
    assert "ulimit" in out and "300" in out
    stop_serve(proc, log)
