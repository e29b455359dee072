"""The field app's JavaScript modules form no import circle and none is over 400 lines
(`node tests/support/js_modules.mjs` prints the graph these tests read)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def graph() -> dict:
    """The module graph of static/js as tests/support/js_modules.mjs reads it."""
    done = subprocess.run(["node", "tests/support/js_modules.mjs"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_the_graph_reads_every_module(graph):
    """Every static/js module is in the graph and every import names a module that exists."""
    assert set(graph["modules"]) == {p.name for p in (ROOT / "static" / "js").glob("*.js")}
    assert graph["missing"] == []
    assert "page.js" in graph["modules"]["views-archive.js"]["imports"]


def test_no_import_circle(graph):
    """No module imports (directly or through others) one that imports it back."""
    assert graph["cycles"] == []


def test_no_module_over_400_lines(graph):
    """Each module stays within 400 lines, so a reader can hold one in mind."""
    assert graph["too_long"] == {}


def test_the_check_finds_a_circle(tmp_path):
    """The checker reports a circle and a long module when there is one (it can fail)."""
    js = tmp_path / "static" / "js"
    js.mkdir(parents=True)
    (js / "a.js").write_text('import { b } from "./b.js";\nexport const a = 1;\n')
    (js / "b.js").write_text('export { a } from "./a.js";\n' + "// line\n" * 401)
    (js / "c.js").write_text('const later = () => import("./c.js");\n')
    done = subprocess.run(["node", str(ROOT / "tests" / "support" / "js_modules.mjs")], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, check=True)
    out = json.loads(done.stdout)
    assert sorted(map(tuple, out["cycles"])) == [("a.js", "b.js", "a.js"), ("c.js", "c.js")]
    assert out["too_long"] == {"b.js": 402}
