"""organisations: the registry of the organisations one deployment serves, each in its own namespace

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 12:00:00
"""

from alembic import op
import sqlalchemy as sa

import storage.models


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'organisations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('slack_team', sa.String(length=64), nullable=True),
        sa.Column('teams_tenant', sa.String(length=64), nullable=True),
        sa.Column('namespace', sa.String(length=300), nullable=False),
        sa.Column('installer_email', sa.String(length=320), nullable=True),
        sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
        sa.UniqueConstraint('slug', name=op.f('uq_organisations_slug')),
        sa.UniqueConstraint('slack_team', name=op.f('uq_organisations_slack_team')),
        sa.UniqueConstraint('teams_tenant', name=op.f('uq_organisations_teams_tenant')),
    )


def downgrade() -> None:
    op.drop_table('organisations')
