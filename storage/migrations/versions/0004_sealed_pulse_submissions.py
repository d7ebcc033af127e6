"""sealed pulse submissions; existing answers rewritten in a random order; inbound dedup without chat ids

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 10:00:00
"""

import random

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

ANSWERS = sa.table('survey_answers', sa.column('id'), sa.column('round_id'), sa.column('question_id'),
                   sa.column('group_name'), sa.column('score'), sa.column('choice'), sa.column('text'))


def upgrade() -> None:
    op.create_table('survey_submissions',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['survey_rounds.id'], name=op.f('fk_survey_submissions_round_id_survey_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_submissions')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_submissions_round_id'), ['round_id'], unique=False)

    # Not a batch: on SQLite that copies and drops survey_rounds, and the drop would cascade to every answer.
    op.add_column('survey_rounds', sa.Column('published', sa.Boolean(), nullable=False, server_default=sa.false()))

    # Answers written before this revision carry their respondent's xmin (PostgreSQL) and sit in the order they came
    # (file bytes): rewrite them all in one transaction, in a random order. Old row versions stay until VACUUM.
    bind = op.get_bind()
    rows = [dict(row._mapping) for row in bind.execute(sa.select(ANSWERS))]
    random.SystemRandom().shuffle(rows)
    bind.execute(sa.delete(ANSWERS))
    for start in range(0, len(rows), 5000):
        bind.execute(sa.insert(ANSWERS), rows[start:start + 5000])

    # Dedup rows named a personal chat and a time: they now hold a keyed tag of the event, so the old ones go.
    op.execute(sa.text('DELETE FROM inbound_events'))


def downgrade() -> None:
    # Sealed submissions of open rounds cannot be opened here (no key): they are dropped with the table.
    with op.batch_alter_table('survey_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_submissions_round_id'))

    op.drop_table('survey_submissions')
    op.drop_column('survey_rounds', 'published')
