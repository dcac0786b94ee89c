"""Whose each statement is (issue 16): the data names its sources (format 2), format 1 still loads, and the
descriptions define constructs without attributing anything to trialists beyond the count."""

from __future__ import annotations

import re

import pytest

from clbp_cli.core.loading import DataError, load_dataset, parse_dataset
from clbp_cli.core.model import PROVENANCE_GROUPS
from tests.conftest import REPO
from tests.test_robustness import bundled_text, write

LABELS = {
    "abstract": "the review's abstract (Wun et al. 2021)",
    "table": "Table 2 of the review, as reproduced in Psychology Today's 2020 article on it",
    "article": "Psychology Today's 2020 article on the review, not the review's abstract",
    "reconstruction": "clbp's reconstruction, not the review's: one assignment consistent with the published theme "
    "totals, not the only one",
    "clbp": "clbp's own words, not the review's",
}
STATED = {
    "study": "abstract", "trial_years": "article", "theme_totals": "abstract", "quotes": "article",
    "counts": "table", "mechanism_themes": "reconstruction", "theme_descriptions": "clbp", "definitions": "clbp",
    "vocabulary": "clbp",
}  # fmt: skip


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def format_1_text() -> str:
    """The bundled file as it would be written in format 1: no sources or provenance; the years' source in the study."""
    text = bundled_text()
    start, end = text.index("# Where the parts of this file come from"), text.index("\nsource:\n")
    text = text[:start] + text[end + 1 :]
    text = text.replace("format_version: 2\n", "format_version: 1\n")
    return text.replace(
        "  last_trial_year: 2019\n", "  last_trial_year: 2019\n  trial_years_source: a popular article on the review\n"
    )


def test_the_bundled_file_is_format_2_and_says_where_every_group_of_fields_comes_from(dataset) -> None:
    assert dataset.format_version == 2
    assert [item.group for item in dataset.provenance] == list(PROVENANCE_GROUPS)
    assert {item.group: item.source for item in dataset.provenance} == STATED
    assert {item.source: item.label for item in dataset.provenance} == LABELS
    assert dataset.said_by("counts") == LABELS["table"]
    assert dataset.said_by("mechanism_themes").startswith("clbp's reconstruction, not the review's")
    # The years come from the article, not the abstract the study's numbers come from: as format 1 said it.
    assert dataset.study.trial_years_source == LABELS["article"]


def test_the_bundled_header_no_longer_says_every_figure_is_from_the_abstract_and_table_2() -> None:
    header = bundled_text().split("format_version:")[0]
    assert "Every figure here comes from" not in header
    assert "the trials' years and the quotations from\n# that article" in header


def test_a_format_1_file_loads_unchanged_and_states_no_provenance(tmp_path) -> None:
    old = parse_dataset(format_1_text().encode(), "old.yaml")
    assert (old.format_version, old.provenance) == (1, ())
    assert old.said_by("counts") == "" and old.study.trial_years_source == "a popular article on the review"
    assert [m.name for m in old.mechanisms] == [m.name for m in parse_dataset(bundled_text().encode(), "b").mechanisms]


def test_validate_says_a_format_1_file_is_valid_and_what_format_2_adds(clbp, tmp_path) -> None:
    path = write(tmp_path, format_1_text())
    result = clbp("validate", str(path))
    assert (result.code, result.out) == (0, f"{path}: OK: 33 mechanisms in 5 themes\n")
    assert result.err == (
        "clbp: note: this file is in format 1, which still loads unchanged; format 2 adds `sources` and "
        "`provenance`, saying where each group of fields comes from (views show 'source not stated' without them). "
        "To upgrade, write 'format_version: 2' and add the two (see docs/data-format.md in clbp's documentation, or the bundled file)\n"
    )


def test_validate_says_nothing_more_about_a_format_2_file(clbp, tmp_path) -> None:
    result = clbp("validate", str(write(tmp_path, bundled_text())))
    assert (result.code, result.err) == (0, "")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("  quotes: article\n", ""), "provenance.quotes: is missing"),
        (("  quotes: article\n", "  quotes: articel\n"),
         "provenance.quotes: unknown source 'articel'; sources are: abstract, table, article, reconstruction, clbp"),
        (("  quotes: article\n", "  quotes: article\n  colours: clbp\n"), "provenance.colours: is not a known field"),
        (("  clbp: clbp's own words, not the review's\n", "  Clbp Own: clbp's own words\n"),
         "sources.Clbp Own: a source id must be lowercase letters"),
        (("  last_trial_year: 2019\n", "  last_trial_year: 2019\n  trial_years_source: an article\n"),
         "study.trial_years_source: is not a known field"),
        (("format_version: 2\n", "format_version: 1\n"), "sources: is a format 2 field; write 'format_version: 2'"),
    ],
)  # fmt: skip
def test_format_2_provenance_is_checked(tmp_path, change: tuple[str, str], expected: str) -> None:
    old, new = change
    text = bundled_text()
    assert old in text
    with pytest.raises(DataError) as raised:
        parse_dataset(text.replace(old, new, 1).encode(), "mine.yaml")
    assert any(expected in problem.describe("mine.yaml") for problem in raised.value.problems), raised.value


