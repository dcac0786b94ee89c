"""Citations: exact text for the prose styles, real parsers for the reference-manager formats."""

from __future__ import annotations

import json

import pytest

from clbp_cli.core.citation import CitationStyle

APA = (
    "Wun, A., Kollias, P., Jeong, H., Rizzo, R. R. N., Cashin, A. G., Bagg, M. K., McAuley, J. H., & Jones, M. D. "
    "(2021). Why is exercise prescribed for people with chronic low back pain? A review of the mechanisms of benefit "
    "proposed by clinical trialists. Musculoskeletal Science and Practice, 51, Article 102307. "
    "https://doi.org/10.1016/j.msksp.2020.102307"
)
VANCOUVER = (
    "Wun A, Kollias P, Jeong H, Rizzo RRN, Cashin AG, Bagg MK, McAuley JH, Jones MD. Why is exercise prescribed for "
    "people with chronic low back pain? A review of the mechanisms of benefit proposed by clinical trialists. "
    "Musculoskelet Sci Pract. 2021;51:102307. doi: 10.1016/j.msksp.2020.102307. Epub 2020 Nov 24. PMID: 33254007."
)
TITLE = (
    "Why is exercise prescribed for people with chronic low back pain? A review of the mechanisms of benefit proposed "
    "by clinical trialists"
)
FAMILIES = ["Wun", "Kollias", "Jeong", "Rizzo", "Cashin", "Bagg", "McAuley", "Jones"]


def test_apa_7_is_the_default(clbp) -> None:
    result = clbp("cite")
    assert (result.code, result.out, result.err) == (0, APA + "\n", "")


def test_vancouver_follows_nlm(clbp) -> None:
    assert clbp("cite", "--style", "vancouver").out == VANCOUVER + "\n"


def test_bibtex_parses_with_pybtex(clbp) -> None:
    from pybtex.database import parse_string

    text = clbp("cite", "--style", "bibtex").out
    database = parse_string(text, "bibtex")
    entry = database.entries["wun2021why"]
    assert entry.type == "article"
    assert [str(person.last_names[0]) for person in entry.persons["author"]] == FAMILIES
    assert " ".join(entry.persons["author"][3].first_names + entry.persons["author"][3].middle_names) == "Rodrigo R. N."
    assert entry.fields["title"].replace("{A}", "A") == TITLE
    assert entry.fields["journal"] == "Musculoskeletal Science and Practice"
    assert (entry.fields["year"], entry.fields["volume"], entry.fields["pages"]) == ("2021", "51", "102307")
    assert entry.fields["doi"] == "10.1016/j.msksp.2020.102307"


def test_ris_parses_with_rispy(clbp) -> None:
    import rispy

    text = clbp("cite", "--style", "ris").out
    (entry,) = rispy.loads(text)
    assert entry["type_of_reference"] == "JOUR"
    assert [author.split(",")[0] for author in entry["authors"]] == FAMILIES
    assert entry["title"] == TITLE
    assert entry["secondary_title"] == "Musculoskeletal Science and Practice"
    assert (entry["year"], entry["volume"], entry["start_page"]) == ("2021", "51", "102307")
    assert entry["doi"] == "10.1016/j.msksp.2020.102307"
    assert entry["issn"] == "2468-7812"
    assert text.splitlines()[0] == "TY  - JOUR" and text.splitlines()[-1] == "ER  - "


def test_csl_json_renders_with_citeproc(clbp) -> None:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    items = json.loads(clbp("cite", "--style", "csl-json").out)
    assert items[0]["type"] == "article-journal"
    assert items[0]["DOI"] == "10.1016/j.msksp.2020.102307"
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem("wun2021why")]))
    (rendered,) = [str(entry) for entry in bibliography.bibliography()]
    assert rendered.startswith("Wun, A.")
    assert "2021" in rendered and "Why is exercise prescribed" in rendered
    assert "Musculoskeletal Science and Practice" in rendered


@pytest.mark.parametrize("style", list(CitationStyle))
def test_every_style_can_be_written_to_a_file(clbp, tmp_path, style: CitationStyle) -> None:
    target = tmp_path / f"wun.{style.value}"
    result = clbp("cite", "--style", style.value, "-o", str(target))
    assert (result.code, result.out, result.err) == (0, "", "")
    assert target.read_text(encoding="utf-8") == clbp("cite", "--style", style.value).out
