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

# format -> "module:function"; resolved on first use.
FORMATTERS: dict[OutputFormat, str] = {
    OutputFormat.table: "clbp_cli.render.terminal:render_table",
    OutputFormat.json: "clbp_cli.render.text:render_json",
    OutputFormat.csv: "clbp_cli.render.text:render_csv",
    OutputFormat.yaml: "clbp_cli.render.text:render_yaml",
    OutputFormat.markdown: "clbp_cli.render.text:render_markdown",
    OutputFormat.svg: "clbp_cli.render.export:render_svg",
    OutputFormat.html: "clbp_cli.render.export:render_html",
}

# Formats that are bytes for programs (always UTF-8, whatever the locale) rather than text for a terminal.
MACHINE_FORMATS = frozenset(OutputFormat) - {OutputFormat.table}


def formatter_for(output_format: OutputFormat) -> Formatter:
    module_name, function_name = FORMATTERS[output_format].split(":")
    formatter: Formatter = getattr(importlib.import_module(module_name), function_name)
    return formatter


def render(view: View, output_format: OutputFormat, settings: RenderSettings) -> str:
    return formatter_for(output_format)(view, settings)
