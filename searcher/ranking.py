"""Every ranking knob, in one place, applied at query time (changing one needs no rebuild).

BM25F (Whoosh's) scores each field with its own length normalisation `B`: short
name fields want little of it, prose the usual 0.75. A free word is scored in the
catch-all field (`schema.CATCH_ALL`, weight `TEXT_BOOST`); a match in a short field
(title, names, characters) adds a `BONUS`. `COORD` and `COMMON` shape how several
free words combine (see `query.py`). The values were chosen by measuring on the
judged queries in `tests/relevance/` (`filmsearch eval`); see the README.
"""

from __future__ import annotations

from whoosh import scoring

__all__ = ["TEXT_BOOST", "BONUS", "FIELD_B", "DEFAULT_B", "K1", "TITLE_EXACT", "FUZZY", "COORD", "COMMON", "COMMON_MIN_DOCS", "weighting"]

#: Weight of a free word's match in the catch-all field.
TEXT_BOOST = 1.0
#: Extra weight when a free word also matches a short field (looked up only for films already found).
BONUS: dict[str, float] = {"title": 1.0, "person": 1.0, "characters": 0.5}

#: A film whose title is the query, word for word, has its score multiplied by 1 + this.
TITLE_EXACT = 1.0

#: A close name or a corrected word scores this share of an exact match (times its similarity),
#: so an exact match always ranks above a fuzzy one.
FUZZY = 0.8

#: Per-field BM25 length normalisation; fields not named use `DEFAULT_B`.
DEFAULT_B = 0.75
FIELD_B: dict[str, float] = {"title": 0.4, "person": 0.2, "characters": 0.3, "cast": 0.2, "crew": 0.2, "text": 0.75}
K1 = 1.2

#: Exponent of the share of (rarer) free words a film matches; 0 turns coordination off.
COORD = 1.0
#: Share of articles above which a free word counts as common (it then only adds to films the rarer words found).
COMMON = 0.08
#: Indexes smaller than this treat no word as common (their statistics are too thin).
COMMON_MIN_DOCS = 5000


def weighting() -> scoring.WeightingModel:
    """BM25F with our per-field length normalisation."""
    return scoring.BM25F(B=DEFAULT_B, K1=K1, **{f"{name}_B": b for name, b in FIELD_B.items()})
