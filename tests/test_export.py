"""SVG and HTML exports: parsed with real parsers, and the HTML rendered in a real browser."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import pytest

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(("args", "expected"), [(["list"], "Muscle strength"), (["themes"], "Psychosocial"),
                                                (["theme", "psychosocial"], "Kinesiophobia"), (["show", "mood"], "Mood")])  # fmt: skip
def test_svg_parses_has_a_title_and_no_network(clbp, args: list[str], expected: str) -> None:
    text = clbp(*args, "--format", "svg").out
    root = ElementTree.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox")  # scales without blurring
    title = root.find(f"{SVG}title")
    assert title is not None and "Wun et al. 2021" in (title.text or "")
    assert expected in "".join(root.itertext()).replace("\xa0", " ")
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text
    assert "@font-face" not in text


class TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.rows: list[list[str]] = []
        self.header_cells: list[str] = []
        self.lang: str | None = None
        self.links: list[str] = []
        self.scripts = 0
        self.section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag in ("thead", "tbody"):
            self.section = tag
        if tag == "tr" and self.section == "tbody":
            self.rows.append([])
        if tag == "a":
            self.links.append(attributes.get("href") or "")
        if tag == "script":
            self.scripts += 1
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.stack:
            return
        if self.section == "thead" and self.stack[-1] == "th":
            self.header_cells.append(data)
        elif self.section == "tbody" and self.stack[-1] in ("td", "th") and self.rows:
            self.rows[-1].append(data)


def parse_html(text: str) -> TableParser:
    parser = TableParser()
    parser.feed(text)
    parser.close()
    return parser


@pytest.mark.parametrize(("args", "rows", "first"), [(["list"], 33, "Muscle strength"), (["themes"], 5, "Neuromuscular"),
                                                     (["theme", "tissue"], 4, "Blood flow"), (["show", "mood"], 12, "Fear-avoidance"),
                                                     (["search", "fear"], 3, "Fear-avoidance")])  # fmt: skip
def test_html_is_a_document_with_a_real_table(clbp, args: list[str], rows: int, first: str) -> None:
    text = clbp(*args, "--format", "html").out
    page = parse_html(text)
    assert page.lang == "en"
    assert len(page.rows) == rows
    assert first in page.rows[0]
    assert page.header_cells[:2] in (["Rank", "Mechanism"], ["Theme", "Published"])
    assert "https://doi.org/10.1016/j.msksp.2020.102307" in page.links
    assert page.scripts == 0 and "<pre" not in text
    assert "prefers-color-scheme: dark" in text and "size: A4" in text


def test_html_escapes_every_value_from_a_users_file(clbp, tmp_path) -> None:
    from importlib.resources import files

    text = (files("clbp_cli") / "data" / "wun2021.yaml").read_text(encoding="utf-8")
    path = tmp_path / "data.yaml"
    path.write_text(text.replace("name: Mood", "name: <script>alert(1)</script>"), encoding="utf-8")
    page = clbp("list", "--data", str(path), "--format", "html").out
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")


def screenshot(html_file: Path, png: Path, tmp_path: Path, *, dark: bool = False) -> None:
    command = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", f"--user-data-dir={tmp_path / 'profile'}",
        "--hide-scrollbars", "--window-size=1000,900", f"--screenshot={png}",
    ]  # fmt: skip
    if dark:
        command.append("--force-dark-mode")
    command.append(html_file.as_uri())
    subprocess.run(command, capture_output=True, timeout=120, check=False)
    assert png.exists() and png.stat().st_size > 0, "Chromium wrote no screenshot"


def png_rows(png: Path, *, every: int = 1) -> list[list[tuple[int, int, int]]]:
    """Every `every`th pixel row of a PNG as RGB tuples, decoded with the standard library (8-bit RGB or RGBA,
    non-interlaced)."""
    import struct
    import zlib

    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour_type = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour_type in (2, 6)
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytearray(stride)
    rows: list[list[tuple[int, int, int]]] = []
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + predictor) & 255
        if row % every == 0:
            rows.append([(line[i], line[i + 1], line[i + 2]) for i in range(0, stride, channels)])
        previous = line
    return rows


def png_colours(png: Path) -> set[tuple[int, int, int]]:
    """Distinct colours of a PNG (every fourth pixel of every fourth row)."""
    return {pixel for row in png_rows(png, every=4) for pixel in row[::4]}


@pytest.mark.real_program
@pytest.mark.parametrize("dark", [False, True])
def test_the_html_export_renders_in_a_real_browser(clbp, tmp_path, dark: bool) -> None:
    html_file = tmp_path / "themes.html"
    assert clbp("themes", "--format", "html", "-o", str(html_file)).code == 0
    png = tmp_path / "themes.png"
    screenshot(html_file, png, tmp_path, dark=dark)
    colours = png_colours(png)
    assert len(colours) > 20, "the screenshot is blank"
    accent = (0x0A, 0x6E, 0x7C) if not dark else (0x5F, 0xD0, 0xDE)
    if not dark:
        assert accent in colours, "no bars drawn"


# ---- One title, solid bars, one ruler, the same sentences -------------------------------------------------------


def visible_svg_text(svg: str) -> str:
    """The text an SVG shows (not its <title> for screen readers), with rich's no-break spaces as spaces."""
    root = ElementTree.fromstring(svg)
    shown = [element.text or "" for element in root.iter(f"{SVG}text")]
    return "".join(shown).replace("\xa0", " ")


