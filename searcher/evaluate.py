"""Relevance evaluation: run a judged query set against an index (and an FTS5 baseline) and score the rankings.

A query set is JSON lines, one judged query each (see ``tests/relevance/README.md``)::

    {"id": "ki-001", "kind": "known-item", "split": "tune", "query": "...",
     "relevant": ["films/1920s/X.txt"], "grades": {"films/1920s/X.txt": 2}}

Relevant paths are matched as path suffixes of the indexed files (whole components), so a
set written relative to a corpus root works wherever that corpus lives.

Judgments are per film, not per file: an index shows one hit per film (`Hit.also` lists the
film's other articles), so every relevant article is mapped to its film (`indexer.film_key`
of its page title, as the index stores it) and a film's grade is the highest of its articles'.
The FTS5 baseline returns articles, so its hits are collapsed to films the same way before
scoring: both engines are judged on the first `limit` distinct films they show.

The measures come from ir-measures (the ``eval`` extra), imported only when scoring, since it
pulls in numpy and pytrec_eval: ``RR@k`` (its mean is MRR@k), ``Success@1``, ``Success@k``,
``R@k`` (recall) and ``nDCG@k`` (linear gain = grade, so graded when grades exist). A query
with no hits scores 0 on every measure. Means are taken over queries, per kind and over all.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import FilmsearchError, QueryError, SourceMissingError

if TYPE_CHECKING:
    from .baseline import Fts5Baseline
    from .index import Index

__all__ = [
    "QuerySetError",
    "JudgedQuery",
    "Metrics",
    "EngineRun",
    "QueryOutcome",
    "GroupScores",
    "EvalReport",
    "load_queries",
    "measure",
    "evaluate",
    "build_baseline",
    "SPLITS",
    "ENGINES",
]

#: The splits a query set may name; `evaluate(split=None)` takes every query.
SPLITS = ("tune", "heldout")
#: Engine names, as they appear in `EvalReport.rows()` and `to_dict()`.
ENGINES = ("filmsearch", "fts5")

#: Called with (queries done, queries to do) while evaluating.
Progress = Callable[[int, int], None]


class QuerySetError(FilmsearchError, ValueError):
    """A query set file with a line that is not a valid judged query; `line` is 1-based."""

    exit_code = 2

    def __init__(self, message: str, path: str, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True, kw_only=True)
class JudgedQuery:
    """One line of a query set. `grades` pairs a relevant path with its grade (1 where not given)."""

    id: str
    kind: str
    query: str
    relevant: tuple[str, ...]
    split: str | None = None
    grades: tuple[tuple[str, int], ...] = ()
    line: int = field(default=0, compare=False, repr=False)

    def grade(self, path: str) -> int:
        """The grade of a relevant path: its listed grade, else 1."""
        return dict(self.grades).get(path, 1)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": self.kind, "split": self.split, "query": self.query,
                                "relevant": list(self.relevant)}
        if self.grades:
            data["grades"] = dict(self.grades)
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class Metrics:
    """Measures of one ranking, or their means over a group; cut-off `EvalReport.limit` except `success_1`."""

    mrr: float
    success_1: float
    success: float
    recall: float
    ndcg: float

    @staticmethod
    def names(limit: int = 10) -> tuple[str, ...]:
        """Column labels, in field order: ``MRR@10``, ``Success@1``, ``Success@10``, ``Recall@10``, ``nDCG@10``."""
        return (f"MRR@{limit}", "Success@1", f"Success@{limit}", f"Recall@{limit}", f"nDCG@{limit}")

    def values(self) -> tuple[float, ...]:
        return (self.mrr, self.success_1, self.success, self.recall, self.ndcg)

    def to_dict(self) -> dict[str, float]:
        return {"mrr": self.mrr, "success_1": self.success_1, "success": self.success,
                "recall": self.recall, "ndcg": self.ndcg}

    @classmethod
    def mean(cls, items: Sequence[Metrics]) -> Metrics:
        """The mean of each measure (all zero for no items)."""
        n = len(items) or 1
        return cls(**{name: sum(getattr(m, name) for m in items) / n for name in _FIELDS})


_FIELDS = ("mrr", "success_1", "success", "recall", "ndcg")
_ZERO = Metrics(mrr=0.0, success_1=0.0, success=0.0, recall=0.0, ndcg=0.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineRun:
    """What one engine returned for one query: films best first (the shown article's absolute path)."""

    hits: tuple[str, ...]
    #: 1-based rank of the first relevant film, or None when none is in the top `limit`.
    rank: int | None
    metrics: Metrics
    #: The `QueryError` message when the engine refused the query (it then scores 0).
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"hits": list(self.hits), "rank": self.rank, "metrics": self.metrics.to_dict(), "error": self.error}


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryOutcome:
    """One judged query and how each engine did on it."""

    query: JudgedQuery
    #: Distinct relevant films (the recall denominator).
    films: int
    filmsearch: EngineRun
    baseline: EngineRun | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**self.query.to_dict(), "films": self.films, "filmsearch": self.filmsearch.to_dict(),
                "fts5": self.baseline.to_dict() if self.baseline else None}


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupScores:
    """Mean measures over the queries of one kind, or of all of them (`kind` "all")."""

    kind: str
    queries: int
    filmsearch: Metrics
    baseline: Metrics | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "queries": self.queries, "filmsearch": self.filmsearch.to_dict(),
                "fts5": self.baseline.to_dict() if self.baseline else None}


