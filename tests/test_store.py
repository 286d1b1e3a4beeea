"""The index folder: pointer, generations, the write lock and the trust marker."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import time

import pytest

from searcher import Index, IndexLockedError, IndexMissingError, UntrustedIndexError
from searcher.store import POINTER, IndexFolder, merge_roots


def test_merge_roots_keeps_the_outermost_paths():
    assert merge_roots(["/a/b", "/c"], ["/a", "/c/d.txt", "/e"]) == ("/a", "/c", "/e")
    assert merge_roots(["/ab"], ["/a"]) == ("/a", "/ab")  # a name prefix is not a parent


def test_pointer_naming_something_else_than_a_generation_is_refused(tmp_path):
    idx = Index(tmp_path / "ix")
    pointer = tmp_path / "ix" / POINTER
    data = json.loads(pointer.read_text())
    for bad in ("..", ".", "gen-../..", "/etc"):
        data["generation"] = bad
        pointer.write_text(json.dumps(data))
        with pytest.raises(IndexMissingError, match="--full"):
            idx.folder.pointer()


def test_pointer_without_roots_from_an_older_version_still_opens(tmp_path):
    idx = Index(tmp_path / "ix")
    pointer = tmp_path / "ix" / POINTER
    data = json.loads(pointer.read_text())
    del data["roots"], data["retired"]
    pointer.write_text(json.dumps(data))
    assert idx.roots == ()
    assert len(idx.search("x")) == 0


def test_second_writer_fails_naming_the_holder(tmp_path):
    folder = IndexFolder(tmp_path / "ix")
    with folder.locked():
        started = time.monotonic()
        with pytest.raises(IndexLockedError) as error:
            with IndexFolder(tmp_path / "ix").locked(wait=0.3):
                pass
        assert time.monotonic() - started >= 0.3
    message = str(error.value)
    assert f"pid {os.getpid()} on {socket.gethostname()}" in message and " since 20" in message
    assert "--wait" in message and "\n" not in message
    with IndexFolder(tmp_path / "ix").locked():  # released on exit
        pass


def _hold_in_child(ready, release) -> None:
    ready.set()
    release.wait(10)


def test_a_forked_child_does_not_keep_the_lock(tmp_path):
    folder = IndexFolder(tmp_path / "ix")
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    with folder.locked():
        child = context.Process(target=_hold_in_child, args=(ready, release))
        child.start()
        assert ready.wait(10)
    try:
        with IndexFolder(tmp_path / "ix").locked(wait=0):  # the child still runs, yet the lock is free
            pass
    finally:
        release.set()
        child.join(10)


def test_unpublished_generations_go_and_retired_ones_stay_a_while(tmp_path, monkeypatch):
    folder = IndexFolder(tmp_path / "ix")
    with folder.locked():
        first = folder.new_generation()
        folder.publish(first, "f", ["/films"])
        second = folder.new_generation()
        folder.publish(second, "f", ["/films"])
        killed = folder.new_generation()
        assert folder.pointer().retired[0][0] == first.name
        assert folder.collect() == [killed.name]
        monkeypatch.setattr("searcher.store.RETAIN_SECONDS", 0)
        assert folder.collect() == [first.name]
        folder.touch("f")
    assert folder.pointer().retired == ()
    assert folder.pointer().roots == ("/films",)
    assert sorted(p.name for p in folder.path.iterdir()) == sorted([POINTER, "write.lock", second.name])


def test_locking_a_foreign_folder_is_refused_and_leaves_it_alone(tmp_path):
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"jpeg")
    with pytest.raises(UntrustedIndexError, match="not made by filmsearch.*holiday.jpg"):
        with IndexFolder(foreign).locked():
            pass
    assert [p.name for p in foreign.iterdir()] == ["holiday.jpg"]


def test_harmless_files_and_an_empty_folder_are_accepted(tmp_path):
    folder = tmp_path / "ix"
    folder.mkdir()
    (folder / ".gitignore").write_text("*\n")
    assert Index(folder).exists()
