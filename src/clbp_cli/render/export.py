"""Pictures to share: SVG (the terminal table, drawn by rich's recording console) and HTML (a real document).

Both are self-contained: no network, no external fonts or scripts. Every value from the data is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from clbp_cli.core.citation import CitationMarkup, apa, short_reference
from clbp_cli.core.ranking import RankedMechanism
from clbp_cli.core.views import (
    EXERCISE_NOTE,
    AboutView,
    MeasuresView,
    MechanismListView,
    MechanismView,
    SearchView,
    ThemesView,
    ThemeView,
    View,
    bar_fraction,
    count_caveat,
    counts_source,
    mechanism_ruler,
    notes_label,
    percent,
    proposal_share_label,
    proposals_note,
    stated,
    theme_label,
    theme_marked,
    theme_names,
    theme_ruler,
    theme_source_note,
    themes_columns_note,
    trial_share_label,
    trial_share_note,
)
from clbp_cli.render.formats import RenderSettings

SVG_WIDTH = 100  # columns

# rich's own SVG template, less its web fonts (fetched from a CDN) and with a <title> for screen readers.
# rich fills in the {placeholders}; literal braces are doubled.
_SVG_TEMPLATE = """\
<svg class="rich-terminal" viewBox="0 0 {{width}} {{height}}" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{{unique_id}}-title-text">
    <title id="{{unique_id}}-title-text">{title}</title>
    <style>
    .{{unique_id}}-matrix {{{{
        font-family: "Fira Code", "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace;
        font-size: {{char_height}}px;
        line-height: {{line_height}}px;
        font-variant-east-asian: full-width;
    }}}}
    .{{unique_id}}-title {{{{
        font-size: 18px;
        font-weight: bold;
        font-family: Arial, Helvetica, sans-serif;
    }}}}
    {{styles}}
    </style>
    <defs>
    <clipPath id="{{unique_id}}-clip-terminal">
      <rect x="0" y="0" width="{{terminal_width}}" height="{{terminal_height}}" />
    </clipPath>
    {{lines}}
    </defs>
    {{chrome}}
    <g transform="translate({{terminal_x}}, {{terminal_y}})" clip-path="url(#{{unique_id}}-clip-terminal)">
    {{backgrounds}}
    <g class="{{unique_id}}-matrix">
    {{matrix}}
    </g>
    </g>
