"""Every command's output and exit code, as a user sees them (plain output: stdout is not a terminal here)."""

from __future__ import annotations

import itertools
import re

import pytest

from clbp_cli import __version__

CAVEAT = "Trials = how many trials proposed the mechanism, not evidence that it works."
SHARES = (
    "Shares of trials are of all 110 included trials (74 proposed at least one mechanism, 36 none). Of the 74 trials "
    "that proposed any mechanism, most proposed more than one, so the shares do not add up to 100%."
)
SOURCE = "Source: Wun A, et al. Musculoskelet Sci Pract. 2021;51:102307"
THEME_NOTE = (
    "† Theme: clbp's reconstruction, not the review's: one assignment consistent with the published theme totals, "
    "not the only one (clbp about explains it)."
)


def rows(out: str) -> list[list[str]]:
    """Table rows of plain output: lines that start with a rank."""
    return [re.split(r"\s{2,}", line.strip()) for line in out.splitlines() if re.match(r"\s+=?\d+\s{2}", line)]


def test_list_shows_all_33_ranked_with_caveat_and_source(clbp) -> None:
    result = clbp("list")
    assert (result.code, result.err) == (0, "")
    table = rows(result.out)
    assert len(table) == 33
    assert table[0] == ["1", "Muscle strength", "Neuromuscular", "30", "27%"]
    assert table[6] == ["=7", "Flexibility", "Neuromuscular", "11", "10%"]
    assert table[7] == ["=7", "Endorphins", "Neurophysiological", "11", "10%"]
    assert table[8] == ["9", "Kinesiophobia", "Psychosocial", "10", "9%"]
    assert table[-1] == ["=30", "Sleep", "Psychosocial", "1", "1%"]
    out = " ".join(result.out.split())
    assert out.startswith(
        "Why is exercise prescribed for chronic low back pain? 33 mechanisms proposed in 74 of the 110 trials "
        "(Wun et al. 2021)"
    )
    assert "Rank Mechanism Theme† Trials % of 110" in out
    assert THEME_NOTE in out
    assert "Showing 33 of 33." in result.out
    assert CAVEAT in result.out
    assert SHARES in out
    assert SOURCE in out


def test_list_top_theme_and_sort(clbp) -> None:
    top = rows(clbp("list", "--top", "8").out)
    assert [row[1] for row in top] == [
        "Muscle strength", "Motor control", "Muscle endurance", "Fear-avoidance", "Pain self-efficacy", "Mood",
        "Flexibility", "Endorphins",
    ]  # fmt: skip
    themed = clbp("list", "--theme", "Tissue-Healing")
    assert [row[1] for row in rows(themed.out)] == ["Blood flow", "Inflammation", "Bone/ligament", "Tissue restoration"]
    assert "Showing 4 of 4." in themed.out
    by_name = rows(clbp("list", "--sort", "name", "--top", "3").out)
    assert [row[1] for row in by_name] == ["Aerobic fitness", "Biomechanics", "Blood flow"]
    by_theme = rows(clbp("list", "--sort", "theme").out)
    themes = [row[2] for row in by_theme]
    assert themes == sorted(
        themes, key=["Neuromuscular", "Psychosocial", "Neurophysiological", "Cardiometabolic", "Tissue healing"].index
    )
    assert by_theme[0][1] == "Muscle strength" and by_theme[10][1] == "Fear-avoidance"


@pytest.mark.parametrize("name", ["tissue healing", "Tissue-Healing", "TISSUE_HEALING", "tissue", "tissue-healing"])
def test_theme_names_are_matched_forgivingly(clbp, name: str) -> None:
    result = clbp("theme", name)
    assert result.code == 0
    assert result.out.lstrip().startswith("Tissue healing")


def test_theme_shows_total_share_description_quote_and_mechanisms(clbp) -> None:
    result = clbp("theme", "neuromuscular")
    assert result.code == 0
    out = " ".join(result.out.split())
    assert "proposed 105 of 241 times (44% of all proposals)" in out
    assert "Rank Mechanism Trials % of 110" in out and SHARES in out
    assert "10 mechanisms" in out
    assert '"Effective in decreasing the incidence' not in out  # typographic quotes on a UTF-8 stream
    assert "“Effective in decreasing the incidence and duration of low back pain episodes" in out
    assert "as quoted by Wun et al. 2021" in out
    assert [row[1] for row in rows(result.out)][:3] == ["Muscle strength", "Motor control", "Muscle endurance"]
    assert CAVEAT in out


