"""Core pieces that the command-line tests do not reach: completion, citation edge cases, stream failures."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clbp_cli.cli import complete_mechanism, complete_theme
from clbp_cli.core import citation
from clbp_cli.core.loading import load_dataset
from clbp_cli.core.model import Author
from clbp_cli.render import output
from tests.conftest import clbp_command

SOURCE = load_dataset().source


def context(**params: str) -> SimpleNamespace:
    return SimpleNamespace(params=params)


def test_completion_of_themes_and_mechanisms(monkeypatch) -> None:
    monkeypatch.delenv("CLBP_DATA", raising=False)
    assert complete_theme(context(), "ne") == ["neuromuscular", "neurophysiological"]  # type: ignore[arg-type]
    assert complete_theme(context(), "") == [
        "neuromuscular",
        "psychosocial",
        "neurophysiological",
        "cardiometabolic",
        "tissue-healing",
    ]  # type: ignore[arg-type]
    # Ids, one shell word each, so Tab never splits a name into two arguments
    assert complete_mechanism(context(), "mus") == [
        "muscle-strength",
        "muscle-endurance",
        "muscle-tension",
        "muscle-power",
    ]  # type: ignore[arg-type]
    assert complete_mechanism(context(), "Muscle-s") == ["Muscle-strength"]  # type: ignore[arg-type]
    assert complete_theme(context(), "Tis") == ["Tissue-healing"]  # type: ignore[arg-type]
    assert complete_mechanism(context(data="/no/such/file.yaml"), "mus") == []  # type: ignore[arg-type]
    assert complete_theme(context(data="/no/such/file.yaml"), "") == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("clbp theme ps", ["psychosocial"]),
        ("clbp list --theme ti", ["tissue-healing"]),
        ("clbp show Mo", ["Motor-control", "Mood"]),
        ("clbp show mo", ["motor-control", "mood"]),  # ids, in the case typed: they resolve in any case
        ("clbp theme PSY", ["PSYchosocial"]),
        ("clbp cite --style b", ["bibtex"]),
        ("clbp list --format j", ["json"]),
    ],
)
def test_shell_completion_through_the_installed_command(words: str, expected: list[str]) -> None:
    env = {
        **os.environ,
        "_CLBP_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    done = subprocess.run(clbp_command(), env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.split("\n") == expected or [line.split(",")[-1] for line in done.stdout.splitlines()] == expected


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_for_each_shell(shell: str) -> None:
    env = {**os.environ, "_CLBP_COMPLETE": f"source_{shell}"}
    done = subprocess.run(clbp_command(), env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "_CLBP_COMPLETE" in done.stdout


def test_apa_author_lists_of_every_length() -> None:
    one = SOURCE._replace(authors=(Author("Wun", "Annika"),))
    assert citation.apa(one).startswith("Wun, A. (2021).")
    assert citation.short_author_year(one) == "Wun 2021"
    two = SOURCE._replace(authors=(Author("Wun", "Annika"), Author("Jones", "Matthew D.")))
    assert citation.apa(two).startswith("Wun, A., & Jones, M. D. (2021).")
    assert citation.short_author_year(two) == "Wun & Jones 2021"
    many = SOURCE._replace(authors=tuple(Author(f"Author{i}", "Jean-Paul") for i in range(1, 23)))
    text = citation.apa(many)
    assert "Author19, J.-P., . . . Author22, J.-P. (2021)." in text
    assert "Author20" not in text


def test_bibtex_escapes_special_characters() -> None:
    odd = SOURCE._replace(title="Pain & gain: 100% {effort}_now", authors=(Author("O'Brien", "Ann"),))
    entry = citation.bibtex(odd)
    assert r"Pain \& gain: 100\% \{effort\}\_now" in entry
    assert citation.citation_key(odd) == "obrien2021pain"


class Failing(io.StringIO):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def write(self, text: str) -> int:
        raise self.error


def test_stdout_failures_become_output_errors(monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdout", Failing(OSError(28, "No space left on device")))
    with pytest.raises(output.OutputError, match="No space left on device"):
        output.write_output("x", None, binary=False)
    monkeypatch.setattr(sys, "stdout", Failing(BrokenPipeError(32, "Broken pipe")))
    with pytest.raises(output.QuietExit):
        output.write_output("x", "-", binary=False)
    monkeypatch.setattr(sys, "stdout", None)
    with pytest.raises(output.OutputError, match="stdout is closed"):
        output.write_output("x", None, binary=True)


def test_messages_survive_a_missing_stderr(monkeypatch) -> None:
    monkeypatch.setattr(sys, "stderr", None)
    output.write_message("nobody hears this")
    monkeypatch.setattr(sys, "stderr", Failing(OSError(5, "I/O error")))
    output.write_message("nor this")


def test_ascii_streams_replace_what_they_cannot_encode(monkeypatch) -> None:
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", stream)
    output.prepare_streams()
    stream.write("générale")
    stream.flush()
    assert stream.buffer.getvalue() == b"g?n?rale"  # type: ignore[attr-defined]
    assert output._is_utf("no-such-codec") is False


def test_unwritable_output_file(tmp_path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    with pytest.raises(output.OutputError, match="permission denied; choose a folder you may write to"):
        output.write_output("x", str(locked / "out.txt"), binary=True)


def test_a_failed_file_write_leaves_nothing_behind(tmp_path, monkeypatch) -> None:
    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(output.OutputError, match="No space left on device"):
        output.write_output("x", str(tmp_path / "out.txt"), binary=True)
    assert list(tmp_path.iterdir()) == []


def test_width_from_a_bad_columns_variable(monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "wide")
    assert output._columns_from_environment() == output.PIPE_WIDTH


def test_a_theme_without_mechanisms_still_has_a_header(clbp, tmp_path) -> None:
    from importlib.resources import files

    text = (files("clbp_cli") / "data" / "wun2021.yaml").read_text(encoding="utf-8")
    empty_theme = "  - id: empty\n    name: Empty\n    published_total: 0\n    description: No mechanisms.\n"
    text = text.replace("\n# Table 2 of the review", empty_theme + "\n# Table 2 of the review", 1)
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    result = clbp("theme", "empty", "--data", str(path), "--format", "csv")
    header = (
        "rank,tied,id,name,theme,count,share_of_trials,share_of_trials_with_mechanism,count_source,theme_source\r\n"
    )
    assert (result.code, result.out) == (0, header)
    assert clbp("theme", "empty", "--data", str(path), "--format", "json").out == "[]\n"
    assert "0 mechanisms" in clbp("theme", "empty", "--data", str(path)).out


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(max_size=40) | st.from_regex(r"[A-Za-z_\-' ]{0,30}(is|ys|our|ae|tre|ll)(ation|e|ed|ing|er|s)?[ .]?")
)
def test_fold_and_its_highlighting_twin_agree(text: str) -> None:
    """fold() has a fast path for ASCII; fold_with_origins() (used to highlight matches) must fold the same way."""
    from clbp_cli.core.search import fold, fold_with_origins

    folded, origins = fold_with_origins(text)
    assert fold(text) == folded
    assert len(origins) == len(folded)
    assert all(0 <= origin < len(text) for origin in origins)


def test_fold_examples() -> None:
    from clbp_cli.core.search import fold

    assert fold("  Stabilisation_of the CENTRE--modelling  ") == "stabilization of the center modeling"
    assert fold("Kinaesthésie, behaviour!") == "kinesthesie behavior"
    assert fold("Straße") == "strasse"
