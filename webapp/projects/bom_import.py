"""The bill of materials (设备清单) from Excel into a project's device list: all rows or none.

The file is the archive's device sheet (`archive/excel.py`, its template and headers in Chinese or
English) with one more column, the site (站点 / 安装位置) each device is installed at; reading
and each cell's parsing are the archive import's (`archive/excel_import.py`: the first sheet,
headers, dates, quantities, categories). Unlike the archive import, the cabinet column *names* the
cabinet to be made at hand-over (the school has none yet), and the room column is the location.
Every row is then checked by `handover.device_values` -- the rules of the device list, which are
the archive's -- and anything wrong in any row means nothing is added, with each problem named
by its row and column.
"""
from __future__ import annotations

from typing import Any, BinaryIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..archive import excel_import
from ..archive.excel import COLUMN_BY_KEY
from ..archive.excel_import import ImportResult, Problem
from ..auth.models import User
from ..errors import DomainError
from . import handover, rules
from .models import Project

SITE_HEADERS = ("site", "site_name", "站点", "安装位置", "校区", _l("Site"))
EXTRA = {"site_name": _l("Site"), "cabinet_code": _l("Cabinet code"), "location": _l("Location")}
# archive column key -> device-list field
FIELDS = {"cabinet": "cabinet_name", "room": "location"}


def _aliases() -> dict[str, str]:
    """Every accepted header -> device-list field."""
    aliases = {name: FIELDS.get(key, key) for name, key in excel_import.header_aliases().items()
               if key not in ("cabinet_id", "room_id")}
    for header in SITE_HEADERS:
        for name in excel_import._labels_in_all_languages(header):
            aliases[name] = "site_name"
    for key, label in EXTRA.items():
        for name in excel_import._labels_in_all_languages(label) | {key, key.replace("_", " ")}:
            aliases.setdefault(excel_import._norm(name), key)
    aliases[excel_import._norm("机柜编号")] = "cabinet_code"
    return aliases


def _label(key: str) -> str:
    """A field's column header for a problem."""
    archive_key = {v: k for k, v in FIELDS.items()}.get(key, key)
    column = COLUMN_BY_KEY.get(archive_key)
    return str(column.label if column is not None else EXTRA.get(key, key))


def read_file(stream: BinaryIO) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """The rows of the first sheet as device-list values, or the problems of the file and its cells."""
    sheet, problem = excel_import._open_sheet(stream)
    if problem:
        return [], [problem]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    aliases = _aliases()
    positions: dict[int, str] = {}
    problems: list[Problem] = []
    for index, value in enumerate(header):
        if value is None or not str(value).strip():
            continue
        key = aliases.get(excel_import._norm(value))
        if key is None:
            problems.append(Problem(1, str(value), _("Unknown column header. Use the headers of the template.")))
        elif key in positions.values():
            problems.append(Problem(1, str(value), _("This column appears twice.")))
        else:
            positions[index] = key
    for key in ("site_name", "name"):
        if key not in positions.values():
            problems.append(Problem(1, _label(key), _("This required column is missing.")))
    if problems:
        return [], problems
    categories = excel_import.category_aliases()
    found = []
    for number, values in enumerate(rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        data: dict[str, Any] = {}
        for index, key in positions.items():
            value = values[index] if index < len(values) else None
            if key in ("install_date", "warranty_end"):
                data[key], error = excel_import._as_date(value)
            elif key == "quantity":
                data[key], error = excel_import._as_quantity(value)
            elif key == "category":
                text = excel_import._as_text(value)
                data[key] = categories.get(excel_import._norm(text), "other") if text else "other"
                error = None if not text or excel_import._norm(text) in categories else _(
                    "Unknown category “%(value)s”: use one from the Instructions sheet.", value=text)
            else:
                data[key], error = excel_import._as_text(value), None
            if error:
                problems.append(Problem(number, _label(key), error))
        found.append((number, data))
    if not found and not problems:
        problems.append(Problem(0, "", _("The file has headers but no device rows.")))
    return found, problems


def import_devices(user: User, project: Project, stream: BinaryIO) -> ImportResult:
    """Add every row of the file to the device list, or none (DomainError naming each problem)."""
    handover._require_list_open(user, project)
    rows, problems = read_file(stream)
    result = ImportResult(problems=problems)
    checked = []
    for number, data in rows:
        row_problems: rules.Problems = {}
        values = handover.device_values(data, row_problems)
        for key, messages in row_problems.items():
            result.problems.extend(Problem(number, _label(key), m) for m in messages)
        checked.append(values)
    if result.problems:
        raise DomainError(_("The file has problems; nothing was imported."), code="invalid_import",
                          errors={"file": [_("The file has problems; nothing was imported.")]},
                          details={"problems": [p.__dict__ for p in result.problems[:200]]})
    for data in checked:
        handover.add_device(user, project, data)
        result.created += 1
    return result
