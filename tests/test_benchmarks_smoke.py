"""The benchmark suite still runs: 50 articles, every figure produced (not how fast)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.benchmarks import __main__ as bench_cli
from tests.benchmarks import report, suite
from tests.benchmarks.corpus import CORPUS

pytestmark = pytest.mark.slow

#: Figures that only some engines have.
_ONLY_FILMSEARCH = {"help_s", "python_start_s", "fuzzy_name_ms", "nochange_sync_s"}


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus (../shared/corpus/films) is not here")
    return suite.run(50, workdir=tmp_path_factory.mktemp("bench"), build_repeat=1, rounds=1, cold_repeat=1,
                     incremental_repeat=1, log=lambda message: None)


def test_every_figure_is_produced(result: dict) -> None:
    engines = result["meta"]["engines"]
    assert {"filmsearch", "fts5"} <= set(engines)
    assert [row["id"] for row in result["figures"]] == [key for key, *_ in report.FIGURES]
    for row in result["figures"]:
        for engine in engines:
            value = row["values"][engine]
            if engine != "filmsearch" and row["id"] in _ONLY_FILMSEARCH:
                continue
            if row["id"] == "fuzzy_name_ms":
                assert value == "n/a" or value > 0, row
            else:
                assert isinstance(value, (int, float)) and value > 0, (engine, row)
        if row["id"] not in _ONLY_FILMSEARCH:
            assert row["ratio"] is not None and row["ratio"] > 0, row


def test_same_articles_and_every_query_answered(result: dict) -> None:
    articles = {name: engine["build"]["articles"] for name, engine in result["engines"].items()}
    assert set(articles.values()) == {50}, articles
    queries = result["engines"]["filmsearch"]["query"]["default"]["per_query"]
    assert len(queries) == result["meta"]["queries"] >= 50
    assert {q["kind"] for q in queries} == {"topic", "name", "title", "phrase", "long", "fielded"}
    # The seed article is always in the sample, and its director's query finds it.
    seed_query = next(q for q in queries if q["query"] == 'director:"Olivier Masset-Depasse"')
    assert seed_query["hits"] >= 1


def test_table_and_json(result: dict, tmp_path: Path) -> None:
    text = report.table(result)
    assert "filmsearch / FTS5" in text and "warm query p95" in text
    assert "slowest filmsearch queries" in report.slowest(result)
    out = tmp_path / "bench.json"
    report.write_json(result, out)
    assert json.loads(out.read_text(encoding="utf-8"))["figures"][0]["id"] == "build_s"
    assert "50 articles" in report.scaling_table([result, result])


def test_cli_rejects_a_bad_size() -> None:
    with pytest.raises(SystemExit) as exit_info:
        bench_cli.main(["--size", "lots"])
    assert exit_info.value.code == 2
