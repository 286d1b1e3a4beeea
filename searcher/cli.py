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
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

import typer

from .errors import FilmsearchError, IndexMissingError

if TYPE_CHECKING:
    from .hits import Results
    from .index import Index
    from .indexer import IndexReport
    from .person import Person

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
        typer.echo(_printable(f"filmsearch: skipped {skipped}"), err=True)
    for warning in report.warnings:
        typer.echo(_printable(f"filmsearch: warning: {warning}"), err=True)


def _show_path(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


#: Control characters from articles, file names or queries, each shown as one other character (so
#: snippet spans keep their offsets): ESC would start a terminal escape sequence, a newline a fake line.
_CONTROL = {**dict.fromkeys([*range(0x20), 0x7F, *range(0x80, 0xA0)], "\ufffd"), ord("\t"): " "}


def _printable(text: str) -> str:
    return text.translate(_CONTROL)


def _console() -> Any:
    """A console that prints text as it is: "[/]" is not markup, ":smile:" not an emoji."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, markup=False, emoji=False)


def _render(results: Results) -> None:
    from rich.text import Text

    console = _console()
    if results.corrections:
        console.print(_printable(f"Showing results for {results.query!r} with {_corrections(results)}."), style="italic")
    if not results:
        console.print(_printable(f"No films match {results.query!r}."))
        return
    # Duplicate articles of a film are one hit, so articles and films are counted apart.
    console.print(f"About {results.total} matching article(s); showing {len(results)} film(s).", style="dim")
    for rank, hit in enumerate(results, 1):
        head = Text(f"{rank}. ")
        head.append(_printable(hit.title), style="bold")
        if hit.year:
            head.append(f" ({hit.year})")
        head.append(f"  score {hit.score:.2f}", style="dim")
        if hit.fields:
            head.append(f"  [{', '.join(hit.fields)}]", style="cyan")
        console.print(head)
        console.print(Text(_printable(f"   {_show_path(hit.path)}"), style="dim"))
        if hit.also:
            console.print(Text(_printable(f"   also: {', '.join(_show_path(p) for p in hit.also)}"), style="dim"))
        if hit.snippet:
            line = Text("   ")
            body = Text(_printable(hit.snippet.text))
            for start, end in hit.snippet.spans:
                body.stylize("bold yellow", start, end)
            line.append_text(body)
            console.print(line)


def _corrections(results: Results) -> str:
    """One clause per forgiven word or name: `Gontcharof` also as Alexandre Gontcharov."""
    parts = [f"{c.original!r} also as {' / '.join(c.used)}" for c in results.corrections]
    return "; ".join(parts) + " (--exact to turn off)"


ExactOption = Annotated[
    bool, typer.Option("--exact", help="No typo tolerance: search only what was typed (case, accents and stems aside).")
]


@app.command("search", help=QUERY_HELP)
def search_command(
    query: Annotated[str, typer.Argument(help="What to search for (see the syntax above).", show_default=False)],
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many films to show.", min=1)] = 10,
    json_: JsonOption = False,
    index: IndexOption = None,
    exact: ExactOption = False,
) -> None:
    from .syntax import parse_query

    with _errors():
        parse_query(query)  # a bad query fails before the first search builds the default index
        with _open(index) as idx:
            results = idx.search(query, limit=limit, fuzzy=not exact)
        if json_:
            typer.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=1))
        else:
            _render(results)


ReportOption = Annotated[
    Optional[Path], typer.Option("--report", help="Write skipped files and warnings to FILE as JSON lines.",
                                 show_default=False, dir_okay=False)
]


@app.command("index")
def index_command(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(
            help="Article files and folders (*.txt, recursively). Default: the ones indexed before, else seeds/.",
            metavar="PATH",
        ),
    ] = None,
    index: IndexOption = None,
    full: Annotated[bool, typer.Option("--full", help="Rebuild from scratch instead of applying the difference.")] = False,
    prune: Annotated[
        bool, typer.Option("--prune/--no-prune", help="Remove indexed articles whose files are gone from PATHS.")
    ] = True,
    wait: WaitOption = 0.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    report_file: ReportOption = None,
    json_: JsonOption = False,
) -> None:
    """Build or update the index: new articles are added, changed ones replaced, gone ones removed.

    Exit status: 0 when the index is up to date (even if files were skipped), 1 when it could
    not be updated (locked, untrusted or damaged index), 2 for a PATH that does not exist.
    """
    from .index import Index

    with _errors():
        if report_file is not None and not report_file.parent.is_dir():
            raise _fail(f"--report: no such folder: {report_file.parent}", 2)  # before any work, not after
        idx = Index(_index_path(index), create=False)
        sources = paths or (None if idx.roots else [DEFAULT_SEEDS])  # None: the roots again
        with _progress_bar(enabled=not quiet and not json_) as progress:
            report = idx.sync(sources, full=full, prune=prune, wait=wait, progress=progress)
        if report_file is not None:
            _write_report(report_file, report)
        if json_:
            typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
            return
        _print_skips(report)
        if not quiet:
            typer.echo(_summary(report, idx.path), err=True)


@contextmanager
def _progress_bar(enabled: bool, console: Any = None) -> Iterator[Any]:
    """A progress callback drawing a rich bar on stderr, or None when stderr is not a terminal."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.text import Text

    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield None
        return

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            return Text(f"{task.speed or 0:,.0f} articles/s", style="progress.data.speed")

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("reading", total=None)

        def update(done: int, total: int) -> None:
            # After the last article, Whoosh still writes its segment (a while, for a full build).
            bar.update(task, completed=done, total=total, description="writing" if done >= total else "indexing")

        yield update


def _write_report(file: Path, report: IndexReport) -> None:
    with open(file, "w", encoding="utf-8") as out:
        for skipped in report.skipped:
            out.write(json.dumps({"kind": "skipped", **skipped.to_dict()}, ensure_ascii=False) + "\n")
        for warning in report.warnings:
            out.write(json.dumps({"kind": "warning", "message": warning}, ensure_ascii=False) + "\n")


def _summary(report: IndexReport, path: Path) -> str:
    skipped = f"{len(report.skipped):,} skipped"
    if not report.full and not report.changed:
        touched = f", {report.refreshed:,} touched files re-stored" if report.refreshed else ""
        return (f"filmsearch: {path} is up to date, nothing to index ({report.articles:,} articles, "
                f"{skipped}{touched}, {report.seconds:.1f}s)")
    if report.full:
        return f"filmsearch: built {path}: {report.added:,} added, {skipped} in {report.seconds:.1f}s"
    return (
        f"filmsearch: updated {path}: {report.added:,} added, {report.updated:,} updated, {report.removed:,} removed, "
        f"{skipped} in {report.seconds:.1f}s; {report.articles:,} articles"
    )


@app.command("remove")
def remove_command(
    # str, not Path: Path("") is ".", and `remove ""` must not mean the working folder.
    paths: Annotated[list[str], typer.Argument(help="Indexed files or folders (they may be gone already).", metavar="PATH")],
    index: IndexOption = None,
    wait: WaitOption = 0.0,
) -> None:
    """Remove the articles at or under PATHS from the index. A file still inside an indexed folder
    comes back at the next `filmsearch index` of that folder."""
    from .index import Index

    with _errors():
        idx = Index(_index_path(index), create=False)
        count = idx.remove(paths, wait=wait)
        shown = ", ".join(str(p) for p in paths)
        if count:
            typer.echo(f"filmsearch: removed {count:,} article(s) under {shown} from {idx.path}", err=True)
        else:
            typer.echo(f"filmsearch: nothing indexed under {shown}; {idx.path} unchanged", err=True)


@app.command("status")
def status_command(index: IndexOption = None, json_: JsonOption = False) -> None:
    """Show the index: articles, distinct names, size, last update, and how many files under the
    indexed folders are new, changed or gone (nothing is changed)."""
    from .index import Index

    with _errors():
        idx = Index(_index_path(index), create=False)
        status = idx.status()
        if json_:
            typer.echo(json.dumps(status.to_dict(), indent=1))
            return
        from rich.filesize import decimal

        pending = status.new + status.changed + status.gone
        rows = [
            ("index", str(idx.path)),
            ("articles", f"{status.articles:,}"),
            ("names", "unknown" if status.names is None else f"{status.names:,}"),
            ("size", decimal(status.size_bytes)),
            ("updated", status.updated),
            ("files", f"{status.new:,} new, {status.changed:,} changed, {status.gone:,} gone"
                      + (" (run `filmsearch index` to apply)" if pending else " (up to date)")),
        ]
        if status.skipped:
            rows.append(("skipped", f"{status.skipped:,} file(s) left out, malformed or unreadable "
                                    "(`filmsearch index` lists why)"))
        for label, value in rows:
            typer.echo(f"{label:<9} {value}")


@app.command("person")
def person_command(
    name: Annotated[str, typer.Argument(help="A credited person's name, as well as you remember it.", show_default=False)],
    json_: JsonOption = False,
    index: IndexOption = None,
    exact: ExactOption = False,
) -> None:
    """Show the films of the credited person whose name best matches NAME, by year, with their roles."""
    with _errors():
        if not name.strip():
            raise _fail("person needs a name", 2)
        with _open(index) as idx:
            person = idx.person(name, fuzzy=not exact)
        if json_:
            typer.echo(json.dumps({"query": name, "person": person.to_dict() if person else None},
                                  ensure_ascii=False, indent=1))
        elif person is None:
            typer.echo(f"No one credited matches {name!r}.")
        else:
            _render_person(person)


def _render_person(person: Person) -> None:
    from rich.text import Text

    console = _console()
    head = Text(_printable(person.name), style="bold")
    head.append(f"  {len(person.films)} film(s)", style="dim")
    console.print(head)
    if person.also_credited_as:
        console.print(_printable(f"also credited as {', '.join(person.also_credited_as)}"), style="dim")
    for credit in person.films:
        line = Text(f"{credit.year or '----'}  ")
        line.append(_printable(credit.title), style="bold")
        jobs = [f"as {', '.join(credit.roles)}" if job == "cast" and credit.roles else job for job in credit.jobs]
        line.append(_printable(f"  {'; '.join(jobs)}"))
        if credit.credited_as != person.name:
            line.append(_printable(f"  (credited as {credit.credited_as})"), style="dim")
        console.print(line)
    if person.others:
        console.print(_printable(f"other close names: {', '.join(person.others)}"), style="dim")


@app.command("eval")
def eval_command(
    queries: Annotated[Path, typer.Argument(help="A judged query set (JSON lines; see tests/relevance/README.md).",
                                            show_default=False)],
    index: IndexOption = None,
    baseline: Annotated[bool, typer.Option("--baseline", help="Also score an SQLite FTS5 BM25 baseline built "
                                           "over the same articles, side by side.")] = False,
    split: Annotated[Optional[Literal["tune", "heldout"]], typer.Option(
        "--split", help="Only queries of this split.", show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Cut-off k of the measures.", min=1)] = 10,
    json_: JsonOption = False,
    exact: ExactOption = False,
) -> None:
    """Score the index on a judged query set: MRR, Success@1, Success@k, Recall@k and nDCG@k per kind and overall."""
    from .evaluate import build_baseline, evaluate
    from .index import Index

    with _errors():
        idx = Index(_index_path(index), create=False)
        fts5 = build_baseline(idx) if baseline else None
        report = evaluate(idx, queries, split=split, baseline=fts5, limit=limit, fuzzy=not exact)
        if json_:
            typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
            return
        typer.echo("  ".join(f"{c:>11}" for c in report.columns()))
        for row in report.rows():
            cells = [f"{row[0]:>11}", f"{row[1]:>11}", f"{row[2]:>11}", *(f"{v:>11.3f}" for v in row[3:])]
            typer.echo("  ".join(cells))
        if report.missing:
            typer.echo(f"filmsearch: {len(report.missing)} relevant articles are not in the index", err=True)


def main(argv: list[str] | None = None) -> Any:
    """Console entry point: `filmsearch "words"` means `filmsearch search "words"` (typer has no default command)."""
    args = list(sys.argv[1:] if argv is None else argv)
    commands = {command.name for command in app.registered_commands}
    if args and args[0] not in commands and args[0] not in ("--help", "-h"):
        args.insert(0, "search")
    return app(args=args, prog_name="filmsearch")
