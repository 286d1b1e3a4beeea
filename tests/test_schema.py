"""The schema's own pieces: the catch-all's section layout and the compact positions format."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from searcher.analysis import NAME_SEPARATOR
from searcher.schema import SECTIONS, CompactPositions, catch_all, fingerprint, section_of, section_span


@given(st.lists(st.integers(min_value=0, max_value=1 << 24), max_size=50).map(lambda xs: sorted(set(xs))))
def test_positions_round_trip(positions):
    fmt = CompactPositions()
    encoded = fmt.encode(positions)
    assert fmt.decode_positions(encoded) == positions
    assert fmt.decode_frequency(encoded) == len(positions)


def test_small_gaps_take_one_byte():
    assert len(CompactPositions().encode([1, 5, 9, 100])) == 4


def test_each_section_has_its_own_positions():
    found = catch_all({"title": "Salt Harbour", "plot": "Winter comes", "names": f"Ann Lee{NAME_SEPARATOR}Bo Chan"})
    where = {term: section_of(pos) for term, pos in found}
    assert SECTIONS[where["salt"]] == "title"
    assert SECTIONS[where["winter"]] == "plot"
    assert SECTIONS[where["chan"]] == "names"
    start, end = section_span("plot")
    assert all(start <= pos < end for term, pos in found if term in ("winter", "come"))


def test_positions_skip_stop_words_but_not_names():
    found = dict(catch_all({"lead": "the story of the sea", "names": f"Ann Lee{NAME_SEPARATOR}Bo Chan"}))
    assert found["sea"] - found["stori"] == 1  # "story of the sea" is a phrase of two terms
    assert found["bo"] - found["lee"] > 1  # no phrase runs from one name into the next


def test_long_section_stays_inside_its_span(monkeypatch):
    from searcher import schema

    monkeypatch.setattr(schema, "_SECTION_SIZE", 4)
    found = catch_all({"other": "word " * 10, "names": "Ann"})
    start, end = section_span("other")
    assert [pos for term, pos in found if term == "word"] == [start, start + 1, start + 2] + [end - 1] * 7
    assert section_of(found[-1][1]) == SECTIONS.index("names")


def test_fingerprint_is_stable():
    assert fingerprint() == fingerprint() and len(fingerprint()) == 16


def test_whoosh_analyses_a_field_as_the_indexer_does():
    from searcher.schema import make_schema

    schema = make_schema()
    for name, text in [("cast", f"Anne Coesens{NAME_SEPARATOR}Émilie Dequenne"), ("title", "The Harbour Ghost")]:
        field = schema[name]
        indexed = {term.decode(): freq for term, freq, _weight, _value in field.index(text)}
        assert list(field.process_text(text)) == [t for t, _ in field.positions(text)]
        assert indexed == {t: [x for x, _ in field.positions(text)].count(t) for t, _ in field.positions(text)}
