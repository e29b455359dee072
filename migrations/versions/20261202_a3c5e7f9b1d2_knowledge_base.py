"""knowledge base: articles, their kept versions, the models they apply to and the search index

Revision ID: a3c5e7f9b1d2
Revises: 2cddd6d0c2c1
Create Date: 2026-12-02 10:09:20

"""
from alembic import op
import sqlalchemy as sa

import webapp.clock


# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d2'
down_revision = '2cddd6d0c2c1'
branch_labels = None
depends_on = None


def upgrade():
    """Add kb_article, kb_article_model, kb_article_term and kb_article_version."""
    op.create_table('kb_article',
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('symptoms', sa.Text(), nullable=False),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('device_category', sa.String(length=40), nullable=False),
    sa.Column('brand', sa.String(length=100), nullable=False),
    sa.Column('brand_key', sa.String(length=100), nullable=False),
    sa.Column('models', sa.JSON(), nullable=False),
    sa.Column('software_versions', sa.JSON(), nullable=False),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('published_version', sa.Integer(), nullable=True),
    sa.Column('published_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', webapp.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_kb_article_author_id_user')),
    sa.ForeignKeyConstraint(['published_by_id'], ['user.id'], name=op.f('fk_kb_article_published_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_article'))
    )
    with op.batch_alter_table('kb_article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_article_brand_key'), ['brand_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_kb_article_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_kb_article_status'), ['status'], unique=False)

    op.create_table('kb_article_model',
    sa.Column('article_id', sa.String(length=36), nullable=False),
    sa.Column('model_key', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_article_model_article_id_kb_article')),
    sa.PrimaryKeyConstraint('article_id', 'model_key', name=op.f('pk_kb_article_model'))
    )
    op.create_table('kb_article_term',
    sa.Column('article_id', sa.String(length=36), nullable=False),
    sa.Column('term', sa.String(length=64), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_article_term_article_id_kb_article')),
    sa.PrimaryKeyConstraint('article_id', 'term', name=op.f('pk_kb_article_term'))
    )
    with op.batch_alter_table('kb_article_term', schema=None) as batch_op:
        batch_op.create_index('ix_kb_article_term_term', ['term'], unique=False)

    op.create_table('kb_article_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', webapp.clock.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_article_version_article_id_kb_article')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_kb_article_version_author_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_article_version')),
    sa.UniqueConstraint('article_id', 'number', name='uq_kb_article_version_number')
    )
    with op.batch_alter_table('kb_article_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_article_version_article_id'), ['article_id'], unique=False)



def downgrade():
    """Drop the knowledge-base tables."""
    with op.batch_alter_table('kb_article_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kb_article_version_article_id'))

    op.drop_table('kb_article_version')
    with op.batch_alter_table('kb_article_term', schema=None) as batch_op:
        batch_op.drop_index('ix_kb_article_term_term')

    op.drop_table('kb_article_term')
    op.drop_table('kb_article_model')
    with op.batch_alter_table('kb_article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kb_article_status'))
        batch_op.drop_index(batch_op.f('ix_kb_article_change_seq'))
        batch_op.drop_index(batch_op.f('ix_kb_article_brand_key'))

    op.drop_table('kb_article')
