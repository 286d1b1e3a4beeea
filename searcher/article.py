"""Film article text -> `Article`: pure Python, no Whoosh.

The format (see README): a ``= Page title =`` line, a display title, infobox
lines ``- Key: Value`` (several values joined by ``, ``), lead paragraphs, then
``==Section==`` blocks, of which ``Plot`` and ``Cast`` (``- Actor as Role``) have
a meaning of their own. Real files are messy, so the parser is lenient: it
keeps unknown keys and sections, accepts CRLF, a BOM and spaced headings, and
only raises `ArticleError` when there is no article at all (empty, binary, not
UTF-8, no title line). Oddities it can live with become `Article.warnings`.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ArticleError

__all__ = ["Article", "CastMember", "Section", "parse_article", "decode_article", "read_article", "MAX_BYTES"]

#: Larger files are cut at the last line break before this size (with a warning).
MAX_BYTES = 4 * 1024 * 1024

#: Infobox keys whose values are people credited off screen.
CREW_KEYS = ("director", "writer", "producer", "music", "cinematography", "editing")

_TITLE = re.compile(r"^=(?!=)\s*(.*?)\s*=\s*$")
_HEADING = re.compile(r"^(={2,})\s*(.*?)\s*\1\s*$")
_INFOBOX = re.compile(r"^[-*]\s*([^:\n]{1,40}?)\s*:\s*(.*?)\s*$")
_LIST_ITEM = re.compile(r"^[-*•]\s+(.*?)\s*$")
_CAST_SPLIT = re.compile(r"\s+(?:as|-|–|—|\.\.\.|…)\s+|\s*:\s+")
#: Where a role's description starts ("Quentin Beck / Mysterio: A master of trickery ..."):
#: the description would make every plot word a character.
_ROLE_END = re.compile(r":\s|\s[-–—]\s|,\s|(?<=[a-z]{3})\.\s")
#: A role longer than this many words is a description without a separator: keep its start.
_ROLE_WORDS = 6
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_TITLE_YEAR = re.compile(r"\((?:[^()]*\s)?(1[89]\d\d|20\d\d)\s[^()]*\bfilm\)\s*$")
_DISAMBIGUATOR = re.compile(r"\s*\((?:[^()]*\s)?film\)\s*$")
_LEAD_YEAR = re.compile(r"\b(?:is|was)\s+an?\s+(1[89]\d\d|20\d\d)\b")
_RUNTIME = re.compile(
    r"^(?:(?P<h>\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hours?)(?![a-z])\.?\s*)?"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:m|min|mins|minutes?)?(?![a-z]))?",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"^(\d{1,2}):([0-5]\d)(?::[0-5]\d)?\b")
_PLOT_HEADINGS = {"plot", "plot summary", "synopsis", "summary", "story", "storyline", "premise"}


@dataclass(frozen=True, slots=True, kw_only=True)
class CastMember:
    """One credited actor and, where the article says it, the character played."""

    actor: str
    role: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A section other than Plot, kept so that its text stays searchable."""

    heading: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One film article. Missing values are None or empty tuples, never 0 or ""."""

    page_title: str
    title: str
    year: int | None = None
    runtime: int | None = None
    infobox: tuple[tuple[str, tuple[str, ...]], ...] = ()
    lead: str | None = None
    plot: str | None = None
    cast: tuple[CastMember, ...] = ()
    sections: tuple[Section, ...] = ()
    path: str | None = field(default=None, compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def values(self, key: str) -> tuple[str, ...]:
        """The values of an infobox key, matched case-insensitively (empty if absent)."""
        key = key.casefold()
        return tuple(v for k, vals in self.infobox if k.casefold() == key for v in vals)

    @property
    def director(self) -> tuple[str, ...]:
        return self.values("director")

    @property
    def writer(self) -> tuple[str, ...]:
        return self.values("writer")

    @property
    def producer(self) -> tuple[str, ...]:
        return self.values("producer")

    @property
    def music(self) -> tuple[str, ...]:
        return self.values("music")

    @property
    def cinematography(self) -> tuple[str, ...]:
        return self.values("cinematography")

    @property
    def editing(self) -> tuple[str, ...]:
        return self.values("editing")

    @property
    def country(self) -> tuple[str, ...]:
        return self.values("country")

    @property
    def language(self) -> tuple[str, ...]:
        return self.values("language")

    @property
    def actors(self) -> tuple[str, ...]:
        """Starring plus the Cast section, each name once, in credit order."""
        return _unique((*self.values("starring"), *(c.actor for c in self.cast)))

    @property
    def characters(self) -> tuple[str, ...]:
        return _unique(c.role for c in self.cast if c.role)

    @property
    def crew(self) -> tuple[str, ...]:
        """Everyone credited off screen, each name once."""
        return _unique(v for key in CREW_KEYS for v in self.values(key))

    @property
    def people(self) -> tuple[str, ...]:
        """Everyone credited, on and off screen."""
        return _unique((*self.actors, *self.crew))

    @property
    def other(self) -> str | None:
        """Text that has no field of its own: other sections and unknown infobox keys."""
        known = {"released", "runtime", "starring", "country", "language", *CREW_KEYS}
        extra = [f"{k}: {', '.join(v)}" for k, v in self.infobox if k.casefold() not in known]
        parts = extra + [s.text for s in self.sections]
        return "\n\n".join(parts) or None

    @property
    def richness(self) -> int:
        """How much an article says; the richest of duplicate articles stands for the film."""
        return sum(len(x or "") for x in (self.lead, self.plot, self.other)) + 50 * len(self.people)


def _unique(items) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return tuple(seen)


def _year_of(article_lines: dict[str, tuple[int, str]], page_title: str, lead: str | None) -> int | None:
    released = article_lines.get("released")
    if released and (m := _YEAR.search(released[1])):
        return int(m.group(1))
    if m := _TITLE_YEAR.search(page_title):
        return int(m.group(1))
    if lead and (m := _LEAD_YEAR.search(lead[:400])):
        return int(m.group(1))
    return None


def _minutes(value: str) -> int | None:
    if clock := _CLOCK.match(value.strip()):
        return int(clock.group(1)) * 60 + int(clock.group(2)) or None
    m = _RUNTIME.match(value.strip())
    if not m or not (m.group("h") or m.group("m")):
        return None
    minutes = float(m.group("h") or 0) * 60 + float(m.group("m") or 0)
    return round(minutes) if 0 < minutes < 100_000 else None


def _cast_member(text: str) -> CastMember | None:
    parts = _CAST_SPLIT.split(text, maxsplit=1)
    actor = parts[0].strip(" -–—,;")
    role = None
    if len(parts) > 1:
        role = " ".join(_ROLE_END.split(parts[1], maxsplit=1)[0].split()[:_ROLE_WORDS]).strip(" -–—,;.")
    if not actor:
        return None
    return CastMember(actor=actor, role=role or None)


def _paragraphs(lines: list[str]) -> str | None:
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text) or None


def _is_sentence(line: str, page_title: str) -> bool:
    """A line after the page title that reads as the lead's first sentence, not a display title:
    it ends like a sentence and is several words longer than the title (no corpus title does)."""
    words = len((_DISAMBIGUATOR.sub("", page_title) or page_title).split())
    return line[-1:] in ".!?" and len(line.split()) >= words + 3


def parse_article(text: str, path: str | None = None, warnings: tuple[str, ...] = ()) -> Article:
    """Parse an article's text.

    Raises:
        ArticleError: the text holds no article (no ``= Title =`` line).
        TypeError: `text` is not a str (bytes go to `decode_article`).
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_article takes a str, not {type(text).__name__} (decode_article takes bytes)")
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
    found: list[str] = list(warnings)
    lines = text.split("\n")
    number = 0
    while number < len(lines) and not lines[number].strip():
        number += 1
    if number == len(lines):
        raise ArticleError("empty article", path)
    title_match = _TITLE.match(lines[number].strip())
    if not title_match or not title_match.group(1):
        raise ArticleError(f"expected a '= Title =' line, found {lines[number].strip()[:40]!r}", path, number + 1)
    page_title = title_match.group(1)
    number += 1

    while number < len(lines) and not lines[number].strip():
        number += 1
    display = None
    if number < len(lines):
        candidate = lines[number].strip()
        nxt = lines[number + 1].strip() if number + 1 < len(lines) else ""
        if (
            not _HEADING.match(candidate)
            and not _INFOBOX.match(candidate)
            and len(candidate) <= 200
            and (not nxt or _INFOBOX.match(nxt))
            and not _is_sentence(candidate, page_title)
        ):
            display = candidate
            number += 1

    infobox: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    first_lines: dict[str, tuple[int, str]] = {}
    while number < len(lines) and (m := _INFOBOX.match(lines[number].strip())):
        key, value = m.group(1), m.group(2)
        folded = key.casefold()
        names.setdefault(folded, key)
        first_lines.setdefault(folded, (number + 1, value))
        values = [v.strip() for v in value.split(", ") if v.strip()]
        infobox.setdefault(folded, []).extend(values)
        number += 1

    lead_lines: list[str] = []
    sections: list[tuple[str, int, list[str]]] = []
    for index in range(number, len(lines)):
        line = lines[index].rstrip()
        heading = _HEADING.match(line.strip())
        if heading:
            sections.append((heading.group(2), index + 1, []))
        elif sections:
            sections[-1][2].append(line)
        else:
            lead_lines.append(line)

    lead = _paragraphs(lead_lines)
    plot_parts: list[str] = []
    cast: list[CastMember] = []
    others: list[Section] = []
    for heading, _line, body in sections:
        name = heading.casefold()
        if name in _PLOT_HEADINGS:
            if part := _paragraphs(body):
                plot_parts.append(part)
        elif name.startswith("cast") or name in {"voice cast", "starring"}:
            prose = []
            for raw in body:
                item = _LIST_ITEM.match(raw.strip())
                member = _cast_member(item.group(1)) if item else None
                if member:
                    cast.append(member)
                elif raw.strip():
                    prose.append(raw)
            if text_ := _paragraphs(prose):
                others.append(Section(heading=heading, text=text_))
        elif text_ := _paragraphs(body):
            others.append(Section(heading=heading or "(untitled)", text=text_))

    runtime = None
    if "runtime" in first_lines:
        line_no, value = first_lines["runtime"]
        runtime = _minutes(value)
        if runtime is None and value:
            found.append(f"line {line_no}: runtime {value[:40]!r} is not a duration; ignored")
    if "released" in first_lines:
        line_no, value = first_lines["released"]
        if value and not _YEAR.search(value):
            found.append(f"line {line_no}: Released {value[:40]!r} has no year; ignored")

    return Article(
        page_title=page_title,
        title=display or _DISAMBIGUATOR.sub("", page_title) or page_title,
        year=_year_of(first_lines, page_title, lead),
        runtime=runtime,
        infobox=tuple((names[k], tuple(v)) for k, v in infobox.items() if v),
        lead=lead,
        plot="\n\n".join(plot_parts) or None,
        cast=tuple(cast),
        sections=tuple(others),
        path=path,
        warnings=tuple(found),
    )