def test_docs_my_table_is_the_bundled_data_but_for_its_two_deliberate_mistakes() -> None:
    text = (REPO / "docs" / "my-table.yaml").read_text(encoding="utf-8")
    assert "a test keeps the two in step" in text.split("format_version:")[0]
    fixed = text.replace("    count: -15\n", "    count: 15\n").replace(
        "theme: psychological\n", "theme: psychosocial\n"
    )
    assert parse_dataset(fixed.encode(), "o")._replace(origin="") == parse_dataset(
        bundled_text().encode(), "o"
    )._replace(origin="")
    with pytest.raises(DataError) as raised:
        parse_dataset(text.encode(), "docs/my-table.yaml")
    assert [problem.path for problem in raised.value.problems] == ["mechanisms[3].count", "mechanisms[5].theme"]


# ---- definitions, not invented attributions -------------------------------------------------------------------


def test_no_description_attributes_reasoning_to_trialists(dataset) -> None:
    for text in [m.description for m in dataset.mechanisms] + [t.description for t in dataset.themes]:
        assert not re.search(r"\btrialists?\b|\bthey (saw|expected|presumed)\b", text, re.IGNORECASE), text


def test_the_audits_definitions(dataset) -> None:
    card = {m.name: m for m in dataset.mechanisms}
    power = card["Muscle power"].description
    assert "force and speed of contraction together" in power and "Rate of force development" in power
    assert "related but different" in power
    mastery = card["Mastery"]
    assert "Pearlin Mastery Scale" in [m.name for m in mastery.measures]
    assert mastery.description.startswith("A sense of control and competence: either a general sense of control")
    assert "in Bandura's theory builds self-efficacy" in mastery.description
    assert "The review's label does not say which the trials meant." in mastery.description
    assert [(m.name, m.abbreviation) for m in card["Muscle tension"].measures] == [
        ("surface electromyography", "sEMG"),  # the audit's: surface EMG records resting muscle activity
        ("MyotonPRO myometry", ""),  # the second review's: tone and stiffness of the resting muscle
        ("shear wave elastography", "SWE"),
        ("tensiomyography", "TMG"),
        ("tissue compliance meter", ""),
    ]


def test_words_that_are_no_synonyms_are_related_words(dataset) -> None:
    card = {m.name: m for m in dataset.mechanisms}
    assert "self-efficacy" not in card["Pain self-efficacy"].aliases
    assert "self-efficacy" in card["Pain self-efficacy"].keywords
    for word in ("position sense", "kinesthesia"):
        assert word not in card["Proprioception"].aliases and word in card["Proprioception"].keywords


def test_night_pain_and_too_heavy_are_gone(dataset) -> None:
    for mechanism in dataset.mechanisms:
        words = {w.casefold() for w in (*mechanism.aliases, *mechanism.keywords, *mechanism.phrases)}
        assert not {"night pain", "too heavy"} & words, mechanism.name


def test_the_cache_keeps_the_provenance_of_both_formats(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CLBP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CLBP_NO_CACHE", raising=False)
    for name, text in (("new.yaml", bundled_text()), ("old.yaml", format_1_text())):
        path = write(tmp_path, text, name=name)
        cold = load_dataset(path)
        assert list((tmp_path / "cache").glob("*.marshal")), name  # stored, and read back below
        warm = load_dataset(path)
        assert warm == cold and (warm.format_version, warm.provenance) == (cold.format_version, cold.provenance)
    assert load_dataset(tmp_path / "new.yaml").said_by("mechanism_themes") == LABELS["reconstruction"]


def test_quotations_descriptions_and_instruments_say_whose_they_are_from_the_files_sources(clbp, tmp_path) -> None:
    """The words under a quotation, a theme's description and `measures` take their sources' labels from the file:
    a user's own file with other sources reads right, and a format-1 file, which states none, says so."""

    def said(path: str, *args: str) -> str:
        result = clbp(*args, "--data", path, env={"COLUMNS": "200"})
        assert (result.code, result.err) == (0, ""), result.err
        return " ".join(result.out.split())

    text = bundled_text()
    mine = text.replace(
        "  article: Psychology Today's 2020 article on the review, not the review's abstract\n",
        "  article: my colleague's summary of the review\n",
    ).replace("  clbp: clbp's own words, not the review's\n", "  clbp: my own words\n")
    assert mine.count("my colleague") == mine.count("my own words") == 1
    path = str(write(tmp_path, mine, "mine.yaml"))
    theme = said(path, "theme", "psychosocial")
    assert (
        "— from a trial in the review, as quoted by Wun et al. 2021 (via my colleague's summary of the review)" in theme
    )
    assert "Description (my own words): Proposed mechanisms in thoughts" in theme
    assert said(path, "measures").startswith(
        "294 instruments for 30 of the 33 mechanisms: search vocabulary, my own words"
    )
    assert "Psychology Today" not in theme and "clbp's" not in said(path, "measures")

    old = str(write(tmp_path, format_1_text(), "old.yaml"))
    theme = said(old, "theme", "psychosocial")
    assert "self-efficacy.” — from a trial in the review, as quoted by Wun et al. 2021 Rank" in theme
    assert "Description (source not stated in the data file): Proposed mechanisms" in theme
    measures = said(old, "measures")
    assert measures.startswith(
        "294 instruments for 30 of the 33 mechanisms: search vocabulary, source not stated in the data file"
    )
    assert "clbp's" not in measures
