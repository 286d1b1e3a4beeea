"""The eval module: query-set loading, metrics against hand-computed values, filtering, the FTS5 side."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from searcher.errors import FilmsearchError, SourceMissingError
from searcher.evaluate import (
    EvalReport,
    JudgedQuery,
    Metrics,
    QuerySetError,
    build_baseline,
    evaluate,
    load_queries,
    measure,
)

from .conftest import SEED

#: A second article of "Deep Steel" (same page title): the index shows the film once.
TWIN = """= Deep Steel =

Deep Steel
- Released: 1995

==Plot==
A submarine crew is trapped on the sea floor.
"""

SEED_REL = "seeds/" + SEED.name


def q(id: str, kind: str, query: str, relevant: list[str], split: str = "tune", **extra: object) -> dict[str, object]:
    return {"id": id, "kind": kind, "split": split, "query": query, "relevant": relevant, **extra}


#: Ranks as the fictional index gives them (checked in test_ranks_the_set_relies_on).
QUERIES = [
    # harbour.txt is second, after Deep Steel (which has both the actor and "submarine").
    q("ki-1", "known-item", "Lucía Paredes submarine", ["articles/harbour.txt"]),
    q("ki-2", "known-item", "clown", ["articles/it.txt"], split="heldout"),
    q("pe-1", "person", "Samir Haddad", ["articles/detention.txt", "articles/submarine.txt"]),
    # Wire Fences (grade 1) ranks above the seed (grade 2).
    q("tp-1", "topical", "immigration detention", [SEED_REL, "articles/detention.txt"],
      grades={SEED_REL: 2, "articles/detention.txt": 1}),
    # Both Deep Steel articles are one film.
    q("tp-2", "topical", "submarine crew trapped", ["articles/submarine.txt", "twin/deep_steel.txt"], split="heldout"),
]


def write_set(path: Path, queries: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in queries), encoding="utf-8")
    return path


@pytest.fixture
def eval_index(tmp_path: Path, articles_dir: Path):
    from searcher import Index

    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / "deep_steel.txt").write_text(TWIN, encoding="utf-8")
    idx = Index(tmp_path / "index")
    idx.add([articles_dir, twin, SEED])
    yield idx
    idx.close()


@pytest.fixture
def query_set(tmp_path: Path) -> Path:
    return write_set(tmp_path / "queries.jsonl", QUERIES)


def by_id(report: EvalReport) -> dict[str, object]:
    return {o.query.id: o for o in report.outcomes}


# -- metrics, on ranked lists --------------------------------------------------------


def test_measure_hand_computed() -> None:
    third = 1 / math.log2(3)
    scores = measure(
        {
            "rank2": {"a": 1},
            "graded": {"a": 2, "b": 1},
            "recall": {"a": 1, "b": 1, "c": 1},
            "empty": {"a": 1},
            "absent": {"a": 1},
            "cut": {"a": 1},
        },
        {
            "rank2": ["x", "a", "y"],
            "graded": ["x", "b", "a"],
            "recall": ["a", "x", "c"],
            "empty": [],
            "cut": ["x", "y", "a"],
        },
        limit=2,
    )
    assert scores["rank2"] == Metrics(mrr=0.5, success_1=0.0, success=1.0, recall=1.0, ndcg=pytest.approx(third))
    # Only the first 2 count: b (grade 1) at rank 2; ideal is a (2) then b (1).
    assert scores["graded"].ndcg == pytest.approx(third / (2 + third))
    assert scores["graded"].recall == 0.5
    assert scores["recall"].recall == pytest.approx(1 / 3)
    assert scores["recall"].success_1 == 1.0
    zero = Metrics(mrr=0.0, success_1=0.0, success=0.0, recall=0.0, ndcg=0.0)
    assert scores["empty"] == scores["absent"] == scores["cut"] == zero


def test_measure_graded_ndcg_at_10() -> None:
    scores = measure({"q": {"a": 2, "b": 1}}, {"q": ["x", "b", "a"]})
    # Linear gain: DCG = 1/log2(3) + 2/log2(4); ideal = 2/log2(2) + 1/log2(3).
    assert scores["q"].ndcg == pytest.approx((1 / math.log2(3) + 1) / (2 + 1 / math.log2(3)))
    assert scores["q"].mrr == 0.5


def test_measure_keeps_the_given_order_on_ties() -> None:
    # Engines may score films equal; the rank order given is what counts.
    assert measure({"q": {"a": 1}}, {"q": ["z", "a"]})["q"].mrr == 0.5
    # A repeated id counts once: its second slot is a miss.
    assert measure({"q": {"a": 1, "b": 1}}, {"q": ["a", "a", "b"]})["q"].ndcg == pytest.approx(
        (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    )


def test_metric_names() -> None:
    assert Metrics.names() == ("MRR@10", "Success@1", "Success@10", "Recall@10", "nDCG@10")


# -- loading the set ------------------------------------------------------------------


def test_load_queries(query_set: Path) -> None:
    queries = load_queries(query_set)
    assert [x.id for x in queries] == ["ki-1", "ki-2", "pe-1", "tp-1", "tp-2"]
    assert queries[3].grade(SEED_REL) == 2 and queries[2].grade("articles/detention.txt") == 1
    assert queries[0] == JudgedQuery(id="ki-1", kind="known-item", split="tune", query="Lucía Paredes submarine",
                                     relevant=("articles/harbour.txt",))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "x", "kind": "title"', "not JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"kind": "title", "query": "q", "relevant": ["a"]}', "'id' must be a non-empty string"),
        ('{"id": "x", "kind": "title", "query": "q", "relevant": []}', "'relevant' must be a non-empty list"),
        ('{"id": "x", "kind": "title", "query": "q", "relevant": ["a", "a"]}', "lists a path twice"),
        ('{"id": "x", "kind": "t", "query": "q", "split": "train", "relevant": ["a"]}', "'split' must be one of"),
        ('{"id": "x", "kind": "t", "query": "q", "relevant": ["a"], "grades": {"b": 1}}', "not in 'relevant'"),
        ('{"id": "x", "kind": "t", "query": "q", "relevant": ["a"], "grades": {"a": 0}}', "at least 1"),
        ('{"id": "ki-1", "kind": "t", "query": "q", "relevant": ["a"]}', "already used on line 1"),
    ],
)
def test_bad_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    file = tmp_path / "bad.jsonl"
    file.write_text(json.dumps(QUERIES[0]) + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(QuerySetError, match=message) as caught:
        load_queries(file)
    assert caught.value.line == 3 and caught.value.path == str(file)
    assert str(caught.value).startswith(f"{file}:3: ")
    assert isinstance(caught.value, FilmsearchError) and caught.value.exit_code == 2


def test_missing_set(tmp_path: Path) -> None:
    with pytest.raises(SourceMissingError):
        load_queries(tmp_path / "nope.jsonl")


# -- evaluating an index ---------------------------------------------------------------


def test_ranks_the_set_relies_on(eval_index) -> None:
    names = lambda query: [Path(h.path).name for h in eval_index.search(query)]  # noqa: E731
    assert names("Lucía Paredes submarine")[:2] == ["submarine.txt", "harbour.txt"]
    assert names("immigration detention")[:2] == ["detention.txt", SEED.name]
    assert len(eval_index.search("submarine crew trapped")) == 1


def test_evaluate_per_query_and_kind(eval_index, query_set: Path) -> None:
    report = evaluate(eval_index, query_set)
    outcome = by_id(report)
    assert outcome["ki-1"].filmsearch.rank == 2
    assert outcome["ki-1"].filmsearch.metrics.mrr == 0.5
    assert outcome["ki-1"].filmsearch.metrics.success_1 == 0.0
    assert outcome["ki-2"].filmsearch.metrics.mrr == 1.0
    assert outcome["pe-1"].filmsearch.metrics == Metrics(mrr=1.0, success_1=1.0, success=1.0, recall=1.0, ndcg=1.0)
    third = 1 / math.log2(3)
    tp1 = outcome["tp-1"].filmsearch.metrics
    assert tp1.ndcg == pytest.approx((1 + 2 * third) / (2 + third))  # grade 1 first, grade 2 second
    assert tp1.mrr == 1.0 and tp1.recall == 1.0
    # The twin articles are one film, found once: full recall from one hit.
    assert outcome["tp-2"].films == 1 and outcome["tp-2"].filmsearch.metrics.recall == 1.0
    groups = {g.kind: g for g in report.groups}
    assert list(groups) == ["known-item", "person", "topical", "all"]
    assert groups["known-item"].queries == 2 and groups["known-item"].filmsearch.mrr == 0.75
    assert groups["topical"].filmsearch.ndcg == pytest.approx(((1 + 2 * third) / (2 + third) + 1) / 2)
    assert report.overall.queries == 5 and report.overall.filmsearch.mrr == pytest.approx(4.5 / 5)
    assert report.overall.baseline is None and report.missing == ()


def test_split_and_kind_filters(eval_index, query_set: Path) -> None:
    tune = evaluate(eval_index, query_set, split="tune")
    assert [o.query.id for o in tune.outcomes] == ["ki-1", "pe-1", "tp-1"]
    assert tune.overall.filmsearch.mrr == pytest.approx(2.5 / 3)
    both = evaluate(eval_index, query_set, split="heldout", kinds=["topical"])
    assert [o.query.id for o in both.outcomes] == ["tp-2"]
    assert [g.kind for g in both.groups] == ["topical", "all"]
    with pytest.raises(QuerySetError, match="no queries of split 'heldout' and kind person"):
        evaluate(eval_index, query_set, split="heldout", kinds=["person"])
    with pytest.raises(ValueError, match="split must be one of"):
        evaluate(eval_index, query_set, split="train")


def test_unfindable_and_refused_queries(eval_index, tmp_path: Path) -> None:
    queries = [
        q("x-1", "title", "clown", ["articles/it.txt", "elsewhere/gone.txt"]),
        q("x-2", "fielded", "foo:bar", ["articles/it.txt"]),
    ]
    report = evaluate(eval_index, write_set(tmp_path / "q.jsonl", queries))
    outcome = by_id(report)
    assert report.missing == ("elsewhere/gone.txt",)
    assert outcome["x-1"].films == 2 and outcome["x-1"].filmsearch.metrics.recall == 0.5
    assert "unknown field 'foo'" in outcome["x-2"].filmsearch.error
    assert outcome["x-2"].filmsearch.metrics.mrr == 0.0


def test_baseline_side_by_side(eval_index, query_set: Path) -> None:
    with build_baseline(eval_index) as baseline:
        assert len(baseline) == 7  # five fictional articles, the twin and the seed
        report = evaluate(eval_index, query_set, baseline=baseline)
    outcome = by_id(report)
    assert outcome["ki-2"].baseline.rank == 1
    # FTS5 returns both Deep Steel articles; they are collapsed to one film before scoring.
    assert len(outcome["tp-2"].baseline.hits) == 1 and outcome["tp-2"].baseline.metrics.recall == 1.0
    assert report.overall.baseline is not None and report.baseline_seconds is not None
    rows = report.rows()
    assert [r[:3] for r in rows[:2]] == [("known-item", 2, "filmsearch"), ("known-item", 2, "fts5")]
    assert rows[-1][:3] == ("all", 5, "fts5") and len(rows) == 8
    assert report.columns() == ("kind", "queries", "engine", "MRR@10", "Success@1", "Success@10", "Recall@10", "nDCG@10")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["groups"][-1]["fts5"]["mrr"] == report.overall.baseline.mrr
    assert data["outcomes"][0]["filmsearch"]["rank"] == 2


def test_importing_searcher_does_not_load_ir_measures() -> None:
    code = "import sys, searcher, searcher.evaluate; print('ir_measures' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
