"""The field app's offline rules against the server's, on one table each: what counts as a
finding and what an answer still needs (static/js/patrol-rules.js against
webapp/maintenance/validation.py), and where a repair ticket stands and which steps may come
next (static/js/repair-rules.js against webapp/repairs/lifecycle.py). When one side's rule moves,
these tests fail until the other follows."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from tests.support.field_app import ROOT
from tests.e2e.test_field_app_units import run_node
from webapp.documents.signed_content import signed_text
from webapp.maintenance.schemas import ITEM_TYPES
from webapp.maintenance.validation import check_answers
from webapp.repairs import lifecycle, vocabulary

ANSWERS = json.loads((ROOT / "tests" / "e2e" / "parity" / "answers.json").read_text(encoding="utf-8"))
STEPS = json.loads((ROOT / "tests" / "e2e" / "parity" / "ticket_steps.json").read_text(encoding="utf-8"))

# The server's English messages, as the device's problem codes.
PROBLEM_CODES = {
    "This item is required.": "required",
    "Enter a number.": "number",
    "Choose pass, flag or fail.": "choice",
    "Answer yes or no.": "choice",
    "Choose one of the options.": "choice",
    "Enter text.": "text",
    "At most 2000 characters.": "too_long",
    "note: Longer than maximum length 2000.": "too_long",
    "This item cannot be marked not applicable.": "not_applicable",
    "A flagged item needs a note saying what was found.": "note",
    "This item needs a photo.": "photo",
    "List the devices upgraded (an empty list when none needed it).": "version",
}


def problem_code(message: str) -> str:
    """A server message as the device's code (the upgrade list's field errors are all 'version')."""
    if "to_version" in message or "from_version" in message:
        return "version"
    return PROBLEM_CODES.get(message, message)


@pytest.fixture(scope="module")
def device_answers():
    """Every row of the answers table run through patrol-rules.js: finding, problems, stored answers."""
    return run_node(
        "import { isFinding, answerProblems, storedAnswers } from './static/js/patrol-rules.js';"
        "import { readFileSync } from 'node:fs';"
        "const table = JSON.parse(readFileSync('tests/e2e/parity/answers.json', 'utf8'));"
        "console.log(JSON.stringify(table.rows.map((row) => { const item = table.items[row.item];"
        " return { finding: isFinding(item, row.answer), problems: answerProblems(item, row.answer),"
        " stored: storedAnswers([item], { [item.key]: row.answer }) }; })));"
    )


def server_answer(app, item: dict, answer: dict):
    """The server's verdict on one answer of a sheet being handed in: (finding, problem codes, stored)."""
    with app.test_request_context("/"), force_locale("en"):
        check = check_answers([item], {item["key"]: answer}, complete=True)
    problems = [problem_code(m) for m in check.errors.get(item["key"], [])]
    return item["key"] in check.flagged, problems, check.answers


def test_the_answers_table_covers_every_item_type():
    """Each item type of the checklist has rows, with and without a finding and a problem."""
    types = {ANSWERS["items"][row["item"]]["type"] for row in ANSWERS["rows"]}
    assert types == set(ITEM_TYPES)
    codes = {code for row in ANSWERS["rows"] for code in row["problems"]}
    assert codes == set(PROBLEM_CODES.values())
    assert {row["finding"] for row in ANSWERS["rows"]} == {True, False}


def test_the_server_decides_findings_and_problems_as_the_table_says(app):
    """validation.check_answers flags and refuses each answer of the table as written there."""
    for row in ANSWERS["rows"]:
        finding, problems, _stored = server_answer(app, ANSWERS["items"][row["item"]], row["answer"])
        assert (finding, sorted(problems)) == (row["finding"], sorted(row["problems"])), row


def test_the_device_decides_findings_and_problems_as_the_server_does(device_answers):
    """patrol-rules.js gives each answer of the table the table's finding and problems."""
    for row, device in zip(ANSWERS["rows"], device_answers):
        assert (device["finding"], sorted(device["problems"])) == (row["finding"], sorted(row["problems"])), row


