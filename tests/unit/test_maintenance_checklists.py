"""Checklist templates (versions, shipped ones) and filled checklists (validation, submit, sign, review)."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.support.factories import make_cabinet, make_checklist, make_customer, make_device, make_plan, make_user
from webapp.audit.models import AuditLog
from webapp.auth.models import Role
from webapp.documents.signed_content import content_sha256
from webapp.documents.signing import create_signature
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.maintenance.models import ChecklistTemplate, Visit
from webapp.maintenance.generation import generate_visits
from webapp.maintenance.services import (
    current_templates,
    install_shipped_templates,
    load_template_data,
    review_inspection,
    revise_template,
    sign_inspection,
    start_inspection,
    submit_inspection,
    template_versions,
)
from webapp.maintenance.validation import check_answers

SIG = "a" * 64
PHOTO = "b" * 64

TEMPERATURE = {"key": "room_temp", "label_zh": "机房温度", "label_en": "Room temperature", "type": "number",
               "unit": "°C", "min": 10, "max": 30, "required": True, "photo": "on_flag"}
HAZARDS = {"key": "hazards", "label_zh": "发现安全隐患", "label_en": "Safety hazards found", "type": "yes_no",
           "flag_on": "yes", "required": True}
EFFECT = {"key": "effect", "label_zh": "设备使用效果", "label_en": "Effect of use", "type": "single_choice",
          "required": True, "options": [
              {"key": "good", "label_zh": "良好", "label_en": "Good"},
              {"key": "poor", "label_zh": "较差", "label_en": "Poor", "flag": True}]}
BROADCAST = {"key": "broadcast", "label_zh": "广播系统", "label_en": "Broadcast", "type": "pass_flag_fail",
             "required": True, "na_allowed": True}
NETWORK = {"key": "network", "label_zh": "网络", "label_en": "Network", "type": "pass_flag_fail", "required": True}
REMARKS = {"key": "remarks", "label_zh": "备注", "label_en": "Remarks", "type": "text"}
UPGRADE = {"key": "upgrade", "label_zh": "系统软件升级", "label_en": "Software upgrade", "type": "software_upgrade",
           "required": True}


@pytest.fixture(autouse=True)
def _request(app):
    """Services speak the reader's language, so they run inside a request (in English here)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def items(*raw):
    """Items as stored after the schema normalised them."""
    return load_template_data({"name_zh": "表", "name_en": "Sheet", "activity": "monthly_patrol",
                               "items": list(raw)})["items"]


def answer(value=None, **extra):
    """One answer."""
    return {"value": value, **extra}


# --- template content ---------------------------------------------------------------------


def test_a_number_item_with_minimum_above_maximum_is_refused():
    """min 30, max 10 is an error on max."""
    with pytest.raises(DomainError) as err:
        items({**TEMPERATURE, "min": 30, "max": 10})
    assert "items.0.max" in err.value.errors


def test_a_single_choice_item_needs_two_options():
    """One option is no choice."""
    with pytest.raises(DomainError) as err:
        items({**EFFECT, "options": EFFECT["options"][:1]})
    assert "items.0.options" in err.value.errors


def test_item_keys_must_differ():
    """Two items with the same key are refused."""
    with pytest.raises(DomainError) as err:
        items(NETWORK, {**BROADCAST, "key": "network"})
    assert "network" in err.value.errors["items"][0]


def test_a_checklist_for_devices_of_a_category_needs_the_category():
    """applies_to devices_of_category without a category is refused."""
    with pytest.raises(DomainError) as err:
        load_template_data({"name_zh": "表", "name_en": "Sheet", "activity": "spot_check",
                            "applies_to": "devices_of_category", "items": [NETWORK]})
    assert "device_category" in err.value.errors


def test_settings_that_do_not_fit_the_type_are_dropped():
    """A unit on a pass/flag/fail item is not kept."""
    (item,) = items({**NETWORK, "unit": "°C"})
    assert "unit" not in item


# --- shipped templates and versions ---------------------------------------------------------


def test_shipped_templates_install_once():
    """Five standard checklists on the first run, none on the second."""
    assert install_shipped_templates() == 5
    assert install_shipped_templates() == 0
    assert {t.activity for t in current_templates()} == {
        "monthly_patrol", "semi_annual_maintenance", "quarterly_inspection", "spot_check", "year_end_inspection"}


def test_shipped_monthly_patrol_covers_functions_usage_hazards_and_customer_opinion():
    """The seed's patrol contents are items of the monthly patrol, labelled in Chinese and English."""
    install_shipped_templates()
    (patrol,) = current_templates("monthly_patrol")
    keys = {i["key"] for i in patrol.items}
    assert {"core_network", "usage_effect", "safety_hazards", "customer_satisfaction"} <= keys
    assert all(i["label_zh"] and i["label_en"] for i in patrol.items)


