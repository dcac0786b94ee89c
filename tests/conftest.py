"""Shared helpers: run clbp in-process (fast, for most tests) or as a real subprocess (streams, terminals)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from clbp_cli.cli import run

REPO = Path(__file__).resolve().parent.parent

# The data cache of every test run (in-process and subprocesses alike) goes to a fresh folder, never the user's.
os.environ["CLBP_CACHE_DIR"] = tempfile.mkdtemp(prefix="clbp-test-cache-")
os.environ.pop("CLBP_NO_CACHE", None)

# CI replays the same examples on every run (a red CI is then reproducible, never a roll of the dice); a developer's
# run keeps exploring new ones. The examples that found bugs are pinned with @example beside their tests.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_configure(config: pytest.Config) -> None:
    """pytest-textual-snapshot writes its report of failed snapshots to the working folder: send it to a tmp one."""
    if getattr(config.option, "snapshot_report", None) == "snapshot_report.html":
        config.option.snapshot_report = str(Path(tempfile.gettempdir()) / "clbp-snapshot-report.html")


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def clbp(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run clbp in this process: clbp("list", "--top", "3") -> Result. Environment is cleaned of colour hints."""
    for name in ("NO_COLOR", "FORCE_COLOR", "CLBP_DATA", "COLUMNS", "TERM"):
        monkeypatch.delenv(name, raising=False)

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        code = run(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


def clbp_command() -> list[str]:
    """The installed console script, as a user runs it."""
    script = Path(sys.executable).parent / "clbp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "clbp_cli"]


def run_subprocess(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess[bytes]:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in ("NO_COLOR", "FORCE_COLOR", "CLBP_DATA", "COLUMNS")
    }
    return subprocess.run(
        [*clbp_command(), *args], env={**base, **(env or {})}, capture_output=True, timeout=60, **kwargs
    )
