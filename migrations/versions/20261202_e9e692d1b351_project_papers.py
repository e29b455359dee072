"""project papers: the link from a signed project record to its filed PDF, one per record

Revision ID: e9e692d1b351
Revises: b5d3fd4a93f9
Create Date: 2026-12-02 17:45:00

"""
import sqlalchemy as sa
from alembic import op

import webapp.records


# revision identifiers, used by Alembic.
revision = 'e9e692d1b351'
down_revision = 'b5d3fd4a93f9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('project_paper',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('record_kind', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', webapp.records.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_project_paper_document_id_document')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_paper_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_paper')),
    sa.UniqueConstraint('record_kind', 'record_id', name='uq_project_paper_record')
    )
    with op.batch_alter_table('project_paper', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_paper_project_id'), ['project_id'], unique=False)


def downgrade():
    with op.batch_alter_table('project_paper', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_paper_project_id'))
    op.drop_table('project_paper')
