"""Query semantics over the small fictional index: free words, fields, phrases, ranges, booleans, ranking."""

from __future__ import annotations

import pytest

from searcher import QueryError
from searcher.query import compile_query
from tests.conftest import film, films_saying, indexed


def titles(results) -> list[str]:
    return [hit.title for hit in results]


def test_free_words_are_optional_but_more_of_them_rank_higher(small_index):
    results = small_index.search("lighthouse submarine")
    assert set(titles(results)[:2]) == {"The Harbour Ghost", "Deep Steel"}
    both = small_index.search("submarine crew rescue")
    one = small_index.search("submarine")
    assert titles(both)[0] == "Deep Steel"
    assert titles(one) == ["Deep Steel"]


def test_film_with_all_words_beats_film_with_one(small_index):
    results = small_index.search("immigration detention hunger")
    assert titles(results)[0] == "Wire Fences"
    assert results[0].score > results[-1].score


def test_stemming_and_accent_folding(small_index):
    assert "Wire Fences" in titles(small_index.search("detained"))
    assert titles(small_index.search("Amelie"))[0] == "Amélie of the Mountains"
    assert titles(small_index.search("cast:kjaergaard"))[0] == "The Harbour Ghost"


def test_title_of_stop_words_is_found(small_index):
    assert titles(small_index.search("It")) == ["It"]
    assert titles(small_index.search("title:It")) == ["It"]


def test_fielded_clauses_are_required(small_index):
    results = small_index.search('director:"Samir Haddad" submarine')
    assert set(titles(results)) == {"Deep Steel", "Wire Fences"}
    assert titles(results)[0] == "Deep Steel"
    both = small_index.search('director:Haddad cast:Paredes')
    assert titles(both) == ["Deep Steel"]


def test_surname_and_full_name_match_but_not_across_names(small_index):
    assert titles(small_index.search("cast:Paredes")) == ["The Harbour Ghost", "Deep Steel"] or set(
        titles(small_index.search("cast:Paredes"))
    ) == {"The Harbour Ghost", "Deep Steel"}
    assert set(titles(small_index.search('cast:"Lucía Paredes"'))) == {"The Harbour Ghost", "Deep Steel"}
    # "Kjærgaard, Lucía" spans two credited names: not a phrase.
    assert len(small_index.search('cast:"Kjaergaard Lucia"')) == 0


def test_hyphenated_name_is_one_name(small_index):
    assert titles(small_index.search('director:"Masset-Depasse"')) == ["Illegal"]
    assert titles(small_index.search("director:Masset-Depasse")) == ["Illegal"]
    assert titles(small_index.search("Masset-Depasse"))[0] == "Illegal"


def test_phrase_requires_adjacent_words(small_index):
    assert titles(small_index.search('"hunger strike"')) == ["Wire Fences"]
    assert len(small_index.search('"strike hunger"')) == 0
    assert titles(small_index.search('plot:"hunger strike"')) == ["Wire Fences"]


def test_prose_field_matches_only_in_its_section(small_index):
    # "lighthouse" is in The Harbour Ghost's lead and plot; "mystery" only in its lead.
    assert titles(small_index.search("plot:lighthouse")) == ["The Harbour Ghost"]
    assert titles(small_index.search("lead:mystery")) == ["The Harbour Ghost"]
    assert len(small_index.search("plot:mystery")) == 0
    assert len(small_index.search("lead:clown")) == 0
    assert titles(small_index.search('lead:"norwegian mystery film"')) == ["The Harbour Ghost"]
    assert len(small_index.search('plot:"norwegian mystery"')) == 0
    assert titles(small_index.search("lead:myst*")) == ["The Harbour Ghost"]
    assert len(small_index.search("plot:myst*")) == 0
    assert "Wire Fences" in titles(small_index.search("plot:detent*"))
    assert "Wire Fences" not in titles(small_index.search("detent* -plot:hung*"))


def test_phrase_never_spans_two_sections(tmp_path):
    folder = tmp_path / "a"
    (folder).mkdir()
    (folder / "x.txt").write_text(
        "= Salt Harbour =\n\nSalt Harbour\n- Released: 1990\n\nA story of the sea.\n\n==Plot==\nWinter comes early.\n",
        encoding="utf-8",
    )
    with indexed(folder) as idx:
        assert titles(idx.search('"story of the sea"')) == ["Salt Harbour"]
        assert len(idx.search('"sea winter"')) == 0  # lead ends with "sea", plot starts with "winter"
        assert titles(idx.search('"harbour story"')) == []  # title, then lead


def test_year_and_ranges(small_index):
    assert titles(small_index.search("year:1987")) == ["The Harbour Ghost"]
    assert set(titles(small_index.search("year:1990..2010"))) == {"Deep Steel", "Amélie of the Mountains", "Illegal"}
    assert set(titles(small_index.search("year:..1990"))) == {"The Harbour Ghost"}
    assert titles(small_index.search("runtime:100..110")) == ["The Harbour Ghost"]


