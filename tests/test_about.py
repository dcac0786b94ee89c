"""`clbp about`: the review at a glance, in every format, from the data."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ElementTree

import pytest
import yaml

from clbp_cli.core.loading import load_dataset
from clbp_cli.render.formats import OutputFormat
from tests.test_export import TableParser
from tests.test_formats import parse_markdown_table
from tests.test_robustness import bundled_text, write


def words(text: str) -> str:
    return " ".join(text.split())


def test_about_gives_question_design_numbers_conclusion_dates_themes_and_cite(clbp) -> None:
    result = clbp("about")
    assert (result.code, result.err) == (0, "")
    out = words(result.out)
    study = load_dataset().study
    assert out.startswith("About the review: Wun et al. 2021, the 33 mechanisms proposed in 74 of the 110 trials ─")
    assert f"Question {study.question}" in out
    assert (
        "Design Review of randomised controlled trials of adults with chronic low back pain indexed in PEDro as "
        "'fitness training' (PEDro searched from inception to July 2019). Two reviewers screened and extracted "
        "independently; quantitative and thematic analysis."
    ) in out
    assert (
        "Trials 186 studies identified, 110 trials included. 36 (33%) proposed no mechanism of benefit; the other 74 "
        "proposed at least one, most of them several."
    ) in out
    assert (
        "Mechanisms 33 mechanisms in 5 themes, proposed 241 times in all (the sum of the published theme totals, "
        "which the review's abstract (Wun et al. 2021) does not state; the mechanisms' listed counts add up to 240)."
    ) in out
    assert (
        "Sources From the review's abstract (Wun et al. 2021): the study's question, design, numbers of studies and "
        "trials, and conclusion; the themes' names and published totals. From Psychology Today's 2020 article on the "
        "review, not the review's abstract: the first and last year of the included trials; the themes' quotations. "
        "From Table 2 of the review, as reproduced in Psychology Today's 2020 article on it: the mechanisms' names, "
        "counts and order. From clbp's reconstruction, not the review's"
    ) in out
    assert f"Conclusion {study.finding}" in out  # the data's words (the abstract's hedged terms), no more
    assert (
        "Trials' years 1989-2019 (a figure from Psychology Today's 2020 article on the review, not the review's "
        "abstract)."
    ) in out
    assert (
        "Year 2021, volume 51, article 102307. First online on 24 November 2020, so some cite it as 2020; the "
        "article's year is 2021."
    ) in out
    assert "Cite clbp cite (APA; --style vancouver, bibtex, ris or csl-json; --format markdown or html)" in out
    lines = [line.split() for line in result.out.splitlines()]
    assert ["Neuromuscular", "105", "44%", "10", "105"] in lines
    assert ["Psychosocial", "87", "36%", "12", "86*"] in lines
    assert ["Tissue", "healing", "12", "5%", "4", "12"] in lines
    assert ["Total", "241", "100%", "33", "240"] in lines
    assert "Theme Published % of 241 Mechanisms Listed" in out
    assert "* Each mechanism's theme is clbp's reconstruction, not the review's" in out
    assert (
        "Under this reconstruction, the difference between the mechanisms' listed counts (240; from Table 2 of the "
        "review, as reproduced in Psychology Today's 2020 article on it) and the published total (241) falls in "
        "psychosocial."
    ) in out
    assert "(2021). Why is exercise prescribed for people with chronic low back pain?" in out
    assert "Trials =" not in out  # no Trials column here


def test_about_json_and_yaml_are_one_document(clbp) -> None:
    document = json.loads(clbp("about", "--format", "json").out)
    assert yaml.safe_load(clbp("about", "--format", "yaml").out) == document
    numbers = {key: document[key] for key in ("studies_identified", "trials_included", "trials_without_mechanism",
                                              "share_without_mechanism", "trials_with_mechanism", "mechanisms",
                                              "published_proposals", "listed_proposals", "first_trial_year",
                                              "last_trial_year", "year", "first_online")}  # fmt: skip
    assert numbers == {
        "studies_identified": 186, "trials_included": 110, "trials_without_mechanism": 36,
        "share_without_mechanism": 0.3273, "trials_with_mechanism": 74, "mechanisms": 33, "published_proposals": 241,
        "listed_proposals": 240, "first_trial_year": 1989, "last_trial_year": 2019, "year": 2021,
        "first_online": "2020-11-24",
    }  # fmt: skip
    assert [(t["id"], t["published_total"], t["listed_total"]) for t in document["themes"]] == [
        ("neuromuscular", 105, 105), ("psychosocial", 87, 86), ("neurophysiological", 22, 22),
        ("cardiometabolic", 15, 15), ("tissue-healing", 12, 12),
    ]  # fmt: skip
    assert "not the review's abstract" in document["trial_years_source"]
    assert document["reference"] == clbp("cite").out.strip()
    dataset = load_dataset()
    assert (document["theme_provenance"], document["finding"]) == (dataset.theme_provenance, dataset.study.finding)
    assert (document["question"], document["design"]) == (dataset.study.question, dataset.study.design)


def test_about_csv_is_fields_and_values(clbp) -> None:
    rows = list(csv.DictReader(io.StringIO(clbp("about", "--format", "csv").out, newline="")))
    values = {row["field"]: row["value"] for row in rows}
    assert values["trials_with_mechanism"] == "74"
    assert values["themes.psychosocial.published_total"] == "87"
    assert values["themes.psychosocial.listed_total"] == "86"
    assert values["themes.tissue-healing.name"] == "Tissue healing"
    assert values["first_online"] == "2020-11-24" and values["year"] == "2021"


def test_about_markdown_has_the_table_and_the_sentences_a_table_cannot_hold(clbp) -> None:
    text = clbp("about", "--format", "markdown").out
    assert text.startswith(
        "**About the review: Wun et al. 2021, the 33 mechanisms proposed in 74 of the 110 trials of exercise for "
        "chronic low back pain**\n"
    )
    table = {row["field"]: row["value"] for row in parse_markdown_table(text)}
    assert table["trials_without_mechanism"] == "36" and table["themes.psychosocial.published_total"] == "87"
    paragraphs = text.split("\n\n")
    assert any(
        p.startswith("Year: 2021, volume 51, article 102307. First online on 24 November 2020") for p in paragraphs
    )
    assert any("falls in psychosocial" in p for p in paragraphs)


def test_about_svg_and_html(clbp) -> None:
    svg = ElementTree.fromstring(clbp("about", "--format", "svg").out)
    title = svg.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and "33 mechanisms proposed in 74 of the 110 trials" in (title.text or "")
    page = clbp("about", "--format", "html").out
    parser = TableParser()
    parser.feed(page)
    assert parser.lang == "en" and parser.scripts == 0
    assert [row[:3] for row in parser.rows][1] == ["Psychosocial", "87", "36%"]
    assert "<dt>Trials&#x27; years</dt>" in page and "<i>Musculoskeletal Science and Practice</i>" in page
    assert "<p>Nothing here is medical advice.</p>" in page


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_about_works_in_every_format_and_to_a_file(clbp, tmp_path, output_format: OutputFormat) -> None:
    target = tmp_path / f"about.{output_format.value}"
    result = clbp("about", "--format", output_format.value, "-o", str(target))
    assert (result.code, result.out, result.err) == (0, "", "")
    assert target.read_text(encoding="utf-8").strip()


def test_about_says_only_what_the_data_holds(clbp, tmp_path) -> None:
    text = (
        bundled_text()
        .replace('first_online: "2020-11-24"', 'first_online: "2021-01-05"')
        .replace("  trial_years: article", "  trial_years: abstract")  # the years from the study's own source
    )
    text = re.sub(r"\n  question: >-\n(    .*\n)+", "\n", text)  # the question is optional
    out = words(clbp("about", "--data", str(write(tmp_path, text))).out)
    assert "Question" not in out and "a figure from" not in out and "cite it as" not in out
    assert "Trials' years 1989-2019. Year 2021, volume 51, article 102307. Sources From the review's abstract" in out


@pytest.mark.parametrize(("args", "expected"), [
    (["about"], "About the review: Wun et al. 2021, the 33 mechanisms proposed in 74 of the 110 trials"),
    (["theme", "psychosocial"], "Psychosocial theme · proposed 87 of 241 times (36% of all proposals)"),
])  # fmt: skip
def test_a_narrow_terminal_wraps_the_header_never_cuts_a_number(clbp, args: list[str], expected: str) -> None:
    out = clbp(*args, env={"COLUMNS": "40"}).out
    assert max(len(line) for line in out.splitlines()) <= 40
    assert words(out).startswith(expected)


def test_without_a_provenance_the_gap_is_still_placed(clbp, tmp_path) -> None:
    text = bundled_text()
    start = text.index("theme_provenance: >-")
    end = text.index("\ncaveat:")
    out = words(clbp("about", "--data", str(write(tmp_path, text[:start] + text[end:]))).out)
    assert "reconstructed" not in out
    assert (
        "* Under this assignment of themes, the difference between the mechanisms' listed counts (240; from Table 2 "
        "of the review, as reproduced in Psychology Today's 2020 article on it) and the published total (241) falls "
        "in psychosocial."
    ) in out
