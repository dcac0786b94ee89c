"""Fast ways for tables of 10,000 mechanisms, each held to the general way it stands in for: JSON output of many
records (search's thousands of hits) written column by column must be exactly what json.dumps(indent=2) writes
(docs/output.md fixes the format, scripts diff it); a mechanism read straight into its record must be what the
validator's readers make of it, when they find nothing to report."""

from __future__ import annotations

import functools
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


def _nearest_names_compared_with_every_name(index: Any, query: str, limit: int = 3) -> list[str]:
    """nearest_names as it was before it looked only at names holding a piece of the query: every name compared."""
    from clbp_cli.core import search as engine

    key = engine._sounded(engine.compact(query))
    allowed = engine.typo_allowance(len(key))
    if not allowed:
        return []
    found = []
    for position, (name, others) in enumerate(index.name_keys()):
        distances = []
        for other in others:
            distances.append(engine.edit_distance(key, other, allowed))
            if len(key) > engine.MIN_TYPO_LENGTH and len(other) > len(key) and other[0] == key[0]:
                distances.append(engine.edit_distance(key, other[: len(key)], 1) + 1)
        if min(distances) <= allowed:
            found.append((min(distances), position, name))
    return [name for _, _, name in sorted(found)[:limit]]


@functools.cache
def bundled_index() -> Any:
    from clbp_cli.core.loading import load_dataset
    from clbp_cli.core.ranking import rank_mechanisms
    from clbp_cli.core.search import prepare_search

    dataset = load_dataset(None)
    return prepare_search(dataset, rank_mechanisms(dataset))


@given(
    pick=st.integers(min_value=0),
    cut=st.integers(min_value=3, max_value=40),
    edits=st.lists(
        st.tuples(st.sampled_from("sidt"), st.integers(min_value=0), st.sampled_from("aeioukxyz")), max_size=3
    ),
)
def test_the_nearest_names_are_those_every_name_compared_gives(
    pick: int, cut: int, edits: list[tuple[str, int, str]]
) -> None:
    """A name (or alias), cut to its start or not, with up to three typos: the names looked at only when they hold
    a piece of the query are exactly those comparing every name finds."""
    from clbp_cli.core.search import nearest_names

    index = bundled_index()
    keys = [key for _, others in index.name_keys() for key in others]
    word = list(keys[pick % len(keys)][:cut])
    for kind, at, letter in edits:
        at = at % (len(word) or 1)
        if kind == "s" and word:
            word[at] = letter
        elif kind == "i":
            word.insert(at, letter)
        elif kind == "d" and len(word) > 1:
            del word[at]
        elif kind == "t" and at + 1 < len(word):
            word[at], word[at + 1] = word[at + 1], word[at]
    query = "".join(word)
    assert nearest_names(index, query) == _nearest_names_compared_with_every_name(index, query)