def test_boolean_operators(small_index):
    assert set(titles(small_index.search("submarine OR lighthouse"))) == {"Deep Steel", "The Harbour Ghost"}
    assert titles(small_index.search("submarine AND crew")) == ["Deep Steel"]
    assert len(small_index.search("submarine AND lighthouse")) == 0
    assert "Wire Fences" not in titles(small_index.search("detention -refugees"))
    assert "Wire Fences" not in titles(small_index.search("detention NOT hunger"))


def test_an_excluded_article_never_leaks_whatever_the_order_of_indexing(tmp_path):
    folder = tmp_path / "a"
    film(folder, "a.txt", "Gem A", "A sapphire.")
    film(folder, "b.txt", "Gem B", "A ruby and a sapphire.")  # the first with "ruby": excluded
    film(folder, "c.txt", "Gem C", "A ruby.")
    with indexed(folder) as idx:
        assert titles(idx.search("ruby -sapphire")) == ["Gem C"]
        assert titles(idx.search("ruby AND NOT sapphire")) == ["Gem C"]


def test_prefix(small_index):
    assert "Wire Fences" in titles(small_index.search("refug*"))


def test_a_prefix_stands_for_its_most_frequent_words(tmp_path, monkeypatch):
    folder = tmp_path / "walruses"
    film(folder, "a.txt", "Tusk One", "A walrus and a walrus and a wanderer.")
    film(folder, "b.txt", "Tusk Two", "A walrus meets a warden.")
    film(folder, "c.txt", "Tusk Three", "A walrus meets a wanderer.")
    film(folder, "d.txt", "Tusk Four", "A warbler sings.")
    idx = indexed(folder)
    assert len(idx.search("wa*")) == 4
    monkeypatch.setattr("searcher.query.PREFIX_WORDS", 2)  # walrus (3 articles), wanderer (2)
    assert set(titles(idx.search("wa*"))) == {"Tusk One", "Tusk Two", "Tusk Three"}
    assert titles(idx.search("warb*")) == ["Tusk Four"]
    idx.close()


def test_prefixes_that_stand_for_too_many_articles_are_refused_in_one_line(small_index, monkeypatch):
    from searcher import query

    assert small_index.search("refug* detent*")
    monkeypatch.setattr(query, "PREFIX_POSTINGS", 1)  # "refug*" alone holds more; on the corpus "th* an* co* re*"
    with pytest.raises(QueryError, match=r"wildcards .*refug\* .*more letters"):
        small_index.search("refug* detent*")
    assert small_index.search("refugees detention")  # whole words are not limited


def test_a_clause_typed_twice_counts_once():
    once = compile_query("(harbour OR ghost) keeper")
    assert compile_query("(harbour OR ghost) keeper (harbour OR ghost)").find == once.find


def test_a_repeated_word_is_one_clause(small_index):
    once, many = small_index.search("submarine lighthouse"), small_index.search("submarine " * 80 + "lighthouse")
    assert [(h.title, round(h.score, 6)) for h in many] == [(h.title, round(h.score, 6)) for h in once]
    assert titles(small_index.search("submarine OR submarine")) == titles(small_index.search("submarine"))


def test_duplicate_articles_are_one_hit(small_index, tmp_path):
    twin = tmp_path / "twin.txt"
    twin.write_text("= Wire Fences =\n\nWire Fences\n- Released: 2015\n\n==Plot==\nA hunger strike.\n", encoding="utf-8")
    small_index.add([twin])
    results = small_index.search("hunger strike")
    wire = [h for h in results if h.title == "Wire Fences"]
    assert len(wire) == 1
    assert wire[0].also == (str(twin),)
    assert wire[0].path != str(twin)  # the richer article stands for the film


def test_hits_are_typed_and_detached(small_index):
    results = small_index.search("ghost")
    small_index.close()
    hit = results[0]
    assert hit.title == "The Harbour Ghost" and hit.year == 1987
    assert hit.path.endswith("harbour.txt")
    assert "plot" in hit.fields
    assert hit.snippet is not None and hit.snippet.spans
    start, end = hit.snippet.spans[0]
    assert hit.snippet.text[start:end].lower() == "ghost"
    assert results.to_dict()["hits"][0]["year"] == 1987


def test_missing_values_are_none(small_index):
    hit = small_index.search("clown")[0]
    data = hit.to_dict()
    assert data["year"] == 2031
    assert small_index.search("title:Wire")[0].year == 2015


