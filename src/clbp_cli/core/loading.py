"""Load and validate a data file into a Dataset.

Only safe loading, ever: the YAML is composed into nodes first, and a document with anchors/aliases (which make
"billion laughs" bombs possible) or with tags other than YAML's plain data types is refused before anything is
constructed. Every problem is reported with its field path (``mechanisms[3].count``) and line.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from clbp_cli.core import cache
from clbp_cli.core.model import (
    PROVENANCE_GROUPS,
    Author,
    Dataset,
    Measure,
    Mechanism,
    Provenance,
    Source,
    Study,
    Subject,
    Theme,
)

BUNDLED_NAME = "wun2021.yaml"
BUNDLED_ORIGIN = f"<bundled {BUNDLED_NAME}>"  # the origin of the bundled data, as messages name it
FORMAT_VERSION = 2  # the newest format; format 1 (no sources, no provenance) still loads unchanged
FORMAT_VERSIONS = (1, 2)
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_NODES = 5_000_000
EMPTY_FILE = "is empty; see docs/data-format.md in clbp's documentation for the format"

_SAFE_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
)
_ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PARENT_PATH = re.compile(r"(?:^|\.)[^.\[\]]+$|\[\d+\]$")  # the last ".field", "field" or "[3]" of a path


class Problem(NamedTuple):
    path: str  # field path such as "mechanisms[3].count"; "" for the whole file
    message: str
    line: int | None = None

    def describe(self, origin: str) -> str:
        where = origin if self.line is None else f"{origin}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class DataError(Exception):
    """A data file could not be used. Carries every problem found, not just the first."""

    def __init__(self, origin: str, problems: list[Problem]) -> None:
        self.origin = origin
        self.problems = problems
        super().__init__("\n".join(problem.describe(origin) for problem in problems))


def upgrade_note(dataset: Dataset) -> str:
    """For a file in an older format: what the newest adds, and how to upgrade (one line); "" when it is current."""
    if dataset.format_version == FORMAT_VERSION:
        return ""
    return (
        f"note: this file is in format {dataset.format_version}, which still loads unchanged; format "
        f"{FORMAT_VERSION} adds `sources` and `provenance`, saying where each group of fields comes from (views "
        f"show 'source not stated' without them). To upgrade, write 'format_version: {FORMAT_VERSION}' and add the "
        f"two (see docs/data-format.md in clbp's documentation, or the bundled file)"
    )


def default_data_path() -> str | None:
    """The user's data file from CLBP_DATA, or None for the bundled file."""
    return os.environ.get("CLBP_DATA") or None


def load_dataset(path: str | os.PathLike[str] | None = None) -> Dataset:
    """Load the bundled data (path None) or a user's file. Raises DataError listing every problem."""
    if path is None:
        # pkgutil.get_data is the import system's own resource call (it works from a zip too). It costs 0.6 ms
        # where importlib.resources costs 7-9 ms to import (zipfile, tempfile) on every start-up.
        import pkgutil

        origin = BUNDLED_ORIGIN
        data = pkgutil.get_data("clbp_cli", f"data/{BUNDLED_NAME}")
        if data is None:  # pragma: no cover - only a loader without get_data, which CPython does not have
            raise DataError(origin, [Problem("", "cannot be read; reinstall clbp")])
    else:
        origin = os.fspath(path)
        if "\x00" in origin:  # no file name holds one; Python 3.10's pathlib raises ValueError on it
            shown = origin.replace("\x00", "\\x00")
            raise DataError(shown, [Problem("", "a file name cannot hold a NUL character (\\x00); check the path")])
        data = _read_file(Path(origin), origin)
    dataset = cache.load(data, origin)
    if dataset is None:
        dataset = parse_dataset(data, origin)
        cache.store(data, dataset)
    return dataset


