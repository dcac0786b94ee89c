"""`clbp browse` driven by Textual's Pilot: what a user sees after each key or click."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytest.importorskip("textual")

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from clbp_cli.browse.app import LIST_LIMIT, BrowseApp
from clbp_cli.browse.dialogs import CiteScreen, HelpScreen, keys_table
from clbp_cli.browse.widgets import Card, MechanismList
from clbp_cli.core.citation import CitationStyle, cite
from clbp_cli.core.loading import load_dataset
from clbp_cli.core.search import search
from tests.browse_helpers import make_app, run, seen, typed_at_once
from tests.conftest import REPO

DATASET = load_dataset(None)
# The footer, as it reads where the focus is: only keys that work there.
# Ctrl+Q last, as in the help.
FOOTER = {
    "list": " ↑↓ Move  Enter Open  / Search  0-5 Theme  c Cite  ? Keys  ^q Quit",
    "list, searched": " ↑↓ Move  Enter Open  Esc Clear  / Search  0-5 Theme  c Cite  ? Keys  ^q Quit",
    "search": " ↑↓ Move  Enter Open  Esc Cancel search  F1 Keys  ^q Quit",
    "card": " Esc Back  / Search  0-5 Theme  c Cite  ? Keys  ^q Quit",
}


def listed(app: BrowseApp) -> list[str]:
    """The mechanisms in the list, top to bottom."""
    table = app.query_one(MechanismList)
    return [table.row_texts(index)[1].plain for index in range(table.row_count)]


def card_title(screen: str) -> tuple[str, str]:
    """The card's first line: the mechanism's name and, at the right edge, its theme and rank."""
    lines = screen.splitlines()
    index = next(index for index, line in enumerate(lines) if " · rank " in line)
    card = lines[index].rsplit("▏", 1)[-1]  # beside the list on a wide screen
    name, _, where = card.strip().partition("  ")
    if not where:  # a narrow card puts its theme and rank under the name
        name, where = lines[index - 1].rsplit("▏", 1)[-1], card
    return name.strip(), where.strip()


def test_the_first_screen_shows_the_ranked_list_the_card_and_the_caveat() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        screen = await seen(pilot)
        assert isinstance(app.focused, MechanismList)  # the keys in the footer work from here; / to search
        assert "All 33 mechanisms, most proposed first" in screen
        assert "    1  Muscle strength" in screen and "   =7  Flexibility" in screen  # ties shown as =7
        assert "Proposed by 30 of the 110 trials as a" in screen  # the card of the first row
        assert DATASET.caveat in screen.replace("\n ", " ")
        assert "Wun et al. 2021" in screen
        assert screen.splitlines()[-1].rstrip() == FOOTER["list"]
        assert len(listed(app)) == 33

    run(scenario)


def test_slash_then_typing_narrows_the_list_with_the_search_engine_and_esc_cancels_it() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"fear")
        assert listed(app) == ["Fear-avoidance", "Kinesiophobia", "Catastrophizing"]
        screen = await seen(pilot)
        assert " 3 mechanisms match 'fear', best match first" in screen  # relevance order, not "most proposed"
        assert "most proposed" not in screen
        assert screen.splitlines()[-1].rstrip() == FOOTER["search"]
        assert "alias: fear of movement" in screen  # where each matched
        assert "phrase: fearing the wo…" in screen  # cut to the column
        assert card_title(screen) == ("Fear-avoidance", "Psychosocial† · rank 4 of 33")  # the card follows the top hit
        await pilot.press("down")  # the arrows move the list while typing
        assert card_title(await seen(pilot)) == ("Kinesiophobia", "Psychosocial† · rank 9 of 33")
        await pilot.press("escape")
        assert app.query_one(Input).value == ""
        assert len(listed(app)) == 33
        assert isinstance(app.focused, MechanismList)
        assert "All 33 mechanisms, most proposed first" in await seen(pilot)
        await pilot.press("slash", *"threat")
        assert "description: … threat …" in await seen(pilot)  # cut so that the match stays in view

    run(scenario)


def test_while_searching_the_status_line_says_the_list_is_in_relevance_order() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"stress cortisol")
        status = next(line for line in (await seen(pilot)).splitlines() if "match" in line)
        assert status.strip() == "3 mechanisms match 'stress cortisol', best match first"
        hits = search(DATASET, app.ranked, "stress cortisol")
        names = listed(app)
        assert all(hit.row.mechanism.name.startswith(name.rstrip("…")) for name, hit in zip(names, hits, strict=True))

    run(scenario)


def test_a_typo_still_finds_and_says_so() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"kinesiofobia")
        assert listed(app) == ["Kinesiophobia"]
        assert "(no exact match; closest spellings)" in await seen(pilot)

    run(scenario)


def test_nothing_found_offers_the_nearest_names_and_enter_takes_the_first() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"katastrophizing")
        screen = await seen(pilot)
        assert "Nothing matches 'katastrophizing'" in screen
        assert "Catastrophizing" in screen and "Mastery" not in screen  # only a really close name (issue 10)
        assert "Nothing selected." in screen
        await pilot.press("enter")
        assert app.query_one(Input).value == "Catastrophizing"
        assert listed(app) == ["Catastrophizing"]

    run(scenario)


def test_nothing_found_and_no_near_name() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"xyzzy", "down", "up", "enter")
        screen = await seen(pilot)
        assert "Nothing matches 'xyzzy'. Esc cancels the search." in screen
        assert "0 mechanisms match 'xyzzy'" in [line.strip() for line in screen.splitlines()]

    run(scenario)


def test_a_nearest_name_can_be_clicked() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"katastrophizing")
        await pilot.click("#nearest", offset=(2, 1))  # the name, under the box's top border
        await pilot.pause()
        assert app.query_one(Input).value == "Catastrophizing"

    run(scenario)


def test_enter_opens_the_card_in_the_lists_place_on_a_small_terminal_and_a_sibling_can_be_followed() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"fear", "enter")
        await pilot.pause()
        screen = await seen(pilot)
        assert "Proposed by 15 of the 110 trials as a" in screen
        assert screen.splitlines()[-1].rstrip() == FOOTER["card"]
        assert "Rank  Mechanism" not in screen  # 80 columns: the card has the room
        await pilot.press("tab")  # to the theme's other mechanisms
        assert "Same theme: Enter to follow" in await seen(pilot)
        await pilot.press("down", "enter")  # Fear-avoidance's siblings: Pain self-efficacy, then Mood
        await pilot.pause()
        assert card_title(await seen(pilot)) == ("Mood", "Psychosocial† · rank 6 of 33")
        await pilot.press("escape")  # back to the list, still searched
        screen = await seen(pilot)
        assert "Rank  Mechanism" in screen and isinstance(app.focused, MechanismList)
        assert screen.splitlines()[-1].rstrip() == FOOTER["list, searched"]
        await pilot.press("escape")  # and the search is cleared
        assert isinstance(app.focused, MechanismList) and len(listed(app)) == 33
        assert (await seen(pilot)).splitlines()[-1].rstrip() == FOOTER["list"]

    run(scenario, size=(80, 24))


def test_following_a_sibling_in_the_list_moves_the_lists_cursor() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"fear", "enter", "tab", "down", "down", "enter")  # Kinesiophobia, in the list
        await pilot.pause()
        assert app.query_one(MechanismList).cursor_row == 1
        assert card_title(await seen(pilot)) == ("Kinesiophobia", "Psychosocial† · rank 9 of 33")

    run(scenario)


def test_the_card_is_what_clbp_show_prints(clbp) -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"mood")
        body = app.query_one("#card-body")
        width = body.content_region.width
        shown = [line.rstrip() for line in (await seen(pilot)).splitlines()]
        expected = clbp("show", "mood", env={"COLUMNS": str(width + 2)}).out.splitlines()
        top = next(index for index, line in enumerate(shown) if "rank 6 of 33" in line)
        column = shown[top].rindex("▏") + 2  # the card's left border, then its padding
        card = [line[column : column + width].rstrip() for line in shown[top : top + len(expected)]]
        assert card == [line[1:] for line in expected]

    run(scenario)


def test_a_theme_filter_by_key_with_its_published_total_and_the_86_87_note() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("2")  # from the first screen: 2 is the second theme
        screen = await seen(pilot)
        assert (
            "Psychosocial: proposed 87 of 241 times (36% of all proposals); 12 mechanisms, whose listed counts add up to 86"
            in screen
        )
        assert len(listed(app)) == 12
        assert "Theme" not in screen.split("Rank", 1)[1].splitlines()[0]  # one theme: no theme column
        await pilot.press("1")
        assert "Neuromuscular: proposed 105 of 241 times (44% of all proposals); 10 mechanisms" in await seen(pilot)
        assert "add up to" not in await seen(pilot)
        await pilot.press("0")
        assert len(listed(app)) == 33
        await pilot.press("9")  # no ninth theme: nothing changes
        assert len(listed(app)) == 33
        await pilot.press("slash", "2")  # in the search box a digit is text
        screen = " ".join((await seen(pilot)).split())
        hits = search(DATASET, app.ranked, "2", typing=True)  # PHQ-2, 2-minute step test...: searched for
        assert app.query_one(Input).value == "2" and f"{len(hits)} mechanisms match '2'" in screen
        assert app.theme_filter is None

    run(scenario)


def test_a_theme_tab_can_be_clicked_and_a_search_outside_it_says_where_to_look() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.click("#theme-5")
        await pilot.pause()
        assert listed(app) == ["Blood flow", "Inflammation", "Bone/ligament", "Tissue restoration"]
        await pilot.press("slash", *"fear")
        screen = await seen(pilot)
        assert "No tissue healing mechanism matches 'fear'; 3 in other themes" in screen
        assert "Tissue healing: 0 mechanisms match 'fear'" in screen
        assert "3 in other themes: Tab," in screen and "then 0 (or a click on All) shows them." in screen
        await pilot.press("tab", "0")
        assert listed(app) == ["Fear-avoidance", "Kinesiophobia", "Catastrophizing"]

    run(scenario)


def test_c_shows_the_citation_switches_style_and_copies_it() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("c")  # from the first screen
        assert isinstance(app.screen, CiteScreen)
        assert "Wun, A., Kollias, P." in await seen(pilot)  # APA first
        await pilot.press("right")
        assert "Wun A, Kollias P" in await seen(pilot)  # Vancouver
        await pilot.press("3", "enter")
        assert app.clipboard == cite(DATASET.source, CitationStyle.bibtex)
        assert "Copied the BibTeX reference to the clipboard" in await seen(pilot)
        await pilot.click("#close")
        await pilot.pause()
        assert not isinstance(app.screen, CiteScreen)
        await pilot.press("slash", "c")  # in the search box, a letter
        assert app.query_one(Input).value == "c" and not isinstance(app.screen, CiteScreen)

    run(scenario)


def test_copying_says_when_the_terminal_cannot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM_PROGRAM", "Apple_Terminal")

    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("c")
        await pilot.click("#copy")
        await pilot.pause()
        assert "macOS Terminal does not let programs set the clipboard" in await seen(pilot)
        assert app.clipboard == ""
        await pilot.press("escape")
        assert not isinstance(app.screen, CiteScreen)

    run(scenario)


def test_question_mark_and_f1_list_the_keys_with_the_themes_of_the_data() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("question_mark")  # from the first screen
        assert isinstance(app.screen, HelpScreen)
        screen = await seen(pilot)
        assert re.search(r"│ 0-5 +theme filter: 0 all, 1 neuromuscular, 2 psychosocial", screen)  # five themes, not 0-9
        assert "0-9" not in screen and "Ctrl+Q" in screen
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")  # pressed again: closes
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("slash", "question_mark")  # in the search box ? is text, and F1 the key
        assert app.query_one(Input).value == "?" and not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)

    run(scenario)


def test_the_keys_fit_80x24_and_say_when_they_scroll() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("f1")
        screen = await seen(pilot)
        dialog = screen.split("╭─ Keys", 1)[1].split("╰", 1)
        assert "│ Ctrl+Q         quit" in dialog[0] and DATASET.caveat in " ".join(dialog[0].replace("│", "").split())
        assert "scroll" not in dialog[1].splitlines()[0]  # all of it in view
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        screen = await seen(pilot)
        assert "↑↓ scroll for more" in screen and "Ctrl+Q" not in screen
        for _ in range(12):
            await pilot.press("down")
        assert "Ctrl+Q" in await seen(pilot)

    run(scenario, size=(80, 24))


def test_slash_goes_back_to_the_search_box_and_the_mouse_selects_rows() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.click(MechanismList, offset=(8, 3))  # the third row (under the header)
        await pilot.pause()
        screen = await seen(pilot)
        assert "Muscle endurance" in screen.split("Rank", 1)[1] and "Neuromuscular† · rank 3 of 33" in screen
        await pilot.click(MechanismList, offset=(8, 3))  # a click on the highlighted row opens its card
        await pilot.pause()
        assert app.focused is app.query_one(Card)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)

    run(scenario)


def test_the_wheel_scrolls_the_list_under_its_header_and_a_click_picks_the_row_shown() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        table = app.query_one(MechanismList)
        for _ in range(3):
            table.post_message(events.MouseScrollDown(table, 5, 5, 0, 0, 0, False, False, False))
        screen = await seen(pilot)
        assert table.scroll_y > 0 and table.cursor_row == 0  # the wheel moves the view, not the cursor
        shown = screen.split("Rank  Mechanism", 1)[1].splitlines()
        first = app.ranked[round(table.scroll_y)].mechanism.name
        assert first in shown[1]  # under the header, which stays on top
        await pilot.click(MechanismList, offset=(8, 2))  # the second row shown
        await pilot.pause()
        assert table.cursor_row == round(table.scroll_y) + 1
        assert app.query_one(Card).row == app.ranked[table.cursor_row]
        await pilot.hover(MechanismList, offset=(8, 4))
        assert table.hover_row == round(table.scroll_y) + 3
        await pilot.press("down")  # keys hide the mouse's highlight
        assert table.hover_row is None

    run(scenario, size=(80, 24))


def test_the_layout_follows_the_terminal_size() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        assert "Proposed by" in await seen(pilot)  # wide: list and card side by side
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        screen = await seen(pilot)
        assert "Proposed by" not in screen and "Muscle strength" in screen
        await pilot.resize_terminal(60, 20)  # very narrow: names cut
        await pilot.pause()
        assert "Rank" in await seen(pilot)

    run(scenario)


def test_ctrl_q_quits_with_exit_code_0() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"mood", "ctrl+q")

    app = run(scenario)
    assert app.return_code == 0


def test_text_from_the_data_is_never_markup(tmp_path) -> None:
    import yaml

    data = yaml.safe_load(_bundled_text())
    data["mechanisms"][0]["name"] = "[bold]Muscle strength[/]"
    path = tmp_path / "odd.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        assert "[bold]Muscle strength[/]" in await seen(pilot)

    run(scenario, app=make_app(str(path)))


def _bundled_text() -> str:
    import pkgutil

    data = pkgutil.get_data("clbp_cli", "data/wun2021.yaml")
    assert data is not None
    return data.decode("utf-8")


# The command around the app: data first, then the terminal, then the screen.
def test_bad_data_is_the_usual_one_line_error_before_any_screen(clbp, tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("mechanisms: [\n", encoding="utf-8")
    for result in (clbp("browse", "--data", str(path)), clbp("browse", env={"CLBP_DATA": str(path)})):
        assert result.code == 1
        assert result.out == ""
        assert result.err.startswith("clbp: error: cannot use the data file (1 problem):")
        assert str(path) in result.err


def test_without_a_terminal_it_points_to_list_and_search(clbp) -> None:
    result = clbp("browse")
    assert result.code == 2
    assert result.out == ""
    assert result.err == (
        "clbp: error: clbp browse needs a terminal (stdin and stdout); for a pipe or a file use clbp list "
        "or clbp search QUERY\nTry 'clbp browse --help' for help.\n"
    )


def test_a_dumb_terminal_is_told_what_to_use_instead(clbp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("clbp_cli.cli._is_terminal", lambda stream: True)
    result = clbp("browse", env={"TERM": "dumb"})
    assert result.code == 2
    assert result.err == (
        "clbp: error: clbp browse cannot draw on this terminal (TERM=dumb); use clbp list or clbp search QUERY\n"
        "Try 'clbp browse --help' for help.\n"
    )


@pytest.mark.parametrize(("return_code", "exit_code"), [(0, 0), (1, 70)])
def test_at_a_terminal_it_runs_the_app_and_passes_on_its_outcome(
    clbp, monkeypatch: pytest.MonkeyPatch, return_code: int, exit_code: int
) -> None:
    started: list[BrowseApp] = []

    def fake_run(self: BrowseApp) -> None:
        started.append(self)
        self._return_code = return_code

    monkeypatch.setattr("clbp_cli.cli._is_terminal", lambda stream: True)
    monkeypatch.setattr(BrowseApp, "run", fake_run)
    result = clbp("browse")
    assert result.code == exit_code
    assert len(started) == 1 and len(started[0].ranked) == 33


def test_a_large_data_file_lists_every_row_and_a_searchs_first_200(tmp_path) -> None:
    """Without a search the list holds every row (drawing only those in view); a search (here small enough to run in
    the key's own frame) lists its first 200 hits and the status line says how many match. A card names its theme's
    50 most proposed, and following one that is in the list moves the list's cursor to it, wherever it is."""
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from scale import generate

    path = tmp_path / "large.yaml"
    generate(2500, path)

    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        table = app.query_one(MechanismList)
        screen = await seen(pilot)
        assert "All 2533 mechanisms, most proposed first" in screen and "showing the first" not in screen
        names = listed(app)  # long synthetic names are cut to the column with an ellipsis
        assert len(names) == 2533
        assert all(row.mechanism.name.startswith(name.rstrip("…")) for name, row in zip(names, app.ranked, strict=True))
        await pilot.press("ctrl+end")  # the last row, drawn at the bottom of the list
        screen = await seen(pilot)
        assert table.cursor_row == 2532 and app.query_one(Card).row == app.ranked[-1]
        last = app.ranked[-1].mechanism.name
        assert any(
            line.lstrip().startswith(f"{app.ranked[-1].rank_label}  {last[:12]}") for line in screen.splitlines()
        )
        await pilot.press("home")
        assert table.cursor_row == 0 and "Muscle strength" in await seen(pilot)
        await pilot.press("slash", *"fear")
        await app.workers.wait_for_complete()
        screen = await seen(pilot)
        hits = search(app.dataset, app.ranked, "fear")  # the same engine as clbp search
        assert len(hits) > LIST_LIMIT
        assert f"{len(hits):,} mechanisms match 'fear', best match first" in screen
        assert f"showing the first {LIST_LIMIT} of {len(hits):,}: type to narrow" in " ".join(screen.split())
        names = listed(app)
        assert len(names) == LIST_LIMIT
        assert all(hit.row.mechanism.name.startswith(name.rstrip("…")) for name, hit in zip(names, hits, strict=False))
        card = app.query_one(Card)
        theme = hits[0].row.mechanism.theme
        others = sum(row.mechanism.theme == theme for row in app.ranked) - 1
        siblings = app.query_one("#siblings", OptionList)
        assert siblings.option_count == Card.SIBLINGS
        assert siblings.border_title == f"Same theme (the 50 most proposed of {others:,}): Enter to follow"
        assert card.row == hits[0].row
        for _ in range(25):  # Page Down from the search box, to the end of the list and past it
            await pilot.press("pagedown")
        await seen(pilot)
        assert table.cursor_row == LIST_LIMIT - 1 and card.row == hits[LIST_LIMIT - 1].row
        await pilot.press("escape", "escape")  # the search cancelled: every row again, the cursor on the first
        assert table.row_count == 2533 and table.cursor_row == 0
        sibling = next(
            i for i, row in enumerate(app.ranked) if i > 100 and row.mechanism.theme == app.ranked[0].mechanism.theme
        )
        app.follow(app.ranked[sibling].mechanism.id)  # a sibling far down the list
        screen = await seen(pilot)
        assert table.cursor_row == sibling and card.row == app.ranked[sibling]
        assert app.ranked[sibling].mechanism.name[:12] in screen.split("Rank", 1)[1]  # scrolled into view
        await pilot.press("2")  # a theme: the same search, kept
        assert app.theme_filter is not None
        chosen = app.theme_filter.id
        await pilot.press("slash", *"fe")
        await app.workers.wait_for_complete()
        assert "match 'fe'" in " ".join((await seen(pilot)).split())  # the status line wraps
        assert table.cursor_row == 0
        screen = await typed_at_once(pilot, ["backspace", "backspace", *"motor", "space", *"control"])
        assert app.query_one(Input).value == "motor control"  # no key lost or out of order
        hits = [hit for hit in search(app.dataset, app.ranked, "motor control") if hit.row.mechanism.theme == chosen]
        assert f"Psychosocial: {len(hits):,} mechanisms match 'motor control', best match first" in screen
        names = listed(app)
        assert all(hit.row.mechanism.name.startswith(name.rstrip("…")) for name, hit in zip(names, hits, strict=False))

    run(scenario, app=make_app(str(path)))


def test_a_search_with_much_to_score_runs_in_a_thread_and_keys_typed_meanwhile_make_one_search(
    tmp_path, monkeypatch
) -> None:
    """On a large file a search with more to score than QUICK_SEARCH_WORK runs in a thread (here every search does):
    its list comes when it is done, and keys typed faster than searches finish are never lost or reordered."""
    import sys

    monkeypatch.setattr("clbp_cli.browse.app.QUICK_SEARCH_WORK", 0)
    sys.path.insert(0, str(REPO / "benchmarks"))
    from scale import generate

    path = tmp_path / "large.yaml"
    generate(2500, path)

    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"fear")
        await app.workers.wait_for_complete()
        screen = " ".join((await seen(pilot)).split())
        hits = search(app.dataset, app.ranked, "fear")
        assert f"{len(hits):,} mechanisms match 'fear', best match first" in screen
        names = listed(app)
        assert len(names) == LIST_LIMIT
        assert all(hit.row.mechanism.name.startswith(name.rstrip("…")) for name, hit in zip(names, hits, strict=False))
        screen = await typed_at_once(pilot, ["backspace"] * 4 + [*"motor", "space", *"control"])
        assert app.query_one(Input).value == "motor control"  # no key lost or out of order
        hits = search(app.dataset, app.ranked, "motor control")
        assert f"{len(hits):,} mechanisms match 'motor control', best match first" in screen
        names = listed(app)
        assert all(hit.row.mechanism.name.startswith(name.rstrip("…")) for name, hit in zip(names, hits, strict=False))

    run(scenario, app=make_app(str(path)))


