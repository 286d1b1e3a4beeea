"""`searcher.syntax`: query string -> syntax tree, or a `QueryError` that names the problem."""

from __future__ import annotations

import pytest

from searcher.errors import FilmsearchError, QueryError
from searcher.syntax import FIELDS, MAX_DEPTH, MAX_LENGTH, All, Any, Group, Not, Phrase, Range, Word, parse_query


def W(text: str, field: str | None = None, prefix: bool = False) -> Word:
    return Word(text, field, prefix)


def nodes(tree) -> list:
    """Every node of a tree, depth first."""
    found = [tree]
    if isinstance(tree, Not):
        found += nodes(tree.node)
    elif isinstance(tree, (All, Any, Group)):
        for node in tree.nodes:
            found += nodes(node)
    return found


def error(query: str) -> QueryError:
    with pytest.raises(QueryError) as info:
        parse_query(query)
    return info.value


# --- every construct of the grammar ---------------------------------------------------------------


def test_single_word():
    assert parse_query("ghost") == Group((W("ghost"),))


def test_juxtaposition():
    assert parse_query("harbour ghost keeper") == Group((W("harbour"), W("ghost"), W("keeper")))


def test_and():
    assert parse_query("harbour AND ghost AND keeper") == All((W("harbour"), W("ghost"), W("keeper")))


def test_or():
    assert parse_query("harbour OR ghost OR keeper") == Any((W("harbour"), W("ghost"), W("keeper")))


def test_lower_case_keywords_are_words():
    assert parse_query("war and peace or not") == Group((W("war"), W("and"), W("peace"), W("or"), W("not")))


def test_not_keyword():
    assert parse_query("NOT war peace") == Group((Not(W("war")), W("peace")))
    assert parse_query("peace NOT war") == Group((W("peace"), Not(W("war"))))


def test_minus():
    assert parse_query("peace -war") == Group((W("peace"), Not(W("war"))))
    assert parse_query("-war peace") == Group((Not(W("war")), W("peace")))
    assert parse_query('peace -"world war"') == Group((W("peace"), Not(Phrase("world war"))))


@pytest.mark.parametrize(
    "query", ["war NOT NOT peace", "war -NOT peace", "NOT -peace war", "war -(-peace)", "war NOT (NOT peace)"]
)
def test_excluding_an_exclusion_is_an_error_not_a_silent_double_negation(query):
    assert "excludes an exclusion" in error(query).message


@pytest.mark.parametrize("opening", ["(", "(a -(", "(a NOT ("])
def test_nesting_is_bounded_so_deep_queries_fail_cleanly(opening):
    closing = ")" * opening.count("(")
    levels = MAX_DEPTH // (len(closing) + opening.count("-") + opening.count("NOT"))  # an exclusion is a level too
    assert parse_query(opening * levels + "war" + closing * levels + " peace")
    times = (MAX_LENGTH - 3) // (len(opening) + len(closing))  # as deep as the length limit allows
    deep = opening * times + "war" + closing * times
    assert "more than" in error(deep).message


def test_parentheses():
    assert parse_query("(harbour ghost) keeper") == Group((Group((W("harbour"), W("ghost"))), W("keeper")))
    assert parse_query("(harbour OR ghost) keeper") == Group((Any((W("harbour"), W("ghost"))), W("keeper")))
    assert parse_query("((ghost))") == Group((W("ghost"),))


def test_parentheses_can_be_negated():
    assert parse_query("keeper -(harbour ghost)") == Group((W("keeper"), Not(Group((W("harbour"), W("ghost"))))))


def test_phrase():
    assert parse_query('"harbour ghost"') == Phrase("harbour ghost")
    assert parse_query('keeper "harbour ghost"') == Group((W("keeper"), Phrase("harbour ghost")))


def test_phrase_keeps_keywords_and_parentheses_as_text():
    assert parse_query('"war AND (peace)"') == Phrase("war AND (peace)")


def test_fielded_word_and_phrase():
    assert parse_query("director:Haddad") == Group((W("Haddad", "director"),))
    assert parse_query('title:"harbour ghost"') == Phrase("harbour ghost", "title")
    assert parse_query("director:Haddad war") == Group((W("Haddad", "director"), W("war")))


def test_field_name_is_case_insensitive():
    assert parse_query("Director:Haddad") == parse_query("DIRECTOR:Haddad") == Group((W("Haddad", "director"),))


def test_every_canonical_field_is_accepted():
    for field in FIELDS:
        value = "1990" if field in ("year", "runtime") else "x"
        tree = parse_query(f"{field}:{value}")
        assert {getattr(n, "field", None) for n in nodes(tree)} - {None} == {field}