def test_theme_psychosocial_surfaces_the_discrepancy(clbp) -> None:
    out = " ".join(clbp("theme", "psychosocial").out.split())
    assert "the published total is 87, but the listed counts add up to 86" in out


def test_theme_ambiguous_or_unknown_is_a_usage_error(clbp) -> None:
    ambiguous = clbp("theme", "neuro")
    assert (ambiguous.code, ambiguous.out) == (2, "")
    assert "neuromuscular or neurophysiological" in ambiguous.err
    unknown = clbp("theme", "tisue")
    assert (unknown.code, unknown.out) == (2, "")
    assert "did you mean tissue-healing?" in unknown.err
    assert "themes are: neuromuscular, psychosocial, neurophysiological, cardiometabolic, tissue-healing" in unknown.err


def test_themes_shows_both_totals_and_explains_the_difference(clbp) -> None:
    result = clbp("themes")
    assert result.code == 0
    lines = [re.split(r"\s{2,}", line.strip()) for line in result.out.splitlines()]
    assert ["Neuromuscular", "105", "44%", "10", "105"] in lines
    assert ["Psychosocial", "87", "36%", "12", "86*"] in lines
    assert ["Tissue healing", "12", "5%", "4", "12"] in lines
    assert ["Total", "241", "100%", "33", "240"] in lines
    out = " ".join(result.out.split())
    assert "* Psychosocial: the published total is 87, but its mechanisms' listed counts add up to 86." in out
    assert "clbp's reconstruction, not the review's" in out
    assert "Theme Published % of 241 Mechanisms Listed" in out
    assert (
        "Published = how often trialists proposed a mechanism of the theme (241 proposals in all, the sum of the "
        "published theme totals); % of 241 = its "
        "share of those 241 proposals, not of trials; Listed = the sum of its mechanisms' counts. Proposals, not "
        "evidence that a mechanism works."
    ) in out
    assert "Trials =" not in out and "Shares of trials" not in out  # no Trials column here


def test_search_fear_finds_the_sketched_three_in_relevance_order(clbp) -> None:
    result = clbp("search", "fear")
    assert result.code == 0
    assert result.out.lstrip().startswith("3 mechanisms match 'fear'")
    table = rows(result.out)
    assert [row[1] for row in table] == ["Fear-avoidance", "Kinesiophobia", "Catastrophizing"]
    assert table[0][-1] == "name: [Fear]-avoidance"
    assert table[1][-1] == "alias: [fear] of movement"
    assert table[2][-1] == "phrase: [fearing] the worst"


def test_search_no_match_and_empty_query(clbp) -> None:
    missing = clbp("search", "zzzqqq")
    assert (missing.code, missing.out) == (1, "")
    assert "no mechanism matches 'zzzqqq'" in missing.err
    near = clbp("search", "qqmood")
    assert near.code in (0, 1)
    empty = clbp("search", "   ")
    assert (empty.code, empty.out) == (2, "")
    assert "empty" in empty.err


def test_show_card(clbp) -> None:
    result = clbp("show", "kinesiophobia")
    assert (result.code, result.err) == (0, "")
    out = " ".join(result.out.split())
    assert out.startswith("Kinesiophobia Psychosocial† · rank 9 of 33")
    # What the review reports, with its source, apart from clbp's own words under a label saying so.
    assert (
        "From the review Proposed by 10 of the 110 trials as a mechanism of benefit (9% of 110; 14% of the 74 that "
        "proposed any mechanism). Source: Table 2 of the review, as reproduced in Psychology Today's 2020 article "
        "on it · clbp cite Notes (clbp's own words, not the review's) Definition An excessive fear of movement"
    ) in out
    assert "Also known as fear of movement Measured with" in out  # the one true synonym
    assert (
        "Related words phobia, perceived harmfulness, fear of injury, fear of reinjury, exposure therapy, graded "
        "exposure, exposure in vivo" in out
    )  # related, and therapies rather than exercise types
    assert "Exercise types" not in out
    assert "Same theme† Fear-avoidance (15) · Pain self-efficacy (14) · Mood (12)" in out
    assert out.endswith(
        "A count is how many of the 110 trials proposed the mechanism: a proposal, not evidence that it works. "
        + SHARES
        + " "
        + THEME_NOTE
    )
    assert "Trials =" not in out  # a card has no Trials column


