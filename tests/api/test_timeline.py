"""One timeline per device and per school: repairs, sheets, papers and changes, newest first."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.archive import make_district, sign_in, web  # noqa: F401  (fixture)
from tests.support.factories import make_checklist, make_sheet
from tests.support.repair_builders import make_ticket
from webapp.extensions import db
from webapp.history import HistoryItem, HistorySection, timeline


@pytest.fixture
def lived(app):
    """A device with a repair in October, a sheet in November and a version change today."""
    d = make_district()
    ticket = make_ticket(d.mine, reported_at=datetime(2026, 10, 5, 2, tzinfo=UTC))
    ticket.device_id, ticket.description = d.device.id, "交换机端口灯不亮"
    db.session.commit()
    template = make_checklist()
    make_sheet(d.tech, template, d.mine, {"works": {"value": "pass"}}, device_id=d.device.id,
               started_at=datetime(2026, 11, 10, 1, tzinfo=UTC), finished_at=datetime(2026, 11, 10, 2, tzinfo=UTC))
    d.ticket = ticket
    return d


def change_version(client, device, version: str) -> None:
    """The office changes the device's software version on its edit page."""
    data = {
        "name": device.name, "category": device.category, "brand": device.brand, "model": device.model,
        "quantity": str(device.quantity), "protocol": device.protocol, "software_version": version,
        "serial": device.serial, "ip_address": "", "cabinet_id": device.cabinet_id or "", "room_id": "",
        "install_date": device.install_date.isoformat(), "warranty_end": device.warranty_end.isoformat(),
        "supplier": "", "notes": "",
    }
    assert client.post(f"/archive/device/{device.id}/edit", data=data).status_code == 302


def kinds_in_order(html: str) -> list[str]:
    """The data-kind of each timeline line, top to bottom."""
    body = html.split('<ol class="timeline">')[1].split("</ol>")[0]
    return [chunk.split('"')[0] for chunk in body.split('data-kind="')[1:]]


def test_the_device_page_shows_one_timeline_newest_first(web, lived):
    """The version change, then the sheet, then the repair: one list in date order."""
    sign_in(web, lived.office)
    change_version(web, lived.device, "V6.0.1")
    html = web.get(f"/devices/{lived.device.id}").get_data(as_text=True)
    assert kinds_in_order(html) == ["changes", "patrols", "repairs"]
    assert "Software version: V5.7.3 → V6.0.1" in html
    assert "交换机端口灯不亮" in html


def test_the_school_timeline_names_the_device_that_changed(web, lived):
    """On the school's page a version change says which device it was."""
    sign_in(web, lived.office)
    change_version(web, lived.device, "V6.0.1")
    html = web.get(f"/customers/{lived.mine.id}").get_data(as_text=True)
    order = kinds_in_order(html)
    assert order[0] == "changes" and order.index("patrols") < order.index("repairs")
    assert f"{lived.device.name} · Software version: V5.7.3 → V6.0.1" in html


def test_a_change_of_something_else_is_not_on_the_timeline(web, lived):
    """Editing the notes is in the change log, not among version and location changes."""
    sign_in(web, lived.office)
    html = web.get(f"/devices/{lived.device.id}").get_data(as_text=True)
    assert 'data-kind="changes"' not in html


def test_a_day_without_a_time_sorts_after_that_days_timed_lines():
    """A dated paper (no time) of 10 Nov comes before (above) a repair at 09:00 on 10 Nov."""
    timed = HistoryItem(at=datetime(2026, 11, 10, 1, tzinfo=UTC), title="repair")
    dated = HistoryItem(at=datetime(2026, 11, 10).date(), title="paper")
    older = HistoryItem(at=datetime(2026, 11, 9, 23, tzinfo=UTC), title="sheet")
    entries = timeline([HistorySection("a", "A", [timed, older]), HistorySection("b", "B", [dated])])
    assert [e.item.title for e in entries] == ["paper", "repair", "sheet"]
