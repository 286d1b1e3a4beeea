"""Shared fixtures: small fictional articles for unit tests, a sample of the real corpus for integration."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SEED = SEEDS / "000_7e8eb98cb7cb1a1b.txt"
CORPUS = REPO.parent / "shared" / "corpus" / "films"

#: Fictional articles, in the corpus format, each with something to find.
ARTICLES = {
    "harbour.txt": """= The Harbour Ghost (1987 film) =

The Harbour Ghost
- Director: Marguerite Élise Fontaine-Dubois
- Writer: Tomasz Wiśniewski
- Starring: Anders Kjærgaard, Lucía Paredes
- Released: 1987
- Runtime: 104 minutes
- Country: Norway

The Harbour Ghost is a 1987 Norwegian mystery film about a lighthouse keeper.

==Plot==
A lighthouse keeper on a remote island finds a drowned sailor who returns every night as a ghost. The keeper searches the harbour records to learn the sailor's name.

==Cast==
- Anders Kjærgaard as Olav the keeper
- Lucía Paredes as Ingrid
""",
    "amelie.txt": """= Amélie of the Mountains =

Amélie of the Mountains
- Director: Pierre Lalande
- Starring: Jeanne Moreau-Petit
- Released: 19 May 2003

Amélie of the Mountains is a 2003 French comedy.

==Plot==
A shy goat herder named Amélie organises a cheese festival and falls in love with a travelling baker.
""",
    "detention.txt": """= Wire Fences =

Wire Fences
- Director: Samir Haddad
- Released: 2015

==Plot==
Refugees held in an immigration detention centre stage a hunger strike. A guard smuggles letters out for a detained mother.
""",
    "it.txt": """= It (2031 film) =

It
- Released: 2031

==Plot==
A clown terrorises a small town. The children of the town fight back against the clown.
""",
    "submarine.txt": """= Deep Steel =

Deep Steel
- Director: Samir Haddad
- Starring: Lucía Paredes
- Released: 1995

==Plot==
During the war a submarine crew is trapped on the sea floor and waits for rescue while the air runs out.
""",
}


def write_articles(folder: Path, articles: dict[str, str] = ARTICLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def film(folder: Path, name: str, title: str, plot: str, infobox: str = "- Released: 1999") -> Path:
    """Write one small article (`infobox`: its "- Key: Value" lines) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"= {title} =\n\n{title}\n{infobox}\n\n==Plot==\n{plot}\n", encoding="utf-8")
    return path


def films_saying(folder: Path, count: int, title: str, plot: str, infobox: str = "- Released: 1999") -> None:
    """Write `count` films ("<title> 0", "<title> 1", ...) with the same plot and infobox: a phrase many
    articles use, or a person credited in several films."""
    for i in range(count):
        film(folder, f"{title.lower().replace(' ', '_')}{i}.txt", f"{title} {i}", plot, infobox)


def indexed(folder: Path):
    """An index of one folder of articles, built beside it; close it (a `with` block does)."""
    from searcher import Index

    idx = Index(folder.parent / "ix")
    idx.add([folder])
    return idx


@pytest.fixture
def articles_dir(tmp_path: Path) -> Path:
    """A folder of the fictional articles."""
    return write_articles(tmp_path / "articles")


@pytest.fixture
def small_index(tmp_path: Path, articles_dir: Path):
    """An index over the fictional articles and the seed."""
    from searcher import Index

    idx = Index(tmp_path / "index")
    idx.add([articles_dir, SEED])
    yield idx
    idx.close()


def corpus_sample(n: int, seed: int = 7) -> list[Path]:
    """A fixed random sample of corpus files (skips the test when the corpus is absent)."""
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus (../shared/corpus/films) is not here")
    files = sorted(CORPUS.rglob("*.txt"))
    random.Random(seed).shuffle(files)
    return files[:n]


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory):
    """One index per test run: the seed plus 2,000 corpus articles, and the seed's corpus twin."""
    from searcher import Index

    files = corpus_sample(2000)
    twin = CORPUS / "2010s" / "Illegal_(2010_film).txt"
    idx = Index(tmp_path_factory.mktemp("corpus") / "index")
    idx.add([*files, *([twin] if twin.exists() else []), SEED])
    yield idx
    idx.close()