def test_the_device_stores_answers_as_the_server_does(app, device_answers):
    """For every acceptable answer, storedAnswers gives the server's normalised answer."""
    compared = 0
    for row, device in zip(ANSWERS["rows"], device_answers):
        if row["problems"]:
            continue
        _finding, _problems, stored = server_answer(app, ANSWERS["items"][row["item"]], row["answer"])
        assert device["stored"] == json.loads(json.dumps(stored)), row
        compared += 1
    assert compared > 30


# --- the repair ticket's life-cycle --------------------------------------------------------------

REPORTED_AT = datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc)


def server_fold(sequence: dict, upto: int):
    """The server's state after the first `upto` events of a sequence (received one minute apart)."""
    events = [
        SimpleNamespace(id=f"e{i}", type=kind, data=data, user_id=user, device_time=None,
                        received_at=REPORTED_AT + timedelta(minutes=i + 1), received_seq=i + 1)
        for i, (kind, data, user) in enumerate(sequence["events"][:upto])
    ]
    return lifecycle.fold_events(events, reported_at=REPORTED_AT, initial_assignee_id=sequence.get("intake_assignee"))


@pytest.fixture(scope="module")
def device_folds():
    """Every prefix of every sequence folded by repair-rules.js, with its allowed and offered steps."""
    return run_node(
        "import { foldSteps, allowedSteps, nextSteps } from './static/js/repair-rules.js';"
        "import { readFileSync } from 'node:fs';"
        "const table = JSON.parse(readFileSync('tests/e2e/parity/ticket_steps.json', 'utf8'));"
        "const out = table.sequences.map((seq) => { const ticket = { data: { intake_assignee_id: seq.intake_assignee ?? null } };"
        " const rows = []; for (let n = 0; n <= seq.events.length; n += 1) {"
        "  const steps = seq.events.slice(0, n).map(([type, data, user_id], i) => ({ id: `e${i}`, data: { type, data, user_id } }));"
        "  const s = foldSteps(ticket, steps);"
        "  rows.push({ state: { status: s.status, assignee: s.assignee, accepted: s.accepted, classification: s.classification,"
        "   informed: s.informed, round: s.round, skipped: s.skipped },"
        "   allowed: allowedSteps(s), offered: nextSteps(s, s.assignee) }); } return rows; });"
        "console.log(JSON.stringify(out));"
    )


def server_row(state) -> dict:
    """The facts of a server state the device's fold also keeps."""
    return {
        "status": state.status, "assignee": state.assignee_id, "accepted": state.accepted_at is not None,
        "classification": state.current.classification, "informed": state.current.supervisor_informed_at is not None,
        "round": state.round_number, "skipped": [event_id for event_id, _why in state.skipped],
    }


def test_the_steps_table_covers_every_step_and_status(app):
    """The sequences use every kind of event and lead through every status of the life-cycle."""
    used = {kind for seq in STEPS["sequences"] for kind, _data, _user in seq["events"]}
    assert used == set(vocabulary.EVENT_TYPES)
    reached = set()
    with app.app_context():
        for seq in STEPS["sequences"]:
            for n in range(len(seq["events"]) + 1):
                reached.add(server_fold(seq, n).status)
    assert reached == set(vocabulary.STATUSES)


def test_the_device_folds_steps_as_the_server_does(app, device_folds):
    """After every prefix of every sequence, the device's fold and the server's agree, skipped steps included."""
    with app.app_context():
        for seq, rows in zip(STEPS["sequences"], device_folds):
            for n, device in enumerate(rows):
                assert device["state"] == server_row(server_fold(seq, n)), (seq["name"], n)


def test_the_device_allows_the_steps_the_server_allows(app, device_folds):
    """allowedSteps equals lifecycle.allowed_events in every state, and the buttons offered are among them."""
    with app.app_context():
        for seq, rows in zip(STEPS["sequences"], device_folds):
            for n, device in enumerate(rows):
                allowed = lifecycle.allowed_events(server_fold(seq, n))
                assert device["allowed"] == allowed, (seq["name"], n)
                assert set(device["offered"]) <= set(allowed), (seq["name"], n)


# --- what a customer's signature on a sheet covers ----------------------------------------------

