"""The home page shows each role what to act on first."""
from tests.support.factories import login, make_customer, make_user
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.repairs.services import create_ticket


def _ticket(customer, text="大门摄像机画面模糊"):
    """A repair request reported by phone."""
    ticket = create_ticket(customer=customer, description=text, source="phone", reporter_name="周老师",
                           reporter_phone="13905710001", location="大门")
    db.session.commit()
    return ticket


def test_office_home_counts_new_requests_and_links_the_inbox(app, client):
    """The office sees how many new requests wait, linked to the inbox."""
    customer = make_customer()
    _ticket(customer)
    office = make_user(Role.OFFICE)
    login(client, office)
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "New repair requests" in html
    assert '<span class="tile-count">1</span><span class="tile-label">New repair requests' in html
    assert "/repairs" in html


def test_technician_home_lists_only_their_tickets_and_customers(app, client):
    """A technician sees tickets assigned to them at their schools, not other schools'."""
    tech = make_user(Role.TECHNICIAN)
    mine = make_customer("我的学校", technicians=[tech])
    other = make_customer("别人的学校")
    mine_ticket = _ticket(mine, "我的故障")
    _ticket(other, "别人的故障")
    mine_ticket.assigned_to_id = tech.id
    db.session.commit()
    login(client, tech)
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "我的学校" in html and "我的故障" in html
    assert "别人的学校" not in html and "别人的故障" not in html
    assert "New repair requests" not in html
