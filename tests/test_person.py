"""A person's filmography: the best-matching person, films by year, other spellings."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.conftest import SEED, write_articles
from searcher import Index
from searcher.person import Credit, Person, filmography

#: One person spelt three ways over four films, and two people with close names.
PEOPLE = {
    "first.txt": """= The Quiet Orchard (1961 film) =

The Quiet Orchard
- Director: Ingeborg Vasquez-Lindqvist
- Starring: Teodor Rasmussen, Halvard Brekke
- Released: 1961

==Cast==
- Teodor Rasmussen as the farmer
- Halvard Brekke as the priest
""",
    "second.txt": """= Salt Roads =

Salt Roads
- Director: Ingeborg Vasquez Lindqvist
- Starring: Halvard Brekke
- Released: 1958
""",
    "third.txt": """= Winter Ledger =

Winter Ledger
- Writer: Ingeborg Vasquez-Lindquist
- Starring: Theodor Rasmusen
- Released: 1970
""",
    "fourth.txt": """= Untitled Fragment =

Untitled Fragment
- Starring: Teodor Rasmussen

==Cast==
- Teodor Rasmussen as the stranger
- Teodor Rasmussen as the stranger's ghost
""",
    "fourth-copy.txt": """= Untitled Fragment =

Untitled Fragment
- Starring: Teodor Rasmussen
""",
}


@pytest.fixture
def searcher(tmp_path):
    index = Index(tmp_path / "index")
    index.add([write_articles(tmp_path / "people", PEOPLE), SEED])
    yield index._current_searcher()
    index.close()


def test_films_by_year_with_jobs_and_roles(searcher):
    person = filmography(searcher, "Teodor Rasmussen")
    assert person.name == "Teodor Rasmussen" and person.similarity == 1.0
    assert [(c.title, c.year) for c in person.films] == [
        ("The Quiet Orchard", 1961), ("Winter Ledger", 1970), ("Untitled Fragment", None)]
    orchard = person.films[0]
    assert orchard.jobs == ("cast",) and orchard.roles == ("the farmer",)
    assert person.films[2].roles == ("the stranger, the stranger's ghost",)


def test_duplicate_articles_are_one_film(searcher):
    fragment = filmography(searcher, "Teodor Rasmussen").films[-1]
    assert fragment.path.endswith("fourth.txt")  # the richer article
    assert len(fragment.also) == 1 and fragment.also[0].endswith("fourth-copy.txt")


def test_a_rare_close_spelling_is_the_same_person(searcher):
    person = filmography(searcher, "Teodor Rasmussen")
    assert person.also_credited_as == ("Theodor Rasmusen",)
    winter = person.films[1]
    assert winter.credited_as == "Theodor Rasmusen" and winter.jobs == ("cast",)


def test_one_key_for_hyphen_and_space_and_a_variant_for_a_typo(searcher):
    person = filmography(searcher, "Vasquez Lindqvist")  # surname alone, hyphen dropped
    assert person.name in ("Ingeborg Vasquez-Lindqvist", "Ingeborg Vasquez Lindqvist")
    assert [(c.year, c.jobs) for c in person.films] == [(1958, ("director",)), (1961, ("director",)),
                                                       (1970, ("writer",))]
    assert person.also_credited_as == ("Ingeborg Vasquez-Lindquist",)


def test_the_seed_spellings(searcher):
    for query in ("Gontcharov", "Golntcharov", "Alexandre Gontcharof"):
        person = filmography(searcher, query)
        assert {person.name, *person.also_credited_as} == {"Alexandre Gontcharov", "Alexandre Golntcharov"}, query
        [film] = person.films
        assert (film.title, film.year, film.roles) == ("Illegal", 2010, ("Ivan",))
    for query in ("Olivier Masset Depasse", "Masset-Depase"):
        person = filmography(searcher, query)
        assert person.name == "Olivier Masset-Depasse"
        assert person.films[0].jobs == ("director", "writer")


def test_nobody_close(searcher):
    assert filmography(searcher, "Qwxz Plmkj") is None
    assert filmography(searcher, "") is None


def test_others_are_listed_apart(tmp_path):
    articles = {
        "a.txt": "= A =\n\nA\n- Starring: John Smith\n- Released: 1950\n",
        "b.txt": "= B =\n\nB\n- Starring: John Smith\n- Released: 1951\n",
        "c.txt": "= C =\n\nC\n- Director: John Smithson\n- Released: 1960\n",
    }
    with Index(tmp_path / "index") as index:
        index.add([write_articles(tmp_path / "a", articles)])
        person = filmography(index._current_searcher(), "John Smith")
    assert person.also_credited_as == () and person.others == ("John Smithson",)
    assert [c.title for c in person.films] == ["A", "B"]


def test_plain_frozen_data(searcher):
    person = filmography(searcher, "Halvard Breke")
    assert isinstance(person, Person) and all(isinstance(c, Credit) for c in person.films)
    data = json.loads(json.dumps(person.to_dict()))
    assert data["name"] == "Halvard Brekke" and data["query"] == "Halvard Breke"
    assert [f["year"] for f in data["films"]] == [1958, 1961]
    assert set(data) == {f.name for f in dataclasses.fields(Person)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        person.name = "x"  # type: ignore[misc]


@pytest.mark.slow
def test_real_person_with_a_typo(corpus_index):
    from searcher.names import NameRegistry

    searcher = corpus_index._current_searcher()
    registry = NameRegistry.open(searcher)
    prolific = max((registry._match(i, 1.0) for i in range(len(registry))), key=lambda m: m.films)
    typo = prolific.name[:2] + prolific.name[3:]
    person = filmography(searcher, typo)
    assert person.key == prolific.key
    assert len(person.films) >= 1 and all(f.jobs for f in person.films)
    years = [f.year for f in person.films if f.year is not None]
    assert years == sorted(years)


def test_a_person_the_name_cache_has_not_caught_up_with_is_found_exactly_and_one_removed_is_gone(
        tmp_path, monkeypatch):
    from searcher import indexer

    monkeypatch.setattr(indexer, "CACHE_SLACK", 1.0)  # every update keeps the caches, as a small one does
    folder = write_articles(tmp_path / "people", PEOPLE)
    with Index(tmp_path / "index") as index:
        index.add([folder])
        (folder / "fifth.txt").write_text("= Late Harvest =\n\nLate Harvest\n- Starring: Oskarine Vell\n"
                                          "- Released: 1975\n", encoding="utf-8")
        index.sync([folder])
        for exact in (False, True):
            person = index.person("Oskarine Vell", fuzzy=exact is False)
            assert person is not None and person.name == "Oskarine Vell" and person.similarity == 1.0
            assert [(c.title, c.jobs) for c in person.films] == [("Late Harvest", ("cast",))]
        assert index.person("Teodor Rasmussen").films
        for name in ("fourth.txt", "fourth-copy.txt", "first.txt"):
            (folder / name).unlink()
        index.sync([folder])
        person = index.person("Teodor Rasmussen")  # still in the cached registry, in no article
        assert person.name == "Theodor Rasmusen" and [c.title for c in person.films] == ["Winter Ledger"]