def test_a_stream_that_cannot_say_is_not_a_terminal() -> None:
    import io

    from clbp_cli.cli import _is_terminal

    closed = io.StringIO()
    closed.close()
    assert not _is_terminal(object()) and not _is_terminal(closed) and not _is_terminal(io.StringIO())


# Every key the footer, the help, `browse --help` and the README name, from the first screen, at both sizes.
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_every_named_key_works_from_the_first_screen(size: tuple[int, int]) -> None:
    wide = size[0] >= 110

    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        table = app.query_one(MechanismList)
        assert (await seen(pilot)).splitlines()[-1].rstrip() == FOOTER["list"]
        await pilot.press("down")
        assert table.cursor_row == 1
        await pilot.press("pagedown")
        paged = table.cursor_row
        assert paged > 2
        await pilot.press("pageup", "up")
        assert table.cursor_row < paged - 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.focused, Card)
        card = app.query_one(Card)
        assert card.row is not None and card.row.mechanism.name == listed(app)[table.cursor_row]
        assert f"Proposed by {card.row.mechanism.count} of the 110 trials" in await seen(pilot)
        await pilot.press("escape")
        assert isinstance(app.focused, MechanismList)
        for key, status in [("3", "Neurophysiological: proposed 22 of 241 times"), ("0", "All 33 mechanisms")]:
            await pilot.press(key)
            assert status in await seen(pilot)
        await pilot.press("c")
        assert isinstance(app.screen, CiteScreen)
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "ctrl+p")
        assert "Search for commands" in await seen(pilot)
        await pilot.press("escape", "tab")  # the next pane: the card beside the list, or (narrow) the search box
        assert isinstance(app.focused, Card if wide else Input)
        await pilot.press("shift+tab", "slash")
        assert isinstance(app.focused, Input)
        assert (await seen(pilot)).splitlines()[-1].rstrip() == FOOTER["search"]
        await pilot.press(*"fear", "down")
        assert table.cursor_row == 1
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert card_title(await seen(pilot))[0] == "Kinesiophobia"
        await pilot.press("escape")
        assert (await seen(pilot)).splitlines()[-1].rstrip() == FOOTER["list, searched"]
        await pilot.press("escape")
        assert app.query_one(Input).value == "" and len(listed(app)) == 33
        await pilot.press("ctrl+q")

    assert run(scenario, size=size).return_code == 0


