"""Finding mechanisms and themes from what people type: any case, accents, British or American spelling, typos."""

from __future__ import annotations

import difflib
import gc
import heapq
import marshal
import math
import re
import unicodedata
from _thread import allocate_lock
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import accumulate, chain, count, repeat
from operator import add, attrgetter, sub
from typing import NamedTuple

from clbp_cli.core.model import Dataset, Theme
from clbp_cli.core.ranking import RankedMechanism
from clbp_cli.core.views import theme_names

# Folding rules, applied in order after accents are stripped and case is folded. Both the query and the data
# are folded the same way, so a rule only needs to bring spellings together, not produce a real word.
_FOLD_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (needle, re.compile(pattern), replacement)
    for needle, pattern, replacement in (
        ("", r"[\W_]+", " "),  # punctuation, hyphens and underscores separate words
        ("is", r"is(?<=[a-z]is)(?=(?:ation|ations|e|es|ed|ing|er|ers)\b)", "iz"),  # stabilisation -> stabilization
        ("ys", r"ys(?<=[a-z]ys)(?=(?:e|es|ed|ing)\b)", "yz"),  # analyse -> analyze
        ("our", r"our(?<=[a-z]{2}our)(?=(?:s|ed|ing|able)?\b)", "or"),  # behaviour -> behavior; not your, hour, four
        ("ae", r"ae(?<=[a-z]ae)(?=[a-z])", "e"),  # kinaesthesia -> kinesthesia
        ("oe", r"oe(?<=\boe)(?=[a-z])", "e"),  # oedema -> edema
        ("tre", r"tre(?<=[a-z]{2}tre)(?=s?\b)", "ter"),  # centre -> center
        # modelling -> modeling, cancelled -> canceled: the British double l of a word of two or more syllables
        # (a vowel, one to three consonants, a vowel before it); never fall, roll, swell, whose ll is the word's
        # own (falling stays with fall)
        (
            "ll",
            r"ll(?:(?<=[aeiouy][^\Waeiouy][aeiouy]ll)|(?<=[aeiouy][^\Waeiouy]{2}[aeiouy]ll)|(?<=[aeiouy][^\Waeiouy]{3}[aeiouy]ll))(?=(?:ing|ed|er)\b)",
            "l",
        ),
    )
)  # each rule runs only on text holding its needle, and starts with it (a lookbehind after it), so that the regex
# engine jumps from one occurrence of the needle to the next: the whole data folds in one pass
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


# ---- Tuning: every constant that decides what matches and how it ranks (docs/search.md: "How search ranks") ----------
# A mechanism's score is a BM25-style sum over the query's content words of the word's rarity (inverse document
# frequency over mechanisms) times the weight of the best field it occurs in times how it matched; plus a bonus
# when the whole query is a value (exact) or sits in one as a phrase.
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
# the start of a longer word, within a typo, or inside a word.
MATCH_QUALITY = {"word": 1.0, "acronym": 1.0, "prefix": 0.7, "typo": 0.7, "inside": 0.45}  # ties: the first kind
EXACT_BONUS = 1.0  # the whole query is a whole value: times the value's field weight and the query's total rarity
PHRASE_BONUS = 0.5  # the query's words, in order, inside one value
OTHER_FIELDS_BONUS = 0.05  # per other field a word also occurs in (up to MAX_OTHER_FIELDS)
MAX_OTHER_FIELDS = 3
MIN_COVERAGE = 0.2  # a hit rests on enough of the query: the mean, over its content words weighted by their rarity,
# of field weight times match quality (a word in a name 1.0, in a description 0.3, none 0): one description word of
# two as rare is 0.15
UNKNOWN_WEIGHT = 0.5  # ...where a word that matches nothing anywhere weighs half the others' mean rarity: it may be
# another topic ("ankle") or a person's context ("at the office"), and search cannot tell which
UNKNOWN_MATCH_SHARE = 0.5  # a hit matches at least half as many query words as the data does not hold as such
LAST_RESORT_WORDS = 2  # when no hit rests on enough of the query, those matching this many of its words are kept
# at half MIN_COVERAGE (UNKNOWN_MATCH_SHARE still holds): a long sentence whose words each match a little
TAIL_SHARE = 0.1  # hits scoring under this share of the best are left out
COMMON_SHARE = 0.25  # a word in more than this share of the mechanisms is common, not specific
MIN_PARTIAL_WORD_LENGTH = 4  # a word this long may be the start of a longer one; shorter ones match whole words
MIN_INSIDE_LENGTH = 6  # a word this long may match inside another ("phobia" in kinesiophobia; not "worth" in Epworth)
MIN_TYPO_LENGTH = 5  # a word this long may hold one typo...
LONG_WORD_LENGTH = 10  # ...and one this long two; never at the first letter
FAMILY_START = 5  # two stems sharing this many first letters may be one word family (disabl, disability)
ACRONYM_LENGTHS = range(2, 7)  # a word of these lengths that is no word of the data may be an acronym
MIN_ACRONYM_WORDS = 3  # a value needs this many words to have an acronym
MIN_JOINED_PART = 3  # "selfefficacy" is split into two words of the data, each at least this long
MAX_QUERY_WORDS = 32  # content words of a query that count
MAX_HELD_WORDS = 6  # a value made only of small words ("gets me down") that a query holds whole has at most this many
SNIPPET_WIDTH = 50  # characters of a description shown around its first match
MIN_NAME_START = 3  # `show`: the unique start of a name of at least this many letters names it
MAX_EXACT_WORDS = 3  # a one-word query is tried as the whole of values of at most this many words
STORED_FROM = 2000  # mechanisms from which the folded data is kept on disk beside the data cache (search_store)
# Words that never match on their own: they carry no meaning in a question about mechanisms (function words, the
# halves of contractions, times and frequencies, vague words of everyday sentences).
_STOPWORDS_TEXT = """a about after an and are as at be been but by can could do does doing for from had has have how i if
in into is it its me my no not of on or our so such than that the their them then there these they this those to
was we were what when where which while who why will with would you your get gets got getting very more less much
many too also just really he she him her his hers us all any some every because might again
ll ve re like make makes made making
don doesn didn isn aren wasn weren won wouldn couldn shouldn haven hasn hadn ain dont doesnt didnt isnt wont im ive
am cant wouldnt couldnt shouldnt havent hasnt arent wasnt werent youre theyre thats whats
day days week weeks month months year years today tonight tomorrow yesterday always sometimes usually often ever
since still already yet soon now something anything everything stuff lot lots bit went happen happens happened
seem seems seemed instead go goes"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
# Particles of phrasal verbs: part of a phrase ("fed up", "turning the pain down"), never a match on their own.
PARTICLES = frozenset(["up", "down", "out", "off", "over", "away", "around", "through", "along"])
_SEPARATOR = "qzxqzq"  # joins one row's values so that they fold in one call; folds to itself
_ROW_SEPARATOR = "qzxqzr"  # joins the rows, so that the whole data folds in one call
_SEPARATOR_CHARACTERS = " -/'’"  # marks on words apart only by these become one mark: "[back pain]"


def typo_allowance(length: int) -> int:
    """How many typos a word (or a name, compacted) of this length may hold."""
    return 0 if length < MIN_TYPO_LENGTH else 1 if length < LONG_WORD_LENGTH else 2


def stem(word: str) -> str:
    """A light stemmer for folded words: plurals, -ful, -ing, -ed, -er, -ness and a final e go, so that 'fitter' and
    'fitness' meet at 'fit', 'exercises' and 'exercising' at 'exercis', 'cope' and 'coping' at 'cop'. Both sides
    are stemmed alike."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "y"  # injuries, worried
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ness") and len(word) >= 8:
        word = word[:-4]  # mindfulness -> mindful, as the -ful below sees it
    if word.endswith("ful") and len(word) >= 7:
        word = word[:-3]  # powerful -> power, painful -> pain, fearful -> fear; not awful, useful
    for suffix in ("ness", "ing", "ed", "er"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if any(vowel in base for vowel in "aeiouy"):
                if len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "lsz":
                    base = base[:-1]  # fitter -> fit, running -> run; but fall, stress stay
                word = base
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]  # the e that -ing and -ed drop: cope/coping, move/moving, fatigue/fatiguing
    return word


