"""Test-suite hygiene: shared things come from conftest's fixtures, never by importing conftest,
and no test reads the shared corpus except through its fixtures (so IMR_SHARED_LETTERS=none hides it)."""
from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_no_test_imports_conftest():
    offenders = [p.name for p in sorted(TESTS.glob("test_*.py"))
                 if re.search(r"^\s*(from (tests\.)?conftest import|import (tests\.)?conftest)", p.read_text(), re.M)]
    assert offenders == [], "use conftest's fixtures (seeds, shared_letters, runner, client ...) instead"


def test_only_conftest_knows_where_the_shared_corpus_is():
    where = re.compile(r"""/ ["']shared["']""")          # a path built to ../shared
    offenders = [p.name for p in sorted(TESTS.glob("test_*.py")) if p.name != "test_hygiene.py"
                 and where.search(p.read_text())]
    assert offenders == [], "ask for the shared_letters fixture (it skips with a reason when absent)"
