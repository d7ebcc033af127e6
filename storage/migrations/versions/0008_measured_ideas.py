"""ideas carry a measure (baseline, target, unit) and results; adopted ideas remember that they were recognised

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-25 10:00:00
"""

from alembic import op
import sqlalchemy as sa

import storage.models


revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only: nothing existing is rebuilt (on SQLite a rebuild of ideas would cascade-delete its votes).
    op.create_table('idea_measures',
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_measures_idea_id_ideas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('idea_id', name=op.f('pk_idea_measures'))
    )
    op.create_table('idea_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_results_idea_id_ideas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_results'))
    )
    op.create_index(op.f('ix_idea_results_idea_id'), 'idea_results', ['idea_id'], unique=False)
    op.create_table('idea_recognitions',
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('kudos_id', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_recognitions_idea_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['kudos_id'], ['kudos.id'], name=op.f('fk_idea_recognitions_kudos_id_kudos'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('idea_id', name=op.f('pk_idea_recognitions'))
    )


def downgrade() -> None:
    op.drop_table('idea_recognitions')
    op.drop_index(op.f('ix_idea_results_idea_id'), table_name='idea_results')
    op.drop_table('idea_results')
    op.drop_table('idea_measures')
