"""The device list, the hand-over (资料移交) and the project's entry into the archive, exactly once.

The device list is kept as the work goes (or imported from the bill of materials, bom_import.py).
After the external acceptance the team checks the hand-over items off one by one and records the
receipt, which the school signs (`school` on document kind `project_handover`); the head or the
office then takes the project into the archive: each device's site and cabinet are found or made
at the customer, every record through `archive.services.create_record` (so cabinets and devices
get their QR labels there), once -- a second call is refused (`already_archived`). The project is
completed when the archive holds it, the receipt is signed and the leader signed the report.
"""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..archive import services as archive
from ..archive.models import DEVICE_CATEGORIES, HANDOVER_KINDS, Cabinet, Customer, Site
from ..archive.rules import check_quantity, check_warranty
from ..auth.models import User
from ..clock import utcnow
from ..documents.models import Signature
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from . import rules
from .models import COMPLETED, EXTERNAL_PASSED, CompletionReport, Handover, HandoverCheck, Project, ProjectDevice
from .rules import Problems, add_problem, date_value, text_value

TEXT_FIELDS = {"site_name": 200, "cabinet_name": 200, "cabinet_code": 40, "location": 300, "name": 200,
               "brand": 100, "model": 100, "protocol": 100, "software_version": 100, "serial": 100,
               "ip_address": 64, "supplier": 200, "notes": 5000}
DEVICE_FIELDS = tuple(TEXT_FIELDS) + ("category", "quantity", "install_date", "warranty_end")
KIND_LABELS = {
    "accessories": "设备安装配件", "software_disc": "软件光盘", "warranty_card": "保修卡",
    "manual": "安装使用手册", "spare_key": "机柜备用钥匙", "other": "其他",
}


# --- the device list -------------------------------------------------------------------------


def can_keep_device_list(user: User, project: Project) -> bool:
    """The team, the head and the office keep the device list."""
    return user.has_role(*rules.OFFICE_ROLES) or rules.is_member(user, project)


def _require_list_open(user: User, project: Project) -> None:
    """The device list changes until the project is in the archive."""
    if not can_keep_device_list(user, project):
        raise Forbidden(_("The team, the department head or the office keep the device list."))
    rules.require_status(project, rules.ACTIVE)
    if project.archived_at is not None:
        raise rules.AlreadyArchived(_("The device list is in the archive already."),
                                    details={"archived_at": project.archived_at.isoformat()})


def device_values(data: dict, problems: Problems, current: ProjectDevice | None = None) -> dict:
    """A device row's values, checked like the archive checks its devices."""
    values = {}
    for name, limit in TEXT_FIELDS.items():
        if name in data or current is None:
            values[name] = text_value(data, name, problems, required=name in ("site_name", "name"), limit=limit)
    if "category" in data or current is None:
        values["category"] = data.get("category") or "other"
        if values["category"] not in DEVICE_CATEGORIES:
            add_problem(problems, "category", _("Not a valid choice."))
    if "quantity" in data or current is None:
        quantity = data.get("quantity", 1)
        check_quantity(problems, quantity)
        values["quantity"] = quantity if isinstance(quantity, int) and not isinstance(quantity, bool) else 1
    for name in ("install_date", "warranty_end"):
        if name in data:
            values[name] = date_value(data, name, problems, required=False)
    check_warranty(problems, values.get("install_date", getattr(current, "install_date", None)),
                   values.get("warranty_end", getattr(current, "warranty_end", None)))
    return values


def add_device(user: User, project: Project, data: dict, record_id: str | None = None) -> ProjectDevice:
    """Add a device to the project's list."""
    _require_list_open(user, project)
    problems: Problems = {}
    values = device_values(data, problems)
    rules.raise_if(problems)
    device = ProjectDevice(project_id=project.id, customer_id=project.customer_id, author_id=user.id, **values)
    if record_id:
        device.id = record_id
    db.session.add(device)
    return device


def update_device(user: User, device: ProjectDevice, changes: dict) -> ProjectDevice:
    """Change a device of the list."""
    _require_list_open(user, db.session.get(Project, device.project_id))
    problems: Problems = {}
    values = device_values({k: v for k, v in changes.items() if k in DEVICE_FIELDS}, problems, device)
    rules.raise_if(problems)
    for name, value in values.items():
        setattr(device, name, value)
    return device


