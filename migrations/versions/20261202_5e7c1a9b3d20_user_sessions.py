"""user sessions: each sign-in is a record, so signing out ends its cookies everywhere

Revision ID: 5e7c1a9b3d20
Revises: c13104401225
Create Date: 2026-12-02 05:40:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.clock


# revision identifiers, used by Alembic.
revision = '5e7c1a9b3d20'
down_revision = 'c13104401225'
branch_labels = None
depends_on = None


def upgrade():
    """Add the user_session table (cookies from before it sign in again: they name no record)."""
    op.create_table('user_session',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)


def downgrade():
    """Drop the user_session table."""
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
