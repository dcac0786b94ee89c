"""Finding mechanisms and themes from what people type: any case, accents, British or American spelling, typos."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from clbp_cli.core.model import Dataset, Theme
from clbp_cli.core.ranking import RankedMechanism

# Folding rules, applied in order after accents are stripped and case is folded. Both the query and the data
# are folded the same way, so a rule only needs to bring spellings together, not produce a real word.
_FOLD_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (needle, re.compile(pattern), replacement)
    for needle, pattern, replacement in (
        ("", r"[\W_]+", " "),  # punctuation, hyphens and underscores separate words
        ("is", r"(?<=[a-z])is(?=(?:ation|ations|e|es|ed|ing|er|ers)\b)", "iz"),  # stabilisation -> stabilization
        ("ys", r"(?<=[a-z])ys(?=(?:e|es|ed|ing)\b)", "yz"),  # analyse -> analyze
        ("our", r"(?<=[a-z])our(?=(?:s|ed|ing|able)?\b)", "or"),  # behaviour -> behavior
        ("ae", r"(?<=[a-z])ae(?=[a-z])", "e"),  # kinaesthesia -> kinesthesia
        ("tre", r"(?<=[a-z]{2})tre(?=s?\b)", "ter"),  # centre -> center
        ("ll", r"(?<=[a-z])ll(?=(?:ing|ed|er)\b)", "l"),  # modelling -> modeling
    )
)  # each rule runs only on text containing its needle: a plain `in` test is far cheaper than a regex pass
_SPELLING_RULES = _FOLD_RULES[1:]
# The first rule for ASCII text, at C speed: every character but a letter or digit becomes a space.
_ASCII_SEPARATORS = str.maketrans({chr(code): " " for code in range(128) if not chr(code).isalnum()})

# Relevance: the field decides the tier (name > alias > keyword > theme > description > typo-tolerant), how the
# query matched decides the place within the tier. Tiers never overlap.
FIELD_TIERS = {"name": 90, "alias": 70, "keyword": 50, "theme": 40, "description": 30}
KIND_BONUS = {"exact": 10, "prefix": 6, "words": 3, "inside": 0}
FUZZY_CUTOFF = 0.75
# Typo-tolerant hits score below every exact tier: similarity scaled to 0-20, plus the field's place (0-9).
FUZZY_SCALE = 20
FUZZY_FIELD_BONUS = {"name": 9, "alias": 6, "keyword": 3}
_MIN_INSIDE_LENGTH = 3  # "phobia" finds Kinesiophobia; "io" finds nothing inside words


def fold(text: str) -> str:
    """The form text is compared in: no accents, case-folded, words separated by single spaces, one spelling."""
    if text.isascii():  # the common case; search folds every field of every row, so this is its inner loop
        text = " ".join(text.casefold().translate(_ASCII_SEPARATORS).split())
        rules = _SPELLING_RULES
    else:
        text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
        text = text.casefold()
        rules = _FOLD_RULES
    for needle, pattern, replacement in rules:
        if needle in text:
            text = pattern.sub(replacement, text)
    return text.strip()


def fold_with_origins(text: str) -> tuple[str, list[int]]:
    """fold(), plus for each folded character the index of the original character it came from (to highlight)."""
    if text.isascii():  # one character each, in place
        folded_text, origins = text.casefold(), list(range(len(text)))
    else:
        chars: list[str] = []
        origins = []
        for index, char in enumerate(text):
            for part in unicodedata.normalize("NFKD", char):
                if not unicodedata.combining(part):
                    for folded in part.casefold():
                        chars.append(folded)
                        origins.append(index)
        folded_text = "".join(chars)
    for needle, pattern, replacement in _FOLD_RULES:
        if needle not in folded_text:
            continue
        pieces: list[str] = []
        new_origins: list[int] = []
        last = 0
        for match in pattern.finditer(folded_text):
            pieces.append(folded_text[last : match.start()])
            new_origins.extend(origins[last : match.start()])
            pieces.append(replacement)
            new_origins.extend([origins[match.start()]] * len(replacement))
            last = match.end()
        pieces.append(folded_text[last:])
        new_origins.extend(origins[last:])
        folded_text, origins = "".join(pieces), new_origins
    start = len(folded_text) - len(folded_text.lstrip())
    stripped = folded_text.strip()
    return stripped, origins[start : start + len(stripped)]


def compact(text: str) -> str:
    """fold() without spaces: 'Tissue-Healing', 'tissue healing' and 'TISSUE_HEALING' are all 'tissuehealing'."""
    return fold(text).replace(" ", "")


class SearchHit(NamedTuple):
    row: RankedMechanism
    relevance: int  # 0-100; see FIELD_TIERS
    field: str  # name, alias, keyword, theme or description
    kind: str  # exact, prefix, words, inside or fuzzy
    text: str  # the original text that matched (for descriptions, a snippet around the match)
    spans: tuple[tuple[int, int], ...]  # [start, end) character ranges of `text` to highlight


def _locate(query: str, folded: str) -> tuple[str, list[tuple[int, int]]] | None:
    """How `query` (folded) occurs in `folded`, with the folded character ranges that matched."""
    if folded == query:
        return "exact", [(0, len(folded))]
    padded = " " + folded
    position = padded.find(" " + query)
    if position >= 0:
        return "prefix", [(position, position + len(query))]
    words = query.split(" ")
    if len(words) > 1:
        spans = []
        for word in words:
            position = padded.find(" " + word)
            if position < 0:
                break
            spans.append((position, position + len(word)))
        else:
            return "words", spans
    if len(query) >= _MIN_INSIDE_LENGTH:
        position = folded.find(query)
        if position >= 0:
            return "inside", [(position, position + len(query))]
    return None


def _field_values(row: RankedMechanism, theme_names: dict[str, str]) -> Iterable[tuple[str, Sequence[str]]]:
    mechanism = row.mechanism
    yield "name", (mechanism.name,)
    yield "alias", mechanism.aliases
    yield "keyword", mechanism.keywords
    yield "theme", (theme_names[mechanism.theme],)
    yield "description", (mechanism.description,)


def _to_original(text: str, folded_spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    _, origins = fold_with_origins(text)
    return tuple((origins[start], origins[end - 1] + 1) for start, end in folded_spans)


def _snippet(text: str, spans: tuple[tuple[int, int], ...], width: int = 50) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Whole words around the first span, about `width` characters, with '...' where text was cut."""
    start, end = spans[0]
    if len(text) <= width:
        return text, spans
    left = max(0, start - (width - (end - start)) // 2)
    right = min(len(text), max(end, left + width))
    if left > 0:  # move in to a word boundary, never past the match
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else start
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space >= 0 else end
    prefix = "... " if left > 0 else ""
    suffix = " ..." if right < len(text) else ""
    shift = len(prefix) - left
    kept = tuple((s + shift, e + shift) for s, e in spans if s >= left and e <= right)
    return prefix + text[left:right] + suffix, kept


def _best_in_row(query: str, row: RankedMechanism, theme_names: dict[str, str]) -> SearchHit | None:
    for field, values in _field_values(row, theme_names):
        best: tuple[int, str, str, list[tuple[int, int]]] | None = None
        for value in values:
            located = _locate(query, fold(value))
            if located is not None:
                kind, spans = located
                if best is None or KIND_BONUS[kind] > KIND_BONUS[best[1]]:
                    best = (KIND_BONUS[kind], kind, value, spans)
        if best is not None:
            _, kind, value, spans = best
            original_spans = _to_original(value, spans)
            text = value
            if field == "description":
                text, original_spans = _snippet(value, original_spans)
            return SearchHit(row, FIELD_TIERS[field] + KIND_BONUS[kind], field, kind, text, original_spans)
    return None


def _haystack(row: RankedMechanism, theme_names: dict[str, str]) -> str:
    """Every searchable field folded at once (fields apart by a line break, which folds to a space): a cheap first
    test before matching field by field, and folding one string is much cheaper than folding seven."""
    return " " + fold("\n".join(value for _, values in _field_values(row, theme_names) for value in values))


def search(dataset: Dataset, ranked: Sequence[RankedMechanism], query: str) -> list[SearchHit]:
    """Mechanisms matching `query`, most relevant first (ties in published rank order).

    Exact tiers first; only when nothing matches exactly are typos tolerated, so "fear" never drags in "year".
    """
    folded_query = fold(query)
    if not folded_query:
        return []
    theme_names = {theme.id: theme.name for theme in dataset.themes}
    words = folded_query.split(" ")
    hits = []
    for row in ranked:
        haystack = _haystack(row, theme_names)
        if not all(word in haystack for word in words):
            continue
        hit = _best_in_row(folded_query, row, theme_names)
        if hit is not None:
            hits.append(hit)
    if not hits:
        hits = _fuzzy_search(folded_query, ranked)
    order = {id(row): position for position, row in enumerate(ranked)}
    hits.sort(key=lambda hit: (-hit.relevance, order[id(hit.row)]))
    return hits


def _vocabulary(ranked: Sequence[RankedMechanism]) -> dict[str, list[tuple[int, str, str]]]:
    """Folded term -> (row index, field, original term): names, aliases and keywords, whole and word by word."""
    vocabulary: dict[str, list[tuple[int, str, str]]] = {}
    folded_once: dict[str, str] = {}  # keywords repeat across rows: fold each distinct one once
    for index, row in enumerate(ranked):
        mechanism = row.mechanism
        for field, values in (
            ("name", (mechanism.name,)),
            ("alias", mechanism.aliases),
            ("keyword", mechanism.keywords),
        ):
            for value in values:
                folded = folded_once.get(value)
                if folded is None:
                    folded = folded_once[value] = fold(value)
                entry = (index, field, value)
                vocabulary.setdefault(folded, []).append(entry)
                if " " in folded:
                    for word in folded.split(" "):
                        if len(word) >= 4:  # a repeated word adds a repeated entry, which changes no result
                            vocabulary.setdefault(word, []).append(entry)
    return vocabulary


def _fuzzy_search(folded_query: str, ranked: Sequence[RankedMechanism]) -> list[SearchHit]:
    vocabulary = _vocabulary(ranked)
    # A ratio of at least FUZZY_CUTOFF needs similar lengths (2 * shorter / (sum) >= cutoff): filter on that first,
    # in one pass, before difflib looks at each candidate.
    length = len(folded_query)
    shortest = length * FUZZY_CUTOFF / (2 - FUZZY_CUTOFF)
    longest = length * (2 - FUZZY_CUTOFF) / FUZZY_CUTOFF
    candidates = [term for term in vocabulary if shortest <= len(term) <= longest]
    best: dict[int, SearchHit] = {}
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(folded_query)
    for term in difflib.get_close_matches(folded_query, candidates, n=50, cutoff=FUZZY_CUTOFF):
        matcher.set_seq1(term)
        similarity = round(matcher.ratio() * FUZZY_SCALE)
        for index, field, value in vocabulary[term]:
            relevance = similarity + FUZZY_FIELD_BONUS[field]
            current = best.get(index)
            if current is None or relevance > current.relevance:
                best[index] = SearchHit(ranked[index], relevance, field, "fuzzy", value, ((0, len(value)),))
    return list(best.values())


def nearest_names(dataset: Dataset, query: str, limit: int = 3) -> list[str]:
    """Mechanism names closest to `query`, for "did you mean" messages. May be empty."""
    names = {fold(mechanism.name): mechanism.name for mechanism in dataset.mechanisms}
    for mechanism in dataset.mechanisms:
        for alias in mechanism.aliases:
            names.setdefault(fold(alias), mechanism.name)
    found: list[str] = []
    for term in difflib.get_close_matches(fold(query), names, n=limit * 3, cutoff=0.5):
        if names[term] not in found:
            found.append(names[term])
    return found[:limit]


class LookupFailed(Exception):
    """A name matched nothing, or more than one thing. `candidates` are the ties; `suggestions` the near misses."""

    def __init__(self, what: str, query: str, candidates: Sequence[str] = (), suggestions: Sequence[str] = ()) -> None:
        self.what = what
        self.query = query
        self.candidates = tuple(candidates)
        self.suggestions = tuple(suggestions)
        super().__init__(f"{what} {query!r}")

    @property
    def ambiguous(self) -> bool:
        return bool(self.candidates)


def resolve_theme(dataset: Dataset, name: str) -> Theme:
    """A theme from its id or name in any case or separator, or a unique prefix of either."""
    key = compact(name)
    if not key:
        raise LookupFailed("theme", name, suggestions=[theme.name for theme in dataset.themes])
    keys = [(theme, {compact(theme.id), compact(theme.name)}) for theme in dataset.themes]
    for theme, theme_keys in keys:
        if key in theme_keys:
            return theme
    prefixed = [theme for theme, theme_keys in keys if any(k.startswith(key) for k in theme_keys)]
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        raise LookupFailed("theme", name, candidates=[theme.id for theme in prefixed])
    by_key = {compact(theme.name): theme.id for theme in dataset.themes}
    close = difflib.get_close_matches(key, by_key, n=2, cutoff=0.5)
    raise LookupFailed("theme", name, suggestions=[by_key[k] for k in close])


class Resolved(NamedTuple):
    row: RankedMechanism
    exact: bool  # False when found only by tolerating a typo


def resolve_mechanism(dataset: Dataset, ranked: Sequence[RankedMechanism], name: str) -> Resolved:
    """One mechanism: by exact id, name or alias first, then the single best search hit."""
    key = compact(name)
    if key:
        for row in ranked:
            if key in (compact(row.mechanism.id), compact(row.mechanism.name)):
                return Resolved(row, exact=True)
        by_alias = [row for row in ranked if key in {compact(alias) for alias in row.mechanism.aliases}]
        if len(by_alias) == 1:
            return Resolved(by_alias[0], exact=True)
    hits = search(dataset, ranked, name)
    if not hits:
        raise LookupFailed("mechanism", name, suggestions=nearest_names(dataset, name))
    top = [hit for hit in hits if hit.relevance == hits[0].relevance]
    if len(top) > 1:
        raise LookupFailed("mechanism", name, candidates=[hit.row.mechanism.name for hit in top])
    return Resolved(top[0].row, exact=top[0].kind != "fuzzy")
