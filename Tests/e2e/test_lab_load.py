"""snc load: against the lab's Python threading server and against snc serve,
with --json, --sweep, --graph, failures by cause, and the loopback rule."""
import contextlib
import hashlib
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import xml.etree.ElementTree as ET

import pytest

from conftest import free_port, run
from lab_fixture import start_serve, stop_serve
import lab_peers


def load_json(snc, port, *args, timeout=120, host="127.0.0.1"):
    result = run([snc, "load", host, port, "--json", *args], timeout=timeout)
    assert result.stdout, result.stderr
    return result, json.loads(result.stdout)


@pytest.fixture
def python_server():
    server = lab_peers.ThreadingServer("127.0.0.1", 0, backlog=1024).start()
    yield server
    server.close()


@pytest.mark.parametrize("engine", ["epoll", "threads"])
def test_load_against_the_python_threading_server(snc, python_server, engine):
    result, report = load_json(snc, python_server.port, "-c", "20", "-n", "300", "--engine", engine)
    assert result.returncode == 0
    level = report["levels"][0]
    assert level["completed"] == 300 and level["failed"] == 0
    assert report["engine"] == engine


@pytest.mark.parametrize("engine", ["epoll", "threads"])
def test_load_against_snc_serve_checks_every_receipt(snc, procs, tmp_path, engine):
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    result, report = load_json(snc, port, "-c", "200", "-n", "2000", "--engine", engine, "--message-size", "3000")
    assert result.returncode == 0
    level = report["levels"][0]
    assert level["completed"] == 2000 and level["failed"] == 0
    assert level["connections_per_second"] > 0 and level["bytes_per_second"] > 0
    assert level["bytes_sent"] == 2000 * 3000
    for kind in ("connect_latency", "exchange_latency"):
        latency = level[kind]
        assert latency["count"] > 0
        assert 0 < latency["p50"] <= latency["p90"] <= latency["p99"] <= latency["max"]
    names = {counter["name"] for counter in level["kernel_counters"]}
    assert {"ListenOverflows", "ListenDrops", "TCPSynRetrans", "TCPTimeouts", "RetransSegs", "OutRsts",
            "EstabResets", "AttemptFails", "TCPAbortOnData"} <= names
    assert all(counter["meaning"] for counter in level["kernel_counters"])
    assert sum(level["io_graph"]["completed"]) == 2000
    code, out = stop_serve(proc, log)
    assert "2000 ok" in out and "0 errors" in out  # the server saw every message whole


