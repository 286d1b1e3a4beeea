"""The benchmark suite: filmsearch against SQLite FTS5 (and tantivy-py where installed).

Run from the repository root::

    python -m tests.benchmarks [--size 1000|10000|all] [--out FILE.json] [--scaling]

It builds each engine's index over the same articles (a fixed, seeded sample of
``../shared/corpus/films`` plus the seed article, or the whole corpus for ``all``),
each build in a fresh process so that peak memory is that engine's alone, then
measures warm queries (`queries.jsonl`), a cold CLI query in a fresh process,
fuzzy name lookup (where the library offers it) and incremental updates, and
prints one table of medians with the ratio filmsearch / FTS5.

Modules: `corpus` (the sample), `engines` (one adapter per engine), `measure`
(timers, percentiles, child-process accounting), `suite` (what is measured, in
which order), `report` (the table and the JSON), `_child` (the build process),
`profiling` (cProfile of a build and of the slowest queries, import times:
``python -m tests.benchmarks.profiling build|queries|imports``).
Not part of the default test run (pyproject ignores this folder);
``tests/test_benchmarks_smoke.py`` checks on 50 articles that the code still works.
"""
