"""What each command shows, as frozen views, and the stable records that machine formats are made of.

A view is everything a renderer needs for one command's answer; the renderers (terminal, text formats, exports)
only lay it out. The record field names below are the documented, stable machine interface (docs/output.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Union

from clbp_cli.core.citation import MONTHS, apa, short_author_year
from clbp_cli.core.loading import BUNDLED_ORIGIN
from clbp_cli.core.model import PROVENANCE_GROUPS, Dataset, Measure, Mechanism, Theme
from clbp_cli.core.ranking import RankedMechanism, ThemeSummary

if TYPE_CHECKING:  # search.py compiles its spelling rules on import; only search and show need it
    from clbp_cli.core.search import SearchHit

Record = dict[str, Any]
SHARE_DECIMALS = 4  # shares are fractions 0-1, rounded to 4 decimals (0.2727 = 27.27%)


def percent(share: float) -> str:
    """A 0-1 share as a whole percentage for people: 0.2727 -> '27%'."""
    return f"{share * 100:.0f}%"


def theme_names(dataset: Dataset) -> dict[str, str]:
    """Theme id -> name: people read names, programs ids."""
    return {theme.id: theme.name for theme in dataset.themes}


def display_quoted(text: str) -> str:
    """Display quoting: what the user typed, as every message and title quotes it, in straight single quotes as
    click's own messages do ('xml' is not one of ...), with control characters shown escaped rather than sent to the
    terminal. Not for the shell: a command to run next quotes with cli.shell_quoted."""
    return "'" + "".join(char if char.isprintable() else repr(char)[1:-1] for char in text) + "'"


# ---- Words shared by every human format: what the numbers are, and of what -----------------------------------


def proposed_in(dataset: Dataset) -> str:
    """'proposed in 74 of the 110 trials': 36 of the 110 proposed no mechanism, so never 'in 110 trials'."""
    study = dataset.study
    return f"proposed in {study.trials_with_mechanism} of the {study.trials_included} trials"


def headline(dataset: Dataset) -> str:
    """'33 mechanisms proposed in 74 of the 110 trials'."""
    return f"{len(dataset.mechanisms)} mechanisms {proposed_in(dataset)}"


def question_headline(dataset: Dataset) -> str:
    """The review's question and its numbers: 'Why is exercise prescribed for chronic low back pain? 33 mechanisms
    proposed in 74 of the 110 trials (Wun et al. 2021)'. The question comes from the data (subject.headline): a
    file that does not state one gets the numbers alone."""
    question = dataset.subject.headline
    return f"{question + ' ' if question else ''}{headline(dataset)} ({_cite(dataset)})"


def topic(dataset: Dataset) -> str:
    """' of exercise for chronic low back pain', from the data's subject; "" when the file does not say."""
    subject = dataset.subject
    if subject.intervention and subject.condition:
        return f" of {subject.intervention} for {subject.condition}"
    if subject.condition:
        return f" for {subject.condition}"
    return f" of {subject.intervention}" if subject.intervention else ""


def app_summary(dataset: Dataset) -> str:
    """`clbp --help`'s first paragraph, with the question and the numbers of the data the commands will show."""
    return (
        f"{question_headline(dataset)}. The mechanisms of benefit proposed by the trials of a review, how many "
        f"trials proposed each, and where each statement comes from. Counts say how many trials proposed a "
        f"mechanism, not that it works."
    )


# ---- Whose each statement is: the data's stated sources (format 2) ---------------------------------------------

NOT_STATED = "source not stated in the data file"
THEME_MARK = "\u2020"  # a dagger on a mechanism's theme: its source is not that of the counts (clbp's reconstruction)


def stated(dataset: Dataset, group: str) -> str:
    """The label of the source of a group of fields, or that the file does not state it (format 1)."""
    return dataset.said_by(group) or NOT_STATED


def source_id(dataset: Dataset, group: str) -> str:
    """The id of the source of a group of fields, "" when the file does not state it: the records' *_source fields.
    A plain loop: each of search's thousands of records asks twice."""
    for item in dataset.provenance:
        if item.group == group:
            return item.source
    return ""


def theme_marked(dataset: Dataset) -> bool:
    """Whether a mechanism's theme is marked wherever it is shown: when the file says its themes come from another
    source than its counts (the bundled file: clbp's reconstruction, not Table 2)."""
    themes = source_id(dataset, "mechanism_themes")
    return bool(themes) and themes != source_id(dataset, "counts")