</svg>
"""


def render_svg(view: View, settings: RenderSettings) -> str:
    """The terminal's drawing, in a window. The title is said once, in the drawing (the window bar stays empty: a
    long title ran into its three dots), and in <title> for screen readers."""
    from clbp_cli.render.terminal import make_console, print_lines, renderables

    picture = settings._replace(color=True, terminal=True, unicode=True, width=SVG_WIDTH)
    console = make_console(picture, record=True)
    print_lines(console, renderables(view, picture))
    title = view.title()
    template = _SVG_TEMPLATE.format(title=html.escape(title).replace("{", "{{").replace("}", "}}"))
    return _solid_bars(console.export_svg(title="", code_format=template, unique_id="clbp"))


# rich draws text in cells of CHAR_HEIGHT px at a LINE_HEIGHT px pitch, each line's baseline CHAR_HEIGHT below its top.
CHAR_HEIGHT = 20
LINE_HEIGHT = CHAR_HEIGHT * 1.22
BAR_INSET = 2.5  # px above and below a bar, so that the bars of adjacent rows stay apart, as on a terminal
_EIGHTHS = "\u258f\u258e\u258d\u258c\u258b\u258a\u2589"  # the terminal's partial blocks, one to seven eighths
_BAR_TEXT = re.compile(
    r'<text class="(?P<cls>[\w-]+)" x="(?P<x>[\d.]+)" y="(?P<y>[\d.]+)" textLength="(?P<length>[\d.]+)"'
    r' clip-path="[^"]*">(?P<bar>\u2588*[' + _EIGHTHS + r"]?)</text>"
)


def _solid_bars(svg: str) -> str:
    """Each bar as one rectangle instead of a row of block characters: rich stretches the characters to its cell
    grid (textLength), and browsers leave hairline seams between them. Same place, length (to the eighth) and
    colour class as the characters."""

    def rectangle(match: re.Match[str]) -> str:
        glyphs = match["bar"]
        if not glyphs:
            return match[0]
        cell = float(match["length"]) / len(glyphs)
        cells = glyphs.count("\u2588") + (_EIGHTHS.find(glyphs[-1]) + 1) / 8  # find: -1 for a full block
        top = float(match["y"]) - CHAR_HEIGHT + BAR_INSET
        return (
            f'<rect class="{match["cls"]}" x="{match["x"]}" y="{top:g}" width="{cell * cells:g}" '
            f'height="{LINE_HEIGHT - 2 * BAR_INSET:g}" shape-rendering="crispEdges"/>'
        )

    return _BAR_TEXT.sub(rectangle, svg)


# ---- HTML -------------------------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light dark; --text: #1a1a1a; --muted: #555; --accent: #0a6e7c; --rule: #ccc; --bg: #fff; --row: #f3f6f7; }
@media (prefers-color-scheme: dark) {
  :root { --text: #eaeaea; --muted: #b0b0b0; --accent: #5fd0de; --rule: #444; --bg: #121212; --row: #1e2426; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.35rem; margin: 0 0 .75rem; }
p { margin: .4rem 0; }
blockquote { margin: .75rem 0; padding-left: .9rem; border-left: 3px solid var(--accent); font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); padding-bottom: .3rem; }
th, td { padding: .28rem .5rem; text-align: left; border-bottom: 1px solid var(--rule); vertical-align: top; }
thead th { border-bottom: 2px solid var(--text); }
tbody tr:nth-child(even) { background: var(--row); }
tr.current { font-weight: bold; }
.num { text-align: right; }
.bar { width: 32%; }
.bar span { display: block; height: .8rem; margin-top: .2rem; background: var(--accent); min-width: 1px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: bold; }
dd { margin: 0; }
mark { background: none; color: var(--accent); font-weight: bold; }
footer { color: var(--muted); font-size: .88rem; border-top: 1px solid var(--rule); margin-top: 1rem; padding-top: .5rem; }
a { color: var(--accent); }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  .bar span { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _escaped(value: object) -> str:
    """A value from the data or the user as HTML text or an attribute value: nothing in it is markup."""
    return html.escape(str(value), quote=True)


class _Column(NamedTuple):
    header: str
    numeric: bool = False
    row_header: bool = False  # the cell that names the row (<th scope="row">)
    bar: bool = False


def _table(caption: str, columns: Sequence[_Column], rows: Sequence[Sequence[str]], classes: Sequence[str] = ()) -> str:
    """A table of pre-escaped cells; a bar column's cell is a width fraction (0-1)."""
    numeric = ' class="num"'
    head = "".join(
        (f'<th scope="col"{numeric if c.numeric else ""}>{_escaped(c.header)}</th>' if c.header else "<td></td>")
        for c in columns
    )
    body = []
    for index, row in enumerate(rows):
        cells = []
        for column, cell in zip(columns, row, strict=False):
            if column.bar:
                cells.append(
                    f'<td class="bar" aria-hidden="true"><span style="width: {float(cell) * 100:.1f}%"></span></td>'
                )
            elif column.row_header:
                cells.append(f'<th scope="row">{cell}</th>')
            else:
                cells.append(f"<td{numeric if column.numeric else ''}>{cell}</td>")
        row_class = f' class="{classes[index]}"' if classes and classes[index] else ""
        body.append(f"<tr{row_class}>{''.join(cells)}</tr>")
    return (
        f"<table>\n<caption>{_escaped(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"
    )


def _mechanism_rows(
    view: View, rows: Sequence[RankedMechanism], *, show_theme: bool
) -> tuple[list[_Column], list[list[str]]]:
    names = theme_names(view.dataset)  # people read names; programs ids
    columns = [_Column("Rank", numeric=True), _Column("Mechanism", row_header=True)]
    if show_theme:
        columns.append(_Column(theme_label(view.dataset, "Theme")))
    share = trial_share_label(view.dataset)
    columns += [_Column("Trials", numeric=True), _Column(share, numeric=True), _Column("", bar=True)]
    ruler = mechanism_ruler(view.dataset)  # the terminal's and the SVG's ruler, whichever rows are shown
    cells = []
    for row in rows:
        mechanism = row.mechanism
        line = [_escaped(row.rank_label), _escaped(mechanism.name)]
        if show_theme:
            line.append(_escaped(names.get(mechanism.theme, mechanism.theme)))
        line += [
            _escaped(mechanism.count),
            _escaped(percent(row.share_of_trials)),
            str(bar_fraction(mechanism.count, ruler)),
        ]
        cells.append(line)
    return columns, cells


