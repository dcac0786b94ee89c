"""The `clbp` command: parse options, ask the core, hand the answer to a renderer, write it out.

Nothing here imports rich or yaml at module level (ruff TID253 enforces it): start-up is the product's speed.
No `from __future__ import annotations` here: Typer reads the annotations of every command on every run, and
evaluating them from strings cost about 3 ms of the start-up budget. Annotations of types imported only for
type checking are quoted instead.
"""

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from clbp_cli import __version__
from clbp_cli.core.citation import CitationMarkup, CitationStyle
from clbp_cli.core.ranking import SortKey
from clbp_cli.render.formats import EMPTY_ANSWER_FORMATS, MACHINE_FORMATS, OutputFormat, format_help
from clbp_cli.render.output import (
    CITATION_EXTENSIONS,
    EXTENSION_FORMATS,
    ColorChoice,
    OutputError,
    QuietExit,
    UserError,
    extension,
    prepare_streams,
    settings_for,
    write_message,
    write_output,
)
from clbp_cli.render.output import is_terminal as _is_terminal  # the one terminal test; browse tests replace it

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from clbp_cli.core.loading import DataError
    from clbp_cli.core.model import Dataset, Mechanism, Theme
    from clbp_cli.core.ranking import RankedMechanism
    from clbp_cli.core.search import LookupFailed
    from clbp_cli.core.views import View

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_INTERNAL = 0, 1, 2, 130, 70


# Completion callbacks: they read the same data the command would, and never fail.
def _completion_data(ctx: typer.Context) -> "Dataset | None":
    from clbp_cli.core.loading import DataError, default_data_path, load_dataset

    try:
        return load_dataset(_data_path(ctx, None) or default_data_path())
    except DataError:
        return None


def _matching(candidates: "Iterable[str]", incomplete: str) -> list[str]:
    """Candidates that start with what was typed, in any case, completed in the case it was typed in.

    Typer keeps only completions that start with the typed text exactly; names resolve in any case, so
    `clbp show mo<Tab>` offers "motor control" and "mood" rather than nothing.
    """
    typed = incomplete.casefold()
    matches = []
    for candidate in candidates:
        if candidate[: len(incomplete)].casefold() == typed:
            matches.append(incomplete + candidate[len(incomplete) :])
        elif candidate.casefold().startswith(typed):  # casefolding changed the length ("ß" -> "ss"): leave it
            matches.append(candidate)
    return matches


def complete_theme(ctx: typer.Context, incomplete: str) -> list[str]:
    dataset = _completion_data(ctx)
    return _matching((theme.id for theme in dataset.themes) if dataset else (), incomplete)


def complete_mechanism(ctx: typer.Context, incomplete: str) -> list[str]:
    """Ids, not names: an id is one shell word ("motor-control"), so Tab never splits a name into two arguments,
    and `show` resolves an id like a name."""
    dataset = _completion_data(ctx)
    return _matching((m.id for m in dataset.mechanisms) if dataset else (), incomplete)


