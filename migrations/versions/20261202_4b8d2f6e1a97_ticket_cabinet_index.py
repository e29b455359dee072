"""ticket cabinet index: a cabinet's page finds its repair tickets without reading them all

Revision ID: 4b8d2f6e1a97
Revises: 7c3e9a41d5b2
Create Date: 2026-12-02 07:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '4b8d2f6e1a97'
down_revision = '7c3e9a41d5b2'
branch_labels = None
depends_on = None


def upgrade():
    """Index repair_ticket.cabinet_id."""
    with op.batch_alter_table('repair_ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repair_ticket_cabinet_id'), ['cabinet_id'], unique=False)


def downgrade():
    """Drop the index again."""
    with op.batch_alter_table('repair_ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repair_ticket_cabinet_id'))
