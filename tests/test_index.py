"""The library front door: `searcher.Index` opens, builds, updates and refuses what it must."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

import searcher
from searcher import Index, IndexMissingError, IndexSchemaError, SourceMissingError, UntrustedIndexError
from tests.conftest import ARTICLES, SEED, write_articles


def test_new_folder_gets_an_empty_searchable_index(tmp_path):
    idx = Index(tmp_path / "new")
    assert idx.exists()
    assert len(idx.search("anything")) == 0
    assert len(idx) == 0


def test_add_reports_counts_and_skips_bad_files(tmp_path, articles_dir):
    (articles_dir / "empty.txt").write_text("", encoding="utf-8")
    (articles_dir / "binary.txt").write_bytes(b"= T =\n\x00\x01")
    (articles_dir / "latin1.txt").write_bytes("= Caf\xe9 =\n".encode("latin-1"))
    (articles_dir / "notitle.txt").write_text("Just some words.\n", encoding="utf-8")
    idx = Index(tmp_path / "ix")
    report = idx.add([articles_dir])
    assert report.added == len(ARTICLES)
    reasons = {s.path.rsplit("/", 1)[1]: s for s in report.skipped}
    assert set(reasons) == {"empty.txt", "binary.txt", "latin1.txt", "notitle.txt"}
    assert reasons["binary.txt"].line == 2
    assert reasons["latin1.txt"].line == 1 and "UTF-8" in reasons["latin1.txt"].reason
    assert reasons["notitle.txt"].line == 1
    assert len(idx) == len(ARTICLES)


def test_second_add_does_nothing_and_changes_are_applied(tmp_path, articles_dir):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    again = idx.sync([articles_dir])
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, len(ARTICLES))
    (articles_dir / "it.txt").write_text(ARTICLES["it.txt"].replace("clown", "mime"), encoding="utf-8")
    (articles_dir / "submarine.txt").unlink()
    write_articles(articles_dir, {"new.txt": "= New Film =\n\nNew Film\n\n==Plot==\nA zeppelin race.\n"})
    report = idx.sync([articles_dir])
    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    assert [h.title for h in idx.search("zeppelin")] == ["New Film"]
    assert [h.title for h in idx.search("mime")] == ["It"]
    assert len(idx.search("clown")) == 0
    assert len(idx.search("submarine")) == 0


def test_add_never_prunes_and_remove_does(tmp_path, articles_dir):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    (articles_dir / "it.txt").unlink()
    assert idx.add([articles_dir]).removed == 0
    assert len(idx.search("clown")) == 1
    assert idx.remove([articles_dir / "it.txt"]) == 1
    assert len(idx.search("clown")) == 0


def test_full_rebuild_replaces_the_generation(tmp_path, articles_dir, monkeypatch):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    before = json.loads((tmp_path / "ix" / "filmsearch.json").read_text())["generation"]
    report = idx.sync([articles_dir], full=True)
    after = json.loads((tmp_path / "ix" / "filmsearch.json").read_text())["generation"]
    assert report.full and report.added == len(ARTICLES)
    assert before != after
    gens = lambda: sorted(p.name for p in (tmp_path / "ix").iterdir() if p.name.startswith("gen-"))  # noqa: E731
    assert gens() == sorted([before, after])  # the replaced one stays for readers that still use it
    assert len(idx.search("clown")) == 1
    idx.sync([articles_dir])
    assert gens() == sorted([before, after])  # retained for RETAIN_SECONDS, even across writes
    monkeypatch.setattr("searcher.store.RETAIN_SECONDS", 0)
    idx.sync([articles_dir])
    assert gens() == [after]


def test_sync_without_paths_drops_a_root_that_is_gone(tmp_path, articles_dir):
    idx = Index(tmp_path / "ix")
    idx.sync([articles_dir, SEED])
    shutil.rmtree(articles_dir)
    report = idx.sync()
    assert report.removed == len(ARTICLES)
    assert report.warnings == (f"{articles_dir} is gone; its articles were removed from the index",)
    assert idx.roots == (str(SEED),)
    assert len(idx.search("clown")) == 0
    assert [hit.path for hit in idx.search("immigration detention")] == [str(SEED)]


def test_add_without_paths_keeps_the_articles_of_a_root_that_is_gone(tmp_path, articles_dir):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    shutil.rmtree(articles_dir)
    report = idx.add()
    assert report.removed == 0 and "stay" in report.warnings[0]
    assert len(idx.search("clown")) == 1


@pytest.mark.parametrize("path", ["", "  "])
def test_an_empty_path_is_refused_not_taken_as_the_working_folder(tmp_path, articles_dir, monkeypatch, path):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    monkeypatch.chdir(articles_dir)
    with pytest.raises(SourceMissingError):
        idx.remove([path])
    with pytest.raises(SourceMissingError):
        idx.add([path])
    assert len(idx.search("clown")) == 1


def test_missing_source_is_a_usage_error(tmp_path):
    with pytest.raises(SourceMissingError) as error:
        Index(tmp_path / "ix").add([tmp_path / "nope"])
    assert error.value.exit_code == 2


def test_folder_not_made_by_filmsearch_is_refused(tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "_MAIN_1.toc").write_bytes(b"pickle")
    with pytest.raises(UntrustedIndexError):
        Index(foreign)
    with pytest.raises(UntrustedIndexError):
        Index(foreign, create=False).add([SEED])
    assert (foreign / "_MAIN_1.toc").read_bytes() == b"pickle"


def test_other_schema_asks_for_full_rebuild(tmp_path, articles_dir):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    pointer = tmp_path / "ix" / "filmsearch.json"
    data = json.loads(pointer.read_text())
    data["fingerprint"] = "0" * 16
    pointer.write_text(json.dumps(data))
    with pytest.raises(IndexSchemaError, match="--full"):
        Index(tmp_path / "ix").search("clown")
    Index(tmp_path / "ix").sync([articles_dir], full=True)
    assert len(Index(tmp_path / "ix").search("clown")) == 1


def test_search_without_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexMissingError, match="filmsearch index"):
        Index(tmp_path / "none", create=False).search("x")


def test_importing_the_package_does_not_load_whoosh():
    code = "import sys, searcher; print('whoosh' in sys.modules, 'rapidfuzz' in sys.modules)"
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
    assert searcher.Index is Index


@pytest.mark.parametrize(("query", "limit"), [(123, 10), (b"war", 10), ("war", 1.5), ("war", "3"), ("war", None), ("war", True)])
def test_wrong_argument_types_fail_at_the_boundary(small_index, query, limit):
    with pytest.raises(TypeError, match="must be"):
        small_index.search(query, limit=limit)


def test_person_needs_a_str(small_index):
    with pytest.raises(TypeError, match="name must be a str"):
        small_index.person(42)


def test_one_path_given_alone_is_not_read_as_its_characters(tmp_path, articles_dir):
    idx = Index(tmp_path / "ix")
    assert idx.add(str(articles_dir)).added == len(ARTICLES)
    assert idx.remove(articles_dir) == len(ARTICLES)
    assert idx.sync(str(articles_dir)).added == len(ARTICLES)
