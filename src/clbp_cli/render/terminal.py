"""Tables and cards for people at a terminal, laid out and styled by clbp (render/styled.py), without rich.

Text from the data or the user goes in as plain strings or Styled objects, never as markup, so a mechanism named
"[red]x" or a query of "[/]" prints as typed.

Columns are laid out here (`grid`): our tables are plain aligned columns, and rich's general layout engine took
15-30 ms for the 33-row list and seconds for 10,000 rows. Styles, wrapping and cropping are render/styled.py's,
which writes what rich wrote without its 30 ms import. rich draws only the SVG export (`make_console`) and browse
(`as_renderable`), which import it anyway.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from clbp_cli.core.citation import apa, short_author_year, short_reference
from clbp_cli.core.model import Dataset
from clbp_cli.core.ranking import RankedMechanism
from clbp_cli.core.views import (
    EXERCISE_NOTE,
    THEME_MARK,
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
    headline,
    mechanism_ruler,
    notes_label,
    percent,
    proposal_share_label,
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
from clbp_cli.render.styled import Span, Styled, cell_width, joined_lines, to_rich

if TYPE_CHECKING:  # search.py compiles its spelling rules on import; only search and show need it
    from rich.console import Console, Group

    from clbp_cli.core.search import SearchHit

ACCENT = "cyan"
MAX_BAR_WIDTH = 30
MIN_BAR_WIDTH = 4  # narrower than this, the bar column is left out
MARGIN = 1  # every line starts one column in
GAP = 2  # between table columns
MIN_CUT_WIDTH = 4  # a cut text column keeps at least three letters and the ellipsis
LONG_WORD = 20  # a wrapping column breaks words longer than this rather than cut the other columns for them
CARD_WIDTH = 100  # cards (show, theme) are prose: on wider terminals they stay this wide to stay readable; tables
# (list, themes, search) use the whole width

Part = Styled | list[Styled]  # prose that wraps, or lines already laid out
Cell = str | Styled  # a table cell: plain text, or text with styles


class Glyphs(NamedTuple):
    bar_full: str
    bar_partials: str  # eighths, from one to seven
    rule: str
    dot: str
    open_quote: str
    close_quote: str
    dash: str
    ellipsis: str


UNICODE_GLYPHS = Glyphs("█", "▏▎▍▌▋▊▉", "─", "·", "“", "”", "—", "…")
ASCII_GLYPHS = Glyphs("#", "", "-", "-", '"', '"', "-", "...")
ASCII_THEME_MARK = "^"  # the dagger that marks a theme's source, where only ASCII can be written


def _marked(text: str, settings: RenderSettings) -> str:
    """Styled holding the theme mark (a dagger), with an ASCII mark where Unicode cannot be written."""
    return text if settings.unicode else text.replace(THEME_MARK, ASCII_THEME_MARK)


def glyphs(settings: RenderSettings) -> Glyphs:
    return UNICODE_GLYPHS if settings.unicode else ASCII_GLYPHS


def bar(value: float, maximum: float, width: int, settings: RenderSettings) -> Styled:
    """A horizontal bar `width` cells long at `maximum`, with eighth-cell precision where Unicode is available."""
    g = glyphs(settings)
    cells = bar_fraction(value, maximum) * width
    full = int(cells)
    text = g.bar_full * full
    eighths = int((cells - full) * 8)
    if g.bar_partials and eighths:
        text += g.bar_partials[eighths - 1]
    return Styled(text, style=ACCENT)


class Column(NamedTuple):
    header: str
    right: bool = False  # right-aligned (numbers)
    flexible: bool = False  # may be narrowed when the terminal is too narrow: cut with an ellipsis, or wrapped
    wrap: bool = False  # narrowed by wrapping onto more lines instead of cutting
    min_width: int = 1  # narrowed below this only when cutting the headers was not enough
    footer: str | None = None
    short: str | None = None  # the header where the column is narrower than `header` ("#" for "Rank")
    optional: bool = False  # left out, rather than cut below min_width, when the others need the room
    name: bool = False  # the row's name: of the wrapping columns, the last to break a word


class FittedGrid(NamedTuple):
    """Columns laid out within a width: what `grid` draws, and what browse's list shows."""

    columns: list[Column]  # an optional column that would be cut to a few letters is left out
    rows: list[list[Cell]]
    widths: list[int]
    headers: list[str]  # each column's header, in its short form where the column is narrower than the header


