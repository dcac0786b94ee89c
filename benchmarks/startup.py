"""Start-up benchmark: each command's median wall time as a ratio to a bare `python -c pass`, measured
interleaved in the same run, and its peak memory. Exits 1 when a budget is missed.

    python benchmarks/startup.py [--rounds N]

Budgets (issue 18, from what the release before the vocabulary achieved): table commands and --help <= 7.5x;
plain outputs (cite in any style, list --format json) <= 5.5x; peak RSS <= 40 MiB. CI prints this report and a
`ci: startup budget missed` line when a budget slips. Uses the `clbp` installed beside this interpreter. For context
it also times the floor, importing Typer alone, and shows each command's cost above it: the ratios move with the
machine's state (the floor itself measured 4.1x-5.8x on the same idle machine on different days), the cost above
Typer much less.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TABLE_BUDGET, CITE_BUDGET, JSON_BUDGET, RSS_BUDGET_MIB = 7.5, 5.5, 5.5, 40.0

CASES: list[tuple[str, list[str], float]] = [
    ("list", ["list"], TABLE_BUDGET),
    ("theme psychosocial", ["theme", "psychosocial"], TABLE_BUDGET),
    ("themes", ["themes"], TABLE_BUDGET),
    ("search fear", ["search", "fear"], TABLE_BUDGET),
    ("show mood", ["show", "mood"], TABLE_BUDGET),
    ("--help", ["--help"], TABLE_BUDGET),
    ("list --help", ["list", "--help"], TABLE_BUDGET),
    ("cite", ["cite"], CITE_BUDGET),
    ("cite --style bibtex", ["cite", "--style", "bibtex"], CITE_BUDGET),
    ("cite --style csl-json", ["cite", "--style", "csl-json"], CITE_BUDGET),
    ("list --format json", ["list", "--format", "json"], JSON_BUDGET),
    ("complete theme", ["__complete__"], TABLE_BUDGET),
]


# The floor, for context (no budget): what importing Typer alone costs on this machine in the same run, exiting
# as clbp does (os._exit, no teardown). Every command pays it; the "above Typer" column is clbp's own cost, which
# does not move with the machine's state as the ratios do.
FLOOR_NAME, FLOOR_CODE = "floor: import typer", "import typer, os; os._exit(0)"


def clbp_script() -> list[str]:
    script = Path(sys.executable).parent / "clbp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "clbp_cli"]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MiB of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{command} exited {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    rounds = parser.parse_args().rounds
    env = {key: value for key, value in os.environ.items() if key not in ("CLBP_DATA", "FORCE_COLOR")}
    completion_env = {**env, "_CLBP_COMPLETE": "complete_bash", "COMP_WORDS": "clbp theme ps", "COMP_CWORD": "2"}
    baseline_command = [sys.executable, "-c", "pass"]
    script = clbp_script()
    times: dict[str, list[float]] = {"baseline": []}
    peaks: dict[str, float] = {}
    for _ in range(rounds):  # interleaved, so load on the machine hits baseline and commands alike
        times["baseline"].append(timed(baseline_command, env)[0])
        times.setdefault(FLOOR_NAME, []).append(timed([sys.executable, "-c", FLOOR_CODE], env)[0])
        for name, args, _budget in CASES:
            command_env = completion_env if args == ["__complete__"] else env
            command = script if args == ["__complete__"] else [*script, *args]
            elapsed, peak = timed(command, command_env)
            times.setdefault(name, []).append(elapsed)
            peaks[name] = max(peaks.get(name, 0.0), peak)
    baseline = statistics.median(times["baseline"])
    print(f"baseline python -c pass: {baseline * 1000:.1f} ms (median of {rounds})")
    floor = statistics.median(times[FLOOR_NAME])
    print(f"{'command':<24} {'median':>9} {'ratio':>6} {'budget':>7} {'max RSS':>9} {'above Typer':>12}")
    missed = []
    for name, _args, budget in CASES:
        median = statistics.median(times[name])
        ratio = median / baseline
        ok = ratio <= budget and peaks[name] <= RSS_BUDGET_MIB
        if not ok:
            missed.append(name)
        print(
            f"{name:<24} {median * 1000:7.1f}ms {ratio:5.2f}x {budget:6.1f}x {peaks[name]:6.1f}MiB "
            f"{(median - floor) * 1000:+9.1f}ms {'' if ok else 'MISSED'}"
        )
    print(f"{FLOOR_NAME:<24} {floor * 1000:7.1f}ms {floor / baseline:5.2f}x")
    if missed:
        print(f"budget missed: {', '.join(missed)}")
        return 1
    print("all budgets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
