"""Syntax tree -> Whoosh query -> `Results`, in two phases.

1. *Find*: Whoosh collects the best `CANDIDATES` articles for the query, with free
   words matched in the catch-all field (`schema.CATCH_ALL`): one posting list per
   word, so cheap. Very common words (in more than `ranking.COMMON` of all articles)
   do not find films, they only score them (a plot description full of "man", "up"
   and "finds" would otherwise make Whoosh score most of the corpus), and with
   `STRICT_WORDS` rare words or more a candidate needs two of them (counted over the
   words' posting lists once, then handed to Whoosh as a filter, so the many films that
   share one word with a long plot description are never scored). Films titled
   exactly as the query join the candidates whatever their score (`_titled_candidates`).
2. *Score*: for those candidates only, each free word is scored again with its
   occurrences weighted by the part of the article they are in
   (`ranking.SECTION_WEIGHT`), its matches in short fields (title, names, characters:
   `ranking.BONUS`) are added, and the total is scaled by the share of free words the
   film matched in any field, to the power `ranking.COORD` (coordination: films with
   more of the words first); an exact title multiplies it by 1 + `ranking.TITLE_EXACT`.

A prose field in a query (`plot:word`) is a range of catch-all positions (`InSection`).

Hits are collapsed per film (`indexer.film_key`): duplicate articles of one film
become one `Hit`, shown through the richest article, the others in `Hit.also`.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from whoosh import query as wq
from whoosh.matching import AndNotMatcher
from whoosh.scoring import bm25
from whoosh.query.spans import SpanWrappingMatcher, WrappingSpan

from . import ranking, syntax
from .analysis import STOP_WORDS, analyze, fold, terms
from .article import Article, read_article
from .errors import ArticleError, QueryError
from .hits import Correction, Hit, Results
from .indexer import StoredArticles, film_key, stored_title
from .schema import CATCH_ALL, KIND, NAME_FIELDS, PROSE_FIELDS, SECTIONS, section_of, section_span
from .snippets import highlight
from .synonyms import formal_words

if TYPE_CHECKING:
    from .fuzzy import NameSpan

__all__ = ["compile_query", "run_search", "Compiled", "FreeWord", "InSection"]

#: From this many (rarer) free words on, candidates must have two of them.
STRICT_WORDS = 3
#: Articles the find phase hands to the score phase (at least 5 per hit asked for).
CANDIDATES = 100

#: A number typed last reads as a release year within these (`_Compiler.year`): not 2049 of "blade runner 2049".
FIRST_YEAR, LAST_YEAR = 1880, date.today().year + 1
#: Up to this many estimated matches, `Results.total` is counted exactly.
EXACT_TOTAL = 1000
#: Words a prefix (`detect*`) stands for at most: the most frequent ones that start with it.
PREFIX_WORDS = 8
#: Articles the prose words of a query's prefixes may hold, summed over the words: the find phase
#: scores them all, about 2 s per 100,000 on the machine measured. "wa*" holds 75,000 on the
#: corpus; "th* an* co* re*" 300,000 (8 s), refused.
PREFIX_POSTINGS = 150_000

_CREW_FIELDS = ("director", "writer", "producer", "music", "cinematography", "editing")

#: Name fields whose values are people, and the registry jobs each stands for (empty: any).
_PERSON_JOBS: dict[str, tuple[str, ...]] = {
    "person": (), "crew": _CREW_FIELDS, "cast": ("cast",), **{name: (name,) for name in _CREW_FIELDS},
}
#: Articles whose title contains the query that are checked for an exact title (`_titled_candidates`).
_TITLED_MAX = 1000
#: Close names tried per name clause or name-like run of free words.
_FUZZY_NAMES = 5


@dataclass(frozen=True, slots=True)
class FreeWord:
    """A free word's clauses: in the catch-all (`found`: already scored by the find phase) and short fields."""

    text: wq.Query | None
    found: bool
    bonus: tuple[wq.Query, ...]


class InSection(WrappingSpan):
    """Matches a catch-all word or phrase only where it stands within positions [start, end): one prose section."""

    def __init__(self, q: wq.Query, start: int, end: int):
        self.q, self.start, self.end = q, start, end

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InSection) and (self.q, self.start, self.end) == (other.q, other.start, other.end)

    def __hash__(self) -> int:
        return hash((self.q, self.start, self.end))

    def apply(self, fn: Any) -> InSection:
        return InSection(fn(self.q), self.start, self.end)

    def estimate_size(self, ixreader: Any) -> int:
        return self.q.estimate_size(ixreader)  # at most as many as in the whole catch-all

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        return _InSectionMatcher(self._subm(searcher, context), self.start, self.end)


