"""org_imports: the report of the last org directory import, for the admin page

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 12:00:00
"""

from alembic import op
import sqlalchemy as sa

import storage.models


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'org_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('imported_at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('refused', sa.Boolean(), nullable=False),
        sa.Column('added', sa.Integer(), nullable=False),
        sa.Column('updated', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('deactivated', sa.Integer(), nullable=False),
        sa.Column('missing', sa.Integer(), nullable=False),
        sa.Column('problems', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_org_imports')),
    )


def downgrade() -> None:
    op.drop_table('org_imports')
