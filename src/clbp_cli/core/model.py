"""Frozen records for the review's data. Pure Python: nothing here knows about files or terminals.

Every record in clbp is a typing.NamedTuple: immutable and typed like a frozen dataclass, but about four times
cheaper to define (0.25 ms against 1.1 ms per class on the reference machine, where each of ~18 records is paid on
every start-up; see benchmarks/startup.py). Records are built by name, never unpacked by position.
"""

from __future__ import annotations

from typing import NamedTuple


class Author(NamedTuple):
    family: str
    given: str

    @property
    def initials(self) -> tuple[str, ...]:
        """'Rodrigo R. N.' -> ('R', 'R', 'N'); hyphenated given names keep the hyphen ('Jean-Paul' -> 'J-P')."""
        parts = []
        for word in self.given.replace(".", " ").split():
            parts.append("-".join(piece[0] for piece in word.split("-") if piece))
        return tuple(parts)


class Source(NamedTuple):
    id: str
    authors: tuple[Author, ...]
    title: str
    journal: str
    journal_abbreviation: str
    year: int
    volume: str
    article_number: str
    first_online: str  # ISO date, YYYY-MM-DD
    doi: str
    pmid: str
    issn: str
    table: str

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}"


class Study(NamedTuple):
    question: str  # what the review asked; "" when a data file does not say
    design: str
    studies_identified: int
    trials_included: int
    trials_without_mechanism: int
    first_trial_year: int
    last_trial_year: int
    trial_years_source: str  # where the years come from when not from the review itself; "" when they do
    published_proposals: int
    finding: str

    @property
    def trials_with_mechanism(self) -> int:
        """The trials that proposed at least one mechanism (74 of the 110): every count's other denominator."""
        return self.trials_included - self.trials_without_mechanism


class Subject(NamedTuple):
    """What the review is about, in the data's own words. Views take the review's headline and condition from
    here (never from code), and search treats `words` as naming the subject itself: they tell no mechanism apart;
    a query naming one of the `outcomes` (what the trials measured their result with) finds no mechanism either.
    Every field is empty for a data file that does not say, and the views then fall back to neutral wording."""

    headline: str  # the review's question as a headline: "Why is exercise prescribed for chronic low back pain?"
    condition: str  # "chronic low back pain"
    intervention: str  # "exercise"
    words: tuple[str, ...]  # lower-case words that name the subject: "back", "pain", "exercise", "clbp", ...
    outcomes: tuple[str, ...] = ()  # the trials' outcome measures, "Oswestry Disability Index (ODI)": no mechanism's


class Theme(NamedTuple):
    id: str
    name: str
    published_total: int
    description: str
    quotes: tuple[str, ...]


class Measure(NamedTuple):
    """An instrument used to measure a mechanism's construct: a questionnaire, a physical test or a lab value."""

    name: str  # e.g. "Tampa Scale for Kinesiophobia"
    abbreviation: str  # e.g. "TSK"; "" when it has none

    @property
    def label(self) -> str:
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name


class Mechanism(NamedTuple):
    """One proposed mechanism. The word lists are kept apart by kind: a measure or a related word is no synonym."""

    id: str
    name: str
    count: int  # type: ignore[assignment]  # the data's own word; shadows tuple.count on purpose
    theme: str  # a Theme.id
    aliases: tuple[str, ...]  # synonyms: other names for the same thing
    keywords: tuple[str, ...]  # related words: concepts near it, not the same thing
    measures: tuple[Measure, ...]  # instruments that measure the construct
    exercises: tuple[str, ...]  # exercise types: the data's association for searching, not what trialists proposed
    phrases: tuple[str, ...]  # everyday words people use for it ("feeling down")
    anatomy: tuple[str, ...]  # body parts and tissues involved
    description: str


# The groups of fields whose source a format-2 data file states (its `provenance:` mapping), in the order views
# list them, with the fields each covers. A format-1 file states none: its provenance is "not stated".
PROVENANCE_GROUPS: dict[str, str] = {
    "study": "the study's question, design, numbers of studies and trials, and conclusion",
    "trial_years": "the first and last year of the included trials",
    "theme_totals": "the themes' names and published totals",
    "quotes": "the themes' quotations",
    "counts": "the mechanisms' names, counts and order",
    "mechanism_themes": "each mechanism's theme",
    "theme_descriptions": "the themes' descriptions",
    "definitions": "the mechanisms' descriptions",
    "vocabulary": "aliases, related words, measures, exercise types, everyday phrases, anatomy and subject words",
}


class Provenance(NamedTuple):
    """Where one group of fields comes from, as the data file states it."""

    group: str  # a key of PROVENANCE_GROUPS
    source: str  # the id of one of the file's `sources`
    label: str  # that source's label, as the file writes it: "Table 2 of the review, as reproduced in ..."


class Dataset(NamedTuple):
    """The whole review: mechanisms in published order (most proposed first, published order within a tie)."""

    source: Source
    study: Study
    subject: Subject
    theme_provenance: str
    caveat: str
    themes: tuple[Theme, ...]
    mechanisms: tuple[Mechanism, ...]
    origin: str  # where it was loaded from, for messages
    format_version: int
    provenance: tuple[Provenance, ...]  # one per group, in PROVENANCE_GROUPS order; empty when not stated (format 1)

    def said_by(self, group: str) -> str:
        """The label of the source of a group of fields, as the file states it; "" when it does not say."""
        for item in self.provenance:
            if item.group == group:
                return item.label
        return ""

    def theme_by_id(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def share_of_trials(self, count: int) -> float:
        return count / self.study.trials_included

    def share_of_trials_with_mechanism(self, count: int) -> float:
        with_mechanism = self.study.trials_with_mechanism
        return count / with_mechanism if with_mechanism else 0.0