@pytest.mark.parametrize(
    "query",
    ["", "  ", '"open', "(a", "a)", "nosuch:x", "year:abc", "*", "a" * 1001, "a\x00b", "-a", "NOT", "plot:the", '""'],
)
def test_bad_queries_raise_query_error(small_index, query):
    with pytest.raises(QueryError):
        small_index.search(query)


def test_limit_must_be_positive(small_index):
    with pytest.raises(QueryError):
        small_index.search("ghost", limit=0)


def test_only_stop_words_still_search_titles():
    compiled = compile_query("the")
    assert compiled.terms["title"] == {"the"}
    assert "title:the" in str(compiled.find)


def test_exact_title_outranks_a_longer_title_sharing_its_words(small_index, tmp_path):
    small_index.add([film(tmp_path, "steel.txt", "Deep Steel Returns", "The deep steel crew returns.")])
    assert titles(small_index.search("deep steel"))[0] == "Deep Steel"
    assert titles(small_index.search("deep steel returns"))[0] == "Deep Steel Returns"



def test_long_free_word_query_with_unknown_words_still_answers(small_index):
    assert len(small_index.search("zzqx wwqy vvqz kkqj", fuzzy=False)) == 0
    assert titles(small_index.search("a submarine crew is trapped and waits for rescue as air runs out"))[0] == "Deep Steel"


def test_section_weights_rescale_only_their_section(small_index, monkeypatch):
    from whoosh import query as wq

    from searcher import ranking
    from searcher.query import _leaf_scores, _section_scores

    searcher = small_index._current_searcher()
    docnums = list(range(searcher.doc_count_all()))
    lighthouse = wq.Term("text", "lighthous")  # in The Harbour Ghost's lead and plot
    whoosh = _leaf_scores(searcher, lighthouse, docnums)
    monkeypatch.setattr(ranking, "SECTION_WEIGHT", dict.fromkeys(ranking.SECTION_WEIGHT, 1.0))
    assert whoosh and _section_scores(searcher, lighthouse, docnums) == (pytest.approx(whoosh),) * 2
    monkeypatch.setitem(ranking.SECTION_WEIGHT, "other", 0.0)
    assert _section_scores(searcher, lighthouse, docnums) == (pytest.approx(whoosh),) * 2
    monkeypatch.setitem(ranking.SECTION_WEIGHT, "lead", 0.0)
    lower, plain = _section_scores(searcher, lighthouse, docnums)
    assert plain == pytest.approx(whoosh)
    assert lower.keys() == whoosh.keys() and all(lower[d] < whoosh[d] for d in whoosh)
    either = wq.Or([lighthouse, wq.Term("text", "clown", boost=0.5)])
    assert _section_scores(searcher, either, docnums)[1] == pytest.approx(_leaf_scores(searcher, either, docnums))
    assert _section_scores(searcher, wq.Phrase("text", ["lighthous", "keeper"]), docnums) is None


def test_plot_weight_reorders_films(tmp_path, monkeypatch):
    from searcher import ranking

    folder = tmp_path / "a"
    film(folder, "a.txt", "Alpha", "A quiet film about a village.", "- Released: 1990\n\nAlpha is known for its falcon.")
    film(folder, "b.txt", "Beta", "A falcon hunts over a village.", "- Released: 1990\n\nBeta is a quiet film.")
    with indexed(folder) as idx:
        monkeypatch.setitem(ranking.SECTION_WEIGHT, "lead", 3.0)
        assert titles(idx.search("falcon"))[0] == "Alpha"
        monkeypatch.setitem(ranking.SECTION_WEIGHT, "lead", 0.3)
        assert titles(idx.search("falcon"))[0] == "Beta"


def test_stop_words_beside_other_words_do_not_count_as_matched_words(tmp_path):
    folder = tmp_path / "a"
    plot = "A falcon hunts over the village."
    film(folder, "a.txt", "Alpha", plot + " The falcon returns.")
    film(folder, "b.txt", "The Story of the Night", plot)
    with indexed(folder) as idx:
        assert titles(idx.search("the story of the falcon"))[0] == "The Story of the Night"

        def alpha(query: str) -> float:
            return next(hit.score for hit in idx.search(query) if hit.title == "Alpha")

        # A film without "the" or "of" in its title matched every word that says anything.
        assert alpha("the falcon of the village") == pytest.approx(alpha("falcon village"))


def test_exact_title_is_found_when_its_words_rank_other_films_higher(tmp_path, monkeypatch):
    from searcher import query

    folder = tmp_path / "a"
    for i in range(8):
        film(folder, f"hot{i}.txt", f"Summer {i}", "Some like the hot sun; some like it hot, hot, hot. " * 3)
    film(folder, "wilder.txt", "Some Like It Hot", "Two musicians hide in an all-female band.")
    monkeypatch.setattr(query, "CANDIDATES", 1)
    with indexed(folder) as idx:
        assert titles(idx.search("some like it hot", limit=1)) == ["Some Like It Hot"]
        monkeypatch.setattr(query, "_TITLED_MAX", 0)
        assert titles(idx.search("some like it hot", limit=1)) != ["Some Like It Hot"]


