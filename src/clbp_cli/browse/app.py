"""`clbp browse`: search box, theme tabs, the ranked list and a mechanism's card on one screen.

Built from Textual's own widgets (Input, Tabs, DataTable, OptionList, Footer, modal screens) and styled in
app.tcss. Everything about the data comes from the same core as the commands: `search` ranks what is typed,
`select_mechanisms` filters by theme, `mechanism_view` and `render_show` make the card exactly as `clbp show`
prints it, `cite` writes the references. Text from the data always goes in as rich Text or Content, never as
markup, so a name like "[b]x" shows as typed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import ClassVar, NamedTuple

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Input, OptionList, Static, Tab, Tabs
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from clbp_cli.core.citation import CitationStyle, cite, short_author_year
from clbp_cli.core.model import Dataset, Theme
from clbp_cli.core.ranking import RankedMechanism, ThemeSummary, select_mechanisms, summarise_themes
from clbp_cli.core.search import SearchHit, SearchIndex, SearchPage, fold, nearest_names, prepare_search, search_page
from clbp_cli.core.views import mechanism_view, percent, quoted, trial_share_label
from clbp_cli.render.formats import RenderSettings
from clbp_cli.render.terminal import ACCENT, MAX_BAR_WIDTH, MIN_BAR_WIDTH, as_renderable, bar, render_show

LIST_LIMIT = 200  # rows in the list at most: enough to scroll, cheap to rebuild on each key (at 10,000 rows, 2 s)
BACKGROUND_FROM = 2000  # mechanisms from which the search runs in a thread, so typing never waits for it
WIDE = 110  # from this many columns the card sits beside the list; narrower, Enter opens it in the list's place
# Theme colours by the theme's place in the data: mid-tones, distinct from each other and readable on Textual's
# dark and light themes alike (ANSI names would not do: Textual's dark palette draws red and magenta alike).
THEME_COLOURS = ("#3b8eea", "#d6609a", "#3fae6a", "#d98a2b", "#9b6bd6", "#2aa6b4")
HIGHLIGHT = f"bold underline {ACCENT}"  # matched words; the underline survives NO_COLOR
CELL_PADDING = 1  # DataTable's space either side of a cell
MATCHED_WIDTH = 20  # below this, a search's list drops the Share column to show where each mechanism matched
SCROLLBAR = 2
STYLE_LABELS = {
    CitationStyle.apa: "APA",
    CitationStyle.vancouver: "Vancouver",
    CitationStyle.bibtex: "BibTeX",
    CitationStyle.ris: "RIS",
    CitationStyle.csl_json: "CSL-JSON",
}


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
        text = "…" + text[shift:]
        spans = [(start - shift + 1, end - shift + 1) for start, end in spans if start >= shift]
    return Text.assemble(label, highlighted(text, spans))


class SearchBox(Input):
    """The search box. While typing, the arrows and Enter act on the list below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "app.move(1)", "Move", key_display="↑↓"),
        Binding("enter", "submit", "Open"),
        Binding("up", "app.move(-1)", "Up", show=False),
        Binding("pagedown", "app.move(10)", "Page down", show=False),
        Binding("pageup", "app.move(-10)", "Page up", show=False),
        Binding("escape", "clear", "Clear"),
        Binding("f1", "app.help", "Keys"),
    ]

    def action_clear(self) -> None:
        self.value = ""


class MechanismTable(DataTable[Text]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,down", "cursor_down", "Move", key_display="↑↓"),  # shown only: DataTable's own keys move
        Binding("enter", "select_cursor", "Open"),
        Binding("escape", "app.focus_search", "Search", show=False),
    ]

    def on_resize(self, event: Resize) -> None:
        if isinstance(self.app, BrowseApp):
            self.app.fill_table(keep_cursor=True)