@dataclass(frozen=True, slots=True, kw_only=True)
class EvalReport:
    """The result of `evaluate`: means per kind (in the set's order) then over all, and every query's outcome."""

    queries_file: str
    split: str | None
    kinds: tuple[str, ...] | None
    limit: int
    fuzzy: bool
    groups: tuple[GroupScores, ...]
    outcomes: tuple[QueryOutcome, ...]
    #: Relevant paths of the set that match no indexed file (they can never be found).
    missing: tuple[str, ...] = ()
    seconds: float = 0.0
    baseline_seconds: float | None = None

    @property
    def overall(self) -> GroupScores:
        return self.groups[-1]

    def columns(self) -> tuple[str, ...]:
        """Headers for `rows`."""
        return ("kind", "queries", "engine", *Metrics.names(self.limit))

    def rows(self) -> list[tuple[str, int, str, float, float, float, float, float]]:
        """One row per kind and engine (filmsearch, then fts5 when run), then the "all" rows: plain values."""
        rows = []
        for group in self.groups:
            engines = [("filmsearch", group.filmsearch)]
            if group.baseline is not None:
                engines.append(("fts5", group.baseline))
            for name, metrics in engines:
                rows.append((group.kind, group.queries, name, *metrics.values()))
        return rows  # type: ignore[return-value]

    def to_dict(self) -> dict[str, Any]:
        return {
            "queries_file": self.queries_file,
            "split": self.split,
            "kinds": list(self.kinds) if self.kinds is not None else None,
            "limit": self.limit,
            "fuzzy": self.fuzzy,
            "metrics": list(Metrics.names(self.limit)),
            "groups": [g.to_dict() for g in self.groups],
            "outcomes": [o.to_dict() for o in self.outcomes],
            "missing": list(self.missing),
            "seconds": round(self.seconds, 3),
            "baseline_seconds": None if self.baseline_seconds is None else round(self.baseline_seconds, 3),
        }


# -- loading -----------------------------------------------------------------------