@pytest.mark.parametrize(("name", "expected"), [("motor control", "Motor control"), ("MOOD", "Mood"),
                                                 ("fear of movement", "Kinesiophobia"), ("bone-ligament", "Bone/ligament"),
                                                 ("stabilisation", "Stabilization"), ("fear", "Fear-avoidance")])  # fmt: skip
def test_show_finds_by_name_alias_id_and_spelling(clbp, name: str, expected: str) -> None:
    result = clbp("show", name)
    assert result.code == 0
    assert result.out.lstrip().startswith(expected)


def test_show_tolerates_a_typo_and_says_so(clbp) -> None:
    result = clbp("show", "kinesiofobia")
    assert result.code == 0
    assert result.out.lstrip().startswith("Kinesiophobia")
    assert "no exact match for 'kinesiofobia'; showing the closest: Kinesiophobia" in result.err


def test_show_ambiguous_and_unknown_exit_1(clbp) -> None:
    ambiguous = clbp("show", "muscle")
    assert (ambiguous.code, ambiguous.out) == (1, "")
    assert "Muscle strength, Muscle endurance, Muscle tension or Muscle power" in ambiguous.err
    unknown = clbp("show", "xyzzy")
    assert (unknown.code, unknown.out) == (1, "")
    assert "no mechanism called 'xyzzy'" in unknown.err


def test_version_and_help(clbp) -> None:
    assert clbp("--version").out == f"clbp {__version__}\n"
    result = clbp("--help")
    assert result.code == 0
    for command in ("list", "theme", "themes", "search", "show", "cite", "validate"):
        assert re.search(rf"^\s+{command}\s+\S", result.out, re.MULTILINE), command


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["frobnicate"], "No such command 'frobnicate'"),
        (["list", "--bogus"], "No such option: --bogus"),
        (["list", "--top", "0"], "0 is not in the range x>=1"),
        (["list", "--top", "many"], "'many' is not a valid int"),
        (["list", "--format", "xml"], "'xml' is not one of 'table', 'json', 'csv', 'yaml', 'markdown', 'svg', 'html'"),
        (["list", "--sort", "size"], "'size' is not one of 'rank', 'name', 'theme'"),
        (["cite", "--style", "mla"], "'mla' is not one of 'apa', 'vancouver', 'bibtex', 'ris', 'csl-json'"),
        (["list", "--color", "pink"], "'pink' is not one of 'auto', 'always', 'never'"),
        (["list", "--theme", "nope"], "no theme called 'nope'"),
        (["show", "--color", "never"], "Missing argument 'NAME'"),
        (["search", "-f", "json"], "Missing argument 'QUERY'"),
    ],
)
def test_usage_errors_exit_2_with_the_fix_on_stderr(clbp, args: list[str], message: str) -> None:
    result = clbp(*args)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("clbp: error: ")
    assert message in result.err
    assert "Traceback" not in result.err


def test_options_are_case_insensitive(clbp) -> None:
    assert clbp("list", "--format", "JSON", "--top", "1").out.startswith("[")
    assert clbp("cite", "--style", "BibTeX").out.startswith("@article{wun2021why,")


def test_show_card_wraps_long_details_under_themselves(clbp) -> None:
    """Every item of a long detail is shown, continued under the value with a hanging indent."""
    result = clbp("show", "mood", env={"COLUMNS": "80"})
    lines = result.out.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(" Same theme"))
    continued = itertools.takewhile(lambda line: line.startswith(" " * 18), lines[start + 1 :])
    block = [lines[start], *continued]
    assert len(block) >= 2
    assert all(len(line) <= 80 for line in block)
    assert all(line[18] != " " for line in block[1:])  # continuation lines start under the value column
    joined = " ".join(line[18:].strip() for line in block)
    for other in ("Fear-avoidance (15)", "Pain tolerance (8)", "Catastrophizing (4)", "Mindfulness (1)", "Sleep (1)"):
        assert other in joined


