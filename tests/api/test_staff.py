"""The department head manages staff: people, roles, schools, stand-ins and temporary passwords."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.support.archive import sign_in, web  # noqa: F401  (fixture)
from tests.support.factories import PASSWORD, make_customer, make_user
from tests.support.field_device import FieldDevice
from webapp.audit.models import AuditLog
from webapp.auth.models import Role, StandIn, User
from webapp.auth.permissions import can_see_customer
from webapp.clock import local_today
from webapp.extensions import db

NEW_PASSWORD = "Mein-neues-Pw-42"


@pytest.fixture
def staff(app):
    """A head, an administrator, two technicians with a school each, and a third school."""
    east, west, spare = make_customer("东湖小学"), make_customer("西山中学"), make_customer("南岸小学")
    return type("Staff", (), dict(
        head=make_user(Role.SUPERVISOR), admin=make_user(Role.ADMIN),
        away=make_user(Role.TECHNICIAN, customers=[east]), cover=make_user(Role.TECHNICIAN, customers=[west]),
        east=east, west=west, spare=spare,
    ))


def user_data(user: User, **changes) -> dict:
    """The staff edit form's body for a user, with changes."""
    data = {"username": user.username, "display_name": user.display_name, "role": user.role,
            "phone": user.phone or "", "active": "y", "customers": [c.id for c in user.customers]}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_head_opens_staff_and_creates_a_technician_with_schools(web, staff):
    """The head (not only the admin) creates a technician and chooses the schools they cover."""
    sign_in(web, staff.head)
    assert web.get("/admin/users").status_code == 200
    response = web.post("/admin/users/new", data={
        "username": "xiaowang", "display_name": "小王", "role": "technician", "phone": "",
        "password": "Erstes-Pw-2026", "active": "y", "customers": [staff.spare.id],
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    created = db.session.scalar(select(User).where(User.username == "xiaowang"))
    assert [c.name for c in created.customers] == ["南岸小学"]
    assert created.must_change_password is True


def test_the_head_cannot_make_or_touch_an_administrator(web, staff):
    """No admin in the head's role choices; an admin's page and a new admin answer 403; nothing changes."""
    sign_in(web, staff.head)
    page = web.get(f"/admin/users/{staff.away.id}").get_data(as_text=True)
    assert 'value="admin"' not in page
    assert web.get(f"/admin/users/{staff.admin.id}").status_code == 403
    # "admin" is not among the head's choices: the form refuses it
    response = web.post(f"/admin/users/{staff.away.id}", data=user_data(staff.away, role="admin"))
    assert response.status_code == 400
    response = web.post("/admin/users/new", data={
        "username": "boss", "display_name": "Boss", "role": "admin", "password": "Erstes-Pw-2026", "active": "y",
    })
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    db.session.expire_all()
    assert staff.away.role == "technician"
    assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "boss")) == 0


def test_a_technician_cannot_manage_staff(web, staff):
    """Technicians get 403 on the staff pages."""
    sign_in(web, staff.away)
    assert web.get("/admin/users").status_code == 403
    assert web.post(f"/admin/users/{staff.cover.id}/temporary-password").status_code == 403


def test_the_head_moves_a_school_and_the_change_is_audited(web, staff):
    """Reassigning a school changes what the technician sees, and the log names both lists."""
    sign_in(web, staff.head)
    response = web.post(f"/admin/users/{staff.away.id}", data=user_data(staff.away, customers=[staff.spare.id]))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert not can_see_customer(staff.away, staff.east.id)
    assert can_see_customer(staff.away, staff.spare.id)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "assign"))
    assert entry.changes == {"customers": [["东湖小学"], ["南岸小学"]]}


def test_disabling_a_colleague_ends_their_sign_ins(web, app, staff):
    """A disabled account's open sign-in stops working at once."""
    tablet = app.test_client()
    sign_in(tablet, staff.cover)
    sign_in(web, staff.head)
    assert web.post(f"/admin/users/{staff.cover.id}", data=user_data(staff.cover, active=None)).status_code == 302
    from tests.support.field_device import forget_cached_user

    forget_cached_user()
    assert tablet.get("/api/auth/session").status_code == 401


# --- stand-ins -----------------------------------------------------------------------------


def add_stand_in(web, staff, start, end, note=""):
    """The head names `cover` as the stand-in for `away`."""
    return web.post(f"/admin/users/{staff.away.id}/stand-ins", data={
        "stand_in": str(staff.cover.id), "starts_on": start.isoformat(), "ends_on": end.isoformat(), "note": note,
    })


def test_a_stand_in_sees_the_absent_colleagues_school_during_the_range_only(web, staff):
    """From the first day to the last the stand-in's scope includes the school; not before, not after."""
    today = local_today()
    sign_in(web, staff.head)
    assert add_stand_in(web, staff, today, today + timedelta(days=4), "年假").status_code == 302
    from webapp.auth.permissions import covered_customers

    ids = lambda day: set(db.session.scalars(covered_customers(staff.cover, on=day)))  # noqa: E731
    assert ids(today) == {staff.west.id, staff.east.id}
    assert ids(today + timedelta(days=4)) == {staff.west.id, staff.east.id}
    assert ids(today - timedelta(days=1)) == {staff.west.id}
    assert ids(today + timedelta(days=5)) == {staff.west.id}
    assert can_see_customer(staff.cover, staff.east.id)
    # the absent technician keeps their own school
    assert can_see_customer(staff.away, staff.east.id)


