"""Machine formats: every format has a formatter for every command; each parses with its real parser; the
records agree across formats; no colour or markup ever."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from markdown_it import MarkdownIt

from clbp_cli.render.formats import FORMATS, MACHINE_FORMATS, OutputFormat, formatter_for

COMMANDS = {
    "list": ["list"],
    "theme": ["theme", "psychosocial"],
    "themes": ["themes"],
    "search": ["search", "fear"],
    "show": ["show", "mood"],
    "measures": ["measures"],
}
MECHANISM_FIELDS = ["rank", "tied", "id", "name", "theme", "count", "share_of_trials", "share_of_trials_with_mechanism",
                    "count_source", "theme_source"]  # fmt: skip
THEME_FIELDS = ["id", "name", "published_total", "published_share", "mechanism_count", "listed_total",
                "published_total_source"]  # fmt: skip
ESCAPE = "\x1b"


def test_every_format_has_a_formatter() -> None:
    assert set(FORMATS) == set(OutputFormat)
    for output_format in OutputFormat:
        assert callable(formatter_for(output_format))


@pytest.mark.parametrize("output_format", list(OutputFormat))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_format_works_for_every_command(clbp, command: str, output_format: OutputFormat) -> None:
    result = clbp(*COMMANDS[command], "--format", output_format.value, env={"FORCE_COLOR": "1"})
    assert (result.code, result.err) == (0, "")
    assert result.out.strip()
    if output_format in MACHINE_FORMATS:
        assert ESCAPE not in result.out


def parse(text: str, output_format: OutputFormat) -> list[dict[str, str]]:
    """Records as text, whatever the format, so they can be compared."""
    if output_format is OutputFormat.json:
        data = json.loads(text)
    elif output_format is OutputFormat.yaml:
        data = yaml.safe_load(text)
    elif output_format is OutputFormat.csv:
        return list(csv.DictReader(io.StringIO(text, newline="")))
    else:
        return parse_markdown_table(text)
    records = data if isinstance(data, list) else [data]
    return [{key: flat(value) for key, value in record.items()} for record in records]


def flat(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(map(flat, value))
    if isinstance(value, dict):  # a measure, as the flat formats write it: "name (abbreviation)"
        return f"{value['name']} ({value['abbreviation']})" if value.get("abbreviation") else str(value["name"])
    return str(value)


def parse_markdown_table(text: str) -> list[dict[str, str]]:
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    rows: list[list[str]] = []
    inside_row = False
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
            inside_row = True
        elif token.type == "tr_close":
            inside_row = False
        elif inside_row and token.type == "inline":
            rows[-1].append(token.content.replace("\\|", "|"))
    assert rows, "no Markdown table found"
    header, *body = rows
    return [dict(zip(header, row, strict=False)) for row in body]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_records_agree_across_formats(clbp, command: str) -> None:
    by_format = {
        output_format: parse(clbp(*COMMANDS[command], "--format", output_format.value).out, output_format)
        for output_format in (OutputFormat.json, OutputFormat.yaml, OutputFormat.csv, OutputFormat.markdown)
    }
    reference = by_format[OutputFormat.json]
    assert reference
    for output_format, records in by_format.items():
        assert records == reference, output_format


def test_list_json_is_a_plain_list_of_documented_records(clbp) -> None:
    records = json.loads(clbp("list", "--format", "json").out)
    assert len(records) == 33
    assert all(list(record) == MECHANISM_FIELDS for record in records)
    assert records[0] == {
        "rank": 1, "tied": False, "id": "muscle-strength", "name": "Muscle strength", "theme": "neuromuscular",
        "count": 30, "share_of_trials": 0.2727, "share_of_trials_with_mechanism": 0.4054, "count_source": "table",
        "theme_source": "reconstruction",
    }  # fmt: skip
    assert records[7]["rank"] == 7 and records[7]["tied"] is True


def test_themes_json_fields(clbp) -> None:
    records = json.loads(clbp("themes", "--format", "json").out)
    assert [list(record) for record in records] == [THEME_FIELDS] * 5
    assert records[1] == {
        "id": "psychosocial", "name": "Psychosocial", "published_total": 87, "published_share": 0.361,
        "mechanism_count": 12, "listed_total": 86, "published_total_source": "abstract",
    }  # fmt: skip


def test_show_json_is_one_object_with_aliases_and_description(clbp) -> None:
    record = json.loads(clbp("show", "kinesiophobia", "--format", "json").out)
    assert isinstance(record, dict)
    assert record["name"] == "Kinesiophobia" and record["rank"] == 9 and record["theme_name"] == "Psychosocial"
    assert "fear of movement" in record["aliases"]
    assert record["description"].startswith("An excessive fear of movement")
    assert (record["count_source"], record["theme_source"]) == ("table", "reconstruction")
    assert (record["description_source"], record["vocabulary_source"]) == ("clbp", "clbp")


def test_search_json_adds_relevance_and_match(clbp) -> None:
    records = json.loads(clbp("search", "fear", "--format", "json").out)
    assert [(r["name"], r["matched_field"], r["match_type"], r["matched_terms"]) for r in records] == [
        ("Fear-avoidance", "name", "words", ["fear"]), ("Kinesiophobia", "alias", "words", ["fear"]),
        ("Catastrophizing", "phrase", "words", ["fear"]),
    ]  # fmt: skip
    assert [r["relevance"] for r in records] == sorted((r["relevance"] for r in records), reverse=True)
    assert records[1]["matched_text"] == "fear of movement"


def test_theme_records_are_its_mechanisms(clbp) -> None:
    records = json.loads(clbp("theme", "cardio", "--format", "json").out)
    assert [r["name"] for r in records] == ["Aerobic fitness", "Body composition", "Body weight"]


def test_csv_is_rfc_4180(clbp) -> None:
    text = clbp("list", "--format", "csv").out
    assert text.startswith(
        "rank,tied,id,name,theme,count,share_of_trials,share_of_trials_with_mechanism,count_source,theme_source\r\n"
    )
    assert (
        "\r\n29,true,bone-ligament,Bone/ligament,tissue-healing,2,0.0182\r\n" in text.replace("=", "")
        or "bone-ligament" in text
    )
    shown = clbp("show", "mood", "--format", "csv").out
    (row,) = list(csv.DictReader(io.StringIO(shown, newline="")))
    assert row["aliases"] == "emotional state"
    assert row["keywords"].startswith("emotional wellbeing; depression; anxiety")
    assert "," in row["description"] and '"' in shown  # the description holds commas, so it is quoted


def test_markdown_has_a_title_and_the_notes_that_fit_under_the_table(clbp) -> None:
    text = clbp("themes", "--format", "markdown").out
    title, blank, header, *_ = text.splitlines()
    assert title == (
        "**Themes of the 33 mechanisms proposed in 74 of the 110 trials of exercise for chronic low back pain "
        "(Wun et al. 2021)**"
    )
    assert (blank, header) == (
        "",
        "| id | name | published_total | published_share | mechanism_count | listed_total | published_total_source |",
    )
    assert "| ---: |" in text
    assert text.rstrip().endswith("https://doi.org/10.1016/j.msksp.2020.102307")
    paragraphs = text.split("\n\n")
    assert paragraphs[2].startswith(
        "Psychosocial: the published total is 87, but its mechanisms' listed counts add up to 86."
    )
    assert paragraphs[3] == (
        "published\\_total = how often trialists proposed a mechanism of the theme (241 proposals in all, the sum of "
        "the published theme totals); published\\_share = its share of those 241 proposals, not of trials; "
        "listed\\_total = the sum of its mechanisms' counts. Proposals, not evidence that a mechanism works."
    )
    assert "Trials =" not in text and "count =" not in text


@pytest.mark.parametrize("command", ["list", "theme", "search", "show"])
def test_markdown_of_mechanisms_says_what_count_and_shares_are(clbp, command: str) -> None:
    text = clbp(*COMMANDS[command], "--format", "markdown").out
    assert (
        "count = how many of the 110 included trials proposed the mechanism: a proposal, not evidence that it works. "
        "share\\_of\\_trials = count / 110; share\\_of\\_trials\\_with\\_mechanism = count / 74, the trials that "
        "proposed at least one mechanism (36 proposed none). Of the 74 trials that proposed any mechanism, most "
        "proposed more than one, so the shares do not add up to 100%. count\\_source, theme\\_source: the ids of "
        "their sources in the data file (clbp about lists them), table = Table 2 of the review, as reproduced in "
        "Psychology Today's 2020 article on it; reconstruction = clbp's reconstruction, not the review's: one "
        "assignment consistent with the published theme totals, not the only one."
    ) in text
    assert "Trials =" not in text  # Markdown's columns are the record fields: there is no Trials column


def test_markdown_of_a_theme_carries_its_share_of_proposals_and_the_86_87_note(clbp) -> None:
    paragraphs = clbp("theme", "psychosocial", "--format", "markdown").out.split("\n\n")
    assert "Psychosocial: proposed 87 of 241 times (36% of all proposals)." in paragraphs
    assert any(p.startswith("Psychosocial: the published total is 87, but its mechanisms' listed counts add up to 86.")
               for p in paragraphs)  # fmt: skip


def test_markdown_escapes_the_query_in_its_title(clbp) -> None:
    text = clbp("search", "fear*", "--format", "markdown").out
    assert text.startswith("**3 mechanisms match 'fear\\*'**\n")


def test_yaml_loads_back_with_safe_load(clbp) -> None:
    data = yaml.safe_load(clbp("list", "--format", "yaml", "--theme", "tissue").out)
    assert [item["name"] for item in data] == ["Blood flow", "Inflammation", "Bone/ligament", "Tissue restoration"]


def test_output_file_stdout_dash_and_refusals(clbp, tmp_path) -> None:
    target = tmp_path / "list.json"
    result = clbp("list", "--format", "json", "-o", str(target))
    assert (result.code, result.out, result.err) == (0, "", "")
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 33
    assert clbp("list", "--format", "json", "-o", "-").out == target.read_text(encoding="utf-8")
    directory = clbp("list", "-o", str(tmp_path))
    assert (directory.code, directory.out) == (1, "")
    assert "is a directory" in directory.err
    missing = clbp("list", "-o", str(tmp_path / "no" / "such" / "dir.txt"))
    assert missing.code == 1 and "cannot write to" in missing.err


def test_table_written_to_a_file_is_plain(clbp, tmp_path) -> None:
    target = tmp_path / "list.txt"
    assert clbp("list", "-o", str(target), env={"FORCE_COLOR": "1"}).code == 0
    text = target.read_text(encoding="utf-8")
    assert ESCAPE not in text and "Muscle strength" in text


def test_force_color_colours_the_table_but_never_machine_formats(clbp) -> None:
    assert ESCAPE in clbp("list", env={"FORCE_COLOR": "1"}).out
    assert ESCAPE not in clbp("list", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).out
    assert ESCAPE not in clbp("list", "--color", "never", env={"FORCE_COLOR": "1"}).out
    assert ESCAPE in clbp("list", "--color", "always").out
    for output_format in MACHINE_FORMATS:
        assert ESCAPE not in clbp("list", "--format", output_format.value, "--color", "always").out


def test_the_format_help_names_every_format_once_from_the_registry(clbp) -> None:
    from clbp_cli.render.formats import format_help

    assert format_help() == (
        "Output format: table (default; for people), json, csv, yaml, markdown (for programs), svg, html (pictures)."
    )
    result = clbp("list", "--help")
    assert result.code == 0
    assert " ".join(format_help().split()) in " ".join(result.out.replace("│", " ").split())


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_only_the_empty_answer_formats_print_when_nothing_matches(clbp, output_format: OutputFormat) -> None:
    from clbp_cli.render.formats import EMPTY_ANSWER_FORMATS

    result = clbp("search", "zzzzqqqq", "--format", output_format.value)
    assert result.code == 1
    assert "no mechanism matches 'zzzzqqqq'" in result.err
    assert bool(result.out) == (output_format in EMPTY_ANSWER_FORMATS)
    assert {OutputFormat.json, OutputFormat.csv, OutputFormat.yaml} == EMPTY_ANSWER_FORMATS


def test_record_fields_are_the_views_declared_fields() -> None:
    """Mechanism and search records are written as dict literals for speed; view.fields() (the header of an empty
    answer) comes from the record NamedTuples. They agree, field for field, in order, for every view."""
    from clbp_cli.core import views
    from clbp_cli.core.loading import default_data_path, load_dataset
    from clbp_cli.core.ranking import rank_mechanisms, summarise_themes
    from clbp_cli.core.search import search

    dataset = load_dataset(default_data_path())
    ranked = rank_mechanisms(dataset)
    summaries = summarise_themes(dataset)
    answers = [
        views.MechanismListView(dataset, ranked, None, len(ranked)),
        views.ThemeView(dataset, summaries[0], tuple(r for r in ranked if r.mechanism.theme == summaries[0].theme.id)),
        views.ThemesView(dataset, summaries),
        views.SearchView(dataset, "fear", tuple(search(dataset, ranked, "fear"))),
        views.mechanism_view(dataset, ranked, ranked[0]),
        views.AboutView(dataset, summaries),
        views.MeasuresView(dataset, views.measure_rows(ranked)),
    ]
    for view in answers:
        assert list(view.records()[0]) == list(view.fields()), type(view).__name__


def test_every_view_has_one_entry_in_each_renderers_table() -> None:
    """A new view is one class in core/views.py plus one entry per renderer (docs/extending.md); forgetting one is
    caught here rather than by a user."""
    from typing import get_args

    from clbp_cli.core.views import View
    from clbp_cli.render.export import _PAGES
    from clbp_cli.render.terminal import LAYOUTS

    kinds = set(get_args(View))
    assert len(kinds) == 7
    assert set(LAYOUTS) == kinds
    assert set(_PAGES) == kinds
    for kind in kinds:
        for method in ("title", "fields", "records", "document", "record_notes"):
            assert callable(getattr(kind, method, None)), (kind.__name__, method)