def theme_label(dataset: Dataset, name: str) -> str:
    """A mechanism's theme as shown to people: 'Psychosocial\u2020' when its source is not the counts'."""
    return f"{name}{THEME_MARK}" if theme_marked(dataset) else name


def theme_source_note(dataset: Dataset) -> str:
    """The footnote to a marked theme: whose the assignment is ("" when unmarked)."""
    if not theme_marked(dataset):
        return ""
    return f"{THEME_MARK} Theme: {stated(dataset, 'mechanism_themes')} (clbp about explains it)."


def quoted_by(dataset: Dataset) -> str:
    """Whose words a theme's quotations are: 'from a trial in the review, as quoted by Wun et al. 2021 (via
    Psychology Today's 2020 article on the review, ...)', the source as the data file states it ('' if it does not)."""
    via = dataset.said_by("quotes")
    return f"from a trial in the review, as quoted by {_cite(dataset)}{f' (via {via})' if via else ''}"


def proposed_by(dataset: Dataset, count: int) -> str:
    """'Proposed by 10 of the 110 trials as a mechanism of benefit' (singular for one trial): all that a count says
    of the trials; nothing else is attributed to them."""
    trials = dataset.study.trials_included
    if count == 1:
        return f"Proposed by 1 trial (of the {trials}) as a mechanism of benefit"
    return f"Proposed by {count} of the {trials} trials as a mechanism of benefit"


def counts_source(dataset: Dataset) -> str:
    """Where a card's count, shares and rank come from: the stated source, else the file's own citation fields."""
    if dataset.said_by("counts"):
        return dataset.said_by("counts")
    return f"{short_author_year(dataset.source)}, {dataset.source.table} (as the data file states)"


def notes_label(dataset: Dataset) -> str:
    """The heading of a card's own text (definition, vocabulary): whose words these are."""
    definitions, vocabulary = stated(dataset, "definitions"), stated(dataset, "vocabulary")
    both = definitions if definitions == vocabulary else f"definition: {definitions}; words: {vocabulary}"
    return f"Notes ({both})"


EXERCISE_NOTE = "search associations, not what the trials proposed:"
CARD_MEASURES = 8  # a card on a terminal names this many of a mechanism's instruments (the first the data lists)


def sources_sentence(dataset: Dataset) -> str:
    """Each stated source with the groups of fields that come from it, for `clbp about`."""
    if not dataset.provenance:
        return f"{NOT_STATED.capitalize()} (a format {dataset.format_version} file)."
    groups: dict[str, list[str]] = {}
    for item in dataset.provenance:
        groups.setdefault(item.label, []).append(PROVENANCE_GROUPS[item.group])
    return " ".join(f"From {label}: {'; '.join(fields)}." for label, fields in groups.items())


def proposals_in_all(dataset: Dataset) -> str:
    """'241 proposals in all, the sum of the published theme totals': the abstract states the totals, not the sum."""
    return f"{dataset.study.published_proposals} proposals in all, the sum of the published theme totals"


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
        f"at least one mechanism, {study.trials_without_mechanism} none). {several(dataset)}"
    )


def several(dataset: Dataset) -> str:
    """Why shares of trials do not add up to 100%, with the right base: the trials that proposed any mechanism."""
    return (
        f"Of the {dataset.study.trials_with_mechanism} trials that proposed any mechanism, most proposed more than "
        f"one, so the shares do not add up to 100%."
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
        f"({proposals_in_all(dataset)}, so its share is of those, not of trials); "
        f"its listed total is the sum of its mechanisms' counts. Proposals, not evidence that a mechanism works."
    )


def discrepancy_note(summary: ThemeSummary, provenance: str) -> str:
    """Why a theme's published total and its listed counts differ (psychosocial: 87 against 86)."""
    return (
        f"{summary.theme.name}: the published total is {summary.theme.published_total}, but its mechanisms' listed "
        f"counts add up to {summary.listed_total}. {provenance}"
    ).strip()


