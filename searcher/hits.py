"""The typed results a search returns: `Results`, a sequence of `Hit`s, each with a `Snippet`.

Pure dataclasses, frozen and free of Whoosh objects, so they outlive the searcher
that found them and serialise with `to_dict()` exactly as `--json` prints them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

__all__ = ["Snippet", "Hit", "Correction", "Results"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Snippet:
    """A short passage of one field; `spans` are half-open code-point offsets of the matched words in `text`."""

    field: str
    text: str
    spans: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "text": self.text, "spans": [list(s) for s in self.spans]}


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    """One film. `path` is the article shown (the richest); `also` lists the film's other articles."""

    title: str
    page_title: str
    year: int | None
    path: str
    score: float
    fields: tuple[str, ...] = ()
    snippet: Snippet | None = None
    also: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "page_title": self.page_title,
            "year": self.year,
            "path": self.path,
            "also": list(self.also),
            "score": round(self.score, 4),
            "fields": list(self.fields),
            "snippet": self.snippet.to_dict() if self.snippet else None,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Correction:
    """What the query layer searched beside what was typed.

    `kind` is "name" (other credited spellings of a person, for a name field or a run
    of free words that reads as a name; `field` says which), "word" (corrections of
    a word the index does not know; `field` is None) or "everyday" (the words plots use
    for an everyday word, `synonyms`; `field` is None).
    """

    original: str
    used: tuple[str, ...]
    field: str | None = None
    kind: str = "word"

    def to_dict(self) -> dict[str, Any]:
        return {"original": self.original, "used": list(self.used), "field": self.field, "kind": self.kind}


@dataclass(frozen=True, slots=True, kw_only=True)
class Results(Sequence[Hit]):
    """The hits of one search, best first. `total` is the number of matching articles: counted
    up to about 1,000, else Whoosh's estimate (at least the hits, at most the index, 0 without hits)."""

    query: str
    total: int
    hits: tuple[Hit, ...] = ()
    corrections: tuple[Correction, ...] = ()

    @overload
    def __getitem__(self, index: int) -> Hit: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Hit, ...]: ...

    def __getitem__(self, index: int | slice) -> Hit | tuple[Hit, ...]:
        return self.hits[index]

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "corrections": [c.to_dict() for c in self.corrections],
            "hits": [h.to_dict() for h in self.hits],
        }
