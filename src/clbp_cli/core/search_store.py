"""The search index's folded data, kept beside the data cache for large data files (search.STORED_FROM mechanisms).

Folding every value of 10,000 mechanisms costs about 0.1 s of a `clbp search`; reading it back costs about
0.02 s. An entry holds every value folded and the sorted vocabulary, and is used only when its key matches: two
checksums and the length of the exact text that was folded (every searchable value of every mechanism, in order),
the folding rules, the clbp version and the Python version; so an edited file, a new rule or an upgrade folds again,
and it can never give stale words. Like the data cache it is only an optimisation: any failure to read or write an
entry is ignored. It lives in the data cache's folder (clbp_cli.core.cache.cache_dir) and is off with it.
"""

from __future__ import annotations

import zlib

from clbp_cli.core.cache import cache_dir, checksum, entry_path, read_entry, write_entry

STORE_FORMAT = 1


def load(joined: str, origin: str, rules: str) -> tuple[list[str], list[str]] | None:
    """The folded values and the sorted vocabulary of this text, if an entry holds them."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        key, values, words = read_entry(entry_path(folder, origin, "search"))
    except (TypeError, ValueError):
        return None  # no entry, or a damaged one: fold instead
    if key != _key(joined, rules) or not isinstance(values, list) or not isinstance(words, list):
        return None
    return values, words


def store(joined: str, origin: str, rules: str, values: list[str], words: list[str]) -> None:
    """Keep the folded values and the sorted vocabulary of this text; silently nothing if it cannot be written."""
    folder = cache_dir()
    if folder is not None:
        write_entry(folder, entry_path(folder, origin, "search"), (_key(joined, rules), values, words))


def _key(joined: str, rules: str) -> str:
    data = joined.encode("utf-8", "surrogatepass")
    return f"{STORE_FORMAT}|{zlib.crc32(rules.encode()):08x}|{checksum(data)}"
