"""`searcher.article`: article text -> `Article`, and the errors for files that hold no article."""

from __future__ import annotations

from pathlib import Path

import pytest

import searcher.article
from tests.conftest import ARTICLES, SEED, corpus_sample
from searcher.article import Article, CastMember, Section, decode_article, parse_article, read_article
from searcher.errors import ArticleError, FilmsearchError


def article(*lines: str) -> Article:
    """Parse an article given as lines (joined with LF, ending with one newline like the corpus)."""
    return parse_article("\n".join(lines) + "\n")


# --- the seed -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Article:
    return read_article(SEED)


def test_seed_titles(seed):
    assert seed.page_title == "Illegal (2010 film)"
    assert seed.title == "Illegal"
    assert seed.path == str(SEED)


def test_seed_year_comes_from_the_page_title(seed):
    # The seed has no Released line: the year can only come from "(2010 film)" or the lead.
    assert seed.values("released") == ()
    assert seed.year == 2010


def test_seed_infobox(seed):
    assert seed.runtime == 90
    assert seed.director == ("Olivier Masset-Depasse",)
    assert seed.writer == ("Olivier Masset-Depasse",)
    assert seed.producer == ("Jacques-Henri Bronckart",)
    assert seed.music == ("André Dziezuk", "Marc Mergen")
    assert seed.country == ("Belgium", "France", "Luxembourg")
    assert seed.language == ("French",)
    assert seed.warnings == ()


def test_seed_people(seed):
    # Starring spells him "Gontcharov", the Cast section "Golntcharov": both are searchable.
    assert "Alexandre Gontcharov" in seed.actors
    assert "Alexandre Golntcharov" in seed.actors
    assert seed.actors[:2] == ("Anne Coesens", "Alexandre Gontcharov")
    assert seed.actors.count("Anne Coesens") == 1  # in Starring and in Cast, listed once
    assert "Ivan" in seed.characters
    assert CastMember(actor="Anne Coesens", role="Tania") in seed.cast
    assert len(seed.cast) == 7
    assert "Olivier Masset-Depasse" in seed.crew
    assert "Olivier Masset-Depasse" not in seed.actors


def test_seed_text(seed):
    assert seed.lead.startswith("Illegal (Illégal) is a 2010 Belgian drama film")
    assert seed.plot.startswith("The film follows Tania")
    assert seed.plot.endswith("reunite with her son Ivan.")
    assert seed.plot.count("\n\n") == 2  # three paragraphs, kept apart
    assert "==" not in seed.plot


def test_seed_see_also_is_kept_in_other(seed):
    assert [s.heading for s in seed.sections] == ["See also"]
    assert "List of Belgian submissions for the Academy Award" in seed.other
    # Cast lines are parsed, not dumped into `other`.
    assert "Coesens" not in seed.other


# --- fictional articles ---------------------------------------------------------------------------


def test_fixture_articles_parse():
    harbour = parse_article(ARTICLES["harbour.txt"])
    assert harbour.title == "The Harbour Ghost"
    assert harbour.year == 1987
    assert harbour.runtime == 104
    assert harbour.director == ("Marguerite Élise Fontaine-Dubois",)
    assert harbour.cast[0] == CastMember(actor="Anders Kjærgaard", role="Olav the keeper")
    it = parse_article(ARTICLES["it.txt"])
    assert (it.title, it.year) == ("It", 2031)


def test_released_date_gives_the_year():
    a = article("= Spring Thing =", "", "Spring Thing", "- Released: 19 May 2010", "", "==Plot==", "Flowers.")
    assert a.year == 2010
    assert a.warnings == ()


def test_no_year_anywhere_is_none():
    a = article("= Spring Thing =", "", "Spring Thing", "- Director: Ann Bee")
    assert a.year is None


def test_year_from_the_lead():
    a = article(
        "= Night Owls =",
        "",
        "Night Owls",
        "- Director: Ann Bee",
        "",
        "Night Owls is a 1994 American comedy film directed by Ann Bee.",
    )
    assert a.year == 1994


