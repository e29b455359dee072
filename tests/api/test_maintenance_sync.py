"""Proactive service through the sync API: templates and visits pulled in the technician's scope,
sheets pushed and checked, signatures locking them, corrections, tickets from findings."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.maintenance import (
    patrol_answers,
    patrol_school,
    sheet_mutation,
    sign_mutation,
    signature_png,
    ticket_mutation,
)
from tests.support.field_device import FieldDevice, jpeg_bytes, new_id, sha256, statuses
from tests.support.factories import make_user
from webapp.auth.models import Role
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.maintenance.models import Inspection, Visit
from webapp.maintenance.services import get_template, review_inspection, revise_template
from webapp.repairs.models import RepairTicket

PHOTO = jpeg_bytes(seed=7)


@pytest.fixture
def school(app):
    """A school on a monthly patrol plan, with its technician."""
    return patrol_school()


@pytest.fixture
def tablet(app, school):
    """The technician's tablet, signed in, with the finding's photo uploaded."""
    device = FieldDevice(app.test_client(), school.tech)
    assert device.put_blob(PHOTO).status_code in (200, 201)
    return device


def _result(response) -> dict:
    """The single result of a push."""
    body = response.get_json()
    assert response.status_code == 200, body
    (result,) = body["results"]
    return result


def _push_sheet(tablet, school, **extra) -> dict:
    """Push a complete patrol sheet; returns its result."""
    return _result(tablet.push([sheet_mutation(tablet, school, patrol_answers(sha256(PHOTO)), **extra)]))


# --- pull ------------------------------------------------------------------------------------


def test_technician_pulls_current_checklists_and_the_visits_of_their_schools(app, school, tablet):
    """Templates (current versions only) and this school's visit come down; another school's visit does not."""
    other = patrol_school("城北中学")
    old = get_template(school.template.id)
    revise_template(old, {**{k: getattr(old, k) for k in ("name_zh", "name_en", "activity", "applies_to",
                                                          "device_category", "description")},
                          "items": old.items[:-1]}, None, "shorter")
    db.session.commit()
    changes, _cursor = tablet.pull_all()
    templates = {c["id"]: c for c in changes if c["kind"] == "checklist_template"}
    visits = {c["id"] for c in changes if c["kind"] == "schedule"}
    assert school.template.id not in templates  # superseded: not kept on the device
    assert {c["data"]["template_key"] for c in templates.values()} >= {"monthly_patrol", "spot_check"}
    assert school.visit.id in visits and other.visit.id not in visits


def test_a_visit_arrives_with_its_customer_dates_and_assignee(app, school, tablet):
    """The schedule record carries what the today list needs."""
    changes, _cursor = tablet.pull_all()
    (visit,) = [c for c in changes if c["kind"] == "schedule"]
    assert visit["data"]["customer_id"] == school.customer.id
    assert visit["data"]["assignee_id"] == school.tech.id
    assert visit["data"]["due_date"] == school.visit.due_date.isoformat()
    assert visit["data"]["state"] in ("due", "overdue")


# --- pushing a sheet -----------------------------------------------------------------------------


def test_a_pushed_sheet_is_received_flagged_and_closes_its_visit(app, school, tablet):
    """Applied; the hot room is flagged; the sheet waits for review; the visit is done."""
    result = _push_sheet(tablet, school)
    assert result["status"] == "applied"
    sheet = db.session.get(Inspection, result["id"])
    assert (sheet.state, sheet.flagged_count, sheet.performed_by_id) == ("received", 1, school.tech.id)
    assert sheet.answers["room_temperature"]["flagged"] is True
    assert db.session.get(Visit, school.visit.id).state == "done"


def test_an_incomplete_sheet_is_rejected_naming_the_items(app, school, tablet):
    """A finding without a note and a missing required item are refused, item by item."""
    answers = patrol_answers(sha256(PHOTO))
    answers["room_temperature"] = {"value": 35}
    del answers["cabinets"]
    result = _result(tablet.push([sheet_mutation(tablet, school, answers)]))
    assert result["status"] == "rejected"
    assert set(result["errors"]) == {"room_temperature", "cabinets"}
    assert db.session.get(Inspection, result["id"]) is None


def test_a_sheet_for_another_school_is_not_found(app, school, tablet):
    """A technician cannot hand in a sheet for a school they do not look after."""
    other = patrol_school("城北中学")
    mutation = sheet_mutation(tablet, school, patrol_answers(sha256(PHOTO)))
    mutation["data"].update(customer_id=other.customer.id, visit_id=None, site_id=None)
    result = _result(tablet.push([mutation]))
    assert (result["status"], result["code"]) == ("rejected", "not_found")


def test_a_finish_time_in_the_future_is_taken_as_now(app, school, tablet):
    """A tablet clock a year ahead does not date the sheet in the future."""
    result = _push_sheet(tablet, school, finished_at="2099-01-01T00:00:00Z")
    sheet = db.session.get(Inspection, result["id"])
    assert sheet.finished_at <= utcnow()


# --- signing locks it ------------------------------------------------------------------------------


def test_the_customers_signature_locks_the_sheet(app, school, tablet):
    """After the signature the sheet records signer and image, and is locked."""
    sheet_id = _push_sheet(tablet, school)["id"]
    image = signature_png()
    tablet.put_blob(image)
    assert _result(tablet.push([sign_mutation(tablet, sheet_id, image)]))["status"] == "applied"
    sheet = db.session.get(Inspection, sheet_id)
    assert sheet.is_locked and sheet.signer_name == "王校长" and sheet.signature_sha256 == sha256(image)


def test_a_locked_sheet_refuses_a_photo(app, school, tablet):
    """Adding a photo to a signed sheet is a change, refused as locked."""
    sheet_id = _push_sheet(tablet, school)["id"]
    image = signature_png()
    tablet.put_blob(image)
    tablet.push([sign_mutation(tablet, sheet_id, image)])
    result = _result(tablet.push([tablet.photo("inspection", sheet_id, PHOTO)]))
    assert (result["status"], result["code"]) == ("rejected", "locked")


def test_a_sheet_cannot_be_updated(app, school, tablet):
    """Sheets are submissions: an update is refused and the answers stay."""
    sheet_id = _push_sheet(tablet, school)["id"]
    result = _result(tablet.push([tablet.update("inspection", sheet_id, 2, customer_opinion="改过的意见")]))
    assert (result["status"], result["code"]) == ("rejected", "append_only")
    assert db.session.get(Inspection, sheet_id).customer_opinion == "巡查认真，问题已说明。"


def test_the_same_sheet_id_with_other_answers_is_a_conflict_and_the_first_stays(app, school, tablet):
    """A second device sending the id with different content does not change the signed sheet."""
    sheet_id = _push_sheet(tablet, school)["id"]
    image = signature_png()
    tablet.put_blob(image)
    tablet.push([sign_mutation(tablet, sheet_id, image)])
    second = FieldDevice(app.test_client(), school.tech)
    answers = patrol_answers(sha256(PHOTO))
    answers["room_temperature"] = {"value": 22}
    result = _result(second.push([sheet_mutation(second, school, answers, record_id=sheet_id)]))
    assert result["status"] == "conflict"
    db.session.expire_all()
    assert db.session.get(Inspection, sheet_id).answers["room_temperature"]["value"] == 35


def test_a_correction_names_the_sheet_it_replaces(app, school, tablet):
    """A returned sheet is corrected by a new one; the original is kept, marked superseded."""
    sheet_id = _push_sheet(tablet, school)["id"]
    office = make_user(Role.OFFICE)
    review_inspection(db.session.get(Inspection, sheet_id), office, "has_issues", "请补充空调型号")
    db.session.commit()
    result = _push_sheet(tablet, school, supersedes_id=sheet_id)
    assert result["status"] == "applied"
    db.session.expire_all()
    assert db.session.get(Inspection, sheet_id).state == "superseded"
    assert db.session.get(Inspection, result["id"]).supersedes_id == sheet_id


def test_an_accepted_sheet_cannot_be_corrected(app, school, tablet):
    """Once the office accepted a sheet, a correction naming it is refused."""
    sheet_id = _push_sheet(tablet, school)["id"]
    review_inspection(db.session.get(Inspection, sheet_id), make_user(Role.OFFICE), "accepted")
    db.session.commit()
    result = _push_sheet(tablet, school, supersedes_id=sheet_id)
    assert result["status"] == "rejected" and "supersedes_id" in result["errors"]


def test_a_returned_sheet_reaches_the_device_with_the_offices_comment(app, school, tablet):
    """After the next pull the technician sees 'has issues' and what to put right."""
    sheet_id = _push_sheet(tablet, school)["id"]
    _changes, cursor = tablet.pull_all()
    review_inspection(db.session.get(Inspection, sheet_id), make_user(Role.SUPERVISOR), "has_issues",
                      "请补拍空调铭牌照片")
    db.session.commit()
    changes, _cursor = tablet.pull_all(cursor)
    (sheet,) = [c for c in changes if c["kind"] == "inspection"]
    assert (sheet["data"]["state"], sheet["data"]["review_comment"]) == ("has_issues", "请补拍空调铭牌照片")


# --- a repair ticket from a finding ------------------------------------------------------------------


def test_a_finding_becomes_a_patrol_ticket_with_the_device_made_id(app, school, tablet):
    """The ticket keeps the device's id, source 'patrol', the camera, the finding, and its finder."""
    ticket_id = new_id()
    result = _result(tablet.push([ticket_mutation(tablet, school, record_id=ticket_id)]))
    assert (result["status"], result["id"]) == ("applied", ticket_id)
    ticket = db.session.get(RepairTicket, ticket_id)
    assert (ticket.source, ticket.device_id, ticket.cabinet_id) == ("patrol", school.camera.id, school.cabinet.id)
    assert ticket.description.startswith("巡查发现") and ticket.assigned_to_id == school.tech.id
    assert ticket.number.startswith("BX")


