"""people can be deactivated and keep their own language choice; surveys keep their zone and translated questions

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:00:00
"""

from alembic import op
import sqlalchemy as sa

import storage.models


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs, all nullable: rebuilding a table on SQLite would cascade-delete what refers to it.
    op.add_column('people', sa.Column('deactivated_at', storage.models.UTCDateTime(timezone=True), nullable=True))
    op.add_column('people', sa.Column('locale_chosen_at', storage.models.UTCDateTime(timezone=True), nullable=True))
    op.add_column('surveys', sa.Column('timezone', sa.String(length=64), nullable=True))
    op.add_column('survey_questions', sa.Column('texts', sa.JSON(), nullable=True))


def downgrade() -> None:
    for table, column in (('survey_questions', 'texts'), ('surveys', 'timezone'), ('people', 'locale_chosen_at'),
                          ('people', 'deactivated_at')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
