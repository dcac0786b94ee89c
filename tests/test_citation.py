"""Citations: exact text for the prose styles, real parsers for the reference-manager formats."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from clbp_cli.core.citation import CitationStyle
from tests.conftest import REPO

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
    assert (entry.fields["year"], entry.fields["volume"], entry.fields["eid"]) == ("2021", "51", "102307")
    assert "pages" not in entry.fields  # an article number is no page: biblatex's field for it is eid
    assert entry.fields["doi"] == "10.1016/j.msksp.2020.102307"


def test_ris_parses_with_rispy(clbp) -> None:
    import rispy

    text = clbp("cite", "--style", "ris").out
    (entry,) = rispy.loads(text)
    assert entry["type_of_reference"] == "JOUR"
    assert [author.split(",")[0] for author in entry["authors"]] == FAMILIES
    assert entry["title"] == TITLE
    assert entry["secondary_title"] == "Musculoskeletal Science and Practice"
    assert (entry["year"], entry["volume"]) == ("2021", "51")
    assert entry["custom7"] == "102307"  # C7: Article Number in EndNote's RIS; SP would make it a page
    assert "start_page" not in entry
    # DA is the item's date for Zotero and citeproc-js, ahead of PY: the online-first date there reads as 2020.
    assert "date" not in entry and not re.search(r"^(DA|Y1)  - ", text, re.MULTILINE)
    assert entry["doi"] == "10.1016/j.msksp.2020.102307"
    assert entry["issn"] == "2468-7812"
    assert text.splitlines()[0] == "TY  - JOUR" and text.splitlines()[-1] == "ER  - "


def test_csl_json_renders_with_citeproc(clbp) -> None:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    items = json.loads(clbp("cite", "--style", "csl-json").out)
    assert items[0]["type"] == "article-journal"
    assert (items[0]["issued"], items[0]["number"]) == ({"date-parts": [[2021]]}, "102307")  # an article number
    assert "page" not in items[0]
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


APA_MARKDOWN = APA.replace("Musculoskeletal Science and Practice, 51,", "*Musculoskeletal Science and Practice*, *51*,")


def test_apa_as_markdown_keeps_its_italics(clbp) -> None:
    result = clbp("cite", "--format", "markdown")
    assert (result.code, result.out, result.err) == (0, APA_MARKDOWN + "\n", "")
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").render(result.out)
    assert re.findall(r"<em>(.*?)</em>", rendered) == ["Musculoskeletal Science and Practice", "51"]


class _Paragraph(HTMLParser):
    """The text of the document's <p>, its <i> runs and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text = ""
        self.italics: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "i":
            self.italics.append("")
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        self.tags.pop()

    def handle_data(self, data: str) -> None:
        if "p" in self.tags:
            self.text += data
        if self.tags and self.tags[-1] == "i":
            self.italics[-1] += data


def test_apa_as_html_is_a_document_with_italics_and_a_link(clbp) -> None:
    result = clbp("cite", "--format", "html")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in result.out
    paragraph = _Paragraph()
    paragraph.feed(result.out)
    assert paragraph.text == APA
    assert paragraph.italics == ["Musculoskeletal Science and Practice", "51"]
    assert paragraph.links == ["https://doi.org/10.1016/j.msksp.2020.102307"]


def test_vancouver_as_markdown_and_html_has_no_italics(clbp) -> None:
    assert clbp("cite", "-s", "vancouver", "-f", "markdown").out == VANCOUVER + "\n"  # nothing to escape in it
    paragraph = _Paragraph()
    paragraph.feed(clbp("cite", "-s", "vancouver", "-f", "html").out)
    assert (paragraph.text, paragraph.italics) == (VANCOUVER, [])


def test_markdown_and_html_escape_what_the_data_says(tmp_path, clbp) -> None:
    from clbp_cli.core.citation import CitationMarkup, apa
    from clbp_cli.core.loading import load_dataset

    source = load_dataset().source._replace(title="Stars *and* <b>tags</b> & [links]_", journal="J_of <x>")
    assert "Stars \\*and\\* \\<b\\>tags\\</b\\> & \\[links\\]\\_." in apa(source, CitationMarkup.markdown)
    assert "*J\\_of \\<x\\>*" in apa(source, CitationMarkup.markdown)
    html = apa(source, CitationMarkup.html)
    assert "Stars *and* &lt;b&gt;tags&lt;/b&gt; &amp; [links]_." in html and "<i>J_of &lt;x&gt;</i>" in html


@pytest.mark.parametrize("style", ["bibtex", "ris", "csl-json"])
@pytest.mark.parametrize("markup", ["markdown", "html"])
def test_markup_is_for_prose_styles_only(clbp, style: str, markup: str) -> None:
    result = clbp("cite", "--style", style, "--format", markup)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"clbp: error: --format {markup} is for --style apa or vancouver; {style} is plain text (use --format text)\n"
        "Try 'clbp cite --help' for help.\n"
    )


# citation-js reads BibTeX, RIS and CSL-JSON as reference managers do, and formats with citeproc-js (the CSL
# engine of Zotero and Mendeley). tests/js holds its package.json and lock; .ci/run installs it with `npm ci`.
JS = REPO / "tests" / "js"


def _citation_js(text: str, output: str = "text") -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (citation-js runs on Node.js 18 or newer)")
    if not (JS / "node_modules" / "@citation-js" / "plugin-csl").is_dir():
        pytest.skip("citation-js is not installed: run `npm ci` in tests/js (.ci/run does)")
    done = subprocess.run(
        [node, str(JS / "apa.mjs"), output], input=text, capture_output=True, text=True, encoding="utf-8", timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.real_program
@pytest.mark.parametrize("style", ["bibtex", "ris", "csl-json"])
def test_reference_managers_read_the_2021_article_and_format_the_exact_apa(clbp, style: str) -> None:
    assert _citation_js(clbp("cite", "--style", style).out) == clbp("cite").out == APA + "\n"


@pytest.mark.real_program
def test_citeproc_js_italics_are_clbps(clbp) -> None:
    theirs = _citation_js(clbp("cite", "--style", "csl-json").out, "html")
    ours = clbp("cite", "--format", "html").out
    italics = re.compile(r"<i>(.*?)</i>")
    assert italics.findall(theirs) == italics.findall(ours) == ["Musculoskeletal Science and Practice", "51"]