@pytest.fixture(scope="module")
def module_index(tmp_path_factory):
    from searcher import Index
    from tests.conftest import SEED, write_articles

    folder = tmp_path_factory.mktemp("fuzzed")
    idx = Index(folder / "index")
    idx.add([write_articles(folder / "articles"), SEED])
    yield idx
    idx.close()


def _clauses():
    from hypothesis import strategies as st

    from searcher.syntax import FIELDS

    word = st.sampled_from(["ghost", "harb*", "myst*", "Masset-Depasse", "1990..1999", '"lighthouse keeper"', "the"])
    field = st.sampled_from(["", *(f"{name}:" for name in FIELDS)])
    return st.tuples(st.sampled_from(["", "-", "NOT ", "("]), field, word, st.sampled_from([" ", " AND ", " OR ", ") "]))


def test_any_query_gives_results_or_a_query_error(module_index):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None)
    @given(st.lists(_clauses(), min_size=1, max_size=4))
    def check(clauses):
        try:
            results = module_index.search("".join("".join(c) for c in clauses))
        except QueryError as error:
            assert error.message
            return
        assert all(hit.title for hit in results)

    check()


def test_a_word_among_others_weighs_in_names_as_much_as_it_reads_as_a_name(tmp_path, monkeypatch):
    from searcher import ranking

    folder = tmp_path / "a"
    films_saying(folder, 9, "Cards", "A fortune teller reads the cards for a sailor.")
    film(folder, "show.txt", "Magic Show", "A magician wins a fortune at the fair.", "- Starring: Ray Teller")
    with indexed(folder) as idx:

        def scores(query: str, name_like: float) -> dict[str, float]:
            monkeypatch.setattr(ranking, "NAME_LIKE", name_like)
            return {hit.title: hit.score for hit in idx.search(query)}

        # "teller" is in ten articles and credited in one: in "fortune teller" it is a plot word.
        shipped_value = ranking.NAME_LIKE
        full, shipped, damped = (scores("fortune teller", v) for v in (0.0, shipped_value, 1.0))
        assert max(full, key=full.get) == "Magic Show"
        assert max(damped, key=damped.get) != "Magic Show"
        assert full["Magic Show"] > shipped["Magic Show"] > damped["Magic Show"]
        assert full["Cards 0"] == pytest.approx(damped["Cards 0"])
        # Typed alone, a word may well be a surname: its name match counts in full.
        alone = scores("teller", 1.0)
        assert max(alone, key=alone.get) == "Magic Show"


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("alien 1979", 1979),
        ("the thing 1982", 1982),
        ("a star is born 1954", 1954),  # stop words do not count towards ranking.YEAR_WORDS
        ("1979", None),  # a year alone may be a title ("1984", "2012")
        ("2001 a space odyssey", None),  # not last
        ("blade runner 2049", None),  # not a release year yet
        ("boy escapes the asylum and stalks babysitters in 1963", None),  # the story's year
        ("alien 1979 -remake", 1979),
        ("alien 19", None),
        ("alien (1979)", 1979),  # as Wikipedia writes it
        ('1941 "pearl harbor"', None),  # typed first, though compiled last
        ('"pearl harbor" 1941', 1941),
        ("alien ¹⁹⁷⁹", None),  # digits int() does not read
        ("alien ①", None),
    ],
)
def test_a_year_typed_last_after_a_few_words_reads_as_the_release_year(text, year):
    assert compile_query(text).year == year


def test_a_release_year_typed_after_a_title_ranks_that_years_film_first(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    for year, plot in [(1950, "A ghost haunts the harbour."), (1990, "A ghost haunts the harbour again.")]:
        (folder / f"{year}.txt").write_text(f"= Harbour Ghost ({year} film) =\n\nHarbour Ghost\n- Released: {year}\n\n"
                                            f"==Plot==\n{plot}\n", encoding="utf-8")
    film(folder, "c.txt", "Harbour Ghost II", "The ghost of the harbour returns in 1990.", "- Released: 1952")
    with indexed(folder) as idx:
        for year in (1950, 1990):
            assert [(h.title, h.year) for h in idx.search(f"harbour ghost {year}")][0] == ("Harbour Ghost", year)
        # A film titled with the number: the query is its title, not a year.
        film(folder, "s.txt", "Summer 1990", "A ghost at the harbour.", "- Released: 1993")
        film(folder, "h.txt", "Heat Wave", "In the summer of 1990 the summer heat, the 1990 summer.", "- Released: 1990")
        idx.add([folder])
        assert idx.search("summer 1990")[0].title == "Summer 1990"
