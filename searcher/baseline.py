"""An SQLite FTS5 index over the film articles: the yardstick filmsearch is measured against.

Every speed and relevance figure filmsearch reports (build time, index size, query latency,
nDCG and recall in the eval command) is given as a ratio to this baseline, so the baseline is
deliberately plain and stdlib only: what anyone gets from ``sqlite3`` in an afternoon.

It indexes the fields filmsearch indexes, one FTS5 column each: ``title``, ``lead``, ``plot``,
``cast`` (actors), ``characters``, ``crew`` (director, writer, producer, music, cinematography,
editing) and ``other`` (other sections and unknown infobox keys); ``path`` and ``year`` are
stored but not indexed. The tokenizer is ``porter unicode61 remove_diacritics 2``: case and
accents folded (``Amelie`` finds ``Amélie``), English suffixes stemmed (``running`` finds ``runs``).

A query is plain user text, never FTS5 syntax: it is cut into words (runs of Unicode letters,
digits and combining marks), each word is quoted as an FTS5 string, and the words are ORed
(``mode="or"``, the default, as free words are in filmsearch) or ANDed (``mode="and"``). So
``"``, ``*``, ``NEAR(``, ``AND`` or control characters in a query are just text, and `search`
does not raise on any string. Hits are ranked by ``bm25()`` with the per-column `WEIGHTS`.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Literal, Self

from .article import Article, read_article
from .errors import ArticleError, IndexMissingError

__all__ = ["Fts5Baseline", "iter_articles", "query_words", "WEIGHTS", "TOKENIZER", "TABLE"]

#: bm25 weight per indexed column, in column order: a title word says most about a film.
WEIGHTS: dict[str, float] = {
    "title": 4.0,
    "lead": 1.5,
    "plot": 1.0,
    "cast": 2.0,
    "characters": 1.0,
    "crew": 2.0,
    "other": 0.5,
}

TOKENIZER = "porter unicode61 remove_diacritics 2"
TABLE = "films"

_COLUMNS = tuple(WEIGHTS)
_BM25 = f"bm25({TABLE}, {', '.join(repr(w) for w in WEIGHTS.values())})"
_SEARCH = f"SELECT path, -{_BM25} FROM {TABLE} WHERE {TABLE} MATCH ? ORDER BY {_BM25} LIMIT ?"
_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    f"{', '.join(_COLUMNS)}, path UNINDEXED, year UNINDEXED, tokenize={TOKENIZER!r})"
)
_INSERT = f"INSERT INTO {TABLE} ({', '.join(_COLUMNS)}, path, year) VALUES ({', '.join('?' * (len(_COLUMNS) + 2))})"


def _is_word_char(char: str) -> bool:
    # What unicode61 keeps in a token: letters, numbers, private use, and marks (so "हिन्दी"
    # stays one word; Python's \w would cut it at every vowel sign).
    category = unicodedata.category(char)
    return category[0] in "LNM" or category == "Co"


def query_words(query: str) -> list[str]:
    """The distinct words of a query, in order (case-insensitively distinct)."""
    text = unicodedata.normalize("NFC", query)
    seen: dict[str, str] = {}
    for is_word, run in itertools.groupby(text, key=_is_word_char):
        if is_word:
            word = "".join(run)
            seen.setdefault(word.casefold(), word)
    return list(seen.values())


def _match_expression(words: list[str], mode: Literal["or", "and"]) -> str:
    operator = " AND " if mode == "and" else " OR "
    return operator.join('"' + word.replace('"', '""') + '"' for word in words)


def _row(article: Article) -> tuple[str | int | None, ...]:
    def joined(names: tuple[str, ...]) -> str | None:
        return "\n".join(names) or None

    return (
        article.title,
        article.lead,
        article.plot,
        joined(article.actors),
        joined(article.characters),
        joined(article.crew),
        article.other,
        article.path,
        article.year,
    )


def _is_memory(path: str | Path) -> bool:
    return str(path) in ("", ":memory:")


class Fts5Baseline:
    """An FTS5 index of articles; build it with `build`, reopen a file with `open`."""

    def __init__(self, connection: sqlite3.Connection, path: str | Path) -> None:
        """Wrap an open connection; use `build` or `open` rather than this."""
        self._connection = connection
        self.path = None if _is_memory(path) else Path(path)

    @classmethod
    def build(cls, articles: Iterable[Article], path: str | Path = ":memory:") -> Self:
        """Index `articles` in one transaction, replacing any baseline table already at `path`."""
        # Autocommit mode, so that the one BEGIN ... COMMIT below is the whole transaction.
        connection = sqlite3.connect(":memory:" if _is_memory(path) else str(path), isolation_level=None)
        try:
            # A rebuildable yardstick needs no durability; a memory journal still allows a rollback.
            connection.execute("PRAGMA journal_mode = MEMORY")
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("BEGIN")
            try:
                connection.execute(f"DROP TABLE IF EXISTS {TABLE}")
                connection.execute(_CREATE)
                connection.executemany(_INSERT, map(_row, articles))
                # Merge the b-tree segments into one, so queries are as fast as FTS5 gets.
                connection.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            if not _is_memory(path):
                connection.execute("VACUUM")  # hand back the pages 'optimize' freed, for a fair size
        except BaseException:
            connection.close()
            raise
        return cls(connection, path)

    @classmethod
    def open(cls, path: str | Path) -> Self:
        """Open a baseline built earlier, read-only.

        Raises:
            IndexMissingError: no file at `path`, or no baseline table in it.
        """
        file = Path(path)
        if not file.is_file():
            raise IndexMissingError(f"no FTS5 baseline at {file}; build one with Fts5Baseline.build()")
        # A read-only URI: a plain connect would quietly create an empty database for a typo.
        connection = sqlite3.connect(file.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            found = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
            ).fetchone()
        except sqlite3.DatabaseError:
            found = None
        if not found:
            connection.close()
            raise IndexMissingError(f"{file} holds no FTS5 baseline; build one with Fts5Baseline.build()")
        return cls(connection, file)

    def search(self, query: str, limit: int = 10, mode: Literal["or", "and"] = "or") -> list[tuple[str, float]]:
        """The best `limit` articles for plain-text `query` as (path, score), best first.

        Scores are bm25 negated, so higher is better; a query with no words gives [].
        """
        words = query_words(query)
        if not words or limit < 1:
            return []
        rows = self._connection.execute(_SEARCH, (_match_expression(words, mode), limit))
        return [(path, score) for path, score in rows]

    def __len__(self) -> int:
        """The number of articles indexed."""
        return int(self._connection.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])

    @property
    def size_bytes(self) -> int | None:
        """The database file's size, or None for an in-memory baseline."""
        return None if self.path is None else os.path.getsize(self.path)

    def close(self) -> None:
        """Close the connection; the baseline cannot be searched afterwards."""
        self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def iter_articles(paths: Iterable[str | Path], skipped: list[ArticleError] | None = None) -> Iterator[Article]:
    """Parse the files at `paths`, walking folders for ``*.txt`` in sorted order.

    Files that fail to parse are left out (the baseline is only a yardstick); pass a list as
    `skipped` to collect their errors.
    """
    for path in paths:
        root = Path(path)
        files = sorted(p for p in root.rglob("*.txt") if p.is_file()) if root.is_dir() else [root]
        for file in files:
            try:
                yield read_article(file)
            except ArticleError as error:
                if skipped is not None:
                    skipped.append(error)
