"""The `filmsearch` command: a thin typer layer over `searcher.Index`.

Each command resolves its arguments, calls one library function and renders the
result (rich on a terminal, plain text when piped, or `--json`). Library errors
become one line on stderr and their `exit_code`, in one place (`_errors`).
Whoosh, rapidfuzz and rich's console load inside the commands, so `--help` stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from .errors import FilmsearchError, IndexMissingError

if TYPE_CHECKING:
    from .hits import Results
    from .index import Index
    from .indexer import IndexReport

QUERY_HELP = """Search the index. QUERY syntax:

\b
  immigration detention       free words: all optional, films with more of them rank first
  "detention center"          an exact phrase (required)
  director:"Masset-Depasse"   a field: a word or "a phrase" (required)
  year:2010  year:1990..1999  a year or a range (also year:..1950, year:2000..)
  asylum AND detention        both required;  asylum OR refugee: either
  NOT comedy  -comedy         exclude (a - only excludes at the start of a word)
  detent*                     a word prefix (two letters or more)

\b
Fields: title, lead, plot, other, cast, characters, director, writer, producer,
music, cinematography, editing, crew (all off-screen credits), person (everyone
credited), country, language, year, runtime. A query that starts with - needs
`--` before it; a query equal to a command name needs `filmsearch search`.
"""

app = typer.Typer(
    help="Full-text search for film articles. `filmsearch \"words\"` searches; `filmsearch index` builds the index.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

IndexOption = Annotated[
    Optional[Path],
    typer.Option("--index", help="Index folder (default: $FILMSEARCH_INDEX or ./index).", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")]
WaitOption = Annotated[float, typer.Option("--wait", help="Seconds to wait for another indexer to finish.", min=0)]

DEFAULT_SEEDS = Path("seeds")


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"filmsearch: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def _errors() -> Iterator[None]:
    """Library errors, Ctrl-C and a closed pipe: one line on stderr and an exit code, never a traceback."""
    try:
        yield
    except FilmsearchError as error:
        raise _fail(str(error).replace("\n", " "), error.exit_code) from None
    except KeyboardInterrupt:
        raise _fail("interrupted", 130) from None
    except BrokenPipeError:
        sys.stderr.close()
        raise typer.Exit(1) from None
    except OSError as error:
        raise _fail(f"{error.filename or ''}: {error.strerror or error}".lstrip(": "), 1) from None


def _index_path(index: Path | None) -> Path:
    from .index import default_index_path

    return index if index is not None else default_index_path()


def _open(index: Path | None) -> Index:
    """Open the index for searching; with no index yet at the default place, build it from ./seeds."""
    from .index import Index

    idx = Index(_index_path(index), create=False)
    if not idx.exists():
        if index is None and "FILMSEARCH_INDEX" not in os.environ and DEFAULT_SEEDS.is_dir():
            typer.echo(f"filmsearch: no index yet; building {idx.path} from {DEFAULT_SEEDS}/ first", err=True)
            report = idx.sync([DEFAULT_SEEDS])
            _print_skips(report)
        else:
            raise IndexMissingError(f"no index at {idx.path}; build one with: filmsearch index PATH --index {idx.path}")
    return idx


def _print_skips(report: IndexReport) -> None:
    for skipped in report.skipped:
        typer.echo(f"filmsearch: skipped {skipped}", err=True)
    for warning in report.warnings:
        typer.echo(f"filmsearch: warning: {warning}", err=True)


def _show_path(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


def _render(results: Results) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    if not results:
        console.print(f"No films match {results.query!r}.")
        return
    console.print(f"{results.total} film(s) match; showing {len(results)}.", style="dim")
    for rank, hit in enumerate(results, 1):
        head = Text(f"{rank}. ")
        head.append(hit.title, style="bold")
        if hit.year:
            head.append(f" ({hit.year})")
        head.append(f"  score {hit.score:.2f}", style="dim")
        if hit.fields:
            head.append(f"  [{', '.join(hit.fields)}]", style="cyan")
        console.print(head)
        console.print(Text(f"   {_show_path(hit.path)}", style="dim"))
        if hit.also:
            console.print(Text(f"   also: {', '.join(_show_path(p) for p in hit.also)}", style="dim"))
        if hit.snippet:
            line = Text("   ")
            body = Text(hit.snippet.text)
            for start, end in hit.snippet.spans:
                body.stylize("bold yellow", start, end)
            line.append_text(body)
            console.print(line)


@app.command("search", help=QUERY_HELP)
def search_command(
    query: Annotated[str, typer.Argument(help="What to search for (see the syntax above).", show_default=False)],
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many films to show.", min=1)] = 10,
    json_: JsonOption = False,
    index: IndexOption = None,
) -> None:
    with _errors():
        with _open(index) as idx:
            results = idx.search(query, limit=limit)
        if json_:
            typer.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=1))
        else:
            _render(results)


@app.command("index")
def index_command(
    paths: Annotated[
        Optional[list[Path]], typer.Argument(help="Article files and folders (*.txt, recursively). Default: seeds/.")
    ] = None,
    index: IndexOption = None,
    full: Annotated[bool, typer.Option("--full", help="Rebuild from scratch instead of applying the difference.")] = False,
    prune: Annotated[
        bool, typer.Option("--prune/--no-prune", help="Remove indexed articles whose files are gone from PATHS.")
    ] = True,
    wait: WaitOption = 0.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    json_: JsonOption = False,
) -> None:
    """Build or update the index from article files: new articles are added, changed ones replaced, gone ones removed."""
    from .index import Index

    with _errors():
        idx = Index(_index_path(index), create=False)
        report = idx.sync(paths or [DEFAULT_SEEDS], full=full, prune=prune, wait=wait)
        if json_:
            typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
            return
        _print_skips(report)
        if not quiet:
            typer.echo(_summary(report, idx.path), err=True)


def _summary(report: IndexReport, path: Path) -> str:
    if not report.full and not report.changed:
        return f"filmsearch: {path} is up to date ({report.articles} articles, {len(report.skipped)} skipped, {report.seconds:.1f}s)"
    kind = "built" if report.full else "updated"
    return (
        f"filmsearch: {kind} {path}: {report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{len(report.skipped)} skipped; {report.articles} articles ({report.seconds:.1f}s)"
    )


def main(argv: list[str] | None = None) -> Any:
    """Console entry point: `filmsearch "words"` means `filmsearch search "words"` (typer has no default command)."""
    args = list(sys.argv[1:] if argv is None else argv)
    commands = {command.name for command in app.registered_commands}
    if args and args[0] not in commands and args[0] not in ("--help", "-h"):
        args.insert(0, "search")
    return app(args=args, prog_name="filmsearch")
