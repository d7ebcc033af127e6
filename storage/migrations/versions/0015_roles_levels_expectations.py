"""people get a role and a level from the org directory; expectations of a person's own; a development plan's
item may serve one

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 12:00:00
"""

from alembic import op
import sqlalchemy as sa

import storage.models


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs and a new table: rebuilding people on SQLite would cascade-delete what refers to it.
    op.add_column('people', sa.Column('role', sa.String(length=100), nullable=True))
    op.add_column('people', sa.Column('level', sa.String(length=50), nullable=True))
    op.create_table('expectations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('value', sa.String(length=50), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_expectations_person_id_people'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['people.id'], name=op.f('fk_expectations_proposed_by_id_people'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expectations'))
    )
    op.create_index(op.f('ix_expectations_person_id'), 'expectations', ['person_id'], unique=False)
    op.add_column('growth_items', sa.Column('expectation_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('growth_items') as batch:
        batch.drop_column('expectation_id')
    op.drop_index(op.f('ix_expectations_person_id'), table_name='expectations')
    op.drop_table('expectations')
    with op.batch_alter_table('people') as batch:
        batch.drop_column('level')
        batch.drop_column('role')
