"""The query language: a query string -> a small syntax tree, or a `QueryError` saying what is wrong.

Pure Python, no Whoosh: Whoosh's own parser never raises (it quietly repairs
unbalanced quotes, turns unknown fields into words and lets `year:abc` match
nothing), so a query that cannot mean what the user typed would simply return
the wrong films. This parser says where the problem is instead.

Grammar (keywords are upper case; a lower-case `and` is a word)::

    query   := clause+                      juxtaposition: see below
    clause  := and ("AND" and)*
    and     := unary ("OR" unary)*          OR binds tightest
    unary   := ("NOT" | "-") unary | atom
    atom    := "(" query ")" | FIELD ":" value | PHRASE | WORD
    value   := WORD | PHRASE | NUMBER | NUMBER ".." NUMBER (either end may be left open)

In a juxtaposition (`a b director:x`) free words are optional and rank films
that have more of them higher; everything else (fielded clauses, phrases,
groups, explicit AND/OR) is required, and NOT/`-` clauses exclude. A `-` only
negates at the start of a word: `Masset-Depasse` is one name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from .errors import QueryError

__all__ = ["Word", "Phrase", "Range", "Not", "All", "Any", "Group", "Node", "parse_query", "MAX_LENGTH", "MAX_DEPTH", "FIELDS"]

MAX_LENGTH = 1000
#: Parentheses and exclusions inside each other; far beyond what anyone types.
MAX_DEPTH = 20

#: Searchable field names (canonical) and their kinds; kept in step with `schema.KIND` by a test.
FIELDS = (
    "title", "lead", "plot", "other", "cast", "characters", "director", "writer", "producer", "music",
    "cinematography", "editing", "crew", "person", "country", "language", "year", "runtime",
)
NUMERIC = ("year", "runtime")
ALIASES = {
    "actor": "cast", "actors": "cast", "starring": "cast", "character": "characters", "role": "characters",
    "directors": "director", "people": "person", "name": "person", "composer": "music",
    "cinematographer": "cinematography", "editor": "editing", "released": "year",
}


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    field: str | None = None
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Range:
    field: str
    low: int | None
    high: int | None


@dataclass(frozen=True, slots=True)
class Not:
    node: Node


@dataclass(frozen=True, slots=True)
class All:
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Any:
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Group:
    nodes: tuple[Node, ...]


Node = Word | Phrase | Range | Not | All | Any | Group

_KEYWORDS = {"AND", "OR", "NOT"}
_FIELD = re.compile(r"([A-Za-z]+):(?=\S)")
#: A known field's name with nothing after the colon ("director:", "title: war"): a mistake, not a word.
_BARE_FIELD = re.compile(r"([A-Za-z]+):(?=\s|$)")
_NUMBER = re.compile(r"^\d{1,6}$")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "-", "word", "phrase", "field"
    text: str
    pos: int


def _lex(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, char, i))
            i += 1
        elif char == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QueryError(f'unbalanced quote: the " at position {i + 1} is never closed', query, i)
            tokens.append(_Token("phrase", query[i + 1 : end], i))
            i = end + 1
        elif char == "-" and i + 1 < n and not query[i + 1].isspace() and (not tokens or _after_space(query, i)):
            tokens.append(_Token("-", "-", i))
            i += 1
        elif (field := _FIELD.match(query, i)) and (i == 0 or not query[i - 1].isalnum()):
            tokens.append(_Token("field", field.group(1), i))
            i = field.end()
        elif (bare := _BARE_FIELD.match(query, i)) and _is_field(bare.group(1)) and _after_space(query, i):
            raise QueryError(f"{bare.group()} needs a value right after the colon (position {i + 1})", query, i)
        else:
            start = i
            while i < n and not query[i].isspace() and query[i] not in '()"':
                i += 1
            word = query[start:i]
            kind = word if word in _KEYWORDS else "word"
            tokens.append(_Token(kind, word, start))
    return tokens


def _after_space(query: str, i: int) -> bool:
    return i == 0 or query[i - 1].isspace() or query[i - 1] == "("


def _canonical(name: str) -> str:
    """A field name as typed -> its canonical name (known or not): `Actor` -> `cast`."""
    return ALIASES.get(name.lower(), name.lower())


def _is_field(name: str) -> bool:
    return _canonical(name) in FIELDS


def _field_name(token: _Token, query: str) -> str:
    name = _canonical(token.text)
    if name not in FIELDS:
        raise QueryError(
            f"unknown field {token.text!r} at position {token.pos + 1}; known fields: {', '.join(FIELDS)}",
            query,
            token.pos,
        )
    return name


_EXAMPLE = {"year": "1990..1999", "runtime": "90..120"}


def _number(text: str, field: str, query: str, pos: int) -> int:
    if not _NUMBER.match(text):
        raise QueryError(
            f"{field}: takes a number or a range like {field}:{_EXAMPLE[field]}, not {text!r} (position {pos + 1})",
            query,
            pos,
        )
    return int(text)


class _Parser:
    def __init__(self, query: str, tokens: list[_Token]):
        self.query = query
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def error(self, message: str, token: _Token | None) -> QueryError:
        pos = token.pos if token else len(self.query)
        return QueryError(f"{message} (position {pos + 1})", self.query, pos)

    def group(self, opening: _Token | None) -> Node:
        """Clauses up to the end, or up to the ) that closes `opening`."""
        nodes: list[Node] = []
        while (token := self.peek()) is not None and token.kind != ")":
            nodes.append(self.clause())
        if token is not None and opening is None:
            raise self.error("unbalanced parenthesis: this ) has no (", token)
        if token is None and opening is not None:
            raise self.error("unbalanced parenthesis: this ( is never closed", opening)
        if not nodes:
            raise self.error("empty parentheses" if opening else "empty query", token)
        return nodes[0] if len(nodes) == 1 and not isinstance(nodes[0], Word) else Group(tuple(nodes))

    def nested(self, token: _Token, parse: Callable[[], Node]) -> Node:
        """Parse one level deeper; a bound on depth keeps deep nesting a QueryError, not a RecursionError."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"the query nests parentheses and exclusions more than {MAX_DEPTH} deep", token)
        try:
            return parse()
        finally:
            self.depth -= 1

    def clause(self) -> Node:
        nodes = [self.disjunction()]
        while (token := self.peek()) is not None and token.kind == "AND":
            self.take()
            if self.peek() is None or self.peek().kind in (")", "AND", "OR"):
                raise self.error("AND needs something to search for on its right", token)
            nodes.append(self.disjunction())
        return nodes[0] if len(nodes) == 1 else All(tuple(nodes))

    def disjunction(self) -> Node:
        nodes = [self.unary()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            if self.peek() is None or self.peek().kind in (")", "AND", "OR"):
                raise self.error("OR needs something to search for on its right", token)
            nodes.append(self.unary())
        return nodes[0] if len(nodes) == 1 else Any(tuple(nodes))

    def unary(self) -> Node:
        token = self.take()
        if token.kind in ("NOT", "-"):
            if self.peek() is None or self.peek().kind in (")", "AND", "OR"):
                raise self.error(f"{token.text} needs something to exclude after it", token)
            excluded = self.nested(token, self.unary)
            if isinstance(excluded, Not):
                raise self.error(f"{token.text} excludes an exclusion, which cancels out: drop both", token)
            return Not(excluded)
        if token.kind in ("AND", "OR"):
            raise self.error(f"{token.kind} needs something to search for on its left", token)
        if token.kind == "(":
            inner = self.nested(token, lambda: self.group(opening=token))
            self.take()
            return inner
        if token.kind == "phrase":
            if not any(c.isalnum() for c in token.text):
                raise self.error('empty phrase ""', token)
            return Phrase(token.text)
        if token.kind == "field":
            return self.fielded(token)
        return self.word(token.text, None, token)

    def word(self, text: str, field: str | None, token: _Token) -> Word:
        prefix = text.endswith("*")
        stem = text.rstrip("*")
        if "*" in stem:
            raise self.error(f"a wildcard * only goes at the end of a word, not inside {text!r}", token)
        if prefix and sum(c.isalnum() for c in stem) < 2:
            raise self.error(f"a wildcard * needs at least two letters before it ({text!r})", token)
        return Word(stem if prefix else text, field, prefix)

    def fielded(self, token: _Token) -> Node:
        field = _field_name(token, self.query)
        value = self.peek()
        if value is None or value.kind not in ("word", "phrase", "AND", "OR", "NOT"):
            raise self.error(f"{token.text}: needs a value right after the colon", token)
        self.take()
        if field in NUMERIC:
            if value.kind == "phrase":
                raise self.error(f"{field}: takes a number or a range, not a phrase", value)
            low, sep, high = value.text.partition("..")
            if sep:
                lo = _number(low, field, self.query, value.pos) if low else None
                hi = _number(high, field, self.query, value.pos) if high else None
                if lo is None and hi is None:
                    raise self.error(f"{field}: a range needs at least one end", value)
                if lo is not None and hi is not None and lo > hi:
                    raise self.error(f"{field}:{value.text} is an empty range (start after end)", value)
                return Range(field, lo, hi)
            number = _number(value.text, field, self.query, value.pos)
            return Range(field, number, number)
        if value.kind == "phrase":
            if not any(c.isalnum() for c in value.text):
                raise self.error(f'{field}: has an empty phrase ""', value)
            return Phrase(value.text, field)
        return self.word(value.text, field, value)


def _check_characters(query: str) -> str:
    for position, char in enumerate(query):
        if char in "\t\n\r":
            continue
        if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char != " ":
            raise QueryError(
                f"the query has a control character (U+{ord(char):04X}) at position {position + 1}", query, position
            )
    return query.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def parse_query(query: str) -> Node:
    """Parse a query string.

    Raises:
        QueryError: empty, too long, control characters, unbalanced quotes or
            parentheses, unknown field, a bad number or range, a bare wildcard,
            or a query that only excludes.
    """
    if not query or not query.strip():
        raise QueryError("empty query: type some words to search for", query, 0)
    if len(query) > MAX_LENGTH:
        raise QueryError(f"query too long ({len(query)} characters; the limit is {MAX_LENGTH})", query, MAX_LENGTH)
    query = _check_characters(query)
    parser = _Parser(query, _lex(query))
    tree = parser.group(opening=None)
    if not _positive(tree):
        raise QueryError("the query only excludes; add something to search for", query, 0)
    return tree


def _positive(node: Node) -> bool:
    """Whether a node can match anything on its own (not only exclude)."""
    if isinstance(node, Not):
        return False
    if isinstance(node, (Group, All)):
        return any(_positive(n) for n in node.nodes)
    if isinstance(node, Any):
        return all(_positive(n) for n in node.nodes)
    return True