class MechanismRecord(NamedTuple):
    """The stable fields of a ranked mechanism in every machine format, in column order (docs/output.md)."""

    rank: int
    tied: bool
    id: str
    name: str
    theme: str
    count: int  # type: ignore[assignment]  # the data's own word; shadows tuple.count on purpose
    share_of_trials: float
    share_of_trials_with_mechanism: float
    count_source: str  # the id of the source of the name, count and rank (the data's `sources`); "" if not stated
    theme_source: str  # the id of the source of the mechanism's theme; "" if not stated


class ThemeRecord(NamedTuple):
    """The stable fields of a theme in every machine format, in column order (docs/output.md)."""

    id: str
    name: str
    published_total: int
    published_share: float
    mechanism_count: int
    listed_total: int
    published_total_source: str  # the id of the source of the published total; "" if not stated


class SearchRecord(NamedTuple):
    """What a search hit adds to its mechanism's fields."""

    relevance: float
    matched_field: str
    match_type: str
    matched_text: str
    matched_terms: list[str]


SEARCH_FIELDS = SearchRecord._fields


def themes_columns_note(dataset: Dataset, published: str, share: str, listed: str) -> str:
    """What a themes table's columns mean, under whatever names a format heads them with ('Published' on a table,
    'published_total' in a document)."""
    proposals = dataset.study.published_proposals
    return (
        f"{published} = how often trialists proposed a mechanism of the theme ({proposals_in_all(dataset)}); "
        f"{share} = its share of those {proposals} proposals, not of trials; {listed} = the sum of its mechanisms' "
        f"counts. Proposals, not evidence that a mechanism works."
    )


# ---- One ruler for every bar, in every renderer (terminal, SVG, HTML) -----------------------------------------


def mechanism_ruler(dataset: Dataset) -> int:
    """The count a full-length mechanism bar stands for: the data's most proposed mechanism's, whichever rows are
    shown (`list --top 3`, `list --theme`, `theme`), so that a bar's length always means the same number of trials
    and a theme's small counts draw short bars (Blood flow's 6 is 6/30 of a bar)."""
    return max((mechanism.count for mechanism in dataset.mechanisms), default=0)


def theme_ruler(summaries: Sequence[ThemeSummary]) -> int:
    """The published total a full-length theme bar stands for: the largest theme's."""
    return max((summary.theme.published_total for summary in summaries), default=0)


def bar_fraction(value: float, maximum: float) -> float:
    """How much of a full bar `value` fills on a ruler of `maximum` (0 when there is nothing to measure)."""
    return value / maximum if maximum > 0 else 0.0


def mechanism_record(dataset: Dataset, row: RankedMechanism, *, detail: bool = False) -> Record:
    """A mechanism's MechanismRecord fields (and, in detail, its word lists and their sources), as a dict.

    Written as a dict literal, in MechanismRecord's order (a test keeps the two the same): building the NamedTuple
    and calling _asdict() tripled the cost of 10,000 records.
    """
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
        "count_source": source_id(dataset, "counts"),
        "theme_source": source_id(dataset, "mechanism_themes"),
    }
    if detail:
        record["aliases"] = list(mechanism.aliases)
        record["keywords"] = list(mechanism.keywords)
        record["measures"] = [{"name": m.name, "abbreviation": m.abbreviation} for m in mechanism.measures]
        record["exercises"] = list(mechanism.exercises)
        record["phrases"] = list(mechanism.phrases)
        record["anatomy"] = list(mechanism.anatomy)
        record["description"] = mechanism.description
        record["description_source"] = source_id(dataset, "definitions")
        record["vocabulary_source"] = source_id(dataset, "vocabulary")
    return record


def theme_record(dataset: Dataset, summary: ThemeSummary) -> Record:
    return ThemeRecord(
        id=summary.theme.id,
        name=summary.theme.name,
        published_total=summary.theme.published_total,
        published_share=round(summary.published_share, SHARE_DECIMALS),
        mechanism_count=summary.mechanism_count,
        listed_total=summary.listed_total,
        published_total_source=source_id(dataset, "theme_totals"),
    )._asdict()


def _cite(dataset: Dataset) -> str:
    return short_author_year(dataset.source)


def count_fields_note(dataset: Dataset) -> str:
    """What a mechanism table's fields mean (count, share_of_trials, ...), with the caveat, for a document."""
    study = dataset.study
    return (
        f"count = how many of the {study.trials_included} included trials proposed the mechanism: a proposal, not "
        f"evidence that it works. share_of_trials = count / {study.trials_included}; "
        f"share_of_trials_with_mechanism = count / {study.trials_with_mechanism}, the trials that proposed at "
        f"least one mechanism ({study.trials_without_mechanism} proposed none). {several(dataset)} "
        f"count_source, theme_source: the ids of their sources in the data file (clbp about lists them), "
        f"{source_ids_note(dataset, 'counts', 'mechanism_themes')}."
    )