def decode_article(data: bytes, path: str | None = None, size: int | None = None) -> Article:
    """Parse an article file's bytes (UTF-8, or UTF-16 with its byte-order mark); `size` is the
    file's full size when `data` was cut short.

    Raises:
        ArticleError: empty, binary or undecodable data, or no title line.
    """
    warnings: tuple[str, ...] = ()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # a file read short may end in half a character: drop it
            data = data[: len(data) - len(data) % 2].decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as error:
            raise ArticleError(f"UTF-16 text that does not decode ({error.reason})", path) from None
    if len(data) > MAX_BYTES or (size or 0) > MAX_BYTES:
        full = max(size or 0, len(data))
        # At a line break, unless that loses much of the text (a plot on one long line).
        line_end = data.rfind(b"\n", 0, MAX_BYTES)
        if line_end > MAX_BYTES - MAX_BYTES // 16:
            cut = line_end
        else:  # a long last line: cut it between words, or mid-word when it has no space, rather than lose it
            space = data.rfind(b" ", line_end + 1, MAX_BYTES)
            cut = space if space > 0 else MAX_BYTES
        data = data[:cut]
        kept = data.count(b"\n") + 1
        warnings = (f"file is {full / 2**20:.1f} MiB; indexed only its first {kept} lines"
                    + ("" if cut == line_end else ", the last of them cut short"),)
    if not data.strip():
        raise ArticleError("empty file", path)
    if (nul := data.find(b"\0")) >= 0:
        raise ArticleError("binary file (NUL byte), not an article", path, data.count(b"\n", 0, nul) + 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if warnings and error.start >= len(data) - 4:
            text = data[: error.start].decode("utf-8")
        else:
            line = data.count(b"\n", 0, error.start) + 1
            raise ArticleError(
                f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})", path, line
            ) from None
    return parse_article(text, path=path, warnings=warnings)


def read_article(path: str | Path) -> Article:
    """Read and parse one article file.

    Raises:
        ArticleError: unreadable file or no article in it.
    """
    name = str(path)
    try:
        with open(path, "rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(0)
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise ArticleError(f"cannot read: {error.strerror or error}", name) from None
    return decode_article(data, path=name, size=size)
