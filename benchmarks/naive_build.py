"""The yardstick of issue 5: a naive build of clbp, timed beside the installed one in the same run.

The naive build is what the obvious code looks like: Typer 0.29 (the newest), rich and PyYAML imported at the
top, the data read with PyYAML's pure-Python SafeLoader on every run, tables drawn with rich's Table, and the
interpreter torn down at exit. It offers the same commands and options for `list` and `cite`, so Typer has the
same parameters to build. Each build is timed against `python -c pass` of its own virtual environment,
interleaved, as a median ratio (like benchmarks/startup.py).

    python benchmarks/naive_build.py [--rounds N] [--venv DIR]

The first run makes a virtual environment with typer 0.29, rich and PyYAML in DIR (default:
~/.cache/clbp-benchmarks/naive-venv), so it needs the package index once.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import venv
from pathlib import Path

NAIVE_REQUIREMENTS = ["typer>=0.29,<0.30", "rich", "pyyaml"]

NAIVE_PROGRAM = '''
import enum
import json
from pathlib import Path
from typing import Optional

import typer
import yaml
from rich.console import Console
from rich.table import Table

DATA = Path(__file__).with_name("wun2021.yaml")
app = typer.Typer(no_args_is_help=True)


class Fmt(str, enum.Enum):
    table = "table"
    json = "json"
    csv = "csv"


class Style(str, enum.Enum):
    apa = "apa"
    bibtex = "bibtex"


def load(path):
    with open(path or DATA, encoding="utf-8") as stream:
        return yaml.load(stream, Loader=yaml.SafeLoader)


@app.command("list")
def list_mechanisms(
    theme: Optional[str] = typer.Option(None, "--theme", "-t"),
    top: Optional[int] = typer.Option(None, "--top", "-n", min=1),
    sort: str = typer.Option("rank", "--sort"),
    output_format: Fmt = typer.Option(Fmt.table, "--format", "-f"),
    output: Optional[str] = typer.Option(None, "--output", "-o"),
    data: Optional[str] = typer.Option(None, "--data", envvar="CLBP_DATA"),
    color: str = typer.Option("auto", "--color"),
):
    """List the mechanisms, most proposed first."""
    dataset = load(data)
    rows = sorted(dataset["mechanisms"], key=lambda m: -m["count"])
    if theme:
        rows = [m for m in rows if m["theme"] == theme]
    rows = rows[:top] if top else rows
    if output_format is Fmt.json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title="Why exercise helps chronic low back pain")
    for header in ("Rank", "Mechanism", "Theme", "Trials", "Share"):
        table.add_column(header)
    trials = dataset["study"]["trials_included"]
    for rank, mechanism in enumerate(rows, start=1):
        share = f"{mechanism['count'] / trials:.0%}"
        table.add_row(str(rank), mechanism["name"], mechanism["theme"], str(mechanism["count"]), share)
    Console().print(table)
    Console().print("Trials = how many trials proposed the mechanism, not evidence that it works.")


@app.command()
def cite(
    style: Style = typer.Option(Style.apa, "--style", "-s"),
    output: Optional[str] = typer.Option(None, "--output", "-o"),
    data: Optional[str] = typer.Option(None, "--data", envvar="CLBP_DATA"),
):
    """Print the review's reference."""
    source = load(data)["source"]
    authors = ", ".join(author["family"] for author in source["authors"])
    print(f"{authors} ({source['year']}). {source['title']}. {source['journal']}, {source['volume']}.")


if __name__ == "__main__":
    app()
'''

CASES = [("list", ["list"]), ("cite", ["cite"]), ("list --format json", ["list", "--format", "json"])]


def python_in(folder: Path) -> Path:
    return folder / ("Scripts" if os.name == "nt" else "bin") / "python"


def make_naive_build(folder: Path) -> Path:
    """The venv with the naive dependencies and program; reused when it is already there."""
    python = python_in(folder)
    if not python.exists():
        print(f"making {folder} with {' '.join(NAIVE_REQUIREMENTS)} ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(folder)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *NAIVE_REQUIREMENTS], check=True)
    program = folder / "naive_clbp.py"
    program.write_text(NAIVE_PROGRAM, encoding="utf-8")
    from importlib.resources import files

    (folder / "wun2021.yaml").write_bytes((files("clbp_cli") / "data" / "wun2021.yaml").read_bytes())
    return program


def wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--venv", type=Path, default=Path.home() / ".cache" / "clbp-benchmarks" / "naive-venv")
    options = parser.parse_args()
    program = make_naive_build(options.venv)
    naive_python = str(python_in(options.venv))
    ours = Path(sys.executable).parent / "clbp"
    our_command = [str(ours)] if ours.exists() else [sys.executable, "-m", "clbp_cli"]
    env = {key: value for key, value in os.environ.items() if key not in ("CLBP_DATA", "FORCE_COLOR")}
    version = subprocess.run(
        [naive_python, "-c", "import typer; print(typer.__version__)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run([*our_command, "list"], stdout=subprocess.DEVNULL, env=env, check=True)  # warm clbp's cache
    times: dict[str, list[float]] = {}
    for _ in range(options.rounds):  # interleaved: load on the machine hits every command alike
        times.setdefault("naive baseline", []).append(wall([naive_python, "-c", "pass"], env))
        times.setdefault("clbp baseline", []).append(wall([sys.executable, "-c", "pass"], env))
        for name, args in CASES:
            times.setdefault(f"naive {name}", []).append(wall([naive_python, str(program), *args], env))
            times.setdefault(f"clbp {name}", []).append(wall([*our_command, *args], env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"naive build: typer {version}, rich and yaml imported eagerly, yaml.SafeLoader (pure Python)")
    print(f"{'command':<22} {'naive':>16} {'clbp':>16} {'naive / clbp':>13}")
    for name, _args in CASES:
        naive, mine = medians[f"naive {name}"], medians[f"clbp {name}"]
        naive_ratio = naive / medians["naive baseline"]
        mine_ratio = mine / medians["clbp baseline"]
        print(
            f"{name:<22} {naive * 1000:7.1f}ms {naive_ratio:5.1f}x  {mine * 1000:7.1f}ms {mine_ratio:5.1f}x"
            f" {naive / mine:12.1f}x"
        )
    print(f"baselines (python -c pass): naive venv {medians['naive baseline'] * 1000:.1f} ms, "
          f"clbp's {medians['clbp baseline'] * 1000:.1f} ms (median of {options.rounds})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
