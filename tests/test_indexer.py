"""Incremental sync in detail: exactly the difference, touched files, no needless commits,
merging away deleted documents, and keeping replaced files for readers."""

from __future__ import annotations

import os
import time

import pytest

from searcher import Index, IndexDamagedError
from searcher import indexer
from tests.conftest import ARTICLES, write_articles


def films(n: int, word: str = "zeppelin", start: int = 0) -> dict[str, str]:
    """`n` tiny fictional articles, each findable by `word` and by its number."""
    return {
        f"film{i}.txt": f"= Film {i} =\n\nFilm {i}\n- Director: Person Number{i}\n\n==Plot==\nStory n{i} about a {word}.\n"
        for i in range(start, start + n)
    }


def toc_generation(idx: Index) -> int:
    return indexer.open_whoosh(idx.folder).latest_generation()


def counts(idx: Index) -> tuple[int, int]:
    """(live documents, documents including deleted ones still in segments)."""
    with indexer.open_whoosh(idx.folder).reader() as reader:
        return reader.doc_count(), reader.doc_count_all()


def test_touched_file_is_restored_once_then_left_alone(tmp_path, articles_dir, monkeypatch):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    later = time.time() + 100
    os.utime(articles_dir / "it.txt", (later, later))
    first = idx.sync([articles_dir])
    assert (first.added, first.updated, first.removed, first.refreshed) == (0, 0, 0, 1)
    assert not first.changed
    hashed = []
    monkeypatch.setattr(indexer, "_digest", lambda data: hashed.append(1) or "x")
    second = idx.sync([articles_dir])
    assert second.refreshed == 0 and second.unchanged == len(ARTICLES)
    assert hashed == []  # the stored mtime was refreshed: nothing is read, let alone hashed


def test_no_change_and_skipped_files_write_no_commit(tmp_path, articles_dir):
    (articles_dir / "empty.txt").write_text("", encoding="utf-8")
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    before = toc_generation(idx)
    report = idx.sync([articles_dir])
    assert [s.path.rsplit("/", 1)[1] for s in report.skipped] == ["empty.txt"]  # still reported every run
    assert not report.changed
    assert toc_generation(idx) == before


def test_exactly_the_difference(tmp_path):
    src = write_articles(tmp_path / "src", films(6))
    idx = Index(tmp_path / "ix")
    assert idx.add([src]).added == 6
    (src / "film1.txt").write_text(films(1, "submarine", start=1)["film1.txt"], encoding="utf-8")
    (src / "film2.txt").unlink()
    write_articles(src, films(1, start=9))
    report = idx.sync([src])
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 4)
    assert {h.title for h in idx.search("submarine")} == {"Film 1"}
    assert {h.title for h in idx.search("zeppelin")} == {"Film 0", "Film 3", "Film 4", "Film 5", "Film 9"}



def test_deleted_documents_are_not_mistaken_for_indexed_files(tmp_path):
    src = write_articles(tmp_path / "src", films(12))
    idx = Index(tmp_path / "ix")
    idx.add([src])
    (src / "film1.txt").write_text(films(1, "submarine", start=1)["film1.txt"], encoding="utf-8")
    (src / "film2.txt").unlink()
    report = idx.sync([src])
    assert (report.updated, report.removed) == (1, 1)
    assert counts(idx) == (11, 13)  # the replaced and removed documents are still in their segment...
    again = idx.sync([src])
    assert not again.changed and again.unchanged == 11  # ...and not read back as indexed files
    assert idx.status().gone == 0


def test_a_file_that_turns_bad_leaves_the_index(tmp_path, articles_dir):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    (articles_dir / "it.txt").write_text("no title line\n", encoding="utf-8")
    report = idx.sync([articles_dir])
    assert report.removed == 1 and len(report.skipped) == 1
    assert len(idx.search("clown")) == 0


def test_no_prune_keeps_gone_files(tmp_path, articles_dir):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    (articles_dir / "it.txt").unlink()
    assert idx.sync([articles_dir], prune=False).removed == 0
    assert len(idx.search("clown")) == 1
    assert idx.sync([articles_dir]).removed == 1


def test_pruning_stays_inside_the_paths_given(tmp_path):
    a = write_articles(tmp_path / "a", films(2))
    b = write_articles(tmp_path / "b", films(2, start=5))
    idx = Index(tmp_path / "ix")
    idx.add([a, b])
    (b / "film5.txt").unlink()
    assert idx.sync([a]).removed == 0  # b was not named
    assert idx.sync([a, b]).removed == 1