# Options shared by every command, defined once.
FormatOption = Annotated[
    Optional[OutputFormat],
    typer.Option(
        "--format", "-f", case_sensitive=False, show_default=False,
        help=f"{format_help()} With -o FILE, the file's extension chooses it when this is not given.",
    ),
]  # fmt: skip
OutputOption = Annotated[
    Optional[str],
    typer.Option(
        "--output", "-o", metavar="FILE",
        help="Write to FILE instead of stdout ('-' is stdout). Without --format, FILE's extension chooses the format: "
        ".json .csv .yaml/.yml .md (markdown) .html .svg; any other (.txt) gets the plain table.",
    ),
]  # fmt: skip
CiteOutputOption = Annotated[
    Optional[str],
    typer.Option(
        "--output", "-o", metavar="FILE",
        help="Write to FILE instead of stdout ('-' is stdout). FILE's extension chooses what --style and --format "
        "leave unsaid: .bib (bibtex), .ris (ris), .json (csl-json), .md (markdown), .html (html); else plain text.",
    ),
]  # fmt: skip
# `--data` is one option, accepted before the command (`clbp --data PATH list`) or after it (`clbp list --data PATH`).
# CLBP_DATA belongs to the first, so that a --data typed anywhere wins over it; _data_path reads both.
MainDataOption = Annotated[
    Optional[str],
    typer.Option(
        "--data", metavar="PATH", envvar="CLBP_DATA", show_envvar=True,
        help="Use this data file instead of the bundled review (same format; check it with clbp validate).",
    ),
]  # fmt: skip
DataOption = Annotated[
    Optional[str],
    typer.Option(
        "--data", metavar="PATH",
        help="Use this data file instead of the bundled review (same format; check it with clbp validate). "
        "Also accepted before the command, or as CLBP_DATA=PATH.",
    ),
]  # fmt: skip
ColorOption = Annotated[
    ColorChoice,
    typer.Option(
        "--color", case_sensitive=False, help="Colour: auto (terminal only; honours NO_COLOR), always, never."
    ),
]

CiteFormatOption = Annotated[
    Optional[CitationMarkup],
    typer.Option(
        "--format", "-f", case_sensitive=False, show_default=False,
        help="text (default), or markdown or html for apa and vancouver: APA's italics (journal, volume) kept.",
    ),
]  # fmt: skip


def _data_path(ctx: typer.Context, data: Optional[str]) -> Optional[str]:
    """The --data given after the command, else the one before it (or CLBP_DATA), else None (the bundled file)."""
    context: Optional[typer.Context] = ctx
    while data is None and context is not None:
        data = context.params.get("data")
        context = getattr(context, "parent", None)
    return data


def _parse_naming_the_command(
    parse: "Callable[[Any, list[str]], list[str]]", ctx: typer.Context, args: list[str]
) -> list[str]:
    """Usage errors that name the command they are about, so that every one ends "Try 'clbp COMMAND --help'".

    Click's option parser raises some without a context ("Option '-o' requires an argument.").
    """
    from typer._click.exceptions import UsageError  # Typer 0.28 vendors click here

    try:
        return parse(ctx, args)
    except UsageError as error:
        if error.ctx is None:
            error.ctx = ctx
        raise


class Group(TyperGroup):
    """Typer's group (the `clbp` command itself), with usage errors that name it."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        return _parse_naming_the_command(super().parse_args, ctx, args)


class Command(TyperCommand):
    """Typer's command, with usage lines that name arguments plainly and summaries that are never cut.

    Typer writes a required argument as `{NAME}` in usage lines; click cuts a command's summary in `clbp --help`
    to fit beside its name (`...BibTeX, RIS or...`). Summaries here are short enough for one line at 80 columns
    and wrap, uncut, on narrower terminals.
    """

    # typer.Context is the public name of the context Typer hands to commands; click's base class, which these
    # methods are declared with, is private to Typer (typer._click), hence the ignores.
    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        pieces = super().collect_usage_pieces(ctx)
        return [piece[1:-1] if piece[:1] == "{" and piece[-1:] == "}" else piece for piece in pieces]

    def get_short_help_str(self, limit: int = 45) -> str:
        return super().get_short_help_str(limit=10_000)

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        return _parse_naming_the_command(super().parse_args, ctx, args)

    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        """A usage error found by the command itself (`clbp theme foo`) takes the form of click's own."""
        try:
            given = ctx.params.get("output_format")  # still text here: Typer makes it an OutputFormat later
            if given is not None:  # a --format that -o FILE contradicts: said before any other work
                _output_format(OutputFormat(given), ctx.params.get("output"))
            return super().invoke(ctx)
        except UserError as error:
            if error.exit_code != EXIT_USAGE:
                raise
            from typer._click.exceptions import UsageError  # Typer 0.28 vendors click here

            raise UsageError(error.message, ctx) from None


def _version(value: bool) -> None:
    if value:
        write_output(f"clbp {__version__}\n", None, binary=False)
        raise typer.Exit()


