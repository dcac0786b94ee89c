"""The package as a whole: lazy imports, help on every command, every command in the README, the docs pages."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from clbp_cli.cli import app
from tests.conftest import REPO

COMMANDS = sorted(command.name or "" for command in app.registered_commands)
PAGES = ["README.md", *sorted(f"docs/{page.name}" for page in (REPO / "docs").glob("*.md"))]
# The pages with `$ clbp ...` samples made by cog (docs/extending.md only quotes a cog marker inside a sentence).
SAMPLE_PAGES = [page for page in PAGES if re.search(r"^<!-- \[\[\[cog", (REPO / page).read_text("utf-8"), re.M)]


def _page(name: str) -> str:
    return (REPO / name).read_text(encoding="utf-8")


def test_importing_the_cli_pulls_in_neither_rich_nor_yaml() -> None:
    program = "import sys, clbp_cli.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'yaml', 'pydantic', 'textual')))"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [["cite"], ["list", "--format", "json"], ["--version"], ["list"], ["list", "--color", "always"],
     ["theme", "psychosocial"], ["themes"], ["search", "fear", "--color", "always"], ["show", "mood"], ["about"],
     ["measures"], ["list", "--format", "markdown"], ["show", "mood", "--format", "html"], ["--help"]],
)  # fmt: skip
def test_no_output_but_the_svg_imports_rich(args: list[str]) -> None:
    """Tables and cards are styled by render/styled.py; rich's ~30 ms import is paid only for an SVG picture."""
    program = (
        "import sys\nfrom clbp_cli.cli import run\n"
        f"code = run({args!r})\n"
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] == 'rich')))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stderr == "[]"


def test_the_svg_picture_is_drawn_by_rich() -> None:
    program = "import sys\nfrom clbp_cli.cli import run\ncode = run(['list', '--format', 'svg'])\nsys.stderr.write(str('rich.console' in sys.modules))"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stderr == "True"


# What start-up must never pay for (benchmarks/startup.py has the timings): a regression to Typer 0.29 brings
# pydantic, to rich's Table layout brings rich.table, to importlib.resources brings zipfile, and a warm run that
# parses its data again brings yaml.
# Textual is for `clbp browse` alone.
NEVER_AT_START_UP = ("pydantic", "yaml", "rich.table", "rich.padding", "zipfile", "tempfile", "importlib.resources", "textual")  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [["list"], ["theme", "psychosocial"], ["themes"], ["search", "fear"], ["show", "mood"], ["cite"], ["about"],
     ["list", "--format", "json"]],
)  # fmt: skip
def test_a_warm_run_imports_only_what_it_needs(args: list[str], tmp_path) -> None:
    program = (
        "import sys\nfrom clbp_cli.cli import run\n"
        f"code = run({args!r})\n"
        f"sys.stderr.write(repr(sorted(m for m in {NEVER_AT_START_UP!r} if m in sys.modules)))\n"
    )
    env = {**os.environ, "CLBP_CACHE_DIR": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env) for _ in "12"]
    assert runs[0].returncode == runs[1].returncode == 0
    assert runs[1].stderr == "[]"


