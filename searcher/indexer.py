"""Article files -> the index: full rebuilds, incremental updates, and what would change.

`sync` compares the files under the given paths with what the index holds (path,
size and mtime; a content hash only where those changed) and applies exactly the
difference. A full rebuild (or the first build) is written into a new generation
folder and published atomically (`store.IndexFolder.publish`); an incremental
update goes through Whoosh's own commit, whose table of contents is renamed into
place last. A process killed at any moment therefore leaves the old or the new
state, and the next `sync` finds the rest of the difference again. Bad files are
reported and skipped: one malformed article never stops a build.

Files a commit replaces (the previous table of contents, segments merged away) are
not deleted by Whoosh at commit (`_RetainingStorage`): a reader that opened the
previous commit opens some files lazily and would fail. The next write deletes them
once they have been replaced for `store.RETAIN_SECONDS` (`_clean_generation`).

Whoosh keeps deleted documents in their segment until it is merged; `_merge_policy`
rewrites any segment with more than `MAX_DELETED_SHARE` of its documents deleted,
so an index updated forever stays within about 1/(1 - 0.2) of its live size.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import signal
import struct
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.query import Term
from whoosh.reading import CorruptIndexError, SegmentReader
from whoosh.writing import MERGE_SMALL

from .analysis import NAME_SEPARATOR, fold
from .article import CREW_KEYS, MAX_BYTES, Article, decode_article
from .errors import ArticleError, FilmsearchError, IndexDamagedError, SourceMissingError
from .names import name_key
from .schema import CATCH_ALL, fingerprint, make_schema
from . import store
from .store import IndexFolder, merge_roots

__all__ = [
    "IndexReport", "IndexStatus", "Skipped", "Progress", "find_files", "sync", "remove", "status",
    "film_key", "document", "open_whoosh", "MAX_DELETED_SHARE",
]

#: Called with (files done, files to do) while indexing.
Progress = Callable[[int, int], None]

#: Whoosh's multiprocessing writer pays off only for large builds.
_MP_THRESHOLD = 5000

#: Updates that move the article count by more than this share rebuild the fuzzy caches.
CACHE_SLACK = 0.01

#: Why a link to a `.txt` file whose target is gone is skipped (and its article pruned).
BROKEN_LINK = "broken symbolic link"

#: A segment with more than this share of its documents deleted is rewritten at the next commit.
MAX_DELETED_SHARE = 0.2

_TOC = "_MAIN_{}.toc"


def _crash_point(name: str) -> None:
    """Test hook (tests/test_crash.py): `FILMSEARCH_CRASH_AT=name` dies here as if killed with -9.

    Points: rebuild-adding, rebuild-committed, rebuild-published, update-adding, update-committed.
    """
    if os.environ.get("FILMSEARCH_CRASH_AT") == name:
        os._exit(9)


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
    """What one `sync` did. `warnings` are files indexed despite a problem, and roots found gone;
    `refreshed` counts files whose mtime changed but not their content (re-stored so the next
    run skips them)."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    refreshed: int = 0
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
            "unchanged": self.unchanged, "refreshed": self.refreshed, "skipped": [s.to_dict() for s in self.skipped],
            "warnings": list(self.warnings), "full": self.full,
            "seconds": round(self.seconds, 3), "articles": self.articles,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexStatus:
    """An index and how far its folders have moved on (`new`, `changed`, `gone` files); `updated` is ISO 8601 UTC."""

    articles: int
    names: int | None
    size_bytes: int
    updated: str
    new: int
    changed: int
    gone: int
    #: Files left out as malformed at the last update and unchanged since, and what cannot be
    #: read now (folders, broken links): `filmsearch index` lists why.
    skipped: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"articles": self.articles, "names": self.names, "size_bytes": self.size_bytes,
                "updated": self.updated, "new": self.new, "changed": self.changed, "gone": self.gone,
                "skipped": self.skipped}


class StoredArticles:
    """Indexed articles' stored fields, each with its "path" (kept once, in the `file` column)."""

    def __init__(self, reader: Any):
        self._reader = reader
        self._files = reader.column_reader("file")

    def __getitem__(self, docnum: int) -> dict[str, Any]:
        stored = dict(self._reader.stored_fields(docnum))
        stored["path"] = _read_record(self._files[docnum])[0]
        return stored


