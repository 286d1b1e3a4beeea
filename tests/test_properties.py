"""Property tests: the parsers and search never fail with anything but their own errors, and keep what they promise."""

from __future__ import annotations

import unicodedata
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import searcher.article
from searcher.analysis import KINDS, NAME_SEPARATOR, analyze, fold, terms
from searcher.article import Article, decode_article, parse_article
from searcher.errors import ArticleError, QueryError
from searcher.query import FIRST_YEAR, LAST_YEAR, compile_query
from searcher.syntax import FIELDS, All, Any, Group, Not, Phrase, Range, Word, parse_query
from tests.conftest import SEED, write_articles

SOME = settings(max_examples=300, deadline=None)
FEW = settings(max_examples=100, deadline=None)

NODE_TYPES = (Word, Phrase, Range, Not, All, Any, Group)


def check_article(a: Article) -> None:
    """What every parsed article promises, whatever the input."""
    assert isinstance(a, Article)
    hash(a)  # frozen all the way down: no list slipped into a field
    assert a.page_title and a.page_title == a.page_title.strip()
    assert a.title and a.title == a.title.strip()
    assert a.year is None or 1800 <= a.year <= 2099
    assert a.runtime is None or a.runtime > 0
    for text in (a.lead, a.plot, a.other):
        assert text is None or (text.strip() and "\r" not in text)
    for key, values in a.infobox:
        assert key and values and all(v and v == v.strip() for v in values)
    for member in a.cast:
        assert member.actor and member.role != ""
    assert all(isinstance(w, str) for w in a.warnings)


# --- articles -------------------------------------------------------------------------------------


@SOME
@given(st.text())
@example("= T =")
@example("\ufeff= T =\r\n\r\nT\r\n- Runtime: 1h\r\n")
@example("= T =\n==\n- x\n==Cast==\n- \n- as\n-  - \n")
def test_parse_article_on_any_text(text):
    try:
        a = parse_article(text)
    except ArticleError as error:
        assert error.line is None or error.line >= 1
        return
    check_article(a)


def _line(chars: str = "") -> st.SearchStrategy[str]:
    alphabet = st.characters(exclude_categories=("Cs",), exclude_characters="\r\n" + chars)
    return st.text(alphabet, max_size=30)


TITLE = st.text(
    st.characters(exclude_categories=("Cs", "Zl", "Zp"), exclude_characters="\r\n="), min_size=1, max_size=30
).filter(lambda s: s.strip())
KEYS = st.sampled_from(
    ["Director", "Starring", "Released", "Runtime", "Country", "Writer", "Budget", "director", "Box office"]
)
INFOBOX_LINE = st.builds("- {}: {}".format, KEYS | _line(":"), _line())
HEADING = st.builds(
    "{}{}{}".format,
    st.sampled_from(["==", "== ", "===", "="]),
    st.sampled_from(["Plot", "Cast", "Synopsis", "Reception", "See also", "Voice cast", ""]) | _line("="),
    st.sampled_from(["==", " ==", "===", "="]),
)
LIST_ITEM = st.builds(
    "{}{}{}{}".format,
    st.sampled_from(["- ", "* ", "• ", "-", ""]),
    _line(),
    st.sampled_from([" as ", " - ", ": ", " … ", " ", ""]),
    _line(),
)
YEARISH = st.sampled_from(
    ["is a 1994 American film", "Released: 19 May 2010", "1h 30m", "104 minutes", "(2010 film)", "1:30", "0"]
)
BODY_LINE = st.one_of(INFOBOX_LINE, HEADING, LIST_ITEM, _line(), YEARISH, st.just(""))


@st.composite
def article_texts(draw) -> tuple[str, str]:
    title = draw(TITLE)
    lines = [f"= {title} ="]
    if draw(st.booleans()):
        lines += ["", title.strip()]
    lines += draw(st.lists(INFOBOX_LINE, max_size=6))
    lines += draw(st.lists(BODY_LINE, max_size=25))
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    if draw(st.booleans()):
        text = "\ufeff" + text
    return title, text


@SOME
@given(article_texts())
def test_parse_article_on_article_like_text(case):
    title, text = case
    a = parse_article(text)  # a title line is all an article needs: this must not raise
    check_article(a)
    assert a.page_title == unicodedata.normalize("NFC", title).strip()


@SOME
@given(article_texts())
def test_decode_article_on_article_like_bytes(case):
    title, text = case
    if "\x00" in text:  # a NUL byte marks a binary file, whatever surrounds it
        try:
            decode_article(text.encode("utf-8"))
        except ArticleError as error:
            assert "NUL" in error.message
            return
        raise AssertionError("a NUL byte was accepted")
    a = decode_article(text.encode("utf-8"))
    check_article(a)
    assert a == parse_article(text)


@SOME
@given(st.binary())
@example(b"")
@example(b"= T =\n\xff")
@example(b"\xef\xbb\xbf")
@example(b"= T =\n\x00")
def test_decode_article_on_any_bytes(data):
    try:
        a = decode_article(data)
    except ArticleError as error:
        assert error.line is None or error.line >= 1
        return
    check_article(a)