def test_shipped_semi_annual_maintenance_records_software_versions():
    """Junk cleanup, patches, optimisation and a software-upgrade item that records versions."""
    install_shipped_templates()
    (sheet,) = current_templates("semi_annual_maintenance")
    types = {i["key"]: i["type"] for i in sheet.items}
    assert types["software_upgrade"] == "software_upgrade"
    assert {"junk_cleanup", "vulnerability_patches", "system_optimisation"} <= types.keys()


def test_editing_a_template_makes_a_new_version_and_keeps_the_old_one_superseded():
    """Version 2 is current; version 1 is still there, superseded."""
    first = make_checklist([NETWORK], key="patrol")
    data = {"name_zh": "月巡查表", "name_en": "Monthly patrol", "activity": "monthly_patrol",
            "items": [NETWORK, HAZARDS]}
    second = revise_template(first, data, None, change_note="Add hazards")
    db.session.commit()
    assert (second.version_no, second.is_current, first.is_current) == (2, True, False)
    assert [t.version_no for t in template_versions("patrol")] == [2, 1]


def test_an_edit_that_changes_nothing_makes_no_version():
    """Saving the same content is refused."""
    first = make_checklist([NETWORK], key="same")
    with pytest.raises(DomainError) as err:
        revise_template(first, {"name_zh": first.name_zh, "name_en": first.name_en,
                                "activity": first.activity, "items": [NETWORK]}, None)
    assert err.value.code == "unchanged"


def test_editing_a_superseded_version_is_refused():
    """Someone saved a newer version meanwhile: the stale edit is refused."""
    first = make_checklist([NETWORK], key="stale")
    data = {"name_zh": "新", "name_en": "New", "activity": "monthly_patrol", "items": [NETWORK]}
    revise_template(first, data, None)
    with pytest.raises(DomainError) as err:
        revise_template(first, {**data, "name_en": "Newer"}, None)
    assert err.value.code == "stale_version"


def test_the_database_refuses_two_current_versions_of_one_checklist():
    """Two editors racing to save: only one current version can exist."""
    first = make_checklist([NETWORK], key="race")
    db.session.add(ChecklistTemplate(template_key="race", version_no=2, name_zh="x", name_en="x",
                                     activity="monthly_patrol", items=first.items))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_filled_checklist_keeps_the_version_it_was_filled_with():
    """After the template is edited, the sheet still names version 1 and its items."""
    tech = make_user(Role.TECHNICIAN)
    school = make_customer(technicians=[tech])
    first = make_checklist([NETWORK], key="keep")
    sheet = start_inspection(first, school.id, tech)
    revise_template(first, {"name_zh": "新", "name_en": "New", "activity": "monthly_patrol",
                            "items": [NETWORK, REMARKS]}, None)
    db.session.commit()
    db.session.expire_all()
    assert (sheet.template_version, sheet.template.version_no) == (1, 1)
    assert [i["key"] for i in sheet.template.items] == ["network"]


# --- answers ---------------------------------------------------------------------------------


def test_a_reading_below_the_minimum_is_flagged():
    """8 °C with a 10-30 °C range is flagged."""
    check = check_answers(items(TEMPERATURE), {"room_temp": answer(8, note="空调过冷", photo_ids=[PHOTO])},
                          complete=True)
    assert check.ok and check.flagged == ["room_temp"]


def test_a_reading_above_the_maximum_is_flagged():
    """34.5 °C is above 30 °C."""
    check = check_answers(items(TEMPERATURE), {"room_temp": answer("34.5", note="空调故障", photo_ids=[PHOTO])},
                          complete=True)
    assert check.flagged == ["room_temp"] and check.answers["room_temp"]["value"] == 34.5


def test_a_reading_inside_the_range_is_not_flagged():
    """22 °C is fine and needs no note."""
    check = check_answers(items(TEMPERATURE), {"room_temp": answer(22)}, complete=True)
    assert check.ok and check.flagged == []


def test_an_out_of_range_reading_needs_a_note():
    """A flagged reading without a note is refused on submission."""
    check = check_answers(items(TEMPERATURE), {"room_temp": answer(35, photo_ids=[PHOTO])}, complete=True)
    assert "room_temp" in check.errors


def test_a_flagged_item_needs_a_photo_when_the_template_says_so():
    """photo: on_flag — flagged with a note but no photo is refused."""
    check = check_answers(items(TEMPERATURE), {"room_temp": answer(35, note="过热")}, complete=True)
    assert check.errors == {"room_temp": ["This item needs a photo."]}


