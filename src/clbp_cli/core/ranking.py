"""Ranking mechanisms and summarising themes. Pure functions over the frozen records."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from operator import attrgetter
from typing import NamedTuple

from clbp_cli.core.model import Dataset, Mechanism, Theme


class RankedMechanism(NamedTuple):
    rank: int  # standard competition ranking: equal counts share a rank, the next rank skips ("1224")
    tied: bool  # another mechanism shares this rank
    mechanism: Mechanism
    share_of_trials: float  # count / trials included, 0-1
    share_of_trials_with_mechanism: float  # count / the trials that proposed at least one mechanism, 0-1

    @property
    def rank_label(self) -> str:
        return f"={self.rank}" if self.tied else str(self.rank)


class ThemeSummary(NamedTuple):
    theme: Theme
    published_share: float  # published_total / all published proposals, 0-1
    mechanism_count: int
    listed_total: int  # sum of the counts of the theme's mechanisms

    @property
    def discrepancy(self) -> int:
        return self.theme.published_total - self.listed_total


class SortKey(str, enum.Enum):
    rank = "rank"
    name = "name"
    theme = "theme"


def rank_mechanisms(dataset: Dataset) -> tuple[RankedMechanism, ...]:
    """All mechanisms, most proposed first; the data's order is kept within a tie (the sort is stable)."""
    ordered = sorted(dataset.mechanisms, key=attrgetter("count"), reverse=True)  # reverse keeps ties in order
    tie_sizes = Counter(mechanism.count for mechanism in ordered)
    by_count: dict[
        int, tuple[int, bool, float, float]
    ] = {}  # count -> (rank, tied, the two shares): worked out once per count, not per mechanism
    position = 1
    for count, size in sorted(tie_sizes.items(), reverse=True):
        shares = dataset.share_of_trials(count), dataset.share_of_trials_with_mechanism(count)
        by_count[count] = (position, size > 1, *shares)
        position += size
    make = RankedMechanism._make
    return tuple(
        make((rank, tied, mechanism, share, share_with))
        for mechanism in ordered
        for rank, tied, share, share_with in (by_count[mechanism.count],)
    )


def select_mechanisms(
    dataset: Dataset,
    ranked: Iterable[RankedMechanism],
    *,
    theme_id: str | None = None,
    sort: SortKey = SortKey.rank,
    top: int | None = None,
) -> list[RankedMechanism]:
    """Filter to a theme, sort, then keep the first `top` (after sorting, so --top 5 --sort name is A-E)."""
    rows = [row for row in ranked if theme_id is None or row.mechanism.theme == theme_id]
    if sort is SortKey.name:
        rows.sort(key=lambda row: row.mechanism.name.casefold())
    elif sort is SortKey.theme:  # themes in the data's order (largest published total first), ranks within
        theme_order = {theme.id: index for index, theme in enumerate(dataset.themes)}
        rows.sort(key=lambda row: theme_order[row.mechanism.theme])
    return rows if top is None else rows[:top]


def summarise_themes(dataset: Dataset) -> tuple[ThemeSummary, ...]:
    counts: dict[str, list[int]] = {theme.id: [] for theme in dataset.themes}
    for mechanism in dataset.mechanisms:
        counts[mechanism.theme].append(mechanism.count)
    proposals = dataset.study.published_proposals
    return tuple(
        ThemeSummary(
            theme=theme,
            published_share=theme.published_total / proposals if proposals else 0.0,
            mechanism_count=len(counts[theme.id]),
            listed_total=sum(counts[theme.id]),
        )
        for theme in dataset.themes
    )
