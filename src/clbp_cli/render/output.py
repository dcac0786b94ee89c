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
import sys
from pathlib import Path

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
    is_tty = stream is not None and _isatty(stream)
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


def _isatty(stream: object) -> bool:
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
    """Write via a temporary file in the same folder, so a failed write never leaves half a file behind."""
    if path.is_dir():
        raise OutputError(f"cannot write to {path}: it is a directory; give a file name, e.g. -o {path / 'clbp.txt'}")
    import tempfile  # only here: writing a file is rare and tempfile costs 3 ms to import

    folder = path.parent
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as error:
        raise OutputError(f"cannot write to {path}: {error.strerror or error}")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; give it an ordinary file's mode
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise OutputError(f"cannot write to {path}: {error.strerror or error}")
