"""Snippets: the passage with the most matched words, spans on the original text."""

from __future__ import annotations

from searcher.snippets import WIDTH, highlight

PLOT = (
    "The film opens in a village. " * 8
    + "Refugees held in an immigration detention centre stage a hunger strike. "
    + "Later a guard smuggles letters. " * 8
)


def spans_text(snippet):
    return [snippet.text[s:e] for s, e in snippet.spans]


def test_picks_densest_passage_and_marks_stemmed_words():
    snippet, fields = highlight([("plot", PLOT, "prose")], {"plot": {"immigr", "detent"}})
    assert fields == ("plot",)
    assert spans_text(snippet) == ["immigration", "detention"]
    assert len(snippet.text) <= WIDTH + 40
    assert snippet.text.startswith("…") and snippet.text.endswith("…")


def test_spans_survive_accent_folding():
    text = "Ce film raconte l'histoire d'Amélie, une serveuse."
    snippet, _ = highlight([("plot", text, "prose")], {"plot": {"ameli"}})
    assert spans_text(snippet) == ["Amélie"]


def test_prose_wins_a_tie_with_a_name_list():
    texts = [("plot", "A detention centre.", "prose"), ("director", "Olivier Masset-Depasse", "name")]
    snippet, fields = highlight(texts, {"plot": {"detent"}, "director": {"masset", "depass"}})
    assert snippet.field == "plot"
    assert fields == ("plot", "director")


def test_no_match_falls_back_to_start_of_prose():
    snippet, fields = highlight([("title", "Deep Steel", "title"), ("plot", "A submarine.", "prose")], {"plot": {"x"}})
    assert fields == ()
    assert snippet.field == "plot" and snippet.spans == ()


def test_nothing_to_show():
    assert highlight([], {}) == (None, ())
