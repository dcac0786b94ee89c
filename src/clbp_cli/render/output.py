"""Where output goes and how it may look: stdout or a file, colour, width, Unicode; messages to stderr.

Results go to stdout, messages to stderr, never the other way round. A reader that stops early (`| head`) ends
clbp quietly; a full disk, a closed stdout or an unwritable file is one line on stderr and exit 1.
"""

from __future__ import annotations

import codecs
import contextlib
import enum
import os
import shutil
import stat
import sys
from pathlib import Path

from clbp_cli.core.citation import CitationMarkup, CitationStyle
from clbp_cli.render.formats import MACHINE_FORMATS, OutputFormat, RenderSettings

MIN_WIDTH = 20
PIPE_WIDTH = 100  # lay-out width for pipes and files unless COLUMNS says otherwise: few wrapped lines for grep


class ColorChoice(str, enum.Enum):
    auto = "auto"
    always = "always"
    never = "never"


class UserError(Exception):
    """Something the user can fix: the message says what was wrong and how to fix it."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class OutputError(Exception):
    """The result could not be written (disk full, permission denied, closed stdout, a directory)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class QuietExit(Exception):
    """The reader went away (broken pipe): stop without a word."""


# What a file name's extension asks for when no --format is given (`-o slide.svg`); any other extension gets the
# plain table. `cite` has its own: the reference managers' formats, or APA's italics in markdown or HTML.
EXTENSION_FORMATS: dict[str, OutputFormat] = {
    ".json": OutputFormat.json,
    ".csv": OutputFormat.csv,
    ".yaml": OutputFormat.yaml,
    ".yml": OutputFormat.yaml,
    ".md": OutputFormat.markdown,
    ".html": OutputFormat.html,
    ".svg": OutputFormat.svg,
    ".txt": OutputFormat.table,
}
CITATION_EXTENSIONS: dict[str, CitationStyle | CitationMarkup] = {
    ".bib": CitationStyle.bibtex,
    ".ris": CitationStyle.ris,
    ".json": CitationStyle.csl_json,
    ".md": CitationMarkup.markdown,
    ".html": CitationMarkup.html,
    ".txt": CitationMarkup.text,
}


def extension(output: str | None) -> str:
    """The extension of an output file, in lower case ("" for stdout or a name without one)."""
    if _to_stdout(output):
        return ""
    return os.path.splitext(str(output))[1].lower()


def _to_stdout(output: str | None) -> bool:
    return output is None or output == "-"


def _is_utf(encoding: str | None) -> bool:
    try:
        return codecs.lookup(encoding or "ascii").name.startswith("utf")
    except LookupError:
        return False


def settings_for(color: ColorChoice, output: str | None, output_format: OutputFormat) -> RenderSettings:
    """Decide colour, width and character set for this run, from the options, the stream and the environment."""
    environ = os.environ
    stream = sys.stdout if _to_stdout(output) else None
    is_tty = stream is not None and is_terminal(stream)
    dumb = environ.get("TERM", "") == "dumb"
    if output_format in MACHINE_FORMATS or color is ColorChoice.never:
        use_color = False
    elif color is ColorChoice.always:
        use_color = True
    else:
        use_color = (
            stream is not None
            and not environ.get("NO_COLOR")
            and not dumb
            and (is_tty or bool(environ.get("FORCE_COLOR")))
        )
    width = shutil.get_terminal_size((PIPE_WIDTH, 24)).columns if is_tty else _columns_from_environment()
    unicode = not dumb and (stream is None or _is_utf(getattr(stream, "encoding", None)))
    return RenderSettings(
        color=use_color,
        width=max(MIN_WIDTH, width),  # tables use it all; cards cap themselves (terminal.CARD_WIDTH)
        unicode=unicode,
        terminal=is_tty and not dumb,
    )


def _columns_from_environment() -> int:
    try:
        return int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return PIPE_WIDTH


def is_terminal(stream: object) -> bool:
    """The stream is a terminal (a person reads it); anything without isatty, or closed, is not."""
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def prepare_streams() -> None:
    """Text on stdout/stderr that the locale cannot encode becomes '?' rather than a crash."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not _is_utf(getattr(stream, "encoding", None)):
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(errors="replace")  # type: ignore[union-attr]


def write_message(message: str) -> None:
    """A line on stderr. If stderr itself is gone there is nobody to tell."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def write_output(text: str, output: str | None, *, binary: bool) -> None:
    """Write a result. `binary` formats are UTF-8 bytes whatever the locale; text follows the terminal's encoding."""
    if _to_stdout(output):
        _write_stdout(text, binary)
    else:
        _write_file(Path(str(output)), text)


