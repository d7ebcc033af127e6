"""recognition kudos are given by feedbot: a nullable giver, and the facts (idea, effect) instead of a sentence

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Callable
from typing import Any

from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

SHORT = 80  # as bot.ideas.idea.short cut an idea's text when this was written
KEPT = ('kudos_recipients', 'kudos_values')  # the rows that refer to kudos (besides idea_recognitions.kudos_id)
KUDOS = sa.table('kudos', sa.column('id', sa.Integer()), sa.column('giver_id', sa.Integer()),
                 sa.column('idea_id', sa.Integer()), sa.column('message', sa.Text()),
                 sa.column('effect', sa.JSON(none_as_null=True)))  # no measure: SQL NULL, not JSON null


def short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SHORT:
        return text
    cut = text[:SHORT]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut[:-1]) + "…"


def rebuild_kudos(change: Callable[[Any], None]) -> None:
    """Alter the kudos table. On SQLite that rebuilds it, and dropping the old table cascades to every row that refers
    to it (foreign keys are on, and cannot be turned off inside the migration's transaction): those rows are kept
    aside and put back."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    if sqlite:
        for table in KEPT:
            bind.exec_driver_sql(f'CREATE TEMP TABLE keep_{table} AS SELECT * FROM {table}')
        bind.exec_driver_sql('CREATE TEMP TABLE keep_recognitions AS SELECT idea_id, kudos_id FROM idea_recognitions')
    with op.batch_alter_table('kudos', schema=None) as batch_op:
        change(batch_op)
    if sqlite:
        for table in KEPT:
            bind.exec_driver_sql(f'DELETE FROM {table}')
            bind.exec_driver_sql(f'INSERT INTO {table} SELECT * FROM keep_{table}')
            bind.exec_driver_sql(f'DROP TABLE keep_{table}')
        bind.exec_driver_sql('UPDATE idea_recognitions SET kudos_id = (SELECT k.kudos_id FROM keep_recognitions k '
                             'WHERE k.idea_id = idea_recognitions.idea_id)')
        bind.exec_driver_sql('DROP TABLE keep_recognitions')


def upgrade() -> None:
    def change(batch_op: Any) -> None:
        batch_op.alter_column('giver_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('idea_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('effect', sa.JSON(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_kudos_idea_id_ideas'), 'ideas', ['idea_id'], ['id'], ondelete='SET NULL')

    rebuild_kudos(change)
    # Recognitions stored before: the adopter was their giver and the sentence was in the organisation's language.
    # Now feedbot gives them, and they keep the idea, its gist with the value tag, and the effect at that time.
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        'SELECT r.kudos_id, r.idea_id, i.text, m.baseline, m.target, m.unit, '
        '(SELECT v.value FROM kudos_values v WHERE v.kudos_id = r.kudos_id ORDER BY v.value LIMIT 1), '
        '(SELECT x.value FROM idea_results x WHERE x.idea_id = r.idea_id AND x.created_at <= r.created_at '
        ' ORDER BY x.created_at DESC, x.id DESC LIMIT 1) '
        'FROM idea_recognitions r JOIN ideas i ON i.id = r.idea_id '
        'LEFT JOIN idea_measures m ON m.idea_id = r.idea_id WHERE r.kudos_id IS NOT NULL')).all()
    for kudos_id, idea_id, text, baseline, target, unit, value, result in rows:
        effect = None if baseline is None else {"baseline": baseline, "target": target, "unit": unit,
                                                "result": result}
        message = short(text) + (f" #{value}" if value else "")
        bind.execute(KUDOS.update().where(KUDOS.c.id == kudos_id).values(
            giver_id=None, idea_id=idea_id, effect=effect, message=message))


def downgrade() -> None:
    # An older feedbot needs a giver: the idea's owner, else its first recipient; with neither the recognition goes.
    # Its sentence is written back in English, without the effect (the numbers are lost).
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        'SELECT k.id, k.idea_id, k.message, COALESCE(i.owner_id, '
        '(SELECT min(p.person_id) FROM kudos_recipients p WHERE p.kudos_id = k.id)) '
        'FROM kudos k LEFT JOIN ideas i ON i.id = k.idea_id WHERE k.giver_id IS NULL')).all()
    for kudos_id, idea_id, message, giver_id in rows:
        if giver_id is None:
            for table in KEPT:
                bind.execute(sa.text(f'DELETE FROM {table} WHERE kudos_id = :id'), {"id": kudos_id})
            bind.execute(sa.text('UPDATE idea_recognitions SET kudos_id = NULL WHERE kudos_id = :id'), {"id": kudos_id})
            bind.execute(KUDOS.delete().where(KUDOS.c.id == kudos_id))
            continue
        old = f"Thank you for idea #{idea_id}, adopted — {message}" if idea_id is not None else message
        bind.execute(KUDOS.update().where(KUDOS.c.id == kudos_id).values(giver_id=giver_id, message=old))

    def change(batch_op: Any) -> None:
        batch_op.drop_constraint(op.f('fk_kudos_idea_id_ideas'), type_='foreignkey')
        batch_op.drop_column('effect')
        batch_op.drop_column('idea_id')
        batch_op.alter_column('giver_id', existing_type=sa.Integer(), nullable=False)

    rebuild_kudos(change)
