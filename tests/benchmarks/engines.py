"""One adapter per engine: build, open for warm queries, a cold-process command, incremental updates.

Every adapter indexes the same article files. filmsearch goes through its public API
(`searcher.Index`) and its console script; FTS5 through `searcher.baseline` (the
yardstick shared with the eval command); tantivy-py, when importable, through an
equivalent schema: the baseline's seven columns with the baseline's column weights,
tokenized like FTS5's ``porter unicode61 remove_diacritics 2`` (lower case, accents
folded, English stemming). Nothing heavy is imported at module level: the cold
commands of FTS5 and tantivy import this module in a fresh interpreter.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["Engine", "Filmsearch", "Fts5", "Tantivy", "ENGINES", "available", "tantivy_version"]

#: Each engine keeps its index in this subfolder (or file) of its build folder.
_FILMSEARCH_INDEX = "index"
_FTS5_FILE = "fts5.db"
_TANTIVY_DIR = "tantivy"


class Engine:
    """The interface of an adapter; `modes` are the query variants measured (FTS5: OR and AND)."""

    name = ""
    label = ""
    modes: tuple[str, ...] = ("default",)

    def index_path(self, dest: Path) -> Path:
        raise NotImplementedError

    def build(self, roots: Sequence[Path], dest: Path) -> int:
        """Index the articles under `roots` into `dest`; returns how many. Runs in a fresh child process."""
        raise NotImplementedError

    def open(self, dest: Path) -> Any:
        """A handle with `search(query_row, mode) -> int` (hits returned) and `close()`."""
        raise NotImplementedError

    def cold_argv(self, dest: Path, query: str) -> list[str]:
        """The command that answers one query in a fresh process."""
        raise NotImplementedError

    def add(self, dest: Path, file: Path) -> None:
        """Add one article to the built index."""
        raise NotImplementedError

    def sync(self, dest: Path, roots: Sequence[Path]) -> bool | None:
        """Re-run an incremental sync over the same articles; returns whether it changed anything, None if unsupported."""
        return None

    def query_text(self, row: dict[str, str]) -> str:
        """FTS5 and tantivy get the free-text equivalent of a fielded or phrase query."""
        return row.get("plain", row["query"])


def _python() -> str:
    return sys.executable


# -- filmsearch ----------------------------------------------------------------


class _FilmsearchHandle:
    def __init__(self, path: Path):
        from searcher import Index

        self.index = Index(path, create=False)

    def search(self, row: dict[str, str], mode: str) -> int:
        return len(self.index.search(row["query"], limit=10))

    def close(self) -> None:
        self.index.close()


class Filmsearch(Engine):
    name = "filmsearch"
    label = "filmsearch"

    def index_path(self, dest: Path) -> Path:
        return dest / _FILMSEARCH_INDEX

    def build(self, roots: Sequence[Path], dest: Path) -> int:
        from searcher import Index

        report = Index(self.index_path(dest), create=False).sync(roots, full=True)
        return report.articles

    def open(self, dest: Path) -> _FilmsearchHandle:
        return _FilmsearchHandle(self.index_path(dest))

    def query_text(self, row: dict[str, str]) -> str:
        return row["query"]

    def cold_argv(self, dest: Path, query: str) -> list[str]:
        return [*self.command(), query, "--index", str(self.index_path(dest))]

    @staticmethod
    def command() -> list[str]:
        """The installed console script, else `python -m searcher`."""
        script = Path(_python()).with_name("filmsearch")
        return [str(script)] if script.is_file() else [_python(), "-m", "searcher"]

    def add(self, dest: Path, file: Path) -> None:
        from searcher import Index

        with Index(self.index_path(dest), create=False) as index:
            report = index.add([file])
        if report.added != 1:
            raise RuntimeError(f"filmsearch added {report.added} articles, not 1: {report}")

    def sync(self, dest: Path, roots: Sequence[Path]) -> bool:
        from searcher import Index

        with Index(self.index_path(dest), create=False) as index:
            return index.sync(roots).changed


# -- SQLite FTS5 -----------------------------------------------------------------


class _Fts5Handle:
    def __init__(self, engine: Fts5, path: Path):
        from searcher.baseline import Fts5Baseline

        self.engine = engine
        self.baseline = Fts5Baseline.open(path)

    def search(self, row: dict[str, str], mode: str) -> int:
        return len(self.baseline.search(self.engine.query_text(row), limit=10, mode=mode))  # type: ignore[arg-type]

    def close(self) -> None:
        self.baseline.close()


class Fts5(Engine):
    name = "fts5"
    label = "FTS5"
    modes = ("or", "and")

    def index_path(self, dest: Path) -> Path:
        return dest / _FTS5_FILE

    def build(self, roots: Sequence[Path], dest: Path) -> int:
        from searcher.baseline import Fts5Baseline, iter_articles

        dest.mkdir(parents=True, exist_ok=True)
        with Fts5Baseline.build(iter_articles(roots), self.index_path(dest)) as baseline:
            return len(baseline)

    def open(self, dest: Path) -> _Fts5Handle:
        return _Fts5Handle(self, self.index_path(dest))

    def cold_argv(self, dest: Path, query: str) -> list[str]:
        code = (
            "import sys\n"
            "from searcher.baseline import Fts5Baseline\n"
            "with Fts5Baseline.open(sys.argv[1]) as b:\n"
            "    for path, score in b.search(sys.argv[2]): print(f'{score:.2f} {path}')\n"
        )
        return [_python(), "-c", code, str(self.index_path(dest)), query]

    def add(self, dest: Path, file: Path) -> None:
        import sqlite3

        from searcher import baseline
        from searcher.article import read_article

        # The baseline has no add(): this is what one would write with it (its private row layout).
        connection = sqlite3.connect(self.index_path(dest), isolation_level=None)
        try:
            connection.execute("BEGIN")
            connection.execute(baseline._INSERT, baseline._row(read_article(file)))
            connection.execute("COMMIT")
        finally:
            connection.close()


# -- tantivy-py ------------------------------------------------------------------


def tantivy_version() -> str | None:
    """tantivy-py's version, or None when it is not installed."""
    try:
        from importlib.metadata import version

        import tantivy  # noqa: F401
    except ImportError:
        return None
    return version("tantivy")


