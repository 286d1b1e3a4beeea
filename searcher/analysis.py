"""Text -> index terms, one pass, shared by indexing, querying and snippets.

Three kinds of text, three analyzers:

* ``prose`` (lead, plot, other sections): folded, English stop words dropped, stemmed;
* ``title``: folded and stemmed, but every word kept (`It`, `M` and `9` are titles);
* ``name`` (people, characters, countries): folded, every word kept, not stemmed, so a
  surname alone matches and a full name matches as a phrase.

Folding is case folding plus accent folding (`Amélie` -> `amelie`, `Møller` -> `moller`).
It is done once per text with `str.translate`, then words are found with one regex:
the plain Whoosh pipeline (tokenizer, then a filter per step, each touching every
token) spent most of a corpus build here. Names of one field are joined with
`NAME_SEPARATOR`, which opens a gap in positions so a phrase never spans two people.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Collection, Iterator
from typing import NamedTuple

from whoosh.lang.porter2 import stem as _porter_stem

__all__ = ["fold", "analyze", "terms", "find_terms", "NAME_SEPARATOR", "STOP_WORDS", "KINDS"]

#: Joins several names in one field value; never a word character.
NAME_SEPARATOR = "\x1f"
_GAP = 100

STOP_WORDS = frozenset(
    "a an and are as at be by for from has have he her his i if in into is it its of on or "
    "she so such that the their them then there these they this to was were which who will with".split()
)
KINDS = ("prose", "title", "name")

_WORD = re.compile(r"\w+|\x1f")
_SPECIAL = {"ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
            "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i", "_": " "}


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(k): v for k, v in _SPECIAL.items()}
    # Latin, IPA, combining marks, Greek, Cyrillic, Latin Extended Additional, Greek Extended,
    # and the full-width ASCII that East Asian keyboards type (Ａｍｅｌｉｅ).
    for code in (*range(0x80, 0x500), *range(0x1E00, 0x2000), *range(0xFF01, 0xFF5F)):
        char = chr(code)
        if code in table:
            continue
        if unicodedata.combining(char):
            table[code] = None
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
        if base != char and base:
            table[code] = base
    # Some bases fold again (Ǣ -> æ -> ae): follow each value to its end so folding is idempotent.
    for code, value in table.items():
        while value and (again := value.translate(table)) != value:
            value = again
        table[code] = value
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Case- and accent-fold text (may change its length); idempotent."""
    if text.isascii():
        return text.lower().replace("_", " ")
    return text.lower().translate(_FOLD)


def _resizing() -> frozenset[str]:
    """Characters whose folding is not exactly one character (ß, æ, combining marks, İ)."""
    found = {chr(code) for code, value in _FOLD.items() if value is None or len(value) != 1}
    found.update(c for c in map(chr, range(0x80, 0x2000)) if len(c.lower()) != 1)
    return frozenset(found)


_RESIZING = _resizing()


def _fold_mapped(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each of its characters, the index of the character of `text` it came from."""
    chars: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        folded = char.lower().translate(_FOLD) if not char.isascii() else char.lower().replace("_", " ")
        chars.append(folded)
        origins.extend([index] * len(folded))
    origins.append(len(text))
    return "".join(chars), origins


_stem_cache: dict[str, str] = {}


def stem(word: str) -> str:
    """Porter2 (Snowball English) stem with a cache: a corpus has far fewer distinct words than tokens."""
    try:
        return _stem_cache[word]
    except KeyError:
        if len(_stem_cache) > 200_000:
            _stem_cache.clear()
        result = _stem_cache[word] = sys.intern(_porter_stem(word))
        return result


class Term(NamedTuple):
    """One index term and where its word stands: position and character span in the input."""

    text: str
    pos: int
    start: int
    end: int


def _normalize(word: str, kind: str) -> str | None:
    if kind == "name":
        return word
    if kind == "prose" and word in STOP_WORDS:
        return None
    return stem(word) if not word.isdigit() else word


def _folded(text: str) -> tuple[str, list[int] | None]:
    """`fold(text)` and, where folding moved characters, where each came from in `text`."""
    if text.isascii():
        return text.lower().replace("_", " "), None
    if _RESIZING.isdisjoint(text):
        return fold(text), None  # every character folds to one: offsets stay true
    return _fold_mapped(text)


def analyze(text: str, kind: str, *, keep_stops: bool = False) -> Iterator[Term]:
    """Index terms of `text` for a field kind, with positions and their character span in `text`.

    Words are found in the folded text, so a decomposed accent (`e` + U+0301) never
    splits a word; spans are mapped back through the folding to the original text.
    """
    source, origins = _folded(text)
    pos = 0
    normalized = _TERMS[kind]
    for match in _WORD.finditer(source):
        word = match.group()
        if word == NAME_SEPARATOR:
            pos += _GAP
            continue
        term = word if keep_stops and word in STOP_WORDS else normalized[word]
        if term is not None:
            start, end = match.span()
            if origins is not None:
                start, end = origins[start], origins[end - 1] + 1
            yield Term(term, pos, start, end)
        pos += 1


class _TermCache(dict[str, str | None]):
    """Each distinct word's term (None: not indexed), normalised once per process."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def __missing__(self, word: str) -> str | None:
        if len(self) > 500_000:
            self.clear()
        term = self[word] = None if word == NAME_SEPARATOR else _normalize(word, self.kind)
        return term


_TERMS = {kind: _TermCache(kind) for kind in KINDS}


def terms(text: str, kind: str) -> list[str]:
    """Just the terms, in order: the whole text is folded at once and most words are
    looked up, not normalised again (a build's hot path)."""
    return [term for term in map(_TERMS[kind].__getitem__, _WORD.findall(fold(text))) if term is not None]


@functools.lru_cache(maxsize=256)
def _starts(prefixes: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\w*")


def find_terms(text: str, kind: str, wanted: Collection[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of each word of `text` whose term is in `wanted`: what `analyze`
    gives for those terms, without normalising every word. A term keeps the first letters of
    its word, all but the last two at most (stemming rewrites endings), so only words that
    start like a wanted term are looked at: highlighting a long article stays cheap."""
    if not wanted:
        return []
    source, origins = _folded(text)
    normalized = _TERMS[kind]
    found = []
    for match in _starts(frozenset(t[: max(1, len(t) - 2)] for t in wanted)).finditer(source):
        if (term := normalized[match.group()]) in wanted:
            start, end = match.span()
            if origins is not None:
                start, end = origins[start], origins[end - 1] + 1
            found.append((start, end, term))
    return found
