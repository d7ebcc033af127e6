"""The digest's queries take id lists of any length: asyncpg allows 32,767 bound parameters a statement, and the
organisation-wide digest of a large organisation passes everyone's id (twice, for kudos given and received)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.digest_queries import FEW, DigestQueries, among
from storage.models import Kudos, KudosRecipient, Person

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MANY = 40_000  # ids: more than the parameter limit, and twice that in `kudos_involving`


def person(name: str, manager: Person | None = None) -> Person:
    return Person(email=f"{name.lower()}@example.com", name=name, created_at=AT,
                  manager_id=manager.id if manager else None)


async def test_id_lists_longer_than_the_bind_parameter_limit(database):
    async with database.transaction() as session:
        ana = person("Ana")
        session.add(ana)
        await session.flush()
        bo, cy, dan = person("Bo", ana), person("Cy", ana), person("Dan")
        session.add_all([bo, cy, dan])
        await session.flush()
        session.add_all([Kudos(giver_id=bo.id, message="Thanks", created_at=AT - timedelta(days=1),
                               recipients=[KudosRecipient(person_id=cy.id)]),
                         Kudos(giver_id=dan.id, message="Not ours", created_at=AT - timedelta(days=1),
                               recipients=[KudosRecipient(person_id=dan.id)])])
        await session.flush()
        unknown = list(range(10**6, 10**6 + MANY))  # nobody has these ids
        queries = DigestQueries(session)
        rows = await queries.kudos_involving([cy.id, *unknown], AT - timedelta(days=7), AT)
        assert [(r.giver_id, r.recipient_id, r.message) for r in rows] == [(bo.id, cy.id, "Thanks")]
        assert set(await queries.members([ana.id, bo.id, *unknown])) == {ana.id, bo.id}
        assert [m.name for m in (await queries.reports([ana.id, *unknown]))[ana.id]] == ["Bo", "Cy"]
        many = await session.scalars(select(Person.name).where(among(session, Person.id, [dan.id, *unknown])))
        few = await session.scalars(select(Person.name).where(among(session, Person.id, [dan.id, cy.id][:FEW])))
        assert list(many) == ["Dan"] and sorted(few) == ["Cy", "Dan"]
