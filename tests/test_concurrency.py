"""Readers and writers in separate processes: searches never fail during updates and rebuilds,
a second writer waits for the lock or fails naming its holder, and a killed holder never blocks."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from searcher import Index
from searcher.cli import app
from tests.conftest import REPO, write_articles
from tests.test_indexer import films

pytestmark = pytest.mark.slow

runner = CliRunner()

SEARCH_LOOP = """
import json, sys, time
from pathlib import Path
from searcher import Index
ix, stop = sys.argv[1], Path(sys.argv[2])
kept = Index(ix, create=False)  # one long-lived Index, and a fresh one each round
rounds, zeppelin, balloon = 0, set(), set()
while not stop.exists():
    for idx in (kept, Index(ix, create=False)):
        zeppelin.add(idx.search("zeppelin").total)
        balloon.add(idx.search("balloon").total)
        rounds += 1
print(json.dumps({"rounds": rounds, "zeppelin": sorted(zeppelin), "balloon": sorted(balloon)}))
"""


def test_searches_never_fail_while_another_process_writes(tmp_path):
    src = write_articles(tmp_path / "src", films(40, "zeppelin"))
    ix = tmp_path / "ix"
    idx = Index(ix)
    idx.sync([src])
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", SEARCH_LOOP, str(ix), str(stop)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    states = {(40, 0)}

    def sync(full: bool = False) -> None:
        idx.sync([src], full=full)
        states.add((idx.search("zeppelin").total, idx.search("balloon").total))

    try:
        time.sleep(1.0)  # let the reader start searching
        deadline = time.monotonic() + 4
        step = 0
        while step < 3 or time.monotonic() < deadline:
            step += 1
            changed = step % 7 + 3
            write_articles(src, films(changed, "balloon", start=step % 30))
            sync(full=step % 4 == 0)  # incremental updates with merges, and full rebuilds
            write_articles(src, films(changed, "zeppelin", start=step % 30))
            (src / f"film{step % 40}.txt").unlink()
            sync()
            write_articles(src, films(1, "zeppelin", start=step % 40))
            sync()
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=30)
    assert reader.returncode == 0, err  # never an error
    seen = json.loads(out)
    assert seen["rounds"] > 3
    assert set(seen["zeppelin"]) <= {z for z, _ in states} and set(seen["balloon"]) <= {b for _, b in states}
    assert len(seen["zeppelin"]) > 1  # the reader did see updates happen


HOLD = """
import sys, time
from searcher.store import IndexFolder
with IndexFolder(sys.argv[1]).locked():
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(ix, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(ix), str(seconds)], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


@pytest.fixture
def built(tmp_path, articles_dir):
    ix = tmp_path / "ix"
    Index(ix).sync([articles_dir])
    return ix, articles_dir


def test_second_indexer_waits_for_the_lock(built):
    ix, src = built
    holder = hold_lock(ix, 1.0)
    started = time.monotonic()
    result = runner.invoke(app, ["index", str(src), "--index", str(ix), "--wait", "20"])
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started >= 0.5
    holder.wait(10)


def test_lock_timeout_names_the_holder_and_a_killed_holder_never_blocks(built):
    ix, src = built
    holder = hold_lock(ix, 60)
    try:
        result = runner.invoke(app, ["index", str(src), "--index", str(ix), "--wait", "0.5"])
        assert result.exit_code == 1
        line = result.stderr
        assert line.count("\n") == 1
        assert f"pid {holder.pid} on {socket.gethostname()} (python -c " in line and ") since 20" in line
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    started = time.monotonic()
    result = runner.invoke(app, ["index", str(src), "--index", str(ix)])  # --wait 0: the kernel freed it
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started < 5


def test_threads_sharing_one_index_get_the_answers_they_would_alone(small_index):
    from concurrent.futures import ThreadPoolExecutor

    queries = ["zeppelin", "balloon storm", "detention", "cast:Gontcharov", "year:1990..2020 sea", "night"] * 4
    alone = {q: [(h.path, h.score) for h in small_index.search(q)] for q in set(queries)}
    small_index.close()  # the threads race to reopen it, too

    def search(q: str) -> list[tuple[str, float]]:
        return [(h.path, h.score) for h in small_index.search(q)]

    with ThreadPoolExecutor(8) as pool:
        for _ in range(5):
            assert list(pool.map(search, queries)) == [alone[q] for q in queries]
