"""`Index.status()` and `filmsearch status`: what the index holds and what it lags behind, read-only."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime

from typer.testing import CliRunner

from searcher import Index
from searcher.cli import app
from tests.conftest import ARTICLES, write_articles

runner = CliRunner()


def snapshot(folder) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_status_counts_articles_names_and_pending_files(tmp_path, articles_dir):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    status = idx.status()
    assert status.articles == len(ARTICLES)
    # harbour credits 4 people, amelie 2, detention 1; submarine's two are credited elsewhere too
    assert status.names == 7
    assert status.size_bytes == idx.folder.size_bytes() > 0
    assert datetime.fromisoformat(status.updated).utcoffset().total_seconds() == 0
    assert (status.new, status.changed, status.gone) == (0, 0, 0)

    (articles_dir / "it.txt").write_text(ARTICLES["it.txt"].replace("clown", "mime"), encoding="utf-8")
    later = time.time() + 50
    os.utime(articles_dir / "amelie.txt", (later, later))  # touched, same content: not changed
    (articles_dir / "submarine.txt").unlink()
    write_articles(articles_dir, {"new1.txt": "= A =\n\nA\n", "new2.txt": "= B =\n\nB\n"})
    before = snapshot(tmp_path / "ix")
    status = idx.status()
    assert (status.new, status.changed, status.gone) == (2, 1, 1)
    assert snapshot(tmp_path / "ix") == before  # nothing written, not even the lock file

    idx.sync([articles_dir])
    status = idx.status()
    assert (status.articles, status.new, status.changed, status.gone) == (len(ARTICLES) + 1, 0, 0, 0)


def test_a_vanished_root_counts_as_gone(tmp_path, articles_dir):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    for file in articles_dir.iterdir():
        file.unlink()
    articles_dir.rmdir()
    assert idx.status().gone == len(ARTICLES)


def test_status_json_has_exactly_the_documented_keys(tmp_path, articles_dir):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    result = runner.invoke(app, ["status", "--index", str(tmp_path / "ix"), "--json"], catch_exceptions=False)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["articles", "names", "size_bytes", "updated", "new", "changed", "gone", "skipped"]
    assert data == idx.status().to_dict()


def test_status_text_and_errors(tmp_path, articles_dir):
    Index(tmp_path / "ix").add([articles_dir])
    (articles_dir / "it.txt").unlink()
    result = runner.invoke(app, ["status", "--index", str(tmp_path / "ix")], catch_exceptions=False)
    assert result.exit_code == 0
    assert "articles  5" in result.stdout and "0 new, 0 changed, 1 gone" in result.stdout
    missing = runner.invoke(app, ["status", "--index", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "filmsearch index" in missing.stderr
    assert not (tmp_path / "none").exists()


def test_a_malformed_file_is_skipped_not_new_until_it_changes(tmp_path, articles_dir):
    bad = articles_dir / "bad.txt"
    bad.write_text("no title line\n", encoding="utf-8")
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    assert (idx.status().new, idx.status().skipped) == (0, 1)
    later = time.time() + 50
    os.utime(bad, (later, later))
    assert (idx.status().new, idx.status().skipped) == (1, 0)  # it may have been fixed
    assert [s.path for s in idx.add([articles_dir]).skipped] == [str(bad)]
    assert (idx.status().new, idx.status().skipped) == (0, 1)
    result = runner.invoke(app, ["status", "--index", str(tmp_path / "ix")], catch_exceptions=False)
    assert "(up to date)" in result.stdout and "skipped   1 file(s) left out" in result.stdout
    bad.write_text("= Now Fixed =\n\nNow Fixed\n", encoding="utf-8")
    assert idx.add([articles_dir]).added == 1
    assert (idx.status().new, idx.status().skipped) == (0, 0)


def test_a_broken_link_counts_as_skipped_as_it_did_when_indexing(tmp_path, articles_dir):
    (articles_dir / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    idx = Index(tmp_path / "ix")
    report = idx.add([articles_dir])
    assert len(report.skipped) == 1
    assert (idx.status().new, idx.status().skipped) == (0, len(report.skipped))
