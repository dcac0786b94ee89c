"""`clbp browse` in a real terminal: tmux runs it, types into it, reads its screen, and quits it with Ctrl+Q.

tmux runs on a private socket in the test's tmp folder, so no tmux session of the user's is touched.
.ci/run installs tmux when it is missing; elsewhere the test skips without it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import clbp_command

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")

PATIENCE = 30.0  # seconds to wait for something to appear; a wait, not a timing under test


class Tmux:
    def __init__(self, folder: Path) -> None:
        self.socket = str(folder / "tmux.sock")

    def __call__(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "browse")

    def wait_for(self, text: str) -> str:
        deadline = time.monotonic() + PATIENCE
        while True:
            screen = self.screen()
            if text in screen or time.monotonic() > deadline:
                return screen
            time.sleep(0.1)


def test_browse_in_tmux_types_reads_and_quits_cleanly(tmp_path: Path) -> None:
    tmux = Tmux(tmp_path)
    status = tmp_path / "status"
    # After clbp exits, the shell records its exit code and stays, so the restored screen can still be read (a
    # traceback would be on it: Textual draws on stderr, so stderr stays on the terminal).
    script = f"{shlex.join(clbp_command())} browse; echo $? >{shlex.quote(str(status))}; exec sleep 60"
    env = {
        key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "CLBP_DATA", "TMUX")
    }
    subprocess.run(
        ["tmux", "-S", tmux.socket, "-f", os.devnull, "new-session", "-d", "-s", "browse", "-x", "100", "-y", "30",
         "sh", "-c", script],
        env={**env, "TERM": "xterm-256color"}, check=True, timeout=30,
    )  # fmt: skip
    try:
        screen = tmux.wait_for("^q Quit")  # the footer: painted last
        assert "All 33 mechanisms, most proposed first" in screen
        assert "Search" in screen and "^q Quit" in screen

        tmux("send-keys", "-t", "browse", "-l", "fear")
        screen = tmux.wait_for("3 mechanisms match")
        assert "3 mechanisms match 'fear'" in screen
        assert "Fear-avoidance" in screen and "Kinesiophobia" in screen and "Catastrophizing" in screen
        assert "Muscle strength" not in screen

        tmux("send-keys", "-t", "browse", "C-q")
        deadline = time.monotonic() + PATIENCE
        while not (status.exists() and status.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert status.read_text().strip() == "0"
        screen = tmux.screen()
        assert "Traceback" not in screen
        assert "Fear-avoidance" not in screen  # the app's screen is gone: the terminal is as it was
    finally:
        subprocess.run(["tmux", "-S", tmux.socket, "kill-server"], capture_output=True, timeout=30)
