"""snc connect/listen --ssl against openssl s_server/s_client and ncat --ssl: 64 MiB each way
byte-exact, certificate checks on by default, a pinned fingerprint, and bad input (garbage
handshakes, stalled peers, wrong key/cert pairs, unreadable files) ending in one line."""
import re
import socket
import subprocess
import time

import pytest

from conftest import free_port, run, wait_for_listen
from netcat_fixture import MIB, file_sha256, random_files, read_until, wait_exit  # noqa: F401


def openssl(*args, cwd):
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, timeout=30)
    assert result.returncode == 0, result.stderr.decode()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A private CA, a server certificate for localhost and 127.0.0.1 signed by it, a
    certificate for the same names from a CA nobody trusts, and a key that fits neither."""
    directory = tmp_path_factory.mktemp("tls-pki")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    (directory / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    for ca in ("ca", "rogue-ca"):
        openssl("req", "-x509", *ec, "-keyout", f"{ca}.key", "-out", f"{ca}.pem", "-days", "2",
                "-subj", f"/CN=snc test {ca}", cwd=directory)
    for name, ca in (("server", "ca"), ("rogue", "rogue-ca")):
        openssl("req", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", "/CN=localhost", cwd=directory)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
                "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", "san.ext", cwd=directory)
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "stray.key", cwd=directory)
    return directory


def snc_server(snc, pki, port, *extra, cert="server"):
    return [snc, "listen", "--ssl", "--ssl-cert", pki / f"{cert}.pem", "--ssl-key", pki / f"{cert}.key",
            *extra, "127.0.0.1", port]


def test_64_mib_each_way_snc_client_with_ncat_listener(snc, procs, tmp_path, random_files, pki):
    """ncat's listener drops the rest of its stdin once its client has finished, so snc
    keeps its side open (--no-shutdown), as with nc -l in the plain tests."""
    a, b = random_files
    port = str(free_port())
    out_listener, out_client = tmp_path / "listener.out", tmp_path / "client.out"
    with open(a, "rb") as a_in, open(b, "rb") as b_in, open(out_listener, "wb") as l_out, open(out_client, "wb") as c_out:
        listener = procs.start(["ncat", "--ssl", "--ssl-cert", pki / "server.pem", "--ssl-key", pki / "server.key",
                                "-l", "127.0.0.1", port], stdin=a_in, stdout=l_out)
        wait_for_listen(int(port))
        client = procs.start([snc, "connect", "--ssl", "--ssl-trustfile", pki / "ca.pem", "--no-shutdown",
                              "localhost", port], stdin=b_in, stdout=c_out)
        assert wait_exit(client) == 0, client.stderr.read()
        assert wait_exit(listener) == 0, listener.stderr.read()
    assert file_sha256(out_listener) == file_sha256(b)
    assert file_sha256(out_client) == file_sha256(a)


def test_64_mib_each_way_snc_listener_with_ncat_client(snc, procs, tmp_path, random_files, pki):
    """ncat ends its half with a bare TCP FIN (no close_notify): snc says so and goes on."""
    a, b = random_files
    port = str(free_port())
    out_listener, out_client = tmp_path / "listener.out", tmp_path / "client.out"
    with open(a, "rb") as a_in, open(b, "rb") as b_in, open(out_listener, "wb") as l_out, open(out_client, "wb") as c_out:
        listener = procs.start(snc_server(snc, pki, port), stdin=a_in, stdout=l_out)
        wait_for_listen(int(port))
        client = procs.start(["ncat", "--ssl", "--ssl-verify", "--ssl-trustfile", pki / "ca.pem", "localhost", port],
                             stdin=b_in, stdout=c_out)
        assert wait_exit(client) == 0, client.stderr.read()
        assert wait_exit(listener) == 0, listener.stderr.read()
    assert file_sha256(out_listener) == file_sha256(b)
    assert file_sha256(out_client) == file_sha256(a)
    assert b"without close_notify" in listener.stderr.read()


def test_snc_listener_goes_on_sending_after_ncat_ends_its_half(snc, procs, tmp_path, random_files, pki):
    """ncat's stdin ends at once and it shuts down its half with a bare FIN: OpenSSL 3
    takes that as a fatal error unless told otherwise, and snc's writes used to fail
    ("write: connection closed", exit 1, ncat got nothing). All 64 MiB must arrive."""
    a, _ = random_files
    port = str(free_port())
    out_listener, out_client = tmp_path / "listener.out", tmp_path / "client.out"
    with open(a, "rb") as a_in, open(out_listener, "wb") as l_out, open(out_client, "wb") as c_out:
        listener = procs.start(snc_server(snc, pki, port), stdin=a_in, stdout=l_out)
        wait_for_listen(int(port))
        client = procs.start(["ncat", "--ssl", "--ssl-verify", "--ssl-trustfile", pki / "ca.pem", "localhost", port],
                             stdin=subprocess.PIPE, stdout=c_out)
        client.stdin.write(b"short\n")
        client.stdin.close()
        assert wait_exit(client) == 0, client.stderr.read()
        assert wait_exit(listener) == 0, listener.stderr.read()
    assert out_listener.read_bytes() == b"short\n"
    assert file_sha256(out_client) == file_sha256(a)
    assert b"without close_notify" in listener.stderr.read()


def test_64_mib_each_way_snc_client_with_openssl_s_server(snc, procs, tmp_path, random_files, pki):
    """s_server ends its session at its own stdin's end and at the client's close_notify,
    whichever comes first, so each direction gets its own session."""
    a, b = random_files
    out = tmp_path / "out"
    # -nbio: with a blocking socket s_server can block in SSL_read after the client's
    # Finished and send nothing more (s_client stalls against it the same way).
    server_argv = ["openssl", "s_server", "-quiet", "-nbio", "-naccept", "1", "-cert", pki / "server.pem",
                   "-key", pki / "server.key"]
    # s_server -> snc: s_server's stdin ends the session; snc does not read stdin (-d).
    port = str(free_port())
    with open(a, "rb") as a_in, open(out, "wb") as c_out:
        server = procs.start([*server_argv, "-accept", f"127.0.0.1:{port}"], stdin=a_in)
        wait_for_listen(int(port))
        client = procs.start([snc, "connect", "--ssl", "--ssl-trustfile", pki / "ca.pem", "-d", "localhost", port],
                             stdout=c_out)
        assert wait_exit(client) == 0, client.stderr.read()
        wait_exit(server, timeout=30)
    assert file_sha256(out) == file_sha256(a)
    # snc -> s_server: s_server's stdin stays open; snc's close_notify ends the session.
    port = str(free_port())
    idle = procs.start(["sleep", "60"], stdout=subprocess.PIPE)
    with open(b, "rb") as b_in, open(out, "wb") as s_out:
        server = procs.start([*server_argv, "-accept", f"127.0.0.1:{port}"], stdin=idle.stdout, stdout=s_out)
        wait_for_listen(int(port))
        client = procs.start([snc, "connect", "--ssl", "--ssl-trustfile", pki / "ca.pem", "localhost", port],
                             stdin=b_in)
        assert wait_exit(client) == 0, client.stderr.read()
        wait_exit(server, timeout=30)
    assert file_sha256(out) == file_sha256(b)


def test_64_mib_each_way_snc_listener_with_openssl_s_client(snc, procs, tmp_path, random_files, pki):
    """s_client quits at the server's close_notify even with stdin left to send, so each
    direction gets its own session: s_client -no_ign_eof to snc, then snc to s_client.
    -nocommands: a line of random bytes starting with R, Q or k is not a command."""
    a, b = random_files
    out = tmp_path / "out"
    # s_client -> snc: s_client sends close_notify at its stdin's end (-no_ign_eof).
    port = str(free_port())
    with open(b, "rb") as b_in, open(out, "wb") as l_out:
        listener = procs.start(snc_server(snc, pki, port, "-d"), stdout=l_out)
        wait_for_listen(int(port))
        client = procs.start(["openssl", "s_client", "-quiet", "-nocommands", "-no_ign_eof", "-connect", f"127.0.0.1:{port}",
                              "-CAfile", pki / "ca.pem", "-verify_return_error", "-verify_hostname", "localhost"],
                             stdin=b_in, stdout=subprocess.DEVNULL)
        assert wait_exit(listener) == 0, listener.stderr.read()
        assert wait_exit(client) == 0
    assert file_sha256(out) == file_sha256(b)
    # snc -> s_client: snc's close_notify at its stdin's end ends s_client.
    port = str(free_port())
    with open(a, "rb") as a_in, open(out, "wb") as c_out:
        listener = procs.start(snc_server(snc, pki, port), stdin=a_in)
        wait_for_listen(int(port))
        client = procs.start(["openssl", "s_client", "-quiet", "-nocommands", "-connect", f"127.0.0.1:{port}",
                              "-CAfile", pki / "ca.pem", "-verify_return_error", "-verify_hostname", "localhost"],
                             stdout=c_out)
        assert wait_exit(client) == 0, client.stderr.read()
        assert wait_exit(listener) == 0, listener.stderr.read()
    assert file_sha256(out) == file_sha256(a)


def test_alpn_offer_reaches_the_server_and_is_reported(snc, procs, pki):
    port = str(free_port())
    idle = procs.start(["sleep", "60"], stdout=subprocess.PIPE)
    server = procs.start(["openssl", "s_server", "-quiet", "-nbio", "-naccept", "1", "-accept", f"127.0.0.1:{port}", "-alpn", "h2",
                          "-cert", pki / "server.pem", "-key", pki / "server.key"], stdin=idle.stdout)
    wait_for_listen(int(port))
    result = run([snc, "connect", "--ssl", "--ssl-trustfile", pki / "ca.pem", "--ssl-alpn", "http/1.1,h2", "-v",
                  "-w", "5", "localhost", port], timeout=20)
    assert result.returncode == 0, result.stderr
    assert b", ALPN h2\n" in result.stderr, result.stderr
    wait_exit(server, timeout=10)


def start_ncat_server(procs, pki, port, cert="server"):
    """An ncat --ssl listener answering each client with one line (-k, --sh-exec)."""
    proc = procs.start(["ncat", "--ssl", "--ssl-cert", pki / f"{cert}.pem", "--ssl-key", pki / f"{cert}.key",
                        "-l", "-k", "127.0.0.1", port, "--sh-exec", "echo hello from ncat"])
    wait_for_listen(int(port))
    return proc


@pytest.mark.parametrize("case", ["unknown-ca", "name-mismatch"])
def test_certificate_refused_by_default_and_accepted_with_no_ssl_verify(snc, procs, pki, case):
    port = str(free_port())
    start_ncat_server(procs, pki, port, cert="rogue" if case == "unknown-ca" else "server")
    checks = ["--ssl-trustfile", pki / "ca.pem"] if case == "name-mismatch" else []
    name = ["--ssl-servername", "wrong.example"] if case == "name-mismatch" else []
    # -d: ncat's --sh-exec session ends when its client's data does.
    refused = run([snc, "connect", "--ssl", "-d", *checks, *name, "-w", "5", "127.0.0.1", port], timeout=20)
    assert refused.returncode == 1 and refused.stdout == b""
    reason = b"unable to get local issuer certificate" if case == "unknown-ca" else b"hostname mismatch"
    assert refused.stderr.count(b"\n") == 1 and b"certificate verify failed: " + reason in refused.stderr, refused.stderr
    accepted = run([snc, "connect", "--ssl", "-d", "--no-ssl-verify", *name, "-w", "5", "127.0.0.1", port], timeout=20)
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stdout == b"hello from ncat\n"
    assert b"--no-ssl-verify" in accepted.stderr and b"warning" in accepted.stderr


def test_verified_connection_reports_version_cipher_subject_and_fingerprint(snc, procs, pki):
    port = str(free_port())
    start_ncat_server(procs, pki, port)
    result = run([snc, "connect", "--ssl", "-d", "--ssl-trustfile", pki / "ca.pem", "-v", "-w", "5", "localhost", port], timeout=20)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"hello from ncat\n"
    expected = subprocess.run(["openssl", "x509", "-in", pki / "server.pem", "-noout", "-fingerprint", "-sha256"],
                              capture_output=True, timeout=10).stdout.decode().strip().split("=", 1)[1]
    stderr = result.stderr.decode()
    assert re.search(r"TLS: TLSv1\.[23], cipher \S+", stderr), stderr
    shown = re.search(r"TLS peer: CN=localhost, (SHA256:\S+)", stderr)
    assert shown, stderr
    # The printed form and openssl's hex are the same digest: each pins the server.
    for pin in (shown.group(1), expected):
        pinned = run([snc, "connect", "--ssl", "-d", "--ssl-fingerprint", pin, "-w", "5", "127.0.0.1", port], timeout=20)
        assert pinned.returncode == 0 and pinned.stdout == b"hello from ncat\n", pinned.stderr


def test_pinned_fingerprint_of_a_generated_certificate(snc, procs):
    """snc listen --ssl without a certificate makes one and prints its fingerprint; a client
    pinning it gets through without any CA, a client pinning another is refused before any data."""
    port = str(free_port())
    listener = procs.start([snc, "listen", "--ssl", "-k", "127.0.0.1", port], stdout=subprocess.PIPE)
    line = read_until(listener.stderr, lambda data: b"\n" in data).decode()
    fingerprint = re.search(r"SHA256:[A-Za-z0-9+/]{43}", line).group(0)
    wait_for_listen(int(port))
    pinned = run([snc, "connect", "--ssl", "--ssl-fingerprint", fingerprint, "-w", "5", "127.0.0.1", port],
                 input=b"pinned\n", timeout=20)
    assert pinned.returncode == 0, pinned.stderr
    assert read_until(listener.stdout, lambda data: b"pinned\n" in data) == b"pinned\n"
    other = "SHA256:" + "A" * 43
    refused = run([snc, "connect", "--ssl", "--ssl-fingerprint", other, "-w", "5", "127.0.0.1", port],
                  input=b"must not arrive\n", timeout=20)
    assert refused.returncode == 1
    assert refused.stderr.count(b"\n") == 1 and b"not the pinned " + other.encode() in refused.stderr, refused.stderr
    unverified = run([snc, "connect", "--ssl", "-w", "5", "127.0.0.1", port], input=b"must not arrive\n", timeout=20)
    assert unverified.returncode == 1 and b"certificate verify failed" in unverified.stderr
    assert listener.poll() is None


def test_garbage_handshake_is_one_line_and_exit_1(snc, procs, pki):
    port = str(free_port())
    listener = procs.start(snc_server(snc, pki, port, "-w", "5"))
    wait_for_listen(int(port))
    with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as probe:
        probe.sendall(b"GET / HTTP/1.0\r\n\r\n" + bytes(range(256)) * 4)
        probe.settimeout(10)
        try:
            while probe.recv(4096):
                pass
        except ConnectionResetError:
            pass
    assert wait_exit(listener, timeout=10) == 1
    errors = listener.stderr.read().decode().splitlines()
    assert len(errors) == 1 and errors[0].startswith("snc: TLS with 127.0.0.1 port ") and "failed: " in errors[0], errors


@pytest.mark.parametrize("side", ["listen", "connect"])
def test_stalled_handshake_ends_within_w(snc, procs, pki, side):
    """A peer that connects and says nothing (listen), or accepts and says nothing (connect)."""
    port = str(free_port())
    if side == "listen":
        proc = procs.start(snc_server(snc, pki, port, "-w", "2"))
        wait_for_listen(int(port))
        silent = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
    else:
        server = socket.socket()
        server.bind(("127.0.0.1", int(port)))
        server.listen(1)
        proc = procs.start([snc, "connect", "--ssl", "--no-ssl-verify", "-w", "2", "127.0.0.1", port])
        silent, _ = server.accept()
        server.close()
    started = time.monotonic()
    try:
        assert wait_exit(proc, timeout=15) == 1
        assert time.monotonic() - started < 8
    finally:
        silent.close()
    lines = [line for line in proc.stderr.read().decode().splitlines() if "--no-ssl-verify" not in line]
    assert lines and lines[-1].endswith("timed out after 2 s"), lines


@pytest.mark.parametrize("case", ["mismatched-key", "missing-cert", "key-as-cert", "directory", "missing-trustfile",
                                  "key-as-trustfile"])
def test_bad_certificate_and_key_files_are_one_line_errors(snc, pki, case):
    server = pki / "server.pem"
    argv = {
        "mismatched-key": ["listen", "--ssl", "--ssl-cert", server, "--ssl-key", pki / "stray.key"],
        "missing-cert": ["listen", "--ssl", "--ssl-cert", pki / "absent.pem", "--ssl-key", pki / "server.key"],
        "key-as-cert": ["listen", "--ssl", "--ssl-cert", pki / "server.key", "--ssl-key", pki / "server.key"],
        "directory": ["listen", "--ssl", "--ssl-cert", pki, "--ssl-key", pki / "server.key"],
        "missing-trustfile": ["connect", "--ssl", "--ssl-trustfile", pki / "absent.pem"],
        "key-as-trustfile": ["connect", "--ssl", "--ssl-trustfile", pki / "stray.key"],
    }[case]
    expected = {
        "mismatched-key": "does not match the certificate in",
        "missing-cert": "No such file or directory",
        "key-as-cert": "not a PEM certificate",
        "directory": "not a PEM certificate",
        "missing-trustfile": "No such file or directory",
        "key-as-trustfile": "no PEM certificates",
    }[case]
    port = str(free_port())
    result = run([snc, *argv, "127.0.0.1", port], timeout=20)
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("snc: --ssl-") and expected in lines[0], lines


@pytest.mark.parametrize("argv,message", [
    (["listen", "--ssl", "--chat", "-C", "1"], "cannot use --ssl and -C"),
    (["listen", "--ssl", "--ssl-cert", "x.pem", "1"], "--ssl-cert and --ssl-key go together"),
    (["listen", "--ssl", "--no-ssl-verify", "1"], "are for snc connect"),
    (["connect", "--ssl", "--ssl-key", "x.pem", "127.0.0.1", "1"], "are for snc listen"),
    (["connect", "--ssl", "--ssl-fingerprint", "SHA256:short", "127.0.0.1", "1"], "not a SHA-256 fingerprint"),
    (["connect", "--ssl", "--no-ssl-verify", "--ssl-trustfile", "x.pem", "127.0.0.1", "1"], "use only one of"),
    (["connect", "--ssl", "-u", "127.0.0.1", "1"], "cannot use --ssl and -u"),
    (["connect", "--ssl-trustfile", "x.pem", "127.0.0.1", "1"], "need --ssl"),
])
def test_option_conflicts_are_usage_errors(snc, argv, message):
    result = run([snc, *argv], timeout=20)
    assert result.returncode == 64
    assert result.stderr.count(b"\n") == 1 and result.stderr.startswith(b"snc: "), result.stderr
    assert message.encode() in result.stderr, result.stderr
