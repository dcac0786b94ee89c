"""Shell completion for clbp run by its path (`.venv/bin/clbp`, the README's main way), not only as `clbp` on PATH.

Bash looks up a completion for a command typed as a path under the path's last part, and the script clbp installs
calls the command as typed: so `.venv/bin/clbp --install-completion` is enough. Zsh's and fish's scripts call
`clbp` by name, which the README says (issue 17).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import clbp_command

BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None or len(clbp_command()) != 1, reason="needs bash and the installed clbp")


def _install(home: Path) -> Path:
    """`clbp --install-completion` as a bash user runs it, into a home folder of the test's own."""
    env = {"HOME": str(home), "SHELL": str(BASH), "PATH": os.environ.get("PATH", "")}
    done = subprocess.run(
        [*clbp_command(), "--install-completion"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    script = home / ".bash_completions" / "clbp.sh"
    assert f"source '{script}'" in (home / ".bashrc").read_text(encoding="utf-8")
    return script


@pytest.mark.parametrize("typed", ["absolute", "relative"])
def test_bash_completes_clbp_typed_as_a_path(tmp_path, typed: str) -> None:
    script = _install(tmp_path)
    program = Path(clbp_command()[0])
    folder = program.parents[2]  # the folder that holds the virtual environment, as after `cd` into the clone
    word = str(program) if typed == "absolute" else os.path.relpath(program, folder)
    probe = (
        f"source {script}\n"
        "complete -p clbp\n"
        f"COMP_WORDS=({word} theme neuro); COMP_CWORD=2\n"
        f"_clbp_completion {word} neuro theme\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}  # clbp is not on PATH
    done = subprocess.run([str(BASH), "-c", probe], cwd=folder, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "complete -o default -F _clbp_completion clbp",
        "neuromuscular",
        "neurophysiological",
    ]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_tab_in_a_real_bash_completes_venv_bin_clbp(tmp_path) -> None:
    """What a user sees: `.venv/bin/clbp theme neuro` then Tab Tab in an interactive bash, clbp not on PATH."""
    _install(tmp_path)
    program = Path(clbp_command()[0])
    word = os.path.relpath(program, program.parents[2])
    server = ["tmux", "-L", f"clbp-completion-{os.getpid()}"]
    shell = f"env -i HOME={tmp_path} PATH=/usr/bin:/bin TERM=xterm {BASH} --rcfile {tmp_path / '.bashrc'} -i"
    subprocess.run(
        [*server, "new-session", "-d", "-s", "t", "-x", "100", "-y", "10", "-c", str(program.parents[2]), shell],
        check=True,
    )
    try:
        subprocess.run([*server, "send-keys", "-t", "t", f"{word} theme neuro", "Tab", "Tab"], check=True)
        screen = ""
        for _ in range(50):  # up to 10 s on a busy machine
            time.sleep(0.2)
            screen = subprocess.run([*server, "capture-pane", "-p", "-t", "t"], capture_output=True, text=True).stdout
            if "neurophysiological" in screen:
                break
        assert "neuromuscular" in screen and "neurophysiological" in screen, screen
    finally:
        subprocess.run([*server, "kill-server"], check=False)
