"""objectives at three levels with key results; development plans; 1:1s count their meetings

Every existing goal becomes a personal objective with one 0–100 % key result at its progress, and its progress
updates become that key result's updates (the old goal_updates rows are kept as they were).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 10:00:00
"""

from alembic import op
import sqlalchemy as sa

import storage.models


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs and new tables: rebuilding a table on SQLite would cascade-delete what refers to it.
    op.add_column('goals', sa.Column('level', sa.String(length=10), nullable=False, server_default='personal'))
    op.add_column('goals', sa.Column('team_id', sa.Integer(), nullable=True))
    op.add_column('goals', sa.Column('parent_id', sa.Integer(), nullable=True))
    op.add_column('goals', sa.Column('quarter', sa.String(length=7), nullable=True))
    op.create_index(op.f('ix_goals_parent_id'), 'goals', ['parent_id'], unique=False)
    op.add_column('one_on_ones', sa.Column('held_count', sa.Integer(), nullable=True))
    op.create_table('key_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('start', sa.Float(), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('current', sa.Float(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('confidence', sa.String(length=10), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_key_results_goal_id_goals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_results')),
    sa.UniqueConstraint('goal_id', 'position', name=op.f('uq_key_results_goal_id'))
    )
    op.create_index(op.f('ix_key_results_goal_id'), 'key_results', ['goal_id'], unique=False)
    op.create_table('key_result_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_result_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('confidence', sa.String(length=10), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['key_result_id'], ['key_results.id'],
                            name=op.f('fk_key_result_updates_key_result_id_key_results'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_result_updates'))
    )
    op.create_index(op.f('ix_key_result_updates_key_result_id'), 'key_result_updates', ['key_result_id'],
                    unique=False)
    op.create_table('growth_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('how', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('agreed_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_growth_items_person_id_people'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_growth_items'))
    )
    op.create_index(op.f('ix_growth_items_person_id'), 'growth_items', ['person_id'], unique=False)
    op.create_table('growth_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['growth_items.id'], name=op.f('fk_growth_notes_item_id_growth_items'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['people.id'], name=op.f('fk_growth_notes_author_id_people'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_growth_notes'))
    )
    op.create_index(op.f('ix_growth_notes_item_id'), 'growth_notes', ['item_id'], unique=False)
    migrate_goals()


def migrate_goals() -> None:
    """A goal with a percentage is an objective with one 0–100 % key result; its updates are that key result's."""
    goals = sa.table('goals', sa.column('id'), sa.column('title'), sa.column('progress'), sa.column('created_at'),
                     sa.column('updated_at'))
    updates = sa.table('goal_updates', sa.column('goal_id'), sa.column('progress'), sa.column('note'),
                       sa.column('created_at'), sa.column('id'))
    krs = sa.table('key_results', sa.column('id'), sa.column('goal_id'), sa.column('position'), sa.column('title'),
                   sa.column('start'), sa.column('target'), sa.column('unit'), sa.column('current'),
                   sa.column('weight'), sa.column('status'), sa.column('created_at'), sa.column('updated_at'))
    kr_updates = sa.table('key_result_updates', sa.column('key_result_id'), sa.column('value'), sa.column('note'),
                          sa.column('created_at'))
    op.execute(krs.insert().from_select(
        ['goal_id', 'position', 'title', 'start', 'target', 'unit', 'current', 'weight', 'status', 'created_at',
         'updated_at'],
        sa.select(goals.c.id, sa.literal(1), goals.c.title, sa.literal(0.0), sa.literal(100.0), sa.literal('%'),
                  sa.cast(goals.c.progress, sa.Float), sa.literal(1.0), sa.literal('open'), goals.c.created_at,
                  goals.c.updated_at)))
    op.execute(kr_updates.insert().from_select(
        ['key_result_id', 'value', 'note', 'created_at'],
        sa.select(krs.c.id, sa.cast(updates.c.progress, sa.Float), updates.c.note, updates.c.created_at)
        .select_from(updates.join(krs, krs.c.goal_id == updates.c.goal_id)).order_by(updates.c.id)))


def downgrade() -> None:
    op.drop_index(op.f('ix_growth_notes_item_id'), table_name='growth_notes')
    op.drop_table('growth_notes')
    op.drop_index(op.f('ix_growth_items_person_id'), table_name='growth_items')
    op.drop_table('growth_items')
    op.drop_index(op.f('ix_key_result_updates_key_result_id'), table_name='key_result_updates')
    op.drop_table('key_result_updates')
    op.drop_index(op.f('ix_key_results_goal_id'), table_name='key_results')
    op.drop_table('key_results')
    op.drop_index(op.f('ix_goals_parent_id'), table_name='goals')
    for table, column in (('one_on_ones', 'held_count'), ('goals', 'quarter'), ('goals', 'parent_id'),
                          ('goals', 'team_id'), ('goals', 'level')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
