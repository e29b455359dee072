"""The parts used on a repair form, checked by the device (static/js/parts-rules.js) as by the
server (webapp/repairs/step_data.py) on one table, tests/e2e/parity/parts.json: the same problems
on the same lines, and the same lines stored. When one side's rule moves, these fail until the
other follows."""
from __future__ import annotations

import json

import pytest
from flask_babel import force_locale

from tests.e2e.test_field_app_units import run_node
from tests.support.field_app import ROOT
from webapp.repairs.step_data import MAX_PARTS, MAX_QTY, MAX_UNIT_COST, parts_of, parts_problems, validate_data

TABLE = json.loads((ROOT / "tests" / "e2e" / "parity" / "parts.json").read_text(encoding="utf-8"))["rows"]
MANY = [{"name": "线", "qty": 1}] * (MAX_PARTS + 1)


def parts(row: dict):
    """The row's parts ("MANY": one line more than a form may hold)."""
    return MANY if row["parts"] == "MANY" else row["parts"]


def server_message(line: int, code: str) -> str:
    """The server's English words for one problem of the table."""
    return {
        "list": "The parts used must be a list of lines.",
        "too_many": f"At most {MAX_PARTS} lines of parts.",
        "line": f"Part {line}: give its name, quantity and unit cost.",
        "name": f"Part {line}: enter its name.",
        "qty": f"Part {line}: the quantity is a whole number from 1 to {MAX_QTY}.",
        "unit_cost": f"Part {line}: the unit cost is an amount in yuan from 0 to {MAX_UNIT_COST}, with at most two decimals.",
    }[code]


@pytest.fixture(scope="module")
def device_rows():
    """Every row of the table through parts-rules.js: problems as [line, code], and the stored lines."""
    return run_node(
        "import { partsProblems, partsOf } from './static/js/parts-rules.js';"
        "import { readFileSync } from 'node:fs';"
        "const rows = JSON.parse(readFileSync('tests/e2e/parity/parts.json', 'utf8')).rows;"
        f"const many = {json.dumps(MANY, ensure_ascii=False)};"
        "console.log(JSON.stringify(rows.map((row) => { const parts = row.parts === 'MANY' ? many : row.parts;"
        " return { problems: partsProblems(parts).map((p) => [p.line, p.problem]), stored: partsOf(parts) }; })));"
    )


def test_the_table_covers_every_problem():
    """Each problem the rule knows has a row, and so do lines that pass."""
    codes = {code for row in TABLE for _line, code in row["problems"]}
    assert codes == {"list", "too_many", "line", "name", "qty", "unit_cost"}
    assert sum(1 for row in TABLE if not row["problems"]) >= 5


def test_the_server_refuses_and_stores_as_the_table_says(app):
    """parts_problems names each problem of the row in the server's words; parts_of stores the row's lines."""
    with app.test_request_context("/"), force_locale("en"):
        for row in TABLE:
            assert parts_problems(parts(row)) == [server_message(n, code) for n, code in row["problems"]], row
            assert parts_of(parts(row)) == row.get("stored"), row
            errors = validate_data("resolved", {"fault_found": "x", "action": "y", "parts": parts(row)})
            assert ("parts" in errors) == bool(row["problems"]), row


def test_the_device_refuses_and_stores_as_the_server_does(device_rows):
    """partsProblems finds the row's problems on the row's lines; partsOf gives the row's stored lines."""
    for row, device in zip(TABLE, device_rows):
        assert device["problems"] == row["problems"], row
        assert device["stored"] == row.get("stored"), row