def test_roots_are_recorded_merged_and_dropped_by_remove(tmp_path):
    a = write_articles(tmp_path / "a", films(2))
    b = write_articles(tmp_path / "b", films(2, start=5))
    idx = Index(tmp_path / "ix")
    idx.add([a])
    idx.add([b, a / "film0.txt"])
    assert idx.roots == (str(a), str(b))
    assert idx.remove([b]) == 2
    assert idx.roots == (str(a),)
    idx.sync([b], full=True)
    assert idx.roots == (str(b),)
    assert len(idx) == 2


def test_progress_reaches_the_total(tmp_path):
    src = write_articles(tmp_path / "src", films(7))
    calls = []
    idx = Index(tmp_path / "ix")
    idx.sync([src], full=True, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 7) for i in range(1, 8)]
    write_articles(src, films(2, start=20))
    calls.clear()
    idx.sync([src], progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]


def test_many_deletions_in_a_segment_are_merged_away(tmp_path):
    src = write_articles(tmp_path / "src", films(10))
    idx = Index(tmp_path / "ix")
    idx.add([src])
    write_articles(src, films(1, "balloon"))  # 1 of 10 replaced: under the threshold, kept as a deletion
    idx.sync([src])
    assert counts(idx) == (10, 11)
    write_articles(src, films(2, "balloon", start=1))  # 3 of 10 deleted in the first segment: rewritten
    idx.sync([src])
    assert counts(idx) == (10, 10)
    assert len(idx.search("balloon")) == 3


def test_size_stays_bounded_when_updated_forever(tmp_path, monkeypatch):
    monkeypatch.setattr("searcher.store.RETAIN_SECONDS", 0)
    src = write_articles(tmp_path / "src", films(10))
    idx = Index(tmp_path / "ix")
    idx.add([src])
    sizes = []
    for round_ in range(24):
        write_articles(src, films(1, f"word{round_}", start=round_ % 10))
        idx.sync([src])
        sizes.append(idx.folder.size_bytes())
        live, everything = counts(idx)
        assert live == 10 and everything <= 10 / (1 - indexer.MAX_DELETED_SHARE) + 1
    assert max(sizes[12:]) <= 1.5 * max(sizes[:12])


def test_replaced_files_outlive_a_reader_until_retention_ends(tmp_path, monkeypatch):
    src = write_articles(tmp_path / "src", films(10))
    idx = Index(tmp_path / "ix")
    idx.add([src])
    reader = indexer.open_whoosh(idx.folder).reader()  # a reader on the current commit, files opened lazily
    write_articles(src, films(5, "balloon"))  # half of the segment replaced: merged, its files superseded
    idx.sync([src])
    write_articles(src, films(1, "kite"))
    idx.sync([src])  # a later write: still within RETAIN_SECONDS, nothing is deleted
    stored = [indexer.stored_title(reader.stored_fields(n)) for n in reader.all_doc_ids()]
    assert sorted(stored) == sorted(f"Film {i}" for i in range(10))
    assert reader.doc_field_length(0, "text") > 0
    reader.close()
    generation = idx.folder.current(indexer.fingerprint())
    before = set(os.listdir(generation))
    monkeypatch.setattr("searcher.store.RETAIN_SECONDS", 0)
    write_articles(src, films(1, "glider", start=7))
    idx.sync([src])
    after = set(os.listdir(generation))
    assert before - after, "superseded files are deleted once retention is over"
    assert [h.title for h in idx.search("glider")] == ["Film 7"]


def test_leftovers_of_a_killed_writer_are_cleaned(tmp_path, articles_dir):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    generation = idx.folder.current(indexer.fingerprint())
    (generation / "MAIN_deadbeef0000.trm").write_bytes(b"half a segment")
    (generation / "_MAIN_99.toc.1700000000.5").write_bytes(b"half a table of contents")
    (generation / "MAIN.tmp").mkdir()
    (generation / "MAIN.tmp" / "run1").write_bytes(b"x")
    stray = idx.folder.path / "gen-20200101000000-abcdef"  # an unpublished full build
    stray.mkdir()
    (stray / "_MAIN_1.toc").write_bytes(b"never read")
    assert len(idx.search("clown")) == 1  # never read: the pointer does not name it
    write_articles(articles_dir, films(1))
    idx.sync([articles_dir])
    left = set(os.listdir(generation))
    assert not {"MAIN_deadbeef0000.trm", "_MAIN_99.toc.1700000000.5", "MAIN.tmp"} & left
    assert not stray.exists()
    assert len(idx.search("zeppelin")) == 1


def test_damaged_index_is_a_clear_error(tmp_path, articles_dir):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    generation = idx.folder.current(indexer.fingerprint())
    for toc in generation.glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x00garbage")
    with pytest.raises(IndexDamagedError, match="damaged.*--full"):
        Index(tmp_path / "ix").search("clown")
    Index(tmp_path / "ix").sync([articles_dir], full=True)
    assert len(Index(tmp_path / "ix").search("clown")) == 1


