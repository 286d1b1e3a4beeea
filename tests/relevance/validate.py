"""Check queries.jsonl: every line parses, ids unique, fields valid, relevant paths exist.

Run from anywhere: python tests/relevance/validate.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CORPUS = Path(sys.argv[sys.argv.index("--corpus") + 1]) if "--corpus" in sys.argv else Path(__file__).resolve().parents[3] / "shared" / "corpus"
MINIMUM = {"known-item": 70, "topical": 35, "person": 25, "title": 25, "fielded": 15}


def resolve(rel: str) -> Path:
    return REPO / rel if rel.startswith("seeds/") else CORPUS / rel


def main() -> int:
    errors: list[str] = []
    ids: Counter[str] = Counter()
    kinds: Counter[tuple[str, str]] = Counter()
    n_rel: Counter[str] = Counter()
    for number, line in enumerate((HERE / "queries.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        try:
            q = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"line {number}: {e}")
            continue
        for key in ("id", "kind", "split", "query", "relevant"):
            if key not in q:
                errors.append(f"line {number}: missing {key}")
        ids[q.get("id")] += 1
        kind = q.get("kind")
        if kind not in MINIMUM:
            errors.append(f"line {number}: bad kind {kind!r}")
        if q.get("split") not in ("tune", "heldout"):
            errors.append(f"line {number}: bad split")
        rel = q.get("relevant") or []
        if not rel or len(set(rel)) != len(rel):
            errors.append(f"line {number}: empty or repeated relevant list")
        for path in rel:
            if not resolve(path).is_file():
                errors.append(f"line {number}: missing file {path}")
        grades = q.get("grades", {})
        if set(grades) - set(rel) or any(g not in (1, 2) for g in grades.values()):
            errors.append(f"line {number}: grades do not match relevant")
        if kind == "known-item" and len({Path(p).name for p in rel if not p.startswith("seeds/")}) != 1:
            errors.append(f"line {number}: known-item must have one article (plus same-title twins)")
        kinds[(kind, q.get("split"))] += 1
        n_rel[kind] += len(rel)
    errors += [f"duplicate id {i}" for i, c in ids.items() if c > 1]
    for kind, minimum in MINIMUM.items():
        total = kinds[(kind, "tune")] + kinds[(kind, "heldout")]
        print(f"{kind:11} {total:4}  tune {kinds[(kind, 'tune')]:3}  heldout {kinds[(kind, 'heldout')]:3}"
              f"  relevant/query {n_rel[kind] / max(total, 1):5.1f}")
        if total < minimum:
            errors.append(f"{kind}: {total} < {minimum}")
    print(f"total {sum(kinds.values())} queries")
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
