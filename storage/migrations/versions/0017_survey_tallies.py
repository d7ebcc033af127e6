"""survey_tallies: each published pulse round counted once, per question and group

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 12:00:00
"""

from alembic import op
import sqlalchemy as sa

from storage.tallies import tally_rows


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

ANSWERS = sa.table('survey_answers', sa.column('round_id'), sa.column('question_id'), sa.column('group_name'),
                   sa.column('score'), sa.column('choice'))


def upgrade() -> None:
    tallies = op.create_table(
        'survey_tallies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('group_name', sa.String(length=200), nullable=True),
        sa.Column('answered', sa.Integer(), nullable=False),
        sa.Column('scored', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('promoters', sa.Integer(), nullable=False),
        sa.Column('detractors', sa.Integer(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'],
                                name=op.f('fk_survey_tallies_question_id_survey_questions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['round_id'], ['survey_rounds.id'],
                                name=op.f('fk_survey_tallies_round_id_survey_rounds'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_tallies')),
    )
    op.create_index(op.f('ix_survey_tallies_round_id'), 'survey_tallies', ['round_id'], unique=False)
    op.create_index(op.f('ix_survey_tallies_question_id'), 'survey_tallies', ['question_id'], unique=False)

    # Rounds published before this revision: counted once here from their answer rows, as publishing now does.
    columns = (ANSWERS.c.round_id, ANSWERS.c.question_id, ANSWERS.c.group_name, ANSWERS.c.score, ANSWERS.c.choice)
    counts = op.get_bind().execute(sa.select(*columns, sa.func.count()).group_by(*columns)).all()
    rows = tally_rows(tuple(row) for row in counts)
    for start in range(0, len(rows), 5000):
        op.bulk_insert(tallies, rows[start:start + 5000])


def downgrade() -> None:
    op.drop_index(op.f('ix_survey_tallies_question_id'), table_name='survey_tallies')
    op.drop_index(op.f('ix_survey_tallies_round_id'), table_name='survey_tallies')
    op.drop_table('survey_tallies')
