"""Time the name registry and the word vocabulary on a real index (a benchmark, not a test).

    python tests/fuzzy/bench.py --index DIR [--queries N]

Prints: building the registry from the index (what the first query after an index change
pays when nothing warmed the cache), loading it from its cache file in a fresh process
(what every cold CLI query pays), and lookup time per query over the misspelling set and
over N registry names with one random typo; the same for the word corrector.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

_COLD = """
import sys, time
sys.path.insert(0, {repo!r})
from searcher import Index
index = Index({index!r}, create=False)
searcher = index._current_searcher()
import rapidfuzz.process, rapidfuzz.fuzz  # imported by the first lookup anyway: time it apart
from searcher.{module} import {cls}
started = time.perf_counter()
loaded = {cls}.open(searcher)
{touch}
print(time.perf_counter() - started)
"""


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    return (f"mean {1000 * statistics.mean(values):.2f} ms, median {1000 * statistics.median(values):.2f} ms, "
            f"p95 {1000 * ordered[int(0.95 * (len(ordered) - 1))]:.2f} ms, max {1000 * ordered[-1]:.2f} ms")


def _cold(index: Path, module: str, cls: str, touch: str, runs: int = 5) -> list[float]:
    code = _COLD.format(repo=str(REPO), index=str(index), module=module, cls=cls, touch=touch)
    return [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(runs)]


def _typo(rng: random.Random, text: str) -> str:
    spots = [i for i, c in enumerate(text) if c.isalpha()]
    if not spots:
        return text
    i = rng.choice(spots)
    edit = rng.randrange(3)
    if edit == 0:
        return text[:i] + text[i + 1:]
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    return text[:i] + letter + text[i + (edit == 1):]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args(argv)

    from searcher import Index, names
    from searcher.fuzzy import Vocabulary
    from searcher.names import NameRegistry, _Builder

    sys.path.insert(0, str(Path(__file__).parent))
    from measure import load_cases

    index = Index(args.index, create=False)
    searcher = index._current_searcher()

    started = time.perf_counter()
    sections = _Builder.from_searcher(searcher).sections()
    print(f"registry: built from the index in {time.perf_counter() - started:.2f} s ({len(sections[0])} names)")
    NameRegistry.open(searcher)  # make sure the cache file exists
    print(f"registry: cold load from cache ({_ms(_cold(args.index, 'names', 'NameRegistry', ''))})")

    registry = NameRegistry.open(searcher)
    rng = random.Random(5)
    cases = [c["query"] for c in load_cases() if c["kind"] == "name"]
    sample = [_typo(rng, registry._match(i, 1.0).name) for i in rng.sample(range(len(registry)), args.queries)]
    for label, queries in (("misspelling set", cases), (f"{args.queries} registry names, one typo", sample)):
        spent = []
        for query in queries:
            t = time.perf_counter()
            registry.lookup(query)
            spent.append(time.perf_counter() - t)
        print(f"lookup, {label}: {_ms(spent)}")
    names._MEMO.clear()

    started = time.perf_counter()
    vocabulary = Vocabulary.open(searcher)
    print(f"vocabulary: open (built or loaded) in {time.perf_counter() - started:.2f} s")
    touch = "loaded.correct('detentoin')"
    print(f"vocabulary: cold load + first correction ({_ms(_cold(args.index, 'fuzzy', 'Vocabulary', touch))})")
    words = [c["query"] for c in load_cases() if c["kind"] == "title"]
    unknown = [w for q in words for w in q.split() if len(w) >= 5]
    spent = []
    for word in unknown:
        t = time.perf_counter()
        vocabulary.correct(word)
        spent.append(time.perf_counter() - t)
    print(f"correct, {len(unknown)} title words: {_ms(spent)}")
    index.close()


if __name__ == "__main__":
    main()
