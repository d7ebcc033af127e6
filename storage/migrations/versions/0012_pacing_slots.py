"""pacing_slots: the send budgets replicas share on PostgreSQL when there is no Redis

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pacing_slots',
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('next_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_pacing_slots')),
    )


def downgrade() -> None:
    op.drop_table('pacing_slots')
