"""Timers, percentiles and child-process accounting.

A build runs in its own process (`run_build`). Its peak memory is the largest
single process, as /usr/bin/time reports it, but read by the child itself (see
`_child`): ``ru_maxrss`` from `os.wait4` would include this harness's own size,
inherited through fork before the exec. The sum over the whole process tree is
sampled from /proc as well, because filmsearch's multiprocessing writer spreads a
large build over several processes (pages shared after a fork count once per process).
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["median", "percentile", "Build", "run_build", "time_command", "dir_size"]


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 50)


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile with linear interpolation between ranks (numpy's default), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True, slots=True, kw_only=True)
class Build:
    """One build in a child process."""

    articles: int
    seconds: float  # the build itself, timed in the child
    process_seconds: float  # the child's whole life, start-up included
    cpu_seconds: float  # user + system, the child and its children
    peak_rss_bytes: int  # the largest single process
    peak_tree_rss_bytes: int | None  # the process tree together, sampled; None without /proc


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found.extend(int(c) for c in handle.read().split())
        except OSError:
            continue
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _tree_rss(root: int) -> int:
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss(pid)
        todo.extend(_children(pid))
    return total


class _TreeSampler(threading.Thread):
    """Samples the RSS of a process and its descendants until stopped; keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.works = os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
        self._done = threading.Event()

    def run(self) -> None:
        while self.works and not self._done.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            self._done.wait(self.interval)

    def stop(self) -> int | None:
        self._done.set()
        self.join()
        return self.peak if self.works else None


def _maxrss_bytes(usage: resource.struct_rusage) -> int:
    # Linux reports kilobytes, macOS bytes.
    return usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024


def run_build(engine: str, roots: Sequence[Path], dest: Path, *, cwd: Path) -> Build:
    """Build `engine`'s index of `roots` into `dest` in a fresh Python process.

    Raises:
        RuntimeError: the child failed (its stderr is in the message).
    """
    with tempfile.TemporaryDirectory(prefix="bench-child-") as scratch:
        roots_file = Path(scratch) / "roots.json"
        roots_file.write_text(json.dumps([str(r) for r in roots]), encoding="utf-8")
        out_path, err_path = Path(scratch) / "out", Path(scratch) / "err"
        argv = [sys.executable, "-m", "tests.benchmarks._child", engine, str(roots_file), str(dest)]
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            started = time.perf_counter()
            process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
            sampler = _TreeSampler(process.pid)
            sampler.start()
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - started
            tree_peak = sampler.stop()
            process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"{engine} build failed ({process.returncode}): {err_path.read_text(errors='replace')[-2000:]}")
        result = json.loads(out_path.read_text().strip().splitlines()[-1])
    largest = max(result["peak_rss_bytes"] or _maxrss_bytes(usage), result["children_peak_rss_bytes"])
    return Build(
        articles=result["articles"],
        seconds=result["seconds"],
        process_seconds=elapsed,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_bytes=largest,
        # A build shorter than one sampling interval may never be seen: the tree holds at least the largest process.
        peak_tree_rss_bytes=max(tree_peak, largest) if tree_peak is not None else None,
    )


def time_command(argv: Sequence[str], *, cwd: Path, env: dict[str, str] | None = None) -> float:
    """Wall time of one run of a command (stdout discarded).

    Raises:
        RuntimeError: the command failed.
    """
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def dir_size(path: Path) -> int:
    """Bytes of all files at or under `path` (apparent size)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
