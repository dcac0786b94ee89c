"""`-o FILE` writes what it is told to and never destroys what clbp does not own (issue 13).

Every test works inside its own temporary folder; no test hands a real device under /dev to -o.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

CITATION_START = "Wun, A., Kollias, P."


def _leftovers(folder: Path, *expected: str) -> list[str]:
    """Anything in the folder besides what the test put there: a temporary file left behind shows up here."""
    return sorted(name for name in os.listdir(folder) if name not in expected)


def test_a_new_file_is_created_with_the_usual_mode(clbp, tmp_path) -> None:
    target = tmp_path / "apa.txt"
    umask = os.umask(0o022)
    try:
        result = clbp("cite", "-o", str(target))
    finally:
        os.umask(umask)
    assert (result.code, result.out, result.err) == (0, "", "")
    assert target.read_text(encoding="utf-8").startswith(CITATION_START)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert _leftovers(tmp_path, "apa.txt") == []


def test_a_private_file_is_replaced_and_stays_private(clbp, tmp_path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)
    result = clbp("cite", "-o", str(target))
    assert (result.code, result.out, result.err) == (0, "", "")
    assert target.read_text(encoding="utf-8").startswith(CITATION_START)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _leftovers(tmp_path, "notes.txt") == []


def test_an_executable_file_keeps_its_bits(clbp, tmp_path) -> None:
    target = tmp_path / "script"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o750)
    assert clbp("cite", "-o", str(target)).code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o750


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another owner")
def test_a_file_of_another_owner_keeps_its_owner_when_root_writes_it(clbp, tmp_path) -> None:
    target = tmp_path / "theirs.txt"
    target.write_text("old\n", encoding="utf-8")
    os.chown(target, 1234, 5678)
    assert clbp("cite", "-o", str(target)).code == 0
    assert (target.stat().st_uid, target.stat().st_gid) == (1234, 5678)
    assert target.read_text(encoding="utf-8").startswith(CITATION_START)


def test_a_symlink_writes_its_target_and_stays_a_link(clbp, tmp_path) -> None:
    real = tmp_path / "real.bib"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.bib"
    link.symlink_to("real.bib")
    result = clbp("cite", "--style", "bibtex", "-o", str(link))
    assert (result.code, result.out, result.err) == (0, "", "")
    assert link.is_symlink() and os.readlink(link) == "real.bib"
    assert real.read_text(encoding="utf-8").startswith("@article{")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert _leftovers(tmp_path, "real.bib", "link.bib") == []


def test_a_dangling_symlink_creates_its_target(clbp, tmp_path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to("made.txt")
    assert clbp("cite", "-o", str(link)).code == 0
    assert link.is_symlink()
    assert (tmp_path / "made.txt").read_text(encoding="utf-8").startswith(CITATION_START)


def test_a_fifo_is_written_to_and_stays_a_fifo(clbp, tmp_path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as stream:
            received.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = clbp("cite", "-o", str(fifo))
    reader.join(timeout=30)
    assert (result.code, result.out, result.err) == (0, "", "")
    assert received and received[0].decode("utf-8").startswith(CITATION_START)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert _leftovers(tmp_path, "pipe") == []


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_character_device_is_written_to_and_never_replaced(clbp, tmp_path) -> None:
    null = tmp_path / "null"  # a private copy of /dev/null, in the test's own folder
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    result = clbp("cite", "-o", str(null))
    assert (result.code, result.out, result.err) == (0, "", "")
    assert stat.S_ISCHR(null.lstat().st_mode) and null.stat().st_rdev == os.makedev(1, 3)
    assert _leftovers(tmp_path, "null") == []


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_full_device_is_one_line_and_stays_a_device(clbp, tmp_path) -> None:
    full = tmp_path / "full"  # a private copy of /dev/full: every write fails with ENOSPC
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    result = clbp("cite", "-o", str(full))
    assert (result.code, result.out) == (1, "")
    assert result.err == f"clbp: error: cannot write to {full}: No space left on device\n"
    assert stat.S_ISCHR(full.lstat().st_mode)
    assert _leftovers(tmp_path, "full") == []


def test_a_directory_is_refused(clbp, tmp_path) -> None:
    result = clbp("list", "-o", str(tmp_path))
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"clbp: error: cannot write to {tmp_path}: it is a directory; give a file name, e.g. -o {tmp_path / 'clbp.txt'}\n"
    )
    assert _leftovers(tmp_path) == []


def test_a_missing_folder_is_refused_with_the_fix(clbp, tmp_path) -> None:
    folder = tmp_path / "no" / "such"
    result = clbp("list", "-o", str(folder / "list.txt"))
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"clbp: error: cannot write to {folder / 'list.txt'}: {folder} does not exist; create it first (mkdir -p {folder})\n"
    )
    assert _leftovers(tmp_path) == []


def test_a_file_used_as_a_folder_is_refused(clbp, tmp_path) -> None:
    (tmp_path / "file").write_text("mine\n", encoding="utf-8")
    result = clbp("list", "-o", str(tmp_path / "file" / "list.txt"))
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"clbp: error: cannot write to {tmp_path / 'file' / 'list.txt'}: a part of the path is a file, not a folder; "
        "check the path\n"
    )
    assert (tmp_path / "file").read_text(encoding="utf-8") == "mine\n"


def test_an_unwritable_folder_is_refused_and_nothing_is_left(clbp, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() == 0:  # root writes anywhere: refuse the temporary file as the kernel would refuse a user
        import tempfile

        def refused(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", refused)
    else:
        folder.chmod(0o555)
    result = clbp("list", "-o", str(folder / "list.txt"))
    folder.chmod(0o755)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"clbp: error: cannot write to {folder / 'list.txt'}: permission denied; choose a folder you may write to, "
        "or check its permissions\n"
    )
    assert _leftovers(folder) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(clbp, tmp_path, monkeypatch) -> None:
    target = tmp_path / "list.txt"
    target.write_text("old\n", encoding="utf-8")

    def full_disk(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    result = clbp("list", "-o", str(target))
    assert (result.code, result.out) == (1, "")
    assert result.err == f"clbp: error: cannot write to {target}: No space left on device\n"
    assert target.read_text(encoding="utf-8") == "old\n"
    assert _leftovers(tmp_path, "list.txt") == []


def test_a_path_with_a_nul_character_is_one_line(clbp, tmp_path) -> None:
    result = clbp("list", "-o", str(tmp_path / "a\x00b"))
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"clbp: error: cannot write to {tmp_path}/a\\x00b: a file name cannot hold a NUL character; check the path\n"
    )


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc")
def test_a_link_the_kernel_resolves_itself_is_written_through(tmp_path) -> None:
    """/dev/stdout and /proc/self/fd/1 name clbp's own stdout (here a pipe to the test): written, not replaced."""
    from tests.conftest import run_subprocess

    done = run_subprocess("cite", "-o", "/proc/self/fd/1")
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.decode("utf-8").startswith(CITATION_START)


