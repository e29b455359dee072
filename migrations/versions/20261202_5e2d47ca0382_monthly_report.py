"""monthly report: the month's report (draft, issued and frozen), product-quality problems for R&D,
and a link on a notification (a report is not a ticket)

Revision ID: 5e2d47ca0382
Revises: e8b4d1c6f2a7
Create Date: 2026-12-02 17:20:00

"""
import sqlalchemy as sa
from alembic import op

import webapp.records


# revision identifiers, used by Alembic.
revision = '5e2d47ca0382'
down_revision = 'e8b4d1c6f2a7'
branch_labels = None
depends_on = None


def upgrade():
    """Create the report tables; add notification.link."""
    op.create_table(
        'monthly_report',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=True),
        sa.Column('analysis', sa.Text(), nullable=False),
        sa.Column('suggestions', sa.Text(), nullable=False),
        sa.Column('drafted_at', webapp.records.UTCDateTime(), nullable=False),
        sa.Column('updated_at', webapp.records.UTCDateTime(), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', webapp.records.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['issued_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('year', 'month', name='uq_monthly_report_month'),
    )
    op.create_index('ix_monthly_report_status', 'monthly_report', ['status'])
    op.create_table(
        'product_issue',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('ticket_id', sa.String(length=36), nullable=True),
        sa.Column('inspection_id', sa.String(length=36), nullable=True),
        sa.Column('item_key', sa.String(length=60), nullable=False),
        sa.Column('customer_id', sa.String(length=36), nullable=False),
        sa.Column('device_id', sa.String(length=36), nullable=True),
        sa.Column('brand', sa.String(length=100), nullable=False),
        sa.Column('model', sa.String(length=100), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('photo_ids', sa.JSON(), nullable=False),
        sa.Column('raised_by_id', sa.Integer(), nullable=False),
        sa.Column('raised_at', webapp.records.UTCDateTime(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', webapp.records.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['ticket_id'], ['repair_ticket.id']),
        sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id']),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id']),
        sa.ForeignKeyConstraint(['device_id'], ['device.id']),
        sa.ForeignKeyConstraint(['raised_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['answered_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_product_issue_ticket_id', 'product_issue', ['ticket_id'])
    op.create_index('ix_product_issue_inspection_id', 'product_issue', ['inspection_id'])
    op.create_index('ix_product_issue_customer_id', 'product_issue', ['customer_id'])
    op.create_index('ix_product_issue_raised_at', 'product_issue', ['raised_at'])
    with op.batch_alter_table('notification') as batch:
        batch.add_column(sa.Column('link', sa.String(length=300), nullable=True))


def downgrade():
    """Drop them again."""
    with op.batch_alter_table('notification') as batch:
        batch.drop_column('link')
    op.drop_table('product_issue')
    op.drop_table('monthly_report')
