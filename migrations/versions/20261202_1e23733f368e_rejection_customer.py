"""sync_rejected_mutation.customer_id: the school a refused mutation was about

The office's review page filters refused mutations by school. New rows get the customer when
they are logged; existing rows are filled in from the mutation's data (`customer_id`) or from
the record it named, where that record still exists.

Revision ID: 1e23733f368e
Revises: 5e7c1a9b3d20
Create Date: 2026-12-02 05:40:00.000000

"""
import json

import sqlalchemy as sa
from alembic import op

revision = '1e23733f368e'
down_revision = '5e7c1a9b3d20'
branch_labels = None
depends_on = None

# sync kind -> the table whose row names the customer (in its customer_id column)
KIND_TABLES = {
    "contact": "contact", "site": "site", "room": "room", "cabinet": "cabinet", "device": "device",
    "handover_item": "handover_item", "repair_ticket": "repair_ticket", "schedule": "visit",
    "inspection": "inspection", "repair_event": "repair_event", "diary_entry": "diary_entry",
    "signature": "signature", "photo": "photo",
}


def _customer_of(bind, kind, record_id, payload):
    """The customer a stored rejection was about, or None."""
    data = payload.get("data") if isinstance(payload, dict) else None
    named = data.get("customer_id") if isinstance(data, dict) else None
    if isinstance(named, str) and named:
        return named[:36]
    if kind == "customer":
        return str(record_id)[:36]
    table = KIND_TABLES.get(kind)
    if table is None:
        return None
    found = bind.execute(sa.text(f"SELECT customer_id FROM {table} WHERE id = :id"), {"id": record_id}).first()
    return found[0] if found else None


def upgrade():
    with op.batch_alter_table('sync_rejected_mutation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_sync_rejected_mutation_customer_id'), ['customer_id'], unique=False)
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, kind, record_id, payload FROM sync_rejected_mutation")).all()
    for row_id, kind, record_id, payload in rows:
        if isinstance(payload, str):
            payload = json.loads(payload)
        customer_id = _customer_of(bind, kind, record_id, payload)
        if customer_id:
            bind.execute(
                sa.text("UPDATE sync_rejected_mutation SET customer_id = :c WHERE id = :id"),
                {"c": customer_id, "id": row_id},
            )


def downgrade():
    with op.batch_alter_table('sync_rejected_mutation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_rejected_mutation_customer_id'))
        batch_op.drop_column('customer_id')