@pytest.mark.parametrize(
    "args",
    [["--help"], ["list"], ["theme", "psychosocial"], ["themes"], ["search", "fear"], ["show", "mood"], ["cite"],
     ["list", "--format", "json"], ["themes", "--format", "svg"], ["show", "mood", "--format", "html"],
     ["validate", str(REPO / "src" / "clbp_cli" / "data" / "wun2021.yaml")], ["about"], ["browse", "--help"], ["browse"]],
)  # fmt: skip
def test_only_the_browse_screen_imports_textual(args: list[str]) -> None:
    """Every other command, browse's help, and browse without a terminal (it stops before the screen)."""
    program = (
        "import sys\nfrom clbp_cli.cli import run\n"
        f"code = run({args!r})\n"
        "print(repr(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')), file=sys.__stderr__)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.stderr.splitlines()[-1] == "[]"


def test_the_commands() -> None:
    assert COMMANDS == ["about", "browse", "cite", "list", "measures", "search", "show", "theme", "themes", "validate"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_a_summary_and_an_example(clbp, command: str) -> None:
    result = clbp(command, "--help")
    assert result.code == 0
    assert f"Usage: clbp {command}" in result.out
    assert "Example: clbp " in result.out
    summary = result.out.split("\n\n")[1].strip()
    assert summary and summary[0].isupper(), summary


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_appears_in_the_readme_with_an_example(command: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^\$ clbp {command}\b", readme, re.MULTILINE), command


def test_the_output_page_documents_every_record_field(clbp) -> None:
    import json

    readme = _page("docs/output.md")
    fields = set(json.loads(clbp("show", "mood", "--format", "json").out))
    fields |= set(json.loads(clbp("search", "fear", "--format", "json").out)[0])
    fields |= set(json.loads(clbp("themes", "--format", "json").out)[0])
    fields |= set(json.loads(clbp("about", "--format", "json").out))
    for field in fields:
        assert f"`{field}`" in readme, field


README_COMMANDS = {
    "Install and first run": "python3 -m venv .venv && .venv/bin/python -m pip install . && .venv/bin/clbp list",
    "Run the tests": 'python3 -m venv .venv && .venv/bin/python -m pip install ".[test]" && .venv/bin/python -m pytest',
}


@pytest.mark.parametrize("section", list(README_COMMANDS))
def test_the_readme_commands_are_what_ci_runs(section: str) -> None:
    """Each is one line that needs neither `python` nor pip outside a venv; .ci/run reads it from the README."""
    import shutil

    if shutil.which("awk") is None:
        pytest.skip("awk is not installed")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert 'for section in "Install and first run" "Run the tests"; do' in ci
    assert f"#   {README_COMMANDS['Run the tests']}\n" in ci  # the comment that names it agrees too
    helper = ci.split("readme_command() {", 1)[1].split("\n}", 1)[0].split("\n", 1)[1]
    done = subprocess.run(["bash", "-c", f"readme_command() {{\n{helper}\n}}\nreadme_command '{section}'"],
                          cwd=REPO, capture_output=True, text=True, check=True)  # fmt: skip
    assert done.stdout == README_COMMANDS[section] + "\n"


def test_the_readme_samples_are_what_clbp_prints() -> None:
    """Every `$ clbp ...` sample, in the README and in docs/, is made by cog from clbp itself; regenerate with the
    command docs/design.md gives."""
    pytest.importorskip("cogapp")
    assert "README.md" in SAMPLE_PAGES and "docs/commands.md" in SAMPLE_PAGES
    message = f"a sample is stale: regenerate them with .venv/bin/cog -r {' '.join(SAMPLE_PAGES)}"
    done = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "--diff", f"--check-fail-msg={message}", *SAMPLE_PAGES],
        cwd=REPO, capture_output=True, text=True, env=_with_clbp_on_path(),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("page", PAGES)
def test_no_clbp_sample_is_written_by_hand(page: str) -> None:
    """Each ```console block that starts with `$ clbp` comes from cog, except the jq pipeline (tested below) and the
    interactive `clbp browse`, which prints nothing to a pipe (its screen is the snapshot shown beneath it)."""
    blocks = re.findall(r"^(.*)\n```console\n\$ clbp (.*)$", _page(page), re.MULTILINE)
    assert len(blocks) >= (len(COMMANDS) if page == "README.md" else 0)
    for before, command in blocks:
        assert before.startswith("<!-- [[[cog sample(") or "| jq " in command or command == "browse", (page, command)
    assert (page in SAMPLE_PAGES) == any(before.startswith("<!-- [[[cog") for before, _ in blocks), page


def test_the_regenerate_command_names_every_page_with_samples() -> None:
    """The one command docs/design.md (and each page's cog comment) gives regenerates every page's samples."""
    command = f".venv/bin/cog -r {' '.join(SAMPLE_PAGES)}"
    assert f"```console\n{command}\n```" in _page("docs/design.md")
    for page in SAMPLE_PAGES:
        assert f"\nwith {command}\n" in _page(page), page
    assert command in _page("docs/readme_samples.py")


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lowercased, punctuation but hyphens dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("page", PAGES)
def test_the_links_between_the_readme_and_the_docs_pages_work(page: str) -> None:
    """Relative links (as GitHub resolves them from the page's folder) name a file that exists, and a heading in it."""
    from urllib.parse import unquote

    folder = (REPO / page).parent
    for target in re.findall(r"\]\(([^)\s]+)\)", _page(page)):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (folder / unquote(path)).resolve() if path else REPO / page
        assert file.exists(), (page, target)
        if anchor:
            headings = re.findall(r"^#+ (.*)$", file.read_text(encoding="utf-8"), re.MULTILINE)
            assert anchor in {_slug(heading) for heading in headings}, (page, target)


def test_the_readme_links_every_docs_page() -> None:
    read_more = _page("README.md").split("## Read more\n", 1)[1].split("\n## ", 1)[0]
    for page in PAGES[1:]:
        assert f"]({page})" in read_more, page


def _with_clbp_on_path() -> dict[str, str]:
    import os
    from pathlib import Path

    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def test_the_readme_jq_example_works() -> None:
    import shutil

    if shutil.which("jq") is None:
        pytest.skip("jq is not installed (.ci/run installs it)")
    readme = _page("docs/output.md")
    block = readme.split("$ clbp list --format json | jq", 1)[1].split("```", 1)[0]
    command_rest, *expected = block.strip("\n").splitlines()
    done = subprocess.run(["bash", "-c", "clbp list --format json | jq" + command_rest], capture_output=True, text=True,
                          env=_with_clbp_on_path(), check=True)  # fmt: skip
    assert done.stdout.splitlines() == expected


def test_the_readme_pandas_example_works() -> None:
    pytest.importorskip("pandas")
    readme = _page("docs/output.md")
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_with_clbp_on_path(), check=True
    )
    lines = [line.split() for line in done.stdout.splitlines()]
    assert ["neuromuscular", "105"] in lines and ["psychosocial", "86"] in lines


def test_the_installed_package_carries_its_licence_and_names_the_review() -> None:
    """PEP 639: the licence as an SPDX expression, and its text shipped in the wheel (dist-info/licenses)."""
    from importlib.metadata import distribution

    dist = distribution("clbp")
    assert dist.metadata["License-Expression"] == "MIT"
    assert dist.metadata.get_all("License-File") == ["LICENSE"]
    shipped = [file for file in dist.files or () if file.name == "LICENSE"]
    assert len(shipped) == 1 and "licenses" in str(shipped[0])
    text = shipped[0].read_text(encoding="utf-8")
    assert text == (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 clbp developers\n")
    urls = dict(url.split(", ", 1) for url in dist.metadata.get_all("Project-URL") or ())
    assert urls.get("Review") == "https://doi.org/10.1016/j.msksp.2020.102307"
    assert "doi.org" not in urls.get("Source", "")


def test_the_changelog_names_this_version_as_its_newest_release() -> None:
    """One source for the version (src/clbp_cli/__init__.py, read by the build); the changelog's newest release
    heading must agree with it, in the keep-a-changelog form `## [X.Y.Z] - YYYY-MM-DD`."""
    from clbp_cli import __version__

    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", changelog, flags=re.MULTILINE)
    assert released and released[0] == __version__, (released[:1], __version__)