@contextmanager
def collector_paused() -> Iterator[None]:
    """The garbage collector off while search builds thousands of containers with no cycles (its passes cost more
    than the work). Shared by threads (clbp browse searches in a worker): the first to come turns it off, the last
    to leave turns it on again, if it was on when the first came. On leaving, what was made meanwhile joins the
    oldest generation unexamined (gc.freeze then gc.unfreeze: two list moves), rather than the collector's next
    pass examining every object of it once more (30 ms after a search at 10,000 mechanisms); cycles among them
    are still found, by the next full collection."""
    with _collector.lock:
        if not _collector.users:
            _collector.was_enabled = gc.isenabled()
            gc.disable()
        _collector.users += 1
    try:
        yield
    finally:
        with _collector.lock:
            _collector.users -= 1
            if not _collector.users and _collector.was_enabled:
                if not _collector.frozen:  # nothing was frozen for life (unfreeze would thaw it)
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()


def freeze_for_life() -> None:
    """Move every object made so far out of the collector's sight for the rest of the process (gc.freeze): for data
    and an index kept for a long session (clbp browse), which each full pass would otherwise walk again. Said here,
    not asked of gc, because gc.get_freeze_count walks every frozen object (8 ms at 10,000 mechanisms)."""
    with _collector.lock:
        gc.freeze()
        _collector.frozen = True


class _Collector:
    """The state collector_paused shares between threads (the collector's switch is the process's)."""

    def __init__(self) -> None:
        self.lock = allocate_lock()
        self.users = 0  # searches running
        self.was_enabled = False  # the collector was on when the first of them came
        self.frozen = False  # objects were frozen for life (freeze_for_life)


_collector = _Collector()


def _row_texts(row: RankedMechanism, theme_names: dict[str, str]) -> list[str]:
    """Every searchable value of a mechanism, the strongest fields first (their fields are in _row_codes)."""
    mechanism = row.mechanism
    labels = [measure.label for measure in mechanism.measures] if mechanism.measures else []
    return [
        mechanism.name, *mechanism.aliases, *labels, *mechanism.phrases, *mechanism.exercises, *mechanism.keywords,
        *mechanism.anatomy, theme_names.get(mechanism.theme, mechanism.theme), mechanism.description,
    ]  # fmt: skip


def _row_codes(row: RankedMechanism) -> str:
    """The field of each of _row_texts' values, a letter each (see _FIELD_CODES)."""
    mechanism = row.mechanism
    return (
        f"n{'a' * len(mechanism.aliases)}{'m' * len(mechanism.measures)}{'p' * len(mechanism.phrases)}"
        f"{'e' * len(mechanism.exercises)}{'k' * len(mechanism.keywords)}{'y' * len(mechanism.anatomy)}td"
    )


_FIELD_CODES = dict(zip("nampekytd", FIELD_WEIGHTS, strict=True))  # code -> field
_MATCH_SPAN = re.Match.span
_CODE_WEIGHTS = {code: (FIELD_WEIGHTS[field], 1 << order) for order, (code, field) in enumerate(_FIELD_CODES.items())}


def _row_values(row: RankedMechanism, theme_names: dict[str, str]) -> list[tuple[str, str]]:
    """Every searchable value of a mechanism as (field, text), the strongest fields first."""
    return list(zip((_FIELD_CODES[code] for code in _row_codes(row)), _row_texts(row, theme_names), strict=True))


class _Folded(NamedTuple):
    """Every searchable value of every row folded (see SearchIndex): what the search store keeps on disk."""

    text: str  # the values, a value a line, with a line break at each end; its words apart by single spaces
    starts: list[int]  # value -> the offset of its first character in text
    words: list[str]  # the vocabulary, sorted
    codes: str  # value -> its field, a letter each (see _FIELD_CODES)
    sizes: list[int]  # row -> how many values it has
    # The postings, as the bytes of int arrays (array("i")). Words are numbered through the whole text, value after
    # value; a word of the vocabulary's numbers are postings[offsets[k]:offsets[k + 1]], k its place in `words`.
    postings: bytes
    offsets: bytes
    word_values: bytes  # word number -> its value
    first_words: bytes  # value -> the number of its first word


_RULES = repr([(needle, pattern.pattern, replacement) for needle, pattern, replacement in _FOLD_RULES])


def _folded_data(dataset: Dataset, ranked: Sequence[RankedMechanism], names: dict[str, str]) -> _Folded:
    """Every value of every row folded: kept on disk for a large data file (search_store), else folded."""
    if len(ranked) < STORED_FROM:
        return _fold_all(ranked, names)
    from clbp_cli.core import search_store

    key = search_store.key(_content(ranked, names), _RULES)
    found = search_store.load(dataset.origin, key)
    if found is not None and len(found) == len(_Folded._fields) and _whole(_Folded._make(found), len(ranked)):
        return _Folded._make(found)
    folded = _fold_all(ranked, names)
    search_store.store(dataset.origin, key, tuple(folded))
    return folded


def _whole(folded: _Folded, rows: int) -> bool:
    """An entry of the search store of the right sizes (a damaged one is folded again, never read past its end)."""
    size = array("i").itemsize
    return (
        len(folded.sizes) == rows
        and len(folded.starts) == len(folded.codes) == sum(folded.sizes) == len(folded.first_words) // size
        and len(folded.offsets) == (len(folded.words) + 1) * size
        and len(folded.postings) == len(folded.word_values) == array("i", folded.offsets[-size:])[0] * size
    )


def _content(ranked: Sequence[RankedMechanism], names: dict[str, str]) -> bytes:
    """Every mechanism's fields, in order, and the themes' names, as bytes: what the search store's key is made
    from, at C speed (a loop in Python over 10,000 mechanisms' values would cost more than reading the whole store
    back)."""
    from clbp_cli.core.cache import plain_mechanisms

    plain = plain_mechanisms(map(attrgetter("mechanism"), ranked))
    return marshal.dumps((plain, sorted(names.items())), 2)  # format 2 keeps no references: twice as fast


def _fold_all(ranked: Sequence[RankedMechanism], names: dict[str, str]) -> _Folded:
    """_Folded, worked out: every value of every row folded in one call (_fold_rows), and the postings of every word
    (one loop over the words of the whole text; C-speed steps for the rest)."""
    texts = [_row_texts(row, names) for row in ranked]
    values, _ = _fold_rows(texts, f" {_ROW_SEPARATOR} ".join(f" {_SEPARATOR} ".join(row) for row in texts))
    starts = [1, *map(add, accumulate(map(len, values[:-1])), count(2))]
    text = "\n" + "\n".join(values) + "\n"
    numbers: dict[str, list[int]] = {}
    for number, word in enumerate(text.split()):
        found = numbers.get(word)
        if found is None:
            numbers[word] = [number]
        else:
            found.append(number)
    words = sorted(numbers)
    lists = list(map(numbers.__getitem__, words))
    sizes = [value.count(" ") + 1 if value else 0 for value in values]  # words per value (folded: single spaces)
    return _Folded(
        text,
        starts,
        words,
        "".join(map(_row_codes, ranked)),
        list(map(len, texts)),
        array("i", chain.from_iterable(lists)).tobytes(),
        array("i", accumulate(map(len, lists), initial=0)).tobytes(),
        array("i", chain.from_iterable(map(repeat, range(len(values)), sizes))).tobytes(),
        array("i", accumulate(sizes[:-1], initial=0) if sizes else ()).tobytes(),
    )


