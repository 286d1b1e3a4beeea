"""The README is the manual: keep it true to the code."""

from __future__ import annotations

import re

import pytest

from searcher import schema, syntax
from searcher.cli import app
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_first_lines_give_the_two_commands():
    head = "\n".join(README.splitlines()[:10])
    assert 'filmsearch "immigration detention"' in head
    assert "pip install -e '.[test]'" in head and "pytest" in head


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install --quiet -e '.[test]'" in ci
    assert "python -m pytest -q" in ci and "python -m pytest -q" in README


def test_every_command_is_documented():
    names = {command.name for command in app.registered_commands}
    assert names
    for name in names:
        assert re.search(rf"filmsearch {name}\b", README), f"`filmsearch {name}` is not in the README"


def test_every_field_is_documented_and_known_to_the_schema():
    for name in syntax.FIELDS:
        assert f"`{name}`" in README
    assert set(syntax.FIELDS) == set(schema.KIND) | set(schema.NUMERIC_FIELDS)
    for alias, target in syntax.ALIASES.items():
        assert target in syntax.FIELDS
        assert f"`{alias}`" in README


@pytest.mark.parametrize(
    "example", re.findall(r"^\| `([^`]+)`(?:, `[^`]+`)* \| ", README.split("### Query syntax")[1].split("###")[0], re.M)
)
def test_syntax_examples_parse(example):
    syntax.parse_query(example)
