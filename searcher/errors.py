"""Every error filmsearch raises on purpose.

Callers catch `FilmsearchError` (or a leaf); the CLI turns any of them into one
line on stderr and the class's `exit_code`, so it translates errors in one place.
"""

from __future__ import annotations

__all__ = [
    "FilmsearchError",
    "ArticleError",
    "IndexError_",
    "IndexMissingError",
    "IndexDamagedError",
    "IndexLockedError",
    "IndexSchemaError",
    "UntrustedIndexError",
    "QueryError",
    "SourceMissingError",
]


class FilmsearchError(Exception):
    """Root of filmsearch's errors."""

    exit_code = 1


class ArticleError(FilmsearchError, ValueError):
    """An article file that cannot be read or parsed; `line` is 1-based or None."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        where = path or "<text>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


class IndexError_(FilmsearchError):
    """A problem with the on-disk index (named so as not to shadow the builtin)."""


class IndexMissingError(IndexError_):
    """No index at the folder; the message says how to build one."""


class IndexDamagedError(IndexMissingError):
    """The index's files are damaged or missing; a full rebuild (`filmsearch index --full PATH`) replaces them."""


class IndexLockedError(IndexError_):
    """Another process holds the index's write lock."""


class IndexSchemaError(IndexError_):
    """The index was built with another schema and needs `filmsearch index --full`."""


class UntrustedIndexError(IndexError_):
    """A folder filmsearch did not create: Whoosh indexes are pickled, so we refuse it."""


class QueryError(FilmsearchError, ValueError):
    """A query that cannot mean what the user intended; `position` is a 0-based offset or None."""

    exit_code = 2

    def __init__(self, message: str, query: str = "", position: int | None = None):
        self.message = message
        self.query = query
        self.position = position
        super().__init__(message)


class SourceMissingError(FilmsearchError):
    """An article file or folder named on the command line does not exist."""

    exit_code = 2