def source_ids_note(dataset: Dataset, *groups: str) -> str:
    """'table = Table 2 of ...; reconstruction = clbp's ...' for these groups, or that the file states none."""
    labels = dict.fromkeys((item.source, item.label) for item in dataset.provenance if item.group in groups)
    return "; ".join(f"{source} = {label}" for source, label in labels) or "empty: the data file states none"


# Every view answers the same questions, each in one method, so that a renderer never asks which view it has:
#   title()        the same words at the top of the terminal table, in the SVG, the HTML page and Markdown;
#   fields()       the record fields, in column order, for a table's header even when there are no rows;
#   records()      one flat record per row (CSV, Markdown); document() the nested answer (JSON, YAML);
#   record_notes() what the record fields mean, with the caveats that fit, for a document (Markdown). Named by
#                  field (count, published_share), since that is how such a table's columns are headed. Plain
#                  text: the renderer escapes it.


class MechanismListView(NamedTuple):
    """`clbp list`: ranked mechanisms, perhaps filtered to a theme and cut to the top N."""

    dataset: Dataset
    rows: tuple[RankedMechanism, ...]
    theme: Theme | None  # the --theme filter, if any
    available: int  # how many there were before --top

    def showing(self) -> str:
        """'Showing 8 of 33'."""
        return f"Showing {len(self.rows)} of {self.available}"

    def title(self) -> str:
        dataset = self.dataset
        if self.theme:
            question = f"{dataset.subject.headline} " if dataset.subject.headline else ""
            scope = f"{self.theme.name.lower()} mechanisms, {self.available} of the {len(dataset.mechanisms)}"
            return f"{question}{scope} {proposed_in(dataset)} ({_cite(dataset)})"
        return question_headline(dataset)

    def fields(self) -> tuple[str, ...]:
        return MechanismRecord._fields

    def records(self) -> list[Record]:
        return [mechanism_record(self.dataset, row) for row in self.rows]

    def document(self) -> Any:
        return self.records()

    def record_notes(self) -> list[str]:
        return [count_fields_note(self.dataset)]


class ThemeView(NamedTuple):
    """`clbp theme NAME`: one theme's summary and its mechanisms."""

    dataset: Dataset
    summary: ThemeSummary
    rows: tuple[RankedMechanism, ...]

    def title(self) -> str:
        return f"{self.summary.theme.name} mechanisms{topic(self.dataset)} ({_cite(self.dataset)})"

    def fields(self) -> tuple[str, ...]:
        return MechanismRecord._fields

    def records(self) -> list[Record]:
        return [mechanism_record(self.dataset, row) for row in self.rows]

    def document(self) -> Any:
        return self.records()

    def proposed_times(self) -> str:
        """'proposed 87 of 241 times (36% of all proposals)'."""
        summary = self.summary
        return (
            f"proposed {summary.theme.published_total} of {self.dataset.study.published_proposals} times "
            f"({percent(summary.published_share)} of all proposals)"
        )

    def listed(self) -> str:
        """'12 mechanisms whose listed counts add up to 86'."""
        summary = self.summary
        return f"{summary.mechanism_count} mechanisms whose listed counts add up to {summary.listed_total}"

    def quoted_by(self) -> str:
        """Whose words the theme's quotations are: quoted_by(dataset)."""
        return quoted_by(self.dataset)

    def described(self) -> str:
        """The theme's description, with whose words it is: 'Description (clbp's own words, not the review's): ...'."""
        return f"Description ({stated(self.dataset, 'theme_descriptions')}): {self.summary.theme.description}"

    def discrepancy(self) -> str:
        """'Note: the published total is 87, but the listed counts add up to 86' ('' when they agree); each
        renderer says where the explanation is."""
        summary = self.summary
        if not summary.discrepancy:
            return ""
        return (
            f"Note: the published total is {summary.theme.published_total}, but the listed counts add up to "
            f"{summary.listed_total}"
        )

    def record_notes(self) -> list[str]:
        dataset = self.dataset
        summary = self.summary
        notes = [f"{summary.theme.name}: {self.proposed_times()}."]
        if theme_marked(dataset):
            notes.append(f"Which mechanisms are in this theme: {stated(dataset, 'mechanism_themes')}.")
        if summary.discrepancy:
            notes.append(discrepancy_note(summary, dataset.theme_provenance))
        return [*notes, count_fields_note(dataset)]


