"""installation projects: the project, its team, attachments, rounds and rectifications, plan, log,
changes, training, acceptances, report, device list and hand-over (issue 10)

Revision ID: 2cddd6d0c2c1
Revises: 4b8d2f6e1a97
Create Date: 2026-12-02 10:06:34.561285

"""
from alembic import op
import sqlalchemy as sa

import webapp.clock
import webapp.records


# revision identifiers, used by Alembic.
revision = '2cddd6d0c2c1'
down_revision = '4b8d2f6e1a97'
branch_labels = None
depends_on = None


def upgrade():
    """Create the project tables."""
    op.create_table('project',
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('new_customer', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('contract_no', sa.String(length=100), nullable=False),
    sa.Column('tendered', sa.Boolean(), nullable=False),
    sa.Column('standard', sa.String(length=20), nullable=False),
    sa.Column('standard_notes', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('held_status', sa.String(length=20), nullable=True),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('status_changed_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status_changed_by_id', sa.Integer(), nullable=True),
    sa.Column('marketing_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.Column('team_assigned_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('team_assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('acceptance_team_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acceptance_team_by_id', sa.Integer(), nullable=True),
    sa.Column('entry_met_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('plan_scheme', sa.Text(), nullable=False),
    sa.Column('plan_process', sa.Text(), nullable=False),
    sa.Column('plan_quality', sa.Text(), nullable=False),
    sa.Column('plan_filed_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('plan_filed_by_id', sa.Integer(), nullable=True),
    sa.Column('internal_passed_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('external_passed_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('archived_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('archived_by_id', sa.Integer(), nullable=True),
    sa.Column('completed_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['acceptance_team_by_id'], ['user.id'], name=op.f('fk_project_acceptance_team_by_id_user')),
    sa.ForeignKeyConstraint(['archived_by_id'], ['user.id'], name=op.f('fk_project_archived_by_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_customer_id_customer')),
    sa.ForeignKeyConstraint(['leader_id'], ['user.id'], name=op.f('fk_project_leader_id_user')),
    sa.ForeignKeyConstraint(['marketing_id'], ['user.id'], name=op.f('fk_project_marketing_id_user')),
    sa.ForeignKeyConstraint(['plan_filed_by_id'], ['user.id'], name=op.f('fk_project_plan_filed_by_id_user')),
    sa.ForeignKeyConstraint(['status_changed_by_id'], ['user.id'], name=op.f('fk_project_status_changed_by_id_user')),
    sa.ForeignKeyConstraint(['team_assigned_by_id'], ['user.id'], name=op.f('fk_project_team_assigned_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_status'), ['status'], unique=False)

    op.create_table('project_attachment',
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('mime', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_attachment_author_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_attachment_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_attachment_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_attachment'))
    )
    with op.batch_alter_table('project_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_attachment_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_attachment_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_attachment_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_attachment_sha256'), ['sha256'], unique=False)

    op.create_table('project_change',
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('why', sa.Text(), nullable=False),
    sa.Column('effect', sa.Text(), nullable=False),
    sa.Column('milestones', sa.JSON(), nullable=False),
    sa.Column('reported_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_change_author_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_change_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_change_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_change'))
    )
    with op.batch_alter_table('project_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_change_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_change_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_change_project_id'), ['project_id'], unique=False)

    op.create_table('project_entry_review',
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('met', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('reviewer_name', sa.String(length=100), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_entry_review_author_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_entry_review_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_entry_review_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_entry_review')),
    sa.UniqueConstraint('project_id', 'round', name='uq_entry_review_round')
    )
    with op.batch_alter_table('project_entry_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_entry_review_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_entry_review_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_entry_review_project_id'), ['project_id'], unique=False)

    op.create_table('project_external_acceptance',
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('school_representative', sa.String(length=100), nullable=False),
    sa.Column('attendees', sa.String(length=300), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_external_acceptance_author_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_external_acceptance_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_external_acceptance_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_external_acceptance')),
    sa.UniqueConstraint('project_id', 'round', name='uq_external_acceptance_round')
    )
    with op.batch_alter_table('project_external_acceptance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_external_acceptance_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_external_acceptance_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_external_acceptance_project_id'), ['project_id'], unique=False)

    op.create_table('project_handover',
    sa.Column('handed_on', sa.Date(), nullable=False),
    sa.Column('received_by', sa.String(length=100), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_handover_author_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_handover_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_handover_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_handover')),
    sa.UniqueConstraint('project_id', name='uq_project_handover')
    )
    with op.batch_alter_table('project_handover', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_handover_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_handover_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_handover_project_id'), ['project_id'], unique=False)

    op.create_table('project_handover_item',
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('checked_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('archive_item_id', sa.String(length=36), nullable=True),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['archive_item_id'], ['handover_item.id'], name=op.f('fk_project_handover_item_archive_item_id_handover_item')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_handover_item_author_id_user')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['user.id'], name=op.f('fk_project_handover_item_checked_by_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_handover_item_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_handover_item_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_handover_item'))
    )
    with op.batch_alter_table('project_handover_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_handover_item_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_handover_item_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_handover_item_project_id'), ['project_id'], unique=False)

    op.create_table('project_internal_acceptance',
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_internal_acceptance_author_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_internal_acceptance_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_internal_acceptance_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_internal_acceptance')),
    sa.UniqueConstraint('project_id', 'round', name='uq_internal_acceptance_round')
    )
    with op.batch_alter_table('project_internal_acceptance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_internal_acceptance_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_internal_acceptance_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_internal_acceptance_project_id'), ['project_id'], unique=False)

    op.create_table('project_log',
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('workers', sa.String(length=300), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_log_author_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_log_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_log_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_log'))
    )
    with op.batch_alter_table('project_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_log_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_log_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_log_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_log_project_id'), ['project_id'], unique=False)

    op.create_table('project_member',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('duty', sa.String(length=20), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_member_author_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_member_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_member_project_id_project')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_project_member_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_member'))
    )
    with op.batch_alter_table('project_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_member_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_member_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_member_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_project_member_user', ['user_id', 'duty'], unique=False)

    op.create_table('project_milestone',
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('planned_start', sa.Date(), nullable=True),
    sa.Column('planned_end', sa.Date(), nullable=False),
    sa.Column('actual_start', sa.Date(), nullable=True),
    sa.Column('actual_end', sa.Date(), nullable=True),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_milestone_author_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_milestone_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_milestone_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_milestone'))
    )
    with op.batch_alter_table('project_milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_milestone_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_milestone_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_milestone_project_id'), ['project_id'], unique=False)

    op.create_table('project_rectification',
    sa.Column('round_kind', sa.String(length=40), nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_rectification_author_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_rectification_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_rectification_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_rectification')),
    sa.UniqueConstraint('round_kind', 'round_id', name='uq_rectification_round')
    )
    with op.batch_alter_table('project_rectification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_rectification_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_rectification_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_rectification_project_id'), ['project_id'], unique=False)

    op.create_table('project_report',
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_report_author_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_report_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_report_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_report')),
    sa.UniqueConstraint('project_id', name='uq_project_report')
    )
    with op.batch_alter_table('project_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_report_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_report_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_report_project_id'), ['project_id'], unique=False)

    op.create_table('project_training',
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('topics', sa.Text(), nullable=False),
    sa.Column('trainer', sa.String(length=100), nullable=False),
    sa.Column('trainees', sa.JSON(), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_training_author_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_training_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_training_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_training'))
    )
    with op.batch_alter_table('project_training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_training_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_training_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_training_project_id'), ['project_id'], unique=False)

    op.create_table('project_plan_revision',
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('change_id', sa.String(length=36), nullable=True),
    sa.Column('milestones', sa.JSON(), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_plan_revision_author_id_user')),
    sa.ForeignKeyConstraint(['change_id'], ['project_change.id'], name=op.f('fk_project_plan_revision_change_id_project_change')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_plan_revision_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_plan_revision_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_plan_revision'))
    )
    with op.batch_alter_table('project_plan_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_plan_revision_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_plan_revision_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_plan_revision_project_id'), ['project_id'], unique=False)

    op.create_table('project_device',
    sa.Column('site_name', sa.String(length=200), nullable=False),
    sa.Column('cabinet_name', sa.String(length=200), nullable=False),
    sa.Column('cabinet_code', sa.String(length=40), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('brand', sa.String(length=100), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('protocol', sa.String(length=100), nullable=False),
    sa.Column('software_version', sa.String(length=100), nullable=False),
    sa.Column('serial', sa.String(length=100), nullable=False),
    sa.Column('ip_address', sa.String(length=64), nullable=False),
    sa.Column('supplier', sa.String(length=200), nullable=False),
    sa.Column('install_date', sa.Date(), nullable=True),
    sa.Column('warranty_end', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('archive_device_id', sa.String(length=36), nullable=True),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['archive_device_id'], ['device.id'], name=op.f('fk_project_device_archive_device_id_device')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_project_device_author_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_project_device_customer_id_customer')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_device_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_device'))
    )
    with op.batch_alter_table('project_device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_device_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_device_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_device_project_id'), ['project_id'], unique=False)



def downgrade():
    """Drop them again."""
    with op.batch_alter_table('project_device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_device_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_device_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_device_change_seq'))

    op.drop_table('project_device')
    with op.batch_alter_table('project_plan_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_plan_revision_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_plan_revision_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_plan_revision_change_seq'))

    op.drop_table('project_plan_revision')
    with op.batch_alter_table('project_training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_training_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_training_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_training_change_seq'))

    op.drop_table('project_training')
    with op.batch_alter_table('project_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_report_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_report_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_report_change_seq'))

    op.drop_table('project_report')
    with op.batch_alter_table('project_rectification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_rectification_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_rectification_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_rectification_change_seq'))

    op.drop_table('project_rectification')
    with op.batch_alter_table('project_milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_milestone_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_milestone_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_milestone_change_seq'))

    op.drop_table('project_milestone')
    with op.batch_alter_table('project_member', schema=None) as batch_op:
        batch_op.drop_index('ix_project_member_user')
        batch_op.drop_index(batch_op.f('ix_project_member_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_member_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_member_change_seq'))

    op.drop_table('project_member')
    with op.batch_alter_table('project_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_log_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_log_date'))
        batch_op.drop_index(batch_op.f('ix_project_log_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_log_change_seq'))

    op.drop_table('project_log')
    with op.batch_alter_table('project_internal_acceptance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_internal_acceptance_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_internal_acceptance_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_internal_acceptance_change_seq'))

    op.drop_table('project_internal_acceptance')
    with op.batch_alter_table('project_handover_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_handover_item_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_handover_item_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_handover_item_change_seq'))

    op.drop_table('project_handover_item')
    with op.batch_alter_table('project_handover', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_handover_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_handover_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_handover_change_seq'))

    op.drop_table('project_handover')
    with op.batch_alter_table('project_external_acceptance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_external_acceptance_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_external_acceptance_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_external_acceptance_change_seq'))

    op.drop_table('project_external_acceptance')
    with op.batch_alter_table('project_entry_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_entry_review_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_entry_review_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_entry_review_change_seq'))

    op.drop_table('project_entry_review')
    with op.batch_alter_table('project_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_change_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_change_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_change_change_seq'))

    op.drop_table('project_change')
    with op.batch_alter_table('project_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_attachment_sha256'))
        batch_op.drop_index(batch_op.f('ix_project_attachment_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_attachment_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_attachment_change_seq'))

    op.drop_table('project_attachment')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_status'))
        batch_op.drop_index(batch_op.f('ix_project_customer_id'))
        batch_op.drop_index(batch_op.f('ix_project_change_seq'))

    op.drop_table('project')
