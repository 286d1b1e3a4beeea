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
    "PROSE_FIELDS",
    "CATCH_ALL",
    "TEXT_BOOST",
    "BONUS",
    "KIND",
]

#: Bump when analysis changes in a way the schema cannot see (it changes the fingerprint).
ANALYSIS_VERSION = 2

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

#: Prose fields: indexed without positions; their phrases are checked in `CATCH_ALL`.
PROSE_FIELDS = ("lead", "plot", "other")

#: Everything as prose (title, lead, plot, other sections, names), with positions. Free words
#: and phrases are matched here: one posting list per word instead of one per field made a
#: 7-word query over 6 fields five times faster. Not a field users name in queries.
CATCH_ALL = "text"

#: Weight of a free word's match in the catch-all, and of the bonus when it also matches a
#: short field (checked only for films the catch-all found, so bonuses cost little).
TEXT_BOOST = 1.0
BONUS: dict[str, float] = {"title": 1.0, "person": 1.0, "characters": 0.5}

#: Per-field BM25 length normalisation; fields not named use `DEFAULT_B`.
DEFAULT_B = 0.75
FIELD_B: dict[str, float] = {"title": 0.4, "person": 0.2, "characters": 0.3, "cast": 0.2, "crew": 0.2, "text": 0.75}
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


def _text(kind: str, stored: bool = False, phrase: bool = True) -> fields.TEXT:
    return fields.TEXT(analyzer=FilmTokenizer(kind), phrase=phrase, stored=stored)


def make_schema() -> fields.Schema:
    """A fresh schema; field objects carry their analyzers, so queries analyse as indexing did."""
    text_fields = {
        name: _text(kind, stored=name == "title", phrase=name not in PROSE_FIELDS) for name, kind in KIND.items()
    }
    text_fields[CATCH_ALL] = _text("prose")
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
        # The name registry: one term per credited person (see names.name_key), and who did what.
        names=fields.KEYWORD(commas=True, scorable=False),
        credits=fields.STORED(),
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
