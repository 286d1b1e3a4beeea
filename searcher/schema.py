"""The Whoosh schema: every field name, its analyzer and its ranking weight, defined once.

Boosts are applied at query time (see `BOOSTS`), never written into postings, so
tuning them needs no rebuild. BM25F normalises each field's length on its own,
with one `B` per field (`FIELD_B`): short name fields want little length
normalisation, prose wants the usual 0.75.

The index records `fingerprint()`; an index built with another schema is refused
with a request to rebuild (`filmsearch index --full`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from whoosh import fields, scoring
from whoosh.analysis import Token, Tokenizer

from .analysis import analyze

__all__ = [
    "FilmTokenizer",
    "make_schema",
    "fingerprint",
    "weighting",
    "TEXT_FIELDS",
    "NAME_FIELDS",
    "NUMERIC_FIELDS",
    "SEARCHABLE",
    "FREE_FIELDS",
    "BOOSTS",
    "KIND",
]

#: Bump when analysis changes in a way the schema cannot see (it changes the fingerprint).
ANALYSIS_VERSION = 1

#: Searchable text fields and the analyzer kind of each.
KIND: dict[str, str] = {
    "title": "title",
    "lead": "prose",
    "plot": "prose",
    "other": "prose",
    "cast": "name",
    "characters": "name",
    "director": "name",
    "writer": "name",
    "producer": "name",
    "music": "name",
    "cinematography": "name",
    "editing": "name",
    "crew": "name",
    "person": "name",
    "country": "name",
    "language": "name",
}
TEXT_FIELDS = tuple(KIND)
NAME_FIELDS = tuple(f for f, kind in KIND.items() if kind == "name")
NUMERIC_FIELDS = ("year", "runtime")
SEARCHABLE = TEXT_FIELDS + NUMERIC_FIELDS

#: Fields a free word (no `field:`) is looked up in, with their query-time boosts.
BOOSTS: dict[str, float] = {
    "title": 2.0,
    "lead": 1.0,
    "plot": 1.0,
    "other": 0.4,
    "person": 1.2,
    "characters": 0.6,
}
FREE_FIELDS = tuple(BOOSTS)

#: Per-field BM25 length normalisation; fields not named use `DEFAULT_B`.
DEFAULT_B = 0.75
FIELD_B: dict[str, float] = {"title": 0.4, "person": 0.2, "characters": 0.3, "cast": 0.2, "crew": 0.2}
K1 = 1.2

class FilmTokenizer(Tokenizer):
    """Whoosh's side of `searcher.analysis.analyze`: one tokenizer, no filter chain."""

    def __init__(self, kind: str):
        self.kind = kind

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term in analyze(value, self.kind):
            token.text = term.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term.text
            if positions:
                token.pos = start_pos + term.pos
            if chars:
                token.startchar = start_char + term.start
                token.endchar = start_char + term.end
            yield token


def _text(kind: str, stored: bool = False) -> fields.TEXT:
    return fields.TEXT(analyzer=FilmTokenizer(kind), phrase=True, stored=stored)


def make_schema() -> fields.Schema:
    """A fresh schema; field objects carry their analyzers, so queries analyse as indexing did."""
    text_fields = {name: _text(kind, stored=name == "title") for name, kind in KIND.items()}
    return fields.Schema(
        path=fields.ID(stored=True, unique=True),
        film=fields.ID(stored=True, sortable=True),
        page_title=fields.STORED(),
        year=fields.NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        runtime=fields.NUMERIC(int, bits=32, stored=True, signed=False),
        hash=fields.STORED(),
        size=fields.STORED(),
        mtime=fields.STORED(),
        richness=fields.STORED(),
        **text_fields,
    )


def fingerprint() -> str:
    """A short hash of everything that decides what the index holds."""
    schema = make_schema()
    parts = [f"analysis={ANALYSIS_VERSION}"]
    for name in sorted(schema.names()):
        field = schema[name]
        analyzer = getattr(field, "analyzer", None)
        kind = getattr(analyzer, "kind", "")
        parts.append(f"{name}:{type(field).__name__}:{kind}:{getattr(field, 'format', None).__class__.__name__}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def weighting() -> scoring.WeightingModel:
    """BM25F with our per-field length normalisation."""
    return scoring.BM25F(B=DEFAULT_B, K1=K1, **{f"{name}_B": b for name, b in FIELD_B.items()})
