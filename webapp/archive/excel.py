"""Excel export of a customer's devices and the empty import template (openpyxl).

The sheet's columns (`COLUMNS`) are shared with the import (`excel_import.py`), so a file
exported here can be edited and imported back.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from ..extensions import db
from ..templating import CATEGORY_LABELS
from .models import DEVICE_CATEGORIES, Customer, Device

MAX_ROWS = 5000  # rows an import takes; the template's category drop-down covers as many


@dataclass(frozen=True)
class Column:
    """One column of the device sheet."""

    key: str
    label: Any
    kind: str = "text"  # text, int, date, category, cabinet, room
    required: bool = False
    max_length: int = 200
    width: int = 16


COLUMNS = [
    Column("name", _l("Device name"), required=True, width=24),
    Column("category", _l("Category"), kind="category", required=True, width=18),
    Column("brand", _l("Brand"), max_length=100),
    Column("model", _l("Model"), max_length=100, width=22),
    Column("quantity", _l("Quantity"), kind="int", width=10),
    Column("protocol", _l("Protocol"), max_length=100, width=20),
    Column("software_version", _l("Software version"), max_length=100, width=22),
    Column("serial", _l("Serial number"), max_length=100, width=20),
    Column("ip_address", _l("IP address"), max_length=64, width=16),
    Column("install_date", _l("Install date"), kind="date", width=14),
    Column("warranty_end", _l("Warranty end"), kind="date", width=14),
    Column("supplier", _l("Supplier"), width=22),
    Column("cabinet", _l("Cabinet"), kind="cabinet", width=22),
    Column("room", _l("Room"), kind="room", width=18),
    Column("notes", _l("Notes"), max_length=5000, width=30),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
# Column keys as the device form and services name them.
FIELD_OF = {"cabinet": "cabinet_id", "room": "room_id"}
HEADER_FILL = PatternFill("solid", fgColor="DCE8F2")


# --- export -------------------------------------------------------------------------------


def _text_cell(cell, value: str) -> None:
    """Put text in a cell as text, even when it starts with '=' (no formula injection)."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _header_row(sheet, mark_required: bool = False) -> None:
    """Write the header row in the reader's language, bold, frozen, with column widths."""
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=str(column.label) + (" *" if mark_required and column.required else ""))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def device_values(device: Device) -> dict[str, Any]:
    """A device as the values of one sheet row."""
    return {
        "name": device.name,
        "category": str(CATEGORY_LABELS.get(device.category, device.category)),
        "brand": device.brand,
        "model": device.model,
        "quantity": device.quantity,
        "protocol": device.protocol,
        "software_version": device.software_version,
        "serial": device.serial,
        "ip_address": device.ip_address,
        "install_date": device.install_date,
        "warranty_end": device.warranty_end,
        "supplier": device.supplier,
        "cabinet": device.cabinet.name if device.cabinet else "",
        "room": device.room.name if device.room else "",
        "notes": device.notes,
    }


def _write_rows(sheet, rows: list[dict[str, Any]]) -> None:
    """Write data rows under the header."""
    for row_index, values in enumerate(rows, start=2):
        for col_index, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=row_index, column=col_index)
            value = values.get(column.key)
            if column.kind == "date":
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            elif column.kind == "int":
                cell.value = value
            else:
                _text_cell(cell, value or "")
                if column.key in ("serial", "model", "software_version", "ip_address"):
                    cell.number_format = "@"


def _category_list_validation(sheet, lists_sheet_title: str) -> None:
    """A drop-down of the categories on the category column."""
    letter = get_column_letter(COLUMNS.index(COLUMN_BY_KEY["category"]) + 1)
    validation = DataValidation(
        type="list", formula1=f"'{lists_sheet_title}'!$A$2:$A${len(DEVICE_CATEGORIES) + 1}", allow_blank=True
    )
    validation.error = _("Choose one of the listed categories.")
    validation.showErrorMessage = False  # a warning from the importer is clearer than Excel's box
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")


def _lists_sheet(workbook: Workbook) -> None:
    """A second sheet explaining the columns and listing the categories."""
    sheet = workbook.create_sheet(_("Instructions"))
    sheet["A1"] = _("Category")
    sheet["A1"].font = Font(bold=True)
    for index, key in enumerate(DEVICE_CATEGORIES, start=2):
        sheet.cell(row=index, column=1, value=str(CATEGORY_LABELS[key]))
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["C"].width = 100
    notes = [
        _("Fill the first sheet, one device per row; keep the header row as it is."),
        _("Required: device name and category (a value from column A, in Chinese or English)."),
        _("Dates as YYYY-MM-DD. Quantity is a whole number of at least 1 (empty means 1)."),
        _("Cabinet and room must already exist at this customer (cabinet by name or code)."),
        _("A row whose serial number an existing device has updates that device; empty cells then empty its fields."),
        _("Other rows create new devices. Nothing is imported until every row is correct."),
    ]
    sheet["C1"] = _("How to fill in")
    sheet["C1"].font = Font(bold=True)
    for index, note in enumerate(notes, start=2):
        sheet.cell(row=index, column=3, value=note).alignment = Alignment(wrap_text=True)


def _save(workbook: Workbook) -> bytes:
    """The workbook as .xlsx bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_devices(customer: Customer) -> bytes:
    """The customer's active devices as an .xlsx file, headers in the reader's language."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Devices")
    _header_row(sheet)
    devices = db.session.scalars(
        select(Device)
        .where(Device.customer_id == customer.id, Device.deleted_at.is_(None))
        .order_by(Device.name, Device.id)
    ).all()
    _write_rows(sheet, [device_values(d) for d in devices])
    _lists_sheet(workbook)
    _category_list_validation(sheet, workbook.worksheets[1].title)
    return _save(workbook)


def import_template() -> bytes:
    """An empty device sheet with the headers, the category drop-down and instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Devices")
    _header_row(sheet, mark_required=True)
    _lists_sheet(workbook)
    _category_list_validation(sheet, workbook.worksheets[1].title)
    return _save(workbook)