def load_queries(path: str | os.PathLike[str]) -> tuple[JudgedQuery, ...]:
    """Read and check a JSON-lines query set; blank lines are skipped.

    Raises:
        SourceMissingError: no file at `path`.
        QuerySetError: a line that is not a judged query (names the file and line), or a repeated id.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceMissingError(f"no such query set: {file}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise QuerySetError(f"cannot read: {getattr(error, 'strerror', None) or error}", str(file)) from None
    queries: list[JudgedQuery] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        judged = _parse_line(line, str(file), number)
        if judged.id in seen:
            raise QuerySetError(f"id {judged.id!r} already used on line {seen[judged.id]}", str(file), number)
        seen[judged.id] = number
        queries.append(judged)
    return tuple(queries)


def _parse_line(line: str, file: str, number: int) -> JudgedQuery:
    def bad(message: str) -> QuerySetError:
        return QuerySetError(message, file, number)

    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise bad(f"not JSON: {error.msg} (column {error.colno})") from None
    if not isinstance(data, dict):
        raise bad("expected a JSON object")
    for key in ("id", "kind", "query"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise bad(f"{key!r} must be a non-empty string")
    split = data.get("split")
    if split is not None and split not in SPLITS:
        raise bad(f"'split' must be one of {', '.join(SPLITS)}, not {split!r}")
    relevant = data.get("relevant")
    if not isinstance(relevant, list) or not relevant or not all(isinstance(p, str) and p for p in relevant):
        raise bad("'relevant' must be a non-empty list of paths")
    if len(set(relevant)) != len(relevant):
        raise bad("'relevant' lists a path twice")
    grades = data.get("grades", {})
    if not isinstance(grades, dict):
        raise bad("'grades' must be an object of path: grade")
    for path, grade in grades.items():
        if path not in relevant:
            raise bad(f"'grades' names {path!r}, which is not in 'relevant'")
        if not isinstance(grade, int) or isinstance(grade, bool) or grade < 1:
            raise bad(f"grade of {path!r} must be a whole number of at least 1")
    return JudgedQuery(id=data["id"], kind=data["kind"], split=split, query=data["query"],
                       relevant=tuple(relevant), grades=tuple(grades.items()), line=number)


# -- scoring -----------------------------------------------------------------------


def measure(
    qrels: Mapping[str, Mapping[str, int]], run: Mapping[str, Sequence[str]], limit: int = 10
) -> dict[str, Metrics]:
    """Score ranked lists against graded judgments with ir-measures.

    Args:
        qrels: query id -> {document id: grade >= 1} (documents not listed are not relevant).
        run: query id -> document ids, best first (only the first `limit` count; a repeat is not relevant again).
        limit: the cut-off k of MRR@k, Success@k, Recall@k and nDCG@k.

    Returns:
        Metrics per query id of `qrels`; a query absent from `run`, or with no hits, scores 0.
    """
    import ir_measures  # lazily: numpy and pytrec_eval are heavy, and only evaluation needs them

    names = dict(zip(Metrics.names(limit), _FIELDS, strict=True))
    measures = [ir_measures.parse_measure(m) for m in
                (f"RR@{limit}", "Success@1", f"Success@{limit}", f"R@{limit}", f"nDCG@{limit}")]
    field_of = {str(m): name for m, name in zip(measures, names.values(), strict=True)}
    # Scores from ranks, not engine scores: pytrec_eval re-sorts by score and breaks ties by
    # document id, which would reorder films that an engine scored equal.
    scored: dict[str, dict[str, float]] = {}
    for qid, docs in run.items():
        if qid in qrels and docs:
            ranked = scored[qid] = {}
            for i, doc in enumerate(docs[:limit]):
                # A repeat keeps its slot, as a non-relevant placeholder, so later ranks stay put.
                ranked[f"\0repeat-{i}" if doc in ranked else doc] = float(limit - i)
    values: dict[str, dict[str, float]] = {qid: dict.fromkeys(_FIELDS, 0.0) for qid in qrels}
    judged = {qid: {doc: int(g) for doc, g in docs.items()} for qid, docs in qrels.items()}
    if scored:
        for metric in ir_measures.iter_calc(measures, judged, scored):
            values[metric.query_id][field_of[str(metric.measure)]] = float(metric.value)
    return {qid: Metrics(**v) for qid, v in values.items()}


# -- running -----------------------------------------------------------------------


def evaluate(
    index: Index,
    queries: str | os.PathLike[str] | Sequence[JudgedQuery],
    *,
    split: str | None = None,
    kinds: Iterable[str] | None = None,
    baseline: Fts5Baseline | None = None,
    limit: int = 10,
    fuzzy: bool = True,
    progress: Progress | None = None,
) -> EvalReport:
    """Run a judged query set against `index` (and `baseline`) and score both.

    Args:
        index: the index to evaluate.
        queries: a query-set file (see `load_queries`) or judged queries already loaded.
        split: only queries of this split ("tune" or "heldout"); None takes all.
        kinds: only queries of these kinds; None takes all.
        baseline: an FTS5 baseline over the same articles (see `build_baseline`), scored side by side.
        limit: the cut-off k of the measures; each engine is asked for its first `limit` films.
        fuzzy: passed to `Index.search` (False: no name or spelling corrections).
        progress: called with (done, total) after each query.

    Raises:
        SourceMissingError, QuerySetError: the query set cannot be read.
        QuerySetError: no query is left after filtering by split and kind.
        IndexMissingError: no index at `index.path`.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)} or None, not {split!r}")
    source = "<queries>" if not isinstance(queries, (str, os.PathLike)) else str(queries)
    judged = load_queries(queries) if isinstance(queries, (str, os.PathLike)) else tuple(queries)
    wanted = None if kinds is None else tuple(dict.fromkeys(kinds))
    chosen = [q for q in judged if (split is None or q.split == split) and (wanted is None or q.kind in wanted)]
    if not chosen:
        what = " and ".join(filter(None, [split and f"split {split!r}", wanted and f"kind {', '.join(wanted)}"]))
        raise QuerySetError(f"no queries{' of ' + what if what else ''}", source)

    catalogue = _catalogue(index)
    films = _Films(catalogue)
    qrels: dict[str, dict[str, int]] = {}
    missing: list[str] = []
    for q in chosen:
        qrels[q.id] = {}
        for path in q.relevant:
            film = films.of_relevant(path)
            if film is None:
                missing.append(path)
                film = "missing:" + path
            qrels[q.id][film] = max(qrels[q.id].get(film, 0), q.grade(path))

    started = time.perf_counter()
    ours: dict[str, tuple[list[tuple[str, str]], str | None]] = {}
    theirs: dict[str, list[tuple[str, str]]] = {}
    baseline_time = 0.0
    for done, q in enumerate(chosen, 1):
        try:
            results = index.search(q.query, limit=limit, fuzzy=fuzzy)
            ours[q.id] = ([(films.of_hit(h.path, h.also), h.path) for h in results], None)
        except QueryError as error:
            ours[q.id] = ([], str(error))
        if baseline is not None:
            tick = time.perf_counter()
            theirs[q.id] = _collapse(baseline, q.query, limit, films)
            baseline_time += time.perf_counter() - tick
        if progress:
            progress(done, len(chosen))
    seconds = time.perf_counter() - started - baseline_time

    ours_metrics = measure(qrels, {qid: [f for f, _ in hits] for qid, (hits, _) in ours.items()}, limit)
    theirs_metrics = measure(qrels, {qid: [f for f, _ in hits] for qid, hits in theirs.items()}, limit)

    outcomes = []
    for q in chosen:
        hits, error = ours[q.id]
        mine = _engine_run(hits, qrels[q.id], ours_metrics[q.id], error)
        other = _engine_run(theirs[q.id], qrels[q.id], theirs_metrics[q.id], None) if baseline is not None else None
        outcomes.append(QueryOutcome(query=q, films=len(qrels[q.id]), filmsearch=mine, baseline=other))

    groups = []
    for kind in dict.fromkeys(q.kind for q in chosen):
        groups.append(_group(kind, [o for o in outcomes if o.query.kind == kind], baseline is not None))
    groups.append(_group("all", outcomes, baseline is not None))
    return EvalReport(
        queries_file=source, split=split, kinds=wanted, limit=limit, fuzzy=fuzzy, groups=tuple(groups),
        outcomes=tuple(outcomes), missing=tuple(dict.fromkeys(missing)), seconds=seconds,
        baseline_seconds=baseline_time if baseline is not None else None,
    )