def test_a_fast_typist_loses_no_key_and_none_comes_out_of_order() -> None:
    """Keys posted all at once, as a fast typist and a held-down Backspace produce them: no pause in between."""
    typed = [*"fear", *["backspace"] * 4, *"kinesiofobia"]

    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("slash")
        for key in typed:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await seen(pilot)
        assert app.query_one(Input).value == "kinesiofobia"
        assert listed(app) == ["Kinesiophobia"]
        for key in [*"stress cortisol", "left", "left", *"xx", "home", "delete", "end", "backspace"]:
            app.post_message(events.Key(key, key if len(key) == 1 else " " if key == "space" else None))
        await seen(pilot)
        assert app.query_one(Input).value == "inesiofobiastress cortisxxo"

    run(scenario)


def test_a_style_digit_then_enter_at_once_copies_that_style() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        await pilot.press("c")
        for key in ("3", "enter"):  # no pause in between
            app.post_message(events.Key(key, "\r" if key == "enter" else key))
        await seen(pilot)
        assert app.clipboard == cite(DATASET.source, CitationStyle.bibtex)
        assert "Copied the BibTeX reference to the clipboard" in await seen(pilot)

    run(scenario)


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
def test_the_theme_tabs_fit_a_small_terminal(size: tuple[int, int]) -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        line = next(line for line in (await seen(pilot)).splitlines() if line.startswith(" All "))
        labels = line.split()
        assert labels[0] == "All" and len(labels) == 7  # every theme, "Tissue healing" being two words
        for label, theme in zip([*labels[1:5], " ".join(labels[5:])], DATASET.themes, strict=True):
            assert label == theme.name or (label.endswith("…") and theme.name.startswith(label[:-1]))
        assert line.rstrip().endswith(("healing", "h…"))  # the last tab is whole, not cut by the edge
        await pilot.press("5")
        assert "Tissue healing: proposed" in await seen(pilot)

    run(scenario, size=size)


def test_a_terminal_too_small_says_how_much_room_it_needs_and_recovers() -> None:
    async def scenario(app: BrowseApp, pilot: Pilot[Any]) -> None:
        screen = await seen(pilot)
        assert "terminal too small: needs 60x16 (it is 40x12). Ctrl+Q quits." in " ".join(screen.split())
        assert "Rank" not in screen
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        screen = await seen(pilot)
        assert "too small" not in screen and "Muscle strength" in screen

    run(scenario, size=(40, 12))


def test_the_readme_and_browse_help_name_the_keys_of_the_help_screen(clbp) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8").split("### `clbp browse`", 1)[1].split("\n### ")[0]
    table = next(block for block in readme.split("\n\n") if block.startswith("| key |"))
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [row.split(" | ")[0].removeprefix("| ").replace("`", "") for row in rows] == [
        key for key, _ in keys_table(DATASET)
    ]
    assert "0-9" not in readme
    usage = " ".join(clbp("browse", "--help").out.split())
    assert "/ searches" in usage and "? lists the keys" in usage and "Ctrl+Q quits" in usage
