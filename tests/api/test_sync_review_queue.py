"""The review queue after one misbehaving device: true counts, pages newest first, filters that
combine, and dismissing thousands of rejections of one cause (audited, nothing deleted)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from sync.models import Conflict, RejectedMutation
from sync.review import PAGE_SIZE, customer_of_mutation
from tests.support.field_device import FieldDevice
from tests.support.archive import sign_in, web  # noqa: F401  (fixture)
from tests.support.factories import make_customer, make_device, make_user
from webapp.audit.models import AuditLog
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.records import utcnow

NOISY = 2100  # one device resending the same bad diary entries
START = utcnow() - timedelta(days=3)


def add_rejections(count: int, *, user, customer, kind="diary_entry", code="invalid", client="dev-noisy", first_seq=1):
    """Insert `count` rejections in one statement, one second apart (the later, the higher the seq)."""
    rows = [
        {
            "client_id": client, "seq": first_seq + n, "user_id": user.id, "kind": kind, "op": "create",
            "record_id": f"rec-{client}-{first_seq + n}", "customer_id": customer.id if customer else None,
            "payload": {"kind": kind, "seq": first_seq + n}, "payload_hash": f"{client}-{first_seq + n}",
            "code": code, "message": "refused", "errors": {}, "created_at": START + timedelta(seconds=first_seq + n),
            "handled_note": "",
        }
        for n in range(count)
    ]
    db.session.execute(insert(RejectedMutation), rows)
    db.session.commit()


def shown_ids(html: str) -> list[int]:
    """The rejection ids on a page, in the order shown."""
    return [int(found) for found in re.findall(r'id="rejected-(\d+)"', html)]


@pytest.fixture
def flood(app):
    """2,100 rejections from one device, plus a handful of other causes, technicians and schools."""
    noisy_tech, careful_tech = make_user(Role.TECHNICIAN), make_user(Role.TECHNICIAN)
    east, west = make_customer("东湖小学"), make_customer("西山中学")
    add_rejections(NOISY, user=noisy_tech, customer=east)
    add_rejections(7, user=careful_tech, customer=west, kind="device", code="forbidden", client="dev-b", first_seq=5000)
    add_rejections(5, user=noisy_tech, customer=west, kind="diary_entry", code="invalid", client="dev-c", first_seq=6000)
    add_rejections(3, user=careful_tech, customer=east, kind="diary_entry", code="not_found", client="dev-d", first_seq=7000)
    office = make_user(Role.OFFICE)
    return {"noisy": noisy_tech, "careful": careful_tech, "east": east, "west": west, "office": office}


def waiting() -> int:
    """Rejections nobody has handled yet."""
    return db.session.scalar(select(func.count()).select_from(RejectedMutation).where(RejectedMutation.handled_at.is_(None)))


def test_the_counter_tells_the_true_number(web, flood):
    """With 2,115 rejections waiting the tab says 2115, not the 200 of a capped list."""
    sign_in(web, flood["office"])
    html = web.get("/sync/review?tab=conflicts").get_data(as_text=True)
    assert f'Rejected <span class="tag">{NOISY + 15}</span>' in html


def test_the_first_page_holds_the_newest_fifty(web, flood):
    """Page one shows the 50 newest rejections, newest first, and says how many there are."""
    sign_in(web, flood["office"])
    html = web.get("/sync/review?tab=rejected").get_data(as_text=True)
    newest = db.session.scalars(
        select(RejectedMutation.id).order_by(RejectedMutation.created_at.desc(), RejectedMutation.id.desc()).limit(PAGE_SIZE)
    ).all()
    assert shown_ids(html) == list(newest)
    assert f"Showing 1–50 of {NOISY + 15}" in html and "Page 1 of 43" in html


def test_pages_cover_every_rejection_once(web, flood):
    """Walking the pages of one cause shows each of its rejections exactly once."""
    sign_in(web, flood["office"])
    seen: list[int] = []
    for page in range(1, 44):
        seen += shown_ids(web.get(f"/sync/review?tab=rejected&kind=diary_entry&code=invalid&page={page}").get_data(as_text=True))
    assert len(seen) == len(set(seen)) == NOISY + 5


def test_a_page_past_the_end_is_empty_not_an_error(web, flood):
    """Asking for page 999 answers an empty page."""
    sign_in(web, flood["office"])
    response = web.get("/sync/review?tab=rejected&page=999")
    assert response.status_code == 200 and shown_ids(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("query, expected", [
    ("kind=device", 7),
    ("code=not_found", 3),
    ("school={west}", 12),
    ("user={careful}", 10),
    ("kind=diary_entry&code=invalid", NOISY + 5),
    ("kind=diary_entry&code=invalid&school={west}", 5),
    ("kind=diary_entry&user={careful}&school={east}", 3),
    ("kind=device&school={east}", 0),
])
def test_each_filter_and_their_combinations_count_truly(web, flood, query, expected):
    """Kind, code, school and technician narrow the list, alone and together, with a true total."""
    sign_in(web, flood["office"])
    query = query.format(west=flood["west"].id, east=flood["east"].id, careful=flood["careful"].id)
    html = web.get(f"/sync/review?tab=rejected&{query}").get_data(as_text=True)
    if expected:
        assert f"of {expected}, newest first" in html
        assert len(shown_ids(html)) == min(expected, PAGE_SIZE)
    else:
        assert "No rejected changes match these filters." in html


def test_the_filters_offer_only_what_the_rejections_hold(web, flood):
    """The school and technician pickers list the schools and people that have rejections."""
    other_school = make_customer("没有问题的学校")
    sign_in(web, flood["office"])
    html = web.get("/sync/review?tab=rejected").get_data(as_text=True)
    assert "东湖小学" in html and "西山中学" in html and other_school.name not in html
    assert flood["noisy"].display_name in html and "not_found" in html


def test_the_commonest_causes_lead_to_their_filter(web, flood):
    """The biggest cause is listed first with its count and a link that filters by it."""
    sign_in(web, flood["office"])
    html = web.get("/sync/review?tab=rejected").get_data(as_text=True)
    causes = html[html.index("Commonest causes"):]
    assert causes.index("diary_entry") < causes.index("forbidden")
    assert f"{NOISY + 5} waiting" in causes
    assert "/sync/review?tab=rejected&amp;kind=diary_entry&amp;code=invalid" in causes


def test_the_confirmation_states_the_count(web, flood):
    """Asking to dismiss a cause first shows how many rejections it takes, changing nothing."""
    sign_in(web, flood["office"])
    html = web.get("/sync/review/rejected/dismiss?kind=diary_entry&code=invalid").get_data(as_text=True)
    assert f"Dismiss {NOISY + 5} rejected changes?" in html
    assert waiting() == NOISY + 15


def test_bulk_dismiss_takes_one_cause_and_keeps_every_row(web, flood):
    """Dismissing code 'invalid' of diary entries marks those handled, audits each, deletes none."""
    sign_in(web, flood["office"])
    html = web.get("/sync/review/rejected/dismiss?kind=diary_entry&code=invalid").get_data(as_text=True)
    up_to = re.search(r'name="up_to_id" value="(\d+)"', html).group(1)
    response = web.post("/sync/review/rejected/dismiss", data={
        "kind": "diary_entry", "code": "invalid", "up_to_id": up_to, "note": "旧版本应用重复发送",
    })
    assert response.status_code == 302
    db.session.expire_all()
    assert waiting() == 10
    assert db.session.scalar(select(func.count()).select_from(RejectedMutation)) == NOISY + 15
    dismissed = db.session.scalars(select(RejectedMutation).where(RejectedMutation.handled_at.is_not(None))).all()
    assert len(dismissed) == NOISY + 5
    assert {(r.kind, r.code, r.handled_by_id, r.handled_note) for r in dismissed} == {
        ("diary_entry", "invalid", flood["office"].id, "旧版本应用重复发送")
    }
    audited = db.session.scalars(select(AuditLog).where(AuditLog.entity == "sync_rejected_mutation")).all()
    assert {int(a.entity_id) for a in audited} == {r.id for r in dismissed}
    assert all(a.user_id == flood["office"].id and a.changes["handled_note"] == ["", "旧版本应用重复发送"] for a in audited)


def test_dismissed_rejections_stay_queryable(web, flood):
    """After the dismissal the same filter under 'handled' lists them all, with the note."""
    sign_in(web, flood["office"])
    html = web.get("/sync/review/rejected/dismiss?kind=device&code=forbidden").get_data(as_text=True)
    up_to = re.search(r'name="up_to_id" value="(\d+)"', html).group(1)
    web.post("/sync/review/rejected/dismiss", data={"kind": "device", "code": "forbidden", "up_to_id": up_to})
    html = web.get("/sync/review?tab=rejected&kind=device&code=forbidden&state=handled").get_data(as_text=True)
    assert "of 7, newest first" in html and len(shown_ids(html)) == 7
    assert "Dismissed together with the other rejections of this cause." in html


def test_a_dismissal_narrowed_by_school_leaves_other_schools_waiting(web, flood):
    """Code and kind with a school dismiss that school's rejections only."""
    sign_in(web, flood["office"])
    west = flood["west"].id
    html = web.get(f"/sync/review/rejected/dismiss?kind=diary_entry&code=invalid&school={west}").get_data(as_text=True)
    assert "Dismiss 5 rejected changes?" in html
    up_to = re.search(r'name="up_to_id" value="(\d+)"', html).group(1)
    web.post("/sync/review/rejected/dismiss", data={"kind": "diary_entry", "code": "invalid", "school": west, "up_to_id": up_to})
    db.session.expire_all()
    assert waiting() == NOISY + 10