def test_text_report_names_things_in_words(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    result = run([snc, "load", "127.0.0.1", port, "-c", "10", "-n", "100"], timeout=60)
    assert result.returncode == 0
    text = result.stdout.decode()
    for words in ("completed  100", "connections/s", "p50", "p90", "p99", "max", "connect", "exchange",
                  "kernel TCP counters over the run"):
        assert words in text
    stop_serve(proc, log)


def test_sweep_prints_a_row_per_level_and_writes_an_svg_io_graph(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    graph = tmp_path / "io-graph.svg"
    result = run([snc, "load", "127.0.0.1", port, "--sweep", "5,10,20", "-n", "200", "--graph", graph], timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["clients", "conns"])
    rows = [line.split() for line in lines[header + 1:header + 4]]
    assert [row[0] for row in rows] == ["5", "10", "20"]
    assert all(row[1] == "200" and row[2] == "200" and row[3] == "0" for row in rows)
    root = ET.parse(graph).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    panels = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "panel"]
    assert [p.get("data-clients") for p in panels] == ["5", "10", "20"]
    for panel in panels:
        lines = {p.get("class") for p in panel.iter("{http://www.w3.org/2000/svg}polyline")}
        assert lines == {"completed", "bytes"}
    stop_serve(proc, log)


def test_refused_connections_are_counted_and_exit_1(snc):
    port = free_port()  # nothing listens here
    result, report = load_json(snc, port, "-c", "5", "-n", "20")
    assert result.returncode == 1
    level = report["levels"][0]
    assert level["failures"]["refused"] == 20 and level["completed"] == 0
    assert b"no client completed" in result.stderr


def test_every_client_failing_exits_1_with_the_causes_in_one_line(snc):
    """A run where no client completed measured nothing: exit 1, the report
    still printed, and one stderr line saying how they failed."""
    port = free_port()  # nothing listens here
    result = run([snc, "load", "127.0.0.1", port, "-c", "5", "-n", "20"], timeout=60)
    assert result.returncode == 1
    assert b"failed     20  (refused 20," in result.stdout
    assert result.stderr == b"snc: no client completed an exchange with 127.0.0.1:%d: all 20 failed (refused 20)\n" % port


def test_some_clients_failing_is_a_measurement_and_exits_0(snc):
    """Every other client gets a wrong receipt: the run completed, exit 0."""
    served = itertools.count()

    def half_liar(conn):
        with conn, contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.sendall(b"hi\n")
            digest, size = hashlib.sha256(), 0
            while chunk := conn.recv(65536):
                digest.update(chunk)
                size += len(chunk)
            if next(served) % 2:
                conn.sendall(b"received 1 bytes sha256=" + b"0" * 64 + b"\n")
            else:
                conn.sendall(b"received %d bytes sha256=%s\n" % (size, digest.hexdigest().encode()))

    listener = serve_once(half_liar)
    try:
        result, report = load_json(snc, listener.getsockname()[1], "-c", "2", "-n", "10")
        assert result.returncode == 0, result.stderr
        level = report["levels"][0]
        assert level["completed"] == 5 and level["failures"]["bad_receipt"] == 5
        assert b"no client completed" not in result.stderr
    finally:
        listener.close()


def serve_once(handler):
    """A tiny misbehaving server: `handler(conn)` for each client, on threads."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)

    def loop():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=handler, args=(conn,), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    return listener


def test_a_wrong_receipt_is_a_bad_receipt(snc):
    def liar(conn):
        # A client that has already given up may have closed: that is its business, not this server's.
        with conn, contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.sendall(b"hi\n")
            while conn.recv(65536):
                pass
            conn.sendall(b"received 1 bytes sha256=" + b"0" * 64 + b"\n")

    listener = serve_once(liar)
    try:
        result, report = load_json(snc, listener.getsockname()[1], "-c", "4", "-n", "12")
        assert report["levels"][0]["failures"]["bad_receipt"] == 12
        assert any("did not match" in note for note in report["notes"])
    finally:
        listener.close()


def trickle(conn, data, interval, limit=20):
    """Sends `data` one byte every `interval` seconds (for at most `limit`
    seconds) until the client hangs up."""
    end = time.monotonic() + limit
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        for byte in data:
            if time.monotonic() > end:
                return
            conn.sendall(bytes([byte]))
            time.sleep(interval)


def trickling_intro(conn):
    with conn:
        trickle(conn, b"x" * 200, 0.3)


def trickling_receipt(conn):
    with conn, contextlib.suppress(BrokenPipeError, ConnectionResetError):
        conn.sendall(b"hi\n")
        while conn.recv(65536):
            pass
        trickle(conn, b"received 1 bytes sha256=" + b"0" * 200, 0.3)


def flooding_receipt(conn):
    with conn, contextlib.suppress(BrokenPipeError, ConnectionResetError, OSError):
        conn.sendall(b"hi\n")
        while conn.recv(65536):
            pass
        end = time.monotonic() + 20
        while time.monotonic() < end:
            conn.sendall(b"z" * 65536)


@pytest.mark.parametrize("engine", ["threads", "epoll"])
@pytest.mark.parametrize("handler", [trickling_intro, trickling_receipt], ids=["intro", "receipt"])
def test_a_trickling_server_times_out_within_the_timeout(snc, engine, handler):
    """A byte every 0.3 s keeps each read within --timeout 1, but not the
    intro or receipt as a whole: every client times out in about a second."""
    listener = serve_once(handler)
    try:
        started = time.monotonic()
        result, report = load_json(snc, listener.getsockname()[1], "--engine", engine, "--timeout", "1", "-c", "2", "-n", "2", timeout=30)
        elapsed = time.monotonic() - started
        assert result.returncode == 1
        assert report["levels"][0]["failures"]["timed_out_waiting_for_reply"] == 2
        assert elapsed < 5, elapsed
    finally:
        listener.close()


def test_a_flood_instead_of_a_receipt_is_a_bad_receipt_at_once(snc):
    listener = serve_once(flooding_receipt)
    try:
        started = time.monotonic()
        result, report = load_json(snc, listener.getsockname()[1], "--engine", "threads", "--timeout", "10", "-c", "2", "-n", "2", timeout=30)
        assert report["levels"][0]["failures"]["bad_receipt"] == 2
        assert time.monotonic() - started < 5
    finally:
        listener.close()


def test_a_full_accept_queue_shows_as_syn_retransmits_and_connect_timeouts(snc):
    """A listener that never accepts, with the smallest backlog: the first
    connections complete into the queue and then wait for an intro that never
    comes; later SYNs are dropped, retransmitted after 1 s, and time out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    try:
        result, report = load_json(snc, listener.getsockname()[1], "-c", "6", "-n", "6", "--timeout", "1.5", timeout=30)
        level = report["levels"][0]
        failures = level["failures"]
        assert failures["timed_out_connecting"] >= 1
        assert failures["timed_out_waiting_for_reply"] >= 1
        assert failures["timed_out_connecting"] + failures["timed_out_waiting_for_reply"] == 6
        counters = {c["name"]: c["delta"] for c in level["kernel_counters"]}
        assert counters["ListenOverflows"] >= 1 and counters["TCPSynRetrans"] >= 1
        assert report["first_trouble_concurrency"] == 6
        assert any("accept queue" in note for note in report["notes"])
    finally:
        listener.close()


def test_message_from_a_file_is_sent_as_is(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path)
    message = tmp_path / "message.bin"
    message.write_bytes(os.urandom(70_000))
    result, report = load_json(snc, port, "-c", "3", "-n", "6", "--message", f"@{message}")
    assert report["levels"][0]["completed"] == 6 and report["message_bytes"] == 70_000
    code, out = stop_serve(proc, log)
    assert out.count(": 70000 bytes in ") == 6


def test_duration_runs_for_about_that_long(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    result, report = load_json(snc, port, "-c", "8", "--duration", "1")
    level = report["levels"][0]
    assert level["completed"] > 0 and level["failed"] == 0
    assert level["seconds"] >= 0.95
    stop_serve(proc, log)


def test_sigint_stops_the_run_and_still_reports(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    load = procs.start([snc, "load", "127.0.0.1", port, "-c", "4", "--duration", "60", "--json"])
    time.sleep(1.0)
    load.send_signal(signal.SIGINT)
    out, err = load.communicate(timeout=20)
    report = json.loads(out)
    assert report["interrupted"] is True
    assert report["levels"][0]["completed"] > 0
    assert report["levels"][0]["seconds"] < 30
    stop_serve(proc, log)


@pytest.mark.parametrize("args", [["--sweep", "10,20"], ["-c", "101"]])
def test_refuses_to_flood_an_address_that_is_not_loopback(snc, args):
    """192.0.2.1 is TEST-NET-1: the refusal must come before any socket exists."""
    command = [snc, "load", "192.0.2.1", "5555", *args]
    if shutil.which("strace"):
        trace = run(["strace", "-f", "-qq", "-e", "trace=socket,connect", *command], timeout=20)
        assert trace.returncode == 64
        assert b"socket(AF_INET" not in trace.stderr and b"connect(" not in trace.stderr
    result = run(command, timeout=20)
    assert result.returncode == 64
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "--i-own-this-host" in lines[0] and "192.0.2.1" in lines[0]


@pytest.mark.parametrize("args, words", [
    (["-n", "5", "--duration", "1"], "either --connections or --duration"),
    (["--engine", "fibers"], "--engine"),
    (["--sweep", "10,x"], "--sweep"),
    (["--sweep", "10", "-c", "5"], "either --sweep or --concurrency"),
    (["--message-size", "huge"], "--message-size"),
    (["--source", "127.0.0.9-127.0.0.2"], "--source"),
    (["--timeout", "0"], "--timeout"),
    (["--timeout", "1e300"], "--timeout"),
    (["--duration", "1e11"], "--duration"),
    (["-c", "9223372036854775807"], "--concurrency"),
    (["-n", "9223372036854775807"], "--connections"),
    (["--sweep", "10,9223372036854775807"], "--sweep"),
])
def test_usage_errors_exit_64(snc, args, words):
    """Huge numbers too: a one-line error, never a trap."""
    result = run([snc, "load", "127.0.0.1", "5555", *args], timeout=10)
    assert result.returncode == 64
    assert words.encode() in result.stderr
    assert result.stderr.count(b"\n") == 1, result.stderr


@pytest.mark.parametrize("option, value", [
    ("--timeout", "nan"), ("--timeout", "-1"), ("--timeout", "abc"), ("--duration", "inf"),
    ("--duration", "-2"), ("--level-duration", "-0.5"), ("--level-duration", "nan"),
])
def test_bad_durations_are_refused_by_the_parser_naming_option_and_value(snc, option, value):
    """NaN, infinities and negative numbers fail in the parser: "-1" is a value, not a missing one."""
    result = run([snc, "load", "127.0.0.1", "5555", option, value], timeout=10)
    assert result.returncode == 64
    assert result.stderr.decode() == f"snc: the value '{value}' is invalid for '{option} <secs>' (see 'snc load --help')\n"


def test_running_out_of_ports_is_said_in_words_and_source_spreads_clients(snc, tmp_path):
    """In a private network namespace with 200 ephemeral ports and no TIME_WAIT
    reuse, clients run out of ports (EADDRNOTAVAIL); --source fixes it."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root and unshare for a private network namespace")
    script = f"""
        set -e
        ip link set lo up
        sysctl -qw net.ipv4.ip_local_port_range='40000 40199'
        sysctl -qw net.ipv4.tcp_tw_reuse=0
        "{snc}" serve --quiet 127.0.0.1 0 >/dev/null 2>"{tmp_path}/serve.err" &
        server=$!
        trap 'kill $server' EXIT
        for i in $(seq 100); do grep -q Listening "{tmp_path}/serve.err" && break; sleep 0.05; done
        port=$(awk '/Listening/ {{print $4}}' "{tmp_path}/serve.err")
        "{snc}" load 127.0.0.1 "$port" -c 10 -n 600 --json >"{tmp_path}/plain.json" || true
        "{snc}" load 127.0.0.1 "$port" -c 10 -n 600 --source 127.0.0.2-127.0.0.9 --json >"{tmp_path}/spread.json"
    """
    result = run(["unshare", "-n", "bash", "-c", script], timeout=60)
    if result.returncode != 0 and b"unshare" in result.stderr:
        pytest.skip(f"cannot make a network namespace: {result.stderr.decode().strip()}")
    assert result.returncode == 0, result.stderr
    plain = json.loads((tmp_path / "plain.json").read_text())
    assert plain["levels"][0]["failures"]["no_local_port"] > 0
    assert any("EADDRNOTAVAIL" in note and "TIME_WAIT" in note and "--source" in note for note in plain["notes"])
    spread = json.loads((tmp_path / "spread.json").read_text())
    assert spread["levels"][0]["completed"] == 600
    assert spread["sources"][0] == "127.0.0.2" and len(spread["sources"]) == 8