def test_a_read_only_file_is_refused_as_the_shell_would(clbp, tmp_path, monkeypatch) -> None:
    target = tmp_path / "frozen.txt"
    target.write_text("keep me\n", encoding="utf-8")
    target.chmod(0o444)
    if os.geteuid() == 0:  # root may write anything: answer as the kernel answers a user
        real_access = os.access
        monkeypatch.setattr(
            os, "access", lambda path, mode: False if str(path) == str(target) else real_access(path, mode)
        )
    result = clbp("cite", "-o", str(target))
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"clbp: error: cannot write to {target}: permission denied; choose a folder you may write to, "
        "or check its permissions\n"
    )
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert _leftovers(tmp_path, "frozen.txt") == []


def test_a_hard_linked_file_is_written_in_place_so_both_names_agree(clbp, tmp_path) -> None:
    first = tmp_path / "first.txt"
    first.write_text("an old and rather longer text than the new one will be\n" * 20, encoding="utf-8")
    os.link(first, tmp_path / "second.txt")
    assert clbp("cite", "-o", str(first)).code == 0
    assert first.read_text(encoding="utf-8").startswith(CITATION_START)
    assert (tmp_path / "second.txt").read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    assert first.stat().st_nlink == 2
    assert _leftovers(tmp_path, "first.txt", "second.txt") == []


# -o FILE chooses the format from the extension when --format is not given (issue 17).
@pytest.mark.parametrize(
    ("name", "output_format"),
    [("list.json", "json"), ("list.csv", "csv"), ("list.yaml", "yaml"), ("list.yml", "yaml"), ("list.md", "markdown"),
     ("list.html", "html"), ("slide.svg", "svg"), ("list.txt", "table"), ("LIST.JSON", "json")],
)  # fmt: skip
def test_the_extension_chooses_the_format(clbp, tmp_path, name: str, output_format: str) -> None:
    result = clbp("list", "--top", "10", "-o", str(tmp_path / name))
    assert (result.code, result.out, result.err) == (0, "", "")
    expected = clbp("list", "--top", "10", "--format", output_format).out
    assert (tmp_path / name).read_bytes().decode("utf-8") == expected  # bytes: CSV's lines end in CRLF
    assert _leftovers(tmp_path, name) == []


@pytest.mark.parametrize(
    "command",
    [("theme", "psychosocial"), ("themes",), ("about",), ("search", "fear"), ("show", "mood"), ("measures",),
     ("measures", "--theme", "psychosocial")],
)  # fmt: skip
def test_every_command_takes_the_format_from_the_extension(clbp, tmp_path, command: tuple[str, ...]) -> None:
    result = clbp(*command, "-o", str(tmp_path / "out.json"))
    assert (result.code, result.out, result.err) == (0, "", "")
    assert (tmp_path / "out.json").read_text("utf-8") == clbp(*command, "--format", "json").out