@pytest.mark.parametrize("damage", ["pointer", "postings", "terms"])
def test_a_damaged_index_says_so_in_one_error_and_a_full_rebuild_repairs_it(tmp_path, articles_dir, damage):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    generation = idx.folder.current(indexer.fingerprint())
    idx.close()
    if damage == "pointer":
        (tmp_path / "ix" / "filmsearch.json").write_text("garbage")
        # Which generation is current is unknown: a rebuild that dies half-way must still find it.
        assert idx.folder.collect() == [] and generation.is_dir()
    elif damage == "postings":
        for path in generation.glob("*.pst"):
            path.unlink()
    else:
        for path in generation.glob("*.trm"):
            path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(IndexDamagedError, match=r"damaged.*--full PATH"):
        Index(tmp_path / "ix").search("clown")  # opening it is not the error: searching is
    Index(tmp_path / "ix").sync([articles_dir], full=True)
    assert len(Index(tmp_path / "ix").search("clown")) == 1


def test_folder_is_the_only_place_written(tmp_path, articles_dir):
    idx = Index(tmp_path / "ix")
    idx.add([articles_dir])
    idx.sync([articles_dir], full=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles", "ix"]


def test_a_folder_reached_through_a_link_is_the_same_articles(tmp_path):
    folder = write_articles(tmp_path / "articles", films(3))
    (tmp_path / "link").symlink_to(folder)
    idx = Index(tmp_path / "ix")
    idx.add([folder])
    assert idx.add([tmp_path / "link"]).added == 0
    assert len(idx) == 3


def test_a_broken_link_to_an_article_is_reported(tmp_path):
    folder = write_articles(tmp_path / "articles", films(2))
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    report = Index(tmp_path / "ix").add([folder])
    assert report.added == 2
    assert [(s.path, s.reason) for s in report.skipped] == [(str(folder / "gone.txt"), "broken symbolic link")]


def test_a_folder_that_cannot_be_listed_is_reported_and_its_articles_stay(tmp_path, monkeypatch):
    folder = write_articles(tmp_path / "articles", films(2))
    locked = write_articles(folder / "locked", films(2, start=2))
    idx = Index(tmp_path / "ix")
    idx.sync([folder])
    scandir = os.scandir

    def denied(path):  # root reads any folder, so chmod cannot stage this
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied")
        return scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    report = idx.sync([folder])
    assert [(s.path, s.reason) for s in report.skipped] == [(str(locked), "cannot read folder: Permission denied")]
    assert report.removed == 0 and len(idx) == 4
    assert idx.status().gone == 0


def test_a_linked_article_is_removed_by_the_path_it_was_indexed_under(tmp_path):
    folder = write_articles(tmp_path / "articles", films(1))
    (folder / "alias.txt").symlink_to(folder / "film0.txt")
    idx = Index(tmp_path / "ix")
    idx.add([folder])
    assert idx.add([folder / "alias.txt"]).added == 0  # the same path as the folder scan found
    assert idx.remove([folder / "alias.txt"]) == 1 and len(idx) == 1


def test_a_file_that_cannot_be_read_keeps_its_article_and_a_broken_link_loses_its(tmp_path, monkeypatch):
    folder = write_articles(tmp_path / "articles", films(3))
    (folder / "alias.txt").symlink_to(folder / "film2.txt")
    idx = Index(tmp_path / "ix")
    idx.sync([folder])
    (folder / "film2.txt").rename(tmp_path / "moved.txt")  # alias.txt is now broken
    real_scandir = os.scandir

    class Entry:
        def __init__(self, entry):
            self._entry = entry
            self.name, self.path = entry.name, entry.path

        def __getattr__(self, name):
            return getattr(self._entry, name)

        def stat(self, **kwargs):
            if self.name == "film1.txt":
                raise PermissionError(13, "Permission denied")
            return self._entry.stat(**kwargs)

    class Listing(list):  # what os.scandir returns is also a context manager
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

    monkeypatch.setattr(os, "scandir", lambda path: Listing(Entry(e) for e in real_scandir(path)))
    report = idx.sync([folder])
    reasons = {os.path.basename(s.path): s.reason for s in report.skipped}
    assert reasons == {"film1.txt": "cannot read: Permission denied", "alias.txt": "broken symbolic link"}
    assert report.removed == 2  # film2.txt and its alias are gone; film1.txt is only unreadable
    assert sorted(h.title for h in idx.search("zeppelin", limit=10)) == ["Film 0", "Film 1"]
