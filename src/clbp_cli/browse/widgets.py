"""The widgets of `clbp browse`: the search box, the theme tabs, the ranked list and the card.

Each widget draws from what it is given (set by the app) and lets Textual's messages flow up to the app
(Input.Changed, Tabs.TabActivated, DataTable.RowHighlighted, OptionList.OptionSelected); none of them reaches
into the app. The list's columns, headers and cells are those of `clbp list` and `clbp search`
(`render.terminal.mechanism_cells`, laid out by `fit_grid`), and the card is what `clbp show` prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, NamedTuple

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.coordinate import Coordinate
from textual.message import Message
from textual.reactive import var
from textual.widgets import DataTable, Input, OptionList, Static, Tab, Tabs
from textual.widgets.option_list import Option

from clbp_cli.core.model import Dataset
from clbp_cli.core.ranking import RankedMechanism
from clbp_cli.core.search import SearchHit
from clbp_cli.core.views import mechanism_view, theme_names
from clbp_cli.render.formats import RenderSettings
from clbp_cli.render.styled import to_rich
from clbp_cli.render.terminal import ACCENT, Cell, Column, as_renderable, fit_grid, mechanism_cells, render_show

HIGHLIGHT = f"bold underline {ACCENT}"  # matched words; the underline survives NO_COLOR
CELL_PADDING = 1  # DataTable's space either side of a cell
GRID_GAP = 2  # the space between two columns of `clbp list`, which DataTable's padding replaces
SCROLLBAR = 2
TAB_PADDING = 2  # a tab's space around its label
ELLIPSIS = "…"


class Entry(NamedTuple):
    """A row of the list: a ranked mechanism, and how it matched the query (None when there is no query)."""

    row: RankedMechanism
    hit: SearchHit | None


def highlighted(text: str, spans: Sequence[tuple[int, int]]) -> Text:
    result = Text(text)
    for start, end in spans:
        result.stylize(HIGHLIGHT, start, end)
    return result


def cut(text: Text, width: int) -> Text:
    if text.cell_len > width:
        text = text.copy()
        text.truncate(width, overflow="ellipsis")
    return text


def matched_cell(hit: SearchHit, width: int) -> Text:
    """Where a mechanism matched ("alias: fear of movement"), cut to `width` so the first match stays in view."""
    label = f"{hit.field}: "
    text, spans = hit.text, list(hit.spans)
    room = width - len(label)
    if spans and spans[0][1] > room and spans[0][0] > 1:
        shift = spans[0][0] - 1  # keep the match, one character before it and an ellipsis
        text = ELLIPSIS + text[shift:]
        spans = [(start - shift + 1, end - shift + 1) for start, end in spans if start >= shift]
    return Text.assemble(label, highlighted(text, spans))


def fitted_labels(names: Sequence[str], width: int) -> list[str]:
    """Tab labels that fit in `width` columns: the full names when they fit, else the longest cut first."""
    labels = list(names)
    room = width - TAB_PADDING * len(labels)
    while sum(len(label) for label in labels) > room:
        longest = max(range(len(labels)), key=lambda index: len(labels[index]))
        if len(labels[longest]) <= 4:  # "Neu…": shorter says nothing; the row scrolls instead
            break
        labels[longest] = labels[longest][: len(labels[longest]) - 2] + ELLIPSIS
    return labels


class SearchBox(Input):
    """The search box. While typing, the arrows and Enter act on the list below; Esc leaves the search.

    Every key is handled here, in the order typed. (Textual runs a widget's key bindings only once the key has
    bubbled up to the app, so when the app is busy re-ranking, a Backspace would be overtaken by the letters typed
    after it: "fear", four Backspaces and "kinesiofobia" came out as "fknesiofobia".)
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "app.move(1)", "Move", key_display="↑↓"),
        Binding("enter", "submit", "Open", key_display="Enter"),
        Binding("up", "app.move(-1)", "Up", show=False),
        Binding("pagedown", "app.move(10)", "Page down", show=False),
        Binding("pageup", "app.move(-10)", "Page up", show=False),
        Binding("escape", "app.cancel_search", "Cancel search", key_display="Esc"),
        Binding("f1", "app.keys", "Keys", key_display="F1"),
    ]
    _keys: ClassVar[BindingsMap | None] = None

    @classmethod
    def keys(cls) -> BindingsMap:
        if cls._keys is None:
            cls._keys = BindingsMap([*cls.BINDINGS, *Input.BINDINGS])  # this box's own keys first
        return cls._keys

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self.keys().key_to_bindings.get(event.key, ()):
                if await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)