def _fold_rows(texts: list[list[str]], joined: str) -> tuple[list[str], frozenset[str]]:
    """fold() of every value of every row (`joined`: the values apart by _SEPARATOR, the rows by _ROW_SEPARATOR), in
    one call for the whole data (folding is the index's inner loop): the values folded, row after row; and the
    vocabulary, every folded word. ASCII data is folded word by word, each distinct word once: the spelling rules
    work inside words, so the result is fold()'s."""
    if joined.isascii():
        words = joined.casefold().translate(_ASCII_SEPARATORS).split()
        spelled = {word: _spelled(word) for word in set(words)}
        whole = " ".join(map(spelled.__getitem__, words))
        vocabulary = set(spelled.values())
    else:
        whole = fold(joined)
        vocabulary = set(whole.split())
    flat = whole.replace(f" {_ROW_SEPARATOR} ", f" {_SEPARATOR} ").split(f" {_SEPARATOR} ")
    if len(flat) != sum(map(len, texts)) or whole.count(_SEPARATOR) + whole.count(_ROW_SEPARATOR) != len(flat) - 1:
        flat = [fold(value) for values in texts for value in values]  # an empty value, or one holding a separator
        return flat, frozenset(word for value in flat for word in value.split())
    return flat, frozenset(vocabulary - {_SEPARATOR, _ROW_SEPARATOR})


def _spelled(word: str) -> str:
    """A folded word in fold()'s one spelling (the spelling rules, on one word)."""
    for needle, pattern, replacement in _SPELLING_RULES:
        if needle in word:
            word = pattern.sub(replacement, word)
    return word


class _WordRows(NamedTuple):
    """Where a word of the data occurs, for scoring word by word."""

    rows: list[int]  # the rows holding it, in order
    best: dict[int, tuple[float, int]]  # row -> the best field weight of its values (not phrases) holding the
    # word, and the fields holding it as bits (see _FIELD_BITS)
    phrases: list[tuple[int, int, int]]  # its occurrences in everyday phrases: (row, value, position)
    values: list[int]  # the values holding it


class SearchIndex:
    """The data prepared for searching, the one way to search (prepare_search): every value folded, in one text
    with a value a line, and each value's field; the vocabulary, sorted; the words naming the review's subject.
    Worked out when a search first needs them, and kept: where each word occurs (row, value, position), and the
    rows' stems and acronyms. Building it costs one fold of the whole data (or reading it back from the search
    store); a search costs what its words touch."""

    def __init__(self, dataset: Dataset, ranked: Sequence[RankedMechanism]) -> None:
        self.dataset = dataset
        self.ranked = ranked
        self.theme_names = theme_names(dataset)
        with collector_paused():
            folded = _folded_data(dataset, ranked, self.theme_names)
            self.text, self.value_starts, self.sorted_words, self.codes, sizes = folded[:5]
            self._postings, self._offsets, self._word_values, self._first_words = (
                array("i", data) for data in folded[5:]
            )
            self.vocabulary = frozenset(self.sorted_words)
            self.row_starts = list(accumulate(sizes, initial=0))  # row -> its first value; last, the values' count
            self.value_rows = list(chain.from_iterable(map(repeat, range(len(sizes)), sizes)))  # value -> its row
            self._value_after = self.value_starts[1:]  # value -> the next one's start (bisect: value at an offset)
        self.subject_stems = subject_stems(dataset)
        self._occurrences: dict[str, list[tuple[int, int, int]]] = {}
        self._word_rows: dict[str, _WordRows] = {}
        self._expansions: dict[tuple[str, bool], dict[str, str]] = {}
        self._texts: dict[int, list[str]] = {}
        self._joined_words: str | None = None
        self._by_length: dict[int, list[str]] | None = None
        self._acronym_rows: dict[str, list[int]] = {}
        self._name_keys: list[tuple[str, list[str]]] | None = None
        self._stems: dict[str, str] = {}
        self._value_stems: dict[int, list[str]] = {}
        self._initials: dict[int, list[tuple[str, str]]] = {}
        self._bounds: dict[str, list[tuple[int, int]]] = {}

    def row_texts(self, row_number: int) -> list[str]:
        """A row's values as written (see _row_texts), kept."""
        found = self._texts.get(row_number)
        if found is None:
            found = self._texts[row_number] = _row_texts(self.ranked[row_number], self.theme_names)
        return found

    @property
    def texts(self) -> list[list[str]]:
        """Every row's values as written."""
        return [self.row_texts(row_number) for row_number in range(len(self.ranked))]

    def value(self, value: int) -> str:
        """A value folded (counted over the whole data)."""
        return self.text[self.value_starts[value] : self._end(value)]

    def _end(self, value: int) -> int:
        return self._value_after[value] - 1 if value < len(self._value_after) else len(self.text) - 1

    @property
    def folded(self) -> list[list[str]]:
        """Every row's values folded."""
        starts = self.row_starts
        return [list(map(self.value, range(starts[row], starts[row + 1]))) for row in range(len(self.ranked))]

    def occurrences(self, word: str) -> list[tuple[int, int, int]]:
        """Where a folded word of the data occurs, in order: (row, value counted over the whole data, position of
        the word in its value). From its postings, at C speed."""
        found = self._occurrences.get(word)
        if found is None:
            place = bisect_left(self.sorted_words, word)
            numbers = self._postings[self._offsets[place] : self._offsets[place + 1]] if word in self.vocabulary else ()
            values = list(map(self._word_values.__getitem__, numbers))
            positions = map(sub, numbers, map(self._first_words.__getitem__, values))
            rows = map(self.value_rows.__getitem__, values)
            found = self._occurrences[word] = list(zip(rows, values, positions, strict=True))
        return found

    def occurrence_count(self, word: str) -> int:
        """How often a folded word occurs in the data (0 for no word of it), from its postings' bounds."""
        if word not in self.vocabulary:
            return 0
        place = bisect_left(self.sorted_words, word)
        return self._offsets[place + 1] - self._offsets[place]

    def expansion(self, word: _QueryWord) -> dict[str, str]:
        """The data's words a query word matches, and how (see _expand), worked out once per word: clbp browse asks
        on every key, first to weigh the search's cost (search_work), then to search. Read only."""
        key = (word.folded, word.being_typed)
        found = self._expansions.get(key)
        if found is None:
            found = self._expansions[key] = _expand(word, self.vocabulary, self)
        return found

    def word_rows(self, word: str) -> _WordRows:
        """Where a folded word of the data occurs, row by row (see _WordRows)."""
        found = self._word_rows.get(word)
        if found is None:
            best: dict[int, tuple[float, int]] = {}
            phrases = []
            codes = self.codes
            occurrences = self.occurrences(word)
            for occurrence in occurrences:
                row, value, _ = occurrence
                code = codes[value]
                if code == "p":
                    phrases.append(occurrence)
                    continue
                weight, bits = _CODE_WEIGHTS[code]
                old = best.get(row)
                best[row] = (weight, bits) if old is None else (max(old[0], weight), old[1] | bits)
            rows = sorted(best.keys() | {row for row, _, _ in phrases})
            found = self._word_rows[word] = _WordRows(rows, best, phrases, [value for _, value, _ in occurrences])
        return found

    def value_length(self, value: int) -> int:
        """How many words a value has."""
        return self.text.count(" ", self.value_starts[value], self._end(value)) + 1

    def fields(self, row_number: int) -> list[str]:
        """The field of each of the row's values."""
        return list(
            map(_FIELD_CODES.__getitem__, self.codes[self.row_starts[row_number] : self.row_starts[row_number + 1]])
        )

    def field(self, value: int) -> str:
        """The field of a value (counted over the whole data)."""
        return _FIELD_CODES[self.codes[value]]

    def value_words(self, value: int) -> list[str]:
        """A value's folded words (the value counted over the whole data)."""
        return self.value(value).split()

    def stem(self, word: str) -> str:
        """stem(word), kept."""
        found = self._stems.get(word)
        if found is None:
            found = self._stems[word] = stem(word)
        return found

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

    def acronym_rows(self, acronym: str) -> list[int]:
        """The rows with a value (but the description) of this acronym (see _initials), in order. Found by one
        regex pass over the text, jumping from one word starting with the acronym's first letter to the next, to
        the values whose words could give it; each of those checked by _initials (the initials of every value of
        10,000 mechanisms would cost a tenth of a second)."""
        found = self._acronym_rows.get(acronym)
        if found is None:
            rows = set()
            codes, text = self.codes, self.text
            for match in re.finditer(_acronym_pattern(acronym), text):
                value = bisect_right(self._value_after, match.start())
                if codes[value] != "d" and acronym in _initials(self.value(value)):
                    rows.add(self.value_rows[value])
            found = self._acronym_rows[acronym] = sorted(rows)
        return found

    def initials(self, row_number: int) -> list[tuple[str, str]]:
        """The acronyms of a row's values but its description (an acronym names a term, not a sentence)."""
        found = self._initials.get(row_number)
        if found is None:
            values = range(self.row_starts[row_number], self.row_starts[row_number + 1] - 1)
            found = self._initials[row_number] = [_initials(self.value(value)) for value in values]
        return found

    def value_stems(self, value: int) -> list[str]:
        """The stems of a value's words but stopwords (for the exact and phrase bonuses)."""
        found = self._value_stems.get(value)
        if found is None:
            found = self._value_stems[value] = [self.stem(w) for w in self.value_words(value) if w not in STOPWORDS]
        return found

    def bounds(self, text: str) -> list[tuple[int, int]]:
        """_word_bounds(text), kept."""
        found = self._bounds.get(text)
        if found is None:
            found = self._bounds[text] = _word_bounds(text)
        return found

    def name_keys(self) -> list[tuple[str, list[str]]]:
        """Each mechanism's name, with its name and aliases as nearest_names compares them (kept: clbp browse asks
        on every key that finds nothing)."""
        if self._name_keys is None:  # from the folded values: the name first, then the aliases
            self._name_keys = [
                (
                    row.mechanism.name,
                    [
                        _sounded(self.value(value).replace(" ", ""))
                        for value in range(first, first + 1 + len(row.mechanism.aliases))
                    ],
                )
                for row, first in zip(self.ranked, self.row_starts, strict=False)
            ]
        return self._name_keys


