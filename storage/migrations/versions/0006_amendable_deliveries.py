"""deliveries remember what they are about and what the platform said, so they can be withdrawn or replaced

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: rebuilding deliveries on SQLite would copy the whole outbox for nothing.
    op.add_column('deliveries', sa.Column('subject', sa.String(length=60), nullable=True))
    op.add_column('deliveries', sa.Column('receipt', sa.JSON(), nullable=True))
    op.add_column('deliveries', sa.Column('amends_id', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_deliveries_subject'), 'deliveries', ['subject'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_deliveries_subject'), table_name='deliveries')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('amends_id')
        batch_op.drop_column('receipt')
        batch_op.drop_column('subject')