def remove_device(user: User, device: ProjectDevice) -> ProjectDevice:
    """Take a device off the list (a tombstone)."""
    _require_list_open(user, db.session.get(Project, device.project_id))
    device.deleted_at = utcnow()
    return device


def devices_of(project: Project) -> list[ProjectDevice]:
    """The project's device list, by site, cabinet and name."""
    return list(db.session.scalars(select(ProjectDevice).where(
        ProjectDevice.project_id == project.id, ProjectDevice.deleted_at.is_(None),
    ).order_by(ProjectDevice.site_name, ProjectDevice.cabinet_name, ProjectDevice.name, ProjectDevice.id)))


# --- hand-over items and the receipt ---------------------------------------------------------


def items_of(project: Project) -> list[HandoverCheck]:
    """The project's hand-over items."""
    return list(db.session.scalars(select(HandoverCheck).where(
        HandoverCheck.project_id == project.id, HandoverCheck.deleted_at.is_(None),
    ).order_by(HandoverCheck.created_at, HandoverCheck.id)))


def add_default_items(user: User | None, project: Project) -> list[HandoverCheck]:
    """The seed's five hand-over items (accessories, discs, warranty cards, manuals, spare keys)."""
    with force_locale("zh"):
        made = [HandoverCheck(project_id=project.id, customer_id=project.customer_id, kind=kind,
                              description=KIND_LABELS[kind], quantity=1, author_id=getattr(user, "id", None))
                for kind in HANDOVER_KINDS if kind != "other"]
    db.session.add_all(made)
    return made


def add_handover_item(user: User, project: Project, data: dict, record_id: str | None = None) -> HandoverCheck:
    """Add an item to hand over."""
    _require_list_open(user, project)
    problems: Problems = {}
    kind = data.get("kind") or "other"
    if kind not in HANDOVER_KINDS:
        add_problem(problems, "kind", _("Not a valid choice."))
    description = text_value(data, "description", problems, required=True, limit=300)
    quantity = data.get("quantity", 1)
    check_quantity(problems, quantity)
    rules.raise_if(problems)
    item = HandoverCheck(project_id=project.id, customer_id=project.customer_id, kind=kind,
                         description=description, quantity=quantity, author_id=user.id)
    if record_id:
        item.id = record_id
    db.session.add(item)
    return item


def check_handover_item(user: User, item: HandoverCheck) -> HandoverCheck:
    """The team checks one item off (who, when); after the external acceptance."""
    project = db.session.get(Project, item.project_id)
    rules.require_member(user, project)
    rules.require_status(project, rules.AFTER_EXTERNAL, _("No hand-over before the external acceptance."))
    if item.checked_at is None:
        item.checked_at, item.checked_by_id = utcnow(), user.id
    return item


def record_handover(user: User, data: dict, record_id: str | None = None) -> Handover:
    """The hand-over receipt (资料移交单), every item checked; the school then signs it."""
    project = rules.load_project(user, data.get("project_id") or "")
    rules.require_member(user, project)
    rules.require_status(project, rules.AFTER_EXTERNAL, _("No hand-over before the external acceptance."))
    unchecked = [i for i in items_of(project) if i.checked_at is None]
    if unchecked:
        raise rules.HandoverIncomplete(_("Check off every hand-over item first."),
                                       details={"unchecked": len(unchecked)})
    if db.session.scalar(select(Handover.id).where(Handover.project_id == project.id)):
        raise DomainError(_("The hand-over receipt is recorded already."), code="duplicate")
    problems: Problems = {}
    day = date_value(data, "handed_on", problems)
    received_by = text_value(data, "received_by", problems, required=True, limit=100)
    notes = text_value(data, "notes", problems)
    rules.raise_if(problems)
    handover = Handover(project_id=project.id, customer_id=project.customer_id, handed_on=day,
                        received_by=received_by, notes=notes, author_id=user.id)
    if record_id:
        handover.id = record_id
    db.session.add(handover)
    return handover


def handover_of(project: Project) -> Handover | None:
    """The project's hand-over receipt, if recorded."""
    return db.session.scalars(select(Handover).where(Handover.project_id == project.id)).first()


# --- into the archive, exactly once ----------------------------------------------------------