def test_a_failed_item_without_photo_rule_needs_only_a_note():
    """Fail with a note and no photo is fine when the item asks for no photo."""
    check = check_answers(items(NETWORK), {"network": answer("fail", note="核心交换机掉电")}, complete=True)
    assert check.ok and check.flagged == ["network"]


def test_required_items_must_be_answered_on_submission():
    """Missing required answers are listed per item."""
    check = check_answers(items(NETWORK, HAZARDS, REMARKS), {"network": answer("pass")}, complete=True)
    assert set(check.errors) == {"hazards"}


def test_a_draft_may_leave_required_items_open():
    """While filling, missing answers are not errors yet."""
    check = check_answers(items(NETWORK, HAZARDS), {"network": answer("pass")}, complete=False)
    assert check.ok


def test_a_single_choice_must_be_one_of_the_options():
    """'excellent' is not an option."""
    check = check_answers(items(EFFECT), {"effect": answer("excellent")}, complete=False)
    assert "effect" in check.errors


def test_choosing_a_flagging_option_flags_the_item():
    """'poor' is a finding."""
    check = check_answers(items(EFFECT), {"effect": answer("poor", note="投影偏暗")}, complete=True)
    assert check.flagged == ["effect"]


def test_yes_on_a_hazard_question_is_flagged():
    """'Safety hazards found? yes' is a finding; booleans are read as yes/no."""
    check = check_answers(items(HAZARDS), {"hazards": answer(True, note="插线板过载")}, complete=True)
    assert check.flagged == ["hazards"] and check.answers["hazards"]["value"] == "yes"


def test_not_applicable_only_where_the_item_allows_it():
    """N/A on broadcast (allowed) passes; on network (not allowed) it is refused."""
    check = check_answers(items(NETWORK, BROADCAST), {"network": {"na": True}, "broadcast": {"na": True}},
                          complete=True)
    assert set(check.errors) == {"network"}


def test_a_manually_flagged_item_needs_a_note():
    """A technician may flag any item, but must say why."""
    check = check_answers(items(NETWORK), {"network": answer("pass", flagged=True)}, complete=True)
    assert "network" in check.errors


def test_answers_for_unknown_items_are_refused():
    """An answer keyed by an item the version does not have is an error."""
    check = check_answers(items(NETWORK), {"network": answer("pass"), "ghost": answer("x")}, complete=False)
    assert "ghost" in check.errors


# --- a sheet's life ------------------------------------------------------------------------


@pytest.fixture
def tech():
    """A technician."""
    return make_user(Role.TECHNICIAN)


@pytest.fixture
def school(tech):
    """A school of the technician."""
    return make_customer(technicians=[tech])


def test_submitting_a_maintenance_sheet_writes_the_new_software_version_onto_the_device(school, tech):
    """The device record gets the new version, audited; the sheet keeps old and new."""
    nvr = make_device(school, software_version="V4.62.210", category="nvr")
    template = make_checklist([UPGRADE], key="maint", activity="semi_annual_maintenance")
    sheet = start_inspection(template, school.id, tech)
    submit_inspection(sheet, tech, answers={"upgrade": answer([{"device_id": nvr.id, "to_version": "V4.71.005"}])})
    db.session.commit()
    assert nvr.software_version == "V4.71.005"
    assert sheet.answers["upgrade"]["value"] == [
        {"device_id": nvr.id, "to_version": "V4.71.005", "from_version": "V4.62.210"}]
    audit = db.session.scalars(select(AuditLog).where(AuditLog.entity_id == nvr.id, AuditLog.action == "update")).one()
    assert audit.changes["software_version"] == ["V4.62.210", "V4.71.005"]


def test_a_software_upgrade_naming_another_customers_device_is_refused(school, tech):
    """Devices of other schools cannot be upgraded from this sheet."""
    other = make_device(make_customer())
    template = make_checklist([UPGRADE], key="maint2", activity="semi_annual_maintenance")
    sheet = start_inspection(template, school.id, tech)
    with pytest.raises(DomainError) as err:
        submit_inspection(sheet, tech, answers={"upgrade": answer([{"device_id": other.id, "to_version": "V2"}])})
    assert "upgrade" in err.value.errors


def test_submitting_an_incomplete_sheet_is_refused_with_the_items_named(school, tech):
    """Required items left open are reported per item."""
    template = make_checklist([NETWORK, HAZARDS], key="incomplete")
    sheet = start_inspection(template, school.id, tech)
    with pytest.raises(DomainError) as err:
        submit_inspection(sheet, tech, answers={"network": answer("pass")})
    assert err.value.code == "invalid_answers" and set(err.value.errors) == {"hazards"}


