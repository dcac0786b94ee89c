"""SVG snapshots of `clbp browse` at 80x24 and 120x40, in colour and with NO_COLOR (pytest-textual-snapshot).

The pictures live in tests/__snapshots__/test_browse_snapshots/. When the screen changes on purpose (new wording,
new data), look at the report of the failing run, then regenerate them all with one command:

    python -m pytest -p no:cacheprovider --snapshot-update tests/test_browse_snapshots.py

README.md shows one of them (test_the_readme_shows_a_snapshot).
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("pytest_textual_snapshot")

from textual.pilot import Pilot
from textual.widgets import Input

from tests.browse_helpers import make_app
from tests.conftest import REPO

pytestmark = pytest.mark.real_program  # SVG snapshots: the README's Python compares them, not every Python

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
STATES = {
    "start": (),
    "fear": ("slash", *"fear"),  # searched: the list narrows, best match first, the card shows the top hit
    "card": ("slash", *"kinesio", "enter"),  # opened: on 80x24 the card takes the list's place
}


async def still_cursor(pilot: Pilot[Any]) -> None:
    """A blinking cursor would make the picture depend on when it is taken."""
    pilot.app.query_one(Input).cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("colour", ["colour", "no-color"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("state", list(STATES))
def test_browse_screen(snap_compare, monkeypatch: pytest.MonkeyPatch, state: str, size: str, colour: str) -> None:
    if colour == "no-color":
        monkeypatch.setenv("NO_COLOR", "1")  # read (and removed) by Textual when the app is made
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = make_app()
    assert app.no_color is (colour == "no-color")
    assert snap_compare(app, press=STATES[state], terminal_size=SIZES[size], run_before=still_cursor)


@pytest.mark.parametrize("keys", [("c",), ("question_mark",)], ids=["cite", "keys"])
def test_browse_dialogs(snap_compare, monkeypatch: pytest.MonkeyPatch, keys: tuple[str, ...]) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert snap_compare(make_app(), press=keys, terminal_size=(80, 24), run_before=still_cursor)


@pytest.mark.parametrize("size", [(60, 20), (40, 12)], ids=["60x20", "40x12"])
def test_browse_small_terminals(snap_compare, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]) -> None:
    """60x20: short theme tabs and a compact footer; 40x12: too small, and it says so."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert snap_compare(make_app(), terminal_size=size, run_before=still_cursor)


def test_the_readme_shows_a_snapshot() -> None:
    """The README's screenshot is the 120x40 colour snapshot after typing "fear": regenerated with the others."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    image = readme.split("![clbp browse](", 1)[1].split(")", 1)[0]
    assert image == "tests/__snapshots__/test_browse_snapshots/test_browse_screen%5Bfear-120x40-colour%5D.svg"
    assert (REPO / image.replace("%5B", "[").replace("%5D", "]")).is_file()
