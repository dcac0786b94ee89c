"""Benchmark of `clbp browse`: first paint, re-ranking per keystroke, memory. Exits 1 when a budget is missed.

    python benchmarks/browse.py [--rounds 5] [--size 10000]

Budgets (issues 12 and 19): first paint <= 1 s; re-ranking per keystroke (median) <= 16 ms at the review's 33
mechanisms and <= 30 ms at 10,000 (a generated file, as in benchmarks/scale.py), the worst key <= 100 ms there.
Memory is reported, with no budget.

- First paint: the installed `clbp browse` in a pseudo-terminal of 120x40, from start until the list's first row
  is drawn (the data cache warm, as on every run after the first). Then Ctrl+Q; memory is the process's peak RSS.
- Re-ranking per keystroke: the app headless (Textual's run_test, 120x40), `/` then queries typed one key at a
  time; the time the app spends on each key's new list: the search and theme filter (the core's `search` and
  `select_mechanisms`) plus rebuilding the table, status and card ("of which list"). Median and worst key; and
  the core's search alone on each whole query, as the app runs it (index prepared, first 200 hits), for comparison. (On large files the search runs in a thread, so
  the search box itself never waits; the list follows when the search is done.)
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import generate  # the same generated data as the scale benchmark

FIRST_PAINT_BUDGET = 1.0
KEYSTROKE_BUDGETS = {33: 0.016, 10000: 0.030}  # median per key, by the generated mechanisms added (33: none)
WORST_KEY_BUDGETS = {10000: 0.100}  # the slowest key (issue 19)
QUERIES = ["fear", "motor control", "kinesiofobia", "stabilisation", "tsk"]
MARKER = b"Muscle strength"  # the first row, in the bundled data and in the generated files alike
COLUMNS, LINES = 120, 40


def clbp() -> list[str]:
    script = Path(sys.executable).parent / "clbp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "clbp_cli"]


def first_paint(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from start to the first row on screen, and peak RSS in MiB, of one `clbp browse` in a pty."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen([*clbp(), "browse", *args], stdin=slave, stdout=slave, stderr=slave, env=env,
                               start_new_session=True)  # fmt: skip
    os.close(slave)
    seen = b""
    painted = None
    deadline = start + 30
    quit_sent = False
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal: it has exited
                break
            if not chunk:
                break
            seen = seen[-len(MARKER) :] + chunk
            if painted is None and MARKER in seen:
                painted = time.perf_counter() - start
        if painted is not None and not quit_sent and time.perf_counter() - start > painted + 0.3:
            os.write(master, b"\x11")  # Ctrl+Q, once the screen has settled
            quit_sent = True
        if process.poll() is not None:
            break
    _, status, usage = os.wait4(process.pid, 0)
    os.close(master)
    if painted is None or os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(
            f"clbp browse {args} did not paint and quit cleanly (exit {os.waitstatus_to_exitcode(status)})"
        )
    return painted, usage.ru_maxrss / 1024


async def keystrokes(path: str | None) -> tuple[list[float], list[float]]:
    """Per key: the app's whole re-ranking time, and the part of it spent rebuilding the list (the rest is the
    core's search and theme filter)."""
    from clbp_cli.browse.app import BrowseApp
    from clbp_cli.core.loading import load_dataset
    from clbp_cli.core.ranking import rank_mechanisms

    dataset = load_dataset(path)
    app = BrowseApp(dataset, rank_mechanisms(dataset))
    spent = {"matches": 0.0, "show_matches": 0.0}

    def timed(name, method):  # type: ignore[no-untyped-def]
        def wrapper(*args):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return method(*args)
            finally:
                spent[name] += time.perf_counter() - start

        return wrapper

    app.matches = timed("matches", app.matches)  # type: ignore[method-assign]
    app.show_matches = timed("show_matches", app.show_matches)  # type: ignore[method-assign]
    rerank, listing = [], []
    async with app.run_test(size=(COLUMNS, LINES)) as pilot:
        await pilot.pause()
        for query in QUERIES:
            await pilot.press("slash")  # the screen opens on the list; / goes to the search box
            for key in query.replace(" ", "\0"):
                spent.update(matches=0.0, show_matches=0.0)
                await pilot.press("space" if key == "\0" else key)
                await app.workers.wait_for_complete()
                await pilot.pause()
                rerank.append(spent["matches"] + spent["show_matches"])
                listing.append(spent["show_matches"])
            await pilot.press("escape")
            await app.workers.wait_for_complete()
    return rerank, listing