def fit_grid(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int) -> FittedGrid:
    """Lay `rows` out within `width` cells (`grid`'s fitting; also browse's list): the columns kept, their widths
    and headers. When the natural widths do not fit, flexible columns give way down to their minimum widths (what
    is still too wide is cropped); a header wider than its column shows its short form. Linear in the number of
    cells.
    """
    body = [0] * len(columns)  # the widest cell below the header: numbers are never cut, headers may be
    for row in rows:
        for index, cell in enumerate(row):
            body[index] = max(body[index], _width(cell))
    for index, footer in enumerate(column.footer for column in columns):
        body[index] = max(body[index], len(footer or ""))
    widths = [max(cells, Styled(column.header).cell_len) for cells, column in zip(body, columns, strict=True)]
    natural = list(widths)
    # A wrapping column keeps room for its longest word, so that it wraps at spaces rather than inside words; a
    # word longer than LONG_WORD (a long unbroken name) is broken rather than squeezing every other column.
    words = [
        min(_longest_word(row[index] for row in rows), LONG_WORD) if column.wrap else 0
        for index, column in enumerate(columns)
    ]
    excess = sum(widths) + GAP * (len(columns) - 1) - width
    # Wrapping at spaces loses nothing, so wrapping columns (names, matches) give way first, down to their longest
    # word. Then long headers over short numbers, to their short forms (the footers explain them) or a few letters;
    # then cut text columns, widest first, to their minimum; then headers to their numbers' width; then text to a few
    # letters (or an optional column is left out); last, wrapping columns break inside words, names last. So a name
    # is never cut while another column can wrap. Numbers are never cut; what is still too wide is cropped.
    shortest = [len(column.short) if column.short is not None else 1 for column in columns]
    stages: list[tuple[Callable[[Column], bool], Callable[[int], int]]] = [
        (lambda column: column.wrap, lambda index: max(columns[index].min_width, words[index])),
        (
            lambda column: not column.flexible,
            lambda index: max(body[index], shortest[index] if columns[index].short else MIN_CUT_WIDTH + 1),
        ),
        (lambda column: column.flexible and not column.wrap, lambda index: columns[index].min_width),
        (lambda column: not column.flexible, lambda index: max(body[index], shortest[index])),
        (
            lambda column: column.flexible and not column.wrap,
            lambda index: min(columns[index].min_width, MIN_CUT_WIDTH),
        ),
        (lambda column: column.wrap and not column.name, lambda index: columns[index].min_width),
        (lambda column: column.wrap, lambda index: columns[index].min_width),
    ]
    for may_shrink, floor_of in stages:
        while excess > 0:
            shrinkable = [i for i, column in enumerate(columns) if may_shrink(column) and widths[i] > floor_of(i)]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i])
            floor = max([floor_of(widest)] + [widths[i] for i in shrinkable if i != widest])
            step = min(excess, widths[widest] - floor) or 1  # at a tie, one cell at a time, in turn
            widths[widest] -= step
            excess -= step
    # A header in its short form needs no more room than the short form and its cells: what that frees goes back to
    # the text columns that gave way, in their order (names first).
    for index, column in enumerate(columns):
        if column.short is not None and not column.flexible and widths[index] < len(column.header):
            spare = max(0, widths[index] - max(body[index], len(column.short)))
            widths[index] -= spare
            excess -= spare
    for index, column in enumerate(columns):
        if column.flexible and excess < 0:
            given = min(-excess, natural[index] - widths[index])
            widths[index] += given
            excess += given
    dropped = [index for index, column in enumerate(columns) if column.optional and widths[index] < column.min_width]
    if dropped:  # cut to a few letters ("Psy…") it would say nothing: the others get its room instead
        kept = [index for index in range(len(columns)) if index not in dropped]
        return fit_grid([columns[i] for i in kept], [[row[i] for i in kept] for row in rows], width)
    headers = [
        column.short if column.short is not None and len(column.header) > size else column.header
        for column, size in zip(columns, widths, strict=True)
    ]
    return FittedGrid(list(columns), [list(row) for row in rows], widths, headers)