def stored_title(stored: dict[str, Any]) -> str:
    """An article's display title from its stored fields (stored only where it is not the page title)."""
    return stored.get("display_title") or stored["page_title"]


def film_key(page_title: str) -> str:
    """Articles with the same page title (folded) are one film."""
    return " ".join(fold(page_title).split())


#: A file as found on disk: absolute path -> (size, mtime).
_Found = dict[str, tuple[int, float]]


def _absolute(path: str | os.PathLike[str]) -> str:
    text = os.fspath(path)
    if not text.strip():
        # abspath("") is the working directory: `remove ""` would empty the index of it.
        raise SourceMissingError("an empty path names no file or folder")
    path = os.path.abspath(os.path.expanduser(text))
    # A folder reached through a symbolic link is the same articles, not a second copy; a file keeps
    # its own name (a link to an article is indexed under the link's path, as a folder scan finds it).
    if os.path.isdir(path):
        return os.path.realpath(path)
    return os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))


def find_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Every `*.txt` under the paths (files are taken as they are), absolute and sorted.

    Raises:
        SourceMissingError: a path does not exist.
    """
    return [Path(p) for p in sorted(_scan(paths))]


def _scan(paths: Iterable[str | os.PathLike[str]], unreadable: list[Skipped] | None = None) -> _Found:
    """`find_files` with each file's size and mtime, as plain strings: on 87,000 files,
    `Path` objects and their comparisons cost more than the walk itself. Folders that cannot
    be listed and broken links to articles go to `unreadable`."""
    found: _Found = {}
    for raw in paths:
        path = _absolute(raw)
        if os.path.isfile(path):
            stat = os.stat(path)
            found[path] = (stat.st_size, stat.st_mtime)
        elif os.path.isdir(path):
            _walk(path, found, [] if unreadable is None else unreadable)
        else:
            raise SourceMissingError(f"no such file or folder: {raw}")
    return found


def _walk(folder: str, found: _Found, unreadable: list[Skipped]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError as error:
        unreadable.append(Skipped(path=folder, line=None, reason=f"cannot read folder: {error.strerror or error}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                _walk(entry.path, found, unreadable)
            elif entry.name.endswith(".txt") and entry.is_file():
                stat = entry.stat()
                found[entry.path] = (stat.st_size, stat.st_mtime)
            elif entry.name.endswith(".txt") and entry.is_symlink() and not os.path.exists(entry.path):
                unreadable.append(Skipped(path=entry.path, line=None, reason=BROKEN_LINK))
        except OSError as error:
            unreadable.append(Skipped(path=entry.path, line=None, reason=f"cannot read: {error.strerror or error}"))


def _keep_unreadable(found: _Found, known: _Known, unreadable: Iterable[Skipped]) -> None:
    """Articles in or under what could not be read stay as indexed: unreadable is not gone (a
    broken link is: its article was deleted)."""
    paths = [s.path for s in unreadable if s.reason != BROKEN_LINK]
    if paths:
        within = (*paths, *(p + os.sep for p in paths))
        found.update({p: old[:2] for p, old in known.items() if p not in found and (p in paths or p.startswith(within))})


def _names(values: Iterable[str]) -> str | None:
    return NAME_SEPARATOR.join(values) or None


def document(article: Article, *, path: str, digest: str, size: int, mtime: float) -> dict[str, Any]:
    """The Whoosh document for an article; absent values are left out, never stored as 0 or ""."""
    values: dict[str, Any] = {
        "path": path,
        "film": film_key(article.page_title),
        "page_title": article.page_title,
        "title": article.title,
        "display_title": article.title if article.title != article.page_title else None,
        "year": article.year,
        "runtime": article.runtime,
        "file": file_record(path, size, mtime, digest),
        "richness": article.richness,
        "names": ",".join(filter(None, dict.fromkeys(name_key(n) for n in article.people))) or None,
        "credits": _credits(article) or None,
        CATCH_ALL: {
            "title": article.title, "lead": article.lead or "", "plot": article.plot or "",
            "other": article.other or "", "names": NAME_SEPARATOR.join((*article.people, *article.characters)),
        },
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


# -- opening Whoosh -------------------------------------------------------------


class _RetainingStorage(FileStorage):
    """A writer's storage that leaves replaced files in place for readers (see the module docstring)."""

    def delete_file(self, name: str) -> None:
        pass


