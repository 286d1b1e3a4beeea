"""Syntax tree -> Whoosh query -> `Results`.

Free words are optional and matched in the catch-all field (`schema.CATCH_ALL`):
a film that has more of them ranks higher, through a coordination factor on the
score (`ranking.COORD`; Whoosh's own `Or(scale=...)` counts matched fields, not words).
Matches in short fields (title, names, characters) add a bonus (`ranking.BONUS`)
that is only looked up for films the catch-all found. Very common words (in more
than `ranking.COMMON` of all articles) only add to the score of films found by the rarer
words of the query: a plot description full of "man", "up" and "finds" would
otherwise make Whoosh score most of the corpus.

Hits are collapsed per film (`indexer.film_key`): duplicate articles of one film
become one `Hit`, shown through the richest article, the others in `Hit.also`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from whoosh import query as wq
from whoosh import sorting
from whoosh.matching import WrappingMatcher
from whoosh.query.compound import DefaultOr

from . import ranking, syntax
from .analysis import analyze, fold
from .article import Article, read_article
from .errors import ArticleError, QueryError
from .hits import Hit, Results
from .schema import CATCH_ALL, KIND, NAME_FIELDS, PROSE_FIELDS
from .snippets import highlight

__all__ = ["compile_query", "run_search"]

_CREW_FIELDS = ("director", "writer", "producer", "music", "cinematography", "editing")


class _CoordMatcher(WrappingMatcher):
    """Multiplies the score by (words matched / words) ** ranking.COORD; never raises it, so block-max pruning stays valid."""

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
        return base * (max(len(matched), 1) / self._words) ** self._power


class _Coordinated(wq.Or):
    """An Or over free words whose score is scaled by the share of words matched."""

    def __init__(self, subqueries: list[wq.Query]):
        super().__init__(subqueries)
        self.word_of: dict[tuple[str, bytes], int] = {}
        for index, clause in enumerate(subqueries):
            for fieldname, text in clause.iter_all_terms():
                self.word_of.setdefault((fieldname, _bytes(text)), index)

    def normalize(self) -> wq.Query:
        return self

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        # DefaultOr: the binary union tree can say which terms match; the array matcher Whoosh
        # picks for small indexes cannot.
        inner = DefaultOr(self.subqueries).matcher(searcher, context)
        if ranking.COORD == 0 or not inner.is_active():
            return inner
        return _CoordMatcher(inner, self.word_of, len(self.subqueries), ranking.COORD)


def _bytes(text: Any) -> bytes:
    return text if isinstance(text, bytes) else str(text).encode("utf-8")


def _sequence(fieldname: str, found: list[str], boost: float = 1.0) -> wq.Query | None:
    if not found:
        return None
    if len(found) == 1:
        return wq.Term(fieldname, found[0], boost=boost)
    return wq.Phrase(fieldname, found, boost=boost)


def _either(clauses: Iterable[wq.Query | None], boost: float = 1.0) -> wq.Query | None:
    present = [c for c in clauses if c is not None]
    if not present:
        return None
    return present[0] if len(present) == 1 else wq.Or(present, boost=boost)


class _Compiler:
    """Builds the Whoosh query and notes the positive terms per field, for snippets."""

    def __init__(self, searcher: Any = None):
        self.searcher = searcher
        self.terms: dict[str, set[str]] = defaultdict(set)

    def note(self, fieldname: str, found: Iterable[str], negated: bool) -> None:
        if not negated:
            self.terms[fieldname].update(found)

    def common(self, clause: wq.Query) -> bool:
        if self.searcher is None or not isinstance(clause, wq.Term):
            return False
        docs = self.searcher.doc_count_all()
        return docs >= ranking.COMMON_MIN_DOCS and self.searcher.doc_frequency(clause.fieldname, clause.text) > ranking.COMMON * docs

    # -- words and phrases -------------------------------------------------------

    def field_word(self, fieldname: str, text: str, negated: bool, prefix: bool = False) -> wq.Query:
        if prefix:
            start = fold(text).strip()
            self.note(fieldname, [start], negated)
            return wq.Prefix(fieldname, start)
        found = [t.text for t in analyze(text, KIND[fieldname])]
        if not found:
            raise QueryError(f"{fieldname}:{text} has no searchable word (only stop words or punctuation)", text)
        self.note(fieldname, found, negated)
        if fieldname in PROSE_FIELDS and len(found) > 1:
            # Prose fields keep no positions: the phrase is checked in the catch-all.
            return wq.And([wq.Phrase(CATCH_ALL, found), *(wq.Term(fieldname, t) for t in found)])
        return _sequence(fieldname, found)  # type: ignore[return-value]

    def free(self, text: str, negated: bool, prefix: bool = False) -> tuple[wq.Query | None, wq.Query | None]:
        """A free word or phrase: (its clause in the catch-all, its bonus in the short fields)."""
        if prefix:
            start = fold(text).strip()
            for name in (*PROSE_FIELDS, *ranking.BONUS):
                self.note(name, [start], negated)
            main = wq.Prefix(CATCH_ALL, start, boost=ranking.TEXT_BOOST)
            return main, _either(wq.Prefix(name, start, boost=b) for name, b in ranking.BONUS.items())
        prose = [t.text for t in analyze(text, "prose")]
        for name in PROSE_FIELDS:
            self.note(name, prose, negated)
        bonuses = []
        for name, boost in ranking.BONUS.items():
            found = [t.text for t in analyze(text, KIND[name])]
            self.note(name, found, negated)
            bonuses.append(_sequence(name, found, boost))
        return _sequence(CATCH_ALL, prose, ranking.TEXT_BOOST), _either(bonuses)

    def free_required(self, text: str, negated: bool, prefix: bool = False) -> wq.Query | None:
        main, bonus = self.free(text, negated, prefix)
        if main is None:
            return bonus
        return wq.AndMaybe(main, bonus) if bonus is not None else main

    # -- structure ---------------------------------------------------------------

    def compile(self, node: syntax.Node, negated: bool = False) -> wq.Query | None:
        if isinstance(node, syntax.Word):
            if node.field is None:
                return self.free_required(node.text, negated, node.prefix)
            return self.field_word(node.field, node.text, negated, prefix=node.prefix)
        if isinstance(node, syntax.Phrase):
            if node.field is None:
                return self.free_required(node.text, negated)
            return self.field_word(node.field, node.text, negated)
        if isinstance(node, syntax.Range):
            return wq.NumericRange(node.field, node.low, node.high)
        if isinstance(node, syntax.Not):
            inner = self.compile(node.node, not negated)
            return wq.Not(inner) if inner is not None else None
        if isinstance(node, syntax.Any):
            return _either(self.compile(n, negated) for n in node.nodes)
        return self.group(node.nodes, negated, words_optional=isinstance(node, syntax.Group))

    def group(self, nodes: Iterable[syntax.Node], negated: bool, words_optional: bool) -> wq.Query | None:
        """Juxtaposed clauses (free words optional) or AND-ed ones (everything required)."""
        required: list[wq.Query | None] = []
        excluded: list[wq.Query] = []
        words: list[syntax.Word] = []
        for child in nodes:
            if words_optional and isinstance(child, syntax.Word) and child.field is None:
                words.append(child)
            elif isinstance(child, syntax.Not):
                if (q := self.compile(child.node, not negated)) is not None:
                    excluded.append(q)
            else:
                required.append(self.compile(child, negated))
        optional = self.words(words, negated) if words else None
        return _combine(required, optional, excluded)

    def words(self, words: list[syntax.Word], negated: bool) -> wq.Query | None:
        mains: list[wq.Query] = []
        bonuses: list[wq.Query] = []
        for word in words:
            main, bonus = self.free(word.text, negated, word.prefix)
            if main is not None:
                mains.append(main)
            if bonus is not None:
                bonuses.append(bonus)
        if not mains:
            # Only stop words ("It", "The Who"): the short fields are all there is.
            return _either(bonuses)
        rare = [m for m in mains if not self.common(m)] or mains
        common = [m for m in mains if m not in rare]
        main = _Coordinated(rare) if len(rare) > 1 else rare[0]
        extra = _either([*common, *bonuses])
        return wq.AndMaybe(main, extra) if extra is not None else main


def _combine(required: list[wq.Query | None], optional: wq.Query | None, excluded: list[wq.Query]) -> wq.Query | None:
    must = [q for q in required if q is not None]
    if len(must) < len(required):
        must.append(wq.NullQuery)
    if must:
        base: wq.Query = must[0] if len(must) == 1 else wq.And(must)
        if optional is not None:
            base = wq.AndMaybe(base, optional)
    elif optional is not None:
        base = optional
    else:
        return None
    if excluded:
        base = wq.AndNot(base, _either(excluded))
    return base


def compile_query(text: str, searcher: Any = None) -> tuple[wq.Query, dict[str, set[str]]]:
    """Parse and compile a query string; with a searcher, common words are told apart.

    Returns:
        The Whoosh query and the positive index terms per field (for snippets).

    Raises:
        QueryError: the query is malformed or has nothing to search for.
    """
    tree = syntax.parse_query(text)
    compiler = _Compiler(searcher)
    result = compiler.compile(tree)
    if result is None:
        raise QueryError("nothing to search for: the query has only stop words or punctuation", text)
    return result, compiler.terms


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
    compiled, terms = compile_query(text, searcher)
    found = searcher.search(compiled, limit=limit, collapse=sorting.FieldFacet("film"), collapse_limit=1)
    snippet_terms = _snippet_terms(terms)
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