class _InSectionMatcher(SpanWrappingMatcher):
    def __init__(self, child: Any, start: int, end: int):
        self.start, self.end = start, end
        super().__init__(child)

    def copy(self) -> _InSectionMatcher:
        return _InSectionMatcher(self.child.copy(), self.start, self.end)

    def _replacement(self, newchild: Any) -> _InSectionMatcher:
        return _InSectionMatcher(newchild, self.start, self.end)

    def _get_spans(self) -> list[Any]:
        return [span for span in self.child.spans() if self.start <= span.start and span.end < self.end]


@dataclass(frozen=True, slots=True)
class Fuzzy:
    """What typo tolerance needs: the index's name registry and word vocabulary."""

    registry: Any
    vocabulary: Any

    @classmethod
    def open(cls, searcher: Any) -> Fuzzy:
        from .fuzzy import Vocabulary
        from .names import NameRegistry

        return cls(NameRegistry.open(searcher), Vocabulary.open(searcher))


@dataclass(frozen=True, slots=True)
class Compiled:
    """A compiled query: what finds the films, what scores them, and the terms to mark in snippets."""

    find: wq.Query
    words: tuple[FreeWord, ...] = ()
    extra: tuple[wq.Query, ...] = ()
    terms: dict[str, set[str]] = field(default_factory=dict)
    titles: frozenset[tuple[str, ...]] = frozenset()
    corrections: tuple[Correction, ...] = ()
    rare: tuple[wq.Query, ...] = ()  # set when the query is only free words, STRICT_WORDS rare ones or more
    people: tuple[wq.Query, ...] = ()
    year: int | None = None  # a release year typed after a title (`ranking.YEAR_MATCH`) ...
    year_titles: frozenset[tuple[str, ...]] = frozenset()  # ... and `titles` without it


def _person(key: str, fieldname: str, boost: float) -> wq.Query:
    """Films crediting the registry person `key` in a name field, scored like a match of their surname there."""
    return wq.And([wq.ConstantScoreQuery(wq.Term("names", key), 0.0), wq.Term(fieldname, key.split()[-1], boost=boost)])


def _sequence(fieldname: str, found: list[str], boost: float = 1.0) -> wq.Query | None:
    if not found:
        return None
    if len(found) == 1:
        return wq.Term(fieldname, found[0], boost=boost)
    return wq.Phrase(fieldname, found, boost=boost)


def _either(clauses: Iterable[wq.Query | None]) -> wq.Query | None:
    present = list(dict.fromkeys(c for c in clauses if c is not None))  # "a OR a": once
    if not present:
        return None
    return present[0] if len(present) == 1 else wq.Or(present)


