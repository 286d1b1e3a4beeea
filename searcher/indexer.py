"""Article files -> the index: full rebuilds and incremental updates.

`sync` compares the files under the given paths with what the index holds (path,
size and mtime; a content hash only where those changed) and applies exactly the
difference. A full rebuild (or the first build) is written into a new generation
folder and published atomically (`store.IndexFolder.publish`); an incremental
update goes through Whoosh's own commit. Bad files are reported and skipped: one
malformed article never stops a build.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.query import Term

from .analysis import NAME_SEPARATOR, fold, terms
from .article import CREW_KEYS, MAX_BYTES, Article, decode_article
from .errors import ArticleError, SourceMissingError
from .names import name_key
from .schema import CATCH_ALL, PROSE_FIELDS, fingerprint, make_schema
from .store import IndexFolder

__all__ = ["IndexReport", "Skipped", "find_files", "sync", "remove", "film_key", "document", "open_whoosh"]

#: Called with (files done, files to do) while indexing.
Progress = Callable[[int, int], None]

#: Whoosh's multiprocessing writer pays off only for large builds.
_MP_THRESHOLD = 5000


@dataclass(frozen=True, slots=True, kw_only=True)
class Skipped:
    """A file left out of the index, and why."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "reason": self.reason}


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexReport:
    """What one `sync` did. `warnings` are files indexed despite a problem."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[str, ...] = ()
    full: bool = False
    seconds: float = 0.0
    articles: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added, "updated": self.updated, "removed": self.removed,
            "unchanged": self.unchanged, "skipped": [s.to_dict() for s in self.skipped],
            "warnings": list(self.warnings), "full": self.full,
            "seconds": round(self.seconds, 3), "articles": self.articles,
        }


def film_key(page_title: str) -> str:
    """Articles with the same page title (folded) are one film."""
    return " ".join(fold(page_title).split())


def find_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Every `*.txt` under the paths (files are taken as they are), absolute and sorted.

    Raises:
        SourceMissingError: a path does not exist.
    """
    found: set[Path] = set()
    for raw in paths:
        path = Path(raw).expanduser().absolute()
        if path.is_file():
            found.add(path)
        elif path.is_dir():
            found.update(_walk(path))
        else:
            raise SourceMissingError(f"no such file or folder: {raw}")
    return sorted(found)