def test_field_value_may_be_a_keyword():
    assert parse_query("title:AND") == Group((W("AND", "title"),))


def test_colon_followed_by_space_is_not_a_field():
    # "Star Wars: Episode" is a title, not the field "Wars".
    tree = parse_query("Star Wars: Episode")
    assert all(getattr(n, "field", None) is None for n in nodes(tree))


def test_prefix_wildcard():
    assert parse_query("harb*") == Group((W("harb", prefix=True),))
    assert parse_query("director:Had*") == Group((W("Had", "director", prefix=True),))


def test_tabs_and_newlines_are_spaces():
    assert parse_query("harbour\tghost\nkeeper\r\n") == parse_query("harbour ghost keeper")


# --- precedence -----------------------------------------------------------------------------------


def test_or_binds_tighter_than_juxtaposition():
    assert parse_query("harbour ghost OR spirit") == Group((W("harbour"), Any((W("ghost"), W("spirit")))))
    assert parse_query("ghost OR spirit harbour") == Group((Any((W("ghost"), W("spirit"))), W("harbour")))


def test_or_binds_tighter_than_and():
    assert parse_query("harbour AND ghost OR spirit") == All((W("harbour"), Any((W("ghost"), W("spirit")))))
    assert parse_query("ghost OR spirit AND harbour") == All((Any((W("ghost"), W("spirit"))), W("harbour")))


def test_and_binds_tighter_than_juxtaposition():
    assert parse_query("keeper harbour AND ghost") == Group((W("keeper"), All((W("harbour"), W("ghost")))))


def test_not_binds_tighter_than_or():
    assert parse_query("ghost OR -spirit harbour") == Group((Any((W("ghost"), Not(W("spirit")))), W("harbour")))


# --- "-" only at the start of a word --------------------------------------------------------------


def test_hyphenated_name_is_one_word():
    assert parse_query("Masset-Depasse") == Group((W("Masset-Depasse"),))
    assert parse_query("director:Masset-Depasse") == Group((W("Masset-Depasse", "director"),))


def test_dash_inside_or_at_end_does_not_negate():
    for query in ("well-known", "x-", "ghost - harbour", "ghost x-y"):
        assert not any(isinstance(n, Not) for n in nodes(parse_query(query))), query


def test_minus_after_parenthesis_negates():
    assert parse_query("ghost (-harbour keeper)") == Group((W("ghost"), Group((Not(W("harbour")), W("keeper")))))


def test_minus_before_a_field():
    assert parse_query("ghost -director:Haddad") == Group((W("ghost"), Not(W("Haddad", "director"))))


# --- aliases and ranges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "field"),
    [
        ("actor", "cast"),
        ("actors", "cast"),
        ("starring", "cast"),
        ("Actor", "cast"),
        ("role", "characters"),
        ("character", "characters"),
        ("composer", "music"),
        ("people", "person"),
    ],
)
def test_field_aliases(alias, field):
    assert parse_query(f"{alias}:Paredes") == Group((W("Paredes", field),))


def test_released_is_year():
    assert parse_query("released:1987") == Range("year", 1987, 1987)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year:1990..1999", Range("year", 1990, 1999)),
        ("year:..1950", Range("year", None, 1950)),
        ("year:2000..", Range("year", 2000, None)),
        ("year:1987", Range("year", 1987, 1987)),
        ("year:1990..1990", Range("year", 1990, 1990)),
        ("runtime:90..120", Range("runtime", 90, 120)),
    ],
)
def test_ranges(query, expected):
    assert parse_query(query) == expected


def test_range_among_words():
    assert parse_query("ghost year:1980..1989") == Group((W("ghost"), Range("year", 1980, 1989)))


# --- errors ---------------------------------------------------------------------------------------


def test_query_error_is_a_usage_error():
    e = error("")
    assert isinstance(e, FilmsearchError) and isinstance(e, ValueError)
    assert e.exit_code == 2


@pytest.mark.parametrize("query", ["", " ", "   \t\n  "])
def test_empty(query):
    assert "empty" in error(query).message


@pytest.mark.parametrize(("query", "position"), [("director:", 0), ("ghost title: harbour", 6), ("Year: 1950", 0)])
def test_a_field_with_nothing_after_its_colon_is_an_error(query, position):
    e = error(query)
    assert "needs a value right after the colon" in e.message
    assert e.position == position


def test_an_unknown_name_before_a_spaced_colon_is_just_a_word():
    assert parse_query("note: ghost") == Group((W("note:"), W("ghost")))