class _Compiler:
    """Builds the find query, the scoring clauses, and the positive terms per field."""

    def __init__(self, searcher: Any = None, fuzzy: Fuzzy | None = None, top: Any = None):
        self.searcher = searcher
        self.top = top
        self.rare: list[wq.Query] = []
        self.people: list[wq.Query] = []
        self.fuzzy = fuzzy
        self.corrections: list[Correction] = []
        self.terms: dict[str, set[str]] = defaultdict(set)
        self.words: list[FreeWord] = []
        self.extra: list[wq.Query] = []
        self.title: list[list[str]] = []  # each free word's title terms, as typed
        self.fixed: dict[int, list[str]] = {}  # ... and as corrected, by position in `title`
        self.prefixes: dict[str, int] = {}  # prefix -> articles its prose words hold (summed)

    def note(self, fieldname: str, found: Iterable[str], negated: bool) -> None:
        if not negated:
            self.terms[fieldname].update(found)

    def common(self, clause: wq.Query) -> bool:
        if isinstance(clause, wq.Or):  # a word and its corrections or formal words
            return any(self.common(part) for part in clause.subqueries)
        if self.searcher is None or not isinstance(clause, wq.Term):
            return False
        docs = self.searcher.doc_count_all()
        share = self.searcher.doc_frequency(clause.fieldname, clause.text) / max(docs, 1)
        return docs >= ranking.COMMON_MIN_DOCS and share > ranking.COMMON

    def titles(self, without: str | None = None) -> frozenset[tuple[str, ...]]:
        """The free words' title terms as typed, and with the corrections made (for `ranking.TITLE_EXACT`);
        `without` one free word (the year of `year`)."""
        left = next((i for i in reversed(range(len(self.title))) if self.title[i] == [without]), None)
        kept = [(i, part) for i, part in enumerate(self.title) if i != left]
        typed = tuple(t for _, part in kept for t in part)
        fixed = tuple(t for i, part in kept for t in self.fixed.get(i, part))
        return frozenset(x for x in (typed, fixed) if x)

    def year(self) -> int | None:
        """A number typed last (exclusions aside) after a few other words, read as the release year
        ("alien 1979", "alien (1979)")."""
        nodes = [node for node in self.top or () if not isinstance(node, syntax.Not)]
        last = nodes[-1] if len(nodes) > 1 else None
        if isinstance(last, syntax.Group) and len(last.nodes) == 1:
            last = last.nodes[0]
        if not isinstance(last, syntax.Word) or last.field or last.prefix or not last.text.isdecimal():
            return None
        words = sum(1 for node in nodes[:-1] if isinstance(node, (syntax.Word, syntax.Phrase)) and not node.field
                    for _ in analyze(node.text, "prose"))
        year = int(last.text)
        return year if FIRST_YEAR <= year <= LAST_YEAR and 0 < words <= ranking.YEAR_WORDS else None

    # -- words and phrases -------------------------------------------------------

    def field_word(self, fieldname: str, text: str, negated: bool, prefix: bool = False) -> wq.Query:
        if prefix:
            start = fold(text).strip()
            self.note(fieldname, [start], negated)
            if fieldname in PROSE_FIELDS:
                return InSection(self.prefix(CATCH_ALL, start), *section_span(fieldname))
            return self.prefix(fieldname, start)
        found = [t.text for t in analyze(text, KIND[fieldname])]
        if not found:
            raise QueryError(f"{fieldname}:{text} has no searchable word (only stop words or punctuation)", text)
        self.note(fieldname, found, negated)
        if fieldname in PROSE_FIELDS:
            return InSection(_sequence(CATCH_ALL, found), *section_span(fieldname))
        exact = _sequence(fieldname, found)
        if self.fuzzy is None or fieldname not in _PERSON_JOBS:
            return exact  # type: ignore[return-value]
        return _either([exact, *self.close_names(text, fieldname, negated)])  # type: ignore[return-value]

    def prefix(self, fieldname: str, start: str, boost: float = 1.0) -> wq.Query:
        """The `PREFIX_WORDS` most frequent words starting with `start`: a short prefix ("wa*") starts
        thousands, and Whoosh would score their union for minutes."""
        if self.searcher is None:
            return wq.Prefix(fieldname, start, boost=boost)
        reader = self.searcher.reader()
        words = [w.decode("utf-8") if isinstance(w, bytes) else w for w in reader.expand_prefix(fieldname, start)]
        if len(words) > PREFIX_WORDS:
            words = heapq.nlargest(PREFIX_WORDS, words, key=lambda w: reader.doc_frequency(fieldname, w))
        if fieldname == CATCH_ALL:
            self.prefixes[start] = sum(reader.doc_frequency(fieldname, w) for w in words)
            if sum(self.prefixes.values()) > PREFIX_POSTINGS:
                broad = sorted(self.prefixes, key=self.prefixes.__getitem__, reverse=True)
                named = ", ".join(f"{p}*" for p in broad[:4]) + (", …" if len(broad) > 4 else "")
                raise QueryError(f"the wildcards {named} stand for too many common words to rank in time: give them more letters")
        return _either(wq.Term(fieldname, w, boost=boost) for w in words) or wq.NullQuery

    def close_names(self, text: str, fieldname: str, negated: bool, share: float = 1.0) -> list[wq.Query]:
        """Clauses for the credited people whose names are close to `text` (other spellings, typos)."""
        from .names import name_key

        assert self.fuzzy is not None
        typed = name_key(text)
        exact = [t.text for t in analyze(text, KIND[fieldname])]
        if len(exact) == 1 and self.searcher is not None and self.searcher.doc_frequency(fieldname, exact[0]):
            # One word the field holds as typed ("director:Steven"): like a known free word, it is
            # not corrected, or George Stevens's films would rank first.
            return []
        jobs = _PERSON_JOBS.get(fieldname, ())
        matches = self.fuzzy.registry.lookup(text, limit=_FUZZY_NAMES, jobs=jobs)
        # A name clearly less similar than the closest was not meant (the registry's first is the
        # meant person for 99% of tests/fuzzy; its order also weighs how often a person is credited).
        closest = max(matches, key=lambda m: m.similarity, default=None)
        # ... unless the closest is one word and it is their surname: "hitchcok" is as close to Alfred
        # Hitchcock's surname as to a dog credited as Hitchcock (a whole name, so it scores higher).
        matches = [m for m in matches if closest and (m.similarity >= closest.similarity - ranking.NAME_MARGIN
                                                      or m.key.split()[-1] == closest.key)]
        # BM25 would rank a rarely credited surname above a common one: the similarity decides.
        idf = {m.key: self.searcher.idf(fieldname, m.key.split()[-1]) if self.searcher else 1.0 for m in matches}
        clauses = [
            _person(m.key, fieldname, m.similarity * ranking.FUZZY * share * idf[closest.key] / max(idf[m.key], 1e-6))
            for m in matches
        ]
        for match in matches:
            self.note(fieldname, match.key.split(), negated)
        others = tuple(dict.fromkeys(m.name for m in matches if m.key != typed))
        if others and not negated:
            self.corrections.append(Correction(original=text, used=others, field=fieldname, kind="name"))
        return clauses

    def free(
        self, text: str, negated: bool, prefix: bool = False, weight: float = 1.0, typed: bool = True,
        alone: bool = True,
    ) -> tuple[wq.Query | None, tuple[wq.Query, ...]]:
        """A free word or phrase: its clause in the catch-all and its bonus clauses in the short fields.

        `typed` is False for a word searched in place of the typed one (a correction, a formal word).
        `alone` is False for a word among other free words that did not read as a name with them
        (`forgive`): its matches in name fields are then scaled by how name-like it is (`name_like`).
        A word typed alone may well be a surname ("Hampshire", "Fallon"), so it keeps its full bonus.
        """
        if prefix:
            start = fold(text).strip()
            for name in (*PROSE_FIELDS, *ranking.BONUS):
                self.note(name, [start], negated)
            main = self.prefix(CATCH_ALL, start, boost=ranking.TEXT_BOOST)  # first: it may be too broad
            return main, tuple(self.prefix(name, start, boost=b) for name, b in ranking.BONUS.items() if b)
        prose = [t.text for t in analyze(text, "prose")]
        for name in PROSE_FIELDS:
            self.note(name, prose, negated)
        if not negated and typed:
            self.title.append([t.text for t in analyze(text, "title")])
        bonuses = []
        for name, boost in ranking.BONUS.items():
            found = [t.text for t in analyze(text, KIND[name])]
            self.note(name, found, negated)
            if KIND[name] == "name" and not alone:
                boost *= self.name_like(name, found, prose) ** ranking.NAME_LIKE
            if boost and (clause := _sequence(name, found, boost * weight)) is not None:
                bonuses.append(clause)
        return _sequence(CATCH_ALL, prose, ranking.TEXT_BOOST * weight), tuple(bonuses)

    def name_like(self, fieldname: str, found: list[str], prose: list[str]) -> float:
        """How much a word reads as a name: its articles with it in `fieldname` over those with it anywhere.

        "Teller" is a credited name, but most articles holding the word say "fortune teller"
        or "bank teller". The prose count is of the stem, so a surname whose stem is also a
        first name reads as less of a name than it is ("hanks": "hank"); `ranking.NAME_LIKE`
        is kept low for that. 1 when it cannot be told.
        """
        if self.searcher is None or not found or len(found) != len(prose):
            return 1.0
        shares = []
        for name_term, prose_term in zip(found, prose):
            anywhere = self.searcher.doc_frequency(CATCH_ALL, prose_term)
            if not anywhere:
                return 1.0
            shares.append(min(1.0, self.searcher.doc_frequency(fieldname, name_term) / anywhere))
        return max(shares)

    def required_free(self, text: str, negated: bool, prefix: bool = False) -> wq.Query | None:
        """A free phrase (or a word that AND or OR makes a clause of its own): it must match."""
        main, bonus = self.free(text, negated, prefix)
        if main is None:
            return _either(bonus)
        if not negated:
            self.extra.extend(bonus)
        return main

    # -- structure ---------------------------------------------------------------

    def compile(self, node: syntax.Node, negated: bool = False) -> wq.Query | None:
        if isinstance(node, syntax.Word):
            if node.field is None:
                return self.required_free(node.text, negated, node.prefix)
            return self.field_word(node.field, node.text, negated, prefix=node.prefix)
        if isinstance(node, syntax.Phrase):
            if node.field is None:
                return self.required_free(node.text, negated)
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
        for child in dict.fromkeys(nodes):  # a clause typed twice counts once
            if words_optional and isinstance(child, syntax.Word) and child.field is None:
                words.append(child)
            elif isinstance(child, syntax.Not):
                if (q := self.compile(child.node, not negated)) is not None:
                    excluded.append(q)
            else:
                required.append(self.compile(child, negated))
        plain = nodes is self.top and not required and not excluded
        optional = self.optional_words(words, negated, plain=plain) if words else None
        return _combine(required, optional, excluded)

    def optional_words(self, words: list[syntax.Word], negated: bool, plain: bool = False) -> wq.Query | None:
        """Free words; `plain`: they are the whole query (then `rare` and `people` are kept for `_count_find`).

        A word typed twice counts once: "the the the ..." would otherwise make hundreds of clauses.
        """
        words = list(dict.fromkeys(words))
        first = len(self.title)
        spans = self.name_spans(words) if not negated else []
        named = {index for span in spans for index in range(span.start, span.end)}
        # Without typo tolerance there is no name registry to tell names (`name_spans`): no word is damped.
        alone = len(words) == 1 or self.fuzzy is None
        clauses = [
            self.free(word.text, negated, word.prefix, alone=alone or index in named)
            for index, word in enumerate(words)
        ]
        people: list[wq.Query] = []
        if self.fuzzy is not None and not negated:
            people = self.forgive(words, clauses, first, spans, alone)
            self.formal(words, clauses, alone)
        mains = [main for main, _ in clauses if main is not None]
        if not mains:
            # Only stop words ("It", "The Who"): the short fields are all there is.
            return _either([*(b for _, bonus in clauses for b in bonus), *people])
        # Beside other words a stop word only matches titles and names that happen to hold it
        # ("of", "the"): weak evidence, so it adds its small score but does not count towards
        # coordination (and it still counts in an exact title, `titles`).
        if not negated:
            self.extra.extend(b for main, bonus in clauses if main is None for b in bonus)
        clauses = [clause for clause in clauses if clause[0] is not None]
        rare = [m for m in mains if not self.common(m)] or mains
        if not negated:
            self.words.extend(FreeWord(text=main, found=main in rare, bonus=bonus) for main, bonus in clauses)
        if plain and not negated and len(rare) >= STRICT_WORDS:
            self.rare, self.people = rare, people
        return _either([*rare, *people])

    def name_spans(self, words: list[syntax.Word]) -> list[NameSpan]:
        """The runs of free words that read as names (`fuzzy.find_names`); none without typo tolerance."""
        if self.fuzzy is None:
            return []
        from .fuzzy import find_names

        return find_names([w.text for w in words], self.fuzzy.registry, self.fuzzy.vocabulary, limit=_FUZZY_NAMES)

    def forgive(
        self, words: list[syntax.Word], clauses: list[tuple[wq.Query | None, tuple[wq.Query, ...]]], first: int,
        spans: list[NameSpan], alone: bool,
    ) -> list[wq.Query]:
        """Add close names and corrected words to the free words' clauses (in place); the names find films too.

        A run of words that reads as a name gets the credited people close to it, each
        word of the run sharing their score; another word the index does not know gets
        its corrections, weighted by similarity, beside the word as typed (`alone` as in `free`).
        """
        assert self.fuzzy is not None
        people: list[wq.Query] = []
        named = set()
        for span in spans:
            found = self.close_names(span.text, "person", negated=False)
            people.extend(found)
            for index in range(span.start, span.end):
                named.add(index)
                main, bonus = clauses[index]
                clauses[index] = (main, (*bonus, *found))
        for index, word in enumerate(words):
            if index in named or word.prefix:
                continue
            suggestions = self.fuzzy.vocabulary.correct(word.text)
            if not suggestions:
                continue
            main, bonus = clauses[index]
            mains, bonuses = [main], list(bonus)
            for suggestion in suggestions:
                other, extra = self.free(
                    suggestion.word, False, weight=suggestion.similarity * ranking.FUZZY, typed=False, alone=alone
                )
                mains.append(other)
                bonuses.extend(extra)
            clauses[index] = (_either(mains), tuple(bonuses))
            if not word.prefix and first + index < len(self.title):
                self.fixed[first + index] = [t.text for t in analyze(suggestions[0].word, "title")]
            used = tuple(dict.fromkeys(s.word for s in suggestions))
            self.corrections.append(Correction(original=word.text, used=used, field=None, kind="word"))
        return people

    def formal(
        self, words: list[syntax.Word], clauses: list[tuple[wq.Query | None, tuple[wq.Query, ...]]], alone: bool
    ) -> None:
        """Search everyday words ("mom", "ww2") also as the words plots use (`synonyms`), in place."""
        if not ranking.SYNONYM:
            return
        for index, word in enumerate(words):
            main, bonus = clauses[index]
            if word.prefix or main is None or not (formal := formal_words(word.text)):
                continue
            extra = [self.free(text, False, weight=ranking.SYNONYM, typed=False, alone=alone) for text in formal]
            mains = [main, *(other for other, _ in extra)]
            clauses[index] = (_either(mains), (*bonus, *(b for _, more in extra for b in more)))
            self.corrections.append(Correction(original=word.text, used=formal, field=None, kind="everyday"))