def prepare_search(dataset: Dataset, ranked: Sequence[RankedMechanism]) -> SearchIndex:
    """The data prepared for search(): build it once, search with it often (clbp browse, on every key)."""
    return SearchIndex(dataset, ranked)


def subject_stems(dataset: Dataset) -> frozenset[str]:
    """The stems of the words that name the review's own subject, from the data (`subject.words`)."""
    return frozenset(stem(word) for word in fold(" ".join(dataset.subject.words)).split())


def asks_about_the_whole_review(dataset: Dataset, query: str) -> bool:
    """The query's words (stopwords aside) all name the review's own subject ("back pain", "does exercise work"):
    it asks about the whole review, which every mechanism is about, so search answers nothing."""
    words = [word for word in fold(query).split() if word not in STOPWORDS and len(word) > 1]
    subject = subject_stems(dataset)
    return bool(words) and all(stem(word) in subject for word in words)


def names_an_outcome(index: SearchIndex, query: str) -> bool:
    """The query names one of the trials' outcome measures (`subject.outcomes`: "Oswestry Disability Index",
    "RMDQ"), which measure the result the mechanisms would explain, not a mechanism, so search answers nothing:
    its words (stopwords and the subject's aside) are all words of one outcome's name, and one of them is no word
    of the mechanisms' data ("oswestry", "odi"; not "disability" alone)."""
    words = {word for word in fold(query).split() if word not in STOPWORDS and stem(word) not in index.subject_stems}
    outcomes = [set(fold(outcome).split()) for outcome in index.dataset.subject.outcomes]
    return bool(words) and any(words <= outcome for outcome in outcomes) and not all(_in_data(index, w) for w in words)


def _in_data(index: SearchIndex, word: str) -> bool:
    """A word of the data has this word's stem ('rating': 'rate' in heart rate variability)."""
    stemmed = stem(word)
    return any(index.stem(data_word) == stemmed for data_word in _starting(index.sorted_words, stemmed[:-1] or stemmed))


class _QueryWord(NamedTuple):
    typed: str  # as typed, case-folded (for matched_terms)
    folded: str
    stem: str
    being_typed: bool = False  # the last word of a query typed live (clbp browse): it may be the start of any word
    scores: bool = True  # False for a word naming the review's subject, or a particle: part of a phrase, no more


def _query_words(query: str, index: SearchIndex, typing: bool = False) -> list[_QueryWord]:
    """The query's words, each once, in order: stopwords and single letters dropped; two words that the data
    writes as one joined ("co-ordination", "well being"), and one that it writes as two split ("selfefficacy").
    With `typing`, a last word not yet followed by a space is kept whatever it is, as the start of a word."""
    typed_words = [piece for piece in re.split(r"[\W_]+", query) if piece]
    pairs: list[tuple[str, str]] = []  # (typed, folded)
    for piece in typed_words:
        folded = fold(piece)
        for part in folded.split():
            typed = piece.casefold() if folded == part else part
            pairs += [(typed, half) for half in _split_joined(part, index)] if typed == part else [(typed, part)]
    vocabulary = index.vocabulary
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
        stemmed = stem(folded)
        scores = being_typed or (folded not in PARTICLES and stemmed not in index.subject_stems)
        words.append(_QueryWord(typed, folded, stemmed, being_typed, scores))
        if len(words) == MAX_QUERY_WORDS:  # a pasted paragraph: its first words are plenty, and stay fast
            break
    return words


def _split_joined(word: str, index: SearchIndex) -> list[str]:
    """A word the data writes as two ("selfefficacy": "self efficacy"), as those two; else the word itself."""
    if len(word) < 2 * MIN_JOINED_PART or word in index.vocabulary or not word.isalpha():
        return [word]
    for cut in range(MIN_JOINED_PART, len(word) - MIN_JOINED_PART + 1):
        first, second = word[:cut], word[cut:]
        if first in index.vocabulary and second in index.vocabulary and f" {first} {second} " in index.text:
            return [first, second]
    return [word]


def word_match(query_word: str, data_word: str) -> str | None:
    """How one folded query word matches one folded data word (see MATCH_QUALITY), typos aside; None if not.
    The same rules as _expand, one pair at a time (for tests and for reading)."""
    word = _QueryWord(query_word, query_word, stem(query_word))
    found = _expand(word, frozenset([data_word]))
    return None if found.get(data_word) == "typo" else found.get(data_word)


