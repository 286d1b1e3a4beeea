"""Measure and tune ranking on the judged query set (a development tool, not part of the package).

    python tests/relevance/tune.py report --index /tmp/ix [--split tune|heldout] [--set JSON] [--json OUT]
    python tests/relevance/tune.py tune --index /tmp/ix [--rounds 2] [--knob K1 ...] [--start JSON]

JSON names knob values, e.g. '{"K1": 0.9, "BONUS.title": 0.5}' ("A.b" is key b of dict A).

`report` prints filmsearch against the FTS5 baseline per kind (a Markdown table), and per kind
how many queries each engine wins on nDCG@10 with a paired sign-flip test. `tune` runs a
coordinate search over the knobs in `searcher/ranking.py` on the **tune** split only: each knob
in turn is tried at every value of its grid, the others held, and kept at the best; repeated for
`--rounds`. The knobs are module globals read at query time, so nothing is rebuilt (the BM25
parameters need a fresh searcher, which `apply` arranges by closing the index). The objective is
the mean over kinds of nDCG@10, so that each kind weighs the same whatever its query count.

`report` builds the FTS5 baseline once over the index's articles and keeps it at --baseline-db
(delete the file when the indexed articles change).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from searcher import Index, query, ranking
from searcher.baseline import Fts5Baseline
from searcher.evaluate import EvalReport, Metrics, build_baseline, evaluate

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "queries.jsonl"

#: Knob -> values tried. "A.b" names key b of dict A in `ranking`.
GRID: dict[str, list[float]] = {
    "K1": [0.3, 0.45, 0.6, 0.9, 1.2, 1.6, 2.0],
    "FIELD_B.text": [0.1, 0.2, 0.3, 0.4, 0.5, 0.65, 0.75, 0.85],
    "BONUS.title": [0.0, 0.5, 1.0, 2.0, 3.0],
    "BONUS.person": [0.0, 0.5, 1.0, 2.0, 3.0],
    "BONUS.characters": [0.0, 0.25, 0.5, 1.0],
    "FIELD_B.title": [0.0, 0.2, 0.4, 0.7, 0.9],
    "FIELD_B.person": [0.0, 0.2, 0.4],
    "FIELD_B.characters": [0.0, 0.3, 0.6],
    "TITLE_EXACT": [0.0, 0.5, 1.0, 2.0, 4.0],
    "FUZZY": [0.5, 0.8, 1.0],
    "SYNONYM": [0.0, 0.3, 0.5, 0.8, 1.0],
    "NAME_LIKE": [0.0, 0.25, 0.5, 1.0, 2.0],
    "COORD": [0.0, 0.5, 1.0, 1.5, 2.0, 3.0],
    "COMMON": [0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.2, 1.0],
    "SECTION_WEIGHT.title": [0.0, 0.5, 1.0, 2.0],
    "SECTION_WEIGHT.lead": [0.5, 1.0, 1.5, 2.0, 3.0],
    "SECTION_WEIGHT.plot": [0.5, 1.0, 1.5, 2.0, 3.0],
    "SECTION_WEIGHT.other": [0.0, 0.25, 0.5, 1.0],
    "SECTION_WEIGHT.names": [0.0, 0.5, 1.0, 2.0],
}
#: Tried only when named with --knob: the weight of free words, and constants of query.py.
QUERY_GRID: dict[str, list[float]] = {
    "TEXT_BOOST": [0.25, 0.5, 0.75, 1.0],
    "query:STRICT_WORDS": [2, 3, 4, 6, 99],
    "query:CANDIDATES": [50, 100, 200, 400],
}


def get(knob: str) -> float:
    if knob.startswith("query:"):
        return float(getattr(query, knob[6:]))
    if "." in knob:
        name, key = knob.split(".")
        return float(getattr(ranking, name).get(key, ranking.DEFAULT_B if name == "FIELD_B" else 0.0))
    return float(getattr(ranking, knob))


def apply(index: Index, config: dict[str, float]) -> None:
    """Set knobs in `ranking` and drop the cached searcher (it holds the BM25 weighting)."""
    for knob, value in config.items():
        if knob.startswith("query:"):
            setattr(query, knob[6:], int(value))
        elif "." in knob:
            name, key = knob.split(".")
            getattr(ranking, name)[key] = value
        else:
            setattr(ranking, knob, value)
    index.close()


def objective(report: EvalReport) -> float:
    kinds = [g for g in report.groups if g.kind != "all"]
    return sum(g.filmsearch.ndcg for g in kinds) / len(kinds)


def table(report: EvalReport) -> str:
    names = Metrics.names(report.limit)
    lines = [f"| kind | n | engine | {' | '.join(names)} |", "|---|---|---|" + "---|" * len(names)]
    for kind, n, engine, *values in report.rows():
        lines.append(f"| {kind} | {n} | {engine} | " + " | ".join(f"{v:.3f}" for v in values) + " |")
    return "\n".join(lines)


def paired(report: EvalReport, rounds: int = 20000) -> str:
    """Per kind: queries where filmsearch's nDCG@10 is above / below FTS5's, and the two-sided p of
    the mean difference under a sign-flip randomisation test (is the lead more than query noise?)."""
    rng = random.Random(0)
    lines = []
    for kind in [g.kind for g in report.groups]:
        diffs = [o.filmsearch.metrics.ndcg - o.baseline.metrics.ndcg for o in report.outcomes
                 if o.baseline and kind in ("all", o.query.kind)]
        observed = abs(sum(diffs))
        extreme = sum(abs(sum(d if rng.random() < 0.5 else -d for d in diffs)) >= observed - 1e-12
                      for _ in range(rounds))
        lines.append(f"{kind}: mean difference {sum(diffs) / len(diffs):+.3f}, filmsearch ahead on "
                     f"{sum(d > 1e-9 for d in diffs)}, behind on {sum(d < -1e-9 for d in diffs)} of {len(diffs)}, "
                     f"p = {extreme / rounds:.3f}")
    return "\n".join(lines)


def open_baseline(index: Index, path: Path) -> Fts5Baseline:
    if path.exists():
        return Fts5Baseline.open(path)
    started = time.perf_counter()
    baseline = build_baseline(index, path)
    print(f"built the FTS5 baseline in {time.perf_counter() - started:.0f} s: {path}", file=sys.stderr)
    return baseline


def report_command(args: argparse.Namespace) -> None:
    index = Index(args.index, create=False)
    config = json.loads(args.set or "{}")
    apply(index, config)
    with open_baseline(index, args.baseline_db) as baseline:
        report = evaluate(index, args.queries, split=args.split, kinds=args.kind, baseline=baseline)
    print(f"split {args.split or 'all'}: filmsearch {report.seconds:.1f} s, fts5 {report.baseline_seconds:.1f} s, "
          f"objective {objective(report):.4f}")
    print(table(report))
    print(paired(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def tune_command(args: argparse.Namespace) -> None:
    index = Index(args.index, create=False)
    knobs = args.knob or list(GRID)
    grid = GRID | QUERY_GRID

    def score(config: dict[str, float]) -> float:
        apply(index, config)
        return objective(evaluate(index, args.queries, split="tune", kinds=args.kind))

    best = {knob: get(knob) for knob in {*GRID, *knobs}} | json.loads(args.start or "{}")
    best_score = score(best)
    print(f"start {best_score:.4f} {json.dumps(best)}", flush=True)
    for round_ in range(args.rounds):
        improved = False
        for knob in knobs:
            for value in grid[knob]:
                if value == best[knob]:
                    continue
                trial = {**best, knob: value}
                result = score(trial)
                print(f"  r{round_} {knob}={value}: {result:.4f}", flush=True)
                if result > best_score + 1e-4:
                    best, best_score, improved = trial, result, True
            print(f"r{round_} {knob} -> {best[knob]}  ({best_score:.4f})", flush=True)
        if not improved:
            break
    apply(index, best)
    print(f"best {best_score:.4f} {json.dumps(best)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("report", "tune"):
        p = sub.add_parser(name)
        p.add_argument("--index", type=Path, required=True)
        p.add_argument("--queries", type=Path, default=QUERIES)
        p.add_argument("--kind", action="append", help="only this kind (repeatable)")
        if name == "report":
            p.add_argument("--split", choices=("tune", "heldout"))
            p.add_argument("--json", help="also write the report here")
            p.add_argument("--set", help="knob values to use instead of ranking.py's, as JSON")
            p.add_argument("--baseline-db", type=Path, default=Path("/tmp/filmsearch_fts5_eval.db"))
        else:
            p.add_argument("--rounds", type=int, default=2)
            p.add_argument("--knob", action="append", choices=[*GRID, *QUERY_GRID], help="only this knob (repeatable)")
            p.add_argument("--start", help="knob values to start from, as JSON (default: ranking.py's)")
    args = parser.parse_args(argv)
    {"report": report_command, "tune": tune_command}[args.command](args)


if __name__ == "__main__":
    main()