@pytest.mark.parametrize(("args", "title"), [(["about"], "About the review: Wun et al. 2021"),
                                             (["list", "--top", "3"], "Why is exercise prescribed for chronic low back pain?")])  # fmt: skip
def test_the_svg_shows_its_title_once_and_not_in_the_window_bar(clbp, args: list[str], title: str) -> None:
    svg = clbp(*args, "--format", "svg").out
    shown = visible_svg_text(svg)
    assert shown.count(title) == 1  # in the drawing, not again in the window bar
    root = ElementTree.fromstring(svg)
    chrome_titles = [e for e in root.iter(f"{SVG}text") if "title" in (e.get("class") or "")]
    assert [e.text for e in chrome_titles] in ([], [None], [""])
    assert title in (root.findtext(f"{SVG}title") or "")  # still named for screen readers


def test_svg_bars_are_solid_rectangles_on_the_terminals_ruler(clbp, monkeypatch) -> None:
    svg = clbp("theme", "tissue-healing", "--format", "svg").out
    assert not set(visible_svg_text(svg)) & set("\u2588\u2589\u258a\u258b\u258c\u258d\u258e\u258f")
    root = ElementTree.fromstring(svg)
    bars = [
        rect for rect in root.iter(f"{SVG}rect") if rect.get("shape-rendering") == "crispEdges" and rect.get("class")
    ]
    widths = [float(rect.get("width") or 0) for rect in bars]
    full = 30 * 12.2  # a 30-cell bar at rich's 12.2 px a cell stands for the most proposed mechanism's 30 trials
    assert [round(width / full * 30, 3) for width in widths] == [6, 3, 2, 1]  # Blood flow 6 at 6/30, as on a terminal
    monkeypatch.setattr("clbp_cli.render.output.is_terminal", lambda stream: True)  # a person at a 100-column terminal
    terminal = clbp("theme", "tissue-healing", "--color", "never", env={"COLUMNS": "100"}).out
    blood_flow = next(line for line in terminal.splitlines() if line.startswith("  =14  Blood flow"))
    assert blood_flow.endswith("5%  " + "\u2588" * 6)  # 6 of the 30 cells the most proposed mechanism's 30 fill


def bar_widths(page: str) -> list[str]:
    import re

    return re.findall(r'<td class="bar" aria-hidden="true"><span style="width: ([\d.]+)%"></span></td>', page)


def test_html_bars_are_on_the_same_ruler_as_the_terminal(clbp) -> None:
    assert bar_widths(clbp("theme", "tissue-healing", "--format", "html").out) == ["20.0", "10.0", "6.7", "3.3"]
    assert bar_widths(clbp("list", "--top", "2", "--format", "html").out) == ["100.0", "70.0"]  # 30 and 21 of 30
    assert bar_widths(clbp("show", "mood", "--format", "html").out)[0] == "50.0"  # fear-avoidance, 15 of 30
    assert bar_widths(clbp("themes", "--format", "html").out)[:2] == ["100.0", "82.9"]  # 105 and 87 of 105


def test_the_shared_sentences_are_the_same_in_every_renderer(clbp) -> None:
    import html

    def said(args: list[str]) -> dict[str, str]:
        table = clbp(*args, env={"COLUMNS": "400"}).out
        page = html.unescape(clbp(*args, "--format", "html").out)
        svg = visible_svg_text(clbp(*args, "--format", "svg").out)
        return {name: " ".join(text.split()) for name, text in (("table", table), ("html", page), ("svg", svg))}

    proposed = (
        "Proposed by 12 of the 110 trials as a mechanism of benefit (11% of 110; 16% of the 74 that proposed any "
        "mechanism)"
    )
    for name, text in said(["show", "mood"]).items():
        assert proposed in text, name
    note = "Note: the published total is 87, but the listed counts add up to 86"
    explain = (
        "Published = how often trialists proposed a mechanism of the theme (241 proposals in all, the sum of the "
        "published theme totals); % of 241 = its "
        "share of those 241 proposals, not of trials; Listed = the sum of its mechanisms' counts. Proposals, not "
        "evidence that a mechanism works."
    )
    for name, text in said(["theme", "psychosocial"]).items():
        assert note in text, name
        assert "proposed 87 of 241 times (36% of all proposals)" in text.lower(), name
        assert "12 mechanisms whose listed counts add up to 86" in text, name
        assert (
            "from a trial in the review, as quoted by Wun et al. 2021 (via Psychology Today's 2020 article on the "
            "review, not the review's abstract)"
        ) in text, name
        assert "Description (clbp's own words, not the review's): Proposed mechanisms in thoughts" in text, name
    for name, text in said(["list", "--top", "3"]).items():
        assert "Showing 3 of 33" in text, name
    for name, text in said(["themes"]).items():
        assert explain in text, name


@pytest.mark.real_program
def test_svg_bars_have_no_seams_in_chromium(clbp, tmp_path) -> None:
    svg_file = tmp_path / "list.svg"
    assert clbp("list", "--top", "5", "--format", "svg", "-o", str(svg_file)).code == 0
    png = tmp_path / "list.png"
    screenshot(svg_file, png, tmp_path)
    bar = (0x68, 0xA0, 0xB3)  # rich's cyan in its SVG theme
    rows = [row for row in png_rows(png) if row.count(bar) > 20]
    assert len(rows) >= 5 * 10, "no bars drawn"
    for row in rows:  # one bar per line: the bar's colour is one unbroken run across it, no hairlines between cells
        first, last = row.index(bar), len(row) - 1 - row[::-1].index(bar)
        assert all(pixel == bar for pixel in row[first : last + 1])
