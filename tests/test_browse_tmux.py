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

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
    pytest.mark.real_program,
]

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

    def wait_until_gone(self, text: str) -> str:
        deadline = time.monotonic() + PATIENCE
        while True:
            screen = self.screen()
            if text not in screen or time.monotonic() > deadline:
                return screen
            time.sleep(0.1)

    def send(self, *keys: str) -> None:
        """tmux key names (Down, Escape, C-q) or literal text, each sent as the terminal would."""
        self("send-keys", "-t", "browse", *keys)

    def start(self, folder: Path, size: tuple[int, int]) -> Path:
        """clbp browse in a new session; returns the file its exit code will be written to."""
        status = folder / "status"
        # After clbp exits, the shell records its exit code and stays, so the restored screen can still be read (a
        # traceback would be on it: Textual draws on stderr, so stderr stays on the terminal).
        script = f"{shlex.join(clbp_command())} browse; echo $? >{shlex.quote(str(status))}; exec sleep 60"
        env = {
            key: value
            for key, value in os.environ.items()
            # COLUMNS and LINES (set by some test runners) would override the terminal's size in Textual's driver
            if key not in ("NO_COLOR", "FORCE_COLOR", "CLBP_DATA", "TMUX", "COLUMNS", "LINES")
        }
        subprocess.run(
            ["tmux", "-S", self.socket, "-f", os.devnull, "new-session", "-d", "-s", "browse", "-x", str(size[0]),
             "-y", str(size[1]), "sh", "-c", script],
            env={**env, "TERM": "xterm-256color"}, check=True, timeout=30,
        )  # fmt: skip
        return status

    def quit(self, status: Path) -> str:
        """Ctrl+Q, then the exit code once the shell has written it."""
        self.send("C-q")
        deadline = time.monotonic() + PATIENCE
        while not (status.exists() and status.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.1)
        return status.read_text().strip()

    def kill(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True, timeout=30)


LIST_FOOTER = " ↑↓ Move  Enter Open  / Search  0-5 Theme  c Cite  ? Keys  ^q Quit"


def footer(screen: str) -> str:
    return screen.rstrip("\n").splitlines()[-1].rstrip()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_every_named_key_works_from_the_first_screen_in_a_real_terminal(tmp_path: Path, size: tuple[int, int]) -> None:
    tmux = Tmux(tmp_path)
    status = tmux.start(tmp_path, size)
    try:
        screen = tmux.wait_for("? Keys")  # the footer: painted last
        assert "All 33 mechanisms, most proposed first" in screen
        assert footer(screen) == LIST_FOOTER

        tmux.send("2")
        assert "Psychosocial: proposed 87 of 241 times" in tmux.wait_for("Psychosocial: proposed")
        tmux.send("0")
        assert "All 33 mechanisms" in tmux.wait_for("All 33 mechanisms")
        tmux.send("c")  # the dialog's own keys: ← →, 1-5 and Enter
        assert "Wun, A., Kollias, P." in tmux.wait_for("Wun, A., Kollias, P.")
        tmux.send("Right")
        assert "Wun A, Kollias P" in tmux.wait_for("Wun A, Kollias P")
        tmux.send("3", "Enter")  # at once: Enter copies the style 3 chose
        screen = tmux.wait_for("Copied the BibTeX reference")
        assert "Copied the BibTeX reference" in screen and "@article" in screen
        tmux.send("Escape")
        tmux.wait_until_gone("Cite the review")
        for key in ("?", "F1"):
            tmux.send(key)
            assert "theme filter: 0 all, 1 neuromuscular" in tmux.wait_for("theme filter")
            tmux.send("Escape")
            assert "theme filter" not in tmux.wait_until_gone("theme filter")
        tmux.send("Down", "PageDown", "PageUp", "Up", "Enter")
        screen = tmux.wait_for("Esc Back")
        assert footer(screen) == " Esc Back  / Search  0-5 Theme  c Cite  ? Keys  ^q Quit"
        tmux.send("Escape")
        tmux.wait_until_gone("Esc Back")
        tmux.send("C-p")
        assert "Search for commands" in tmux.wait_for("Search for commands")
        tmux.send("Escape")
        tmux.wait_until_gone("Search for commands")

        tmux.send("/")
        screen = tmux.wait_for("Cancel search")
        assert footer(screen) == " ↑↓ Move  Enter Open  Esc Cancel search  F1 Keys  ^q Quit"
        # Key by key a few ms apart, as a fast typist and a held-down Backspace send them.
        for key in [*"fear", *["BSpace"] * 4, *"kinesiofobia"]:
            tmux.send(key)
            time.sleep(0.005)
        screen = tmux.wait_for("1 mechanism matches 'kinesiofobia' (no exact match; closest spellings)")
        assert "kinesiofobia" in screen.splitlines()[1] and "1 mechanism matches 'kinesiofobia'" in screen
        tmux.send("Enter")
        tmux.wait_for("Esc Back")
        tmux.send("Escape")
        assert "Esc Clear" in tmux.wait_for("Esc Clear")  # back in the list, still searched
        tmux.send("Escape")
        assert footer(tmux.wait_until_gone("Esc Clear")) == LIST_FOOTER
        tmux.send("Tab")  # the next pane: the card beside the list, or (narrow) the search box
        expected = "Esc Back" if size[0] >= 110 else "Esc Cancel search"
        assert expected in footer(tmux.wait_for(expected))

        assert tmux.quit(status) == "0"
        screen = tmux.screen()
        assert "Traceback" not in screen
        assert "Muscle strength" not in screen  # the app's screen is gone: the terminal is as it was
    finally:
        tmux.kill()


def test_a_terminal_too_small_says_so_in_a_real_terminal(tmp_path: Path) -> None:
    tmux = Tmux(tmp_path)
    status = tmux.start(tmp_path, (40, 12))
    try:
        screen = " ".join(tmux.wait_for("Ctrl+Q quits").split())
        assert "terminal too small: needs 60x16 (it is 40x12). Ctrl+Q quits." in screen
        assert tmux.quit(status) == "0"
    finally:
        tmux.kill()