def _walk(folder: Path) -> Iterator[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif entry.name.endswith(".txt") and entry.is_file():
            yield Path(entry.path)


def _names(values: Iterable[str]) -> str | None:
    return NAME_SEPARATOR.join(values) or None


def document(article: Article, *, path: str, digest: str, size: int, mtime: float) -> dict[str, Any]:
    """The Whoosh document for an article; absent values are left out, never stored as 0 or "".

    Prose is analysed here, once, and handed to Whoosh as term lists: the same terms
    go to their own field and to the catch-all, so analysing twice would be waste.
    """
    prose = {name: terms(getattr(article, name) or "", "prose") for name in PROSE_FIELDS}
    everything = [
        *terms(article.title, "prose"),
        *(t for name in PROSE_FIELDS for t in prose[name]),
        *terms(" ".join((*article.people, *article.characters)), "prose"),
    ]
    values: dict[str, Any] = {
        "path": path,
        "film": film_key(article.page_title),
        "page_title": article.page_title,
        "title": article.title,
        "year": article.year,
        "runtime": article.runtime,
        "hash": digest,
        "size": size,
        "mtime": mtime,
        "richness": article.richness,
        "names": ",".join(filter(None, dict.fromkeys(name_key(n) for n in article.people))) or None,
        "credits": _credits(article) or None,
        **{name: found or None for name, found in prose.items()},
        CATCH_ALL: everything or None,
        "cast": _names(article.actors),
        "characters": _names(article.characters),
        "director": _names(article.director),
        "writer": _names(article.writer),
        "producer": _names(article.producer),
        "music": _names(article.music),
        "cinematography": _names(article.cinematography),
        "editing": _names(article.editing),
        "crew": _names(article.crew),
        "person": _names(article.people),
        "country": _names(article.country),
        "language": _names(article.language),
    }
    return {key: value for key, value in values.items() if value is not None}


def _credits(article: Article) -> tuple[tuple[str, str, str | None], ...]:
    """(name, job, character) for everyone credited; job is "cast" or an infobox key such as "director"."""
    roles: dict[str, list[str]] = {}
    for member in article.cast:
        if member.role:
            roles.setdefault(member.actor, []).append(member.role)
    acting = tuple((actor, "cast", ", ".join(roles.get(actor, [])) or None) for actor in article.actors)
    crew = tuple((name, key, None) for key in CREW_KEYS for name in article.values(key))
    return acting + crew


def open_whoosh(folder: IndexFolder) -> whoosh_index.Index:
    """The current generation's Whoosh index, after the trust and schema checks."""
    return whoosh_index.open_dir(str(folder.current(fingerprint())))


def _read(path: Path) -> tuple[bytes, int]:
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        return handle.read(MAX_BYTES + 1), size


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class _Batch:
    """Reads, hashes and parses files; collects skips and warnings on the way."""

    def __init__(self) -> None:
        self.skipped: list[Skipped] = []
        self.warnings: list[str] = []

    def load(self, path: Path, stat: os.stat_result | None = None) -> tuple[str, bytes, int, float] | None:
        try:
            stat = stat or path.stat()
            data, size = _read(path)
        except OSError as error:
            self.skipped.append(Skipped(path=str(path), line=None, reason=f"cannot read: {error.strerror or error}"))
            return None
        return _digest(data), data, size, stat.st_mtime

    def parse(self, path: Path, data: bytes, size: int) -> Article | None:
        try:
            article = decode_article(data, path=str(path), size=size)
        except ArticleError as error:
            self.skipped.append(Skipped(path=str(path), line=error.line, reason=error.message))
            return None
        self.warnings.extend(f"{path}: {w}" for w in article.warnings)
        return article


def _known(ix: whoosh_index.Index) -> dict[str, tuple[int, float, str]]:
    with ix.reader() as reader:
        return {d["path"]: (d.get("size"), d.get("mtime"), d.get("hash")) for d in reader.all_stored_fields()}


def _under(path: str, roots: list[Path]) -> bool:
    return any(path == str(root) or path.startswith(str(root) + os.sep) for root in roots)


def sync(
    folder: IndexFolder,
    paths: Iterable[str | os.PathLike[str]],
    *,
    full: bool = False,
    prune: bool = True,
    wait: float = 0.0,
    progress: Progress | None = None,
) -> IndexReport:
    """Bring the index in `folder` up to date with the article files under `paths`.

    Args:
        full: rebuild from scratch into a new generation instead of applying the difference.
        prune: remove indexed articles under `paths` whose files are gone.
        wait: seconds to wait for another writer to finish.
        progress: called with (done, total) as files are indexed.
    """
    started = time.perf_counter()
    roots = [Path(p).expanduser().absolute() for p in paths]
    files = find_files(roots)
    batch = _Batch()
    with folder.locked(wait=wait):
        pointer = folder.pointer()
        if full or pointer is None:
            added = _rebuild(folder, files, batch, progress)
            return IndexReport(added=added, skipped=tuple(batch.skipped), warnings=tuple(batch.warnings),
                               full=True, seconds=time.perf_counter() - started, articles=added)
        ix = open_whoosh(folder)
        known = _known(ix)
        todo: list[tuple[Path, bool]] = []
        unchanged = 0
        for path in files:
            key = str(path)
            old = known.get(key)
            if old is not None:
                try:
                    stat = path.stat()
                except OSError:
                    stat = None
                if stat is not None and (stat.st_size, stat.st_mtime) == old[:2]:
                    unchanged += 1
                    continue
            todo.append((path, old is not None))
        present = {str(p) for p in files}
        gone = [p for p in known if p not in present and _under(p, roots)] if prune else []
        added = updated = 0
        if todo or gone:
            writer = ix.writer(compound=False)
            try:
                for path_str in gone:
                    writer.delete_by_term("path", path_str)
                for done, (path, existed) in enumerate(todo, 1):
                    loaded = batch.load(path)
                    if loaded is None:
                        if existed:
                            writer.delete_by_term("path", str(path))
                            gone.append(str(path))
                        continue
                    digest, data, size, mtime = loaded
                    if existed and known[str(path)][2] == digest:
                        unchanged += 1
                        article = batch.parse(path, data, size)
                    else:
                        article = batch.parse(path, data, size)
                        if article is None:
                            if existed:
                                writer.delete_by_term("path", str(path))
                                gone.append(str(path))
                            continue
                        if existed:
                            updated += 1
                        else:
                            added += 1
                    if article is not None:
                        writer.update_document(**document(article, path=str(path), digest=digest, size=size, mtime=mtime))
                    if progress:
                        progress(done, len(todo))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            folder.touch(fingerprint())
        with ix.reader() as reader:
            total = reader.doc_count()
        return IndexReport(added=added, updated=updated, removed=len(gone), unchanged=unchanged,
                           skipped=tuple(batch.skipped), warnings=tuple(batch.warnings),
                           seconds=time.perf_counter() - started, articles=total)


def _rebuild(folder: IndexFolder, files: list[Path], batch: _Batch, progress: Progress | None) -> int:
    generation = folder.new_generation()
    try:
        ix = whoosh_index.create_in(str(generation), make_schema())
        if len(files) >= _MP_THRESHOLD and (os.cpu_count() or 1) > 1:
            writer = ix.writer(procs=min(os.cpu_count() or 1, 4), multisegment=True, limitmb=256, compound=False)
        else:
            writer = ix.writer(limitmb=256, compound=False)
        added = 0
        try:
            for done, path in enumerate(files, 1):
                loaded = batch.load(path)
                if loaded is not None:
                    digest, data, size, mtime = loaded
                    article = batch.parse(path, data, size)
                    if article is not None:
                        writer.add_document(**document(article, path=str(path), digest=digest, size=size, mtime=mtime))
                        added += 1
                if progress:
                    progress(done, len(files))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        folder.publish(generation, fingerprint())
    except BaseException:
        folder.collect(keep=_live(folder))
        raise
    return added


def _live(folder: IndexFolder) -> set[str]:
    pointer = folder.pointer()
    return {pointer.generation} if pointer else set()


def remove(folder: IndexFolder, paths: Iterable[str | os.PathLike[str]], *, wait: float = 0.0) -> int:
    """Remove the articles at (or under) `paths` from the index, whether or not the files still exist."""
    roots = [Path(p).expanduser().absolute() for p in paths]
    with folder.locked(wait=wait):
        ix = open_whoosh(folder)
        doomed = [p for p in _known(ix) if _under(p, roots)]
        if doomed:
            writer = ix.writer(compound=False)
            try:
                for path in doomed:
                    writer.delete_by_term("path", path)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            folder.touch(fingerprint())
        return len(doomed)


def paths_of_film(searcher: Any, key: str) -> list[int]:
    """Document numbers of every article of one film (see `film_key`)."""
    return list(searcher.docs_for_query(Term("film", key)))
