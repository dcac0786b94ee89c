"""Styled text for the terminal: a string with style spans, wrapped, cropped and written as ANSI by clbp itself.

Why not rich's Text and Console: importing them cost about 30 ms, a quarter of every table command's start-up
(`python -X importtime`), to do what clbp needs little of: a few styles (bold, dim, italic, one colour), prose wrapped
at spaces, laid-out lines cropped. This module does exactly that, the way rich does it (control codes stripped,
words longer than a line folded, the same ANSI codes), so the output did not change by a byte when it replaced rich (for text without control characters)
(tests/test_styled.py keeps the two equal). rich is still used where it pays for its import: the SVG export (its
recording console) and browse (Textual), which receive `to_rich(...)`; and the cell widths of text outside the common
scripts (CJK, emoji), where rich.cells is imported for that text only. One difference, on purpose: every control
character is dropped (rich drops five and passes escape sequences from the data through to the terminal).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple, Union

if TYPE_CHECKING:
    from rich.text import Text

# The attributes and colours clbp's styles use, as SGR codes (ECMA-48), in the order rich writes them.
_ATTRIBUTES = {"bold": "1", "dim": "2", "italic": "3", "underline": "4"}
_COLOURS = {"black": "30", "red": "31", "green": "32", "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36"}
_ATTRIBUTE_ORDER = list(_ATTRIBUTES)

# Control characters would move the cursor or start escape sequences (a data file's "\x1b[2J" would clear the
# screen): dropped, and a tab is one space, so that what is measured is what is drawn. Line breaks stay.
_CONTROL: dict[int, str | None] = {code: None for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if code != 0x0A}
_CONTROL[0x09] = " "


def printable(text: str) -> str:
    """`text` as it can be drawn: control characters dropped, a tab as a space."""
    return text if text.isprintable() else text.translate(_CONTROL)


# One cell per character in any terminal: Latin, Greek, Cyrillic, box drawing and general punctuation (dashes,
# daggers, quotation marks, the ellipsis). Other text is measured by rich.cells (wide CJK, emoji, combining marks).
_SINGLE_CELL_RANGES = [(0x20, 0x7E), (0xA0, 0xAC), (0xAE, 0x2FF), (0x370, 0x482), (0x2010, 0x2027), (0x2030, 0x205E)]
_SINGLE_CELL_RANGES += [(0x2500, 0x25FC), (0x2800, 0x28FF)]
_SINGLE_CELLS = frozenset(chr(code) for start, end in _SINGLE_CELL_RANGES for code in range(start, end + 1))
_is_single_cell = _SINGLE_CELLS.issuperset

_WORD = re.compile(r"\s*\S+\s*")  # a word with the spaces around it, as rich divides lines
_TRAILING_SPACE = re.compile(r"\s+$")


def cell_width(text: str) -> int:
    """Terminal cells taken by `text`, as drawn (see `printable`)."""
    text = printable(text)
    if text.isascii() or _is_single_cell(text):
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def cropped(text: str, width: int) -> str:
    """`text` cut to at most `width` cells (a wide character that would straddle the edge becomes a space)."""
    if _is_single_cell(text) or text.isascii():
        return text[:width]
    if cell_width(text) <= width:
        return text
    from rich.cells import set_cell_size

    return set_cell_size(text, width)


def _folded(word: str, width: int) -> list[str]:
    """A word too long for a line, in pieces of at most `width` cells."""
    if _is_single_cell(word) or word.isascii():
        return [word[index : index + width] for index in range(0, len(word), width)]
    from rich.cells import chop_cells

    return chop_cells(word, width)


class Span(NamedTuple):
    start: int
    end: int
    style: str


Piece = Union[str, "Styled", tuple[str, str]]


class Styled:
    """Text with a style of its own and styled spans ("bold cyan" on a search match). Mutable, like rich's Text,
    because the layout code builds lines piece by piece."""

    __slots__ = ("plain", "spans", "style")

    def __init__(self, plain: str = "", style: str = "", spans: Iterable[Span] = ()) -> None:
        self.plain = printable(plain)
        self.style = style
        self.spans = list(spans)

    def __repr__(self) -> str:
        return f"Styled({self.plain!r}, {self.style!r}, {self.spans!r})"

    def __len__(self) -> int:
        return len(self.plain)

    @property
    def cell_len(self) -> int:
        return cell_width(self.plain)

    @classmethod
    def assemble(cls, *pieces: Piece) -> Styled:
        text = cls()
        for piece in pieces:
            if isinstance(piece, tuple):
                text.append(*piece)
            else:
                text.append(piece)
        return text

    def copy(self) -> Styled:
        return Styled(self.plain, self.style, self.spans)

    def __getitem__(self, part: slice) -> Styled:
        start, stop, _ = part.indices(len(self.plain))
        spans = []
        for span in self.spans:  # clipped to the part; what is left empty goes, as rich divides text
            clipped = Span(max(span.start, start) - start, min(span.end, stop) - start, span.style)
            if clipped.end > clipped.start:
                spans.append(clipped)
        return Styled(self.plain[start:stop], self.style, spans)

    def append(self, text: str | Styled, style: str = "") -> Styled:
        offset = len(self.plain)
        if isinstance(text, str):
            text = Styled(text)
            if style:
                text.style = style
        if text.style:
            self.spans.append(Span(offset, offset + len(text.plain), text.style))
        self.spans.extend(Span(offset + span.start, offset + span.end, span.style) for span in text.spans)
        self.plain += text.plain
        return self

    def stylize(self, style: str, start: int, end: int) -> None:
        end = min(end, len(self.plain))
        if style and start < end:
            self.spans.append(Span(start, end, style))

    def crop(self, width: int) -> Styled:
        """This text cut to at most `width` cells."""
        if cell_width(self.plain) <= width:
            return self.copy()
        return self._cut_to(cropped(self.plain, width))

    def _cut_to(self, plain: str) -> Styled:
        """This text ending sooner (at `plain`, a start of it), the spans past its end cut back."""
        end = len(plain)
        spans = [Span(span.start, min(span.end, end), span.style) for span in self.spans if span.start < end]
        return Styled(plain, self.style, spans)

    def _divided(self, offsets: Sequence[int]) -> list[Styled]:
        """This text cut at `offsets` (character positions, ascending)."""
        if not offsets:
            return [self.copy()]
        bounds = [0, *offsets, len(self.plain)]
        return [self[start:end] for start, end in itertools.pairwise(bounds)]

    def lines(self) -> list[Styled]:
        """This text split at its line breaks; an empty line stays, including one after a final break."""
        if "\n" not in self.plain:
            return [self.copy()]
        offsets = [position for match in re.finditer("\n", self.plain) for position in match.span()]
        return [line for line in self._divided(offsets) if line.plain != "\n"]

    def wrap(self, width: int) -> list[Styled]:
        """Prose in lines of at most `width` cells: broken at spaces, a word longer than a line folded."""
        wrapped: list[Styled] = []
        for line in self.lines():
            pieces = line._divided(_breaks(line.plain, width))
            for piece in pieces:
                if len(piece.plain) > width:  # spaces past the edge go
                    spaces = _TRAILING_SPACE.search(piece.plain)
                    if spaces is not None:
                        cut = min(len(spaces.group()), len(piece.plain) - width)
                        piece = piece._cut_to(piece.plain[: len(piece.plain) - cut])
                wrapped.append(piece.crop(width))
        return wrapped

    def ansi(self) -> str:
        """The text with its styles as ANSI escape codes (each styled run opened and reset, as rich writes them)."""
        if not self.style and not self.spans:
            return self.plain
        styles = [self.style, *(span.style for span in self.spans)]
        # Every place a style starts or stops (starts first at one place), as rich orders them.
        starts = [(span.start, False, index) for index, span in enumerate(self.spans, 1)]
        stops = [(span.end, True, index) for index, span in enumerate(self.spans, 1)]
        events = sorted([(0, False, 0), *starts, *stops, (len(self.plain), True, 0)], key=lambda event: event[:2])
        open_styles: list[int] = []
        out: list[str] = []
        for (offset, leaving, index), (next_offset, _, _) in itertools.pairwise(events):
            if leaving:
                open_styles.remove(index)
            else:
                open_styles.append(index)
            if next_offset > offset:
                codes = _sgr(styles[i] for i in sorted(open_styles))
                run = self.plain[offset:next_offset]
                out.append(f"\x1b[{codes}m{run}\x1b[0m" if codes else run)
        return "".join(out)


def _breaks(plain: str, width: int) -> list[int]:
    """Where to break `plain` into lines of `width` cells (rich's `divide_line`, with folding)."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(plain):
        start, word = match.start(), match.group()
        length = cell_width(word.rstrip())
        if width - offset >= length:
            offset += cell_width(word)
        elif length > width:
            pieces = _folded(word, width)
            for index, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if index == len(pieces) - 1:
                    offset = cell_width(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = cell_width(word)
    return breaks


def _sgr(styles: Iterable[str]) -> str:
    """The SGR parameters of styles applied in order: attributes add up, the last colour wins."""
    attributes: set[str] = set()
    colour = ""
    for style in styles:
        for word in style.split():
            if word in _ATTRIBUTES:
                attributes.add(word)
            elif word in _COLOURS:
                colour = _COLOURS[word]
    codes = [_ATTRIBUTES[name] for name in _ATTRIBUTE_ORDER if name in attributes]
    return ";".join([*codes, colour] if colour else codes)


def to_rich(text: str | Styled) -> Text:
    """The same text as rich's Text, for what draws with rich (browse, the SVG export)."""
    from rich.text import Span as RichSpan
    from rich.text import Text

    if isinstance(text, str):
        return Text(text)
    return Text(text.plain, style=text.style, spans=[RichSpan(*span) for span in text.spans])


def joined_lines(lines: Iterable[Styled]) -> Iterator[Styled]:
    """Laid-out lines, each split where it holds a line break."""
    for line in lines:
        yield from line.lines()
