"""Throwaway tooling used to build the judged query set in this directory.

Kept as documentation of how `queries.jsonl` was made; it is not part of the
test suite and nothing imports it. Run from the repo root:

    python tests/relevance/build_pool.py index            # parse corpus -> scratch DB
    python tests/relevance/build_pool.py pool "query" ... # pooled candidates for judging
    python tests/relevance/build_pool.py person "Name"    # films crediting a person
    python tests/relevance/build_pool.py title "words"    # films whose title matches
    python tests/relevance/build_pool.py blind INDEX K ID=query ...  # blind pool, four rankers
    python tests/relevance/build_pool.py blind INDEX K ID ...        # unjudged in the engines' top K
    python tests/relevance/build_pool.py draw SEED N OUT             # films to write known-item queries for

The scratch DB lives outside the repo ($POOL_DB, default /tmp/filmsearch_pool.db).

Two independent rankers feed the pool for topical judgments:
  (a) SQLite FTS5, tokenize='porter unicode61 remove_diacritics 2', bm25 over
      title + lead + plot (title weighted 2, lead 1, plot 1), OR of the query terms;
  (b) a pure-Python scan over the plot only: no stemming, each query term matched
      as a word prefix, score = sum over terms of (1 + ln tf) * idf, divided by
      ln(plot length), plus a bonus when the whole query occurs as a phrase;
      documents must contain at least half of the terms.
The union of the top-k of both (default k=20) is printed with the first
400 characters of each candidate's plot, and the judging was done by reading those.

`blind` (pooling round 3) prints candidates without the ranker that found them, sorted by
path, with the openings of the lead and plot and the sentences holding a query word. For a
new topic (ID=query) it pools filmsearch over the index at INDEX, the FTS5 baseline of
`searcher/baseline.py` (kept at /tmp/filmsearch_fts5_eval.db, as `tune.py report` builds it)
and the two rankers above, top K of each. For a query already in `queries.jsonl` (ID) it
pools the top K of filmsearch and the baseline, leaving out the paths already listed.
"""

from __future__ import annotations

import math
import os
import re
import sqlite3
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DB = os.environ.get("POOL_DB", "/tmp/filmsearch_pool.db")
SEED = "seeds/000_7e8eb98cb7cb1a1b.txt"

STOP = set(
    "a an the and or of in on at to for with by from as is are was were be been it its this that "
    "who whom which into about over after before their his her he she they them film".split()
)


def _parse(rel: str):
    sys.path.insert(0, str(REPO))
    from searcher.article import read_article

    path = REPO / rel if rel.startswith("seeds/") else CORPUS / rel
    a = read_article(path)
    sep = "\x1f"
    return (
        rel,
        a.page_title,
        a.title,
        a.year,
        sep.join(a.director),
        sep.join(a.actors),
        sep.join(a.people),
        a.lead or "",
        a.plot or "",
    )


def index() -> None:
    rels = sorted(str(p.relative_to(CORPUS)) for p in (CORPUS / "films").glob("*/*.txt"))
    rels.append(SEED)
    if os.path.exists(DB):
        os.remove(DB)
    con = sqlite3.connect(DB)
    con.execute(
        "create table docs(rel text primary key, page_title, title, year int, director, actors, people, lead, plot)"
    )
    with ProcessPoolExecutor() as ex:
        rows = list(ex.map(_parse, rels, chunksize=500))
    con.executemany("insert into docs values (?,?,?,?,?,?,?,?,?)", rows)
    con.execute(
        "create virtual table fts using fts5(title, lead, plot, content='docs', content_rowid='rowid', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    con.execute("insert into fts(rowid, title, lead, plot) select rowid, title, lead, plot from docs")
    con.commit()
    print(len(rows), "articles indexed into", DB)


def terms(q: str) -> list[str]:
    return [t for t in re.findall(r"\w+", q.lower()) if t not in STOP]


def rank_fts(con, q: str, k: int) -> list[str]:
    match = " OR ".join('"%s"' % t for t in terms(q))
    rows = con.execute(
        "select d.rel from fts join docs d on d.rowid = fts.rowid where fts match ? "
        "order by bm25(fts, 2.0, 1.0, 1.0) limit ?",
        (match, k),
    )
    return [r[0] for r in rows]


_PLOTS: list[tuple[str, str]] | None = None


def rank_scan(con, q: str, k: int) -> list[str]:
    global _PLOTS
    if _PLOTS is None:
        _PLOTS = [(r, p.lower()) for r, p in con.execute("select rel, plot from docs where plot != ''")]
    ts = terms(q)
    pats = [re.compile(r"\b" + re.escape(t)) for t in ts]
    phrase = " ".join(ts)
    n = len(_PLOTS)
    counts = []
    df = Counter()
    for rel, plot in _PLOTS:
        tf = [len(p.findall(plot)) for p in pats]
        hit = sum(1 for x in tf if x)
        if hit and hit * 2 >= len(ts):
            counts.append((rel, plot, tf))
            for i, x in enumerate(tf):
                if x:
                    df[i] += 1
    scored = []
    for rel, plot, tf in counts:
        s = sum((1 + math.log(x)) * math.log(n / df[i]) for i, x in enumerate(tf) if x)
        s /= math.log(len(plot) + 10)
        if len(ts) > 1 and phrase in plot:
            s *= 1.5
        scored.append((s, rel))
    scored.sort(reverse=True)
    return [rel for _, rel in scored[:k]]


def pool(queries: list[str], k: int = int(os.environ.get("POOL_K", 20)), width: int = int(os.environ.get("POOL_WIDTH", 400))) -> None:
    con = sqlite3.connect(DB)
    seen: dict[str, str] = {}
    for q in queries:
        for name, ranker in (("fts", rank_fts), ("scan", rank_scan)):
            for rel in ranker(con, q, k):
                seen.setdefault(rel, name)
    for rel, src in seen.items():
        title, year, plot, lead = con.execute(
            "select page_title, year, plot, lead from docs where rel=?", (rel,)
        ).fetchone()
        body = (plot or lead).replace("\n", " ")
        text = body[:width]
        # if no query term shows in the opening, add the first sentence that has one
        ts = {t for q in queries for t in terms(q)}
        if not any(t in text.lower() for t in ts):
            for sent in re.split(r"(?<=[.!?])\s+", body[width:]):
                if any(t in sent.lower() for t in ts):
                    text += " [...] " + sent[:200]
                    break
        print(f"## {rel} [{src}] ({year})\n{text}\n")
    print(len(seen), "candidates")


def person(name: str) -> None:
    con = sqlite3.connect(DB)
    key = name.casefold()
    for rel, people in con.execute("select rel, people from docs"):
        if any(p.casefold() == key for p in people.split("\x1f")):
            print(rel)


def title(words: str) -> None:
    con = sqlite3.connect(DB)
    ws = terms(words) or words.lower().split()
    for rel, t, y in con.execute("select rel, title, year from docs"):
        tl = t.lower()
        if all(re.search(r"\b" + re.escape(w) + r"\b", tl) for w in ws):
            print(rel, "|", t, y)


def _sentences(text: str, words: list[str]) -> list[str]:
    stems = [w[: max(4, len(w) - 3)] for w in words if len(w) > 2]
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if any(t in s.lower() for t in stems)][:3]