class _AndNotMatcher(AndNotMatcher):
    """Whoosh's `AndNotMatcher` checks its first article against the exclusions only when both
    lists start on the same article, so an excluded first article leaked into the results
    (whoosh issue 419; the top-N collector's quality skipping hid it, collecting everything did not)."""

    def _find_first(self) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class _AndNot(wq.AndNot):
    def matcher(self, searcher: Any, context: Any = None) -> Any:
        return _AndNotMatcher(self.a.matcher(searcher, context), self.b.matcher(searcher, searcher.boolean_context()))


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
        base = _AndNot(base, _either(excluded))
    return base


def compile_query(text: str, searcher: Any = None, fuzzy: Fuzzy | None = None) -> Compiled:
    """Parse and compile a query string; with a searcher, common words are told apart.

    `fuzzy` adds close names and corrected words (see `_Compiler.forgive`).

    Raises:
        QueryError: the query is malformed or has nothing to search for.
    """
    tree = syntax.parse_query(text)
    top = tree.nodes if isinstance(tree, syntax.Group) else None
    compiler = _Compiler(searcher, fuzzy, top)
    found = compiler.compile(tree)
    if found is None:
        raise QueryError("nothing to search for: the query has only stop words or punctuation", text)
    return Compiled(
        find=found, words=tuple(compiler.words), extra=tuple(compiler.extra), terms=compiler.terms,
        titles=compiler.titles(), corrections=tuple(compiler.corrections),
        rare=tuple(compiler.rare), people=tuple(compiler.people), year=(year := compiler.year()),
        year_titles=compiler.titles(without=str(year)) if year else frozenset(),
    )


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