# Replaced by views.app_summary (the numbers of the data) when `clbp` or `clbp --help` runs; this is only for a
# data file that cannot be read, and for tools that read the app without running it.
APP_HELP = (
    "The mechanisms of benefit proposed by the trials of a review, how many trials proposed each, and where each "
    "statement comes from. Counts say how many trials proposed a mechanism, not that it works."
)

app = typer.Typer(
    name="clbp",
    cls=Group,
    help=APP_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _main_options(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    data: MainDataOption = None,
) -> None:
    """Run 'clbp COMMAND --help' for a command's options and an example."""


def _load(ctx: typer.Context, data: Optional[str]) -> "tuple[Dataset, tuple[RankedMechanism, ...]]":
    from clbp_cli.core.loading import load_dataset
    from clbp_cli.core.ranking import rank_mechanisms

    dataset = load_dataset(_data_path(ctx, data))
    return dataset, rank_mechanisms(dataset)


Choice = TypeVar("Choice", OutputFormat, CitationStyle, CitationMarkup)


def _chosen(option: str, given: Optional[Choice], implied: Optional[Choice], output: Optional[str]) -> Optional[Choice]:
    """What the option says, else what the output file's extension implies; refused when the two disagree."""
    if given is not None and implied is not None and implied is not given:
        raise UserError(
            f"{option} {given.value} and -o {output} disagree: {extension(output)} means {implied.value}; "
            f"drop {option}, or give the file a matching extension",
            EXIT_USAGE,
        )
    return given if given is not None else implied


def _output_format(given: Optional[OutputFormat], output: Optional[str]) -> OutputFormat:
    """--format, else the format the extension of -o FILE names (`-o slide.svg`), else the table."""
    return _chosen("--format", given, EXTENSION_FORMATS.get(extension(output)), output) or OutputFormat.table


def _emit(view: "View", output_format: Optional[OutputFormat], output: Optional[str], color: ColorChoice) -> None:
    from clbp_cli.render.formats import render

    output_format = _output_format(output_format, output)
    settings = settings_for(color, output, output_format)
    write_output(render(view, output_format, settings), output, binary=output_format in MACHINE_FORMATS)


@app.command("list", cls=Command)
def list_mechanisms(
    ctx: typer.Context,
    theme: Annotated[
        Optional[str],
        typer.Option(
            "--theme", "-t", metavar="NAME", autocompletion=complete_theme, help="Only this theme's mechanisms."
        ),
    ] = None,
    top: Annotated[Optional[int], typer.Option("--top", "-n", min=1, metavar="N", help="Only the first N.")] = None,
    sort: Annotated[
        SortKey,
        typer.Option(
            "--sort",
            case_sensitive=False,
            help="Order: rank (most proposed first), name (A-Z), or theme (grouped by theme, in the order clbp themes "
            "lists them: the review's, largest first; ranked within each).",
        ),
    ] = SortKey.rank,
    output_format: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
    color: ColorOption = ColorChoice.auto,
) -> None:
    """List the mechanisms, most proposed first.

    Example: clbp list --theme psychosocial --top 5
    """
    from clbp_cli.core.ranking import select_mechanisms
    from clbp_cli.core.views import MechanismListView

    dataset, ranked = _load(ctx, data)
    chosen = _theme_or_exit(dataset, theme) if theme is not None else None
    rows = select_mechanisms(dataset, ranked, theme_id=chosen.id if chosen else None, sort=sort)
    available = len(rows)
    _emit(
        MechanismListView(dataset, tuple(rows[:top] if top else rows), chosen, available), output_format, output, color
    )


@app.command("theme", cls=Command, no_args_is_help=True)
def show_theme(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            autocompletion=complete_theme,
            help="A theme, e.g. psychosocial, tissue (any case; a unique prefix will do).",
        ),
    ],
    output_format: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
    color: ColorOption = ColorChoice.auto,
) -> None:
    """Show one theme, a quotation from its trials, and its mechanisms.

    Its published total and share, a plain description, the review's example quotation, then its mechanisms ranked.

    Example: clbp theme "tissue healing"
    """
    from clbp_cli.core.ranking import summarise_themes
    from clbp_cli.core.views import ThemeView

    dataset, ranked = _load(ctx, data)
    theme = _theme_or_exit(dataset, name)
    summary = next(summary for summary in summarise_themes(dataset) if summary.theme.id == theme.id)
    rows = tuple(row for row in ranked if row.mechanism.theme == theme.id)
    _emit(ThemeView(dataset, summary, rows), output_format, output, color)