def _expand(word: _QueryWord, vocabulary: frozenset[str], index: SearchIndex | None = None) -> dict[str, str]:
    """The data's words this query word matches, each with how (a key of MATCH_QUALITY). With `index`, only the
    words that can match are tried (those starting as the word or its stem, holding it, or of a typo's length)."""
    stem_of = index.stem if index is not None else stem
    found: dict[str, str] = {}
    partial = len(word.folded) >= MIN_PARTIAL_WORD_LENGTH or word.being_typed
    long_stem = len(word.stem) >= MIN_PARTIAL_WORD_LENGTH
    head = word.stem[:-1] or word.stem  # a word's stem starts its word, but for a final y (injuries -> injury)
    candidates: frozenset[str] | set[str] = vocabulary
    if index is not None:
        starts = {head}
        if partial:
            starts.add(word.folded)
            if long_stem:
                starts.update((word.stem, word.stem[:FAMILY_START]))
        candidates = {data_word for start in starts for data_word in _starting(index.sorted_words, start)}
        if partial and len(word.folded) >= MIN_INSIDE_LENGTH:
            candidates.update(_holding(index.joined_words, word.folded))
    for data_word in candidates:
        if data_word.startswith(head) and stem_of(data_word) == word.stem:
            found[data_word] = "word"
        elif partial:
            if data_word in STOPWORDS:  # "against" is not "again": a stopword of the data matches only itself
                continue
            if _starts(data_word, word, long_stem, stem_of):
                found[data_word] = "prefix"
            elif len(word.folded) >= MIN_INSIDE_LENGTH and word.folded in data_word:
                found[data_word] = "inside"
    length = len(word.folded)
    allowed = typo_allowance(length)
    dropped = length == MIN_TYPO_LENGTH - 1 and not word.being_typed  # "slep": one letter short of a word
    # Typos are looked for unless the word is in the data as typed, or starts one of its words: a word family
    # alone ("desending" and desensitization) does not say it was typed right.
    if (allowed or dropped) and not any(
        how == "word" or data_word.startswith(word.folded) for data_word, how in found.items()
    ):
        typed = _sounded(word.folded)
        if dropped:
            allowed = 1
        if index is not None:
            lengths = [length + 1] if dropped else range(length - allowed - 1, length + allowed + 2)
            candidates = {data_word for size in lengths for data_word in index.by_length.get(size, ())}
        for data_word in candidates if index is not None else vocabulary:
            if dropped and len(data_word) != length + 1:
                continue
            if abs(len(data_word) - length) <= allowed + 1 and data_word.isalpha() and data_word not in STOPWORDS:
                distance = edit_distance(typed, _sounded(data_word), allowed)
                if distance <= allowed and data_word[0] == typed[0]:  # not at the first letter
                    found.setdefault(data_word, "typo")
    return found


def _starting(words: list[str], start: str) -> list[str]:
    """The words of a sorted list that start with `start`."""
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


def _starts(data_word: str, word: _QueryWord, long_stem: bool, stem_of: Callable[[str], str]) -> bool:
    """The query word starts the data's word, as typed or by its stem, or both are of one word family."""
    if data_word.startswith(word.folded) or (long_stem and data_word.startswith(word.stem)):
        return True
    return (
        long_stem
        and data_word[:FAMILY_START] == word.stem[:FAMILY_START]
        and _same_family(word.stem, stem_of(data_word))
    )


def _same_family(first: str, second: str) -> bool:
    """Two stems of one word family: they differ only in their last letter or two past a common start of
    FAMILY_START+ letters, at most one letter before the shorter one ends ('disabl' and 'disability', 'confident'
    and 'confidenc'; not 'control' and 'contraction')."""
    shared = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        shared += 1
    return shared >= max(FAMILY_START, min(len(first), len(second)) - 1)


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


_STOPWORD_PATTERN = "|".join(map(re.escape, sorted(STOPWORDS, key=len, reverse=True)))


def _acronym_pattern(acronym: str) -> str:
    """A regex matching, from a word on to the end of its value, every value whose initials (of all its words, or of
    all but stopwords) may be this acronym: a word starting with each of its letters in turn, only stopwords
    between them and after the last; and some that are not (checked after)."""
    first = re.escape(acronym[0])
    stopwords = f"(?: (?:{_STOPWORD_PATTERN}))*"
    rest = "".join(f"{stopwords} {re.escape(letter)}[^ \\n]*" for letter in acronym[1:])
    return f"{first}(?<=[ \\n]{first})[^ \\n]*{rest}{stopwords}(?=\\n)"


def _initials(folded: str) -> tuple[str, str]:
    """A value's acronyms: the initials of all its words and of its words but stopwords ('range of motion' ->
    'rom', 'rm'); empty below MIN_ACRONYM_WORDS words, where an acronym would be a guess."""
    words = folded.split()
    if len(words) < MIN_ACRONYM_WORDS:
        return "", ""
    return "".join(w[0] for w in words), "".join(w[0] for w in words if w not in STOPWORDS)


def _idf(matched: int, total: int) -> float:
    return math.log(1 + (total - matched + 0.5) / (matched + 0.5))


class _Query(NamedTuple):
    """What scoring a row needs to know of the query."""

    words: list[_QueryWord]
    scoring: list[int]  # the query words that score (not the subject's words, not particles)
    expansions: list[dict[str, str]]  # per query word, the data's words it matches and how (see _expand)
    matching: dict[str, list[tuple[int, float, str]]]  # data word -> (query word, quality, how) for each it matches
    acronyms: frozenset[int]  # the query words that may be acronyms
    rarity: list[float]  # per query word; 0 for those that do not score
    stems: list[str]  # every query word's stem, for the exact and phrase bonuses
    full_rarity: float
    scoring_rarity: list[tuple[int, float]]  # (query word, rarity) of each that scores
    bonuses: dict[tuple[int, float], float]  # (value, its weight) -> its bonus (see _bonus), as worked out
    coverage_total: float  # what a hit's coverage is divided by (see MIN_COVERAGE)


class _Ranked(NamedTuple):
    score: float
    coverage: float  # the rarity-weighted mean over the query's scoring words of best field weight times match quality
    row_number: int
    anchors: frozenset[int]  # the query words that match one of its words whole (or the start of one)
    matched: int  # how many of the query's scoring words it matches at all


class _Scored(NamedTuple):
    """A row worked out value by value: what _rank needs, and what its hit shows."""

    row_number: int
    best: list[float]  # per query word, its best field weight times match quality
    how: list[str]  # per query word, how that match was made ("" for none)
    fields: list[int]  # per query word, the fields it occurs in, as bits
    bonus: float  # the row's best exact or phrase bonus
    value_number: int  # the value shown: the strongest match
    positions: list[int]  # its words that matched
    value_bonus: float  # the exact or phrase bonus of the value shown


class SearchPage(NamedTuple):
    hits: list[SearchHit]  # the first `top` hits of the theme asked for (all of them without `top`), best first
    matched: int  # how many hits that theme has
    total: int  # how many hits all themes have


def search(
    dataset: Dataset,
    ranked: Sequence[RankedMechanism],
    query: str,
    *,
    typing: bool = False,
    index: SearchIndex | None = None,
) -> list[SearchHit]:
    """Every mechanism matching `query`, most relevant first (ties in published rank order): search_page's hits."""
    return search_page(dataset, ranked, query, typing=typing, index=index).hits


def search_work(index: SearchIndex, query: str, *, typing: bool = False) -> int:
    """About how much a search would have to score: the occurrences in the data of every word its words match. A
    cheap guess of its cost, from the postings' bounds (clbp browse runs a small search at once, in the key's own
    frame, and a large one in a thread)."""
    return sum(
        index.occurrence_count(data_word)
        for word in _query_words(query, index, typing)
        if word.scores
        for data_word in index.expansion(word)
    )


def search_page(
    dataset: Dataset,
    ranked: Sequence[RankedMechanism],
    query: str,
    *,
    top: int | None = None,
    theme_id: str | None = None,
    typing: bool = False,
    index: SearchIndex | None = None,
) -> SearchPage:
    """Mechanisms matching `query`, most relevant first (ties in published rank order): of one theme only, with
    `theme_id`; the first `top` only, with `top` (every match is scored, but only those hits are built). Nothing
    for a query that only names the review's subject (see asks_about_the_whole_review) or one of the trials'
    outcome measures (see names_an_outcome). A query none of whose words can score finds only the values made of
    such words that it holds whole (see _held_values: "it gets me down").

    `typing=True` is for a query typed live (clbp browse re-ranks on every key): its last word, until a space
    follows it, also matches as the start of any word, however short ("fe" finds fear). `index` is the data
    prepared by prepare_search(dataset, ranked), for many searches over the same data; without it, it is built."""
    if not fold(query):
        return SearchPage([], 0, 0)
    if index is None or index.dataset is not dataset or index.ranked is not ranked:
        index = prepare_search(dataset, ranked)
    with collector_paused():
        prepared = _prepare_query(index, _query_words(query, index, typing))
        if prepared is None and not asks_about_the_whole_review(dataset, query):
            return _page(_held_values(index, query), top, theme_id)
        if prepared is None or names_an_outcome(index, query):
            return SearchPage([], 0, 0)
        query_info, specific, unknown = prepared
        kept = _kept(_scores(index, query_info), specific, unknown)
        in_theme = kept if theme_id is None else [s for s in kept if ranked[s.row_number].mechanism.theme == theme_id]
        first = heapq.nsmallest(top, in_theme, key=_order) if top is not None else sorted(in_theme, key=_order)
        return SearchPage(_hits(index, first, query_info), len(in_theme), len(kept))


