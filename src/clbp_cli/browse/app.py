"""`clbp browse`: search box, theme tabs, the ranked list and a mechanism's card on one screen.

Built from Textual's widgets and a list of clbp's own (widgets.py: the search box, tabs, list and card; dialogs.py:
the citation and the keys) and styled in app.tcss. The app holds the state (what is searched, which theme) in reactives whose watch
methods redraw; the widgets' messages flow up to it. Everything about the data comes from the same core as the
commands: `search` ranks what is typed, `select_mechanisms` filters by theme, the list and the card are laid out
as `clbp search`/`clbp list` and `clbp show` print them, `cite` writes the references. Text from the data always
goes in as rich Text or Content, never as markup, so a name like "[b]x" shows as typed.

Focus starts in the list, where every key the footer names works; `/` goes to the search box (as in less and
vim), where letters are text and Esc cancels the search.
"""

from __future__ import annotations

import select
import sys
import threading
from collections.abc import Sequence
from typing import ClassVar, NamedTuple

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.reactive import var
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static, Tabs
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from clbp_cli.browse.dialogs import CiteScreen, HelpScreen, theme_keys
from clbp_cli.browse.widgets import Card, Entry, MechanismList, SearchBox, StatusLine, ThemeTabs
from clbp_cli.core.citation import short_author_year
from clbp_cli.core.model import Dataset, Theme
from clbp_cli.core.ranking import RankedMechanism, ThemeSummary, select_mechanisms, summarise_themes
from clbp_cli.core.search import (
    SearchIndex,
    SearchPage,
    fold,
    freeze_for_life,
    nearest_names,
    prepare_search,
    search_page,
    search_work,
)
from clbp_cli.core.views import counts_source, display_quoted, percent, theme_source_note

LIST_LIMIT = 200  # a search's hits in the list at most (the core builds only these); without a search, every row
BACKGROUND_FROM = 2000  # mechanisms from which a large search runs in a thread, so typing never waits for it
QUICK_SEARCH_WORK = 50000  # ...a search with at most this much to score (search_work; 30 ms at most) runs at once, its
# list drawn in the same frame as the key: a thread's list comes a frame later, and slower (one thread at a time)
WIDE = 110  # from this many columns the card sits beside the list; narrower, Enter opens it in the list's place
MIN_SIZE = (60, 16)  # smaller, the screen says so instead of drawing an empty list
COMPACT_FOOTER_BELOW = 80  # columns
# Theme colours by the theme's place in the data: mid-tones, distinct from each other and readable on Textual's
# dark and light themes alike (ANSI names would not do: Textual's dark palette draws red and magenta alike).
THEME_COLOURS = ("#3b8eea", "#d6609a", "#3fae6a", "#d98a2b", "#9b6bd6", "#2aa6b4")
DIGITS = 10  # keys 0-9; those past the data's number of themes do nothing and are not shown


class Found(NamedTuple):
    """What the list shows for a search (or a theme): its rows, how many match in the theme and in all themes, and
    the names nearest to a search that matches nothing."""

    entries: Sequence[Entry]
    matched: int
    all_hits: int
    nearest: list[str]


TERMINAL_CHECK_SECONDS = 1.0


