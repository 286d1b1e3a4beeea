"""A person's filmography: who best matches a typed name, the films they were credited in, by year.

`filmography` looks the name up in the name registry (`names.NameRegistry`), so it forgives
what name lookup forgives (typos, a surname alone, swapped names, missing accents and
hyphens). Articles spell one person differently ("Alexandre Gontcharov" in the infobox,
"Alexandre Golntcharov" in the cast): a close match is taken for the same person, and its
films merged in, when its name is at least `VARIANT` similar to the best match's and the two
share a film; or when it is at least `RARE_SIMILAR` similar and credited in at most
`RARE_VARIANT` articles (a one-off spelling is likelier a misspelling than a second person;
"John Smithson" is not "John Smith" by this rule). Every film says how the article spells
the name (`Credit.credited_as`). Other close matches are listed apart, as other people the
user may have meant.

Duplicate articles of one film (same page title, see `indexer.film_key`) are one entry,
shown through the richest article, like search hits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .indexer import StoredArticles, film_key, stored_title
from .names import CUTOFF, Match, NameRegistry, name_key

__all__ = ["Credit", "Person", "filmography", "VARIANT", "RARE_SIMILAR", "RARE_VARIANT"]

#: A close match credited in a film of the best match is the same person from this similarity.
VARIANT = 0.85

#: A close match in no common film is the same person from this similarity, when it is rare ...
RARE_SIMILAR = 0.93

#: ... that is, credited in at most this many articles.
RARE_VARIANT = 2

#: How many close matches to consider for variants and for "other people".
_CANDIDATES = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class Credit:
    """One film of a person: what they did in it (`jobs`: "cast", "director", ...) and whom they played."""

    title: str
    year: int | None
    path: str
    jobs: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    credited_as: str = ""
    also: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "year": self.year, "path": self.path, "jobs": list(self.jobs),
                "roles": list(self.roles), "credited_as": self.credited_as, "also": list(self.also)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """The person best matching `query`, with their films by year (unknown years last).

    `also_credited_as` are other spellings taken for the same person (their films are
    included); `others` are other people with close names, best first.
    """

    query: str
    name: str
    key: str
    similarity: float
    films: tuple[Credit, ...] = ()
    also_credited_as: tuple[str, ...] = ()
    others: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "name": self.name, "key": self.key, "similarity": round(self.similarity, 4),
                "films": [f.to_dict() for f in self.films], "also_credited_as": list(self.also_credited_as),
                "others": list(self.others)}


def filmography(searcher: Any, name: str, *, cutoff: float = CUTOFF) -> Person | None:
    """The filmography of the person whose name best matches `name`, or None when nobody is close.

    Args:
        searcher: an open Whoosh searcher on a filmsearch index (read, never kept).
        name: the name as typed.
        cutoff: lowest similarity (0..1) for a match.
    """
    from rapidfuzz import fuzz

    registry = NameRegistry.open(searcher)
    matches = registry.lookup(name, limit=_CANDIDATES, cutoff=cutoff)
    if registry.get(name) is None and (newcomer := _newcomer(searcher, name)) is not None:
        matches.insert(0, newcomer)
    documents = {m.key: set(searcher.document_numbers(names=m.key)) for m in matches}
    # The registry is rebuilt only when the index grows by more than 1% (see `indexer`): it may
    # still hold people whose articles were removed since.
    matches = [m for m in matches if documents[m.key]]
    if not matches:
        return None
    best, rest = matches[0], matches[1:]
    films_of = {key: {film_key(searcher.stored_fields(n)["page_title"]) for n in docs} for key, docs in documents.items()}
    variants: list[Match] = []
    others: list[Match] = []
    for match in rest:
        similar = fuzz.ratio(best.key, match.key) / 100
        together = bool(films_of[match.key] & films_of[best.key]) and similar >= VARIANT
        rare = similar >= RARE_SIMILAR and match.films <= RARE_VARIANT
        (variants if together or rare else others).append(match)
    people = [best, *variants]
    credits = _credits(searcher, people, {m.key: documents[m.key] for m in people})
    return Person(query=name, name=best.name, key=best.key, similarity=best.similarity, films=credits,
                  also_credited_as=tuple(m.name for m in variants), others=tuple(m.name for m in others))


def _newcomer(searcher: Any, name: str) -> Match | None:
    """The person credited exactly as `name` by an update the registry has not caught up with, or None."""
    key = name_key(name)
    documents = list(searcher.document_numbers(names=key)) if key else []
    if not documents:
        return None
    credited = [c for c in searcher.stored_fields(documents[0]).get("credits") or () if name_key(c[0]) == key]
    return Match(key=key, name=credited[0][0] if credited else name, similarity=1.0, films=len(documents),
                 jobs=tuple(dict.fromkeys(c[1] for c in credited)))


def _credits(searcher: Any, people: list[Match], documents: dict[str, set[int]]) -> tuple[Credit, ...]:
    """One `Credit` per film any of `people` (spellings of one person) is credited in."""
    keys = {m.key for m in people}
    stored_articles = StoredArticles(searcher.reader())
    by_film: dict[str, list[dict[str, Any]]] = {}
    for docnum in sorted(set().union(*documents.values())):
        stored = stored_articles[docnum]
        by_film.setdefault(film_key(stored["page_title"]), []).append(stored)
    found = []
    for film, articles in by_film.items():
        siblings = [stored_articles[n] for n in searcher.document_numbers(film=film)]
        shown = max(siblings or articles, key=lambda d: (d.get("richness", 0), d["path"]))
        jobs: dict[str, None] = {}
        roles: dict[str, None] = {}
        spellings: dict[str, None] = {}
        for article in articles:
            for credited, job, role in article.get("credits") or ():
                if name_key(credited) in keys:
                    jobs.setdefault(job, None)
                    spellings.setdefault(credited, None)
                    if role:
                        roles.setdefault(role, None)
        found.append(Credit(
            title=stored_title(shown), year=shown.get("year"), path=shown["path"],
            jobs=tuple(jobs), roles=tuple(roles), credited_as=next(iter(spellings), ""),
            also=tuple(sorted(d["path"] for d in siblings if d["path"] != shown["path"])),
        ))
    found.sort(key=lambda c: (c.year is None, c.year or 0, c.title.casefold()))
    return tuple(found)