def grid(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int, settings: RenderSettings
) -> list[Styled]:
    """Lay rows out in aligned columns within `width` cells (as `fit_grid` fits them): a bold header, the rows, an
    optional bold footer."""
    columns, rows, widths, headers = fit_grid(columns, rows, width)
    has_footer = any(column.footer is not None for column in columns)
    lines = [_grid_row([Styled(header, style="bold") for header in headers], columns, widths, settings)[0]]
    for row in rows:
        lines += _grid_row(row, columns, widths, settings)
    if has_footer:
        footer_cells = [Styled(column.footer or "", style="bold") for column in columns]
        lines += _grid_row(footer_cells, columns, widths, settings)
    return lines


def _grid_row(
    cells: Sequence[Cell],
    columns: Sequence[Column],
    widths: Sequence[int],
    settings: RenderSettings,
) -> list[Styled]:
    stacked: list[Sequence[Cell]] = []
    for cell, column, width in zip(cells, columns, widths, strict=True):
        if _width(cell) <= width:
            stacked.append([cell])
        elif column.wrap:
            stacked.append(_wrap(_as_text(cell), width))
        else:
            stacked.append([_cut(_as_text(cell), width, glyphs(settings).ellipsis)])
    lines = []
    last = len(columns) - 1
    for line_index in range(max(len(pieces) for pieces in stacked)):
        # Assembled as one string plus style spans: thousands of Styled.append calls were most of a big table's time.
        plain: list[str] = []
        spans: list[Span] = []
        offset = 0
        for index, (pieces, column, width) in enumerate(zip(stacked, columns, widths, strict=True)):
            piece = pieces[line_index] if line_index < len(pieces) else ""
            padding = " " * (width - _width(piece)) if column.right or index < last else ""
            if column.right:
                plain.append(padding)
                offset += len(padding)
            if isinstance(piece, str):
                text = piece
            else:
                text = piece.plain
                if piece.style:
                    spans.append(Span(offset, offset + len(text), piece.style))
                spans.extend(Span(offset + span.start, offset + span.end, span.style) for span in piece.spans)
            plain.append(text)
            offset += len(text)
            if index < last:
                gap = padding * (not column.right) + " " * GAP
                plain.append(gap)
                offset += len(gap)
        lines.append(Styled("".join(plain), spans=spans))
    return lines


# Where a line may break: at spaces, and after a hyphen inside a word ("[Fear]-" / "avoidance").
_BREAKS = re.compile(r"\s+|(?<=\S-)(?=\w)")


def _longest_word(cells: Iterable[Cell]) -> int:
    """The widest piece of text in `cells` that has no place to break."""
    return max((_width(piece) for cell in cells for piece in _BREAKS.split(_as_text(cell).plain)), default=0)


def _wrap(text: Styled, width: int) -> list[Styled]:
    """`text` in lines of at most `width` cells, broken at spaces or after hyphens; inside a word only when the word
    alone is wider than `width`. Styles (search highlights) are kept."""
    plain = text.plain
    breaks = [(match.start(), match.end()) for match in _BREAKS.finditer(plain)]
    lines = []
    start = 0
    while _width(plain[start:]) > width:
        end = resume = start
        for stop, after in breaks:
            if stop <= start:
                continue
            if _width(plain[start:stop]) > width:
                break
            end, resume = stop, after
        if end == start:  # one word wider than the column: fold it
            end = resume = start + _fitting(plain[start:], width)
        lines.append(text[start:end])
        start = resume
    lines.append(text[start:])
    return lines


