"""Typo tolerance for free words: correct words the index does not know, spot words that are names.

Words. A query word is *known* when its index term (folded and stemmed, as the catch-all
field ``text`` holds it) is in the index; a known word is never corrected: exact beats
fuzzy. An unknown word gets the closest vocabulary words within its typo budget, at least
Meilisearch's: none up to 4 letters, 1 from 5 letters, 2 from 9 (`typo_budget`). A typo is a
letter inserted, dropped, replaced, or two neighbours swapped (optimal string alignment);
as in Meilisearch, a wrong first letter costs two (so a word of 5 to 8 letters keeps its first
letter). Transpositions count one, as in Meilisearch.

Two vocabularies are searched: the words of every title as written (whole words, so
``Godfahter`` finds ``godfather``) and the catch-all's own terms, stems such as ``detent``,
for plot words. A stem found is spelt out as a word again (``detent`` -> ``detention``,
`_spell`), and the typos are counted against that word, so ``detentoin`` is one typo from
``detention`` although the stemmer cannot strip its misspelt suffix. Words are cut by length
and first letter, so an unknown word is compared only with the few thousand words it could be
a typo of, and only unknown words are compared at all. Candidates rank by typos, then title
words before spelt-out stems before bare stems, then by how many articles hold them; a
missing space (``sweetsfrom``) is put back when no single word is close.

Names. `find_names` picks the runs of free words that are better read as a person's name
(see its docstring for the measured rule); `NameRegistry.lookup` then gives the people.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from dataclasses import dataclass
from typing import Any

from .analysis import STOP_WORDS, fold, stem
from .indexer import stored_title
from .names import Match, NameRegistry, name_key

__all__ = ["Suggestion", "Vocabulary", "NameSpan", "find_names", "typo_budget", "prepare"]

#: The field whose terms are the word vocabulary (every free word is matched there).
FIELD = "text"

#: Besides the best correction, keep others with as many typos and at least 1/RARE of its frequency.
RARE = 20

#: A word in at most this many articles may still be a typo the articles make too ("marraige")...
KNOWN = 2
#: ... and is also searched as a close word in at least this many times more articles.
COMMONER = 100

#: Longest word considered for correction (longer tokens are ids, URLs, noise).
_LONGEST = 30

_WORD = re.compile(r"[^\W\d_]+")


def typo_budget(length: int) -> int:
    """Typos allowed in a word of `length` letters: Meilisearch's defaults (1 from 5, 2 from 9)."""
    return 0 if length < 5 else 1 if length < 9 else 2


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    """A vocabulary word an unknown query word may have meant.

    `word` is what to show and to search as if typed (two words when a missing space was
    put back: "sweetsfrom" -> "sweets from"); `terms` are its index terms in the catch-all
    field (stems; several make a phrase). `typos` counts edits between what was typed and
    `word` (a put-back space counts one); `frequency` is how many articles hold the rarest term.
    """

    word: str
    terms: tuple[str, ...]
    typos: int
    similarity: float
    frequency: int

    def to_dict(self) -> dict[str, Any]:
        return {"word": self.word, "terms": list(self.terms), "typos": self.typos,
                "similarity": round(self.similarity, 4), "frequency": self.frequency}


class _Buckets:
    """Words cut by length and first letter, each cut sorted; read from the cache on first use.

    A cut is one cache section, so correcting one word decodes only the few cuts it is
    compared with (same first letter, a length within its typo budget).
    """

    def __init__(self, cuts: dict[str, Callable[[], list[str]]]):
        self._cuts = cuts
        self._loaded: dict[str, list[str]] = {}

    @staticmethod
    def label(word: str) -> str:
        return f"{len(word)}{word[0]}"

    def words(self, length: int, first: str) -> list[str]:
        label = f"{length}{first}"
        found = self._loaded.get(label)
        if found is None:
            load = self._cuts.get(label)
            found = self._loaded[label] = load() if load else []
        return found

    def has(self, word: str) -> bool:
        words = self.words(len(word), word[0])
        at = bisect_left(words, word)
        return at < len(words) and words[at] == word

    @classmethod
    def build(cls, words: Iterable[str]) -> tuple[list[str], list[list[str]]]:
        """The labels and the sorted words of each cut (words of 3 to `_LONGEST` letters)."""
        cuts: dict[str, list[str]] = {}
        for word in sorted(set(words)):
            if 3 <= len(word) <= _LONGEST:
                cuts.setdefault(cls.label(word), []).append(word)
        return list(cuts), list(cuts.values())

    @classmethod
    def of(cls, labels: list[str], sections: list[list[str]]) -> _Buckets:
        return cls({label: (lambda words=words: words) for label, words in zip(labels, sections)})


