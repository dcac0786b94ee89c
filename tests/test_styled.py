"""render/styled.py writes what rich wrote (wrapping, cropping, ANSI codes), without importing rich.

The terminal output moved from rich's Console to clbp's own styled text to save rich's import on every table
command. These tests hold the two equal on any text, so that the move changed no output, and pin the one
difference made on purpose: control characters from the data never reach the terminal.
"""

from __future__ import annotations

import io

from hypothesis import example, given
from hypothesis import strategies as st

from clbp_cli.render.styled import Span, Styled, cell_width, joined_lines, to_rich
from clbp_cli.render.terminal import to_text

STYLES = ["bold", "dim", "italic", "cyan", "bold cyan", "dim italic"]
# Words of every width class: ASCII, typographic punctuation (one cell), CJK and emoji (two cells), accents.
ALPHABET = st.sampled_from([*"abcdefghij", " ", " ", "  ", "-", "\n", "†", "…", "·", "“", "肌", "力", "😀", "é", "ß"])


@st.composite
def styled_texts(draw: st.DrawFn) -> Styled:
    plain = "".join(draw(st.lists(ALPHABET, max_size=60)))
    spans = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(plain)))
        end = draw(st.integers(start, len(plain)))
        spans.append(Span(start, end, draw(st.sampled_from(STYLES))))
    return Styled(plain, draw(st.sampled_from(["", *STYLES])), spans)


def rich_output(text: Styled, width: int, *, color: bool, laid_out: bool) -> str:
    from rich.console import Console

    console = Console(
        file=io.StringIO(), width=width, force_terminal=color, color_system="standard" if color else None,
        no_color=not color, legacy_windows=False, highlight=False, markup=False, emoji=False, _environ={},
    )  # fmt: skip
    if laid_out:
        console.print(to_rich(text), no_wrap=True, overflow="crop")
    else:
        console.print(to_rich(text))
    output = console.file.getvalue()
    assert isinstance(output, str)
    return output


def clbp_output(text: Styled, width: int, *, color: bool, laid_out: bool) -> str:
    lines = [line.crop(width) for line in joined_lines([text])] if laid_out else text.wrap(width)
    return "".join((line.ansi() if color else line.plain) + "\n" for line in lines)


@given(styled_texts(), st.integers(1, 30), st.booleans(), st.booleans())
@example(Styled("Fear-avoidance and kinesiophobia", "dim", [Span(0, 4, "bold cyan")]), 10, True, False)
@example(Styled("肌力肌力肌力 strength", "", []), 3, False, False)
@example(Styled("a\n\nb\n", "bold", []), 5, True, True)
def test_prose_and_laid_out_lines_come_out_as_rich_wrote_them(
    text: Styled, width: int, color: bool, laid_out: bool
) -> None:
    assert clbp_output(text, width, color=color, laid_out=laid_out) == rich_output(
        text, width, color=color, laid_out=laid_out
    )


@given(st.text(alphabet=st.sampled_from([*"ab †肌😀é", "\u0301", "\u200d"]), max_size=20))
def test_cells_are_counted_as_rich_counts_them(plain: str) -> None:
    from rich.cells import cell_len

    assert cell_width(plain) == cell_len(plain)


def test_control_characters_from_the_data_never_reach_the_terminal() -> None:
    """A data file's escape sequence would recolour or clear the user's screen; a tab would break the columns."""
    text = Styled("Mood\x1b[2J\x07\tscale\r", "bold")
    assert text.plain == "Moodscale"[:4] + "[2J scale"
    assert cell_width("a\tb\x1b") == 3
    assert to_text([text], _settings(color=True)) == " \x1b[1mMood[2J scale\x1b[0m\n"


def test_styles_nest_as_rich_nests_them() -> None:
    """A bold cyan match inside dim text is bold, dim and cyan together; each run is opened and reset."""
    text = Styled("see fear here", "dim", [Span(4, 8, "bold cyan")])
    assert text.ansi() == "\x1b[2msee \x1b[0m\x1b[1;2;36mfear\x1b[0m\x1b[2m here\x1b[0m"


def _settings(*, color: bool):  # type: ignore[no-untyped-def]
    from clbp_cli.render.formats import RenderSettings

    return RenderSettings(color=color, width=40, unicode=True, terminal=True)