#: What Whoosh raises on damaged files (it has no common root for them): a table of contents,
#: postings or columns that fail to read or decode.
_DAMAGE = (whoosh_index.IndexError, CorruptIndexError, OSError, EOFError, ValueError, KeyError,
           pickle.UnpicklingError, struct.error, zlib.error)


@contextmanager
def reading(folder: IndexFolder) -> Iterator[None]:
    """Reading the index: what damaged files raise deep in Whoosh becomes one `IndexDamagedError`.

    Only around reads: an error while writing (a full disk) is not damage.
    """
    try:
        yield
    except FilmsearchError:
        raise
    except _DAMAGE as error:
        raise IndexDamagedError(f"index {folder.path} is damaged ({type(error).__name__}: {error}); "
                                f"{folder.rebuild_hint}") from None


def open_whoosh(folder: IndexFolder, *, writing: bool = False) -> whoosh_index.Index:
    """The current generation's Whoosh index, after the trust and schema checks.

    Raises:
        IndexMissingError: no index (`IndexDamagedError`: one Whoosh cannot open).
    """
    path = folder.current(fingerprint())
    with reading(folder):
        return (_RetainingStorage if writing else FileStorage)(str(path)).open_index()


def _clean_generation(path: Path) -> None:
    """Delete what no reader of a generation can need: files of commits replaced more than
    `RETAIN_SECONDS` ago, and what killed writers left (segments no commit names, temporary files).

    Only call with the write lock held.
    """
    tocs = sorted((int(n[6:-4]), n) for n in os.listdir(path) if n.startswith("_MAIN_") and n.endswith(".toc")
                  and n[6:-4].isdigit())
    if not tocs:
        return
    storage = FileStorage(str(path))
    keep: set[str] = set()
    segments: set[str] = set()
    now = time.time()
    for i, (gen, name) in enumerate(tocs):
        successor = tocs[i + 1][1] if i + 1 < len(tocs) else None
        if successor is not None and now - os.path.getmtime(path / successor) >= store.RETAIN_SECONDS:
            continue
        keep.add(name)
        segments.update(s.segment_id() for s in whoosh_index.TOC.read(storage, "MAIN", gen=gen).segments)
    for name in os.listdir(path):
        if name in keep or name.split(".", 1)[0] in segments or _is_cache(name):
            continue
        target = path / name
        if target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        else:
            target.unlink(missing_ok=True)


def _refresh_caches(ix: whoosh_index.Index, rebuild: bool = False) -> None:
    """Ready the name registry and word vocabulary of a new commit, so no query pays for them.

    After a small update the previous commit's caches are carried forward (see
    `_termcache.carry_forward`); after a full build or a large update they are rebuilt.
    """
    from . import _termcache, fuzzy

    with ix.searcher() as searcher:
        folder, gen = _termcache.cache_folder(searcher), _termcache.generation(searcher)
        if rebuild or folder is None or gen is None or not _termcache.carry_forward(
            folder, gen, searcher.doc_count(), CACHE_SLACK
        ):
            fuzzy.prepare(searcher)


def _is_cache(name: str) -> bool:
    """`_termcache` files: they remove their own older versions."""
    return name.startswith("filmsearch-") and name.endswith(".txt")


