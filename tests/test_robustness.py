"""Never a traceback: users' data files, hostile input, streams and terminals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clbp_cli.core.loading import load_dataset
from tests.conftest import clbp_command, run_subprocess

BUNDLED = load_dataset()


def bundled_text() -> str:
    from importlib.resources import files

    return (files("clbp_cli") / "data" / "wun2021.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str | bytes, name: str = "data.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# ---- users' own data --------------------------------------------------------------------------------------------


def test_a_copy_of_the_bundled_file_validates_and_is_used(clbp, tmp_path) -> None:
    path = write(tmp_path, bundled_text())
    result = clbp("validate", str(path))
    assert (result.code, result.out, result.err) == (0, f"{path}: OK: 33 mechanisms in 5 themes\n", "")
    assert clbp("list", "--data", str(path)).out == clbp("list").out


def test_an_updated_table_via_data_option_and_environment(clbp, tmp_path) -> None:
    text = bundled_text().replace("name: Sleep\n    count: 1", "name: Sleep\n    count: 40")
    path = write(tmp_path, text)
    top = json.loads(clbp("list", "--data", str(path), "--format", "json", "--top", "1").out)
    assert top[0]["name"] == "Sleep" and top[0]["count"] == 40 and top[0]["rank"] == 1
    from_environment = json.loads(clbp("list", "--format", "json", "--top", "1", env={"CLBP_DATA": str(path)}).out)
    assert from_environment == top


PROBLEM_CASES = {
    "negative count": (("count: 30", "count: -3"), "mechanisms[0].count: must be 0 or more, got -3"),
    "text count": (("count: 30", "count: thirty"), "mechanisms[0].count: must be a whole number, got text 'thirty'"),
    "float count": (("count: 30", "count: 30.5"), "mechanisms[0].count: must be a whole number, got 30.5"),
    "unknown theme": (("theme: tissue-healing\n    aliases: [circulation", "theme: plumbing\n    aliases: [circulation"),
                      "mechanisms[15].theme: unknown theme 'plumbing'"),
    "duplicate name": (("name: Motor control", "name: Muscle strength"), "mechanisms[1].name: duplicates mechanisms[0] ('Muscle strength')"),
    "duplicate id": (("id: motor-control", "id: muscle-strength"), "mechanisms[1].id: duplicates mechanisms[0]"),
    "bad id": (("id: motor-control", "id: Motor Control"), "mechanisms[1].id: must be lowercase letters"),
    "missing field": (("    count: 21\n", "\n"), "mechanisms[1].count: is missing"),
    "unknown field": (("    count: 21\n", "    count: 21\n    cuont: 3\n"), "mechanisms[1].cuont: is not a known field"),
    "python tag": (("count: 30", "count: !!python/object/apply:os.system ['echo pwned']"),
                   "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    "custom tag": (("count: 30", "count: !secret 30"), "YAML tag '!secret' is not allowed"),
    "theme totals": (("published_total: 105", "published_total: 106"), "study.published_proposals: must equal the sum"),
    "count above trials": (("count: 30", "count: 111"), "mechanisms[0].count: 111 is more than the 110 trials included"),
    "bad date": (('first_online: "2020-11-24"', 'first_online: "24 Nov 2020"'), "source.first_online: must be a date"),
    "format version": (("format_version: 2", "format_version: 9"), "format_version: must be 1 or 2"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(PROBLEM_CASES))
def test_validate_reports_each_problem_with_file_line_and_field(clbp, tmp_path, case: str) -> None:
    (old, new), expected = PROBLEM_CASES[case]
    text = bundled_text()
    assert old in text
    path = write(tmp_path, text.replace(old, new, 1))
    result = clbp("validate", str(path))
    assert (result.code, result.out) == (1, "")
    assert expected in result.err
    assert f"{path}:" in result.err  # names the file, with a line number
    assert "Traceback" not in result.err
    used = clbp("list", "--data", str(path))
    assert (used.code, used.out) == (1, "") and expected in used.err


def test_every_problem_is_listed_not_just_the_first(clbp, tmp_path) -> None:
    text = (
        bundled_text()
        .replace("count: 30", "count: -1")
        .replace("count: 21", "count: x")
        .replace("theme: psychosocial", "theme: nope", 1)
    )
    result = clbp("validate", str(write(tmp_path, text)))
    assert result.code == 1
    assert "(3 problems)" in result.err
    lines = [line for line in result.err.splitlines() if "mechanisms[" in line]
    assert [line.split(": ")[1] for line in lines] == [
        "mechanisms[0].count",
        "mechanisms[1].count",
        "mechanisms[3].theme",
    ]
    line_numbers = [int(line.split(":")[1]) for line in lines]
    assert line_numbers == sorted(line_numbers) and line_numbers[0] > 100


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "is empty"),
        ("   \n# only a comment\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "is a binary file"),
        (b"caf\xe9: 1\n", "is not UTF-8 text"),
        ("mechanisms: [1, 2\n", "is not valid YAML"),
        ("- just\n- a list\n", "must be a mapping of fields, got a list"),
        ("a: &x [1]\nb: *x\n", "anchors and aliases"),
        ("source: {}\nstudy: {}\nthemes: []\nmechanisms: []\n", "themes: must be a non-empty list"),
        ("42", "must be a mapping of fields, got a number"),
    ],
)
def test_broken_files_are_refused_with_the_file_named(clbp, tmp_path, content, expected) -> None:
    path = write(tmp_path, content)
    result = clbp("validate", str(path))
    assert (result.code, result.out) == (1, "")
    assert expected in result.err and str(path) in result.err


def test_a_yaml_alias_bomb_is_refused_quickly(clbp, tmp_path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join(['*a' + str(i - 1)] * 9)}]" for i in range(1, 10)]
    result = clbp("validate", str(write(tmp_path, "\n".join(lines) + "\n")))
    assert result.code == 1 and "anchors and aliases" in result.err


def test_missing_file_directory_and_unreadable(clbp, tmp_path) -> None:
    missing = clbp("list", "--data", str(tmp_path / "nope.yaml"))
    assert (missing.code, missing.out) == (1, "") and "no such file" in missing.err
    directory = clbp("validate", str(tmp_path))
    assert directory.code == 1 and "is a directory" in directory.err
    if os.geteuid() != 0:  # root reads anything
        locked = write(tmp_path, bundled_text())
        locked.chmod(0)
        assert "permission denied" in clbp("validate", str(locked)).err


def test_data_problems_are_cut_to_a_readable_list(clbp, tmp_path) -> None:
    text = bundled_text()
    for count in range(1, 31):
        text = text.replace(f"count: {count}\n", "count: -1\n")
    result = clbp("list", "--data", str(write(tmp_path, text)))
    assert result.code == 1
    assert "... and" in result.err and "more" in result.err


# ---- hostile input ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["[/]", "[red]x", "[bold]fear[/bold]", "\x1b[31mred", "fear\x1b]0;pwned\x07"])
def test_markup_and_escape_sequences_are_never_interpreted(clbp, query: str) -> None:
    result = clbp("search", query)
    assert result.code in (0, 1, 2)
    assert "Traceback" not in result.err
    assert "\x1b[31m" not in result.out and "\x07" not in result.out


def test_data_text_with_markup_prints_literally(clbp, tmp_path) -> None:
    text = bundled_text().replace("name: Mood", "name: '[red]Mood[/] <script>'")
    path = write(tmp_path, text)
    assert "[red]Mood[/] <script>" in clbp("list", "--data", str(path), "--color", "always").out
    html = clbp("show", "[red]", "--data", str(path), "--format", "html").out
    assert "&lt;script&gt;" in html and "<script>" not in html


ARGUMENT_WORDS = st.sampled_from(
    ["list", "theme", "themes", "search", "show", "cite", "validate", "--top", "-n", "--theme", "-t", "--sort",
     "--format", "-f", "--style", "--color", "--data", "--help", "--version", "json", "csv", "yaml", "markdown",
     "table", "svg", "html", "psychosocial", "neuro", "tissue", "fear", "mood", "muscle", "rank", "name", "0", "3",
     "-1", "apa", "bibtex", "ris", "auto", "never", "always", "[/]", "", "--", "-"]
)  # fmt: skip
ARGUMENTS = st.lists(st.one_of(ARGUMENT_WORDS, st.text(max_size=12)), max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=ARGUMENTS)
@example(argv=["validate", "\x00"])  # found by hypothesis on Python 3.10: ValueError, embedded null byte
@example(argv=["list", "--data", "a\x00b"])
@example(argv=["cite", "-o", "\x00"])
def test_random_arguments_never_crash(clbp, tmp_path_factory, monkeypatch, argv: list[str]) -> None:
    monkeypatch.chdir(tmp_path_factory.getbasetemp())  # in case an argument names a file; undone after the test
    result = clbp(*argv)
    assert result.code in (0, 1, 2), (argv, result)
    assert "Traceback" not in result.err
    if result.code != 0:  # stdout stays empty, but for a command's help, or an empty answer to a search
        assert result.out == "" or "search" in argv or (result.code == 2 and result.out.startswith("Usage: clbp ")), (
            argv
        )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(min_size=1, max_size=30))
def test_random_queries_answer_or_say_why(clbp, query: str) -> None:
    result = clbp("search", "--format", "json", "--", query)  # "--": a query such as "--help" is still a query
    assert result.code in (0, 1, 2)
    if result.code == 0:
        assert json.loads(result.out)
    elif result.code == 1:  # nothing found: an empty list for scripts, and why on stderr (or a query like --data)
        assert (not result.out or json.loads(result.out) == []) and result.err.startswith("clbp: error: ")
    else:
        assert result.out == "" and result.err.startswith("clbp: error: ")


# ---- streams ------------------------------------------------------------------------------------------------------


def test_a_reader_that_stops_early_ends_quietly() -> None:
    command = " ".join(f"'{part}'" for part in clbp_command())
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{command} list --format csv | head -1; echo \"status=${{PIPESTATUS[0]}}\""],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.stdout.splitlines() == [
        "rank,tied,id,name,theme,count,share_of_trials,share_of_trials_with_mechanism,count_source,theme_source",
        "status=0",
    ]
    assert done.stderr == ""


def test_a_full_disk_is_one_line_and_exit_1() -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [*clbp_command(), "list", "--format", "json"], stdout=full, stderr=subprocess.PIPE, timeout=60
        )
    assert done.returncode == 1
    assert done.stderr.decode().strip() == "clbp: error: cannot write the result to stdout: No space left on device"


def test_a_closed_stdout_is_one_line_and_exit_1() -> None:
    done = subprocess.run([*clbp_command(), "list"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60,
                          preexec_fn=lambda: os.close(1))  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.decode().startswith("clbp: error: cannot write the result: stdout is closed")


def test_ctrl_c_exits_130_without_a_traceback() -> None:
    program = (
        "import sys, clbp_cli.core.loading as loading\n"
        "def interrupted(*args, **kwargs): raise KeyboardInterrupt\n"
        "loading.load_dataset = interrupted\n"
        "sys.argv = ['clbp', 'list']\n"
        "from clbp_cli.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 130
    assert "Traceback" not in done.stderr


def test_a_bug_is_one_line_not_a_traceback() -> None:
    program = (
        "import sys, clbp_cli.cli as cli\n"
        "def broken(*args): raise RuntimeError('boom')\n"
        "cli._load = broken\n"
        "sys.argv = ['clbp', 'list']\n"
        "cli.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (70, "")
    assert done.stderr == (
        "clbp: error: internal error (RuntimeError: boom); please report it, with CLBP_DEBUG=1 for details\n"
    )
    debug = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "CLBP_DEBUG": "1"})  # fmt: skip
    assert debug.returncode == 1 and "Traceback" in debug.stderr and "RuntimeError: boom" in debug.stderr


# ---- terminals ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", [{"LANG": "C", "LC_ALL": "C"}, {"PYTHONIOENCODING": "ascii"}, {"TERM": "dumb"}])
@pytest.mark.parametrize(
    "args", [["list"], ["themes"], ["theme", "psychosocial"], ["search", "fear"], ["show", "mood"], ["cite"]]
)
def test_plain_and_ascii_terminals_still_print(env: dict[str, str], args: list[str]) -> None:
    done = run_subprocess(*args, env=env)
    assert (done.returncode, done.stderr) == (0, b"")
    assert b"\x1b[" not in done.stdout
    if "PYTHONIOENCODING" in env:
        done.stdout.decode("ascii")  # falls back from box drawing, bars and typographic quotes


def test_ascii_stream_falls_back_for_data_text_too(tmp_path) -> None:
    text = bundled_text().replace("name: Mood", "name: Humeur générale")
    path = write(tmp_path, text)
    done = run_subprocess("show", "humeur", "--data", str(path), env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0
    assert done.stdout.decode("ascii").lstrip().startswith("Humeur g?n?rale")
    as_json = run_subprocess(
        "show", "humeur", "--data", str(path), "--format", "json", env={"PYTHONIOENCODING": "ascii"}
    )
    assert json.loads(as_json.stdout.decode("utf-8"))["name"] == "Humeur générale"  # machine formats stay UTF-8


@pytest.mark.parametrize("width", [20, 21, 33, 40, 60, 80, 120, 200, 400])
@pytest.mark.parametrize(
    "args", [["list"], ["themes"], ["theme", "psychosocial"], ["search", "fear"], ["show", "kinesiophobia"]]
)
def test_any_terminal_width_renders(clbp, monkeypatch, width: int, args: list[str]) -> None:
    import clbp_cli.render.output

    monkeypatch.setattr(clbp_cli.render.output, "is_terminal", lambda stream: True)  # as if on a terminal
    result = clbp(*args, env={"COLUMNS": str(width), "TERM": "xterm-256color"})
    assert (result.code, result.err) == (0, "")
    assert "\x1b[" in result.out
    lines = _strip_ansi(result.out).splitlines()
    assert max(len(line) for line in lines) <= max(width, 20)
    if width >= 80 and args[0] in ("list", "themes"):
        assert "█" in result.out


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_no_color_and_color_option(clbp) -> None:
    assert "\x1b[" not in clbp("list", env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).out
    assert "\x1b[" in clbp("themes", "--color", "always", env={"NO_COLOR": "1"}).out


def test_a_real_terminal_gets_bars_and_colour() -> None:
    """Under a pseudo-terminal (script(1)), as a person sees it."""
    command = " ".join(f"'{part}'" for part in clbp_command())
    done = subprocess.run(["script", "-qec", f"{command} list --top 3", "/dev/null"], capture_output=True, timeout=60,
                          env={**os.environ, "COLUMNS": "100", "TERM": "xterm-256color"})  # fmt: skip
    if done.returncode != 0 and b"script" in done.stderr:
        pytest.skip("script(1) is not available")
    assert done.returncode == 0
    assert "█" in done.stdout.decode() and b"\x1b[" in done.stdout


def test_a_table_in_json_syntax_loads_too(clbp, tmp_path) -> None:
    import yaml

    data = yaml.safe_load(bundled_text())
    path = write(tmp_path, json.dumps(data), name="table.json")
    assert clbp("list", "--data", str(path), "--format", "csv").out == clbp("list", "--format", "csv").out
    data["mechanisms"][2]["count"] = -4
    broken = clbp("validate", str(write(tmp_path, json.dumps(data), name="bad.json")))
    assert broken.code == 1 and "mechanisms[2].count: must be 0 or more, got -4" in broken.err
    not_json = clbp("validate", str(write(tmp_path, '{"source": [1,', name="cut.json")))
    assert not_json.code == 1 and "is not valid YAML" in not_json.err
