"""`make dist` and `make deb`: a snc that runs where Swift is not installed.

The far host of the lab is a shared machine where students cannot install
Swift, so the packaged binary must carry the Swift runtime inside it: these
tests run it with the toolchain's folder hidden (an empty tmpfs mounted over
it in a private mount namespace) and move bytes through it.
"""
import hashlib
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from conftest import ROOT, free_port, wait_for_listen

SWIFT_ROOT = Path("/opt/swift")


def package(kind: str) -> Path:
    result = subprocess.run(["bash", "scripts/package.sh", kind], cwd=ROOT,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    path = ROOT / result.stdout.strip().splitlines()[-1]
    assert path.exists(), result.stdout
    return path


def without_swift(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Runs command with an empty folder mounted over the Swift toolchain."""
    script = f'mount -t tmpfs none {SWIFT_ROOT} && exec "$@"'
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *command],
                          capture_output=True, timeout=60, **kwargs)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    if os.geteuid() != 0:
        pytest.skip("hiding the toolchain needs a mount namespace (root)")
    tarball = package("dist")
    destination = tmp_path_factory.mktemp("dist")
    with tarfile.open(tarball) as archive:
        archive.extractall(destination, filter="data")
    (top,) = destination.iterdir()
    return top


@pytest.mark.timeout(900)
def test_dist_binary_needs_no_swift_runtime(dist):
    binary = dist / "bin" / "snc"
    libraries = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    assert "libswift" not in libraries and "libFoundation" not in libraries, libraries
    assert "libssh2" in libraries

    hidden = without_swift(["ls", "-A", str(SWIFT_ROOT)])
    assert hidden.returncode == 0 and hidden.stdout == b"", hidden.stderr

    version = without_swift([str(binary), "--version"])
    assert version.returncode == 0, version.stderr
    assert version.stdout.decode().strip() == subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True).stdout.strip()

    for name in ["share/man/man1/snc.1", "share/bash-completion/completions/snc",
                 "share/zsh/site-functions/_snc", "share/fish/vendor_completions.d/snc.fish"]:
        assert (dist / name).stat().st_size > 0, name


@pytest.mark.timeout(900)
def test_dist_binary_relays_bytes_with_swift_hidden(dist, procs):
    binary = str(dist / "bin" / "snc")
    port = free_port()
    payload = os.urandom(1 << 20)
    script = f'mount -t tmpfs none {SWIFT_ROOT} && exec "$@"'
    listener = procs.start(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
                            binary, "-l", "127.0.0.1", port])
    wait_for_listen(port)
    sender = without_swift([binary, "127.0.0.1", str(port)], input=payload)
    assert sender.returncode == 0, sender.stderr
    received, errors = listener.communicate(timeout=30)
    assert listener.returncode == 0, errors
    assert hashlib.sha256(received).hexdigest() == hashlib.sha256(payload).hexdigest()


@pytest.mark.timeout(900)
def test_deb_carries_binary_man_page_completions_and_dependencies(tmp_path):
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is Debian's")
    deb = package("deb")
    fields = subprocess.run(["dpkg-deb", "-f", deb, "Package", "Depends"], capture_output=True, text=True,
                            check=True).stdout
    assert "Package: snc" in fields
    assert "libssh2-1 (>=" in fields and "libc6 (>=" in fields, fields

    subprocess.run(["dpkg-deb", "-x", deb, tmp_path], check=True)
    for name in ["usr/bin/snc", "usr/share/man/man1/snc.1", "usr/share/bash-completion/completions/snc",
                 "usr/share/zsh/vendor-completions/_snc", "usr/share/fish/vendor_completions.d/snc.fish"]:
        assert (tmp_path / name).stat().st_size > 0, name

    # apt resolves the package's dependencies from this machine's lists without installing anything.
    simulated = subprocess.run(["apt-get", "install", "--simulate", "--no-install-recommends", str(deb)],
                               capture_output=True, text=True, timeout=120)
    assert simulated.returncode == 0, simulated.stderr
    assert "Inst snc" in simulated.stdout, simulated.stdout[-2000:]