def _merge_policy(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh's MERGE_SMALL, and a rewrite of every segment with too many deleted documents."""
    kept = []
    for segment in MERGE_SMALL(writer, segments):
        total = segment.doc_count_all()
        if total and segment.deleted_count() / total > MAX_DELETED_SHARE:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        else:
            kept.append(segment)
    return kept


# -- reading and comparing files --------------------------------------------------


def _read(path: str) -> tuple[bytes, int]:
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

    def load(self, path: str) -> tuple[str, bytes, int, float] | None:
        try:
            stat = os.stat(path)
            data, size = _read(path)
        except OSError as error:
            self.skipped.append(Skipped(path=str(path), line=None, reason=f"cannot read: {error.strerror or error}"))
            return None
        return _digest(data), data, size, stat.st_mtime

    def parse(self, path: str, data: bytes, size: int) -> Article | None:
        try:
            article = decode_article(data, path=str(path), size=size)
        except ArticleError as error:
            self.skipped.append(Skipped(path=str(path), line=error.line, reason=error.message))
            return None
        self.warnings.extend(f"{path}: {w}" for w in article.warnings)
        return article


#: What the index holds of a file: size, mtime, content hash.
_Known = dict[str, tuple[int, float, str]]


def file_record(path: str, size: int, mtime: float, digest: str) -> bytes:
    """What the index keeps of an article's file, for the next sync to compare (see `_known_in`)."""
    return f"{path}\0{size}\0{mtime!r}\0{digest}".encode()


def _read_record(record: bytes) -> tuple[str, int, float, str]:
    path, size, mtime, digest = record.decode().split("\0")
    return path, int(size), float(mtime), digest


def _known(ix: whoosh_index.Index) -> _Known:
    with ix.reader() as reader:
        return _known_in(reader)


def _known_in(reader: Any) -> _Known:
    """Every indexed file's size, mtime and hash, from one column (unpickling every stored
    document instead took most of the time of adding one article to the corpus)."""
    if not reader.doc_count_all():
        return {}
    deletions = reader.has_deletions()
    known: _Known = {}
    for docnum, record in enumerate(reader.column_reader("file")):
        if deletions and reader.is_deleted(docnum):
            continue
        path, size, mtime, digest = _read_record(record)
        known[path] = (size, mtime, digest)
    return known


def _under(path: str, roots: Iterable[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


@dataclass(frozen=True, slots=True)
class _Plan:
    """Files compared with the index by size and mtime only."""

    new: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: int
    gone: tuple[str, ...]


def _plan(found: _Found, known: _Known, roots: Iterable[str]) -> _Plan:
    new, changed, unchanged = [], [], 0
    for path, stat in found.items():
        old = known.get(path)
        if old is None:
            new.append(path)
        elif stat == old[:2]:
            unchanged += 1
        else:
            changed.append(path)
    roots = list(roots)
    gone = tuple(p for p in known if p not in found and _under(p, roots))
    return _Plan(new=tuple(new), changed=tuple(changed), unchanged=unchanged, gone=gone)


# -- writing ---------------------------------------------------------------------


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

    The paths are recorded as the index's roots (see `status`).

    Args:
        full: rebuild from scratch into a new generation instead of applying the difference.
        prune: remove indexed articles under `paths` whose files are gone.
        wait: seconds to wait for another writer to finish.
        progress: called with (done, total) as files are indexed.

    Raises:
        SourceMissingError: a path does not exist.
        IndexLockedError: another process still writes after `wait` seconds.
        IndexSchemaError: the index needs `full=True` (built by another schema).
    """
    started = time.perf_counter()
    roots = [_absolute(p) for p in paths]
    batch = _Batch()
    found = _scan(roots, batch.skipped)
    with folder.locked(wait=wait):
        folder.collect()
        pointer = None if full else folder.pointer()  # a full rebuild needs nothing of a damaged one
        if pointer is None:
            added = _rebuild(folder, found, batch, progress, merge_roots((), roots))
            return IndexReport(added=added, skipped=tuple(batch.skipped), warnings=tuple(batch.warnings),
                               full=True, seconds=time.perf_counter() - started, articles=added)
        _clean_generation(folder.current(fingerprint()))
        ix = open_whoosh(folder, writing=True)
        with reading(folder):
            known = _known(ix)
        _keep_unreadable(found, known, batch.skipped)
        plan = _plan(found, known, roots if prune else ())
        todo = sorted(plan.changed + plan.new)
        counts: Counter[str] = Counter()
        writer = None
        try:
            for path in plan.gone:
                writer = writer or ix.writer(compound=False)
                writer.delete_by_term("path", path)
            for done, path in enumerate(todo, 1):
                outcome, doc = _prepare(batch, path, known.get(path))
                counts[outcome] += 1
                if doc is not None or outcome == "removed":
                    writer = writer or ix.writer(compound=False)
                    if doc is not None:
                        writer.update_document(**doc)
                    else:
                        writer.delete_by_term("path", path)
                if progress:
                    progress(done, len(todo))
                if done == len(todo) // 2 + 1:
                    _crash_point("update-adding")
            if writer is not None:
                writer.commit(mergetype=_merge_policy)
        except BaseException:
            if writer is not None and not writer.is_closed:
                writer.cancel()
            raise
        if writer is not None:
            _refresh_caches(ix)
        new_roots = merge_roots(pointer.roots, roots)
        skipped = _skipped_files(batch, found, pointer.skipped, roots)
        if writer is not None or new_roots != pointer.roots or skipped != pointer.skipped:
            _crash_point("update-committed")
            folder.touch(fingerprint(), new_roots, skipped)
        with ix.reader() as reader:
            total = reader.doc_count()
        return IndexReport(added=counts["added"], updated=counts["updated"], removed=len(plan.gone) + counts["removed"],
                           unchanged=plan.unchanged + counts["refreshed"], refreshed=counts["refreshed"],
                           skipped=tuple(batch.skipped), warnings=tuple(batch.warnings),
                           seconds=time.perf_counter() - started, articles=total)


def _prepare(batch: _Batch, path: str, old: tuple[int, float, str] | None) -> tuple[str, dict[str, Any] | None]:
    """What to do with one new or changed file: (outcome, document to write or None).

    A file whose content hash is unchanged ("refreshed") is written again all the same:
    Whoosh cannot update a stored mtime in place, and an unchanged mtime would have it
    hashed again on every run.
    """
    loaded = batch.load(path)
    if loaded is None:
        return ("removed" if old else "skipped"), None
    digest, data, size, mtime = loaded
    article = batch.parse(path, data, size)
    if article is None:
        return ("removed" if old else "skipped"), None
    doc = document(article, path=path, digest=digest, size=size, mtime=mtime)
    if old is None:
        return "added", doc
    return ("refreshed" if old[2] == digest else "updated"), doc


#: While a multi-process build runs, our pid: its forked workers die with us (`_worker_guard`).
_PARENT = 0
_LIBC: Any = None


def _worker_guard() -> None:
    """In a forked Whoosh indexing worker: die when the parent dies, leave Ctrl-C to the parent.

    Whoosh's workers wait on a queue forever: without this, killing a build leaves them running.
    """
    if not _PARENT:
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    if os.getppid() != _PARENT:
        os._exit(1)


os.register_at_fork(after_in_child=_worker_guard)


def _full_writer(ix: whoosh_index.Index, count: int) -> Any:
    global _PARENT, _LIBC
    procs = min(os.cpu_count() or 1, 4)
    if count < _MP_THRESHOLD or procs < 2:
        return ix.writer(limitmb=256, compound=False)
    try:
        import ctypes

        _LIBC = ctypes.CDLL(None)
        _LIBC.prctl  # noqa: B018 (Linux only; elsewhere workers are merely stopped on errors)
    except (OSError, AttributeError):
        _LIBC = None
    _PARENT = os.getpid()
    return ix.writer(procs=procs, multisegment=True, limitmb=256, compound=False)


def _abandon(writer: Any) -> None:
    for task in getattr(writer, "tasks", ()):  # MpWriter's workers would wait for work forever
        task.terminate()
        task.join(1)
    if not writer.is_closed:
        writer.cancel()


def _skipped_files(batch: _Batch, found: _Found, before: Iterable[tuple[str, int, float]] = (),
                   roots: Iterable[str] = ()) -> tuple[tuple[str, int, float], ...]:
    """The files this run skipped, with their size and mtime, and those recorded `before` outside
    its `roots` (so that `status` does not count them as new)."""
    roots = list(roots)
    kept = {path: (size, mtime) for path, size, mtime in before if not _under(path, roots)}
    kept.update((s.path, found[s.path]) for s in batch.skipped if s.path in found)
    return tuple((path, *stat) for path, stat in sorted(kept.items()))


def _rebuild(folder: IndexFolder, found: _Found, batch: _Batch, progress: Progress | None,
             roots: tuple[str, ...]) -> int:
    global _PARENT
    files = sorted(found)
    generation = folder.new_generation()
    try:
        ix = whoosh_index.create_in(str(generation), make_schema())
        writer = _full_writer(ix, len(files))
        added = 0
        try:
            for done, path in enumerate(files, 1):
                loaded = batch.load(path)
                if loaded is not None:
                    digest, data, size, mtime = loaded
                    article = batch.parse(path, data, size)
                    if article is not None:
                        writer.add_document(**document(article, path=path, digest=digest, size=size, mtime=mtime))
                        added += 1
                if progress:
                    progress(done, len(files))
                if done == len(files) // 2 + 1:
                    _crash_point("rebuild-adding")
            writer.commit()
        except BaseException:
            _abandon(writer)
            raise
        finally:
            _PARENT = 0
        _crash_point("rebuild-committed")
        _refresh_caches(ix, rebuild=True)
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    folder.publish(generation, fingerprint(), roots, _skipped_files(batch, found))
    _crash_point("rebuild-published")
    return added


def remove(folder: IndexFolder, paths: Iterable[str | os.PathLike[str]], *, wait: float = 0.0) -> int:
    """Remove the articles at (or under) `paths` from the index, whether or not the files still exist.

    A removed path that is (or holds) a recorded root stops being one.

    Raises:
        SourceMissingError: a path is empty.
    """
    roots = [_absolute(p) for p in paths]
    with folder.locked(wait=wait):
        folder.collect()
        _clean_generation(folder.current(fingerprint()))
        pointer = folder.pointer()
        assert pointer is not None  # current() raised otherwise
        ix = open_whoosh(folder, writing=True)
        with reading(folder):
            doomed = [p for p in _known(ix) if _under(p, roots)]
        if doomed:
            writer = ix.writer(compound=False)
            try:
                for path in doomed:
                    writer.delete_by_term("path", path)
                writer.commit(mergetype=_merge_policy)
            except BaseException:
                if not writer.is_closed:
                    writer.cancel()
                raise
            _refresh_caches(ix)
        kept = tuple(r for r in pointer.roots if not _under(r, roots))
        skipped = tuple(x for x in pointer.skipped if not _under(x[0], roots))
        if doomed or kept != pointer.roots or skipped != pointer.skipped:
            folder.touch(fingerprint(), kept, skipped)
        return len(doomed)


# -- status ------------------------------------------------------------------------


def status(folder: IndexFolder) -> IndexStatus:
    """Counts of the index and of files new, changed or gone under its roots; changes nothing.

    A file whose size or mtime changed counts as changed only if its content did.

    Raises:
        IndexMissingError: no index in the folder (`IndexDamagedError`: a damaged one).
    """
    ix = open_whoosh(folder)
    pointer = folder.pointer()
    assert pointer is not None
    with reading(folder), ix.reader() as reader:
        articles = reader.doc_count()
        names = sum(1 for _ in reader.lexicon("names")) if "names" in reader.schema else None
        known = _known_in(reader)
    unreadable: list[Skipped] = []
    found = _scan((r for r in pointer.roots if os.path.exists(r)), unreadable)
    _keep_unreadable(found, known, unreadable)
    plan = _plan(found, known, pointer.roots)
    skipped = {path: (size, mtime) for path, size, mtime in pointer.skipped}
    new = [path for path in plan.new if skipped.get(path) != found[path]]
    changed = 0
    for path in plan.changed:
        try:
            changed += _digest(_read(path)[0]) != known[path][2]
        except OSError:
            changed += 1
    return IndexStatus(articles=articles, names=names, size_bytes=folder.size_bytes(), updated=pointer.updated,
                       new=len(new), changed=changed, gone=len(plan.gone),
                       skipped=len(plan.new) - len(new) + len(unreadable))


def paths_of_film(searcher: Any, key: str) -> list[int]:
    """Document numbers of every article of one film (see `film_key`)."""
    return list(searcher.docs_for_query(Term("film", key)))