def terminal_hung_up(stream: object) -> bool:
    """The terminal behind `stream` has gone (its other end closed): poll reports a hang-up or an error."""
    try:
        fileno = stream.fileno()  # type: ignore[attr-defined]
        poller = select.poll()
        poller.register(fileno, select.POLLIN)
        return any(events & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return False


class BrowseApp(App[int], inherit_bindings=False):
    """The app. `dataset` and `ranked` are loaded (and validated) by the command before the screen opens.

    Its keys are all its own (Textual's App's two are repeated here), so that the footer names Ctrl+Q last, as the
    help does, rather than before every other key of the app."""

    CSS_PATH = "app.tcss"
    TITLE = "clbp browse"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]  # noqa: RUF012  # Textual declares it without ClassVar
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", key_display="/"),
        Binding("0", "theme(0)", "Theme"),  # shown as "0-5": see get_key_display
        *(Binding(str(digit), f"theme({digit})", show=False) for digit in range(1, DIGITS)),
        Binding("c", "cite", "Cite"),
        Binding("question_mark", "help", "Keys", key_display="?"),
        Binding("f1", "help", "Keys", show=False),
        Binding("ctrl+c", "help_quit", show=False, system=True),  # says how to quit
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    searched: var[str] = var("", init=False)  # what is searched: the search box's text
    theme_filter: var[Theme | None] = var(None, init=False)  # None is all themes

    def __init__(self, dataset: Dataset, ranked: Sequence[RankedMechanism]) -> None:
        super().__init__()
        self.dataset = dataset
        self.ranked = tuple(ranked)
        self.summaries: tuple[ThemeSummary, ...] = summarise_themes(dataset)
        self.by_id = {row.mechanism.id: row for row in self.ranked}
        self.colours = {
            theme.id: THEME_COLOURS[index % len(THEME_COLOURS)] for index, theme in enumerate(dataset.themes)
        }
        self.entries: Sequence[Entry] = ()  # the list's rows: a search's first LIST_LIMIT hits, or every row
        self.matched = 0  # rows before the list's limit
        self.all_hits = 0  # matches in every theme, before the theme filter
        self._last_search: tuple[str, str | None, SearchPage, list[str]] | None = None  # query, theme, page, nearest
        self.nearest: list[str] = []  # names near a search that matches nothing
        self._search_index: SearchIndex | None = None  # the data prepared for search (search_index)
        self._search_index_lock = threading.Lock()
        self._wanted: tuple[str, str | None] | None = None  # the search for the thread to run next: the newest asked
        self._searching = False  # whether the thread runs (both under _wanted_lock)
        self._wanted_lock = threading.Lock()

    # Layout --------------------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="body"):  # all of it, or (below MIN_SIZE) only the message after it
            search = SearchBox(placeholder="/ to search: a name, a word, a measure (fear, TSK, strength)", id="search")
            search.border_title = "Search"
            yield search
            yield ThemeTabs([theme.name for theme in self.dataset.themes], id="themes")
            yield StatusLine(id="status")
            with Horizontal(id="main"):
                with Vertical(id="list-pane"):
                    yield MechanismList(self.dataset, self.colours, id="list")
                    with Vertical(id="empty"):
                        yield Static(id="empty-message")
                        yield OptionList(id="nearest")
                yield Card(self.dataset, self.ranked, id="card")
            source = self.dataset.source
            yield Static(
                Text(
                    f"{self.dataset.caveat} Counts: {counts_source(self.dataset)} ({short_author_year(source)}). "
                    f"{theme_source_note(self.dataset)}".rstrip()  # whose the Theme column's marked assignment is
                ),
                id="caveat",
            )
            yield Footer(compact=True, show_command_palette=False)  # Ctrl+P is in the keys (F1)
        yield Static(id="too-small")

    def on_mount(self) -> None:
        self.query_one("#nearest", OptionList).border_title = "Nearest names: Enter to search for one"
        self.watch(self.query_one(SearchBox), "value", self._query_changed, init=False)
        self.refresh_list()
        self.query_one(MechanismList).focus()
        self.fit_to(*self.size)
        if len(self.ranked) >= BACKGROUND_FROM:
            self.call_after_refresh(self.prepare_search_in_background)  # once the first screen is drawn
        if not self.is_headless:
            self.set_interval(TERMINAL_CHECK_SECONDS, self.quit_if_the_terminal_is_gone)

    def quit_if_the_terminal_is_gone(self) -> None:
        """Quit when the terminal hangs up without a SIGHUP (a terminal that is not the process's controlling one,
        as under some multiplexers and test harnesses): Textual would read end-of-file from it forever, using a
        whole core."""
        if terminal_hung_up(sys.__stdin__):
            self.exit(return_code=0)

    def on_resize(self, event: Resize) -> None:
        self.fit_to(*event.size)

    def fit_to(self, width: int, height: int) -> None:
        """A compact footer below 80 columns; below MIN_SIZE, only the message that says how much room is needed."""
        self.query_one(Footer).compact = width < COMPACT_FOOTER_BELOW  # every key in one line, even at 60
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        message = self.query_one("#too-small", Static)
        self.query_one("#body").display = not small
        message.display = small
        if small:
            message.update(
                Text(f"terminal too small: needs {MIN_SIZE[0]}x{MIN_SIZE[1]} (it is {width}x{height}). Ctrl+Q quits.")
            )

    def get_key_display(self, binding: Binding) -> str:
        if binding.action == "theme(0)":
            return theme_keys(self.dataset)
        return super().get_key_display(binding)

    # State ---------------------------------------------------------------------------------------------------
    def watch_searched(self, old: str, new: str) -> None:
        self.refresh_list()
        if bool(old) != bool(new) and not isinstance(self.focused, Input):
            self.refresh_bindings()  # "Esc Clear" shows while there is a search (in the search box, Esc always works)

    def watch_theme_filter(self) -> None:
        self.refresh_list()

    @work(thread=True, group="index")
    def prepare_search_in_background(self) -> None:
        """On a large data file, the search index is made while the first screen is read, not on the first key.
        Then the data and its index, kept for the app's life, are moved out of the garbage collector's sight
        (freeze_for_life): otherwise each of its full passes walks them again, a pause of 30 ms or more between keys."""
        self.search_index()
        freeze_for_life()

    def search_index(self) -> SearchIndex:
        """The data prepared for search, made once (by whichever thread asks first)."""
        with self._search_index_lock:
            if self._search_index is None:
                self._search_index = prepare_search(self.dataset, self.ranked)
            return self._search_index

    def refresh_list(self) -> None:
        """Re-rank for what is typed and the theme chosen. On a large data file the search runs in a thread, so
        typing never waits for it; the list follows when it is done (unless something newer was typed)."""
        query = self.searched
        theme_id = self.theme_id
        searched = self._last_search is not None and self._last_search[:2] == (query, theme_id)
        if len(self.ranked) >= BACKGROUND_FROM and fold(query) and not searched and not self.quick(query):
            with self._wanted_lock:
                self._wanted = (query, theme_id)
                start, self._searching = not self._searching, True
            if start:  # once the key is drawn: the thread would hold up its frame (Python runs one thread at a time)
                self.call_after_refresh(self.rerank_in_background)
        else:
            with self._wanted_lock:
                self._wanted = None  # a search the thread has yet to start is overtaken
            self.show_matches(query, theme_id, self.matches(query, theme_id))

    def quick(self, query: str) -> bool:
        """Whether a search is small enough to run at once, in the key's own frame (see QUICK_SEARCH_WORK)."""
        index = self._search_index  # until it is made (in a thread, after the first paint), searches run there
        return index is not None and search_work(index, query, typing=True) <= QUICK_SEARCH_WORK

    def matches(self, query: str, theme_id: str | None) -> Found:
        """The list's rows (a search's first LIST_LIMIT hits; every row of the theme without one), how many match in
        the theme and in all themes, and the nearest names when nothing does: the core's search, which builds only the
        hits asked for. (On a large file it runs in a thread: the nearest names too take a while there.)"""
        if not fold(query):
            rows = select_mechanisms(self.dataset, self.ranked, theme_id=theme_id)
            return Found([Entry(row, None) for row in rows], len(rows), len(rows), [])
        last = self._last_search
        if last is not None and last[:2] == (query, theme_id):
            page, nearest = last[2:]
        else:
            index = self.search_index()
            page = search_page(
                self.dataset, self.ranked, query, top=LIST_LIMIT, theme_id=theme_id, typing=True, index=index
            )
            nearest = [] if page.total else nearest_names(index, query)
            self._last_search = (query, theme_id, page, nearest)
        return Found([Entry(hit.row, hit) for hit in page.hits], page.matched, page.total, nearest)

    @work(thread=True, group="rerank")
    def rerank_in_background(self) -> None:
        """One search at a time, each for the newest query asked: the keys typed while a search runs make one search
        after it, for what the box then holds, rather than one each (the box itself takes every key at once)."""
        worker = get_current_worker()
        try:
            while not worker.is_cancelled:
                with self._wanted_lock:
                    wanted, self._wanted = self._wanted, None
                    if wanted is None:
                        self._searching = False
                        return
                found = self.matches(*wanted)
                if not worker.is_cancelled:
                    self.call_from_thread(self.show_matches, *wanted, found)
        except BaseException:
            with self._wanted_lock:  # a later search starts its own thread
                self._searching = False
            raise
        with self._wanted_lock:  # cancelled
            self._searching = False

    def is_current(self, query: str, theme_id: str | None) -> bool:
        """Whether a search is still the one asked for (nothing newer was typed or chosen since)."""
        return query == self.searched and theme_id == self.theme_id

    @property
    def theme_id(self) -> str | None:
        """The id of the theme chosen, or None for all themes."""
        return self.theme_filter.id if self.theme_filter else None

    def show_matches(self, query: str, theme_id: str | None, found: Found) -> None:
        """Show a search's result, unless something newer was typed or chosen since (it never touches the box). While
        a search is typed, the card of the first row comes in the frame after the list's: the list first."""
        if not self.is_current(query, theme_id):
            return
        self.entries, self.matched, self.all_hits, self.nearest = found
        self.query_one(MechanismList).show(self.entries, show_theme=self.theme_filter is None)
        self.query_one(StatusLine).show(self.status_text(query))
        self.show_empty_state(query)
        if fold(query):  # while typing: the list first, the card in the frame after it
            self.call_after_refresh(self.show_highlighted_card)
        else:
            self.show_highlighted_card()

    def show_highlighted_card(self) -> None:
        """The card of the list's highlighted row (the first, unless the cursor moved meanwhile), or none."""
        cursor = self.query_one(MechanismList).cursor_row
        self.query_one(Card).row = self.entries[cursor].row if 0 <= cursor < len(self.entries) else None

    def status_text(self, query: str) -> Text:
        """What the list is: all mechanisms or a theme, most proposed first; or a search's matches, best first."""
        study = self.dataset.study
        theme = self.theme_filter
        if fold(query):
            text = Text.assemble((theme.name, f"bold {self.colours[theme.id]}"), ": ") if theme else Text()
            noun = "mechanism matches" if self.matched == 1 else "mechanisms match"
            order = ", best match first" if self.matched > 1 else ""
            text.append(f"{self.matched:,} {noun} {display_quoted(query)}{order}", style="bold")
            if self.entries and all(entry.hit is not None and entry.hit.kind == "fuzzy" for entry in self.entries):
                text.append(" (no exact match; closest spellings)")
        elif theme is None:
            text = Text(f"All {len(self.ranked)} mechanisms, most proposed first", style="bold")
        else:
            summary = next(s for s in self.summaries if s.theme.id == theme.id)
            text = Text(theme.name, style=f"bold {self.colours[theme.id]}")
            text.append(
                f": proposed {theme.published_total} of {study.published_proposals} times "
                f"({percent(summary.published_share)} of all proposals); {summary.mechanism_count} mechanisms"
            )
            if summary.discrepancy:
                text.append(f", whose listed counts add up to {summary.listed_total} (clbp themes explains why)")
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
                f"No {self.theme_filter.name.lower()} mechanism matches {display_quoted(query)}; {self.all_hits} in other themes: "
                "Tab, then 0 (or a click on All) shows them."  # from the search box, where 0 would be typed
            )
        elif not fold(query):
            message = "This theme has no mechanisms."
        else:
            names = self.nearest
            nearest.add_options([Option(Text(name)) for name in names])
            if names:
                nearest.highlighted = 0
            message = f"Nothing matches {display_quoted(query)}. " + (
                "Nearest names below: Enter takes the first; Esc cancels the search."
                if names
                else "Esc cancels the search."
            )
        nearest.display = nearest.option_count > 0
        self.query_one("#empty-message", Static).update(Text(message))

    # Messages from the widgets -------------------------------------------------------------------------------
    def _query_changed(self, value: str) -> None:
        """Each change of the search box's text, as it is made (a watcher, not a message: the list for the new text
        is then drawn in the same frame as the key, where the search is quick enough to run at once)."""
        self.searched = value

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

    @on(MechanismList.RowHighlighted, "#list")
    def _row_highlighted(self, event: MechanismList.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.entries):
            self.query_one(Card).row = self.entries[event.cursor_row].row

    @on(MechanismList.RowSelected, "#list")
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
                self.query_one(MechanismList).go_to(index, announce=False)
                break
        card = self.query_one(Card)
        card.row = row
        card.scroll_home(animate=False)

    def on_descendant_focus(self) -> None:
        """The card stays open while the focus is in it; anywhere else, a narrow screen shows the list again."""
        focused = self.focused
        in_card = focused is not None and any(isinstance(node, Card) for node in focused.ancestors_with_self)
        self.screen.set_class(in_card, "-card-open")

    # Actions -------------------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Which keys work (and are shown in the footer) where the focus is.

        `/`, the digits, `c` and `?` work on the main screen outside the search box, where letters are text (there F1
        is the box's own key for the help); a dialog has its own keys. Digits past the number of themes do nothing.
        Esc cancels a search from the search box, and clears one from the list only while there is one.
        """
        typing = isinstance(self.focused, Input)
        if action in ("focus_search", "theme", "cite", "help"):
            if typing or isinstance(self.screen, ModalScreen):
                return False
            return not (action == "theme" and int(str(parameters[0])) > len(self.dataset.themes))
        if action == "cancel_search":
            return typing or bool(self.searched)
        return True

    def action_move(self, step: int) -> None:
        if self.entries:
            mechanisms = self.query_one(MechanismList)
            mechanisms.go_to(mechanisms.cursor_row + step)
        else:
            nearest = self.query_one("#nearest", OptionList)
            if step > 0:
                nearest.action_cursor_down()
            else:
                nearest.action_cursor_up()

    def action_open_card(self) -> None:
        """Focus the card (on a narrow screen it takes the list's place while it has the focus)."""
        card = self.query_one(Card)
        if card.row is None:
            return
        self.screen.add_class("-card-open")
        card.scroll_home(animate=False)
        self.call_after_refresh(card.focus)  # a narrow screen shows the card only from the next refresh

    def action_close_card(self) -> None:
        self.query_one(MechanismList if self.entries else SearchBox).focus()

    def action_focus_search(self) -> None:
        self.query_one(SearchBox).focus()

    def action_cancel_search(self) -> None:
        """Esc: the search box is emptied and the list, all of it again, has the focus."""
        self.query_one(SearchBox).value = ""
        self.query_one(MechanismList).focus()

    def action_theme(self, index: int) -> None:
        self.query_one(ThemeTabs).active = f"theme-{index}"

    def action_cite(self) -> None:
        self.push_screen(CiteScreen(self.dataset))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.dataset))

    def action_keys(self) -> None:
        """F1 in the search box, where `?` is text."""
        self.action_help()
