"""Frozen records for the review's data. Pure Python: nothing here knows about files or terminals."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Author:
    family: str
    given: str

    @property
    def initials(self) -> tuple[str, ...]:
        """'Rodrigo R. N.' -> ('R', 'R', 'N'); hyphenated given names keep the hyphen ('Jean-Paul' -> 'J-P')."""
        parts = []
        for word in self.given.replace(".", " ").split():
            parts.append("-".join(piece[0] for piece in word.split("-") if piece))
        return tuple(parts)


@dataclass(frozen=True)
class Source:
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


@dataclass(frozen=True)
class Study:
    design: str
    studies_identified: int
    trials_included: int
    trials_without_mechanism: int
    first_trial_year: int
    last_trial_year: int
    published_proposals: int
    finding: str


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    published_total: int
    description: str
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class Mechanism:
    id: str
    name: str
    count: int
    theme: str  # a Theme.id
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Dataset:
    """The whole review: mechanisms in published order (most proposed first, published order within a tie)."""

    source: Source
    study: Study
    theme_provenance: str
    caveat: str
    themes: tuple[Theme, ...]
    mechanisms: tuple[Mechanism, ...]
    origin: str  # where it was loaded from, for messages

    def theme_by_id(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def share_of_trials(self, count: int) -> float:
        return count / self.study.trials_included
