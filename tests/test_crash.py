"""Kill the indexer for real (`kill -9`, or the `FILMSEARCH_CRASH_AT` hook in indexer.py that dies
with `os._exit` at a named point) and check the index still opens, answers with the old or the new
content, leaves nothing beside its folder, and that the next `filmsearch index` finishes the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from searcher import Index
from searcher.store import IndexFolder
from tests.conftest import REPO, write_articles
from tests.test_indexer import films

pytestmark = pytest.mark.slow

N = 60


def index_cmd(*args: object) -> list[str]:
    return [sys.executable, "-m", "searcher", "index", *map(str, args)]


def run(*args: object, crash: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FILMSEARCH_CRASH_AT": crash or ""}
    return subprocess.run(index_cmd(*args), capture_output=True, text=True, env=env, cwd=REPO, timeout=120)


def state(ix: Path) -> tuple[int, int]:
    """(articles about a zeppelin, articles about a balloon), read by a fresh Index."""
    with Index(ix, create=False) as idx:
        return idx.search("zeppelin").total, idx.search("balloon").total


def generations(ix: Path) -> list[str]:
    return sorted(p.name for p in ix.iterdir() if p.name.startswith("gen-"))


@pytest.fixture
def built(tmp_path):
    src = write_articles(tmp_path / "src", films(N, "zeppelin"))
    ix = tmp_path / "ix"
    assert run(src, "--index", ix).returncode == 0
    write_articles(src, films(N, "balloon"))  # every article changes
    return src, ix


@pytest.mark.parametrize(
    ("point", "full", "after_crash"),
    [
        ("rebuild-adding", True, (N, 0)),
        ("rebuild-committed", True, (N, 0)),  # a complete generation exists but is not published
        ("rebuild-published", True, (0, N)),
        ("update-adding", False, (N, 0)),
        ("update-committed", False, (0, N)),  # Whoosh committed; the pointer was not touched
    ],
)
def test_crash_point_leaves_old_or_new_and_next_run_finishes(built, point, full, after_crash):
    src, ix = built
    result = run(src, "--index", ix, *(["--full"] if full else []), crash=point)
    assert result.returncode == 9, result.stderr
    assert state(ix) == after_crash
    assert sorted(p.name for p in ix.parent.iterdir()) == ["ix", "src"]
    if point == "rebuild-committed":
        assert len(generations(ix)) == 2  # the unpublished one, never read (the state above is the old one)
    again = run(src, "--index", ix)
    assert again.returncode == 0, again.stderr
    assert state(ix) == (0, N)
    current = IndexFolder(ix).pointer()
    # Left: the current generation, and the one a published rebuild retired (kept for its readers).
    assert set(generations(ix)) <= {current.generation, *(g for g, _ in current.retired)}
    assert len(generations(ix)) == (2 if point == "rebuild-published" else 1)


def test_kill_9_at_moments_spread_over_a_run(tmp_path):
    count = 600
    src = write_articles(tmp_path / "src", films(count, "zeppelin"))
    ix = tmp_path / "ix"
    started = time.monotonic()
    assert run(src, "--index", ix, "--full").returncode == 0
    duration = time.monotonic() - started  # kill at fractions of what a whole run takes on this machine
    words = ["balloon", "zeppelin"]
    killed = 0
    for attempt, fraction in enumerate([0.4, 0.6, 0.75, 0.9]):
        word = words[attempt % 2]
        write_articles(src, films(count, word))
        full = ["--full"] if attempt % 2 == 0 else []
        process = subprocess.Popen(index_cmd(src, "--index", ix, *full), cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        killed += process.wait(30) == -signal.SIGKILL
        with Index(ix, create=False) as idx:  # opens and answers: some old content, some new, never an error
            zeppelin, balloon = idx.search("zeppelin").total, idx.search("balloon").total
            assert len(idx) == count and zeppelin + balloon == count
            if full:  # a rebuild is all or nothing
                assert count in (zeppelin, balloon)
    assert killed >= 2  # most kills landed before the run ended
    assert run(src, "--index", ix).returncode == 0
    assert state(ix) == (count, 0)  # last written: zeppelin
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ix", "src"]


def _pids_with(marker: str) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker.encode() in (proc / "cmdline").read_bytes():
                pids.append(int(proc.name))
        except OSError:
            pass
    return pids


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_killed_multiprocess_build_leaves_no_workers_and_no_lock(tmp_path):
    src = write_articles(tmp_path / "src", films(500))
    ix = tmp_path / "ix"
    marker = f"filmsearch-test-{os.getpid()}-{time.time_ns()}"
    code = ("import sys, searcher.indexer as i; i._MP_THRESHOLD = 1\n"  # Whoosh's worker processes even for 500
            "from searcher.cli import main; main(sys.argv[2:])")
    env = {**os.environ, "FILMSEARCH_CRASH_AT": "rebuild-adding"}
    try:
        with open(tmp_path / "stderr", "w") as stderr:  # not a pipe: orphaned workers would hold it open
            result = subprocess.run([sys.executable, "-c", code, marker, "index", str(src), "--index", str(ix)],
                                    stdout=subprocess.DEVNULL, stderr=stderr, env=env, cwd=REPO, timeout=60)
        assert result.returncode == 9, (tmp_path / "stderr").read_text()
        deadline = time.monotonic() + 5
        while _pids_with(marker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _pids_with(marker) == []  # the workers died with their parent
        with IndexFolder(ix).locked(wait=0):  # and nobody holds the lock
            pass
    finally:
        for pid in _pids_with(marker):
            os.kill(pid, signal.SIGKILL)
    assert run(src, "--index", ix).returncode == 0
    assert state(ix) == (500, 0)
