"""A cabinet's history lists the repairs of the cabinet and of the devices in it, and no others."""
from __future__ import annotations

from tests.support.factories import make_cabinet, make_customer, make_device, make_user
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.repairs.history import tickets_of_cabinet
from webapp.repairs.services import take_call


def test_cabinet_history_holds_its_own_and_its_devices_tickets_only(app):
    """Tickets naming the cabinet or a device in it are listed; another cabinet's device's is not."""
    office = make_user(Role.OFFICE)
    school = make_customer()
    cabinet, other = make_cabinet(school), make_cabinet(school)
    inside, elsewhere = make_device(school, cabinet), make_device(school, other)
    own = take_call(office, school, "机柜门锁坏了")
    own.cabinet_id = cabinet.id
    of_device = take_call(office, school, "交换机掉线", device=inside)
    not_ours = take_call(office, school, "摄像机无画面", device=elsewhere)
    db.session.commit()
    titles = [item.title for item in tickets_of_cabinet(cabinet, office).items]
    assert sorted(titles) == sorted(f"{t.number} · {t.description}" for t in (own, of_device))
    assert not any(not_ours.number in title for title in titles)
