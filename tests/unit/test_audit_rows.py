"""Rows written in bulk are stamped and audited exactly like rows the flush hook sees."""
from sqlalchemy import insert, select

from tests.support.factories import make_customer, make_user
from webapp.archive.models import Contact
from webapp.audit.models import AuditLog
from webapp.extensions import db
from webapp.records import audit_values, created_values, stamp_new_rows, write_audit_rows


def entry_shape(entry: AuditLog) -> dict:
    """An audit row as the columns the two paths fill in (id and time aside)."""
    return {name: getattr(entry, name) for name in ("user_id", "client_id", "action", "entity", "entity_id", "customer_id", "changes")}


def test_a_bulk_insert_is_stamped_and_audited_like_an_orm_add(app):
    """A contact inserted in bulk gets version 1, a fresh change_seq and the hook's audit row."""
    customer = make_customer()
    by_orm = Contact(customer_id=customer.id, name="王老师", title="信息中心", phone="13800000000", email="")
    db.session.add(by_orm)
    db.session.commit()
    row = {"customer_id": customer.id, "name": "王老师", "title": "信息中心", "phone": "13800000000", "email": ""}
    stamp_new_rows(db.session, [row])
    db.session.execute(insert(Contact.__table__), [row])
    names = ("customer_id", "name", "title", "phone", "email", "id")  # the hook lists every set column
    write_audit_rows([audit_values("create", "contact", row["id"], customer.id, created_values(row, names))])
    db.session.commit()
    by_bulk = db.session.get(Contact, row["id"])
    assert by_bulk.version == 1 and by_bulk.change_seq > by_orm.change_seq
    orm_entry, bulk_entry = (
        db.session.scalars(select(AuditLog).where(AuditLog.entity_id == record_id)).one()
        for record_id in (by_orm.id, by_bulk.id)
    )
    expected = entry_shape(orm_entry) | {"entity_id": by_bulk.id}
    expected["changes"] = {**orm_entry.changes, "id": [None, by_bulk.id]}
    assert entry_shape(bulk_entry) == expected


def test_bulk_rows_take_consecutive_change_seqs(app):
    """Several rows stamped together take one block of numbers from the counter."""
    customer = make_customer()
    rows = [{"customer_id": customer.id, "name": f"联系人{n}", "title": "", "phone": "", "email": ""} for n in range(3)]
    stamp_new_rows(db.session, rows)
    seqs = [row["change_seq"] for row in rows]
    assert seqs == list(range(seqs[0], seqs[0] + 3)) and seqs[0] > customer.change_seq


def test_an_audit_row_names_who_did_it(app):
    """Told the actor, the row carries that user and device."""
    user = make_user()
    values = audit_values("import", "customer", "c-1", "c-1", {"file": [None, "a.xlsx"]}, actor=(user.id, "dev-1"))
    write_audit_rows([values])
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "import")).one()
    assert (entry.user_id, entry.client_id, entry.changes) == (user.id, "dev-1", {"file": [None, "a.xlsx"]})


def test_nothing_to_write_writes_nothing(app):
    """An empty list inserts no audit row (and does not fail)."""
    before = db.session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1))
    write_audit_rows([])
    assert db.session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1)) == before
