"""The Whoosh schema: every field name and its analyzer, defined once.

Ranking weights live in `ranking.py` and apply at query time, so tuning needs no
rebuild. The index records `fingerprint()`; an index built with another schema is
refused with a request to rebuild (`filmsearch index --full`).

Prose is indexed once, in the catch-all field `CATCH_ALL`, where each section of the
article (`SECTIONS`) starts at its own position far from the others. A query limited
to a prose section (`plot:word`) matches the catch-all positions inside that section
(`section_span`), so the prose sections need no posting lists of their own: a build
writes 45% fewer postings, and a phrase never runs from one section into the next.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from whoosh import columns, fields, formats
from whoosh.analysis import Token, Tokenizer

from .analysis import NAME_SEPARATOR, analyze, terms

__all__ = [
    "FilmTokenizer",
    "Words",
    "CatchAll",
    "make_schema",
    "fingerprint",
    "catch_all",
    "section_span",
    "section_of",
    "TEXT_FIELDS",
    "NAME_FIELDS",
    "NUMERIC_FIELDS",
    "SEARCHABLE",
    "PROSE_FIELDS",
    "CATCH_ALL",
    "SECTIONS",
    "KIND",
]

#: Bump when analysis changes in a way the schema cannot see (it changes the fingerprint).
ANALYSIS_VERSION = 4

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

#: Prose fields users can name in a query; they are sections of `CATCH_ALL`, not Whoosh fields.
PROSE_FIELDS = ("lead", "plot", "other")

#: Everything as prose (title, lead, plot, other sections, names), with positions. Free words
#: and phrases are matched here: one posting list per word instead of one per field made a
#: 7-word query over 6 fields five times faster. Not a field users name in queries.
CATCH_ALL = "text"

#: The catch-all's sections, in position order.
SECTIONS = ("title", *PROSE_FIELDS, "names")
#: Positions each section may use; words past the end of a section share its last position.
_SECTION_SIZE = 1 << 20


def section_span(section: str) -> tuple[int, int]:
    """The catch-all positions of a section: [start, end)."""
    start = SECTIONS.index(section) * _SECTION_SIZE
    return start, start + _SECTION_SIZE


def section_of(position: int) -> int:
    """The index in `SECTIONS` of the section a catch-all position is in."""
    return min(position // _SECTION_SIZE, len(SECTIONS) - 1)


def catch_all(texts: Mapping[str, str]) -> list[tuple[str, int]]:
    """The catch-all value of an article: (term, position) for each word of each section in `texts`.

    Positions count terms, not words, so a typed phrase matches across a dropped stop word
    ("story of the sea" is "stori sea"), as Whoosh numbers them in a phrase query.
    `NAME_SEPARATOR` splits a section into parts (people) that no phrase spans.
    """
    found = []
    for section in SECTIONS:
        if text := texts.get(section):
            pos, end = section_span(section)
            for part in text.split(NAME_SEPARATOR):
                for term in terms(part, "prose"):
                    found.append((term, min(pos, end - 1)))
                    pos += 1
                pos += 1
    return found


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


class CompactPositions(formats.Positions):
    """Positions as varint deltas instead of Whoosh's pickled list: a posting list 5-7% smaller
    (measured on the corpus and a 3,000-article sample) and no pickle call per posting."""

    def encode(self, poslist: Iterable[int]) -> bytes:
        parts = []
        base = 0
        for pos in poslist:
            parts.append(_varint(pos - base))
            base = pos
        return b"".join(parts)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        positions = []
        pos = shift = delta = 0
        for byte in valuestring:
            delta |= (byte & 0x7F) << shift
            if byte & 0x80:
                shift += 7
            else:
                pos += delta
                positions.append(pos)
                delta = shift = 0
        return positions

    def decode_frequency(self, valuestring: bytes) -> int:
        return sum(1 for byte in valuestring if not byte & 0x80)


@functools.lru_cache(maxsize=1 << 16)
def _varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


class Words(fields.TEXT):
    """A text field of one analyzer kind, indexed straight from `analyze` with `CompactPositions`
    (Whoosh's token stream cost more than the analysis itself)."""

    def __init__(self, kind: str) -> None:
        super().__init__(analyzer=FilmTokenizer(kind))
        self.format = CompactPositions()

    def positions(self, value: Any) -> Iterable[tuple[str, int]]:
        return ((term.text, term.pos) for term in analyze(value, self.analyzer.kind))

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        found: dict[str, list[int]] = defaultdict(list)
        for term, pos in self.positions(value):
            found[term].append(pos)
        encode = self.format.encode
        for term, positions in found.items():
            yield term.encode("utf-8"), len(positions), float(len(positions)), encode(positions)


class CatchAll(Words):
    """The catch-all field: its value is the article's section texts (a mapping, see `catch_all`),
    analysed here, so a multi-process build analyses in its workers and sends them only text."""

    def __init__(self) -> None:
        super().__init__("prose")

    def positions(self, value: Mapping[str, str]) -> Iterable[tuple[str, int]]:
        return catch_all(value)


def make_schema() -> fields.Schema:
    """A fresh schema; field objects carry their analyzers, so queries analyse as indexing did."""
    text_fields: dict[str, fields.FieldType] = {
        name: Words(kind) for name, kind in KIND.items() if name not in PROSE_FIELDS
    }
    text_fields[CATCH_ALL] = CatchAll()
    return fields.Schema(
        path=fields.ID(unique=True),  # its text is in the `file` column
        film=fields.ID(sortable=True),
        page_title=fields.STORED(),
        display_title=fields.STORED(),  # only where it is not the page title (indexer.stored_title)
        year=fields.NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        runtime=fields.NUMERIC(int, bits=32, stored=True, signed=False),
        # What the indexer compares with the files (indexer.file_record): a column, read in one pass.
        file=fields.COLUMN(columns.VarBytesColumn()),
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
        column = type(field.column_type).__name__ if field.column_type else ""
        fmt = getattr(field, "format", None).__class__.__name__
        parts.append(f"{name}:{type(field).__name__}:{kind}:{fmt}:stored={field.stored}:{column}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