def _site(user: User, customer: Customer, name: str, cache: dict) -> Site:
    """The customer's site of this name: found, or created through the archive."""
    if name not in cache:
        found = db.session.scalars(select(Site).where(Site.customer_id == customer.id, Site.name == name,
                                                      Site.deleted_at.is_(None))).first()
        cache[name] = found or archive.create_record(user, "site", customer, {"name": name})
        db.session.flush()
    return cache[name]


def _cabinet(user: User, customer: Customer, site: Site, row: ProjectDevice, cache: dict) -> Cabinet | None:
    """The cabinet a device sits in: found at the site, or created (with its QR label)."""
    if not row.cabinet_name:
        return None
    key = (site.id, row.cabinet_name)
    if key not in cache:
        found = db.session.scalars(select(Cabinet).where(Cabinet.site_id == site.id, Cabinet.name == row.cabinet_name,
                                                         Cabinet.deleted_at.is_(None))).first()
        cache[key] = found or archive.create_record(user, "cabinet", customer, {
            "site_id": site.id, "name": row.cabinet_name, "code": row.cabinet_code, "location": row.location})
        db.session.flush()
    return cache[key]


def archive_project(user: User, project: Project) -> Project:
    """Take the device list and the hand-over items into the customer's archive, exactly once."""
    rules.require_role(user, rules.OFFICE_ROLES, _("The department head or the office takes a project into the archive."))
    project = db.session.scalars(select(Project).where(Project.id == project.id).with_for_update()).one()
    if project.archived_at is not None:
        raise rules.AlreadyArchived(_("This project is in the archive already."),
                                    details={"archived_at": project.archived_at.isoformat()})
    rules.require_status(project, rules.AFTER_EXTERNAL, _("No hand-over before the external acceptance."))
    handover = handover_of(project)
    if handover is None:
        raise rules.HandoverIncomplete(_("The hand-over receipt is not recorded yet."), details={"unchecked": 0})
    customer = db.session.get(Customer, project.customer_id)
    sites: dict = {}
    cabinets: dict = {}
    for row in devices_of(project):
        site = _site(user, customer, row.site_name, sites)
        cabinet = _cabinet(user, customer, site, row, cabinets)
        values = {name: getattr(row, name) for name in ("name", "category", "brand", "model", "quantity", "protocol",
                                                        "software_version", "serial", "ip_address", "supplier",
                                                        "install_date", "warranty_end", "notes")}
        values["cabinet_id"] = cabinet.id if cabinet else None
        device = archive.create_record(user, "device", customer, values)
        db.session.flush()
        row.archive_device_id = device.id
    for item in items_of(project):
        record = archive.create_record(user, "handover", customer, {
            "kind": item.kind, "description": item.description, "quantity": item.quantity,
            "handed_to": handover.received_by, "handed_on": handover.handed_on})
        db.session.flush()
        item.archive_item_id = record.id
    if not customer.address and project.address:
        customer.address = project.address
    project.archived_at, project.archived_by_id = utcnow(), user.id
    maybe_complete(project)
    return project


def _signed(kind: str, document_id: str | None, role: str) -> bool:
    """True when a document carries a signature in this role."""
    return bool(document_id) and db.session.scalar(select(Signature.id).where(
        Signature.document_kind == kind, Signature.document_id == document_id, Signature.signer_role == role,
        Signature.deleted_at.is_(None))) is not None


def completion_facts(project: Project) -> dict[str, bool]:
    """Which of the last three steps are done: report signed, receipt signed, archived."""
    report = db.session.scalars(select(CompletionReport).where(CompletionReport.project_id == project.id)).first()
    handover = handover_of(project)
    return {
        "report_signed": _signed("project_report", getattr(report, "id", None), "leader"),
        "handover_signed": _signed("project_handover", getattr(handover, "id", None), "school"),
        "archived": project.archived_at is not None,
    }


def maybe_complete(project: Project) -> None:
    """Completed once the report and the receipt are signed and the archive holds the project."""
    if project.status == EXTERNAL_PASSED and all(completion_facts(project).values()):
        project.status, project.completed_at = COMPLETED, utcnow()


def load_record(user: User, model, record_id: str):
    """A device-list row or hand-over item of a project the user may see."""
    record = db.session.get(model, record_id or "")
    if record is None or record.deleted_at is not None:
        raise NotFound(_("Not found."))
    rules.load_project(user, record.project_id)
    return record