class ThemesView(NamedTuple):
    """`clbp themes`: the five themes side by side."""

    dataset: Dataset
    summaries: tuple[ThemeSummary, ...]

    def title(self) -> str:
        return f"Themes of the {headline(self.dataset)}{topic(self.dataset)} ({_cite(self.dataset)})"

    def fields(self) -> tuple[str, ...]:
        return ThemeRecord._fields

    def records(self) -> list[Record]:
        return [theme_record(self.dataset, summary) for summary in self.summaries]

    def document(self) -> Any:
        return self.records()

    def record_notes(self) -> list[str]:
        note = themes_columns_note(self.dataset, "published_total", "published_share", "listed_total")
        return [*self.discrepancy_notes, note]

    @property
    def discrepancies(self) -> tuple[ThemeSummary, ...]:
        return tuple(summary for summary in self.summaries if summary.discrepancy)

    @property
    def discrepancy_notes(self) -> tuple[str, ...]:
        """One note per differing theme; the provenance, which explains them all, only once (on the last)."""
        last = len(self.discrepancies) - 1
        return tuple(
            discrepancy_note(summary, self.dataset.theme_provenance if index == last else "")
            for index, summary in enumerate(self.discrepancies)
        )


class SearchView(NamedTuple):
    """`clbp search QUERY`: the hits, most relevant first."""

    dataset: Dataset
    query: str
    hits: tuple[SearchHit, ...]
    available: int = 0  # how many matched before --top (0: as many as shown)

    def title(self) -> str:
        count = len(self.hits)
        noun = "mechanism matches" if count == 1 else "mechanisms match"
        fuzzy = " (no exact match; closest spellings)" if all(hit.kind == "fuzzy" for hit in self.hits) else ""
        first = f" (the first {count} of {self.available})" if self.available > count else ""
        return f"{count} {noun} {display_quoted(self.query)}{first}{fuzzy}"

    def fields(self) -> tuple[str, ...]:
        return MechanismRecord._fields + SearchRecord._fields

    def records(self) -> list[Record]:
        return [
            {  # a dict literal for speed, as in mechanism_record, in SearchRecord's order
                **mechanism_record(self.dataset, hit.row),
                "relevance": hit.relevance,
                "matched_field": hit.field,
                "match_type": hit.kind,
                "matched_text": hit.text,
                "matched_terms": list(hit.matched_terms),
            }
            for hit in self.hits
        ]

    def document(self) -> Any:
        return self.records()

    def record_notes(self) -> list[str]:
        return [count_fields_note(self.dataset)]


class MechanismView(NamedTuple):
    """`clbp show NAME`: one mechanism's card."""

    dataset: Dataset
    row: RankedMechanism
    theme: Theme
    same_theme: tuple[RankedMechanism, ...]  # the theme's other mechanisms, ranked

    def title(self) -> str:
        """On a terminal a card's header is the name; pictures and documents need a sentence."""
        mechanism = self.row.mechanism
        return f"{mechanism.name}: {proposed_by(self.dataset, mechanism.count).lower()} ({_cite(self.dataset)})"

    def fields(self) -> tuple[str, ...]:
        return tuple(self.document())

    def records(self) -> list[Record]:
        return [self.document()]

    def document(self) -> Any:
        return {**mechanism_record(self.dataset, self.row, detail=True), "theme_name": self.theme.name}

    def record_notes(self) -> list[str]:
        dataset = self.dataset
        return [
            count_fields_note(dataset),
            f"description_source, vocabulary_source: the ids of the sources of the description and of the words "
            f"(aliases, keywords, measures, exercises, phrases, anatomy), "
            f"{source_ids_note(dataset, 'definitions', 'vocabulary')}; exercises are {EXERCISE_NOTE[:-1]}.",
        ]

    def card_measures(self) -> list[str]:
        """The instruments a card on a terminal names: the first CARD_MEASURES the data lists, then how many more
        there are and the command that lists them all (a mechanism may have dozens)."""
        mechanism = self.row.mechanism
        labels = [measure.label for measure in mechanism.measures[:CARD_MEASURES]]
        more = len(mechanism.measures) - CARD_MEASURES
        if more > 0:
            command = f"clbp measures -m {mechanism.id}"
            if self.dataset.origin != BUNDLED_ORIGIN:  # a user's file: the command must name it too
                import shlex

                command += f" --data {shlex.quote(self.dataset.origin)}"
            labels.append(f"and {more} more ({command})")
        return labels

    def proposed_by(self) -> str:
        """What the review reports of it: 'Proposed by 10 of the 110 trials as a mechanism of benefit (9% of 110; 14%
        of the 74 that proposed any mechanism)' (singular for one trial)."""
        row = self.row
        study = self.dataset.study
        trials = study.trials_included
        return (
            f"{proposed_by(self.dataset, row.mechanism.count)} ({percent(row.share_of_trials)} of {trials}; "
            f"{percent(row.share_of_trials_with_mechanism)} of the {study.trials_with_mechanism} that proposed any "
            f"mechanism)"
        )