def _tantivy_columns() -> dict[str, float]:
    from searcher.baseline import WEIGHTS

    return dict(WEIGHTS)


def _tantivy_index(path: Path) -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    for column in _tantivy_columns():
        builder.add_text_field(column, stored=False, tokenizer_name="film")
    builder.add_text_field("path", stored=True, tokenizer_name="raw")
    builder.add_integer_field("year", stored=True)
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(builder.build(), path=str(path), reuse=True)
    analyzer = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )
    index.register_tokenizer("film", analyzer)
    return index


def _tantivy_document(article: Any) -> Any:
    import tantivy

    values: dict[str, Any] = {
        "title": article.title,
        "lead": article.lead,
        "plot": article.plot,
        "cast": "\n".join(article.actors),
        "characters": "\n".join(article.characters),
        "crew": "\n".join(article.crew),
        "other": article.other,
        "path": article.path,
        "year": article.year,
    }
    return tantivy.Document(**{k: v for k, v in values.items() if v})


def _tantivy_query(index: Any, text: str, mode: str) -> Any:
    from searcher.baseline import query_words

    # Plain words only (like the baseline): lower case, so AND/OR/NOT/IN are never operators.
    words = " ".join(word.lower() for word in query_words(text))
    if not words:
        return None
    columns = _tantivy_columns()
    return index.parse_query(words, list(columns), field_boosts=columns, conjunction_by_default=mode == "and")


def tantivy_search(index: Any, searcher: Any, text: str, mode: str = "or", limit: int = 10) -> list[tuple[str, float]]:
    """The best `limit` (path, score) for plain text, as the baseline returns them."""
    query = _tantivy_query(index, text, mode)
    if query is None:
        return []
    hits = searcher.search(query, limit, count=False).hits
    return [(searcher.doc(address)["path"][0], score) for score, address in hits]


class _TantivyHandle:
    def __init__(self, engine: Tantivy, path: Path):
        self.engine = engine
        self.index = _tantivy_index(path)
        self.searcher = self.index.searcher()

    def search(self, row: dict[str, str], mode: str) -> int:
        return len(tantivy_search(self.index, self.searcher, self.engine.query_text(row), mode))

    def close(self) -> None:
        self.searcher = self.index = None


class Tantivy(Engine):
    name = "tantivy"
    label = "tantivy"
    modes = ("or", "and")

    def index_path(self, dest: Path) -> Path:
        return dest / _TANTIVY_DIR

    def build(self, roots: Sequence[Path], dest: Path) -> int:
        from searcher.baseline import iter_articles

        index = _tantivy_index(self.index_path(dest))
        writer = index.writer(num_threads=0)  # tantivy picks the threads, as a user would leave it
        count = 0
        for article in iter_articles(roots):
            writer.add_document(_tantivy_document(article))
            count += 1
        writer.commit()
        writer.wait_merging_threads()
        return count

    def open(self, dest: Path) -> _TantivyHandle:
        return _TantivyHandle(self, self.index_path(dest))

    def cold_argv(self, dest: Path, query: str) -> list[str]:
        code = (
            "import sys\n"
            "from pathlib import Path\n"
            "from tests.benchmarks.engines import _tantivy_index, tantivy_search\n"
            "index = _tantivy_index(Path(sys.argv[1]))\n"
            "for path, score in tantivy_search(index, index.searcher(), sys.argv[2]): print(f'{score:.2f} {path}')\n"
        )
        return [_python(), "-c", code, str(self.index_path(dest)), query]

    def add(self, dest: Path, file: Path) -> None:
        from searcher.article import read_article

        index = _tantivy_index(self.index_path(dest))
        writer = index.writer(num_threads=1)
        writer.add_document(_tantivy_document(read_article(file)))
        writer.commit()
        writer.wait_merging_threads()


ENGINES: dict[str, Engine] = {engine.name: engine for engine in (Filmsearch(), Fts5(), Tantivy())}


def available(names: Iterable[str] | None = None) -> list[Engine]:
    """The engines to run: those asked for (default all), less tantivy when it is not installed."""
    wanted = list(names) if names is not None else list(ENGINES)
    unknown = [n for n in wanted if n not in ENGINES]
    if unknown:
        raise ValueError(f"unknown engine(s): {', '.join(unknown)}; choose from {', '.join(ENGINES)}")
    return [ENGINES[n] for n in wanted if n != "tantivy" or tantivy_version() is not None]
