"""Excel export and import of a customer's devices: headers, round trip, per-row problems, nothing half-done."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.support.factories import make_cabinet, make_customer, make_device, make_user
from webapp.archive import excel, excel_import
from webapp.archive.models import Device
from webapp.audit.models import AuditLog
from webapp.auth.models import Role
from webapp.errors import DomainError
from webapp.extensions import db


@pytest.fixture
def english(app):
    """A request context in English (headers and messages follow the reader's language)."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def school(app):
    """A school with two cabinets and two devices."""
    customer = make_customer("东湖小学")
    core = make_cabinet(customer, "核心机柜", code="JG-101")
    make_cabinet(customer, "教学楼机柜", code="JG-102")
    make_device(customer, core, name="核心交换机", category="switch", brand="华为", model="S5735", serial="HW-1", quantity=1)
    make_device(customer, core, name="摄像机-01", serial="HK-1", quantity=4, notes="=SUM(A1:A2)")
    return customer


def sheet_bytes(rows: list[list]) -> io.BytesIO:
    """An .xlsx with these rows on its first sheet."""
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def device_count(customer) -> int:
    """Devices of a customer, retired or not."""
    return db.session.scalar(select(func.count()).select_from(Device).where(Device.customer_id == customer.id))


HEADER = ["Device name", "Category", "Brand", "Model", "Quantity", "Serial number", "Install date", "Warranty end", "Cabinet"]


def test_export_has_a_header_row_in_english_and_every_device(english, school):
    """The first row holds the English headers; each device is a row with its category label."""
    wb = load_workbook(io.BytesIO(excel.export_devices(school)))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("Device name", "Category", "Brand")
    assert len(rows[0]) == len(excel.COLUMNS)
    names = {r[0]: r for r in rows[1:]}
    assert set(names) == {"核心交换机", "摄像机-01"}
    assert names["核心交换机"][1] == "Switch"
    assert names["核心交换机"][excel.COLUMNS.index(excel.COLUMN_BY_KEY["cabinet"])] == "核心机柜"


def test_export_headers_follow_chinese(app, school):
    """For a Chinese reader the category is written in Chinese."""
    with app.test_request_context("/?lang=zh"):
        wb = load_workbook(io.BytesIO(excel.export_devices(school)))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert "交换机" in {r[1] for r in rows[1:]}


def test_export_writes_formulas_as_plain_text(english, school):
    """A note that starts with '=' is stored as text, not as a formula Excel would run."""
    wb = load_workbook(io.BytesIO(excel.export_devices(school)))
    notes_col = excel.COLUMNS.index(excel.COLUMN_BY_KEY["notes"]) + 1
    cells = [row[notes_col - 1] for row in wb.worksheets[0].iter_rows(min_row=2)]
    formula_cell = next(c for c in cells if c.value and str(c.value).startswith("="))
    assert formula_cell.data_type == "s"


def test_round_trip_changes_nothing(english, school):
    """Importing an unedited export updates no device and creates none."""
    office = make_user(Role.OFFICE)
    data = excel.export_devices(school)
    result = excel_import.check_file(school, io.BytesIO(data))
    assert result.ok, result.problems
    excel_import.apply_import(office, school, result, "devices.xlsx")
    db.session.commit()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert device_count(school) == 2


def test_round_trip_with_an_edited_cell_updates_that_device_and_is_audited(english, school):
    """Changing one software version in the export updates exactly that device, in the audit log too."""
    office = make_user(Role.OFFICE)
    wb = load_workbook(io.BytesIO(excel.export_devices(school)))
    ws = wb.worksheets[0]
    version_col = excel.COLUMNS.index(excel.COLUMN_BY_KEY["software_version"]) + 1
    serial_col = excel.COLUMNS.index(excel.COLUMN_BY_KEY["serial"]) + 1
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=serial_col).value == "HW-1":
            ws.cell(row=row, column=version_col, value="V300")
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    result = excel_import.check_file(school, buffer)
    excel_import.apply_import(office, school, result, "edited.xlsx")
    db.session.commit()
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    device = db.session.scalar(select(Device).where(Device.serial == "HW-1"))
    assert device.software_version == "V300"
    summary = db.session.scalars(select(AuditLog).where(AuditLog.action == "import")).one()
    assert summary.customer_id == school.id and summary.changes["updated"] == [None, 1]


