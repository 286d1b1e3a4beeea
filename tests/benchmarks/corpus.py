"""Which articles a benchmark run indexes: a fixed, seeded sample of the corpus, always with the seed.

A sample is laid out as a folder of its own (hard links, or copies where links
fail), as a user's articles would be, so every engine is handed one folder: a
list of 10,000 file paths is not how filmsearch is used (and the indexer once
spent 54 s comparing such a list with itself).
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

__all__ = ["REPO", "CORPUS", "SEED", "SAMPLE_SEED", "Sample", "sample", "materialize", "extra_articles"]

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "films"
SEED = REPO / "seeds" / "000_7e8eb98cb7cb1a1b.txt"
#: The random seed of the sample: change it and every figure moves.
SAMPLE_SEED = 20240611


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    """The articles of one run: `files` to report on, `roots` to hand to the engines (folders for `all`)."""

    size: str
    files: tuple[Path, ...]
    roots: tuple[Path, ...]
    text_bytes: int
    outside: tuple[Path, ...]  # corpus articles not in the sample (for the incremental add)


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        raise FileNotFoundError(f"no corpus at {CORPUS}")
    return sorted(CORPUS.rglob("*.txt"))


def sample(size: int | str) -> Sample:
    """The seed plus `size - 1` corpus articles drawn with `SAMPLE_SEED`, or the whole corpus for "all".

    Raises:
        FileNotFoundError: the corpus is absent.
    """
    corpus = _corpus_files()
    if size == "all":
        files = [*corpus, SEED]
        roots = (CORPUS, SEED)
        outside: list[Path] = []
    else:
        n = int(size)
        if n < 1:
            raise ValueError("size must be at least 1")
        shuffled = corpus[:]
        random.Random(SAMPLE_SEED).shuffle(shuffled)
        chosen = sorted(shuffled[: n - 1])
        files = [*chosen, SEED]
        roots = tuple(files)
        outside = shuffled[n - 1 : n + 9]
    if not outside:
        # The whole corpus is in: re-add copies of a few of its articles under new paths.
        outside = [corpus[i] for i in random.Random(SAMPLE_SEED).sample(range(len(corpus)), 10)]
    return Sample(
        size=str(size),
        files=tuple(files),
        roots=tuple(roots),
        text_bytes=sum(f.stat().st_size for f in files),
        outside=tuple(outside),
    )


def materialize(source: Sample, folder: Path) -> Sample:
    """The sample as a folder of its own (``<decade>/<file>``, the seed in ``seeds/``); "all" stays where it is."""
    if source.size == "all":
        return source
    wanted = {folder / ("seeds" if f == SEED else f.parent.name) / f.name for f in source.files}
    if folder.exists() and set(folder.rglob("*.txt")) != wanted:
        shutil.rmtree(folder)  # a kept work folder from another sample
    files = []
    for original in source.files:
        parent = "seeds" if original == SEED else original.parent.name
        target = folder / parent / original.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            try:
                os.link(original, target)
            except OSError:
                shutil.copyfile(original, target)
        files.append(target)
    return Sample(size=source.size, files=tuple(files), roots=(folder,), text_bytes=source.text_bytes,
                  outside=source.outside)


def extra_articles(source: Sample, folder: Path, count: int) -> list[Path]:
    """Copy `count` corpus articles the index does not hold into `folder` (new paths), for adding one at a time."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for i, original in enumerate(source.outside[:count]):
        copy = folder / f"extra{i}_{original.name}"
        shutil.copyfile(original, copy)
        copies.append(copy)
    return copies
