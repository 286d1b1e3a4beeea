"""`python -m tests.benchmarks`: run the suite, print the table, write the JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import report, suite
from .engines import ENGINES


def _size(text: str) -> int | str:
    if text == "all":
        return "all"
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of articles or 'all'") from None
    if value < 2:
        raise argparse.ArgumentTypeError("the sample needs at least 2 articles")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks",
        description="Benchmark filmsearch against SQLite FTS5 (and tantivy-py where installed) on the film corpus.",
    )
    parser.add_argument("--size", type=_size, default=10000,
                        help="articles in the seeded sample (seed article included), or 'all' for the whole corpus "
                             "(default 10000; the figures of issue 6 use 1000, 10000 and all)")
    parser.add_argument("--scaling", action="store_true",
                        help="run every size of --sizes and print the figures side by side")
    parser.add_argument("--sizes", type=lambda s: [_size(x) for x in s.split(",")], default=[1000, 10000, "all"],
                        help="sizes for --scaling, comma-separated (default 1000,10000,all)")
    parser.add_argument("--out", type=Path, help="write every figure and sample as JSON to this file")
    parser.add_argument("--engines", type=lambda s: s.split(","), default=None,
                        help=f"comma-separated subset of {','.join(ENGINES)} (default: all installed)")
    parser.add_argument("--workdir", type=Path, help="build the indexes here and keep them (default: a temp folder)")
    parser.add_argument("--build-repeat", type=int, default=None, help="builds per engine (default 3, 1 above 10000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds over the query set (default 3)")
    parser.add_argument("--cold-repeat", type=int, default=5, help="runs of each cold command (default 5)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if min(args.rounds, args.cold_repeat, args.build_repeat or 1) < 1:
        _parser().error("repeat counts must be at least 1")
    options = {"workdir": args.workdir, "engines": args.engines, "build_repeat": args.build_repeat,
               "rounds": args.rounds, "cold_repeat": args.cold_repeat}
    try:
        if args.scaling:
            data = suite.run_scaling(args.sizes, **options)
            runs = data["runs"]
        else:
            data = suite.run(args.size, **options)
            runs = [data]
    except (FileNotFoundError, ValueError) as error:
        print(f"benchmarks: {error}", file=sys.stderr)
        return 1
    for run in runs:
        print(report.table(run))
        print()
        print(report.slowest(run))
        print()
        fuzzy = run["engines"].get("filmsearch", {}).get("fuzzy")
        if fuzzy:
            print(f"fuzzy name lookup: {fuzzy['how']}\n")
    if len(runs) > 1:
        print("scaling:\n")
        print(report.scaling_table(runs))
    if args.out:
        report.write_json(data, args.out)
        print(f"\nwrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
