"""Records people can read: audit values without JSON, upgraded devices by name, "due" said once."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from sqlalchemy import select

from tests.support.archive import make_district, sign_in, web  # noqa: F401  (fixture)
from tests.support.factories import make_checklist, make_plan, make_sheet
from webapp.audit.models import AuditLog
from webapp.audit.services import prepare
from webapp.clock import local_today, utcnow
from webapp.extensions import db
from webapp.maintenance.models import Visit

@pytest.fixture
def district_for_audit(app):
    """Two schools and one user per role."""
    return make_district()


UPGRADE = {"key": "upgrade", "label_zh": "软件升级", "label_en": "Software upgrade", "type": "software_upgrade",
           "required": True}


def _log(changes: dict, user) -> AuditLog:
    """An audit row with the given changes, as a feature would write it."""
    entry = AuditLog(at=utcnow(), user_id=user.id, action="update", entity="kb_article", entity_id="x" * 36,
                     customer_id=None, changes=changes)
    db.session.add(entry)
    db.session.commit()
    return entry


def test_lists_and_objects_in_the_audit_log_read_as_words_not_json(web, district_for_audit):
    """A list of steps reads "a; b", checklist items by their label, an object by labelled fields."""
    d = district_for_audit
    _log({
        "steps": [["先关机"], ["先关机", "再开机"]],
        "items": [None, [{"key": "net", "label_zh": "网络正常", "label_en": "Network working", "type": "pass_flag_fail"}]],
        "data": [None, {"user_id": d.tech.id, "device_id": d.device.id}],
        "photos": [[], []],
    }, d.supervisor)
    sign_in(web, d.supervisor)
    html = web.get("/audit").get_data(as_text=True)
    assert "先关机; 再开机" in html
    assert "Network working" in html
    assert f"Person: {d.tech.display_name}" in html
    assert f"Device: {d.device.name}" in html
    assert "[" not in html.split('class="audit-list"')[1].split("</ol>")[0]
    assert "{&#34;" not in html and '{"' not in html


def test_an_empty_list_reads_as_a_dash(app, district_for_audit):
    """Nothing before and nothing after shows "—", not "[]"."""
    entry = _log({"photos": [[], {}]}, district_for_audit.supervisor)
    change = prepare([entry])[0].changes[0]
    assert (change.old, change.new) == ("—", "—")


def test_the_sheet_page_names_the_upgraded_devices(web, district_for_audit):
    """An upgraded device is listed by its name, linked to its page, not by an id prefix."""
    d = district_for_audit
    template = make_checklist([UPGRADE], applies_to="site")
    entry = {"device_id": d.device.id, "from_version": "V5.7.3", "to_version": "V6.0"}
    sheet = make_sheet(d.tech, template, d.mine, {"upgrade": {"value": [entry]}}, site_id=d.site.id)
    sign_in(web, d.supervisor)
    html = web.get(f"/maintenance/sheets/{sheet.id}").get_data(as_text=True)
    assert f'{d.device.name}</a>: V5.7.3 → <strong>V6.0</strong>' in html
    assert f">{d.device.id[:8]}<" not in html


def test_my_visits_says_due_once(web, district_for_audit, app):
    """A visit due soon reads "Due <date>", never "Due due <date>"."""
    from webapp.maintenance.generation import generate_visits
    from webapp.maintenance.periods import month_end

    d = district_for_audit
    today = local_today()
    make_plan(d.mine, "monthly_patrol", d.tech, start_date=today.replace(day=1))
    with app.test_request_context():
        generate_visits(month_end(today.year, today.month) + timedelta(days=40), today=today)
    db.session.commit()
    assert db.session.scalars(select(Visit).where(Visit.customer_id == d.mine.id)).first() is not None
    sign_in(web, d.tech)
    html = web.get("/maintenance/my").get_data(as_text=True)
    assert 'class="visit-item-due"' in html
    assert "Due due" not in html and "due due" not in html.lower()
    for chunk in html.split('class="visit-item-due">')[1:]:
        text = re.sub(r"<[^>]+>", " ", chunk.split("</time>")[0])
        assert text.lower().split().count("due") <= 1, text
