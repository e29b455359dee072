"""Helpers for the archive tests: a client that forgets the cached user between requests, a small district."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import g

from tests.support.factories import login, make_cabinet, make_customer, make_device, make_room, make_site, make_user
from webapp.auth.models import Role


@pytest.fixture
def web(app):
    """An English-speaking test client whose requests load the signed-in user and language afresh.

    The `app` fixture keeps one app context open, and Flask reuses it for test requests, so
    Flask-Login's and Flask-Babel's caches in `g` would otherwise carry one request's user and
    language into the next.
    """

    @app.before_request
    def _forget_cached_user_and_language() -> None:
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # assertions read the English messages
    return client


@dataclass
class District:
    """Two schools: `tech` looks after `mine`, not `other`."""

    mine: object
    other: object
    site: object
    room: object
    cabinet: object
    device: object
    other_cabinet: object
    other_device: object
    tech: object
    office: object
    supervisor: object
    quality: object
    admin: object


def make_district() -> District:
    """Two customers with a cabinet and a device each, and one user per role."""
    mine = make_customer("东湖小学")
    other = make_customer("西山中学")
    site = make_site(mine)
    room = make_room(site)
    cabinet = make_cabinet(mine, "一号机柜", code="JG-101", site_id=site.id, room_id=room.id)
    device = make_device(mine, cabinet, name="核心交换机", category="switch", brand="华为", model="S5735", serial="HW-0001")
    other_cabinet = make_cabinet(other, "二号机柜")
    other_device = make_device(other, other_cabinet, name="北门枪机-07", serial="HK-0002")
    return District(
        mine=mine, other=other, site=site, room=room, cabinet=cabinet, device=device,
        other_cabinet=other_cabinet, other_device=other_device,
        tech=make_user(Role.TECHNICIAN, customers=[mine]),
        office=make_user(Role.OFFICE),
        supervisor=make_user(Role.SUPERVISOR),
        quality=make_user(Role.QUALITY),
        admin=make_user(Role.ADMIN),
    )


def sign_in(client, user) -> str:
    """Sign the client in as the user; returns the CSRF token."""
    return login(client, user)
