"""The modal screens of `clbp browse`: the citation chooser and the keys."""

from __future__ import annotations

import os
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static, Tab, Tabs

from clbp_cli.core.citation import CitationStyle, cite
from clbp_cli.core.model import Dataset

STYLE_LABELS = {
    CitationStyle.apa: "APA",
    CitationStyle.vancouver: "Vancouver",
    CitationStyle.bibtex: "BibTeX",
    CitationStyle.ris: "RIS",
    CitationStyle.csl_json: "CSL-JSON",
}


def theme_keys(dataset: Dataset) -> str:
    """The theme filter's keys as the footer and the help name them: "0-5" for five themes."""
    return f"0-{len(dataset.themes)}"


def keys_table(dataset: Dataset) -> list[tuple[str, str]]:
    """Every key of the main screen and what it does: the help screen's table (the README's key table says the same)."""
    themes = ", ".join(f"{index} {theme.name.lower()}" for index, theme in enumerate(dataset.themes, 1))
    return [
        ("/", "search: names, aliases, words and measures; any case, spelling or small typo"),
        ("↑ ↓ PgUp PgDn", "move in the list (also while searching); the card follows"),
        ("Enter", "open the highlighted mechanism's card (in the search box too)"),
        ("Esc", "in the search box: cancel the search; in the list: clear the search; in the card: back"),
        (theme_keys(dataset), f"theme filter: 0 all, {themes}"),
        ("c", "cite the review: APA, Vancouver, BibTeX, RIS, CSL-JSON; Enter copies"),
        ("? F1", "these keys (F1 also in the search box)"),
        ("Tab", "next pane: search, themes, list, card and its theme's other mechanisms (Enter follows one)"),
        ("Ctrl+P", "commands, e.g. a light or dark theme"),
        ("Ctrl+Q", "quit"),
    ]


class CiteScreen(ModalScreen[None]):
    """The review's reference in a chosen style, copied to the clipboard on request."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("enter,y", "copy", "Copy", key_display="Enter"),
        *(Binding(str(n), f"style({n})", show=False) for n in range(1, len(STYLE_LABELS) + 1)),
    ]

    chosen: var[CitationStyle | None] = var(None, init=False)  # the style shown (and copied by Enter)

    def __init__(self, dataset: Dataset) -> None:
        super().__init__()
        self.dataset = dataset

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
        self.chosen = CitationStyle[str(event.tab.id).removeprefix("style-")]

    def watch_chosen(self, style: CitationStyle) -> None:
        """At once, so that Enter right after a digit copies the style that digit chose."""
        self.query_one("#styles", Tabs).active = f"style-{style.name}"
        self.query_one("#citation", Static).update(Text(self.text))
        self.query_one("#cite-note", Static).update("")

    @property
    def style(self) -> CitationStyle:
        return self.chosen or CitationStyle.apa

    @property
    def text(self) -> str:
        return cite(self.dataset.source, self.style)

    def action_style(self, number: int) -> None:
        self.chosen = list(STYLE_LABELS)[number - 1]

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
    """Every key, and the caveat: on 80x24 all of it fits; on a smaller terminal it scrolls, and says so."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "dismiss", "Close", key_display="Esc"),
    ]

    def __init__(self, dataset: Dataset) -> None:
        super().__init__()
        self.dataset = dataset

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, what in keys_table(self.dataset):
            table.add_row(Text(key), Text(what))
        notes = Text.assemble(
            "\nThe mouse works too: click a row, a tab, a same-theme mechanism or a key in the footer.\n\n",
            Text(self.dataset.caveat, style="italic"),
        )
        dialog = VerticalScroll(id="help-dialog")
        dialog.border_title = "Keys"
        with dialog:
            yield Static(Group(table, notes))
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.say_if_it_scrolls)

    def on_resize(self) -> None:
        self.call_after_refresh(self.say_if_it_scrolls)

    def say_if_it_scrolls(self) -> None:
        dialog = self.query_one("#help-dialog", VerticalScroll)
        dialog.border_subtitle = "↑↓ scroll for more" if dialog.max_scroll_y else ""
