"""Plain-text caches of data derived from an index, kept inside its generation folder.

Building the name registry or the word vocabulary from Whoosh takes about a second on
the full corpus (its lexicon and stored fields are read in pure Python); a cold CLI query
cannot pay that. So the result is written once per index commit into the generation
folder, next to Whoosh's files, as ``filmsearch-<name>-<toc generation>.txt``:

* keyed by the Whoosh TOC generation: every commit (an incremental update included)
  makes a new one, so a cache of an older commit is never read again; writing a cache
  removes caches of older commits, and a full rebuild starts a new folder;
* never pickle (Whoosh's own table of contents is pickled, which is why the index folder
  must be trusted; these files need no such trust): a header line, then sections of plain
  lines, each decoded and split only when used;
* written to a hidden temporary file and renamed, so a reader sees a whole file or none;
  a folder we cannot write to just means no cache. Whoosh's file cleaner ignores these names.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["Sections", "cache_folder", "generation", "read", "write", "carry_forward"]

_MAGIC = "filmsearch-cache"


def cache_folder(searcher: Any) -> Path | None:
    """The folder of the index a Whoosh searcher reads, or None (in-memory storage)."""
    folder = getattr(getattr(getattr(searcher, "_ix", None), "storage", None), "folder", None)
    return Path(folder) if folder else None


def generation(searcher: Any) -> int | None:
    """The Whoosh TOC generation the searcher reads."""
    value = searcher.reader().generation()
    return value if isinstance(value, int) and value >= 0 else None


def _path(folder: Path, name: str, gen: int) -> Path:
    return folder / f"filmsearch-{name}-{gen}.txt"


class Sections:
    """The sections of a cache file, each decoded and split into lines only when first asked for."""

    def __init__(self, data: bytes, spans: list[tuple[int, int, int]]):
        self._data = data
        self._spans = spans
        self._lines: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self._spans)

    def text(self, number: int) -> str:
        start, end, _count = self._spans[number]
        return self._data[start:end].decode("utf-8")

    def lines(self, number: int) -> list[str]:
        found = self._lines.get(number)
        if found is None:
            found = self._lines[number] = self.text(number).split("\n") if self._spans[number][2] else []
        return found


def read(folder: Path | None, name: str, gen: int | None, version: str) -> Sections | None:
    """The sections of a cache file, or None when it is missing, stale or damaged."""
    if folder is None or gen is None:
        return None
    try:
        data = _path(folder, name, gen).read_bytes()
    except OSError:
        return None
    end = data.find(b"\n")
    header = data[:end if end >= 0 else len(data)].decode("utf-8", "replace").split(" ")
    if len(header) < 4 or header[:4] != [_MAGIC, name, str(gen), version]:
        return None
    spans, start = [], end + 1
    try:
        for field in (f for f in header[4:] if not f.startswith("docs=")):
            count, size = (int(n) for n in field.split(":"))
            spans.append((start, start + size, count))
            start += size + 1
    except ValueError:
        return None
    if start - 1 != len(data):
        return None
    return Sections(data, spans)


def write(
    folder: Path | None, name: str, gen: int | None, version: str, sections: Sequence[Sequence[str]], docs: int = 0
) -> bool:
    """Write a cache file atomically; False when the folder is not writable (no harm done).

    `docs` is how many articles the index held: `carry_forward` compares it with the index's.
    """
    if folder is None or gen is None:
        return False
    blocks = ["\n".join(lines).encode("utf-8") for lines in sections]
    sizes = [f"{len(s)}:{len(b)}" for s, b in zip(sections, blocks)]
    header = " ".join([_MAGIC, name, str(gen), version, f"docs={docs}", *sizes])
    return _replace(folder, name, gen, b"\n".join([header.encode("utf-8"), *blocks]))


def _replace(folder: Path, name: str, gen: int, data: bytes) -> bool:
    target = _path(folder, name, gen)
    temp = folder / f".{target.name}.{os.getpid()}.tmp"
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except OSError:
        try:
            temp.unlink(missing_ok=True)
        except OSError:
            pass
        return False
    for old in folder.glob(f"filmsearch-{name}-*.txt"):
        stem = old.stem.rsplit("-", 1)[-1]
        if stem.isdigit() and int(stem) < gen:  # a reader of an older commit never deletes a newer cache
            try:
                old.unlink()
            except OSError:
                pass
    return True


def carry_forward(folder: Path, gen: int, docs: int, slack: float) -> bool:
    """Reuse the caches of the newest older commit for commit `gen`, if they are close enough.

    Rebuilding the caches takes seconds on a large index, too long for an update that
    adds one article. So a small update keeps the previous caches (a person first credited
    by it is found exactly, not yet fuzzily) until the number of articles has moved more
    than `slack` (a share) from the count the caches were built for. False: rebuild them.
    """
    carried = False
    for name in ("names", "vocabulary"):
        older = [(int(p.stem.rsplit("-", 1)[1]), p) for p in folder.glob(f"filmsearch-{name}-*.txt")
                 if p.stem.rsplit("-", 1)[1].isdigit() and int(p.stem.rsplit("-", 1)[1]) < gen]
        if not older:
            return False
        try:
            data = max(older)[1].read_bytes()
        except OSError:  # a reader building a newer cache removed it meanwhile
            return False
        end = data.find(b"\n")
        header = data[:end].decode("utf-8", "replace").split(" ")
        built = next((int(f[5:]) for f in header[4:] if f.startswith("docs=") and f[5:].isdigit()), None)
        if len(header) < 4 or built is None or abs(docs - built) > slack * max(built, 1):
            return False
        header[2] = str(gen)
        carried = _replace(folder, name, gen, " ".join(header).encode("utf-8") + data[end:]) or carried
    return carried
