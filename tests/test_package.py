"""The package as a whole: lazy imports, help on every command, every command in the README."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from clbp_cli.cli import app
from tests.conftest import REPO

COMMANDS = sorted(command.name or "" for command in app.registered_commands)


def test_importing_the_cli_pulls_in_neither_rich_nor_yaml() -> None:
    program = "import sys, clbp_cli.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'yaml', 'pydantic', 'textual')))"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("args", [["cite"], ["list", "--format", "json"], ["--version"]])
def test_plain_output_never_imports_rich(args: list[str]) -> None:
    program = (
        "import sys\nfrom clbp_cli.cli import run\n"
        f"code = run({args!r})\n"
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] == 'rich')))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stderr == "[]"


# What start-up must never pay for (benchmarks/startup.py has the timings): a regression to Typer 0.29 brings
# pydantic, to rich's Table layout brings rich.table, to importlib.resources brings zipfile, and a warm run that
# parses its data again brings yaml.
# Textual is for `clbp browse` alone.
NEVER_AT_START_UP = ("pydantic", "yaml", "rich.table", "rich.padding", "zipfile", "tempfile", "importlib.resources", "textual")  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [["list"], ["theme", "psychosocial"], ["themes"], ["search", "fear"], ["show", "mood"], ["cite"],
     ["list", "--format", "json"]],
)  # fmt: skip
def test_a_warm_run_imports_only_what_it_needs(args: list[str], tmp_path) -> None:
    program = (
        "import sys\nfrom clbp_cli.cli import run\n"
        f"code = run({args!r})\n"
        f"sys.stderr.write(repr(sorted(m for m in {NEVER_AT_START_UP!r} if m in sys.modules)))\n"
    )
    env = {**os.environ, "CLBP_CACHE_DIR": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env) for _ in "12"]
    assert runs[0].returncode == runs[1].returncode == 0
    assert runs[1].stderr == "[]"


@pytest.mark.parametrize(
    "args",
    [["--help"], ["list"], ["theme", "psychosocial"], ["themes"], ["search", "fear"], ["show", "mood"], ["cite"],
     ["list", "--format", "json"], ["themes", "--format", "svg"], ["show", "mood", "--format", "html"],
     ["validate", str(REPO / "src" / "clbp_cli" / "data" / "wun2021.yaml")], ["browse", "--help"], ["browse"]],
)  # fmt: skip
def test_only_the_browse_screen_imports_textual(args: list[str]) -> None:
    """Every other command, browse's help, and browse without a terminal (it stops before the screen)."""
    program = (
        "import sys\nfrom clbp_cli.cli import run\n"
        f"code = run({args!r})\n"
        "print(repr(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')), file=sys.__stderr__)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.stderr.splitlines()[-1] == "[]"


def test_the_commands() -> None:
    assert COMMANDS == ["browse", "cite", "list", "search", "show", "theme", "themes", "validate"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_a_summary_and_an_example(clbp, command: str) -> None:
    result = clbp(command, "--help")
    assert result.code == 0
    assert f"Usage: clbp {command}" in result.out
    assert "Example: clbp " in result.out
    summary = result.out.split("\n\n")[1].strip()
    assert summary and summary[0].isupper(), summary


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_appears_in_the_readme_with_an_example(command: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^\$ clbp {command}\b", readme, re.MULTILINE), command


def test_the_readme_documents_every_record_field(clbp) -> None:
    import json

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    fields = set(json.loads(clbp("show", "mood", "--format", "json").out))
    fields |= set(json.loads(clbp("search", "fear", "--format", "json").out)[0])
    fields |= set(json.loads(clbp("themes", "--format", "json").out)[0])
    for field in fields:
        assert f"`{field}`" in readme, field


def test_the_readme_test_command_is_what_ci_runs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^(python -m pip install .*pytest.*)$", readme, re.MULTILINE)
    assert command is not None
    assert command.group(1) in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def _with_clbp_on_path() -> dict[str, str]:
    import os
    from pathlib import Path

    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def test_the_readme_jq_example_works() -> None:
    import shutil

    if shutil.which("jq") is None:
        pytest.skip("jq is not installed (.ci/run installs it)")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ clbp list --format json | jq", 1)[1].split("```", 1)[0]
    command_rest, *expected = block.strip("\n").splitlines()
    done = subprocess.run(["bash", "-c", "clbp list --format json | jq" + command_rest], capture_output=True, text=True,
                          env=_with_clbp_on_path(), check=True)  # fmt: skip
    assert done.stdout.splitlines() == expected


def test_the_readme_pandas_example_works() -> None:
    pytest.importorskip("pandas")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_with_clbp_on_path(), check=True
    )
    lines = [line.split() for line in done.stdout.splitlines()]
    assert ["neuromuscular", "105"] in lines and ["psychosocial", "86"] in lines