class AboutView(NamedTuple):
    """`clbp about`: the review at a glance: its question, design, numbers, conclusion, dates and themes."""

    dataset: Dataset
    summaries: tuple[ThemeSummary, ...]

    @property
    def discrepancies(self) -> tuple[ThemeSummary, ...]:
        return tuple(summary for summary in self.summaries if summary.discrepancy)

    @property
    def listed_total(self) -> int:
        return sum(summary.listed_total for summary in self.summaries)

    def title(self) -> str:
        return f"About the review: {_cite(self.dataset)}, the {headline(self.dataset)}{topic(self.dataset)}"

    def fields(self) -> tuple[str, ...]:
        return ("field", "value")

    def record_notes(self) -> list[str]:
        """The dates' sentences too: a table of values cannot say them."""
        dates = [f"{label}: {value}" for label, value in self.facts() if label in ("Trials' years", "Year")]
        return dates + self.theme_notes()

    def document(self) -> Any:
        dataset = self.dataset
        study = dataset.study
        source = dataset.source
        return {
            "question": study.question,
            "design": study.design,
            "studies_identified": study.studies_identified,
            "trials_included": study.trials_included,
            "trials_without_mechanism": study.trials_without_mechanism,
            "share_without_mechanism": round(study.trials_without_mechanism / study.trials_included, SHARE_DECIMALS),
            "trials_with_mechanism": study.trials_with_mechanism,
            "mechanisms": len(dataset.mechanisms),
            "published_proposals": study.published_proposals,
            "listed_proposals": self.listed_total,
            "themes": [theme_record(self.dataset, summary) for summary in self.summaries],
            "theme_provenance": dataset.theme_provenance,
            "format_version": dataset.format_version,
            "sources": {item.source: item.label for item in dataset.provenance},
            "provenance": {item.group: item.source for item in dataset.provenance},
            "finding": study.finding,
            "first_trial_year": study.first_trial_year,
            "last_trial_year": study.last_trial_year,
            "trial_years_source": study.trial_years_source,
            "year": source.year,
            "first_online": source.first_online,
            "doi": source.doi,
            "reference": apa(source),
        }

    def records(self) -> list[Record]:
        """One record per fact, for tables (CSV, Markdown); themes as themes.<id>.<field>."""
        rows: list[Record] = []
        for key, value in self.document().items():
            if key == "themes":
                rows += [
                    {"field": f"themes.{theme['id']}.{name}", "value": item}
                    for theme in value
                    for name, item in theme.items()
                    if name != "id"
                ]
            elif isinstance(value, dict):  # sources.<id>, provenance.<group>
                rows += [{"field": f"{key}.{name}", "value": item} for name, item in value.items()]
            else:
                rows.append({"field": key, "value": value})
        return rows

    def facts(self) -> list[tuple[str, str]]:
        """The review at a glance, as labelled sentences for people (terminal, SVG, HTML)."""
        dataset = self.dataset
        study = dataset.study
        source = dataset.source
        facts: list[tuple[str, str]] = []
        if study.question:
            facts.append(("Question", study.question))
        facts.append(("Design", study.design))
        none_share = percent(study.trials_without_mechanism / study.trials_included)
        facts.append((
            "Trials",
            f"{study.studies_identified} studies identified, {study.trials_included} trials included. "
            f"{study.trials_without_mechanism} ({none_share}) proposed no mechanism of benefit; the other "
            f"{study.trials_with_mechanism} proposed at least one, most of them several.",
        ))  # fmt: skip
        listed = (
            f"; the mechanisms' listed counts add up to {self.listed_total}"
            if self.listed_total != study.published_proposals
            else ""
        )
        totals = dataset.said_by("theme_totals")
        unstated = f", which {totals} does not state" if totals else ""
        facts.append((
            "Mechanisms",
            f"{len(dataset.mechanisms)} mechanisms in {len(dataset.themes)} themes, proposed "
            f"{study.published_proposals} times in all (the sum of the published theme "
            f"totals{unstated}{listed}).",
        ))  # fmt: skip
        facts.append(("Conclusion", study.finding))
        years = f"{study.first_trial_year}-{study.last_trial_year}"
        if study.trial_years_source:
            years += f" (a figure from {study.trial_years_source})"
        facts.append(("Trials' years", years + "."))
        published = f"{source.year}, volume {source.volume}, article {source.article_number}."
        online_year, month, day = source.first_online.split("-")
        if int(online_year) != source.year:
            published += (
                f" First online on {int(day)} {MONTHS[int(month) - 1]} {online_year}, so some cite it as "
                f"{online_year}; the article's year is {source.year}."
            )
        facts.append(("Year", published))
        facts.append(("Sources", sources_sentence(dataset)))
        facts.append(("Cite", "clbp cite (APA; --style vancouver, bibtex, ris or csl-json; --format markdown or html)"))
        return facts

    def theme_notes(self) -> list[str]:
        """How the themes were assigned, and where the published and listed totals differ."""
        dataset = self.dataset
        notes = [dataset.theme_provenance] if dataset.theme_provenance else []
        published = dataset.study.published_proposals
        if self.discrepancies and self.listed_total != published:
            names = " and ".join(summary.theme.name.lower() for summary in self.discrepancies)
            under = "this reconstruction" if dataset.theme_provenance else "this assignment of themes"
            notes.append(
                f"Under {under}, the difference between the mechanisms' listed counts ({self.listed_total}; "
                f"from {counts_source(dataset)}) and the published total ({published}) falls in {names}."
            )
        notes.append(proposals_note(dataset))
        return notes


