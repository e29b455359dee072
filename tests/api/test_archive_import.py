"""The Excel pages: download, template, and an import that is all-or-nothing with a per-row report."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.support.archive import make_district, sign_in, web  # noqa: F401  (fixture)
from webapp.archive.models import Device
from webapp.audit.models import AuditLog
from webapp.extensions import db

HEADER = ["Device name", "Category", "Quantity", "Serial number", "Install date", "Warranty end", "Cabinet"]


@pytest.fixture
def district(app):
    """Two schools and one user per role."""
    return make_district()


def xlsx(rows: list[list]) -> io.BytesIO:
    """An .xlsx file with these rows."""
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def upload(client, customer, content: io.BytesIO, filename: str = "devices.xlsx"):
    """Post a file to the customer's import page."""
    return client.post(
        f"/customers/{customer.id}/devices/import",
        data={"file": (content, filename)},
        content_type="multipart/form-data",
    )


def devices_of(customer) -> int:
    """How many devices the customer has."""
    return db.session.scalar(select(func.count()).select_from(Device).where(Device.customer_id == customer.id))


def test_export_downloads_an_xlsx_with_english_headers(web, district):
    """The export is an .xlsx attachment whose first row is the English header."""
    sign_in(web, district.tech)
    response = web.get(f"/customers/{district.mine.id}/devices.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert ws["A1"].value == "Device name"
    assert ws["A2"].value == district.device.name


def test_template_downloads(web, district):
    """The empty template downloads for a signed-in user."""
    sign_in(web, district.office)
    response = web.get("/devices/import-template.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.data)).worksheets[0]["A1"].value == "Device name *"


def test_bad_rows_show_a_report_and_import_nothing(web, district):
    """A file with bad rows answers 422 with each row, column and problem; no device is added."""
    sign_in(web, district.office)
    before = devices_of(district.mine)
    response = upload(web, district.mine, xlsx([
        HEADER,
        ["Good one", "switch", 1, "G-1", "2024-01-01", "2026-01-01", "一号机柜"],
        ["", "switch", 1, "G-2", "", "", ""],
        ["Zero", "switch", 0, "G-3", "", "", "nowhere"],
    ]))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported: 3 problems to fix" in html
    assert "No cabinet of this customer has this name or code." in html
    assert devices_of(district.mine) == before
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "import")) == 0


def test_a_clean_file_is_imported_and_audited(web, district):
    """A clean file adds its devices in one go, says how many, and leaves an 'import' audit row."""
    sign_in(web, district.office)
    before = devices_of(district.mine)
    response = upload(web, district.mine, xlsx([
        HEADER,
        ["New AP", "access_point", 2, "AP-9", "2024-01-01", "2027-01-01", "JG-101"],
        ["核心交换机", "switch", 1, "HW-0001", "2024-01-10", "2028-01-09", "一号机柜"],
    ]), filename="核心.xlsx")
    assert response.status_code == 302
    assert devices_of(district.mine) == before + 1
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import done: 1 new, 1 changed, 0 unchanged." in page
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "import")).one()
    assert entry.user_id == district.office.id and entry.changes["file"] == [None, "核心.xlsx"]
    db.session.refresh(district.device)
    assert district.device.warranty_end.year == 2028


def test_a_file_that_is_not_xlsx_is_refused_by_the_form(web, district):
    """Uploading a .csv is refused with a clear message and changes nothing."""
    sign_in(web, district.office)
    before = devices_of(district.mine)
    response = upload(web, district.mine, io.BytesIO(b"name,category\nA,switch\n"), filename="devices.csv")
    assert response.status_code == 422
    assert "Only Excel .xlsx files can be imported." in response.get_data(as_text=True)
    assert devices_of(district.mine) == before


def test_a_renamed_non_excel_file_is_refused(web, district):
    """A text file named .xlsx gets the file-level message in the report."""
    sign_in(web, district.office)
    response = upload(web, district.mine, io.BytesIO(b"just text"), filename="devices.xlsx")
    assert response.status_code == 422
    assert "This is not an Excel .xlsx file." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["tech", "quality"])
def test_only_editors_may_import(web, district, role):
    """Technicians and quality inspectors get 403 on the import page."""
    sign_in(web, getattr(district, role))
    assert web.get(f"/customers/{district.mine.id}/devices/import").status_code == 403
    assert upload(web, district.mine, xlsx([HEADER, ["X", "switch", 1, "X-1", "", "", ""]])).status_code == 403