def test_rejections_arriving_after_the_confirmation_are_not_dismissed(web, flood):
    """The dismissal takes what the office saw counted; a later rejection of the cause stays waiting."""
    sign_in(web, flood["office"])
    html = web.get("/sync/review/rejected/dismiss?kind=device&code=forbidden").get_data(as_text=True)
    up_to = re.search(r'name="up_to_id" value="(\d+)"', html).group(1)
    add_rejections(1, user=flood["careful"], customer=flood["west"], kind="device", code="forbidden", client="dev-late", first_seq=9000)
    web.post("/sync/review/rejected/dismiss", data={"kind": "device", "code": "forbidden", "up_to_id": up_to})
    db.session.expire_all()
    late = db.session.scalars(select(RejectedMutation).where(RejectedMutation.client_id == "dev-late")).one()
    assert late.handled_at is None and waiting() == NOISY + 15 + 1 - 7


def test_a_dismissal_needs_a_kind_and_a_code(web, flood):
    """Without one cause named nothing is dismissed and the office is told why."""
    sign_in(web, flood["office"])
    response = web.post("/sync/review/rejected/dismiss", data={"code": "invalid", "up_to_id": "999999"}, follow_redirects=True)
    assert "Choose a kind and a code" in response.get_data(as_text=True)
    assert waiting() == NOISY + 15


