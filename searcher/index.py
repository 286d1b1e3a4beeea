"""`Index`: the library's front door. Open a folder, add articles, search.

Everything the CLI does goes through this class, so another application gets
exactly the same behaviour (and the same typed results) with no CLI involved.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import indexer
from .errors import IndexDamagedError, IndexMissingError
from .hits import Results
from .indexer import IndexReport, IndexStatus, Progress
from .names import CUTOFF
from .query import run_search
from .ranking import weighting
from .store import IndexFolder

if TYPE_CHECKING:
    from .person import Person

__all__ = ["Index", "default_index_path"]


def default_index_path() -> Path:
    """`$FILMSEARCH_INDEX`, else `index/` in the current folder."""
    return Path(os.environ.get("FILMSEARCH_INDEX") or "index")


#: Files and folders of articles: a list, or one path alone.
Paths = Iterable[str | os.PathLike[str]] | str | os.PathLike[str]


def _listed(paths: Paths) -> Iterable[str | os.PathLike[str]]:
    """One path given alone is a list of one (iterating a str would yield its characters)."""
    return [paths] if isinstance(paths, (str, os.PathLike)) else paths


class Index:
    """A filmsearch index in a folder.

    Opening a new or empty folder creates an empty index there; a folder that
    filmsearch did not make is refused (`UntrustedIndexError`), since Whoosh
    indexes are pickled and opening one can run code.

    Searching is safe while another process updates or rebuilds the index: each
    search uses the newest commit when it starts, whose files stay on disk for a
    while after a writer replaces them (`store.RETAIN_SECONDS`). Writers take the
    folder's lock; `wait` is how long to wait for another writer.

    One `Index` may be shared by threads: its searches take turns, because a Whoosh
    searcher reads through shared file handles. For searches in parallel, open one
    `Index` per process.

    Args:
        path: the index folder.
        create: create an empty index when the folder has none (else `IndexMissingError` on search).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, create: bool = True):
        self.folder = IndexFolder(path if path is not None else default_index_path())
        self._whoosh: Any = None
        self._searcher: Any = None
        self._generation: str | None = None
        self._lock = threading.RLock()
        try:
            empty = self.folder.pointer() is None
        except IndexDamagedError:
            empty = False  # searching says so; `sync(paths, full=True)` rebuilds it
        if create and empty:
            self.sync([], full=True)

    @property
    def path(self) -> Path:
        return self.folder.path

    def exists(self) -> bool:
        """Whether the folder holds a built index."""
        return self.folder.pointer() is not None

    def sync(
        self,
        paths: Paths | None = None,
        *,
        full: bool = False,
        prune: bool = True,
        wait: float = 0.0,
        progress: Progress | None = None,
    ) -> IndexReport:
        """Make the index match the article files under `paths`: add new, replace changed, drop gone.

        The paths become the index's roots (`roots`, `status`). Without paths, the roots are
        synced again, and a root that no longer exists is removed with its articles (a warning
        in the report says so). Safe to kill at any moment: the index keeps its old or gets its
        new content, and the next call finishes the job.

        Raises:
            SourceMissingError: one of `paths` does not exist, or is empty.
        """
        if paths is not None:
            return indexer.sync(self.folder, _listed(paths), full=full, prune=prune, wait=wait, progress=progress)
        roots = self.roots
        gone = [root for root in roots if not os.path.exists(root)]
        removed = self.remove(gone, wait=wait) if gone and prune else 0
        live = [root for root in roots if root not in gone]
        report = indexer.sync(self.folder, live, full=full, prune=prune, wait=wait, progress=progress)
        outcome = "its articles were removed from the index" if prune else "its articles stay in the index"
        notes = tuple(f"{root} is gone; {outcome}" for root in gone)
        return replace(report, removed=report.removed + removed, warnings=(*notes, *report.warnings))

    def add(
        self, paths: Paths | None = None, *, wait: float = 0.0, progress: Progress | None = None
    ) -> IndexReport:
        """Index new and changed articles under `paths` (None: the roots); never removes anything."""
        return self.sync(paths, prune=False, wait=wait, progress=progress)

    def remove(self, paths: Paths, *, wait: float = 0.0) -> int:
        """Remove the articles at or under `paths` (the files may be gone); returns how many.

        A file still inside an indexed folder comes back at the next `sync` of that folder.
        """
        return indexer.remove(self.folder, _listed(paths), wait=wait)

    def status(self) -> IndexStatus:
        """Articles, distinct names, size, last update, and files new, changed or gone under the roots.

        Reads only: takes no lock and writes nothing.
        """
        return indexer.status(self.folder)

    @property
    def roots(self) -> tuple[str, ...]:
        """The files and folders indexed so far (absolute paths), as `sync` recorded them."""
        pointer = self.folder.pointer()
        return pointer.roots if pointer else ()

    def search(self, query: str, limit: int = 10, *, fuzzy: bool = True) -> Results:
        """Search; see the README for the query syntax.

        Args:
            fuzzy: also search close spellings of names and corrections of unknown words
                (`Results.corrections` says which); False searches what was typed, still
                case- and accent-folded and stemmed.

        Raises:
            QueryError: a malformed query.
            IndexMissingError: no index in the folder.
            TypeError: `query` is not a str or `limit` not an int (here, not deep in Whoosh).
        """
        if not isinstance(query, str):
            raise TypeError(f"query must be a str, not {type(query).__name__}")
        if not isinstance(limit, int) or isinstance(limit, bool):
            raise TypeError(f"limit must be an int, not {type(limit).__name__}")
        with self._reading() as searcher:
            return run_search(searcher, query, limit, fuzzy=fuzzy)

    def person(self, name: str, *, fuzzy: bool = True) -> Person | None:
        """The filmography of the credited person whose name best matches `name`, or None.

        `fuzzy=False` accepts only the name as typed (case, accents and punctuation aside).

        Raises:
            TypeError: `name` is not a str.
        """
        from .person import filmography

        if not isinstance(name, str):
            raise TypeError(f"name must be a str, not {type(name).__name__}")
        with self._reading() as searcher:
            return filmography(searcher, name, cutoff=CUTOFF if fuzzy else 1.0)

    def __len__(self) -> int:
        """Articles indexed (duplicates of a film count separately)."""
        with self._reading() as searcher:
            return searcher.doc_count()

    @contextmanager
    def _reading(self) -> Iterator[Any]:
        """The current searcher, for one thread at a time; files that fail to read mean a damaged index."""
        with self._lock:
            try:
                with indexer.reading(self.folder):
                    yield self._current_searcher()
            except IndexDamagedError:
                self.close()
                raise

    def _current_searcher(self) -> Any:
        """A searcher on the newest commit; reopened only when the index changed since the last search."""
        pointer = self.folder.pointer()
        if pointer is None:
            raise IndexMissingError(f"no index at {self.path}; build one with: filmsearch index PATH --index {self.path}")
        if self._searcher is not None and self._generation == pointer.generation:
            if self._searcher.reader().generation() == self._whoosh.latest_generation():
                return self._searcher
        self.close()
        self._whoosh = indexer.open_whoosh(self.folder)
        self._searcher = self._whoosh.searcher(weighting=weighting())
        self._generation = pointer.generation
        return self._searcher

    def close(self) -> None:
        """Release the open searcher (searching again reopens it)."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._whoosh = self._searcher = self._generation = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Index({str(self.path)!r})"
