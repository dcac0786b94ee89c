"""A user's review is theirs (issue 16, item 7): with --data, no command, title, help text or footer names the
bundled review, its condition or its numbers unless the file does. The file is a made-up review of yoga for neck
pain (tests/fixtures/made-up-yoga-neck-pain.yaml, labelled as a fixture in its header). Also: the notes that sum
the data are computed from it (item 6), and every card says whose each statement is (item 2)."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import pytest

from clbp_cli.render.formats import OutputFormat
from tests.conftest import REPO, run_subprocess
from tests.test_provenance import format_1_text
from tests.test_robustness import bundled_text, write

FIXTURE = str(REPO / "tests" / "fixtures" / "made-up-yoga-neck-pain.yaml")

# The bundled review's name, condition and numbers, and its sources: none of them is the made-up review's.
REVIEW = (
    r"low back|lumbar|\bback pain\b|clbp'?s (own|reconstruction)|Wun|Kollias|Psychology Today|PEDro|Musculoskelet|"
    r"msksp|Table 2|\b(110|74|36|33|241|240|186|1989|2019)\b|\u2020"
)
NAMED = re.compile(REVIEW, re.IGNORECASE)
# In its output, not even the bundled review's mechanisms and themes (help texts may use them as examples).
LEAKS = re.compile(REVIEW + r"|kinesiophobia|Muscle strength|neuromuscular|psychosocial", re.IGNORECASE)

COMMANDS = [
    ["list"], ["list", "--theme", "physical"], ["list", "--sort", "theme"], ["theme", "psychological"], ["themes"],
    ["search", "stress"], ["search", "flexors"], ["show", "neck-strength"], ["show", "body awareness"], ["about"],
    ["measures"],
]  # fmt: skip


def visible(out: str, output_format: str) -> str:
    """What a reader sees: an SVG's title and text, a page's text (not drawing coordinates, styles or bar widths),
    else the whole output."""
    if output_format == "html":
        return re.sub(r"<[^>]*>", " ", re.sub(r"<style>.*?</style>", "", out, flags=re.DOTALL))
    if output_format != "svg":
        return out
    root = ElementTree.fromstring(out)
    texts = [element.text or "" for element in root.iter() if element.tag.rsplit("}", 1)[-1] in ("text", "title")]
    return " ".join(texts)


def assert_no_leak(text: str, where: str, pattern: re.Pattern[str] = LEAKS) -> None:
    found = sorted({match.group(0) for match in pattern.finditer(text)})
    assert not found, (where, found)


@pytest.mark.parametrize("output_format", [f.value for f in OutputFormat])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: " ".join(args))
def test_every_command_and_format_shows_only_the_users_review(clbp, args: list[str], output_format: str) -> None:
    result = clbp(*args, "--data", FIXTURE, "--format", output_format)
    assert (result.code, result.err) == (0, "")
    assert_no_leak(visible(result.out, output_format), f"{args} {output_format}")


@pytest.mark.parametrize(
    "args",
    [["--data", FIXTURE, "--help"], ["--help"], *[[command, "--help"] for command in
     ("list", "theme", "themes", "search", "show", "about", "cite", "browse", "validate", "measures")]],
)  # fmt: skip
def test_help_names_only_the_users_review(clbp, args: list[str]) -> None:
    result = clbp(*args, env={"CLBP_DATA": FIXTURE})
    assert (result.code, result.err) == (0, "")
    assert_no_leak(result.out, str(args), NAMED)


def test_the_help_takes_the_question_and_numbers_from_the_users_file(clbp) -> None:
    out = " ".join(clbp("--data", FIXTURE, "--help").out.split())
    assert "Why is yoga prescribed for chronic neck pain? 4 mechanisms proposed in 16 of the 21 trials" in out
    assert "(Fixture & Placeholder 2030)" in out


@pytest.mark.parametrize("style", ["apa", "vancouver", "bibtex", "ris", "csl-json"])
def test_cite_and_validate_name_only_the_users_review(clbp, style: str) -> None:
    cited = clbp("cite", "--style", style, "--data", FIXTURE)
    assert cited.code == 0 and "Fixture" in cited.out
    assert_no_leak(cited.out, style)
    checked = clbp("validate", FIXTURE)
    assert (checked.code, checked.err) == (0, "")
    assert_no_leak(checked.out, "validate")


def test_titles_take_the_topic_from_the_subject(clbp) -> None:
    title = clbp("list", "--data", FIXTURE, "--format", "markdown").out.splitlines()[0]
    assert title == (
        "**Why is yoga prescribed for chronic neck pain? 4 mechanisms proposed in 16 of the 21 trials "
        "(Fixture & Placeholder 2030)**"
    )
    themes = clbp("themes", "--data", FIXTURE, "--format", "markdown").out.splitlines()[0]
    assert themes == "**Themes of the 4 mechanisms proposed in 16 of the 21 trials of yoga for chronic neck pain " \
        "(Fixture & Placeholder 2030)**"  # fmt: skip


def test_without_a_subject_titles_are_neutral(clbp, tmp_path) -> None:
    with open(FIXTURE, encoding="utf-8") as stream:
        text = stream.read()
    start, end = text.index("subject:"), text.index("caveat:")
    path = write(tmp_path, text[:start] + text[end:])
    assert clbp("list", "--data", str(path), "--format", "markdown").out.splitlines()[0] == (
        "**4 mechanisms proposed in 16 of the 21 trials (Fixture & Placeholder 2030)**"
    )
    assert clbp("theme", "physical", "--data", str(path), "--format", "markdown").out.splitlines()[0] == (
        "**Physical mechanisms (Fixture & Placeholder 2030)**"
    )


def test_the_users_card_says_whose_each_statement_is(clbp) -> None:
    out = " ".join(clbp("show", "stress", "--data", FIXTURE).out.split())
    assert out.startswith("Stress Psychological · rank 3 of 4")  # themes from the counts' source: not marked
    assert (
        "From the review Proposed by 6 of the 21 trials as a mechanism of benefit (29% of 21; 38% of the 16 that "
        "proposed any mechanism). Source: Appendix B of the made-up review · clbp cite Notes (the fixture author's "
        "own words) Definition A feeling of strain"
    ) in out
    record = json.loads(clbp("show", "stress", "--data", FIXTURE, "--format", "json").out)
    assert {key: record[key] for key in ("count_source", "theme_source", "description_source", "vocabulary_source")} == {
        "count_source": "appendix", "theme_source": "appendix", "description_source": "ours", "vocabulary_source": "ours"
    }  # fmt: skip


# ---- the bundled review's cards: provenance on every one --------------------------------------------------------


def test_every_bundled_card_keeps_the_review_apart_from_clbps_words(clbp) -> None:
    for record in json.loads(clbp("list", "--format", "json").out):
        out = " ".join(clbp("show", record["id"]).out.split())
        review, _, notes = out.partition(" Notes (clbp's own words, not the review's) ")
        assert notes, record["id"]
        count = record["count"]
        proposed = (
            "Proposed by 1 trial (of the 110) as a mechanism of benefit"
            if count == 1
            else f"Proposed by {count} of the 110 trials as a mechanism of benefit"
        )
        assert f"From the review {proposed} (" in review, record["id"]
        assert "Source: Table 2 of the review, as reproduced in Psychology Today's 2020 article on it" in review
        assert notes.startswith("Definition "), record["id"]
        assert "Trialists proposed" not in out and "trialists linked" not in out
        assert "† · rank" in review and "Same theme† " in notes
        assert notes.endswith(
            "† Theme: clbp's reconstruction, not the review's: one assignment consistent with the published theme "
            "totals, not the only one (clbp about explains it)."
        )
        if "Exercise types" in notes:
            assert "Exercise types search associations, not what the trials proposed: " in notes


def test_every_human_format_marks_the_theme_as_clbps(clbp) -> None:
    html = clbp("list", "--format", "html").out
    assert '<th scope="col">Theme†</th>' in html and "† Theme: clbp&#x27;s reconstruction" in html
    card = clbp("show", "mood", "--format", "html").out
    assert "<dt>Theme</dt><dd>Psychosocial†</dd>" in card and "<h2>From the review</h2>" in card
    assert "<h2>Notes (clbp&#x27;s own words, not the review&#x27;s)</h2>" in card
    svg = visible(clbp("search", "fear", "--format", "svg").out, "svg")
    assert "Theme†" in svg
    ascii_out = run_subprocess("list", "--top", "1", env={"PYTHONIOENCODING": "ascii"}).stdout.decode("ascii")
    assert "Theme^" in ascii_out and "^ Theme: clbp's reconstruction" in " ".join(ascii_out.split())
    markdown = clbp("list", "--format", "markdown").out
    assert "| theme_source |" in markdown and "reconstruction = clbp's reconstruction" in markdown


def test_a_format_1_file_says_its_provenance_is_not_stated(clbp, tmp_path) -> None:
    path = str(write(tmp_path, format_1_text()))
    out = " ".join(clbp("show", "kinesiophobia", "--data", path).out.split())
    assert out.startswith("Kinesiophobia Psychosocial · rank 9 of 33")  # no source stated: no mark
    assert "Source: Wun et al. 2021, Table 2 (as the data file states)" in out
    assert "Notes (source not stated in the data file)" in out
    record = json.loads(clbp("show", "kinesiophobia", "--data", path, "--format", "json").out)
    assert (record["count_source"], record["theme_source"], record["description_source"]) == ("", "", "")
    about = json.loads(clbp("about", "--data", path, "--format", "json").out)
    assert (about["format_version"], about["sources"], about["provenance"]) == (1, {}, {})


# ---- notes computed from the data (item 6) ----------------------------------------------------------------------


def with_one_more_mechanism(count: int) -> str:
    """The bundled file with a mechanism added to the psychosocial theme (as a user extending the table would)."""
    added = (
        f"  - id: made-up-extra\n    name: Made-up extra\n    count: {count}\n    theme: psychosocial\n"
        "    description: A mechanism added by a user.\n"
    )
    return bundled_text().rstrip("\n") + "\n" + added


def test_an_edited_file_that_closes_the_gap_gets_no_difference_notes(clbp, tmp_path) -> None:
    path = str(write(tmp_path, with_one_more_mechanism(1)))  # psychosocial 86 + 1 = 87, all 241 = 241
    for args in (["themes"], ["about"], ["theme", "psychosocial"]):
        out = " ".join(clbp(*args, "--data", path).out.split())
        assert "but its mechanisms' listed counts add up to" not in out, args
        assert "the listed counts add up to" not in out and "falls in" not in out, args
        assert not re.search(r"\b86\b", out), args
    about = " ".join(clbp("about", "--data", path).out.split())
    assert (
        "proposed 241 times in all (the sum of the published theme totals, which the review's abstract (Wun et "
        "al. 2021) does not state)." in about
    )


def test_an_edited_file_states_its_own_sums(clbp, tmp_path) -> None:
    path = str(write(tmp_path, with_one_more_mechanism(3)))  # psychosocial 86 + 3 = 89; all 240 + 3 = 243
    themes = " ".join(clbp("themes", "--data", path).out.split())
    assert "* Psychosocial: the published total is 87, but its mechanisms' listed counts add up to 89." in themes
    assert " 86 " not in themes and "86*" not in themes
    about = " ".join(clbp("about", "--data", path).out.split())
    assert "the mechanisms' listed counts add up to 243)." in about
    assert (
        "the difference between the mechanisms' listed counts (243; from Table 2 of the review, as reproduced in "
        "Psychology Today's 2020 article on it) and the published total (241)"
    ) in about


def test_a_question_about_the_users_whole_review_is_recognised_by_its_own_subject_words(clbp) -> None:
    """The subject's words come from the file: 'neck pain' asks about the made-up review as a whole, while 'back
    pain' (the bundled review's subject) is just words that match nothing there."""
    whole = clbp("search", "neck pain", "--data", FIXTURE, "--format", "json")
    assert (whole.code, whole.out) == (1, "[]\n")
    assert "'neck pain' names what the whole review is about, not one mechanism" in whole.err
    assert_no_leak(whole.err, "search neck pain")
    other = clbp("search", "back pain", "--data", FIXTURE)
    assert other.code == 1 and "names what the whole review is about" not in other.err
