"""What a benchmark run measures, and in which order.

1. Build: each engine's full index, each build in a fresh process, engines taking
   turns for each repetition (so a burst of load on the shared machine hits all).
2. Warm queries: every query of `queries.jsonl` in turn on every engine (and FTS5
   mode), after one untimed pass; p50 and p95 over the queries for each round,
   then the median over rounds. filmsearch's figure includes its snippets for the top 10.
3. Fuzzy name lookup: only if the library offers it (detected, never assumed).
4. Cold: a fresh process answering `COLD_QUERY` (after one untimed run, so the OS
   cache is warm and "cold" means a new interpreter), `filmsearch --help`, and
   `python -c pass` as the floor every process pays.
5. Incremental, last because it changes the index: a sync that finds nothing to
   do, then adding one new article at a time.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from . import corpus, measure
from .engines import Engine, Filmsearch, available, tantivy_version
from .report import figures

__all__ = ["QUERIES", "COLD_QUERY", "load_queries", "run", "run_scaling"]

QUERIES = Path(__file__).with_name("queries.jsonl")
#: The query of the cold-process figure: plain words, the same for every engine.
COLD_QUERY = "mother and son illegal immigrants detention center"
#: Misspelled names for the fuzzy figure, tried only if the library corrects names.
FUZZY_QUERIES = ("Olivier Masset-Depase", 'director:"Alfred Hitchcok"', "Toshiro Mifnue samurai", 'cast:"Ingrid Bergmann"')
#: Index methods that would be a fuzzy name lookup taking one string.
_LOOKUP_METHODS = ("lookup_name", "lookup_names", "find_names", "suggest_names", "names")

Log = Callable[[str], None]


def _stderr_log() -> Log:
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[bench {time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    return log


def load_queries(path: Path = QUERIES) -> list[dict[str, str]]:
    """The query set: one JSON object a line with `kind`, `query` (filmsearch syntax) and optionally `plain`."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        if not row.get("query"):
            raise ValueError(f"{path}: a row without a query: {row}")
    return rows


@contextmanager
def _workdir(path: Path | None, keep: bool) -> Iterator[Path]:
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    folder = Path(tempfile.mkdtemp(prefix="filmsearch-bench-"))
    try:
        yield folder
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def _mb(size: float | None) -> float | None:
    return None if size is None else size / 1e6


def _builds(engines: list[Engine], sample: corpus.Sample, work: Path, repeat: int, log: Log) -> dict[str, Any]:
    runs: dict[str, list[measure.Build]] = {e.name: [] for e in engines}
    sizes: dict[str, int] = {}
    for attempt in range(repeat):
        for engine in engines:
            dest = work / engine.name
            shutil.rmtree(dest, ignore_errors=True)
            log(f"build {attempt + 1}/{repeat}: {engine.label}, {len(sample.files)} articles")
            build = measure.run_build(engine.name, sample.roots, dest, cwd=corpus.REPO)
            log(f"  {build.seconds:.2f}s, peak {build.peak_rss_bytes / 1e6:.0f} MB")
            runs[engine.name].append(build)
            sizes[engine.name] = measure.dir_size(engine.index_path(dest))
    out = {}
    for engine in engines:
        builds = runs[engine.name]
        seconds = measure.median([b.seconds for b in builds])
        articles = builds[-1].articles
        trees = [b.peak_tree_rss_bytes for b in builds if b.peak_tree_rss_bytes is not None]
        out[engine.name] = {
            "articles": articles,
            "seconds": seconds,
            "seconds_samples": [b.seconds for b in builds],
            "process_seconds": measure.median([b.process_seconds for b in builds]),
            "cpu_seconds": measure.median([b.cpu_seconds for b in builds]),
            "articles_per_second": articles / seconds if seconds else None,
            "peak_rss_mb": _mb(measure.median([b.peak_rss_bytes for b in builds])),
            "peak_tree_rss_mb": _mb(measure.median(trees)) if trees else None,
            "index_bytes": sizes[engine.name],
            "size_ratio": sizes[engine.name] / sample.text_bytes,
        }
    return out