def _read_file(path: Path, origin: str) -> bytes:
    try:
        if path.is_dir():
            raise DataError(origin, [Problem("", "is a directory, not a data file; give the path of a .yaml file")])
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise DataError(origin, [Problem("", "no such file; check the path (the bundled file needs no --data)")])
    except PermissionError:
        raise DataError(origin, [Problem("", "permission denied; check the file's permissions")])
    except OSError as error:
        raise DataError(origin, [Problem("", f"cannot be read: {error.strerror or error}")])
    if len(data) > MAX_FILE_BYTES:
        raise DataError(origin, [Problem("", f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; not a data file")])
    return data


def parse_dataset(data: bytes, origin: str) -> Dataset:
    """Parse and validate the bytes of a data file."""
    if not data.strip():
        raise DataError(origin, [Problem("", EMPTY_FILE)])
    if b"\x00" in data:
        raise DataError(origin, [Problem("", "is a binary file, not YAML text")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(origin, [Problem("", f"is not UTF-8 text (bad byte at offset {error.start})")])
    raw, lines = _safe_parse(text, origin)
    return _Validator(raw, lines, origin).dataset()


def _safe_parse(text: str, origin: str) -> tuple[Any, dict[str, int]]:
    """Compose YAML into nodes, refuse anything but plain data, construct it. Returns data and path -> line.

    A file in JSON syntax (JSON is YAML) is read with the json module instead: it cannot hold tags or aliases,
    and it loads about 70 times faster than PyYAML builds objects, which matters for tables of 10,000 rows.
    Its problems are reported without line numbers.
    """
    if text.lstrip().startswith("{"):
        import json

        try:
            return json.loads(text, object_pairs_hook=_without_repeated_keys), {}
        except (json.JSONDecodeError, RecursionError, _RepeatedKey):
            pass  # a YAML flow mapping, broken JSON or a key written twice: the YAML parser says where

    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        if "&" in text or "*" in text:  # perhaps an anchor or an alias: find each where it is written
            anchors = _anchors_and_aliases(yaml.parse(text, Loader=loader_class))
            if anchors:
                raise DataError(origin, anchors)
        node = yaml.compose(text, Loader=loader_class)
    except yaml.YAMLError as error:
        raise DataError(origin, [_syntax_problem(text, error)])
    if node is None:
        raise DataError(origin, [Problem("", EMPTY_FILE)])
    lines: dict[str, int] = {}
    problems = list(_check_nodes(node, lines))
    if problems:
        raise DataError(origin, problems)
    constructor = yaml.constructor.SafeConstructor()
    return constructor.construct_document(node), lines


def _anchors_and_aliases(events: Iterator[Any]) -> list[Problem]:
    """One problem per line that holds YAML anchors (&name) or aliases (*name), at that line."""
    import yaml

    found: dict[int, list[str]] = {}
    for event in events:
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            names = found.setdefault(event.start_mark.line + 1, [])
            if sign + anchor not in names:
                names.append(sign + anchor)
    return [
        Problem("", f"YAML anchors and aliases are not allowed ({', '.join(names)}); write the values out", line)
        for line, names in found.items()
    ]


class _RepeatedKey(Exception):
    """A JSON object with a key written twice (json keeps the last silently)."""


def _without_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _RepeatedKey
    return mapping


def _syntax_problem(text: str, error: Any) -> Problem:
    """A YAML syntax error at the line to fix, with a hint for the usual causes: a tab, an unquoted colon, and a
    line indented less or more than its neighbours (which the parser notices only some lines later)."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if mark is None:
        return Problem("", f"is not valid YAML: {problem}")
    lines = text.splitlines()
    at = min(mark.line, len(lines) - 1)
    line = lines[at] if lines else ""
    if "tab" in problem or "\\t" in problem or "\t" in line[: len(line) - len(line.lstrip())]:
        hint = "a tab in the indentation; YAML indents with spaces only: replace the tab with spaces"
        return Problem("", f"is not valid YAML: {hint} ({problem})", at + 1)
    colon = line.find(": ", line.find(":") + 1)
    if problem.startswith("mapping values are not allowed") and mark.column == colon > 0:
        key, value = line.split(": ", 1)
        quoted = value.strip().replace("\\", "\\\\").replace('"', '\\"')
        example = f'{key.strip()}: "{quoted}"'
        hint = f"a colon and a space inside a value; put the value in double quotes: {example}"
        return Problem("", f"is not valid YAML: {hint} ({problem})", at + 1)
    if "expected ',' or" in problem:  # inside brackets ([a, b] or {...}, and JSON): indentation does not matter
        hint = "a bracket opened on this line or above is not closed, or a comma is missing between two items"
        return Problem("", f"is not valid YAML: {problem}; {hint}", at + 1)
    if not any(block in problem for block in _BLOCK_PROBLEMS):
        return Problem("", f"is not valid YAML: {problem}", at + 1)
    # Where the scanner began a key it could not finish: a line of text that slipped out of its block reads as one.
    context = getattr(error, "context_mark", None) if "simple key" in str(getattr(error, "context", "")) else None
    culprit, hint = _badly_indented(lines, at, context.line if context is not None else None, problem)
    if culprit is None:
        hint = "check the indentation of this line and of the lines above it"
        return Problem("", f"is not valid YAML: {problem}; {hint}", at + 1)
    where = "" if culprit == at else f" at line {at + 1}"
    return Problem("", f"is not valid YAML: {hint} (the parser stopped{where}: {problem})", culprit + 1)


# PyYAML's words for a line that does not fit the block structure (its indentation), as opposed to brackets.
_BLOCK_PROBLEMS = (
    "expected key",
    "mapping values are not allowed",
    "could not find expected ':'",
    "'-' indicator",
    "expected <block end>",
)


def _badly_indented(lines: list[str], at: int, began: int | None, problem: str) -> tuple[int | None, str]:
    """The line whose indentation is out of step near the line the parser stopped at, and what is wrong with it.

    A line indented less than the lines on both sides of it is usually a field that slipped out of its block; the
    parser takes it for a field of an outer block and notices only a few lines later, at the first line that fits
    neither. Walking back from there to the first line indented less finds it, as does the line where the parser
    began a key it could not finish (`began`: a line of text that slipped out of a block of text reads as a key).
    Tried on every line of the bundled file moved two columns either way or to the margin, the line blamed is the
    one that was moved in nearly 9 cases out of 10, and the parser's own line is named beside it.
    """
    content = [index for index, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
    depth = {index: _indentation(lines[index]) for index in content}
    position = {index: order for order, index in enumerate(content)}
    if at not in position:
        return None, ""

    def out_of_step(index: int) -> bool:  # less indented than the lines before and after it
        order = position[index]
        if order == 0 or order + 1 >= len(content):
            return False
        return depth[index] < depth[content[order - 1]] and depth[index] < depth[content[order + 1]]

    def dedented(index: int) -> bool:  # less indented than the line before it, and not a list's next item
        order = position[index]
        return order > 0 and depth[index] < depth[content[order - 1]] and not lines[index].lstrip().startswith("-")

    less = "this line is indented less than the lines around it; indent it like the lines of its block"
    more = "this line is indented more than the line above it, which opens no block; indent it like the line above"
    if "'-' indicator" in problem and out_of_step(at):  # a field of a list's item, found where the parser stopped
        return at, less
    if began is not None and began < at and began in position and dedented(began):
        return began, less
    order = position[at]
    above = content[order - 1] if order else None
    if above is not None and depth[at] > depth[above]:
        if dedented(above):
            return above, less
        if not lines[above].rstrip().endswith((":", "|", ">", "-")):
            return at, more
    for earlier in reversed(content[max(0, order - 40) : order]):
        if depth[earlier] < depth[at]:
            if out_of_step(earlier):
                return earlier, less
            break
    return (at, less) if out_of_step(at) else (None, "")


def _indentation(line: str) -> int:
    """Where a line's content starts, after spaces and list dashes ("  - id: x" is at 4, like the fields below it)."""
    stripped = line.lstrip(" ")
    column = len(line) - len(stripped)
    while stripped.startswith("- ") or stripped == "-":
        rest = stripped[1:].lstrip(" ")
        column += len(stripped) - len(rest)
        stripped = rest
    return column


def _check_nodes(root: Any, lines: dict[str, int]) -> Iterator[Problem]:
    """Walk the node tree once (iteratively: no recursion limit), record lines, refuse aliases and unsafe tags."""
    import yaml

    seen: set[int] = set()
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        line = node.start_mark.line + 1
        if id(node) in seen:  # pragma: no cover - an alias, which _anchors_and_aliases has already refused
            yield Problem(path, "YAML anchors and aliases (&name, *name) are not allowed; write the value out", line)
            continue
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            yield Problem("", f"has more than {MAX_NODES:,} YAML nodes; too large for a data file", line)
            return
        lines[path] = line
        if node.tag not in _SAFE_TAGS:
            yield Problem(
                path, f"YAML tag {node.tag!r} is not allowed; only plain data (text, numbers, lists, maps)", line
            )
            continue
        if isinstance(node, yaml.MappingNode):
            children = []
            first_at: dict[str, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                    yield Problem(path, "keys must be plain text", key_node.start_mark.line + 1)
                    continue
                child = f"{path}.{key_node.value}" if path else key_node.value
                key_line = key_node.start_mark.line + 1
                if key_node.value in first_at:  # YAML would keep the last value without a word
                    yield Problem(
                        child,
                        f"is written twice, at lines {first_at[key_node.value]} and {key_line}; delete one of them "
                        "(YAML would silently keep the last)",
                        key_line,
                    )
                    continue
                first_at[key_node.value] = key_line
                children.append((value_node, child))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{path}[{index}]") for index, item in reversed(list(enumerate(node.value))))


def _nearest(key: str, names: list[str]) -> str | None:
    """The field a misspelt key most likely meant (`cuont` -> `count`, `Count` -> `count`), if one is close."""
    import difflib

    folded = {name.casefold(): name for name in names}
    match = difflib.get_close_matches(key.casefold().replace("-", "_").replace(" ", "_"), list(folded), n=1, cutoff=0.7)
    return folded[match[0]] if match else None


def _shown(value: Any) -> str:
    """A wrong value as the user wrote it, when it is short: 30.5, text 'thirty'; else its kind."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str) and len(value) <= 40:
        return f"text {value!r}"
    return _type_name(value)


def _type_name(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a mapping"}
    return "nothing (null)" if value is None else names.get(type(value), type(value).__name__)


_MECHANISM_REQUIRED = frozenset(("id", "name", "count", "theme", "description"))
_MECHANISM_LISTS = ("aliases", "keywords", "exercises", "phrases", "anatomy")
_MECHANISM_FIELDS = _MECHANISM_REQUIRED | {*_MECHANISM_LISTS, "measures"}


def _plain_mechanism(value: Any) -> Mechanism | None:
    """A mechanism with nothing to report (every field known and of its kind, no measures), read straight into its
    record: what _Validator.mechanism's readers would make of it, at a quarter of their cost (a table of 10,000
    generated rows is validated in a third of the time). None for anything else, which the readers then read and
    report on."""
    if type(value) is not dict or not _MECHANISM_FIELDS.issuperset(value) or not value.keys() >= _MECHANISM_REQUIRED:
        return None
    texts = [value["id"], value["name"], value["theme"], value["description"]]
    if any(type(text) is not str or not text.strip() for text in texts) or value.get("measures"):
        return None
    count = value["count"]
    identifier, name, theme, description = map(str.strip, texts)
    if type(count) is not int or count < 0 or not _ID_PATTERN.fullmatch(identifier):
        return None
    lists: list[tuple[str, ...]] = []
    for key in _MECHANISM_LISTS:
        items = value.get(key)
        if items is None:
            lists.append(())
            continue
        if type(items) is not list or any(type(item) is not str or not item.strip() for item in items):
            return None
        lists.append(tuple(map(str.strip, items)))
    aliases, keywords, exercises, phrases, anatomy = lists
    return Mechanism(
        identifier,
        name,
        count,
        theme,
        aliases,
        keywords,
        (),
        exercises,
        phrases,
        anatomy,
        " ".join(description.split()),
    )


class _Validator:
    """Turns constructed YAML into a Dataset, collecting every problem instead of stopping at the first."""

    def __init__(self, raw: Any, lines: dict[str, int], origin: str) -> None:
        self.raw = raw
        self.lines = lines
        self.origin = origin
        self.problems: list[Problem] = []
        self.broken: set[str] = set()  # paths already reported: a field is missing, of the wrong kind, ...

    def problem(self, path: str, message: str) -> None:
        """Record a problem, unless the field or one it lies in was reported already (one problem per cause)."""
        if not self.valid(path):
            return
        self.broken.add(path)
        self.problems.append(Problem(path, message, self._line(path)))

    def valid(self, *paths: str) -> bool:
        """No problem reported at these fields or at any field they lie in."""
        if "" in self.broken:  # the whole file is of the wrong kind: nothing in it is worth a word more
            return False
        for path in paths:
            while path:
                if path in self.broken:
                    return False
                path = _PARENT_PATH.sub("", path)
        return True

    def _line(self, path: str) -> int | None:
        """The line of the field, or of the nearest enclosing field that exists (a missing field has none)."""
        while path and path not in self.lines:
            path = _PARENT_PATH.sub("", path)
        return self.lines.get(path)

    # Field readers: each returns a usable default after recording a problem, so validation goes on.
    def mapping(
        self, value: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(path, f"must be a mapping of fields, got {_type_name(value)}")
            return {}
        known = required + optional
        unknown = [key for key in value if key not in known]
        meant = {key: _nearest(str(key), [name for name in known if name not in value]) for key in unknown}
        for key in required:
            if key not in value and key not in meant.values():  # a misspelt field is one problem, not two
                self.problem(f"{path}.{key}" if path else key, "is missing")
        for key in unknown:
            hint = f"; did you mean {meant[key]}?" if meant[key] else ""
            if meant[key]:  # what is missing is said here: nothing more about the field it meant
                self.broken.add(f"{path}.{meant[key]}" if path else str(meant[key]))
            self.problem(
                f"{path}.{key}" if path else str(key), f"is not a known field{hint} (known: {', '.join(known)})"
            )
        return value

    def text(self, fields: dict[str, Any], key: str, path: str, *, numbers_ok: bool = False) -> str:
        value = fields.get(key, "")
        field_path = f"{path}.{key}" if path else key
        if numbers_ok and isinstance(value, (int, datetime.date)) and not isinstance(value, bool):
            return value.isoformat() if isinstance(value, datetime.date) else str(value)
        if not isinstance(value, str):
            self.problem(field_path, f"must be text, got {_type_name(value)}")
            return ""
        if key in fields and not value.strip():
            self.problem(field_path, "must not be empty")
        return value.strip()

    def prose(self, fields: dict[str, Any], key: str, path: str) -> str:
        """Text as one line: a folded or wrapped YAML paragraph's line breaks and runs of spaces become one space."""
        return " ".join(self.text(fields, key, path).split())

    def whole_number(self, fields: dict[str, Any], key: str, path: str, minimum: int = 0) -> int:
        value = fields.get(key, minimum)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"{path}.{key}", f"must be a whole number, got {_shown(value)}")
            return minimum
        if value < minimum:
            self.problem(f"{path}.{key}", f"must be {minimum} or more, got {value}")
            return minimum
        return value

    def text_list(self, fields: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
        value = fields.get(key, [])
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(f"{path}.{key}", f"must be a list of text, got {_type_name(value)}")
            return ()
        items = []
        for index, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                items.append(item.strip())
            else:
                got = "empty text" if isinstance(item, str) else _type_name(item)
                self.problem(f"{path}.{key}[{index}]", f"must be non-empty text, got {got}")
        return tuple(items)

    def records(self, value: Any, path: str, build: Callable[[Any, str], Any]) -> list[Any]:
        if not isinstance(value, list) or not value:
            self.problem(path, f"must be a non-empty list, got {_type_name(value) if value != [] else 'an empty list'}")
            return []
        return [build(item, f"{path}[{index}]") for index, item in enumerate(value)]

    def identifier(self, fields: dict[str, Any], path: str) -> str:
        value = self.text(fields, "id", path)
        if value and not _ID_PATTERN.fullmatch(value):
            self.problem(
                f"{path}.id",
                f"must be lowercase letters, digits and single hyphens (like 'muscle-strength'), got {value!r}",
            )
        return value

    # The records.
    def dataset(self) -> Dataset:
        raw = self.raw if isinstance(self.raw, dict) else {}
        has_sources = "sources" in raw or "provenance" in raw
        if isinstance(self.raw, dict) and "format_version" not in raw:
            self.problem(
                "format_version",
                f"is missing; add the line 'format_version: {2 if has_sources else 1}' at the top (the format this "
                f"clbp reads)",
            )
        version = raw.get("format_version", 2 if has_sources else 1)
        if version not in FORMAT_VERSIONS:
            self.problem(
                "format_version", f"must be 1 or 2 (this version of clbp reads formats 1 and 2), got {version!r}"
            )
            version = 2 if has_sources else 1
        top = self.mapping(
            self.raw,
            "",
            ("source", "study", "themes", "mechanisms", *(("sources", "provenance") if version == 2 else ())),
            (
                "format_version",
                "subject",
                "theme_provenance",
                "caveat",
                *(("sources", "provenance") if version == 1 else ()),
            ),
        )
        if version == 1:
            for key in ("sources", "provenance"):
                if key in top:
                    self.problem(key, "is a format 2 field; write 'format_version: 2' at the top to use it")
        provenance = self.provenance(top.get("sources"), top.get("provenance")) if version == 2 else []
        source = self.source(top.get("source"))
        study = self.study(top.get("study"), version)
        years = next((item for item in provenance if item.group == "trial_years"), None)
        if years is not None and years.source != next(item.source for item in provenance if item.group == "study"):
            study = study._replace(trial_years_source=years.label)  # as format 1 writes it in the study
        subject = self.subject(top["subject"]) if "subject" in top else Subject("", "", "", ())
        themes = self.records(top.get("themes"), "themes", self.theme)
        mechanisms = self.records(top.get("mechanisms"), "mechanisms", self.mechanism)
        self.check_themes(themes, study)
        self.check_mechanisms(mechanisms, themes, study)
        theme_provenance = self.prose(top, "theme_provenance", "") if "theme_provenance" in top else ""
        caveat = self.text(top, "caveat", "") if "caveat" in top else ""
        if self.problems:
            raise DataError(self.origin, self.problems)
        return Dataset(
            source=source,
            study=study,
            subject=subject,
            theme_provenance=theme_provenance,
            caveat=caveat or "Trials = how many trials proposed the mechanism, not evidence that it works.",
            themes=tuple(themes),
            mechanisms=tuple(mechanisms),
            origin=self.origin,
            format_version=version,
            provenance=tuple(provenance),
        )

    def provenance(self, sources: Any, groups: Any) -> list[Provenance]:
        """Format 2's `sources` (id -> label) and `provenance` (group of fields -> source id): one record per group.
        Every group must be stated: a file that names its sources says where each of its parts comes from."""
        labels: dict[str, str] = {}
        if not isinstance(sources, dict) or not sources:
            self.problem("sources", f"must be a mapping of source id to its label, got {_type_name(sources)}")
        else:
            for key in sources:
                if not _ID_PATTERN.fullmatch(key):
                    self.problem(
                        f"sources.{key}",
                        f"a source id must be lowercase letters, digits and single hyphens (like 'abstract'), got {key!r}",
                    )
                labels[key] = self.prose(sources, key, "sources")
        fields = self.mapping(groups, "provenance", tuple(PROVENANCE_GROUPS))
        records = []
        for group in PROVENANCE_GROUPS:
            if group not in fields:
                continue
            source = self.text(fields, group, "provenance")
            if source and labels and source not in labels:
                self.problem(f"provenance.{group}", f"unknown source {source!r}; sources are: {', '.join(labels)}")
            records.append(Provenance(group=group, source=source, label=labels.get(source, "")))
        return records

    def source(self, value: Any) -> Source:
        path = "source"
        fields = self.mapping(value, path, Source._fields)
        return Source(
            id=self.text(fields, "id", path),
            authors=tuple(self.records(fields.get("authors"), f"{path}.authors", self.author)),
            title=self.prose(fields, "title", path),
            journal=self.text(fields, "journal", path),
            journal_abbreviation=self.text(fields, "journal_abbreviation", path),
            year=self.whole_number(fields, "year", path),
            volume=self.text(fields, "volume", path, numbers_ok=True),
            article_number=self.text(fields, "article_number", path, numbers_ok=True),
            first_online=self.date(fields, "first_online", path),
            doi=self.text(fields, "doi", path),
            pmid=self.text(fields, "pmid", path, numbers_ok=True),
            issn=self.text(fields, "issn", path),
            table=self.text(fields, "table", path),
        )

    def date(self, fields: dict[str, Any], key: str, path: str) -> str:
        value = self.text(fields, key, path, numbers_ok=True)
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            if value:
                self.problem(f"{path}.{key}", f"must be a date as YYYY-MM-DD, got {value!r}")
        return value

    def author(self, value: Any, path: str) -> Author:
        fields = self.mapping(value, path, ("family", "given"))
        return Author(family=self.text(fields, "family", path), given=self.text(fields, "given", path))

    def study(self, value: Any, version: int) -> Study:
        path = "study"
        numbers = ("studies_identified", "trials_included", "trials_without_mechanism", "first_trial_year",
                   "last_trial_year", "published_proposals")  # fmt: skip
        # Format 2 states the years' source in `provenance.trial_years`; format 1 in the study.
        optional = ("question", "trial_years_source") if version == 1 else ("question",)
        fields = self.mapping(value, path, (*numbers, "design", "finding"), optional)
        study = Study(
            question=self.prose(fields, "question", path),
            design=self.prose(fields, "design", path),
            studies_identified=self.whole_number(fields, "studies_identified", path),
            trials_included=self.whole_number(fields, "trials_included", path, minimum=1),
            trials_without_mechanism=self.whole_number(fields, "trials_without_mechanism", path),
            first_trial_year=self.whole_number(fields, "first_trial_year", path),
            last_trial_year=self.whole_number(fields, "last_trial_year", path),
            trial_years_source=self.prose(fields, "trial_years_source", path),
            published_proposals=self.whole_number(fields, "published_proposals", path),
            finding=self.prose(fields, "finding", path),
        )
        if not self.valid(path):
            return study
        ok = self.valid
        if ok(f"{path}.trials_included") and study.trials_without_mechanism > study.trials_included:
            self.problem(f"{path}.trials_without_mechanism", f"cannot exceed trials_included ({study.trials_included})")
        if ok(f"{path}.studies_identified") and study.trials_included > study.studies_identified:
            self.problem(f"{path}.trials_included", f"cannot exceed studies_identified ({study.studies_identified})")
        if ok(f"{path}.last_trial_year") and study.first_trial_year > study.last_trial_year:
            self.problem(f"{path}.first_trial_year", f"cannot be after last_trial_year ({study.last_trial_year})")
        return study

    def subject(self, value: Any) -> Subject:
        path = "subject"
        fields = self.mapping(value, path, ("headline", "condition", "intervention"), ("words", "outcomes"))
        words = self.text_list(fields, "words", path) if "words" in fields else ()
        outcomes = self.text_list(fields, "outcomes", path) if "outcomes" in fields else ()
        return Subject(
            headline=self.prose(fields, "headline", path),
            condition=self.prose(fields, "condition", path),
            intervention=self.prose(fields, "intervention", path),
            words=tuple(dict.fromkeys(word.strip().lower() for word in words)),
            outcomes=tuple(dict.fromkeys(" ".join(outcome.split()) for outcome in outcomes)),
        )

    def theme(self, value: Any, path: str) -> Theme:
        fields = self.mapping(value, path, ("id", "name", "published_total", "description"), ("quotes",))
        return Theme(
            id=self.identifier(fields, path),
            name=self.text(fields, "name", path),
            published_total=self.whole_number(fields, "published_total", path),
            description=self.prose(fields, "description", path),
            quotes=tuple(" ".join(quote.split()) for quote in self.text_list(fields, "quotes", path)),
        )

    def mechanism(self, value: Any, path: str) -> Mechanism:
        return _plain_mechanism(value) or self.read_mechanism(value, path)

    def read_mechanism(self, value: Any, path: str) -> Mechanism:
        """A mechanism through the readers, each problem reported."""
        fields = self.mapping(
            value,
            path,
            ("id", "name", "count", "theme", "description"),
            ("aliases", "keywords", "measures", "exercises", "phrases", "anatomy"),
        )
        return Mechanism(
            id=self.identifier(fields, path),
            name=self.text(fields, "name", path),
            count=self.whole_number(fields, "count", path),
            theme=self.text(fields, "theme", path),
            aliases=self.text_list(fields, "aliases", path),
            keywords=self.text_list(fields, "keywords", path),
            measures=self.measures(fields, path),
            exercises=self.text_list(fields, "exercises", path),
            phrases=self.text_list(fields, "phrases", path),
            anatomy=self.text_list(fields, "anatomy", path),
            description=self.prose(fields, "description", path),
        )

    def measures(self, fields: dict[str, Any], path: str) -> tuple[Measure, ...]:
        value = fields.get("measures", [])
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(f"{path}.measures", f"must be a list of {{name, abbreviation}}, got {_type_name(value)}")
            return ()
        measures = []
        for index, item in enumerate(value):
            item_path = f"{path}.measures[{index}]"
            item_fields = self.mapping(item, item_path, ("name",), ("abbreviation",))
            if item_fields:
                measures.append(
                    Measure(
                        name=self.text(item_fields, "name", item_path),
                        abbreviation=self.text(item_fields, "abbreviation", item_path),
                    )
                )
        return tuple(measures)

    def check_unique(self, records: list[Any], path: str, attribute: str) -> None:
        first_at: dict[str, int] = {}
        for index, record in enumerate(records):
            key = getattr(record, attribute).casefold()
            if not key:
                continue
            if key in first_at:
                self.problem(
                    f"{path}[{index}].{attribute}",
                    f"duplicates {path}[{first_at[key]}] ({getattr(record, attribute)!r}); {attribute}s must be unique",
                )
            else:
                first_at[key] = index

    def check_themes(self, themes: list[Theme], study: Study) -> None:
        self.check_unique(themes, "themes", "id")
        self.check_unique(themes, "themes", "name")
        published = sum(theme.published_total for theme in themes)
        totals = [f"themes[{index}].published_total" for index in range(len(themes))]
        if themes and self.valid("study.published_proposals", *totals) and published != study.published_proposals:
            self.problem(
                "study.published_proposals",
                f"must equal the sum of the themes' published_total ({published}), got {study.published_proposals}",
            )

    def check_mechanisms(self, mechanisms: list[Mechanism], themes: list[Theme], study: Study) -> None:
        self.check_unique(mechanisms, "mechanisms", "id")
        self.check_unique(mechanisms, "mechanisms", "name")
        theme_ids = {theme.id for theme in themes}
        themes_ok = bool(themes) and self.valid(*(f"themes[{index}].id" for index in range(len(themes))))
        trials_ok = self.valid("study.trials_included")
        # Only against trustworthy numbers: a broken trials_without_mechanism is one problem, not one per mechanism.
        with_mechanism_ok = trials_ok and self.valid("study.trials_without_mechanism")
        for index, mechanism in enumerate(mechanisms):
            if mechanism.theme and themes_ok and mechanism.theme not in theme_ids:
                self.problem(
                    f"mechanisms[{index}].theme",
                    f"unknown theme {mechanism.theme!r}; themes are: {', '.join(theme.id for theme in themes)}",
                )
            if trials_ok and mechanism.count > study.trials_included:
                self.problem(
                    f"mechanisms[{index}].count",
                    f"{mechanism.count} is more than the {study.trials_included} trials included",
                )
            elif with_mechanism_ok and mechanism.count > study.trials_with_mechanism:
                self.problem(
                    f"mechanisms[{index}].count",
                    f"{mechanism.count} is more than the {study.trials_with_mechanism} trials that proposed any "
                    f"mechanism ({study.trials_included} included, {study.trials_without_mechanism} without one)",
                )
