"""The field app's pure logic, run in Node on the very source modules and compared with what
Python (the server) computes: canonical JSON and its hash, label tokens, photo sizes, and
stroke scaling."""
from __future__ import annotations

import hashlib
import json
import subprocess

from tests.support.field_app import ROOT

TRICKY = [
    {"b": 1, "a": [True, None, {"z": "中文", "y": "emoji 😀", "é": "\u00e9"}], "A": -5},
    {"text": 'quotes " and \\ backslash\nnew line\ttab \u0001 control \u2028 separator', "n": 0},
    {"\U0001f600": "astral key", "\uff5e": "BMP key above it in UTF-16", "": "empty key"},
    {"customer_id": "0b7e3f9c-1d2a-4c3e-9a5b-7f6e5d4c3b2a", "date": "2026-11-25", "text": "检查大门摄像机，清洁镜头。"},
]


def run_node(script: str):
    """Run an ES module snippet with Node from the project root and parse what it prints."""
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


def test_canonical_json_matches_python_byte_for_byte():
    """canonicalJson and sha256Hex give the bytes and hash of json.dumps(sort_keys, compact, ensure_ascii=False)."""
    out = run_node(
        "import { canonicalJson, sha256Hex } from './static/js/canonical-json.js';"
        f"const values = {json.dumps(TRICKY)};"
        "const rows = [];"
        "for (const v of values) { const text = canonicalJson(v); rows.push([text, await sha256Hex(text)]); }"
        "console.log(JSON.stringify(rows));"
    )
    for value, (text, digest) in zip(TRICKY, out):
        expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert text == expected
        assert digest == hashlib.sha256(expected.encode("utf-8")).hexdigest()


def test_signed_content_leaves_out_bookkeeping_columns():
    """What a signature covers is the entry's content fields only, so a pulled copy hashes the same."""
    out = run_node(
        "import { signedContent } from './static/js/documents.js';"
        "const data = { customer_id: 'c', date: '2026-11-25', text: 't', cabinet_id: null, author_id: 7, supersedes: null };"
        "console.log(JSON.stringify(signedContent('diary_entry', 'e', data)));"
    )
    assert out == '{"data":{"customer_id":"c","date":"2026-11-25","text":"t"},"id":"e","kind":"diary_entry"}'


def test_label_tokens_are_read_from_urls_of_any_host():
    """A /q/<token> URL gives its token whatever the host; other codes give nothing."""
    out = run_node(
        "import { parseToken } from './static/js/scanner.js';"
        "console.log(JSON.stringify(["
        "parseToken('https://om.example.edu.cn/q/k7m2x9p4qrst5uvw3yza'),"
        "parseToken('http://127.0.0.1:5000/q/abc_DEF-123/'),"
        "parseToken('https://example.com/other/k7m2x9p4'),"
        "parseToken('WIFI:S:school;T:WPA;P:secret;;'),"
        "parseToken('k7m2x9p4qrst5uvw3yza')]));"
    )
    assert out == ["k7m2x9p4qrst5uvw3yza", "abc_DEF-123", None, None, "k7m2x9p4qrst5uvw3yza"]


def test_photos_are_capped_at_1600_on_the_long_side():
    """Large photos shrink to 1600 px on the long side keeping their shape; small ones stay."""
    out = run_node(
        "import { fitWithin } from './static/js/photos.js';"
        "console.log(JSON.stringify([fitWithin(4032, 3024), fitWithin(3024, 4032), fitWithin(800, 600), fitWithin(1600, 10)]));"
    )
    assert out == [
        {"width": 1600, "height": 1200},
        {"width": 1200, "height": 1600},
        {"width": 800, "height": 600},
        {"width": 1600, "height": 10},
    ]


def test_strokes_scale_with_the_pad():
    """Every point moves by the same factor; pen options and timing are kept."""
    out = run_node(
        "import { scaleStrokes } from './static/js/signature-field.js';"
        "const groups = [{ penColor: '#000', minWidth: 1, points: [{ x: 10, y: 20, time: 5, pressure: 0.5 }] }];"
        "console.log(JSON.stringify([scaleStrokes(groups, 2), scaleStrokes(groups, 1) === groups]));"
    )
    assert out == [[{"penColor": "#000", "minWidth": 1, "points": [{"x": 20, "y": 40, "time": 5, "pressure": 0.5}]}], True]