def _queries(handles: dict[str, Any], engines: list[Engine], rows: list[dict[str, str]], rounds: int,
             log: Log) -> dict[str, dict[str, Any]]:
    variants = [(e, mode) for e in engines for mode in e.modes]
    hits: dict[tuple[str, str], list[int]] = {}
    for engine, mode in variants:  # untimed: opens searchers, fills caches
        hits[engine.name, mode] = [handles[engine.name].search(row, mode) for row in rows]
    times: dict[tuple[str, str], list[list[float]]] = {key: [[] for _ in rows] for key in hits}
    for number in range(rounds):
        log(f"queries: round {number + 1}/{rounds}, {len(rows)} queries x {len(variants)} engine modes")
        for i, row in enumerate(rows):
            for engine, mode in variants:
                handle = handles[engine.name]
                started = time.perf_counter()
                handle.search(row, mode)
                times[engine.name, mode][i].append(time.perf_counter() - started)
    out: dict[str, dict[str, Any]] = {}
    for (name, mode), per_query in times.items():
        by_round = [[samples[r] for samples in per_query] for r in range(rounds)]
        out.setdefault(name, {})[mode] = {
            "p50_ms": _ms(measure.median([measure.percentile(r, 50) for r in by_round])),  # type: ignore[misc]
            "p95_ms": _ms(measure.median([measure.percentile(r, 95) for r in by_round])),  # type: ignore[misc]
            "max_ms": _ms(measure.median([max(r) for r in by_round])),
            "rounds": [{"p50_ms": _ms(measure.percentile(r, 50)), "p95_ms": _ms(measure.percentile(r, 95))}
                       for r in by_round],
            "per_query": [
                {"kind": row["kind"], "query": row["query"], "hits": count, "median_ms": _ms(measure.median(samples))}
                for row, count, samples in zip(rows, hits[name, mode], per_query)
            ],
        }
    return out


_MISSPELT = ("Alfred Hitchcok", "Toshiro Mifnue", "Olivier Masset-Depase", "Ingrid Bergmann")


def _time_calls(call: Callable[[str], Any], texts: Sequence[str], rounds: int) -> float | None:
    samples = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            call(text)
            samples.append(time.perf_counter() - started)
    return _ms(measure.median(samples))


def _fuzzy(handle: Any, rounds: int) -> dict[str, Any]:
    """Time fuzzy name lookup in every form the library offers; "n/a" where it offers none. Never assumes an API.

    Looked for: `names.NameRegistry.open(searcher).lookup(name)` (the lookup itself, the
    figure), `Index.person(name)` (lookup and filmography) or another `Index` method
    taking a name, and corrections in the `Results` of a search with a misspelt name.
    """
    index = handle.index
    found: dict[str, Any] = {}
    notes: list[str] = []
    from searcher import names

    registry_class = getattr(names, "NameRegistry", None)
    if registry_class is not None and callable(getattr(registry_class, "lookup", None)):
        try:
            started = time.perf_counter()
            registry = registry_class.open(index._current_searcher())
            opened = time.perf_counter() - started
            registry.lookup(_MISSPELT[0])
        except Exception as error:  # a work-in-progress API: report it, do not fail the run
            notes.append(f"names.NameRegistry not usable here ({error!r})")
        else:
            found["lookup_ms"] = _time_calls(registry.lookup, _MISSPELT, rounds)
            found["open_ms"] = _ms(opened)
            notes.append(f"names.NameRegistry.lookup {found['lookup_ms']:.2f} ms ({len(registry)} names; "
                         f"first open {opened * 1000:.0f} ms, not included)")
    for name in ("person", *_LOOKUP_METHODS):
        method = getattr(type(index), name, None)
        if callable(method):
            try:
                method(index, _MISSPELT[0])
            except TypeError:
                notes.append(f"Index.{name} does not take a name; not measured")
                continue
            found["index_method_ms"] = _time_calls(lambda text: method(index, text), _MISSPELT, rounds)
            notes.append(f"Index.{name}(misspelt name) {found['index_method_ms']:.2f} ms")
            break
    corrected = [q for q in FUZZY_QUERIES if getattr(index.search(q), "corrections", ())]
    if corrected:
        found["search_ms"] = _time_calls(index.search, corrected, rounds)
        notes.append(f"search with a misspelt name {found['search_ms']:.1f} ms ({len(corrected)} queries corrected)")
    figure = found.get("lookup_ms", found.get("index_method_ms", found.get("search_ms")))
    if figure is None:
        notes.append("n/a: no name lookup and no corrections for misspelt names")
    return {"ms": figure, **found, "how": "; ".join(notes)}


def _cold(engines: list[Engine], work: Path, repeat: int, log: Log) -> dict[str, Any]:
    commands: dict[str, list[str]] = {e.name: e.cold_argv(work / e.name, COLD_QUERY) for e in engines}
    if any(isinstance(e, Filmsearch) for e in engines):
        commands["filmsearch --help"] = [*Filmsearch.command(), "--help"]
    commands["python -c pass"] = [sys.executable, "-c", "pass"]
    samples: dict[str, list[float]] = {key: [] for key in commands}
    log(f"cold processes: {repeat} runs of {len(commands)} commands")
    for argv in commands.values():  # untimed: page cache and .pyc files
        measure.time_command(argv, cwd=corpus.REPO)
    for _ in range(repeat):
        for key, argv in commands.items():
            samples[key].append(measure.time_command(argv, cwd=corpus.REPO))
    return {key: {"seconds": measure.median(values), "samples": values} for key, values in samples.items()}


