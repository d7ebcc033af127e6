"""The digest's queries take id lists of any length: asyncpg allows 32,767 bound parameters a statement, and the
organisation-wide digest of a large organisation passes everyone's id (twice, for kudos given and received)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.kernel.visibility import by_manager, own_teams, own_teams_by_manager
from storage.digest_queries import FEW, DigestQueries, among
from storage.models import Checkin, Kudos, KudosRecipient, Person, Survey, SurveyParticipation, SurveyRound, Team
from storage.quality_queries import QualityQueries

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


async def test_a_week_of_check_ins_is_read_as_who_did_not_answer_and_who_named_a_blocker(database):
    """The digest reads the exceptions, not every answer: the missing, and the blockers that say something; the
    Pareto's counts summed over the weeks are the sum of its weekly counts."""
    async with database.transaction() as session:
        ana = person("Ana")
        session.add(ana)
        await session.flush()
        bo, cy, dan, eve = (person(name, ana) for name in ("Bo", "Cy", "Dan", "Eve"))
        session.add_all([bo, cy, dan, eve])
        await session.flush()

        def checkin(who: Person, period: str, blockers: str | None, category: str | None = None) -> Checkin:
            return Checkin(person_id=who.id, period=period, answers={}, mood=3, blockers=blockers,
                           blocker_category=category, submitted_at=AT)
        session.add_all([checkin(bo, "2026-W47", "Waiting for review", "review"), checkin(cy, "2026-W47", ""),
                         checkin(dan, "2026-W47", None), checkin(eve, "2026-W46", "Builds", "tooling"),
                         checkin(bo, "2026-W46", "Still review", "review")])
        await session.flush()
        queries, team = QualityQueries(session), [bo.id, cy.id, dan.id, eve.id]
        assert await queries.unanswered(team, "2026-W47") == {eve.id}
        assert await queries.unanswered(team, "2026-W46") == {cy.id, dan.id}
        assert sorted(await queries.blockers(team, ["2026-W47"])) == [(bo.id, "2026-W47", "Waiting for review")]
        # The same people as Ana's reports (a batch of managers' digests reads them by their manager)
        weeks = ["2026-W46", "2026-W47"]
        assert await queries.unanswered(team, "2026-W46", [ana.id]) == {cy.id, dan.id}
        assert sorted(await queries.blockers(team, weeks, [ana.id])) == [
            (bo.id, "2026-W46", "Still review"), (bo.id, "2026-W47", "Waiting for review"),
            (eve.id, "2026-W46", "Builds")]
        weekly = await queries.blocker_categories([ana.id], weeks)
        assert sorted(await queries.blocker_categories([ana.id], weeks, per_week=False)) == [(ana.id, "", "review", 2),
                                                                          (ana.id, "", "tooling", 1)]
        assert sum(row.count for row in weekly) == 3 and {row.period for row in weekly} == set(weeks)


async def test_the_pulse_reads_teams_by_manager_and_who_was_not_asked_as_every_row_says(database):
    """A digest batch reads each team's people grouped by manager, and the rounds its readers were not asked in: the
    same own teams, and the same rounds asked, as one row a person would give."""
    async with database.transaction() as session:
        apps, design = Team(name="Apps"), Team(name="Design")
        session.add_all([apps, design])
        await session.flush()
        ana = person("Ana")
        ana.team_id = apps.id
        session.add(ana)
        await session.flush()
        bo, cy, dan, eve = person("Bo", ana), person("Cy", ana), person("Dan", ana), person("Eve")
        bo.team_id, cy.team_id, dan.team_id, eve.team_id = apps.id, apps.id, design.id, design.id
        session.add_all([bo, cy, dan, eve])
        await session.flush()
        queries = DigestQueries(session)
        members, managers = await queries.team_members(), await queries.team_managers()
        assert managers == {name: by_manager(people) for name, people in members.items()}
        assert managers["Apps"] == {None: (1, ana.id), ana.id: (2, min(bo.id, cy.id))}
        assert await queries.team_managers(["Design"]) == {"Design": {ana.id: (1, dan.id), None: (1, eve.id)}}
        for viewer in (ana.id, bo.id, eve.id):
            assert own_teams_by_manager(viewer, managers, ["Apps", "Design"]) == own_teams(
                viewer, members, ["Apps", "Design"])
        assert own_teams(ana.id, members, ["Apps", "Design"]) == {"Apps"}  # Design holds Eve, who reports to nobody

        survey = Survey(key="health", title="Health", created_at=AT)
        session.add(survey)
        await session.flush()
        first, second = (SurveyRound(survey_id=survey.id, number=n, opens_at=AT, closes_at=AT) for n in (1, 2))
        session.add_all([first, second])
        await session.flush()
        session.add_all([SurveyParticipation(round_id=rnd.id, person_id=who.id, answered=False)
                         for rnd, who in [(first, ana), (second, ana), (first, bo), (second, cy)]])
        await session.flush()
        rounds, people = [first.id, second.id], [ana.id, bo.id, cy.id, dan.id]
        asked, not_asked = await queries.asked(rounds, people), await queries.not_asked(rounds, people)
        assert not_asked == {bo.id: {second.id}, cy.id: {first.id}, dan.id: {first.id, second.id}}
        assert asked == {who: frozenset(rounds) - not_asked.get(who, frozenset()) for who in people
                         if not_asked.get(who) != frozenset(rounds)}