def test_year_from_the_lead_needs_the_is_a_year_pattern():
    # A year elsewhere in the lead is not the release year.
    a = article("= Night Owls =", "", "Night Owls", "- Director: Ann Bee", "", "Night Owls is set in 1994.")
    assert a.year is None


def test_year_from_a_longer_disambiguator():
    a = article("= The Call (2020 American film) =", "", "The Call", "- Director: Ann Bee")
    assert a.year == 2020
    assert a.title == "The Call"


def test_title_falls_back_to_page_title_without_disambiguator():
    a = parse_article("= The Call (2020 American film) =\n- Director: Ann Bee\n")
    assert a.title == "The Call"
    assert a.page_title == "The Call (2020 American film)"


def test_a_lead_sentence_is_not_taken_for_a_missing_display_title():
    a = parse_article("= Foo (1999 film) =\n\nFoo is a 1999 drama film about okapis.\n\n==Plot==\nA man travels.\n")
    assert a.title == "Foo"
    assert a.lead == "Foo is a 1999 drama film about okapis."


@pytest.mark.parametrize("display", ["Airplane!", "John Q.", "What's Up, Doc?", "Crouching Tiger, Hidden Dragon"])
def test_a_display_title_that_ends_like_a_sentence_is_still_one(display):
    a = parse_article(f"= {display} (film) =\n\n{display}\n- Released: 1999\n\nIt is a film.\n")
    assert a.title == display


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        ("104 minutes", 104),
        ("1h 30m", 90),
        ("2 hours", 120),
        ("90 min", 90),
        ("90", 90),
        ("1.5 hours", 90),
        ("95 minutes (theatrical), 110 minutes (director's cut)", 95),
    ],
)
def test_runtime_forms(value, minutes):
    a = article("= Clock =", "", "Clock", f"- Runtime: {value}")
    assert a.runtime == minutes
    assert a.warnings == ()



def test_runtime_without_space_between_hours_and_minutes():
    assert article("= Clock =", "", "Clock", "- Runtime: 1h30m").runtime == 90



def test_runtime_h_mm_is_not_one_minute():
    a = article("= Clock =", "", "Clock", "- Runtime: 1:30")
    assert a.runtime in (90, None)


@pytest.mark.parametrize("value", ["garbage", "about ninety minutes", "0 minutes"])
def test_runtime_garbage_is_none_with_a_warning_naming_the_line(value):
    a = article("= Clock =", "", "Clock", "- Director: Ann Bee", f"- Runtime: {value}")
    assert a.runtime is None
    assert len(a.warnings) == 1
    assert a.warnings[0].startswith("line 5:")
    assert "runtime" in a.warnings[0].lower()
    assert value[:20] in a.warnings[0]


def test_released_without_a_year_warns():
    a = article("= Clock =", "", "Clock", "- Released: soon")
    assert a.year is None
    assert any(w.startswith("line 4:") and "Released" in w for w in a.warnings)


def test_empty_runtime_is_none_without_warning():
    a = article("= Clock =", "", "Clock", "- Runtime:")
    assert a.runtime is None
    assert a.warnings == ()


def test_unknown_infobox_keys_are_kept():
    a = article(
        "= Money Pit =",
        "",
        "Money Pit",
        "- Director: Ann Bee",
        "- Budget: $5 million",
        "- Box office: $12 million, €3 million",
    )
    assert a.values("budget") == ("$5 million",)
    assert a.values("Box Office") == ("$12 million", "€3 million")
    assert ("Budget", ("$5 million",)) in a.infobox
    assert "Budget: $5 million" in a.other
    assert "$12 million" in a.other
    assert "Ann Bee" not in a.other  # known keys have fields of their own


def test_multiple_values_split_on_comma_space():
    a = article("= Crowd =", "", "Crowd", "- Starring: Ann Bee, Cee Dee, Robert Downey Jr.", "- Director: X Y")
    assert a.values("starring") == ("Ann Bee", "Cee Dee", "Robert Downey Jr.")
    assert a.actors == ("Ann Bee", "Cee Dee", "Robert Downey Jr.")
    assert a.director == ("X Y",)


