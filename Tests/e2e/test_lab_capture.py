"""snc load --capture: the pcapng file opens in tshark with every packet, and
snc's TCP analysis counts equal tshark's display-filter counts on that file."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import run
from lab_fixture import start_serve, stop_serve

# snc's key -> the tshark display filter that selects the same packets
# (tcp.flags.reset alone matches every TCP packet: the field is always there).
FILTERS = {
    "tcp.analysis.retransmission": "tcp.analysis.retransmission",
    "tcp.analysis.fast_retransmission": "tcp.analysis.fast_retransmission",
    "tcp.analysis.duplicate_ack": "tcp.analysis.duplicate_ack",
    "tcp.analysis.zero_window": "tcp.analysis.zero_window",
    "tcp.analysis.window_full": "tcp.analysis.window_full",
    "tcp.analysis.out_of_order": "tcp.analysis.out_of_order",
    "tcp.analysis.lost_segment": "tcp.analysis.lost_segment",
    "tcp.flags.reset": "tcp.flags.reset == 1",
}

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="a packet socket on lo needs CAP_NET_RAW (run as root)")
needs_tshark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed (apt-get install tshark)")


def tshark_count(path, display_filter=None):
    args = ["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.number"]
    if display_filter:
        args += ["-Y", display_filter]
    result = run(args, timeout=120)
    assert result.returncode == 0, result.stderr
    return len(result.stdout.split())


@needs_root
@needs_tshark
def test_capture_counts_equal_tshark_on_the_same_file(snc, procs, tmp_path):
    # A server that takes 2 clients at a time with a 1-deep accept queue:
    # 40 clients overflow it, the kernel drops SYNs and they are sent again.
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet", "--backlog", "1", "--max-clients", "2")
    capture = tmp_path / "run.pcapng"
    graph = tmp_path / "run.svg"
    result = run([snc, "load", "127.0.0.1", port, "--sweep", "4,40", "-n", "200", "--level-duration", "0", "--timeout", "3",
                  "--capture", capture, "--graph", graph, "--json"], timeout=120)
    stop_serve(proc, log)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    total = report["capture"]
    assert total["file"] == str(capture)
    assert total["dropped"] == 0
    # Every packet recorded is read back by tshark.
    assert total["packets"] > 0 and tshark_count(capture) == total["packets"]
    assert total["events"]["tcp.analysis.retransmission"] > 0, "the overflowing level should resend SYNs"
    for name, display_filter in FILTERS.items():
        ours, theirs = total["events"][name], tshark_count(capture, display_filter)
        if name == "tcp.flags.reset":
            assert ours == theirs, (name, ours, theirs)
        else:
            assert abs(ours - theirs) <= 0.02 * max(ours, theirs), (name, ours, theirs)
    # The levels split the run: their counts add up, per interval too.
    levels = report["levels"]
    assert sum(level["capture"]["packets"] for level in levels) == total["packets"]
    for name in FILTERS:
        assert sum(level["capture"]["events"][name] for level in levels) == total["events"][name]
        for level in levels:
            assert sum(level["io_graph"]["capture"][name]) == level["capture"]["events"][name]
    # The IO graph draws the capture's analysis flags as a line in every panel, with a legend.
    svg = graph.read_text()
    assert svg.count('<polyline class="capture-flags"') == len(levels)
    assert "TCP analysis flags in the capture" in svg
    first = total["first"]["tcp.analysis.retransmission"]
    assert first["destination_port"] == port or first["source_port"] == port
    assert first["concurrency"] in (4, 40)


@needs_root
@needs_tshark
def test_capture_text_report_names_the_classes(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    capture = tmp_path / "small.pcapng"
    result = run([snc, "load", "127.0.0.1", port, "-c", "5", "-n", "50", "--capture", capture], timeout=60)
    stop_serve(proc, log)
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    packets = tshark_count(capture)
    assert f"capture {capture}: {packets} packets, 0 dropped" in text
    for name in FILTERS:
        assert name in text


@needs_root
def test_capture_without_cap_net_raw_is_one_line_and_exit_1(snc, procs, tmp_path):
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to drop CAP_NET_RAW")
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    capture = tmp_path / "denied.pcapng"
    result = run(["setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw", snc, "load", "127.0.0.1", port,
                  "-c", "2", "-n", "4", "--capture", capture], timeout=60)
    stop_serve(proc, log)
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "CAP_NET_RAW" in lines[0], lines
    assert result.stdout == b""