def _fitting(plain: str, width: int) -> int:
    """How many characters of `plain`, at least one, fit in `width` cells."""
    count = 1
    while count < len(plain) and _width(plain[: count + 1]) <= width:
        count += 1
    return count


def _width(cell: Cell) -> int:
    """Terminal cells taken by `cell`; ASCII (the usual case) is one cell per character."""
    return cell_width(cell if isinstance(cell, str) else cell.plain)


def _as_text(cell: Cell) -> Styled:
    return Styled(cell) if isinstance(cell, str) else cell


def _cut(text: Styled, width: int, ellipsis: str) -> Styled:
    """`text` cut to `width` cells, ending in an ellipsis where there is room for one."""
    mark = ellipsis if width > len(ellipsis) else ""
    return text.crop(width - len(mark)).append(mark)


def layout(parts: Sequence[Part], width: int) -> list[Styled]:
    """The parts as lines of at most `width` cells: prose (a Styled) wraps, laid-out lines (a list) are cropped."""
    lines: list[Styled] = []
    for part in parts:
        if isinstance(part, Styled):
            lines += part.wrap(width)
        else:
            lines += [line.crop(width) for line in joined_lines(part)]
    return lines


def make_console(settings: RenderSettings, *, record: bool = False) -> Console:
    """A rich console laid out as clbp's terminal output, for the SVG export (rich draws the picture)."""
    from rich.console import Console

    return Console(
        file=io.StringIO(),
        width=content_width(settings),
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


def print_lines(console: Console, parts: Sequence[Part]) -> None:
    """The parts, laid out as the terminal shows them, printed on a rich console (the SVG export's)."""
    for line in layout(parts, console.width):
        console.print(to_rich(line), no_wrap=True, overflow="crop")


def as_renderable(parts: Sequence[Part]) -> Group:
    """The parts as one rich renderable, laid out as `layout` lays them out: prose wraps, laid-out lines are
    cropped. For front ends that draw rich renderables themselves (clbp browse shows `render_show` this way), at
    a width only they know."""
    from rich.console import Group
    from rich.text import Text

    pieces: list[Text] = []
    for part in parts:
        if isinstance(part, Styled):
            pieces.append(to_rich(part))
        else:
            pieces.append(Text("\n", no_wrap=True, overflow="crop").join(to_rich(line) for line in part))
    return Group(*pieces)


_STYLE_AT_END = re.compile(r"\x1b\[[0-9;]*m$")


def _rstrip_styled(line: str) -> str:
    """`line` without the spaces at its end, keeping the colour codes that may be among them."""
    codes: list[str] = []
    while True:
        line = line.rstrip(" ")
        code = _STYLE_AT_END.search(line)
        if code is None:
            return line + "".join(reversed(codes))
        codes.append(code.group())
        line = line[: code.start()]


def to_text(parts: Sequence[Part], settings: RenderSettings) -> str:
    """Render with a one-column margin. No line ends in spaces: padded columns leave some."""
    lines = layout(parts, content_width(settings))
    rendered = (
        [_rstrip_styled(line.ansi()) for line in lines] if settings.color else [line.plain.rstrip() for line in lines]
    )
    return "\n".join(" " * MARGIN + line if line else line for line in [*rendered, ""])


def _highlighted(text: str, spans: Sequence[tuple[int, int]], settings: RenderSettings) -> Styled:
    """The matched spans in bold accent on a colour terminal, in [brackets] elsewhere."""
    if settings.color:
        result = Styled(text)
        for start, end in spans:
            result.stylize(f"bold {ACCENT}", start, end)
        return result
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], "[", text[start:end], "]"]
        last = end
    pieces.append(text[last:])
    return Styled("".join(pieces))


def _footer(view: View, *lines_above: str) -> Styled:
    """The view's own notes and caveats (each view says which fit it), then the source, dim."""
    dataset = view.dataset
    lines = [*lines_above, f"Source: {short_reference(dataset.source)} (clbp cite for the full reference)"]
    return Styled("\n".join(line for line in lines if line), style="dim")