class Vocabulary:
    """The words an index knows, for typo correction. Open with `Vocabulary.open(searcher)`.

    Bound to the searcher it was opened with (it asks it how frequent a word is): open a
    new one for a new searcher; the word lists themselves are shared and cached.
    """

    CACHE_VERSION = "vocabulary-2"

    def __init__(self, titles: _Buckets, terms: _Buckets, frequency: Callable[[str], int],
                 phrase: Callable[[list[str]], Iterable[int]] = lambda terms: ()):
        """Use `open` or `from_words`."""
        self._titles = titles
        self._terms = terms
        self._frequency = frequency
        self._phrase = phrase

    @classmethod
    def from_words(cls, words: Iterable[str], titles: Iterable[str] = ()) -> Vocabulary:
        """A vocabulary over plain text (analysed as prose), for tests; `titles` also give surface words."""
        title_words = [w for t in titles for w in _WORD.findall(fold(t))]
        counts = Counter(t for w in [*words, *title_words] for t in _terms(w))
        return cls(_Buckets.of(*_Buckets.build(title_words)), _Buckets.of(*_Buckets.build(counts)),
                   lambda term: counts.get(term, 0))

    @classmethod
    def open(cls, searcher: Any) -> Vocabulary:
        """The vocabulary of the index a Whoosh searcher reads: from the cache, else built and cached."""
        from . import _termcache

        folder = _termcache.cache_folder(searcher)
        gen = _termcache.generation(searcher)
        memo = (str(folder), gen)
        frequency, phrase = _frequency(searcher), _phrase(searcher)
        if folder is not None and gen is not None and _MEMO.get("vocabulary", (None,))[0] == memo:
            titles, terms = _MEMO["vocabulary"][1]
            return cls(titles, terms, frequency, phrase)
        loaded = _load(_termcache.read(folder, "vocabulary", gen, cls.CACHE_VERSION))
        if loaded is None:
            title_labels, title_sections, term_labels, term_sections = _build(searcher)
            _termcache.write(folder, "vocabulary", gen, cls.CACHE_VERSION,
                             [title_labels, term_labels, *title_sections, *term_sections], docs=searcher.doc_count())
            loaded = _Buckets.of(title_labels, title_sections), _Buckets.of(term_labels, term_sections)
        titles, terms = loaded
        if folder is not None and gen is not None:
            _MEMO["vocabulary"] = (memo, loaded)
        return cls(titles, terms, frequency, phrase)

    def frequency(self, term: str) -> int:
        """Articles whose catch-all field holds `term` (an index term, not a raw word)."""
        return self._frequency(term)

    def common_phrase(self, text: str, *, more_than: int) -> bool:
        """Whether more than `more_than` articles hold `text` as a phrase in their prose (False without positions).

        The rarest word bounds the count, so a phrase of rare words is never looked up.
        """
        terms = _terms(text)
        if len(terms) < 2 or min(self._frequency(t) for t in terms) <= more_than:
            return False
        return sum(1 for _ in islice(self._phrase(terms), more_than + 1)) > more_than

    def known(self, word: str) -> bool:
        """Whether every index term of `word` is in the index (stop words count as known)."""
        return all(self._frequency(t) > 0 for t in _terms(word))

    def correct(self, word: str, *, limit: int = 3) -> tuple[Suggestion, ...]:
        """What an unknown or very rare word may have meant, best first; empty for a known, short or
        non-alphabetic word."""
        folded = fold(word).strip()
        if not folded.isalpha() or folded in STOP_WORDS or len(folded) > _LONGEST:
            return ()
        budget = typo_budget(len(folded))
        term = stem(folded)
        own = self._frequency(term)
        if budget == 0 or own > KNOWN:
            return ()
        # target term -> (typos, source, word shown); source 0: a title word, 1: a stem spelt out, 2: a bare stem.
        found: dict[str, tuple[int, int, str]] = {}

        def note(target: str, typos: int, source: int, shown: str) -> None:
            if typos <= budget and (target not in found or (typos, source) < found[target][:2]):
                found[target] = (typos, source, shown)

        for choice, typos in _near(folded, self._titles, budget):
            note(stem(choice), typos, 0, choice)
        # Candidate stems: a beginning of the typed word (a typo in a suffix keeps the stemmer from
        # stripping it: "detentoin" stays whole but starts with "detent", "evacuatoin" with "evacu"),
        # then stems near the typed word's stem. Each is spelt out as a word ("detention"); typos are
        # counted against that word, so a beginning that spells out as something else is dropped.
        stems = dict.fromkeys(folded[:length] for length in range(len(folded) - 1, 3, -1)
                              if self._terms.has(folded[:length]))
        stems.update(dict.fromkeys(choice for choice, _ in _near(term, self._terms, budget)))
        for candidate in list(stems)[:_SPELT]:
            spelt = _spell(candidate, folded)
            if spelt is not None:
                note(candidate, _typos(folded, spelt), 1, spelt)
            else:
                note(candidate, _typos(term, candidate), 2, candidate)
        ranked = []
        # Asking the index how frequent a word is costs more than the scan: ask only for the best few.
        # A word seen in a title beats a stem spelt out ("amelei": "amelie", not "amele"), which
        # beats a bare stem, at equal typos.
        for target, (typos, source, shown) in sorted(found.items(), key=lambda item: item[1][:2])[:limit * 4]:
            frequency = self._frequency(target)
            if frequency > 0:
                ranked.append(((typos, source, -frequency), Suggestion(
                    word=shown, terms=(target,), typos=typos, similarity=1 - typos / max(len(folded), len(shown)),
                    frequency=frequency)))
        floor = own * COMMONER  # a typo the articles make too ("marraige"): only a word far more of them use
        ranked = [item for item in ranked if item[1].frequency >= floor]
        if not ranked or min(typos for (typos, _, _), _ in ranked) > 1:
            # A missing space ("sweetsfrom") counts one typo: only when no single word is as close; against
            # words two typos away, only two words some article has side by side ("spiderman", not "saner
            # soon"), or a word after a stop word ("thematrix").
            ranked.extend(((1, 3, -s.frequency), s) for s in self._splits(folded) if s.frequency >= floor
                          and (not ranked or len(s.terms) < 2 or self.common_phrase(s.word, more_than=0)))
        ranked.sort(key=lambda item: item[0])
        if not ranked:
            return ()
        # A rare near-word would weigh a lot in BM25 (high IDF): keep only words about as good as the best.
        best = ranked[0][1]
        kept = [s for _, s in ranked if s.typos == best.typos and s.frequency * RARE >= best.frequency]
        return tuple(kept[:limit])

    def _splits(self, folded: str) -> list[Suggestion]:
        """The word cut in two known words, for a missing space ("feastof" -> "feast of")."""
        found = []
        for cut in range(2, len(folded) - 1):
            left, right = folded[:cut], folded[cut:]
            if not ((left in STOP_WORDS or len(left) >= 3) and (right in STOP_WORDS or len(right) >= 3)):
                continue
            terms = [*_terms(left), *_terms(right)]
            frequencies = []
            for term in terms:  # the left half first: most cuts fail there
                frequencies.append(self._frequency(term))
                if not frequencies[-1]:
                    break
            if terms and all(frequencies):
                found.append(Suggestion(word=f"{left} {right}", terms=tuple(terms), typos=1,
                                        similarity=1 - 1 / len(folded), frequency=min(frequencies)))
        return found


