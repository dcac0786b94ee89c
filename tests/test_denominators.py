"""Say it as the review does: 33 mechanisms proposed in 74 of the 110 trials, every share with its denominator,
and theme names for people, ids for programs. The numbers come from the data, never from the code."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree

import pytest

from clbp_cli.core.loading import load_dataset
from clbp_cli.core.views import headline
from tests.conftest import REPO
from tests.test_robustness import bundled_text, write

HEADLINE = "33 mechanisms proposed in 74 of the 110 trials"
HUMAN_FORMATS = ["table", "markdown", "svg", "html"]
COMMANDS = [["list"], ["list", "--theme", "tissue"], ["theme", "psychosocial"], ["themes"], ["search", "fear"],
            ["show", "mood"]]  # fmt: skip


def words(text: str) -> str:
    return " ".join(text.replace("&#160;", " ").replace("\xa0", " ").split())


def test_the_headline_is_derived_from_the_data() -> None:
    assert headline(load_dataset()) == HEADLINE


def test_help_says_74_of_the_110(clbp) -> None:
    result = clbp("--help")
    assert result.code == 0
    assert words(result.out).startswith(
        f"Usage: clbp [OPTIONS] COMMAND [ARGS]... Why is exercise prescribed for chronic low back pain? {HEADLINE} "
        "(Wun et al. 2021). The mechanisms of benefit proposed by the trials of a review, how many trials proposed "
        "each, and where each statement comes from. Counts say how many trials proposed a mechanism, not that it works."
    )


def test_help_follows_the_data_and_survives_a_broken_file(clbp, tmp_path) -> None:
    path = write(tmp_path, bundled_text().replace("trials_without_mechanism: 36", "trials_without_mechanism: 40"))
    assert "33 mechanisms proposed in 70 of the 110 trials" in words(clbp("-h", env={"CLBP_DATA": str(path)}).out)
    assert "33 mechanisms proposed in 70 of the 110 trials" in words(clbp("--data", str(path), "--help").out)
    broken = write(tmp_path, "not: [valid", name="broken.yaml")
    result = clbp("--help", env={"CLBP_DATA": str(broken)})
    # A user's file that cannot be read: the neutral summary, never this review's question or numbers.
    assert result.code == 0 and HEADLINE not in words(result.out) and "low back" not in result.out
    assert "The mechanisms of benefit proposed by the trials of a review" in words(result.out)


@pytest.mark.parametrize("output_format", HUMAN_FORMATS)
def test_titles_in_every_human_format_say_74_of_the_110(clbp, output_format: str) -> None:
    for args, expected in [
        (["list"], "proposed in 74 of the 110"),
        (["list", "--theme", "tissue"], "4 of the 33 proposed in 74 of the 110 trials"),
        (["themes"], f"Themes of the {HEADLINE}"),
    ]:
        out = clbp(*args, "--format", output_format).out
        if output_format == "svg":
            title = ElementTree.fromstring(out).find("{http://www.w3.org/2000/svg}title")
            assert title is not None and expected in words(title.text or "")
        assert expected in words(out), (args, output_format)


@pytest.mark.parametrize("args", COMMANDS)
@pytest.mark.parametrize("output_format", HUMAN_FORMATS)
def test_never_the_mechanisms_of_110_trials(clbp, args: list[str], output_format: str) -> None:
    out = words(clbp(*args, "--format", output_format).out)
    assert not re.search(r"(proposed (in|by)|that) 110\b", out), out


def test_a_data_file_with_other_numbers_changes_every_title(clbp, tmp_path) -> None:
    path = write(tmp_path, bundled_text().replace("trials_without_mechanism: 36", "trials_without_mechanism: 40"))
    env = {"CLBP_DATA": str(path)}
    assert "33 mechanisms proposed in 70 of the 110 trials" in words(clbp("list", env=env).out)
    assert "(70 proposed at least one mechanism, 40 none)" in words(clbp("list", env=env).out)
    record = json.loads(clbp("show", "muscle strength", "--format", "json", env=env).out)
    assert record["share_of_trials_with_mechanism"] == round(30 / 70, 4)


def test_share_of_trials_with_mechanism_is_count_over_74(clbp) -> None:
    records = json.loads(clbp("list", "--format", "json").out)
    for record in records:
        assert record["share_of_trials"] == round(record["count"] / 110, 4)
        assert record["share_of_trials_with_mechanism"] == round(record["count"] / 74, 4)
    assert records[0]["share_of_trials_with_mechanism"] == 0.4054  # Muscle strength, 30 of 74


def test_a_count_above_the_trials_that_proposed_any_is_refused(clbp, tmp_path) -> None:
    path = write(tmp_path, bundled_text().replace("trials_without_mechanism: 36", "trials_without_mechanism: 90"))
    result = clbp("validate", str(path))
    assert result.code == 1
    assert (
        "mechanisms[0].count: 30 is more than the 20 trials that proposed any mechanism (110 included, 90 without one)"
        in result.err
    )


@pytest.mark.parametrize("output_format", ["table", "svg", "html"])
def test_people_read_theme_names(clbp, output_format: str) -> None:
    for args in (["list"], ["search", "heal"], ["show", "blood flow"]):
        out = words(clbp(*args, "--format", output_format).out)
        assert "Tissue healing" in out and "tissue-healing" not in out, (args, output_format)


@pytest.mark.parametrize("output_format", ["json", "csv", "yaml", "markdown"])
def test_programs_read_theme_ids(clbp, output_format: str) -> None:
    out = clbp("list", "--theme", "tissue", "--format", output_format).out
    assert "tissue-healing" in out and "Tissue healing" not in out.split("\n\n", 1)[-1].split("Source:")[0]


def test_the_package_description_and_readme_say_74_of_the_110() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")  # tomllib is Python 3.11+
    description = re.search(r'^description = "(.*)"$', pyproject, re.MULTILINE).group(1)  # type: ignore[union-attr]
    assert HEADLINE in description
    readme = words((REPO / "README.md").read_text(encoding="utf-8"))
    assert HEADLINE in readme
    assert "mechanisms proposed in 110 trials" not in readme and "that 110" not in readme
