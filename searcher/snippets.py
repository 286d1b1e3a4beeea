"""Pick the best short passage of an article for a hit and mark the matched words.

The index stores no article text (that keeps it small); snippets are cut from
the article file itself, re-analysed with the same analyzer as the field, so a
stemmed or accent-folded match (`detained` for `detention`, `Amelie` for
`Amélie`) is marked exactly where it stands. The result is plain text plus
half-open spans; styling is the CLI's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .analysis import find_terms
from .hits import Snippet

__all__ = ["highlight", "WIDTH"]

#: Target length of a snippet in characters.
WIDTH = 220
_ELLIPSIS = "…"


def _window(matches: list[tuple[int, int, str]], width: int) -> tuple[int, int]:
    """The run of matches within `width` characters with the most distinct terms, then the most matches."""
    best = (-1, -1, 0, 0)
    j = 0
    for i, (start, _end, _term) in enumerate(matches):
        j = max(j, i)
        while j + 1 < len(matches) and matches[j + 1][1] - start <= width:
            j += 1
        inside = matches[i : j + 1]
        score = (len({m[2] for m in inside}), len(inside))
        if score > best[:2]:
            best = (*score, i, j)
    return best[2], best[3]


def _cut(text: str, start: int, end: int, width: int) -> tuple[int, int]:
    """A window of about `width` characters around [start, end), on word (or sentence) boundaries."""
    slack = max(0, width - (end - start))
    left = max(0, start - slack // 3)
    sentence = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    if sentence >= 0 and start - sentence <= slack // 2 + 40:
        left = sentence + 1
    elif left > 0:
        space = text.rfind(" ", 0, left)
        left = space + 1 if space >= 0 and left - space < 30 else left
    right = min(len(text), max(end, left + width))
    if right < len(text):
        space = text.find(" ", right)
        right = space if 0 <= space - right < 30 else right
    while left < start and text[left].isspace():
        left += 1
    return left, right


def _snippet(field: str, text: str, kind: str, terms: set[str], width: int) -> tuple[tuple[int, int], Snippet] | None:
    matches = find_terms(text, kind, terms)
    if not matches:
        return None
    first, last = _window(matches, width)
    left, right = _cut(text, matches[first][0], matches[last][1], width)
    prefix = _ELLIPSIS if left > 0 else ""
    suffix = _ELLIPSIS if right < len(text) else ""
    body = " ".join(text[left:right].split("\n"))
    shift = len(prefix) - left
    spans = tuple((s + shift, e + shift) for s, e, _ in matches if s >= left and e <= right)
    distinct = len({m[2] for m in matches[first : last + 1]})
    # A name list counts as one match however many words the name has: prose that shows the story wins ties.
    quality = (min(distinct, 1), 0) if kind == "name" else (distinct, last - first + 1)
    return quality, Snippet(field=field, text=prefix + body + suffix, spans=spans)


def highlight(
    texts: Iterable[tuple[str, str, str]],
    terms: Mapping[str, set[str]],
    width: int = WIDTH,
) -> tuple[Snippet | None, tuple[str, ...]]:
    """The best snippet among fields, and the fields that hold a matched term.

    Args:
        texts: (field, text, analyzer kind) in order of preference; the first wins ties.
        terms: the query's index terms per field (as the field's analyzer makes them).
        width: target length in characters.

    Returns:
        The passage with the most distinct matched terms (failing any match, the
        start of the first prose text, with no spans; None when there is none),
        and the names of the fields where a term matched, in `texts` order.
    """
    texts = [t for t in texts if t[1]]
    best: tuple[tuple[int, int], Snippet] | None = None
    matched: list[str] = []
    for field, text, kind in texts:
        wanted = terms.get(field)
        found = _snippet(field, text, kind, wanted, width) if wanted else None
        if found:
            matched.append(field)
            if best is None or found[0] > best[0]:
                best = found
    if best:
        return best[1], tuple(matched)
    for field, text, _kind in texts:
        if field in ("lead", "plot", "other"):
            end = _cut(text, 0, 0, width)[1]
            body = " ".join(text[:end].split("\n"))
            return Snippet(field=field, text=body + (_ELLIPSIS if end < len(text) else "")), ()
    return None, ()
