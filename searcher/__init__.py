"""filmsearch: full-text search for film articles.

    import searcher
    idx = searcher.Index("index/")
    idx.add(["seeds/"])
    for hit in idx.search('director:"Masset-Depasse" detention'):
        print(hit.title, hit.year, hit.path, hit.score, hit.snippet)

The Whoosh-backed names (`Index`, `IndexReport`) load on first use, so that
importing the package (and `filmsearch --help`) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .article import Article, CastMember, Section, decode_article, parse_article, read_article
from .errors import (
    ArticleError,
    FilmsearchError,
    IndexDamagedError,
    IndexLockedError,
    IndexMissingError,
    IndexSchemaError,
    QueryError,
    SourceMissingError,
    UntrustedIndexError,
)
from .hits import Correction, Hit, Results, Snippet

if TYPE_CHECKING:
    from .index import Index
    from .indexer import IndexReport, IndexStatus, Skipped

__all__ = [
    "Index",
    "IndexReport",
    "IndexStatus",
    "Skipped",
    "Results",
    "Hit",
    "Snippet",
    "Correction",
    "Article",
    "CastMember",
    "Section",
    "parse_article",
    "decode_article",
    "read_article",
    "FilmsearchError",
    "ArticleError",
    "IndexMissingError",
    "IndexDamagedError",
    "IndexLockedError",
    "IndexSchemaError",
    "UntrustedIndexError",
    "QueryError",
    "SourceMissingError",
]

_LAZY = {"Index": "index", "IndexReport": "indexer", "IndexStatus": "indexer", "Skipped": "indexer"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