def test_the_patrol_ticket_comes_back_by_pull_under_the_same_id(app, school, tablet):
    """The device's copy is replaced by the server's ticket (number, status) at the next pull."""
    ticket_id = new_id()
    tablet.push([ticket_mutation(tablet, school, record_id=ticket_id)])
    changes, _cursor = tablet.pull_all()
    (ticket,) = [c for c in changes if c["kind"] == "repair_ticket" and c["id"] == ticket_id]
    assert ticket["data"]["source"] == "patrol" and ticket["data"]["number"].startswith("BX")


def test_a_ticket_naming_another_schools_device_is_rejected(app, school, tablet):
    """The device must belong to the ticket's customer."""
    other = patrol_school("城北中学")
    result = _result(tablet.push([ticket_mutation(tablet, school, device_id=other.camera.id)]))
    assert (result["status"], result["code"]) == ("rejected", "not_this_customer") and "device_id" in result["errors"]
    assert db.session.scalars(select(RepairTicket)).all() == []


def test_a_device_cannot_choose_a_tickets_source_or_status(app, school, tablet):
    """Source and status are the server's: a pushed 'phone' / 'closed' is ignored."""
    ticket_id = new_id()
    tablet.push([ticket_mutation(tablet, school, record_id=ticket_id, source="phone", status="closed")])
    ticket = db.session.get(RepairTicket, ticket_id)
    assert (ticket.source, ticket.status) == ("patrol", "on_site")  # the finder is there: arrived


