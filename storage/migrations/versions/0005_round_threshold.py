"""pulse rounds keep the anonymity threshold their invitation promised

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-24 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: rounds opened before this revision promised no stored value and fall back to the configuration.
    # A plain ADD COLUMN: rebuilding survey_rounds on SQLite would cascade-delete every answer of every round.
    op.add_column('survey_rounds', sa.Column('anonymity_threshold', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('survey_rounds', schema=None) as batch_op:
        batch_op.drop_column('anonymity_threshold')
