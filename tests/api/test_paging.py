"""Every paged list reads `?page=` the same way: odd or enormous page numbers answer a page, never a 500."""
from __future__ import annotations

import pytest

from tests.support.factories import login, make_customer, make_device, make_user
from webapp.auth.models import Role
from webapp.extensions import db

HUGE = "99999999999999999999"


@pytest.fixture
def office(app, client):
    """The office signed in, with one school and one device in the archive."""
    user = make_user(Role.SUPERVISOR)
    customer = make_customer(technicians=[])
    make_device(customer)
    db.session.commit()
    login(client, user)
    return user


@pytest.mark.parametrize("path", ["/api/customers", "/api/devices"])
def test_the_read_api_answers_an_empty_page_beyond_the_last(client, office, path):
    """A page number far past the end (once a 500 on SQLite) is an empty page with the true total."""
    response = client.get(f"{path}?page={HUGE}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["items"] == [] and body["total"] >= 1 and body["page"] == 1_000_000


@pytest.mark.parametrize("path", ["/customers", "/audit", "/sync/review?tab=rejected", "/maintenance/plans",
                                  "/maintenance/review?state=all"])
@pytest.mark.parametrize("page", [HUGE, "-3", "abc"])
def test_pages_answer_any_page_number(client, office, path, page):
    """The office's paged pages answer odd page numbers with a page, not an error."""
    joiner = "&" if "?" in path else "?"
    response = client.get(f"{path}{joiner}page={page}", follow_redirects=True)
    assert response.status_code == 200, (path, page, response.status_code)
