"""Name keys, the name registry and fuzzy name lookup."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from searcher import names
from searcher.names import JOBS, Match, NameRegistry, name_key, sound

# --- name_key -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Olivier Masset-Depasse", "olivier masset depasse"),
        ("OLIVIER MASSET–DEPASSE", "olivier masset depasse"),
        ("Zoë Saldaña", "zoe saldana"),
        ("Miroslav Ondříček", "miroslav ondricek"),
        ("T. K. Carter", "t k carter"),
        ("T.K. Carter", "t k carter"),
        ("TK Carter", "t k carter"),
        ("CCH Pounder", "c c h pounder"),
        ("Douglas Fairbanks Jr.", "douglas fairbanks jr"),
        ("Douglas Fairbanks, Jr", "douglas fairbanks jr"),
        ("Seth Green (uncredited)", "seth green"),
        ("Li Fazeng (李法曾)", "li fazeng"),
        ("Tom Skerritt (credited", "tom skerritt"),
        ("Dave (Tex) O'Brien", "dave o brien"),
        ("(voice)", "voice"),
        ("Norman_Foster", "norman foster"),
        ("JOHN WAYNE", "john wayne"),
        ("Louis CK", "louis ck"),
        ("", ""),
    ],
)
def test_name_key(name, key):
    assert name_key(name) == key


def test_jr_and_sr_stay_apart():
    assert name_key("Lon Chaney Jr.") != name_key("Lon Chaney")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_name_key_is_idempotent(name):
    key = name_key(name)
    assert name_key(key) == key
    assert key == key.strip() and "  " not in key and key == key.lower()


def test_sound_merges_spellings_of_one_sound():
    assert sound("gontcharov") == sound("gontcharof") == sound("goncharoff")
    assert sound("philip") == sound("filip")
    assert sound("tom hanks") != sound("tom banks")


# --- registry from plain data ----------------------------------------------------------------------

CREDITS = [
    [("Alexandre Gontcharov", "cast"), ("Alexandre Golntcharov", "cast"), ("Olivier Masset-Depasse", "director"),
     ("Olivier Masset-Depasse", "writer"), ("Anne Coesens", "cast")],
    [("Steven Spielberg", "director"), ("Tom Hanks", "cast")],
    [("Steven Spielberg", "director"), ("Tom Hanks", "cast"), ("Anne Spielberg", "writer")],
    [("Steven Spielberg", "producer"), ("Zoë Saldaña", "cast")],
    [("Tom Hanson", "cast"), ("Lon Chaney", "cast"), ("Lon Chaney Jr.", "cast"), ("Philip Glass", "music")],
    [("Marguerite Élise Fontaine-Dubois", "director"), ("Anders Kjærgaard", "cast")],
]


@pytest.fixture(scope="module")
def registry() -> NameRegistry:
    return NameRegistry.from_credits(CREDITS)


def first(registry: NameRegistry, query: str, **kwargs) -> str | None:
    found = registry.lookup(query, **kwargs)
    return found[0].name if found else None


def test_registry_counts_people_films_and_jobs(registry):
    assert len(registry) == 14
    assert "alexandre gontcharov" in registry and "Zoe Saldana" in registry
    spielberg = registry.get("steven spielberg")
    assert spielberg == Match(key="steven spielberg", name="Steven Spielberg", similarity=1.0, films=3,
                              jobs=("director", "producer"))
    assert registry.get("nobody at all") is None


def test_display_name_is_the_usual_spelling(registry):
    assert registry.get("zoe saldana").name == "Zoë Saldaña"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Steven Spielberg", "Steven Spielberg"),  # exact
        ("Steven Spielburg", "Steven Spielberg"),  # one substitution
        ("Steve Spielberg", "Steven Spielberg"),  # deletion
        ("Steven Speilberg", "Steven Spielberg"),  # transposition
        ("Stephen Spielburg", "Steven Spielberg"),  # two edits
        ("Spielberg", "Steven Spielberg"),  # surname alone: the most credited first
        ("Spielberg Steven", "Steven Spielberg"),  # swapped
        ("Hanks, Tom", "Tom Hanks"),
        ("Olivier Masset Depasse", "Olivier Masset-Depasse"),  # missing hyphen
        ("Olivier MassetDepasse", "Olivier Masset-Depasse"),
        ("Masset-Depase", "Olivier Masset-Depasse"),  # compound surname alone, misspelt
        ("Marguerite Elise Fontaine Dubois", "Marguerite Élise Fontaine-Dubois"),  # accents and hyphen
        ("Anders Kjaergaard", "Anders Kjærgaard"),
        ("Zoe Saldana", "Zoë Saldaña"),
        ("Alexandre Gontcharof", "Alexandre Gontcharov"),  # phonetic
        ("Filip Glass", "Philip Glass"),
        ("Lon Chaney", "Lon Chaney"),  # Jr is someone else
        ("Lon Chaney Junior", "Lon Chaney Jr."),
    ],
)
def test_lookup_forgives(registry, query, name):
    assert first(registry, query) == name


def test_seed_spellings_find_both_spellings_of_the_actor(registry):
    for query in ("Gontcharov", "Golntcharov", "Alexandre Gontcharof"):
        keys = [m.key for m in registry.lookup(query, limit=2)]
        assert set(keys) == {"alexandre gontcharov", "alexandre golntcharov"}, query


def test_lookup_ranks_by_similarity_then_films(registry):
    found = registry.lookup("Tom Hanks")
    assert [m.name for m in found[:2]] == ["Tom Hanks", "Tom Hanson"]
    assert found[0].similarity == 1.0 > found[1].similarity
    assert all(0 < m.similarity <= 1 for m in found)


def test_lookup_cutoff_limit_and_jobs(registry):
    assert registry.lookup("Qxzvw Bnmkj") == []
    assert registry.lookup("") == [] and registry.lookup("  -- ") == []
    assert len(registry.lookup("Spielberg", limit=1)) == 1
    assert all(m.similarity >= 0.95 for m in registry.lookup("Spielberg", cutoff=0.95))
    writers = registry.lookup("Spielberg", jobs=["writer"])
    assert [m.name for m in writers] == ["Anne Spielberg"]
    assert first(registry, "Spielberg", jobs=["director", "producer"]) == "Steven Spielberg"
    with pytest.raises(ValueError):
        registry.lookup("Spielberg", jobs=["stuntman"])


def test_lookup_without_scan_compares_names_sharing_a_word(registry):
    assert first(registry, "Tom Hankss", scan=False) == "Tom Hanks"
    assert first(registry, "Hanks Tom", scan=False) == "Tom Hanks"
    assert registry.lookup("Tmo Hankss", scan=False) == []  # no word in common: only a scan finds it
    assert first(registry, "Tmo Hankss") == "Tom Hanks"


def test_a_spelling_far_by_letters_but_close_by_sound_passes_a_high_cutoff(registry):
    # "tom hanx" is 0.82 of "tom hanks" by its letters: the sound must be heard before the cutoff.
    found = registry.lookup("Tom Hanx", cutoff=0.88)
    assert [m.name for m in found] == ["Tom Hanks"] and found[0].similarity >= 0.88


def test_has_word(registry):
    assert registry.has_word("Hanks") and registry.has_word("tom") and registry.has_word("Saldaña")
    assert not registry.has_word("hank") and not registry.has_word("detention")


def test_match_to_dict(registry):
    match = registry.lookup("Zoe Saldana")[0]
    assert match.to_dict() == {"key": "zoe saldana", "name": "Zoë Saldaña", "similarity": 1.0, "films": 1,
                               "jobs": ["cast"]}
    with pytest.raises(AttributeError):
        match.name = "x"  # type: ignore[misc]


def test_an_empty_registry_finds_nobody():
    assert NameRegistry.from_credits([]).lookup("Tom Hanks") == []


# --- one-edit misspellings (property) ------------------------------------------------------------

_FIRST = ("Anna Bruno Carla Dmitri Elena Farid Greta Hiroshi Ingrid Jamal Katarzyna Lorenzo Marisol Nikolai "
          "Oksana Pedro Quentin Rosalind Sanjay Tamsin Ulrich Valentina Wendell Ximena Yusuf Zelda").split()
_LAST = ("Abernathy Bellweather Castellano Dubrovnik Esterhazy Fairbrother Grimaldi Hollingsworth Ishikawa "
         "Jankowski Kowalczyk Lindqvist Montgomery Nakamura Oyelaran Pettersson Quarshie Rasmussen Szymanski "
         "Thorvaldsen Uchenna Vasquez Whitcombe Xenakis Yamamoto Zabrowski").split()


def _people() -> list[str]:
    rng = random.Random(11)
    pairs = [(f, surname) for f in _FIRST for surname in _LAST]
    return [f"{f} {surname}" for f, surname in rng.sample(pairs, 300)]


PEOPLE = _people()
MANY = NameRegistry.from_credits([[(p, "cast")] for p in PEOPLE])
LETTERS = string.ascii_lowercase


@st.composite
def one_edit(draw):
    name = draw(st.sampled_from(PEOPLE))
    i = draw(st.integers(0, len(name) - 1))
    letter = draw(st.sampled_from(LETTERS))
    kind = draw(st.sampled_from(["delete", "insert", "substitute", "transpose"]))
    if kind == "delete":
        typo = name[:i] + name[i + 1:]
    elif kind == "insert":
        typo = name[:i] + letter + name[i:]
    elif kind == "substitute":
        typo = name[:i] + letter + name[i + 1:]
    else:
        i = min(i, len(name) - 2)
        typo = name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name, typo


@settings(max_examples=300, deadline=None)
@given(one_edit())
def test_one_edit_misspellings_find_the_person_in_the_top_three(edit):
    name, typo = edit
    assume(name_key(typo) not in MANY or name_key(typo) == name_key(name))
    assert len(name_key(name).replace(" ", "")) >= 6
    assert name_key(name) in [m.key for m in MANY.lookup(typo, limit=3)]


# --- registry of an index --------------------------------------------------------------------------


@pytest.fixture
def searcher(small_index):
    yield small_index._current_searcher()


def test_registry_of_an_index_holds_its_names_terms(searcher):
    names._MEMO.clear()
    registry = NameRegistry.open(searcher)
    terms = sorted(t.decode() for t in searcher.reader().lexicon("names"))
    assert sorted(registry) == terms
    lucia = registry.get("Lucia Paredes")
    assert (lucia.name, lucia.films, lucia.jobs) == ("Lucía Paredes", 2, ("cast",))
    assert registry.get("Olivier Masset-Depasse").jobs == ("director", "writer")


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Gontcharov", "alexandre gontcharov"),
        ("Golntcharov", "alexandre golntcharov"),
        ("Alexandre Gontcharof", "alexandre gontcharov"),
        ("Olivier Masset Depasse", "olivier masset depasse"),
        ("Masset-Depase", "olivier masset depasse"),
        ("Samir Hadad", "samir haddad"),
        ("Fontaine Dubois", "marguerite elise fontaine dubois"),
    ],
)
def test_index_lookup_resolves_the_seed_and_fixture_people(searcher, query, key):
    assert NameRegistry.open(searcher).lookup(query)[0].key == key


def _cache_files(index) -> list[Path]:
    return sorted(index.path.glob("gen-*/filmsearch-names-*.txt"))


def test_registry_is_cached_per_commit_and_rebuilt_after_a_change(small_index, tmp_path):
    names._MEMO.clear()
    before = NameRegistry.open(small_index._current_searcher()).lookup("Lucia Paredes")
    files = _cache_files(small_index)
    assert len(files) == 1
    names._MEMO.clear()
    again = NameRegistry.open(small_index._current_searcher())
    assert again.lookup("Lucia Paredes") == before
    assert again._source.__class__.__name__ == "Sections"  # read from the file, not rebuilt

    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "new.txt").write_text("= Night Train =\n\nNight Train\n- Director: Wendeline Quarshie\n- Released: 1999\n",
                                   encoding="utf-8")
    small_index.add([extra])
    registry = NameRegistry.open(small_index._current_searcher())
    assert registry.lookup("Wendelin Quarshie")[0].name == "Wendeline Quarshie"
    assert len(_cache_files(small_index)) == 1 and _cache_files(small_index) != files


def test_a_damaged_cache_is_rebuilt(small_index):
    names._MEMO.clear()
    NameRegistry.open(small_index._current_searcher())
    [file] = _cache_files(small_index)
    file.write_text("filmsearch-cache names 1 rubbish\n", encoding="utf-8")
    names._MEMO.clear()
    assert NameRegistry.open(small_index._current_searcher()).lookup("Samir Haddad")[0].films == 2


def test_a_read_only_index_still_has_a_registry(small_index):
    names._MEMO.clear()
    searcher = small_index._current_searcher()
    for file in _cache_files(small_index):
        file.unlink()
    generation = next(small_index.path.glob("gen-*"))
    generation.chmod(0o555)
    try:
        assert NameRegistry.open(searcher).lookup("Samir Hadad")[0].name == "Samir Haddad"
    finally:
        generation.chmod(0o755)


# --- real names (corpus sample) --------------------------------------------------------------------


@pytest.mark.slow
def test_real_names_with_typos_are_found(corpus_index):
    registry = NameRegistry.open(corpus_index._current_searcher())
    rng = random.Random(3)
    people = [registry._match(i, 1.0) for i in range(len(registry))]
    chosen = rng.sample([p for p in people if p.films >= 2 and len(p.key) >= 10 and " " in p.key], 40)
    missed = []
    for person in chosen:
        i = rng.randrange(1, len(person.name) - 1)
        typo = person.name[:i] + person.name[i + 1:]
        if name_key(typo) not in [m.key for m in registry.lookup(typo, limit=3)] and \
                person.key not in [m.key for m in registry.lookup(typo, limit=3)]:
            missed.append((person.name, typo))
    assert len(missed) <= 1, missed


@pytest.mark.slow
def test_seed_people_in_the_corpus_sample(corpus_index):
    registry = NameRegistry.open(corpus_index._current_searcher())
    assert registry.lookup("Masset-Depase")[0].key == "olivier masset depasse"
    assert {m.key for m in registry.lookup("Alexandre Gontcharof", limit=2)} == {
        "alexandre gontcharov", "alexandre golntcharov"}


def test_jobs_are_the_ones_credits_use():
    from searcher.article import CREW_KEYS

    assert JOBS == ("cast", *CREW_KEYS)
