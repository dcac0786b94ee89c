"""`clbp measures`: every instrument of clbp's vocabulary, whose list it is, its filters, formats and completion."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess

import pytest

from clbp_cli.core.loading import default_data_path, load_dataset
from clbp_cli.core.model import Measure
from clbp_cli.core.ranking import rank_mechanisms
from clbp_cli.core.views import CARD_MEASURES, measure_rows
from tests.conftest import clbp_command

DATASET = load_dataset(default_data_path())
EVERY_INSTRUMENT = sorted(
    (
        (measure.name, measure.abbreviation, mechanism.id)
        for mechanism in DATASET.mechanisms
        for measure in mechanism.measures
    ),
    key=lambda item: item[0].casefold(),
)
VOCABULARY_NOTE = (
    "The instruments (questionnaires, physical tests, lab values) are search vocabulary (clbp's own words, not the "
    "review's): what the data file lists as measuring each mechanism's construct. They are not a record of what the "
    "review's trials measured."
)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_json_lists_every_instrument_of_the_data_once_with_its_mechanism(clbp) -> None:
    result = clbp("measures", "--format", "json")
    assert (result.code, result.err) == (0, "")
    records = json.loads(result.out)
    assert len(EVERY_INSTRUMENT) == 294
    assert [(r["name"], r["abbreviation"], *r["mechanisms"]) for r in records] == EVERY_INSTRUMENT
    assert records[0] == {"name": "2-minute step test", "abbreviation": "",
                          "mechanisms": ["aerobic-fitness"], "mechanism_names": ["Aerobic fitness"],
                          "themes": ["cardiometabolic"]}  # fmt: skip


def test_the_table_says_the_list_is_clbps_not_the_reviews(clbp) -> None:
    result = clbp("measures", env={"COLUMNS": "120"})
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert lines[0] == (
        " 294 instruments for 30 of the 33 mechanisms: search vocabulary, clbp's own words, not the review's "
        "(Wun et al. 2021)"
    )
    assert lines[2].split() == ["Instrument", "Abbreviation", "Mechanism", "Theme"]
    assert lines[3].split()[:3] == ["2-minute", "step", "test"]
    assert any(line.split()[-3:] == ["TSK", "Kinesiophobia", "Psychosocial"] for line in lines)
    text = flat(result.out)
    assert VOCABULARY_NOTE in text
    assert "No instrument listed for: Stabilization, Gate control, Tissue restoration." in text
    assert "trials" not in text.replace("review's trials measured", "")  # no counts, so no count to misread


def test_theme_filter(clbp) -> None:
    result = clbp("measures", "--theme", "tissue", "--format", "csv")
    assert result.code == 0
    rows = list(csv.DictReader(io.StringIO(result.out)))
    tissue = {mechanism.id for mechanism in DATASET.mechanisms if mechanism.theme == "tissue-healing"}
    assert [(row["name"], row["abbreviation"], row["mechanisms"]) for row in rows] == [
        instrument for instrument in EVERY_INSTRUMENT if instrument[2] in tissue
    ]  # the theme's instruments, A-Z
    assert len(rows) == 24
    shown = [(row["abbreviation"] or row["name"], row["mechanisms"]) for row in rows]
    assert {("BMD", "bone-ligament"), ("CRP", "inflammation"), ("NIRS", "blood-flow")} <= set(shown)
    table = clbp("measures", "-t", "tissue-healing", env={"COLUMNS": "120"}).out
    assert flat(table).startswith(
        "24 instruments for 3 of the 4 tissue healing mechanisms: search vocabulary, clbp's own words, not the "
        "review's (Wun et al. 2021)"
    )
    header = next(line for line in table.splitlines() if "Instrument" in line)
    assert "Theme" not in header  # one theme: no theme column
    assert "No instrument listed for: Tissue restoration." in flat(table)


def test_mechanism_filter_takes_what_show_takes(clbp) -> None:
    by_id = json.loads(clbp("measures", "--mechanism", "kinesiophobia", "--format", "json").out)
    by_alias = json.loads(clbp("measures", "-m", "fear of movement", "--format", "json").out)
    assert by_id == by_alias
    assert [record["abbreviation"] for record in by_id] == [
        "FDAQ",
        "KCS",
        "PHODA",
        "PHODA-SeV",
        "TSK",
        "TSK-11",
        "TSK-17",
    ]
    typo = clbp("measures", "-m", "kinesiofobia", "--format", "json")
    assert (typo.code, json.loads(typo.out)) == (0, by_id)
    assert typo.err == "clbp: note: no exact match for 'kinesiofobia'; using the closest: Kinesiophobia\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [(["-m", "stabilization"], "Stabilization"), (["-m", "mood", "-t", "neuromuscular"], "Mood in the neuromuscular theme")],
)  # fmt: skip
def test_nothing_to_list_exits_1_with_an_empty_answer_for_scripts(clbp, args: list[str], message: str) -> None:
    table = clbp("measures", *args)
    assert (table.code, table.out) == (1, "")
    assert table.err == f"clbp: error: no instrument in the search vocabulary measures {message}\n"
    assert clbp("measures", *args, "--format", "json").out == "[]\n"
    assert clbp("measures", *args, "--format", "csv").out == "name,abbreviation,mechanisms,mechanism_names,themes\r\n"


@pytest.mark.parametrize("option", ["--mechanism", "--theme"])
def test_an_unknown_name_is_a_usage_error(clbp, option: str) -> None:
    result = clbp("measures", option, "zzzq")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("clbp: error: no ")


def test_html_and_markdown_carry_the_same_label(clbp) -> None:
    import html

    page = html.unescape(clbp("measures", "--format", "html").out)
    assert page.count("<tr>") == 294 + 1
    assert '<th scope="row">Tampa Scale for Kinesiophobia</th><td>TSK</td><td>Kinesiophobia</td>' in page
    assert VOCABULARY_NOTE in flat(page)
    markdown = clbp("measures", "--format", "markdown").out
    assert markdown.startswith(
        "**294 instruments for 30 of the 33 mechanisms: search vocabulary, clbp's own words, not the review's"
    )
    assert VOCABULARY_NOTE in flat(markdown)


def test_an_instrument_under_several_mechanisms_is_one_row() -> None:
    tsk = Measure("Tampa Scale for Kinesiophobia", "TSK")
    mechanisms = tuple(
        mechanism._replace(measures=(*mechanism.measures, Measure("tampa scale for kinesiophobia", "")))
        if mechanism.id == "fear-avoidance"
        else mechanism
        for mechanism in DATASET.mechanisms
    )
    ranked = rank_mechanisms(DATASET._replace(mechanisms=mechanisms))
    rows = [row for row in measure_rows(ranked) if row.measure.name.casefold() == tsk.name.casefold()]
    assert len(rows) == 1
    assert rows[0].measure == tsk  # the one with the abbreviation
    assert [r.mechanism.id for r in rows[0].mechanisms] == ["fear-avoidance", "kinesiophobia"]  # most proposed first
    assert rows[0].mechanism_names() == "Fear-avoidance, Kinesiophobia"


@pytest.mark.parametrize(("words", "expected"), [("clbp measures --mechanism kines", ["kinesiophobia"]),
                                                 ("clbp measures --theme tis", ["tissue-healing"])])  # fmt: skip
def test_completion_of_the_filters(words: str, expected: list[str]) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "CLBP_DATA"}
    environment.update(
        {"_CLBP_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
    )
    done = subprocess.run(clbp_command(), env=environment, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.splitlines()) == (0, expected)


def test_the_output_page_documents_every_instrument_field(clbp) -> None:
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "docs" / "output.md").read_text(encoding="utf-8")
    for field in json.loads(clbp("measures", "--format", "json").out)[0]:
        assert f"`{field}`" in readme, field


def test_a_card_names_its_first_instruments_and_says_how_to_list_the_rest(clbp) -> None:
    mood = next(mechanism for mechanism in DATASET.mechanisms if mechanism.id == "mood")
    assert len(mood.measures) > CARD_MEASURES
    card = flat(clbp("show", "mood", env={"COLUMNS": "100"}).out)
    shown = ", ".join(measure.label for measure in mood.measures[:CARD_MEASURES])
    more = len(mood.measures) - CARD_MEASURES
    assert f"Measured with {shown}, and {more} more (clbp measures -m mood) Related words" in card
    assert mood.measures[CARD_MEASURES].label not in card
    record = json.loads(clbp("show", "mood", "--format", "json").out)
    assert [measure["name"] for measure in record["measures"]] == [measure.name for measure in mood.measures]
    listed = json.loads(clbp("measures", "-m", "mood", "--format", "json").out)
    assert len(listed) == len(mood.measures)


def test_a_users_file_is_named_in_the_command_that_lists_the_rest(clbp, tmp_path) -> None:
    import importlib.resources
    import shlex

    path = tmp_path / "my table.yaml"
    path.write_bytes((importlib.resources.files("clbp_cli") / "data" / "wun2021.yaml").read_bytes())
    card = flat(clbp("show", "mood", "--data", str(path), env={"COLUMNS": "200"}).out)
    command = f"clbp measures -m mood --data {shlex.quote(str(path))}"
    assert f"more ({command})" in card
    listed = subprocess.run([*clbp_command(), *shlex.split(command)[1:]], capture_output=True, text=True, check=False)
    assert (listed.returncode, listed.stderr) == (0, "")
    mood = next(mechanism for mechanism in DATASET.mechanisms if mechanism.id == "mood")
    assert listed.stdout.lstrip().startswith(f"{len(mood.measures)} instruments for Mood")