def test_the_stand_ins_device_downloads_the_absent_colleagues_school(web, app, staff):
    """The device's pull (its scope) carries the covered school while the stand-in lasts."""
    today = local_today()
    sign_in(web, staff.head)
    add_stand_in(web, staff, today, today + timedelta(days=2))
    device = FieldDevice(app.test_client(), staff.cover)
    changes, _cursor = device.pull_all()
    customers = {c["id"] for c in changes if c["kind"] == "customer"}
    assert customers == {staff.west.id, staff.east.id}


def test_the_stand_ins_lists_include_the_covered_school(web, staff):
    """The customer list of the stand-in shows the absent colleague's school."""
    today = local_today()
    sign_in(web, staff.head)
    add_stand_in(web, staff, today, today)
    sign_in(web, staff.cover)
    assert "东湖小学" in web.get("/customers").get_data(as_text=True)


def test_ending_a_stand_in_early_takes_the_school_away(web, staff):
    """"End now" closes the stand-in; the row stays, the scope shrinks."""
    today = local_today()
    sign_in(web, staff.head)
    add_stand_in(web, staff, today, today + timedelta(days=7))
    record = db.session.scalar(select(StandIn))
    assert web.post(f"/admin/stand-ins/{record.id}/end").status_code == 302
    db.session.expire_all()
    assert record.cancelled_at is not None
    assert not can_see_customer(staff.cover, staff.east.id)


@pytest.mark.parametrize("start,end,field,message", [
    (3, 1, "ends_on", "The last day comes before the first."),
    (-5, -2, "ends_on", "That absence is over already."),
])
def test_a_wrong_range_is_explained_and_nothing_is_saved(web, staff, start, end, field, message):
    """A backwards or past range is refused on the page; no stand-in is stored."""
    today = local_today()
    sign_in(web, staff.head)
    response = add_stand_in(web, staff, today + timedelta(days=start), today + timedelta(days=end))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StandIn)) == 0


def test_two_stand_ins_for_the_same_days_are_refused(web, staff):
    """One stand-in per absent person at a time: an overlapping one names the first."""
    today = local_today()
    sign_in(web, staff.head)
    add_stand_in(web, staff, today, today + timedelta(days=5))
    response = add_stand_in(web, staff, today + timedelta(days=3), today + timedelta(days=8))
    assert response.status_code == 400
    assert f"{staff.cover.display_name} already stands in" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StandIn)) == 1


# --- passwords -----------------------------------------------------------------------------


def test_a_reset_gives_a_temporary_password_that_must_be_changed_first(web, app, staff):
    """The head resets: old sign-ins end, the temporary password signs in, every page leads to
    the password page (the API answers 403) until the user chooses their own."""
    tablet = app.test_client()
    sign_in(tablet, staff.away)
    sign_in(web, staff.head)
    page = web.post(f"/admin/users/{staff.away.id}/temporary-password", follow_redirects=True).get_data(as_text=True)
    temporary = page.split("Temporary password for " + staff.away.username + ": ")[1].split(" ")[0]
    from tests.support.field_device import forget_cached_user

    forget_cached_user()
    assert tablet.get("/api/auth/session").status_code == 401
    assert not staff.away.check_password(PASSWORD) and staff.away.check_password(temporary)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "password_reset"))
    assert temporary not in str(entry.changes)

    response = web.post("/api/auth/session", json={"username": staff.away.username, "password": temporary})
    assert response.status_code == 200
    forget_cached_user()
    home = web.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/settings/password")
    forget_cached_user()
    api = web.get("/api/sync/pull?cursor=0", headers={"X-Client-Id": "0f1e2d3c-aaaa-bbbb-cccc-000000000009"})
    assert api.status_code == 403 and api.get_json()["error"]["code"] == "password_change_required"
    forget_cached_user()
    changed = web.post("/settings/password", data={
        "current_password": temporary, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert changed.status_code == 302
    db.session.expire_all()
    assert staff.away.must_change_password is False
    forget_cached_user()
    assert web.get("/").status_code == 200


def test_a_new_password_equal_to_the_temporary_one_is_refused(web, staff):
    """Keeping the temporary password is not choosing one's own."""
    sign_in(web, staff.head)
    page = web.post(f"/admin/users/{staff.away.id}/temporary-password", follow_redirects=True).get_data(as_text=True)
    temporary = page.split("Temporary password for " + staff.away.username + ": ")[1].split(" ")[0]
    web.post("/api/auth/session", json={"username": staff.away.username, "password": temporary})
    response = web.post("/settings/password", data={
        "current_password": temporary, "new_password": temporary, "confirm": temporary,
    })
    assert response.status_code == 200
    assert "Choose a password different from the current one." in response.get_data(as_text=True)
    db.session.expire_all()
    assert staff.away.must_change_password is True


def test_nobody_resets_their_own_password_here(web, staff):
    """The head's own page points to the settings page; a reset of oneself is refused."""
    sign_in(web, staff.head)
    page = web.post(f"/admin/users/{staff.head.id}/temporary-password", follow_redirects=True).get_data(as_text=True)
    assert "Change your own password under Settings." in page
    db.session.expire_all()
    assert staff.head.check_password(PASSWORD) and not staff.head.must_change_password
