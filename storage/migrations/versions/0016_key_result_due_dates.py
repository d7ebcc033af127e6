"""key_result_due_dates: a key result may have a due date of its own (`/goal kr 12 … by 2027-03-31`)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 12:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new nullable column: existing key results keep everything they had (no table rebuild on SQLite).
    op.add_column('key_results', sa.Column('due_date', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('key_results') as batch:
        batch.drop_column('due_date')
