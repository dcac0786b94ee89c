"""Output formats: one enum, one table of formatters, one formatter interface.

Every formatter is `(view, settings) -> str` and handles every view. Formatters are imported only when used, so
`--format json` never pays for rich and the terminal table never pays for the exporters.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from clbp_cli.core.views import View


class OutputFormat(str, enum.Enum):
    table = "table"
    json = "json"
    csv = "csv"
    yaml = "yaml"
    markdown = "markdown"
    svg = "svg"
    html = "html"


class RenderSettings(NamedTuple):
    color: bool  # ANSI styles allowed (terminal tables only)
    width: int  # columns to lay out for
    unicode: bool  # box-drawing, bars and typographic characters allowed; else ASCII fallbacks
    terminal: bool  # the reader is a person at a terminal (bars, highlights); else plain text for pipes


Formatter = Callable[["View", RenderSettings], str]


class Audience(str, enum.Enum):
    """Who a format is for; the --format help groups the formats by it, in this order."""

    people = "default; for people"
    programs = "for programs"
    pictures = "pictures"


class FormatFacts(NamedTuple):
    formatter: str  # "module:function", imported on first use
    audience: Audience
    empty_answer: bool = False  # prints an empty answer (no rows) rather than only the "nothing matches" message,
    # so that a script reading it gets valid data: [] in JSON, the header in CSV


# Everything clbp knows about each format, in one place: a new format is one entry here plus its function.
FORMATS: dict[OutputFormat, FormatFacts] = {
    OutputFormat.table: FormatFacts("clbp_cli.render.terminal:render_table", Audience.people),
    OutputFormat.json: FormatFacts("clbp_cli.render.text:render_json", Audience.programs, empty_answer=True),
    OutputFormat.csv: FormatFacts("clbp_cli.render.text:render_csv", Audience.programs, empty_answer=True),
    OutputFormat.yaml: FormatFacts("clbp_cli.render.text:render_yaml", Audience.programs, empty_answer=True),
    OutputFormat.markdown: FormatFacts("clbp_cli.render.text:render_markdown", Audience.programs),
    OutputFormat.svg: FormatFacts("clbp_cli.render.export:render_svg", Audience.pictures),
    OutputFormat.html: FormatFacts("clbp_cli.render.export:render_html", Audience.pictures),
}

# Formats that are bytes for programs (always UTF-8, whatever the locale) rather than text for a terminal.
MACHINE_FORMATS = frozenset(f for f, facts in FORMATS.items() if facts.audience is not Audience.people)

# Formats that print an empty answer when nothing matches (see FormatFacts.empty_answer).
EMPTY_ANSWER_FORMATS = frozenset(f for f, facts in FORMATS.items() if facts.empty_answer)


def format_help() -> str:
    """The --format help: 'table (default; for people), json, csv, yaml, markdown (for programs), svg, html
    (pictures).'"""
    groups = [
        ", ".join(f.value for f, facts in FORMATS.items() if facts.audience is audience) + f" ({audience.value})"
        for audience in Audience
    ]
    return f"Output format: {', '.join(groups)}."


def formatter_for(output_format: OutputFormat) -> Formatter:
    module_name, function_name = FORMATS[output_format].formatter.split(":")
    formatter: Formatter = getattr(importlib.import_module(module_name), function_name)
    return formatter


def render(view: View, output_format: OutputFormat, settings: RenderSettings) -> str:
    return formatter_for(output_format)(view, settings)
