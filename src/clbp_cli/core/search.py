"""Finding mechanisms and themes from what people type: any case, accents, British or American spelling, typos."""

from __future__ import annotations

import difflib
import gc
import math
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
        ("oe", r"\boe(?=[a-z])", "e"),  # oedema -> edema
        ("tre", r"(?<=[a-z]{2})tre(?=s?\b)", "ter"),  # centre -> center
        ("ll", r"(?<=[a-z])ll(?=(?:ing|ed|er)\b)", "l"),  # modelling -> modeling
    )
)  # each rule runs only on text containing its needle: a plain `in` test is far cheaper than a regex pass
_SPELLING_RULES = _FOLD_RULES[1:]
# The first rule for ASCII text, at C speed: every character but a letter or digit becomes a space.
_ASCII_SEPARATORS = str.maketrans({chr(code): " " for code in range(128) if not chr(code).isalnum()})


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
    relevance: int  # 1-100: the score as a share of a perfect one (every word in the name, the whole name)
    field: str  # the field shown: name, alias, measure, exercise, phrase, keyword, anatomy, theme or description
    kind: str  # exact, phrase, words, some or fuzzy; see _kind
    text: str  # the field's own text (for descriptions, a snippet of whole words around the first match)
    spans: tuple[tuple[int, int], ...]  # [start, end) character ranges of `text` that matched: sorted, merged
    matched_terms: tuple[str, ...] = ()  # the query's words that matched anywhere in the mechanism, as typed


# Ranking, explained in the README ("How search ranks"): a BM25-style sum over the query's words of the word's
# rarity (inverse document frequency over mechanisms) times the weight of the best field it occurs in times how
# it matched; plus bonuses when the whole query is a field value (exact) or sits in one as a phrase.
FIELD_WEIGHTS = {
    "name": 1.0,
    "alias": 0.9,
    "measure": 0.85,
    "phrase": 0.8,
    "exercise": 0.7,
    "keyword": 0.6,
    "anatomy": 0.6,
    "theme": 0.4,
    "description": 0.3,
}
# How a query word matched a word of the data: the same stem, the acronym of a value ("ROM" = range of motion),
# the start of a longer word, inside one, or within a typo.
MATCH_QUALITY = {"word": 1.0, "acronym": 1.0, "prefix": 0.7, "typo": 0.7, "inside": 0.45}
EXACT_BONUS = 1.0  # the whole query is a whole value: times the value's field weight and the query's total rarity
PHRASE_BONUS = 0.5  # the query's words, in order, inside one value
OTHER_FIELDS_BONUS = 0.05  # per other field a word also occurs in (up to 3): a word all over a mechanism counts
MAX_OTHER_FIELDS = 3
TAIL_SHARE = 0.1  # hits scoring under this share of the best are left out
COMMON_SHARE = 0.25  # a word in more than this share of the mechanisms ("pain", "back") is common, not specific
MIN_PARTIAL_WORD_LENGTH = 4  # a word this long may be the start of a longer one; shorter ones match whole words
MIN_INSIDE_LENGTH = 5  # a word this long may match inside another ("phobia" in kinesiophobia; not "rate" in strategies)
MIN_TYPO_LENGTH = 5  # a word this long may hold a typo: one edit, two from LONG_WORD_LENGTH letters
LONG_WORD_LENGTH = 10
MAX_QUERY_WORDS = 32  # content words of a query that count
# Words that never match on their own: they carry no meaning in a question about mechanisms.
_STOPWORDS_TEXT = """a about after an and are as at be been but by can could do does doing for from had has have how i if
in into is it its me my no not of on or our so such than that the their them then there these they this those to
was we were what when where which while who why will with would you your get gets got getting very more less much
many too also just really he she him her his hers us"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_SEPARATOR = "qzxqzq"  # joins one row's values so that they fold in one call; folds to itself
_SEPARATOR_CHARACTERS = " -/'’"  # marks on words apart only by these become one mark: "[back pain]"


def stem(word: str) -> str:
    """A light stemmer for folded words: plurals, -ing, -ed, -er, -ness and a final e go, so that 'fitter' and
    'fitness' meet at 'fit', 'exercises' and 'exercising' at 'exercis'. Both sides are stemmed alike."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "y"  # injuries, worried
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ness", "ing", "ed", "er"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if any(vowel in base for vowel in "aeiouy"):
                if len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "lsz":
                    base = base[:-1]  # fitter -> fit, running -> run; but fall, stress stay
                word = base
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def _row_texts(row: RankedMechanism, theme_names: dict[str, str]) -> list[str]:
    """Every searchable value of a mechanism, the strongest fields first (the fields are in _row_fields)."""
    mechanism = row.mechanism
    labels = [measure.label for measure in mechanism.measures] if mechanism.measures else []
    return [
        mechanism.name, *mechanism.aliases, *labels, *mechanism.phrases, *mechanism.exercises, *mechanism.keywords,
        *mechanism.anatomy, theme_names.get(mechanism.theme, mechanism.theme), mechanism.description,
    ]  # fmt: skip


