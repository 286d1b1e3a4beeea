"""The index folder: which Whoosh index in it is current, who may write, whether to trust it.

Layout of an index folder (everything stays inside it)::

    filmsearch.json   the pointer: format, schema fingerprint, current generation, last update
    write.lock        held (flock) by the one process that writes; says who it is
    gen-<id>/         a complete Whoosh index; a full rebuild writes a new one

Readers follow the pointer, so they see either the old or the new generation: the
pointer is replaced with one atomic `os.replace`. Incremental updates go into the
current generation through Whoosh's own commit (its table of contents is also
written to a temporary file and renamed). The pointer doubles as the marker that
filmsearch made the folder: Whoosh unpickles its table of contents, so opening a
folder someone else made could run their code; we refuse folders without it.
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import IndexLockedError, IndexMissingError, IndexSchemaError, UntrustedIndexError

__all__ = ["Pointer", "IndexFolder", "POINTER", "FORMAT"]

POINTER = "filmsearch.json"
LOCK = "write.lock"
FORMAT = 1
_HARMLESS = {".gitignore", "README", "README.md", ".DS_Store"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Pointer:
    """What `filmsearch.json` says."""

    generation: str
    fingerprint: str
    updated: str

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "generation": self.generation,
                           "fingerprint": self.fingerprint, "updated": self.updated}, indent=1)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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
            pointer = Pointer(generation=str(data["generation"]), fingerprint=str(data["fingerprint"]),
                              updated=str(data["updated"]))
        except (ValueError, KeyError, TypeError):
            raise IndexMissingError(f"{file} is damaged; rebuild with: filmsearch index --full --index {self.path}") from None
        if "/" in pointer.generation or not (self.path / pointer.generation).is_dir():
            raise IndexMissingError(
                f"index {self.path} points at a missing generation; rebuild with: filmsearch index --full --index {self.path}"
            )
        return pointer

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
                f"index {self.path} was built by another version of filmsearch; rebuild it with: filmsearch index --full"
            )
        return self.path / pointer.generation

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())

    # -- writing ---------------------------------------------------------------

    def new_generation(self) -> Path:
        """A new, empty generation folder; invisible to readers until `publish`."""
        self.path.mkdir(parents=True, exist_ok=True)
        folder = self.path / f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        folder.mkdir()
        return folder

    def publish(self, generation: Path, fingerprint: str) -> None:
        """Make `generation` current with one atomic rename, then drop older ones."""
        pointer = Pointer(generation=generation.name, fingerprint=fingerprint, updated=_now())
        self._write_pointer(pointer)
        self.collect(keep={generation.name})

    def touch(self, fingerprint: str) -> None:
        """Record an incremental update's time in the pointer."""
        pointer = self.pointer()
        if pointer is not None:
            self._write_pointer(Pointer(generation=pointer.generation, fingerprint=fingerprint, updated=_now()))

    def _write_pointer(self, pointer: Pointer) -> None:
        temp = self.path / f".{POINTER}.{os.getpid()}.tmp"
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(pointer.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self.path / POINTER)
        _fsync_dir(self.path)

    def collect(self, keep: set[str]) -> None:
        """Remove generations and temporary files other than `keep` (left by replaced or killed builds).

        Only call with the write lock held: a generation being built is not yet in the pointer.
        """
        for entry in self.path.iterdir():
            if entry.name in keep:
                continue
            if entry.is_dir() and entry.name.startswith("gen-"):
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.name.startswith(f".{POINTER}.") and entry.name.endswith(".tmp"):
                entry.unlink(missing_ok=True)

    @contextmanager
    def locked(self, wait: float = 0.0) -> Iterator[None]:
        """Hold the folder's write lock, waiting up to `wait` seconds for it.

        The lock is an `flock`, so the kernel releases it when its holder dies:
        a killed indexer never leaves a lock that blocks forever.

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
                        raise IndexLockedError(
                            f"index {self.path} is being updated by {holder}; try again later or wait longer with --wait SECONDS"
                        ) from None
                    time.sleep(0.1)
            handle.seek(0)
            handle.truncate()
            command = " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv[:4]))
            handle.write(f"pid {os.getpid()} on {socket.gethostname()} ({command}) since {_now()}")
            handle.flush()
            yield
        finally:
            handle.close()


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
