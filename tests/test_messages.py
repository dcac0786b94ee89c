"""Messages and titles say the same thing the same way (issue 13): one quote style, one phrasing for a name that
matches nothing or several things, themes in the review's order everywhere, one title per table in every format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from importlib.resources import files

import pytest

THEMES = "neuromuscular, psychosocial, neurophysiological, cardiometabolic, tissue-healing"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["theme", "neuro"], 2, "'neuro' matches several themes: neuromuscular or neurophysiological; name one of them"),
        (["list", "--theme", "neuro"], 2,
         "'neuro' matches several themes: neuromuscular or neurophysiological; name one of them"),
        (["show", "muscle"], 1, "'muscle' matches several mechanisms: Muscle strength, Muscle endurance, "
                                "Muscle tension or Muscle power; name one of them"),
        (["theme", "tisue"], 2, f"no theme called 'tisue' (did you mean tissue-healing?); the themes are: {THEMES}"),
        (["theme", "zzz"], 2, f"no theme called 'zzz'; the themes are: {THEMES}"),
        (["theme", ""], 2, f"no theme called ''; the themes are: {THEMES}"),
        (["show", "xyzzy"], 1, "no mechanism called 'xyzzy'; clbp list shows every mechanism"),
        (["search", "zzzqqq"], 1, "no mechanism matches 'zzzqqq'; see every name with: clbp list"),
    ],
)  # fmt: skip
def test_theme_and_show_say_not_found_and_ambiguous_alike(clbp, args: list[str], code: int, message: str) -> None:
    result = clbp(*args)
    usage = f"Try 'clbp {args[0]} --help' for help.\n" if code == 2 else ""  # a usage error's one form
    assert (result.code, result.out, result.err) == (code, "", f"clbp: error: {message}\n{usage}")


def test_one_quote_style_in_titles_errors_and_notes(clbp) -> None:
    title = clbp("search", "fear").out.splitlines()[0]
    assert title == " 3 mechanisms match 'fear'"
    assert clbp("search", "fear", "--color", "always", env={"FORCE_COLOR": "1"}).out.splitlines()[0] == (
        " \x1b[1m3 mechanisms match 'fear'\x1b[0m"
    )
    assert clbp("show", "kinesiofobia").err == (
        "clbp: note: no exact match for 'kinesiofobia'; showing the closest: Kinesiophobia\n"
    )
    assert clbp("search", "it's zzz").err.startswith("clbp: error: no mechanism matches 'it's zzz';")
    assert clbp("show", "zzqq\a").err.startswith("clbp: error: no mechanism called 'zzqq\\x07';")
    errors = [clbp(*args).err for args in (["theme", "tisue"], ["show", "xyzzy"], ["list", "--format", "xml"])]
    assert not any(mark in err for err in errors for mark in '“”"')


def test_themes_are_listed_in_the_reviews_order_everywhere(clbp, tmp_path) -> None:
    order = [record["id"] for record in json.loads(clbp("themes", "--format", "json").out)]
    assert ", ".join(order) == THEMES
    assert f"the themes are: {THEMES}" in clbp("theme", "zzz").err
    by_theme = json.loads(clbp("list", "--sort", "theme", "--format", "json").out)
    assert list(dict.fromkeys(record["theme"] for record in by_theme)) == order
    text = (files("clbp_cli") / "data" / "wun2021.yaml").read_text(encoding="utf-8")
    path = tmp_path / "typo.yaml"
    path.write_text(text.replace("theme: psychosocial", "theme: psychological", 1), encoding="utf-8")
    assert f"unknown theme 'psychological'; themes are: {THEMES}" in clbp("validate", str(path)).err
    assert "--sort <rank|name|theme>" in clbp("list", "--help").out
    assert "theme (grouped by theme, in the order clbp themes lists them" in " ".join(
        clbp("list", "--help").out.split()
    )


class Titles(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside = ""
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag

    def handle_endtag(self, tag: str) -> None:
        self.inside = ""

    def handle_data(self, data: str) -> None:
        if self.inside in ("title", "h1"):
            self.found[self.inside] = self.found.get(self.inside, "") + data


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["list"],
         "Why is exercise prescribed for chronic low back pain? 33 mechanisms proposed in 74 of the 110 trials (Wun et al. 2021)"),
        (["list", "--theme", "tissue"],
         "Why is exercise prescribed for chronic low back pain? tissue healing mechanisms, 4 of the 33 proposed in 74 of the 110 "
         "trials (Wun et al. 2021)"),
        (["themes"], "Themes of the 33 mechanisms proposed in 74 of the 110 trials of exercise for chronic low back "
                     "pain (Wun et al. 2021)"),
        (["search", "fear"], "3 mechanisms match 'fear'"),
        (["search", "kinesiofobia"], "1 mechanism matches 'kinesiofobia' (no exact match; closest spellings)"),
    ],
)  # fmt: skip
def test_a_table_has_the_same_title_on_the_terminal_in_svg_and_in_html(clbp, args: list[str], expected: str) -> None:
    terminal = clbp(*args, env={"COLUMNS": "200"}).out.splitlines()[0]
    assert terminal == f" {expected}"
    svg = ElementTree.fromstring(clbp(*args, "--format", "svg").out)
    assert svg.findtext("{http://www.w3.org/2000/svg}title") == expected
    page = Titles()
    page.feed(clbp(*args, "--format", "html").out)
    assert page.found == {"title": expected, "h1": expected}
