"""The SQLite FTS5 baseline: OR/AND semantics, ranking, folding, odd input, files on disk."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.article import read_article
from searcher.baseline import WEIGHTS, Fts5Baseline, iter_articles, query_words
from searcher.errors import ArticleError, IndexMissingError

AMELIE = """\
= Amélie Runs (2001 film) =

Amélie Runs
- Director: Jean Dupont
- Starring: Claire Vance
- Released: 2001

Amélie Runs is a 2001 French comedy film about a waitress in Montmartre.

==Plot==
A shy waitress quietly helps the strangers of her street.

==Cast==
- Claire Vance as Amélie Poulain
"""

HARBOUR = """\
= Harbour Lights (1988 film) =

Harbour Lights
- Director: Morag Finlay
- Released: 1988

==Plot==
A lighthouse keeper finds a smuggler's boat wrecked in the harbour during a storm.
"""

CROSSING = """\
= Night Crossing (1975 film) =

Night Crossing
- Director: Pieter Aalders
- Released: 1975

==Plot==
Smugglers cross the harbour at night while a customs officer waits on the pier.
"""

ARTICLES = {"amelie.txt": AMELIE, "harbour.txt": HARBOUR, "crossing.txt": CROSSING}

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_7e8eb98cb7cb1a1b.txt"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "films"


def _write(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths[name.removesuffix(".txt")] = str(folder / name)
    return paths


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _write(tmp_path_factory.mktemp("articles"))


@pytest.fixture(scope="module")
def baseline(paths: dict[str, str]):
    with Fts5Baseline.build(read_article(p) for p in paths.values()) as built:
        yield built


def _paths(hits: list[tuple[str, float]]) -> list[str]:
    return [path for path, _ in hits]


def test_words_are_ored(baseline: Fts5Baseline, paths: dict[str, str]) -> None:
    assert _paths(baseline.search("lighthouse zebra")) == [paths["harbour"]]


def test_title_match_outranks_plot_only_match(baseline: Fts5Baseline, paths: dict[str, str]) -> None:
    assert _paths(baseline.search("harbour")) == [paths["harbour"], paths["crossing"]]


def test_both_words_outrank_one(baseline: Fts5Baseline, paths: dict[str, str]) -> None:
    # "customs" and "keeper" each occur once, in different films; "smuggler" is in both.
    hits = baseline.search("keeper smuggler")
    assert _paths(hits) == [paths["harbour"], paths["crossing"]]
    assert hits[0][1] > hits[1][1]


def test_diacritics_are_folded(baseline: Fts5Baseline, paths: dict[str, str]) -> None:
    assert _paths(baseline.search("Amelie")) == [paths["amelie"]]
    assert _paths(baseline.search("AMÉLIE")) == [paths["amelie"]]


def test_words_are_stemmed(baseline: Fts5Baseline, paths: dict[str, str]) -> None:
    assert _paths(baseline.search("running")) == [paths["amelie"]]


def test_people_fields_are_indexed(baseline: Fts5Baseline, paths: dict[str, str]) -> None:
    assert _paths(baseline.search("Claire Vance")) == [paths["amelie"]]  # cast
    assert _paths(baseline.search("Poulain")) == [paths["amelie"]]  # characters
    assert _paths(baseline.search("Aalders")) == [paths["crossing"]]  # crew


def test_and_mode_needs_every_word(baseline: Fts5Baseline, paths: dict[str, str]) -> None:
    assert _paths(baseline.search("harbour storm", mode="and")) == [paths["harbour"]]
    assert baseline.search("lighthouse zebra", mode="and") == []


def test_limit(baseline: Fts5Baseline) -> None:
    assert len(baseline.search("harbour", limit=1)) == 1
    assert baseline.search("harbour", limit=0) == []


def test_len(baseline: Fts5Baseline) -> None:
    assert len(baseline) == 3


@pytest.mark.parametrize(
    "query",
    ['"', '"harbour', "*", "harb*", "-", "-harbour", "NEAR(", "NEAR(harbour storm)", "AND", "OR NOT",
     "title:harbour", "^harbour", "(", ")", "{title}: x", "", "   ", "\x00\x01\x1f", "a" * 10_000,
     " ".join(["harbour"] * 2_000), "\ud800"],
)
@pytest.mark.parametrize("mode", ["or", "and"])
def test_odd_queries_do_not_raise(baseline: Fts5Baseline, query: str, mode: str) -> None:
    assert isinstance(baseline.search(query, mode=mode), list)  # type: ignore[arg-type]


def test_syntax_words_are_plain_words(baseline: Fts5Baseline, paths: dict[str, str]) -> None:
    assert _paths(baseline.search('"harbour" AND NOT storm*')) == [paths["harbour"], paths["crossing"]]


def test_no_words_no_hits(baseline: Fts5Baseline) -> None:
    assert baseline.search("") == []
    assert baseline.search(" -- \"\" ** ") == []


def test_query_words_keep_marks_and_drop_repeats() -> None:
    assert query_words("हिन्दी film FILM e\u0301te\u0301") == ["हिन्दी", "film", "été"]


@settings(max_examples=300, deadline=None)
@given(query=st.text(), mode=st.sampled_from(["or", "and"]))
def test_any_text_gives_hits(baseline: Fts5Baseline, query: str, mode: str) -> None:
    hits = baseline.search(query, mode=mode)  # type: ignore[arg-type]
    assert all(isinstance(path, str) and isinstance(score, float) for path, score in hits)


def test_build_on_disk_and_reopen(tmp_path: Path, paths: dict[str, str]) -> None:
    db = tmp_path / "baseline.sqlite"
    with Fts5Baseline.build(iter_articles([Path(paths["amelie"]).parent]), db) as built:
        assert built.size_bytes == db.stat().st_size > 0
        expected = built.search("harbour")
    with Fts5Baseline.open(db) as reopened:
        assert reopened.search("harbour") == expected
        assert len(reopened) == 3
    with Fts5Baseline.build([read_article(paths["amelie"])], db) as rebuilt:  # replaces, not appends
        assert len(rebuilt) == 1


def test_memory_baseline_has_no_size(baseline: Fts5Baseline) -> None:
    assert baseline.size_bytes is None


def test_open_refuses_what_is_not_a_baseline(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError):
        Fts5Baseline.open(tmp_path / "missing.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()
    (tmp_path / "text.sqlite").write_text("not a database")
    with pytest.raises(IndexMissingError):
        Fts5Baseline.open(tmp_path / "text.sqlite")


def test_iter_articles_walks_sorted_and_skips_bad_files(tmp_path: Path) -> None:
    _write(tmp_path / "a" / "b")
    (tmp_path / "a" / "empty.txt").write_bytes(b"")
    (tmp_path / "a" / "notes.md").write_text("= Not an article =\n")
    skipped: list[ArticleError] = []
    titles = [a.title for a in iter_articles([tmp_path / "a", tmp_path / "gone.txt"], skipped)]
    assert titles == ["Amélie Runs", "Night Crossing", "Harbour Lights"]
    assert sorted(Path(e.path or "").name for e in skipped) == ["empty.txt", "gone.txt"]
    assert list(iter_articles([tmp_path / "gone.txt"])) == []  # no list: still silent


def test_weights_cover_every_column() -> None:
    assert list(WEIGHTS) == ["title", "lead", "plot", "cast", "characters", "crew", "other"]


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir() or not SEED.is_file(), reason="film corpus not present")
def test_corpus_sample_finds_the_seed() -> None:
    sample = itertools.islice(sorted((CORPUS / "2010s").glob("*.txt")), 300)
    with Fts5Baseline.build(iter_articles([SEED, *sample])) as built:
        assert len(built) == 301
        assert str(SEED) in _paths(built.search("immigration detention"))