def _row_fields(row: RankedMechanism) -> list[str]:
    """The field of each of _row_texts' values."""
    mechanism = row.mechanism
    return [
        "name", *["alias"] * len(mechanism.aliases), *["measure"] * len(mechanism.measures),
        *["phrase"] * len(mechanism.phrases), *["exercise"] * len(mechanism.exercises),
        *["keyword"] * len(mechanism.keywords), *["anatomy"] * len(mechanism.anatomy), "theme", "description",
    ]  # fmt: skip


def _row_values(row: RankedMechanism, theme_names: dict[str, str]) -> list[tuple[str, str]]:
    """Every searchable value of a mechanism as (field, text), the strongest fields first."""
    return list(zip(_row_fields(row), _row_texts(row, theme_names), strict=True))


class _Row(NamedTuple):
    row: RankedMechanism
    texts: list[str]  # each value as written
    haystack: str  # the values folded, apart by _SEPARATOR, with a space at each end: " name qzxqzq alias ... "

    @property
    def folded(self) -> list[str]:
        """Each value folded."""
        return [piece.strip() for piece in self.haystack.split(_SEPARATOR)]


class _Value(NamedTuple):
    field: str
    weight: float
    words: list[str]  # its folded words
    folded: str
    content_stems: list[str]  # the stems of its words but stopwords, for _whole_query_bonus
    initials: tuple[str, str]  # _initials(folded); none for a description


class SearchIndex:
    """The data prepared for searching, built once per (dataset, ranked) by prepare_search and reused by every
    search over it (clbp browse searches on every key): the folded rows, the vocabulary, which rows hold each
    word, and, worked out when first asked, each row's values split into words and their acronyms."""

    def __init__(self, dataset: Dataset, ranked: Sequence[RankedMechanism], rows: list[_Row]) -> None:
        self.dataset = dataset
        self.ranked = ranked
        self.rows = rows
        postings: dict[str, list[int]] = {}
        for row_number, prepared in enumerate(rows):
            for word in set(prepared.haystack.split()):
                found = postings.get(word)
                if found is None:
                    postings[word] = [row_number]
                else:
                    found.append(row_number)
        postings.pop(_SEPARATOR, None)
        self.postings = postings  # folded word -> the rows holding it, in order
        self.vocabulary = frozenset(postings)  # every folded word of the data
        self.initials: dict[int, list[tuple[str, str]]] = {}  # row number -> its values' acronyms
        self._sorted_words: list[str] | None = None
        self._joined_words: str | None = None
        self._by_length: dict[int, list[str]] | None = None
        self._acronym_rows: dict[str, list[int]] | None = None
        self._values: dict[int, tuple[list[_Value], dict[str, list[tuple[int, int]]]]] = {}
        self._bounds: dict[str, list[tuple[int, int]]] = {}
        self.order = {id(row): position for position, row in enumerate(ranked)}

    @property
    def sorted_words(self) -> list[str]:
        if self._sorted_words is None:
            self._sorted_words = sorted(self.vocabulary)
        return self._sorted_words

    @property
    def joined_words(self) -> str:
        """The vocabulary as one string, a word a line, to find words holding a piece at C speed."""
        if self._joined_words is None:
            self._joined_words = "\n" + "\n".join(self.sorted_words) + "\n"
        return self._joined_words

    @property
    def by_length(self) -> dict[int, list[str]]:
        if self._by_length is None:
            by_length: dict[int, list[str]] = {}
            for word in self.sorted_words:
                by_length.setdefault(len(word), []).append(word)
            self._by_length = by_length
        return self._by_length

    def acronym_rows(self) -> dict[str, list[int]]:
        """Acronym -> the rows with a value (but the description) of that acronym, in order."""
        if self._acronym_rows is None:
            found: dict[str, list[int]] = {}
            for row_number in range(len(self.rows)):
                for acronym in {a for pair in _row_initials(self, row_number) for a in pair if a}:
                    found.setdefault(acronym, []).append(row_number)
            self._acronym_rows = found
        return self._acronym_rows

    def values(self, row_number: int) -> tuple[list[_Value], dict[str, list[tuple[int, int]]]]:
        """The row's values split into words, and where each of its words occurs: (value number, position)."""
        found = self._values.get(row_number)
        if found is None:
            prepared = self.rows[row_number]
            values = []
            occurrences: dict[str, list[tuple[int, int]]] = {}
            fields = _row_fields(prepared.row)
            for value_number, (field, folded) in enumerate(zip(fields, prepared.folded, strict=True)):
                words = folded.split()
                stems = [_stem_of(word) for word in words if word not in STOPWORDS]
                initials = _initials(folded) if field != "description" else ("", "")
                values.append(_Value(field, FIELD_WEIGHTS[field], words, folded, stems, initials))
                for position, word in enumerate(words):
                    occurrences.setdefault(word, []).append((value_number, position))
            found = self._values[row_number] = (values, occurrences)
        return found

    def bounds(self, text: str) -> list[tuple[int, int]]:
        """_word_bounds(text), kept."""
        found = self._bounds.get(text)
        if found is None:
            found = self._bounds[text] = _word_bounds(text)
        return found