def _write_stdout(text: str, binary: bool) -> None:
    stream = sys.stdout
    if stream is None:
        raise OutputError("cannot write the result: stdout is closed; use -o FILE to write to a file")
    try:
        if binary and hasattr(stream, "buffer"):
            stream.flush()
            stream.buffer.write(text.encode("utf-8"))
            stream.buffer.flush()
        else:
            stream.write(text)
            stream.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise QuietExit()
    except (OSError, ValueError) as error:
        _silence_stdout()
        reason = getattr(error, "strerror", None) or str(error)
        raise OutputError(f"cannot write the result to stdout: {reason}")


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again (Python docs, 'Note on SIGPIPE')."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _write_file(path: Path, text: str) -> None:
    """Write a result to a file the way users expect of -o, never destroying what clbp does not own.

    - a symlink: its target is written (through the link, which stays a link);
    - a FIFO, a device or anything else that is not a regular file: opened and written directly, never replaced;
    - a file with hard links: written in place (truncated), so every name still shows the same file;
    - a regular file: replaced atomically (a temporary file in the same folder, renamed over it), keeping its
      permission bits, and its owner where the process may;
    - a new file: created the same atomic way, with the usual mode (0666 less the umask);
    - a missing folder, a directory, or a folder clbp may not write to: an OutputError, and nothing left behind.
    """
    data = text.encode("utf-8")
    shown = str(path).replace("\x00", "\\x00")
    target = os.fspath(path)
    try:
        try:
            status: os.stat_result | None = os.stat(target)  # what the path leads to, through any links
        except FileNotFoundError:
            status = None
        # Not a regular file (a FIFO, a device), or one with other names (hard links) that a rename would split.
        in_place = status is not None and (not stat.S_ISREG(status.st_mode) or status.st_nlink > 1)
        if os.path.islink(target):
            target = os.path.realpath(target)
            # /dev/stdout and /proc/self/fd/N are links the kernel resolves its own way: when the resolved name
            # is not the same file, write through the link itself.
            in_place = in_place or (status is not None and not _is_same_file(status, target))
    except (OSError, ValueError) as error:
        raise OutputError(f"cannot write to {shown}: {_reason(error)}")
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise OutputError(f"cannot write to {shown}: it is a directory; give a file name, e.g. -o {path / 'clbp.txt'}")
    if status is not None and not os.access(path, os.W_OK):  # read-only: refused, as the shell's `>` would
        raise OutputError(f"cannot write to {shown}: {_reason(PermissionError())}")
    if in_place:
        truncate = status is not None and stat.S_ISREG(status.st_mode)
        _write_in_place(os.fspath(path), data, shown, truncate=truncate)
    else:
        _replace_atomically(target, data, status, shown)


def _is_same_file(status: os.stat_result, path: str) -> bool:
    try:
        return os.path.samestat(status, os.stat(path))
    except OSError:
        return False


def _reason(error: BaseException) -> str:
    if isinstance(error, ValueError):
        return "a file name cannot hold a NUL character; check the path"
    if isinstance(error, NotADirectoryError):
        return "a part of the path is a file, not a folder; check the path"
    if isinstance(error, PermissionError):
        return "permission denied; choose a folder you may write to, or check its permissions"
    return str(getattr(error, "strerror", None) or error)


def _write_in_place(target: str, data: bytes, shown: str, *, truncate: bool) -> None:
    """A FIFO, a terminal, a device, a hard-linked file: write to it as the shell's `>` would (never renamed over)."""
    try:
        descriptor = os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | (os.O_TRUNC if truncate else 0))
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
    except OSError as error:
        raise OutputError(f"cannot write to {shown}: {_reason(error)}")


def _replace_atomically(target: str, data: bytes, status: os.stat_result | None, shown: str) -> None:
    """Write a temporary file in the target's folder and rename it over the target: whole or not at all."""
    folder = os.path.dirname(target) or "."
    if not os.path.isdir(folder):
        what = "is not a folder" if os.path.exists(folder) else "does not exist; create it first (mkdir -p {folder})"
        raise OutputError(f"cannot write to {shown}: {folder} {what.format(folder=folder)}")
    import tempfile  # only here: writing a file is rare and tempfile costs 3 ms to import

    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputError(f"cannot write to {shown}: {_reason(error)}")
    try:
        with os.fdopen(handle, "wb") as stream:
            if status is not None and hasattr(os, "fchown"):
                with contextlib.suppress(OSError):  # the owner: only root may give a file away (or change group)
                    os.fchown(stream.fileno(), status.st_uid, status.st_gid)
            stream.write(data)
        if status is None:  # mkstemp makes it private; a new file gets an ordinary file's mode
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        else:  # after fchown, which may clear set-user-ID bits
            os.chmod(temporary, stat.S_IMODE(status.st_mode))
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write to {shown}: {_reason(error)}")
        raise
