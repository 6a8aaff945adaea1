"""snc load's IO graph carries the kernel's TCP events on its timeline, and
each level lasts long enough to fill the graph."""
import json
import re
import xml.etree.ElementTree as ET

from conftest import run
from lab_fixture import start_serve, stop_serve

SVG = "{http://www.w3.org/2000/svg}"
TIMELINE_KEYS = {"TcpExt.ListenOverflows", "TcpExt.ListenDrops", "TcpExt.TCPSynRetrans",
                 "Tcp.RetransSegs", "Tcp.OutRsts", "Tcp.AttemptFails"}


def load_json(snc, port, *args, timeout=120):
    result = run([snc, "load", "127.0.0.1", port, "--json", *args], timeout=timeout)
    assert result.stdout, result.stderr
    return result, json.loads(result.stdout)


def test_kernel_events_per_interval_add_up_to_the_level_and_are_drawn(snc, procs, tmp_path):
    # A server that takes 2 clients at a time with a 1-deep accept queue:
    # 40 clients overflow it, so the kernel drops SYNs and they are sent again.
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet", "--backlog", "1", "--max-clients", "2")
    graph = tmp_path / "io.svg"
    result, report = load_json(snc, port, "--sweep", "4,40", "--duration", "1.2",
                               "--timeout", "3", "--graph", graph)
    assert result.returncode == 0, result.stderr
    events = 0
    for level in report["levels"]:
        series = level["io_graph"]
        kernel = series["kernel"]
        assert TIMELINE_KEYS <= set(kernel), sorted(kernel)
        deltas = {counter["counter"]: counter["delta"] for counter in level["kernel_counters"]}
        for key, values in kernel.items():
            assert len(values) == len(series["completed"]), key
            assert sum(values) == deltas[key], (level["concurrency"], key, values, deltas[key])
        events += sum(kernel["TcpExt.ListenDrops"]) + sum(kernel["Tcp.RetransSegs"])
    assert events > 0, "the overflowing level should make the kernel drop or resend"

    root = ET.parse(graph).getroot()
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    legend_text = " ".join(t.text or "" for t in legend.iter(f"{SVG}text"))
    assert "TCP retransmissions" in legend_text and "TCP drops and resets" in legend_text and "failed clients" in legend_text
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") in ("tcp-retransmissions", "tcp-drops-resets")]
    assert bars, "kernel events are drawn as bars"
    # Titles stay inside the image: no line runs past its right edge at 7.2 px a character.
    width = float(root.get("width"))
    for text in root.iter(f"{SVG}text"):
        if text.get("class") == "title":
            assert float(text.get("x")) + 7.2 * len(text.text) <= width, text.text
    stop_serve(proc, log)


def test_levels_run_at_least_two_seconds_by_default(snc, procs, tmp_path):
    """The README's sweep gave each level about one 100 ms interval: blank panels."""
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    result, report = load_json(snc, port, "--sweep", "5,10")
    assert result.returncode == 0, result.stderr
    for level in report["levels"]:
        assert level["seconds"] >= 2.0, level["seconds"]
        completed = level["io_graph"]["completed"]
        assert len(completed) >= 20
        assert sum(1 for value in completed if value > 0) >= 18, completed
    stop_serve(proc, log)


def test_level_duration_sets_the_minimum(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    result, report = load_json(snc, port, "-c", "3", "-n", "5", "--level-duration", "0.6")
    assert result.returncode == 0, result.stderr
    level = report["levels"][0]
    assert level["seconds"] >= 0.6 and level["connections"] > 5 and level["failed"] == 0
    stop_serve(proc, log)