def test_table_columns_line_up_with_the_title(clbp) -> None:
    lines = clbp("list", "--top", "3").out.splitlines()
    assert lines[0] == " Why is exercise prescribed for chronic low back pain? 33 mechanisms proposed in 74 of the 110"
    assert lines[1] == " trials (Wun et al. 2021)"  # one title in every format, wrapped like prose where it is too long
    assert lines[3] == " Rank  Mechanism         Theme†         Trials  % of 110"
    assert lines[4] == "    1  Muscle strength   Neuromuscular      30       27%"


def test_a_narrow_terminal_shortens_headers_before_names_and_never_cuts_numbers(clbp) -> None:
    themes = clbp("themes", env={"COLUMNS": "50"}).out.splitlines()
    header = next(line for line in themes if line.startswith(" Theme "))
    assert header.split() == ["Theme", "Pub.", "%", "Mech.", "Listed"]  # short forms; the footer spells them out
    rows = {line.split()[0]: line.split() for line in themes if line.startswith(" Neuro") or line.startswith(" Total")}
    assert rows["Neurophysiological"] == ["Neurophysiological", "22", "9%", "4", "22"]
    assert rows["Total"] == ["Total", "241", "100%", "33", "240"]
    assert max(len(line) for line in themes) <= 50
    theme = clbp("theme", "psychosocial", env={"COLUMNS": "40"}).out
    assert "   5  Pain self-efficacy       14  13%\n" in theme
    assert "  13  Disability                7   6%\n       perception\n" in theme  # wrapped, never cut


# Every usage error in one form (issue 17): "clbp: error: ..." then "Try 'clbp COMMAND --help' for help.", exit 2,
# nothing on stdout; whether click found it (an unknown option) or the command did (an unknown theme).
@pytest.mark.parametrize(
    ("args", "command", "message"),
    [
        (["theme", "foo"], "clbp theme", "no theme called 'foo'; the themes are: "),
        (["list", "--theme", "foo"], "clbp list", "no theme called 'foo'; the themes are: "),
        (["search", "fear", "-t", "foo"], "clbp search", "no theme called 'foo'; the themes are: "),
        (["search", ""], "clbp search", "the search query is empty; give a word to look for, e.g. clbp search fear"),
        (["search", " \t"], "clbp search", "the search query is empty; "),
        (["cite", "--style", "ris", "--format", "html"], "clbp cite", "--format html is for --style apa or vancouver"),
        (["list", "-f", "csv", "-o", "x.json"], "clbp list", "--format csv and -o x.json disagree"),
        (["show", "xyzzy", "-f", "CSV", "-o", "x.json"], "clbp show", "--format csv and -o x.json disagree"),
        (["list", "--data", "missing.yaml", "-f", "csv", "-o", "x.md"], "clbp list", "--format csv and -o x.md"),
        (["foo"], "clbp", "No such command 'foo'."),
        (["--bogus"], "clbp", "No such option: --bogus"),
        (["--data"], "clbp", "Option '--data' requires an argument."),
        (["list", "-o"], "clbp list", "Option '-o' requires an argument."),
        (["show", "--data"], "clbp show", "Option '--data' requires an argument."),
        (["list", "--top", "0"], "clbp list", "Invalid value for '--top' / '-n': 0 is not in the range x>=1."),
        (["list", "extra"], "clbp list", "Got unexpected extra argument(s) (extra)"),
        (["themes", "--format", "pdf"], "clbp themes", "Invalid value for '--format' / '-f': 'pdf' is not one of "),
    ],
)
def test_every_usage_error_has_one_form(
    clbp, monkeypatch, tmp_path, args: list[str], command: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)  # should a refused -o write after all, it writes here
    result = clbp(*args)
    assert (result.code, result.out) == (2, "")
    first, *rest = result.err.splitlines()
    assert first.startswith(f"clbp: error: {message}")
    assert rest == [f"Try '{command} --help' for help."]
    assert list(tmp_path.iterdir()) == []