def prepare_search(dataset: Dataset, ranked: Sequence[RankedMechanism]) -> SearchIndex:
    """The data prepared for search(..., index=): build it once, search with it often (the same results). A row's
    words, stems and acronyms are worked out when a search first reaches the row, and kept."""
    return _index(dataset, ranked)


def _fold_row(texts: list[str]) -> str:
    """The row's haystack: fold() of each text, in one call for the whole row (folding is search's inner loop)."""
    joined = fold(f" {_SEPARATOR} ".join(texts))
    if joined.count(_SEPARATOR) != len(texts) - 1:  # pragma: no cover - a value holding the separator itself
        joined = f" {_SEPARATOR} ".join(fold(text) for text in texts)
    return f" {joined} "


_index_cache: list[tuple[Sequence[RankedMechanism], Dataset, SearchIndex]] = []


def _index(dataset: Dataset, ranked: Sequence[RankedMechanism]) -> SearchIndex:
    """The prepared rows and vocabulary, kept for the last (dataset, ranked) searched (clbp browse searches often)."""
    for cached_ranked, cached_dataset, index in _index_cache:
        if cached_ranked is ranked and cached_dataset is dataset:
            return index
    theme_names = {theme.id: theme.name for theme in dataset.themes}
    rows = []
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of new containers, no cycles: the collector's passes were half the time
    try:
        for row in ranked:
            texts = _row_texts(row, theme_names)
            rows.append(_Row(row, texts, _fold_row(texts)))
        index = SearchIndex(dataset, ranked, rows)
    finally:
        if collecting:
            gc.enable()
    _index_cache[:] = [(ranked, dataset, index)]
    return index


class _QueryWord(NamedTuple):
    typed: str  # as typed, case-folded (for matched_terms)
    folded: str
    stem: str
    being_typed: bool = False  # the last word of a query typed live (clbp browse): it may be the start of any word