#: Candidate stems spelt out as words per correction (each costs a few stemmer calls).
_SPELT = 30

#: What the stemmer strips (Porter2, English), to spell a stem out as a word again.
_ENDINGS = ("", "e", "s", "es", "ed", "ing", "er", "ers", "ion", "ions", "ation", "ations", "ment", "ments",
            "ness", "ity", "ive", "ous", "ful", "al", "ally", "ly", "ism", "ist", "ists", "ize", "ise", "ate",
            "ated", "ating", "ence", "ance", "able", "ible", "ent", "ant", "ization", "izations", "isation",
            "alization")


def _typos(typed: str, word: str) -> int:
    """Typos between two words: optimal string alignment, a wrong first letter counting two."""
    from rapidfuzz.distance import OSA

    return OSA.distance(typed, word) + (typed[:1] != word[:1])


def _spell(candidate: str, typed: str) -> str | None:
    """The word closest to `typed` whose stem is `candidate` ("detent", "detentoin" -> "detention")."""
    from rapidfuzz.distance import OSA

    bases = [candidate]
    if candidate.endswith("i"):  # happi <- happy, happier, happiness
        bases.append(candidate[:-1] + "y")
    words = [b + e for b in bases for e in _ENDINGS]
    words = [w for w in words if stem(w) == candidate]
    return min(words, key=lambda w: (OSA.distance(typed, w), len(w)), default=None)