def test_the_sheet_names_the_ticket_opened_from_its_finding(app, school, tablet):
    """The finding's answer keeps the ticket id, so the sheet and the ticket point at each other."""
    ticket_id = new_id()
    tablet.push([ticket_mutation(tablet, school, record_id=ticket_id)])
    result = _result(tablet.push([sheet_mutation(tablet, school, patrol_answers(sha256(PHOTO), ticket_id))]))
    assert db.session.get(Inspection, result["id"]).answers["room_temperature"]["ticket_id"] == ticket_id


# --- a colleague's device --------------------------------------------------------------------


def test_a_colleague_sharing_the_school_downloads_the_sheets_photos(app, school, tablet):
    """Tech B covers the same school: the photo A's sheet names comes down to B's tablet (and
    appears in B's pull inside the sheet's answers); a technician of another school gets 404."""
    assert _push_sheet(tablet, school)["status"] == "applied"
    colleague = make_user(Role.TECHNICIAN)
    school.customer.technicians.append(colleague)
    db.session.commit()
    b_tablet = FieldDevice(app.test_client(), colleague)
    changes, _cursor = b_tablet.pull_all()
    sheets = [c for c in changes if c["kind"] == "inspection"]
    assert [c["data"]["answers"]["room_temperature"]["photo_ids"] for c in sheets] == [[sha256(PHOTO)]]

    response = b_tablet.client.get(f"/api/sync/blobs/{sha256(PHOTO)}", headers=b_tablet.headers())
    assert response.status_code == 200 and response.mimetype == "image/jpeg"

    stranger = FieldDevice(app.test_client(), patrol_school("城北中学").tech)
    assert stranger.client.get(f"/api/sync/blobs/{sha256(PHOTO)}", headers=stranger.headers()).status_code == 404


def test_a_photo_uploaded_but_named_by_no_sheet_stays_with_its_uploader(app, school, tablet):
    """An uploaded image no record names is not readable by a colleague (only its uploader)."""
    colleague = make_user(Role.TECHNICIAN)
    school.customer.technicians.append(colleague)
    db.session.commit()
    b_tablet = FieldDevice(app.test_client(), colleague)
    assert b_tablet.client.get(f"/api/sync/blobs/{sha256(PHOTO)}", headers=b_tablet.headers()).status_code == 404
    assert tablet.client.get(f"/api/sync/blobs/{sha256(PHOTO)}", headers=tablet.headers()).status_code == 200
