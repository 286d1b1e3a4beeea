"""Measure typo tolerance on the misspelling set: Success@1 and Success@10.

    python tests/fuzzy/measure.py --index DIR [--baseline FTS5.db] [--set FILE] [--json]

Rows:

* ``lookup``: the name registry alone (names only): is one of the right people first, or
  in the first ten? Also its time per lookup.
* ``engine fuzzy`` / ``engine exact``: filmsearch's search with the fuzzy layer on and off
  (``Index.search(..., fuzzy=...)``); printed as n/a while the library has no ``fuzzy``
  switch (then the plain search is the exact row). A case succeeds when one of its
  articles is a hit (or a duplicate article of a hit) at that rank.
* ``rewrite (proto)``: a stand-in for the fuzzy layer until query compilation uses it: the
  query text is rewritten with the library (`find_names` spans become
  ``(person:"..." OR ...)``, unknown words their best `Vocabulary.correct` suggestion) and
  searched with the plain engine. Only a preview: no similarity weights, no "exact beats fuzzy".
* ``fts5``: the SQLite FTS5 baseline (`searcher.baseline.Fts5Baseline`), built over the same
  articles; skipped without ``--baseline``.

Paths in the set are relative to the corpus folder, except ``seeds/...`` (the repository).
The index must hold the whole corpus and the seeds:
``filmsearch index ../shared/corpus/films seeds --index DIR``.
"""

from __future__ import annotations

import argparse
import inspect
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

SET = Path(__file__).with_name("misspellings.jsonl")
CORPUS = REPO.parent / "shared" / "corpus" / "films"


def load_cases(path: Path = SET) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def absolute(paths: Iterable[str], corpus: Path = CORPUS) -> set[str]:
    return {str((REPO if p.startswith("seeds/") else corpus) / p) for p in paths}


def rank_of(found: list[set[str]] | list[str], wanted: set[str]) -> int | None:
    """1-based rank of the first result that is (or holds) a wanted item."""
    for rank, item in enumerate(found, 1):
        if (item & wanted) if isinstance(item, set) else item in wanted:
            return rank
    return None


class Tally:
    """Success@1 and @10 per kind and edit."""

    def __init__(self) -> None:
        self.ranks: dict[str, list[int | None]] = defaultdict(list)

    def add(self, case: dict, rank: int | None) -> None:
        self.ranks[case["kind"]].append(rank)
        self.ranks[f"{case['kind']}:{case['edit']}"].append(rank)

    def row(self, group: str) -> dict[str, float | int]:
        ranks = self.ranks.get(group, [])
        n = len(ranks)
        return {"n": n, "s1": sum(1 for r in ranks if r == 1) / n if n else 0.0,
                "s10": sum(1 for r in ranks if r is not None and r <= 10) / n if n else 0.0}


def measure_lookup(searcher: object, cases: list[dict]) -> tuple[Tally, list[float], list[dict]]:
    from searcher.names import NameRegistry

    registry = NameRegistry.open(searcher)
    tally, times, misses = Tally(), [], []
    for case in cases:
        if case["kind"] != "name":
            continue
        started = time.perf_counter()
        matches = registry.lookup(case["query"], limit=10)
        times.append(time.perf_counter() - started)
        rank = rank_of([m.key for m in matches], set(case["keys"]))
        tally.add(case, rank)
        if rank != 1:
            misses.append({"id": case["id"], "query": case["query"], "target": case["target"], "rank": rank,
                           "got": [m.name for m in matches[:3]]})
    return tally, times, misses


def measure_search(search: Callable[[str], list[set[str]]], cases: list[dict], corpus: Path) -> tuple[Tally, list[float]]:
    tally, times = Tally(), []
    for case in cases:
        started = time.perf_counter()
        found = search(case["query"])
        times.append(time.perf_counter() - started)
        tally.add(case, rank_of(found, absolute(case["paths"], corpus)))
    return tally, times


def _engine(index: object, fuzzy: bool | None) -> Callable[[str], list[set[str]]]:
    def search(query: str) -> list[set[str]]:
        kwargs = {} if fuzzy is None else {"fuzzy": fuzzy}
        try:
            results = index.search(query, limit=10, **kwargs)  # type: ignore[attr-defined]
        except Exception as error:  # a query the engine refuses counts as a miss
            print(f"  {query!r}: {type(error).__name__}: {error}", file=sys.stderr)
            return []
        return [{hit.path, *hit.also} for hit in results]

    return search


