"""Where filmsearch's time goes: cProfile of a build and of the slowest queries, and import times.

    python -m tests.benchmarks.profiling build [--size 3000]
    python -m tests.benchmarks.profiling queries --index DIR [--top 6]
    python -m tests.benchmarks.profiling imports --index DIR

`build` profiles a single-process build (below the indexer's multiprocessing
threshold, so cProfile sees all of it) and splits it into parsing, analysis,
Whoosh's document writes and the commit. `queries` times every query of the set
once, then profiles the slowest. `imports` runs ``python -X importtime`` for
``filmsearch --help`` and for a query, and lists the costliest imports.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import corpus, suite

#: (label, file suffix, function name): the stages of a build, by cumulative time.
BUILD_STAGES = [
    ("whole sync", "searcher/indexer.py", "sync"),
    ("read + hash + parse articles (_Batch.load/parse)", "searcher/indexer.py", "load"),
    ("", "searcher/indexer.py", "parse"),
    ("document(): analysis into term lists", "searcher/indexer.py", "document"),
    ("  of which analysis.terms", "searcher/analysis.py", "terms"),
    ("writer.add_document (Whoosh: field analysis, postings to pool)", "whoosh/writing.py", "add_document"),
    ("writer.commit (Whoosh: sort pool, write segment)", "whoosh/writing.py", "commit"),
]


#: The stages of a search, by cumulative time.
QUERY_STAGES = [
    ("Index.search", "searcher/index.py", "search"),
    ("compile_query (parse, analyse, doc frequencies)", "searcher/query.py", "compile_query"),
    ("Whoosh searcher.search (find phase: matchers, collector)", "whoosh/searching.py", "search"),
    ("_score (bonus and common-word clauses for the candidates)", "searcher/query.py", "_score"),
    ("stored_fields (unpickle stored documents)", "whoosh/", "stored_fields"),
    ("_hit (siblings, read article, snippet)", "searcher/query.py", "_hit"),
    ("  read_article", "searcher/article.py", "read_article"),
    ("  snippets.highlight", "searcher/snippets.py", "highlight"),
    ("    analysis._fold_mapped (non-ASCII texts)", "searcher/analysis.py", "_fold_mapped"),
]


def _stage_table(stats: pstats.Stats, stages: list[tuple[str, str, str]] = BUILD_STAGES) -> str:
    entries = stats.stats  # type: ignore[attr-defined]
    lines = []
    for label, suffix, name in stages:
        found = [(cc, nc, tt, ct) for (file, _, func), (cc, nc, tt, ct, _) in entries.items()
                 if suffix in file and func == name]
        if not found:
            continue
        calls = sum(f[1] for f in found)
        cumulative = max(f[3] for f in found)  # recursive entries would double-count
        lines.append(f"  {label or name:<66} {cumulative:8.2f}s  ({calls} calls)")
    return "\n".join(lines)


def _print_stats(profile: cProfile.Profile, sort: str, limit: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.strip_dirs().sort_stats(sort).print_stats(limit)
    return out.getvalue()


def profile_build(size: int, workdir: Path) -> str:
    """cProfile one filmsearch build of a `size` sample in this process."""
    from searcher import Index

    sample = corpus.materialize(corpus.sample(size), workdir / "articles")
    index = Index(workdir / "index", create=False)
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    report = index.sync(sample.roots, full=True)
    profile.disable()
    wall = time.perf_counter() - started
    stats = pstats.Stats(profile)
    return "\n".join([
        f"build of {report.articles} articles: {wall:.1f}s under cProfile ({report.articles / wall:.0f} articles/s)",
        "stages (cumulative):",
        _stage_table(stats),
        "",
        _print_stats(profile, "tottime", 30),
        _print_stats(profile, "cumulative", 40),
    ])


def profile_queries(index_path: Path, top: int, repeat: int = 5) -> str:
    """Time every query once (after a warm-up), then profile the `top` slowest, `repeat` runs each."""
    from searcher import Index

    index = Index(index_path, create=False)
    rows = suite.load_queries()
    for row in rows:
        index.search(row["query"])
    timed = []
    for row in rows:
        started = time.perf_counter()
        index.search(row["query"])
        timed.append((time.perf_counter() - started, row))
    timed.sort(key=lambda item: -item[0])
    whole = cProfile.Profile()
    whole.enable()
    for row in rows:
        index.search(row["query"])
    whole.disable()
    total = sum(seconds for seconds, _ in timed)
    parts = [f"all {len(rows)} queries, one warm run each: {total * 1000:.0f} ms without the profiler; "
             "under cProfile, by stage (cumulative):", _stage_table(pstats.Stats(whole), QUERY_STAGES), ""]
    parts.append("slowest queries (one warm run each):")
    parts += [f"  {seconds * 1000:7.1f} ms  {row['kind']:<8} {row['query']}" for seconds, row in timed[:top]]
    for seconds, row in timed[:top]:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(repeat):
            index.search(row["query"])
        profile.disable()
        parts.append(f"\n=== {row['query']!r}: {repeat} runs ===")
        parts.append(_stage_table(pstats.Stats(profile), QUERY_STAGES))
        parts.append(_print_stats(profile, "tottime", 15))
        parts.append(_print_stats(profile, "cumulative", 30))
    index.close()
    return "\n".join(parts)


_IMPORT_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def _package_total(rows: list[tuple[int, int, int, str]], package: str) -> int | None:
    """Microseconds spent importing `package` and its submodules, wherever they were first imported."""
    def ours(name: str) -> bool:
        return name == package or name.startswith(package + ".")

    # importtime prints children before their parent: read it backwards to see ancestors first.
    total, stack, found = 0, [], False
    for cumulative, _, depth, name in reversed(rows):
        del stack[depth:]
        if ours(name):
            found = True
            if not any(ours(a) for a in stack):
                total += cumulative
        stack.append(name)
    return total if found else None


def import_times(argv: list[str], top: int = 25) -> str:
    """`python -X importtime` for one command: total, and the costliest imports by cumulative time."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-X", "importtime", *argv], capture_output=True, text=True,
                          cwd=corpus.REPO)
    wall = time.perf_counter() - started
    rows = []
    for line in done.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            own, cumulative, indent, name = match.groups()
            rows.append((int(cumulative), int(own), len(indent) // 2, name))
    top_level = sum(c for c, _, depth, _ in rows if depth == 0)
    lines = [f"{' '.join(argv)}: {wall * 1000:.0f} ms wall, {top_level / 1000:.0f} ms in imports (exit {done.returncode})"]
    for prefix in ("whoosh", "rapidfuzz", "typer", "pydantic", "rich", "click", "searcher"):
        total = _package_total(rows, prefix)
        shown = f"{total / 1000:7.1f} ms cumulative" if total is not None else "   not imported"
        lines.append(f"  {prefix:<30} {shown}")
    lines.append("  costliest (cumulative ms, own ms):")
    for cumulative, own, depth, name in sorted(rows, reverse=True)[:top]:
        lines.append(f"    {cumulative / 1000:7.1f} {own / 1000:7.1f}  {'  ' * depth}{name}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.profiling", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    build = sub.add_parser("build", help="cProfile a single-process build")
    build.add_argument("--size", type=int, default=3000)
    queries = sub.add_parser("queries", help="cProfile the slowest queries on a built index")
    queries.add_argument("--index", type=Path, required=True, help="a filmsearch index folder")
    queries.add_argument("--top", type=int, default=6)
    imports = sub.add_parser("imports", help="python -X importtime for --help and a query")
    imports.add_argument("--index", type=Path, required=True, help="a filmsearch index folder")
    args = parser.parse_args(argv)
    if args.what == "build":
        with tempfile.TemporaryDirectory(prefix="filmsearch-profile-") as scratch:
            print(profile_build(args.size, Path(scratch)))
    elif args.what == "queries":
        print(profile_queries(args.index, args.top))
    else:
        print(import_times(["-m", "searcher", "--help"]))
        print()
        print(import_times(["-m", "searcher", suite.COLD_QUERY, "--index", str(args.index)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
