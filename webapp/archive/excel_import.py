"""Excel import of a customer's devices: read, check every row, then apply all or nothing.

Import rules, decided here:
- The first worksheet is read; row 1 holds the headers, in Chinese or English (or the field
  keys); a trailing `*` (the template marks required columns) is ignored. Unknown or missing
  required headers make the whole file wrong.
- A row with a serial number that an active device of this customer already has updates that
  device; every other row creates a device. For an update, every column is taken from the file:
  an empty cell empties that field (so export → edit → import is the way to bulk-edit).
- The cabinet column must name an existing, active cabinet of this customer (by name or code).
  Cabinets are NOT created by an import: a typo would silently make a new cabinet with its own
  QR label. Create cabinets on the customer page first. The same goes for rooms.
- Every row is checked with the same rules as the device form (rules.record_problems), plus
  serial duplicates inside the file and serials of retired devices. Anything wrong: nothing is
  imported and each problem is reported with its row number and column.
- A clean file is applied in one transaction (the caller commits): new devices go through
  services.create_record like any other (so they get their QR label), and the import itself is
  written to the audit log next to the per-device entries.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, BinaryIO

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import load_workbook
from sqlalchemy import select

from ..auth.models import User
from ..errors import DomainError
from ..extensions import db
from ..records import audit_values, write_audit_rows
from ..templating import CATEGORY_LABELS
from . import rules, services
from .excel import COLUMN_BY_KEY, COLUMNS, FIELD_OF, MAX_ROWS
from .models import DEVICE_CATEGORIES, Cabinet, Customer, Device, Room

MAX_BYTES = 5 * 1024 * 1024
LANGUAGES = ("zh", "en")


# --- import: reading and checking -----------------------------------------------------------


@dataclass
class Problem:
    """One thing wrong with the file: row 0 means the file as a whole."""

    row: int
    column: str
    message: str


@dataclass
class RowPlan:
    """What one clean row will do."""

    row: int
    data: dict[str, Any]
    device: Device | None  # None: create


@dataclass
class ImportResult:
    """The outcome of checking (and maybe applying) a file."""

    problems: list[Problem] = field(default_factory=list)
    plans: list[RowPlan] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def _norm(value: Any) -> str:
    """Text compared without case, outer spaces or a trailing '*'."""
    return re.sub(r"\s+", " ", str(value or "")).strip().rstrip("*").strip().lower()


def _labels_in_all_languages(label: Any) -> set[str]:
    """A lazy label rendered in every language the app speaks."""
    names = {_norm(label)}
    for lang in LANGUAGES:
        with force_locale(lang):
            names.add(_norm(str(label)))
    return names


def header_aliases(columns=None) -> dict[str, str]:
    """Every accepted header text → column key (of the device sheet unless columns are given)."""
    aliases: dict[str, str] = {}
    for column in columns or COLUMNS:
        aliases[_norm(column.key)] = column.key
        for name in _labels_in_all_languages(column.label):
            aliases[name] = column.key
    if columns is None:
        aliases.update({"cabinet_id": "cabinet", "room_id": "room"})
    return aliases


def category_aliases() -> dict[str, str]:
    """Every accepted category text (key, Chinese or English label) → category key."""
    aliases: dict[str, str] = {}
    for key in DEVICE_CATEGORIES:
        aliases[_norm(key)] = key
        aliases[_norm(key.replace("_", " "))] = key
        for name in _labels_in_all_languages(CATEGORY_LABELS[key]):
            aliases[name] = key
    return aliases


def _as_text(value: Any) -> str:
    """A cell as text; whole numbers lose their '.0' (serials typed as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10]
    return str(value).strip()


DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


def _as_date(value: Any) -> tuple[date | None, str | None]:
    """A cell as a date, or an error message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    text = str(value).strip()
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups())), None
            except ValueError:
                break
    return None, _("Write the date as YYYY-MM-DD (for example 2024-09-01).")


def _as_quantity(value: Any) -> tuple[int | None, str | None]:
    """A cell as a whole number (empty means 1), or an error message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1, None
    if isinstance(value, bool):
        return None, _("The quantity must be a whole number of at least 1.")
    if isinstance(value, int):
        return value, None
    if isinstance(value, float) and value.is_integer():
        return int(value), None
    text = str(value).strip()
    if re.fullmatch(r"\d+", text):
        return int(text), None
    return None, _("The quantity must be a whole number of at least 1.")


