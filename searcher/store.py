"""The index folder: which Whoosh index in it is current, who may write, whether to trust it.

Layout of an index folder (everything stays inside it)::

    filmsearch.json   the pointer: format, schema fingerprint, current generation, last update,
                      the folders indexed (`roots`) and generations retired not long ago
    write.lock        held (flock) by the one process that writes; says who it is
    gen-<id>/         a complete Whoosh index; a full rebuild writes a new one

Readers follow the pointer, so they see either the old or the new generation: the
pointer is replaced with one atomic `os.replace`. Incremental updates go into the
current generation through Whoosh's own commit (its table of contents is also
written to a temporary file and renamed).

Nothing a reader may still use is deleted at once: a generation replaced by a full
rebuild is "retired" in the pointer and removed by the first write that starts
`RETAIN_SECONDS` later (a reader that opened it just before the swap keeps working);
a generation that was never published (a killed build) is removed by the next write.

The pointer doubles as the marker that filmsearch made the folder: Whoosh unpickles
its table of contents, so opening a folder someone else made could run their code;
we refuse folders without it. This guards against accidents (a wrong `--index`), not
attacks: whoever can write an index folder can make filmsearch run their code.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import socket
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from .errors import IndexDamagedError, IndexLockedError, IndexMissingError, IndexSchemaError, UntrustedIndexError

__all__ = ["Pointer", "IndexFolder", "POINTER", "FORMAT", "RETAIN_SECONDS", "merge_roots"]

POINTER = "filmsearch.json"
LOCK = "write.lock"
FORMAT = 1
_HARMLESS = {".gitignore", "README", "README.md", ".DS_Store"}

#: How long files a write replaced stay for readers that opened them before (seconds).
RETAIN_SECONDS = 600.0

#: Lock files this process holds: a forked child (Whoosh's indexing workers) closes its
#: copies, so the lock dies with the process that took it, not with its last child.
_HELD: set[int] = set()


def _forget_locks() -> None:
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_forget_locks)


@dataclass(frozen=True, slots=True, kw_only=True)
class Pointer:
    """What `filmsearch.json` says. `retired` pairs a replaced generation with when it was replaced."""

    generation: str
    fingerprint: str
    updated: str
    roots: tuple[str, ...] = ()
    retired: tuple[tuple[str, str], ...] = ()
    #: Files under the roots left out as malformed, with the size and mtime they had then.
    skipped: tuple[tuple[str, int, float], ...] = ()

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "generation": self.generation, "fingerprint": self.fingerprint,
                           "updated": self.updated, "roots": list(self.roots), "retired": dict(self.retired),
                           "skipped": {path: [size, mtime] for path, size, mtime in self.skipped}}, indent=1)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _age(stamp: str) -> float:
    """Seconds since an ISO time written by `_now` (infinite if unreadable)."""
    try:
        return time.time() - datetime.fromisoformat(stamp).timestamp()
    except ValueError:
        return float("inf")


def merge_roots(old: Iterable[str], new: Iterable[str]) -> tuple[str, ...]:
    """The union of two sets of indexed paths, without paths nested in another."""
    every = set(old) | set(new)
    # Look up each path's ancestors rather than compare all pairs: 87,300 files given one by one stay cheap.
    return tuple(sorted(p for p in every if not any(str(a) in every for a in Path(p).parents)))


class IndexFolder:
    """One index folder on disk. Cheap to create: nothing is read until asked."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path).expanduser().absolute()

    # -- reading ---------------------------------------------------------------

    def pointer(self) -> Pointer | None:
        """The current pointer, or None for a folder with no index yet.

        Raises:
            UntrustedIndexError: the folder holds files filmsearch did not write.
            IndexMissingError: the pointer is unreadable or names a missing generation.
        """
        file = self.path / POINTER
        try:
            raw = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            self._check_untouched()
            return None
        except OSError as error:
            raise IndexMissingError(f"cannot read index {self.path}: {error.strerror}") from None
        try:
            data = json.loads(raw)
            pointer = Pointer(
                generation=str(data["generation"]), fingerprint=str(data["fingerprint"]), updated=str(data["updated"]),
                roots=tuple(str(r) for r in data.get("roots", ())),
                retired=tuple((str(g), str(t)) for g, t in dict(data.get("retired", {})).items()),
                skipped=tuple((str(p), int(v[0]), float(v[1])) for p, v in dict(data.get("skipped", {})).items()),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise IndexDamagedError(f"{file} is damaged; {self.rebuild_hint}") from None
        if not _is_generation(pointer.generation) or not (self.path / pointer.generation).is_dir():
            raise IndexDamagedError(f"index {self.path} points at a missing generation; {self.rebuild_hint}")
        return pointer

    @property
    def rebuild_hint(self) -> str:
        return f"rebuild it with: filmsearch index --full PATH... --index {self.path}"

    def _check_untouched(self) -> None:
        if not self.path.exists():
            return
        if not self.path.is_dir():
            raise IndexMissingError(f"{self.path} is not a folder")
        strangers = sorted(p.name for p in self.path.iterdir() if not _ours(p.name))
        if strangers:
            raise UntrustedIndexError(
                f"{self.path} was not made by filmsearch (it holds {', '.join(strangers[:3])}); "
                "refusing to open or overwrite it: choose an empty or new folder with --index"
            )

    def current(self, fingerprint: str) -> Path:
        """The folder of the current generation, checked against the schema.

        Raises:
            IndexMissingError: no index has been built here.
            IndexSchemaError: built with another schema.
        """
        pointer = self.pointer()
        if pointer is None:
            raise IndexMissingError(f"no index at {self.path}; build one with: filmsearch index PATH --index {self.path}")
        if pointer.fingerprint != fingerprint:
            raise IndexSchemaError(
                f"index {self.path} was built by another version of filmsearch; rebuild it with: filmsearch index --full --index {self.path}"
            )
        return self.path / pointer.generation

    def size_bytes(self) -> int:
        """Bytes on disk, retired generations included."""
        total = 0
        for root, _, files in os.walk(self.path):
            for name in files:
                try:
                    total += os.lstat(os.path.join(root, name)).st_size
                except OSError:
                    pass
        return total

    # -- writing (with the lock held) -------------------------------------------

    def new_generation(self) -> Path:
        """A new, empty generation folder; invisible to readers until `publish`."""
        self.path.mkdir(parents=True, exist_ok=True)
        folder = self.path / f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        folder.mkdir()
        return folder

    def publish(self, generation: Path, fingerprint: str, roots: Iterable[str],
                skipped: Iterable[tuple[str, int, float]] = ()) -> None:
        """Make `generation` current with one atomic rename; the one it replaces is retired, not deleted.

        A damaged pointer is replaced too (a full rebuild is how it is repaired)."""
        try:
            old = self.pointer()
        except IndexDamagedError:
            old = None
        retired = dict(old.retired) if old else {}
        if old is not None:
            retired[old.generation] = _now()
        self._write_pointer(Pointer(generation=generation.name, fingerprint=fingerprint, updated=_now(),
                                    roots=tuple(roots), retired=self._existing(retired), skipped=tuple(skipped)))

    def touch(self, fingerprint: str, roots: Iterable[str] | None = None,
              skipped: Iterable[tuple[str, int, float]] | None = None) -> None:
        """Record an incremental update: its time and, if given, the indexed roots and skipped files."""
        pointer = self.pointer()
        if pointer is not None:
            self._write_pointer(replace(
                pointer, fingerprint=fingerprint, updated=_now(),
                roots=pointer.roots if roots is None else tuple(roots), retired=self._existing(dict(pointer.retired)),
                skipped=pointer.skipped if skipped is None else tuple(skipped),
            ))

    def _existing(self, retired: dict[str, str]) -> tuple[tuple[str, str], ...]:
        return tuple((g, t) for g, t in sorted(retired.items()) if _is_generation(g) and (self.path / g).is_dir())

    def _write_pointer(self, pointer: Pointer) -> None:
        temp = self.path / f".{POINTER}.{os.getpid()}.tmp"
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(pointer.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self.path / POINTER)
        _fsync_dir(self.path)

    def collect(self) -> list[str]:
        """Remove what no reader can need: unpublished generations (killed builds), generations
        retired more than `RETAIN_SECONDS` ago, stray temporary pointers. Returns the names removed.

        Only call with the write lock held: a generation being built is not yet in the pointer.
        """
        if not self.path.is_dir():
            return []
        try:
            pointer = self.pointer()
        except IndexDamagedError:
            return []  # which generation is current is unknown: keep them all until a rebuild says
        keep = {pointer.generation} if pointer else set()
        if pointer:
            keep.update(g for g, since in pointer.retired if _age(since) < RETAIN_SECONDS)
        removed = []
        for entry in self.path.iterdir():
            if entry.name in keep:
                continue
            if entry.is_dir() and entry.name.startswith("gen-"):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry.name)
            elif entry.name.startswith(f".{POINTER}.") and entry.name.endswith(".tmp"):
                entry.unlink(missing_ok=True)
                removed.append(entry.name)
        return removed

    @contextmanager
    def locked(self, wait: float = 0.0) -> Iterator[None]:
        """Hold the folder's write lock, waiting up to `wait` seconds for it.

        The lock is an `flock`, so the kernel releases it when its holder dies:
        a killed indexer never leaves a lock that blocks. (Forked children close
        their copy at once, see `_forget_locks`, or they would keep it alive.)

        Raises:
            IndexLockedError: another live process still holds it after `wait`.
        """
        if not (self.path / POINTER).exists():
            self._check_untouched()
        self.path.mkdir(parents=True, exist_ok=True)
        handle = open(self.path / LOCK, "a+", encoding="utf-8")
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as error:
                    if error.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        handle.seek(0)
                        holder = handle.read().strip() or "another process"
                        waited = f" after waiting {wait:g}s" if wait else ""
                        raise IndexLockedError(
                            f"index {self.path} is being updated by {holder}{waited}; "
                            "try again later or wait longer with --wait SECONDS"
                        ) from None
                    time.sleep(0.1)
            _HELD.add(handle.fileno())
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()} on {socket.gethostname()} ({_command()}) since {_now()}")
            handle.flush()
            yield
        finally:
            _HELD.discard(handle.fileno())
            handle.close()


def _command() -> str:
    """The holder's command line, short: `filmsearch index /films --index ix`."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python"
    if name in ("__main__.py", "filmsearch", "-c", "-m"):
        name = "filmsearch" if name != "-c" else "python -c"
    line = " ".join([name, *sys.argv[1:]])
    return line if len(line) <= 100 else line[:99] + "…"


def _is_generation(name: str) -> bool:
    return name.startswith("gen-") and os.sep not in name and name not in (".", "..")


def _ours(name: str) -> bool:
    """Names filmsearch leaves in a folder before its first pointer exists (or harmless ones)."""
    return name in _HARMLESS or name in (POINTER, LOCK) or name.startswith(("gen-", f".{POINTER}."))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