def _near(query: str, buckets: _Buckets, budget: int) -> list[tuple[str, int]]:
    """Words within `budget` typos of `query`; as in Meilisearch, a wrong first letter costs two typos.

    So only words with the same first letter are scanned; a wrong first letter is checked by
    exact look-ups, when the budget allows it.
    """
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    first = query[0]
    found: list[tuple[str, int]] = []
    for length in range(len(query) - budget, len(query) + budget + 1):
        words = buckets.words(length, first)
        if not words:
            continue
        for choice, typos, _ in process.extract(query, words, scorer=OSA.distance, processor=None,
                                                score_cutoff=budget, limit=20):
            found.append((choice, int(typos)))
    if budget >= 2:
        rest = query[1:]
        guesses = {rest, query[1] + query[0] + query[2:]} | {c + rest for c in _LETTERS} | {c + query for c in _LETTERS}
        guesses.discard(query)
        for guess in guesses:
            if guess[0] != first and buckets.has(guess):
                found.append((guess, 2))
    elif budget == 1 and len(query) > 1 and query[1] != first:
        swapped = query[1] + query[0] + query[2:]
        if buckets.has(swapped):
            found.append((swapped, 1))
    return found


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _terms(word: str) -> list[str]:
    from .analysis import terms

    return terms(word, "prose")


def _load(cached: Any) -> tuple[_Buckets, _Buckets] | None:
    """The title and term buckets of a cache file (`_termcache.Sections`), or None."""
    if cached is None or len(cached) < 2:
        return None
    title_labels, term_labels = cached.lines(0), cached.lines(1)
    if len(cached) != 2 + len(title_labels) + len(term_labels):
        return None

    def cut(number: int) -> Callable[[], list[str]]:
        return lambda: cached.lines(number)

    return (_Buckets({label: cut(2 + i) for i, label in enumerate(title_labels)}),
            _Buckets({label: cut(2 + len(title_labels) + i) for i, label in enumerate(term_labels)}))


def _same_words(typed: str, name: str) -> bool:
    """Whether a typed run is the name itself, up to case, accents, stemming and a possessive 's."""
    def words(text: str) -> list[str]:
        return [t for t in _terms(text) if t != "s"]

    return words(typed) == words(name)


def _frequency(searcher: Any) -> Callable[[str], int]:
    return lambda term: searcher.doc_frequency(FIELD, term)


def _phrase(searcher: Any) -> Callable[[list[str]], Iterable[int]]:
    from whoosh.query import Phrase

    return lambda terms: Phrase(FIELD, terms).docs(searcher)


def _build(searcher: Any) -> tuple[list[str], list[list[str]], list[str], list[list[str]]]:
    """Title words (from the stored titles) and catch-all terms (from the lexicon), cut for `_Buckets`."""
    reader = searcher.reader()
    title_words: set[str] = set()
    for docnum in reader.all_doc_ids():
        title_words.update(_WORD.findall(fold(stored_title(reader.stored_fields(docnum)))))
    terms = (t.decode("utf-8") for t in reader.lexicon(FIELD))
    return (*_Buckets.build(title_words), *_Buckets.build(t for t in terms if t.isalpha()))


#: The last vocabulary opened in this process: ((folder, generation), (titles, terms)).
_MEMO: dict[str, tuple[tuple[str, int | None], Any]] = {}