def _open_sheet(stream: BinaryIO) -> tuple[Any, Problem | None]:
    """Open the first worksheet of an .xlsx file, or say why not."""
    head = stream.read(MAX_BYTES + 1)
    if len(head) > MAX_BYTES:
        return None, Problem(0, "", _("The file is larger than 5 MB."))
    if not head:
        return None, Problem(0, "", _("The file is empty."))
    if not zipfile.is_zipfile(io.BytesIO(head)):
        return None, Problem(0, "", _("This is not an Excel .xlsx file. Save it as .xlsx and try again."))
    try:
        workbook = load_workbook(io.BytesIO(head), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken or foreign zip
        return None, Problem(0, "", _("This is not an Excel .xlsx file. Save it as .xlsx and try again."))
    if not workbook.worksheets:
        return None, Problem(0, "", _("The file has no worksheet."))
    return workbook.worksheets[0], None


def read_rows(stream: BinaryIO, columns=None) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """The data rows of the first sheet keyed by column, with row numbers; or file problems.
    The device sheet's columns unless others are given (the district import's)."""
    sheet, problem = _open_sheet(stream)
    if problem:
        return [], [problem]
    rows_iter = sheet.iter_rows(values_only=True)
    header = next(rows_iter, None)
    if header is None or all(v is None or str(v).strip() == "" for v in header):
        return [], [Problem(0, "", _("The file is empty: the first row must hold the column headers."))]
    aliases = header_aliases(columns)
    columns = columns or COLUMNS
    positions: dict[int, str] = {}
    problems: list[Problem] = []
    for index, value in enumerate(header):
        if value is None or str(value).strip() == "":
            continue
        key = aliases.get(_norm(value))
        if key is None:
            problems.append(Problem(1, str(value), _("Unknown column header. Use the headers of the template.")))
        elif key in positions.values():
            problems.append(Problem(1, str(value), _("This column appears twice.")))
        else:
            positions[index] = key
    for column in columns:
        if column.required and column.key not in positions.values():
            problems.append(Problem(1, str(column.label), _("This required column is missing.")))
    if problems:
        return [], problems
    rows: list[tuple[int, dict[str, Any]]] = []
    for row_number, values in enumerate(rows_iter, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            return [], [Problem(0, "", _("The file has more than %(n)s rows; split it.", n=MAX_ROWS))]
        rows.append((row_number, {key: values[i] if i < len(values) else None for i, key in positions.items()}))
    if not rows:
        return [], [Problem(0, "", _("The file has headers but no device rows.") if columns is COLUMNS
                            else _("The file has headers but no rows below them."))]
    return rows, []


def _lookup(records, customer_id: str) -> dict[str, list[Any]]:
    """Active records of a customer by normalised name and code."""
    found: dict[str, list[Any]] = {}
    for record in records:
        if record.customer_id != customer_id or record.deleted_at is not None:
            continue
        for key in {_norm(record.name), _norm(getattr(record, "code", "") or "")}:
            if key:
                found.setdefault(key, []).append(record)
    return found


def check_rows(customer: Customer, rows: list[tuple[int, dict[str, Any]]]) -> ImportResult:
    """Check every row against the archive's rules; plan the creates and updates."""
    result = ImportResult()
    categories = category_aliases()
    cabinets = _lookup(
        db.session.scalars(select(Cabinet).where(Cabinet.customer_id == customer.id)).all(), customer.id
    )
    rooms = _lookup(db.session.scalars(select(Room).where(Room.customer_id == customer.id)).all(), customer.id)
    existing: dict[str, list[Device]] = {}
    for device in db.session.scalars(select(Device).where(Device.customer_id == customer.id)).all():
        if device.serial.strip():
            existing.setdefault(_norm(device.serial), []).append(device)
    seen_serials: dict[str, int] = {}

    for row_number, raw in rows:
        problems: list[Problem] = []

        def report(key: str, message: str) -> None:
            """Note a problem in this row."""
            problems.append(Problem(row_number, str(COLUMN_BY_KEY[key].label), message))

        data: dict[str, Any] = {}
        for key, value in raw.items():
            column = COLUMN_BY_KEY[key]
            if column.kind == "date":
                parsed, error = _as_date(value)
                if error:
                    report(key, error)
                data[key] = parsed
            elif column.kind == "int":
                parsed, error = _as_quantity(value)
                if error:
                    report(key, error)
                data[key] = parsed
            else:
                text = _as_text(value)
                if len(text) > column.max_length:
                    report(key, _("Too long: at most %(n)s characters.", n=column.max_length))
                data[key] = text
        for column in COLUMNS:
            if column.required and not data.get(column.key):
                report(column.key, _("This field is required."))
        data.setdefault("quantity", 1)

        if data.get("category"):
            category = categories.get(_norm(data["category"]))
            if category is None:
                report("category", _("Unknown category “%(value)s”: use one from the Instructions sheet.", value=data["category"]))
            data["category"] = category
        for key, lookup, missing, ambiguous in (
            (
                "cabinet", cabinets,
                _("No cabinet of this customer has this name or code. Create the cabinet first."),
                _("Several cabinets have this name; use the cabinet code instead."),
            ),
            (
                "room", rooms,
                _("No room of this customer has this name. Create the room first."),
                _("Several rooms have this name; rename one of them in the archive first."),
            ),
        ):
            text = data.pop(key, None)
            if key not in raw:
                continue
            data[FIELD_OF[key]] = None
            if text:
                matches = lookup.get(_norm(text), [])
                if not matches:
                    report(key, missing)
                elif len({m.id for m in matches}) > 1:
                    report(key, ambiguous)
                else:
                    data[FIELD_OF[key]] = matches[0].id

        target = None
        serial = _norm(data.get("serial"))
        if serial:
            if serial in seen_serials:
                report("serial", _("The same serial number is already in row %(row)s.", row=seen_serials[serial]))
            else:
                seen_serials[serial] = row_number
            matches = existing.get(serial, [])
            live = [d for d in matches if d.deleted_at is None]
            if len(live) > 1:
                report("serial", _("Several devices of this customer have this serial number; fix them in the archive first."))
            elif live:
                target = live[0]
            elif matches:
                report("serial", _("A retired device (%(name)s) has this serial number; restore it first or change the serial.", name=matches[0].name))

        rule_data = {k: v for k, v in data.items() if k != "serial"}
        rule_data["serial"] = ""  # serials are checked above, against the file too
        for field_name, messages in rules.record_problems("device", customer, rule_data, target).items():
            key = {"cabinet_id": "cabinet", "room_id": "room"}.get(field_name, field_name)
            if key not in COLUMN_BY_KEY:
                continue
            if any(p.column == str(COLUMN_BY_KEY[key].label) for p in problems):
                continue  # one clear message per cell is enough
            for message in messages:
                report(key, message)
        if problems:
            result.problems.extend(problems)
        else:
            result.plans.append(RowPlan(row_number, data, target))
    order = {str(c.label): i for i, c in enumerate(COLUMNS)}
    result.problems.sort(key=lambda p: (p.row, order.get(p.column, 99)))
    return result


def check_file(customer: Customer, stream: BinaryIO) -> ImportResult:
    """Read and check a file; nothing is changed."""
    rows, problems = read_rows(stream)
    if problems:
        return ImportResult(problems=problems)
    return check_rows(customer, rows)


# --- import: applying -------------------------------------------------------------------------


def apply_import(user: User, customer: Customer, result: ImportResult, filename: str = "") -> ImportResult:
    """Create and update the devices of a clean check, and audit the import; the caller commits."""
    services.require_editor(user)
    if not result.ok:
        raise DomainError(_("The file has problems; nothing was imported."), code="invalid_import")
    allowed = [k for k in services.KINDS["device"][1] if k != "serial"] + ["serial"]
    for plan in result.plans:
        if plan.device is None:
            services.create_record(user, "device", customer, plan.data)
            result.created += 1
            continue
        before = plan.device.version
        services.apply_values(plan.device, plan.data, [k for k in allowed if k in plan.data])
        if db.session.is_modified(plan.device) or plan.device.version != before:
            result.updated += 1
        else:
            result.unchanged += 1
    db.session.flush()
    write_audit_rows([audit_values("import", "customer", customer.id, customer.id, {
        "file": [None, filename[:200]],
        "created": [None, result.created],
        "updated": [None, result.updated],
    })])
    return result
