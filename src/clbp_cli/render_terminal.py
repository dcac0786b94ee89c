"""Tables and cards for people at a terminal, drawn with rich. The only module (with the exporters) that imports it.

Text from the data or the user always goes in as rich Text objects, never as markup strings, so a mechanism
named "[red]x" or a query of "[/]" prints as typed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from clbp_cli.citation import short_author_year, short_reference
from clbp_cli.formats import RenderSettings
from clbp_cli.ranking import RankedMechanism
from clbp_cli.search import SearchHit
from clbp_cli.views import (
    MechanismListView,
    MechanismView,
    SearchView,
    ThemesView,
    ThemeView,
    View,
    discrepancy_note,
    percent,
)

ACCENT = "cyan"
MAX_BAR_WIDTH = 30
MIN_BAR_WIDTH = 4  # narrower than this, the bar column is left out


class Glyphs(NamedTuple):
    bar_full: str
    bar_partials: str  # eighths, from one to seven
    rule: str
    dot: str
    open_quote: str
    close_quote: str
    dash: str


UNICODE_GLYPHS = Glyphs("█", "▏▎▍▌▋▊▉", "─", "·", "“", "”", "—")
ASCII_GLYPHS = Glyphs("#", "", "-", "-", '"', '"', "-")


def glyphs(settings: RenderSettings) -> Glyphs:
    return UNICODE_GLYPHS if settings.unicode else ASCII_GLYPHS


def bar(value: float, maximum: float, width: int, settings: RenderSettings) -> Text:
    """A horizontal bar `width` cells long at `maximum`, with eighth-cell precision where Unicode is available."""
    g = glyphs(settings)
    cells = value / maximum * width if maximum > 0 else 0.0
    full = int(cells)
    text = g.bar_full * full
    eighths = int((cells - full) * 8)
    if g.bar_partials and eighths:
        text += g.bar_partials[eighths - 1]
    return Text(text, style=ACCENT)


def make_console(settings: RenderSettings, *, record: bool = False) -> Console:
    return Console(
        file=io.StringIO(),
        width=settings.width,
        force_terminal=settings.color,
        color_system="standard" if settings.color else None,
        no_color=not settings.color,
        legacy_windows=False,
        highlight=False,
        markup=False,
        emoji=False,
        record=record,
        _environ={},  # every decision about colour and width is already in settings
    )


def to_text(renderables: Iterable[RenderableType], settings: RenderSettings) -> str:
    """Render with a one-column margin; plain text loses the padding rich leaves at line ends."""
    console = make_console(settings)
    console.print(Padding(Group(*renderables), (0, 1)))
    file = console.file
    assert isinstance(file, io.StringIO)
    text = file.getvalue()
    if not settings.color:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text


def _highlighted(text: str, spans: Sequence[tuple[int, int]], settings: RenderSettings) -> Text:
    """The matched spans in bold accent on a colour terminal, in [brackets] elsewhere."""
    if settings.color:
        result = Text(text)
        for start, end in spans:
            result.stylize(f"bold {ACCENT}", start, end)
        return result
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], "[", text[start:end], "]"]
        last = end
    pieces.append(text[last:])
    return Text("".join(pieces))


def _footer(view: View, *extra: str) -> Text:
    dataset = view.dataset
    lines = [*extra, dataset.caveat, f"Source: {short_reference(dataset.source)} (clbp cite for the full reference)"]
    return Text("\n".join(line for line in lines if line), style="dim")


def _title(text: str) -> Text:
    return Text(text, style="bold")


def _mechanism_table(
    rows: Sequence[RankedMechanism],
    settings: RenderSettings,
    *,
    show_theme: bool = True,
    matched: Sequence[SearchHit] | None = None,
) -> Table:
    dataset_max = max((row.mechanism.count for row in rows), default=0)
    table = Table(box=None, padding=(0, 1), pad_edge=True, show_edge=False, header_style="bold", expand=False)
    table.add_column("Rank", justify="right", no_wrap=True)
    table.add_column("Mechanism", no_wrap=True, overflow="ellipsis", min_width=6)
    if show_theme:
        table.add_column("Theme", no_wrap=True, overflow="ellipsis", min_width=5)
    table.add_column("Trials", justify="right", no_wrap=True)
    if matched is not None:
        table.add_column("Matched in", overflow="fold", min_width=10)
        bar_width = 0
    else:
        table.add_column("Share", justify="right", no_wrap=True)
        bar_width = _bar_width(rows, settings, show_theme)
        if bar_width:
            table.add_column("", no_wrap=True, width=bar_width)
    for index, row in enumerate(rows):
        mechanism = row.mechanism
        cells: list[RenderableType] = [Text(row.rank_label), Text(mechanism.name)]
        if show_theme:
            cells.append(Text(mechanism.theme))
        cells.append(Text(str(mechanism.count)))
        if matched is not None:
            hit = matched[index]
            cells.append(Text.assemble(f"{hit.field}: ", _highlighted(hit.text, hit.spans, settings)))
        else:
            cells.append(Text(percent(row.share_of_trials)))
            if bar_width:
                cells.append(bar(mechanism.count, dataset_max, bar_width, settings))
        table.add_row(*cells)
    return table


def _bar_width(rows: Sequence[RankedMechanism], settings: RenderSettings, show_theme: bool) -> int:
    """Bars only for a person at a terminal, as wide as the other columns leave room for (at most 30)."""
    if not settings.terminal:
        return 0
    widths = [4, max((len(row.mechanism.name) for row in rows), default=9), 6, 5]
    if show_theme:
        widths.append(max((len(row.mechanism.theme) for row in rows), default=5))
    used = sum(widths) + 2 * (len(widths) + 1)
    available = min(MAX_BAR_WIDTH, settings.width - used)
    return available if available >= MIN_BAR_WIDTH else 0


def render_list(view: MechanismListView, settings: RenderSettings) -> list[RenderableType]:
    dataset = view.dataset
    scope = f"{view.theme.name.lower()} mechanisms" if view.theme else "mechanisms"
    rest = f"{scope} proposed in {dataset.study.trials_included} trials ({short_author_year(dataset.source)})"
    title = f"Why exercise helps chronic low back pain: {rest}"
    if len(title) > settings.width - 2:
        title = f"Why exercise helps CLBP: {rest}"
    showing = f"Showing {len(view.rows)} of {view.available}."
    return [
        _title(title),
        Text(""),
        _mechanism_table(view.rows, settings, show_theme=view.theme is None),
        Text(""),
        _footer(view, showing),
    ]


def _quote(text: str, settings: RenderSettings) -> str:
    g = glyphs(settings)
    return f"{g.open_quote}{text}{g.close_quote}"


def _theme_quotes(view: ThemeView, settings: RenderSettings) -> Text:
    quotes = " and ".join(_quote(quote, settings) for quote in view.summary.theme.quotes)
    source = f" {glyphs(settings).dash} trialists, as quoted by {short_author_year(view.dataset.source)}"
    return Text.assemble(Text(quotes, style="italic"), Text(source, style="dim"))


def render_theme(view: ThemeView, settings: RenderSettings) -> list[RenderableType]:
    summary = view.summary
    theme = summary.theme
    g = glyphs(settings)
    study = view.dataset.study
    header = Table.grid(expand=True)
    header.add_column()
    header.add_column(justify="right")
    header.add_row(
        Text(theme.name, style=f"bold {ACCENT}"),
        Text(
            f"theme {g.dot} proposed {theme.published_total} of {study.published_proposals} times ({percent(summary.published_share)})"
        ),
    )
    listed = f"{summary.mechanism_count} mechanisms, listed counts adding up to {summary.listed_total}"
    parts: list[RenderableType] = [
        header,
        Rule(characters=g.rule, style="dim"),
        Text(listed),
        Text(""),
        Text(theme.description),
    ]
    if theme.quotes:
        parts += [Text(""), _theme_quotes(view, settings)]
    parts += [Text(""), _mechanism_table(view.rows, settings, show_theme=False), Text("")]
    note = (
        f"Note: the published total is {theme.published_total}, but the listed counts add up to "
        f"{summary.listed_total}; clbp themes explains why."
    )
    parts.append(_footer(view, note if summary.discrepancy else ""))
    return parts


def render_themes(view: ThemesView, settings: RenderSettings) -> list[RenderableType]:
    dataset = view.dataset
    summaries = view.summaries
    maximum = max((summary.theme.published_total for summary in summaries), default=0)
    table = Table(
        box=None,
        padding=(0, 1),
        pad_edge=True,
        show_edge=False,
        header_style="bold",
        show_footer=True,
        footer_style="bold",
    )
    total_published = sum(summary.theme.published_total for summary in summaries)
    table.add_column("Theme", footer="Total", no_wrap=True, overflow="ellipsis", min_width=5)
    table.add_column("Published", footer=str(total_published), justify="right", no_wrap=True)
    table.add_column("Share", footer=percent(1.0 if total_published else 0.0), justify="right", no_wrap=True)
    table.add_column("Mechanisms", footer=str(sum(s.mechanism_count for s in summaries)), justify="right", no_wrap=True)
    table.add_column("Listed", footer=str(sum(s.listed_total for s in summaries)), justify="right", no_wrap=True)
    names_width = max((len(summary.theme.name) for summary in summaries), default=5)
    bar_width = min(MAX_BAR_WIDTH, settings.width - (names_width + 9 + 5 + 10 + 7 + 2 * 6)) if settings.terminal else 0
    if bar_width >= MIN_BAR_WIDTH:
        table.add_column("", no_wrap=True, width=bar_width)
    for summary in summaries:
        mark = "*" if summary.discrepancy else ""
        cells: list[RenderableType] = [
            Text(summary.theme.name),
            Text(str(summary.theme.published_total)),
            Text(percent(summary.published_share)),
            Text(str(summary.mechanism_count)),
            Text(f"{summary.listed_total}{mark}"),
        ]
        if bar_width >= MIN_BAR_WIDTH:
            cells.append(bar(summary.theme.published_total, maximum, bar_width, settings))
        table.add_row(*cells)
    study = dataset.study
    title = (
        f"Themes of the {len(dataset.mechanisms)} mechanisms proposed in {study.trials_included} trials "
        f"({short_author_year(dataset.source)})"
    )
    explain = (
        f"Published = how often the review counted a mechanism of the theme as proposed ({study.published_proposals} "
        f"in all); Listed = the sum of its mechanisms' counts."
    )
    notes = [f"* {discrepancy_note(summary, dataset.theme_provenance)}" for summary in view.discrepancies]
    return [_title(title), Text(""), table, Text(""), _footer(view, *notes, explain)]


def render_search(view: SearchView, settings: RenderSettings) -> list[RenderableType]:
    count = len(view.hits)
    noun = "mechanism matches" if count == 1 else "mechanisms match"
    fuzzy = all(hit.kind == "fuzzy" for hit in view.hits)
    title = Text.assemble(f"{count} {noun} ", Text(_quote(view.query, settings)))
    if fuzzy:
        title.append(" (no exact match; closest spellings)")
    title.stylize("bold")
    table = _mechanism_table([hit.row for hit in view.hits], settings, matched=view.hits)
    return [title, Text(""), table, Text(""), _footer(view)]


def render_show(view: MechanismView, settings: RenderSettings) -> list[RenderableType]:
    row = view.row
    mechanism = row.mechanism
    dataset = view.dataset
    g = glyphs(settings)
    header = Table.grid(expand=True)
    header.add_column()
    header.add_column(justify="right")
    header.add_row(
        Text(mechanism.name, style=f"bold {ACCENT}"),
        Text(f"{view.theme.id} {g.dot} rank {row.rank_label} of {len(dataset.mechanisms)}"),
    )
    trials = dataset.study.trials_included
    details = Table.grid(padding=(0, 3))
    details.add_column(style="bold", no_wrap=True)
    details.add_column()
    if mechanism.aliases:
        details.add_row("Also known as", Text(", ".join(mechanism.aliases)))
    if mechanism.keywords:
        details.add_row("Related words", Text(", ".join(mechanism.keywords)))
    same_theme = f" {g.dot} ".join(f"{other.mechanism.name} ({other.mechanism.count})" for other in view.same_theme)
    details.add_row("Same theme", Text(same_theme or "none"))
    source = dataset.source
    details.add_row("Source", Text(f"{short_author_year(source)}, {source.table} {g.dot} clbp cite"))
    return [
        header,
        Rule(characters=g.rule, style="dim"),
        Text(f"Proposed by {mechanism.count} of {trials} trials ({percent(row.share_of_trials)})"),
        Text(""),
        Text(mechanism.description),
        Text(""),
        details,
        Text(""),
        Text(dataset.caveat, style="dim"),
    ]


RENDERERS = {
    MechanismListView: render_list,
    ThemeView: render_theme,
    ThemesView: render_themes,
    SearchView: render_search,
    MechanismView: render_show,
}


def renderables(view: View, settings: RenderSettings) -> list[RenderableType]:
    renderer: Callable[[View, RenderSettings], list[RenderableType]] = RENDERERS[type(view)]  # type: ignore[assignment]
    return renderer(view, settings)


def render_table(view: View, settings: RenderSettings) -> str:
    return to_text(renderables(view, settings), settings)
