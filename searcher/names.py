"""Person names: the key a person is known by, the registry of everyone credited, fuzzy lookup.

Keys. `name_key` folds case and accents, drops notes in brackets (``(uncredited)``,
``(voice)``, ``(李法曾)``), spells out initials written together (``BD Wong`` is
``B. D. Wong``) and turns hyphens and punctuation into spaces, so ``Olivier Masset-Depasse``,
``olivier masset depasse`` and ``OLIVIER MASSET–DEPASSE`` share one key. ``Jr`` and ``Sr``
stay: Lon Chaney and Lon Chaney Jr are two people. The index holds one term per credited
person in its ``names`` field, which is that key.

The registry (`NameRegistry`) is every key in the index with its usual spelling, the
number of articles crediting it and the jobs it was credited for. It is built from the
stored ``credits`` of the index (a few seconds for the full corpus, so build it after
indexing: `fuzzy.prepare`) and cached in the index generation folder per commit
(`searcher._termcache`); a cold query loads the part it needs in about 10 ms.

Lookup compares the query's key with rapidfuzz's `fuzz.ratio` (normalised Indel
similarity: one typo in a ten-letter name costs about 0.1), in C, and keeps each key's
best score over these views:

* every key, in one scan: typos, a missing or extra hyphen or space, a missing accent;
* every surname (each proper tail of a key: "masset depasse", "depasse"), in one scan,
  for a surname typed alone; such a match counts `SURNAME_WEIGHT` of a full one;
* the keys sharing a word with the query, last word first: first and last name swapped
  ("Hanks Tom"); counts `SWAP_WEIGHT`;
* for the best candidates, a rough phonetic spelling (`sound`): "Gontcharof", "Goncharov"
  and "Gontcharov" agree; counts `SOUND_WEIGHT`.

Ties (the surname "Spielberg" alone) go to the person credited most often (`POPULARITY`).
The weights and the cut-off were chosen on real misspellings of corpus names (see
``tests/fuzzy/``): at `CUTOFF` every right person of that set is still returned.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .analysis import fold

__all__ = [
    "name_key",
    "sound",
    "Match",
    "NameRegistry",
    "JOBS",
    "CUTOFF",
    "SURNAME_WEIGHT",
]

#: Jobs a person can be credited for: "cast", then the infobox crew keys.
JOBS = ("cast", "director", "writer", "producer", "music", "cinematography", "editing")

#: Lowest similarity `NameRegistry.lookup` returns by default.
CUTOFF = 0.75

#: A surname typed alone matches a full name at this fraction of its similarity.
SURNAME_WEIGHT = 0.95

#: A phonetic match counts this fraction of its similarity (a spelling match is surer).
SOUND_WEIGHT = 0.95

#: Swapped first and last name count this fraction.
SWAP_WEIGHT = 0.98

#: Between keys of about equal similarity, prefer the person credited more: the bonus
#: per factor of ten articles (a person in 100 articles gains 0.02 over one in 1).
POPULARITY = 0.01

_NOTE = re.compile(r"\s*[(\[][^)\]]*(?:[)\]]|$)")
_SQUEEZED_INITIALS = re.compile(r"\b([A-Z]{2,3})\b(?=.*\s\S)")
_NOT_WORD = re.compile(r"[\W_]+")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def name_key(name: str) -> str:
    """The registry key of a name (idempotent: `name_key(name_key(x)) == name_key(x)`).

    >>> name_key("Olivier Masset-Depasse"), name_key("BD Wong"), name_key("Seth Green (uncredited)")
    ('olivier masset depasse', 'b d wong', 'seth green')
    """
    stripped = _NOTE.sub(" ", name)
    if stripped.strip():
        name = stripped
    if not name.isupper():
        name = _SQUEEZED_INITIALS.sub(lambda m: " ".join(m.group(1)), name)
    return " ".join(_NOT_WORD.sub(" ", fold(name)).split())


_SOUND_RULES = [
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"tch|tsch", "ch"), (r"sch|sh", "sh"), (r"dzh|dj|zh", "j"), (r"ph", "f"), (r"ck|q", "k"),
        (r"kh", "h"), (r"th", "t"), (r"gh", "g"), (r"ou|oo", "u"), (r"ee|ie", "i"), (r"ae", "e"),
        (r"y", "i"), (r"w", "v"), (r"x", "ks"), (r"c(?=[eiy])", "s"), (r"c(?!h)", "k"), (r"z", "s"),
        (r"(\w)\1+", r"\1"), (r"v\b", "f"),
    )
]


def sound(key: str) -> str:
    """A rough phonetic spelling of a key, for names written as heard.

    >>> sound("gontcharov") == sound("gontcharof") == sound("goncharoff")
    True
    """
    for pattern, replacement in _SOUND_RULES:
        key = pattern.sub(replacement, key)
    return key


def _surnames(key: str) -> list[str]:
    """Proper tails of a key that could be typed as a surname ("masset depasse", "depasse")."""
    words = key.split()
    while len(words) > 2 and words[-1] in _SUFFIXES:
        words = words[:-1]
    tails = [" ".join(words[i:]) for i in range(1, len(words))]
    return [t for t in tails if len(t) >= 3]


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """A registry person found for a query name.

    `key` is the person's term in the index's ``names`` field; its words are the terms
    of the person's name in the name fields (cast, director, ...). `name` is how the
    person is usually credited, `films` how many articles credit them.
    """

    key: str
    name: str
    similarity: float
    films: int
    jobs: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "similarity": round(self.similarity, 4),
                "films": self.films, "jobs": list(self.jobs)}


#: Per key in the counts section: four hex digits of films, two of the jobs bit mask.
_WIDTH = 6

#: The registry's sections, in cache-file order; each is read (decoded, split) on first use.
_KEYS, _ROTATED, _TAILS, _COUNTS, _NAMES, _TAIL_OWNERS, _WORDS, _WORD_OWNERS = range(8)

#: How many of the best candidates are re-scored by sound (a few regexes each).
_SOUNDED = 20
#: How far below the cutoff a spelling may score and still be re-scored by sound:
#: "tom hanx" is 0.82 of "tom hanks" by its letters and 0.95 by its sound.
_SOUND_SLACK = 0.15

#: A word shared by more names than this ("john") is no use for finding swapped names.
_COMMON_WORD = 3000


class _Plain:
    """Sections held in memory, read like a cache file's (`_termcache.Sections`)."""

    def __init__(self, sections: Sequence[list[str]]):
        self._sections = sections

    def __len__(self) -> int:
        return len(self._sections)

    def lines(self, number: int) -> list[str]:
        return self._sections[number]

    def text(self, number: int) -> str:
        return "\n".join(self._sections[number])