def test_repeated_infobox_key_adds_values():
    a = article("= Crowd =", "", "Crowd", "- Director: Ann Bee", "- Director: Cee Dee")
    assert a.director == ("Ann Bee", "Cee Dee")


def test_cast_line_forms():
    a = article(
        "= Ensemble =",
        "",
        "Ensemble",
        "- Released: 2001",
        "",
        "==Cast==",
        "- Ann Bee as Queen Mab",
        "- Cee Dee",
        "- Eve Eff - The Narrator",
        "- Gil Masset-Depasse as Himself",
    )
    assert a.cast == (
        CastMember(actor="Ann Bee", role="Queen Mab"),
        CastMember(actor="Cee Dee", role=None),
        CastMember(actor="Eve Eff", role="The Narrator"),
        CastMember(actor="Gil Masset-Depasse", role="Himself"),
    )
    assert a.characters == ("Queen Mab", "The Narrator", "Himself")
    assert a.sections == ()  # nothing but list items: no leftover prose section


def test_cast_prose_is_kept_as_a_section():
    a = article("= Ensemble =", "", "Ensemble", "", "==Cast==", "- Ann Bee as Mab", "Casting took a year.")
    assert a.cast == (CastMember(actor="Ann Bee", role="Mab"),)
    assert a.sections == (Section(heading="Cast", text="Casting took a year."),)


def test_spaced_headings():
    a = article(
        "= Spaces =", "", "Spaces", "- Released: 2001", "", "== Plot ==", "A plot.", "", "==  Cast  ==",
        "- Ann Bee as Mab",
    )
    assert a.plot == "A plot."
    assert a.cast == (CastMember(actor="Ann Bee", role="Mab"),)
    assert a.sections == ()


LF_TEXT = ARTICLES["harbour.txt"]


def test_crlf_parses_like_lf():
    lf = parse_article(LF_TEXT)
    crlf = parse_article(LF_TEXT.replace("\n", "\r\n"))
    assert crlf == lf
    assert "\r" not in (crlf.plot or "") + (crlf.lead or "")


def test_bom_is_ignored():
    assert parse_article("\ufeff" + LF_TEXT) == parse_article(LF_TEXT)
    assert decode_article(b"\xef\xbb\xbf" + LF_TEXT.encode()) == parse_article(LF_TEXT)


def test_crlf_keeps_line_numbers_in_warnings():
    text = "\ufeff= Clock =\r\n\r\nClock\r\n- Runtime: banana\r\n"
    assert parse_article(text).warnings[0].startswith("line 4:")


def test_missing_values_are_none_or_empty_not_zero_or_blank():
    a = article("= Bare =")
    assert a.title == "Bare"
    for name in ("year", "runtime", "lead", "plot", "other"):
        assert getattr(a, name) is None, name
    for name in ("infobox", "cast", "sections", "director", "actors", "characters", "crew", "people", "country"):
        assert getattr(a, name) == (), name
    assert a.values("anything") == ()


def test_empty_infobox_values_are_dropped():
    a = article("= Bare =", "", "Bare", "- Director:", "- Country: , France")
    assert a.director == ()
    assert a.country == ("France",)
    assert all(v for _, values in a.infobox for v in values)


def test_article_is_hashable_and_equality_ignores_path():
    a = parse_article(LF_TEXT, path="a.txt")
    b = parse_article(LF_TEXT, path="b.txt")
    assert a == b
    assert hash(a) == hash(b)


# --- errors ---------------------------------------------------------------------------------------


def test_article_error_is_a_filmsearch_error_and_value_error():
    with pytest.raises(ArticleError) as info:
        decode_article(b"", path="x.txt")
    assert isinstance(info.value, FilmsearchError)
    assert isinstance(info.value, ValueError)
    assert info.value.path == "x.txt"


@pytest.mark.parametrize("data", [b"", b"   \n\t\n  \n"])
def test_decode_empty(data):
    with pytest.raises(ArticleError, match="empty") as info:
        decode_article(data, path="e.txt")
    assert str(info.value).startswith("e.txt")


