"""The installed command as a real process: start-up, routing, exit codes, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import SEED

pytestmark = pytest.mark.slow


def run(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "searcher", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    path = tmp_path_factory.mktemp("proc") / "ix"
    result = run("index", str(SEED), "--index", str(path))
    assert result.returncode == 0, result.stderr
    return path


def test_bare_query_finds_the_seed(index):
    result = run("immigration detention", "--index", str(index))
    assert result.returncode == 0
    assert "Illegal" in result.stdout
    assert "\x1b[" not in result.stdout  # plain when piped


@pytest.mark.parametrize("query", ["", '"unbalanced', "nosuchfield:x", "year:abc"])
def test_bad_queries_exit_2_with_one_line(index, query):
    result = run(query, "--index", str(index))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_dash_query_after_double_dash(index):
    result = run("--", "-comedy detention", "--index", str(index))
    assert "Traceback" not in result.stderr


def test_help_does_not_import_whoosh():
    code = (
        "import sys; from searcher.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('WHOOSH' if 'whoosh' in sys.modules else 'LIGHT', 'RAPIDFUZZ' if 'rapidfuzz' in sys.modules else '')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("LIGHT")


def test_search_named_like_a_command(index):
    result = run("search", "status", "--index", str(index))
    assert result.returncode == 0


def test_missing_index(tmp_path):
    env = {**os.environ, "FILMSEARCH_INDEX": str(tmp_path / "none")}
    result = run("anything", cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert "filmsearch index" in result.stderr
