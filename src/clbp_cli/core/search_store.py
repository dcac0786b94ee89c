"""The search index's folded data, kept beside the data cache for large data files (search.STORED_FROM mechanisms).

Folding every value of 10,000 mechanisms and finding every word's postings costs about 0.15 s of a `clbp search`;
reading it back costs a few ms. An entry holds every value folded (one text, a value a line, and where each value
starts), the sorted vocabulary, each value's field, each row's number of values and every word's postings (int
arrays, as bytes). It is used only when its key matches: two checksums and the length of the data search folds
(every field of every mechanism, in order, marshalled, and the themes' names), the folding rules, the arrays'
layout, the clbp version and the Python version; so an edited file, a new rule or an upgrade folds again, and it
can never give stale words. Like the data cache it is only an optimisation: any failure to read or write an entry
is ignored. It lives in the data cache's folder (clbp_cli.core.cache.cache_dir) and is off with it.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from typing import Any

from clbp_cli.core.cache import cache_dir, checksum, entry_path, read_entry, write_entry

STORE_FORMAT = 3
_TYPES = (str, list, list, str, list, bytes, bytes, bytes, bytes)  # search._Folded's fields
_ARRAYS = f"i{array('i').itemsize}{sys.byteorder}"  # the postings are the bytes of int arrays: this machine's


def load(origin: str, key: str) -> tuple[Any, ...] | None:
    """What an entry under this key holds, if there is one (the fields of search._Folded)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        stored_key, *content = read_entry(entry_path(folder, origin, "search"))
    except (TypeError, ValueError):
        return None  # no entry, or a damaged one: fold instead
    if stored_key != key or len(content) != len(_TYPES):
        return None
    if not all(isinstance(value, kind) for value, kind in zip(content, _TYPES, strict=True)):
        return None
    return tuple(content)


def store(origin: str, key: str, content: tuple[Any, ...]) -> None:
    """Keep what search folded under this key; silently nothing if it cannot be written."""
    folder = cache_dir()
    if folder is not None:
        write_entry(folder, entry_path(folder, origin, "search"), (key, *content))


def key(content: bytes, rules: str) -> str:
    """The key of an entry: the data search folds (every mechanism's fields, the themes' names) and the rules."""
    return f"{STORE_FORMAT}|{_ARRAYS}|{zlib.crc32(rules.encode()):08x}|{checksum(content)}"
