"""app_installs and oauth_states: Slack installed in many workspaces through OAuth

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 12:00:00
"""

from alembic import op
import sqlalchemy as sa

import storage.models


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'app_installs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform', sa.String(length=20), nullable=False),
        sa.Column('team_id', sa.String(length=40), nullable=False),
        sa.Column('team_name', sa.String(length=200), nullable=True),
        sa.Column('enterprise_id', sa.String(length=40), nullable=True),
        sa.Column('enterprise_name', sa.String(length=200), nullable=True),
        sa.Column('app_id', sa.String(length=40), nullable=True),
        sa.Column('bot_id', sa.String(length=40), nullable=True),
        sa.Column('bot_user_id', sa.String(length=40), nullable=True),
        sa.Column('bot_token', sa.Text(), nullable=True),
        sa.Column('bot_scopes', sa.Text(), nullable=False),
        sa.Column('installer_user_id', sa.String(length=40), nullable=True),
        sa.Column('is_enterprise_install', sa.Boolean(), nullable=False),
        sa.Column('installed_at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_app_installs')),
        sa.UniqueConstraint('platform', 'team_id', name=op.f('uq_app_installs_platform')),
    )
    op.create_table(
        'oauth_states',
        sa.Column('state', sa.String(length=100), nullable=False),
        sa.Column('expires_at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('state', name=op.f('pk_oauth_states')),
    )
    op.create_index(op.f('ix_oauth_states_expires_at'), 'oauth_states', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_oauth_states_expires_at'), table_name='oauth_states')
    op.drop_table('oauth_states')
    op.drop_table('app_installs')