def _query_words(query: str, vocabulary: frozenset[str], typing: bool = False) -> list[_QueryWord]:
    """The query's content words, each once, in order: stopwords and single letters dropped, and two words that
    the data writes as one joined ("co-ordination", "well being"). With `typing`, a last word not yet followed by a
    space is kept whatever it is, as the start of a word ("fe" while typing "fear")."""
    typed_words = [piece for piece in re.split(r"[\W_]+", query) if piece]
    pairs: list[tuple[str, str]] = []  # (typed, folded)
    for piece in typed_words:
        folded = fold(piece)
        pairs += [(piece.casefold() if folded == part else part, part) for part in folded.split()]
    words: list[_QueryWord] = []
    seen = set()
    position = 0
    while position < len(pairs):
        typed, folded = pairs[position]
        if position + 1 < len(pairs) and folded + pairs[position + 1][1] in vocabulary:
            typed, folded = f"{typed}-{pairs[position + 1][0]}", folded + pairs[position + 1][1]
            position += 1
        position += 1
        being_typed = typing and position == len(pairs) and query[-1:].isalnum()
        if (len(folded) < 2 or folded in STOPWORDS or folded in seen) and not being_typed:
            continue
        seen.add(folded)
        words.append(_QueryWord(typed, folded, stem(folded), being_typed))
        if len(words) == MAX_QUERY_WORDS:  # a pasted paragraph: its first words are plenty, and stay fast
            break
    return words


def word_match(query_word: str, data_word: str) -> str | None:
    """How one folded query word matches one folded data word (see MATCH_QUALITY), typos aside; None if not.
    The same rules as _expand, one pair at a time (for tests and for reading)."""
    word = _QueryWord(query_word, query_word, stem(query_word))
    found = _expand(word, frozenset([data_word]))
    return None if found.get(data_word) == "typo" else found.get(data_word)


_stems: dict[str, str] = {}


def _stem_of(word: str) -> str:
    found = _stems.get(word)
    if found is None:
        found = _stems[word] = stem(word)
    return found


def _expand(word: _QueryWord, vocabulary: frozenset[str], index: SearchIndex | None = None) -> dict[str, str]:
    """The data's words this query word matches, each with how (a key of MATCH_QUALITY). With `index`, only the
    words that can match are tried (those starting as the word or its stem, holding it, or of a typo's length)."""
    found: dict[str, str] = {}
    partial = len(word.folded) >= MIN_PARTIAL_WORD_LENGTH or word.being_typed
    long_stem = len(word.stem) >= 4
    head = word.stem[:-1] or word.stem  # a word's stem starts its word, but for a final y (injuries -> injury)
    candidates: frozenset[str] | set[str] = vocabulary
    if index is not None:
        starts = {head}
        if partial:
            starts.add(word.folded)
            if long_stem:
                starts.update((word.stem, word.stem[:5]))
        candidates = {data_word for start in starts for data_word in _starting(index.sorted_words, start)}
        if partial and len(word.folded) >= MIN_INSIDE_LENGTH:
            candidates.update(_holding(index.joined_words, word.folded))
    for data_word in candidates:
        if data_word.startswith(head) and _stem_of(data_word) == word.stem:
            found[data_word] = "word"
        elif partial:
            if _starts(data_word, word, long_stem):
                found[data_word] = "prefix"
            elif len(word.folded) >= MIN_INSIDE_LENGTH and word.folded in data_word:
                found[data_word] = "inside"
    length = len(word.folded)
    if length >= MIN_TYPO_LENGTH and not any(how in ("word", "prefix") for how in found.values()):
        allowed = 1 if length < LONG_WORD_LENGTH else 2
        typed = _sounded(word.folded)
        if index is not None:
            lengths = range(length - allowed - 1, length + allowed + 2)
            candidates = {data_word for size in lengths for data_word in index.by_length.get(size, ())}
        for data_word in candidates if index is not None else vocabulary:
            if abs(len(data_word) - length) <= allowed + 1 and data_word.isalpha():
                distance = edit_distance(typed, _sounded(data_word), allowed)
                if distance <= min(allowed, 1) or (
                    distance <= allowed and data_word[0] == typed[0]
                ):  # 2: not the 1st letter
                    found.setdefault(data_word, "typo")
    return found


def _starting(words: list[str], start: str) -> list[str]:
    """The words of a sorted list that start with `start`."""
    from bisect import bisect_left

    first = bisect_left(words, start)
    last = first
    while last < len(words) and words[last].startswith(start):
        last += 1
    return words[first:last]


def _holding(joined: str, piece: str) -> set[str]:
    """The words of a vocabulary joined a word a line (and a line break at each end) that hold `piece`."""
    found = set()
    at = joined.find(piece)
    while at >= 0:
        start = joined.rfind("\n", 0, at) + 1
        end = joined.find("\n", at)
        found.add(joined[start:end])
        at = joined.find(piece, end)
    return found


