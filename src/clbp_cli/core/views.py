"""What each command shows, as frozen views, and the stable records that machine formats are made of.

A view is everything a renderer needs for one command's answer; the renderers (terminal, text formats, exports)
only lay it out. The record field names below are the documented, stable machine interface (see README).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, Union

from clbp_cli.core.citation import short_author_year
from clbp_cli.core.model import Dataset, Theme
from clbp_cli.core.ranking import RankedMechanism, ThemeSummary

if TYPE_CHECKING:  # search.py compiles its spelling rules on import; only search and show need it
    from clbp_cli.core.search import SearchHit

Record = dict[str, Any]
SHARE_DECIMALS = 4  # shares are fractions 0-1, rounded to 4 decimals (0.2727 = 27.27%)


def percent(share: float) -> str:
    """A 0-1 share as a whole percentage for people: 0.2727 -> '27%'."""
    return f"{share * 100:.0f}%"


# ---- Words shared by every human format: what the numbers are, and of what -----------------------------------


def proposed_in(dataset: Dataset) -> str:
    """'proposed in 74 of the 110 trials': 36 of the 110 proposed no mechanism, so never 'in 110 trials'."""
    study = dataset.study
    return f"proposed in {study.trials_with_mechanism} of the {study.trials_included} trials"


def headline(dataset: Dataset) -> str:
    """'33 mechanisms proposed in 74 of the 110 trials'."""
    return f"{len(dataset.mechanisms)} mechanisms {proposed_in(dataset)}"


def app_summary(dataset: Dataset) -> str:
    """`clbp --help`'s first paragraph, with the numbers of the data the commands will show."""
    return (
        f"Why exercise helps chronic low back pain: the {headline(dataset)} of exercise in the review by "
        f"{short_author_year(dataset.source)}. Counts say how many trials proposed a mechanism, not that it works."
    )


def trial_share_label(dataset: Dataset) -> str:
    """The header of a share-of-trials column: '% of 110'."""
    return f"% of {dataset.study.trials_included}"


def proposal_share_label(dataset: Dataset) -> str:
    """The header of a theme's share column: '% of 241' (proposals, not trials)."""
    return f"% of {dataset.study.published_proposals}"


def trial_share_note(dataset: Dataset) -> str:
    """Said once wherever shares of trials appear: their denominator, and why they do not add up to 100%."""
    study = dataset.study
    return (
        f"Shares of trials are of all {study.trials_included} included trials ({study.trials_with_mechanism} proposed "
        f"at least one mechanism, {study.trials_without_mechanism} none). Most trials proposed several mechanisms, "
        f"so the shares do not add up to 100%."
    )


def count_caveat(dataset: Dataset) -> str:
    """Where counts appear without a Trials column to hang the data's caveat on (a card, a Markdown table)."""
    return (
        f"A count is how many of the {dataset.study.trials_included} trials proposed the mechanism: a proposal, "
        f"not evidence that it works."
    )


def proposals_note(dataset: Dataset) -> str:
    """What a theme's total and its share count: proposals (241), not trials."""
    return (
        f"A theme's published total is how often trialists proposed a mechanism of that theme "
        f"({dataset.study.published_proposals} proposals in all, so its share is of those, not of trials); "
        f"its listed total is the sum of its mechanisms' counts. Proposals, not evidence that a mechanism works."
    )


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
        "share_of_trials_with_mechanism": round(row.share_of_trials_with_mechanism, SHARE_DECIMALS),
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


View = Union[MechanismListView, ThemeView, ThemesView, SearchView, MechanismView]


def view_title(view: View) -> str:
    """A view's title for pictures and documents (SVG, HTML, Markdown), with its source."""
    dataset = view.dataset
    cite = short_author_year(dataset.source)
    study = dataset.study
    of_trials = (
        f"{study.trials_with_mechanism} of the {study.trials_included} exercise trials for chronic low back pain"
    )
    if isinstance(view, MechanismListView):
        if view.theme:
            return (
                f"{view.theme.name} mechanisms: {view.available} of the {len(dataset.mechanisms)} "
                f"{proposed_in(dataset)} ({cite})"
            )
        return f"Mechanisms proposed in {of_trials} ({cite})"
    if isinstance(view, ThemeView):
        return f"{view.summary.theme.name} mechanisms of exercise for chronic low back pain ({cite})"
    if isinstance(view, ThemesView):
        return f"Themes of the {headline(dataset)} of exercise for chronic low back pain ({cite})"
    if isinstance(view, SearchView):
        return f"Mechanisms matching \u201c{view.query}\u201d ({cite})"
    return (
        f"{view.row.mechanism.name}: a mechanism proposed in {view.row.mechanism.count} of the "
        f"{study.trials_included} trials ({cite})"
    )


def record_notes(view: View) -> list[str]:
    """What the record fields of a view's table mean, with the caveats that fit it, for a document (Markdown).

    Named by field (count, published_share), since that is how such a table's columns are headed. Plain text:
    the renderer escapes it.
    """
    dataset = view.dataset
    study = dataset.study
    notes: list[str] = []
    if isinstance(view, ThemesView):
        notes += [discrepancy_note(summary, dataset.theme_provenance) for summary in view.discrepancies]
        notes.append(
            f"published_total = how often trialists proposed a mechanism of the theme ({study.published_proposals} "
            f"proposals in all); published_share = published_total / {study.published_proposals}, a share of "
            f"proposals, not of trials; listed_total = the sum of its mechanisms' counts. Proposals, not evidence "
            f"that a mechanism works."
        )
        return notes
    if isinstance(view, ThemeView):
        summary = view.summary
        notes.append(
            f"{summary.theme.name}: proposed {summary.theme.published_total} of {study.published_proposals} times "
            f"({percent(summary.published_share)} of all proposals)."
        )
        if summary.discrepancy:
            notes.append(discrepancy_note(summary, dataset.theme_provenance))
    notes.append(
        f"count = how many of the {study.trials_included} included trials proposed the mechanism: a proposal, not "
        f"evidence that it works. share_of_trials = count / {study.trials_included}; "
        f"share_of_trials_with_mechanism = count / {study.trials_with_mechanism}, the trials that proposed at "
        f"least one mechanism ({study.trials_without_mechanism} proposed none). Most trials proposed several "
        f"mechanisms, so the shares do not add up to 100%."
    )
    return notes
