"""Running `clbp browse` headless (Textual's Pilot) and reading its screen as a user would see it."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from typing import Any

from rich.console import Console
from textual.pilot import Pilot

from clbp_cli.browse.app import BrowseApp
from clbp_cli.core.loading import load_dataset
from clbp_cli.core.ranking import rank_mechanisms


def make_app(path: str | None = None) -> BrowseApp:
    dataset = load_dataset(path)
    return BrowseApp(dataset, rank_mechanisms(dataset))


def screen_text(app: BrowseApp) -> str:
    """The whole terminal as plain text: what `export_screenshot` draws, without the SVG."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), color_system=None, record=True)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


async def seen(pilot: Pilot[Any]) -> str:
    """The screen once the app has handled everything pending (messages posted by the last key, then a repaint)."""
    await pilot.pause()
    await pilot.pause()
    app = pilot.app
    assert isinstance(app, BrowseApp)
    return screen_text(app)


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
