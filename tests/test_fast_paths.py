"""Fast ways for tables of 10,000 mechanisms, each held to the general way it stands in for: JSON output of many
records (search's thousands of hits) written column by column must be exactly what json.dumps(indent=2) writes
(docs/output.md fixes the format, scripts diff it); a mechanism read straight into its record must be what the
validator's readers make of it, when they find nothing to report."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from clbp_cli.core.loading import _plain_mechanism, _Validator
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


TEXTS = st.one_of(st.text(max_size=12), st.sampled_from(["fear", " fear ", "", "  ", "a\nb  c", "motor-control"]))
FIELD_VALUES = st.one_of(
    TEXTS,
    st.integers(-2, 40),
    st.booleans(),
    st.none(),
    st.lists(TEXTS, max_size=3),
    st.lists(st.fixed_dictionaries({"name": TEXTS}), max_size=1),
)
FIELDS = ["id", "name", "count", "theme", "description", "aliases", "keywords", "measures", "exercises", "phrases",
          "anatomy", "typo"]  # fmt: skip


@given(
    value=st.one_of(
        st.dictionaries(st.sampled_from(FIELDS), FIELD_VALUES),
        st.fixed_dictionaries(
            {"id": st.sampled_from(["fear", "motor-control", " x1 ", "Bad"]), "name": TEXTS, "count": st.integers(-1, 9),
             "theme": TEXTS, "description": TEXTS},
            optional={key: st.one_of(st.none(), st.lists(TEXTS, max_size=3)) for key in FIELDS[5:11]},
        ),
        st.lists(st.integers(), max_size=1),
    )
)  # fmt: skip
def test_a_plain_mechanism_is_what_the_readers_make_of_it(value: Any) -> None:
    plain = _plain_mechanism(value)
    validator = _Validator({}, {}, "test.yaml")
    read = validator.read_mechanism(value, "mechanisms[0]")
    if plain is not None:
        assert (plain, validator.problems) == (read, [])
    elif not validator.problems:  # the readers found nothing to report: only measures take the long way
        assert value.get("measures")