def run_search(searcher: Any, text: str, limit: int = 10, fuzzy: bool = True) -> Results:
    """Search with an open Whoosh searcher and copy everything out into `Results`.

    `fuzzy=False` searches exactly what was typed (still case- and accent-folded and stemmed).
    """
    if limit < 1:
        raise QueryError(f"limit must be at least 1, not {limit}", text)
    syntax.parse_query(text)  # a bad query fails before the registry is opened
    forgiving = Fuzzy.open(searcher) if fuzzy else None
    compiled = compile_query(text, searcher, fuzzy=forgiving)
    wanted = max(CANDIDATES, 5 * limit) if compiled.words or compiled.extra else 2 * limit
    counted = _count_find(searcher, compiled, wanted) if compiled.rare else None
    if counted is not None:
        first, total = counted
    else:
        found = searcher.search(compiled.find, limit=wanted)
        first = {docnum: score for score, docnum in found.top_n}
        # Fewer than asked for means every match was collected: count them, don't estimate.
        total = len(first) if len(first) < wanted else _total(searcher, compiled.find, found.estimated_length())
    first.update(_titled_candidates(searcher, compiled, first))
    scores = _score(searcher, compiled, first)
    titled = _exact_titles(searcher, compiled.titles, sorted(scores))
    # A year typed last is the release year, unless a film is titled with it ("summer 2007").
    year = compiled.year if not titled else None
    if year:
        titled = _exact_titles(searcher, compiled.year_titles, sorted(scores))
    film_of = searcher.reader().column_reader("film") if scores else {}
    year_of = searcher.reader().column_reader("year") if scores and year else {}
    films: dict[str, tuple[float, int]] = {}
    for docnum, score in scores.items():
        if docnum in titled:
            # The query is the film's title, word for word: what someone typing a title wants first.
            score *= 1 + ranking.TITLE_EXACT
        if year and year_of[docnum] == year:
            score *= 1 + ranking.YEAR_MATCH
        film = film_of[docnum]
        if film not in films or score > films[film][0]:
            films[film] = (score, docnum)
    best = sorted(films.values(), key=lambda item: (-item[0], item[1]))[:limit]
    snippet_terms = _snippet_terms(compiled.terms)
    articles = StoredArticles(searcher.reader()) if best else None
    hits = [_hit(searcher, articles, docnum, score, snippet_terms) for score, docnum in best]
    # Whoosh's estimate counts excluded articles too ("war -war"): keep it between the hits and the index.
    total = min(max(total, len(hits)), searcher.doc_count()) if hits else 0
    return Results(query=text, total=total, hits=tuple(hits), corrections=compiled.corrections)


