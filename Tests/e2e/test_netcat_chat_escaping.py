"""snc listen --chat: what one user types cannot drive another user's
terminal. C1 controls (raw, and U+0080-U+009F in UTF-8 such as U+009B, a
CSI), bidi overrides and isolates, and malformed UTF-8 arrive as \\ooo
escapes; UTF-8 text arrives as it was sent; lines stay lines."""
import subprocess

from conftest import free_port, wait_for_listen
from netcat_fixture import connect_with_retry, read_until, recv_until

# What user 1 types (one line per case), and what every other user must see.
CASES = [
    (b"\xc2\x9b31mred\xc2\x9b0m", b"\\302\\23331mred\\302\\2330m"),       # U+009B CSI in UTF-8
    (b"\x9b2J raw CSI", b"\\2332J raw CSI"),                                # raw C1 byte
    (b"\x1b]0;title\x07", b"\\033]0;title\\007"),                           # C0, as before
    (b"abc\xe2\x80\xaedef", b"abc\\342\\200\\256def"),                      # U+202E RIGHT-TO-LEFT OVERRIDE
    (b"\xe2\x81\xa6x\xe2\x81\xa9", b"\\342\\201\\246x\\342\\201\\251"),     # U+2066 ... U+2069 isolate
    (b"\xe0\x82\x9b overlong", b"\\340\\202\\233 overlong"),                # overlong U+009B: malformed
    (b"cut \xe2\x82", b"cut \\342\\202"),                                   # a character cut short
    ("caf\u00e9 \u65e5\u672c \U0001f600".encode(), "caf\u00e9 \u65e5\u672c \U0001f600".encode()),  # text
]


def test_chat_escapes_c1_controls_bidi_overrides_and_malformed_utf8(snc, procs):
    port = free_port()
    chat = procs.start([snc, "-l", "--chat", port], stdin=subprocess.PIPE)
    wait_for_listen(port)
    reader = connect_with_retry(("127.0.0.1", port))
    try:
        # The reader is user 1; wait for its own announcements to be done.
        recv_until(reader, lambda data: b"already connected" in data and data.endswith(b"\n"))
        typed = b"".join(line + b"\n" for line, _ in CASES)
        sender = procs.start(["nc", "-N", "127.0.0.1", port], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        sender.stdin.write(typed)
        sender.stdin.flush()
        expected = b"".join(b"<user2> " + shown + b"\n" for _, shown in CASES)
        received = recv_until(reader, lambda data: data.count(b"<user2> ") == len(CASES) and data.endswith(b"\n"))
        received_lines = [line for line in received.split(b"\n") if line.startswith(b"<user2> ")]
        assert b"\n".join(received_lines) + b"\n" == expected
        # The listener's own terminal gets the same escaped lines.
        stdout = read_until(chat.stdout, lambda data: data.count(b"<user2> ") == len(CASES) and data.endswith(b"\n"))
        assert expected in stdout
    finally:
        reader.close()