@dataclass(frozen=True, slots=True, kw_only=True)
class NameSpan:
    """Free words `start:end` of a query that read as a person's name, and the people they may be."""

    start: int
    end: int
    text: str
    matches: tuple[Match, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "matches": [m.to_dict() for m in self.matches]}


#: A run of two to four words is a name when a person matches it this well.
NAME_MULTI = 0.88

#: A single unknown word is a name when a person matches it this well (and no word is closer).
NAME_SINGLE = 0.9

#: A run only close to a name is read as words when the index's prose holds it as a phrase
#: more than this many times per article crediting the person (a name is mentioned about once
#: per film, in the lead): "forest fire" is in 69 plots, Forest Fyre is credited once. 0: off.
PHRASE_PER_FILM = 3


def find_names(words: Sequence[str], registry: NameRegistry, vocabulary: Vocabulary, *,
               limit: int = 5) -> list[NameSpan]:
    """The runs of consecutive free words that read as names, longest first, not overlapping.

    The rule, measured in ``tests/fuzzy/`` on misspelt corpus names (should be found) and on
    the relevance set's plot, topic and title queries (should not):

    * two to four words (no stop word among them) are a name when one of them is a word of
      some credited name, exactly, and a person matches the run with similarity at least
      `NAME_MULTI` ("tom hanks", "alexandre gontcharof", "vitorio storaro"); only the names
      sharing that word are compared, so a plot description costs well under a millisecond.
      Two words of which the index does not know one (likely misspelt: "bruse wilis", "tom
      hanx", whose "tom" is too common a name word to narrow the search) are compared with
      every name instead, a few milliseconds per such pair.
      Unless the run is the name itself (exactly, or inflected: "stephen king's"), it must not
      be a common phrase of the prose (`PHRASE_PER_FILM`): "forest fire" is not Forest Fyre.
      That phrase count reads positions (up to about 0.1 s when every word is common), and
      only runs of common words that nearly match a name need it;
    * a single word of five letters or more is a name when the vocabulary does not know it,
      a person matches it with at least `NAME_SINGLE`, and no word correction is closer,
      unless that correction is a word of the person's name ("spielbreg": Spielberg the word
      and the person agree). A known single word is left to the ordinary word match.
    """
    folded = [fold(w) for w in words]
    usable = [f not in STOP_WORDS and bool(name_key(w)) for w, f in zip(words, folded)]
    spans: list[NameSpan] = []
    taken = [False] * len(words)
    for size in (4, 3, 2):
        for start in range(0, len(words) - size + 1):
            run = range(start, start + size)
            if not all(usable[i] and not taken[i] for i in run):
                continue
            scan = size == 2 and any(not vocabulary.known(words[i]) for i in run)
            if not scan and not any(registry.has_word(words[i]) for i in run):
                continue
            text = " ".join(words[start:start + size])
            if not (best := registry.lookup(text, limit=1, cutoff=NAME_MULTI, scan=scan)):
                continue
            if PHRASE_PER_FILM and not _same_words(text, best[0].name) and vocabulary.common_phrase(
                text, more_than=PHRASE_PER_FILM * best[0].films
            ):
                continue
            matches = registry.lookup(text, limit=limit, cutoff=NAME_MULTI)
            spans.append(NameSpan(start=start, end=start + size, text=text, matches=tuple(matches)))
            for i in run:
                taken[i] = True
    for position, word in enumerate(words):
        if taken[position] or not usable[position] or len(folded[position]) < 5 or vocabulary.known(word):
            continue
        matches = registry.lookup(word, limit=limit, cutoff=NAME_SINGLE)
        if not matches:
            continue
        corrections = vocabulary.correct(word, limit=1)
        if corrections and corrections[0].similarity > matches[0].similarity:
            if corrections[0].word not in matches[0].key.split():
                continue
        spans.append(NameSpan(start=position, end=position + 1, text=word, matches=tuple(matches)))
    spans.sort(key=lambda s: s.start)
    return spans


def prepare(searcher: Any) -> None:
    """Build and cache the name registry and the vocabulary of an index now (after indexing),
    so that the first query does not pay for it."""
    NameRegistry.open(searcher)
    Vocabulary.open(searcher)
