"""Integration over a sample of the real corpus (skipped where ../shared/corpus is absent)."""

from __future__ import annotations

import pytest

from tests.conftest import SEED

pytestmark = pytest.mark.slow


def test_seed_ranks_first_for_its_topic(corpus_index):
    results = corpus_index.search("immigration detention")
    assert results[0].title == "Illegal"
    assert results[0].path == str(SEED)


def test_duplicate_of_the_seed_is_folded_into_one_hit(corpus_index):
    results = corpus_index.search("Tania Ivan Belarusian asylum")
    illegal = [h for h in results if h.page_title == "Illegal (2010 film)"]
    assert len(illegal) == 1
    assert illegal[0].path == str(SEED)  # the richer article
    assert any(p.endswith("Illegal_(2010_film).txt") for p in illegal[0].also)


def test_misspelled_cast_name_and_hyphenated_director(corpus_index):
    assert corpus_index.search("cast:Golntcharov")[0].title == "Illegal"
    assert corpus_index.search('director:"Masset-Depasse"')[0].title == "Illegal"


def test_every_hit_has_a_snippet_with_valid_spans(corpus_index):
    for query in ["war", "love story", "detective murder", '"New York"']:
        for hit in corpus_index.search(query):
            assert hit.snippet is not None
            for start, end in hit.snippet.spans:
                assert 0 <= start < end <= len(hit.snippet.text)


def test_year_range_is_respected(corpus_index):
    results = corpus_index.search("year:1990..1999 crime", limit=20)
    assert results and all(1990 <= h.year <= 1999 for h in results)


@pytest.mark.parametrize("query", ["war -war", "love -love", '"the of"', "lo*", "war -lo*"])
def test_total_lies_between_the_hits_and_the_index(corpus_index, query):
    results = corpus_index.search(query)
    assert len(results) <= results.total <= corpus_index.status().articles
    assert (results.total == 0) == (len(results) == 0)


@pytest.mark.parametrize("query", ["submarine -comedy", "volcano -love", "war -war*", "plot:submarine -plot:war"])
def test_a_small_total_is_counted_whatever_the_limit(corpus_index, query):
    # Whoosh's estimate adds the excluded articles in ("war -comedy": 51 for 25 on 300 articles).
    everything = corpus_index.search(query, limit=500)
    assert len(everything) < 100
    assert {corpus_index.search(query, limit=n).total for n in (1, 5, 50)} == {everything.total}
    assert everything.total == len(everything) + sum(len(hit.also) for hit in everything)