def _footer(view: View) -> str:
    source = view.dataset.source
    reference = short_reference(source)
    caveats = " ".join(
        _escaped(caveat) for caveat in [*_PAGES[type(view)].caveats(view), "Nothing here is medical advice."] if caveat
    )
    return (
        f"<footer>\n<p>{caveats}</p>\n"
        f'<p>Source: <a href="{_escaped(source.doi_url)}">{_escaped(reference)}</a> (doi:{_escaped(source.doi)})</p>\n</footer>'
    )


def _list_body(view: MechanismListView) -> str:
    columns, cells = _mechanism_rows(view, view.rows, show_theme=view.theme is None)
    caption = f"{view.showing()}, most proposed first. Trials = trials that proposed it."
    return _table(caption, columns, cells)


def _theme_body(view: ThemeView) -> str:
    dataset = view.dataset
    theme = view.summary.theme
    summary = view.summary
    parts = [
        f"<p>{_escaped(_capitalised(view.proposed_times()))}; {_escaped(view.listed())}.</p>",
        f"<p>{_escaped(view.described())}</p>",
    ]
    if theme.quotes:
        quotes = " and ".join(f"\u201c{_escaped(q)}\u201d" for q in theme.quotes)
        parts.append(f"<blockquote>{quotes}<br>\u2014 {_escaped(view.quoted_by())}</blockquote>")
    if theme_marked(dataset):
        parts.append(f"<p>Which mechanisms are in this theme: {_escaped(stated(dataset, 'mechanism_themes'))}.</p>")
    if summary.discrepancy:
        parts.append(f"<p>{_escaped(view.discrepancy())}. {_escaped(dataset.theme_provenance)}</p>")
    columns, cells = _mechanism_rows(view, view.rows, show_theme=False)
    parts.append(_table(f"{theme.name} mechanisms, most proposed first", columns, cells))
    return "\n".join(parts)


def _themes_table(view: ThemesView | AboutView) -> str:
    dataset = view.dataset
    columns = [_Column("Theme", row_header=True), _Column("Published", numeric=True),
               _Column(proposal_share_label(dataset), numeric=True),
               _Column("Mechanisms", numeric=True), _Column("Listed", numeric=True), _Column("", bar=True)]  # fmt: skip
    ruler = theme_ruler(view.summaries)
    cells = [
        [_escaped(s.theme.name), _escaped(s.theme.published_total), _escaped(percent(s.published_share)), _escaped(s.mechanism_count),
         _escaped(s.listed_total) + ("*" if s.discrepancy else ""), str(bar_fraction(s.theme.published_total, ruler))]
        for s in view.summaries
    ]  # fmt: skip
    caption = themes_columns_note(dataset, "Published", proposal_share_label(dataset), "Listed")
    return _table(caption, columns, cells)


def _themes_body(view: ThemesView) -> str:
    notes = "".join(f"<p>* {_escaped(note)}</p>" for note in view.discrepancy_notes)
    return _themes_table(view) + "\n" + notes


def _search_body(view: SearchView) -> str:
    columns = [_Column("Rank", numeric=True), _Column("Mechanism", row_header=True),
               _Column(theme_label(view.dataset, "Theme")), _Column("Trials", numeric=True),
               _Column("Matched in")]  # fmt: skip
    names = theme_names(view.dataset)
    cells = [
        [_escaped(hit.row.rank_label), _escaped(hit.row.mechanism.name), _escaped(names.get(hit.row.mechanism.theme, "")),
         _escaped(hit.row.mechanism.count),
         f"{_escaped(hit.field)}: {_marked(hit.text, hit.spans)}"]
        for hit in view.hits
    ]  # fmt: skip
    return _table(f"{len(view.hits)} mechanisms, most relevant first", columns, cells)


def _measures_body(view: MeasuresView) -> str:
    show_theme = view.theme is None and view.mechanism is None
    columns = [_Column("Instrument", row_header=True), _Column("Abbreviation"), _Column("Mechanism")]
    names = theme_names(view.dataset)
    cells = []
    for row in view.rows:
        line = [_escaped(row.measure.name), _escaped(row.measure.abbreviation), _escaped(row.mechanism_names())]
        cells.append([*line, _escaped(row.theme_names(names))] if show_theme else line)
    columns += [_Column("Theme")] if show_theme else []
    return _table("Instruments A-Z, with the mechanisms whose construct each measures", columns, cells)


