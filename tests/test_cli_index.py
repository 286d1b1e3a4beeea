"""`filmsearch index` and `filmsearch remove` in-process: summaries, reports, progress, exit codes."""

from __future__ import annotations

import io
import json
import shutil

from typer.testing import CliRunner

from searcher.cli import _progress_bar, app
from tests.conftest import ARTICLES, SEED

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_build_update_and_no_change_summaries(tmp_path, articles_dir):
    ix = tmp_path / "ix"
    built = invoke("index", articles_dir, "--index", ix)
    assert built.exit_code == 0 and built.stdout == ""
    assert built.stderr.startswith(f"filmsearch: built {ix}: {len(ARTICLES)} added, 0 skipped in ")
    (articles_dir / "it.txt").unlink()
    updated = invoke("index", articles_dir, "--index", ix)
    assert f"updated {ix}: 0 added, 0 updated, 1 removed, 0 skipped in " in updated.stderr
    again = invoke("index", "--index", ix)  # no PATH: the folders indexed before
    assert again.exit_code == 0
    assert "is up to date, nothing to index (4 articles" in again.stderr
    assert len(again.stderr.splitlines()) == 1


def test_skips_are_listed_reported_and_still_exit_0(tmp_path, articles_dir):
    (articles_dir / "empty.txt").write_text("", encoding="utf-8")
    (articles_dir / "notitle.txt").write_text("Just words.\n", encoding="utf-8")
    report = tmp_path / "report.jsonl"
    result = invoke("index", articles_dir, "--index", tmp_path / "ix", "--report", report)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert sum(line.startswith("filmsearch: skipped ") for line in lines) == 2
    assert any("notitle.txt:1: " in line for line in lines)
    assert "2 skipped" in lines[-1]
    rows = [json.loads(line) for line in report.read_text().splitlines()]
    assert sorted(r["path"].rsplit("/", 1)[1] for r in rows if r["kind"] == "skipped") == ["empty.txt", "notitle.txt"]
    assert all(set(r) == {"kind", "path", "line", "reason"} for r in rows if r["kind"] == "skipped")
    again = invoke("index", articles_dir, "--index", tmp_path / "ix", "--report", report, "--quiet")
    assert again.exit_code == 0
    assert [line for line in again.stderr.splitlines() if "skipped" not in line] == []  # quiet: no summary
    assert len(report.read_text().splitlines()) == 2  # rewritten, not appended


def test_json_report_on_stdout(tmp_path, articles_dir):
    result = invoke("index", articles_dir, "--index", tmp_path / "ix", "--json")
    data = json.loads(result.stdout)
    assert data["added"] == len(ARTICLES) and data["full"] is True and data["skipped"] == []


def test_exit_codes(tmp_path, articles_dir):
    assert invoke("index", tmp_path / "nope", "--index", tmp_path / "ix").exit_code == 2
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "_MAIN_1.toc").write_bytes(b"pickle")
    for command in (["index", articles_dir], ["remove", articles_dir], ["status"], ["search", "x"]):
        result = runner.invoke(app, [*map(str, command), "--index", str(foreign)])
        assert result.exit_code == 1, command
        assert result.stderr.count("\n") == 1 and "not made by filmsearch" in result.stderr
    assert [p.name for p in foreign.iterdir()] == ["_MAIN_1.toc"]
    assert invoke("remove", "--index", tmp_path / "ix").exit_code == 2  # PATH is required


def test_lock_timeout_is_one_line_and_exit_1(tmp_path, articles_dir):
    from searcher.store import IndexFolder

    invoke("index", articles_dir, "--index", tmp_path / "ix")
    with IndexFolder(tmp_path / "ix").locked():
        result = runner.invoke(app, ["index", str(articles_dir), "--index", str(tmp_path / "ix"), "--wait", "0.2"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "is being updated by pid " in result.stderr and "after waiting 0.2s" in result.stderr


def test_remove_command(tmp_path, articles_dir):
    ix = tmp_path / "ix"
    invoke("index", articles_dir, SEED, "--index", ix)
    result = invoke("remove", articles_dir / "it.txt", "--index", ix)
    assert result.exit_code == 0 and "removed 1 article(s)" in result.stderr
    assert "It" not in invoke("search", "clown", "--index", ix).stdout
    nothing = invoke("remove", tmp_path / "elsewhere", "--index", ix)
    assert nothing.exit_code == 0 and "nothing indexed under" in nothing.stderr
    assert invoke("remove", "--index", ix, SEED).exit_code == 0
    status = json.loads(invoke("status", "--index", ix, "--json").stdout)
    assert status["articles"] == len(ARTICLES) - 1
    assert status["new"] == 1  # it.txt is still in an indexed folder: the next index run brings it back


def test_remove_of_an_empty_path_is_exit_2_and_removes_nothing(tmp_path, articles_dir, monkeypatch):
    ix = tmp_path / "ix"
    invoke("index", articles_dir, "--index", ix)
    monkeypatch.chdir(articles_dir)
    result = invoke("remove", "", "--index", ix)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert json.loads(invoke("status", "--index", ix, "--json").stdout)["articles"] == len(ARTICLES)


def test_index_with_no_path_survives_a_root_that_is_gone(tmp_path, articles_dir):
    ix = tmp_path / "ix"
    invoke("index", articles_dir, SEED, "--index", ix)
    shutil.rmtree(articles_dir)
    result = invoke("index", "--index", ix)
    assert result.exit_code == 0
    assert f"warning: {articles_dir} is gone; its articles were removed from the index" in result.stderr
    assert json.loads(invoke("status", "--index", ix, "--json").stdout)["articles"] == 1
    assert invoke("index", "--index", ix).exit_code == 0


def test_a_report_into_a_missing_folder_is_exit_2_before_any_work(tmp_path, articles_dir):
    ix = tmp_path / "ix"
    result = invoke("index", articles_dir, "--index", ix, "--report", tmp_path / "nowhere" / "r.jsonl")
    assert result.exit_code == 2 and "--report: no such folder" in result.stderr
    assert not (ix / "filmsearch.json").exists()


def test_progress_bar_only_on_a_terminal():
    from rich.console import Console

    with _progress_bar(enabled=True, console=Console(file=io.StringIO())) as progress:
        assert progress is None  # piped
    with _progress_bar(enabled=False) as progress:
        assert progress is None
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with _progress_bar(enabled=True, console=console) as progress:
        for done in range(1, 51):
            progress(done, 100)
    rendered = out.getvalue()
    assert "articles/s" in rendered and "50/100" in rendered


def test_piped_index_run_draws_no_bar(tmp_path, articles_dir):
    result = invoke("index", articles_dir, "--index", tmp_path / "ix")
    assert "\x1b[" not in result.stderr and "━" not in result.stderr
