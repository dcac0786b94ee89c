"""Search quality benchmark: how well `clbp search` answers a relevance set of users' queries.

Each set is a YAML list of `{query, kind, expected: {mechanism-id: grade}}`: grade 2 = the answer, 1 = acceptable;
`expected: {}` means the query should find nothing. For each set it prints, overall and per kind:

- MRR: the mean over answerable queries of 1 / the rank of the first result graded 1 or 2 (0 when none is found);
- hit@1: the share of answerable queries whose first result is graded 2;
- recall: the share of grade-2 answers that appear anywhere in the results;
- no result: the share of answerable queries that returned nothing;
- none ok: for `expected: {}` queries, the share that correctly returned nothing.

Then, over the development sets (dev*.yaml), "context": the MRR of their answerable everyday questions (kinds lay,
multiword, clinical, exercise, forms) with a few words of a person's own context added (CONTEXTS: "since my
accident", "as a nurse" ...), whose words the data mostly does not hold. A question should still find its answer;
an engine that treats every unknown word as a sign of another topic loses it. Not a relevance set (the contexts were
chosen by the project, not by an independent writer); it shows the price of the rules for off-topic queries.

It calls the installed clbp_cli's `search()` directly, on the bundled data.

    python benchmarks/search_quality.py [--set PATH ...] [--show-misses] [--no-context]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from clbp_cli.core.loading import load_dataset
from clbp_cli.core.ranking import rank_mechanisms
from clbp_cli.core.search import search

SETS = Path(__file__).resolve().parent / "relevance"
CONTEXTS = [" since my accident", " after sitting all day", " when lifting my toddler", " on long drives",
            " in the mornings", " while pregnant", " as a nurse", " after my operation", " playing football",
            " in older adults"]  # fmt: skip
EVERYDAY_KINDS = ("lay", "multiword", "clinical", "exercise", "forms")


class Scores:
    """Sums for one group of queries (all of a set, or one kind)."""

    def __init__(self) -> None:
        self.answerable = 0
        self.reciprocal = 0.0
        self.first = 0
        self.wanted = 0
        self.found = 0
        self.empty = 0
        self.none_queries = 0
        self.none_ok = 0

    def add(self, expected: dict[str, int], results: list[str]) -> None:
        if not expected:
            self.none_queries += 1
            self.none_ok += not results
            return
        self.answerable += 1
        self.empty += not results
        rank = next((position for position, found in enumerate(results, 1) if expected.get(found, 0) > 0), None)
        self.reciprocal += 1 / rank if rank else 0.0
        self.first += bool(results) and expected.get(results[0], 0) == 2
        answers = {mechanism for mechanism, grade in expected.items() if grade == 2}
        self.wanted += len(answers)
        self.found += len(answers & set(results))

    def figures(self) -> dict[str, float | None]:
        def share(part: float, whole: int) -> float | None:
            return part / whole if whole else None

        return {
            "MRR": share(self.reciprocal, self.answerable),
            "hit@1": share(self.first, self.answerable),
            "recall": share(self.found, self.wanted),
            "no result": share(self.empty, self.answerable),
            "none ok": share(self.none_ok, self.none_queries),
        }


def load_set(path: Path) -> list[dict[str, Any]]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise SystemExit(f"{path}: expected a YAML list of {{query, kind, expected}}")
    return entries


def evaluate(entries: list[dict[str, Any]], show_misses: bool = False) -> dict[str, Scores]:
    """Scores per kind, and overall under the key 'all'."""
    dataset = load_dataset(None)
    ranked = rank_mechanisms(dataset)
    groups: dict[str, Scores] = defaultdict(Scores)
    for entry in entries:
        expected = {str(key): int(value) for key, value in (entry.get("expected") or {}).items()}
        results = [hit.row.mechanism.id for hit in search(dataset, ranked, str(entry["query"]))]
        for group in ("all", str(entry.get("kind", "?"))):
            groups[group].add(expected, results)
        first_good = bool(results) and expected.get(results[0], 0) > 0
        if show_misses and (bool(expected) != first_good or (not expected and results)):
            print(f"  miss [{entry.get('kind')}] {entry['query']!r}: got {results[:3]} expected {expected}")
    return groups


def reciprocal_rank(expected: dict[str, int], results: list[str]) -> float:
    rank = next((position for position, found in enumerate(results, 1) if expected.get(found, 0) > 0), None)
    return 1 / rank if rank else 0.0


def context_report(paths: list[Path]) -> None:
    """The MRR of the development sets' everyday questions as written, and with each of CONTEXTS added."""
    dataset = load_dataset(None)
    ranked = rank_mechanisms(dataset)
    questions = [
        (str(entry["query"]), {str(key): int(value) for key, value in entry["expected"].items()})
        for path in paths
        if path.name.startswith("dev")
        for entry in load_set(path)
        if entry.get("expected") and entry.get("kind") in EVERYDAY_KINDS
    ]
    if not questions:
        return

    def mrr(suffix: str) -> float:
        ranks = [reciprocal_rank(expected, [h.row.mechanism.id for h in search(dataset, ranked, query + suffix)])
                 for query, expected in questions]  # fmt: skip
        return sum(ranks) / len(ranks)

    with_context = [mrr(suffix) for suffix in CONTEXTS]
    print(f"\ncontext: {len(questions)} everyday questions of the dev sets")
    print(f"  as written{mrr(''):>11.3f}")
    print(f"  with context (mean of {len(CONTEXTS)}){sum(with_context) / len(with_context):>11.3f}  "
          f"(worst: {min(with_context):.3f}, '{CONTEXTS[with_context.index(min(with_context))].strip()}')")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="sets", type=Path, nargs="+", help="relevance sets (default: relevance/*.yaml)")
    parser.add_argument("--show-misses", action="store_true", help="list the queries answered wrongly")
    parser.add_argument("--no-context", action="store_true", help="skip the context report")
    options = parser.parse_args()
    paths = options.sets or sorted(SETS.glob("*.yaml"))
    if not paths:
        print(f"no relevance sets in {SETS}", file=sys.stderr)
        return 1
    columns = ["MRR", "hit@1", "recall", "no result", "none ok"]
    for path in paths:
        entries = load_set(path)
        groups = evaluate(entries, options.show_misses)
        print(f"\n{path.name}: {len(entries)} queries")
        print(f"  {'kind':<14}{'queries':>8}" + "".join(f"{column:>11}" for column in columns))
        for name in ["all", *sorted(group for group in groups if group != "all")]:
            scores = groups[name]
            figures = scores.figures()
            cells = "".join(f"{'-' if figures[c] is None else f'{figures[c]:.3f}':>11}" for c in columns)
            print(f"  {name:<14}{scores.answerable + scores.none_queries:>8}{cells}")
    if not options.no_context:
        context_report(paths)
    return 0


if __name__ == "__main__":
    sys.exit(main())