def _total(searcher: Any, find: wq.Query, estimate: int) -> int:
    """Whoosh's estimate adds clauses up ("war -comedy": both words' articles); count when that is cheap."""
    return estimate if estimate > EXACT_TOTAL else sum(1 for _ in searcher.docs_for_query(find))


def _titled_candidates(searcher: Any, compiled: Compiled, found: dict[int, float]) -> dict[int, float]:
    """Films titled exactly as the query (or as the query without its year) that the find phase
    left out, with their find score.

    A title of common words ("Some Like It Hot") is not among the best articles for its
    words, so `ranking.TITLE_EXACT` would never see it.
    """
    docnums: set[int] = set()
    titles = compiled.titles | compiled.year_titles
    for title in titles:
        clause = _sequence("title", list(title))
        if clause is not None:
            docnums.update(d for d in islice(searcher.docs_for_query(clause), _TITLED_MAX) if d not in found)
    if not docnums:
        return {}
    exact = sorted(_exact_titles(searcher, titles, sorted(docnums)))
    return _leaf_scores(searcher, compiled.find, exact) if exact else {}


def _exact_titles(searcher: Any, titles: frozenset[tuple[str, ...]], docnums: list[int]) -> set[int]:
    """The candidates whose title is one of `titles`, word for word (only those with the words in
    sequence and about as many words, by Whoosh's one-byte field length, have their title read)."""
    reader = searcher.reader()
    exact = set()
    for title in titles:
        clause = _sequence("title", list(title))
        for docnum in _leaf_scores(searcher, clause, docnums) if clause is not None else ():
            if abs(reader.doc_field_length(docnum, "title", 0) - len(title)) > 1 + len(title) // 10:
                continue
            if tuple(terms(stored_title(searcher.stored_fields(docnum)), "title")) in titles:
                exact.add(docnum)
    return exact


