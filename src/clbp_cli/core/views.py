"""What each command shows, as frozen views, and the stable records that machine formats are made of.

A view is everything a renderer needs for one command's answer; the renderers (terminal, text formats, exports)
only lay it out. The record field names below are the documented, stable machine interface (see README).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Union

from clbp_cli.core.model import Dataset, Theme
from clbp_cli.core.ranking import RankedMechanism, ThemeSummary

if TYPE_CHECKING:  # search.py compiles its spelling rules on import; only search and show need it
    from clbp_cli.core.search import SearchHit

Record = dict[str, Any]
SHARE_DECIMALS = 4  # shares are fractions 0-1, rounded to 4 decimals (0.2727 = 27.27%)


def percent(share: float) -> str:
    """A 0-1 share as a whole percentage for people: 0.2727 -> '27%'."""
    return f"{share * 100:.0f}%"


def discrepancy_note(summary: ThemeSummary, provenance: str) -> str:
    """Why a theme's published total and its listed counts differ (psychosocial: 87 against 86)."""
    return (
        f"{summary.theme.name}: the published total is {summary.theme.published_total}, but its mechanisms' listed "
        f"counts add up to {summary.listed_total}. {provenance}"
    ).strip()


def mechanism_record(row: RankedMechanism, *, detail: bool = False) -> Record:
    mechanism = row.mechanism
    record: Record = {
        "rank": row.rank,
        "tied": row.tied,
        "id": mechanism.id,
        "name": mechanism.name,
        "theme": mechanism.theme,
        "count": mechanism.count,
        "share_of_trials": round(row.share_of_trials, SHARE_DECIMALS),
    }
    if detail:
        record["aliases"] = list(mechanism.aliases)
        record["keywords"] = list(mechanism.keywords)
        record["measures"] = [{"name": m.name, "abbreviation": m.abbreviation} for m in mechanism.measures]
        record["exercises"] = list(mechanism.exercises)
        record["phrases"] = list(mechanism.phrases)
        record["anatomy"] = list(mechanism.anatomy)
        record["description"] = mechanism.description
    return record


def theme_record(summary: ThemeSummary) -> Record:
    return {
        "id": summary.theme.id,
        "name": summary.theme.name,
        "published_total": summary.theme.published_total,
        "published_share": round(summary.published_share, SHARE_DECIMALS),
        "mechanism_count": summary.mechanism_count,
        "listed_total": summary.listed_total,
    }


class MechanismListView(NamedTuple):
    """`clbp list`: ranked mechanisms, perhaps filtered to a theme and cut to the top N."""

    dataset: Dataset
    rows: tuple[RankedMechanism, ...]
    theme: Theme | None  # the --theme filter, if any
    available: int  # how many there were before --top

    def records(self) -> list[Record]:
        return [mechanism_record(row) for row in self.rows]

    def document(self) -> Any:
        return self.records()


class ThemeView(NamedTuple):
    """`clbp theme NAME`: one theme's summary and its mechanisms."""

    dataset: Dataset
    summary: ThemeSummary
    rows: tuple[RankedMechanism, ...]

    def records(self) -> list[Record]:
        return [mechanism_record(row) for row in self.rows]

    def document(self) -> Any:
        return self.records()


class ThemesView(NamedTuple):
    """`clbp themes`: the five themes side by side."""

    dataset: Dataset
    summaries: tuple[ThemeSummary, ...]

    def records(self) -> list[Record]:
        return [theme_record(summary) for summary in self.summaries]

    def document(self) -> Any:
        return self.records()

    @property
    def discrepancies(self) -> tuple[ThemeSummary, ...]:
        return tuple(summary for summary in self.summaries if summary.discrepancy)


class SearchView(NamedTuple):
    """`clbp search QUERY`: the hits, most relevant first."""

    dataset: Dataset
    query: str
    hits: tuple[SearchHit, ...]

    def records(self) -> list[Record]:
        return [
            {
                **mechanism_record(hit.row),
                "relevance": hit.relevance,
                "matched_field": hit.field,
                "match_type": hit.kind,
                "matched_text": hit.text,
            }
            for hit in self.hits
        ]

    def document(self) -> Any:
        return self.records()


class MechanismView(NamedTuple):
    """`clbp show NAME`: one mechanism's card."""

    dataset: Dataset
    row: RankedMechanism
    theme: Theme
    same_theme: tuple[RankedMechanism, ...]  # the theme's other mechanisms, ranked

    def records(self) -> list[Record]:
        return [self.document()]

    def document(self) -> Any:
        return {**mechanism_record(self.row, detail=True), "theme_name": self.theme.name}


def mechanism_view(dataset: Dataset, ranked: Sequence[RankedMechanism], row: RankedMechanism) -> MechanismView:
    """One mechanism's card, with the other mechanisms of its theme in rank order (`clbp show`, `clbp browse`)."""
    mechanism = row.mechanism
    same_theme = tuple(
        other for other in ranked if other.mechanism.theme == mechanism.theme and other.mechanism.id != mechanism.id
    )
    return MechanismView(dataset, row, dataset.theme_by_id(mechanism.theme), same_theme)


View = Union[MechanismListView, ThemeView, ThemesView, SearchView, MechanismView]
