"""Scale benchmark: `list --format json` and `search` on generated data files of 1,000, 10,000 and 50,000
mechanisms (plus the real 33). Exits 1 if the 10,000 file takes over 1 s (a search as JSON, warm, over 0.4 s), or 10x
the data costs over 10x the time.

Each command is timed cold (CLBP_NO_CACHE=1: the file is parsed and validated, and search folds it, on every run),
first (an empty cache: the first run after an edit, which also writes the caches) and warm (the validated data and
search's folded data come from clbp's cache). Budgets apply to all three; the 0.4 s to warm JSON searches only,
each timed as the median of at least three runs (BUDGETED_ROUNDS).

clbp runs as installed: from compiled bytecode (pip compiles it at install), kept in the benchmark's temporary
folder (PYTHONPYCACHEPREFIX), whatever PYTHONDONTWRITEBYTECODE says; an untimed run writes it first.

    python benchmarks/scale.py [--sizes 1000 10000 50000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.resources import files
from pathlib import Path

import yaml

WORDS = ["trunk", "spinal", "muscle", "nerve", "pain", "fear", "load", "core", "tissue", "blood", "motor", "control", "balance", "posture", "strength", "endurance", "stiffness", "confidence", "sleep", "mood", "stress", "healing", "movement", "graded", "exposure", "activity"]  # fmt: skip
BUDGET_SECONDS = 1.0
SEARCH_BUDGET_SECONDS = 0.4  # any query, JSON output, the whole process, the data cache warm (issue 19)
# The warm JSON searches at 10,000 are timed as the median of at least this many runs, even with --rounds 1 (as in
# CI): one run on a busy machine says more of the machine than of clbp; the median of three costs about 4 s more.
BUDGETED_ROUNDS = 3


def generate(size: int, path: Path) -> None:
    """The bundled file with `size` synthetic mechanisms added, spread over its themes."""
    data = yaml.safe_load((files("clbp_cli") / "data" / "wun2021.yaml").read_text(encoding="utf-8"))
    rng = random.Random(size)
    themes = [theme["id"] for theme in data["themes"]]
    trials = data["study"]["trials_included"]
    for index in range(size):
        words = rng.sample(WORDS, 6)
        data["mechanisms"].append(
            {
                "id": f"synthetic-{index}",
                "name": f"Synthetic {words[0]} {words[1]} {index}",
                "count": rng.randint(0, trials // 4),
                "theme": rng.choice(themes),
                "aliases": [f"{words[2]} {words[3]} {index}"],
                "keywords": [words[4], words[5]],
                "description": f"A generated mechanism about {' and '.join(words)}. It exists to measure speed.",
            }
        )
    # JSON syntax (which is YAML): how a script writes a table this size, and the loader's fast path.
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def clbp() -> list[str]:
    script = Path(sys.executable).parent / "clbp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "clbp_cli"]


def timed(args: list[str], rounds: int, env: dict[str, str], fresh: bool) -> float:
    """The median wall time of `rounds` runs; with `fresh`, each in an empty cache folder under CLBP_CACHE_DIR."""
    times = []
    for _ in range(rounds):
        run_env = {**env, "CLBP_CACHE_DIR": tempfile.mkdtemp(dir=env["CLBP_CACHE_DIR"])} if fresh else env
        start = time.perf_counter()
        subprocess.run([*clbp(), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=run_env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    cases = {"list --format json": ["list", "--format", "json"], "search fear --format json": ["search", "fear", "--format", "json"],
             "search kinesiofobia --format json": ["search", "kinesiofobia", "--format", "json"],
             "search strength --format json": ["search", "strength", "--format", "json"],
             "search 'fear of movement' --format json": ["search", "fear of movement", "--format", "json"],
             "search 'trunk muscle nerve pain fear load core' --format json": ["search", "trunk muscle nerve pain fear load core", "--format", "json"],
             "search 'how do I cope when my back flares up' --format json": ["search", "how do I cope when my back flares up", "--format", "json"],
             "search synthetic --format json": ["search", "synthetic", "--format", "json"],
             "search fear (table)": ["search", "fear"]}  # fmt: skip
    results: dict[tuple[str, str, int], float] = {}
    with tempfile.TemporaryDirectory() as folder:
        skipped = ("CLBP_DATA", "CLBP_CACHE_DIR", "CLBP_NO_CACHE", "PYTHONDONTWRITEBYTECODE")
        base = {key: value for key, value in os.environ.items() if key not in skipped}
        base["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "bytecode")
        modes = {
            "cold": {**base, "CLBP_NO_CACHE": "1"},
            "first": {**base, "CLBP_CACHE_DIR": str(Path(folder) / "first")},
            "warm": {**base, "CLBP_CACHE_DIR": str(Path(folder) / "cache")},
        }
        for size in options.sizes:
            path = Path(folder) / f"scale-{size}.yaml"
            generate(size, path)
            data = ["--data", str(path)]
            subprocess.run([*clbp(), "list", *data], stdout=subprocess.DEVNULL, check=True, env=modes["warm"])
            os.makedirs(modes["first"]["CLBP_CACHE_DIR"], exist_ok=True)
            for mode, env in modes.items():
                for name, args in cases.items():
                    rounds = options.rounds
                    if mode == "warm" and size == 10000 and name.endswith("--format json"):
                        rounds = max(rounds, BUDGETED_ROUNDS)
                    results[mode, name, size] = timed([*args, *data], rounds, env, fresh=mode == "first")
    failed = []
    for mode in modes:
        print(f"\n{mode:<66}" + "".join(f"{size:>10,}" for size in options.sizes))
        for name in cases:
            print(f"  {name:<64}" + "".join(f"{results[mode, name, size]:9.2f}s" for size in options.sizes))
        for name in cases:
            json_search = name.startswith("search") and name.endswith("--format json")
            budget = SEARCH_BUDGET_SECONDS if mode == "warm" and json_search else BUDGET_SECONDS
            if 10000 in options.sizes and results[mode, name, 10000] > budget:
                failed.append(f"{mode} {name}: {results[mode, name, 10000]:.2f}s at 10,000 (budget {budget:g}s)")
            for small, large in zip(options.sizes, options.sizes[1:], strict=False):
                ratio = results[mode, name, large] / results[mode, name, small]
                print(f"  {name}: {large / small:g}x the data from {small:,} costs {ratio:.1f}x the time")
                if (small, large) == (1000, 10000) and ratio > 10:  # the test of near-linear growth
                    failed.append(f"{mode} {name}: 10x the data cost {ratio:.1f}x the time")
    for line in failed:
        print("budget missed:", line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