def _count_find(searcher: Any, compiled: Compiled, wanted: int) -> tuple[dict[int, float], int] | None:
    """The find phase for a long free-word query: count each rare word's articles once, keep the
    articles with the most of the words (two at least, more while `2 * wanted` remain), and score
    only those. Returns (scores, articles with any of the words), or None when too few remain.

    Whoosh would score every article that has one of the words: most of the corpus for a plot
    description, and even with a filter it walks every posting list whole.
    """
    counts: Counter[int] = Counter()
    for clause in compiled.rare:
        counts.update(searcher.docs_for_query(clause))
    if not counts:
        return None
    histogram = Counter(counts.values())
    least, kept = max(histogram), 0
    while least > 2 and kept + histogram[least] < 2 * wanted:
        kept += histogram[least]
        least -= 1
    allowed = {docnum for docnum, count in counts.items() if count >= least}
    for clause in compiled.people:
        allowed.update(searcher.docs_for_query(clause))
    if len(allowed) < wanted:
        return None
    docnums = sorted(allowed)
    scores: dict[int, float] = dict.fromkeys(docnums, 0.0)
    for clause in (*compiled.rare, *compiled.people):
        for docnum, score in _leaf_scores(searcher, clause, docnums).items():
            scores[docnum] += score
    best = sorted(scores.items(), key=lambda item: -item[1])[:wanted]
    return dict(best), len(counts)


def _leaf_scores(searcher: Any, clause: wq.Query, docnums: list[int]) -> dict[int, float]:
    """The clause's score for each of the (sorted) candidates that it matches.

    Skips through the clause's postings: Whoosh would walk them whole even with a
    filter, and a common word has tens of thousands of postings for a hundred candidates.
    """
    matcher = clause.matcher(searcher)
    return {docnum: matcher.score() for docnum in _matched(matcher, docnums)}