class Card(VerticalScroll):
    """The selected mechanism's card, as `clbp show` prints it, and its theme's other mechanisms to follow."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.close_card", "Back")]

    def on_resize(self, event: Resize) -> None:
        if isinstance(self.app, BrowseApp):
            self.app.render_card()


class BrowseApp(App[int]):
    """The app. `dataset` and `ranked` are loaded (and validated) by the command before the screen opens."""

    CSS_PATH = "app.tcss"
    TITLE = "clbp browse"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]  # noqa: RUF012  # Textual declares it without ClassVar
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("c", "cite", "Cite"),
        Binding("slash", "focus_search", "Search", key_display="/"),
        Binding("question_mark", "help", "Keys", key_display="?"),
        Binding("f1", "help", "Keys", show=False),
        *(Binding(str(digit), f"theme({digit})", show=False) for digit in range(10)),
    ]

    def __init__(self, dataset: Dataset, ranked: Sequence[RankedMechanism]) -> None:
        super().__init__()
        self.dataset = dataset
        self.ranked = tuple(ranked)
        self.summaries: tuple[ThemeSummary, ...] = summarise_themes(dataset)
        self.by_id = {row.mechanism.id: row for row in self.ranked}
        self.theme_names = {theme.id: theme.name for theme in dataset.themes}  # people see names, programs ids
        self.colours = {
            theme.id: THEME_COLOURS[index % len(THEME_COLOURS)] for index, theme in enumerate(dataset.themes)
        }
        self.largest = max((row.mechanism.count for row in self.ranked), default=0)
        self.theme_filter: Theme | None = None  # the theme filter; None is all themes
        self.entries: list[Entry] = []
        self.matched = 0  # rows before the list's limit
        self.all_hits = 0  # matches in every theme, before the theme filter
        self._last_search: tuple[str, str | None, SearchPage] | None = None  # (query, theme, its page)
        self._search_index: SearchIndex | None = None  # the data prepared for search (search_index)
        self._search_index_lock = threading.Lock()
        self.card_row: RankedMechanism | None = None

    # Layout --------------------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        search = SearchBox(placeholder="Type to search: a name, a word, a measure (fear, TSK, strength)", id="search")
        search.border_title = "Search"
        yield search
        tabs = [Tab(Content("All"), id="theme-0")]
        tabs += [Tab(Content(theme.name), id=f"theme-{index}") for index, theme in enumerate(self.dataset.themes, 1)]
        yield Tabs(*tabs, id="themes")
        yield Static(id="status")
        with Horizontal(id="main"):
            with Vertical(id="list-pane"):
                yield MechanismTable(id="list", cursor_type="row", zebra_stripes=False)
                with Vertical(id="empty"):
                    yield Static(id="empty-message")
                    yield OptionList(id="nearest")
            with Card(id="card"):
                yield Static(id="card-body")
                yield OptionList(id="siblings")
        source = self.dataset.source
        yield Static(
            Text(f"{self.dataset.caveat} Source: {short_author_year(source)}, {source.table} (c to cite)"), id="caveat"
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#siblings", OptionList).border_title = "Same theme: Enter to follow"
        self.query_one("#nearest", OptionList).border_title = "Nearest names: Enter to search for one"
        self.refresh_list()
        self.query_one(SearchBox).focus()
        if len(self.ranked) >= BACKGROUND_FROM:
            self.call_after_refresh(self.prepare_search_in_background)  # once the first screen is drawn

    @work(thread=True, group="index")
    def prepare_search_in_background(self) -> None:
        """On a large data file, the search index is made while the first screen is read, not on the first key."""
        self.search_index()

    def search_index(self) -> SearchIndex:
        """The data prepared for search, made once (by whichever thread asks first)."""
        with self._search_index_lock:
            if self._search_index is None:
                self._search_index = prepare_search(self.dataset, self.ranked)
            return self._search_index

    # What is shown -------------------------------------------------------------------------------------------
    def refresh_list(self) -> None:
        """Re-rank for what is typed and the theme chosen. On a large data file the search runs in a thread, so
        typing never waits for it; the list follows when it is done (unless something newer was typed)."""
        query = self.query_one(SearchBox).value
        theme_id = self.theme_filter.id if self.theme_filter else None
        searched = self._last_search is not None and self._last_search[:2] == (query, theme_id)
        if len(self.ranked) >= BACKGROUND_FROM and fold(query) and not searched:
            self.rerank_in_background(query, theme_id)
        else:
            self.show_matches(query, theme_id, *self.matches(query, theme_id))

    def matches(self, query: str, theme_id: str | None) -> tuple[list[Entry], int, int]:
        """The list's rows (up to LIST_LIMIT), how many match in the theme, and how many in all themes: the core's
        search, which builds only the hits shown."""
        if not fold(query):
            rows = select_mechanisms(self.dataset, self.ranked, theme_id=theme_id)
            return [Entry(row, None) for row in rows], len(rows), len(rows)
        if self._last_search is not None and self._last_search[:2] == (query, theme_id):
            page = self._last_search[2]
        else:
            page = search_page(  # every key
                self.dataset, self.ranked, query, top=LIST_LIMIT, theme_id=theme_id, typing=True,
                index=self.search_index(),
            )  # fmt: skip
            self._last_search = (query, theme_id, page)
        return [Entry(hit.row, hit) for hit in page.hits], page.matched, page.total

    @work(thread=True, exclusive=True, group="rerank")
    def rerank_in_background(self, query: str, theme_id: str | None) -> None:
        entries, matched, all_hits = self.matches(query, theme_id)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self.show_matches, query, theme_id, entries, matched, all_hits)

    def show_matches(self, query: str, theme_id: str | None, entries: list[Entry], matched: int, all_hits: int) -> None:
        if query != self.query_one(SearchBox).value or theme_id != (
            self.theme_filter.id if self.theme_filter else None
        ):
            return  # overtaken by a newer key
        self.entries = entries[:LIST_LIMIT]
        self.matched = matched
        self.all_hits = all_hits
        self.fill_table()
        self.query_one("#status", Static).update(self.status_text(query))
        self.show_empty_state(query)
        self.show_card(self.entries[0].row if self.entries else None)

    def status_text(self, query: str) -> Text:
        study = self.dataset.study
        if self.theme_filter is None:
            text = Text(f"All {len(self.ranked)} mechanisms, most proposed first", style="bold")
        else:
            summary = next(s for s in self.summaries if s.theme.id == self.theme_filter.id)
            text = Text(self.theme_filter.name, style=f"bold {self.colours[self.theme_filter.id]}")
            text.append(
                f": proposed {self.theme_filter.published_total} of {study.published_proposals} times "
                f"({percent(summary.published_share)} of all proposals); {summary.mechanism_count} mechanisms"
            )
            if summary.discrepancy:
                text.append(f", whose listed counts add up to {summary.listed_total} (clbp themes explains why)")
        if fold(query) and self.entries:
            count = self.matched
            noun = "mechanism matches" if count == 1 else "mechanisms match"
            text.append(f" · {count:,} {noun} {quoted(query)}")
            if all(entry.hit is not None and entry.hit.kind == "fuzzy" for entry in self.entries):
                text.append(" (no exact match; closest spellings)")
        if self.matched > len(self.entries):
            text.append(f" · showing the first {len(self.entries):,} of {self.matched:,}: type to narrow")
        return text

    def show_empty_state(self, query: str) -> None:
        empty = not self.entries
        self.query_one("#list-pane").set_class(empty, "-empty")
        if not empty:
            return
        nearest = self.query_one("#nearest", OptionList)
        nearest.clear_options()
        if self.all_hits and self.theme_filter is not None:
            message = (
                f"No {self.theme_filter.name.lower()} mechanism matches {quoted(query)}; {self.all_hits} in other themes: "
                "press 0 (or choose All) to see them."
            )
        elif not fold(query):
            message = "This theme has no mechanisms."
        else:
            names = nearest_names(self.search_index(), query)
            nearest.add_options([Option(Text(name)) for name in names])
            if names:
                nearest.highlighted = 0
            message = f"Nothing matches {quoted(query)}. " + (
                "Nearest names below; Esc clears the search." if names else "Esc clears the search."
            )
        nearest.display = nearest.option_count > 0
        self.query_one("#empty-message", Static).update(Text(message))

    def fill_table(self, keep_cursor: bool = False) -> None:
        table = self.query_one(MechanismTable)
        cursor = table.cursor_row if keep_cursor else 0
        width = table.size.width or self.size.width
        query_mode = any(entry.hit is not None for entry in self.entries)
        show_theme = self.theme_filter is None
        names = max((len(entry.row.mechanism.name) for entry in self.entries), default=9)
        themes = max((len(self.theme_names[entry.row.mechanism.theme]) for entry in self.entries), default=5)
        ranks = max((len(entry.row.rank_label) for entry in self.entries), default=4)
        widths = {
            "rank": max(ranks, 4),
            "name": max(names, 9),
            "theme": max(themes, 5),
            "trials": 6,
            "share": len(trial_share_label(self.dataset)),
        }
        order = ["rank", "name", *(["theme"] if show_theme else []), "trials"]
        order += ["share", "matched"] if query_mode else ["share", "bar"]
        room = width - SCROLLBAR - 2 * CELL_PADDING * len(order) - sum(widths.get(key, 0) for key in order)
        if query_mode and room < MATCHED_WIDTH:  # where it matched says more than the share, which the card has
            order.remove("share")
            room += widths["share"] + 2 * CELL_PADDING
        want = 14 if query_mode else MIN_BAR_WIDTH
        for key, floor in (("name", 12), ("theme", 8), ("name", 9)):
            if room < want and key in order and widths[key] > floor:
                given = min(want - room, widths[key] - floor)
                widths[key] -= given
                room += given
        if not query_mode and room < MIN_BAR_WIDTH:
            order.remove("bar")
        widths["bar"] = min(max(room, 0), MAX_BAR_WIDTH)
        widths["matched"] = max(room, 10)
        headers = {"rank": "Rank", "name": "Mechanism", "theme": "Theme", "trials": "Trials", "share": trial_share_label(self.dataset),
                   "bar": "", "matched": "Matched in"}  # fmt: skip
        right = {"rank", "trials", "share"}
        table.clear(columns=True)
        for key in order:
            table.add_column(
                Text(headers[key], justify="right" if key in right else "left"), width=widths[key], key=key
            )
        settings = RenderSettings(color=True, width=width, unicode=True, terminal=True)
        rows = []
        for entry in self.entries:
            cells = {
                "rank": Text(entry.row.rank_label, justify="right"),
                "name": self.name_cell(entry),
                "theme": Text(
                    self.theme_names[entry.row.mechanism.theme], style=self.colours.get(entry.row.mechanism.theme, "")
                ),
                "trials": Text(str(entry.row.mechanism.count), justify="right"),
                "share": Text(percent(entry.row.share_of_trials), justify="right"),
            }
            if "bar" in order:
                cells["bar"] = bar(entry.row.mechanism.count, self.largest, widths["bar"], settings)
            if entry.hit is not None:
                cells["matched"] = matched_cell(entry.hit, widths["matched"])
            rows.append([cut(cells[key], widths[key]) for key in order])
        table.add_rows(rows)
        if self.entries:
            table.move_cursor(row=min(cursor, len(self.entries) - 1), animate=False)

    def name_cell(self, entry: Entry) -> Text:
        hit = entry.hit
        if hit is not None and hit.field == "name" and hit.text == entry.row.mechanism.name:
            return highlighted(hit.text, hit.spans)
        return Text(entry.row.mechanism.name)

    def show_card(self, row: RankedMechanism | None) -> None:
        changed = row != self.card_row
        self.card_row = row
        if changed:
            self.render_card()

    def render_card(self) -> None:
        card = self.query_one(Card)
        body = self.query_one("#card-body", Static)
        siblings = self.query_one("#siblings", OptionList)
        row = self.card_row
        if row is None:
            body.update(Text("Nothing selected.", style="italic"))
            siblings.clear_options()
            siblings.display = False
            return
        view = mechanism_view(self.dataset, self.ranked, row)
        width = card.scrollable_content_region.width or 60
        settings = RenderSettings(color=not self.no_color, width=width + 2, unicode=True, terminal=True)
        body.update(as_renderable(render_show(view, settings)))
        wanted = [other.mechanism.id for other in view.same_theme]
        if [option.id for option in siblings.options] != wanted:
            siblings.clear_options()
            siblings.add_options(
                [Option(Text(f"{o.mechanism.name} ({o.mechanism.count})"), id=o.mechanism.id) for o in view.same_theme]
            )
            if wanted:
                siblings.highlighted = 0
        siblings.display = bool(wanted)

    # Events --------------------------------------------------------------------------------------------------
    @on(Input.Changed, "#search")
    def _query_changed(self) -> None:
        self.refresh_list()

    @on(Input.Submitted, "#search")
    def _query_submitted(self) -> None:
        if self.entries:
            self.action_open_card()
        else:
            nearest = self.query_one("#nearest", OptionList)
            if nearest.highlighted is not None and nearest.option_count:
                self.query_one(SearchBox).value = str(nearest.get_option_at_index(nearest.highlighted).prompt)

    @on(Tabs.TabActivated, "#themes")
    def _theme_chosen(self, event: Tabs.TabActivated) -> None:
        index = int(str(event.tab.id).rsplit("-", 1)[1])
        self.theme_filter = self.dataset.themes[index - 1] if index else None
        self.refresh_list()

    @on(DataTable.RowHighlighted, "#list")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.entries):
            self.show_card(self.entries[event.cursor_row].row)

    @on(DataTable.RowSelected, "#list")
    def _row_selected(self) -> None:
        self.action_open_card()

    @on(OptionList.OptionSelected, "#siblings")
    def _follow(self, event: OptionList.OptionSelected) -> None:
        self.follow(str(event.option.id))

    @on(OptionList.OptionSelected, "#nearest")
    def _nearest_chosen(self, event: OptionList.OptionSelected) -> None:
        self.query_one(SearchBox).value = str(event.option.prompt)
        self.query_one(SearchBox).focus()

    def follow(self, mechanism_id: str) -> None:
        """Show another mechanism's card; the list's cursor goes to it when it is in the list."""
        row = self.by_id[mechanism_id]
        for index, entry in enumerate(self.entries):
            if entry.row.mechanism.id == mechanism_id:
                self.query_one(MechanismTable).move_cursor(row=index, animate=False)
        self.show_card(row)
        self.query_one(Card).scroll_home(animate=False)

    # Actions -------------------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While typing, letters are text: `c`, `/` and `?` (shown in the footer) belong to the other panes."""
        if action in ("cite", "focus_search", "help", "theme") and isinstance(self.focused, Input):
            return action == "help"  # F1 still works; its footer entry comes from the search box
        return True

    def action_move(self, step: int) -> None:
        if self.entries:
            table = self.query_one(MechanismTable)
            table.move_cursor(row=max(0, min(len(self.entries) - 1, table.cursor_row + step)), animate=False)
        else:
            nearest = self.query_one("#nearest", OptionList)
            if step > 0:
                nearest.action_cursor_down()
            else:
                nearest.action_cursor_up()

    def action_open_card(self) -> None:
        """Focus the card (on a narrow screen it takes the list's place while it has the focus)."""
        if self.card_row is None:
            return
        self.screen.add_class("-card-open")
        card = self.query_one(Card)
        card.scroll_home(animate=False)
        self.call_after_refresh(card.focus)  # a narrow screen shows the card only from the next refresh

    def action_close_card(self) -> None:
        self.query_one(MechanismTable if self.entries else SearchBox).focus()

    def on_descendant_focus(self) -> None:
        """The card stays open while the focus is in it; anywhere else, a narrow screen shows the list again."""
        focused = self.focused
        in_card = focused is not None and any(isinstance(node, Card) for node in focused.ancestors_with_self)
        self.screen.set_class(in_card, "-card-open")

    def action_focus_search(self) -> None:
        self.query_one(SearchBox).focus()

    def action_theme(self, index: int) -> None:
        if index <= len(self.dataset.themes):
            self.query_one("#themes", Tabs).active = f"theme-{index}"

    def action_cite(self) -> None:
        self.push_screen(CiteScreen(self.dataset))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.dataset))