@app.command("themes", cls=Command)
def list_themes(
    ctx: typer.Context,
    output_format: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
    color: ColorOption = ColorChoice.auto,
) -> None:
    """Compare the five themes side by side.

    Published totals and their shares of all proposals (not of trials), how many mechanisms each holds, and the
    sum of their listed counts.

    Example: clbp themes --format csv
    """
    from clbp_cli.core.ranking import summarise_themes
    from clbp_cli.core.views import ThemesView

    dataset, _ = _load(ctx, data)
    _emit(ThemesView(dataset, summarise_themes(dataset)), output_format, output, color)


@app.command("about", cls=Command)
def about_review(
    ctx: typer.Context,
    output_format: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
    color: ColorOption = ColorChoice.auto,
) -> None:
    """The review at a glance: question, design, numbers, conclusion.

    How many trials it included and how many proposed a mechanism, the themes' published totals, how this tool
    assigned the themes, and how to cite it.

    Example: clbp about
    """
    from clbp_cli.core.ranking import summarise_themes
    from clbp_cli.core.views import AboutView

    dataset, _ = _load(ctx, data)
    _emit(AboutView(dataset, summarise_themes(dataset)), output_format, output, color)


@app.command("measures", cls=Command)
def list_measures(
    ctx: typer.Context,
    mechanism: Annotated[
        Optional[str],
        typer.Option(
            "--mechanism",
            "-m",
            metavar="NAME",
            autocompletion=complete_mechanism,
            help="Only the instruments of this mechanism (an id, name or alias, as clbp show takes).",
        ),
    ] = None,
    theme: Annotated[
        Optional[str],
        typer.Option(
            "--theme", "-t", metavar="NAME", autocompletion=complete_theme, help="Only this theme's mechanisms."
        ),
    ] = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
    color: ColorOption = ColorChoice.auto,
) -> None:
    """List the instruments per mechanism: clbp's list, not the review's.

    Every questionnaire, physical test and lab value in clbp's search vocabulary, A-Z, with its abbreviation and
    the mechanisms whose construct it measures: a starting list for a trial that would measure a mechanism.

    Example: clbp measures --theme psychosocial
    """
    from clbp_cli.core.views import MeasuresView, measure_rows

    output_format = _output_format(output_format, output)  # the empty answer below depends on it
    dataset, ranked = _load(ctx, data)
    chosen_theme = _theme_or_exit(dataset, theme) if theme is not None else None
    chosen = _mechanism_or_exit(dataset, ranked, mechanism) if mechanism is not None else None
    rows = measure_rows(
        ranked, theme_id=chosen_theme.id if chosen_theme else None, mechanism_id=chosen.id if chosen else None
    )
    view = MeasuresView(dataset, rows, chosen_theme, chosen)
    if not rows:
        if output_format in EMPTY_ANSWER_FORMATS:  # scripts get an empty answer
            _emit(view, output_format, output, color)
        raise UserError(f"no instrument in the search vocabulary measures {view.chosen()}", EXIT_NOT_FOUND)
    _emit(view, output_format, output, color)