class MeasureRecord(NamedTuple):
    """The stable fields of an instrument in `clbp measures`' machine formats, in column order (docs/output.md)."""

    name: str
    abbreviation: str
    mechanisms: list[str]  # ids, most proposed first
    mechanism_names: list[str]
    themes: list[str]  # the mechanisms' theme ids, each once


class MeasureRow(NamedTuple):
    """One instrument of the vocabulary and the mechanisms whose construct it measures."""

    measure: Measure
    mechanisms: tuple[RankedMechanism, ...]  # most proposed first

    def mechanism_names(self) -> str:
        return ", ".join(row.mechanism.name for row in self.mechanisms)

    def theme_names(self, names: dict[str, str]) -> str:
        """Its mechanisms' themes, each once, by name (`names`: theme_names(dataset))."""
        return ", ".join(dict.fromkeys(names.get(row.mechanism.theme, row.mechanism.theme) for row in self.mechanisms))


def measure_rows(
    ranked: Sequence[RankedMechanism], *, theme_id: str | None = None, mechanism_id: str | None = None
) -> tuple[MeasureRow, ...]:
    """Every instrument that measures the chosen mechanisms (all, a theme's, or one), A-Z by name; an instrument
    listed under several mechanisms is one row (matched by name, in any case)."""
    chosen = [
        row
        for row in ranked
        if (theme_id is None or row.mechanism.theme == theme_id)
        and (mechanism_id is None or row.mechanism.id == mechanism_id)
    ]
    found: dict[str, tuple[Measure, list[RankedMechanism]]] = {}
    for row in chosen:
        for measure in row.mechanism.measures:
            measure_seen, rows = found.setdefault(measure.name.casefold(), (measure, []))
            if not measure_seen.abbreviation and measure.abbreviation:
                found[measure.name.casefold()] = (measure, rows)
            if row not in rows:
                rows.append(row)
    return tuple(
        MeasureRow(measure, tuple(rows)) for _key, (measure, rows) in sorted(found.items(), key=lambda item: item[0])
    )