def _page(hits: list[SearchHit], top: int | None, theme_id: str | None) -> SearchPage:
    """A page of hits already in order: of one theme only, with `theme_id`; the first `top` only, with `top`."""
    in_theme = hits if theme_id is None else [hit for hit in hits if hit.row.mechanism.theme == theme_id]
    return SearchPage(in_theme[:top], len(in_theme), len(hits))


def _held_values(index: SearchIndex, query: str) -> list[SearchHit]:
    """For a query none of whose words can score (stopwords, particles, the subject's words: "it gets me down",
    "I'm doing too much"): the values of the data made only of such words, of two words or more, that it holds
    whole, each an exact or phrase hit; the best field first, then in published rank order. At most one per row."""
    words = fold(query).split()[: 4 * MAX_QUERY_WORDS]  # a pasted paragraph: its first words, and fast
    found: dict[int, tuple[int, list[str]]] = {}  # row -> its value held and the words (the longest, then the first)
    for length in range(min(len(words), MAX_HELD_WORDS), 1, -1):
        for start in range(len(words) - length + 1):
            held = words[start : start + length]
            piece = "\n" + " ".join(held) + "\n"
            at = index.text.find(piece)
            while at >= 0:
                value = bisect_right(index.value_starts, at + 1) - 1
                found.setdefault(index.value_rows[value], (value, held))
                at = index.text.find(piece, at + 1)
    ideal = FIELD_WEIGHTS["name"] + EXACT_BONUS
    hits = []
    for row, (value, held) in sorted(found.items()):  # in published rank order, for ties
        field = index.field(value)
        text = index.row_texts(row)[value - index.row_starts[row]]
        whole = index.value(value) == " ".join(words)
        relevance = round(100 * FIELD_WEIGHTS[field] * (1 + (EXACT_BONUS if whole else PHRASE_BONUS)) / ideal)
        spans = ((0, len(text)),)
        kind = "exact" if whole else "phrase"
        hits.append(SearchHit(index.ranked[row], relevance, field, kind, text, spans, tuple(dict.fromkeys(held))))
    return sorted(hits, key=lambda hit: -hit.relevance)


_Match = tuple[list[float], list[str], list[int]]  # per query word its best match quality and how; the positions


def _prepare_query(index: SearchIndex, words: list[_QueryWord]) -> tuple[_Query, frozenset[int] | None, int] | None:
    """The query's words expanded to the data's, and their rarity; when the query is partly outside the review,
    its specific words (one of which a hit must match whole); and how many of its words the data does not hold as
    such. None when no word of the query can score."""
    scoring = [i for i, word in enumerate(words) if word.scores]
    if not scoring:
        return None
    expansions = [index.expansion(word) if word.scores else {} for word in words]
    # A short word that is no word of the data may be an acronym of a value ("ROM": range of motion); one still
    # being typed (clbp browse) that starts words of the data is taken as their start ("mo" on the way to motor).
    acronyms = frozenset(
        i
        for i in scoring
        if len(words[i].folded) in ACRONYM_LENGTHS
        and words[i].folded.isalpha()
        and "word" not in expansions[i].values()
        and not (words[i].being_typed and expansions[i])
    )
    matched_rows: list[set[int]] = []
    for i, expansion in enumerate(expansions):
        rows: set[int] = set()
        for data_word in expansion:
            rows.update(index.word_rows(data_word).rows)
        if i in acronyms:
            rows.update(index.acronym_rows(words[i].folded))
        matched_rows.append(rows)
    total = len(index.ranked)
    rarity = [_idf(len(matched_rows[i]), total) if words[i].scores else 0.0 for i in range(len(words))]
    matching: dict[str, list[tuple[int, float, str]]] = {}
    for i, expansion in enumerate(expansions):
        for data_word, how in expansion.items():
            matching.setdefault(data_word, []).append((i, MATCH_QUALITY[how], how))
    specific = None
    if not all(matched_rows[i] for i in scoring):
        # A word matched nothing ("shoulder pain", "diabetes medication"): the query is partly outside the review,
        # so keep only mechanisms where a specific word of it (one in few mechanisms) matches whole.
        specific = frozenset(i for i in scoring if matched_rows[i] and len(matched_rows[i]) <= COMMON_SHARE * total)
    stems = [word.stem for word in words]
    scoring_rarity = [(i, rarity[i]) for i in scoring]
    # A rare word says more of what the query means; one that matches nothing weighs UNKNOWN_WEIGHT of the others'
    # mean.
    known = [rarity[i] for i in scoring if matched_rows[i]]
    unknown_weight = UNKNOWN_WEIGHT * (sum(known) / len(known) if known else 1.0)
    coverage_total = sum(rarity[i] if matched_rows[i] else unknown_weight for i in scoring) or 1.0
    query = _Query(
        words, scoring, expansions, matching, acronyms, rarity, stems, sum(rarity), scoring_rarity, {}, coverage_total
    )
    # Words of the query the data does not hold as such (no word of that stem, no acronym): "wifi", and "phone"
    # (only one letter from bone) or "tech" (only the start of technique).
    unknown = sum(
        "word" not in expansions[i].values() and not (i in acronyms and index.acronym_rows(words[i].folded))
        for i in scoring
    )
    return query, specific, unknown


def _matches(index: SearchIndex, query: _Query, rows: set[int]) -> dict[int, _Match]:
    """For each value of these rows holding a match (counted over the whole data): how each query word matched it,
    and where."""
    size = len(query.words)
    found: dict[int, _Match] = {}
    for data_word, matching in query.matching.items():
        for row, value, position in index.occurrences(data_word):
            if row not in rows:
                continue
            entry = found.get(value)
            if entry is None:
                entry = found[value] = ([0.0] * size, [""] * size, [])
            quality, how, positions = entry
            positions.append(position)
            for i, match_quality, match in matching:
                if match_quality > quality[i] or (match_quality == quality[i] and _FIRST[match] < _FIRST[how[i]]):
                    quality[i], how[i] = match_quality, match
    for i in query.acronyms:  # every value but the description may be an acronym's
        for row in rows.intersection(index.acronym_rows(query.words[i].folded)):
            for number, pair in enumerate(index.initials(row)):
                if query.words[i].folded in pair:
                    value = index.row_starts[row] + number
                    entry = found.setdefault(value, ([0.0] * size, [""] * size, []))
                    if not entry[0][i]:
                        entry[0][i], entry[1][i] = MATCH_QUALITY["acronym"], "acronym"
                        entry[2].extend(range(len(index.value_words(value))))
    return found