def _mechanism_or_exit(dataset: "Dataset", ranked: "Sequence[RankedMechanism]", name: str) -> "Mechanism":
    """A mechanism named by an option, as `show` resolves it (a close typo with a note); else a usage error."""
    from clbp_cli.core.search import LookupFailed, resolve_mechanism
    from clbp_cli.core.views import display_quoted

    try:
        resolved = resolve_mechanism(dataset, ranked, name)
    except LookupFailed as failed:
        raise _lookup_error(failed, "clbp list shows every mechanism", EXIT_USAGE) from None
    if not resolved.exact:
        _note(f"no exact match for {display_quoted(name)}; using the closest: {resolved.row.mechanism.name}")
    return resolved.row.mechanism


@app.command("search", cls=Command, no_args_is_help=True)
def search_mechanisms(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(metavar="QUERY", help="Words to look for, e.g. fear, 'fear of movement', TSK, pilates.")
    ],
    theme: Annotated[
        Optional[str],
        typer.Option(
            "--theme", "-t", metavar="NAME", autocompletion=complete_theme, help="Only this theme's mechanisms."
        ),
    ] = None,
    top: Annotated[Optional[int], typer.Option("--top", "-n", min=1, metavar="N", help="Only the first N.")] = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
    color: ColorOption = ColorChoice.auto,
) -> None:
    """Find mechanisms by name, measure, exercise or everyday words.

    Each word is looked for in every field: names, aliases, measures (TSK, PSEQ), exercise types, everyday
    phrases, anatomy, keywords, themes and descriptions; any case, accents, British or American spelling, plurals,
    typos. Words naming the review's own subject (back, pain, exercise) and little words (up, down) only help a
    phrase match; a query of only those, or naming one of the trials' outcome measures (Oswestry), finds nothing.
    Mechanisms matching more, rarer words in stronger fields come first.

    Example: clbp search "fear of movement"
    """
    from clbp_cli.core.search import (
        asks_about_the_whole_review,
        fold,
        names_an_outcome,
        nearest_names,
        prepare_search,
        search_page,
    )
    from clbp_cli.core.views import SearchView, display_quoted

    output_format = _output_format(output_format, output)  # the empty answer below depends on it
    if not fold(query):
        raise UserError("the search query is empty; give a word to look for, e.g. clbp search fear", EXIT_USAGE)
    dataset, ranked = _load(ctx, data)
    chosen = _theme_or_exit(dataset, theme) if theme is not None else None
    index = prepare_search(dataset, ranked)
    page = search_page(dataset, ranked, query, top=top, theme_id=chosen.id if chosen is not None else None, index=index)
    if not page.hits:
        if output_format in EMPTY_ANSWER_FORMATS:  # scripts get an empty answer
            _emit(SearchView(dataset, query, ()), output_format, output, color)
        if asks_about_the_whole_review(dataset, query):  # "back pain": every mechanism is about it
            raise UserError(
                f"{display_quoted(query)} names what the whole review is about, not one mechanism; see every mechanism "
                "with: clbp list, and the review itself with: clbp about",
                EXIT_NOT_FOUND,
            )
        if names_an_outcome(index, query):  # "Oswestry": what the trials measured their result with
            raise UserError(
                f"{display_quoted(query)} names one of the trials' outcome measures (the result the mechanisms would "
                "explain), not a mechanism's; see each mechanism's measures with: clbp measures",
                EXIT_NOT_FOUND,
            )
        scope = f" in theme {chosen.id}" if chosen is not None else ""
        nearest = nearest_names(index, query)
        if nearest:
            hint = f"; did you mean: {', '.join(nearest)}?"
        elif chosen is not None and page.total:
            hint = f"; other themes have some: clbp search {shell_quoted(query)}"
        else:
            hint = "; see every name with: clbp list"
        raise UserError(f"no mechanism{scope} matches {display_quoted(query)}{hint}", EXIT_NOT_FOUND)
    _emit(SearchView(dataset, query, tuple(page.hits), page.matched), output_format, output, color)


def shell_quoted(text: str) -> str:
    """What the user typed, quoted for the shell, for a command to run next (views.display_quoted quotes for reading)."""
    import shlex

    return shlex.quote(text)


