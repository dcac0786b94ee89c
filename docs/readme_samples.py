"""The `$ clbp ...` samples of README.md and docs/*.md, made by running clbp (with cog: https://cog.readthedocs.io).

Each page with samples imports `sample` from here (one definition). Regenerate every sample after changing an
output, naming every page that has one (docs/design.md gives the command, and a test checks it names them all):
    .venv/bin/cog -r README.md docs/commands.md docs/search.md
The test suite checks that none is stale (cog --check on the same pages).

Each command runs as a user's would with its output piped: 100 columns, no colour, in a scratch folder holding a
copy of docs/ (so `-o FILE` writes nowhere that matters and `docs/my-table.yaml` is found). What it prints on
stdout and stderr is shown as a terminal shows it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import cog

DOCS = Path(__file__).resolve().parent
WIDTH = "100"
UNSET = ("NO_COLOR", "FORCE_COLOR", "CLBP_DATA", "COLUMNS", "LINES", "TERM", "CLBP_DEBUG")


def _clbp() -> list[str]:
    """The clbp installed beside the Python that runs cog (the project's .venv)."""
    script = Path(sys.executable).parent / "clbp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "clbp_cli"]


def sample(*commands: str) -> None:
    """A ```console block: for each command, its `$ clbp ...` line and then exactly what clbp printed."""
    env = {name: value for name, value in os.environ.items() if name not in UNSET}
    env.update(COLUMNS=WIDTH, NO_COLOR="1", PYTHONIOENCODING="utf-8")
    shown = []
    with tempfile.TemporaryDirectory(prefix="clbp-readme-") as folder:
        shutil.copytree(DOCS, Path(folder) / "docs", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        for command in commands:
            done = subprocess.run(
                [*_clbp(), *shlex.split(command)],
                cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                timeout=60, check=False,
            )  # fmt: skip
            output = done.stdout.decode("utf-8")
            shown.append(f"$ clbp {command}\n{output}" + ("" if output.endswith("\n") or not output else "\n"))
    cog.out("```console\n" + "\n".join(shown) + "```\n")