def _incremental(engines: list[Engine], sample: corpus.Sample, work: Path, repeat: int, log: Log) -> dict[str, Any]:
    extras = corpus.extra_articles(sample, work / "extra", repeat)
    out: dict[str, Any] = {e.name: {} for e in engines}
    for engine in engines:
        dest = work / engine.name
        nochange: list[float] = []
        for _ in range(repeat):
            started = time.perf_counter()
            changed = engine.sync(dest, sample.roots)
            if changed is None:
                break
            nochange.append(time.perf_counter() - started)
            if changed:
                raise RuntimeError(f"{engine.label}: a sync over the unchanged articles changed the index")
        out[engine.name]["nochange_sync_s"] = measure.median(nochange)
        out[engine.name]["nochange_sync_samples"] = nochange
    log(f"incremental: {repeat} single-article adds per engine")
    adds: dict[str, list[float]] = {e.name: [] for e in engines}
    for extra in extras:
        for engine in engines:
            started = time.perf_counter()
            engine.add(work / engine.name, extra)
            adds[engine.name].append(time.perf_counter() - started)
    for engine in engines:
        out[engine.name]["add_one_s"] = measure.median(adds[engine.name])
        out[engine.name]["add_one_samples"] = adds[engine.name]
    return out


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def run(
    size: int | str = 10000,
    *,
    workdir: Path | None = None,
    keep: bool = False,
    engines: Sequence[str] | None = None,
    build_repeat: int | None = None,
    rounds: int = 3,
    cold_repeat: int = 5,
    incremental_repeat: int = 3,
    queries: Path = QUERIES,
    log: Log | None = None,
) -> dict[str, Any]:
    """Run the whole suite at one size; returns everything measured, with the table rows in "figures".

    Args:
        size: articles in the sample (the seed included), or "all" for the whole corpus.
        workdir: where the indexes go (kept); default a temporary folder, removed unless `keep`.
        engines: names from `engines.ENGINES`; default all that are installed.
        build_repeat: builds per engine; default 3 up to 10,000 articles, else 1.

    Raises:
        FileNotFoundError: the corpus is absent.
    """
    log = log or _stderr_log()
    started = time.perf_counter()
    chosen = available(engines)
    rows = load_queries(queries)
    sample = corpus.sample(size)
    if build_repeat is None:
        build_repeat = 3 if len(sample.files) <= 10000 else 1
    meta: dict[str, Any] = {
        "size": sample.size,
        "articles": len(sample.files),
        "text_bytes": sample.text_bytes,
        "sample_seed": corpus.SAMPLE_SEED,
        "corpus": str(corpus.CORPUS),
        "queries": len(rows),
        "query_file": str(queries),
        "cold_query": COLD_QUERY,
        "build_repeat": build_repeat,
        "rounds": rounds,
        "cold_repeat": cold_repeat,
        "incremental_repeat": incremental_repeat,
        "engines": [e.name for e in chosen],
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "versions": {"filmsearch": _version("filmsearch"), "whoosh3": _version("whoosh3"),
                     "sqlite": sqlite3.sqlite_version, "tantivy": tantivy_version()},
    }
    results: dict[str, Any] = {e.name: {} for e in chosen}
    with _workdir(workdir / f"size-{sample.size}" if workdir else None, keep) as work:
        sample = corpus.materialize(sample, work / "articles")
        log(f"size {sample.size}: {len(sample.files)} articles, {sample.text_bytes / 1e6:.1f} MB of text, in {work}")
        for name, build in _builds(chosen, sample, work, build_repeat, log).items():
            results[name]["build"] = build
        handles = {e.name: e.open(work / e.name) for e in chosen}
        try:
            for name, by_mode in _queries(handles, chosen, rows, rounds, log).items():
                results[name]["query"] = by_mode
            if "filmsearch" in handles:
                results["filmsearch"]["fuzzy"] = _fuzzy(handles["filmsearch"], rounds)
        finally:
            for handle in handles.values():
                handle.close()
        cold = _cold(chosen, work, cold_repeat, log)
        for engine in chosen:
            results[engine.name]["cold_query_s"] = cold[engine.name]["seconds"]
            results[engine.name]["cold_query_samples"] = cold[engine.name]["samples"]
        for name, values in _incremental(chosen, sample, work, incremental_repeat, log).items():
            results[name]["incremental"] = values
    meta["help_s"] = cold.get("filmsearch --help", {}).get("seconds")
    meta["help_samples"] = cold.get("filmsearch --help", {}).get("samples")
    meta["python_start_s"] = cold["python -c pass"]["seconds"]
    meta["load_after"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    meta["seconds"] = time.perf_counter() - started
    result = {"meta": meta, "engines": results}
    result["figures"] = figures(result)
    log(f"size {sample.size} done in {meta['seconds']:.0f}s")
    return result


def run_scaling(sizes: Sequence[int | str], **options: Any) -> dict[str, Any]:
    """`run` at each size in turn; the same figures side by side."""
    return {"runs": [run(size, **options) for size in sizes]}