@app.command("show", cls=Command, no_args_is_help=True)
def show_mechanism(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            autocompletion=complete_mechanism,
            help="A mechanism's id, name or alias, e.g. motor-control, kinesiophobia (a unique start will do).",
        ),
    ],
    output_format: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
    color: ColorOption = ColorChoice.auto,
) -> None:
    """Show one mechanism's card.

    Rank, count and share of trials, theme, a plain description, aliases, and the other mechanisms of its theme.

    NAME may be an id, a name or an alias in any case or spelling, the unique start of one, or a close typo
    (with a note). For anything else, clbp search finds mechanisms by any word.

    Example: clbp show "motor control"
    """
    from clbp_cli.core.search import LookupFailed, resolve_mechanism
    from clbp_cli.core.views import display_quoted, mechanism_view

    dataset, ranked = _load(ctx, data)
    try:
        resolved = resolve_mechanism(dataset, ranked, name)
    except LookupFailed as failed:
        if failed.ambiguous or not failed.suggestions:
            raise _lookup_error(failed, "clbp list shows every mechanism", EXIT_NOT_FOUND) from None
        raise UserError(
            f"no mechanism called {display_quoted(name)}; search finds: {', '.join(failed.suggestions)} "
            f"(see why with: clbp search {shell_quoted(name)})",
            EXIT_NOT_FOUND,
        ) from None
    if not resolved.exact:
        _note(f"no exact match for {display_quoted(name)}; showing the closest: {resolved.row.mechanism.name}")
    _emit(mechanism_view(dataset, ranked, resolved.row), output_format, output, color)


@app.command("cite", cls=Command)
def cite_review(
    ctx: typer.Context,
    style: Annotated[
        Optional[CitationStyle],
        typer.Option(
            "--style",
            "-s",
            case_sensitive=False,
            show_default=False,
            help="apa (APA 7; the default), vancouver (NLM), bibtex, ris or csl-json.",
        ),
    ] = None,
    markup: CiteFormatOption = None,
    output: CiteOutputOption = None,
    data: DataOption = None,
) -> None:
    """Cite the review: APA, Vancouver, BibTeX, RIS or CSL-JSON.

    The reference managers' formats (bibtex, ris, csl-json) import as the 2021 article.

    Example: clbp cite -o review.bib
    """
    from clbp_cli.core.citation import PROSE_STYLES, cite

    implied = CITATION_EXTENSIONS.get(extension(output))
    chosen_style = _chosen("--style", style, implied if isinstance(implied, CitationStyle) else None, output)
    chosen_markup = _chosen("--format", markup, implied if isinstance(implied, CitationMarkup) else None, output)
    if chosen_markup not in (None, CitationMarkup.text) and chosen_style not in (None, *PROSE_STYLES):
        assert chosen_markup is not None and chosen_style is not None  # for mypy: both were just tested
        if style is None or markup is None:  # one of the two came from the file name
            given, option = (chosen_style, "--style") if markup is None else (chosen_markup, "--format")
            implied_value = chosen_markup if markup is None else chosen_style
            raise UserError(
                f"{option} {given.value} and -o {output} disagree: {extension(output)} means {implied_value.value}, "
                f"and only apa and vancouver come in markdown or html; drop {option}, or give the file another "
                "extension",
                EXIT_USAGE,
            )
        raise UserError(
            f"--format {chosen_markup.value} is for --style apa or vancouver; {chosen_style.value} is plain text "
            "(use --format text)",
            EXIT_USAGE,
        )
    dataset, _ = _load(ctx, data)
    text = cite(dataset.source, chosen_style or CitationStyle.apa, chosen_markup or CitationMarkup.text)
    write_output(text + "\n", output, binary=True)