def test_parse_empty_text():
    with pytest.raises(ArticleError, match="empty"):
        parse_article("\ufeff\n \r\n\t\n")


def test_decode_nul_byte_reports_the_line():
    with pytest.raises(ArticleError, match="NUL") as info:
        decode_article(b"= T =\n\nT\nbin\x00ary\n", path="bin.txt")
    assert info.value.line == 4
    assert str(info.value).startswith("bin.txt:4:")


def test_decode_invalid_utf8_reports_the_line_of_the_bad_byte():
    data = "= Café =\n\nCafé\n\nok line\n".encode() + b"bad \xff byte\n"
    with pytest.raises(ArticleError, match="UTF-8") as info:
        decode_article(data, path="latin.txt")
    assert info.value.line == 6
    assert "0xff" in info.value.message


def test_decode_latin1_text_is_rejected():
    with pytest.raises(ArticleError, match="UTF-8") as info:
        decode_article("= Café =\n".encode("latin-1"))
    assert info.value.line == 1


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_read(encoding):
    text = "= Café Noir =\n\nCafé Noir\n- Released: 1999\n\n==Plot==\nA waiter in Zürich.\n"
    data = ("\ufeff" if encoding == "utf-16-be" else "").encode(encoding) + text.encode(encoding)
    assert decode_article(data) == parse_article(text)


def test_utf16_that_does_not_decode_is_an_article_error():
    with pytest.raises(ArticleError, match="UTF-16"):
        decode_article(b"\xff\xfe" + "= T".encode("utf-16-le") + b"\x00\xd8" + "x =".encode("utf-16-le"))  # a lone surrogate


def test_parse_article_refuses_bytes_with_a_pointer_to_decode_article():
    with pytest.raises(TypeError, match="decode_article"):
        parse_article(b"= Title =\n")  # type: ignore[arg-type]


def test_no_title_line_reports_the_line():
    with pytest.raises(ArticleError, match="Title") as info:
        decode_article(b"\n\nJust some text.\n", path="t.txt")
    assert info.value.line == 3
    assert "Just some text" in info.value.message


@pytest.mark.parametrize("first", ["==Plot==", "= =", "Title without markup"])
def test_not_a_title_line(first):
    with pytest.raises(ArticleError) as info:
        parse_article(first + "\nmore\n")
    assert info.value.line == 1


def test_read_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(ArticleError) as info:
        read_article(missing)
    assert info.value.path == str(missing)
    assert str(missing) in str(info.value)


def test_read_a_folder_is_an_article_error(tmp_path):
    with pytest.raises(ArticleError):
        read_article(tmp_path)


PARAGRAPH = "The keeper rows out to the island and counts the ships in the harbour again.\n\n"
HEADER = "= Too Long (1999 film) =\n\nToo Long\n- Released: 1999\n\n==Plot==\n"


def test_oversized_data_is_cut_at_a_line_break_with_a_warning(monkeypatch):
    monkeypatch.setattr(searcher.article, "MAX_BYTES", 2000)
    data = (HEADER + PARAGRAPH * 100).encode()
    assert len(data) > 2000
    a = decode_article(data, path="long.txt")
    assert (a.title, a.year) == ("Too Long", 1999)
    assert len(a.plot.encode()) < 2000
    # Cut at a line break: only whole paragraphs are kept.
    assert a.plot.split("\n\n") == [PARAGRAPH.strip()] * (a.plot.count("\n\n") + 1)
    assert len(a.warnings) == 1
    kept = data[:2000].rfind(b"\n")
    lines = data[:kept].count(b"\n") + 1
    assert f"first {lines} lines" in a.warnings[0]


def test_oversized_file_size_is_reported_even_when_data_was_read_short(monkeypatch):
    monkeypatch.setattr(searcher.article, "MAX_BYTES", 2000)
    data = (HEADER + PARAGRAPH * 10).encode()
    assert len(data) < 2000
    a = decode_article(data, size=50 * 2**20)
    assert "50.0 MiB" in a.warnings[0]


