"""platforms: outbox retries, stale claims, inbound event dedup, account reachability

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 15:20:00
"""

from alembic import op
import sqlalchemy as sa
import storage.models


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbound_events',
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('event_id', sa.String(length=200), nullable=False),
    sa.Column('received_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'event_id', name=op.f('pk_inbound_events'))
    )
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_events_received_at'), ['received_at'], unique=False)

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refreshed_at', storage.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('unreachable_at', storage.models.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', storage.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', storage.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.drop_index('ix_deliveries_pending')
        batch_op.create_index('ix_deliveries_unsent', ['id'], unique=False,
                              postgresql_where=sa.text(storage.models.UNSENT), sqlite_where=sa.text(storage.models.UNSENT))


def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_unsent')
        batch_op.create_index('ix_deliveries_pending', ['status', 'id'], unique=False)
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('next_attempt_at')

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('unreachable_at')
        batch_op.drop_column('refreshed_at')

    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_events_received_at'))

    op.drop_table('inbound_events')
