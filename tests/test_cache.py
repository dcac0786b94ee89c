"""The cache of validated data: warm runs skip PyYAML, and the cache never changes what a user sees."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from clbp_cli.core import cache
from clbp_cli.core.loading import load_dataset, parse_dataset
from tests.conftest import run_subprocess

BUNDLED = files("clbp_cli") / "data" / "wun2021.yaml"


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLBP_CACHE_DIR", str(folder))
    monkeypatch.delenv("CLBP_NO_CACHE", raising=False)
    return folder


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.marshal")) if folder.exists() else []


def test_a_warm_load_gives_exactly_the_parsed_dataset(cache_folder: Path) -> None:
    cold = load_dataset()
    assert len(entries(cache_folder)) == 1
    warm = load_dataset()
    assert warm == cold == parse_dataset(BUNDLED.read_bytes(), "<bundled wun2021.yaml>")
    assert warm.origin == "<bundled wun2021.yaml>"
    assert [m.name for m in warm.mechanisms][:3] == ["Muscle strength", "Motor control", "Muscle endurance"]
    assert [a.family for a in warm.source.authors] == [a.family for a in cold.source.authors]


def test_an_edited_file_is_read_again_even_with_the_same_size_and_time(cache_folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    text = BUNDLED.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert load_dataset(path).mechanisms[0].count == 30
    stat = path.stat()
    edited = text.replace("count: 30\n", "count: 31\n", 1)
    assert len(edited) == len(text)
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert load_dataset(path).mechanisms[0].count == 31
    assert len(entries(cache_folder)) == 1  # one entry per file: the edit replaced it


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\xe3\x00\x00", "marshal-of-wrong-shape"])
def test_a_damaged_entry_is_ignored_and_replaced(cache_folder: Path, damage: bytes | str) -> None:
    expected = load_dataset()
    (entry,) = entries(cache_folder)
    if damage == "marshal-of-wrong-shape":
        import marshal

        key, _ = marshal.loads(entry.read_bytes())
        entry.write_bytes(marshal.dumps((key, ("not", "a", "dataset"))))
    else:
        assert isinstance(damage, bytes)
        entry.write_bytes(damage)
    assert load_dataset() == expected
    assert load_dataset() == expected


def test_an_unusable_cache_folder_changes_nothing(clbp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CLBP_CACHE_DIR", str(blocker / "cache"))
    result = clbp("list", "--top", "1", "--format", "csv")
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[1].startswith("1,false,muscle-strength,Muscle strength,")


def test_clbp_no_cache_writes_nothing(cache_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLBP_NO_CACHE", "1")
    load_dataset()
    assert not cache_folder.exists()


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CLBP_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == str(tmp_path / "clbp")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.cache_dir() == str(tmp_path / ".cache" / "clbp")


def test_a_warm_run_never_imports_yaml(tmp_path: Path) -> None:
    """The point of the cache: the second run of a command does not pay for PyYAML."""
    probe = (
        "import sys; from clbp_cli.cli import run; code = run(sys.argv[1:]); "
        "sys.stderr.write('yaml imported' if 'yaml' in sys.modules else 'no yaml')"
    )
    env = {**os.environ, "CLBP_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run([sys.executable, "-c", probe, "cite"], env=env, capture_output=True, text=True, timeout=60)
        for _ in range(2)
    ]
    assert [run.stderr for run in runs] == ["yaml imported", "no yaml"]
    assert runs[0].stdout == runs[1].stdout != ""


def test_cached_and_uncached_output_are_identical(tmp_path: Path) -> None:
    commands = [["list", "--format", "json"], ["themes", "--format", "csv"], ["cite", "--style", "ris"]]
    cold = [run_subprocess(*args, env={"CLBP_NO_CACHE": "1"}).stdout for args in commands]
    folder = {"CLBP_CACHE_DIR": str(tmp_path / "c")}
    warm = [run_subprocess(*args, env=folder).stdout for args in commands * 2][len(commands) :]
    assert warm == cold
