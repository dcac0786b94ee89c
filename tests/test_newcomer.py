"""What someone trying clbp for the first time meets (issue 13, "A newcomer's list"): help, usage lines, --data."""

from __future__ import annotations

import os
import re
import subprocess
from importlib.resources import files

import pytest

from tests.conftest import clbp_command

BUNDLED = files("clbp_cli") / "data" / "wun2021.yaml"
COMMANDS = ("list", "theme", "themes", "search", "show", "cite", "validate")


def test_bare_clbp_prints_the_help_on_stdout_and_exits_0(clbp) -> None:
    result = clbp()
    assert (result.code, result.err) == (0, "")
    assert result.out == clbp("--help").out
    assert result.out.startswith("Usage: clbp [OPTIONS] COMMAND [ARGS]...\n")
    assert "error" not in result.out.lower()


@pytest.mark.parametrize(("command", "usage"), [("show", "NAME"), ("theme", "NAME"), ("search", "QUERY"),
                                                ("validate", "PATH")])  # fmt: skip
def test_a_command_run_without_its_argument_prints_its_help_and_exits_2(clbp, command: str, usage: str) -> None:
    result = clbp(command)
    assert (result.code, result.err) == (2, "")
    assert result.out == clbp(command, "--help").out
    assert result.out.startswith(f"Usage: clbp {command} [OPTIONS] {usage}\n")
    assert "error" not in result.out.lower()


def test_an_option_without_the_argument_is_still_a_usage_error(clbp) -> None:
    result = clbp("show", "--format", "json")
    assert (result.code, result.out) == (2, "")
    assert result.err == "clbp: error: Missing argument 'NAME'.\nTry 'clbp show --help' for help.\n"


@pytest.mark.parametrize(("command", "usage"), [("show", "NAME"), ("theme", "NAME"), ("search", "QUERY"),
                                                ("validate", "PATH"), ("list", ""), ("cite", "")])  # fmt: skip
def test_usage_lines_name_arguments_without_braces(clbp, command: str, usage: str) -> None:
    first = clbp(command, "--help").out.splitlines()[0]
    assert first == f"Usage: clbp {command} [OPTIONS] {usage}".rstrip()


@pytest.mark.parametrize("columns", ["120", "80", "60", "40"])
def test_help_shows_every_command_summary_whole(clbp, columns: str) -> None:
    from clbp_cli.cli import app

    out = clbp("--help", env={"COLUMNS": columns}).out
    commands = out[out.index("Commands:\n") :].splitlines()[1:]
    listed = {}
    for line in commands:
        name, _, summary = line.strip().partition(" ")
        if line.startswith("  ") and not line.startswith("   "):
            listed[name] = summary.strip()
        else:  # a summary wrapped onto the next line, under itself
            listed[list(listed)[-1]] += " " + line.strip()
    summaries = {info.name: (info.callback.__doc__ or "").strip().split("\n")[0] for info in app.registered_commands}
    assert listed == summaries
    assert listed["cite"] == "Cite the review: APA, Vancouver, BibTeX, RIS or CSL-JSON."
    assert not any(line.endswith("...") for line in commands)
    if int(columns) >= 80:  # one line each
        assert len(commands) == len(summaries)


def test_errors_are_on_stderr_in_the_shapes_the_readme_describes(clbp, tmp_path) -> None:
    """One line; a usage error adds a 'Try' line; a data file's problems follow, one a line. stdout stays empty."""
    one = clbp("search", "zzzqqq")
    assert (one.code, one.out) == (1, "")
    assert len(one.err.splitlines()) == 1 and one.err.startswith("clbp: error: ")
    usage = clbp("list", "--top", "many")
    assert (usage.code, usage.out) == (2, "")
    assert usage.err.splitlines()[1:] == ["Try 'clbp list --help' for help."]
    bad = tmp_path / "bad.yaml"
    bad.write_text("format_version: 1\nsource: 3\n", encoding="utf-8")
    data = clbp("list", "--data", str(bad))
    assert (data.code, data.out) == (1, "")
    first, *problems = data.err.splitlines()
    assert re.fullmatch(r"clbp: error: cannot use the data file \(\d+ problems?\):", first)
    assert problems and all(line.startswith(f"  {bad}:") for line in problems)


@pytest.fixture
def renamed(tmp_path):
    """A data file in which Muscle strength is called Muscular strength."""
    text = BUNDLED.read_text(encoding="utf-8")
    assert text.count("name: Muscle strength") == 1
    path = tmp_path / "renamed.yaml"
    path.write_text(text.replace("name: Muscle strength", "name: Muscular strength"), encoding="utf-8")
    return path


def first_name(out: str) -> str:
    return re.split(r"\s{2,}", next(line for line in out.splitlines() if line.startswith("    1  ")).strip())[1]


def test_data_is_accepted_before_or_after_the_command_and_from_the_environment(clbp, renamed, tmp_path) -> None:
    assert first_name(clbp("list").out) == "Muscle strength"
    assert first_name(clbp("--data", str(renamed), "list").out) == "Muscular strength"
    assert first_name(clbp("list", "--data", str(renamed)).out) == "Muscular strength"
    assert first_name(clbp("list", env={"CLBP_DATA": str(renamed)}).out) == "Muscular strength"
    missing = str(tmp_path / "missing.yaml")
    # A --data typed anywhere wins over CLBP_DATA; typed twice, the one after the command wins.
    assert first_name(clbp("--data", str(renamed), "list", env={"CLBP_DATA": missing}).out) == "Muscular strength"
    assert first_name(clbp("--data", missing, "list", "--data", str(renamed)).out) == "Muscular strength"
    for command in (["theme", "neuromuscular"], ["themes"], ["search", "muscular"], ["show", "muscular strength"]):
        result = clbp("--data", str(renamed), *command)
        assert (result.code, result.err) == (0, ""), command
        assert "Muscular strength" in result.out or command == ["themes"]
    wrong = clbp("--data", missing, "cite")
    assert (wrong.code, wrong.out) == (1, "")
    assert missing in wrong.err


def test_the_bundled_files_header_names_an_option_that_works(clbp) -> None:
    assert "`clbp --data PATH`" in BUNDLED.read_text(encoding="utf-8")
    assert clbp("--data", str(BUNDLED), "list", "--top", "1").code == 0


@pytest.mark.parametrize(
    ("words", "env"),
    [
        ("clbp --data {path} show Muscu", {}),
        ("clbp show --data {path} Muscu", {}),
        ("clbp show Muscu", {"CLBP_DATA": "{path}"}),
        ("clbp --data {path} list --theme neurom", {}),
    ],
)
def test_completion_reads_the_data_wherever_it_is_given(renamed, words: str, env: dict[str, str]) -> None:
    words = words.format(path=renamed)
    # show completes ids (one shell word each): rename Muscular strength's id too, so only this file has it
    renamed.write_text(
        renamed.read_text(encoding="utf-8").replace("id: muscle-strength", "id: muscular-strength"), encoding="utf-8"
    )
    environment = {key: value for key, value in os.environ.items() if key != "CLBP_DATA"}
    environment.update({key: value.format(path=renamed) for key, value in env.items()})
    environment.update({"_CLBP_COMPLETE": "complete_bash", "COMP_WORDS": words,
                        "COMP_CWORD": str(len(words.split()) - 1)})  # fmt: skip
    done = subprocess.run(clbp_command(), env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    expected = ["neuromuscular"] if "--theme" in words else ["Muscular-strength"]  # its id, in the case typed
    assert done.stdout.splitlines() == expected
