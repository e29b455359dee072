"""Sign-ins that really end: copies of the session and remember-me cookies stop working."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func, select

from tests.support.field_device import FieldDevice, forget_cached_user
from tests.support.factories import PASSWORD, login, make_customer, make_user
from webapp.audit.models import AuditLog
from webapp.auth.models import Role, UserSession
from webapp.extensions import db
from webapp.maintenance.diary import DiaryEntry
from webapp.clock import utcnow

NEW_PASSWORD = "Neu-Passw0rt!"


def _cookie(client, name: str) -> str:
    """The value of one cookie the client holds (it must hold it)."""
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def _copy(app, client, *names: str):
    """A second browser holding copies of some of the client's cookies (a stolen device)."""
    thief = app.test_client()
    for name in names:
        thief.set_cookie(name, _cookie(client, name))
    return thief


def _signed_in(client) -> bool:
    """True when the API says this client is signed in."""
    forget_cached_user()
    return client.get("/api/auth/session").status_code == 200


def _page_opens(client) -> bool:
    """True when the home page opens instead of sending the browser to sign in."""
    forget_cached_user()
    return client.get("/").status_code == 200


@pytest.fixture
def tech(app):
    """A technician."""
    return make_user(Role.TECHNICIAN)


@pytest.fixture
def admin(app):
    """An administrator."""
    return make_user(Role.ADMIN)


def test_each_sign_in_gets_a_fresh_remember_token(app, tech):
    """Two sign-ins of one user hand out two different remember-me tokens."""
    first, second = app.test_client(), app.test_client()
    login(first, tech)
    forget_cached_user()
    login(second, tech)
    assert _cookie(first, "remember_token") != _cookie(second, "remember_token")


def test_the_remember_token_lasts_sign_in_days_not_a_year(app, tech):
    """The remember-me cookie expires after SIGN_IN_DAYS (30), and so does its sign-in record."""
    client = app.test_client()
    login(client, tech)
    expires = client.get_cookie("remember_token").expires
    assert timedelta(days=29) < expires - utcnow() <= timedelta(days=30)
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == tech.id))
    assert timedelta(days=29) < record.expires_at - utcnow() <= timedelta(days=30)


def test_copies_work_while_the_sign_in_is_open(app, client, tech):
    """Before signing out, a copied session cookie and a copied remember token both work."""
    login(client, tech)
    assert _signed_in(_copy(app, client, "session"))
    assert _signed_in(_copy(app, client, "remember_token"))
    assert _page_opens(_copy(app, client, "session"))


def test_api_sign_out_ends_copied_session_cookie_and_remember_token(app, client, tech):
    """After DELETE /api/auth/session a copied session cookie and remember token open nothing."""
    login(client, tech)
    session_copy = _copy(app, client, "session")
    remember_copy = _copy(app, client, "remember_token")
    forget_cached_user()
    assert client.delete("/api/auth/session").status_code == 200
    assert not _signed_in(client)
    assert not _signed_in(session_copy)
    assert not _signed_in(remember_copy)
    assert session_copy.get("/api/sync/pull?cursor=0").status_code == 401


def test_page_sign_out_ends_copied_cookies_for_pages(app, client, tech):
    """After the page's sign-out button, copies of the cookies are sent to the sign-in page."""
    login(client, tech)
    both = _copy(app, client, "session", "remember_token")
    remember_copy = _copy(app, client, "remember_token")
    forget_cached_user()
    assert client.post("/logout").status_code == 302
    for copy in (both, remember_copy):
        forget_cached_user()
        response = copy.get("/")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_signing_out_on_one_device_keeps_the_others(app, tech):
    """Signing out ends that sign-in only: the same user's tablet stays signed in."""
    phone, tablet = app.test_client(), app.test_client()
    login(phone, tech)
    forget_cached_user()
    login(tablet, tech)
    forget_cached_user()
    phone.delete("/api/auth/session")
    assert not _signed_in(phone)
    assert _signed_in(tablet)


def test_cookies_from_before_sign_ins_were_recorded_open_nothing(app, client, tech):
    """A session cookie naming only a user id (as before this release) is not signed in."""
    with client.session_transaction() as session:
        session["_user_id"] = str(tech.id)
        session["_fresh"] = True
    assert not _signed_in(client)