def blind(index_dir: str, k: int, specs: list[str]) -> None:
    sys.path.insert(0, str(REPO))
    from searcher import Index
    from searcher.article import read_article
    from searcher.baseline import Fts5Baseline
    from searcher.evaluate import JudgedQuery, evaluate, load_queries

    known = {q.id: q for q in load_queries(HERE / "queries.jsonl")}
    judged = []
    for spec in specs:
        qid, _, text = spec.partition("=")
        judged.append(known[qid] if not text else JudgedQuery(id=qid, kind="topical", query=text, relevant=(SEED,)))
    with Fts5Baseline.open("/tmp/filmsearch_fts5_eval.db") as baseline:
        report = evaluate(Index(index_dir, create=False), judged, baseline=baseline, limit=k)
    con = sqlite3.connect(DB)
    for outcome in report.outcomes:
        q = outcome.query
        found = {_relative(h) for h in (*outcome.filmsearch.hits, *outcome.baseline.hits)}
        if q.id in known:
            found -= set(q.relevant)
        else:
            found |= {*rank_fts(con, q.query, k), *rank_scan(con, q.query, k)}
        print(f"\n######## {q.id} {q.query!r}  ({len(found)} candidates)")
        for rel in sorted(found):
            a = read_article(REPO / rel if rel.startswith("seeds/") else CORPUS / rel)
            plot, lead = a.plot or "", a.lead or ""
            print(f"-- {rel}  {a.title} ({a.year}) plotlen={len(plot.split())}")
            print("   LEAD: " + lead[:220].replace("\n", " "))
            print("   PLOT0: " + plot[:200].replace("\n", " "))
            for sentence in _sentences(plot + " " + lead, terms(q.query)):
                print("   > " + sentence[:300].replace("\n", " "))


def draw(seed: int, n: int, out: str) -> None:
    """Draw films for known-item queries as the first batch was drawn (a director, a lead, a plot
    of 250+ words, the same number from each decade 1920s-2020s), leaving out films already in
    `queries.jsonl` and films whose page title another article shares (a remake or a twin could
    answer the query too). Each film's title, lead and plot go to OUT/NNN.txt for the writer."""
    import json
    import random

    taken = {rel for line in open(HERE / "queries.jsonl") for rel in json.loads(line)["relevant"]}
    con = sqlite3.connect(DB)
    shared = {t for (t,) in con.execute("select page_title from docs group by page_title having count(*) > 1")}
    decades = {}
    for rel, page_title, director, lead, plot in con.execute(
        "select rel, page_title, director, lead, plot from docs order by rel"
    ):
        decade = rel.split("/")[1] if rel.startswith("films/") else ""
        if (
            "1920s" <= decade <= "2020s"
            and director
            and lead
            and len(plot.split()) >= 250
            and rel not in taken
            and page_title not in shared
        ):
            decades.setdefault(decade, []).append(rel)
    rng = random.Random(seed)
    picked = [rel for decade in sorted(decades) for rel in rng.sample(decades[decade], n // len(decades))]
    Path(out).mkdir(parents=True, exist_ok=True)
    for number, rel in enumerate(picked, 1):
        title, year, lead, plot = con.execute("select title, year, lead, plot from docs where rel = ?", (rel,)).fetchone()
        Path(out, f"{number:03d}.txt").write_text(f"{rel}\n{title} ({year})\n\nLEAD: {lead}\n\nPLOT: {plot}\n")
    print(len(picked), "films written to", out)


def _relative(path: str) -> str:
    p = Path(path)
    return str(p.relative_to(REPO)) if p.is_relative_to(REPO) else str(p.relative_to(CORPUS))


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    if cmd == "index":
        index()
    elif cmd == "pool":
        pool(args)
    elif cmd == "person":
        person(" ".join(args))
    elif cmd == "title":
        title(" ".join(args))
    elif cmd == "blind":
        blind(args[0], int(args[1]), args[2:])
    elif cmd == "draw":
        draw(int(args[0]), int(args[1]), args[2])
    else:
        raise SystemExit(__doc__)
