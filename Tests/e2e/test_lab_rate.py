"""snc load --rate: an open loop on a schedule, with latency corrected for
coordinated omission next to the raw figures."""
import json
import sys
import textwrap

from conftest import run
from lab_fixture import read_listening_port, start_serve, stop_serve

# A lab server that stalls: it waits STALL seconds before each intro, so two
# clients at once cannot keep up with the schedule.
STALLING_SERVER = textwrap.dedent("""
    import hashlib, socket, sys, threading, time
    STALL = float(sys.argv[1])
    def serve(conn):
        with conn:
            time.sleep(STALL)
            conn.sendall(b"hello, stalling server\\n")
            data = b""
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            conn.sendall(b"received %d bytes sha256=%s\\n" % (len(data), hashlib.sha256(data).hexdigest().encode()))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    print("Listening on 127.0.0.1", listener.getsockname()[1], file=sys.stderr, flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
""")


def load_json(snc, port, *args, timeout=60):
    result = run([snc, "load", "127.0.0.1", port, *args, "--json"], timeout=timeout)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_rate_200_for_2_seconds_makes_about_400_connections(snc, procs, tmp_path):
    proc, port, log = start_serve(procs, snc, tmp_path, "--quiet")
    report = load_json(snc, port, "--rate", "200", "--duration", "2", "-c", "50")
    stop_serve(proc, log)
    level = report["levels"][0]
    assert report["rate"] == 200
    assert 360 <= level["connections"] <= 440, level["connections"]
    assert level["completed"] == level["connections"] and level["failed"] == 0
    # Whatever else ran on the machine, the schedule, not the server's pace, set the count.
    assert 1.8 <= level["seconds"] <= 6, level["seconds"]
    corrected = level["exchange_latency_corrected"]
    assert corrected["count"] == level["completed"]
    assert corrected["p50"] >= level["exchange_latency"]["p50"]
    assert level["behind_schedule_milliseconds"] >= 0


def test_a_stalling_server_makes_corrected_percentiles_larger_than_raw(snc, procs, tmp_path):
    script = tmp_path / "stalling_server.py"
    script.write_text(STALLING_SERVER)
    server = procs.start([sys.executable, script, "0.3"])
    port = read_listening_port(server)
    # 2 clients at once, 0.3 s each: about 7 a second, against 20 a second due.
    report = load_json(snc, port, "--rate", "20", "--duration", "1.5", "-c", "2")
    level = report["levels"][0]
    assert level["connections"] == 30 and level["completed"] == 30, level["failures"]
    raw, corrected = level["exchange_latency"], level["exchange_latency_corrected"]
    assert raw["p50"] >= 290 and raw["max"] < 2000, raw
    # The later clients waited for a free slot long after they were due: measured from then, they took far longer.
    assert corrected["p50"] > raw["p50"] + 500, (raw, corrected)
    assert corrected["p99"] > raw["p99"] + 1000, (raw, corrected)
    assert level["behind_schedule_milliseconds"] > 1000


def test_text_report_shows_raw_corrected_and_behind_schedule(snc, procs, tmp_path):
    script = tmp_path / "stalling_server.py"
    script.write_text(STALLING_SERVER)
    server = procs.start([sys.executable, script, "0.2"])
    port = read_listening_port(server)
    result = run([snc, "load", "127.0.0.1", port, "--rate", "20", "--duration", "0.5", "-c", "1"], timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "    exchange    " in out and "    corrected   " in out, out
    assert "(from each client's due time at --rate 20/s)" in out
    assert "behind schedule by " in out and "clients started late" in out


def test_rate_with_the_threads_engine_is_a_usage_error(snc):
    result = run([snc, "load", "127.0.0.1", "5555", "--rate", "10", "--engine", "threads"])
    assert result.returncode == 64
    assert b"--rate needs --engine epoll" in result.stderr


def test_rate_must_be_positive(snc):
    result = run([snc, "load", "127.0.0.1", "5555", "--rate", "0"])
    assert result.returncode == 64
    assert b"--rate must be more than 0" in result.stderr