def test_an_expired_sign_in_opens_nothing(app, client, tech):
    """A sign-in past its expiry no longer works, with either cookie."""
    login(client, tech)
    remember_copy = _copy(app, client, "remember_token")
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == tech.id))
    record.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert not _signed_in(client)
    assert not _signed_in(remember_copy)


def test_a_disabled_account_is_signed_out_at_once(app, client, tech):
    """Disabling a user stops their open sign-ins on the next request."""
    login(client, tech)
    tech.active = False
    db.session.commit()
    assert not _signed_in(client)


# --- changing one's own password ----------------------------------------------------------


def _change_password(client, current: str = PASSWORD, new: str = NEW_PASSWORD, confirm: str | None = None):
    """POST the change-password form."""
    forget_cached_user()
    return client.post(
        "/settings/password",
        data={"current_password": current, "new_password": new, "confirm": new if confirm is None else confirm},
        headers={"Accept-Language": "en"},
    )


def test_changing_the_password_ends_the_other_sign_ins(app, tech):
    """A password change signs out the user's other devices and copies of their cookies; this one stays."""
    here, tablet = app.test_client(), app.test_client()
    login(tablet, tech)
    tablet_copy = _copy(app, tablet, "session", "remember_token")
    forget_cached_user()
    login(here, tech)
    response = _change_password(here)
    assert response.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(tablet)
    assert not _signed_in(tablet_copy)
    assert not _page_opens(tablet_copy)
    assert _page_opens(here)
    db.session.expire_all()
    assert tech.check_password(NEW_PASSWORD)


def test_the_new_password_signs_in_and_the_old_one_does_not(app, client, tech):
    """After the change the new password works and the old one is refused."""
    login(client, tech)
    _change_password(client)
    fresh = app.test_client()
    forget_cached_user()
    assert fresh.post("/api/auth/session", json={"username": tech.username, "password": PASSWORD}).status_code == 401
    forget_cached_user()
    assert fresh.post("/api/auth/session", json={"username": tech.username, "password": NEW_PASSWORD}).status_code == 200


def test_a_wrong_current_password_changes_nothing(app, tech):
    """The current password is required: a wrong one is refused and no sign-in ends."""
    here, tablet = app.test_client(), app.test_client()
    login(tablet, tech)
    forget_cached_user()
    login(here, tech)
    response = _change_password(here, current="not-my-password")
    assert response.status_code == 200
    assert "The current password is wrong." in response.get_data(as_text=True)
    assert _signed_in(tablet)
    db.session.expire_all()
    assert tech.check_password(PASSWORD)


@pytest.mark.parametrize(
    "new, message",
    [("short1A!", "at least 10 characters"), ("Str0ng-pass!-{name}", "must not contain the user name")],
)
def test_a_weak_new_password_is_refused_like_at_create_user(app, client, tech, new, message):
    """The new password is checked as create-user checks it; a weak one changes nothing."""
    login(client, tech)
    response = _change_password(client, new=new.format(name=tech.username))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert tech.check_password(PASSWORD)


def test_the_two_new_passwords_must_match(app, client, tech):
    """A mistyped repetition is refused."""
    login(client, tech)
    response = _change_password(client, confirm=NEW_PASSWORD + "x")
    assert "The two new passwords differ." in response.get_data(as_text=True)
    db.session.expire_all()
    assert tech.check_password(PASSWORD)


def test_a_password_change_is_audited_without_the_password(app, client, tech):
    """The audit log records that the password changed and how many sign-ins ended, never the hash."""
    login(client, tech)
    _change_password(client)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "user", AuditLog.action == "password"))
    assert entry.entity_id == str(tech.id) and entry.user_id == tech.id
    assert "password_hash" not in entry.changes and NEW_PASSWORD not in str(entry.changes)


# --- the administrator's "sign out on every device" -----------------------------------------


