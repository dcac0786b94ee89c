"""Running `clbp browse` headless (Textual's Pilot) and reading its screen as a user would see it."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rich.cells import cell_len
from textual.pilot import Pilot

from clbp_cli.browse.app import BrowseApp
from clbp_cli.core.loading import load_dataset
from clbp_cli.core.ranking import rank_mechanisms


def make_app(path: str | None = None) -> BrowseApp:
    dataset = load_dataset(path)
    return BrowseApp(dataset, rank_mechanisms(dataset))


SVG_TEXT = re.compile(r'<text [^>]*?x="([0-9.]+)"[^>]*?clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>')
CHAR_WIDTH = 12.2  # rich's export_svg: a cell is 20 px high and 0.61 as wide


def screen_text(app: BrowseApp) -> str:
    """The whole terminal as plain text, read from Textual's public screenshot (an SVG of text runs)."""
    width, height = app.size
    lines = [[" "] * width for _ in range(height)]
    for x, line, content in SVG_TEXT.findall(app.export_screenshot()):
        column = round(float(x) / CHAR_WIDTH)
        for char in html.unescape(content).replace("\xa0", " "):
            if column < width:
                lines[int(line)][column] = char
            column += max(cell_len(char), 1)
    return "\n".join("".join(line) for line in lines)


async def seen(pilot: Pilot[Any]) -> str:
    """The screen once the app has handled everything pending (messages posted by the last key, then a repaint)."""
    await pilot.pause()
    await pilot.pause()
    app = pilot.app
    assert isinstance(app, BrowseApp)
    return screen_text(app)


async def typed_at_once(pilot: Pilot[Any], keys: list[str]) -> str:
    """Post every key at once, faster than a search can keep up (no pause between them), then the screen, flattened
    to one line, once every search has finished."""
    from textual import events

    app = pilot.app
    for key in keys:
        app.post_message(events.Key(key, " " if key == "space" else key if len(key) == 1 else None))
    await seen(pilot)
    await app.workers.wait_for_complete()
    return " ".join((await seen(pilot)).split())


def run(
    scenario: Callable[[BrowseApp, Pilot[Any]], Awaitable[None]],
    size: tuple[int, int] = (120, 40),
    app: BrowseApp | None = None,
) -> BrowseApp:
    """Run the app headless at `size`, play `scenario`, and return the app (after it has stopped)."""
    browser = app or make_app()

    async def main() -> None:
        async with browser.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(browser, pilot)

    asyncio.run(main())
    return browser