def test_technicians_cannot_dismiss(web, flood):
    """The bulk dismissal is for office roles only."""
    sign_in(web, flood["noisy"])
    assert web.post("/sync/review/rejected/dismiss", data={"kind": "diary_entry", "code": "invalid", "up_to_id": "999999"}).status_code == 403
    assert waiting() == NOISY + 15


def test_marking_one_handled_keeps_the_filters_and_page(web, flood):
    """After 'mark handled' the office is back on the same filtered page."""
    sign_in(web, flood["office"])
    target = db.session.scalars(select(RejectedMutation).where(RejectedMutation.kind == "device")).first()
    response = web.post(f"/sync/review/rejected/{target.id}", data={"kind": "device", "page": "1", "note": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sync/review?tab=rejected&kind=device")


def test_conflicts_are_paginated_newest_first(web, flood):
    """Seventy open conflicts show fifty on page one, the newest first, and a true counter."""
    db.session.execute(insert(Conflict), [
        {"kind": "device", "record_id": f"dev-{n}", "reason": "field", "field": "notes", "server_value": "a",
         "device_value": "b", "state": "open", "created_at": START + timedelta(minutes=n)}
        for n in range(70)
    ])
    db.session.commit()
    sign_in(web, flood["office"])
    first = web.get("/sync/review?tab=conflicts").get_data(as_text=True)
    second = web.get("/sync/review?tab=conflicts&page=2").get_data(as_text=True)
    ids_first = [int(i) for i in re.findall(r'id="conflict-(\d+)"', first)]
    ids_second = [int(i) for i in re.findall(r'id="conflict-(\d+)"', second)]
    assert len(ids_first) == 50 and len(ids_second) == 20 and ids_first == sorted(ids_first, reverse=True)
    assert min(ids_first) > max(ids_second)
    assert 'Conflicts <span class="tag">70</span>' in first


def test_a_refused_push_is_filed_under_its_school(app):
    """A rejection remembers the school its data names, or the school of the record it changed."""
    tech = make_user(Role.TECHNICIAN)
    school = make_customer(technicians=[tech])
    device = make_device(school)
    phone = FieldDevice(app.test_client(), tech)
    phone.push([phone.diary(school.id, text=""), phone.update("device", device.id, 1, brand="锐捷")])
    rejected = db.session.scalars(select(RejectedMutation).order_by(RejectedMutation.seq)).all()
    assert [(r.kind, r.customer_id) for r in rejected] == [("diary_entry", school.id), ("device", school.id)]


def test_a_mutation_naming_no_record_is_filed_without_a_school(app):
    """An id no record could have is kept with no school, and the push still answers."""
    tech = make_user(Role.TECHNICIAN)
    phone = FieldDevice(app.test_client(), tech)
    response = phone.push([phone.update("device", "不是一个编号 ../x", 1, notes="x")])
    assert response.status_code == 200
    assert db.session.scalars(select(RejectedMutation)).one().customer_id is None


@pytest.mark.parametrize("mutation", [
    {"kind": "device", "op": "update", "id": "bad\u0000id", "data": {}},
    {"kind": "diary_entry", "op": "create", "id": "x", "data": {"customer_id": "bad\u0000id"}},
    {"kind": "no_such_kind", "op": "create", "id": "x", "data": []},
    {"kind": "device", "op": "update", "id": ["not", "text"]},
])
def test_odd_mutations_name_no_school_and_ask_the_database_nothing(app, mutation):
    """Text that cannot be an id is never looked up (a NUL would upset PostgreSQL)."""
    assert customer_of_mutation(mutation) is None
