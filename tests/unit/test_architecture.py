"""The house rules about the shape of the code, read from the source (see ARCHITECTURE.md).

Each rule is a query on the import graph (`tests/support/import_graph.py`), so a new rule is a
few lines here. Run alone: `.venv/bin/python -m pytest -q tests/unit/test_architecture.py`.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.import_graph import ImportGraph

ROOT = Path(__file__).resolve().parents[2]
# The ground floor: what any room may stand on. Features (archive, maintenance, repairs, qr,
# workcal, notifications, audit, ...) are everything else under webapp/.
GROUND_FLOOR = ("webapp.clock", "webapp.errors", "webapp.extensions", "webapp.records", "webapp.auth",
                "webapp.history", "webapp.audit.models")


@pytest.fixture(scope="module")
def graph() -> ImportGraph:
    """The import graph of webapp/ and sync/."""
    return ImportGraph.load(ROOT)


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    """True when the module is one of the prefixes or inside one."""
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_the_import_graph_reads_the_real_modules(graph):
    """The helper finds the app's modules and a known import (so the rules below can fail)."""
    assert "webapp.documents.signing" in graph.modules and "sync.apply" in graph.modules
    assert any(e.source == "sync.apply" and e.target == "webapp.documents.signing" for e in graph.edges)


def test_no_import_cycles_even_through_imports_inside_functions(graph):
    """No two modules import each other, counting imports written inside functions too."""
    assert graph.cycles(include_local=True) == []


def test_documents_imports_no_feature(graph):
    """webapp/documents/ stands on the ground floor only: each feature owns its own paper."""
    wrong = [e for e in graph.imports_from("webapp.documents")
             if not _under(e.target, ("webapp.documents",) + GROUND_FLOOR)]
    assert wrong == []


def test_documents_has_no_imports_inside_functions(graph):
    """The filing pipeline reaches nothing through a late import."""
    assert graph.imports_from("webapp.documents", local=True) == []


def test_the_clock_stands_on_nothing_of_the_app(graph):
    """webapp/clock.py is the ground floor: it imports no app module."""
    assert graph.imports_from("webapp.clock") == []


def test_imports_inside_functions_only_in_the_app_factories(graph):
    """Only `create_app` and the sync blueprint's `init_app` import inside a function (the
    blueprints they register, as Flask's application-factory pattern does); nothing else defers
    an import, so none is hiding a circle."""
    assert sorted({e.source for e in graph.edges if e.local}) == ["sync", "webapp"]


def test_no_module_is_much_longer_than_400_lines(graph):
    """Modules stay readable: none over about 400 lines (the bar is 430; the longest are named
    by `python -m tests.support.import_graph`)."""
    assert graph.long_modules(430) == {}


def test_the_graph_finds_a_planted_circle(tmp_path):
    """The checker sees a circle through relative imports, also one closed by an import inside a
    function, and leaves out imports for type checkers only."""
    package = tmp_path / "webapp"
    package.mkdir()
    (tmp_path / "sync").mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import thing\n")
    (package / "b.py").write_text("from webapp import a\nthing = 1\n")
    (package / "c.py").write_text("from . import d\n")
    (package / "d.py").write_text("def late():\n    from . import c\n")
    (package / "e.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .f import F\n")
    (package / "f.py").write_text("from . import e\n")
    planted = ImportGraph.load(tmp_path)
    assert planted.cycles(include_local=False) == [["webapp.a", "webapp.b"]]
    assert planted.cycles(include_local=True) == [["webapp.a", "webapp.b"], ["webapp.c", "webapp.d"]]
    assert planted.long_modules(0).keys() == {"webapp.a", "webapp.b", "webapp.c", "webapp.d", "webapp.e", "webapp.f"}
