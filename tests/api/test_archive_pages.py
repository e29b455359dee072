"""What the archive pages show: search, paging, history from repairs, and the history plug-in point."""
from __future__ import annotations

import pytest

from tests.support.archive import make_district, sign_in, web  # noqa: F401  (fixture)
from tests.support.factories import make_device
from webapp import history
from webapp.extensions import db
from webapp.repairs.models import RepairTicket


@pytest.fixture
def district(app):
    """Two schools and one user per role."""
    return make_district()


def test_customer_search_matches_the_address(web, district):
    """Searching customers by part of the address finds that school only."""
    sign_in(web, district.office)
    html = web.get(f"/customers?q={district.mine.address}").get_data(as_text=True)
    assert district.mine.name in html and district.other.name not in html


def test_device_search_filters_by_school_brand_model_and_category(web, district):
    """Each filter narrows the result to the matching device."""
    sign_in(web, district.office)
    for query in (f"customer={district.mine.id}", "brand=华为", "model=S5735", "category=switch", "q=一号机柜"):
        html = web.get(f"/devices?{query}").get_data(as_text=True)
        assert district.device.name in html and district.other_device.name not in html, query


def test_device_search_is_paginated(web, district, app):
    """With ITEMS_PER_PAGE at 2, three devices take two pages."""
    app.config["ITEMS_PER_PAGE"] = 2
    make_device(district.mine, name="第三台设备", serial="X-3")
    sign_in(web, district.office)
    first = web.get("/devices").get_data(as_text=True)
    second = web.get("/devices?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count('class="list-item') == 2 and second.count('class="list-item') == 1


def test_repairs_show_in_the_history_of_customer_device_and_cabinet(web, district):
    """A repair ticket of a device appears on its customer's, cabinet's and device's page."""
    db.session.add(RepairTicket(
        number="BX2026-00001", customer_id=district.mine.id, device_id=district.device.id,
        description="交换机端口不通", status="reported",
    ))
    db.session.commit()
    sign_in(web, district.tech)
    for path in (f"/customers/{district.mine.id}", f"/devices/{district.device.id}", f"/cabinets/{district.cabinet.id}"):
        assert "BX2026-00001" in web.get(path).get_data(as_text=True), path
    assert "BX2026-00001" not in web.get(f"/devices/{district.other_device.id}").get_data(as_text=True)


def test_a_feature_can_plug_a_section_into_the_history(web, district, monkeypatch):
    """Registering a section under an existing key replaces that section in place on the page."""
    monkeypatch.setattr(history, "_providers", {k: list(v) for k, v in history._providers.items()})
    history.register_section(
        "device", "patrols",
        lambda device, user: history.HistorySection(
            "patrols", "Patrols", [history.HistoryItem(at=None, title="Monthly patrol 2026-11")], "none"
        ),
    )
    sign_in(web, district.office)
    html = web.get(f"/devices/{district.device.id}").get_data(as_text=True)
    assert "Monthly patrol 2026-11" in html
    assert "No patrol or maintenance sheets filed yet." not in html
    assert history.registered_keys("device") == ["repairs", "patrols", "documents", "changes"]


def test_history_sections_come_in_the_order_the_factory_registers_them(app):
    """A school's projects first (where its archive came from), then repairs, patrols, documents and
    changes of version or place; a cabinet has none of the first and last two."""
    assert history.registered_keys("customer") == ["projects", "repairs", "patrols", "documents", "changes"]
    assert history.registered_keys("cabinet") == ["repairs", "patrols"]
    assert history.registered_keys("device") == ["repairs", "patrols", "documents", "changes"]


def test_a_section_for_a_page_without_history_is_refused(app):
    """Only customer, cabinet and device pages have a history area."""
    with pytest.raises(ValueError):
        history.register_section("contact", "repairs", lambda record, user: None)