def rewrite(query: str, registry: object, vocabulary: object) -> str:
    """The query with names expanded and unknown words corrected, in the query language (a preview)."""
    from searcher.fuzzy import find_names

    words = query.split()
    spans = {span.start: span for span in find_names(words, registry, vocabulary)}  # type: ignore[arg-type]
    out: list[str] = []
    position = 0
    while position < len(words):
        span = spans.get(position)
        if span is not None:
            people = " OR ".join(f'person:"{m.key}"' for m in span.matches[:3])
            out.append(f'({people} OR "{span.text}")')
            position = span.end
            continue
        word = words[position]
        fixes = vocabulary.correct(word.strip(".,:;!?"), limit=1)  # type: ignore[attr-defined]
        out.append(fixes[0].word if fixes else word)
        position += 1
    return " ".join(out)


def _rewriting(index: object, searcher: object) -> Callable[[str], list[set[str]]]:
    from searcher.fuzzy import Vocabulary
    from searcher.names import NameRegistry

    registry, vocabulary = NameRegistry.open(searcher), Vocabulary.open(searcher)
    engine = _engine(index, None)
    return lambda query: engine(rewrite(query, registry, vocabulary))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--baseline", type=Path, help="an FTS5 baseline database over the same articles")
    parser.add_argument("--set", type=Path, default=SET)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--misses", action="store_true", help="list the lookup's misses")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from searcher import Index
    from searcher.baseline import Fts5Baseline

    cases = load_cases(args.set)
    rows: dict[str, dict[str, dict[str, float | int] | None]] = {}
    index = Index(args.index, create=False)
    searcher = index._current_searcher()

    lookup, times, misses = measure_lookup(searcher, cases)
    groups = ["name", "title", *sorted(g for g in {f"{c['kind']}:{c['edit']}" for c in cases})]
    rows["lookup"] = {g: lookup.row(g) if g.startswith("name") else None for g in groups}
    timing = {"lookup_ms_mean": 1000 * statistics.mean(times), "lookup_ms_median": 1000 * statistics.median(times),
              "lookup_ms_p95": 1000 * sorted(times)[int(0.95 * len(times))]}

    has_fuzzy = "fuzzy" in inspect.signature(index.search).parameters
    engines: dict[str, Callable[[str], list[set[str]]] | None] = {
        "engine fuzzy": _engine(index, True) if has_fuzzy else None,
        "engine exact": _engine(index, False if has_fuzzy else None),
        "rewrite (proto)": _rewriting(index, searcher),
    }
    baseline = Fts5Baseline.open(args.baseline) if args.baseline else None
    if baseline is not None:
        engines["fts5"] = lambda q: [{p} for p, _score in baseline.search(q, limit=10)]
    for name, engine in engines.items():
        if engine is None:
            rows[name] = {g: None for g in groups}
            continue
        tally, spent = measure_search(engine, cases, args.corpus)
        rows[name] = {g: tally.row(g) for g in groups}
        timing[f"{name}_ms_mean"] = 1000 * statistics.mean(spent)
    index.close()

    if args.json:
        print(json.dumps({"rows": rows, "timing": timing, "misses": misses if args.misses else []}, indent=1))
        return
    print(f"{'group':28}" + "".join(f"{name:>17}" for name in rows))
    print(f"{'':28}" + "".join(f"{'S@1  S@10':>17}" for _ in rows))
    for group in groups:
        cells = []
        for name in rows:
            row = rows[name][group]
            cells.append(f"{'n/a':>17}" if row is None else f"{row['s1']:>11.2f} {row['s10']:>5.2f}")
        n = lookup.row(group)["n"] or len([c for c in cases if f"{c['kind']}:{c['edit']}" == group or c["kind"] == group])
        print(f"{group + f' ({n})':28}" + "".join(cells))
    print("\n" + ", ".join(f"{k} {v:.1f}" for k, v in timing.items()))
    if args.misses:
        print("\nlookup misses:")
        for miss in misses:
            print(f"  {miss['id']} {miss['query']!r} -> {miss['target']!r}: rank {miss['rank']}, got {miss['got']}")


if __name__ == "__main__":
    main()