def _about_body(view: AboutView) -> str:
    themes_table = _themes_table(view)
    items = "".join(f"<dt>{_escaped(label)}</dt><dd>{_escaped(value)}</dd>" for label, value in view.facts())
    marks = ["* " if index == 0 and view.discrepancies else "" for index in range(len(view.theme_notes()))]
    notes = "".join(f"<p>{mark}{_escaped(note)}</p>" for mark, note in zip(marks, view.theme_notes(), strict=True))
    reference = apa(view.dataset.source, CitationMarkup.html)  # escaped there, with its italics and link
    return f"<dl>{items}</dl>\n{themes_table}\n{notes}\n<p>{reference}</p>"


def _marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    pieces, last = [], 0
    for start, end in spans:
        pieces += [_escaped(text[last:start]), f"<mark>{_escaped(text[start:end])}</mark>"]
        last = end
    pieces.append(_escaped(text[last:]))
    return "".join(pieces)


def _show_body(view: MechanismView) -> str:
    """What the review reports, apart from the notes written for clbp, each under a heading saying whose it is."""
    mechanism = view.row.mechanism
    dataset = view.dataset
    review = [
        ("Trials", view.proposed_by()),
        ("Rank", f"{view.row.rank_label} of {len(dataset.mechanisms)}"),
        ("Source", counts_source(dataset)),
    ]
    notes = [("Theme", theme_label(dataset, view.theme.name)), ("Definition", mechanism.description)]
    if mechanism.aliases:
        notes.append(("Also known as", ", ".join(mechanism.aliases)))
    if mechanism.measures:
        notes.append(("Measured with", ", ".join(measure.label for measure in mechanism.measures)))
    if mechanism.exercises:
        notes.append(("Exercise types", f"{EXERCISE_NOTE} {', '.join(mechanism.exercises)}"))
    if mechanism.keywords:
        notes.append(("Related words", ", ".join(mechanism.keywords)))

    def items(pairs: list[tuple[str, str]]) -> str:
        return "".join(f"<dt>{_escaped(label)}</dt><dd>{_escaped(value)}</dd>" for label, value in pairs)

    theme_rows = sorted((view.row, *view.same_theme), key=lambda row: (-row.mechanism.count, row.rank))
    columns, cells = _mechanism_rows(view, theme_rows, show_theme=False)
    classes = ["current" if row is view.row else "" for row in theme_rows]
    caption = f"All {theme_label(dataset, view.theme.name).lower()} mechanisms, most proposed first"
    table = _table(caption, columns, cells, classes)
    return (
        f"<h2>From the review</h2>\n<dl>{items(review)}</dl>\n<h2>{_escaped(notes_label(dataset))}</h2>\n"
        f"<dl>{items(notes)}</dl>\n{table}"
    )


class _Page(NamedTuple):
    """How the HTML page draws one view: its body, and the caveats its footer carries (the data's caveat names the
    Trials column, so only under one)."""

    body: Callable[[Any], str]
    caveats: Callable[[Any], list[str]]


def _table_caveats(view: View) -> list[str]:
    return [view.dataset.caveat, trial_share_note(view.dataset)]


# One entry per view: a new view adds one line here.
_PAGES: dict[type, _Page] = {
    MechanismListView: _Page(_list_body, lambda view: [*_table_caveats(view), theme_source_note(view.dataset)]),
    ThemeView: _Page(_theme_body, _table_caveats),
    ThemesView: _Page(_themes_body, lambda view: [proposals_note(view.dataset)]),
    SearchView: _Page(_search_body, lambda view: [view.dataset.caveat, theme_source_note(view.dataset)]),
    MechanismView: _Page(
        _show_body,
        lambda view: [count_caveat(view.dataset), trial_share_note(view.dataset), theme_source_note(view.dataset)],
    ),
    AboutView: _Page(_about_body, lambda view: []),  # its notes are in its body
    MeasuresView: _Page(_measures_body, lambda view: [view.vocabulary_note(), view.unmeasured_note()]),
}


def render_html(view: View, settings: RenderSettings) -> str:
    title = view.title()
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_escaped(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{_escaped(title)}</h1>\n{_PAGES[type(view)].body(view)}\n{_footer(view)}\n</main>\n</body>\n</html>\n"
    )