def _theme_footnote(view: View, settings: RenderSettings) -> str:
    return _marked(theme_source_note(view.dataset), settings)


def _title(text: str) -> Styled:
    return Styled(text, style="bold")


def content_width(settings: RenderSettings) -> int:
    return settings.width - 2 * MARGIN


def _mechanism_table(
    view: View,
    rows: Sequence[RankedMechanism],
    settings: RenderSettings,
    *,
    show_theme: bool = True,
    matched: Sequence[SearchHit] | None = None,
) -> list[Styled]:
    columns, cells = mechanism_cells(view.dataset, rows, settings, show_theme=show_theme, matched=matched)
    return grid(columns, cells, content_width(settings), settings)


def mechanism_cells(
    dataset: Dataset,
    rows: Sequence[RankedMechanism],
    settings: RenderSettings,
    *,
    show_theme: bool = True,
    matched: Sequence[SearchHit] | None = None,
) -> tuple[list[Column], list[list[Cell]]]:
    """The columns and cells of a list of mechanisms (`list`, `theme`, `search`; browse lays out the same)."""
    names = theme_names(dataset)  # people read names; programs ids
    # Names wrap rather than being cut ("Muscle st…" and "Muscle en…" would read alike); themes, which the
    # narrowest tables cut, keep enough letters to stay apart.
    columns = [
        Column("Rank", right=True, short="#"),
        Column("Mechanism", flexible=True, wrap=True, min_width=6, short="Name", name=True),
    ]
    if show_theme:
        # "Neurom…" and "Neurop…" stay apart; narrower, the column is left out (`show` names a mechanism's theme).
        # The header carries the theme's mark (clbp's reconstruction).
        columns.append(
            Column(_marked(theme_label(dataset, "Theme"), settings), flexible=True, min_width=8, optional=True)
        )
    columns.append(Column("Trials", right=True, short="n"))
    if matched is not None:
        columns.append(Column("Matched in", flexible=True, wrap=True, min_width=10))
        bar_width = 0
    else:
        columns.append(Column(trial_share_label(dataset), right=True, short="%"))
        bar_width = _bar_width(dataset, settings)
        if bar_width:
            columns.append(Column(""))
    ruler = mechanism_ruler(dataset)
    cells = []
    for index, row in enumerate(rows):
        mechanism = row.mechanism
        line: list[Cell] = [row.rank_label, mechanism.name]
        if show_theme:
            line.append(names.get(mechanism.theme, mechanism.theme))
        line.append(str(mechanism.count))
        if matched is not None:
            hit = matched[index]
            line.append(Styled.assemble(f"{hit.field}: ", _highlighted(hit.text, hit.spans, settings)))
        else:
            line.append(percent(row.share_of_trials))
            if bar_width:
                line.append(bar(mechanism.count, ruler, bar_width, settings))
        cells.append(line)
    return columns, cells


def _bar_width(dataset: Dataset, settings: RenderSettings) -> int:
    """Bars only for a person at a terminal, as wide as the full list's other columns leave room for (at most 30).

    One ruler for every view at a given width: the bar is this wide for the most proposed mechanism of the data,
    whichever rows are shown (`list --top 3`, `list --theme`, `theme`), so a bar's length always means the same
    number of trials and a theme's small counts draw short bars.
    """
    if not settings.terminal:
        return 0
    names = max((len(mechanism.name) for mechanism in dataset.mechanisms), default=9)
    themes = max((len(theme.name) for theme in dataset.themes), default=5)
    used = 4 + names + themes + len("Trials") + len(trial_share_label(dataset)) + GAP * 5
    available = min(MAX_BAR_WIDTH, content_width(settings) - used)
    return available if available >= MIN_BAR_WIDTH else 0


def _spread(left: Styled, right: Styled, settings: RenderSettings) -> list[Styled]:
    """`left` and `right` on one line, pushed to the edges; on two lines when they do not fit side by side."""
    room = content_width(settings) - left.cell_len - right.cell_len
    if room < GAP:  # the right part wraps under the left, never cut ("of 241 times (36% of all proposals)")
        return [left, *right.wrap(content_width(settings))]
    return [Styled.assemble(left, " " * room, right)]


