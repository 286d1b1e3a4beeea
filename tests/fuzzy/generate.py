"""Build the misspelling test set, ``tests/fuzzy/misspellings.jsonl``, from the film corpus.

    python tests/fuzzy/generate.py [CORPUS] [--out FILE]

Real names and titles of the corpus, misspelt by programmed edits with a fixed seed, so
the file is the same on every run over the same corpus. Each line is one case:

    {"id": "name-017", "kind": "name", "edit": "transposition", "query": "Meryl Sterep",
     "target": "Meryl Streep", "keys": ["meryl streep"], "paths": ["1970s/...txt", ...]}

`keys` are the registry keys that count as the right person (names only), `paths` the
articles that count as a right hit (relative to the corpus folder): every article that
credits the person, or every article with exactly the target title.

Edits: deletion, insertion, substitution (a QWERTY neighbour), transposition, two edits,
first and last name swapped, hyphen dropped, accents dropped, surname alone (only for the
person credited most under that surname, with one typo half the time) and phonetic
spellings (ph/f, ck/k, -ov/-of, w/v, doubled letters...). An edited name is never another
credited person's name; an edited title word is never a word of any corpus title.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from searcher.analysis import STOP_WORDS, fold  # noqa: E402
from searcher.article import read_article  # noqa: E402
from searcher.errors import ArticleError  # noqa: E402
from searcher.names import name_key  # noqa: E402

SEED = 4
OUT = Path(__file__).with_name("misspellings.jsonl")
CORPUS = REPO.parent / "shared" / "corpus" / "films"

NAME_EDITS = {
    "deletion": 20, "insertion": 15, "substitution": 20, "transposition": 20, "two_edits": 20,
    "swapped": 15, "no_hyphen": 10, "no_accent": 10, "surname": 25, "phonetic": 25,
}
TITLE_EDITS = {"deletion": 12, "insertion": 10, "substitution": 12, "transposition": 12, "two_edits": 8,
               "phonetic": 8, "joined": 5}

#: Cases written by hand: the issue's own examples. The seed article credits these people; paths
#: under ``seeds/`` are relative to the repository, all others to the corpus folder.
SEED_ARTICLE = "seeds/000_7e8eb98cb7cb1a1b.txt"
FIXED_NAMES = [
    ("Gontcharov", "Alexandre Gontcharov", ["alexandre gontcharov", "alexandre golntcharov"]),
    ("Golntcharov", "Alexandre Golntcharov", ["alexandre golntcharov", "alexandre gontcharov"]),
    ("Alexandre Gontcharof", "Alexandre Gontcharov", ["alexandre gontcharov", "alexandre golntcharov"]),
    ("Olivier Masset Depasse", "Olivier Masset-Depasse", ["olivier masset depasse"]),
    ("Masset-Depase", "Olivier Masset-Depasse", ["olivier masset depasse"]),
]
FIXED_TITLES = [("Terminator 2 Judgement Day", "Terminator 2: Judgment Day"), ("The Godfahter", "The Godfather"),
                ("Amelei", "Amélie")]

_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_ROWS):
    for _c, _char in enumerate(_row):
        near = [_row[i] for i in (_c - 1, _c + 1) if 0 <= i < len(_row)]
        near += [_ROWS[r][i] for r in (_r - 1, _r + 1) if 0 <= r < 3 for i in (_c, _c + 1) if 0 <= i < len(_ROWS[r])]
        _NEIGHBOURS[_char] = "".join(near)

_PHONETIC = [
    ("ph", "f"), ("f", "ph"), ("ck", "k"), ("k", "ck"), ("c", "k"), ("k", "c"), ("ov$", "of"), ("ev$", "ef"),
    ("off$", "ov"), ("w", "v"), ("v", "w"), ("y", "i"), ("i", "y"), ("ou", "u"), ("oo", "u"), ("ee", "i"),
    ("ss", "s"), ("tt", "t"), ("ll", "l"), ("nn", "n"), ("mm", "m"), ("rr", "r"), ("sch", "sh"), ("sh", "sch"),
    ("tch", "ch"), ("ch", "tch"), ("x", "ks"), ("z", "s"), ("th", "t"), ("ae", "e"), ("son$", "sen"),
    ("sen$", "son"), ("mann$", "man"), ("man$", "mann"), ("ski$", "sky"), ("sky$", "ski"), ("ie", "y"),
    ("ei", "ie"), ("ault$", "o"), ("eau", "o"), ("qu", "k"), ("j", "dj"), ("dj", "j"),
]
_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?$")


def _letters(text: str) -> list[int]:
    return [i for i, c in enumerate(text) if c.isalpha() and i > 0]


def _case(like: str, char: str) -> str:
    return char.upper() if like.isupper() else char


def delete(rng: random.Random, text: str) -> str:
    i = rng.choice(_letters(text))
    return text[:i] + text[i + 1:]


def insert(rng: random.Random, text: str) -> str:
    i = rng.choice(_letters(text))
    base = text[i].lower()
    char = rng.choice(_NEIGHBOURS.get(base, "e") + base)
    return text[:i] + char + text[i:]


def substitute(rng: random.Random, text: str) -> str:
    i = rng.choice(_letters(text))
    base = text[i].lower()
    return text[:i] + _case(text[i], rng.choice(_NEIGHBOURS.get(base, "aeiou"))) + text[i + 1:]


def transpose(rng: random.Random, text: str) -> str:
    spots = [i for i in _letters(text) if i + 1 < len(text) and text[i + 1].isalpha() and text[i] != text[i + 1]]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def typo(rng: random.Random, text: str) -> str:
    return rng.choice([delete, insert, substitute, transpose])(rng, text)


def phonetic(rng: random.Random, word: str) -> str:
    lower = word.lower()
    usable = [(a, b) for a, b in _PHONETIC if re.search(a, lower[1:])]
    if not usable:
        return word
    pattern, replacement = rng.choice(usable)
    spots = [m.start() + 1 for m in re.finditer(pattern, lower[1:])]
    at = rng.choice(spots)
    end = at + len(re.match(pattern, lower[at:]).group())  # type: ignore[union-attr]
    return word[:at] + replacement + word[end:]


def _strip_accents(text: str) -> str:
    return "".join(fold(c).upper() if c.isupper() else fold(c) for c in text)


def _title_words(title: str) -> list[str]:
    return re.findall(r"\w+", fold(title))


def _title_key(title: str) -> str:
    return " ".join(_title_words(title))


class Corpus:
    """Who is credited where, and which articles have which title."""

    def __init__(self, root: Path):
        self.root = root
        self.paths: dict[str, set[str]] = defaultdict(set)
        self.spellings: dict[str, Counter[str]] = defaultdict(Counter)
        self.titles: dict[str, set[str]] = defaultdict(set)
        self.display: dict[str, str] = {}
        self.title_vocabulary: set[str] = set()
        for path in sorted(root.rglob("*.txt")):
            try:
                article = read_article(path)
            except ArticleError:
                continue
            relative = str(path.relative_to(root))
            for name in article.people:
                key = name_key(name)
                if key:
                    self.paths[key].add(relative)
                    self.spellings[key][name] += 1
            key = _title_key(article.title)
            self.titles[key].add(relative)
            self.display.setdefault(key, article.title)
            self.title_vocabulary.update(_title_words(article.title))
        self.surname_best: dict[str, str] = {}
        for key in sorted(self.paths, key=lambda k: (-len(self.paths[k]), k)):
            words = key.split()
            if len(words) >= 2:
                self.surname_best.setdefault(words[-1], key)

    def name(self, key: str) -> str:
        return self.spellings[key].most_common(1)[0][0]


def name_cases(corpus: Corpus, rng: random.Random) -> list[dict]:
    keys = set(corpus.paths)
    pool = sorted(k for k, paths in corpus.paths.items()
                  if len(paths) >= 2 and len(k) >= 8 and len(k.split()) >= 2 and _NAME_CHARS.match(corpus.name(k)))
    rng.shuffle(pool)
    cases: list[dict] = []
    for query, target, accepted in FIXED_NAMES:
        paths = sorted(set().union(*(corpus.paths.get(k, set()) for k in accepted), {SEED_ARTICLE}))
        cases.append({"edit": "fixed", "query": query, "target": target, "keys": accepted, "paths": paths})
    used: set[str] = set()
    for edit, count in NAME_EDITS.items():
        made = 0
        for key in pool:
            if made == count:
                break
            if key in used:
                continue
            name = corpus.name(key)
            words = name.split()
            query = None
            if edit == "deletion":
                query = delete(rng, name)
            elif edit == "insertion":
                query = insert(rng, name)
            elif edit == "substitution":
                query = substitute(rng, name)
            elif edit == "transposition":
                query = transpose(rng, name)
            elif edit == "two_edits" and len(key) >= 12:
                query = typo(rng, typo(rng, name))
            elif edit == "swapped":
                query = " ".join([words[-1], *words[:-1]])
            elif edit == "no_hyphen" and "-" in name:
                query = name.replace("-", rng.choice([" ", ""]))
            elif edit == "no_accent" and not name.isascii():
                query = _strip_accents(name)
            elif edit == "surname":
                surname = words[-1]
                if corpus.surname_best.get(key.split()[-1]) == key and len(surname) >= 5 and len(key.split()) == len(words):
                    query = typo(rng, surname) if rng.random() < 0.5 else surname
            elif edit == "phonetic":
                query = " ".join([*words[:-1], phonetic(rng, words[-1])])
            if not query or query == name:
                continue
            found = name_key(query)
            if found in keys and found != key:
                continue  # another credited person's name: not a misspelling
            if edit not in ("no_accent", "no_hyphen") and found == key:
                continue
            used.add(key)
            made += 1
            cases.append({"edit": edit, "query": query, "target": name, "keys": [key],
                          "paths": sorted(corpus.paths[key])})
    return cases


def title_cases(corpus: Corpus, rng: random.Random) -> list[dict]:
    cases: list[dict] = []
    for query, target in FIXED_TITLES:
        paths = sorted(corpus.titles.get(_title_key(target), set()))
        if paths:
            cases.append({"edit": "fixed", "query": query, "target": target, "paths": paths})
    pool = sorted(k for k, paths in corpus.titles.items() if len(paths) <= 3 and 2 <= len(k.split()) <= 6
                  and any(len(w) >= 5 and w.isalpha() for w in k.split()))
    rng.shuffle(pool)
    used: set[str] = set()
    for edit, count in TITLE_EDITS.items():
        made = 0
        for key in pool:
            if made == count:
                break
            if key in used:
                continue
            title = corpus.display[key]
            words = title.split()
            long = [i for i, w in enumerate(words) if len(w) >= (9 if edit == "two_edits" else 5) and w.isalpha()
                    and w.lower() not in STOP_WORDS]
            if not long:
                continue
            i = rng.choice(long)
            word = words[i]
            if edit == "joined":
                if i + 1 >= len(words) or not words[i + 1].isalpha():
                    continue
                new_words = [*words[:i], word + words[i + 1].lower(), *words[i + 2:]]
                changed = fold(word + words[i + 1])
            else:
                new = {"deletion": delete, "insertion": insert, "substitution": substitute,
                       "transposition": transpose, "two_edits": lambda r, w: typo(r, typo(r, w)),
                       "phonetic": phonetic}[edit](rng, word)
                new_words = [*words[:i], new, *words[i + 1:]]
                changed = fold(new)
            if changed == fold(word) or changed in corpus.title_vocabulary:
                continue
            used.add(key)
            made += 1
            cases.append({"edit": edit, "query": " ".join(new_words), "target": title,
                          "paths": sorted(corpus.titles[key])})
    return cases


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    corpus = Corpus(args.corpus)
    rng = random.Random(SEED)
    names = name_cases(corpus, rng)
    titles = title_cases(corpus, rng)
    with open(args.out, "w", encoding="utf-8") as out:
        for kind, cases in (("name", names), ("title", titles)):
            for number, case in enumerate(cases, 1):
                out.write(json.dumps({"id": f"{kind}-{number:03d}", "kind": kind, **case}, ensure_ascii=False) + "\n")
    print(f"{len(names)} names, {len(titles)} titles -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
