"""`searcher.analysis`: folding, stemming and index terms for prose, titles and names."""

from __future__ import annotations

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.analysis import KINDS, NAME_SEPARATOR, STOP_WORDS, analyze, find_terms, fold, terms


# --- folding --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Amélie", "amelie"),
        ("Møller", "moller"),
        ("Straße", "strasse"),
        ("Kjærgaard", "kjaergaard"),
        ("Łódź", "lodz"),
        ("Wiśniewski", "wisniewski"),
        ("Lucía PAREDES", "lucia paredes"),
        ("Ærø", "aero"),
        ("Þór", "thor"),
        ("Ğ", "g"),
        ("İstanbul", "istanbul"),
        ("Masset-Depasse", "masset-depasse"),
        ("Ａｍｅｌｉｅ １９９５", "amelie 1995"),  # full-width, as East Asian keyboards type it
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_keeps_cyrillic_and_greek_letters():
    assert fold("Москва") == "москва"
    assert fold("Солярис") == "солярис"
    assert fold("Тарковский") == fold("тарковский")
    assert all("\u0400" <= c <= "\u04ff" for c in fold("Тарковский"))
    assert fold("Ωμέγα") == "ωμεγα"


def test_fold_keeps_cjk():
    assert fold("千と千尋の神隠し") == "千と千尋の神隠し"


def test_fold_removes_combining_marks():
    assert fold("Ame\u0301lie") == "amelie"


def test_fold_underscore_is_a_space():
    # Corpus file names use "_" for spaces; in text it must not glue two words into one term.
    assert fold("Hello_World") == "hello world"
    assert fold("Amélie_Poulain") == "amelie poulain"


@pytest.mark.parametrize("char", ["\u1e9e", "\u01e2", "\u01fe", "\u212b"])
def test_fold_is_idempotent_on_letters_that_fold_to_special_letters(char):
    assert fold(fold(char)) == fold(char)



def test_capital_sharp_s():
    assert fold("STRAẞE") == "strasse"


# --- stemming and stop words ----------------------------------------------------------------------


def test_prose_is_stemmed_and_drops_stop_words():
    assert terms("The keepers were running to the harbours", "prose") == ["keeper", "run", "harbour"]


def test_title_is_stemmed_but_keeps_stop_words():
    assert terms("The Running Man", "title") == ["the", "run", "man"]


def test_names_are_not_stemmed():
    assert terms("Anne Coesens", "name") == ["anne", "coesens"]
    assert terms("The Running Men", "name") == ["the", "running", "men"]
    assert terms("Masset-Depasse", "name") == ["masset", "depasse"]


def test_query_and_index_agree_on_stems():
    assert terms("detained", "prose") == terms("detain", "prose") == ["detain"]
    assert terms("ghosts", "prose") == terms("ghost", "prose") == terms("Ghost", "title")


@pytest.mark.parametrize("word", ["the", "a", "it", "of", "and", "The", "IT"])
def test_stop_words_only_dropped_in_prose(word):
    assert terms(word, "prose") == []
    assert terms(word, "title") == [word.lower()]
    assert terms(word, "name") == [word.lower()]


def test_keep_stops_keeps_them_unstemmed_in_prose():
    assert [t.text for t in analyze("the ghost is here", "prose", keep_stops=True)] == ["the", "ghost", "is", "here"]


def test_stop_words_are_folded_words():
    assert all(w == fold(w) for w in STOP_WORDS)


@pytest.mark.parametrize("text", ["M", "It", "9", "Z"])
def test_one_letter_and_short_titles_are_kept(text):
    assert terms(text, "title") == [text.lower()]


def test_one_letter_names_are_kept():
    assert terms("Peter M. Lenkov", "name") == ["peter", "m", "lenkov"]
    assert terms("Malcolm X", "name") == ["malcolm", "x"]


def test_numbers_are_not_stemmed():
    assert terms("1987 2001", "title") == ["1987", "2001"]


def test_accents_fold_before_stemming():
    assert terms("Amélie", "name") == ["amelie"] == terms("AMELIE", "name")
    assert terms("Café", "title") == terms("cafe", "title")


