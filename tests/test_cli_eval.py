"""`filmsearch eval`: the table, --json, --baseline and a bad query set."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from searcher.cli import app
from searcher.evaluate import SPLITS

runner = CliRunner()


def test_eval_prints_per_kind_and_overall_with_baseline(small_index, tmp_path):
    queries = tmp_path / "q.jsonl"
    lines = [
        {"id": "t1", "kind": "topical", "split": "tune", "query": "lighthouse keeper", "relevant": ["harbour.txt"]},
        {"id": "p1", "kind": "person", "split": "heldout", "query": "Samir Haddad",
         "relevant": ["detention.txt", "submarine.txt"]},
    ]
    queries.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(queries), "--baseline", "--index", str(small_index.path)])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    assert [(r[0], r[2]) for r in rows] == [
        ("topical", "filmsearch"), ("topical", "fts5"), ("person", "filmsearch"), ("person", "fts5"),
        ("all", "filmsearch"), ("all", "fts5"),
    ]
    assert rows[0][3] == "1.000"  # the lighthouse film is first
    data = json.loads(runner.invoke(app, ["eval", str(queries), "--json", "--split", "heldout",
                                          "--index", str(small_index.path)]).stdout)
    assert [o["id"] for o in data["outcomes"]] == ["p1"]


def test_bad_query_set_is_one_line(small_index, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", str(bad), "--index", str(small_index.path)])
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "bad.jsonl:1" in result.stderr


def test_an_unknown_split_is_a_usage_error_naming_the_splits(small_index, tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "t1", "kind": "topical", "split": "tune", "query": "lighthouse", "relevant": []}\n',
                       encoding="utf-8")
    result = runner.invoke(app, ["eval", str(queries), "--split", "bogus", "--index", str(small_index.path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert all(split in result.stderr for split in SPLITS)