def _matched(matcher: Any, docnums: list[int]) -> Iterator[int]:
    """Each of the (sorted) `docnums` that `matcher` matches, with the matcher standing on it."""
    for docnum in docnums:
        if not matcher.is_active():
            return
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
            if not matcher.is_active():
                return
        if matcher.id() == docnum:
            yield docnum


Scores = dict[int, float]


def _section_scores(searcher: Any, clause: wq.Query, docnums: list[int]) -> tuple[Scores, Scores] | None:
    """A free word's BM25 score in the catch-all for each candidate it matches, with each
    occurrence weighted by its section (`ranking.SECTION_WEIGHT`: a word in the plot says more
    than one in the reception), and without (Whoosh's own score), from one pass over its postings.

    Handles a word and its corrections (`Term`, `Or` of terms); None for anything else.
    """
    if isinstance(clause, wq.Or):
        parts = [_section_scores(searcher, sub, docnums) for sub in clause.subqueries]
        if any(part is None for part in parts):
            return None
        weighted: Scores = defaultdict(float)
        plain: Scores = defaultdict(float)
        for part in parts:
            for summed, scores in zip((weighted, plain), part):  # type: ignore[arg-type]
                for docnum, score in scores.items():
                    summed[docnum] += score * clause.boost
        return dict(weighted), dict(plain)
    if not isinstance(clause, wq.Term) or clause.fieldname != CATCH_ALL:
        return None
    reader = searcher.reader()
    if (CATCH_ALL, clause.text) not in reader:
        return {}, {}
    idf = searcher.idf(CATCH_ALL, clause.text)
    average = searcher.avg_field_length(CATCH_ALL) or 1
    b = ranking.FIELD_B.get(CATCH_ALL, ranking.DEFAULT_B)
    weights = [ranking.SECTION_WEIGHT.get(name, 1.0) for name in SECTIONS]
    matcher = reader.postings(CATCH_ALL, clause.text)
    weighted, plain = {}, {}
    for docnum in _matched(matcher, docnums):
        positions = matcher.value_as("positions")
        tf = sum(weights[section_of(pos)] for pos in positions)
        length = reader.doc_field_length(docnum, CATCH_ALL, 1)
        weighted[docnum] = clause.boost * bm25(idf, tf, length, average, b, ranking.K1)
        plain[docnum] = clause.boost * bm25(idf, len(positions), length, average, b, ranking.K1)
    return weighted, plain


def _score(searcher: Any, compiled: Compiled, found: dict[int, float]) -> dict[int, float]:
    """Add the short-field and common-word scores, then scale by the share of free words matched."""
    if not found or not (compiled.words or compiled.extra):
        return found
    docnums = sorted(found)
    totals = dict(found)
    for clause in compiled.extra:
        for docnum, score in _leaf_scores(searcher, clause, docnums).items():
            totals[docnum] += score
    if not compiled.words:
        return totals
    matched = dict.fromkeys(docnums, 0)
    for word in compiled.words:
        hits: set[int] = set()
        if word.text is not None:
            scored = _section_scores(searcher, word.text, docnums)
            weighted, plain = scored if scored is not None else (_leaf_scores(searcher, word.text, docnums),) * 2
            hits.update(plain)
            for docnum, score in weighted.items():
                totals[docnum] += score
            if word.found:  # the find phase scored it already, unweighted
                for docnum, score in plain.items():
                    totals[docnum] -= score
        for clause in word.bonus:
            for docnum, score in _leaf_scores(searcher, clause, docnums).items():
                totals[docnum] += score
                hits.add(docnum)
        for docnum in hits:
            matched[docnum] += 1
    share = len(compiled.words)
    return {d: totals[d] * (max(matched[d], 1) / share) ** ranking.COORD for d in docnums}


def _hit(searcher: Any, articles: StoredArticles, docnum: int, score: float, terms: dict[str, set[str]]) -> Hit:
    stored = articles[docnum]
    siblings = [articles[n] for n in searcher.document_numbers(film=film_key(stored["page_title"]))]
    best = max(siblings or [stored], key=lambda d: (d.get("richness", 0), d["path"] == stored["path"]))
    try:
        snippet, fields = highlight(_snippet_texts(read_article(best["path"])), terms)
    except ArticleError:
        snippet, fields = None, ()
    return Hit(
        title=stored_title(best),
        page_title=best["page_title"],
        year=best.get("year"),
        path=best["path"],
        score=float(score),
        fields=fields,
        snippet=snippet,
        also=tuple(sorted(d["path"] for d in siblings if d["path"] != best["path"])),
    )
