"""appraisal: weighting schemes, adjustments, suggestions; attendees of a quarterly inspection

Revision ID: a7c4e2d91b36
Revises: a3c5e7f9b1d2
Create Date: 2026-12-02 10:30:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.clock


# revision identifiers, used by Alembic.
revision = 'a7c4e2d91b36'
down_revision = 'a3c5e7f9b1d2'
branch_labels = None
depends_on = None


def upgrade():
    """The three appraisal tables, and inspection.attendees."""
    op.create_table(
        'appraisal_scheme',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('version_no', sa.Integer(), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('weights', sa.JSON(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('version_no', name='uq_appraisal_scheme_version'),
    )
    with op.batch_alter_table('appraisal_scheme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_scheme_effective_from'), ['effective_from'], unique=False)
    op.create_table(
        'appraisal_adjustment',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('points', sa.Float(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('appraisal_adjustment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_adjustment_user_id'), ['user_id'], unique=False)
    op.create_table(
        'suggestion',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('adopted', sa.Boolean(), nullable=False),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], ),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestion_created_at'), ['created_at'], unique=False)
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendees', sa.JSON(), nullable=True))


def downgrade():
    """Drop them again."""
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_column('attendees')
    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_created_at'))
        batch_op.drop_index(batch_op.f('ix_suggestion_author_id'))
    op.drop_table('suggestion')
    with op.batch_alter_table('appraisal_adjustment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appraisal_adjustment_user_id'))
    op.drop_table('appraisal_adjustment')
    with op.batch_alter_table('appraisal_scheme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appraisal_scheme_effective_from'))
    op.drop_table('appraisal_scheme')