@app.command("browse", cls=Command)
def browse_review(ctx: typer.Context, data: DataOption = None) -> None:
    """Look around the whole review on one interactive screen.

    Narrow the ranked list with a search (same search as clbp search), filter by theme, open a mechanism's card,
    follow its theme, copy the reference. / searches, Esc leaves the search, ? lists the keys; Ctrl+Q quits.

    Example: clbp browse
    """
    dataset, ranked = _load(ctx, data)  # bad data fails here, in one line, before the screen opens
    if not (_is_terminal(sys.stdout) and _is_terminal(sys.stdin)):
        raise UserError(
            "clbp browse needs a terminal (stdin and stdout); for a pipe or a file use clbp list or clbp search QUERY",
            EXIT_USAGE,
        )
    if os.environ.get("TERM", "") == "dumb":
        raise UserError(
            "clbp browse cannot draw on this terminal (TERM=dumb); use clbp list or clbp search QUERY", EXIT_USAGE
        )
    from clbp_cli.browse.app import BrowseApp  # Textual is imported here and only here

    browser = BrowseApp(dataset, ranked)
    browser.run()
    if browser.return_code:
        raise UserError("clbp browse stopped on an error (shown above)", EXIT_INTERNAL)


@app.command("validate", cls=Command, no_args_is_help=True)
def validate_file(
    path: Annotated[str, typer.Argument(metavar="PATH", help="The data file to check.")],
) -> None:
    """Check a data file of your own.

    Lists every problem with its line and field path; exit 0 when the file can be used with --data.

    Example: clbp validate my-table.yaml
    """
    from clbp_cli.core.loading import DataError, load_dataset, upgrade_note

    try:
        dataset = load_dataset(path)
    except DataError as error:  # every problem, not the first MAX_PROBLEMS_SHOWN
        raise UserError(_describe_data_error(error, limit=None), EXIT_NOT_FOUND) from None
    write_output(
        f"{path}: OK: {len(dataset.mechanisms)} mechanisms in {len(dataset.themes)} themes\n", None, binary=False
    )
    if upgrade_note(dataset):
        write_message(f"clbp: {upgrade_note(dataset)}")


def _theme_or_exit(dataset: "Dataset", name: str) -> "Theme":
    from clbp_cli.core.search import LookupFailed, resolve_theme

    try:
        return resolve_theme(dataset, name)
    except LookupFailed as failed:
        themes = ", ".join(theme.id for theme in dataset.themes)  # in the review's order, as everywhere
        raise _lookup_error(failed, f"the themes are: {themes}", EXIT_USAGE) from None


def _lookup_error(failed: "LookupFailed", every: str, exit_code: int) -> UserError:
    """One phrasing, for `theme` and `show` alike, of a name that matched nothing or more than one thing."""
    from clbp_cli.core.views import display_quoted

    name = display_quoted(failed.query)
    if failed.ambiguous:
        return UserError(
            f"{name} matches several {failed.what}s: {_either(failed.candidates)}; name one of them", exit_code
        )
    hint = f" (did you mean {_either(failed.suggestions)}?)" if failed.suggestions and failed.query.strip() else ""
    return UserError(f"no {failed.what} called {name}{hint}; {every}", exit_code)


def _either(names: "Sequence[str]") -> str:
    """a, b or c"""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _note(message: str) -> None:
    write_message(f"clbp: note: {message}")


def _fail(message: str, code: int) -> int:
    write_message(f"clbp: error: {message}")
    return code


def run(argv: list[str]) -> int:
    """Run clbp with these arguments; every expected failure becomes a message on stderr and an exit code."""
    from typer._click import exceptions as click_exceptions  # Typer 0.28 vendors click here

    from clbp_cli.core.loading import DataError

    data, rest = _leading_data(argv)
    if not rest or rest[0] in ("-h", "--help"):
        app.info.help = _app_help(data)
    try:
        result = _app_for(rest)(args=argv, prog_name="clbp", standalone_mode=False)
    except UserError as error:
        return _fail(error.message, error.exit_code)
    except OutputError as error:
        return _fail(error.message, EXIT_NOT_FOUND)
    except QuietExit:
        return EXIT_OK
    except DataError as error:
        return _fail(_describe_data_error(error), EXIT_NOT_FOUND)
    except click_exceptions.NoArgsIsHelpError as request:
        # `clbp` alone asks for help: exit 0. `clbp show` alone gets show's help too, but exits 2 so that a script
        # whose argument came out empty (`clbp show $name`) stops instead of reading the help as a result.
        write_output(request.ctx.get_help() + "\n", None, binary=False)
        return EXIT_OK if request.ctx.parent is None else EXIT_USAGE
    except click_exceptions.UsageError as error:
        hint = f"\nTry '{error.ctx.command_path} --help' for help." if error.ctx is not None else ""
        return _fail(f"{error.format_message()}{hint}", EXIT_USAGE)
    except click_exceptions.ClickException as error:
        return _fail(error.format_message(), EXIT_NOT_FOUND)
    except (typer.Abort, KeyboardInterrupt):
        write_message("")
        return EXIT_INTERRUPTED
    return result if isinstance(result, int) else EXIT_OK


