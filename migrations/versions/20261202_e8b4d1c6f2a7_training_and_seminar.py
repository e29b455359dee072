"""training and seminar: training sessions with signed attendance and handouts; the month-end seminar

Revision ID: e8b4d1c6f2a7
Revises: a7c4e2d91b36
Create Date: 2026-12-02 10:30:00

"""
import sqlalchemy as sa
from alembic import op

import webapp.records


# revision identifiers, used by Alembic.
revision = 'e8b4d1c6f2a7'
down_revision = 'a7c4e2d91b36'
branch_labels = None
depends_on = None


def _synced():
    """The columns every SyncedMixin record has."""
    return [
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('change_seq', sa.BigInteger(), nullable=False),
        sa.Column('created_at', webapp.records.UTCDateTime(), nullable=False),
        sa.Column('updated_at', webapp.records.UTCDateTime(), nullable=False),
        sa.Column('deleted_at', webapp.records.UTCDateTime(), nullable=True),
    ]


def upgrade():
    """Create the training and seminar tables."""
    op.create_table(
        'training_session',
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('duration_minutes', sa.Integer(), nullable=False),
        sa.Column('trainer', sa.String(length=100), nullable=False),
        sa.Column('vendor', sa.String(length=100), nullable=False),
        sa.Column('location', sa.String(length=200), nullable=False),
        sa.Column('topics', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('closed_at', webapp.records.UTCDateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('sheet_sha256', sa.String(length=64), nullable=True),
        sa.Column('sheet_size', sa.Integer(), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_training_session_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_training_session')),
    )
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_session_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_session_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_session_change_seq'), ['change_seq'], unique=False)

    op.create_table(
        'training_attendee',
        sa.Column('session_id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('signer_name', sa.String(length=100), nullable=False),
        sa.Column('signed_at', webapp.records.UTCDateTime(), nullable=True),
        sa.Column('image_sha256', sa.String(length=64), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(['session_id'], ['training_session.id'], ondelete='CASCADE',
                                name=op.f('fk_training_attendee_session_id_training_session')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_training_attendee_user_id_user')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_training_attendee_recorded_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_training_attendee')),
        sa.UniqueConstraint('session_id', 'user_id', name='uq_training_attendee'),
    )
    with op.batch_alter_table('training_attendee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_attendee_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_attendee_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_attendee_change_seq'), ['change_seq'], unique=False)

    op.create_table(
        'training_material',
        sa.Column('session_id', sa.String(length=36), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('mime', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(['session_id'], ['training_session.id'], ondelete='CASCADE',
                                name=op.f('fk_training_material_session_id_training_session')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_training_material_uploaded_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_training_material')),
    )
    with op.batch_alter_table('training_material', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_material_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_material_change_seq'), ['change_seq'], unique=False)

    op.create_table(
        'seminar',
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', webapp.records.UTCDateTime(), nullable=True),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('minutes_sha256', sa.String(length=64), nullable=True),
        sa.Column('minutes_size', sa.Integer(), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_seminar_created_by_id_user')),
        sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_seminar_issued_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_seminar')),
        sa.UniqueConstraint('year', 'month', name='uq_seminar_month'),
    )
    with op.batch_alter_table('seminar', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seminar_change_seq'), ['change_seq'], unique=False)

    op.create_table(
        'seminar_attendee',
        sa.Column('seminar_id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['seminar_id'], ['seminar.id'], ondelete='CASCADE',
                                name=op.f('fk_seminar_attendee_seminar_id_seminar')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE', name=op.f('fk_seminar_attendee_user_id_user')),
        sa.PrimaryKeyConstraint('seminar_id', 'user_id', name=op.f('pk_seminar_attendee')),
    )

    op.create_table(
        'seminar_item',
        sa.Column('seminar_id', sa.String(length=36), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=30), nullable=False),
        sa.Column('ref_key', sa.String(length=120), nullable=True),
        sa.Column('ticket_id', sa.String(length=36), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('facts', sa.Text(), nullable=False),
        sa.Column('discussion', sa.Text(), nullable=False),
        sa.Column('solution', sa.Text(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('carried_from_id', sa.String(length=36), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(['seminar_id'], ['seminar.id'], ondelete='CASCADE', name=op.f('fk_seminar_item_seminar_id_seminar')),
        sa.ForeignKeyConstraint(['ticket_id'], ['repair_ticket.id'], name=op.f('fk_seminar_item_ticket_id_repair_ticket')),
        sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_seminar_item_owner_id_user')),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_seminar_item_author_id_user')),
        sa.ForeignKeyConstraint(['carried_from_id'], ['seminar_item.id'],
                                name=op.f('fk_seminar_item_carried_from_id_seminar_item')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_seminar_item')),
        sa.UniqueConstraint('seminar_id', 'ref_key', name='uq_seminar_item_ref'),
    )
    with op.batch_alter_table('seminar_item', schema=None) as batch_op:
        batch_op.create_index('ix_seminar_item_seminar_position', ['seminar_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_seminar_item_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seminar_item_carried_from_id'), ['carried_from_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seminar_item_change_seq'), ['change_seq'], unique=False)


def downgrade():
    """Drop them again."""
    for table in ('seminar_item', 'seminar_attendee', 'seminar', 'training_material', 'training_attendee',
                  'training_session'):
        op.drop_table(table)
