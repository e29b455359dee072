"""The server's modules form no import circle (`python tests/py_modules.py` prints the graph,
with the imports written inside functions and the modules over 400 lines)."""
from __future__ import annotations

from pathlib import Path

from tests.py_modules import report

ROOT = Path(__file__).resolve().parents[2]


def test_no_import_circle_among_the_server_modules():
    """No module of webapp/ or sync/ imports at its top level one that imports it back."""
    out = report(ROOT)
    assert out["modules"] > 100
    assert out["cycles"] == []


def test_the_check_finds_a_circle(tmp_path):
    """The checker reports a circle through relative imports; imports in a function or for type checkers only are no edge."""
    package = tmp_path / "webapp"
    package.mkdir()
    (tmp_path / "sync").mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import thing\n")
    (package / "b.py").write_text("from webapp import a\nthing = 1\n")
    (package / "c.py").write_text("def late():\n    from . import a\n")
    (package / "d.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .e import E\n")
    (package / "e.py").write_text("from . import d\n")
    out = report(tmp_path)
    assert out["cycles"] == [["webapp.a", "webapp.b"]]
    assert out["function_local_imports"] == {"webapp.c": ["webapp", "webapp.a"]}
