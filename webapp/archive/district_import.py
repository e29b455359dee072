"""Excel import of a district: customers (schools), their sites and contacts, in one sheet.

Import rules, decided here (the device import's reading and checking are reused):
- One row names a school and, optionally, one site and one contact of it. Rows with the same
  school name belong to one school: the first such row gives the school's facts, later rows
  add sites and contacts (a later row that gives other facts for the school is a problem).
- A school already in the archive is a problem, not an update: this brings a district in once;
  later changes are made on the customer's page, where they are seen and audited one by one.
- Every school is checked with the customer form's rules (kind, acceptance date, unique name);
  a site or contact needs its name; a site name or a contact appears once per school.
- Anything wrong: nothing is imported, and each problem is reported with its row and column.
  A clean file is applied in one transaction (the caller commits) through the archive's verbs.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font

from ..auth.models import User
from ..errors import DomainError
from ..extensions import db
from ..records import audit_values, write_audit_rows
from ..templating import CUSTOMER_KIND_LABELS
from . import rules, services
from .excel import Column
from .excel_import import Problem, _as_date, _as_text, _labels_in_all_languages, _norm, read_rows
from .models import CUSTOMER_KINDS

CUSTOMER_FIELDS = ("name", "kind", "address", "acceptance_date", "person_in_charge", "phone")
COLUMNS = [
    Column("name", _l("School name"), required=True, max_length=200, width=24),
    Column("kind", _l("Kind"), max_length=40),
    Column("address", _l("Address"), max_length=300, width=30),
    Column("acceptance_date", _l("Acceptance date"), kind="date"),
    Column("person_in_charge", _l("Person in charge"), max_length=100),
    Column("phone", _l("Phone"), max_length=40),
    Column("site", _l("Site name"), max_length=200, width=20),
    Column("site_address", _l("Site address"), max_length=300, width=30),
    Column("contact", _l("Contact name"), max_length=100),
    Column("contact_title", _l("Contact position"), max_length=100),
    Column("contact_phone", _l("Contact phone"), max_length=40),
    Column("contact_email", _l("Contact e-mail"), max_length=120),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


@dataclass
class SchoolPlan:
    """One school of a clean file, with its sites and contacts."""

    row: int
    data: dict[str, Any]
    sites: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DistrictResult:
    """The outcome of checking (and maybe applying) a district file."""

    problems: list[Problem] = field(default_factory=list)
    schools: list[SchoolPlan] = field(default_factory=list)
    created: int = 0
    sites: int = 0
    contacts: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def kind_aliases() -> dict[str, str]:
    """Every accepted kind text (key, Chinese or English label) → kind key."""
    aliases: dict[str, str] = {}
    for key in CUSTOMER_KINDS:
        aliases[_norm(key)] = key
        for name in _labels_in_all_languages(CUSTOMER_KIND_LABELS[key]):
            aliases[name] = key
    return aliases


def check_rows(rows: list[tuple[int, dict[str, Any]]]) -> DistrictResult:
    """Check every row; group them into schools with their sites and contacts."""
    result = DistrictResult()
    kinds = kind_aliases()
    schools: dict[str, SchoolPlan] = {}
    for row_number, raw in rows:
        def report(key: str, message: str) -> None:
            """Note a problem in this row."""
            result.problems.append(Problem(row_number, str(COLUMN_BY_KEY[key].label), message))

        values: dict[str, Any] = {}
        for key, value in raw.items():
            column = COLUMN_BY_KEY[key]
            if column.kind == "date":
                values[key], error = _as_date(value)
            else:
                values[key] = _as_text(value)
                error = (_("Too long: at most %(n)s characters.", n=column.max_length)
                         if len(values[key]) > column.max_length else None)
            if error:
                report(key, error)
        name = values.get("name") or ""
        if not name:
            report("name", _("This field is required."))
            continue
        facts = {k: values.get(k) for k in CUSTOMER_FIELDS if values.get(k)}
        if "kind" in facts:
            kind = kinds.get(_norm(facts["kind"]))
            if kind is None:
                report("kind", _("Unknown kind “%(value)s”: write school or organisation.", value=facts["kind"]))
            facts["kind"] = kind
        school = schools.get(_norm(name))
        if school is None:
            data = {"kind": "school", "address": "", "person_in_charge": "", "phone": "", "notes": "",
                    "acceptance_date": None, **facts, "name": name}
            for field_name, messages in rules.record_problems("customer", None, data).items():
                if field_name in COLUMN_BY_KEY and not any(
                        p.row == row_number and p.column == str(COLUMN_BY_KEY[field_name].label) for p in result.problems):
                    for message in messages:
                        report(field_name, message if field_name != "name"
                               else _("This school is already in the archive; change it on its page."))
            school = schools[_norm(name)] = SchoolPlan(row_number, data)
        else:
            for key, value in facts.items():
                if key != "name" and school.data.get(key) != value:
                    report(key, _("Row %(row)s gives this school another value here.", row=school.row))
        site = values.get("site") or ""
        if site:
            if any(_norm(s["name"]) == _norm(site) for s in school.sites):
                report("site", _("This site is already in an earlier row of this school."))
            else:
                school.sites.append({"name": site, "address": values.get("site_address") or "", "notes": ""})
        elif values.get("site_address"):
            report("site", _("Give the site a name."))
        contact = {"name": values.get("contact") or "", "title": values.get("contact_title") or "",
                   "phone": values.get("contact_phone") or "", "email": values.get("contact_email") or ""}
        if contact["name"]:
            if any(_norm(c["name"]) == _norm(contact["name"]) and c["phone"] == contact["phone"]
                   for c in school.contacts):
                report("contact", _("This contact is already in an earlier row of this school."))
            else:
                school.contacts.append(contact)
        elif any(contact.values()):
            report("contact", _("Give the contact a name."))
    order = {str(c.label): i for i, c in enumerate(COLUMNS)}
    result.problems.sort(key=lambda p: (p.row, order.get(p.column, 99)))
    result.schools = list(schools.values()) if not result.problems else []
    return result


def check_file(stream: BinaryIO) -> DistrictResult:
    """Read and check a district file; nothing is changed."""
    rows, problems = read_rows(stream, COLUMNS)
    if problems:
        return DistrictResult(problems=problems)
    return check_rows(rows)


def apply_import(user: User, result: DistrictResult, filename: str = "") -> DistrictResult:
    """Create the schools, sites and contacts of a clean check and audit each; the caller commits."""
    services.require_editor(user)
    if not result.ok:
        raise DomainError(_("The file has problems; nothing was imported."), code="invalid_import")
    for plan in result.schools:
        customer = services.create_customer(user, plan.data)
        db.session.flush()
        for site in plan.sites:
            services.create_record(user, "site", customer, site)
            result.sites += 1
        for contact in plan.contacts:
            services.create_record(user, "contact", customer, contact)
            result.contacts += 1
        write_audit_rows([audit_values("import", "customer", customer.id, customer.id, {
            "file": [None, filename[:200]],
        })])
        result.created += 1
    return result


def template() -> bytes:
    """The empty district sheet: the headers, the required one marked *."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("District")[:31]
    sheet.append([str(c.label) + (" *" if c.required else "") for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = column.width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