@pytest.mark.parametrize("name", ["list.xyz", "list", "list.json.bak", ".json"])
def test_an_unknown_extension_gets_the_plain_table(clbp, tmp_path, name: str) -> None:
    assert clbp("list", "-o", str(tmp_path / name)).code == 0
    written = (tmp_path / name).read_text("utf-8")
    assert written == clbp("list").out
    assert "\x1b[" not in written and "Rank  Mechanism" in written


def test_format_wins_where_the_extension_says_nothing(clbp, tmp_path) -> None:
    assert clbp("themes", "--format", "svg", "-o", str(tmp_path / "themes.png")).code == 0
    assert (tmp_path / "themes.png").read_text("utf-8").startswith("<svg")
    assert clbp("themes", "--format", "json", "-o", str(tmp_path / "themes.json")).code == 0  # agreeing is fine
    assert (tmp_path / "themes.json").read_text("utf-8") == clbp("themes", "--format", "json").out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--format", "csv", "-o", "{tmp}/list.json"], "--format csv and -o {tmp}/list.json disagree: "
         ".json means json; drop --format, or give the file a matching extension"),
        (["list", "--format", "table", "-o", "{tmp}/slide.svg"], "--format table and -o {tmp}/slide.svg disagree: "
         ".svg means svg; drop --format, or give the file a matching extension"),
        (["search", "fear", "-f", "yaml", "-o", "{tmp}/hits.md"], "--format yaml and -o {tmp}/hits.md disagree: "
         ".md means markdown; drop --format, or give the file a matching extension"),
        (["cite", "--style", "apa", "-o", "{tmp}/wun.bib"], "--style apa and -o {tmp}/wun.bib disagree: "
         ".bib means bibtex; drop --style, or give the file a matching extension"),
        (["cite", "--format", "html", "-o", "{tmp}/wun.md"], "--format html and -o {tmp}/wun.md disagree: "
         ".md means markdown; drop --format, or give the file a matching extension"),
        (["cite", "--style", "ris", "-o", "{tmp}/wun.html"], "--style ris and -o {tmp}/wun.html disagree: .html "
         "means html, and only apa and vancouver come in markdown or html; drop --style, or give the file another "
         "extension"),
        (["cite", "--format", "markdown", "-o", "{tmp}/wun.ris"], "--format markdown and -o {tmp}/wun.ris disagree: "
         ".ris means ris, and only apa and vancouver come in markdown or html; drop --format, or give the file "
         "another extension"),
    ],
)  # fmt: skip
def test_a_format_and_an_extension_that_disagree_are_refused(clbp, tmp_path, args: list[str], message: str) -> None:
    result = clbp(*(arg.format(tmp=tmp_path) for arg in args))
    assert (result.code, result.out) == (2, "")
    assert result.err == f"clbp: error: {message.format(tmp=tmp_path)}\nTry 'clbp {args[0]} --help' for help.\n"
    assert _leftovers(tmp_path) == []  # no file written, none left half-written


@pytest.mark.parametrize(
    ("name", "style", "markup"),
    [("wun.bib", "bibtex", "text"), ("wun.ris", "ris", "text"), ("wun.json", "csl-json", "text"),
     ("wun.md", "apa", "markdown"), ("wun.html", "apa", "html"), ("wun.txt", "apa", "text"),
     ("wun.xyz", "apa", "text")],
)  # fmt: skip
def test_cite_takes_the_style_from_the_extension(clbp, tmp_path, name: str, style: str, markup: str) -> None:
    result = clbp("cite", "-o", str(tmp_path / name))
    assert (result.code, result.out, result.err) == (0, "", "")
    assert (tmp_path / name).read_text("utf-8") == clbp("cite", "--style", style, "--format", markup).out


def test_cite_combines_a_given_style_with_the_extension(clbp, tmp_path) -> None:
    assert clbp("cite", "--style", "vancouver", "-o", str(tmp_path / "ref.md")).code == 0
    expected = clbp("cite", "--style", "vancouver", "--format", "markdown").out
    assert (tmp_path / "ref.md").read_text("utf-8") == expected
    assert clbp("cite", "--format", "html", "-o", str(tmp_path / "ref.htm")).code == 0  # .htm: not one of ours
    assert (tmp_path / "ref.htm").read_text("utf-8") == clbp("cite", "--format", "html").out


def test_an_empty_search_writes_an_empty_answer_in_the_extensions_format(clbp, tmp_path) -> None:
    result = clbp("search", "zzzqqq", "-o", str(tmp_path / "hits.json"))
    assert result.code == 1 and result.err.startswith("clbp: error: no mechanism matches 'zzzqqq'")
    assert (tmp_path / "hits.json").read_text("utf-8") == "[]\n"


def test_help_says_the_extension_chooses_the_format(clbp) -> None:
    flat = " ".join(clbp("list", "--help").out.split())
    assert (
        "Without --format, FILE's extension chooses the format: .json .csv .yaml/.yml .md (markdown) .html .svg;"
        in flat
    )
    flat = " ".join(clbp("cite", "--help").out.split())
    assert ".bib (bibtex), .ris (ris), .json (csl-json), .md (markdown), .html (html); else plain text." in flat
