"""Everyday words are also searched as the words plots use (`searcher.synonyms`)."""

from __future__ import annotations

import pytest

from searcher import Index, ranking
from searcher.synonyms import formal_words
from tests.conftest import film


def test_formal_words_fold_case_and_know_only_listed_words():
    assert formal_words("Mom") == ("mother",)
    assert formal_words("KIDS") == ("child", "children")
    assert formal_words("ww2") == ("world war ii",)
    assert formal_words("mother") == ()
    assert formal_words("mob") == ()


def test_numbers_are_searched_in_digits_and_in_words(tmp_path):
    assert (formal_words("11"), formal_words("Eleven"), formal_words("100"), formal_words("21"), formal_words("one")) == (
        ("eleven",), ("11",), ("hundred",), (), ())
    assert (formal_words("seven"), formal_words("7")) == (("7",), ())  # "seven" is in most plots
    folder = tmp_path / "films"
    film(folder, "a.txt", "Ocean's Eleven", "Eleven thieves rob three casinos at once.")
    film(folder, "b.txt", "Ocean Liner", "A liner crosses the ocean.")
    film(folder, "c.txt", "Apollo 13", "Three astronauts fly home in a damaged ship.")
    with Index(tmp_path / "ix") as idx:
        idx.add([folder])
        assert titles(idx.search("oceans 11"))[0] == "Ocean's Eleven"
        assert titles(idx.search("apollo thirteen"))[0] == "Apollo 13"


@pytest.fixture
def family_index(tmp_path):
    folder = tmp_path / "films"
    film(folder, "a.txt", "Harvest Road", "A widowed mother drives her daughters across the dust bowl.")
    film(folder, "b.txt", "Kitchen Table", "Her mom drives the daughters to school every morning.")
    film(folder, "c.txt", "Beach Head", "Soldiers land on a beach in Normandy during World War II.")
    film(folder, "d.txt", "Salt Flats", "A racer drives across the salt flats.")
    with Index(tmp_path / "ix") as idx:
        idx.add([folder])
        yield idx


def titles(results) -> list[str]:
    return [hit.title for hit in results]


def test_everyday_word_finds_the_formal_word(family_index):
    assert titles(family_index.search("mom")) == ["Kitchen Table", "Harvest Road"]
    assert titles(family_index.search("soldiers ww2"))[0] == "Beach Head"
    assert "Beach Head" in titles(family_index.search("ww2"))


def test_the_typed_word_outranks_its_formal_word(family_index):
    # Both films match "drives" and "daughters"; only the wording of "mom" differs.
    results = family_index.search("mom drives daughters")
    assert titles(results)[:2] == ["Kitchen Table", "Harvest Road"]
    assert results[0].score > results[1].score


def test_formal_word_is_marked_in_the_snippet(family_index):
    hit = family_index.search("mom dust bowl")[0]
    assert hit.title == "Harvest Road"
    marked = {hit.snippet.text[start:end].lower() for start, end in hit.snippet.spans}
    assert "mother" in marked


def test_the_formal_words_searched_are_reported_as_corrections(family_index):
    results = family_index.search("mom drives")
    assert [(c.original, c.used, c.kind) for c in results.corrections] == [("mom", ("mother",), "everyday")]


def test_exact_search_and_zero_weight_turn_synonyms_off(family_index, monkeypatch):
    exact = family_index.search("mom", fuzzy=False)
    assert titles(exact) == ["Kitchen Table"] and exact.corrections == ()
    monkeypatch.setattr(ranking, "SYNONYM", 0.0)
    assert titles(family_index.search("mom")) == ["Kitchen Table"]
    assert family_index.search("mom").corrections == ()