def _starts(data_word: str, word: _QueryWord, long_stem: bool) -> bool:
    """The query word starts the data's word, as typed or by its stem, or both are of one word family."""
    if data_word.startswith(word.folded) or (long_stem and data_word.startswith(word.stem)):
        return True
    return long_stem and data_word[:5] == word.stem[:5] and _same_family(word.stem, _stem_of(data_word))


def _same_family(first: str, second: str) -> bool:
    """Two stems of one word family: they differ only in their last letter or two past a common start of 5+
    letters, at most one letter before the shorter one ends ('disabl' and 'disability', 'confident' and
    'confidenc'; not 'control' and 'contraction')."""
    shared = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        shared += 1
    return shared >= max(5, min(len(first), len(second)) - 1)


def _sounded(word: str) -> str:
    """Spellings that sound alike, brought together before counting typos: 'endorfins' is one edit from
    'endorphins'."""
    return word.replace("ph", "f") if "ph" in word else word


def edit_distance(first: str, second: str, limit: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from one word to the other; limit + 1 once over it."""
    if first == second:
        return 0
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(second) + 1))
    for i, char in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, other in enumerate(second, 1):
            cost = char != other
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char == second[j - 2] and first[i - 2] == other:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _initials(folded: str) -> tuple[str, str]:
    """A value's acronyms: the initials of all its words and of its words but stopwords ('range of motion' ->
    'rom', 'rm'); empty below three words, where an acronym would be a guess."""
    words = folded.split()
    if len(words) < 3:
        return "", ""
    return "".join(w[0] for w in words), "".join(w[0] for w in words if w not in STOPWORDS)


def _row_initials(index: SearchIndex, row_number: int) -> list[tuple[str, str]]:
    """The acronyms of a row's values but its description (an acronym names a term, not a sentence)."""
    found = index.initials.get(row_number)
    if found is None:
        found = index.initials[row_number] = [_initials(value) for value in index.rows[row_number].folded[:-1]]
    return found


def _idf(matched: int, total: int) -> float:
    return math.log(1 + (total - matched + 0.5) / (matched + 0.5))


def search(
    dataset: Dataset,
    ranked: Sequence[RankedMechanism],
    query: str,
    *,
    typing: bool = False,
    index: SearchIndex | None = None,
) -> list[SearchHit]:
    """Mechanisms matching any content word of `query`, most relevant first (ties in published rank order).

    `typing=True` is for a query typed live (clbp browse re-ranks on every key): its last word, until a space
    follows it, also matches as the start of any word, however short ("fe" finds fear). `index` is the data
    prepared by prepare_search(dataset, ranked), for many searches over the same data; without it, it is built
    (and kept for the next search over the same objects). The results are the same either way."""
    if not fold(query):
        return []
    if index is None or index.dataset is not dataset or index.ranked is not ranked:
        index = _index(dataset, ranked)
    words = _query_words(query, index.vocabulary, typing)
    if not words:
        return []
    expansions = [_expand(word, index.vocabulary, index) for word in words]
    # A short word that is no word of the data may be an acronym of a value ("ROM": range of motion).
    acronym_words = [
        i
        for i, word in enumerate(words)
        if 2 <= len(word.folded) <= 6 and word.folded.isalpha() and "word" not in expansions[i].values()
    ]
    # Which rows each query word occurs in, for its rarity: from the rows holding each word it matches.
    postings = index.postings
    matched_rows: list[set[int]] = []
    for i, expansion in enumerate(expansions):
        rows: set[int] = set()
        for data_word in expansion:
            rows.update(postings[data_word])
        if i in acronym_words:
            rows.update(index.acronym_rows().get(words[i].folded, ()))
        matched_rows.append(rows)
    candidates = sorted(set().union(*matched_rows))
    total = len(index.rows)
    rarity = [_idf(len(rows), total) for rows in matched_rows]
    query_stems = [word.stem for word in words]
    full_rarity = sum(rarity)
    acronyms = frozenset(acronym_words)
    # Per data word, the query words it matches and how well: (query word, quality, how).
    matching: dict[str, list[tuple[int, float, str]]] = {}
    for i, expansion in enumerate(expansions):
        for data_word, how in expansion.items():
            matching.setdefault(data_word, []).append((i, MATCH_QUALITY[how], how))
    scoring = _Scoring(words, matching, acronyms, rarity, query_stems, full_rarity)
    collecting = gc.isenabled()
    gc.disable()  # thousands of new hits, no cycles: the collector's passes cost more than the scoring
    try:
        hits = [_score(index, n, scoring) for n in candidates]
    finally:
        if collecting:
            gc.enable()
    if not all(matched_rows):
        # A word matched nothing ("shoulder pain", "diabetes medication"): the query is partly outside the review,
        # so keep only mechanisms where a specific word of it (one in few mechanisms) matches whole.
        specific = {i for i, rows in enumerate(matched_rows) if rows and len(rows) <= COMMON_SHARE * total}
        hits = [(score, anchors, hit) for score, anchors, hit in hits if anchors & specific]
    if hits:  # the tail: mechanisms that only mention a word in passing, far below the best
        floor = TAIL_SHARE * max(score for score, _, _ in hits)
        hits = [scored for scored in hits if scored[0] >= floor]
    order = index.order
    hits.sort(key=lambda scored: (-scored[0], order[id(scored[2].row)]))
    return [hit for _, _, hit in hits]