def _rule(settings: RenderSettings) -> list[Styled]:
    return [Styled(glyphs(settings).rule * content_width(settings), style="dim")]


def render_list(view: MechanismListView, settings: RenderSettings) -> list[Part]:
    dataset = view.dataset
    showing = f"{view.showing()}."
    return [
        _title(view.title()),
        Styled(""),
        _mechanism_table(view, view.rows, settings, show_theme=view.theme is None),
        Styled(""),
        _footer(
            view,
            showing,
            dataset.caveat,
            trial_share_note(dataset),
            _theme_footnote(view, settings) if view.theme is None else "",
        ),
    ]


def _quote(text: str, settings: RenderSettings) -> str:
    g = glyphs(settings)
    return f"{g.open_quote}{text}{g.close_quote}"


def _theme_quotes(view: ThemeView, settings: RenderSettings) -> Styled:
    quotes = " and ".join(_quote(quote, settings) for quote in view.summary.theme.quotes)
    source = f" {glyphs(settings).dash} {view.quoted_by()}"
    return Styled.assemble(Styled(quotes, style="italic"), Styled(source, style="dim"))


def render_theme(view: ThemeView, settings: RenderSettings) -> list[Part]:
    summary = view.summary
    theme = summary.theme
    g = glyphs(settings)
    header = _spread(
        Styled(theme.name, style=f"bold {ACCENT}"), Styled(f"theme {g.dot} {view.proposed_times()}"), settings
    )
    listed = view.listed()
    parts: list[Part] = [header, _rule(settings), Styled(listed), Styled(""), Styled(view.described())]
    if theme.quotes:
        parts += [Styled(""), _theme_quotes(view, settings)]
    parts += [Styled(""), _mechanism_table(view, view.rows, settings, show_theme=False), Styled("")]
    note = f"{view.discrepancy()}; clbp themes explains why." if summary.discrepancy else ""
    dataset = view.dataset
    members = (
        f"Which mechanisms are in this theme: {stated(dataset, 'mechanism_themes')}." if theme_marked(dataset) else ""
    )
    parts.append(_footer(view, note, members, dataset.caveat, trial_share_note(dataset)))
    return parts


def render_themes(view: ThemesView, settings: RenderSettings) -> list[Part]:
    dataset = view.dataset
    explain = themes_columns_note(dataset, "Published", proposal_share_label(dataset), "Listed")
    notes = [f"* {note}" for note in view.discrepancy_notes]
    table = _themes_table(view, settings)
    return [_title(view.title()), Styled(""), table, Styled(""), _footer(view, *notes, explain)]


def _themes_table(view: ThemesView | AboutView, settings: RenderSettings) -> list[Styled]:
    """The themes side by side: published totals and shares (of proposals), mechanisms, listed sums."""
    dataset = view.dataset
    summaries = view.summaries
    ruler = theme_ruler(summaries)
    total_published = sum(summary.theme.published_total for summary in summaries)
    columns = [
        Column("Theme", footer="Total", flexible=True, min_width=12),
        Column("Published", footer=str(total_published), right=True, short="Pub."),
        Column(proposal_share_label(dataset), footer=percent(1.0 if total_published else 0.0), right=True, short="%"),
        Column("Mechanisms", footer=str(sum(s.mechanism_count for s in summaries)), right=True, short="Mech."),
        Column("Listed", footer=str(sum(s.listed_total for s in summaries)), right=True, short="List."),
    ]
    names_width = max((len(summary.theme.name) for summary in summaries), default=5)
    used = names_width + len("Published") + len(columns[2].header) + len("Mechanisms") + len("Listed") + GAP * 5
    bar_width = min(MAX_BAR_WIDTH, content_width(settings) - used) if settings.terminal else 0
    if bar_width >= MIN_BAR_WIDTH:
        columns.append(Column(""))
    rows = []
    for summary in summaries:
        mark = "*" if summary.discrepancy else ""
        cells: list[Cell] = [
            summary.theme.name,
            str(summary.theme.published_total),
            percent(summary.published_share),
            str(summary.mechanism_count),
            f"{summary.listed_total}{mark}",
        ]
        if bar_width >= MIN_BAR_WIDTH:
            cells.append(bar(summary.theme.published_total, ruler, bar_width, settings))
        rows.append(cells)
    return grid(columns, rows, content_width(settings), settings)