class NameRegistry:
    """Everyone credited in an index, looked up by approximate name.

    Build one with `open` (from a Whoosh searcher, cached per index commit) or
    `from_credits` (from plain data, for tests and tools).
    """

    #: Bump when what the cache holds, or how it is derived, changes.
    CACHE_VERSION = "names-4"

    def __init__(self, source: Any):
        """Use `open` or `from_credits`; `source` gives the sections (`lines(n)`, `text(n)`)."""
        self._source = source
        self._keys: list[str] = source.lines(_KEYS)
        self._counts: str = source.text(_COUNTS)
        self._positions: dict[str, int] | None = None

    # -- building ----------------------------------------------------------------

    @classmethod
    def from_credits(cls, articles: Iterable[Iterable[tuple[str, str]]]) -> NameRegistry:
        """A registry from plain data: for each article, its (name, job) credits."""
        builder = _Builder()
        for credits in articles:
            builder.add_article(credits)
        return cls(_Plain(builder.sections()))

    @classmethod
    def open(cls, searcher: Any) -> NameRegistry:
        """The registry of the index a Whoosh searcher reads: from the cache, else built and cached."""
        from . import _termcache

        folder = _termcache.cache_folder(searcher)
        gen = _termcache.generation(searcher)
        memo = (str(folder), gen)
        if folder is not None and gen is not None and _MEMO.get("names", (None,))[0] == memo:
            return _MEMO["names"][1]  # type: ignore[no-any-return]
        cached = _termcache.read(folder, "names", gen, cls.CACHE_VERSION)
        if cached is not None and len(cached) == _WORD_OWNERS + 1:
            registry = cls(cached)
        else:
            sections = _Builder.from_searcher(searcher).sections()
            _termcache.write(folder, "names", gen, cls.CACHE_VERSION, sections, docs=searcher.doc_count())
            registry = cls(_Plain(sections))
        if folder is not None and gen is not None:
            _MEMO["names"] = (memo, registry)
        return registry

    # -- reading -----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name_key(name) in self._index()

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def _index(self) -> dict[str, int]:
        if self._positions is None:
            self._positions = {key: i for i, key in enumerate(self._keys)}
        return self._positions

    def get(self, name: str) -> Match | None:
        """The person whose key is exactly `name_key(name)`, or None."""
        position = self._index().get(name_key(name))
        return None if position is None else self._match(position, 1.0)

    def has_word(self, word: str) -> bool:
        """Whether some registry name has this word (folded), e.g. "hanks" or "tom"."""
        return self._word_position(name_key(word)) is not None

    def _word_position(self, word: str) -> int | None:
        words = self._source.lines(_WORDS)
        at = bisect_left(words, word)
        return at if at < len(words) and words[at] == word else None

    def films(self, position: int) -> int:
        return int(self._counts[_WIDTH * position:_WIDTH * position + 4], 16)

    def _jobs(self, position: int) -> int:
        return int(self._counts[_WIDTH * position + 4:_WIDTH * position + 6], 16)

    def _match(self, position: int, similarity: float) -> Match:
        name = self._source.lines(_NAMES)[position]
        mask = self._jobs(position)
        return Match(key=self._keys[position], name=name or self._keys[position], similarity=similarity,
                     films=self.films(position), jobs=tuple(job for bit, job in enumerate(JOBS) if mask & (1 << bit)))

    def _owners(self, section: int, position: int) -> list[int]:
        return [int(n) for n in self._source.lines(section)[position].split(",")]

    # -- lookup ------------------------------------------------------------------

    def lookup(self, query: str, *, limit: int = 10, cutoff: float = CUTOFF, jobs: Iterable[str] = (),
               scan: bool = True) -> list[Match]:
        """People whose name is close to `query`, best first.

        Args:
            query: a name as typed: full, surname only, swapped, misspelt.
            limit: at most this many matches.
            cutoff: lowest similarity (0..1) returned.
            jobs: keep only people credited for one of these jobs (see `JOBS`); empty keeps all.
            scan: compare with every name (a few ms); False compares only with the names that
                share a word with the query, exactly (well under a millisecond; for free text).
        """
        key = name_key(query)
        if not key or not self._keys:
            return []
        wanted = 0
        for job in jobs:
            wanted |= 1 << JOBS.index(job)
        depth = limit * 4 + 20
        floor = cutoff - _SOUND_SLACK if SOUND_WEIGHT else cutoff
        scores = self._scores(key, floor, depth) if scan else self._sharing_scores(key, floor, depth)
        scores = {position: value for position, value in scores.items() if value >= cutoff}
        ranked = sorted(scores.items(), key=lambda item: -(item[1] + POPULARITY * math.log10(1 + self.films(item[0]))))
        found = []
        for position, similarity in ranked:
            if wanted and not self._jobs(position) & wanted:
                continue
            found.append(self._match(position, min(similarity, 1.0)))
            if len(found) == limit:
                break
        return found

    def _scores(self, key: str, cutoff: float, depth: int) -> dict[int, float]:
        """Best similarity per key position over the views (see the module docstring)."""
        from rapidfuzz import fuzz, process

        scores: dict[int, float] = {}

        def note(position: int, value: float) -> None:
            if value > scores.get(position, 0.0):
                scores[position] = value

        def scan(query: str, choices: Sequence[str], weight: float) -> list[tuple[int, float]]:
            floor = 100 * cutoff / weight
            if floor > 100:
                return []
            return [(position, score / 100 * weight) for _choice, score, position in process.extract(
                query, choices, scorer=fuzz.ratio, processor=None, limit=depth, score_cutoff=floor)]

        for position, value in scan(key, self._keys, 1.0):
            note(position, value)
        for tail, value in scan(key, self._source.lines(_TAILS), SURNAME_WEIGHT):
            for position in self._owners(_TAIL_OWNERS, tail):
                note(position, value)
        if " " in key:
            # Swapped names: only the names sharing a word with the query can be the same name swapped.
            for position, value in self._sharing(key, cutoff, depth, rotated=True):
                note(position, value)
        self._sound(key, scores)
        return scores

    def _sharing_scores(self, key: str, cutoff: float, depth: int) -> dict[int, float]:
        """Like `_scores`, over the names that share a word with the query only."""
        scores: dict[int, float] = {}
        for rotated in (False, True) if " " in key else (False,):
            for position, value in self._sharing(key, cutoff, depth, rotated=rotated):
                if value > scores.get(position, 0.0):
                    scores[position] = value
        self._sound(key, scores)
        return scores

    def _sharing(self, key: str, cutoff: float, depth: int, rotated: bool = False) -> list[tuple[int, float]]:
        """(position, similarity) of the names having one of the query's words (not a very common one)."""
        from rapidfuzz import fuzz, process

        candidates: set[int] = set()
        for word in set(key.split()):
            at = self._word_position(word)
            if at is not None:
                owners = self._source.lines(_WORD_OWNERS)[at]
                if owners.count(",") < _COMMON_WORD:
                    candidates.update(int(n) for n in owners.split(","))
        weight = SWAP_WEIGHT if rotated else 1.0
        if not candidates or cutoff > weight:
            return []
        ordered = sorted(candidates)
        names = self._source.lines(_ROTATED) if rotated else self._keys
        return [(ordered[index], score / 100 * weight) for _c, score, index in process.extract(
            key, [names[p] for p in ordered], scorer=fuzz.ratio, processor=None, limit=depth,
            score_cutoff=100 * cutoff / weight)]

    def _sound(self, key: str, scores: dict[int, float]) -> None:
        """Raise the best candidates' scores to their phonetic similarity, where that is higher."""
        from rapidfuzz import fuzz

        if not SOUND_WEIGHT or not scores:
            return
        heard = sound(key)
        for position in sorted(scores, key=scores.__getitem__, reverse=True)[:_SOUNDED]:
            value = fuzz.ratio(heard, sound(self._keys[position])) / 100 * SOUND_WEIGHT
            if value > scores[position]:
                scores[position] = value


