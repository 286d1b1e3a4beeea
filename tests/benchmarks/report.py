"""The figures of a run as table rows, printed as one Markdown table, and the JSON document.

Every row gives each engine's absolute value and the ratio filmsearch / FTS5 (FTS5
in OR mode unless the row says AND). The machine is shared and noisy, so the ratio,
measured in the same run, says more than the seconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["FIGURES", "figures", "table", "slowest", "scaling_table", "write_json"]

Getter = Callable[[dict[str, Any], dict[str, Any], str], Any]


def _get(*keys: str) -> Getter:
    def getter(engine: dict[str, Any], meta: dict[str, Any], name: str) -> Any:
        value: Any = engine
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    return getter


def _query(stat: str, mode: str) -> Getter:
    def getter(engine: dict[str, Any], meta: dict[str, Any], name: str) -> Any:
        by_mode = engine.get("query", {})
        found = by_mode.get("default") or by_mode.get(mode) or {}
        return found.get(stat)

    return getter


def _meta(key: str) -> Getter:
    return lambda engine, meta, name: meta.get(key) if name == "filmsearch" else None


def _fuzzy(engine: dict[str, Any], meta: dict[str, Any], name: str) -> Any:
    if name != "filmsearch":
        return None
    fuzzy = engine.get("fuzzy") or {}
    return fuzzy.get("ms") if fuzzy.get("ms") is not None else "n/a"


def _index_mb(engine: dict[str, Any], meta: dict[str, Any], name: str) -> Any:
    size = _get("build", "index_bytes")(engine, meta, name)
    return None if size is None else size / 1e6


#: (id, label, unit, getter): the rows of the table, in order.
FIGURES: list[tuple[str, str, str, Getter]] = [
    ("build_s", "full build, wall", "s", _get("build", "seconds")),
    ("build_cpu_s", "full build, CPU user+sys", "s", _get("build", "cpu_seconds")),
    ("build_articles_per_s", "full build, throughput", "articles/s", _get("build", "articles_per_second")),
    ("build_peak_rss_mb", "build peak memory, largest process", "MB", _get("build", "peak_rss_mb")),
    ("build_peak_tree_rss_mb", "build peak memory, process tree", "MB", _get("build", "peak_tree_rss_mb")),
    ("index_mb", "index size on disk", "MB", _index_mb),
    ("index_text_ratio", "index size / text size", "x", _get("build", "size_ratio")),
    ("query_p50_ms", "warm query p50 (FTS5, tantivy: OR)", "ms", _query("p50_ms", "or")),
    ("query_p95_ms", "warm query p95 (FTS5, tantivy: OR)", "ms", _query("p95_ms", "or")),
    ("query_p50_and_ms", "warm query p50 (FTS5, tantivy: AND)", "ms", _query("p50_ms", "and")),
    ("query_p95_and_ms", "warm query p95 (FTS5, tantivy: AND)", "ms", _query("p95_ms", "and")),
    ("cold_query_s", "cold query, fresh process", "s", _get("cold_query_s")),
    ("help_s", "filmsearch --help, fresh process", "s", _meta("help_s")),
    ("python_start_s", "python -c pass (floor)", "s", _meta("python_start_s")),
    ("fuzzy_name_ms", "fuzzy name lookup", "ms", _fuzzy),
    ("add_one_s", "add 1 article to the index", "s", _get("incremental", "add_one_s")),
    ("nochange_sync_s", "sync with nothing changed", "s", _get("incremental", "nochange_sync_s")),
]


def figures(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The table rows of one run: id, label, unit, each engine's value, ratio filmsearch / FTS5."""
    rows = []
    engines = result["engines"]
    for key, label, unit, getter in FIGURES:
        values = {name: getter(engine, result["meta"], name) for name, engine in engines.items()}
        ours, theirs = values.get("filmsearch"), values.get("fts5")
        ratio = ours / theirs if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)) and theirs else None
        rows.append({"id": key, "label": label, "unit": unit, "values": values, "ratio": ratio})
    return rows


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{_number(value)}x"


def _markdown(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
    right = [False, *([True] * (len(header) - 1))]

    def line(cells: list[str]) -> str:
        padded = [c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right)]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if r else ("-" * (w + 2)) for w, r in zip(widths, right)) + "|"
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


_LABELS = {"filmsearch": "filmsearch", "fts5": "FTS5", "tantivy": "tantivy"}


def table(result: dict[str, Any]) -> str:
    """One run as a Markdown table, with a line saying what was measured."""
    meta = result["meta"]
    others = [n for n in result["engines"] if n not in ("filmsearch", "fts5")]
    header = ["figure", "unit", "filmsearch", "FTS5", "filmsearch / FTS5", *(_LABELS.get(n, n) for n in others)]
    rows = []
    for row in result["figures"]:
        values = row["values"]
        rows.append([row["label"], row["unit"], _number(values.get("filmsearch")), _number(values.get("fts5")),
                     _ratio(row["ratio"]), *(_number(values.get(n)) for n in others)])
    title = (
        f"size {meta['size']}: {meta['articles']:,} articles, {meta['text_bytes'] / 1e6:.1f} MB of text; "
        f"medians of {meta['build_repeat']} build(s), {meta['rounds']} round(s) of {meta['queries']} queries, "
        f"{meta['cold_repeat']} cold run(s); {meta['cpus']} CPUs, load {_load(meta)}"
    )
    return f"{title}\n\n{_markdown(header, rows)}"


def _load(meta: dict[str, Any]) -> str:
    before, after = meta.get("load_before"), meta.get("load_after")
    if not before or not after:
        return "unknown"
    return f"{before[0]:.1f} before, {after[0]:.1f} after"


def slowest(result: dict[str, Any], count: int = 8) -> str:
    """filmsearch's slowest queries (median ms), with FTS5's time on the same query."""
    engines = result["engines"]
    ours = engines.get("filmsearch", {}).get("query", {}).get("default")
    if not ours:
        return ""
    fts5 = {q["query"]: q["median_ms"] for q in engines.get("fts5", {}).get("query", {}).get("or", {}).get("per_query", [])}
    ranked = sorted(ours["per_query"], key=lambda q: -q["median_ms"])[:count]
    rows = [[q["query"], q["kind"], _number(q["median_ms"]), _number(fts5.get(q["query"])), str(q["hits"])] for q in ranked]
    return "slowest filmsearch queries:\n\n" + _markdown(["query", "kind", "filmsearch ms", "FTS5 OR ms", "hits"], rows)


def scaling_table(runs: list[dict[str, Any]]) -> str:
    """The same figures at several sizes: filmsearch / FTS5 (ratio) per size."""
    header = ["figure", "unit", *(f"{r['meta']['articles']:,} articles: filmsearch / FTS5 (ratio)" for r in runs)]
    rows = []
    for i, (key, label, unit, _) in enumerate(FIGURES):
        cells = []
        for run in runs:
            row = run["figures"][i]
            values = row["values"]
            ours, theirs = _number(values.get("filmsearch")), values.get("fts5")
            cells.append(ours if theirs is None else f"{ours} / {_number(theirs)} ({_ratio(row['ratio'])})")
        rows.append([label, unit, *cells])
    return _markdown(header, rows)


def write_json(data: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
