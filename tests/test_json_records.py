"""JSON output of many records (search's thousands of hits) is written column by column, and must be exactly what
json.dumps(indent=2) writes, whatever the values: docs/output.md fixes the format, scripts diff it."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from clbp_cli.render.text import _records_json

SCALARS = st.one_of(
    st.text(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.text(), max_size=3),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def expected(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


@given(
    keys=st.lists(st.text(max_size=8), min_size=1, max_size=5, unique=True),
    rows=st.lists(st.lists(SCALARS, min_size=5, max_size=5), max_size=6),
)
def test_records_are_written_as_json_dumps_writes_them(keys: list[str], rows: list[list[Any]]) -> None:
    document = [dict(zip(keys, row, strict=False)) for row in rows]  # as many fields as keys
    written = _records_json(document)
    assert written is None or written == expected(document)


@given(rows=st.lists(st.tuples(st.text(), st.integers(), st.floats(-1, 1), st.booleans(), st.lists(st.text())),
                     min_size=1, max_size=6))  # fmt: skip
def test_the_records_of_a_search_take_the_fast_way(rows: list[tuple[str, int, float, bool, list[str]]]) -> None:
    keys = ("name", "rank", "share", "tied", "matched_terms")
    document = [dict(zip(keys, row, strict=True)) for row in rows]
    assert _records_json(document) == expected(document)


def test_documents_of_other_shapes_are_left_to_json_dumps() -> None:
    for document in ([], {"a": 1}, [{"a": 1}, {"b": 1}], [{"a": 1}, {"a": "x"}], [{}], [{"a": 1}, [1]], [{"%s": "%"}]):
        written = _records_json(document)
        assert written is None or written == expected(document), document
    assert _records_json([{"%s": "100%", "%%": 1}]) == expected([{"%s": "100%", "%%": 1}])