def test_admin_revoke_ends_every_sign_in_of_the_user(app, tech, admin):
    """A lost tablet: the admin's action ends the user's sign-ins and all copies of their cookies."""
    tablet, phone, office = app.test_client(), app.test_client(), app.test_client()
    login(tablet, tech)
    forget_cached_user()
    login(phone, tech)
    stolen = _copy(app, tablet, "session", "remember_token")
    stolen_remember = _copy(app, tablet, "remember_token")
    forget_cached_user()
    login(office, admin)
    forget_cached_user()
    response = office.post(f"/admin/users/{tech.id}/sign-out-everywhere", headers={"Accept-Language": "en"})
    assert response.status_code == 302
    for client in (tablet, phone, stolen, stolen_remember):
        assert not _signed_in(client)
        assert not _page_opens(client)
    assert _signed_in(office)


def test_admin_revoke_is_audited_with_the_count(app, tech, admin):
    """The revoke is in the audit log: who did it, to whom, how many sign-ins ended."""
    for _ in range(2):
        forget_cached_user()
        login(app.test_client(), tech)
    office = app.test_client()
    forget_cached_user()
    login(office, admin)
    forget_cached_user()
    office.post(f"/admin/users/{tech.id}/sign-out-everywhere")
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "sign_out_all"))
    assert (entry.user_id, entry.entity, entry.entity_id) == (admin.id, "user", str(tech.id))
    assert entry.changes == {"sessions_ended": [None, 2]}


def test_the_user_page_lists_signed_in_devices_and_the_revoke_button(app, tech, admin):
    """The admin sees the user's open sign-ins and the button; after it, none are listed."""
    device = app.test_client()
    device.post("/api/auth/session", json={"username": tech.username, "password": PASSWORD},
                headers={"User-Agent": "Field tablet 7"})
    office = app.test_client()
    forget_cached_user()
    login(office, admin)
    forget_cached_user()
    html = office.get(f"/admin/users/{tech.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Field tablet 7" in html and "Sign out on every device" in html
    forget_cached_user()
    follow = office.post(f"/admin/users/{tech.id}/sign-out-everywhere", headers={"Accept-Language": "en"},
                         follow_redirects=True).get_data(as_text=True)
    assert "signed out on 1 device" in follow and "Not signed in on any device." in follow


def test_only_an_admin_may_revoke(app, tech):
    """A technician cannot sign another user out."""
    other = make_user(Role.TECHNICIAN)
    victim = app.test_client()
    login(victim, other)
    client = app.test_client()
    forget_cached_user()
    login(client, tech)
    forget_cached_user()
    assert client.post(f"/admin/users/{other.id}/sign-out-everywhere").status_code == 403
    assert _signed_in(victim)


def test_an_admin_resetting_a_password_ends_that_users_sign_ins(app, tech, admin):
    """A temporary password given by the admin (a suspected leak) signs the user out everywhere."""
    tablet = app.test_client()
    login(tablet, tech)
    office = app.test_client()
    forget_cached_user()
    login(office, admin)
    forget_cached_user()
    response = office.post(f"/admin/users/{tech.id}/temporary-password")
    assert response.status_code == 302
    assert not _signed_in(tablet)
    assert _signed_in(office)


def test_after_a_revoke_the_device_keeps_its_outbox_and_pushes_it_after_sign_in(csrf_app):
    """Revoked: the field device's push gets 401 and applies nothing; after signing in again each applies once."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    admin = make_user(Role.ADMIN)
    phone = FieldDevice(csrf_app.test_client(), tech)
    outbox = [phone.diary(customer.id, text=f"离线记录 {i}") for i in range(3)]
    office = csrf_app.test_client()
    g.pop("csrf_token", None)  # Flask-WTF caches the phone's token in the shared app context
    token = login(office, admin)
    forget_cached_user()
    revoked = office.post(f"/admin/users/{tech.id}/sign-out-everywhere", headers={"X-CSRFToken": token})
    assert revoked.status_code == 302, revoked.get_data(as_text=True)
    response = phone.push(outbox)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert db.session.scalar(select(func.count()).select_from(DiaryEntry)) == 0
    g.pop("csrf_token", None)
    phone.sign_in(tech)
    assert [r["status"] for r in phone.push(outbox).get_json()["results"]] == ["applied"] * 3
    assert db.session.scalar(select(func.count()).select_from(DiaryEntry)) == 3