def test_cut_inside_a_multibyte_character_is_not_a_utf8_error(monkeypatch):
    # No line break before the limit: the cut may split "é"; that is not the file's fault.
    monkeypatch.setattr(searcher.article, "MAX_BYTES", 1001)
    data = ("= Title =" + " é" * 1000).encode()
    with pytest.raises(ArticleError) as info:
        decode_article(data)
    assert "UTF-8" not in info.value.message


def test_a_plot_on_one_long_line_is_cut_between_words_not_dropped(monkeypatch):
    monkeypatch.setattr(searcher.article, "MAX_BYTES", 2000)
    plot = PARAGRAPH.strip() * 100
    a = decode_article((HEADER + plot).encode())
    assert 1500 < len(a.plot.encode()) < 2000
    assert plot.startswith(a.plot) and plot[len(a.plot)] == " "  # whole words only
    assert "cut short" in a.warnings[0]
    unbroken = "x" * 3000  # no space at all: cut mid-word rather than lose the line
    a = decode_article((HEADER + unbroken).encode())
    assert a.plot and unbroken.startswith(a.plot) and "cut short" in a.warnings[0]


def test_read_article_small_limit(monkeypatch, tmp_path):
    monkeypatch.setattr(searcher.article, "MAX_BYTES", 2000)
    path = tmp_path / "long.txt"
    path.write_bytes((HEADER + PARAGRAPH * 100).encode())
    a = read_article(path)
    assert a.year == 1999
    assert a.plot.startswith("The keeper rows out")
    assert len(a.plot.encode()) < 2000
    assert a.warnings and "lines" in a.warnings[0]


def test_read_article_50_mb(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(HEADER)
        handle.write(PARAGRAPH * (50 * 2**20 // len(PARAGRAPH)))
    size = path.stat().st_size
    assert size > 50 * 10**6
    a = read_article(path)
    assert (a.title, a.year) == ("Too Long", 1999)
    assert a.plot.startswith(PARAGRAPH.strip())
    assert a.plot.endswith(PARAGRAPH.strip())  # cut at a line break, not mid-sentence
    assert len(a.plot.encode()) <= searcher.article.MAX_BYTES
    assert f"{size / 2**20:.1f} MiB" in a.warnings[0]


# --- the real corpus ------------------------------------------------------------------------------


def test_corpus_sample_parses():
    files = corpus_sample(500)
    articles = [read_article(f) for f in files]
    assert len(articles) == len(files) > 0
    with_year = sum(a.year is not None for a in articles)
    with_plot = sum(a.plot is not None for a in articles)
    # The README: 99.9 % have a year, 88.5 % a Plot section.
    assert with_year >= 0.97 * len(articles)
    assert with_plot >= 0.75 * len(articles)
    for path, a in zip(files, articles):
        assert a.warnings == (), path
        first = Path(path).read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == f"= {a.page_title} =", path
        assert a.title, path
        decade = Path(path).parent.name
        if decade != "unknown" and a.year is not None:
            start = int(decade[:4])
            assert start <= a.year < start + 10, (path, a.year)


def test_role_descriptions_are_not_characters():
    text = (
        "= Far Film =\n\nFar Film\n\n==Cast==\n"
        "- Jake Gyllenhaal as Quentin Beck / Mysterio: A master of trickery with a fake backstory\n"
        "- Zendaya as MJ, a classmate who suspects the truth\n"
        "- Tom Holland as Peter Parker – a teenager\n"
        "- Anne Coesens as Tania\n"
    )
    article = parse_article(text)
    assert article.characters == ("Quentin Beck / Mysterio", "MJ", "Peter Parker", "Tania")


def test_a_long_utf16_file_is_cut_like_a_utf8_one(monkeypatch):
    monkeypatch.setattr(searcher.article, "MAX_BYTES", 200)
    text = "= Long Film =\n\nLong Film\n\n==Plot==\n" + "A long night at sea.\n" * 40
    for encoding in ("utf-16-le", "utf-16-be"):
        data = ("\ufeff" + text).encode(encoding)
        article = decode_article(data[:301], size=len(data))  # read short, mid-character
        assert article.title == "Long Film" and article.warnings