def test_unbalanced_quote():
    e = error('ghost "harbour keeper')
    assert "unbalanced quote" in e.message
    assert e.position == 6
    assert "position 7" in e.message
    assert e.query == 'ghost "harbour keeper'


def test_unclosed_parenthesis():
    e = error("ghost (harbour keeper")
    assert "unbalanced parenthesis" in e.message and "never closed" in e.message
    assert e.position == 6
    assert "position 7" in e.message


def test_unopened_parenthesis():
    e = error("ghost harbour) keeper")
    assert "unbalanced parenthesis" in e.message and "no (" in e.message
    assert e.position == 13
    assert "position 14" in e.message


def test_nested_unclosed_parenthesis_points_at_the_outer_one():
    e = error("((ghost) harbour")
    assert "never closed" in e.message
    assert e.position == 0



def test_trailing_open_parenthesis_is_unbalanced():
    e = error("ghost (")
    assert "never closed" in e.message


def test_empty_parentheses():
    assert "empty parentheses" in error("ghost ()").message


def test_unknown_field_lists_known_fields():
    e = error("ghost directr:Haddad")
    assert "unknown field 'directr'" in e.message
    assert e.position == 6
    assert "position 7" in e.message
    for field in FIELDS:
        assert field in e.message


@pytest.mark.parametrize(
    ("query", "bad"),
    [
        ("year:abc", "abc"),
        ("year:19x0", "19x0"),
        ("year:-5", "-5"),
        ("runtime:long", "long"),
        ("year:1990..199x", "199x"),
    ],
)
def test_year_not_a_number(query, bad):
    e = error(query)
    assert "takes a number" in e.message
    assert repr(bad) in e.message
    assert e.position == query.index(":") + 1


def test_the_example_fits_the_field():
    assert "runtime:90..120" in error("runtime:long").message
    assert "year:1990..1999" in error("year:abc").message


def test_numeric_field_rejects_a_phrase():
    assert "not a phrase" in error('year:"1990"').message


def test_reversed_range():
    e = error("year:1999..1990")
    assert "empty range" in e.message
    assert "1999..1990" in e.message
    assert e.position == 5


def test_range_with_no_end():
    assert "at least one end" in error("year:..").message


@pytest.mark.parametrize("query", ["*", "ghost *", "a*", "director:*"])
def test_bare_wildcard(query):
    e = error(query)
    assert "wildcard" in e.message and "two letters" in e.message


@pytest.mark.parametrize("query", ["gh*st", "*ghost", "ghost*s"])
def test_wildcard_inside_a_word(query):
    e = error(query)
    assert "wildcard" in e.message and "end of a word" in e.message
    assert query in e.message


def test_too_long():
    e = error("ghost " * 200)
    assert "too long" in e.message and "1000" in e.message
    parse_query(("ghost " * 200)[:MAX_LENGTH])  # the limit itself is fine


@pytest.mark.parametrize(("query", "position"), [("gh\x00ost", 2), ("ghost\x1b[31m", 5), ("\x7fghost", 0)])
def test_control_character(query, position):
    e = error(query)
    assert "control character" in e.message
    assert f"U+{ord(query[position]):04X}" in e.message
    assert e.position == position
    assert f"position {position + 1}" in e.message


@pytest.mark.parametrize("query", ["-ghost", "NOT ghost", "-ghost -harbour", "NOT (ghost harbour)", "-director:Haddad"])
def test_only_negative(query):
    assert "only excludes" in error(query).message


@pytest.mark.parametrize(
    ("query", "word", "side", "position"),
    [
        ("ghost AND", "AND", "right", 6),
        ("ghost OR", "OR", "right", 6),
        ("AND ghost", "AND", "left", 0),
        ("OR ghost", "OR", "left", 0),
        ("ghost AND OR harbour", "AND", "right", 6),
        ("(ghost OR) harbour", "OR", "right", 7),
    ],
)
def test_dangling_and_or(query, word, side, position):
    e = error(query)
    assert e.message.startswith(f"{word} needs something to search for on its {side}")
    assert e.position == position


@pytest.mark.parametrize(("query", "position"), [("NOT", 0), ("ghost NOT", 6), ("ghost NOT)", 6), ("ghost (-)", 7)])
def test_dangling_not(query, position):
    e = error(query)
    assert "needs something to exclude" in e.message
    assert e.position == position


@pytest.mark.parametrize("query", ["title:(ghost harbour)", "title:)"])
def test_field_needs_a_value(query):
    assert "needs a value" in error(query).message


@pytest.mark.parametrize("query", ['""', '"  "', 'title:""', 'ghost "..."'])
def test_empty_phrase(query):
    assert "empty phrase" in error(query).message
