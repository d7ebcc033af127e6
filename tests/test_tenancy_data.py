"""Two organisations with the same emails: check-ins, pulse, digest, the dashboard, an import and an erasure in one
never show, count or touch the other's (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.datarights import erase_person
from bot.orgdir import import_people
from bot.rhythm.scheduler import tick
from bot.signin import verify
from storage.db import Database
from storage.models import Checkin, Kudos, Person, SurveyParticipation, SurveyRound
from tests.conftest import START, Console
from tests.tenancy import SAME_PEOPLE, count, two_workspaces
from tests.web_dashboard import Dashboard

ANA, BO = "ana@example.com", "bo@example.com"
SURVEY = {"key": "health", "title": "Team health", "audience": "everyone", "every_weeks": 2, "weekday": "monday",
          "hour": 10, "open_days": 4, "questions": [{"kind": "scale", "text": "How is your workload?"}]}


async def test_checkins_and_the_digest_count_only_their_own(database: Database, clock, catalogs,
                                                            tmp_path: Path) -> None:
    async with two_workspaces(database, clock, catalogs, tmp_path) as env:
        a, b = Console(env.a.deps), Console(env.b.deps)
        clock.set(datetime(2026, 11, 20, 15, 0, tzinfo=UTC))  # Friday
        await a.type("/checkin", as_=BO)
        for answer in ("Shipped the release", "Next things", "Waiting for review access", "tools", "4"):
            await a.type(answer)
        await a.type("/kudos @bo Great release #teamwork", as_=ANA)
        assert (await count(env.a, Checkin), await count(env.b, Checkin)) == (1, 0)
        clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
        digest_a, digest_b = await a.type("/digest", as_=ANA), await b.type("/digest", as_=ANA)
        assert "Check-ins: 1 of 1 answered" in digest_a and "Waiting for review access" in digest_a
        assert "Check-ins: 0 of 1 answered" in digest_b
        for leaked in ("Waiting for review access", "Great release", "Kudos: 1"):
            assert leaked not in digest_b


async def test_a_pulse_survey_of_one_invites_and_counts_its_own_people(database: Database, clock, catalogs,
                                                                       tmp_path: Path) -> None:
    organisations = {"pulse": {"surveys": [SURVEY], "anonymity_threshold": 3}}
    async with two_workspaces(database, clock, catalogs, tmp_path, overlay_a=organisations) as env:
        opened = START + timedelta(hours=1)  # Monday 10:00 UTC
        assert (await tick(env.a.deps, opened))["pulse.invite"] == 3
        assert not (await tick(env.b.deps, opened))["pulse.invite"]  # its own settings: no survey
        assert (await count(env.a, SurveyRound), await count(env.b, SurveyRound)) == (1, 0)
        assert (await count(env.a, SurveyParticipation), await count(env.b, SurveyParticipation)) == (3, 0)


async def test_the_dashboard_signs_in_to_one_organisation(database: Database, clock, catalogs,
                                                          tmp_path: Path) -> None:
    async with two_workspaces(database, clock, catalogs, tmp_path) as env:
        await Console(env.a.deps).type("/kudos @bo Stellar incident review #teamwork", as_=ANA)
        assert env.deployment.server is not None
        in_a, in_b = Dashboard(env.a.deps, env.deployment.server), Dashboard(env.b.deps, env.deployment.server)
        async with in_a.client(BO) as session:
            assert "Stellar incident review" in (await in_a.get(session, "/dashboard/me"))[1]
        async with in_b.client(BO) as session:  # the same email, the other organisation
            status, html = await in_b.get(session, "/dashboard/me")
            assert status == 200 and "Stellar incident review" not in html
        async with in_a.client() as session:  # a link of one organisation is nothing to the other's key
            token = (await in_a.link(BO)).rsplit("/", 1)[1]
            assert verify(env.a.deps.sealer, "link", token) and verify(env.b.deps.sealer, "link", token) is None
            async with session.post(f"{in_a.url}/dashboard/signin", data={"token": token + "x"}) as response:
                assert response.status == 401


async def test_import_and_erase_in_one_leave_the_other_unchanged(database: Database, clock, catalogs,
                                                                 tmp_path: Path) -> None:
    async with two_workspaces(database, clock, catalogs, tmp_path) as env:
        await Console(env.b.deps).type("/kudos @bo Brave call #courage", as_=ANA)
        (tmp_path / "more.csv").write_text(SAME_PEOPLE + "cy@example.com,Cy Lund,ana@example.com,Apps,UTC,en\n",
                                           encoding="utf-8")
        await import_people(env.a.deps, tmp_path / "more.csv", deactivate_missing=True)
        assert (await count(env.a, Person), await count(env.b, Person)) == (4, 3)
        report = await erase_person(env.a.deps, BO)
        assert report is not None
        async with env.b.deps.uow() as uow:
            assert await uow.people.by_email(BO) is not None  # the other organisation's Bo
        async with env.a.deps.uow() as uow:
            assert await uow.people.by_email(BO) is None
        assert await count(env.b, Kudos) == 1
