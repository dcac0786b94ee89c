"""How the terminal layout uses the width (issue 13): cards wrap between items, columns share the width by need,
no word is cut where a space exists, and no line ends in spaces."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from tests.conftest import clbp_command


def mechanisms(clbp) -> list[dict[str, object]]:
    return json.loads(clbp("list", "--format", "json").out)


@pytest.mark.parametrize("columns", [40, 60, 80, 100])
def test_cards_wrap_between_items_never_inside_one(clbp, columns: int) -> None:
    records = mechanisms(clbp)
    for record in records:
        out = clbp("show", str(record["id"]), env={"COLUMNS": str(columns)}).out
        lines = out.splitlines()
        assert all(len(line) <= columns for line in lines)
        assert not any(line.lstrip().startswith(("·", ",")) for line in lines)
        start = next(index for index, line in enumerate(lines) if line.startswith(" Same theme"))
        end = next(index for index, line in enumerate(lines) if index > start and not line.strip())
        block = lines[start:end]
        others = [other for other in records if other["theme"] == record["theme"] and other["id"] != record["id"]]
        for other in others:
            item = f"{other['name']} ({other['count']})"
            if len(item) + 2 <= columns - 2 - 18:  # fits beside the labels: never split
                assert any(item in line for line in block), (record["id"], item)


def test_a_card_wraps_at_the_separator_not_before_the_count(clbp) -> None:
    out = clbp("show", "stabilization", env={"COLUMNS": "100"}).out
    block = out[out.index(" Same theme") : out.index(" A count is")].splitlines()
    assert block == [
        " Same theme†      Muscle strength (30) · Motor control (21) · Muscle endurance (18) ·",
        "                  Flexibility (11) · Biomechanics (6) · Proprioception (5) · Muscle tension (2) ·",
        "                  Postural alignment (2) · Muscle power (1)",
        "",
    ]


def test_a_narrow_card_puts_the_items_below_their_labels(clbp) -> None:
    lines = clbp("show", "mood", env={"COLUMNS": "40"}).out.splitlines()
    start = lines.index(" Same theme†")
    assert lines[start : start + 11] == [
        " Same theme†",
        "   Fear-avoidance (15) ·",
        "   Pain self-efficacy (14) ·",
        "   Kinesiophobia (10) ·",
        "   Pain tolerance (8) ·",
        "   Disability perception (7) ·",
        "   Mastery (6) · Social support (5) ·",
        "   Catastrophizing (4) ·",
        "   Coping strategies (3) ·",
        "   Mindfulness (1) · Sleep (1)",
        "",
    ]


def test_a_narrow_search_wraps_the_matches_at_spaces_and_keeps_names_whole(clbp) -> None:
    lines = clbp("search", "fear", env={"COLUMNS": "60"}).out.splitlines()
    assert lines[2:11] == [
        " Rank  Mechanism        Theme†        Trials  Matched in",
        "    4  Fear-avoidance   Psychosocial      15  name: [Fear]-",
        "                                              avoidance",
        "    9  Kinesiophobia    Psychosocial      10  alias: [fear]",
        "                                              of movement",
        "  =19  Catastrophizing  Psychosocial       4  phrase:",
        "                                              [fearing] the",
        "                                              worst",
        "",
    ]


@pytest.mark.parametrize("query", ["fear", "movement", "stabilisation", "kinesiofobia"])
def test_search_never_breaks_a_word_where_a_space_or_hyphen_exists(clbp, query: str) -> None:
    wide = clbp("search", query, env={"COLUMNS": "400"}).out
    words = set(wide.split()) | {piece for word in wide.split() for piece in re.split(r"(?<=-)", word) if piece}
    for columns in range(44, 124, 8):
        out = clbp("search", query, env={"COLUMNS": str(columns)}).out
        assert all(len(line) <= columns for line in out.splitlines()), columns
        lines = out.splitlines()
        table = lines[3 : lines.index("", 2)]  # the title, a blank line, the header, then the rows
        broken = [word for line in table for word in line.split() if word not in words and not word.endswith("…")]
        assert broken == [], (columns, broken)


def test_tables_use_the_whole_width_and_cards_stay_readable(clbp) -> None:
    search = clbp("search", "fear", env={"COLUMNS": "120"}).out.splitlines()
    assert search[5] == ("  =19  Catastrophizing  Psychosocial       4  phrase: [fearing] the worst")
    themes = clbp("themes", env={"COLUMNS": "120"}).out.splitlines()
    assert 100 < max(len(line) for line in themes) <= 120
    for card in (["show", "mood"], ["theme", "psychosocial"]):
        lines = clbp(*card, env={"COLUMNS": "120"}).out.splitlines()
        assert max(len(line) for line in lines) == 99, card  # the rule: 98 columns, within a margin of one each side
        assert lines == clbp(*card, env={"COLUMNS": "100"}).out.splitlines()


def run_in_terminal(*args: str, columns: int, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the installed clbp with its stdout on a pseudo-terminal, as a person sees it: colour, bars."""
    pty = pytest.importorskip("pty")
    master, replica = pty.openpty()
    environment = {
        key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "CLBP_DATA")
    }
    environment.update({"COLUMNS": str(columns), "TERM": "xterm-256color", **(env or {})})
    process = subprocess.Popen([*clbp_command(), *args], stdout=replica, stderr=subprocess.PIPE, env=environment)
    os.close(replica)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    _, err = process.communicate(timeout=60)
    return process.returncode, b"".join(chunks).decode("utf-8").replace("\r\n", "\n"), err.decode("utf-8")


