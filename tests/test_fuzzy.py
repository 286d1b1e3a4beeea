"""Typo correction of free words, and telling names apart from words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searcher import fuzzy, names
from searcher.fuzzy import Suggestion, Vocabulary, find_names, prepare, typo_budget
from searcher.names import NameRegistry

PROSE = """A lighthouse keeper on a remote island finds a drowned sailor who returns every night.
Refugees held in an immigration detention centre stage a hunger strike. A submarine crew is trapped.
The keeper searches the harbour records. Detention detention detention. Sailors sailing. Murder mystery.
Amazing amazement. A dancer dances. New York. The widow. A window. The evacuation of a criminal organization."""
TITLES = ["The Harbour Ghost", "Amélie of the Mountains", "Wire Fences", "Deep Steel", "The Godfather",
          "Confessions of a Wife", "Feast of Life"]


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_words(PROSE.split(), TITLES)


def best(vocabulary: Vocabulary, word: str) -> str | None:
    found = vocabulary.correct(word)
    return found[0].word if found else None


def test_typo_budget_is_meilisearchs():
    assert [typo_budget(n) for n in (1, 4, 5, 8, 9, 20)] == [0, 0, 1, 1, 2, 2]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("lighthuose", "lighthouse"),  # transposition: one typo
        ("lighthose", "lighthouse"),  # deletion
        ("lightthouse", "lighthouse"),  # insertion
        ("submarime", "submarine"),  # substitution
        ("detentoin", "detention"),  # a typo in the suffix: no title has the word, the stem "detent" does
        ("evacuatoin", "evacuation"),  # the stem "evacu" is five letters shorter than the word
        ("organizatoin", "organization"),  # "organ", seven shorter
        ("Godfahter", "godfather"),  # title word as written
        ("Amelei", "amelie"),
        ("Confessioasn", "confessions"),  # two typos from nine letters
        ("imigration", "immigration"),  # "imigr" is one typo from the stem "immigr"
        ("xubmarine", "submarine"),  # a wrong first letter costs two: fine from nine letters
        ("Feastof", "feast of"),  # a missing space
        ("newyork", "new york"),
    ],
)
def test_unknown_words_are_corrected(vocabulary, typed, meant):
    assert best(vocabulary, typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "keeper",  # known: never corrected
        "sailing",  # known through its stem
        "Keepers",
        "the",  # stop word
        "kepr",  # four letters: no typo allowed
        "xailor",  # five to eight letters: a wrong first letter is two typos, over budget
        "subbmarrine",  # two typos but only... nine letters allow two: see below
        "1987",  # not a word
        "zzzzzzzzzz",
    ],
)
def test_what_is_not_corrected(vocabulary, typed):
    if typed == "subbmarrine":
        assert best(vocabulary, typed) == "submarine"
        assert best(vocabulary, "subbmarrinne") is None  # three typos
        return
    assert vocabulary.correct(typed) == ()


def test_known_and_frequency(vocabulary):
    assert vocabulary.known("Detention") and vocabulary.known("the") and not vocabulary.known("detentoin")
    assert vocabulary.frequency("detent") >= 4


def test_suggestions_rank_by_typos_then_frequency_and_drop_rare_ones(vocabulary):
    found = vocabulary.correct("widdow")  # widow and window are both one typo away
    assert {s.word for s in found} <= {"widow", "window"}
    assert all(s.typos == 1 for s in found)
    rare = Vocabulary.from_words(["window"] * 40 + ["widow"])
    assert [s.word for s in rare.correct("widdow")] == ["window"]  # widow is 40 times rarer: dropped


def test_a_typo_a_few_articles_make_too_is_corrected_to_a_far_commoner_word():
    def corrected(marriage: int, marraige: int) -> list[str]:
        vocabulary = Vocabulary.from_words(["marriage"] * marriage + ["marraige"] * marraige)
        return [s.word for s in vocabulary.correct("marraige")]

    assert corrected(fuzzy.COMMONER * 2, fuzzy.KNOWN) == ["marriage"]
    assert corrected(fuzzy.COMMONER * 2 - 1, 2) == []  # not far commoner
    assert corrected(10_000, fuzzy.KNOWN + 1) == []  # used by enough articles to be meant


def test_suggestion_fields(vocabulary):
    [suggestion] = vocabulary.correct("lighthuose")
    assert suggestion == Suggestion(word="lighthouse", terms=("lighthous",), typos=1, similarity=0.9, frequency=1)
    assert json.loads(json.dumps(suggestion.to_dict()))["terms"] == ["lighthous"]
    split = vocabulary.correct("feastof")[0]
    assert split.terms == ("feast",) and split.word == "feast of"  # the stop word is not an index term


# --- names among free words ------------------------------------------------------------------------

REGISTRY = NameRegistry.from_credits([
    [("Alexandre Gontcharov", "cast"), ("Alexandre Golntcharov", "cast"), ("Olivier Masset-Depasse", "director")],
    [("Tom Hanks", "cast"), ("Steven Spielberg", "director")],
    [("Lucía Paredes", "cast"), ("Anders Kjærgaard", "cast")],
    [("Keeper Island", "cast")],  # a name made of plain words
])
WORDS = Vocabulary.from_words(
    (PROSE + " Alexandre Gontcharov Golntcharov Olivier Masset Depasse Tom Hanks Steven Spielberg Lucia Paredes").split(),
    TITLES,
)


def spans(query: str) -> list[tuple[str, str]]:
    return [(s.text, s.matches[0].name) for s in find_names(query.split(), REGISTRY, WORDS)]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("alexandre gontcharof detention", [("alexandre gontcharof", "Alexandre Gontcharov")]),
        ("Olivier Masset Depasse", [("Olivier Masset Depasse", "Olivier Masset-Depasse")]),
        ("submarine tom hanks", [("tom hanks", "Tom Hanks")]),
        ("Hanks Tom", [("Hanks Tom", "Tom Hanks")]),
        ("Lucia Paredez harbour", [("Lucia Paredez", "Lucía Paredes")]),
        ("Spielberrg", [("Spielberrg", "Steven Spielberg")]),  # one word, unknown, the person's surname
        ("lighthouse keeper on an island", []),  # plain words, although "keeper island" is a credited name
        ("a drowned sailor returns", []),
        ("the the the", []),
        ("", []),
    ],
)
def test_find_names(query, found):
    assert spans(query) == found


def test_a_known_word_alone_is_left_to_the_word_match():
    assert spans("Gontcharov") == []  # the catch-all field finds it as it is


def test_name_span_positions_and_dict():
    [span] = find_names("films with tom hanks".split(), REGISTRY, WORDS)
    assert (span.start, span.end) == (2, 4)
    data = span.to_dict()
    assert data["matches"][0]["name"] == "Tom Hanks" and data["text"] == "tom hanks"


# --- on an index -----------------------------------------------------------------------------------


def test_vocabulary_of_an_index(small_index):
    fuzzy._MEMO.clear()
    searcher = small_index._current_searcher()
    vocabulary = Vocabulary.open(searcher)
    assert best(vocabulary, "lighthuose") == "lighthouse"
    assert best(vocabulary, "Amelei") == "amelie"  # a title word, accent folded
    assert best(vocabulary, "Belarusain") == "belarusian"
    assert vocabulary.correct("detention") == ()
    files = sorted(small_index.path.glob("gen-*/filmsearch-vocabulary-*.txt"))
    assert len(files) == 1
    fuzzy._MEMO.clear()
    assert best(Vocabulary.open(searcher), "harbuor") == "harbour"


def test_prepare_writes_both_caches(small_index):
    searcher = small_index._current_searcher()
    for file in small_index.path.glob("gen-*/filmsearch-*.txt"):
        file.unlink()
    names._MEMO.clear()
    fuzzy._MEMO.clear()
    prepare(searcher)
    made = sorted(p.name.rsplit("-", 1)[0] for p in small_index.path.glob("gen-*/filmsearch-*.txt"))
    assert made == ["filmsearch-names", "filmsearch-vocabulary"]


def test_names_in_free_text_on_an_index(small_index):
    searcher = small_index._current_searcher()
    registry, vocabulary = NameRegistry.open(searcher), Vocabulary.open(searcher)
    [span] = find_names("alexandre gontcharof".split(), registry, vocabulary)
    assert {m.key for m in span.matches[:2]} == {"alexandre gontcharov", "alexandre golntcharov"}
    [span] = find_names("olivier masset depase".split(), registry, vocabulary)
    assert span.matches[0].name == "Olivier Masset-Depasse"


# --- the measured set ------------------------------------------------------------------------------

SET = Path(__file__).parent / "fuzzy" / "misspellings.jsonl"


def test_the_misspelling_set_is_well_formed():
    cases = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines()]
    kinds = [c["kind"] for c in cases]
    assert kinds.count("name") >= 100 and kinds.count("title") >= 50
    assert len({c["id"] for c in cases}) == len(cases)
    for case in cases:
        assert case["query"] != case["target"] and case["paths"]
        if case["kind"] == "name":
            assert case["keys"]


@pytest.mark.slow
def test_real_words_with_typos(corpus_index):
    vocabulary = Vocabulary.open(corpus_index._current_searcher())
    for typed, meant in [("detentoin", "detention"), ("imigration", "immigration"), ("Belarusain", "belarusian")]:
        found = vocabulary.correct(typed)
        assert found and meant.startswith(found[0].terms[0]), (typed, found)
