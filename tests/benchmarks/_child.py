"""Build one engine's index in this (fresh) process and print one JSON line: articles and seconds.

    python -m tests.benchmarks._child ENGINE ROOTS.json DEST

Run by `measure.run_build`, so engines never share an interpreter. The time printed
covers the build only, not interpreter start-up and imports. Peak memory is read
here, from the kernel: this process's own high-water mark (``VmHWM``, which starts
afresh at exec, unlike ``ru_maxrss``, which keeps the high-water mark of the
process that forked us) and the largest of the processes it waited for.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    name, roots_file, dest = argv
    from .engines import ENGINES

    engine = ENGINES[name]
    roots = [Path(p) for p in json.loads(Path(roots_file).read_text(encoding="utf-8"))]
    started = time.perf_counter()
    articles = engine.build(roots, Path(dest))
    seconds = time.perf_counter() - started
    print(json.dumps({"engine": name, "articles": articles, "seconds": seconds,
                      "peak_rss_bytes": _own_peak(), "children_peak_rss_bytes": _children_peak()}))
    return 0


def _own_peak() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _children_peak() -> int:
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
