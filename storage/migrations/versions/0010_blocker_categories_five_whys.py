"""check-in blockers carry a category; 1:1 entries carry the category of a 5 Whys (why, cause)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs, nullable: rebuilding a table on SQLite would cascade-delete what refers to it.
    op.add_column('checkins', sa.Column('blocker_category', sa.String(length=40), nullable=True))
    op.add_column('one_on_one_entries', sa.Column('category', sa.String(length=40), nullable=True))


def downgrade() -> None:
    for table, column in (('one_on_one_entries', 'category'), ('checkins', 'blocker_category')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