SHEET_ITEMS = [ANSWERS["items"][name] for name in ("pff", "pff_na", "yn", "num", "num_low", "text", "choice", "photo", "upgrade")]
SHEET_ANSWERS = {
    "cabinet_clean": {"value": "fail", "note": " 门锁坏 ", "photo_ids": ["a" * 64], "ticket_id": "0b7e3f9c-1d2a-4c3e-9a5b-7f6e5d4c3b2a"},
    "broadcast": {"na": True},
    "ups_alarm": {"value": "no"},
    "room_temperature": {"value": "23,5"},
    "voltage": {"value": "220"},
    "remarks": {"value": "  机房整洁 😀 "},
    "fan_state": {"value": "noisy", "note": "风扇异响", "photo_ids": ["a" * 64]},
    "overview": {"photo_ids": ["c" * 64]},
    "firmware": {"value": [{"device_id": "5c1e0d7a-2b3c-4d5e-8f90-1a2b3c4d5e6f", "from_version": "V1.0", "to_version": "V2.1"}]},
}
SHEET_ID = "9d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a09"
FILED = {
    "template_id": "tpl-1", "customer_id": "cust-1", "site_id": "site-1", "visit_id": "visit-1",
    "started_at": "2026-12-01T01:00:00.000Z", "finished_at": "2026-12-01T02:00:00.000Z",
    "customer_opinion": " 巡查仔细 ",
}


def test_a_sheet_signed_on_saving_or_later_covers_the_same_content(app):
    """The save path (the data being filed), signing later on the device (the local sheet) and
    signing a sheet pulled back from the server give one content: the text the server hashes
    from the sheet it holds (documents/signed_content.signed_text)."""
    with app.test_request_context("/"):
        stored = check_answers(SHEET_ITEMS, SHEET_ANSWERS, complete=True)
        assert stored.ok, stored.errors
        pulled = {**FILED, "answers": stored.answers, "customer_opinion": "巡查仔细", "state": "received", "score": 88,
                  "flagged_count": 3, "finished_at": "2026-12-01T01:58:00+00:00", "performed_by_id": 7, "version": 3}
        # What the server holds of the sheet (maintenance/signed_sheet.py) and hashes (documents/signed_content.py).
        held = {key: pulled.get(key) for key in ("template_id", "customer_id", "site_id", "cabinet_id", "device_id",
                                                 "visit_id", "supersedes_id", "customer_opinion", "answers")}
        expected = signed_text("inspection", SHEET_ID, held)
    out = run_node(
        "import { cleanAnswers, signedSheetContent, signedSheetData } from './static/js/patrol-rules.js';"
        "import { signedContent } from './static/js/documents.js';"
        f"const items = {json.dumps(SHEET_ITEMS)}; const answers = {json.dumps(SHEET_ANSWERS)};"
        f"const filed = {{ ...{json.dumps(FILED)}, answers: cleanAnswers(items, answers) }};"
        f"const pulled = {json.dumps(pulled)}; const id = {json.dumps(SHEET_ID)};"
        "const local = structuredClone(filed);"
        "console.log(JSON.stringify({ save: signedContent('inspection', id, signedSheetData(items, filed)),"
        " later: signedSheetContent(id, items, local), pulled: signedSheetContent(id, items, pulled) }));"
    )
    assert out["save"] == out["later"] == out["pulled"] == expected
    assert '"23.5"' in expected and "finished_at" not in expected and '"flagged":true' in expected


def test_a_step_just_accepted_by_the_server_folds_after_the_numbered_ones():
    """A pushed step no longer local but not yet pulled (no received_seq) comes after the server's
    numbered steps, so the office's assignment is folded before the technician's arrival."""
    out = run_node(
        "import { foldSteps, receiptOrder } from './static/js/repair-rules.js';"
        "const rows = [{ id: 'mine', local: false, data: { type: 'arrived', data: {}, device_time: '2026-12-02T05:57:00Z' } },"
        " { id: 'queued', local: true, data: { type: 'classified', data: { classification: 'general' }, device_time: '2026-12-02T05:58:00Z' } },"
        " { id: 'office', local: false, data: { type: 'assigned', data: { user_id: 7 }, received_seq: 4 } }];"
        "const ordered = receiptOrder(rows);"
        "console.log(JSON.stringify([ordered.map((r) => r.id), foldSteps({ data: {} }, ordered).status]));"
    )
    assert out == [["office", "mine", "queued"], "classified"]
