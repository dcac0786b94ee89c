"""Machine formats: JSON, CSV, YAML and Markdown, made from a view's records. No colour or markup, ever."""

from __future__ import annotations

import io
import json
import math
from json.encoder import encode_basestring  # the C encoder of a JSON string, when the interpreter has it
from operator import itemgetter
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
    document = view.document()
    return (_records_json(document) or json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


_JSON_BOOLEANS = ("false", "true")


def _records_json(document: Any) -> str | None:
    """json.dumps(document, ensure_ascii=False, indent=2), byte for byte, for a list of flat records of one shape
    (a search's thousands of hits, a list of 10,000 mechanisms): column by column at C speed, then each record
    through one template, where json's indenting encoder works value by value in Python (5-10x slower). None for
    any other document (json.dumps writes it): a record of other keys or a value of another type."""
    if type(document) is not list or not document or type(document[0]) is not dict or not document[0]:
        return None
    keys = tuple(document[0])
    if any(type(record) is not dict or tuple(record) != keys for record in document):
        return None
    columns = []
    for key in keys:
        column = list(map(itemgetter(key), document))
        encoded = _json_column(column)
        if encoded is None:
            return None
        columns.append(encoded)
    fields = ",".join(f"\n    {encode_basestring(key).replace('%', '%%')}: %s" for key in keys)
    template = "\n  {" + fields + "\n  }"
    return "[" + ",".join(map(template.__mod__, zip(*columns, strict=True))) + "\n]"


def _json_column(column: list[Any]) -> list[str] | None:
    """One field of every record as json.dumps writes it inside a record; None for a type it does not handle."""
    kinds = set(map(type, column))
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    if kind is str:
        return list(map(encode_basestring, column))
    if kind is bool:
        return list(map(_JSON_BOOLEANS.__getitem__, column))
    if kind is int:
        return list(map(int.__repr__, column))
    if kind is float and all(map(math.isfinite, column)):
        return list(map(float.__repr__, column))
    if kind is list and all(type(item) is str for items in column for item in items):
        return [_json_strings(items) for items in column]
    return None


def _json_strings(items: list[str]) -> str:
    """A list of strings inside a record, as json.dumps(indent=2) writes it."""
    if not items:
        return "[]"
    return "[\n      " + ",\n      ".join(map(encode_basestring, items)) + "\n    ]"


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
