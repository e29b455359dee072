"""Pages, JSON, scripts and style sheets go over the wire compressed when the browser accepts it."""
from __future__ import annotations

import gzip
import json

from tests.support.factories import login, make_customer, make_user
from webapp.auth.models import Role

GZIP = {"Accept-Encoding": "gzip"}


def test_html_page_is_gzipped_when_accepted(app, client):
    """A signed-in page comes gzipped, marked as varying by Accept-Encoding, and unpacks to the page."""
    login(client, make_user(Role.OFFICE))
    plain = client.get("/").get_data()
    response = client.get("/", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.get_data()) == plain
    assert len(response.get_data()) < len(plain)


def test_page_is_plain_for_a_client_that_does_not_accept_gzip(app, client):
    """Without Accept-Encoding the page is sent as it is."""
    login(client, make_user(Role.OFFICE))
    response = client.get("/")
    assert "Content-Encoding" not in response.headers
    assert b"<html" in response.get_data()


def test_json_api_answer_is_gzipped(app, client):
    """An archive API list comes gzipped and unpacks to the same JSON."""
    for n in range(30):
        make_customer(name=f"第{n}中学")
    login(client, make_user(Role.OFFICE))
    response = client.get("/api/customers", headers=GZIP)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.get_data())) == client.get("/api/customers").get_json()


def test_style_sheet_and_script_are_compressed(app, client):
    """The site's CSS and a JS module come compressed (brotli or gzip) to a browser that takes both."""
    for url in ("/static/css/app.css", "/static/js/api.js"):
        response = client.get(url, headers={"Accept-Encoding": "br, gzip"})
        assert response.status_code == 200, url
        assert response.headers.get("Content-Encoding") in {"br", "gzip"}, url
        response.close()
