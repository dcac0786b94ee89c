"""`clbp browse` in a bare pseudo-terminal, for what a terminal multiplexer does not show: the terminal going away."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time

import pytest

from tests.conftest import clbp_command

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX"),
    pytest.mark.real_program,
]

PATIENCE = 30.0  # seconds to wait for the screen or for the exit; a wait, not a timing under test


def test_browse_quits_when_its_terminal_goes_away_without_a_hangup_signal() -> None:
    """The terminal is not browse's controlling terminal (no SIGHUP comes, as under some multiplexers and
    harnesses): before, Textual read end-of-file from it forever, at a whole core, long after the window closed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(
        [*clbp_command(), "browse"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    os.close(follower)
    try:
        drawn = b""
        deadline = time.monotonic() + PATIENCE
        while b"Muscle strength" not in drawn and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.5)[0]:
                drawn += os.read(leader, 65536)
        assert b"Muscle strength" in drawn  # the first screen was drawn
        os.close(leader)  # the window closes
        assert process.wait(timeout=PATIENCE) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