def _scores(index: SearchIndex, query: _Query) -> list[_Ranked]:
    """Every matching row's score, as _score works it out, but word by word over the rows rather than row by row
    (a key typed in clbp browse may match every row): per scoring query word, the best field weight times match
    quality in each row and the fields it occurs in, from each data word's rows (SearchIndex.word_rows); everyday
    phrases, acronyms and the exact and phrase bonuses, value by value, where they occur."""
    size = len(query.words)
    best: list[dict[int, float]] = [{} for _ in range(size)]
    how: list[dict[int, str]] = [{} for _ in range(size)]
    fields: list[dict[int, int]] = [{} for _ in range(size)]  # row -> the fields it occurs in, as bits

    def note(i: int, row: int, value: float, match: str, bits: int) -> None:
        old = best[i].get(row)
        if old is None or _better(value, match, old, how[i][row]):
            best[i][row], how[i][row] = value, match
        fields[i][row] = fields[i].get(row, 0) | bits

    phrases: dict[int, _Match] = {}  # per everyday phrase matched: quality and how per query word, and where
    whole: dict[int, set[int]] = {}  # per query word, the values it matches whole
    for i in query.scoring:
        whole[i] = set()
        for data_word, match in query.expansions[i].items():
            match_quality = MATCH_QUALITY[match]
            rows = index.word_rows(data_word)
            best_i, how_i, fields_i, first = best[i], how[i], fields[i], _FIRST[match]
            for row, (weight, bits) in rows.best.items():  # note(), inline: this is the loop over many rows
                value = weight * match_quality
                old = best_i.get(row)
                if old is None or value > old or (value == old and first < _FIRST[how_i[row]]):
                    best_i[row], how_i[row] = value, match
                fields_i[row] = fields_i.get(row, 0) | bits
            for _, value, position in rows.phrases:
                entry = phrases.setdefault(value, ([0.0] * size, [""] * size, []))
                entry[2].append(position)
                if _better(match_quality, match, entry[0][i], entry[1][i]):
                    entry[0][i], entry[1][i] = match_quality, match
            if match == "word":
                whole[i].update(rows.values)
    for i in query.acronyms:  # every value but the description may be an acronym's
        for row in index.acronym_rows(query.words[i].folded):
            for number, pair in enumerate(index.initials(row)):
                if query.words[i].folded in pair:
                    field = index.fields(row)[number]
                    note(i, row, FIELD_WEIGHTS[field], "acronym", _FIELD_BITS[field])
    phrase_weights = {}
    for value, (quality, matches, positions) in phrases.items():
        row = index.value_rows[value]
        weight = phrase_weights[value] = FIELD_WEIGHTS["phrase"] * _phrase_share(
            index.value_words(value), positions, index
        )
        for i in query.scoring:
            if quality[i]:
                note(i, row, weight * quality[i], matches[i], _FIELD_BITS["phrase"])
    bonuses: dict[int, float] = {}
    for value in set.intersection(*(whole[i] for i in query.scoring)):  # values holding every word whole
        row = index.value_rows[value]
        field = index.field(value)
        weight = phrase_weights[value] if field == "phrase" else FIELD_WEIGHTS[field]
        bonuses[row] = max(bonuses.get(row, 0.0), _bonus(index, value, weight, query))
    return _rank(sorted(set().union(*(best[i] for i in query.scoring))), best, how, fields, bonuses, query)


def _rank(
    rows: list[int],
    best: list[dict[int, float]],
    how: list[dict[int, str]],
    fields: list[dict[int, int]],
    bonus: dict[int, float],
    query: _Query,
) -> list[_Ranked]:
    """The ranking. Given, per query word and row, the best field weight times match quality, how that match was
    made and the fields the word occurs in (as bits); and per row its best exact or phrase bonus: a row's score is
    the bonus plus, for each scoring word, its rarity times its best plus a little per other field it occurs in."""
    words = [(i, query.rarity[i], best[i], how[i], fields[i]) for i in query.scoring]
    anchor_sets: dict[tuple[int, ...], frozenset[int]] = {}  # one frozenset per set of anchors, not per row
    ranked = []
    for row in rows:
        score, coverage = bonus.get(row, 0.0), 0.0
        anchors: tuple[int, ...] = ()
        matched = 0
        for i, rarity, best_i, how_i, fields_i in words:
            found = best_i.get(row)
            if found:
                matched += 1
                score += rarity * (found + _OTHER_FIELDS[fields_i[row]])
                coverage += found * rarity
                if how_i[row] in _ANCHORS:
                    anchors += (i,)
        anchor_set = anchor_sets.get(anchors)
        if anchor_set is None:
            anchor_set = anchor_sets[anchors] = frozenset(anchors)
        ranked.append(_Ranked(score, coverage / query.coverage_total, row, anchor_set, matched))
    return ranked


def _better(value: float, match: str, old_value: float, old_match: str) -> bool:
    """A match better than the one kept: a higher value, or the same by an earlier kind of MATCH_QUALITY."""
    return value > old_value or (value == old_value and bool(match) and _FIRST[match] < _FIRST.get(old_match, 99))


_FIRST = {match: order for order, match in enumerate(MATCH_QUALITY)}
_ANCHORS = ("word", "acronym", "prefix")
_FIELD_BITS = {field: 1 << order for order, field in enumerate(FIELD_WEIGHTS)}
# The bonus for the other fields a word occurs in, by the fields it occurs in (as bits).
_OTHER_FIELDS = [
    OTHER_FIELDS_BONUS * min(bits.bit_count() - 1, MAX_OTHER_FIELDS) for bits in range(1 << len(FIELD_WEIGHTS))
]


def _bonus(index: SearchIndex, value: int, weight: float, query: _Query) -> float:
    """A value's exact or phrase bonus (see _stems_bonus), times its field weight and the query's rarity. A value
    of more than MAX_EXACT_WORDS words is not tried for a one-word query (it cannot be that word alone)."""
    found = query.bonuses.get((value, weight))  # ranking and the hit shown both ask
    if found is None:
        if len(query.stems) == 1 and index.value_length(value) > MAX_EXACT_WORDS:
            found = 0.0
        else:
            found = _stems_bonus(index.value_stems(value), query.stems) * weight * query.full_rarity
        query.bonuses[value, weight] = found
    return found


def _kept(scored: list[_Ranked], specific: frozenset[int] | None, unknown: int) -> list[_Ranked]:
    """The hits: those resting on enough of the query, matching one of its specific words whole when it is
    partly outside the review, matching enough of its words for those the data does not hold (`unknown` of them),
    and not far below the best (a word in passing); if none does, those that match LAST_RESORT_WORDS of its words
    with half the share. Ranked by _order."""

    def passing(share: float, words: float) -> list[_Ranked]:
        return [
            s
            for s in scored
            if s.coverage >= share and (specific is None or s.anchors & specific) and s.matched >= words
        ]

    least = UNKNOWN_MATCH_SHARE * unknown
    kept = passing(MIN_COVERAGE, least) or passing(MIN_COVERAGE / 2, max(least, LAST_RESORT_WORDS))
    if kept:
        floor = TAIL_SHARE * max(s.score for s in kept)
        kept = [s for s in kept if s.score >= floor]
    return kept


def _order(scored: _Ranked) -> tuple[float, int]:
    """Best first; ties in published rank order."""
    return -scored.score, scored.row_number


def _score(index: SearchIndex, row_number: int, matches: dict[int, _Match], query: _Query) -> _Scored:
    """What _rank needs of a row, worked out value by value from its values' matches (see _matches; _scores works
    it out for every row at once), and the value its hit shows: the strongest match."""
    codes, first = index.codes, index.row_starts[row_number]
    size = len(query.words)
    best = [0.0] * size  # per query word: its best field weight times match quality
    how_best = [""] * size
    fields_seen = [0] * size  # per query word: the fields it occurs in, as bits
    shown: tuple[float, float, int, list[int]] = (-1.0, 0.0, 0, [])  # (value score, bonus, value, positions)
    bonus_total = 0.0
    scoring = query.scoring_rarity
    for value in range(first, index.row_starts[row_number + 1]):
        entry = matches.get(value)
        if entry is None:
            continue
        quality, how, positions = entry
        code = codes[value]
        weight, bit = _CODE_WEIGHTS[code]
        if code == "p":  # an everyday phrase counts by the share of its content words matched
            weight *= _phrase_share(index.value_words(value), positions, index)
        value_score = 0.0
        every_word = True  # every scoring word matched as a word: the value may hold the whole query's stems
        for i, rarity in scoring:
            if quality[i]:
                fields_seen[i] |= bit
                value_score += rarity * weight * quality[i]
                if _better(weight * quality[i], how[i], best[i], how_best[i]):
                    best[i], how_best[i] = weight * quality[i], how[i]
            if how[i] != "word":
                every_word = False
        bonus = _bonus(index, value, weight, query) if every_word else 0.0
        if bonus > bonus_total:
            bonus_total = bonus
        if value_score > shown[0] or (value_score == shown[0] and bonus > shown[1]):  # the strongest shows why
            shown = (value_score, bonus, value - first, positions)
    return _Scored(row_number, best, how_best, fields_seen, bonus_total, shown[2], shown[3], shown[1])


