"""Syntax tree -> Whoosh query -> `Results`.

Free words are looked up in every field of `schema.BOOSTS` (with those boosts)
and are optional: a film that has more of them ranks higher, through a
coordination factor on the score (`COORD`). Whoosh's own `Or(scale=...)` counts
matched *fields*, not matched *words*, so a word found in three fields would
count three times; `_Coordinated` counts words.

Hits are collapsed per film (`indexer.film_key`): duplicate articles of one film
become one `Hit`, shown through the richest article, the others in `Hit.also`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh import sorting
from whoosh.matching import WrappingMatcher

from . import syntax
from .analysis import STOP_WORDS, analyze, fold
from .article import Article, read_article
from .errors import ArticleError, QueryError
from .hits import Hit, Results
from .schema import BOOSTS, FREE_FIELDS, KIND, NAME_FIELDS
from .snippets import highlight

__all__ = ["compile_query", "Compiled", "run_search", "COORD"]

#: Exponent of the share of free words a film matches; 0 turns coordination off.
COORD = 1.0

_CREW_FIELDS = ("director", "writer", "producer", "music", "cinematography", "editing")


@dataclass
class Compiled:
    """A Whoosh query plus the positive terms per field, for snippets and matched fields."""

    query: wq.Query
    terms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


class _CoordMatcher(WrappingMatcher):
    """Multiplies the score by (words matched / words) ** COORD; never raises it, so block-max pruning stays valid."""

    def __init__(self, child: Any, word_of: dict[tuple[str, bytes], int], words: int, power: float):
        super().__init__(child)
        self._word_of = word_of
        self._words = words
        self._power = power

    def _replacement(self, newchild: Any) -> _CoordMatcher:
        return _CoordMatcher(newchild, self._word_of, self._words, self._power)

    def score(self) -> float:
        base = self.child.score()
        matched = {self._word_of.get(t) for t in self.child.matching_terms(self.child.id())}
        matched.discard(None)
        return base * (len(matched) / self._words) ** self._power


class _Coordinated(wq.Or):
    """An Or over free words whose score is scaled by the share of words matched."""

    def __init__(self, subqueries: list[wq.Query], word_of: dict[tuple[str, bytes], int], words: int):
        super().__init__(subqueries)
        self.word_of = word_of
        self.words = words

    def normalize(self) -> wq.Query:
        return self

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        inner = wq.Or(self.subqueries).matcher(searcher, context)
        if self.words < 2 or COORD == 0 or not inner.is_active():
            return inner
        return _CoordMatcher(inner, self.word_of, self.words, COORD)


def _field_query(fieldname: str, text: str, boost: float, compiled: Compiled, prefix: bool = False) -> wq.Query | None:
    kind = KIND[fieldname]
    if prefix:
        folded = [t.text for t in analyze(text, "name")]
        if not folded:
            return None
        compiled.terms[fieldname].add(folded[-1])
        return wq.Prefix(fieldname, folded[-1], boost=boost)
    found = list(analyze(text, kind))
    if not found:
        return None
    for term in found:
        compiled.terms[fieldname].add(term.text)
    if len(found) == 1:
        return wq.Term(fieldname, found[0].text, boost=boost)
    gaps = max(b.pos - a.pos for a, b in zip(found, found[1:]))
    return wq.Phrase(fieldname, [t.text for t in found], slop=max(1, gaps), boost=boost)


def _free(text: str, compiled: Compiled, prefix: bool = False, phrase: bool = False) -> wq.Query | None:
    clauses = [
        q for name in FREE_FIELDS if (q := _field_query(name, text, BOOSTS[name], compiled, prefix)) is not None
    ]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else wq.Or(clauses)


def _compile(node: syntax.Node, compiled: Compiled, negated: bool = False) -> wq.Query | None:
    target = Compiled(wq.NullQuery) if negated else compiled
    if isinstance(node, (syntax.Word, syntax.Phrase)):
        prefix = isinstance(node, syntax.Word) and node.prefix
        if node.field is None:
            return _free(node.text, target, prefix)
        result = _field_query(node.field, node.text, 1.0, target, prefix)
        if result is None:
            raise QueryError(f"{node.field}:{node.text} has no searchable word (a stop word or punctuation only?)")
        return result
    if isinstance(node, syntax.Range):
        return wq.NumericRange(node.field, node.low, node.high)
    if isinstance(node, syntax.Not):
        inner = _compile(node.node, compiled, negated=not negated)
        return wq.Not(inner) if inner is not None else None
    if isinstance(node, syntax.Any):
        parts = [q for n in node.nodes if (q := _compile(n, compiled, negated)) is not None]
        return wq.Or(parts) if parts else None
    return _group(node.nodes, compiled, negated, words_optional=isinstance(node, syntax.Group))


def _group(nodes: Iterable[syntax.Node], compiled: Compiled, negated: bool, words_optional: bool) -> wq.Query | None:
    """Juxtaposed clauses (free words optional) or AND-ed ones (everything required)."""
    required: list[wq.Query | None] = []
    excluded: list[wq.Query] = []
    words: list[syntax.Word] = []
    for child in nodes:
        if words_optional and isinstance(child, syntax.Word) and child.field is None:
            words.append(child)
        elif isinstance(child, syntax.Not):
            if (q := _compile(child.node, compiled, negated=not negated)) is not None:
                excluded.append(q)
        else:
            required.append(_compile(child, compiled, negated))
    optional: list[wq.Query] = []
    if any(_is_stop(w) for w in words) and not all(_is_stop(w) for w in words):
        # "the godfather": a stop word matches half the titles and would count as a matched word.
        words = [w for w in words if not _is_stop(w)]
    if words:
        target = Compiled(wq.NullQuery) if negated else compiled
        clauses = [q for w in words if (q := _free(w.text, target, w.prefix)) is not None]
        if clauses:
            word_of = {}
            for index, clause in enumerate(clauses):
                for term in clause.iter_all_terms():
                    word_of.setdefault((term[0], _bytes(term[1])), index)
            optional.append(_Coordinated(clauses, word_of, len(clauses)) if len(clauses) > 1 else clauses[0])
    return _combine(required, optional, excluded)


def _is_stop(word: syntax.Word) -> bool:
    return not word.prefix and all(t in STOP_WORDS for t in fold(word.text).split())


def _bytes(text: Any) -> bytes:
    return text if isinstance(text, bytes) else str(text).encode("utf-8")


def _combine(required: list[wq.Query | None], optional: list[wq.Query], excluded: list[wq.Query]) -> wq.Query | None:
    must = [q for q in required if q is not None]
    if len(must) < len(required):
        must.append(wq.NullQuery)
    if must:
        base: wq.Query = must[0] if len(must) == 1 else wq.And(must)
        if optional:
            base = wq.AndMaybe(base, optional[0] if len(optional) == 1 else wq.Or(optional))
    elif optional:
        base = optional[0] if len(optional) == 1 else wq.Or(optional)
    else:
        return None
    if excluded:
        base = wq.AndNot(base, excluded[0] if len(excluded) == 1 else wq.Or(excluded))
    return base


def compile_query(text: str) -> Compiled:
    """Parse and compile a query string.

    Raises:
        QueryError: the query is malformed or has nothing to search for.
    """
    tree = syntax.parse_query(text)
    compiled = Compiled(wq.NullQuery)
    result = _compile(tree, compiled)
    if result is None:
        raise QueryError("nothing to search for: the query has only stop words or punctuation", text)
    compiled.query = result
    return compiled


def _snippet_texts(article: Article) -> list[tuple[str, str, str]]:
    texts = [("plot", article.plot, "prose"), ("lead", article.lead, "prose"), ("other", article.other, "prose"),
             ("title", article.title, "title")]
    names = {
        "cast": article.actors, "characters": article.characters, "country": article.country,
        "language": article.language, **{name: article.values(name) for name in _CREW_FIELDS},
    }
    texts.extend((name, ", ".join(values), "name") for name, values in names.items())
    return [(f, t, k) for f, t, k in texts if t]


def _snippet_terms(terms: dict[str, set[str]]) -> dict[str, set[str]]:
    """Terms searched in catch-all fields also mark the fields they gather."""
    merged = {name: set(values) for name, values in terms.items()}
    for name in NAME_FIELDS:
        if name in ("person", "crew"):
            continue
        extra = terms.get("person", set()) | (terms.get("crew", set()) if name in _CREW_FIELDS else set())
        if extra:
            merged.setdefault(name, set()).update(extra)
    return merged


def run_search(searcher: Any, text: str, limit: int = 10) -> Results:
    """Search with an open Whoosh searcher and copy everything out into `Results`."""
    if limit < 1:
        raise QueryError(f"limit must be at least 1, not {limit}", text)
    compiled = compile_query(text)
    found = searcher.search(compiled.query, limit=limit, collapse=sorting.FieldFacet("film"), collapse_limit=1)
    snippet_terms = _snippet_terms(compiled.terms)
    hits = [_hit(searcher, hit, snippet_terms) for hit in found]
    total = max(found.estimated_length(), len(hits))
    return Results(query=text, total=total, hits=tuple(hits))


def _hit(searcher: Any, hit: Any, terms: dict[str, set[str]]) -> Hit:
    stored = hit.fields()
    siblings = [searcher.stored_fields(n) for n in searcher.document_numbers(film=stored["film"])]
    best = max(siblings or [stored], key=lambda d: (d.get("richness", 0), d["path"] == stored["path"]))
    try:
        snippet, fields = highlight(_snippet_texts(read_article(best["path"])), terms)
    except ArticleError:
        snippet, fields = None, ()
    return Hit(
        title=best.get("title") or best["page_title"],
        page_title=best["page_title"],
        year=best.get("year"),
        path=best["path"],
        score=float(hit.score or 0.0),
        fields=fields,
        snippet=snippet,
        also=tuple(sorted(d["path"] for d in siblings if d["path"] != best["path"])),
    )
