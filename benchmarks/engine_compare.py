"""The engine decision, measured: clbp's own ranking against SQLite FTS5 (Python's sqlite3), on relevance and speed.

The FTS5 engine is the strongest plain setup: one column per field kind with the same field weights in bm25(),
the porter stemmer over clbp's own folding (so British and American spellings still meet), every content word
OR-ed as a prefix query. FTS5 has no typo tolerance of its own. It prints, for each engine, the relevance figures
on the sets given, the time to index and search 10,000 generated mechanisms in-process, and the import cost.

    python benchmarks/engine_compare.py [--set PATH ...] [--size 10000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import search_quality
from scale import generate

from clbp_cli.core.loading import load_dataset
from clbp_cli.core.model import Dataset
from clbp_cli.core.ranking import RankedMechanism, rank_mechanisms
from clbp_cli.core.search import FIELD_WEIGHTS, STOPWORDS, _row_values, fold, prepare_search, search, search_page

COLUMNS = list(FIELD_WEIGHTS)


class Fts5Engine:
    def __init__(self, dataset: Dataset, ranked: tuple[RankedMechanism, ...]) -> None:
        import sqlite3

        self.ranked = ranked
        self.connection = sqlite3.connect(":memory:")
        columns = ", ".join(COLUMNS)
        self.connection.execute(
            f"CREATE VIRTUAL TABLE m USING fts5({columns}, tokenize='porter unicode61 remove_diacritics 2')"
        )
        theme_names = {theme.id: theme.name for theme in dataset.themes}
        rows = []
        for row in ranked:
            fields: dict[str, list[str]] = {column: [] for column in COLUMNS}
            for field, text in _row_values(row, theme_names):
                fields[field].append(fold(text))
            rows.append([" ; ".join(fields[column]) for column in COLUMNS])
        self.connection.executemany(f"INSERT INTO m VALUES ({', '.join('?' * len(COLUMNS))})", rows)
        self.weights = ", ".join(str(FIELD_WEIGHTS[column]) for column in COLUMNS)

    def search(self, query: str) -> list[RankedMechanism]:
        words = [word for word in fold(query).split() if word not in STOPWORDS and len(word) > 1]
        if not words:
            return []
        match = " OR ".join(f'"{word}"*' if len(word) >= 4 else f'"{word}"' for word in words)
        found = self.connection.execute(
            f"SELECT rowid FROM m WHERE m MATCH ? ORDER BY bm25(m, {self.weights})", (match,)
        ).fetchall()
        return [self.ranked[rowid - 1] for (rowid,) in found]


def relevance(engine: str, entries: list[dict[str, Any]]) -> dict[str, search_quality.Scores]:
    if engine == "clbp":
        return search_quality.evaluate(entries)
    dataset = load_dataset(None)
    fts = Fts5Engine(dataset, rank_mechanisms(dataset))
    groups: dict[str, search_quality.Scores] = {}
    for entry in entries:
        expected = {str(key): int(value) for key, value in (entry.get("expected") or {}).items()}
        results = [row.mechanism.id for row in fts.search(str(entry["query"]))]
        for group in ("all", str(entry.get("kind", "?"))):
            groups.setdefault(group, search_quality.Scores()).add(expected, results)
    return groups


def import_cost(module: str) -> float:
    """Median milliseconds to import `module` in a fresh interpreter, over 9 runs."""
    times = []
    for _ in range(9):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    baseline = []
    for _ in range(9):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        baseline.append(time.perf_counter() - start)
    return (sorted(times)[4] - sorted(baseline)[4]) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="sets", type=Path, nargs="+")
    parser.add_argument("--size", type=int, default=10000)
    options = parser.parse_args()
    paths = options.sets or sorted(search_quality.SETS.glob("*.yaml"))
    for path in paths:
        entries = search_quality.load_set(path)
        print(f"\n{path.name}: {len(entries)} queries")
        for engine in ("clbp", "fts5"):
            groups = relevance(engine, entries)
            figures = groups["all"].figures()
            kinds = " ".join(
                f"{kind} {groups[kind].figures()['MRR']:.2f}"
                for kind in sorted(groups)
                if kind != "all" and groups[kind].answerable
            )
            print(
                f"  {engine:<5} MRR {figures['MRR']:.3f}  hit@1 {figures['hit@1']:.3f}  recall {figures['recall']:.3f}"
                f"  no result {figures['no result']:.3f}  none ok {figures['none ok']:.3f}   MRR by kind: {kinds}"
            )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scale.json"
        generate(options.size, path)
        dataset = load_dataset(str(path))
        ranked = rank_mechanisms(dataset)
        print(f"\nin-process, {len(ranked):,} mechanisms (index + one query; median of 3):")
        for query in ("fear", "kinesiofobia", "stress cortisol", "fear of movement", "strength"):
            clbp_times, fts_times = [], []
            for _ in range(3):
                start = time.perf_counter()
                search(dataset, ranked, query)  # without an index: one is built
                clbp_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                Fts5Engine(dataset, ranked).search(query)
                fts_times.append(time.perf_counter() - start)
            print(f"  {query!r:<18} clbp {sorted(clbp_times)[1]:.3f}s   fts5 {sorted(fts_times)[1]:.3f}s")
        print(f"\nin-process, {len(ranked):,} mechanisms, the index built once (one query; median of 5; clbp's first")
        print("200 hits built, as clbp browse asks for them; FTS5's row numbers in bm25 order):")
        index, fts = prepare_search(dataset, ranked), Fts5Engine(dataset, ranked)
        for query in ("fear", "kinesiofobia", "stress cortisol", "fear of movement", "strength"):
            clbp_times, fts_times = [], []
            for _ in range(5):
                start = time.perf_counter()
                search_page(dataset, ranked, query, top=200, index=index)
                clbp_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                fts.search(query)
                fts_times.append(time.perf_counter() - start)
            print(
                f"  {query!r:<18} clbp {sorted(clbp_times)[2] * 1000:.1f}ms   fts5 {sorted(fts_times)[2] * 1000:.1f}ms"
            )
    print(f"\nimport cost over a bare interpreter: sqlite3 {import_cost('sqlite3'):.1f} ms", end="")
    print(f", rapidfuzz {import_cost('rapidfuzz'):.1f} ms" if _has("rapidfuzz") else " (rapidfuzz not installed)")
    return 0


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    sys.exit(main())