def render_search(view: SearchView, settings: RenderSettings) -> list[Part]:
    table = _mechanism_table(view, [hit.row for hit in view.hits], settings, matched=view.hits)
    return [
        _title(view.title()),
        Styled(""),
        table,
        Styled(""),
        _footer(view, view.dataset.caveat, _theme_footnote(view, settings)),
    ]


DETAIL_LABEL_WIDTH = len("Exercise types")  # "From the review" (one longer) still leaves two spaces
MIN_DETAIL_WIDTH = 30  # narrower than this beside the labels, a card's details go below them


def _details(rows: Sequence[tuple[str, Sequence[str], str]], settings: RenderSettings) -> list[Styled]:
    """Labels and their lists of items; a long list wraps under itself (a hanging indent), not under its label.

    Lines break between items, never inside one ("Postural alignment (2)" stays whole), and end with the separator
    rather than start with it. On a narrow terminal the items go below their label instead of beside it.
    """
    indent = DETAIL_LABEL_WIDTH + 3
    beside = content_width(settings) - indent >= MIN_DETAIL_WIDTH
    if not beside:
        indent = 2
    width = max(content_width(settings) - indent, 1)
    lines = []
    for label, items, separator in rows:
        packed = [Styled(line) for line in _packed(items, separator, width)]
        if beside:
            lines.append(Styled.assemble(Styled(label.ljust(indent), style="bold"), packed[0]))
            packed = packed[1:]
        else:
            lines.append(Styled(label, style="bold"))
        lines += [Styled.assemble(" " * indent, line) for line in packed]
    return lines


def _packed(items: Sequence[str], separator: str, width: int) -> list[str]:
    """`items` joined by `separator` in lines of at most `width` cells, broken between items, never inside one.

    A line ends with the separator's mark (`,` or `·`), never starts with it. Only an item wider than the whole
    line is broken, at its spaces.
    """
    mark = separator.rstrip()
    lines: list[str] = []
    line = ""
    for index, item in enumerate(items):
        after = mark if index < len(items) - 1 else ""  # room for the mark, in case the next item goes below
        if line and _width(f"{line}{separator}{item}{after}") <= width:
            line = f"{line}{separator}{item}"
            continue
        if line:
            lines.append(line + mark)
        if _width(item + after) <= width:
            line = item
        else:
            pieces = [piece.plain.rstrip() for piece in Styled(item).wrap(max(width - len(after), 1))]
            lines += pieces[:-1]
            line = pieces[-1]
    return [*lines, line]


def render_show(view: MechanismView, settings: RenderSettings) -> list[Part]:
    """A card: what the review reports (count, shares, rank) apart from the notes written for clbp (definition,
    vocabulary), each under a label saying whose it is; the theme marked where its source is not the counts'."""
    row = view.row
    mechanism = row.mechanism
    dataset = view.dataset
    g = glyphs(settings)
    header = _spread(
        Styled(mechanism.name, style=f"bold {ACCENT}"),
        Styled(
            _marked(
                f"{theme_label(dataset, view.theme.name)} {g.dot} rank {row.rank_label} of {len(dataset.mechanisms)}",
                settings,
            )
        ),
        settings,
    )
    dot = f" {g.dot} "
    review = f"{view.proposed_by()}. Source: {counts_source(dataset)}"
    details: list[tuple[str, Sequence[str], str]] = [("Definition", [mechanism.description], "")]
    if mechanism.aliases:
        details.append(("Also known as", mechanism.aliases, ", "))
    if mechanism.measures:
        details.append(("Measured with", view.card_measures(), ", "))
    if mechanism.exercises:
        details.append(
            ("Exercise types", [f"{EXERCISE_NOTE} {mechanism.exercises[0]}", *mechanism.exercises[1:]], ", ")
        )
    if mechanism.keywords:
        details.append(("Related words", mechanism.keywords, ", "))
    same_theme = [f"{other.mechanism.name} ({other.mechanism.count})" for other in view.same_theme]
    same_theme_label = _marked(theme_label(dataset, "Same theme"), settings)
    return [
        header,
        _rule(settings),
        _details([("From the review", [review, "clbp cite"], dot)], settings),
        Styled(""),
        Styled(notes_label(dataset), style="bold"),
        _details(details, settings),
        Styled(""),
        _details([(same_theme_label, same_theme or ["none"], dot)], settings),
        Styled(""),
        Styled(
            "\n".join(
                line
                for line in (f"{count_caveat(dataset)} {trial_share_note(dataset)}", _theme_footnote(view, settings))
                if line
            ),
            style="dim",
        ),
    ]