@FEW
@given(st.binary(max_size=200) | article_texts().map(lambda case: case[1].encode()))
def test_decode_article_cut_short(data):
    with mock.patch.object(searcher.article, "MAX_BYTES", 40):
        try:
            a = decode_article(data)
        except ArticleError:
            return
    check_article(a)
    if len(data) > 40:
        assert a.warnings and "indexed only" in a.warnings[0]


VALUE = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"), min_size=1, max_size=20
).filter(lambda v: v == v.strip() and ", " not in v and v == unicodedata.normalize("NFC", v))


@SOME
@given(
    key=KEYS
    | st.text(st.characters(categories=("L",)), min_size=1, max_size=20).filter(
        lambda k: k == unicodedata.normalize("NFC", k)
    ),
    values=st.lists(VALUE, min_size=1, max_size=5),
)
def test_infobox_values_round_trip(key, values):
    text = f"= Round Trip =\n\nRound Trip\n- {key}: {', '.join(values)}\n\nA lead.\n"
    a = parse_article(text)
    assert a.values(key) == tuple(values)
    assert a.values(key.casefold()) == tuple(values)
    if key.isascii():
        assert a.values(key.upper()) == a.values(key.lower()) == tuple(values)
    assert a.lead == "A lead."


# --- queries --------------------------------------------------------------------------------------


def check_tree(node) -> None:
    assert isinstance(node, NODE_TYPES)
    if isinstance(node, Not):
        check_tree(node.node)
    elif isinstance(node, (All, Any, Group)):
        assert node.nodes
        for child in node.nodes:
            check_tree(child)
    elif isinstance(node, Range):
        assert node.field in ("year", "runtime")
        assert node.low is not None or node.high is not None
        assert node.low is None or node.high is None or node.low <= node.high
    else:
        assert node.field is None or node.field in FIELDS
        assert node.text


@SOME
@given(st.text(max_size=200))
@example("(")
@example(")(")
@example("-")
@example("year:1..")
@example("a OR -b")
def test_parse_query_on_any_text(query):
    try:
        tree = parse_query(query)
    except QueryError as error:
        assert error.message
        assert error.position is None or 0 <= error.position <= len(query)
        return
    check_tree(tree)


QUERY_TOKEN = st.one_of(
    st.sampled_from(["AND", "OR", "NOT", "(", ")", "-", '"', "*", "..", ":", " "]),
    st.sampled_from(["title:", "year:", "actor:", "runtime:", "foo:", "director:", "-cast:"]),
    st.sampled_from(["ghost", "harb*", "Masset-Depasse", "1990..1999", "..1950", "2000..", "1999..1990", "abc"]),
    st.text(st.characters(categories=("L", "N", "P")), min_size=1, max_size=8),
)


@SOME
@given(st.lists(QUERY_TOKEN, min_size=1, max_size=12), st.sampled_from(["", " "]))
def test_parse_query_on_query_like_text(tokens, sep):
    query = sep.join(tokens)
    try:
        tree = parse_query(query)
    except QueryError as error:
        assert error.message
        assert error.position is None or 0 <= error.position <= len(query)
        return
    check_tree(tree)


@SOME
@given(st.lists(QUERY_TOKEN | st.text(st.characters(categories=("N",)), min_size=1, max_size=4), min_size=1,
                max_size=8).map(" ".join))
@example("alien ¹⁹⁷⁹")
def test_compile_query_raises_only_query_errors(query):
    try:
        compiled = compile_query(query)
    except QueryError as error:
        assert error.message
        return
    assert compiled.year is None or FIRST_YEAR <= compiled.year <= LAST_YEAR


@pytest.fixture(scope="module")
def fictional_index(tmp_path_factory):
    from searcher import Index

    folder = tmp_path_factory.mktemp("films")
    with Index(folder / "ix") as index:
        index.add([write_articles(folder / "articles"), SEED])
        yield index


@FEW
@given(query=st.lists(QUERY_TOKEN, min_size=1, max_size=8).map(" ".join))
@example(query="alien ¹⁹⁷⁹")
@example(query="Gontcharof 1999")
def test_search_raises_only_query_errors(fictional_index, query):
    try:
        results = fictional_index.search(query, limit=5)
    except QueryError as error:
        assert error.message
        return
    assert len(results) <= 5 and all(hit.path for hit in results)


# --- analysis -------------------------------------------------------------------------------------

#: Letters whose fold is not idempotent (a known bug, see test_analysis.py).
NOT_IDEMPOTENT = "\u1e9e\u01e2\u01e3\u01fc\u01fd\u01fe\u01ff\u212b"


@SOME
@given(st.text(st.characters(exclude_characters=NOT_IDEMPOTENT)))
def test_fold_is_idempotent(text):
    once = fold(text)
    assert fold(once) == once
    assert once == once.lower()


@SOME
@given(st.text(), st.sampled_from(KINDS))
@example("Straße Ame\u0301lie_x" + NAME_SEPARATOR, "name")
def test_terms_never_raise(text, kind):
    found = terms(text, kind)
    assert all(isinstance(t, str) and t for t in found)
    assert NAME_SEPARATOR not in found


@SOME
@given(st.text(st.characters(categories=("L", "N", "Zs"))), st.sampled_from(KINDS))
def test_analyze_offsets_are_in_range_and_positions_increase(text, kind):
    found = list(analyze(text, kind))
    for term in found:
        assert 0 <= term.start < term.end <= len(text)
    assert [t.pos for t in found] == sorted({t.pos for t in found})
