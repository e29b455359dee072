"""list indexes: open repair tickets (partial), the audit log by record type and by school, newest first

Revision ID: 7c3e9a41d5b2
Revises: 1e23733f368e
Create Date: 2026-12-02 06:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3e9a41d5b2'
down_revision = '1e23733f368e'
branch_labels = None
depends_on = None


def upgrade():
    """Add the indexes the open-ticket lists and the audit log's filters read."""
    with op.batch_alter_table('repair_ticket', schema=None) as batch_op:
        batch_op.create_index('ix_repair_ticket_open_reported', ['reported_at'], unique=False,
                              postgresql_where=sa.text("status <> 'closed'"),
                              sqlite_where=sa.text("status <> 'closed'"))
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_entity_at', ['entity', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_customer_at', ['customer_id', 'at'], unique=False)


def downgrade():
    """Drop them again."""
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_customer_at')
        batch_op.drop_index('ix_audit_log_entity_at')
    with op.batch_alter_table('repair_ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_repair_ticket_open_reported')