def test_new_rows_create_devices_in_the_named_cabinet(english, school):
    """Rows with new serials become devices; the cabinet may be named by its code; Chinese categories work."""
    office = make_user(Role.OFFICE)
    buffer = sheet_bytes([
        HEADER,
        ["无线AP-01", "access point", "华为", "AirEngine 5761", 2, "AP-1", "2024-02-01", "2027-02-01", "JG-102"],
        ["摄像机-02", "摄像机", "海康威视", "DS-2CD", None, "HK-2", date(2024, 2, 1), None, "核心机柜"],
    ])
    result = excel_import.check_file(school, buffer)
    assert result.ok, result.problems
    excel_import.apply_import(office, school, result)
    db.session.commit()
    ap = db.session.scalar(select(Device).where(Device.serial == "AP-1"))
    camera = db.session.scalar(select(Device).where(Device.serial == "HK-2"))
    assert ap.category == "access_point" and ap.quantity == 2 and ap.cabinet.code == "JG-102"
    assert camera.category == "camera" and camera.quantity == 1 and camera.install_date == date(2024, 2, 1)
    assert ap.qr_token and camera.qr_token


def test_bad_rows_are_each_reported_and_nothing_is_imported(english, school):
    """Every wrong cell is reported with its row and column, and no device is created or changed."""
    before = device_count(school)
    buffer = sheet_bytes([
        HEADER,
        ["", "switch", "", "", 1, "N-1", "2024-01-01", "2025-01-01", ""],            # row 2: no name
        ["OK device", "switch", "", "", 1, "N-2", "2024-01-01", "2025-01-01", ""],   # row 3: fine
        ["Bad qty", "switch", "", "", 0, "N-3", "2024-01-01", "", ""],                # row 4: quantity 0
        ["Bad date", "switch", "", "", 1, "N-4", "yesterday", "", ""],               # row 5: date
        ["Bad warranty", "switch", "", "", 1, "N-5", "2024-05-01", "2024-01-01", ""],  # row 6: warranty < install
        ["Bad cat", "toaster", "", "", 1, "N-6", "", "", ""],                         # row 7: category
        ["Bad cabinet", "switch", "", "", 1, "N-7", "", "", "No such cabinet"],      # row 8: cabinet
        ["Dup serial", "switch", "", "", 1, "N-2", "", "", ""],                       # row 9: serial twice
    ])
    result = excel_import.check_file(school, buffer)
    found = {(p.row, p.column) for p in result.problems}
    assert found == {
        (2, "Device name"), (4, "Quantity"), (5, "Install date"), (6, "Warranty end"),
        (7, "Category"), (8, "Cabinet"), (9, "Serial number"),
    }
    messages = {p.row: p.message for p in result.problems}
    assert "row 3" in messages[9]
    with pytest.raises(DomainError):
        excel_import.apply_import(make_user(Role.OFFICE), school, result)
    db.session.rollback()
    assert device_count(school) == before


def test_a_serial_of_a_retired_device_is_reported(english, school):
    """A row naming the serial of a retired device is refused rather than silently reviving it."""
    device = db.session.scalar(select(Device).where(Device.serial == "HK-1"))
    device.deleted_at = datetime(2025, 1, 1, tzinfo=timezone.utc)
    db.session.commit()
    result = excel_import.check_file(school, sheet_bytes([HEADER, ["摄像机-01", "camera", "", "", 1, "HK-1", "", "", ""]]))
    assert [p.column for p in result.problems] == ["Serial number"]
    assert "retired" in result.problems[0].message


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "The file is empty."),
        (b"name,category\nA,switch\n", "This is not an Excel .xlsx file."),
        (b"PK\x03\x04 broken zip", "This is not an Excel .xlsx file."),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused_whole(english, school, content, expected):
    """Empty, CSV and broken files are one clear file-level problem."""
    result = excel_import.check_file(school, io.BytesIO(content))
    assert len(result.problems) == 1 and result.problems[0].row == 0
    assert result.problems[0].message.startswith(expected)


def test_wrong_headers_are_reported(english, school):
    """An unknown header and a missing required column are both named."""
    result = excel_import.check_file(school, sheet_bytes([["Device name", "Colour"], ["A", "red"]]))
    messages = {(p.column, p.message) for p in result.problems}
    assert ("Colour", "Unknown column header. Use the headers of the template.") in messages
    assert ("Category", "This required column is missing.") in messages


def test_headers_without_rows_are_reported(english, school):
    """A sheet with only the header row says it has no device rows."""
    result = excel_import.check_file(school, sheet_bytes([HEADER]))
    assert [p.message for p in result.problems] == ["The file has headers but no device rows."]


def test_chinese_headers_are_accepted(app, school):
    """A file exported for a Chinese reader imports for an English one."""
    with app.test_request_context("/?lang=zh"):
        data = excel.export_devices(school)
    with app.test_request_context("/?lang=en"):
        result = excel_import.check_file(school, io.BytesIO(data))
    assert result.ok, result.problems
    assert len(result.plans) == 2


def test_template_has_the_headers_and_instructions(english):
    """The template's first sheet has the headers (required ones marked) and a second sheet explains."""
    wb = load_workbook(io.BytesIO(excel.import_template()))
    header = [c.value for c in wb.worksheets[0][1]]
    assert header[0] == "Device name *" and header[1] == "Category *"
    assert len(wb.worksheets) == 2
