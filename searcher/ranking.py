"""Every ranking knob, in one place, applied at query time (changing one needs no rebuild).

BM25F (Whoosh's) scores each field with its own length normalisation `B`: short
name fields want little of it, prose the usual 0.75. A free word is scored in the
catch-all field (`schema.CATCH_ALL`, weight `TEXT_BOOST`), each occurrence weighted by
the part of the article it is in (`SECTION_WEIGHT`); a match in a short field
(title, names, characters) adds a `BONUS`. `COORD` and `COMMON` shape how several
free words combine (see `query.py`). The values were chosen by measuring on the
judged queries in `tests/relevance/` (`filmsearch eval`); see the README.

Tuning: a coordinate search (`tests/relevance/tune.py tune`) on the *tune* split only,
maximising the mean over query kinds of nDCG@10; each knob was tried over a grid with
the others held, until a round changed nothing. It moved four values (was -> now):
`FIELD_B["text"]` 0.75 -> 0.2 (famous films have long articles: light length
normalisation helped known-item and title queries), `BONUS["title"]` 1.0 -> 0.1 (plot
words matching other films' titles, "creature", "spirit", pushed answers down;
`TITLE_EXACT` serves typed titles; kept above 0 so that a title of stop words, "It",
is still found), `COORD` 1.0 -> 0.5, `COMMON` 0.08 -> 0.05.
K1, the other B values and bonuses were flat within 0.001. The title bonus was then set
to 0.25 rather than 0.1: on the tune split it scores as well or better (nDCG@10 0.893 vs
0.886 over all kinds), and it keeps mistyped titles (tests/fuzzy) at Success@1 0.70, not 0.61.

A second round tuned `SECTION_WEIGHT` the same way (all 1 before): the lead and the plot
describe the film, the other sections much less. A third, after stop words stopped counting
towards coordination and everyday words got their formal words (`SYNONYM`, flat from 0.3 to
1.0), moved `COORD` 0.5 -> 0.25. A fifth added `NAME_LIKE` (0 -> 0.25, the low end of a
plateau from 0.25 to 2: off, plot words that happen to be names, "teller", "bee",
"strikes", earned a name bonus; higher values also damp surnames whose stem is a first
name, "hanks comedy"). Figures before and after each round: `tests/relevance/RESULTS.md`.
"""

from __future__ import annotations

from whoosh import scoring

__all__ = ["TEXT_BOOST", "BONUS", "FIELD_B", "DEFAULT_B", "K1", "TITLE_EXACT", "YEAR_MATCH", "YEAR_WORDS", "SECTION_WEIGHT", "FUZZY", "NAME_MARGIN", "SYNONYM", "NAME_LIKE", "COORD", "COMMON", "COMMON_MIN_DOCS", "weighting"]

#: Weight of a free word's match in the catch-all field.
TEXT_BOOST = 1.0
#: Extra weight when a free word also matches a short field (looked up only for films already found).
BONUS: dict[str, float] = {"title": 0.25, "person": 1.0, "characters": 0.5}

#: A film whose title is the query, word for word, has its score multiplied by 1 + this.
TITLE_EXACT = 1.0

#: A year typed last after a few words ("alien 1979", "star wars 1977") is most likely the
#: film's: films released that year have their score multiplied by 1 + this, and the words
#: before it count as a title for `TITLE_EXACT`. Not tuned: no judged query ends in a year.
YEAR_MATCH = 1.0
#: ... only after at most this many words that are not stop words: a longer plot description
#: with a year in it ("escapes the asylum in 1963") gives the year of the story, not the film's.
YEAR_WORDS = 4

#: A close name or a corrected word scores this share of an exact match (times its similarity),
#: so an exact match always ranks above a fuzzy one.
FUZZY = 0.8
#: Close names kept for a misspelt name: those within this similarity of the closest one.
#: The registry puts the meant person first for 99% of the misspellings in tests/fuzzy, and
#: weaker names with many films otherwise outranked them (Success@1 0.77 with all five kept).
NAME_MARGIN = 0.05

#: An everyday word's formal words ("mom": "mother", `synonyms`) score this share of the word itself.
SYNONYM = 0.8

#: Weight of a free word's occurrence by the catch-all section it is in (`schema.SECTIONS`),
#: for the films the find phase hands to the score phase.
SECTION_WEIGHT: dict[str, float] = {"title": 0.5, "lead": 2.0, "plot": 1.5, "other": 0.25, "names": 1.0}

#: Per-field BM25 length normalisation; fields not named use `DEFAULT_B`.
DEFAULT_B = 0.75
FIELD_B: dict[str, float] = {"title": 0.4, "person": 0.2, "characters": 0.3, "cast": 0.2, "crew": 0.2, "text": 0.2}
K1 = 1.2

#: A free word's bonus in a name field is scaled by how much the word reads as a name
#: (`query._Compiler.name_like`, from 0 to 1) to this power; 0 turns it off.
NAME_LIKE = 0.25

#: Exponent of the share of (rarer) free words a film matches; 0 turns coordination off.
COORD = 0.25
#: Share of articles above which a free word counts as common (it then only adds to films the rarer words found).
COMMON = 0.05
#: Indexes smaller than this treat no word as common (their statistics are too thin).
COMMON_MIN_DOCS = 5000


def weighting() -> scoring.WeightingModel:
    """BM25F with our per-field length normalisation."""
    return scoring.BM25F(B=DEFAULT_B, K1=K1, **{f"{name}_B": b for name, b in FIELD_B.items()})
