"""Typo tolerance wired into search: close names, corrected words, --exact, `person`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from searcher.cli import app
from tests.conftest import film, films_saying, indexed

runner = CliRunner()


def titles(results) -> list[str]:
    return [hit.title for hit in results]


def searched_as(results) -> set[str]:
    """Every name or word the corrections searched beside what was typed."""
    return {used for correction in results.corrections for used in correction.used}


@pytest.mark.parametrize(
    "query",
    ["Golntcharov", "Gontcharov", "Alexandre Gontcharof", "Olivier Masset Depasse", "Masset-Depase",
     "cast:Gontcharof", 'director:"Masset Depase"'],
)
def test_seed_spellings_put_the_seed_first(small_index, query):
    assert titles(small_index.search(query))[0] == "Illegal"


def test_fuzzy_name_is_reported_and_exact_turns_it_off(small_index):
    results = small_index.search("cast:Gontcharof")
    assert [c.kind for c in results.corrections] == ["name"]
    assert "Alexandre Gontcharov" in results.corrections[0].used
    exact = small_index.search("cast:Gontcharof", fuzzy=False)
    assert len(exact) == 0 and exact.corrections == ()


def test_both_spellings_of_one_person_count(small_index):
    results = small_index.search('cast:"Alexandre Gontcharov"')
    assert set(results.corrections[0].used) >= {"Alexandre Golntcharov"}


def test_unknown_word_is_corrected_known_word_is_not(small_index):
    fixed = small_index.search("lighthuose")
    assert titles(fixed) == ["The Harbour Ghost"]
    assert fixed.corrections[0].original == "lighthuose" and fixed.corrections[0].kind == "word"
    assert small_index.search("lighthouse").corrections == ()
    assert len(small_index.search("lighthuose", fuzzy=False)) == 0


def test_exact_match_outranks_a_fuzzy_one(small_index, tmp_path):
    small_index.add([film(tmp_path, "a.txt", "Paredas Story", "A tale.", "- Starring: Lucio Paredas")])
    results = small_index.search("cast:Paredes")
    first_exact = [h.title for h in results][:2]
    assert "Paredas Story" not in first_exact


def test_person_filmography(small_index):
    person = small_index.person("Lucia Parede")
    assert person is not None and person.name == "Lucía Paredes"
    assert [f.title for f in person.films] == ["The Harbour Ghost", "Deep Steel"]
    assert person.films[0].roles == ("Ingrid",)
    assert small_index.person("Lucia Parede", fuzzy=False) is None
    assert small_index.person("Zzyzx Qwvbn") is None


def test_cli_person_and_correction_line(small_index):
    index = str(small_index.path)
    result = runner.invoke(app, ["person", "gontcharof", "--index", index])
    assert result.exit_code == 0
    assert "Alexandre Gontcharov" in result.stdout and "Illegal" in result.stdout
    data = json.loads(runner.invoke(app, ["person", "Haddad", "--json", "--index", index]).stdout)
    assert data["person"]["name"] == "Samir Haddad" and len(data["person"]["films"]) == 2
    shown = runner.invoke(app, ["search", "lighthuose", "--index", index])
    assert shown.stdout.startswith("Showing results for 'lighthuose'")
    exact = runner.invoke(app, ["search", "lighthuose", "--exact", "--index", index])
    assert "Showing results" not in exact.stdout and "No films match" in exact.stdout
    nobody = runner.invoke(app, ["person", "Zzyzx Qwvbn", "--index", index])
    assert nobody.exit_code == 0 and "No one credited" in nobody.stdout


def test_mistyped_title_still_counts_as_the_exact_title(small_index, tmp_path):
    small_index.add([film(tmp_path, "r.txt", "Deep Steel Returns", "The deep steel crew returns.")])
    results = small_index.search("deep steell")
    assert results.corrections and results.corrections[0].used[0] == "steel"
    assert titles(results)[0] == "Deep Steel"


def test_a_common_phrase_close_to_a_name_is_read_as_words(tmp_path, monkeypatch):
    from searcher import fuzzy

    folder = tmp_path / "a"
    films_saying(folder, 5, "Blaze", "A forest fire sweeps towards the valley town.")
    film(folder, "eyes.txt", "Quiet Eyes", "A girl moves to the desert after her father dies.", "- Starring: Forest Fyre")
    with indexed(folder) as idx:
        # Five plots say "forest fire"; Forest Fyre is credited once: the words win.
        found = idx.search("forest fire")
        assert titles(found)[-1] == "Quiet Eyes" and not found.corrections
        # The name typed right, or mistyped where no plot says it, is still the person.
        assert titles(idx.search("forest fyre"))[0] == "Quiet Eyes"
        assert titles(idx.search("forrest fyre"))[0] == "Quiet Eyes"
        monkeypatch.setattr(fuzzy, "PHRASE_PER_FILM", 100)
        found = idx.search("forest fire")
        assert titles(found)[0] == "Quiet Eyes" and found.corrections[0].used == ("Forest Fyre",)


def test_a_name_typed_with_a_possessive_stays_a_name_however_often_the_plots_say_it(tmp_path):
    folder = tmp_path / "a"
    films_saying(folder, 5, "Fan", "A boy reads Stephen King's novels under the covers.")
    film(folder, "it.txt", "Dark Town", "A clown haunts a town.", "- Writer: Stephen King")
    with indexed(folder) as idx:
        found = idx.search("stephen king's clown")
        assert titles(found)[0] == "Dark Town" and [c.used for c in found.corrections] == [("Stephen King",)]


def test_a_misspelt_name_finds_the_closest_person_not_the_rarest(tmp_path):
    folder = tmp_path / "a"
    for i in range(6):
        film(folder, f"w{i}.txt", f"Harbour {i}", "A quiet story by the sea.", "- Starring: Justin Wilson")
    film(folder, "k.txt", "Lone Film", "A quiet story in the hills.", "- Starring: Justin Wilkes")
    with indexed(folder) as idx:
        found = idx.search("Justin Wilso")
        assert found.corrections[0].used[0] == "Justin Wilson"
        assert titles(found)[0].startswith("Harbour")  # Wilkes is one edit further, and credited once
        assert titles(idx.search("Justin Wilkez"))[0] == "Lone Film"


def test_full_width_letters_find_the_plain_title(small_index):
    assert titles(small_index.search("Ａｍｅｌｉｅ", fuzzy=False))[0] == "Amélie of the Mountains"


def test_two_misspelt_words_are_read_as_a_name_when_the_index_knows_neither(tmp_path):
    folder = tmp_path / "a"
    film(folder, "d.txt", "Hard Day", "A policeman fights terrorists in a tower.", "- Starring: Bruce Willis")
    film(folder, "o.txt", "Other Day", "A bruise on a wall.", "- Starring: Ann Other")
    with indexed(folder) as idx:
        found = idx.search("Bruse Wilis")  # neither word is a credited name's word, exactly
        assert [c.used for c in found.corrections if c.kind == "name"] == [("Bruce Willis",)]
        assert titles(found)[0] == "Hard Day"


def test_one_word_a_credited_name_holds_as_typed_is_not_taken_for_close_names(tmp_path):
    folder = tmp_path / "a"
    film(folder, "s.txt", "Shark Summer", "A shark haunts a beach.", "- Director: Steven Marlowe")
    films_saying(folder, 3, "Prairie", "A ranch in the west.", "- Director: George Stevens")
    with indexed(folder) as idx:
        found = idx.search("director:Steven")
        assert titles(found) == ["Shark Summer"] and found.corrections == ()
        misspelt = idx.search("director:Stevenz")  # no credited name holds it: close names, as before
        assert "George Stevens" in searched_as(misspelt)
        film(folder, "a.txt", "Cattle Call", "A drive.", "- Starring: Jim Marlow")  # an actor's name, not a director's
        idx.add([folder])
        assert "Steven Marlowe" in searched_as(idx.search("director:Marlow"))


def test_a_misspelt_surname_close_to_a_one_word_name_keeps_the_people_who_bear_it(tmp_path):
    folder = tmp_path / "a"
    film(folder, "dog.txt", "Snow Dog", "A dog saves a family at Christmas.", "- Starring: Hitchcock")
    films_saying(folder, 3, "Dark Stairs", "A murder on the stairs.", "- Director: Ingrid Hitchcock")
    with indexed(folder) as idx:
        found = idx.search("hitchcok")
        assert {"Hitchcock", "Ingrid Hitchcock"} <= searched_as(found)
        assert {h.title for h in found} >= {"Snow Dog", "Dark Stairs 0", "Dark Stairs 1", "Dark Stairs 2"}


def test_a_missing_space_beats_a_word_two_typos_away_when_articles_have_the_two_words_side_by_side(tmp_path):
    folder = tmp_path / "a"
    film(folder, "s.txt", "Spider-Man", "A student bitten by a spider fights crime.")
    film(folder, "d.txt", "Square Deal Sanderson", "A saner man arrives. Soon the town is calm.")
    with indexed(folder) as idx:
        found = idx.search("spiderman")
        assert [c.used for c in found.corrections] == [("spider man",)] and titles(found)[0] == "Spider-Man"
        # "saner" and "soon" are both words, never side by side: the title word two typos away stays
        assert [c.used for c in idx.search("sanersoon").corrections] == [("sanderson",)]
        film(folder, "m.txt", "The Matrix", "A hacker learns the world is a simulation.")
        film(folder, "t.txt", "Theatrics", "A theatric troupe.")
        idx.add([folder])
        assert [c.used for c in idx.search("thematrix").corrections] == [("the matrix",)]