class _Scoring(NamedTuple):
    """What scoring a row needs to know of the query."""

    words: list[_QueryWord]
    matching: dict[str, list[tuple[int, float, str]]]  # data word -> (query word, quality, how) for each it matches
    acronyms: frozenset[int]  # the query words that may be acronyms
    rarity: list[float]
    query_stems: list[str]
    full_rarity: float


def _score(index: SearchIndex, row_number: int, scoring: _Scoring) -> tuple[float, set[int], SearchHit]:
    """The row's score, the query words that match one of its words whole (or the start of one), and its hit."""
    words, matching, acronyms, rarity = scoring.words, scoring.matching, scoring.acronyms, scoring.rarity
    prepared = index.rows[row_number]
    size = len(words)
    best = [0.0] * size  # per query word: its best field weight times match quality
    how_best = [""] * size
    fields_seen: list[set[str]] = [set() for _ in words]
    shown: tuple[float, int, list[int], float] | None = None  # (value score, value index, matched positions, bonus)
    bonus_total = 0.0
    values, occurrences = index.values(row_number)
    # Per value holding a word that matches: per query word its best match quality and how, and the positions.
    per_value: dict[int, tuple[list[float], list[str], list[int]]] = {}
    few = len(matching) <= len(occurrences)
    for data_word in matching if few else occurrences:
        places = occurrences.get(data_word) if few else occurrences[data_word]
        found = matching.get(data_word)
        if places is None or found is None:
            continue
        for value_number, position in places:
            entry = per_value.get(value_number)
            if entry is None:
                entry = per_value[value_number] = ([0.0] * size, [""] * size, [])
            quality, how, positions = entry
            for i, match_quality, match in found:
                positions.append(position)
                if match_quality > quality[i]:
                    quality[i], how[i] = match_quality, match
    visited: Iterable[int] = sorted(per_value)
    if acronyms:  # every value but the description may hold an acronym
        visited = sorted(set(per_value) | set(range(len(values) - 1)))
    for value_number in visited:
        value = values[value_number]
        field = value.field
        weight = value.weight
        entry = per_value.get(value_number)
        if entry is None:
            entry = ([0.0] * size, [""] * size, [])
        quality, how, positions = entry
        value_score = 0.0
        for i in range(size):
            word_quality = quality[i]
            if not word_quality and i in acronyms and field != "description" and words[i].folded in value.initials:
                word_quality, how[i] = MATCH_QUALITY["acronym"], "acronym"
                positions.extend(range(len(value.words)))
            if word_quality:
                fields_seen[i].add(field)
                value_score += rarity[i] * weight * word_quality
                if weight * word_quality > best[i]:
                    best[i], how_best[i] = weight * word_quality, how[i]
        if not positions:
            continue
        bonus = _stems_bonus(value.content_stems, scoring.query_stems) * weight * scoring.full_rarity
        bonus_total = max(bonus_total, bonus)
        if shown is None or (value_score, bonus) > (shown[0], shown[3]):  # the strongest field shows why
            shown = (value_score, value_number, positions, bonus)
    assert shown is not None  # a candidate matched at least one word somewhere
    score = bonus_total
    for i in range(size):
        if best[i]:
            others = min(len(fields_seen[i]) - 1, MAX_OTHER_FIELDS)
            score += rarity[i] * (best[i] + OTHER_FIELDS_BONUS * others)
    _, value_number, positions, bonus = shown
    field, text = values[value_number].field, prepared.texts[value_number]
    matched = [i for i in range(size) if best[i]]
    kind = _kind(bonus, matched, how_best, size)
    spans = _word_spans(text, sorted(set(positions)), index.bounds(text))
    if field == "description":
        text, spans = _snippet(text, spans)
    ideal = scoring.full_rarity * (FIELD_WEIGHTS["name"] + EXACT_BONUS) or 1.0
    relevance = max(1, min(100, round(100 * score / ideal)))
    terms = tuple(words[i].typed for i in matched)
    anchors = {i for i in matched if how_best[i] in ("word", "acronym", "prefix")}
    return score, anchors, SearchHit(prepared.row, relevance, field, kind, text, spans, terms)


