"""The office pages' style sheet has a content-hashed name, so browsers keep it until it changes."""
from __future__ import annotations

import re

from tests.support.factories import login, make_user
from webapp.auth.models import Role
from webapp.pwa import asset_url


def test_pages_link_the_hashed_style_sheet_cached_for_good(app, client):
    """base.html links app.css as /assets/app-<hash>.css, served immutable for a year."""
    login(client, make_user(Role.OFFICE))
    html = client.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="([^"]+)">', html).group(1)
    assert href == asset_url("app.css")
    assert re.fullmatch(r"/assets/app-[A-Z0-9]{8}\.css", href)
    response = client.get(href)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert b".topbar" in response.get_data()
    response.close()
