"""The search index's folded data, kept beside the data cache for large data files (search.STORED_FROM mechanisms).

Folding every value of 10,000 mechanisms costs about 0.1 s of a `clbp search`; reading it back costs about
0.02 s. An entry holds every value folded and the sorted vocabulary, and is used only when its key matches: two
checksums and the length of the exact text that was folded (every searchable value of every mechanism, in order),
the folding rules, the clbp version and the Python version; so an edited file, a new rule or an upgrade folds again,
and it can never give stale words. Like the data cache it is only an optimisation: any failure to read or write an
entry is ignored. It lives in the data cache's folder (clbp_cli.core.cache.cache_dir) and is off with it.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import zlib

from clbp_cli import __version__
from clbp_cli.core.cache import cache_dir

STORE_FORMAT = 1


def load(joined: str, origin: str, rules: str) -> tuple[list[str], list[str]] | None:
    """The folded values and the sorted vocabulary of this text, if an entry holds them."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(_path(folder, origin), "rb") as stream:
            key, values, words = marshal.loads(stream.read())
        if key != _key(joined, rules) or not isinstance(values, list) or not isinstance(words, list):
            return None
        return values, words
    except (OSError, ValueError, EOFError, TypeError):
        return None  # no entry, or a damaged one: fold instead


def store(joined: str, origin: str, rules: str, values: list[str], words: list[str]) -> None:
    """Keep the folded values and the sorted vocabulary of this text; silently nothing if it cannot be written."""
    folder = cache_dir()
    if folder is None:
        return
    path = _path(folder, origin)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        payload = marshal.dumps((_key(joined, rules), values, words))
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(payload)
        os.replace(temporary, path)  # atomic: a concurrent clbp reads the old entry or the new, never half
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _key(joined: str, rules: str) -> str:
    data = joined.encode("utf-8", "surrogatepass")
    checksum = f"{len(data)}:{zlib.crc32(data):08x}:{zlib.adler32(data):08x}"
    return f"{STORE_FORMAT}|{__version__}|{sys.version}|{zlib.crc32(rules.encode()):08x}|{checksum}"


def _path(folder: str, origin: str) -> str:
    """One entry per data file (and clbp and Python version): editing a file replaces its entry."""
    source = origin if origin.startswith("<") else os.path.abspath(origin)
    name = zlib.crc32(f"{source}|{__version__}|{sys.version}".encode("utf-8", "surrogateescape"))
    return os.path.join(folder, f"search-{name:08x}.marshal")