def _whole_query_bonus(value_words: list[str], query_stems: list[str]) -> float:
    """EXACT_BONUS when the value is the query (stopwords aside), PHRASE_BONUS when it holds the query's words
    in order and together, else 0."""
    return _stems_bonus([_stem_of(word) for word in value_words if word not in STOPWORDS], query_stems)


def _stems_bonus(value_stems: list[str], query_stems: list[str]) -> float:
    """_whole_query_bonus from the stems of the value's words but stopwords."""
    size = len(query_stems)
    if len(value_stems) < size or (size == 1 and len(value_stems) > 1):  # cannot hold the query
        return 0.0
    if value_stems == query_stems:
        return EXACT_BONUS
    if any(value_stems[i : i + size] == query_stems for i in range(len(value_stems) - size + 1)):
        return PHRASE_BONUS
    return 0.0


def _kind(bonus: float, matched: list[int], how: list[str], size: int) -> str:
    """exact: the whole query is the value shown; phrase: its words, in order, inside it; words: every content
    word matched somewhere in the mechanism; some: only some did; fuzzy: a word matched only by a typo."""
    if any(how[i] == "typo" for i in matched):
        return "fuzzy"
    if bonus >= EXACT_BONUS:
        return "exact"
    if bonus:
        return "phrase"
    return "words" if len(matched) == size else "some"


def _word_bounds(text: str) -> list[tuple[int, int]]:
    """For each folded word of `text`, the [start, end) of the original text it comes from: to its next word's
    start, or to the end of the text's last letter or digit."""
    folded, origins = fold_with_origins(text)
    end_of_text = len(text)
    while end_of_text > 0 and not (text[end_of_text - 1].isalnum() or unicodedata.combining(text[end_of_text - 1])):
        end_of_text -= 1
    bounds = []
    offset = 0
    for word in folded.split(" "):
        start, end = offset, offset + len(word)
        bounds.append(
            (
                origins[start] if start < len(origins) else end_of_text,
                origins[end] if end < len(origins) else end_of_text,
            )
        )
        offset += len(word) + 1
    return bounds


def _word_spans(
    text: str, positions: list[int], bounds: list[tuple[int, int]] | None = None
) -> tuple[tuple[int, int], ...]:
    """Character ranges of `text` covering its folded words at `positions`: whole words of the original text,
    sorted and merged, wherever folding moved or shortened them ('behaviour' is folded to 'behavior').
    `bounds` is _word_bounds(text), when known."""
    if bounds is None:
        bounds = _word_bounds(text)
    spans: list[tuple[int, int]] = []
    for position in positions:
        if position >= len(bounds):  # pragma: no cover - fold and fold_with_origins agree (a tested property)
            continue
        original_start, original_end = bounds[position]
        if spans and not text[spans[-1][1] : original_start].strip(_SEPARATOR_CHARACTERS):
            spans[-1] = (spans[-1][0], max(spans[-1][1], original_end))
        else:
            spans.append((original_start, original_end))
    return tuple(spans)


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