def test_submitting_a_sheet_for_a_visit_marks_the_visit_done(school, tech):
    """The visit the patrol was done for is done on the day the sheet was finished (site time)."""
    make_plan(school, "monthly_patrol", tech, start_date=date(2026, 11, 1))
    generate_visits(date(2026, 11, 1), today=date(2026, 11, 1))
    visit = db.session.scalars(select(Visit)).one()
    sheet = start_inspection(make_checklist([NETWORK], key="pv"), school.id, tech, visit=visit)
    submit_inspection(sheet, tech, answers={"network": answer("pass")},
                      finished_at=datetime(2026, 11, 19, 17, 30, tzinfo=timezone.utc))
    assert (visit.state, visit.done_on, visit.inspection_id) == ("done", date(2026, 11, 20), sheet.id)


def test_a_checklist_for_each_cabinet_needs_a_cabinet(school, tech):
    """Starting a per-cabinet checklist without naming the cabinet is refused; with one it works."""
    template = make_checklist([NETWORK], key="cab", applies_to="each_cabinet")
    with pytest.raises(DomainError) as err:
        start_inspection(template, school.id, tech)
    assert err.value.code == "cabinet_required"
    cabinet = make_cabinet(school)
    assert start_inspection(template, school.id, tech, cabinet_id=cabinet.id).cabinet_id == cabinet.id


def test_a_signed_sheet_keeps_its_answers(school, tech):
    """Once the customer's signature arrives the sheet records its signer, and handing it in with other answers is refused."""
    sheet = start_inspection(make_checklist([NETWORK], key="lock"), school.id, tech)
    sheet.answers = {"network": answer("pass")}
    create_signature(tech, {
        "document_kind": "inspection", "document_id": sheet.id, "signer_name": "周建国", "signer_role": "customer",
        "signed_at": datetime(2026, 3, 2, 6, 30, tzinfo=timezone.utc), "image_sha256": SIG,
        "content_sha256": content_sha256("inspection", sheet.id, {
            "template_id": sheet.template_id, "customer_id": school.id, "answers": {"network": {"value": "pass"}},
        }),
    })
    assert sheet.is_locked and sheet.signer_name == "周建国"
    with pytest.raises(DomainError) as err:
        submit_inspection(sheet, tech, answers={"network": answer("fail", note="x")})
    assert err.value.code == "locked" and sheet.state == "draft"


def test_a_signature_is_given_once(school, tech):
    """A filled signature slot never changes."""
    sheet = start_inspection(make_checklist([NETWORK], key="sign"), school.id, tech)
    sign_inspection(sheet, "周建国", SIG)
    with pytest.raises(DomainError) as err:
        sign_inspection(sheet, "someone else", "c" * 64)
    assert err.value.code == "already_signed" and sheet.signer_name == "周建国"


def test_a_signed_sheet_can_still_be_submitted(school, tech):
    """Sign on the tablet, then hand in: allowed, answers unchanged."""
    sheet = start_inspection(make_checklist([NETWORK], key="signsub"), school.id, tech)
    sheet.answers = {"network": answer("pass")}
    sign_inspection(sheet, "周建国", SIG)
    submit_inspection(sheet, tech)
    assert sheet.state == "submitted"


def test_returning_a_sheet_with_issues_needs_a_comment(school, tech):
    """The technician must be told what is wrong."""
    sheet = start_inspection(make_checklist([NETWORK], key="rev"), school.id, tech)
    submit_inspection(sheet, tech, answers={"network": answer("pass")})
    office = make_user(Role.OFFICE)
    with pytest.raises(DomainError) as err:
        review_inspection(sheet, office, "has_issues", "")
    assert err.value.code == "comment_required"
    review_inspection(sheet, office, "has_issues", "缺少机房照片")
    assert (sheet.state, sheet.review_comment) == ("has_issues", "缺少机房照片")


def test_a_device_clock_in_the_future_does_not_date_the_visit_in_the_future(school, tech):
    """A sheet 'finished' a year ahead (wrong tablet clock) marks the visit done today at the latest."""
    from webapp.clock import local_today

    make_plan(school, "monthly_patrol", tech, start_date=local_today().replace(day=1))
    generate_visits(local_today(), today=local_today())
    visit = db.session.scalars(select(Visit)).one()
    sheet = start_inspection(make_checklist([NETWORK], key="clock"), school.id, tech, visit=visit)
    future = datetime.now(timezone.utc) + timedelta(days=365)
    submit_inspection(sheet, tech, answers={"network": answer("pass")}, finished_at=future)
    assert visit.done_on == local_today()