class ThemeTabs(Tabs):
    """All, then one tab per theme; the labels are cut to fit the terminal's width."""

    def __init__(self, names: Sequence[str], *, id: str) -> None:
        self.names = ("All", *names)
        super().__init__(*(Tab(Content(name), id=f"theme-{index}") for index, name in enumerate(self.names)), id=id)

    def on_resize(self, event: events.Resize) -> None:
        for index, label in enumerate(fitted_labels(self.names, event.size.width)):
            self.query_one(f"#theme-{index}", Tab).label = Content(label)


Layout = tuple[list[Column], list[Column], list[int]]  # the list's columns: all of them, those kept, their widths


class MechanismTable(DataTable[Text]):
    """The ranked list: `clbp list`'s columns (or `clbp search`'s, while searching), fitted to the pane.

    It holds rows only for what can be seen or scrolled to soon: the first PAGE, and a PAGE more each time the
    cursor or the scroll comes within half a page of the end. So a key's work does not grow with the number of hits.
    The columns are fitted to the first page; later rows are cut to them. When its entries run out before the
    `available` rows the app said there are, it asks for more (MoreWanted), which come with `extend`.
    """

    class MoreWanted(Message):
        """The list nears the end of its entries, and more are available."""

    PAGE = 60  # rows made at once: more than a tall terminal shows
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,down", "cursor_down", "Move", key_display="↑↓"),  # shown only: DataTable's own keys move
        Binding("enter", "select_cursor", "Open", key_display="Enter"),
        Binding("escape", "app.cancel_search", "Clear", key_display="Esc"),  # shown while there is a search
    ]

    def __init__(self, dataset: Dataset, colours: dict[str, str], *, id: str) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id=id)
        self.dataset = dataset
        self.theme_names = theme_names(dataset)
        self.colours = colours  # by theme id
        self.entries: list[Entry] = []
        self.available = 0
        self._asked = False  # for more entries, since the list was shown
        self.show_theme = True
        self._layout: Layout | None = None
        self._columns: tuple[list[Column], list[str], list[int]] | None = None  # as last added, headers and widths
        self._fitted_width = 0

    def show(self, entries: list[Entry], *, show_theme: bool, available: int) -> None:
        self.entries = entries
        self.available = max(available, len(entries))
        self._asked = False
        self.show_theme = show_theme
        self.fill(keep_cursor=False)

    def extend(self, entries: list[Entry]) -> None:
        """More entries of the same list (the ones shown first, then more)."""
        self.entries = entries
        self.load_rows(self.cursor_row + self.PAGE // 2)

    def on_resize(self) -> None:
        if self.size.width != self._fitted_width:  # a new height needs no new columns, only (maybe) more rows
            self.fill(keep_cursor=True)
        else:
            self.load_rows(self.cursor_row + self.size.height + self.PAGE // 2)

    def fill(self, *, keep_cursor: bool) -> None:
        """The columns fitted to the first page of entries, and that page's rows (more if the cursor is further)."""
        cursor = self.cursor_row if keep_cursor else 0
        width = self.size.width or self.app.size.width
        self._fitted_width = self.size.width
        page = self.entries[: max(self.PAGE, cursor + self.PAGE // 2)]
        everything, cells = self.cells(page)
        # DataTable pads each cell on both sides where `clbp list` leaves a gap between columns.
        room = width - SCROLLBAR - 2 * CELL_PADDING * len(everything) + GRID_GAP * (len(everything) - 1)
        columns, _, widths, headers = fit_grid(everything, cells, room)
        layout = (everything, columns, widths)
        self._layout = None  # no rows added by the cursor's moves while the table is made
        if (columns, headers, widths) == self._columns:
            self.clear()  # the same columns: only the rows are new
        else:
            self.clear(columns=True)
            for column, header, size in zip(columns, headers, widths, strict=True):
                self.add_column(Text(header, justify="right" if column.right else "left"), width=size)
            self._columns = (columns, headers, widths)
        self.add_rows(self.texts(page, cells, layout))
        self._layout = layout
        if self.entries:
            self.move_cursor(row=min(cursor, len(self.entries) - 1), animate=False)

    def cells(self, entries: Sequence[Entry]) -> tuple[list[Column], list[list[Cell]]]:
        """`clbp list`'s (or `clbp search`'s) columns and cells for these entries."""
        rows = [entry.row for entry in entries]
        hits = [entry.hit for entry in entries]
        matched = [hit for hit in hits if hit is not None] if any(hits) else None
        width = self.size.width or self.app.size.width
        settings = RenderSettings(color=True, width=width - SCROLLBAR, unicode=True, terminal=True)
        return mechanism_cells(self.dataset, rows, settings, show_theme=self.show_theme, matched=matched)

    def texts(self, entries: Sequence[Entry], cells: Sequence[Sequence[Cell]], layout: Layout) -> list[list[Text]]:
        """The table's rows: the cells of the columns kept, cut to their widths, the theme in its colour and the
        match kept in view."""
        everything, columns, widths = layout
        kept = [everything.index(column) for column in columns]
        table = []
        for entry, line in zip(entries, cells, strict=True):
            theme = entry.row.mechanism.theme
            texts = []
            for index, column in zip(kept, columns, strict=True):
                cell = line[index]
                text = (
                    Text(cell, justify="right" if column.right else "left") if isinstance(cell, str) else to_rich(cell)
                )
                if text.plain == self.theme_names[theme]:  # the theme's name in its colour, as in the status line
                    text.stylize(self.colours[theme])
                texts.append(text)
            if entry.hit is not None:  # the last column: where it matched, the match kept in view
                texts[-1] = matched_cell(entry.hit, widths[-1])
            table.append([cut(text, size) for text, size in zip(texts, widths, strict=True)])
        return table

    def load_rows(self, wanted: int) -> None:
        """Rows up to index `wanted` (and a page past it), when the entries have them and the table does not yet."""
        have = self.row_count
        if self._layout is None or wanted < have - self.PAGE // 2:
            return
        if have >= len(self.entries):
            if have < self.available and not self._asked:
                self._asked = True  # once per list
                self.post_message(self.MoreWanted())
            return
        more = self.entries[have : max(wanted + 1, have) + self.PAGE]
        layout, self._layout = self._layout, None  # adding rows may move the cursor: no rows added meanwhile
        try:
            rows = self.texts(more, self.cells(more)[1], layout)
            self.add_rows(rows)
        finally:
            self._layout = layout

    def go_to(self, row: int) -> None:
        """Move the cursor to an entry, making its row first if need be."""
        self.load_rows(row)
        self.move_cursor(row=row, animate=False)

    def watch_cursor_coordinate(self, old_coordinate: Coordinate, new_coordinate: Coordinate) -> None:
        super().watch_cursor_coordinate(old_coordinate, new_coordinate)
        self.load_rows(new_coordinate.row)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.load_rows(round(new_value) + self.size.height)

    def action_scroll_bottom(self) -> None:
        """End: the last entry, not only the last row made so far."""
        self.load_rows(len(self.entries))
        super().action_scroll_bottom()


class Card(VerticalScroll):
    """The selected mechanism's card, as `clbp show` prints it, and its theme's other mechanisms to follow.

    A theme of a large data file can hold thousands of mechanisms: the card names and offers only the SIBLINGS most
    proposed of them (the list to follow says how many there are), so that moving through the list stays instant.
    """

    SIBLINGS = 50
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.close_card", "Back", key_display="Esc")]

    row: var[RankedMechanism | None] = var(None, init=False)

    def __init__(self, dataset: Dataset, ranked: Sequence[RankedMechanism], *, id: str) -> None:
        super().__init__(id=id)
        self.dataset = dataset
        self.ranked = ranked
        self._drawn_width = 0

    def compose(self) -> ComposeResult:
        yield Static(id="card-body")
        siblings = OptionList(id="siblings")
        siblings.border_title = "Same theme: Enter to follow"
        yield siblings

    def watch_row(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._drawn_width:  # not when only its content's height changed
            self.draw()

    def draw(self) -> None:
        body = self.query_one("#card-body", Static)
        siblings = self.query_one("#siblings", OptionList)
        row = self.row
        self._drawn_width = self.scrollable_content_region.width
        if row is None:
            body.update(Text("Nothing selected.", style="italic"))
            siblings.clear_options()
            siblings.display = False
            return
        view = mechanism_view(self.dataset, self.ranked, row)
        others = len(view.same_theme)
        view = view._replace(same_theme=view.same_theme[: self.SIBLINGS])
        width = self.scrollable_content_region.width or 60
        settings = RenderSettings(color=not self.app.no_color, width=width + 2, unicode=True, terminal=True)
        body.update(as_renderable(render_show(view, settings)))
        wanted = [other.mechanism.id for other in view.same_theme]
        if [option.id for option in siblings.options] != wanted:
            siblings.clear_options()
            siblings.add_options(
                [Option(Text(f"{o.mechanism.name} ({o.mechanism.count})"), id=o.mechanism.id) for o in view.same_theme]
            )
            if wanted:
                siblings.highlighted = 0
        shown = "" if others <= self.SIBLINGS else f" (the {self.SIBLINGS} most proposed of {others:,})"
        siblings.border_title = f"Same theme{shown}: Enter to follow"
        siblings.display = bool(wanted)