STYLE = re.compile(r"\x1b\[[0-9;]*m")
COMMANDS = [["list"], ["theme", "tissue"], ["themes"], ["search", "fear"], ["show", "mood"]]


@pytest.mark.parametrize("columns", [40, 100, 140])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
def test_no_line_ends_in_spaces_on_a_terminal(command: list[str], columns: int) -> None:
    code, out, err = run_in_terminal(*command, columns=columns)
    assert (code, err) == (0, "")
    assert "\x1b[" in out  # colour and bars: a terminal
    lines = out.splitlines()
    assert [line for line in lines if STYLE.sub("", line).endswith((" ", "\t"))] == []


@pytest.mark.parametrize("columns", ["40", "100", "140"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
def test_no_line_ends_in_spaces_in_a_pipe(clbp, command: list[str], columns: str) -> None:
    for color in ("never", "always"):
        out = clbp(*command, "--color", color, env={"COLUMNS": columns}).out
        assert [line for line in out.splitlines() if STYLE.sub("", line).endswith((" ", "\t"))] == []


BAR = re.compile(r"\x1b\[36m([█▏▎▍▌▋▊▉]+)\x1b\[0m")


def bars(out: str) -> dict[str, str]:
    """Each mechanism's bar on a terminal, by name."""
    found = {}
    for line in out.splitlines():
        match = BAR.search(line)
        if match and re.match(r"\s+=?\d+  ", line):
            found[re.split(r"\s{2,}", STYLE.sub("", line).strip())[1]] = match.group(1)
    return found


@pytest.mark.parametrize("columns", [100, 140])
def test_bars_share_one_ruler_in_every_view(columns: int) -> None:
    everything = bars(run_in_terminal("list", columns=columns)[1])
    assert len(everything) == 33
    assert everything["Muscle strength"] == "█" * 30  # the most proposed mechanism: the full ruler
    assert everything["Blood flow"] == "█" * 6  # 6 of 30 trials: a fifth of it
    for view in (["theme", "tissue"], ["theme", "psychosocial"], ["list", "--top", "3"], ["list", "--theme", "cardio"]):
        shown = bars(run_in_terminal(*view, columns=columns)[1])
        assert shown and all(everything[name] == bar for name, bar in shown.items()), view


def test_a_word_longer_than_any_column_is_broken_but_never_lost(clbp, tmp_path) -> None:
    """Only a word with no space or hyphen in it, wider than the room, is broken; every letter is still shown."""
    from importlib.resources import files

    word = "electromyographicbiofeedbackretrainingprotocol"
    text = (files("clbp_cli") / "data" / "wun2021.yaml").read_text(encoding="utf-8")
    path = tmp_path / "long.yaml"
    path.write_text(
        text.replace("aliases: [neuromuscular control,", f"aliases: [neuromuscular control, {word},"), encoding="utf-8"
    )
    search = clbp("search", "electromyographic", "--data", str(path), env={"COLUMNS": "50"}).out.splitlines()
    assert search[2:7] == [  # the whole matched word is marked; Muscle tension's EMG (=26) follows; names wrap
        "   #  Name     Theme†     n  Matched in",
        "   2  Motor    Neuromu…  21  alias:",
        "      control                [electromyographicbi",
        "                             ofeedbackretrainingp",
        "                             rotocol]",
    ]
    card = clbp("show", "motor control", "--data", str(path), env={"COLUMNS": "40"}).out.splitlines()
    start = card.index(" Also known as")
    assert card[start + 1 : start + 5] == [
        "   neuromuscular control,",
        "   electromyographicbiofeedbackretrain",
        "   ingprotocol, movement control,",
        "   trunk control",
    ]


# Narrow widths cut the right things (issue 17): a name is never cut while another column can wrap; headers have
# short forms that fit; a theme that would be cut to a few letters is left out instead.
def test_at_40_columns_a_search_wraps_names_instead_of_cutting_them(clbp) -> None:
    assert _table(clbp("search", "stress cortisol", env={"COLUMNS": "40"}).out)[:9] == [
        " Rank  Mechanism    Trials  Matched in",
        "  =19  Stress            4  measure:",
        "       response             [cortisol]",
        "    6  Mood             12  measure:",
        "                            Depression",
        "                            Anxiety",
        "                            [Stress]",
        "                            Scales",
        "                            (DASS)",
    ]


def test_at_40_columns_list_shows_short_headers_and_whole_names(clbp) -> None:
    assert _table(clbp("list", "--top", "5", env={"COLUMNS": "40"}).out)[:5] == [  # names wrap, nothing is cut
        " #  Mechanism    Theme†          n    %",
        " 1  Muscle       Neuromuscular  30  27%",
        "    strength",
        " 2  Motor        Neuromuscular  21  19%",
        "    control",
    ]
    assert _table(clbp("list", env={"COLUMNS": "40"}).out)[:3] == [  # all 33: a theme cut to "Neu…" is left out
        " Rank  Mechanism            Trials    %",
        "    1  Muscle strength          30  27%",
        "    2  Motor control            21  19%",
    ]


def _table(out: str) -> list[str]:
    """The header and the rows: from the header line to the next blank line (the title above may wrap)."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] in (["Rank"], ["#"], ["Theme"]))
    return lines[start : lines.index("", start)]


@pytest.mark.parametrize("command", [["list"], ["search", "stress"], ["theme", "psychosocial"], ["themes"]])
def test_no_header_and_no_name_is_ever_cut_from_40_columns_up(clbp, command: list[str]) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(clbp(*command, "--format", "csv").out)))
    names = [row["name"] for row in rows] if command != ["themes"] else []
    for columns in range(40, 124, 3):
        table = _table(clbp(*command, env={"COLUMNS": str(columns)}).out)
        assert "…" not in table[0], (columns, table[0])
        tokens = {piece for line in table for word in line.split() for piece in re.split(r"(?<=-)", word)}
        for name in names:  # every word of every name is there whole, on one line or wrapped over two
            assert all(piece in tokens for word in name.split() for piece in re.split(r"(?<=-)", word) if piece), (
                columns,
                name,
            )
