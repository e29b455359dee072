"""staff: stand-ins while a technician is away, and passwords that must be changed at next sign-in

Revision ID: b5d3fd4a93f9
Revises: 5e2d47ca0382
Create Date: 2026-12-02 17:20:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.clock


# revision identifiers, used by Alembic.
revision = 'b5d3fd4a93f9'
down_revision = '5e2d47ca0382'
branch_labels = None
depends_on = None


def upgrade():
    """Add user.must_change_password and the stand_in table."""
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('stand_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('absent_id', sa.Integer(), nullable=False),
    sa.Column('stand_in_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['absent_id'], ['user.id'], name=op.f('fk_stand_in_absent_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stand_in_id'], ['user.id'], name=op.f('fk_stand_in_stand_in_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_stand_in_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stand_in'))
    )
    with op.batch_alter_table('stand_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stand_in_absent_id'), ['absent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stand_in_stand_in_id'), ['stand_in_id'], unique=False)


def downgrade():
    """Drop the stand_in table and user.must_change_password."""
    with op.batch_alter_table('stand_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stand_in_stand_in_id'))
        batch_op.drop_index(batch_op.f('ix_stand_in_absent_id'))
    op.drop_table('stand_in')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
