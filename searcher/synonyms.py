"""Everyday words -> the words encyclopedia plots use for the same thing.

People half-remembering a film type "mom", "cops" and "ww2"; Wikipedia plots say
"mother", "police" and "World War II", and write numbers in digits or in words. A free
word listed here is also searched as its formal words, each at `ranking.SYNONYM` of the
typed word's weight (a film using the typed word itself still ranks first). The list holds
only unambiguous register shifts, abbreviations and numbers, not related words: "mob" is
not "mafia" in every film.
"""

from __future__ import annotations

from .analysis import fold

__all__ = ["formal_words"]

_FORMAL: dict[str, tuple[str, ...]] = {}


def _add(words: str, *formal: str) -> None:
    for word in words.split():
        _FORMAL[word] = formal


_add("mom mum mommy mummy momma mama", "mother")
_add("dad daddy", "father")
_add("grandma granny", "grandmother")
_add("grandpa granddad grandad", "grandfather")
_add("kid kids", "child", "children")
_add("cop cops", "police", "policeman", "officer")
_add("guy guys dude fella", "man")
_add("gal", "woman")
_add("hubby", "husband")
_add("bro", "brother")
_add("sis", "sister")
_add("teen teens", "teenager")
_add("ex", "former")
_add("gf", "girlfriend")
_add("bf", "boyfriend")
_add("doc", "doctor")
_add("prof", "professor")
_add("shrink", "psychiatrist")
_add("buddy buddies pal pals", "friend")
_add("movie movies", "film")
_add("tv", "television")
_add("ww1 wwi", "world war i")
_add("ww2 wwii", "world war ii")
_add("hitman hitmen", "hit man", "assassin")


# Titles and plots write numbers both ways: "Ocean's Eleven", "Apollo 13", "12 Angry Men". Not "one"
# ("one day"), and small numbers typed in digits stay digits: "two" to "nine" are in most plots
# ("terminator 2" would rank films saying "two" first).
_NUMBERS = ("two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
            "seventeen eighteen nineteen twenty").split()
for _number, _name in [*enumerate(_NUMBERS, 2), *zip(range(30, 101, 10), "thirty forty fifty sixty seventy eighty "
                                                       "ninety hundred".split())]:
    _add(_name, str(_number))
    if _number >= 10:
        _add(str(_number), _name)


def formal_words(word: str) -> tuple[str, ...]:
    """The words (or phrases) a plot would use for `word`, or () when it has none listed."""
    return _FORMAL.get(fold(word).strip(), ())