def build_baseline(index: Index, path: str | os.PathLike[str] = ":memory:") -> Fts5Baseline:
    """An FTS5 baseline over exactly the article files `index` holds (files that fail to parse are left out, as there).

    Raises:
        IndexMissingError: no index at `index.path`.
    """
    from .baseline import Fts5Baseline, iter_articles

    return Fts5Baseline.build(iter_articles(sorted(_catalogue(index))), path)


def _engine_run(hits: list[tuple[str, str]], relevant: Mapping[str, int], metrics: Metrics, error: str | None) -> EngineRun:
    rank = next((i for i, (film, _) in enumerate(hits, 1) if film in relevant), None)
    return EngineRun(hits=tuple(path for _, path in hits), rank=rank, metrics=metrics, error=error)


def _group(kind: str, outcomes: list[QueryOutcome], with_baseline: bool) -> GroupScores:
    return GroupScores(
        kind=kind,
        queries=len(outcomes),
        filmsearch=Metrics.mean([o.filmsearch.metrics for o in outcomes]),
        baseline=Metrics.mean([o.baseline.metrics for o in outcomes if o.baseline]) if with_baseline else None,
    )


def _collapse(baseline: Fts5Baseline, query: str, limit: int, films: _Films) -> list[tuple[str, str]]:
    """The baseline's first `limit` distinct films, as (film, path of its best-ranked article)."""
    found: dict[str, str] = {}
    fetch = limit * 2
    while True:
        rows = baseline.search(query, limit=fetch)
        for path, _ in rows:
            found.setdefault(films.of_hit(path, ()), path)
            if len(found) == limit:
                return list(found.items())
        if len(rows) < fetch:
            return list(found.items())
        found.clear()
        fetch *= 2


def _catalogue(index: Index) -> dict[str, str]:
    """Every indexed article's absolute path -> its film key."""
    from .indexer import StoredArticles, film_key, open_whoosh

    # The Index API has no listing of its articles (yet), so read the stored fields directly.
    ix = open_whoosh(index.folder)
    try:
        with ix.reader() as reader:
            articles = StoredArticles(reader)
            return {(d := articles[n])["path"]: film_key(d["page_title"]) for n in reader.all_doc_ids()}
    finally:
        ix.close()


class _Films:
    """Maps indexed paths and query-set paths (suffixes of indexed paths) to film keys."""

    def __init__(self, catalogue: Mapping[str, str]):
        self._film = catalogue
        self._by_name: dict[str, list[str]] = {}
        for path in catalogue:
            self._by_name.setdefault(os.path.basename(path), []).append(path)

    def of_relevant(self, path: str) -> str | None:
        """The film of a query-set path: an indexed path equal to it or ending in ``/`` + it; None if not indexed."""
        if path in self._film:
            return self._film[path]
        tail = os.sep + path.replace("/", os.sep).lstrip(os.sep)
        matches = [p for p in self._by_name.get(os.path.basename(path), ()) if p.endswith(tail)]
        return self._film[matches[0]] if matches else None

    def of_hit(self, path: str, also: Iterable[str]) -> str:
        """The film of a hit; an article the catalogue lacks stands for itself."""
        for candidate in (path, *also):
            if candidate in self._film:
                return self._film[candidate]
        return "path:" + path
