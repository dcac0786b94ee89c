"""The widgets of `clbp browse`: the search box, the theme tabs, the ranked list and the card.

Each widget draws from what it is given (set by the app) and lets messages flow up to the app (Tabs.TabActivated,
MechanismList.RowHighlighted and RowSelected, OptionList.OptionSelected; the app watches the search box's text);
none of them reaches into the app. The list is clbp's own, on Textual's line API (it draws only the rows in view,
so a key's work does not grow with the rows); its columns, headers and cells are those of `clbp list` and `clbp
search` (`render.terminal.mechanism_cells`, laid out by `fit_grid`). The card is what `clbp show` prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, NamedTuple

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static, Tab, Tabs
from textual.widgets.option_list import Option

from clbp_cli.core.model import Dataset
from clbp_cli.core.ranking import RankedMechanism, select_mechanisms
from clbp_cli.core.search import SearchHit
from clbp_cli.core.views import mechanism_view, theme_names
from clbp_cli.render.formats import RenderSettings
from clbp_cli.render.styled import to_rich
from clbp_cli.render.terminal import (
    ACCENT,
    Cell,
    Column,
    as_renderable,
    fit_grid,
    layout,
    mechanism_cells,
    render_show,
)

HIGHLIGHT = f"bold underline {ACCENT}"  # matched words; the underline survives NO_COLOR
CELL_PADDING = 1  # the list's space either side of a cell
GRID_GAP = 2  # the space between two columns of `clbp list`, which the cells' padding replaces
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


def update_in_place(widget: Static, content: RenderableType, lines: int) -> None:
    """Static.update, with a layout of the screen only when the widget's height changes (`lines` is the new content's
    height at the widget's width): a layout costs more than the rest of a key's drawing."""
    widget.update(content, layout=lines != widget.content_region.height or not widget.content_region.width)


class StatusLine(Static):
    """One line (or two on a narrow terminal) that says what the list is; redrawn only when that changes."""

    shown: tuple[str, str, list[Span]] | None = None  # what it shows (rich's Text equality leaves out its style)

    def show(self, text: Text) -> None:
        shown = (text.plain, str(text.style), text.spans)
        if shown == self.shown:
            return
        self.shown = shown
        width = self.content_region.width
        update_in_place(self, text, len(text.wrap(self.app.console, width)) if width else 0)


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


class MechanismList(ScrollView, can_focus=True, inherit_bindings=False):
    """The ranked list: `clbp list`'s columns (or `clbp search`'s, while searching), fitted to the pane.

    A line-API widget (Textual's ScrollView): it holds every entry it is given, and draws only the lines in view,
    each made once (a row's cells, then its line, are cached until the entries, the width or the styles change).
    So a key's work is the same for 3 hits and 10,000: the entries set, the columns fitted to the first FIT rows
    (later rows are cut to them), one repaint. Its own size never changes, so a new list needs no new layout of
    the screen (only when the scroll bar comes or goes). The header stays on the first line; the rest scrolls.
    """

    class RowMessage(Message):
        """Something happened to a row of the list: which list, and which row."""

        def __init__(self, mechanism_list: MechanismList, cursor_row: int) -> None:
            super().__init__()
            self.mechanism_list = mechanism_list
            self.cursor_row = cursor_row

        @property
        def control(self) -> MechanismList:
            return self.mechanism_list

    class RowHighlighted(RowMessage):
        """The cursor moved to another row."""

    class RowSelected(RowMessage):
        """Enter, or a click on the highlighted row."""

    FIT = 60  # the columns are fitted to this many first rows: more than a tall terminal shows
    CHUNK = 32  # rows whose cells are made at once, as they come into view
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "mechanism-list--header",
        "mechanism-list--cursor",
        "mechanism-list--hover",
    }
    DEFAULT_CSS = """
    MechanismList {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        &:focus {
            background-tint: $foreground 5%;
            & > .mechanism-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .mechanism-list--header {
                background-tint: $foreground 5%;
            }
        }
        & > .mechanism-list--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .mechanism-list--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .mechanism-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .mechanism-list--hover {
            background: $block-hover-background;
        }
    }
    """  # DataTable's look, which the list had before
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Move", key_display="↑↓"),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home,ctrl+home", "first", "First", show=False),
        Binding("end,ctrl+end", "last", "Last", show=False),
        Binding("enter", "select", "Open", key_display="Enter"),
        Binding("escape", "app.cancel_search", "Clear", key_display="Esc"),  # shown while there is a search
    ]

    def __init__(self, dataset: Dataset, colours: dict[str, str], *, id: str) -> None:
        super().__init__(id=id)
        self.dataset = dataset
        self.theme_names = theme_names(dataset)
        self.colours = colours  # by theme id
        self.entries: Sequence[Entry] = ()
        self.show_theme = True
        self.cursor_row = 0
        self.hover_row: int | None = None  # under the mouse
        self._layout: Layout | None = None  # the columns fitted to the width and the first rows
        self._headers: list[str] = []
        self._fitted_width = 0
        self._cells: dict[int, list[Cell]] = {}  # by entry, made a CHUNK at a time
        self._strips: dict[tuple[int, bool, bool], Strip] = {}  # by entry, cursor and hover
        self._header_strip: Strip | None = None
        self._styles: tuple[Style, ...] = ()  # what the cached lines were drawn with

    # The entries ---------------------------------------------------------------------------------------------
    def show(self, entries: Sequence[Entry], *, show_theme: bool) -> None:
        """A new list: the cursor on its first row, scrolled to the top."""
        self.entries = entries
        self.show_theme = show_theme
        self.cursor_row = 0
        self.hover_row = None
        self.fit()
        self.set_height(len(entries))
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self.entries)

    def set_height(self, rows: int) -> None:
        """The virtual size: the header and every row. A layout only when the scroll bar comes or goes (the widget's
        own size stays as the screen laid it out)."""
        size = Size(self.scrollable_content_region.width, rows + 1)
        if size == self.virtual_size:
            return
        region = self.scrollable_content_region.height or self.size.height
        if (size.height > region) != (self.virtual_size.height > region) or not self.virtual_size:
            self.virtual_size = size  # a reactive that lays the screen out again
        else:
            self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)

    def on_resize(self) -> None:
        if self.size.width != self._fitted_width:  # a new height needs no new columns
            self.fit()
        self.set_height(len(self.entries))
        self.scroll_to_cursor()
        self.refresh()

    def fit(self) -> None:
        """The columns fitted to the width and the first FIT entries; the cached rows forgotten."""
        width = self.size.width or self.app.size.width
        self._fitted_width = self.size.width
        self._cells.clear()
        self._strips.clear()
        self._header_strip = None
        fitted = min(self.FIT, len(self.entries))
        # Numbers are never cut: the columns fit the first rows, and the widest rank and count further down.
        everything, cells = self.cells([*range(fitted), *self.widest_numbers(fitted)])
        # Each cell has a space either side where `clbp list` leaves a gap between columns.
        room = width - SCROLLBAR - 2 * CELL_PADDING * len(everything) + GRID_GAP * (len(everything) - 1)
        columns, _, widths, self._headers = fit_grid(everything, cells, room)
        self._layout = (everything, columns, widths)
        self._cells.update(enumerate(cells[:fitted]))

    def widest_numbers(self, start: int) -> list[int]:
        """The entries from `start` on with the longest rank and the longest count, where longer than before it."""
        widest = []
        ranks = [len(entry.row.rank_label) for entry in self.entries]
        counts = [len(str(entry.row.mechanism.count)) for entry in self.entries]
        for widths in (ranks, counts):
            longest = max(widths[start:], default=0)
            if longest > max(widths[:start], default=0):
                widest.append(widths.index(longest, start))
        return widest

    def cells(self, indices: Sequence[int]) -> tuple[list[Column], list[list[Cell]]]:
        """`clbp list`'s (or `clbp search`'s) columns and the cells of these entries (one call: each scans the data)."""
        entries = [self.entries[index] for index in indices]
        rows = [entry.row for entry in entries]
        hits = [entry.hit for entry in entries]
        matched = [hit for hit in hits if hit is not None] if any(hits) else None
        width = self.size.width or self.app.size.width
        settings = RenderSettings(color=True, width=width - SCROLLBAR, unicode=True, terminal=True)
        return mechanism_cells(self.dataset, rows, settings, show_theme=self.show_theme, matched=matched)

    def row_texts(self, index: int) -> list[Text]:
        """An entry's cells as the list shows them: the columns kept, cut to their widths, the theme in its colour
        and the match kept in view."""
        assert self._layout is not None
        everything, columns, widths = self._layout
        if index not in self._cells:
            start = index - index % self.CHUNK
            end = min(start + self.CHUNK, len(self.entries))
            self._cells.update(zip(range(start, end), self.cells(range(start, end))[1], strict=True))
        line = self._cells[index]
        entry = self.entries[index]
        theme = entry.row.mechanism.theme
        texts = []
        for column in columns:
            cell = line[everything.index(column)]
            text = Text(cell, justify="right" if column.right else "left") if isinstance(cell, str) else to_rich(cell)
            if text.plain == self.theme_names[theme]:  # the theme's name in its colour, as in the status line
                text.stylize(self.colours[theme])
            texts.append(text)
        if entry.hit is not None:  # the last column: where it matched, the match kept in view
            texts[-1] = matched_cell(entry.hit, widths[-1])
        return [cut(text, size) for text, size in zip(texts, widths, strict=True)]

    # Drawing -------------------------------------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        styles = (
            self.rich_style,
            self.get_component_rich_style("mechanism-list--header"),
            self.get_component_rich_style("mechanism-list--cursor"),
            self.get_component_rich_style("mechanism-list--hover"),
        )
        if styles != self._styles:  # focus, or another theme (Ctrl+P)
            self._styles = styles
            self._strips.clear()
            self._header_strip = None
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        base, header, cursor, hover = self._styles
        width = self.scrollable_content_region.width
        if self._layout is None:
            return Strip.blank(width, base)
        if y == 0:
            if self._header_strip is None:
                columns = self._layout[1]
                texts = [
                    Text(name, justify="right" if column.right else "left")
                    for name, column in zip(self._headers, columns, strict=True)
                ]
                self._header_strip = self._line(texts, width, base + header, None)
            return self._header_strip
        index = self.scroll_offset.y + y - 1
        if index >= len(self.entries):
            return Strip.blank(width, base)
        key = (index, index == self.cursor_row, index == self.hover_row)
        strip = self._strips.get(key)
        if strip is None:
            style, post = base, None
            if key[2]:
                style += hover
            if key[1]:
                style += cursor
                post = Style.from_color(cursor.color)  # the cursor's colour over the cells' own, as DataTable did
            strip = self._strips[key] = self._line(self.row_texts(index), width, style, post)
        return strip

    def _line(self, texts: list[Text], width: int, style: Style, post: Style | None) -> Strip:
        assert self._layout is not None
        line = Text(" ")
        for text, size in zip(texts, self._layout[2], strict=True):
            text = text.copy()
            text.align(text.justify if text.justify in ("left", "right") else "left", size)
            line.append_text(text)
            line.append("  ")
        segments = Segment.apply_style(line.render(self.app.console), style, post)
        return Strip(segments).adjust_cell_length(width, style + post if post else style)

    # The cursor ----------------------------------------------------------------------------------------------
    def go_to(self, row: int, *, announce: bool = True) -> None:
        """Move the cursor to an entry (and the list to show it)."""
        row = max(0, min(row, len(self.entries) - 1))
        if row != self.cursor_row:
            self.refresh_row(self.cursor_row)
            self.cursor_row = row
            self.refresh_row(row)
            if announce:
                self.post_message(self.RowHighlighted(self, row))
        self.scroll_to_cursor()

    def refresh_row(self, row: int) -> None:
        self.refresh_line(row + 1)

    def scroll_to_cursor(self) -> None:
        rows = max(1, self.scrollable_content_region.height - 1)  # under the header
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + rows:
            self.scroll_to(y=self.cursor_row - rows + 1, animate=False, immediate=True)

    def action_move(self, step: int) -> None:
        self.set_hover(None)
        self.go_to(self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        """A page down or up: the list scrolls by what it shows, and the cursor with it."""
        self.set_hover(None)
        rows = max(1, self.scrollable_content_region.height - 2)
        self.scroll_to(y=self.scroll_y + direction * rows, animate=False, immediate=True)
        self.go_to(self.cursor_row + direction * rows)

    def action_first(self) -> None:
        self.go_to(0)

    def action_last(self) -> None:
        self.go_to(len(self.entries) - 1)

    def action_select(self) -> None:
        if self.entries:
            self.post_message(self.RowSelected(self, self.cursor_row))

    # The mouse -----------------------------------------------------------------------------------------------
    def set_hover(self, row: int | None) -> None:
        if row != self.hover_row:
            for old in (self.hover_row, row):
                if old is not None:
                    self.refresh_row(old)
            self.hover_row = row

    def row_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return None
        row = round(self.scroll_y) + offset.y - 1
        return row if row < len(self.entries) else None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.set_hover(self.row_at(event))

    def on_leave(self) -> None:
        self.set_hover(None)

    def on_click(self, event: events.Click) -> None:
        row = self.row_at(event)
        if row is None:
            return
        event.stop()
        if row == self.cursor_row:  # a click on the highlighted row opens it
            self.action_select()
        else:
            self.go_to(row)


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
        self._themes: dict[str, Sequence[RankedMechanism]] = {}  # each theme's rows, selected once
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
        theme = row.mechanism.theme
        if theme not in self._themes:
            self._themes[theme] = select_mechanisms(self.dataset, self.ranked, theme_id=theme)
        # Its theme's rows, not all of them: the same card, without reading 10,000 rows on every key.
        view = mechanism_view(self.dataset, self._themes[theme], row)
        others = len(view.same_theme)
        view = view._replace(same_theme=view.same_theme[: self.SIBLINGS])
        width = self.scrollable_content_region.width or 60
        settings = RenderSettings(color=not self.app.no_color, width=width + 2, unicode=True, terminal=True)
        parts = render_show(view, settings)
        update_in_place(body, as_renderable(parts), len(layout(parts, width)))
        wanted = [other.mechanism.id for other in view.same_theme]
        if [option.id for option in siblings.options] != wanted:
            siblings.set_options(  # not clear_options, then add: the list's height may stay the same
                [Option(Text(f"{o.mechanism.name} ({o.mechanism.count})"), id=o.mechanism.id) for o in view.same_theme]
            )
            if wanted:
                siblings.highlighted = 0
        shown = "" if others <= self.SIBLINGS else f" (the {self.SIBLINGS} most proposed of {others:,})"
        siblings.border_title = f"Same theme{shown}: Enter to follow"
        siblings.display = bool(wanted)