def _app_for(argv: list[str]) -> typer.Typer:
    """The app with only the command that argv names. Typer reads every command's signature when it builds the
    group (about 5 ms for nine commands, 5% of a table command's start-up) and a run uses one. The top-level help,
    completion and anything that is not a command name as the first argument get the whole app."""
    import copy

    name = argv[0] if argv else ""
    chosen = [command for command in app.registered_commands if command.name == name]
    if not chosen or "_CLBP_COMPLETE" in os.environ:
        return app
    narrowed = copy.copy(app)
    narrowed.registered_commands = chosen
    return narrowed


def _leading_data(argv: list[str]) -> tuple[Optional[str], list[str]]:
    """The --data PATH given before anything else (`clbp --data mine.yaml --help`), and the arguments after it."""
    if argv[:1] == ["--data"] and len(argv) > 1:
        return argv[1], argv[2:]
    if argv[:1] and argv[0].startswith("--data="):
        return argv[0][len("--data=") :], argv[1:]
    return None, argv


def _app_help(data: Optional[str] = None) -> str:
    """The app's summary with the question and numbers of the data the commands read (--data, CLBP_DATA, else the
    bundled review). A user's file that cannot be read gets the neutral summary, never this review's."""
    from clbp_cli.core.loading import DataError, default_data_path, load_dataset
    from clbp_cli.core.views import app_summary

    chosen = data or default_data_path()
    if chosen is not None:
        try:
            return app_summary(load_dataset(chosen))
        except DataError:
            return APP_HELP
    try:
        return app_summary(load_dataset(None))
    except DataError:  # pragma: no cover - the bundled file always loads
        return APP_HELP


MAX_PROBLEMS_SHOWN = 20


def _describe_data_error(error: "DataError", limit: Optional[int] = MAX_PROBLEMS_SHOWN) -> str:
    problems = [problem.describe(error.origin) for problem in error.problems]
    shown = problems[:limit]
    more = f"\n  ... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
    noun = "problem" if len(problems) == 1 else "problems"
    return f"cannot use the data file ({len(problems)} {noun}):\n  " + "\n  ".join(shown) + more


def main() -> NoReturn:
    """Console entry point. Exit codes: 0 ok, 1 nothing found or a data/output problem, 2 usage error,
    130 interrupted, 70 a bug in clbp (reported in one line; CLBP_DEBUG=1 shows the traceback)."""
    prepare_streams()
    try:
        code = run(sys.argv[1:])
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except Exception as error:  # a bug: say so in one line instead of a traceback
        if os.environ.get("CLBP_DEBUG"):
            raise
        code = _fail(
            f"internal error ({type(error).__name__}: {error}); please report it, with CLBP_DEBUG=1 for details",
            EXIT_INTERNAL,
        )
    _exit_now(code)


def _exit_now(code: int) -> NoReturn:
    """Exit without the interpreter's teardown, once everything written is flushed.

    Freeing the ~400 modules of typer and rich at exit took 25-60 ms here, a third of the start-up budget
    (compare `python -c "import typer, rich.console"` with and without `os._exit(0)`). clbp registers no atexit
    work and closes every file it writes before this point.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