def core_search_seconds(path: str | None) -> float:
    """The core's search alone, as the app runs it on each key (the index prepared once, the first LIST_LIMIT
    hits built), for each query in full: what the app cannot do faster than."""
    from clbp_cli.browse.app import LIST_LIMIT
    from clbp_cli.core.loading import load_dataset
    from clbp_cli.core.ranking import rank_mechanisms
    from clbp_cli.core.search import prepare_search, search_page

    dataset = load_dataset(path)
    ranked = rank_mechanisms(dataset)
    index = prepare_search(dataset, ranked)
    times = []
    for query in QUERIES:
        start = time.perf_counter()
        search_page(dataset, ranked, query, top=LIST_LIMIT, typing=True, index=index)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--size", type=int, default=10000, help="generated mechanisms for the large case")
    options = parser.parse_args()
    missed = []
    with tempfile.TemporaryDirectory() as folder:
        env = {key: value for key, value in os.environ.items() if key not in ("CLBP_DATA", "NO_COLOR")}
        env.update({"TERM": "xterm-256color", "CLBP_CACHE_DIR": str(Path(folder) / "cache"), "COLUMNS": str(COLUMNS),
                    "LINES": str(LINES)})  # fmt: skip
        large = Path(folder) / f"browse-{options.size}.yaml"
        generate(options.size, large)
        cases = {33: None, options.size: str(large)}
        print(f"clbp browse, {COLUMNS}x{LINES}; median of {options.rounds} runs (first paint) and of every key typed")
        print(f"{'mechanisms':>10} {'first paint':>12} {'peak RSS':>9} {'re-rank/key':>12} {'worst key':>10} "
              f"{'of which list':>14} {'core search':>12}")  # fmt: skip
        for size, path in cases.items():
            args = ["--data", path] if path else []
            first_paint(args, env)  # warm the data cache and the file system
            paints = [first_paint(args, env) for _ in range(options.rounds)]
            paint = statistics.median(seconds for seconds, _ in paints)
            memory = max(mib for _, mib in paints)
            rerank, listing = asyncio.run(keystrokes(path))
            per_key = statistics.median(rerank)
            count = 33 + (size if path else 0)
            print(f"{count:>10,} {paint * 1000:10.0f}ms {memory:7.1f}MiB {per_key * 1000:10.1f}ms "
                  f"{max(rerank) * 1000:8.1f}ms {statistics.median(listing) * 1000:12.1f}ms "
                  f"{core_search_seconds(path) * 1000:10.1f}ms")  # fmt: skip
            if paint > FIRST_PAINT_BUDGET:
                missed.append(f"first paint at {count:,}: {paint:.2f}s (budget {FIRST_PAINT_BUDGET:.0f}s)")
            budget = KEYSTROKE_BUDGETS.get(size if path else 33)
            if budget is not None and per_key > budget:
                missed.append(f"re-rank per key at {count:,}: {per_key * 1000:.0f}ms (budget {budget * 1000:.0f}ms)")
            worst = WORST_KEY_BUDGETS.get(size if path else 33)
            if worst is not None and max(rerank) > worst:
                missed.append(f"worst key at {count:,}: {max(rerank) * 1000:.0f}ms (budget {worst * 1000:.0f}ms)")
    for line in missed:
        print("budget missed:", line)
    if not missed:
        print("all budgets met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