def test_kinds():
    assert set(KINDS) == {"prose", "title", "name"}


# --- positions and offsets ------------------------------------------------------------------------


def test_positions_count_every_word_including_dropped_stop_words():
    # Dropped stop words still take a position, so "keeper * harbour" phrase gaps stay true.
    found = list(analyze("the keeper of the harbour", "prose"))
    assert [(t.text, t.pos) for t in found] == [("keeper", 1), ("harbour", 4)]


def test_name_separator_opens_a_position_gap():
    text = f"Anne Coesens{NAME_SEPARATOR}Alexandre Gontcharov"
    found = {t.text: t for t in analyze(text, "name")}
    assert found["coesens"].pos == found["anne"].pos + 1
    assert found["gontcharov"].pos == found["alexandre"].pos + 1
    # "coesens alexandre" must never match as a phrase: their positions are far apart.
    assert found["alexandre"].pos - found["coesens"].pos > 10
    assert NAME_SEPARATOR not in [t.text for t in analyze(text, "name")]


def test_name_separator_is_not_a_word_character():
    assert terms(NAME_SEPARATOR, "name") == []
    assert terms(f"Haddad{NAME_SEPARATOR}Paredes", "name") == ["haddad", "paredes"]


@pytest.mark.parametrize("kind", KINDS)
def test_offsets_point_at_the_original_text(kind):
    text = "Amélie Poulain and Lucía Paredes"
    spans = [text[t.start : t.end] for t in analyze(text, kind)]
    expected = ["Amélie", "Poulain", "and", "Lucía", "Paredes"]
    assert spans == ([w for w in expected if w != "and"] if kind == "prose" else expected)
    if kind == "name":
        assert [t.text for t in analyze(text, kind)] == [fold(w) for w in expected]


def test_offsets_when_folding_changes_the_length():
    text = "Die Straße von Kjærgaard"
    found = list(analyze(text, "name"))
    assert [t.text for t in found] == ["die", "strasse", "von", "kjaergaard"]
    assert [text[t.start : t.end] for t in found] == ["Die", "Straße", "von", "Kjærgaard"]



def test_offsets_with_a_decomposed_accent():
    text = "Ame\u0301lie Poulain"
    found = list(analyze(text, "name"))
    assert [t.text for t in found] == ["amelie", "poulain"]
    assert [text[t.start : t.end] for t in found] == ["Ame\u0301lie", "Poulain"]



def test_offsets_when_length_changes_cancel_out():
    text = "Straße Ame\u0301lie"
    assert len(fold(text)) == len(text)
    found = list(analyze(text, "name"))
    assert [text[t.start : t.end] for t in found] == ["Straße", "Ame\u0301lie"]



def test_underscore_splits_words_when_folding_changes_length():
    assert terms("Straße_Film", "name") == ["strasse", "film"]


def test_terms_is_analyze_text():
    text = "The harbour ghost returns every night"
    for kind in KINDS:
        assert terms(text, kind) == [t.text for t in analyze(text, kind)]


@settings(max_examples=300)
@given(
    st.lists(st.from_regex(r"[A-Za-zÀ-ÿß'\-]{1,14}|[0-9]{1,4}|\x1f", fullmatch=True), min_size=1, max_size=12),
    st.sampled_from(KINDS),
    st.data(),
)
def test_find_terms_is_analyze_restricted_to_the_wanted_terms(words, kind, data):
    text = " ".join(words)
    everything = [(t.start, t.end, t.text) for t in analyze(text, kind)]
    wanted = set(data.draw(st.lists(st.sampled_from([t for *_, t in everything] or ["x"]), max_size=4)))
    assert find_terms(text, kind, wanted) == [m for m in everything if m[2] in wanted]


@pytest.mark.parametrize("word", ["dying", "lying", "skies", "early", "only", "happiness", "possibly", "Æsir", "Straße"])
def test_find_terms_finds_words_whose_stem_rewrites_their_end(word):
    text = f"They were {word} there."
    (term,) = terms(word, "prose")
    assert [text[s:e] for s, e, _ in find_terms(text, "prose", {term})] == [word]
