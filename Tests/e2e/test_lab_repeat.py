"""snc load --repeat N: every level N times, first trouble per run and its median."""
import json

from conftest import run
from lab_fixture import start_serve, stop_serve


def lower_median_first_trouble(runs):
    ordered = sorted(runs, key=lambda value: float("inf") if value is None else value)
    return ordered[(len(ordered) - 1) // 2]


def test_repeat_3_gives_3_runs_per_level_and_the_median(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    result = run([snc, "load", "127.0.0.1", port, "--sweep", "5,10", "-n", "100", "--repeat", "3", "--json"], timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["repeats"] == 3
    assert [(level["concurrency"], level["run"]) for level in report["levels"]] == [(5, 1), (5, 2), (5, 3), (10, 1), (10, 2), (10, 3)]
    assert all(level["completed"] == 100 for level in report["levels"])
    runs = report["first_trouble_runs"]
    assert len(runs) == 3
    for number, first in enumerate(runs, start=1):
        troubled = [level["concurrency"] for level in report["levels"] if level["run"] == number and level["trouble"]]
        assert first == (troubled[0] if troubled else None)
    assert report["first_trouble_concurrency"] == lower_median_first_trouble(runs)

    table = run([snc, "load", "127.0.0.1", port, "--sweep", "5,10", "-n", "100", "--repeat", "3"], timeout=60)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.decode().splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["clients", "runs"])
    assert "median" in lines[header]
    rows = [line.split() for line in lines[header + 1:header + 3]]
    assert [row[:2] for row in rows] == [["5", "3"], ["10", "3"]]
    assert all("[" in " ".join(row) and row[-1].endswith("/3") for row in rows)
    stop_serve(proc, log)