class CiteScreen(ModalScreen[None]):
    """The review's reference in a chosen style, copied to the clipboard on request."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("enter,y", "copy", "Copy", key_display="Enter"),
        *(Binding(str(n), f"style({n})", show=False) for n in range(1, len(STYLE_LABELS) + 1)),
    ]

    def __init__(self, dataset: Dataset) -> None:
        super().__init__()
        self.dataset = dataset
        self.style: CitationStyle = CitationStyle.apa

    def compose(self) -> ComposeResult:
        with Vertical(id="cite-dialog"):
            yield Static(Text("Cite the review (← → or 1-5: style; Enter: copy; Esc: close)"), id="cite-title")
            yield Tabs(*(Tab(Content(label), id=f"style-{s.name}") for s, label in STYLE_LABELS.items()), id="styles")
            with VerticalScroll(id="cite-scroll"):
                yield Static(id="citation")
            yield Static(id="cite-note")
            with Horizontal(id="cite-buttons"):
                yield Button("Copy", id="copy", variant="primary")
                yield Button("Close", id="close")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#styles", Tabs).focus()

    @on(Tabs.TabActivated, "#styles")
    def _style_chosen(self, event: Tabs.TabActivated) -> None:
        self.style = CitationStyle[str(event.tab.id).removeprefix("style-")]
        self.query_one("#citation", Static).update(Text(self.text))
        self.query_one("#cite-note", Static).update("")

    @property
    def text(self) -> str:
        return cite(self.dataset.source, self.style)

    def action_style(self, number: int) -> None:
        self.query_one("#styles", Tabs).active = f"style-{list(STYLE_LABELS)[number - 1].name}"

    def action_copy(self) -> None:
        label = STYLE_LABELS[self.style]
        if os.environ.get("TERM_PROGRAM") == "Apple_Terminal":
            note = "macOS Terminal does not let programs set the clipboard: select the text with the mouse instead."
        else:
            self.app.copy_to_clipboard(self.text)
            note = (
                f"Copied the {label} reference to the clipboard. If it does not arrive, your terminal (or tmux, "
                "without set-clipboard) blocks it: select the text with the mouse instead."
            )
        self.query_one("#cite-note", Static).update(Text(note))

    @on(Button.Pressed, "#copy")
    def _copy_pressed(self) -> None:
        self.action_copy()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.dismiss()


class HelpScreen(ModalScreen[None]):
    """Every key, and the caveat."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "dismiss", "Close", key_display="Esc"),
    ]

    def __init__(self, dataset: Dataset) -> None:
        super().__init__()
        self.dataset = dataset

    def compose(self) -> ComposeResult:
        themes = ", ".join(f"{index} {theme.name.lower()}" for index, theme in enumerate(self.dataset.themes, 1))
        keys = [
            ("Type", "search names, aliases, words and measures; any case, spelling or small typo"),
            ("↑ ↓ PgUp PgDn", "move in the list (also while typing); the card follows"),
            ("Enter", "open the highlighted mechanism's card"),
            ("Tab", "next pane: search, themes, list, card and its theme's other mechanisms (Enter follows one)"),
            ("Esc", "clear the search box; close the card"),
            ("/", "back to the search box"),
            ("0-9", f"theme filter: 0 all, {themes}"),
            ("c", "cite the review: APA, Vancouver, BibTeX, RIS, CSL-JSON; Enter copies"),
            ("? F1", "these keys"),
            ("Ctrl+P", "commands, e.g. a light or dark theme"),
            ("Ctrl+Q", "quit"),
        ]
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, what in keys:
            table.add_row(Text(key), Text(what))
        notes = Text.assemble(
            "\nThe mouse works too: click a row, a tab, a same-theme mechanism or a key in the footer.\n\n",
            Text(self.dataset.caveat, style="italic"),
        )
        lines = Group(Text("Keys", style="bold"), table, notes)
        with VerticalScroll(id="help-dialog"):
            yield Static(lines)
        yield Footer()