def render_about(view: AboutView, settings: RenderSettings) -> list[Part]:
    dataset = view.dataset
    cite = short_author_year(dataset.source)
    return [
        Styled(f"About the review: {cite}, the {headline(dataset)}", style=f"bold {ACCENT}"),  # wraps, never cut
        _rule(settings),
        _details([(label, [fact], "") for label, fact in view.facts()], settings),
        Styled(""),
        _themes_table(view, settings),
        Styled(""),
        *(
            Styled(("* " if index == 0 and view.discrepancies else "") + note)
            for index, note in enumerate(view.theme_notes())
        ),
        Styled(""),
        Styled(apa(dataset.source)),
        Styled(""),
        _footer(view, "A reference to the literature, not medical advice."),
    ]


def render_measures(view: MeasuresView, settings: RenderSettings) -> list[Part]:
    show_theme = view.theme is None and view.mechanism is None
    columns = [
        Column("Instrument", flexible=True, wrap=True, min_width=12),
        Column("Abbreviation", flexible=True, min_width=6),
        Column("Mechanism", flexible=True, wrap=True, min_width=10),
    ]
    if show_theme:
        columns.append(Column("Theme", flexible=True, wrap=True, min_width=8))
    names = theme_names(view.dataset)
    cells: list[list[Cell]] = []
    for row in view.rows:
        line: list[Cell] = [row.measure.name, row.measure.abbreviation, row.mechanism_names()]
        if show_theme:
            line.append(row.theme_names(names))
        cells.append(line)
    table = grid(columns, cells, content_width(settings), settings)
    footer = _footer(view, view.vocabulary_note(), view.unmeasured_note())
    return [_title(view.title()), Styled(""), table, Styled(""), footer]


class Layout(NamedTuple):
    """How the terminal draws one view: its parts, and whether it is a card (prose at most CARD_WIDTH wide) or a
    table (the whole width)."""

    render: Callable[[Any, RenderSettings], list[Part]]
    card: bool


# One entry per view: a new view adds one line here.
LAYOUTS: dict[type, Layout] = {
    MechanismListView: Layout(render_list, card=False),
    ThemeView: Layout(render_theme, card=True),
    ThemesView: Layout(render_themes, card=False),
    SearchView: Layout(render_search, card=False),
    MechanismView: Layout(render_show, card=True),
    AboutView: Layout(render_about, card=True),
    MeasuresView: Layout(render_measures, card=False),
}


def renderables(view: View, settings: RenderSettings) -> list[Part]:
    return LAYOUTS[type(view)].render(view, settings)


def fitted(view: View, settings: RenderSettings) -> RenderSettings:
    """The settings to lay `view` out with: a card (show, theme, about) is at most CARD_WIDTH wide, a table takes
    the whole width."""
    if LAYOUTS[type(view)].card and settings.width > CARD_WIDTH:
        return settings._replace(width=CARD_WIDTH)
    return settings


def render_table(view: View, settings: RenderSettings) -> str:
    settings = fitted(view, settings)
    return to_text(renderables(view, settings), settings)
