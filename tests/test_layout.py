"""How the terminal layout uses the width (issue 13): cards wrap between items, columns share the width by need,
no word is cut where a space exists, and no line ends in spaces."""

from __future__ import annotations

import json

import pytest


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
        end = next(index for index, line in enumerate(lines) if line.startswith(" Source"))
        block = lines[start:end]
        others = [other for other in records if other["theme"] == record["theme"] and other["id"] != record["id"]]
        for other in others:
            item = f"{other['name']} ({other['count']})"
            if len(item) + 2 <= columns - 2 - 18:  # fits beside the labels: never split
                assert any(item in line for line in block), (record["id"], item)


def test_a_card_wraps_at_the_separator_not_before_the_count(clbp) -> None:
    out = clbp("show", "stabilization", env={"COLUMNS": "100"}).out
    block = out[out.index(" Same theme") : out.index(" Source")].splitlines()
    assert block == [
        " Same theme       Muscle strength (30) · Motor control (21) · Muscle endurance (18) ·",
        "                  Flexibility (11) · Biomechanics (6) · Proprioception (5) · Muscle tension (2) ·",
        "                  Postural alignment (2) · Muscle power (1)",
    ]


def test_a_narrow_card_puts_the_items_below_their_labels(clbp) -> None:
    lines = clbp("show", "mood", env={"COLUMNS": "40"}).out.splitlines()
    start = lines.index(" Same theme")
    assert lines[start : start + 13] == [
        " Same theme",
        "   Fear-avoidance (15) ·",
        "   Pain self-efficacy (14) ·",
        "   Kinesiophobia (10) ·",
        "   Pain tolerance (8) ·",
        "   Disability perception (7) ·",
        "   Mastery (6) · Social support (5) ·",
        "   Catastrophizing (4) ·",
        "   Coping strategies (3) ·",
        "   Mindfulness (1) · Sleep (1)",
        " Source",
        "   Wun et al. 2021, Table 2 · clbp cite",
        "",
    ]
