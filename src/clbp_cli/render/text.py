"""Machine formats: JSON, CSV, YAML and Markdown, made from a view's records. No colour or markup, ever."""

from __future__ import annotations

import io
import json
from typing import Any

from clbp_cli.core.citation import markdown_escaped, short_reference
from clbp_cli.core.views import Record, View
from clbp_cli.render.formats import RenderSettings

LIST_SEPARATOR = "; "  # how CSV and Markdown cells hold lists (aliases, keywords, measures)


def _flat(value: Any) -> str:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_flat(item) for item in value)
    if isinstance(value, dict):  # a measure: "Tampa Scale for Kinesiophobia (TSK)"
        name, abbreviation = value.get("name", ""), value.get("abbreviation", "")
        return f"{name} ({abbreviation})" if abbreviation else str(name)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _columns(records: list[Record], view: View) -> list[str]:
    """The first record's fields (a card's detail fields too), or the view's when there are no rows."""
    return list(records[0]) if records else list(view.fields())


def render_json(view: View, settings: RenderSettings) -> str:
    return json.dumps(view.document(), ensure_ascii=False, indent=2) + "\n"


def render_yaml(view: View, settings: RenderSettings) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return str(yaml.dump(view.document(), Dumper=dumper, sort_keys=False, allow_unicode=True, width=100))


def render_csv(view: View, settings: RenderSettings) -> str:
    """RFC 4180: comma separated, CRLF line ends, fields quoted where they hold commas, quotes or line breaks."""
    records = view.records()
    buffer = io.StringIO()
    import csv  # only CSV pays for it

    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = _columns(records, view)
    writer.writerow(columns)
    for record in records:
        writer.writerow([_flat(record[column]) for column in columns])
    return buffer.getvalue()


def _markdown_cell(value: Any) -> str:
    text = _flat(value).replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(text.split())  # a line break would end the table row


def _markdown_text(text: str) -> str:
    """Text from the data or the user, as literal Markdown on one line."""
    return markdown_escaped(" ".join(text.split()))


def render_markdown(view: View, settings: RenderSettings) -> str:
    """The title in bold, a GitHub table (numbers right-aligned), what its fields mean with their caveats, the source."""
    records = view.records()
    columns = _columns(records, view)
    numeric = {
        column
        for column in columns
        if records and isinstance(records[0][column], (int, float)) and not isinstance(records[0][column], bool)
    }
    lines = [
        f"**{_markdown_text(view.title())}**",
        "",
        "| " + " | ".join(columns) + " |",
        "| " + " | ".join("---:" if column in numeric else "---" for column in columns) + " |",
    ]
    lines += ["| " + " | ".join(_markdown_cell(record[column]) for column in columns) + " |" for record in records]
    dataset = view.dataset
    for note in view.record_notes():
        lines += ["", _markdown_text(note)]
    lines += ["", f"Source: {short_reference(dataset.source)}. {dataset.source.doi_url}"]
    return "\n".join(lines) + "\n"
