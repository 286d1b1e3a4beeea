"""The CLI in-process (typer's CliRunner): output, --json, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from searcher.cli import app, main
from tests.conftest import SEED, film

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def built(tmp_path, articles_dir):
    index = tmp_path / "ix"
    result = invoke("index", str(articles_dir), str(SEED), "--index", str(index))
    assert result.exit_code == 0, result.output
    return index


def test_index_then_search_prints_ranked_hits(built):
    result = invoke("search", "immigration detention", "--index", str(built))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "Wire Fences" in lines[1] or "Illegal" in lines[1]
    assert "detention" in result.stdout


def test_the_count_line_tells_articles_from_films(tmp_path):
    for name in ("a.txt", "b.txt"):
        film(tmp_path / "twins", name, "Lantern Keeper", "A keeper tends the lantern of a lonely lighthouse.")
    index = tmp_path / "ix"
    assert invoke("index", str(tmp_path / "twins"), "--index", str(index)).exit_code == 0
    result = invoke("search", "lighthouse", "--index", str(index))
    assert result.stdout.splitlines()[0] == "About 2 matching article(s); showing 1 film(s)."


@pytest.mark.parametrize("query", ["xqzzyq [/]", "xqzzyq [red]hello", "xqzzyq :smile:"])
def test_a_query_is_printed_as_typed_not_as_markup(built, query):
    result = invoke("search", query, "--index", str(built))
    assert result.exit_code == 0
    assert result.stdout.strip() == f"No films match {query!r}."


def test_control_characters_from_articles_never_reach_the_terminal(tmp_path):
    folder = tmp_path / "evil"
    film(folder, "evil.txt", "Evil \x1b[2J\x1b]0;pwned\x07Film", "A quagga \x1b[31mescapes\x1b[0m the zoo.")
    (folder / "odd\nname.txt").write_text((folder / "evil.txt").read_text(encoding="utf-8"), encoding="utf-8")
    index = tmp_path / "ix"
    assert invoke("index", str(folder), "--index", str(index)).exit_code == 0
    result = invoke("search", "quagga", "--index", str(index))
    assert result.exit_code == 0 and "quagga" in result.stdout and "escapes" in result.stdout
    assert not any(char in result.stdout for char in "\x1b\x07")
    assert "odd\ufffdname.txt" in result.stdout


def test_json_output_matches_the_library(built):
    result = invoke("search", 'director:"Masset-Depasse" detention', "--json", "--index", str(built))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"query", "total", "corrections", "hits"}
    hit = data["hits"][0]
    assert hit["title"] == "Illegal" and hit["year"] == 2010 and hit["path"] == str(SEED)
    assert set(hit) == {"title", "page_title", "year", "path", "also", "score", "fields", "snippet"}
    text = hit["snippet"]["text"]
    assert all(text[s:e] for s, e in hit["snippet"]["spans"])


def test_limit(built):
    data = json.loads(invoke("search", "the", "-n", "2", "--json", "--index", str(built)).stdout)
    assert len(data["hits"]) <= 2


@pytest.mark.parametrize(
    "query", ["", '"unbalanced', "nosuchfield:x", "year:abc", "*", "(a", "x" * 10_000, "a\x07b", "NOT"]
)
def test_bad_query_is_one_line_and_exit_2(built, query):
    result = invoke("search", query, "--index", str(built))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("filmsearch: ")


def test_missing_index_is_exit_1_with_a_hint(tmp_path):
    result = invoke("search", "x", "--index", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert "filmsearch index" in result.stderr


def test_missing_path_is_exit_2(tmp_path):
    result = invoke("index", str(tmp_path / "nope"), "--index", str(tmp_path / "ix"))
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


def test_second_index_run_says_up_to_date(built, articles_dir):
    result = invoke("index", str(articles_dir), str(SEED), "--index", str(built))
    assert result.exit_code == 0
    assert "up to date" in result.stderr


def test_bare_query_goes_to_search(built, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["ghost", "--index", str(built), "--json"])
    assert exit_.value.code == 0
    assert json.loads(capsys.readouterr().out)["hits"][0]["title"] == "The Harbour Ghost"


@pytest.fixture
def seeded_folder(tmp_path, monkeypatch):
    """A working folder with seeds/ and no index, as on a fresh clone."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FILMSEARCH_INDEX", raising=False)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / SEED.name).write_bytes(SEED.read_bytes())
    return tmp_path


def test_first_search_builds_from_seeds(seeded_folder):
    result = invoke("search", "immigration detention")
    assert result.exit_code == 0
    assert "building" in result.stderr
    assert "Illegal" in result.stdout
    assert (seeded_folder / "index" / "filmsearch.json").exists()


def test_a_bad_first_query_fails_before_building_anything(seeded_folder):
    result = invoke("search", '"unbalanced')
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "building" not in result.stderr
    assert not (seeded_folder / "index").exists()


def test_env_var_chooses_the_index(built, monkeypatch):
    monkeypatch.setenv("FILMSEARCH_INDEX", str(built))
    assert "Harbour" in invoke("search", "lighthouse").stdout
