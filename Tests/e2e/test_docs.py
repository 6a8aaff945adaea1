"""The man page, --help and `make install` agree with each other."""
import json
import re
import subprocess

import pytest

from conftest import ROOT, run

MANPAGE = ROOT / "Manpages" / "snc.1"


def dump_help(snc):
    result = run([snc, "--experimental-dump-help"])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def command_options(command, path=()):
    """Yields (command path, option spelling) for every displayed option of every command."""
    name = command["commandName"]
    here = path + (name,)
    for argument in command.get("arguments", []):
        if not argument.get("shouldDisplay", True):
            continue
        for option in argument.get("names", []):
            if option["name"] in ("help", "h", "version"):
                continue
            prefix = "--" if option["kind"] == "long" else "-"
            yield here, prefix + option["name"]
    for sub in command.get("subcommands", []):
        if sub["commandName"] != "help":
            yield from command_options(sub, here)


def manpage_options(text):
    """Every option the man page lists as an item: `.It Fl x` or `.It Fl -long`."""
    found = set()
    for line in text.splitlines():
        if line.startswith(".It Fl "):
            for match in re.finditer(r"Fl (-?[\w-]+)", line):
                found.add("-" + match.group(1))
    return found


def test_every_help_option_is_in_the_man_page_and_back(snc):
    text = MANPAGE.read_text()
    help_options = {option for _, option in command_options(dump_help(snc)["command"])}
    assert help_options, "dump-help listed no options"
    documented = manpage_options(text)
    missing = sorted(help_options - documented)
    assert not missing, f"options in --help but not in Manpages/snc.1: {missing}"
    stale = sorted(documented - help_options)
    assert not stale, f"options in Manpages/snc.1 that no command has: {stale}"


def test_every_subcommand_has_a_section(snc):
    text = MANPAGE.read_text()
    for sub in dump_help(snc)["command"]["subcommands"]:
        if sub["commandName"] == "help":
            continue
        assert re.search(rf"^\.Ss (Nm )?{sub['commandName']}\b", text, re.M) or \
            f"Cm {sub['commandName']}" in text, sub["commandName"]


def test_man_page_lints_clean_and_renders():
    lint = run(["mandoc", "-Tlint", "-Wwarning", str(MANPAGE)])
    assert lint.returncode == 0 and lint.stdout == b"", lint.stdout.decode() + lint.stderr.decode()
    rendered = run(["mandoc", "-Tascii", str(MANPAGE)])
    assert rendered.returncode == 0
    text = re.sub(r".\x08", "", rendered.stdout.decode())
    for heading in ("NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "EXAMPLES"):
        assert heading in text


@pytest.mark.timeout(600)  # make install may relink after `make dist`
def test_make_install_puts_binary_man_page_and_completions_under_prefix(tmp_path, snc):
    # DESTDIR keeps the build step cheap: the release build already exists.
    result = subprocess.run(["make", "-s", "install", f"PREFIX={tmp_path}"], cwd=ROOT,
                            capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    installed = tmp_path / "bin" / "snc"
    assert installed.exists() and (tmp_path / "share" / "man" / "man1" / "snc.1").exists()
    version = run([installed, "--version"])
    assert version.returncode == 0 and version.stdout.strip()
    completions = {
        "share/bash-completion/completions/snc": "-F _snc snc",
        "share/zsh/site-functions/_snc": "#compdef snc",
        "share/fish/vendor_completions.d/snc.fish": "complete -c 'snc'",
    }
    for name, marker in completions.items():
        text = (tmp_path / name).read_text()
        assert marker in text and "forward" in text, name