def _phrase_share(words: list[str], positions: list[int], index: SearchIndex) -> float:
    """The share of an everyday phrase's content words (not stopwords, particles or the subject's words) that the
    query matched: a phrase matches as a phrase, so "high-intensity" reaches "runner's high" only by half."""
    matched = set(positions)
    content = [
        position
        for position, word in enumerate(words)
        if word not in STOPWORDS and word not in PARTICLES and index.stem(word) not in index.subject_stems
    ]
    return sum(position in matched for position in content) / len(content) if content else 1.0


def _stems_bonus(value_stems: list[str], query_stems: list[str]) -> float:
    """EXACT_BONUS when the value is the query (stopwords aside), PHRASE_BONUS when it holds the query's words in
    order and together, else 0; from the stems of their words but stopwords."""
    size = len(query_stems)
    if len(value_stems) < size or (size == 1 and len(value_stems) > 1):  # cannot hold the query
        return 0.0
    if value_stems == query_stems:
        return EXACT_BONUS
    if any(value_stems[i : i + size] == query_stems for i in range(len(value_stems) - size + 1)):
        return PHRASE_BONUS
    return 0.0


def _hits(index: SearchIndex, first: list[_Ranked], query: _Query) -> list[SearchHit]:
    """The hits shown for these ranked rows: for each, the value that matched most strongly (see _score), its
    matched words marked. What a hit's kind and terms are depends only on how each word matched and the value's
    bonus: worked out once for each such pair (a search of thousands of hits has a handful)."""
    matches = _matches(index, query, {found.row_number for found in first})
    ideal = query.full_rarity * (FIELD_WEIGHTS["name"] + EXACT_BONUS) or 1.0
    kinds: dict[tuple[tuple[str, ...], float], tuple[str, tuple[str, ...]]] = {}
    hits = []
    for found in first:
        row_number = found.row_number
        scored = _score(index, row_number, matches, query)
        field = index.field(index.row_starts[row_number] + scored.value_number)
        text = index.row_texts(row_number)[scored.value_number]
        positions = scored.positions if len(scored.positions) == 1 else sorted(set(scored.positions))
        spans = _word_spans(text, positions, index.bounds(text))
        if field == "description":
            text, spans = _snippet(text, spans)
        how = scored.how
        shown = kinds.get(key := (tuple(how), scored.value_bonus))
        if shown is None:
            matched = [i for i in query.scoring if how[i]]
            kind = _kind(scored.value_bonus, matched, how, len(query.scoring))
            shown = kinds[key] = (kind, tuple(query.words[i].typed for i in matched))
        relevance = max(1, min(100, round(100 * found.score / ideal)))
        hits.append(SearchHit(index.ranked[row_number], relevance, field, shown[0], text, spans, shown[1]))
    return hits


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


_ASCII_WORD = re.compile("[A-Za-z0-9]+")


def _word_bounds(text: str) -> list[tuple[int, int]]:
    """For each folded word of `text`, the [start, end) of the original text it comes from: to its next word's
    start, or to the end of the text's last letter or digit."""
    if text.isascii():  # one folded word per run of letters and digits (the spelling rules work inside words)
        return list(map(_MATCH_SPAN, _ASCII_WORD.finditer(text)))
    return _folded_word_bounds(text)


def _folded_word_bounds(text: str) -> list[tuple[int, int]]:
    """_word_bounds for any text, through fold_with_origins."""
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


def _snippet(
    text: str, spans: tuple[tuple[int, int], ...], width: int = SNIPPET_WIDTH
) -> tuple[str, tuple[tuple[int, int], ...]]:
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


def nearest_names(index: SearchIndex, query: str, limit: int = 3) -> list[str]:
    """Mechanism names (or the names of mechanisms whose alias is) within a typo or two of `query`, or whose start
    it is with a typo, closest first, for "did you mean" messages. Empty unless a name is really close: a vague
    guess misleads more than it helps."""
    key = _sounded(compact(query))
    allowed = typo_allowance(len(key))
    if not allowed:
        return []
    name_keys = index.name_keys()
    size = len(key)
    whole_parts = _parts(key, 2 * allowed + 1)  # a name within `allowed` edits holds one of these whole
    start_parts = _parts(key, 3)  # ...and a name's start within one edit has one of these in its place
    found: list[tuple[int, int, str]] = []
    for position, (name, others) in enumerate(name_keys):
        best = allowed + 1
        for other in others:
            if abs(len(other) - size) <= allowed and any(part in other for part, _, _ in whole_parts):
                best = min(best, edit_distance(key, other, allowed))
            if size > MIN_TYPO_LENGTH and len(other) > size and other[0] == key[0]:  # a name's start, mistyped
                start = other[:size]  # ("catastrofy")
                if any(start[at:end] == part for part, at, end in start_parts):
                    best = min(best, edit_distance(key, start, 1) + 1)
        if best <= allowed:
            found.append((best, position, name))
    return [name for _, _, name in sorted(found)[:limit]]


def _parts(word: str, count: int) -> list[tuple[str, int, int]]:
    """`word` cut into `count` pieces (fewer if it is shorter), each with where it starts and ends: one edit (a
    swap of neighbours too) touches at most two neighbouring pieces, so a word within `(count - 1) // 2` edits of
    another keeps one of them whole (nearest_names looks only at names that do)."""
    count = min(count, len(word))
    cuts = [round(i * len(word) / count) for i in range(count + 1)]
    return [(word[cuts[i] : cuts[i + 1]], cuts[i], cuts[i + 1]) for i in range(count)]


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
        stems = _stems_of(folded)  # another form of a name's or an alias's words ("sleeping": Sleep)
        by_form = [
            row
            for row in ranked
            if stems in {_stems_of(fold(text)) for text in (row.mechanism.name, *row.mechanism.aliases)}
        ]
        if by_form:
            return _one(name, by_form, exact=True)
    if len(key) >= MIN_NAME_START:
        by_name = [row for row in ranked if compact(row.mechanism.name).startswith(key)]
        if by_name:
            return _one(name, by_name, exact=True)
        by_alias_start = [
            row for row in ranked if any(_starts_inside_a_word(fold(alias), folded) for alias in row.mechanism.aliases)
        ]
        if by_alias_start:
            return _one(name, by_alias_start, exact=True)
    allowed = typo_allowance(len(key))
    if allowed:
        typed = _sounded(key)
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


def _stems_of(folded: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in folded.split() if word not in STOPWORDS)


def _starts_inside_a_word(text: str, start: str) -> bool:
    """`start` begins `text` and stops inside a word ("self-eff" of "self efficacy"; not "back" of "back strength",
    which is a word people search for, not a name they began to type)."""
    return len(start) < len(text) and text.startswith(start) and text[len(start)] != " " and start[-1] != " "


def _one(name: str, rows: list[RankedMechanism], exact: bool) -> Resolved:
    if len(rows) > 1:
        raise LookupFailed("mechanism", name, candidates=[row.mechanism.name for row in rows])
    return Resolved(rows[0], exact=exact)
