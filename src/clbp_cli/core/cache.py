"""A cache of validated data, so that a warm `clbp` skips importing PyYAML and validating the file.

Parsing and validating the bundled table costs about 30 ms (PyYAML's import alone 10-20 ms) of a ~100 ms budget;
unmarshalling the validated records costs under 1 ms. An entry is used only when its key matches: a checksum
of the data file's exact bytes, the clbp version, the Python version and the record layout, so an edited file, an
upgrade or a new interpreter is parsed and validated again. The cache is only an optimisation: any failure to read
or write it is ignored and the file is parsed as if there were no cache.

Where: $CLBP_CACHE_DIR, else $XDG_CACHE_HOME/clbp, else ~/.cache/clbp. CLBP_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import zlib
from collections.abc import Iterable
from functools import partial
from itertools import compress
from operator import itemgetter
from typing import Any

from clbp_cli import __version__
from clbp_cli.core.model import Author, Dataset, Measure, Mechanism, Provenance, Source, Study, Subject, Theme

CACHE_FORMAT = 1
_RECORDS = (Author, Source, Study, Subject, Theme, Measure, Mechanism, Provenance, Dataset)


def cache_dir() -> str | None:
    """The cache folder, or None when caching is off."""
    if os.environ.get("CLBP_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("CLBP_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "clbp")


def checksum(data: bytes) -> str:
    """Two independent 32-bit checksums and the length: an edit that keeps all three is vanishingly unlikely, and
    hashlib would cost 4 ms to import here. Part of every entry's key, with clbp's and Python's versions."""
    return f"{len(data)}:{zlib.crc32(data):08x}:{zlib.adler32(data):08x}|{__version__}|{sys.version}"


def _entry_key(data: bytes) -> str:
    layout = ";".join(",".join(record._fields) for record in _RECORDS)
    return f"{CACHE_FORMAT}|{layout}|{checksum(data)}"


def entry_path(folder: str, origin: str, kind: str) -> str:
    """One entry of each kind ("data", "search") per data file (and clbp and Python version): editing a file
    replaces its entries."""
    source = origin if origin.startswith("<") else os.path.abspath(origin)
    name = zlib.crc32(f"{source}|{__version__}|{sys.version}".encode("utf-8", "surrogateescape"))
    return os.path.join(folder, f"{kind}-{name:08x}.marshal")


def read_entry(path: str) -> Any:
    """What an entry holds (marshalled), or None when there is none or it cannot be read."""
    try:
        with open(path, "rb") as stream:
            return marshal.loads(stream.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None


def write_entry(folder: str, path: str, value: Any) -> None:
    """Write an entry atomically (a concurrent clbp reads the old entry or the new, never half); silently nothing
    if the folder cannot be written."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        payload = marshal.dumps(value)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(payload)
        os.replace(temporary, path)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def load(data: bytes, origin: str) -> Dataset | None:
    """The validated Dataset for these bytes, if the cache holds it."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        key, plain = read_entry(entry_path(folder, origin, "data"))
        if key != _entry_key(data):
            return None
        return _from_plain(plain, origin)
    except (ValueError, TypeError, IndexError, KeyError):
        return None  # no entry, or a damaged one: parse the file instead


def store(data: bytes, dataset: Dataset) -> None:
    """Remember the validated Dataset for these bytes; silently does nothing if the cache cannot be written."""
    folder = cache_dir()
    if folder is not None:
        write_entry(folder, entry_path(folder, dataset.origin, "data"), (_entry_key(data), _to_plain(dataset)))


def _to_plain(dataset: Dataset) -> tuple[Any, ...]:
    """Plain tuples of str and int (marshal stores no tuple subclasses), each in its record's field order."""
    source = dataset.source
    return (
        (tuple(source._replace(authors=())), tuple(tuple(author) for author in source.authors)),
        tuple(dataset.study),
        tuple(dataset.subject),
        dataset.theme_provenance,
        dataset.caveat,
        tuple(tuple(theme) for theme in dataset.themes),
        tuple(plain_mechanisms(dataset.mechanisms)),
        dataset.format_version,
        tuple(tuple(item) for item in dataset.provenance),
    )


def _from_plain(plain: tuple[Any, ...], origin: str) -> Dataset:
    (source, authors), study, subject, theme_provenance, caveat, themes, mechanisms, version, provenance = plain
    return Dataset(
        source=Source._make(source)._replace(authors=tuple(map(Author._make, authors))),
        study=Study._make(study),
        subject=Subject._make(subject),
        theme_provenance=theme_provenance,
        caveat=caveat,
        themes=tuple(map(Theme._make, themes)),
        mechanisms=_mechanisms(mechanisms),
        origin=origin,
        format_version=version,
        provenance=tuple(map(Provenance._make, provenance)),
    )


_MEASURES = Mechanism._fields.index("measures")


def plain_mechanisms(mechanisms: Iterable[Mechanism]) -> list[tuple[Any, ...]]:
    """The Mechanism records as plain tuples, their measures too (marshal takes no tuple subclasses): at C speed,
    then the few with measures rebuilt (10,000 records in a few ms; _replace on each cost ten times more)."""
    plain: list[tuple[Any, ...]] = list(map(tuple, mechanisms))
    for number in compress(range(len(plain)), map(itemgetter(_MEASURES), plain)):
        fields = list(plain[number])
        fields[_MEASURES] = tuple(map(tuple, fields[_MEASURES]))
        plain[number] = tuple(fields)
    return plain


def _mechanisms(plain: tuple[tuple[Any, ...], ...]) -> tuple[Mechanism, ...]:
    """The Mechanism records, made at C speed (tuple.__new__, as Mechanism._make does, without a Python call per
    record: 10,000 of them load in a few ms); then the few with measures get their Measure records."""
    if plain and set(map(len, plain)) != {len(Mechanism._fields)}:
        raise ValueError("a damaged entry")  # what Mechanism._make would say
    mechanisms = list(map(partial(tuple.__new__, Mechanism), plain))
    for number in compress(range(len(plain)), map(itemgetter(_MEASURES), plain)):
        fields = list(plain[number])
        fields[_MEASURES] = tuple(map(Measure._make, fields[_MEASURES]))
        mechanisms[number] = Mechanism._make(fields)
    return tuple(mechanisms)