class MeasuresView(NamedTuple):
    """`clbp measures`: the instruments in clbp's search vocabulary, and the mechanisms each measures."""

    dataset: Dataset
    rows: tuple[MeasureRow, ...]
    theme: Theme | None = None  # the --theme filter, if any
    mechanism: Mechanism | None = None  # the --mechanism filter, if any

    def _chosen(self) -> list[Mechanism]:
        return [
            mechanism
            for mechanism in self.dataset.mechanisms
            if (self.theme is None or mechanism.theme == self.theme.id)
            and (self.mechanism is None or mechanism.id == self.mechanism.id)
        ]

    def chosen(self) -> str:
        """The mechanisms asked about, for a sentence: 'Mood', 'the psychosocial mechanisms', 'the mechanisms'."""
        theme = f"the {self.theme.name.lower()}" if self.theme else "the"
        if self.mechanism is not None:
            return f"{self.mechanism.name} in {theme} theme" if self.theme else self.mechanism.name
        return f"{theme} mechanisms"

    def title(self) -> str:
        count = len(self.rows)
        noun = "instrument" if count == 1 else "instruments"
        if self.mechanism is not None:
            scope = self.mechanism.name
        else:
            measured = len({row.mechanism.id for measure in self.rows for row in measure.mechanisms})
            kind = f" {self.theme.name.lower()}" if self.theme else ""
            scope = f"{measured} of the {len(self._chosen())}{kind} mechanisms"
        return f"{count} {noun} for {scope}: search vocabulary, {self.whose()} ({_cite(self.dataset)})"

    def whose(self) -> str:
        """Whose vocabulary the instruments are, as the data file states it: "clbp's own words, not the review's"."""
        return stated(self.dataset, "vocabulary")

    def vocabulary_note(self) -> str:
        """Whose list this is, said under it in every format."""
        return (
            f"The instruments (questionnaires, physical tests, lab values) are search vocabulary ({self.whose()}): "
            f"what the data file lists as measuring each mechanism's construct. They are not a record of what the "
            f"review's trials measured."
        )

    def unmeasured_note(self) -> str:
        """The chosen mechanisms with no instrument in the vocabulary ('' when every one has some)."""
        names = [mechanism.name for mechanism in self._chosen() if not mechanism.measures]
        return f"No instrument listed for: {', '.join(names)}." if names else ""

    def fields(self) -> tuple[str, ...]:
        return MeasureRecord._fields

    def records(self) -> list[Record]:
        return [
            MeasureRecord(
                name=row.measure.name,
                abbreviation=row.measure.abbreviation,
                mechanisms=[ranked.mechanism.id for ranked in row.mechanisms],
                mechanism_names=[ranked.mechanism.name for ranked in row.mechanisms],
                themes=list(dict.fromkeys(ranked.mechanism.theme for ranked in row.mechanisms)),
            )._asdict()
            for row in self.rows
        ]

    def document(self) -> Any:
        return self.records()

    def record_notes(self) -> list[str]:
        notes = [
            "name, abbreviation = the instrument; mechanisms = the ids of the mechanisms whose construct it "
            "measures (mechanism_names: their names), most proposed first; themes = their themes' ids.",
            self.vocabulary_note(),
        ]
        return [*notes, self.unmeasured_note()] if self.unmeasured_note() else notes


def mechanism_view(dataset: Dataset, ranked: Sequence[RankedMechanism], row: RankedMechanism) -> MechanismView:
    """One mechanism's card, with the other mechanisms of its theme in rank order (`clbp show`, `clbp browse`)."""
    mechanism = row.mechanism
    same_theme = tuple(
        other for other in ranked if other.mechanism.theme == mechanism.theme and other.mechanism.id != mechanism.id
    )
    return MechanismView(dataset, row, dataset.theme_by_id(mechanism.theme), same_theme)


View = Union[MechanismListView, ThemeView, ThemesView, SearchView, MechanismView, AboutView, MeasuresView]


def view_title(view: View) -> str:
    """A view's title: the same words at the top of the terminal table, in the SVG, the HTML page and Markdown."""
    return view.title()


def record_notes(view: View) -> list[str]:
    """What the record fields of a view's table mean, with the caveats that fit it, for a document (Markdown)."""
    return view.record_notes()