#: The last registry opened in this process: ((folder, generation), registry).
_MEMO: dict[str, tuple[tuple[str, int | None], Any]] = {}


def _rotate(key: str) -> str:
    """The last word first: how a key reads with first and last name swapped."""
    words = key.split()
    return " ".join([words[-1], *words[:-1]])


def _usual(spelling: tuple[str, int]) -> tuple[bool, int]:
    """The display name: the most frequent spelling, one without a note in brackets first."""
    return ("(" not in spelling[0] and "[" not in spelling[0], spelling[1])


class _Builder:
    """Collects (name, job) credits article by article into the registry's sections."""

    def __init__(self) -> None:
        self.films: Counter[str] = Counter()
        self.jobs: dict[str, int] = {}
        self.spellings: dict[str, Counter[str]] = {}

    def add_article(self, credits: Iterable[tuple[str, str]]) -> None:
        seen: set[str] = set()
        for name, job in credits:
            key = name_key(name)
            if not key:
                continue
            if key not in seen:
                seen.add(key)
                self.films[key] += 1
                self.spellings.setdefault(key, Counter())[name.strip()] += 1
            if job in JOBS:
                self.jobs[key] = self.jobs.get(key, 0) | (1 << JOBS.index(job))

    @classmethod
    def from_searcher(cls, searcher: Any) -> _Builder:
        """Read the stored credits of every live article."""
        builder = cls()
        reader = searcher.reader()
        for docnum in reader.all_doc_ids():
            credits = reader.stored_fields(docnum).get("credits") or ()
            builder.add_article((name, job) for name, job, _role in credits)
        return builder

    def sections(self) -> list[list[str]]:
        """The registry's sections, in the order of `_KEYS` ... `_WORD_OWNERS`."""
        keys = sorted(self.films)
        tail_owners: dict[str, list[int]] = {}
        word_owners: dict[str, list[int]] = {}
        for position, key in enumerate(keys):
            for tail in _surnames(key):
                tail_owners.setdefault(tail, []).append(position)
            for word in dict.fromkeys(key.split()):
                word_owners.setdefault(word, []).append(position)
        tails = list(tail_owners)
        words = sorted(word_owners)
        counts = "".join(f"{min(self.films[k], 0xFFFF):04x}{self.jobs.get(k, 0):02x}" for k in keys)
        return [keys, [_rotate(k) for k in keys], tails, [counts],
                [max(self.spellings[k].items(), key=_usual)[0] for k in keys],
                [",".join(map(str, tail_owners[t])) for t in tails],
                words, [",".join(map(str, word_owners[w])) for w in words]]