def nearest_names(dataset: Dataset, query: str, limit: int = 3) -> list[str]:
    """Mechanism names (or the names of mechanisms whose alias is) within a typo or two of `query`, or whose start
    it is with a typo, closest first, for "did you mean" messages. Empty unless a name is really close: a vague
    guess misleads more than it helps."""
    key = _sounded(compact(query))
    if len(key) < MIN_TYPO_LENGTH - 1:
        return []
    allowed = 1 if len(key) < LONG_WORD_LENGTH - 2 else 2
    found: list[tuple[int, int, str]] = []
    for position, (name, others) in enumerate(_name_keys(dataset)):
        distances = []
        for other in others:
            distances.append(edit_distance(key, other, allowed))
            if len(key) >= 6 and len(other) > len(key) and other[0] == key[0]:  # the start of a name, mistyped
                distances.append(edit_distance(key, other[: len(key)], 1) + 1)  # ("catastrofy")
        if min(distances) <= allowed:
            found.append((min(distances), position, name))
    return [name for _, _, name in sorted(found)[:limit]]


_name_keys_cache: list[tuple[Dataset, list[tuple[str, list[str]]]]] = []


def _name_keys(dataset: Dataset) -> list[tuple[str, list[str]]]:
    """Each mechanism's name, with its name and aliases as nearest_names compares them; kept for the last dataset
    (clbp browse asks on every key that finds nothing)."""
    for cached_dataset, keys in _name_keys_cache:
        if cached_dataset is dataset:
            return keys
    keys = [
        (mechanism.name, [_sounded(compact(text)) for text in (mechanism.name, *mechanism.aliases)])
        for mechanism in dataset.mechanisms
    ]
    _name_keys_cache[:] = [(dataset, keys)]
    return keys


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
    """One mechanism, only when the name says which with confidence: its id, name or an alias in any case or
    spelling; a unique start (3+ letters) of a name, or of an alias cut inside a word; or a close typo of one of
    those (exact=False). Anything else raises LookupFailed: with `candidates` when several mechanisms fit, else
    with the best few search hits as `suggestions`."""
    key = compact(name)
    folded = fold(name)
    if key:
        for row in ranked:
            if key in (compact(row.mechanism.id), compact(row.mechanism.name)):
                return Resolved(row, exact=True)
        by_alias = [row for row in ranked if key in {compact(alias) for alias in row.mechanism.aliases}]
        if by_alias:
            return _one(name, by_alias, exact=True)
    if len(key) >= 3:
        by_name = [row for row in ranked if compact(row.mechanism.name).startswith(key)]
        if by_name:
            return _one(name, by_name, exact=True)
        by_alias_start = [
            row for row in ranked if any(_starts_inside_a_word(fold(alias), folded) for alias in row.mechanism.aliases)
        ]
        if by_alias_start:
            return _one(name, by_alias_start, exact=True)
    if len(key) >= MIN_TYPO_LENGTH - 1:
        typed = _sounded(key)
        allowed = 1 if len(key) < LONG_WORD_LENGTH - 2 else 2
        closest: dict[int, list[RankedMechanism]] = {}
        for row in ranked:
            mechanism = row.mechanism
            texts = (mechanism.id, mechanism.name, *mechanism.aliases)
            distance = min(edit_distance(typed, _sounded(compact(text)), allowed) for text in texts)
            if distance <= allowed:
                closest.setdefault(distance, []).append(row)
        if closest:
            return _one(name, closest[min(closest)], exact=False)
    hits = search(dataset, ranked, name)
    raise LookupFailed("mechanism", name, suggestions=[hit.row.mechanism.name for hit in hits[:3]])


def _starts_inside_a_word(text: str, start: str) -> bool:
    """`start` begins `text` and stops inside a word ("self-eff" of "self efficacy"; not "back" of "back strength",
    which is a word people search for, not a name they began to type)."""
    return len(start) < len(text) and text.startswith(start) and text[len(start)] != " " and start[-1] != " "


def _one(name: str, rows: list[RankedMechanism], exact: bool) -> Resolved:
    if len(rows) > 1:
        raise LookupFailed("mechanism", name, candidates=[row.mechanism.name for row in rows])
    return Resolved(rows[0], exact=exact)
